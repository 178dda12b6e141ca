// Front door of fhir/write: a RecordSink that writes patient records as FHIR R4 JSON.
//
// Two layouts: Bulk Data NDJSON (one file per resource type plus manifest.json)
// or one transaction Bundle per patient. Resource ids come from record/ids.hpp,
// so FHIR and OMOP outputs of one run name the same things. The mapping from
// record fields to FHIR elements is described in docs/fhir-mapping.md.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/date.hpp"
#include "record/provider.hpp"
#include "record/sink.hpp"

namespace fos::fhir {

enum class FhirLayout {
  kNdjson,   ///< dir/<Type>.ndjson + dir/manifest.json (Bulk Data export layout)
  kBundles,  ///< dir/bundles/<patient-id>.json, one transaction Bundle per patient
};

struct FhirWriteOptions {
  FhirLayout layout = FhirLayout::kNdjson;
  /// Written into manifest.json; the run's reference date, so output is deterministic.
  Instant transaction_time;
  /// Manifest "request".
  std::string request_url = "fos generate";

  /// Throws Error{kInvalidInput} naming the bad option.
  void validate() const;
};

/// A RecordSink writing FHIR R4 under `dir` (an existing, already-staged output
/// folder, e.g. <staging>/fhir). `directory` must outlive the sink. Throws
/// Error{kInvalidInput} for bad options, Error{kIo} when `dir` is unusable.
std::unique_ptr<record::RecordSink> make_fhir_sink(const std::filesystem::path& dir,
                                                   const record::ProviderDirectory& directory,
                                                   const FhirWriteOptions& options);

}  // namespace fos::fhir
