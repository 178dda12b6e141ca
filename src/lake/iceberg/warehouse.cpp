// Warehouse listing, time travel and DuckDB views over snapshots.
#include "lake/iceberg/warehouse.hpp"

#include <algorithm>
#include <map>

#include "core/date.hpp"
#include "core/error.hpp"
#include "lake/iceberg/catalog_sqlite.hpp"
#include "lake/iceberg/evolve.hpp"
#include "lake/iceberg/scan.hpp"

namespace fos::lake {
namespace fs = std::filesystem;

std::vector<WarehouseTable> list_warehouse(const fs::path& warehouse) {
  std::error_code ec;
  if (!fs::is_directory(warehouse, ec)) {
    fail(ErrorKind::kInvalidInput, "--warehouse: '" + warehouse.string() + "' is not a folder");
  }
  std::vector<WarehouseTable> out;
  for (const auto& ns : fs::directory_iterator(warehouse)) {
    if (!ns.is_directory() || ns.path().filename().string().starts_with(".")) continue;
    for (const auto& table : fs::directory_iterator(ns.path())) {
      if (!table.is_directory() || !IcebergTable::exists(table.path())) continue;
      out.push_back(
          {ns.path().filename().string(), table.path().filename().string(), table.path()});
    }
  }
  std::sort(out.begin(), out.end(), [](const WarehouseTable& a, const WarehouseTable& b) {
    return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
  });
  return out;
}

std::vector<WarehouseTable> list_sqlite_catalog(const fs::path& catalog) {
  std::error_code ec;
  if (!fs::is_regular_file(catalog, ec)) {
    fail(ErrorKind::kInvalidInput, "--catalog: no SQLite catalog at " + catalog.string());
  }
  std::vector<WarehouseTable> out;
  for (const CatalogTable& t : SqliteCatalog(catalog).tables()) {
    std::string_view location = t.metadata_location;
    if (location.starts_with("file://")) location.remove_prefix(7);
    if (location.starts_with("file:")) location.remove_prefix(5);
    const fs::path file(location);
    out.push_back({t.ns, t.name, file.parent_path().parent_path(), file});
  }
  return out;
}

AsOf AsOf::parse(std::string_view text) {
  AsOf as_of;
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    try {
      as_of.snapshot_id = std::stoll(std::string(text));
      return as_of;
    } catch (const std::exception&) {
      fail(ErrorKind::kInvalidInput,
           "--as-of: snapshot id '" + std::string(text) + "' is too large");
    }
  }
  std::optional<Instant> instant = Instant::parse(text);
  if (!instant) {
    if (auto date = Date::parse(text)) instant = Instant::at(*date, 23, 59, 59);
  }
  if (!instant) {
    fail(ErrorKind::kInvalidInput,
         "--as-of: expected a snapshot id or an instant like "
         "2024-03-01T12:00:00Z, got '" +
             std::string(text) + "'");
  }
  as_of.timestamp_ms = instant->seconds() * 1000 + 999;  // the whole second counts
  return as_of;
}

std::optional<int64_t> snapshot_as_of(const TableMetadata& metadata, const AsOf& as_of) {
  if (as_of.snapshot_id && metadata.snapshot(*as_of.snapshot_id) != nullptr) {
    return as_of.snapshot_id;
  }
  if (!as_of.timestamp_ms) return metadata.current_snapshot_id;
  std::optional<int64_t> found;
  for (const SnapshotLogEntry& e : metadata.snapshot_log) {
    if (e.timestamp_ms <= *as_of.timestamp_ms) found = e.snapshot_id;
  }
  return found;
}

std::string snapshot_select_sql(const IcebergTable& table, std::optional<int64_t> snapshot_id) {
  const TableMetadata& m = table.metadata();
  const Snapshot* snapshot = snapshot_id ? m.snapshot(*snapshot_id) : nullptr;
  // The current snapshot reads with the current schema (it may have evolved since), an older
  // one with its own.
  const IcebergSchema* schema = snapshot != nullptr && snapshot_id != m.current_snapshot_id
                                    ? m.schema(snapshot->schema_id)
                                    : nullptr;
  if (schema == nullptr) schema = &m.current_schema();
  std::string columns;
  std::string empty_columns;
  for (const IcebergField& f : schema->fields) {
    if (!columns.empty()) {
      columns += ", ";
      empty_columns += ", ";
    }
    columns += sql_identifier(f.name);
    empty_columns +=
        "CAST(NULL AS " + std::string(duckdb_type(f.type)) + ") AS " + sql_identifier(f.name);
  }
  std::vector<DataFile> files;
  if (snapshot != nullptr) files = table.data_files(snapshot->snapshot_id);
  if (files.empty()) return "SELECT " + empty_columns + " WHERE false";
  std::vector<std::string> paths;
  for (const DataFile& f : files) {
    if (f.format != "PARQUET" && f.format != "parquet") {
      fail(ErrorKind::kInvalidInput, table.dir().string() + ": data file format " + f.format +
                                         " is not supported (" + f.path + ")");
    }
    const fs::path local = table.local_path(f.path);
    std::error_code ec;
    if (!fs::exists(local, ec)) {
      fail(ErrorKind::kInvalidInput,
           table.dir().string() + ": data file missing: " + local.string());
    }
    paths.push_back(local.string());
  }
  return read_by_field_id_sql(*schema, paths);  // renamed and added columns read right
}

