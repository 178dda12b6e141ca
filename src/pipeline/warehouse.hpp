// Warehouse: the OMOP tables of a run appended to an Apache Iceberg warehouse.
//
// Layout: <warehouse>/omop/<table>/ (file-system catalog, see docs/lake-layout.md). Each
// call appends every OMOP table found in the run's omop/ folder as one snapshot per table,
// tagged with the run id. person is partitioned by year_of_birth, tables with a person_id
// by the year of their first start date (or first date) column, the rest not at all.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lake/iceberg/table.hpp"
#include "omop/cdm/cdm.hpp"
#include "sof/sof.hpp"

namespace fos::pipeline {

/// "sqlite:PATH" -> PATH; "" -> nullopt (file-system catalog only). Throws
/// Error{kInvalidInput} for any other text (commands check it before writing anything).
std::optional<std::filesystem::path> catalog_path(const std::string& catalog);

/// The Iceberg table definition of a CDM table (columns in CDM order, CDM types).
lake::TableDefinition iceberg_definition(const omop::CdmTable& table);

/// Append every table with an omop/<table>.csv (or .parquet) under `run_dir` to the
/// warehouse, one snapshot each with summary "fos.run-id" = `run_id`. Returns rows
/// appended per "omop.<table>". Throws Error{kInvalidInput} when there are no OMOP files.
/// `catalog` "sqlite:PATH": each table's pointer in that SQLite catalog (Iceberg JDBC /
/// pyiceberg layout) then moves to the version just committed; empty: file-system only.
std::map<std::string, uint64_t> append_to_warehouse(const std::filesystem::path& run_dir,
                                                    const std::filesystem::path& warehouse,
                                                    const std::string& run_id,
                                                    const std::string& catalog = {});

/// A flattened view's table file (<view name>.csv as CsvTableWriter wrote it, or .parquet).
struct FlatTable {
  const sof::ViewDefinition* view = nullptr;
  std::filesystem::path file;
};

/// The warehouse table of a view: "fhir.<view name without its fhir_ prefix>" ("fhir.patient").
std::string fhir_table_name(const sof::ViewDefinition& view);

/// Append each flattened view to table fhir.<view> (created with column types from the
/// ViewDefinition, as sof::parquet_type gives them), one snapshot each with summary
/// "fos.run-id" = `run_id`. Returns rows appended per "fhir.<table>". `catalog` as for
/// append_to_warehouse.
std::map<std::string, uint64_t> append_views_to_warehouse(const std::vector<FlatTable>& tables,
                                                          const std::filesystem::path& warehouse,
                                                          const std::string& run_id,
                                                          const std::string& catalog = {});

struct PipelineOptions;
struct Stage;
/// The "lake" stage of `fos pipeline run`: appends the run's OMOP tables to the warehouse
/// (options.warehouse, default <out>/warehouse), and the flatten stage's views to fhir.*.
/// nullopt when the run writes neither OMOP CSV/Parquet files nor FHIR.
std::optional<Stage> lake_stage(const PipelineOptions& options);

}  // namespace fos::pipeline
