// CDM rows in typed columns, and their CSV text.
#include "omop/write/table_rows.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <optional>
#include <span>

#include "core/csv.hpp"
#include "core/error.hpp"

namespace fos::omop {
namespace {

using lake::BatchColumn;
using lake::ColumnType;

constexpr int64_t kMicrosPerSecond = 1'000'000;

std::vector<TableLayout> build_layouts() {
  std::vector<TableLayout> out;
  for (const CdmTable& table : cdm_tables()) {
    TableLayout layout{&table, {}, {}};
    for (const CdmColumn& column : table.columns) {
      layout.widths.push_back(varchar_length(column));
      layout.columns.push_back({std::string(column.name), lake::column_type(sql_type(column))});
    }
    out.push_back(std::move(layout));
  }
  return out;
}

void append_int(std::string& out, int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

}  // namespace

const TableLayout& table_layout(std::string_view table) {
  static const std::vector<TableLayout> kLayouts = build_layouts();
  for (const TableLayout& layout : kLayouts) {
    if (layout.table->name == table) return layout;
  }
  fail(ErrorKind::kInternal, "no CDM table named " + std::string(table));
}

std::string csv_header(const CdmTable& table) {
  std::string out;
  for (const CdmColumn& column : table.columns) {
    if (!out.empty()) out += ',';
    append_csv_field(out, column.name);
  }
  out += '\n';
  return out;
}

namespace {

constexpr std::array<uint64_t, 10> kPowersOf10 = {
    1, 10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000, 1'000'000'000};
constexpr uint64_t kExactIntegers = uint64_t{1} << 53;  // doubles hold every integer below

// `value` * 10^decimals rounded to an integer (ties to even, as printf and to_chars round the
// exact binary value), when it is below 2^53 and decimals is at most 9; nullopt otherwise.
std::optional<uint64_t> scaled_units(double value, int decimals) {
  if (decimals > 9) return std::nullopt;
  const auto bits = std::bit_cast<uint64_t>(value);
  const auto biased = static_cast<int>((bits >> 52) & 0x7FF);
  uint64_t mantissa = bits & ((uint64_t{1} << 52) - 1);
  int exponent = -1074;  // value = mantissa * 2^exponent
  if (biased != 0) {
    mantissa |= uint64_t{1} << 52;
    exponent = biased - 1075;
  }
  const uint64_t scale = kPowersOf10[static_cast<size_t>(decimals)];
  if (exponent >= 0) {
    if (exponent > 10) return std::nullopt;
    const auto units = static_cast<unsigned __int128>(mantissa << exponent) * scale;
    if (units >= kExactIntegers) return std::nullopt;
    return static_cast<uint64_t>(units);
  }
  const int shift = -exponent;
  if (shift >= 127) return 0;  // below 2^83 / 2^127: rounds to 0
  const auto exact = static_cast<unsigned __int128>(mantissa) * scale;
  unsigned __int128 units = exact >> shift;
  const unsigned __int128 rest = exact - (units << shift);
  const unsigned __int128 half = static_cast<unsigned __int128>(1) << (shift - 1);
  if (rest > half || (rest == half && (units & 1) != 0)) ++units;
  if (units >= kExactIntegers) return std::nullopt;
  return static_cast<uint64_t>(units);
}

// The text of `units` * 10^-decimals (with the sign when not zero) into `buf`.
std::string_view units_text(std::span<char, 64> buf, uint64_t units, int decimals, bool negative) {
  std::array<char, 24> digits{};  // least significant first
  size_t count = 0;
  for (uint64_t rest = units; count == 0 || rest != 0; rest /= 10) {
    digits[count++] = static_cast<char>('0' + rest % 10);
  }
  const auto fraction = static_cast<size_t>(decimals);
  while (count <= fraction) digits[count++] = '0';
  char* out = buf.data();
  if (negative && units != 0) *out++ = '-';
  for (size_t i = count; i-- > fraction;) *out++ = digits[i];
  if (fraction > 0) {
    *out++ = '.';
    for (size_t i = fraction; i-- > 0;) *out++ = digits[i];
  }
  return {buf.data(), static_cast<size_t>(out - buf.data())};
}

}  // namespace

RoundedNumber round_number(std::span<char, 64> buf, double value, int decimals) {
  if (!std::isfinite(value)) fail(ErrorKind::kMapping, "a measurement value is not finite");
  decimals = std::max(decimals, 0);
  const bool negative = std::signbit(value);
  if (const std::optional<uint64_t> units = scaled_units(value, decimals)) {
    // Both operands are exact, so the quotient is the correctly rounded value of the text.
    // A value rounding to zero reads back as +0 ("-0.0" is written "0.0").
    if (*units == 0) return {units_text(buf, 0, decimals, false), 0.0};
    const double rounded = static_cast<double>(*units) /
                           static_cast<double>(kPowersOf10[static_cast<size_t>(decimals)]);
    return {units_text(buf, *units, decimals, negative), negative ? -rounded : rounded};
  }
  auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) fail(ErrorKind::kMapping, "a measurement value is too large");
  std::string_view text(buf.data(), static_cast<size_t>(end - buf.data()));
  if (text.front() == '-' && text.find_first_not_of("-0.") == std::string_view::npos) {
    text.remove_prefix(1);
  }
  double rounded = 0;
  std::from_chars(text.data(), text.data() + text.size(), rounded);
  return {text, rounded};
}

std::string_view truncate_utf8(std::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool lead = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (lead && chars++ == max_chars) return text.substr(0, i);
  }
  return text;
}

std::string format_number(double value, int decimals) {
  std::array<char, 64> buf{};
  return std::string(round_number(buf, value, decimals).text);
}

// ---- TableRows ----

TableRows::TableRows(const TableLayout& layout, Form form)
    : layout_(&layout), form_(form), batch_(layout.columns), decimals_(layout.columns.size()) {}

std::string TableRows::take_csv() {
  if (form_ == Form::kCsv) return std::move(csv_);
  std::string out;
  append_csv(out);
  return out;
}

void TableRows::append_csv(std::string& out) const {
  if (form_ == Form::kCsv) {
    out += csv_;
    return;
  }
  const size_t columns = batch_.columns.size();
  std::vector<size_t> next(columns, 0);  // per column, its next value (NULLs hold none)
  for (size_t row = 0; row < batch_.rows; ++row) {
    for (size_t c = 0; c < columns; ++c) {
      if (c > 0) out += ',';
      const BatchColumn& column = batch_.columns[c];
      if (column.is_null(row)) continue;
      const size_t value = next[c]++;
      switch (column.type()) {
        case ColumnType::kInteger:
        case ColumnType::kBigint:
          append_int(out, column.int_value(value));
          break;
        case ColumnType::kDouble: {
          std::array<char, 64> buf{};
          out.append(round_number(buf, column.double_value(value), decimals_[c][value]).text);
          break;
        }
        case ColumnType::kDate:
          Date(static_cast<int32_t>(column.int_value(value))).append_iso(out);
          break;
        case ColumnType::kTimestamp:
          Instant(column.int_value(value) / kMicrosPerSecond).append_sql(out);
          break;
        case ColumnType::kVarchar:
          append_csv_field(out, column.text_value(value));
          break;
      }
    }
    out += '\n';
  }
}

lake::ColumnBatch TableRows::take_batch() {
  FOS_ASSERT(form_ == Form::kColumns);
  lake::ColumnBatch out = std::move(batch_);
  batch_ = lake::ColumnBatch(layout_->columns);
  for (std::vector<int8_t>& d : decimals_) d.clear();
  return out;
}

void TableRows::recycle(lake::ColumnBatch batch) {
  FOS_ASSERT(form_ == Form::kColumns && batch_.rows == 0);
  FOS_ASSERT(batch.columns.size() == layout_->columns.size());
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    FOS_ASSERT(batch.columns[c].type() == layout_->columns[c].type);
  }
  batch.clear();
  batch_ = std::move(batch);
}

