// SharedIndex and PatientContext.
#include "fhir/write/detail/context.hpp"

#include <string>

#include "core/error.hpp"
#include "record/ids.hpp"

namespace fos::fhir::detail {

SharedIndex::SharedIndex(const record::ProviderDirectory& directory, RefStyle style)
    : style_(style) {
  organizations_.reserve(directory.organizations().size());
  for (const auto& org : directory.organizations()) {
    OrganizationEntry entry;
    entry.organization = &org;
    entry.ref = ResourceRef(ResourceType::kOrganization,
                            record::shared_uuid("Organization", org.id), style);
    entry.location =
        ResourceRef(ResourceType::kLocation, record::shared_uuid("Location", org.id), style);
    organizations_.emplace(org.id, entry);
  }
  providers_.reserve(directory.providers().size());
  for (const auto& provider : directory.providers()) {
    ProviderEntry entry;
    entry.provider = &provider;
    entry.ref = ResourceRef(ResourceType::kPractitioner,
                            record::shared_uuid("Practitioner", provider.id), style);
    providers_.emplace(provider.id, entry);
  }
}

const OrganizationEntry* SharedIndex::organization(uint64_t id) const {
  auto it = organizations_.find(id);
  return it == organizations_.end() ? nullptr : &it->second;
}

const ProviderEntry* SharedIndex::provider(uint64_t id) const {
  auto it = providers_.find(id);
  return it == providers_.end() ? nullptr : &it->second;
}

namespace {

[[noreturn]] void unknown(const record::PatientRecord& record, size_t encounter,
                          std::string_view what, uint64_t id) {
  fail(ErrorKind::kMapping, "patient " + std::to_string(record.person.index) + ", encounter " +
                                std::to_string(encounter) + ": unknown " + std::string(what) +
                                " id " + std::to_string(id) + " (not in the provider directory)");
}

}  // namespace

void PatientContext::load(const record::PatientRecord& record) {
  record_ = &record;
  const uint64_t index = record.person.index;
  patient_ =
      ResourceRef(ResourceType::kPatient, record::resource_uuid("Patient", index, 0), style());
  encounters_.clear();
  parties_.clear();
  for (size_t i = 0; i < record.encounters.size(); ++i) {
    const record::Encounter& enc = record.encounters[i];
    encounters_.emplace_back(ResourceType::kEncounter, record::resource_uuid("Encounter", index, i),
                             style());
    EncounterParties parties;
    if (enc.provider_id != 0) {
      parties.provider = shared_.provider(enc.provider_id);
      if (parties.provider == nullptr) unknown(record, i, "provider", enc.provider_id);
    }
    if (enc.organization_id != 0) {
      parties.organization = shared_.organization(enc.organization_id);
      if (parties.organization == nullptr) unknown(record, i, "organization", enc.organization_id);
    }
    parties_.push_back(parties);
  }
}

const ResourceRef& PatientContext::encounter(uint32_t index, std::string_view kind,
                                             size_t ordinal) const {
  if (index >= encounters_.size()) {
    fail(ErrorKind::kMapping,
         "patient " + std::to_string(record_->person.index) + ", " + std::string(kind) + " " +
             std::to_string(ordinal) + ": encounter " + std::to_string(index) +
             " does not exist (the patient has " + std::to_string(encounters_.size()) + ")");
  }
  return encounters_[index];
}

ResourceRef PatientContext::observation(size_t i) const {
  return ResourceRef(ResourceType::kObservation,
                     record::resource_uuid("Observation", record_->person.index, i), style());
}

ResourceRef PatientContext::immunization(size_t i) const {
  return ResourceRef(ResourceType::kImmunization,
                     record::resource_uuid("Immunization", record_->person.index, i), style());
}

}  // namespace fos::fhir::detail
