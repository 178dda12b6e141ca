// Typed rows held column by column: the one column model of fos's tabular outputs.
//
// A ColumnBatch holds rows of a fixed set of columns (integers, doubles, dates, timestamps,
// text), each row with a null flag. Producers fill batches; writers (the Parquet writer of this
// room) read them. Nothing here knows a file format.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
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

/// A growable array of plain values whose appends are small enough to inline everywhere: the
/// growing is kept out of line. (std::vector inlines its reallocation into every push_back.)
template <typename T>
class PodBuffer {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  PodBuffer() = default;
  PodBuffer(const PodBuffer& other) { append(other.data(), other.size()); }
  PodBuffer& operator=(const PodBuffer& other) {
    if (this != &other) {
      size_ = 0;
      append(other.data(), other.size());
    }
    return *this;
  }
  PodBuffer(PodBuffer&& other) noexcept
      : data_(std::move(other.data_)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  PodBuffer& operator=(PodBuffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    return *this;
  }
  ~PodBuffer() = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* data() const { return data_.get(); }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_.get(); }
  T* end() { return data_.get() + size_; }

  [[gnu::always_inline]] void push_back(T value) {
    if (size_ == capacity_) [[unlikely]]
      grow(size_ + 1);
    data_[size_++] = value;
  }
  [[gnu::always_inline]] void append(const T* values, size_t n) {
    if (n == 0) return;
    if (size_ + n > capacity_) [[unlikely]]
      grow(size_ + n);
    std::memcpy(data_.get() + size_, values, n * sizeof(T));
    size_ += n;
  }
  void reserve(size_t n) {
    if (n > capacity_) resize_storage(n);
  }
  void clear() { size_ = 0; }

 private:
  [[gnu::noinline]] void grow(size_t need) {
    resize_storage(std::max({need, capacity_ * 2, size_t{16}}));
  }
  void resize_storage(size_t capacity) {
    auto next = std::make_unique_for_overwrite<T[]>(capacity);
    if (size_ > 0) std::memcpy(next.get(), data_.get(), size_ * sizeof(T));
    data_ = std::move(next);
    capacity_ = capacity;
  }

  std::unique_ptr<T[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
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
  [[gnu::always_inline]] void push_int(int64_t value) {
    words_.push_back(static_cast<uint64_t>(value));
    valid_.push_back(true);
  }
  [[gnu::always_inline]] void push_double(double value) {
    words_.push_back(std::bit_cast<uint64_t>(value));
    valid_.push_back(true);
  }
  [[gnu::always_inline]] void push_text(std::string_view value) {
    bytes_.append(value.data(), value.size());
    ends_.push_back(bytes_.size());
    valid_.push_back(true);
  }
  [[gnu::always_inline]] void push_null() { valid_.push_back(false); }
  /// Make room for `rows` more rows without growing (text bytes are not reserved).
  void reserve(size_t rows);
  /// Drop every row, keeping the storage for the rows to come.
  void clear() {
    words_.clear();
    ends_.clear();
    bytes_.clear();
    valid_.clear();
  }

  bool is_null(size_t row) const { return !valid_[row]; }
  /// The null flags (1 value, 0 NULL), one per row, as bytes.
  const uint8_t* valid_data() const { return reinterpret_cast<const uint8_t*>(valid_.data()); }
  /// Value `i` (of the non-NULL rows) of an integer, date or timestamp column.
  int64_t int_value(size_t i) const { return static_cast<int64_t>(words_[i]); }
  double double_value(size_t i) const { return std::bit_cast<double>(words_[i]); }
  /// The values of a non-text column as 64-bit words (integers, or doubles' bits).
  const uint64_t* word_data() const { return words_.data(); }
  std::string_view text_value(size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return {bytes_.data() + begin, ends_[i] - begin};
  }
  /// The text values' bytes, back to back, and where each value ends in them.
  std::string_view text_bytes() const { return {bytes_.data(), bytes_.size()}; }
  const size_t* text_ends() const { return ends_.data(); }

  /// Approximate heap bytes held (for sizing queues).
  size_t bytes() const {
    return words_.size() * 8 + ends_.size() * 8 + bytes_.size() + valid_.size();
  }

 private:
  ColumnType type_;
  PodBuffer<uint64_t> words_;  ///< integers, or doubles' bits (not kVarchar)
  PodBuffer<size_t> ends_;     ///< kVarchar: the end of each value in bytes_
  PodBuffer<char> bytes_;
  // Flags held as bool, not as a character type: a store of one may not alias every other
  // object, so the code appending a row's fields keeps its state in registers.
  PodBuffer<bool> valid_;
};

/// Rows of a fixed set of typed columns.
struct ColumnBatch {
  std::vector<BatchColumn> columns;
  size_t rows = 0;

  ColumnBatch() = default;
  explicit ColumnBatch(const std::vector<ColumnSpec>& layout);

  /// Approximate heap bytes held.
  size_t bytes() const;
  /// Drop every row, keeping the columns and their storage (a batch can be refilled).
  void clear();
};

}  // namespace fos::lake
