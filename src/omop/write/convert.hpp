// Converting the CDM CSV files to Parquet and to one DuckDB database, through DuckDB.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "omop/cdm/cdm.hpp"

namespace fos::omop {

/// DuckDB's read_csv(...) over a CDM CSV file, with every column named and typed (sql_type).
std::string read_csv_sql(const std::filesystem::path& csv, const CdmTable& table);

/// Write `dir`/<table>.parquet (zstd) for each of `tables` from `dir`/<table>.csv.
void write_parquet(const std::filesystem::path& dir, const std::vector<const CdmTable*>& tables);

/// Create `database` holding every CDM table (CDM column types, NOT NULL on required
/// columns), loading those in `tables` from `dir`/<table>.csv.
void write_duckdb(const std::filesystem::path& database, const std::filesystem::path& dir,
                  const std::vector<const CdmTable*>& tables);

}  // namespace fos::omop
