// Condition -> condition_occurrence (or the domain of its concept): onset and abatement.
#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {

std::string_view map_condition(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  auto onset = read_instant(json, "onsetDateTime");
  if (!onset) onset = read_instant(json, "recordedDate");
  if (!onset) return kInvalidDate;
  auto code = context.code(json.find("code"), "Condition");
  if (!code) return kNoCode;
  record::Condition c;
  c.encounter = context.encounter(json, "Condition");
  c.code = std::move(*code);
  c.onset = *onset;
  c.abatement = read_instant(json, "abatementDateTime");
  context.record().conditions.push_back(std::move(c));
  return "";
}

}  // namespace fos::fhir2omop
