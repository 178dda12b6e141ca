// A warehouse: a folder of Iceberg tables <warehouse>/<namespace>/<table>/, and the read
// side fos offers over it: listing, time travel, and DuckDB views over a snapshot's files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lake/duckdb/db.hpp"
#include "lake/iceberg/table.hpp"

namespace fos::lake {

struct WarehouseTable {
  std::string ns;    ///< namespace ("omop")
  std::string name;  ///< table name ("person")
  std::filesystem::path dir;
  std::filesystem::path metadata_file;  ///< empty: the newest version found in dir
};

/// Every table registered in the SQLite catalog at `catalog` (dir = the folder holding the
/// pointer's metadata/ folder, metadata_file = the pointer). Throws Error{kInvalidInput} when
/// the file does not exist.
std::vector<WarehouseTable> list_sqlite_catalog(const std::filesystem::path& catalog);

/// Every table of `warehouse`, sorted by namespace and name. Throws Error{kInvalidInput}
/// when `warehouse` is not a folder.
std::vector<WarehouseTable> list_warehouse(const std::filesystem::path& warehouse);

/// A point in a table's history: a snapshot id, or an instant ("2024-03-01T12:00:00Z") that
/// selects the snapshot current then (nullopt: no snapshot yet at that time).
struct AsOf {
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> timestamp_ms;

  /// Parse "--as-of": digits are a snapshot id, otherwise an ISO instant. Throws
  /// Error{kInvalidInput} naming the text.
  static AsOf parse(std::string_view text);
};

/// The snapshot of `metadata` current at `as_of`: the snapshot itself when it belongs to
/// this table, else the newest snapshot committed at or before `timestamp_ms`.
std::optional<int64_t> snapshot_as_of(const TableMetadata& metadata, const AsOf& as_of);

/// SQL selecting the rows of `table` at `snapshot_id` (nullopt: an empty result with the
/// table's columns). Columns are read by name from the snapshot's data files.
std::string snapshot_select_sql(const IcebergTable& table, std::optional<int64_t> snapshot_id);

/// Create a schema per namespace and a view <ns>.<table> for every table of `warehouse`, at
/// the current snapshot or as of `as_of`. A snapshot id given in `as_of` must belong to one
/// of the tables; the other tables are shown as of that snapshot's commit time.
void create_warehouse_views(Connection& con, const std::filesystem::path& warehouse,
                            const std::optional<AsOf>& as_of = std::nullopt);

/// Append the rows of query `sql` to table `qualified` ("<ns>.<name>") of `warehouse` as one
/// snapshot, creating the table when absent with the query's columns (DuckDB types mapped to
/// Iceberg's) partitioned by `partition` ("bucket[8](person_id)", "year(birth_date)",
/// "identity(state)"). Throws Error{kInvalidInput} for a bad name, partition or a column type
/// fos cannot store (DECIMAL, nested, ...).
AppendResult append_query(Connection& con, const std::filesystem::path& warehouse,
                          const std::string& qualified, const std::string& sql,
                          const CommitOptions& options = {},
                          const std::vector<std::string>& partition = {});

/// Create a view for each of `tables` (<ns>.<name>, or just <name> when ns is empty) over
/// its current snapshot or as of `as_of`, reading any v1/v2 table (ReadableTable: columns by
/// field id, position and equality deletes applied). `where` names the tables in errors.
void create_table_views(Connection& con, const std::vector<WarehouseTable>& tables,
                        const std::optional<AsOf>& as_of, const std::string& where);

}  // namespace fos::lake
