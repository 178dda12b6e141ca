// The explicit list of mappers, and the MapContext helpers they share.
#include "fhir2omop/mappers.hpp"

#include <array>

#include "omop/write/render.hpp"

namespace fos::fhir2omop {
namespace {

constexpr std::array<MapperEntry, 12> kMappers = {{
    {"Encounter", "subject", map_encounter},
    {"Observation", "subject", map_observation},
    {"Immunization", "patient", map_immunization},
    {"Condition", "subject", map_condition},
    {"MedicationRequest", "subject", map_medication_request},
    {"MedicationStatement", "subject", map_medication_statement},
    {"MedicationAdministration", "subject", map_medication_administration},
    {"Procedure", "subject", map_procedure},
    {"AllergyIntolerance", "patient", map_allergy},
    {"Device", "patient", map_device},
    {"DeviceUseStatement", "subject", map_device_use},
    {"SupplyDelivery", "patient", map_supply_delivery},
}};

constexpr std::array<std::string_view, 3> kUnmapped = {"CarePlan", "DiagnosticReport",
                                                       "ImagingStudy"};

}  // namespace

std::span<const MapperEntry> mappers() {
  return kMappers;
}

const MapperEntry* find_mapper(std::string_view type) {
  for (const MapperEntry& m : kMappers) {
    if (m.type == type) return &m;
  }
  return nullptr;
}

bool is_unmapped_type(std::string_view type) {
  for (std::string_view t : kUnmapped) {
    if (t == type) return true;
  }
  return false;
}

std::optional<record::Code> MapContext::code(const fhir::Json* codeable, std::string_view type) {
  auto source = read_code(codeable);
  if (!source) return std::nullopt;
  const std::string_view vocabulary = omop::vocabulary_id(source->code.system);
  const bool standard =
      !vocabulary.empty() && vocabulary_.map(vocabulary, source->code.code).standard.has_value();
  if (!source->known_system) report_.warn(type, "unknown code system");
  report_.code(type, source->system_uri, source->code.code, standard);
  return std::move(source->code);
}

std::optional<record::Code> MapContext::medication_code(const fhir::Json& resource,
                                                        std::string_view type,
                                                        std::string_view& skip) {
  skip = kNoCode;
  if (const fhir::Json* codeable = resource.find("medicationCodeableConcept")) {
    return code(codeable, type);
  }
  const fhir::Json* reference = resource.find("medicationReference");
  if (reference == nullptr) return std::nullopt;
  const std::string_view text = reference->find_string("reference").value_or("");
  const fhir::Json* medication = nullptr;
  if (text.starts_with('#')) {
    const fhir::Json* contained = resource.find("contained");
    if (contained != nullptr && contained->is_array()) {
      for (const fhir::Json& c : contained->items()) {
        if (c.find_string("resourceType") == "Medication" &&
            c.find_string("id") == text.substr(1)) {
          medication = &c;
          break;
        }
      }
    }
  } else if (const auto id = reference_id(reference, "Medication")) {
    const auto it = directory_.medications.find(*id);
    if (it != directory_.medications.end()) medication = it->second;
  }
  if (medication == nullptr) {
    skip = kUnknownMedication;
    return std::nullopt;
  }
  return code(medication->find("code"), type);
}

void MapContext::note_resource(const fhir::Resource& resource) {
  if (resource.type == "Device") {
    devices_.emplace(resource.id, &resource.json);
    return;
  }
  if (resource.type != "DeviceUseStatement") return;
  if (auto id = reference_member(resource.json, "device", "Device")) {
    used_devices_.insert(std::move(*id));
  }
}

const fhir::Json* MapContext::device(const std::string& id) const {
  const auto it = devices_.find(id);
  return it == devices_.end() ? nullptr : it->second;
}

uint32_t MapContext::encounter(const fhir::Json& resource, std::string_view type) {
  const auto id = reference_member(resource, "encounter", "Encounter");
  if (!id) return kNoEncounter;
  return encounter_of(*id, type);
}

uint32_t MapContext::encounter_of(const std::string& id, std::string_view type) {
  const auto it = encounters_.find(id);
  if (it != encounters_.end()) return it->second;
  report_.warn(type, kDanglingReference);
  return kNoEncounter;
}

}  // namespace fos::fhir2omop
