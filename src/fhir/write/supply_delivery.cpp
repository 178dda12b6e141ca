// SupplyDelivery: status completed, patient, type device, supplied item (quantity, code), date.
#include <string>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {

void render_supply_delivery(const detail::PatientContext& ctx, size_t i,
                            const detail::ResourceRef& self, JsonWriter& w) {
  const record::Supply& s = ctx.record().supplies[i];
  ctx.encounter(s.encounter, "supply", i);  // checked, though R4 SupplyDelivery has no encounter
  static const std::string kType = detail::json_text([](JsonWriter& x) {
    detail::write_concept(x, "http://terminology.hl7.org/CodeSystem/supply-item-type", "device",
                          "Device");
  });
  w.begin_object();
  w.field("resourceType", JsonPlain{"SupplyDelivery"});
  w.field("id", JsonPlain{self.id()});
  w.field("status", JsonPlain{"completed"});
  detail::write_reference(w, "patient", ctx.patient());
  w.key("type");
  w.raw(kType);
  w.key("suppliedItem");
  w.begin_object();
  w.key("quantity");
  w.begin_object();
  w.field("value", s.quantity);
  w.end_object();
  detail::write_concept_member(w, "itemCodeableConcept", s.code, ctx.concepts());
  w.end_object();
  detail::write_instant(w, "occurrenceDateTime", s.date);
  w.end_object();
}

}  // namespace fos::fhir
