// Organizations (hospitals, clinics) and the clinicians who work in them.
//
// They do not belong to one patient: a ProviderDirectory holds all of them for
// a run, immutable once built, and records refer to them by id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "record/code.hpp"
#include "record/person.hpp"

namespace fos::record {

enum class OrganizationType : uint8_t { kHospital, kPrimaryCare, kUrgentCare };

struct Organization {
  uint64_t id = 0;  ///< stable, positive, derived from the organization's natural key
  std::string name;
  OrganizationType type = OrganizationType::kPrimaryCare;
  Address address;
  std::string phone;
  std::string fhir_id;  ///< FHIR Organization id when read from FHIR; empty: derived from `id`
};

struct Provider {
  uint64_t id = 0;  ///< stable, positive
  HumanName name;
  Sex sex = Sex::kFemale;
  Code specialty;  ///< NUCC taxonomy code
  uint64_t organization_id = 0;
  std::string fhir_id;  ///< FHIR Practitioner id when read from FHIR; empty: derived from `id`
};

class ProviderDirectory {
 public:
  ProviderDirectory() = default;
  ProviderDirectory(std::vector<Organization> organizations, std::vector<Provider> providers);

  const std::vector<Organization>& organizations() const { return organizations_; }
  const std::vector<Provider>& providers() const { return providers_; }
  const Organization* find_organization(uint64_t id) const;
  const Provider* find_provider(uint64_t id) const;

 private:
  std::vector<Organization> organizations_;
  std::vector<Provider> providers_;
  std::unordered_map<uint64_t, size_t> organization_index_;
  std::unordered_map<uint64_t, size_t> provider_index_;
};

}  // namespace fos::record
