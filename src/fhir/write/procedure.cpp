// Procedure: status completed, code, subject, encounter, performedPeriod, reasonCode.
#include <algorithm>
#include <string>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {

void render_procedure(const detail::PatientContext& ctx, size_t i, const detail::ResourceRef& self,
                      JsonWriter& w) {
  const record::Procedure& p = ctx.record().procedures[i];
  static const std::string kMeta =
      detail::meta_profiles("http://hl7.org/fhir/us/core/StructureDefinition/us-core-procedure");
  w.begin_object();
  w.field("resourceType", JsonPlain{"Procedure"});
  w.field("id", JsonPlain{self.id()});
  w.key("meta");
  w.raw(kMeta);
  w.field("status", JsonPlain{"completed"});
  detail::write_concept_member(w, "code", p.code, ctx.concepts());
  detail::write_reference(w, "subject", ctx.patient());
  detail::write_reference(w, "encounter", ctx.encounter(p.encounter, "procedure", i));
  w.key("performedPeriod");
  w.begin_object();
  detail::write_instant(w, "start", p.start);
  detail::write_instant(w, "end", std::max(p.start, p.end));
  w.end_object();
  if (p.reason) detail::write_concept_list(w, "reasonCode", *p.reason, ctx.concepts());
  w.end_object();
}

}  // namespace fos::fhir
