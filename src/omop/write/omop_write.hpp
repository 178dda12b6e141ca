// Front door of omop/write: a RecordSink that writes patient records as OMOP CDM 5.4 tables.
//
// Rows are rendered as CSV per table on worker threads (render), appended in patient
// order (write), and completed by finish(): shared tables (provider, care_site, the
// care-site locations), the vocabulary tables restricted to the concepts the data
// uses, cdm_source, then the Parquet files and/or the DuckDB database converted from
// the CSV through DuckDB. The rules (ids, concepts, what goes where) are described in
// docs/omop-mapping.md.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "record/provider.hpp"
#include "record/sink.hpp"

namespace fos::omop {

class Vocabulary;

enum class OmopFormat { kCsv, kParquet, kDuckdb };

/// "csv", "parquet", "duckdb".
std::string_view to_string(OmopFormat format);

struct OmopWriteOptions {
  std::vector<OmopFormat> formats = {OmopFormat::kCsv};
  Date reference_date;  ///< cdm_source release dates; end of observation for people with no visit
  std::string source_name = "fos synthetic population";
  const Vocabulary* vocabulary =
      nullptr;  ///< nullptr: the built-in vocabulary; must outlive the sink

  /// Throws Error{kInvalidInput} naming the offending option.
  void validate() const;
};

/// Name of the count of codes that found no standard concept (written as concept 0).
inline constexpr std::string_view kUnmappedCount = "unmapped_concepts";

/// A RecordSink writing the CDM under `root` (an already-staged run folder):
/// root/omop/<table>.csv, root/omop/<table>.parquet and root/omop.duckdb, per the formats
/// requested. `directory` must outlive the sink. Throws Error{kInvalidInput} on bad options.
std::unique_ptr<record::RecordSink> make_omop_sink(const std::filesystem::path& root,
                                                   const record::ProviderDirectory& directory,
                                                   const OmopWriteOptions& options);

}  // namespace fos::omop
