// AllergyIntolerance: clinical / verification status, type allergy, category, code, onset,
// reactions.
#include <array>
#include <string>
#include <string_view>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {
namespace {

constexpr std::string_view kClinical =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";

std::string_view category_code(record::AllergyCategory c) {
  switch (c) {
    case record::AllergyCategory::kFood:
      return "food";
    case record::AllergyCategory::kMedication:
      return "medication";
    case record::AllergyCategory::kEnvironment:
      return "environment";
    case record::AllergyCategory::kBiologic:
      return "biologic";
  }
  return "environment";
}

void write_reactions(JsonWriter& w, const record::Allergy& a) {
  if (a.reactions.empty()) return;
  w.key("reaction");
  w.begin_array();
  for (const record::Code& reaction : a.reactions) {
    w.begin_object();
    detail::write_concept_list(w, "manifestation", reaction);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

void render_allergy_intolerance(const detail::PatientContext& ctx, size_t i,
                                const detail::ResourceRef& self, JsonWriter& w) {
  const record::Allergy& a = ctx.record().allergies[i];
  static const std::string kMeta = detail::meta_profiles(
      "http://hl7.org/fhir/us/core/StructureDefinition/us-core-allergyintolerance");
  static const std::string kActive = detail::json_text(
      [](JsonWriter& x) { detail::write_concept(x, kClinical, "active", "Active"); });
  static const std::string kResolved = detail::json_text(
      [](JsonWriter& x) { detail::write_concept(x, kClinical, "resolved", "Resolved"); });
  static const std::string kConfirmed = detail::json_text([](JsonWriter& x) {
    detail::write_concept(x,
                          "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                          "confirmed", "Confirmed");
  });
  w.begin_object();
  w.field("resourceType", JsonPlain{"AllergyIntolerance"});
  w.field("id", JsonPlain{self.id()});
  w.key("meta");
  w.raw(kMeta);
  w.key("clinicalStatus");
  w.raw(a.resolved ? kResolved : kActive);
  w.key("verificationStatus");
  w.raw(kConfirmed);
  w.field("type", JsonPlain{"allergy"});
  w.key("category");
  w.begin_array();
  w.value(category_code(a.category));
  w.end_array();
  detail::write_concept_member(w, "code", a.code, ctx.concepts());
  detail::write_reference(w, "patient", ctx.patient());
  detail::write_reference(w, "encounter", ctx.encounter(a.encounter, "allergy", i));
  const detail::IsoText onset(a.onset);
  w.field("onsetDateTime", JsonPlain{onset.view()});
  w.field("recordedDate", JsonPlain{onset.view()});
  write_reactions(w, a);
  w.end_object();
}

}  // namespace fos::fhir
