// Observation: category, LOINC code, subject, encounter, time, one value or components.
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {
namespace {

using record::ObservationCategory;

constexpr std::string_view kCategorySystem =
    "http://terminology.hl7.org/CodeSystem/observation-category";
constexpr std::string_view kVitalSigns = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
constexpr std::string_view kUsCoreLab =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab";

struct Category {
  std::string_view code;
  std::string_view display;
};

Category category_code(ObservationCategory c) {
  switch (c) {
    case ObservationCategory::kVitalSigns:
      return {"vital-signs", "Vital Signs"};
    case ObservationCategory::kLaboratory:
      return {"laboratory", "Laboratory"};
    case ObservationCategory::kSurvey:
      return {"survey", "Survey"};
    case ObservationCategory::kSocialHistory:
      return {"social-history", "Social History"};
    case ObservationCategory::kExam:
      return {"exam", "Exam"};
    case ObservationCategory::kImaging:
      return {"imaging", "Imaging"};
    case ObservationCategory::kProcedure:
      return {"procedure", "Procedure"};
  }
  return {"exam", "Exam"};
}

// The FHIR R4 vital-sign profile of a LOINC code, or the pediatric BMI profile
// of US Core; empty when only the generic vital-signs profile applies.
std::string_view vital_sign_profile(std::string_view loinc) {
  struct Entry {
    std::string_view code;
    std::string_view profile;
  };
  static constexpr Entry kProfiles[] = {
      {"85354-9", "http://hl7.org/fhir/StructureDefinition/bp"},
      {"8302-2", "http://hl7.org/fhir/StructureDefinition/bodyheight"},
      {"29463-7", "http://hl7.org/fhir/StructureDefinition/bodyweight"},
      {"39156-5", "http://hl7.org/fhir/StructureDefinition/bmi"},
      {"9843-4", "http://hl7.org/fhir/StructureDefinition/headcircum"},
      {"8867-4", "http://hl7.org/fhir/StructureDefinition/heartrate"},
      {"9279-1", "http://hl7.org/fhir/StructureDefinition/resprate"},
      {"8310-5", "http://hl7.org/fhir/StructureDefinition/bodytemp"},
      {"2708-6", "http://hl7.org/fhir/StructureDefinition/oxygensat"},
      {"59576-9", "http://hl7.org/fhir/us/core/StructureDefinition/pediatric-bmi-for-age"},
  };
  for (const auto& e : kProfiles) {
    if (e.code == loinc) return e.profile;
  }
  return {};
}

void write_meta(JsonWriter& w, const record::Observation& obs) {
  if (obs.category == ObservationCategory::kVitalSigns) {
    detail::write_profiles(w, kVitalSigns, vital_sign_profile(obs.code.code));
  } else if (obs.category == ObservationCategory::kLaboratory) {
    detail::write_profiles(w, kUsCoreLab);
  }
}

// Throws when a value[x] choice would be written twice (FHIR allows one).
void check_one_value(const record::PatientRecord& record, size_t i, int values) {
  if (values <= 1) return;
  fail(ErrorKind::kMapping, "patient " + std::to_string(record.person.index) + ", observation " +
                                std::to_string(i) + ": more than one value (FHIR allows one)");
}

template <typename T>
void write_value(JsonWriter& w, const T& part) {
  if (part.quantity) {
    w.key("valueQuantity");
    detail::write_quantity(w, *part.quantity);
  } else if (part.value_code) {
    w.key("valueCodeableConcept");
    detail::write_concept(w, *part.value_code);
  }
}

void write_components(JsonWriter& w, const record::PatientRecord& record, size_t i) {
  const record::Observation& obs = record.observations[i];
  if (obs.components.empty()) return;
  w.key("component");
  w.begin_array();
  for (const auto& part : obs.components) {
    check_one_value(record, i, (part.quantity ? 1 : 0) + (part.value_code ? 1 : 0));
    w.begin_object();
    w.key("code");
    detail::write_concept(w, part.code);
    write_value(w, part);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

void render_observation(const detail::PatientContext& ctx, size_t i,
                        const detail::ResourceRef& self, JsonWriter& w) {
  const record::PatientRecord& record = ctx.record();
  const record::Observation& obs = record.observations[i];
  check_one_value(record, i,
                  (obs.quantity ? 1 : 0) + (obs.value_code ? 1 : 0) + (obs.value_text ? 1 : 0));
  const Category category = category_code(obs.category);
  w.begin_object();
  w.field("resourceType", "Observation");
  w.field("id", self.id());
  write_meta(w, obs);
  w.field("status", "final");
  w.key("category");
  w.begin_array();
  detail::write_concept(w, kCategorySystem, category.code, category.display);
  w.end_array();
  w.key("code");
  detail::write_concept(w, obs.code);
  detail::write_reference(w, "subject", ctx.patient());
  detail::write_reference(w, "encounter", ctx.encounter(obs.encounter, "observation", i));
  detail::write_instant(w, "effectiveDateTime", obs.effective);
  detail::write_instant(w, "issued", obs.effective);
  write_value(w, obs);
  if (obs.value_text) w.field("valueString", *obs.value_text);
  write_components(w, record, i);
  w.end_object();
}

}  // namespace fos::fhir
