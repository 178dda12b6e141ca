// The Bulk Data export manifest (manifest.json) and the shared-resource helpers of both sinks.
#include <algorithm>

#include "core/json_writer.hpp"
#include "fhir/write/detail/elements.hpp"
#include "fhir/write/sinks.hpp"

namespace fos::fhir {

void SharedIds::add(const detail::PatientContext& ctx) {
  const auto& encounters = ctx.record().encounters;
  for (size_t i = 0; i < encounters.size(); ++i) {
    const detail::EncounterParties& parties = ctx.parties(i);
    if (parties.organization != nullptr) organizations.insert(encounters[i].organization_id);
    if (parties.provider != nullptr) providers.insert(encounters[i].provider_id);
  }
}

namespace {

template <typename Entry, typename Lookup>
std::vector<const Entry*> sorted_entries(const std::set<uint64_t>& ids, Lookup lookup) {
  std::vector<const Entry*> out;
  out.reserve(ids.size());
  for (uint64_t id : ids) out.push_back(lookup(id));
  std::sort(out.begin(), out.end(),
            [](const Entry* a, const Entry* b) { return a->ref.id() < b->ref.id(); });
  return out;
}

}  // namespace

std::vector<const detail::OrganizationEntry*> sorted_organizations(const detail::SharedIndex& index,
                                                                   const std::set<uint64_t>& ids) {
  return sorted_entries<detail::OrganizationEntry>(
      ids, [&](uint64_t id) { return index.organization(id); });
}

std::vector<const detail::ProviderEntry*> sorted_providers(const detail::SharedIndex& index,
                                                           const std::set<uint64_t>& ids) {
  return sorted_entries<detail::ProviderEntry>(ids,
                                               [&](uint64_t id) { return index.provider(id); });
}

std::string render_manifest(const FhirWriteOptions& options, std::vector<ManifestOutput> outputs) {
  std::sort(outputs.begin(), outputs.end(),
            [](const ManifestOutput& a, const ManifestOutput& b) { return a.type < b.type; });
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  detail::write_instant(w, "transactionTime", options.transaction_time);
  w.field("request", options.request_url);
  w.field("requiresAccessToken", false);
  w.key("output");
  w.begin_array();
  for (const auto& o : outputs) {
    w.begin_object();
    w.field("type", o.type);
    w.field("url", o.url);
    w.field("count", o.count);
    w.end_object();
  }
  w.end_array();
  w.key("error");
  w.begin_array();
  w.end_array();
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace fos::fhir
