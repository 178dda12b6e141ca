// Immunization -> drug_exposure: CVX vaccine on its occurrence date.
#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {

std::string_view map_immunization(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  const auto date = read_instant(json, "occurrenceDateTime");
  if (!date) return kInvalidDate;
  auto code = context.code(json.find("vaccineCode"), "Immunization");
  if (!code) return kNoCode;
  record::Immunization imm;
  imm.encounter = context.encounter(json, "Immunization");
  imm.code = std::move(*code);
  imm.date = *date;
  context.record().immunizations.push_back(std::move(imm));
  return "";
}

}  // namespace fos::fhir2omop
