// DuckDB C API wrappers: handles with deleters, and one place that turns a
// duckdb_state into an Error.
#include "lake/duckdb/db.hpp"

#include <duckdb.h>

#include "core/error.hpp"

namespace fos::lake {
namespace {

std::string shorten(std::string_view sql) {
  constexpr size_t kMax = 200;
  std::string out(sql.substr(0, kMax));
  if (sql.size() > kMax) out += "...";
  return out;
}

}  // namespace

struct Database::Handle {
  duckdb_database db = nullptr;
  ~Handle() {
    if (db != nullptr) duckdb_close(&db);
  }
};

struct Connection::Handle {
  duckdb_connection con = nullptr;
  ~Handle() {
    if (con != nullptr) duckdb_disconnect(&con);
  }
};

struct QueryResult::Handle {
  duckdb_result result{};
  bool live = false;
  ~Handle() {
    if (live) duckdb_destroy_result(&result);
  }
};

// ---- Database ----

Database::Database(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}
Database::~Database() = default;
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;

Database Database::open(const std::filesystem::path& path) {
  auto handle = std::make_unique<Handle>();
  char* error = nullptr;
  const std::string text = path.string();
  if (duckdb_open_ext(text.c_str(), &handle->db, nullptr, &error) == DuckDBError) {
    std::string message = error != nullptr ? error : "unknown error";
    if (error != nullptr) duckdb_free(error);
    fail(ErrorKind::kSql, "opening DuckDB database " + text + ": " + message);
  }
  return Database(std::move(handle));
}

Database Database::in_memory() {
  return open(":memory:");
}

// ---- QueryResult ----

QueryResult::QueryResult(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}
QueryResult::~QueryResult() = default;
QueryResult::QueryResult(QueryResult&&) noexcept = default;
QueryResult& QueryResult::operator=(QueryResult&&) noexcept = default;

uint64_t QueryResult::row_count() const {
  return duckdb_row_count(&handle_->result);
}
uint64_t QueryResult::column_count() const {
  return duckdb_column_count(&handle_->result);
}

std::string QueryResult::column_name(uint64_t column) const {
  check(0, column);
  const char* name = duckdb_column_name(&handle_->result, column);
  return name != nullptr ? name : "";
}

void QueryResult::check(uint64_t row, uint64_t column) const {
  if (column >= column_count() || (row > 0 && row >= row_count())) {
    fail(ErrorKind::kInternal, "query result has no cell at row " + std::to_string(row) +
                                   ", column " + std::to_string(column));
  }
}

bool QueryResult::is_null(uint64_t row, uint64_t column) const {
  check(row, column);
  return duckdb_value_is_null(&handle_->result, column, row);
}

std::optional<std::string> QueryResult::text(uint64_t row, uint64_t column) const {
  if (is_null(row, column)) return std::nullopt;
  char* value = duckdb_value_varchar(&handle_->result, column, row);
  if (value == nullptr) return std::nullopt;
  std::string out(value);
  duckdb_free(value);
  return out;
}

std::optional<int64_t> QueryResult::int64(uint64_t row, uint64_t column) const {
  if (is_null(row, column)) return std::nullopt;
  return duckdb_value_int64(&handle_->result, column, row);
}

std::string QueryResult::str(uint64_t row, uint64_t column) const {
  return text(row, column).value_or("");
}

// ---- Connection ----

Connection::Connection(const Database& database) : handle_(std::make_unique<Handle>()) {
  if (duckdb_connect(database.handle_->db, &handle_->con) == DuckDBError) {
    fail(ErrorKind::kSql, "connecting to DuckDB database: connection refused");
  }
}
Connection::~Connection() = default;
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

QueryResult Connection::query(std::string_view sql) {
  auto handle = std::make_unique<QueryResult::Handle>();
  const std::string text(sql);
  const duckdb_state state = duckdb_query(handle_->con, text.c_str(), &handle->result);
  handle->live = true;  // duckdb_query fills the result even on error; it must be destroyed
  if (state == DuckDBError) {
    const char* error = duckdb_result_error(&handle->result);
    fail(ErrorKind::kSql,
         "running SQL `" + shorten(sql) + "`: " + (error ? error : "unknown error"));
  }
  return QueryResult(std::move(handle));
}

void Connection::execute(std::string_view sql) {
  query(sql);
}

int64_t Connection::scalar_int64(std::string_view sql) {
  QueryResult result = query(sql);
  if (result.row_count() == 0 || result.column_count() == 0) {
    fail(ErrorKind::kSql, "SQL `" + shorten(sql) + "` returned no value");
  }
  return result.int64(0, 0).value_or(0);
}

// ---- quoting ----

std::string sql_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string sql_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace fos::lake
