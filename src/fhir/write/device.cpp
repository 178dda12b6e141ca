// Device: UDI carrier, status by stop, type (SNOMED CT), patient.
#include <string>
#include <string_view>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {
namespace {

// The device identifier of a GS1 UDI: the 14 digits after "(01)"; the whole text otherwise.
std::string_view device_identifier(std::string_view udi) {
  constexpr std::string_view kGtin = "(01)";
  if (udi.substr(0, kGtin.size()) != kGtin || udi.size() < kGtin.size() + 14) return udi;
  return udi.substr(kGtin.size(), 14);
}

}  // namespace

void render_device(const detail::PatientContext& ctx, size_t i, const detail::ResourceRef& self,
                   JsonWriter& w) {
  const record::Device& d = ctx.record().devices[i];
  ctx.encounter(d.encounter, "device", i);  // checked, though R4 Device has no encounter
  w.begin_object();
  w.field("resourceType", JsonPlain{"Device"});
  w.field("id", JsonPlain{self.id()});
  if (!d.udi.empty()) {
    w.key("udiCarrier");
    w.begin_array();
    w.begin_object();
    w.field("deviceIdentifier", device_identifier(d.udi));
    w.field("carrierHRF", d.udi);
    w.end_object();
    w.end_array();
  }
  w.field("status", d.stop ? "inactive" : "active");
  detail::write_concept_member(w, "type", d.code, ctx.concepts());
  detail::write_reference(w, "patient", ctx.patient());
  w.end_object();
}

}  // namespace fos::fhir
