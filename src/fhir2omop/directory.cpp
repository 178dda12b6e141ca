// Shared resources into the record's ProviderDirectory, with ids stable across runs.
#include "fhir2omop/directory.hpp"

#include <charconv>

#include "record/ids.hpp"

namespace fos::fhir2omop {
namespace {

constexpr std::string_view kFosOrganizationSystem = "https://fos.dev/fhir/sid/organization";

uint64_t organization_id(const fhir::Resource& r) {
  if (const fhir::Json* identifiers = r.json.find("identifier");
      identifiers != nullptr && identifiers->is_array()) {
    for (const fhir::Json& identifier : identifiers->items()) {
      if (identifier.find_string("system") != kFosOrganizationSystem) continue;
      const std::string_view value = identifier.find_string("value").value_or("");
      uint64_t id = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
      if (ec == std::errc() && end == value.data() + value.size() && id > 0) return id;
    }
  }
  return record::stable_id("Organization/" + r.id);
}

record::OrganizationType organization_type(std::string_view name) {
  if (contains_word(name, "Hospital")) return record::OrganizationType::kHospital;
  if (contains_word(name, "Urgent Care")) {
    return record::OrganizationType::kUrgentCare;
  }
  return record::OrganizationType::kPrimaryCare;
}

std::string first_text(const fhir::Json& element, std::string_view key) {
  const fhir::Json* list = element.find(key);
  if (list == nullptr || !list->is_array() || list->items().empty()) return "";
  return std::string(list->items().front().text());
}

record::Address address_of(const fhir::Json& json) {
  record::Address a;
  const fhir::Json* list = json.find("address");
  if (list == nullptr || !list->is_array() || list->items().empty()) return a;
  const fhir::Json& address = list->items().front();
  a.line = first_text(address, "line");
  a.city = std::string(address.find_string("city").value_or(""));
  a.state = std::string(address.find_string("state").value_or(""));
  a.postal_code = std::string(address.find_string("postalCode").value_or(""));
  a.county = std::string(address.find_string("district").value_or(""));
  a.country = std::string(address.find_string("country").value_or(""));
  return a;
}

double number_of(const fhir::Json& json, std::string_view key) {
  const fhir::Json* value = json.find(key);
  return value != nullptr && value->is_number() ? std::stod(std::string(value->text())) : 0;
}

// Latitude and longitude of the first Location managed by organization `id`.
void place(record::Address& address, const std::string& id,
           const std::vector<fhir::Resource>& locations) {
  for (const fhir::Resource& location : locations) {
    if (reference_member(location.json, "managingOrganization", "Organization") != id) continue;
    const fhir::Json* position = location.json.find("position");
    if (position == nullptr) continue;
    address.latitude = number_of(*position, "latitude");
    address.longitude = number_of(*position, "longitude");
    return;
  }
}

record::Provider provider_of(const fhir::Resource& r) {
  record::Provider p;
  p.id = record::stable_id("Practitioner/" + r.id);
  p.fhir_id = r.id;
  p.sex = r.json.find_string("gender") == "male" ? record::Sex::kMale : record::Sex::kFemale;
  if (const fhir::Json* names = r.json.find("name");
      names != nullptr && names->is_array() && !names->items().empty()) {
    const fhir::Json& name = names->items().front();
    p.name.given = first_text(name, "given");
    p.name.family = std::string(name.find_string("family").value_or(""));
    p.name.prefix = first_text(name, "prefix");
    p.name.suffix = first_text(name, "suffix");
  }
  if (const fhir::Json* qualifications = r.json.find("qualification");
      qualifications != nullptr && qualifications->is_array() && !qualifications->items().empty()) {
    if (auto code = read_code(qualifications->items().front().find("code"))) {
      p.specialty = std::move(code->code);
    }
  }
  return p;
}

}  // namespace

record::ProviderDirectory build_directory(
    const std::vector<fhir::Resource>& organizations,
    const std::vector<fhir::Resource>& practitioners, const std::vector<fhir::Resource>& locations,
    const std::unordered_map<std::string, std::string>& practitioner_org, DirectoryIds& ids,
    MappingReport& report) {
  std::vector<record::Organization> orgs;
  for (const fhir::Resource& r : organizations) {
    record::Organization o;
    o.id = organization_id(r);
    o.fhir_id = r.id;
    o.name = std::string(r.json.find_string("name").value_or(""));
    o.type = organization_type(o.name);
    o.address = address_of(r.json);
    place(o.address, r.id, locations);
    ids.organizations.emplace(r.id, o.id);
    for (std::string& key : identifier_keys("Organization", r.json)) {
      ids.organizations.emplace(std::move(key), o.id);
    }
    orgs.push_back(std::move(o));
    ++report.type("Organization").converted;
  }
  std::vector<record::Provider> providers;
  for (const fhir::Resource& r : practitioners) {
    record::Provider p = provider_of(r);
    std::vector<std::string> keys = identifier_keys("Practitioner", r.json);
    keys.insert(keys.begin(), r.id);
    for (const std::string& key : keys) {
      const auto org = practitioner_org.find(key);
      if (org == practitioner_org.end()) continue;
      const auto it = ids.organizations.find(org->second);
      if (it != ids.organizations.end()) p.organization_id = it->second;
      break;
    }
    for (std::string& key : keys) ids.providers.emplace(std::move(key), p.id);
    providers.push_back(std::move(p));
    ++report.type("Practitioner").converted;
  }
  return {std::move(orgs), std::move(providers)};
}

}  // namespace fos::fhir2omop