AppendResult append_query(Connection& con, const fs::path& warehouse, const std::string& qualified,
                          const std::string& sql, const CommitOptions& options,
                          const std::vector<std::string>& partition) {
  const size_t dot = qualified.find('.');
  const auto plain = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
  };
  if (dot == std::string::npos || !plain(qualified.substr(0, dot)) ||
      !plain(qualified.substr(dot + 1))) {
    fail(ErrorKind::kInvalidInput,
         "table name '" + qualified + "': expected <namespace>.<table> (a-z, 0-9, _)");
  }
  const fs::path dir = warehouse / qualified.substr(0, dot) / qualified.substr(dot + 1);
  const std::string source = "(" + sql + ")";
  TableDefinition definition;
  const QueryResult described = con.query("DESCRIBE SELECT * FROM " + source);
  for (uint64_t row = 0; row < described.row_count(); ++row) {
    const std::string name = described.str(row, 0);
    const std::string type = described.str(row, 1);
    static const std::map<std::string, IcebergType, std::less<>> kTypes = {
        {"BOOLEAN", IcebergType::kBoolean},
        {"TINYINT", IcebergType::kInt},
        {"SMALLINT", IcebergType::kInt},
        {"INTEGER", IcebergType::kInt},
        {"BIGINT", IcebergType::kLong},
        {"FLOAT", IcebergType::kFloat},
        {"DOUBLE", IcebergType::kDouble},
        {"DATE", IcebergType::kDate},
        {"TIMESTAMP", IcebergType::kTimestamp},
        {"TIMESTAMP WITH TIME ZONE", IcebergType::kTimestamptz},
        {"VARCHAR", IcebergType::kString},
        {"BLOB", IcebergType::kBinary}};
    auto it = kTypes.find(type);
    if (it == kTypes.end()) {
      std::string message = qualified;
      message += ": column '" + name + "' has type ";
      message += type + ", which fos does not store (cast it first)";
      fail(ErrorKind::kInvalidInput, message);
    }
    definition.columns.push_back({name, it->second, false});
  }
  for (const std::string& text : partition) {
    const size_t open = text.find('(');
    const std::optional<Transform> transform =
        open == std::string::npos ? std::nullopt : Transform::parse(text.substr(0, open));
    if (!transform || !text.ends_with(")")) {
      fail(ErrorKind::kInvalidInput,
           "partition '" + text + "': expected TRANSFORM(COLUMN), e.g. bucket[8](id)");
    }
    definition.partition.push_back({text.substr(open + 1, text.size() - open - 2), *transform, ""});
  }
  IcebergTable table = IcebergTable::open_or_create(dir, definition);
  return table.append(con, source, options);
}

void create_table_views(Connection& con, const std::vector<WarehouseTable>& tables,
                        const std::optional<AsOf>& as_of, const std::string& where) {
  std::vector<std::pair<const WarehouseTable*, ReadableTable>> opened;
  opened.reserve(tables.size());
  for (const WarehouseTable& t : tables) {
    opened.emplace_back(&t, t.metadata_file.empty()
                                ? ReadableTable::open(t.dir)
                                : ReadableTable::open_file(t.dir, t.metadata_file));
  }
  std::optional<AsOf> when = as_of;
  if (when && when->snapshot_id) {
    const ScanSnapshot* owner = nullptr;
    for (const auto& [t, table] : opened) {
      if (const ScanSnapshot* s = table.snapshot(*when->snapshot_id)) owner = s;
    }
    if (owner == nullptr) {
      fail(ErrorKind::kInvalidInput,
           "--as-of: no table in " + where + " has snapshot " + std::to_string(*when->snapshot_id));
    }
    when->timestamp_ms = owner->timestamp_ms;
  }
  std::vector<std::string> schemas;
  for (const auto& [t, table] : opened) {
    std::string view = sql_identifier(t->name);
    if (!t->ns.empty()) {
      if (std::find(schemas.begin(), schemas.end(), t->ns) == schemas.end()) {
        con.execute("CREATE SCHEMA IF NOT EXISTS " + sql_identifier(t->ns));
        schemas.push_back(t->ns);
      }
      view.insert(0, sql_identifier(t->ns) + ".");
    }
    std::optional<int64_t> snapshot = table.current_snapshot_id();
    if (when && when->snapshot_id && table.snapshot(*when->snapshot_id) != nullptr) {
      snapshot = when->snapshot_id;
    } else if (when) {
      snapshot = table.snapshot_at(*when->timestamp_ms);
    }
    con.execute("CREATE OR REPLACE VIEW " + view + " AS " + table.select_sql(snapshot));
  }
}

void create_warehouse_views(Connection& con, const fs::path& warehouse,
                            const std::optional<AsOf>& as_of) {
  create_table_views(con, list_warehouse(warehouse), as_of, warehouse.string());
}

}  // namespace fos::lake
