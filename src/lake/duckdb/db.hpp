// Front door of the lake/duckdb room: a small RAII face over DuckDB's C API.
//
// This is the only code in fos that includes duckdb.h. A Database is a file (or
// memory); a Connection runs SQL on it; a QueryResult holds a materialized result
// small enough for tests and summaries (bulk data goes through COPY and read_csv,
// never row by row through here). Every failure throws Error{kSql} carrying
// DuckDB's own message after a context naming what fos was doing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fos::lake {

struct CellEntry;

/// One value of a result read through DuckDB's chunk API (Connection::query_cells): a scalar
/// as text, a MAP as its entries (key text, value), in the map's order.
struct Cell {
  bool null = true;
  std::string text;                ///< scalars (VARCHAR, integers, BOOLEAN)
  std::vector<CellEntry> entries;  ///< MAP values

  /// The value of map entry `key`; nullptr when absent.
  const Cell* find(std::string_view key) const;
};

/// One entry of a MAP cell.
struct CellEntry {
  std::string key;
  Cell value;
};

class Database {
 public:
  /// Open (or create) the database file at `path`. Throws Error{kSql} naming the path.
  static Database open(const std::filesystem::path& path);
  /// A fresh in-memory database.
  static Database in_memory();

  ~Database();
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;

 private:
  friend class Connection;
  struct Handle;
  explicit Database(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
};

/// A materialized query result. Column and row indices are 0-based.
class QueryResult {
 public:
  ~QueryResult();
  QueryResult(QueryResult&&) noexcept;
  QueryResult& operator=(QueryResult&&) noexcept;

  uint64_t row_count() const;
  uint64_t column_count() const;
  std::string column_name(uint64_t column) const;

  bool is_null(uint64_t row, uint64_t column) const;
  /// The value as text; nullopt for NULL.
  std::optional<std::string> text(uint64_t row, uint64_t column) const;
  /// The value cast to a 64-bit integer; nullopt for NULL.
  std::optional<int64_t> int64(uint64_t row, uint64_t column) const;
  /// Text of the value, "" for NULL (handy in tests and messages).
  std::string str(uint64_t row, uint64_t column) const;

 private:
  friend class Connection;
  struct Handle;
  explicit QueryResult(std::unique_ptr<Handle> handle);
  void check(uint64_t row, uint64_t column) const;
  std::unique_ptr<Handle> handle_;
};

class Connection {
 public:
  /// Connect to `database`, which must outlive the connection.
  explicit Connection(const Database& database);
  ~Connection();
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;

  /// Run one or more statements, discarding any result.
  void execute(std::string_view sql);
  /// Run a query and keep its result.
  QueryResult query(std::string_view sql);
  /// The first column of the first row as an integer (COUNT(*) and friends).
  int64_t scalar_int64(std::string_view sql);
  /// Run a statement whose result has MAP columns (e.g. `COPY ... RETURN_STATS`) and return
  /// its rows as cells. Supports VARCHAR, integer, BOOLEAN and MAP(VARCHAR, ...) columns;
  /// another type throws Error{kInternal} naming the column.
  std::vector<std::vector<Cell>> query_cells(std::string_view sql);
  /// Register scalar function `name`(VARCHAR) -> INTEGER in this connection's database,
  /// computed by `fn` on each value's bytes (NULL gives NULL). A name that already exists is
  /// left as it is.
  void register_string_function(const std::string& name,
                                std::function<int32_t(std::string_view)> fn);

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

/// `text` as an SQL string literal: 'it''s'.
std::string sql_quote(std::string_view text);
/// `name` as an SQL identifier: "my ""table""".
std::string sql_identifier(std::string_view name);

}  // namespace fos::lake
