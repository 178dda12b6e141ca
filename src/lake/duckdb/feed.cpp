// FeedQuery: a bounded queue of column batches read by a DuckDB table function on a
// statement thread.
#include "lake/duckdb/feed.hpp"

#include <duckdb.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "core/error.hpp"
#include "lake/duckdb/handles.hpp"

namespace fos::lake {
namespace {

duckdb_type duckdb_type_of(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return DUCKDB_TYPE_INTEGER;
    case ColumnType::kBigint:
      return DUCKDB_TYPE_BIGINT;
    case ColumnType::kDouble:
      return DUCKDB_TYPE_DOUBLE;
    case ColumnType::kDate:
      return DUCKDB_TYPE_DATE;
    case ColumnType::kTimestamp:
      return DUCKDB_TYPE_TIMESTAMP;
    case ColumnType::kVarchar:
      return DUCKDB_TYPE_VARCHAR;
  }
  return DUCKDB_TYPE_VARCHAR;
}

int32_t to_int32(int64_t value) {
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    fail(ErrorKind::kInternal,
         "value " + std::to_string(value) + " does not fit a 32-bit INTEGER column");
  }
  return static_cast<int32_t>(value);
}

// Copy rows [from, from + count) of `column` to rows [at, at + count) of `vector`.
// Mark rows [at, at + count) of `vector` valid or NULL as `column`'s rows from `from` are.
// A vector without a validity mask has every row valid; one is made only when a NULL comes.
void copy_validity(const BatchColumn& column, size_t from, size_t count, duckdb_vector vector,
                   idx_t at) {
  uint64_t* validity = duckdb_vector_get_validity(vector);
  if (validity == nullptr) {
    bool any_null = false;
    for (size_t i = 0; i < count && !any_null; ++i) any_null = column.is_null(from + i);
    if (!any_null) return;
    duckdb_vector_ensure_validity_writable(vector);
    validity = duckdb_vector_get_validity(vector);
  }
  for (size_t i = 0; i < count; ++i) {
    const idx_t row = at + i;
    const uint64_t bit = uint64_t{1} << (row % 64);
    if (column.is_null(from + i)) {
      validity[row / 64] &= ~bit;
    } else {
      validity[row / 64] |= bit;
    }
  }
}

void copy_column(const BatchColumn& column, size_t from, size_t count, duckdb_vector vector,
                 idx_t at) {
  copy_validity(column, from, count, vector, at);
  void* data = duckdb_vector_get_data(vector);
  switch (column.type()) {
    case ColumnType::kInteger: {
      auto* out = static_cast<int32_t*>(data) + at;
      for (size_t i = 0; i < count; ++i) out[i] = to_int32(column.int_at(from + i));
      return;
    }
    case ColumnType::kDate: {
      auto* out = static_cast<duckdb_date*>(data) + at;
      for (size_t i = 0; i < count; ++i) out[i].days = to_int32(column.int_at(from + i));
      return;
    }
    case ColumnType::kBigint:
    case ColumnType::kTimestamp: {
      auto* out = static_cast<int64_t*>(data) + at;
      for (size_t i = 0; i < count; ++i) out[i] = column.int_at(from + i);
      return;
    }
    case ColumnType::kDouble: {
      auto* out = static_cast<double*>(data) + at;
      for (size_t i = 0; i < count; ++i) out[i] = column.double_at(from + i);
      return;
    }
    case ColumnType::kVarchar:
      for (size_t i = 0; i < count; ++i) {
        if (column.is_null(from + i)) continue;
        const std::string_view text = column.text_at(from + i);
        duckdb_vector_assign_string_element_len(vector, at + i, text.data(), text.size());
      }
      return;
  }
}

}  // namespace

ColumnType column_type(std::string_view sql_type) {
  if (sql_type == "INTEGER") return ColumnType::kInteger;
  if (sql_type == "BIGINT") return ColumnType::kBigint;
  if (sql_type == "DOUBLE") return ColumnType::kDouble;
  if (sql_type == "DATE") return ColumnType::kDate;
  if (sql_type == "TIMESTAMP") return ColumnType::kTimestamp;
  if (sql_type == "VARCHAR") return ColumnType::kVarchar;
  fail(ErrorKind::kInternal, "no fed column type for SQL type " + std::string(sql_type));
}

void BatchColumn::push_null() {
  switch (type_) {
    case ColumnType::kDouble:
      doubles_.push_back(0);
      break;
    case ColumnType::kVarchar:
      ends_.push_back(bytes_.size());
      break;
    default:
      ints_.push_back(0);
      break;
  }
  valid_.push_back(0);
}

void BatchColumn::reserve(size_t rows) {
  const size_t total = valid_.size() + rows;
  valid_.reserve(total);
  switch (type_) {
    case ColumnType::kDouble:
      doubles_.reserve(total);
      break;
    case ColumnType::kVarchar:
      ends_.reserve(total);
      break;
    default:
      ints_.reserve(total);
      break;
  }
}

ColumnBatch::ColumnBatch(const std::vector<FeedColumn>& layout) {
  columns.reserve(layout.size());
  for (const FeedColumn& column : layout) columns.emplace_back(column.type);
}

// Registering table functions in a database's catalog from many threads: one at a time.
std::mutex& registration_mutex() {
  static std::mutex mutex;
  return mutex;
}

// A table function name no other query of this process uses.
std::string unique_function_name() {
  static std::atomic<uint64_t> next{0};
  return "fos_feed_" + std::to_string(next++);
}

// `sql` with every "fos_feed(" naming `name` instead.
std::string rename_feed(std::string sql, const std::string& name) {
  constexpr std::string_view kCall = "fos_feed(";
  for (size_t at = sql.find(kCall); at != std::string::npos; at = sql.find(kCall, at)) {
    sql.replace(at, kCall.size() - 1, name);
    at += name.size();
  }
  return sql;
}

