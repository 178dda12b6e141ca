// CSV rows for CDM tables.
#include "omop/write/csv_row.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "core/csv.hpp"
#include "core/error.hpp"

namespace fos::omop {
namespace {

std::vector<TableLayout> build_layouts() {
  std::vector<TableLayout> out;
  for (const CdmTable& table : cdm_tables()) {
    TableLayout layout{&table, {}};
    for (const CdmColumn& column : table.columns) layout.widths.push_back(varchar_length(column));
    out.push_back(std::move(layout));
  }
  return out;
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

std::string_view truncate_utf8(std::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool lead = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (lead && chars++ == max_chars) return text.substr(0, i);
  }
  return text;
}

namespace {

// Append `value` with `decimals` digits after the point, without "-0.0".
void append_number(std::string& out, double value, int decimals) {
  if (!std::isfinite(value)) fail(ErrorKind::kMapping, "a measurement value is not finite");
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed,
                                 decimals < 0 ? 0 : decimals);
  if (ec != std::errc()) fail(ErrorKind::kMapping, "a measurement value is too large");
  std::string_view text(buf, static_cast<size_t>(end - buf));
  if (text.front() == '-' && text.find_first_not_of("-0.") == std::string_view::npos) {
    text.remove_prefix(1);
  }
  out.append(text);
}

}  // namespace

std::string format_number(double value, int decimals) {
  std::string out;
  append_number(out, value, decimals);
  return out;
}

void CsvRow::separate() {
  if (fields_ > 0) out_ += ',';
  ++fields_;
}

CsvRow& CsvRow::integer(int64_t value) {
  separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, end);
  return *this;
}

CsvRow& CsvRow::integer(std::optional<int64_t> value) {
  return value ? integer(*value) : null();
}

CsvRow& CsvRow::concept_id(int32_t id) {
  concepts_.insert(id);
  return integer(int64_t{id});
}

CsvRow& CsvRow::text(std::string_view value) {
  const size_t column = fields_;
  separate();
  if (column < layout_.widths.size() && layout_.widths[column]) {
    value = truncate_utf8(value, *layout_.widths[column]);
  }
  append_csv_field(out_, value);
  return *this;
}

CsvRow& CsvRow::date(Date value) {
  separate();
  value.append_iso(out_);
  return *this;
}

CsvRow& CsvRow::datetime(Instant value) {
  separate();
  value.append_sql(out_);
  return *this;
}

CsvRow& CsvRow::number(double value, int decimals) {
  separate();
  append_number(out_, value, decimals);
  return *this;
}

CsvRow& CsvRow::null() {
  separate();
  return *this;
}

void CsvRow::end() {
  if (fields_ != layout_.table->columns.size()) {
    fail(ErrorKind::kInternal, "OMOP row of " + std::string(layout_.table->name) + " has " +
                                   std::to_string(fields_) + " fields, the table " +
                                   std::to_string(layout_.table->columns.size()));
  }
  out_ += '\n';
}

}  // namespace fos::omop
