// Table writers: NDJSON rows (one object per line) and CSV with a header.
#include <cstdint>
#include <cstring>

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

constexpr uint64_t kLowBits = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// Nonzero when one of the eight bytes of `word` is `byte` (exact: no false positives for
// the word as a whole).
uint64_t has_byte(uint64_t word, char byte) {
  const uint64_t x = word ^ (kLowBits * static_cast<unsigned char>(byte));
  return (x - kLowBits) & ~x & kHighBits;
}

bool needs_quotes(char c) {
  return c == ',' || c == '"' || c == '\r' || c == '\n';
}

// True when `text` has a byte that CSV must quote; eight bytes at a time.
bool needs_quotes(std::string_view text) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + i, sizeof word);
    if (has_byte(word, ',') | has_byte(word, '"') | has_byte(word, '\r') | has_byte(word, '\n')) {
      return true;
    }
  }
  for (; i < text.size(); ++i) {
    if (needs_quotes(text[i])) return true;
  }
  return false;
}

// A field that needs no quoting is copied as is.
void append_field(std::string& out, std::string_view text) {
  if (!text.empty() && !needs_quotes(text)) {
    out.append(text);
    return;
  }
  append_csv_field(out, text);
}

}  // namespace

void TableWriter::flush_if_full() {
  if (out_ == nullptr || buffer_.size() < kFlushBytes) return;
  out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

void TableWriter::finish() {
  if (out_ == nullptr) return;
  out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  out_->flush();
}

void TableWriter::take(std::string& out) {
  out += buffer_;  // a copy: both buffers keep their capacity for the next batch
  buffer_.clear();
}

void TableWriter::write_formatted(std::string_view rows) {
  if (out_ != nullptr && rows.size() >= kFlushBytes) {
    out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    out_->write(rows.data(), static_cast<std::streamsize>(rows.size()));
    return;
  }
  buffer_ += rows;
  flush_if_full();
}

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
  flush_if_full();
}

std::unique_ptr<TableWriter> NdjsonTableWriter::detached() const {
  std::unique_ptr<NdjsonTableWriter> twin(new NdjsonTableWriter());
  twin->keys_ = keys_;
  return twin;
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
    const fhirpath::Value& value = cell.values.front();
    if (value.kind == fhirpath::ValueKind::kString || value.kind == fhirpath::ValueKind::kDecimal ||
        value.is_temporal()) {
      append_field(buffer_, value.text);
      continue;
    }
    append_field(buffer_, fhirpath::value_to_string(value));
  }
  buffer_ += '\n';
  flush_if_full();
}

std::unique_ptr<TableWriter> CsvTableWriter::detached() const {
  return std::unique_ptr<TableWriter>(new CsvTableWriter());
}

}  // namespace fos::sof
