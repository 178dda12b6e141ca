// Table writers: NDJSON rows (one object per line) and CSV with a header.
#include "core/csv.hpp"
#include "core/json_writer.hpp"
#include "sof/sof.hpp"

namespace fos::sof {
namespace {

constexpr size_t kFlushBytes = 1 << 16;

void append_cell_json(const Cell& cell, std::string& out) {
  if (cell.is_array) {
    out += '[';
    for (size_t i = 0; i < cell.values.size(); ++i) {
      if (i) out += ',';
      fhirpath::write_value_json(cell.values[i], out);
    }
    out += ']';
    return;
  }
  if (cell.values.empty()) {
    out += "null";
    return;
  }
  fhirpath::write_value_json(cell.values.front(), out);
}

}  // namespace

void NdjsonTableWriter::begin(const std::vector<std::string>& columns) {
  keys_.clear();
  for (const std::string& column : columns) {
    std::string key;
    JsonWriter writer(key);
    writer.value(std::string_view(column));
    keys_.push_back(key + ":");
  }
}

void NdjsonTableWriter::row(const Row& row) {
  buffer_ += '{';
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) buffer_ += ',';
    buffer_ += keys_[i];
    append_cell_json(row[i], buffer_);
  }
  buffer_ += "}\n";
  if (buffer_.size() >= kFlushBytes) {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
}

void NdjsonTableWriter::finish() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  out_.flush();
}

void CsvTableWriter::begin(const std::vector<std::string>& columns) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) buffer_ += ',';
    append_csv_field(buffer_, columns[i]);
  }
  buffer_ += '\n';
}

void CsvTableWriter::row(const Row& row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) buffer_ += ',';
    const Cell& cell = row[i];
    if (!cell.is_array && cell.values.empty()) continue;
    if (cell.is_array || cell.values.front().kind == fhirpath::ValueKind::kNode) {
      std::string json;
      append_cell_json(cell, json);
      append_csv_field(buffer_, json);
      continue;
    }
    append_csv_field(buffer_, fhirpath::value_to_string(cell.values.front()));
  }
  buffer_ += '\n';
  if (buffer_.size() >= kFlushBytes) {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
}

void CsvTableWriter::finish() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  out_.flush();
}

}  // namespace fos::sof
