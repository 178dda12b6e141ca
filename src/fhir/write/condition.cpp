// Condition: clinical and verification status, encounter-diagnosis category, code, onset,
// abatement.
#include <string>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {
namespace {

constexpr std::string_view kClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";

}  // namespace

void render_condition(const detail::PatientContext& ctx, size_t i, const detail::ResourceRef& self,
                      JsonWriter& w) {
  const record::Condition& c = ctx.record().conditions[i];
  static const std::string kMeta =
      detail::meta_profiles("http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition");
  static const std::string kActive = detail::json_text(
      [](JsonWriter& x) { detail::write_concept(x, kClinical, "active", "Active"); });
  static const std::string kResolved = detail::json_text(
      [](JsonWriter& x) { detail::write_concept(x, kClinical, "resolved", "Resolved"); });
  static const std::string kConfirmed = detail::json_text([](JsonWriter& x) {
    detail::write_concept(x, "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                          "confirmed", "Confirmed");
  });
  static const std::string kCategory = detail::json_text([](JsonWriter& x) {
    x.begin_array();
    detail::write_concept(x, "http://terminology.hl7.org/CodeSystem/condition-category",
                          "encounter-diagnosis", "Encounter Diagnosis");
    x.end_array();
  });
  w.begin_object();
  w.field("resourceType", JsonPlain{"Condition"});
  w.field("id", JsonPlain{self.id()});
  w.key("meta");
  w.raw(kMeta);
  w.key("clinicalStatus");
  w.raw(c.abatement ? kResolved : kActive);
  w.key("verificationStatus");
  w.raw(kConfirmed);
  w.key("category");
  w.raw(kCategory);
  detail::write_concept_member(w, "code", c.code, ctx.concepts());
  detail::write_reference(w, "subject", ctx.patient());
  detail::write_reference(w, "encounter", ctx.encounter(c.encounter, "condition", i));
  const detail::IsoText onset(c.onset);
  w.field("onsetDateTime", JsonPlain{onset.view()});
  if (c.abatement) detail::write_instant(w, "abatementDateTime", *c.abatement);
  w.field("recordedDate", JsonPlain{onset.view()});
  w.end_object();
}

}  // namespace fos::fhir
