// Observation -> measurement or observation (omop/write routes each value by the domain of
// its standard concept): quantity with its precision and unit, coded value, text, components.
#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {
namespace {

// Reads value[x] into the three optional value slots; false when there is none.
template <typename Entry>
void read_value(const fhir::Json& json, MapContext& context, Entry& entry) {
  entry.quantity = read_quantity(json.find("valueQuantity"));
  if (const fhir::Json* coded = json.find("valueCodeableConcept")) {
    entry.value_code = context.code(coded, "Observation");
  }
}

}  // namespace

std::string_view map_observation(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  const auto effective = read_instant(json, "effectiveDateTime");
  if (!effective) return kInvalidDate;
  auto code = context.code(json.find("code"), "Observation");
  if (!code) return kNoCode;
  record::Observation o;
  o.encounter = context.encounter(json, "Observation");
  o.code = std::move(*code);
  o.effective = *effective;
  read_value(json, context, o);
  if (const auto text = json.find_string("valueString")) o.value_text = std::string(*text);
  if (const fhir::Json* components = json.find("component"); components && components->is_array()) {
    for (const fhir::Json& c : components->items()) {
      auto component_code = context.code(c.find("code"), "Observation");
      if (!component_code) continue;
      record::ObservationComponent& out = o.components.emplace_back();
      out.code = std::move(*component_code);
      read_value(c, context, out);
    }
  }
  context.record().observations.push_back(std::move(o));
  return "";
}

}  // namespace fos::fhir2omop
