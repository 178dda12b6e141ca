// Front door of fhir2omop: FHIR R4 from any source converted into OMOP CDM 5.4 tables.
//
// Resources are read with fhir/read, grouped by patient, turned back into the record
// model (one mapper per resource type, mappers.cpp) and written by omop/write's sink, so
// ids, routing by domain, eras and conformance are exactly those of fos's direct OMOP
// output. What the FHIR cannot carry, and the other deliberate differences, are listed
// in docs/fhir2omop.md. Every resource read is accounted for in a MappingReport.
#pragma once

#include <filesystem>
#include <vector>

#include "core/date.hpp"
#include "fhir/read/read.hpp"
#include "fhir2omop/report.hpp"
#include "omop/write/omop_write.hpp"

namespace fos::fhir2omop {

struct ConvertOptions {
  std::vector<std::filesystem::path> inputs;  ///< NDJSON / JSON / Bundle files or folders
  std::vector<omop::OmopFormat> formats = {omop::OmopFormat::kCsv};
  fhir::OnError on_error = fhir::OnError::kFail;
  Date reference_date;  ///< end of observation for people with no visit; cdm_source dates
  const omop::Vocabulary* vocabulary = nullptr;  ///< nullptr: the built-in vocabulary
  unsigned threads = 0;  ///< mapping/rendering workers; 0: one per core (output is the same)
  /// Stream per patient when the input is grouped by patient (else, or when false, spill
  /// the patient-owned resources to files by patient range). The output is the same.
  bool stream = true;

  /// Throws Error{kInvalidInput} naming the offending option.
  void validate() const;
};

/// Convert `options.inputs` into the CDM under `root` (an already-staged folder):
/// root/omop/<table>.csv (+ .parquet / root/omop.duckdb), with the fhir_omop_crosswalk
/// table in each format. Throws Error{kInvalidInput}
/// on malformed input when on_error is kFail; bad resources (no subject, dangling
/// reference, invalid date, duplicated id) are skipped and counted in the report.
MappingReport convert(const ConvertOptions& options, const std::filesystem::path& root);

}  // namespace fos::fhir2omop
