// The per-resource-type mappers: each turns one FHIR resource into an entry of the
// patient's record. They are registered in one explicit list (mappers.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "fhir/read/read.hpp"
#include "fhir2omop/elements.hpp"
#include "fhir2omop/report.hpp"
#include "omop/vocab/vocab.hpp"
#include "record/patient_record.hpp"

namespace fos::fhir2omop {

/// FHIR ids of the shared resources -> record directory ids.
struct DirectoryIds {
  std::unordered_map<std::string, uint64_t> organizations;
  std::unordered_map<std::string, uint64_t> providers;
  /// Medication resources of the input by FHIR id (what medicationReference names).
  std::unordered_map<std::string, const fhir::Json*> medications;
};

/// An encounter index that names no encounter (the row gets no visit).
inline constexpr uint32_t kNoEncounter = UINT32_MAX;

/// What a mapper may read and write while one patient's record is built.
class MapContext {
 public:
  MapContext(record::PatientRecord& record, const DirectoryIds& directory,
             const omop::Vocabulary& vocabulary, MappingReport& report)
      : record_(record), directory_(directory), vocabulary_(vocabulary), report_(report) {}

  record::PatientRecord& record() { return record_; }
  const DirectoryIds& directory() const { return directory_; }
  MappingReport& report() { return report_; }

  /// The code of a CodeableConcept, counted in the report under `type` and its system.
  std::optional<record::Code> code(const fhir::Json* codeable, std::string_view type);
  /// The index of the encounter resource[key] refers to; kNoEncounter (warned as a
  /// dangling reference) when it names an encounter this patient does not have.
  uint32_t encounter(const fhir::Json& resource, std::string_view type);
  /// The medication code of a MedicationRequest/Statement/Administration: its
  /// medicationCodeableConcept, else the code of the Medication its medicationReference names
  /// (contained "#id", or a Medication resource of the input), counted like code(). On a
  /// miss `skip` says why (kNoCode, or kUnknownMedication for a reference to nothing).
  std::optional<record::Code> medication_code(const fhir::Json& resource, std::string_view type,
                                              std::string_view& skip);
  /// The index of the encounter with FHIR id `id`, as encounter().
  uint32_t encounter_of(const std::string& id, std::string_view type);
  /// Remember the index of an encounter's FHIR id.
  void add_encounter(const std::string& id, uint32_t index) { encounters_[id] = index; }
  /// Remember what mappers look up across resources of the patient: Devices by id, and
  /// the Devices a DeviceUseStatement names. Called for every resource before mapping.
  void note_resource(const fhir::Resource& resource);
  /// The patient's Device with FHIR id `id`, or nullptr.
  const fhir::Json* device(const std::string& id) const;
  /// Whether a DeviceUseStatement of the patient names Device `id`.
  bool device_in_use(const std::string& id) const { return used_devices_.contains(id); }

 private:
  record::PatientRecord& record_;
  const DirectoryIds& directory_;
  const omop::Vocabulary& vocabulary_;
  MappingReport& report_;
  std::unordered_map<std::string, uint32_t> encounters_;
  std::unordered_map<std::string, const fhir::Json*> devices_;
  std::unordered_set<std::string> used_devices_;
};

/// Map `resource` into the context's record. Returns the reason it was skipped, or ""
/// when it was converted.
using Mapper = std::string_view (*)(const fhir::Resource& resource, MapContext& context);

struct MapperEntry {
  std::string_view type;         ///< resourceType
  std::string_view subject_key;  ///< the member naming the patient ("subject", "patient")
  Mapper map;
};

/// Every patient-owned resource type fhir2omop converts, in the order they are applied to
/// one patient (encounters first, since the others refer to them).
std::span<const MapperEntry> mappers();
const MapperEntry* find_mapper(std::string_view type);

/// Resource types read but deliberately not converted, as fos's direct OMOP output.
bool is_unmapped_type(std::string_view type);

// The mappers (one file each).
std::string_view map_patient(const fhir::Resource& resource, MapContext& context);
std::string_view map_encounter(const fhir::Resource& resource, MapContext& context);
std::string_view map_observation(const fhir::Resource& resource, MapContext& context);
std::string_view map_condition(const fhir::Resource& resource, MapContext& context);
std::string_view map_immunization(const fhir::Resource& resource, MapContext& context);
std::string_view map_medication_request(const fhir::Resource& resource, MapContext& context);
std::string_view map_medication_statement(const fhir::Resource& resource, MapContext& context);
std::string_view map_medication_administration(const fhir::Resource& resource, MapContext& context);
std::string_view map_procedure(const fhir::Resource& resource, MapContext& context);
std::string_view map_allergy(const fhir::Resource& resource, MapContext& context);
std::string_view map_device(const fhir::Resource& resource, MapContext& context);
std::string_view map_device_use(const fhir::Resource& resource, MapContext& context);
std::string_view map_supply_delivery(const fhir::Resource& resource, MapContext& context);

/// Skip reasons, as they appear in mapping_report.json.
inline constexpr std::string_view kInvalidDate = "invalid date";
inline constexpr std::string_view kNoCode = "no code";
/// A medicationReference that names no Medication of the input.
inline constexpr std::string_view kUnknownMedication = "unknown medication";
inline constexpr std::string_view kNoSubject = "no subject";
inline constexpr std::string_view kDanglingReference = "dangling reference";
inline constexpr std::string_view kDuplicateId = "duplicated id";
inline constexpr std::string_view kUnsupportedType = "unsupported resource type";
inline constexpr std::string_view kNotMapped = "not mapped to OMOP";

}  // namespace fos::fhir2omop
