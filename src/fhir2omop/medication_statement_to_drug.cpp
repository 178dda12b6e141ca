// MedicationStatement and MedicationAdministration -> drug_exposure: medication code (as
// MedicationRequest's, also through medicationReference),
// effectiveDateTime or effectivePeriod (start, end).
#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {
namespace {

std::string_view map_medication_use(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  std::optional<Instant> start = read_instant(json, "effectiveDateTime");
  std::optional<Instant> stop;
  if (const fhir::Json* period = json.find("effectivePeriod")) {
    start = read_instant(*period, "start");
    stop = read_instant(*period, "end");
  }
  if (!start) return kInvalidDate;
  std::string_view skip;
  auto code = context.medication_code(json, resource.type, skip);
  if (!code) return skip;
  record::Medication m;
  m.encounter = context.encounter(json, resource.type);
  if (m.encounter == kNoEncounter) {
    // MedicationAdministration names its encounter as `context`.
    if (const auto id = reference_member(json, "context", "Encounter")) {
      m.encounter = context.encounter_of(*id, resource.type);
    }
  }
  m.code = std::move(*code);
  m.start = *start;
  m.stop = stop;
  context.record().medications.push_back(std::move(m));
  return "";
}

}  // namespace

std::string_view map_medication_statement(const fhir::Resource& resource, MapContext& context) {
  return map_medication_use(resource, context);
}

std::string_view map_medication_administration(const fhir::Resource& resource,
                                               MapContext& context) {
  return map_medication_use(resource, context);
}

}  // namespace fos::fhir2omop
