// Typed rows held column by column: the one column model of fos's tabular outputs.
//
// A ColumnBatch holds rows of a fixed set of columns (integers, doubles, dates, timestamps,
// text), each row with a null flag. Producers fill batches; writers (the Parquet writer of this
// room) read them. Nothing here knows a file format.
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fos::lake {

/// The SQL type of a column.
enum class ColumnType : uint8_t {
  kInteger,    ///< INTEGER (int32), stored as int64 and range-checked when written
  kBigint,     ///< BIGINT
  kDouble,     ///< DOUBLE
  kDate,       ///< DATE: days since 1970-01-01
  kTimestamp,  ///< TIMESTAMP: microseconds since 1970-01-01 00:00:00
  kVarchar,    ///< VARCHAR (UTF-8)
};

/// The ColumnType of an SQL type name ("INTEGER", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP",
/// "VARCHAR"); throws Error{kInternal} for another.
ColumnType column_type(std::string_view sql_type);
/// The SQL type name of a ColumnType ("INTEGER", ...).
std::string_view sql_name(ColumnType type);

/// A column's name and type.
struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::kVarchar;
};

/// One column of a batch: a null flag per row, and the values of its non-NULL rows only, in
/// row order (value i is the i-th non-NULL row's), so a NULL costs one flag.
class BatchColumn {
 public:
  explicit BatchColumn(ColumnType type) : type_(type) {}

  ColumnType type() const { return type_; }
  /// Rows, NULLs included.
  size_t size() const { return valid_.size(); }
  /// Non-NULL rows (values held).
  size_t values() const { return type_ == ColumnType::kVarchar ? ends_.size() : words_.size(); }

  /// Integer, date (days) or timestamp (microseconds) columns.
  void push_int(int64_t value) {
    words_.push_back(static_cast<uint64_t>(value));
    valid_.push_back(1);
  }
  void push_double(double value) {
    words_.push_back(std::bit_cast<uint64_t>(value));
    valid_.push_back(1);
  }
  void push_text(std::string_view value) {
    bytes_.append(value);
    ends_.push_back(bytes_.size());
    valid_.push_back(1);
  }
  void push_null() { valid_.push_back(0); }
  /// Make room for `rows` more rows without growing (text bytes are not reserved).
  void reserve(size_t rows);

  bool is_null(size_t row) const { return valid_[row] == 0; }
  /// The null flags (1 value, 0 NULL), one per row.
  const uint8_t* valid_data() const { return valid_.data(); }
  /// Value `i` (of the non-NULL rows) of an integer, date or timestamp column.
  int64_t int_value(size_t i) const { return static_cast<int64_t>(words_[i]); }
  double double_value(size_t i) const { return std::bit_cast<double>(words_[i]); }
  /// The values of a non-text column as 64-bit words (integers, or doubles' bits).
  const uint64_t* word_data() const { return words_.data(); }
  std::string_view text_value(size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(bytes_).substr(begin, ends_[i] - begin);
  }
  /// The text values' bytes, back to back, and where each value ends in them.
  std::string_view text_bytes() const { return bytes_; }
  const size_t* text_ends() const { return ends_.data(); }

  /// Approximate heap bytes held (for sizing queues).
  size_t bytes() const {
    return words_.size() * 8 + ends_.size() * 8 + bytes_.size() + valid_.size();
  }

 private:
  ColumnType type_;
  std::vector<uint64_t> words_;  ///< integers, or doubles' bits (not kVarchar)
  std::vector<size_t> ends_;     ///< kVarchar: the end of each value in bytes_
  std::string bytes_;
  std::vector<uint8_t> valid_;
};

/// Rows of a fixed set of typed columns.
struct ColumnBatch {
  std::vector<BatchColumn> columns;
  size_t rows = 0;

  ColumnBatch() = default;
  explicit ColumnBatch(const std::vector<ColumnSpec>& layout);

  /// Approximate heap bytes held.
  size_t bytes() const;
};

}  // namespace fos::lake
