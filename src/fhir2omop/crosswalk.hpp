// fhir_omop_crosswalk: (resource_type, fhir_id, omop_table, omop_id) for every converted
// resource, written beside the CDM tables in each requested format, so that cross-model
// validation can follow a FHIR resource to the OMOP row it became.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "core/output.hpp"
#include "omop/cdm/cdm.hpp"
#include "omop/write/omop_write.hpp"
#include "record/provider.hpp"

namespace fos::fhir2omop {

/// The table's columns, as the CDM tables are described (for read_csv_sql and DuckDB).
const omop::CdmTable& crosswalk_table();

class CrosswalkFile {
 public:
  /// Opens root/omop/fhir_omop_crosswalk.csv (temporary until finish()).
  explicit CrosswalkFile(const std::filesystem::path& root);

  /// Append CSV rows (append_crosswalk_row).
  void write(std::string_view rows) { file_.write(rows); }
  /// Rows of the shared resources: Organization -> care_site, Practitioner -> provider.
  void add_directory(const record::ProviderDirectory& directory);
  /// Commit the CSV, then write root/omop/fhir_omop_crosswalk.parquet and/or the table in
  /// root/omop.duckdb as `formats` ask (after the sink's finish()); the CSV is removed when
  /// csv is not among them.
  void finish(const std::vector<omop::OmopFormat>& formats);

 private:
  std::filesystem::path root_;
  AtomicFile file_;
};

}  // namespace fos::fhir2omop
