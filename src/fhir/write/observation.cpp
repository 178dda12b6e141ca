// Observation: category, LOINC code, subject, encounter, time, one value or components.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

constexpr int kCategoryCount = 7;

// The value of "category" per ObservationCategory, made once.
const std::string& category_json(ObservationCategory c) {
  static const std::array<std::string, kCategoryCount> kTexts = [] {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, kCategoryCount>
        kCodes = {{{"vital-signs", "Vital Signs"},
                   {"laboratory", "Laboratory"},
                   {"survey", "Survey"},
                   {"social-history", "Social History"},
                   {"exam", "Exam"},
                   {"imaging", "Imaging"},
                   {"procedure", "Procedure"}}};
    std::array<std::string, kCategoryCount> texts;
    for (int i = 0; i < kCategoryCount; ++i) {
      texts[i] = detail::json_text([&](JsonWriter& w) {
        w.begin_array();
        detail::write_concept(w, kCategorySystem, kCodes[i].first, kCodes[i].second);
        w.end_array();
      });
    }
    return texts;
  }();
  return kTexts[static_cast<size_t>(c)];
}

// The members between the id and the code, made once per kind of observation:
// `"meta":<meta>,` when `meta` is not empty, then status and category.
std::string head_members(std::string_view meta, ObservationCategory c) {
  std::string out;
  if (!meta.empty()) out.append(R"("meta":)").append(meta).push_back(',');
  out.append(R"("status":"final","category":)").append(category_json(c));
  return out;
}

// A LOINC code of up to eight characters as one number (zero-padded), so the profile
// lookup compares integers; longer codes (none has a profile) give 0.
uint64_t loinc_key(std::string_view loinc) {
  if (loinc.empty() || loinc.size() > 8) return 0;
  uint64_t key = 0;
  for (const char c : loinc) key = (key << 8) | static_cast<unsigned char>(c);
  return key;
}

struct VitalSignProfile {
  uint64_t loinc = 0;  // loinc_key
  std::string head;    // head_members with the profile's meta
};

// meta.profile of a vital sign: the generic vital-signs profile plus the FHIR R4
// profile of its LOINC code (or US Core's pediatric BMI profile) when there is one.
std::vector<VitalSignProfile> make_vital_sign_profiles() {
  static constexpr std::pair<std::string_view, std::string_view> kProfiles[] = {
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
  std::vector<VitalSignProfile> out;
  for (const auto& [code, profile] : kProfiles) {
    out.push_back({loinc_key(code), head_members(detail::meta_profiles(kVitalSigns, profile),
                                                 ObservationCategory::kVitalSigns)});
  }
  return out;
}

const std::string& vital_sign_head(std::string_view loinc) {
  static const std::vector<VitalSignProfile> kProfiles = make_vital_sign_profiles();
  static const std::string kGeneric =
      head_members(detail::meta_profiles(kVitalSigns), ObservationCategory::kVitalSigns);
  const uint64_t key = loinc_key(loinc);
  for (const auto& p : kProfiles) {
    if (p.loinc == key) return p.head;
  }
  return kGeneric;
}

// meta (vital signs and laboratory results have profiles), status and category.
const std::string& observation_head(const record::Observation& obs) {
  static const std::array<std::string, kCategoryCount> kHeads = [] {
    std::array<std::string, kCategoryCount> heads;
    for (int i = 0; i < kCategoryCount; ++i) {
      const auto c = static_cast<ObservationCategory>(i);
      const std::string meta =
          c == ObservationCategory::kLaboratory ? detail::meta_profiles(kUsCoreLab) : "";
      heads[i] = head_members(meta, c);
    }
    return heads;
  }();
  if (obs.category == ObservationCategory::kVitalSigns) return vital_sign_head(obs.code.code);
  return kHeads[static_cast<size_t>(obs.category)];
}

// Throws when a value[x] choice would be written twice (FHIR allows one).
void check_one_value(const record::PatientRecord& record, size_t i, int values) {
  if (values <= 1) return;
  fail(ErrorKind::kMapping, "patient " + std::to_string(record.person.index) + ", observation " +
                                std::to_string(i) + ": more than one value (FHIR allows one)");
}

template <typename T>
void write_value(JsonWriter& w, const T& part, detail::ConceptCache* concepts) {
  if (part.quantity) {
    w.key("valueQuantity");
    detail::write_quantity(w, *part.quantity, concepts);
  } else if (part.value_code) {
    detail::write_concept_member(w, "valueCodeableConcept", *part.value_code, concepts);
  }
}

void write_components(JsonWriter& w, const detail::PatientContext& ctx, size_t i) {
  const record::PatientRecord& record = ctx.record();
  const record::Observation& obs = record.observations[i];
  if (obs.components.empty()) return;
  w.key("component");
  w.begin_array();
  for (const auto& part : obs.components) {
    check_one_value(record, i, (part.quantity ? 1 : 0) + (part.value_code ? 1 : 0));
    w.begin_object();
    detail::write_concept_member(w, "code", part.code, ctx.concepts());
    write_value(w, part, ctx.concepts());
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
  w.begin_object();
  w.field("resourceType", JsonPlain{"Observation"});
  w.field("id", JsonPlain{self.id()});
  w.raw_members(observation_head(obs));
  detail::write_concept_member(w, "code", obs.code, ctx.concepts());
  detail::write_reference(w, "subject", ctx.patient());
  detail::write_reference(w, "encounter", ctx.encounter(obs.encounter, "observation", i));
  const detail::IsoText effective(obs.effective);
  w.field("effectiveDateTime", JsonPlain{effective.view()});
  w.field("issued", JsonPlain{effective.view()});
  write_value(w, obs, ctx.concepts());
  if (obs.value_text && !obs.value_text->empty()) w.field("valueString", *obs.value_text);
  write_components(w, ctx, i);
  w.end_object();
}

}  // namespace fos::fhir