struct FeedQuery::State {
  std::vector<FeedColumn> columns;
  const Database* database = nullptr;  // the database to connect to
  std::string function_name;           // unique in the process: fos_feed_<n>
  size_t max_queued = 4;

  std::mutex mutex;
  std::condition_variable changed;
  std::deque<ColumnBatch> queue;
  bool closed = false;     // the producer pushes no more
  bool cancelled = false;  // the producer gave up: the statement must fail
  bool done = false;       // the statement ended
  std::exception_ptr error;

  // Read by the statement thread only.
  std::optional<ColumnBatch> current;
  size_t cursor = 0;

  std::thread thread;
  bool finished = false;

  // The next batch; nullopt once the producer closed the feed and the queue is empty.
  std::optional<ColumnBatch> pop() {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return !queue.empty() || closed || cancelled; });
    if (cancelled) fail(ErrorKind::kInternal, "the rows fed to DuckDB were cancelled");
    if (queue.empty()) return std::nullopt;
    ColumnBatch batch = std::move(queue.front());
    queue.pop_front();
    changed.notify_all();
    return batch;
  }

  // Fill `output` with the next duckdb_vector_size() rows (fewer only at the end).
  void fill(duckdb_data_chunk output) {
    const idx_t capacity = duckdb_vector_size();
    idx_t filled = 0;
    while (filled < capacity) {
      if (!current || cursor == current->rows) {
        current.reset();
        current = pop();
        cursor = 0;
        if (!current) break;
        continue;
      }
      const size_t take = std::min<size_t>(capacity - filled, current->rows - cursor);
      for (size_t c = 0; c < columns.size(); ++c) {
        copy_column(current->columns[c], cursor, take, duckdb_data_chunk_get_vector(output, c),
                    filled);
      }
      filled += take;
      cursor += take;
    }
    duckdb_data_chunk_set_size(output, filled);
  }

  static void bind(duckdb_bind_info info) {
    auto& state = *static_cast<State*>(duckdb_bind_get_extra_info(info));
    for (const FeedColumn& column : state.columns) {
      duckdb_logical_type type = duckdb_create_logical_type(duckdb_type_of(column.type));
      duckdb_bind_add_result_column(info, column.name.c_str(), type);
      duckdb_destroy_logical_type(&type);
    }
  }

  static void init(duckdb_init_info info) { duckdb_init_set_max_threads(info, 1); }

  static void scan(duckdb_function_info info, duckdb_data_chunk output) {
    auto& state = *static_cast<State*>(duckdb_function_get_extra_info(info));
    try {
      state.fill(output);
    } catch (const std::exception& e) {
      duckdb_function_set_error(info, e.what());
    }
  }

  void run(const std::string& sql) {
    try {
      Connection con(*database);
      {
        std::lock_guard lock(registration_mutex());
        register_function(con, *this);
      }
      con.execute(sql);
    } catch (...) {
      std::lock_guard lock(mutex);
      error = std::current_exception();
    }
    current.reset();
    std::lock_guard lock(mutex);
    done = true;
    queue.clear();
    changed.notify_all();
  }
};

void FeedQuery::register_function(Connection& con, State& state) {
  duckdb_table_function function = duckdb_create_table_function();
  duckdb_table_function_set_name(function, state.function_name.c_str());
  duckdb_table_function_set_extra_info(function, &state, nullptr);
  duckdb_table_function_set_bind(function, &State::bind);
  duckdb_table_function_set_init(function, &State::init);
  duckdb_table_function_set_function(function, &State::scan);
  const duckdb_state registered = duckdb_register_table_function(con.handle_->con, function);
  duckdb_destroy_table_function(&function);
  if (registered == DuckDBError)
    fail(ErrorKind::kSql, "registering DuckDB table function fos_feed");
}

FeedQuery::FeedQuery(const Database& database, std::vector<FeedColumn> columns, std::string sql,
                     size_t max_queued)
    : state_(std::make_unique<State>()) {
  state_->columns = std::move(columns);
  state_->max_queued = std::max<size_t>(max_queued, 1);
  state_->database = &database;
  state_->function_name = unique_function_name();
  state_->thread =
      std::thread([state = state_.get(), sql = rename_feed(std::move(sql), state_->function_name)] {
        state->run(sql);
      });
}

FeedQuery::~FeedQuery() {
  if (state_->finished) return;
  {
    std::lock_guard lock(state_->mutex);
    state_->cancelled = true;
    state_->changed.notify_all();
  }
  state_->thread.join();
}

void FeedQuery::push(ColumnBatch batch) {
  State& s = *state_;
  if (s.finished || s.closed) fail(ErrorKind::kInternal, "rows pushed to a finished DuckDB feed");
  if (batch.columns.size() != s.columns.size()) {
    fail(ErrorKind::kInternal, "a batch of " + std::to_string(batch.columns.size()) +
                                   " columns pushed to a DuckDB feed of " +
                                   std::to_string(s.columns.size()));
  }
  std::unique_lock lock(s.mutex);
  s.changed.wait(lock, [&] { return s.queue.size() < s.max_queued || s.done; });
  if (s.error) std::rethrow_exception(s.error);
  if (s.done) fail(ErrorKind::kInternal, "a DuckDB statement ended before reading all its rows");
  s.queue.push_back(std::move(batch));
  s.changed.notify_all();
}

void FeedQuery::finish() {
  State& s = *state_;
  if (s.finished) return;
  {
    std::lock_guard lock(s.mutex);
    s.closed = true;
    s.changed.notify_all();
  }
  s.thread.join();
  s.finished = true;
  if (s.error) std::rethrow_exception(s.error);
}

}  // namespace fos::lake
