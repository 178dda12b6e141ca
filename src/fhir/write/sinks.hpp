// The two sink implementations behind make_fhir_sink, and the parts they share.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fhir/write/detail/context.hpp"
#include "fhir/write/fhir_write.hpp"
#include "record/sink.hpp"

namespace fos::fhir {

std::unique_ptr<record::RecordSink> make_ndjson_sink(const std::filesystem::path& dir,
                                                     const record::ProviderDirectory& directory,
                                                     const FhirWriteOptions& options);
std::unique_ptr<record::RecordSink> make_bundle_sink(const std::filesystem::path& dir,
                                                     const record::ProviderDirectory& directory,
                                                     const FhirWriteOptions& options);

/// Ids of the shared resources some patients' encounters use.
struct SharedIds {
  std::set<uint64_t> organizations;
  std::set<uint64_t> providers;

  void add(const detail::PatientContext& ctx);
};

/// The entries for `ids`, sorted by FHIR id so that output order does not depend on hashing.
std::vector<const detail::OrganizationEntry*> sorted_organizations(const detail::SharedIndex& index,
                                                                   const std::set<uint64_t>& ids);
std::vector<const detail::ProviderEntry*> sorted_providers(const detail::SharedIndex& index,
                                                           const std::set<uint64_t>& ids);

/// One `output` line of the Bulk Data manifest.
struct ManifestOutput {
  std::string type;
  std::string url;
  uint64_t count = 0;
};

/// manifest.json text (with a final newline); `outputs` are sorted by type here.
std::string render_manifest(const FhirWriteOptions& options, std::vector<ManifestOutput> outputs);

}  // namespace fos::fhir
