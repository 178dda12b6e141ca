// Immunization: CVX vaccine code, patient, encounter, date.
#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {

void render_immunization(const detail::PatientContext& ctx, size_t i,
                         const detail::ResourceRef& self, JsonWriter& w) {
  const record::Immunization& imm = ctx.record().immunizations[i];
  w.begin_object();
  w.field("resourceType", JsonPlain{"Immunization"});
  w.field("id", JsonPlain{self.id()});
  static const std::string kMeta =
      detail::meta_profiles("http://hl7.org/fhir/us/core/StructureDefinition/us-core-immunization");
  w.key("meta");
  w.raw(kMeta);
  w.field("status", JsonPlain{"completed"});
  detail::write_concept_member(w, "vaccineCode", imm.code, ctx.concepts());
  detail::write_reference(w, "patient", ctx.patient());
  detail::write_reference(w, "encounter", ctx.encounter(imm.encounter, "immunization", i));
  detail::write_instant(w, "occurrenceDateTime", imm.date);
  w.field("primarySource", true);
  w.end_object();
}

}  // namespace fos::fhir
