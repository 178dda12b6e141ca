// AllergyIntolerance -> observation (or the domain of its concept) on its onset.
#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {

std::string_view map_allergy(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  auto onset = read_instant(json, "onsetDateTime");
  if (!onset) onset = read_instant(json, "recordedDate");
  if (!onset) return kInvalidDate;
  auto code = context.code(json.find("code"), "AllergyIntolerance");
  if (!code) return kNoCode;
  record::Allergy a;
  a.encounter = context.encounter(json, "AllergyIntolerance");
  a.code = std::move(*code);
  a.onset = *onset;
  context.record().allergies.push_back(std::move(a));
  return "";
}

}  // namespace fos::fhir2omop
