// Encounter -> visit_occurrence: class (and the care site's kind) -> the record's encounter
// class, whose visit concept omop/write picks (urgent care stays urgent care).
#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {
namespace {

using record::EncounterClass;

// SNOMED CT types of fos's wellness visits (185349003 "Encounter for check up" is not one:
// modules use it for ambulatory visits).
bool is_wellness_type(const record::Code& type) {
  return type.code == "410620009" || type.code == "162673000";
}

EncounterClass class_of(std::string_view act_code, const record::Code& type,
                        std::string_view service_provider_name) {
  if (act_code == "EMER") return EncounterClass::kEmergency;
  if (act_code == "IMP" || act_code == "ACUTE" || act_code == "NONAC") {
    return EncounterClass::kInpatient;
  }
  if (contains_word(service_provider_name, "Urgent Care")) {
    return EncounterClass::kUrgentCare;
  }
  return is_wellness_type(type) ? EncounterClass::kWellness : EncounterClass::kAmbulatory;
}

}  // namespace

std::string_view map_encounter(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  const fhir::Json* period = json.find("period");
  const auto start = period ? read_instant(*period, "start") : std::nullopt;
  if (!start) return kInvalidDate;
  const auto end = read_instant(*period, "end");
  record::Encounter e;
  e.start = *start;
  e.end = end.value_or(*start);
  const fhir::Json* types = json.find("type");
  if (types != nullptr && types->is_array() && !types->items().empty()) {
    e.type = context.code(&types->items().front(), "Encounter").value_or(record::Code{});
  }
  const fhir::Json* klass = json.find("class");
  const std::string_view act = klass ? klass->find_string("code").value_or("") : "";
  const fhir::Json* service = json.find("serviceProvider");
  const std::string_view org_name = service ? service->find_string("display").value_or("") : "";
  e.encounter_class = class_of(act, e.type, org_name);
  if (const fhir::Json* participants = json.find("participant");
      participants != nullptr && participants->is_array() && !participants->items().empty()) {
    const auto id =
        shared_reference_key(participants->items().front(), "individual", "Practitioner");
    const auto it =
        id ? context.directory().providers.find(*id) : context.directory().providers.end();
    if (it != context.directory().providers.end()) {
      e.provider_id = it->second;
    } else if (id) {
      context.report().warn("Encounter", kDanglingReference);
    }
  }
  if (const auto id = shared_reference_key(json, "serviceProvider", "Organization")) {
    const auto it = context.directory().organizations.find(*id);
    if (it != context.directory().organizations.end()) {
      e.organization_id = it->second;
    } else {
      context.report().warn("Encounter", kDanglingReference);
    }
  }
  const fhir::Json* reasons = json.find("reasonCode");
  if (reasons != nullptr && reasons->is_array() && !reasons->items().empty()) {
    if (auto reason = read_code(&reasons->items().front())) e.reason = std::move(reason->code);
  }
  auto& encounters = context.record().encounters;
  context.add_encounter(resource.id, static_cast<uint32_t>(encounters.size()));
  encounters.push_back(std::move(e));
  return "";
}

}  // namespace fos::fhir2omop
