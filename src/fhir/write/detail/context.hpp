// Lookup state the renderers share: the provider directory indexed with ready
// references, and one patient's ids.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/write/detail/concept_cache.hpp"
#include "fhir/write/detail/references.hpp"
#include "record/patient_record.hpp"
#include "record/provider.hpp"

namespace fos::fhir::detail {

/// An organization with the references to it and to its one Location (at its address).
/// The `*_json` members are the Reference objects encounters write, made once: each with
/// the organization's name (or the provider's full name) as display.
struct OrganizationEntry {
  const record::Organization* organization = nullptr;
  ResourceRef ref;
  ResourceRef location;
  std::string ref_json;
  std::string location_json;
};

struct ProviderEntry {
  const record::Provider* provider = nullptr;
  ResourceRef ref;
  std::string ref_json;
};

/// The provider directory with each entry's FHIR ids computed once. Immutable; shared by threads.
class SharedIndex {
 public:
  SharedIndex(const record::ProviderDirectory& directory, RefStyle style);

  /// nullptr when `id` is not in the directory.
  const OrganizationEntry* organization(uint64_t id) const;
  const ProviderEntry* provider(uint64_t id) const;
  RefStyle style() const { return style_; }

 private:
  RefStyle style_;
  std::unordered_map<uint64_t, OrganizationEntry> organizations_;
  std::unordered_map<uint64_t, ProviderEntry> providers_;
};

/// The shared resources one encounter uses (each may be null: none recorded).
struct EncounterParties {
  const ProviderEntry* provider = nullptr;
  const OrganizationEntry* organization = nullptr;
};

/// One patient's record with its resource ids; reused from patient to patient
/// within a block so the per-encounter vectors keep their capacity.
class PatientContext {
 public:
  /// `concepts`, when given, keeps rendered codes for the renderers (see ConceptCache); it
  /// must outlive the context.
  explicit PatientContext(const SharedIndex& shared, ConceptCache* concepts = nullptr)
      : shared_(shared), concepts_(concepts) {}

  /// Point at `record` and compute the ids of its Patient and of all its entries, each
  /// hashed once however often it is named, several at a time. Throws
  /// Error{kMapping} when an encounter names an unknown provider or organization.
  void load(const record::PatientRecord& record);

  const record::PatientRecord& record() const { return *record_; }
  RefStyle style() const { return shared_.style(); }
  /// The concept cache to pass to write_concept; null when there is none.
  ConceptCache* concepts() const { return concepts_; }
  const ResourceRef& patient() const { return patient_; }
  /// The encounter that entry `ordinal` of kind `kind` ("observation") names.
  /// Throws Error{kMapping} when `index` is not an encounter of this patient.
  const ResourceRef& encounter(uint32_t index, std::string_view kind, size_t ordinal) const;
  const EncounterParties& parties(size_t encounter) const { return parties_[encounter]; }
  ResourceRef observation(size_t i) const;
  ResourceRef immunization(size_t i) const;
  /// The `i`-th entry of a patient-owned type (not kPatient): resource_uuid("<Type>", index, i).
  ResourceRef entry(ResourceType type, size_t i) const;
  /// The same, held by the context. REQUIRES: `type` is patient-owned (not kPatient) and `i`
  /// is below the record's number of entries of that type.
  const ResourceRef& entry_ref(ResourceType type, size_t i) const {
    return entries_[static_cast<size_t>(type)][i];
  }
  /// The Condition an entry started at `at` is for: the latest condition with this
  /// code whose onset is not after `at`, else the first with this code; nullopt when none.
  std::optional<size_t> condition_for(const record::Code& reason, Instant at) const;
  /// The `i`-th observation's reference; throws Error{kMapping} naming `kind` and `ordinal`
  /// when the patient has no observation `i`.
  ResourceRef result(uint32_t i, std::string_view kind, size_t ordinal) const;

 private:
  const SharedIndex& shared_;
  ConceptCache* concepts_ = nullptr;
  const record::PatientRecord* record_ = nullptr;
  ResourceRef patient_;
  // Per patient-owned type (kEncounter .. kSupplyDelivery): the entries' references.
  std::array<std::vector<ResourceRef>, kPatientTypeCount> entries_;
  std::vector<Uuid> ids_;  // scratch for load()
  std::vector<EncounterParties> parties_;
};

}  // namespace fos::fhir::detail
