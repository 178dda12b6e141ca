// Device -> device_exposure, DeviceUseStatement -> device_exposure, SupplyDelivery ->
// device_exposure. R4 Device has no period: the exposure starts at manufactureDate
// (Synthea's use of it), else the device is skipped as having no date (docs/fhir2omop.md).
// A Device named by a DeviceUseStatement of the same patient gets no row of its own: the
// statement's row carries its type and UDI with the statement's period.
#include <algorithm>
#include <cmath>

#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {

namespace {

std::string first_udi(const fhir::Json& device) {
  const fhir::Json* carriers = device.find("udiCarrier");
  if (carriers == nullptr || !carriers->is_array() || carriers->items().empty()) return "";
  return std::string(carriers->items().front().find_string("carrierHRF").value_or(""));
}

}  // namespace

std::string_view map_device(const fhir::Resource& resource, MapContext& context) {
  if (context.device_in_use(resource.id)) return "";
  const fhir::Json& json = resource.json;
  const auto start = read_instant(json, "manufactureDate");
  if (!start) return kInvalidDate;
  auto code = context.code(json.find("type"), "Device");
  if (!code) return kNoCode;
  record::Device d;
  d.encounter = kNoEncounter;
  d.code = std::move(*code);
  d.start = *start;
  d.udi = first_udi(json);
  context.record().devices.push_back(std::move(d));
  return "";
}

// timingPeriod (start, end), else timingDateTime, else recordedOn; the code and UDI of the
// Device it names.
std::string_view map_device_use(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  std::optional<Instant> start;
  std::optional<Instant> stop;
  if (const fhir::Json* period = json.find("timingPeriod")) {
    start = read_instant(*period, "start");
    stop = read_instant(*period, "end");
  } else {
    start = read_instant(json, "timingDateTime");
  }
  if (!start) start = read_instant(json, "recordedOn");
  if (!start) return kInvalidDate;
  const auto device_id = reference_member(json, "device", "Device");
  const fhir::Json* device = device_id ? context.device(*device_id) : nullptr;
  if (device == nullptr) return kDanglingReference;
  auto code = context.code(device->find("type"), "DeviceUseStatement");
  if (!code) return kNoCode;
  record::Device d;
  d.encounter = kNoEncounter;
  d.code = std::move(*code);
  d.start = *start;
  if (stop) d.stop = std::max(*start, *stop);
  d.udi = first_udi(*device);
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
