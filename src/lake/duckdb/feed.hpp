// Feeding typed rows from C++ into a DuckDB statement without text in between.
//
// A ColumnBatch holds rows column by column (integers, doubles, dates, timestamps, text, each
// with a null flag). A FeedQuery runs one SQL statement (typically COPY ... TO a Parquet file)
// on its own thread and its own connection to a database that many queries share; the
// statement reads the batches pushed to the query as the table function fos_feed(). The queue
// between them is bounded: push() waits while it is full, so memory does not grow with the data.
// The table function hands DuckDB full chunks of duckdb_vector_size() rows (only the last may be
// shorter) whatever the batch sizes, so the statement's output does not depend on how the rows were
// batched.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fos::lake {

class Connection;
class Database;

/// The SQL type of a fed column.
enum class ColumnType : uint8_t {
  kInteger,    ///< INTEGER (int32), stored as int64 and range-checked on push
  kBigint,     ///< BIGINT
  kDouble,     ///< DOUBLE
  kDate,       ///< DATE: days since 1970-01-01
  kTimestamp,  ///< TIMESTAMP: microseconds since 1970-01-01 00:00:00
  kVarchar,    ///< VARCHAR (UTF-8)
};

/// The ColumnType of an SQL type name ("INTEGER", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP",
/// "VARCHAR"); throws Error{kInternal} for another.
ColumnType column_type(std::string_view sql_type);

struct FeedColumn {
  std::string name;
  ColumnType type = ColumnType::kVarchar;
};

/// One column of a batch. Every row has a slot in the storage of its type, nulls included.
class BatchColumn {
 public:
  explicit BatchColumn(ColumnType type) : type_(type) {}

  ColumnType type() const { return type_; }
  size_t size() const { return valid_.size(); }

  /// Integer, date (days) or timestamp (microseconds) columns.
  void push_int(int64_t value) {
    ints_.push_back(value);
    valid_.push_back(1);
  }
  void push_double(double value) {
    doubles_.push_back(value);
    valid_.push_back(1);
  }
  void push_text(std::string_view value) {
    bytes_.append(value);
    ends_.push_back(bytes_.size());
    valid_.push_back(1);
  }
  void push_null();
  /// Make room for `rows` more rows without growing (text bytes are not reserved).
  void reserve(size_t rows);

  bool is_null(size_t row) const { return valid_[row] == 0; }
  int64_t int_at(size_t row) const { return ints_[row]; }
  double double_at(size_t row) const { return doubles_[row]; }
  std::string_view text_at(size_t row) const {
    const size_t begin = row == 0 ? 0 : ends_[row - 1];
    return std::string_view(bytes_).substr(begin, ends_[row] - begin);
  }

  /// Approximate heap bytes held (for sizing queues).
  size_t bytes() const {
    return ints_.size() * 8 + doubles_.size() * 8 + ends_.size() * 8 + bytes_.size() +
           valid_.size();
  }

 private:
  ColumnType type_;
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<size_t> ends_;
  std::string bytes_;
  std::vector<uint8_t> valid_;
};

/// Rows of a fixed set of typed columns.
struct ColumnBatch {
  std::vector<BatchColumn> columns;
  size_t rows = 0;

  ColumnBatch() = default;
  explicit ColumnBatch(const std::vector<FeedColumn>& layout);
};

/// One statement reading pushed batches, on its own thread and its own connection to a
/// database shared by many queries (settings such as SET threads or memory_limit are the
/// database's, made once by the caller).
class FeedQuery {
 public:
  /// Start `sql` on a connection to `database` (which must outlive the query). Every
  /// `fos_feed()` in `sql` names a table function, registered for this query only, that
  /// returns the pushed rows with `columns` in push order. At most `max_queued` batches wait
  /// between producer and statement.
  FeedQuery(const Database& database, std::vector<FeedColumn> columns, std::string sql,
            size_t max_queued = 4);
  /// Without finish(): cancels the statement (it fails) and waits for its thread.
  ~FeedQuery();
  FeedQuery(const FeedQuery&) = delete;
  FeedQuery& operator=(const FeedQuery&) = delete;

  /// Queue `batch` (its columns must match). Waits while the queue is full. Throws the
  /// statement's Error if it failed, and Error{kInternal} after finish().
  void push(ColumnBatch batch);
  /// End of rows: wait for the statement; throws its Error if it failed.
  void finish();

 private:
  struct State;
  static void register_function(Connection& con, State& state);
  std::unique_ptr<State> state_;
};

}  // namespace fos::lake
