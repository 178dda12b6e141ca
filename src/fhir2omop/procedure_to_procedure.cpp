// Procedure -> procedure_occurrence (or the domain of its concept): performed period or time.
#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {

std::string_view map_procedure(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  std::optional<Instant> start = read_instant(json, "performedDateTime");
  std::optional<Instant> end = start;
  if (const fhir::Json* period = json.find("performedPeriod")) {
    start = read_instant(*period, "start");
    end = read_instant(*period, "end");
  }
  if (!start) return kInvalidDate;
  auto code = context.code(json.find("code"), "Procedure");
  if (!code) return kNoCode;
  record::Procedure p;
  p.encounter = context.encounter(json, "Procedure");
  p.code = std::move(*code);
  p.start = *start;
  p.end = end.value_or(*start);
  context.record().procedures.push_back(std::move(p));
  return "";
}

}  // namespace fos::fhir2omop
