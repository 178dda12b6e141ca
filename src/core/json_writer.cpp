// JsonWriter: separators, escaping and number formatting.
#include "core/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/error.hpp"

namespace fos {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Characters that need escaping: '"', '\\' and everything below 0x20.
constexpr bool needs_escape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

void check_finite(double number) {
  if (!std::isfinite(number)) fail(ErrorKind::kInternal, "JSON cannot hold a non-finite number");
}

}  // namespace

namespace {

// Index of the first byte of `text` at or after `from` that needs escaping, or text.size().
// Eight bytes at a time: a word has such a byte when some byte is below 0x20, or equals
// '"' or '\\' (the usual "has zero byte" trick on the word and on its xors with those).
size_t first_escape(std::string_view text, size_t from) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    const uint64_t quote = word ^ (kOnes * '"');
    const uint64_t slash = word ^ (kOnes * '\\');
    // Exact for bytes below 0x80: bytes with the high bit set are masked out by ~word.
    const uint64_t hits =
        ((word - kOnes * 0x20) | (quote - kOnes) | (slash - kOnes)) & ~word & kHigh;
    if (hits != 0) break;
  }
  for (; i < text.size(); ++i) {
    if (needs_escape(static_cast<unsigned char>(text[i]))) return i;
  }
  return i;
}

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out.append("\\\"");
      return;
    case '\\':
      out.append("\\\\");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    default: {
      const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(esc, 6);
    }
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  size_t i = first_escape(text, 0);
  if (i == text.size()) {
    // The common case: nothing to escape, the text between quotes (appends, not a resize,
    // which would first zero the bytes it then overwrites).
    out.push_back('"');
    out.append(text);
    out.push_back('"');
    return;
  }
  out.push_back('"');
  size_t run_start = 0;
  while (i < text.size()) {
    out.append(text.data() + run_start, i - run_start);
    append_escape(out, static_cast<unsigned char>(text[i]));
    run_start = i + 1;
    i = first_escape(text, run_start);
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out.push_back('"');
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  const uint64_t bit = uint64_t{1} << (depth_ - 1);
  if (need_comma_ & bit) out_.push_back(',');
  need_comma_ |= bit;
}

void JsonWriter::push(bool /*is_object*/) {
  FOS_ASSERT(depth_ < 64);
  ++depth_;
  need_comma_ &= ~(uint64_t{1} << (depth_ - 1));
}

void JsonWriter::pop() {
  FOS_ASSERT(depth_ > 0 && !after_key_);
  --depth_;
}

void JsonWriter::begin_object() {
  separate();
  out_.push_back('{');
  push(true);
}

void JsonWriter::end_object() {
  pop();
  out_.push_back('}');
}

void JsonWriter::begin_array() {
  separate();
  out_.push_back('[');
  push(false);
}

void JsonWriter::end_array() {
  pop();
  out_.push_back(']');
}

void JsonWriter::key(std::string_view name) {
  FOS_ASSERT(!after_key_);
  separate();
  append_json_string(out_, name);
  out_.push_back(':');
  after_key_ = true;
}

void JsonWriter::value(std::string_view text) {
  separate();
  append_json_string(out_, text);
}

void JsonWriter::value(int64_t number) {
  separate();
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, number);
  out_.append(buf, res.ptr);
}

void JsonWriter::value(uint64_t number) {
  separate();
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, number);
  out_.append(buf, res.ptr);
}

void JsonWriter::value(double number) {
  check_finite(number);
  separate();
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, number);
  out_.append(buf, res.ptr);
}

void JsonWriter::value_fixed(double number, int decimals) {
  check_finite(number);
  separate();
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, number, std::chars_format::fixed, decimals);
  if (res.ec != std::errc()) fail(ErrorKind::kInternal, "number too large for JSON writer");
  // "-0.00" is valid JSON but reads oddly; write it as zero.
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  if (text.size() > 1 && text[0] == '-' &&
      text.find_first_not_of("-0.") == std::string_view::npos) {
    text.remove_prefix(1);
  }
  out_.append(text);
}

void JsonWriter::value(bool flag) {
  separate();
  out_.append(flag ? "true" : "false");
}

void JsonWriter::null() {
  separate();
  out_.append("null");
}

void JsonWriter::raw(std::string_view json) {
  separate();
  out_.append(json);
}

}  // namespace fos
