// Device -> device_exposure, SupplyDelivery -> device_exposure. R4 Device has no period:
// the exposure starts at manufactureDate (Synthea's use of it), else the device is skipped
// as having no date (docs/fhir2omop.md).
#include <cmath>

#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {

std::string_view map_device(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  const auto start = read_instant(json, "manufactureDate");
  if (!start) return kInvalidDate;
  auto code = context.code(json.find("type"), "Device");
  if (!code) return kNoCode;
  record::Device d;
  d.encounter = kNoEncounter;
  d.code = std::move(*code);
  d.start = *start;
  if (const fhir::Json* carriers = json.find("udiCarrier");
      carriers != nullptr && carriers->is_array() && !carriers->items().empty()) {
    d.udi = std::string(carriers->items().front().find_string("carrierHRF").value_or(""));
  }
  context.record().devices.push_back(std::move(d));
  return "";
}

std::string_view map_supply_delivery(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  const auto date = read_instant(json, "occurrenceDateTime");
  if (!date) return kInvalidDate;
  const fhir::Json* item = json.find("suppliedItem");
  auto code =
      item ? context.code(item->find("itemCodeableConcept"), "SupplyDelivery") : std::nullopt;
  if (!code) return kNoCode;
  record::Supply s;
  s.encounter = kNoEncounter;
  s.code = std::move(*code);
  s.date = *date;
  if (const auto quantity = read_quantity(item->find("quantity"))) s.quantity = quantity->value;
  context.record().supplies.push_back(std::move(s));
  return "";
}

}  // namespace fos::fhir2omop
