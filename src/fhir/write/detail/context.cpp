// SharedIndex and PatientContext.
#include "fhir/write/detail/context.hpp"

#include <string>

#include "core/error.hpp"
#include "record/ids.hpp"

namespace fos::fhir::detail {

namespace {

// A provider's full name for a reference display ("Dr. Ana Lopez").
std::string full_name(const record::HumanName& name) {
  std::string out;
  for (std::string_view part : {std::string_view(name.prefix), std::string_view(name.given),
                                std::string_view(name.family)}) {
    if (part.empty()) continue;
    if (!out.empty()) out.push_back(' ');
    out.append(part);
  }
  return out;
}

}  // namespace

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
    entry.ref_json = reference_json(entry.ref, org.name);
    entry.location_json = reference_json(entry.location, org.name);
    organizations_.emplace(org.id, entry);
  }
  providers_.reserve(directory.providers().size());
  for (const auto& provider : directory.providers()) {
    ProviderEntry entry;
    entry.provider = &provider;
    entry.ref = ResourceRef(ResourceType::kPractitioner,
                            record::shared_uuid("Practitioner", provider.id), style);
    entry.ref_json = reference_json(entry.ref, full_name(provider.name));
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

namespace {

// How many entries of a patient-owned type the record has.
size_t entry_count(const record::PatientRecord& r, ResourceType type) {
  switch (type) {
    case ResourceType::kEncounter:
      return r.encounters.size();
    case ResourceType::kObservation:
      return r.observations.size();
    case ResourceType::kImmunization:
      return r.immunizations.size();
    case ResourceType::kCondition:
      return r.conditions.size();
    case ResourceType::kMedicationRequest:
      return r.medications.size();
    case ResourceType::kProcedure:
      return r.procedures.size();
    case ResourceType::kAllergyIntolerance:
      return r.allergies.size();
    case ResourceType::kCarePlan:
      return r.care_plans.size();
    case ResourceType::kDevice:
      return r.devices.size();
    case ResourceType::kDiagnosticReport:
      return r.reports.size();
    case ResourceType::kImagingStudy:
      return r.imaging_studies.size();
    case ResourceType::kSupplyDelivery:
      return r.supplies.size();
    default:
      return 0;
  }
}

}  // namespace

void PatientContext::load(const record::PatientRecord& record) {
  record_ = &record;
  const uint64_t index = record.person.index;
  patient_ =
      ResourceRef(ResourceType::kPatient, record::resource_uuid("Patient", index, 0), style());
  for (int t = 1; t < kPatientTypeCount; ++t) {
    const auto type = static_cast<ResourceType>(t);
    std::vector<ResourceRef>& refs = entries_[t];
    refs.clear();
    ids_.resize(entry_count(record, type));
    record::resource_uuids(type_name(type), index, ids_);
    for (const Uuid& id : ids_) refs.emplace_back(type, id, style());
  }
  parties_.clear();
  for (size_t i = 0; i < record.encounters.size(); ++i) {
    const record::Encounter& enc = record.encounters[i];
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
  const std::vector<ResourceRef>& encounters = entries_[static_cast<int>(ResourceType::kEncounter)];
  if (index >= encounters.size()) {
    fail(ErrorKind::kMapping,
         "patient " + std::to_string(record_->person.index) + ", " + std::string(kind) + " " +
             std::to_string(ordinal) + ": encounter " + std::to_string(index) +
             " does not exist (the patient has " + std::to_string(encounters.size()) + ")");
  }
  return encounters[index];
}

ResourceRef PatientContext::observation(size_t i) const {
  return entry(ResourceType::kObservation, i);
}

ResourceRef PatientContext::immunization(size_t i) const {
  return entry(ResourceType::kImmunization, i);
}

ResourceRef PatientContext::entry(ResourceType type, size_t i) const {
  const auto t = static_cast<size_t>(type);
  if (t < entries_.size() && i < entries_[t].size()) return entries_[t][i];
  return ResourceRef(type, record::resource_uuid(type_name(type), record_->person.index, i),
                     style());
}

std::optional<size_t> PatientContext::condition_for(const record::Code& reason, Instant at) const {
  std::optional<size_t> first, latest;
  const auto& conditions = record_->conditions;
  for (size_t i = 0; i < conditions.size(); ++i) {
    const record::Code& code = conditions[i].code;
    if (code.system != reason.system || code.code != reason.code) continue;
    if (!first) first = i;
    if (conditions[i].onset <= at && (!latest || conditions[*latest].onset <= conditions[i].onset))
      latest = i;
  }
  return latest ? latest : first;
}

ResourceRef PatientContext::result(uint32_t i, std::string_view kind, size_t ordinal) const {
  if (i >= record_->observations.size()) {
    fail(ErrorKind::kMapping, "patient " + std::to_string(record_->person.index) + ", " +
                                  std::string(kind) + " " + std::to_string(ordinal) +
                                  ": observation " + std::to_string(i) +
                                  " does not exist (the patient has " +
                                  std::to_string(record_->observations.size()) + ")");
  }
  return observation(i);
}

}  // namespace fos::fhir::detail
