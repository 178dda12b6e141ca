// JsonWriter: separators, escaping and number formatting.
#include "core/json_writer.hpp"

#include <algorithm>
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

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHigh = 0x8080808080808080ULL;

// Whether some byte of `word` needs escaping: a byte below 0x20, '"' or '\\' (the usual
// "has zero byte" trick on the word and on its xors with those). Exact as a yes/no answer
// for bytes below 0x80; bytes with the high bit set are masked out by ~word.
inline bool word_needs_escape(uint64_t word) {
  const uint64_t quote = word ^ (kOnes * '"');
  const uint64_t slash = word ^ (kOnes * '\\');
  return (((word - kOnes * 0x20) | (quote - kOnes) | (slash - kOnes)) & ~word & kHigh) != 0;
}

inline uint64_t load_word(const char* p) {
  uint64_t word = 0;
  std::memcpy(&word, p, 8);
  return word;
}

// Four bytes widened to a word whose other bytes are 'a' (which needs no escaping).
inline uint64_t load_half(const char* p) {
  uint32_t half = 0;
  std::memcpy(&half, p, 4);
  return (kOnes * 'a' & ~uint64_t{0xFFFFFFFF}) | half;
}

size_t first_escape_bytewise(std::string_view text, size_t from) {
  for (size_t i = from; i < text.size(); ++i) {
    if (needs_escape(static_cast<unsigned char>(text[i]))) return i;
  }
  return text.size();
}

// Index of the first byte of `text` at or after `from` that needs escaping, or text.size().
// Eight bytes at a time; the last partial word is checked by re-reading the text's final
// eight (or four) bytes, which may overlap bytes already found clean.
size_t first_escape(std::string_view text, size_t from) {
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = from;
  if (n - i < 4) return first_escape_bytewise(text, i);
  if (n - i < 8) {
    if (!word_needs_escape(load_half(p + i)) && !word_needs_escape(load_half(p + n - 4))) return n;
    return first_escape_bytewise(text, i);
  }
  for (; i + 8 <= n; i += 8) {
    if (word_needs_escape(load_word(p + i))) return first_escape_bytewise(text, i);
  }
  if (i < n && word_needs_escape(load_word(p + n - 8))) return first_escape_bytewise(text, i);
  return n;
}

// Texts up to this long are copied and checked in one pass, before any escaping.
constexpr size_t kShort = 256;

inline void store_word(char* p, uint64_t word) {
  std::memcpy(p, &word, 8);
}

// Copy `n` bytes from `src` to `dst` eight at a time while checking them; false when some
// byte needs escaping (then `dst` holds part of the text). Writes only dst[0, n).
bool copy_if_clean(const char* src, size_t n, char* dst) {
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const uint64_t word = load_word(src + i);
      if (word_needs_escape(word)) return false;
      store_word(dst + i, word);
    }
    if (i == n) return true;
    const uint64_t last = load_word(src + n - 8);
    if (word_needs_escape(last)) return false;
    store_word(dst + n - 8, last);
    return true;
  }
  if (n >= 4) {
    const uint64_t first = load_half(src);
    const uint64_t last = load_half(src + n - 4);
    if (word_needs_escape(first) || word_needs_escape(last)) return false;
    std::memcpy(dst + n - 4, src + n - 4, 4);
    std::memcpy(dst, src, 4);
    return true;
  }
  for (size_t i = 0; i < n; ++i) {
    if (needs_escape(static_cast<unsigned char>(src[i]))) return false;
    dst[i] = src[i];
  }
  return true;
}

