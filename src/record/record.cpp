// Code system names and the provider directory.
#include "record/code.hpp"
#include "record/provider.hpp"

#include <array>
#include <ostream>
#include <utility>

#include "core/error.hpp"

namespace fos::record {
namespace {

constexpr std::array<std::pair<CodeSystem, std::string_view>, 10> kSystemNames = {{
    {CodeSystem::kSnomed, "SNOMED-CT"},
    {CodeSystem::kLoinc, "LOINC"},
    {CodeSystem::kRxnorm, "RxNorm"},
    {CodeSystem::kCvx, "CVX"},
    {CodeSystem::kIcd10cm, "ICD-10-CM"},
    {CodeSystem::kNucc, "NUCC"},
    {CodeSystem::kDicomDcm, "DICOM-DCM"},
    {CodeSystem::kDicomSop, "DICOM-SOP"},
    {CodeSystem::kUcum, "UCUM"},
    {CodeSystem::kOther, "OTHER"},
}};

}  // namespace

std::ostream& operator<<(std::ostream& os, const Text& text) {
  return os << text.view();
}

std::string_view to_string(CodeSystem system) {
  for (const auto& [s, name] : kSystemNames) {
    if (s == system) return name;
  }
  return "OTHER";
}

std::optional<CodeSystem> code_system_from_name(std::string_view name) {
  for (const auto& [s, n] : kSystemNames) {
    if (n == name) return s;
  }
  if (name == "SNOMED" || name == "SNOMED CT") return CodeSystem::kSnomed;
  if (name == "RXNORM") return CodeSystem::kRxnorm;
  return std::nullopt;
}

ProviderDirectory::ProviderDirectory(std::vector<Organization> organizations,
                                     std::vector<Provider> providers)
    : organizations_(std::move(organizations)), providers_(std::move(providers)) {
  for (size_t i = 0; i < organizations_.size(); ++i) {
    if (!organization_index_.emplace(organizations_[i].id, i).second) {
      fail(ErrorKind::kInternal,
           "duplicate organization id " + std::to_string(organizations_[i].id));
    }
  }
  for (size_t i = 0; i < providers_.size(); ++i) {
    if (!provider_index_.emplace(providers_[i].id, i).second) {
      fail(ErrorKind::kInternal, "duplicate provider id " + std::to_string(providers_[i].id));
    }
  }
}

const Organization* ProviderDirectory::find_organization(uint64_t id) const {
  auto it = organization_index_.find(id);
  return it == organization_index_.end() ? nullptr : &organizations_[it->second];
}

const Provider* ProviderDirectory::find_provider(uint64_t id) const {
  auto it = provider_index_.find(id);
  return it == provider_index_.end() ? nullptr : &providers_[it->second];
}

}  // namespace fos::record
