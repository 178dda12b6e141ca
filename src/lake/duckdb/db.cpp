// DuckDB C API wrappers: handles with deleters, and one place that turns a
// duckdb_state into an Error.
#include "lake/duckdb/db.hpp"

#include <duckdb.h>

#include "core/error.hpp"
#include "lake/duckdb/handles.hpp"

namespace fos::lake {
namespace {

std::string shorten(std::string_view sql) {
  constexpr size_t kMax = 200;
  std::string out(sql.substr(0, kMax));
  if (sql.size() > kMax) out += "...";
  return out;
}

// Owns a duckdb_logical_type.
struct LogicalType {
  duckdb_logical_type type;
  explicit LogicalType(duckdb_logical_type t) : type(t) {}
  ~LogicalType() { duckdb_destroy_logical_type(&type); }
  LogicalType(const LogicalType&) = delete;
  LogicalType& operator=(const LogicalType&) = delete;
};

// Owns a duckdb_data_chunk.
struct DataChunk {
  duckdb_data_chunk chunk;
  explicit DataChunk(duckdb_data_chunk c) : chunk(c) {}
  ~DataChunk() {
    if (chunk != nullptr) duckdb_destroy_data_chunk(&chunk);
  }
  DataChunk(const DataChunk&) = delete;
  DataChunk& operator=(const DataChunk&) = delete;
};

template <typename T>
std::string number_at(duckdb_vector vector, idx_t row) {
  return std::to_string(static_cast<const T*>(duckdb_vector_get_data(vector))[row]);
}

// The value at `row` of `vector` (a column of a chunk, or a map's key/value child).
Cell cell_at(duckdb_vector vector, idx_t row, const std::string& column) {
  Cell cell;
  uint64_t* validity = duckdb_vector_get_validity(vector);
  if (validity != nullptr && !duckdb_validity_row_is_valid(validity, row)) return cell;
  cell.null = false;
  const LogicalType type(duckdb_vector_get_column_type(vector));
  switch (duckdb_get_type_id(type.type)) {
    case DUCKDB_TYPE_VARCHAR: {
      auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(vector));
      cell.text.assign(duckdb_string_t_data(&strings[row]), duckdb_string_t_length(strings[row]));
      return cell;
    }
    case DUCKDB_TYPE_BOOLEAN:
      cell.text = static_cast<const bool*>(duckdb_vector_get_data(vector))[row] ? "true" : "false";
      return cell;
    case DUCKDB_TYPE_TINYINT:
      cell.text = number_at<int8_t>(vector, row);
      return cell;
    case DUCKDB_TYPE_SMALLINT:
      cell.text = number_at<int16_t>(vector, row);
      return cell;
    case DUCKDB_TYPE_INTEGER:
      cell.text = number_at<int32_t>(vector, row);
      return cell;
    case DUCKDB_TYPE_BIGINT:
      cell.text = number_at<int64_t>(vector, row);
      return cell;
    case DUCKDB_TYPE_UTINYINT:
      cell.text = number_at<uint8_t>(vector, row);
      return cell;
    case DUCKDB_TYPE_USMALLINT:
      cell.text = number_at<uint16_t>(vector, row);
      return cell;
    case DUCKDB_TYPE_UINTEGER:
      cell.text = number_at<uint32_t>(vector, row);
      return cell;
    case DUCKDB_TYPE_UBIGINT:
      cell.text = number_at<uint64_t>(vector, row);
      return cell;
    case DUCKDB_TYPE_MAP: {
      const auto* entries = static_cast<const duckdb_list_entry*>(duckdb_vector_get_data(vector));
      duckdb_vector pairs = duckdb_list_vector_get_child(vector);
      duckdb_vector keys = duckdb_struct_vector_get_child(pairs, 0);
      duckdb_vector values = duckdb_struct_vector_get_child(pairs, 1);
      const duckdb_list_entry entry = entries[row];
      for (idx_t i = entry.offset; i < entry.offset + entry.length; ++i) {
        cell.entries.push_back({cell_at(keys, i, column).text, cell_at(values, i, column)});
      }
      return cell;
    }
    default:
      fail(ErrorKind::kInternal, "query result column " + column +
                                     " has a type query_cells does not read (DuckDB type id " +
                                     std::to_string(duckdb_get_type_id(type.type)) + ")");
  }
}

using StringFunction = std::function<int32_t(std::string_view)>;

// The body of a function registered by Connection::register_string_function.
void call_string_function(duckdb_function_info info, duckdb_data_chunk input,
                          duckdb_vector output) {
  const auto& fn = *static_cast<const StringFunction*>(duckdb_scalar_function_get_extra_info(info));
  duckdb_vector values = duckdb_data_chunk_get_vector(input, 0);
  auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(values));
  uint64_t* valid_in = duckdb_vector_get_validity(values);
  auto* out = static_cast<int32_t*>(duckdb_vector_get_data(output));
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* valid_out = duckdb_vector_get_validity(output);
  const idx_t size = duckdb_data_chunk_get_size(input);
  for (idx_t row = 0; row < size; ++row) {
    if (valid_in != nullptr && !duckdb_validity_row_is_valid(valid_in, row)) {
      duckdb_validity_set_row_invalid(valid_out, row);
      continue;
    }
    out[row] = fn(std::string_view(duckdb_string_t_data(&strings[row]),
                                   duckdb_string_t_length(strings[row])));
  }
}

}  // namespace

const Cell* Cell::find(std::string_view key) const {
  for (const CellEntry& entry : entries) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

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

std::vector<std::vector<Cell>> Connection::query_cells(std::string_view sql) {
  QueryResult result = query(sql);
  duckdb_result& raw = result.handle_->result;
  const idx_t columns = duckdb_column_count(&raw);
  std::vector<std::string> names;
  for (idx_t c = 0; c < columns; ++c) names.emplace_back(duckdb_column_name(&raw, c));
  std::vector<std::vector<Cell>> rows;
  while (true) {
    const DataChunk chunk(duckdb_fetch_chunk(raw));
    if (chunk.chunk == nullptr) break;
    const idx_t size = duckdb_data_chunk_get_size(chunk.chunk);
    for (idx_t row = 0; row < size; ++row) {
      std::vector<Cell> cells;
      for (idx_t c = 0; c < columns; ++c) {
        cells.push_back(cell_at(duckdb_data_chunk_get_vector(chunk.chunk, c), row, names[c]));
      }
      rows.push_back(std::move(cells));
    }
  }
  return rows;
}

void Connection::register_string_function(const std::string& name,
                                          std::function<int32_t(std::string_view)> fn) {
  if (scalar_int64("SELECT count(*) FROM duckdb_functions() WHERE function_name = " +
                   sql_quote(name)) > 0) {
    return;
  }
  duckdb_scalar_function function = duckdb_create_scalar_function();
  duckdb_scalar_function_set_name(function, name.c_str());
  const LogicalType varchar(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
  const LogicalType integer(duckdb_create_logical_type(DUCKDB_TYPE_INTEGER));
  duckdb_scalar_function_add_parameter(function, varchar.type);
  duckdb_scalar_function_set_return_type(function, integer.type);
  duckdb_scalar_function_set_extra_info(function, new StringFunction(std::move(fn)),
                                        [](void* p) { delete static_cast<StringFunction*>(p); });
  duckdb_scalar_function_set_function(function, &call_string_function);
  const duckdb_state state = duckdb_register_scalar_function(handle_->con, function);
  duckdb_destroy_scalar_function(&function);
  if (state == DuckDBError) fail(ErrorKind::kSql, "registering DuckDB function " + name);
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
