// TableRows and RowBuilder: CDM rows held in typed columns, appended field by field in
// specification order.
//
// A table's layout knows each column's SQL type and varchar(n) width, so the builder stores
// integers, concept ids, dates, timestamps and numbers as values (not text), truncates text
// to the column's width, records every concept id it writes, and checks at end() that exactly
// one field per column was written. The same rows become CSV text (append_csv, byte for byte
// what fos has always written) or a column batch for the Parquet writer. Rows only
// ever written as CSV can be kept as CSV text from the start (Form::kCsv), which is cheaper.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "lake/parquet/parquet.hpp"
#include "omop/cdm/cdm.hpp"

namespace fos::omop {

struct TableLayout {
  const CdmTable* table = nullptr;
  std::vector<std::optional<size_t>> widths;  ///< varchar(n) per column
  std::vector<lake::ColumnSpec> columns;      ///< name and SQL type (sql_type) per column
};

/// The layout of a CDM table. REQUIRES: a CDM table name.
const TableLayout& table_layout(std::string_view table);
/// The CSV header line of a table (column names, newline-terminated).
std::string csv_header(const CdmTable& table);

/// Rows of one CDM table, column by column (kColumns) or as CSV text (kCsv).
class TableRows {
 public:
  enum class Form : uint8_t { kColumns, kCsv };

  TableRows() = default;
  explicit TableRows(const TableLayout& layout, Form form = Form::kColumns);

  const TableLayout& layout() const { return *layout_; }
  Form form() const { return form_; }
  /// Rows appended so far (take_batch() starts again at 0; take_csv() does not).
  size_t size() const { return form_ == Form::kCsv ? csv_rows_ : batch_.rows; }

  /// Append the rows as CSV lines (no header): NULL is an empty field, text is quoted when
  /// it is empty or holds a comma, quote or line break.
  void append_csv(std::string& out) const;
  /// The rows as CSV lines; a kCsv table hands its text over and keeps none.
  std::string take_csv();
  /// Move the rows out as a column batch, leaving this empty. REQUIRES: kColumns.
  lake::ColumnBatch take_batch();
  /// Hold the rows to come in `batch`'s storage (a batch taken before and written, so its
  /// buffers are reused instead of allocated again); its rows are dropped. REQUIRES: kColumns,
  /// no rows yet, and `batch` has this table's columns.
  void recycle(lake::ColumnBatch batch);
  /// Make room for `rows` more rows in every column (kColumns; a no-op for kCsv).
  void reserve(size_t rows);

 private:
  friend class RowBuilder;
  const TableLayout* layout_ = nullptr;
  Form form_ = Form::kColumns;
  lake::ColumnBatch batch_;
  std::vector<std::vector<int8_t>> decimals_;  ///< per DOUBLE column and value, its decimals
  std::string csv_;                            ///< kCsv: the rows' text
  size_t csv_rows_ = 0;
};

/// Concept ids written by many rows, gathered cheaply and added to a set once: a small
/// direct-mapped filter drops most repeats as they come, and drain() sorts the rest.
class ConceptLog {
 public:
  ConceptLog() { recent_.fill(kEmpty); }
  void add(int32_t id) {
    int32_t& slot = recent_[static_cast<uint32_t>(id) % kSlots];
    if (slot == id) return;
    slot = id;
    ids_.push_back(id);
  }
  /// Insert every id added since the last drain into `out`.
  void drain(std::set<int32_t>& out);

 private:
  static constexpr size_t kSlots = 256;
  static constexpr int32_t kEmpty = std::numeric_limits<int32_t>::min();  // not a concept id
  std::array<int32_t, kSlots> recent_{};
  lake::PodBuffer<int32_t> ids_;  // (its append inlines without the reallocation path)
};

/// A number rounded to a count of digits after the point: its text (format_number's) and the
/// double that text reads back as.
struct RoundedNumber {
  std::string_view text;  ///< in the buffer given to round_number()
  double value = 0;
};
/// `value` rounded to `decimals` digits after the point, its text written to `buf`. Throws
/// Error{kMapping} for a value that is not finite.
RoundedNumber round_number(std::span<char, 64> buf, double value, int decimals);

/// Appends one row to a TableRows. The common fields of kColumns rows are appended inline:
/// a bounds check and a type check per field, the column count checked at end(). Everything a
/// field does is inline and its failures are static functions, so the builder never leaves
/// registers while a row is appended.
class RowBuilder {
 public:
  /// Concept ids written go to `concepts` (drained into a set by the caller, once for many rows).
  RowBuilder(TableRows& rows, ConceptLog& concepts)
      : rows_(rows),
        concepts_(concepts),
        csv_(rows.form_ == TableRows::Form::kCsv ? &rows.csv_ : nullptr),
        columns_(rows.batch_.columns.data()),
        column_count_(rows.batch_.columns.size()) {}

