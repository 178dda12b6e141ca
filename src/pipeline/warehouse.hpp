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

#include "lake/iceberg/table.hpp"
#include "omop/cdm/cdm.hpp"

namespace fos::pipeline {

/// The Iceberg table definition of a CDM table (columns in CDM order, CDM types).
lake::TableDefinition iceberg_definition(const omop::CdmTable& table);

/// Append every table with an omop/<table>.csv (or .parquet) under `run_dir` to the
/// warehouse, one snapshot each with summary "fos.run-id" = `run_id`. Returns rows
/// appended per "omop.<table>". Throws Error{kInvalidInput} when there are no OMOP files.
std::map<std::string, uint64_t> append_to_warehouse(const std::filesystem::path& run_dir,
                                                    const std::filesystem::path& warehouse,
                                                    const std::string& run_id);

struct PipelineOptions;
struct Stage;
/// The "lake" stage of `fos pipeline run`: appends the run's OMOP tables to the warehouse
/// (options.warehouse, default <out>/warehouse). nullopt when the run writes no OMOP CSV or
/// Parquet files.
std::optional<Stage> lake_stage(const PipelineOptions& options);

}  // namespace fos::pipeline
