// JsonWriter: separators, escaping and number formatting.
#include "core/json_writer.hpp"

#include <charconv>
#include <cmath>

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

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!needs_escape(c)) continue;
    out.append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, 6);
      }
    }
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