void TableRows::reserve(size_t rows) {
  if (form_ != Form::kColumns) return;
  for (BatchColumn& column : batch_.columns) column.reserve(rows);
}

// ---- ConceptLog ----

void ConceptLog::drain(std::set<int32_t>& out) {
  std::sort(ids_.begin(), ids_.end());
  out.insert(ids_.begin(), std::unique(ids_.begin(), ids_.end()));
  ids_.clear();
}

// ---- RowBuilder ----

std::string_view RowBuilder::truncate(std::string_view text, size_t max_chars) {
  return truncate_utf8(text, max_chars);
}

void RowBuilder::too_many(const TableRows& rows, const char* kind) {
  fail(ErrorKind::kInternal, "OMOP row of " + std::string(rows.layout().table->name) + " gets a " +
                                 std::string(kind) + " field past its " +
                                 std::to_string(rows.layout().columns.size()) + " columns");
}

void RowBuilder::wrong_type(const TableRows& rows, size_t fields, const char* kind) {
  const TableLayout& layout = rows.layout();
  fail(ErrorKind::kInternal, "OMOP column " + std::string(layout.table->name) + "." +
                                 layout.columns[fields - 1].name + " cannot hold a " +
                                 std::string(kind) + " value");
}

void RowBuilder::wrong_count(const TableRows& rows, size_t fields) {
  fail(ErrorKind::kInternal, "OMOP row of " + std::string(rows.layout().table->name) + " has " +
                                 std::to_string(fields) + " fields, the table " +
                                 std::to_string(rows.layout().columns.size()));
}

void RowBuilder::integer_as_text(const TableRows& rows, size_t fields, BatchColumn& column,
                                 int64_t value) {
  if (column.type() != ColumnType::kVarchar) wrong_type(rows, fields, "integer");
  std::string text;
  append_int(text, value);
  column.push_text(text);
}

void RowBuilder::csv_integer(std::string& out, int64_t value) {
  append_int(out, value);
}

void RowBuilder::csv_text(std::string& out, std::string_view value) {
  append_csv_field(out, value);
}

void RowBuilder::push_number(TableRows& rows, size_t index, BatchColumn& column, double value,
                             int decimals) {
  if (column.type() != ColumnType::kDouble) wrong_type(rows, index + 1, "number");
  // The value its CSV text reads back as, so CSV and Parquet agree exactly.
  column.push_double(value);
  rows.decimals_[index].push_back(static_cast<int8_t>(decimals < 0 ? 0 : decimals));
}

}  // namespace fos::omop