// The escape sequence of `c` at `out`; returns its length (at most 6).
size_t put_escape(char* out, unsigned char c) {
  char second = 0;
  switch (c) {
    case '"':
      second = '"';
      break;
    case '\\':
      second = '\\';
      break;
    case '\n':
      second = 'n';
      break;
    case '\r':
      second = 'r';
      break;
    case '\t':
      second = 't';
      break;
    case '\b':
      second = 'b';
      break;
    case '\f':
      second = 'f';
      break;
    default:
      break;
  }
  out[0] = '\\';
  if (second != 0) {
    out[1] = second;
    return 2;
  }
  const char esc[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  std::memcpy(out + 1, esc, 5);
  return 6;
}

void append_escape(std::string& out, unsigned char c) {
  char buf[6];
  out.append(buf, put_escape(buf, c));
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

void JsonWriter::flush_at_end() noexcept {
  try {
    flush();
  } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory while already failing
  }
}

void JsonBuffer::grow(size_t n) {
  reallocate(std::max({size_ + n, size_ + kGrowth, 2 * capacity_}));
}

void JsonBuffer::reallocate(size_t capacity) {
  auto data = std::make_unique_for_overwrite<char[]>(capacity);
  if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
  data_ = std::move(data);
  capacity_ = capacity;
}

void JsonWriter::flush() {
  if (direct_ != nullptr) {
    // Let go of the buffer's end: the next write asks the buffer again (make_room), so
    // text others append between top-level values is kept.
    if (pos_ != nullptr && pos_ > direct_->data() + direct_->size()) direct_->commit(pos_);
    pos_ = nullptr;
    end_ = nullptr;
    return;
  }
  if (pos_ == buf_) return;
  out_->append(buf_, static_cast<size_t>(pos_ - buf_));
  pos_ = buf_;
}

void JsonWriter::make_room(size_t n) {
  if (direct_ == nullptr) {
    flush();
    return;
  }
  if (pos_ != nullptr) direct_->commit(pos_);
  pos_ = direct_->room(n);
  end_ = direct_->limit();
}

void JsonWriter::too_deep() {
  fail(ErrorKind::kInternal, "JSON writer: more than 64 nested objects and arrays");
}

void JsonWriter::unbalanced() {
  fail(ErrorKind::kInternal, "JSON writer: end of an object or array that is not open");
}

void JsonWriter::key_misplaced() {
  fail(ErrorKind::kInternal, "JSON writer: a key where a value belongs");
}

void JsonWriter::put_bytes(std::string_view bytes) {
  if (bytes.empty()) return;
  if (bytes.size() > kBufferSize && direct_ == nullptr) {
    flush();
    out_->append(bytes);
    return;
  }
  reserve(bytes.size());
  std::memcpy(pos_, bytes.data(), bytes.size());
  pos_ += bytes.size();
}

void JsonWriter::put_string(bool comma, std::string_view text) {
  const size_t n = text.size();
  if (n <= kShort) {
    reserve(n + 3);  // comma and quotes
    char* p = pos_;
    *p = ',';
    p += comma ? 1 : 0;
    *p++ = '"';
    if (copy_if_clean(text.data(), n, p)) {
      p[n] = '"';
      pos_ = p + n + 1;
      return;
    }
  }
  if (comma) put_char(',');
  put_char('"');
  size_t run_start = 0;
  size_t i = first_escape(text, 0);
  while (i < n) {
    put_bytes(text.substr(run_start, i - run_start));
    reserve(6);
    pos_ += put_escape(pos_, static_cast<unsigned char>(text[i]));
    run_start = i + 1;
    i = first_escape(text, run_start);
  }
  put_bytes(text.substr(run_start));
  put_char('"');
}

void JsonWriter::key_text(std::string_view name) {
  if (state_ == kAfterKey) key_misplaced();
  put_string(take_comma(), name);
  put_char(':');
  state_ = kAfterKey;
}

void JsonWriter::value(std::string_view text) {
  put_string(take_comma(), text);
  end_value();
}

void JsonWriter::value(int64_t number) {
  begin_value(24);
  pos_ = std::to_chars(pos_, pos_ + 24, number).ptr;
  end_value();
}

void JsonWriter::value(uint64_t number) {
  begin_value(24);
  pos_ = std::to_chars(pos_, pos_ + 24, number).ptr;
  end_value();
}

void JsonWriter::value(double number) {
  check_finite(number);
  begin_value(32);
  pos_ = std::to_chars(pos_, pos_ + 32, number).ptr;
  end_value();
}

namespace {

constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
constexpr uint64_t kPow10Int[] = {1,      10,      100,      1000,      10000,
                                  100000, 1000000, 10000000, 100000000, 1000000000};

// `number` with `decimals` (0..9) digits after the point, as std::to_chars would write it
// (correctly rounded from the exact binary value, "-" only before a non-zero result), into
// `out`; returns the end, or nullptr when the quick way cannot be sure of the rounding.
// |number| * 10^decimals is computed with one rounding (10^decimals is exact), so its
// error is below one part in 2^52; only a product that close to a half needs the slow way.
char* put_fixed_quick(char* out, double number, int decimals) {
  if (decimals < 0 || decimals > 9) return nullptr;
  const double scaled = std::fabs(number) * kPow10[decimals];
  if (!(scaled < 1e15)) return nullptr;
  const double whole = std::floor(scaled);
  const double frac = scaled - whole;
  if (std::fabs(frac - 0.5) <= scaled * 0x1p-50 + 0x1p-60) return nullptr;
  const auto rounded = static_cast<uint64_t>(whole) + (frac > 0.5 ? 1 : 0);
  if (rounded != 0 && number < 0) *out++ = '-';
  const uint64_t unit = kPow10Int[decimals];
  out = std::to_chars(out, out + 24, rounded / unit).ptr;
  if (decimals == 0) return out;
  *out++ = '.';
  uint64_t fraction = rounded % unit;
  for (int i = decimals - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  return out + decimals;
}

}  // namespace

void JsonWriter::value_fixed(double number, int decimals) {
  check_finite(number);
  begin_value(40);
  if (char* end = put_fixed_quick(pos_, number, decimals)) {
    pos_ = end;
    end_value();
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, number, std::chars_format::fixed, decimals);
  if (res.ec != std::errc()) fail(ErrorKind::kInternal, "number too large for JSON writer");
  // "-0.00" is valid JSON but reads oddly; write it as zero.
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  if (text.size() > 1 && text[0] == '-' &&
      text.find_first_not_of("-0.") == std::string_view::npos) {
    text.remove_prefix(1);
  }
  reserve(text.size());
  std::memcpy(pos_, text.data(), text.size());
  pos_ += text.size();
  end_value();
}

void JsonWriter::value(bool flag) {
  raw(flag ? std::string_view("true") : std::string_view("false"));
}

void JsonWriter::null() {
  raw("null");
}

void JsonWriter::raw(std::string_view json) {
  if (json.size() < kBufferSize) {
    begin_value(json.size());
    std::memcpy(pos_, json.data(), json.size());
    pos_ += json.size();
  } else {
    begin_value(0);
    put_bytes(json);
  }
  end_value();
}

}  // namespace fos
