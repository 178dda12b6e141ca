// CsvRow: appends one CDM row as CSV, field by field in specification order.
//
// The row knows its table's layout, so it truncates text to the column's
// varchar(n) width, records every concept id it writes, and checks at end()
// that exactly one field per column was written.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "omop/cdm/cdm.hpp"

namespace fos::omop {

struct TableLayout {
  const CdmTable* table = nullptr;
  std::vector<std::optional<size_t>> widths;  ///< varchar(n) per column
};

/// The layout of a CDM table. REQUIRES: a CDM table name.
const TableLayout& table_layout(std::string_view table);
/// The CSV header line of a table (column names, newline-terminated).
std::string csv_header(const CdmTable& table);

class CsvRow {
 public:
  CsvRow(std::string& out, const TableLayout& layout, std::set<int32_t>& concepts)
      : out_(out), layout_(layout), concepts_(concepts) {}

  CsvRow& integer(int64_t value);
  CsvRow& integer(std::optional<int64_t> value);
  /// A concept id; recorded so the concept table can include it.
  CsvRow& concept_id(int32_t id);
  CsvRow& text(std::string_view value);
  /// text(), or NULL when `value` is empty.
  CsvRow& text_or_null(std::string_view value) { return value.empty() ? null() : text(value); }
  CsvRow& date(Date value);
  /// date(), or NULL when `value` is nullopt.
  CsvRow& date_or_null(std::optional<Date> value) { return value ? date(*value) : null(); }
  CsvRow& datetime(Instant value);
  CsvRow& number(double value, int decimals);
  CsvRow& null();
  /// Finish the line. Throws Error{kInternal} unless every column got a field.
  void end();

 private:
  void separate();

  std::string& out_;
  const TableLayout& layout_;
  std::set<int32_t>& concepts_;
  size_t fields_ = 0;
};

/// `text` cut to at most `max_chars` UTF-8 characters.
std::string_view truncate_utf8(std::string_view text, size_t max_chars);
/// A number with exactly `decimals` digits after the point ("170.3", "120").
std::string format_number(double value, int decimals);

}  // namespace fos::omop
