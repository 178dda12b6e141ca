// MedicationRequest -> drug_exposure: RxNorm medication (medicationCodeableConcept, or the
// Medication that medicationReference names) authored on its start, stopped at
// dispenseRequest.validityPeriod.end (where fos writes the stop); without one the exposure runs
// to the end of the observation period (docs/fhir2omop.md).
#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {

std::string_view map_medication_request(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  const auto start = read_instant(json, "authoredOn");
  if (!start) return kInvalidDate;
  std::string_view skip;
  auto code = context.medication_code(json, "MedicationRequest", skip);
  if (!code) return skip;
  record::Medication m;
  m.encounter = context.encounter(json, "MedicationRequest");
  m.code = std::move(*code);
  m.start = *start;
  if (const fhir::Json* dispense = json.find("dispenseRequest")) {
    if (const fhir::Json* validity = dispense->find("validityPeriod")) {
      m.stop = read_instant(*validity, "end");
    }
  }
  context.record().medications.push_back(std::move(m));
  return "";
}

}  // namespace fos::fhir2omop