  [[gnu::always_inline]] RowBuilder& integer(int64_t value) {
    if (csv_ != nullptr) {
      csv_integer(csv_field(), value);
      return *this;
    }
    lake::BatchColumn& column = next("integer");
    if (column.type() != lake::ColumnType::kInteger && column.type() != lake::ColumnType::kBigint)
        [[unlikely]] {
      integer_as_text(rows_, fields_, column, value);
      return *this;
    }
    column.push_int(value);
    return *this;
  }
  [[gnu::always_inline]] RowBuilder& integer(std::optional<int64_t> value) {
    return value ? integer(*value) : null();
  }
  /// A concept id; recorded so the concept table can include it.
  [[gnu::always_inline]] RowBuilder& concept_id(int32_t id) {
    concepts_.add(id);
    return integer(int64_t{id});
  }
  [[gnu::always_inline]] RowBuilder& text(std::string_view value) {
    const std::optional<size_t>* width = fields_ < column_count_ ? &widths()[fields_] : nullptr;
    // A text of at most n bytes has at most n characters: only longer ones are cut.
    if (width != nullptr && *width && value.size() > **width) value = truncate(value, **width);
    if (csv_ != nullptr) {
      csv_text(csv_field(), value);
      return *this;
    }
    lake::BatchColumn& column = next("text");
    if (column.type() != lake::ColumnType::kVarchar) [[unlikely]]
      wrong_type(rows_, fields_, "text");
    column.push_text(value);
    return *this;
  }
  /// text(), or NULL when `value` is empty.
  [[gnu::always_inline]] RowBuilder& text_or_null(std::string_view value) {
    return value.empty() ? null() : text(value);
  }
  [[gnu::always_inline]] RowBuilder& date(Date value) {
    if (csv_ != nullptr) {
      value.append_iso(csv_field());
      return *this;
    }
    lake::BatchColumn& column = next("date");
    if (column.type() != lake::ColumnType::kDate) [[unlikely]]
      wrong_type(rows_, fields_, "date");
    column.push_int(value.days());
    return *this;
  }
  /// date(), or NULL when `value` is nullopt.
  [[gnu::always_inline]] RowBuilder& date_or_null(std::optional<Date> value) {
    return value ? date(*value) : null();
  }
  [[gnu::always_inline]] RowBuilder& datetime(Instant value) {
    if (csv_ != nullptr) {
      value.append_sql(csv_field());
      return *this;
    }
    lake::BatchColumn& column = next("datetime");
    if (column.type() != lake::ColumnType::kTimestamp) [[unlikely]]
      wrong_type(rows_, fields_, "datetime");
    column.push_int(value.seconds() * kMicrosPerSecond);
    return *this;
  }
  /// `value` rounded to `decimals` digits after the point (the value its text reads as).
  [[gnu::always_inline]] RowBuilder& number(double value, int decimals) {
    std::array<char, 64> buf{};
    return number(round_number(buf, value, decimals), decimals);
  }
  /// number() for a value already rounded: `rounded` is round_number(value, decimals).
  [[gnu::always_inline]] RowBuilder& number(const RoundedNumber& rounded, int decimals) {
    if (csv_ != nullptr) {
      csv_field().append(rounded.text);
      return *this;
    }
    const size_t index = fields_;
    lake::BatchColumn& column = next("number");
    push_number(rows_, index, column, rounded.value, decimals);
    return *this;
  }
  [[gnu::always_inline]] RowBuilder& null() {
    if (csv_ != nullptr) {
      csv_field();
      return *this;
    }
    next("NULL").push_null();
    return *this;
  }
  /// Finish the row. Throws Error{kInternal} unless every column got a field.
  [[gnu::always_inline]] void end() {
    if (fields_ != column_count_) [[unlikely]]
      wrong_count(rows_, fields_);
    if (csv_ != nullptr) {
      *csv_ += '\n';
      ++rows_.csv_rows_;
      return;
    }
    ++rows_.batch_.rows;
  }

 private:
  static constexpr int64_t kMicrosPerSecond = 1'000'000;

  // The column the next field goes to; throws Error{kInternal} past the last one.
  [[gnu::always_inline]] lake::BatchColumn& next(const char* kind) {
    if (fields_ >= column_count_) [[unlikely]]
      too_many(rows_, kind);
    return columns_[fields_++];
  }
  const std::vector<std::optional<size_t>>& widths() const { return rows_.layout_->widths; }
  static std::string_view truncate(std::string_view text, size_t max_chars);
  // Failures, given what they name (the builder itself stays out of memory).
  [[noreturn]] static void too_many(const TableRows& rows, const char* kind);
  [[noreturn]] static void wrong_type(const TableRows& rows, size_t fields, const char* kind);
  [[noreturn]] static void wrong_count(const TableRows& rows, size_t fields);
  static void integer_as_text(const TableRows& rows, size_t fields, lake::BatchColumn& column,
                              int64_t value);
  // A DOUBLE field (column `index`), or wrong_type().
  static void push_number(TableRows& rows, size_t index, lake::BatchColumn& column, double value,
                          int decimals);
  // kCsv: the text to append the next field to (after its separator).
  [[gnu::always_inline]] std::string& csv_field() {
    if (fields_++ > 0) *csv_ += ',';
    return *csv_;
  }
  static void csv_integer(std::string& out, int64_t value);
  static void csv_text(std::string& out, std::string_view value);

  TableRows& rows_;
  ConceptLog& concepts_;
  std::string* csv_;  ///< kCsv rows' text; nullptr for kColumns
  lake::BatchColumn* columns_;
  size_t column_count_;
  size_t fields_ = 0;
};

/// `text` cut to at most `max_chars` UTF-8 characters.
std::string_view truncate_utf8(std::string_view text, size_t max_chars);
/// A number with exactly `decimals` digits after the point ("170.3", "120").
std::string format_number(double value, int decimals);

}  // namespace fos::omop
