// JsonWriter: appends compact, valid JSON to a string or a JsonBuffer.
//
// Commas and nesting are tracked for the caller; strings are escaped (quote,
// backslash, control characters); doubles use the shortest text that reads back
// to the same value, or a fixed number of decimals when the precision is part of
// the data (FHIR decimals: 1.50 is not 1.5). Non-finite numbers throw: JSON has
// none. The writer does not own the string; it must outlive the writer.
//
// Into a std::string the writer collects text in a small buffer of its own and appends it
// in pieces. Into a JsonBuffer it writes in place, so each byte is written once: the hot
// path is a pointer bump and a capacity check.
//
// Member names written as string literals become JsonKey values, checked for
// characters that would need escaping when the program is compiled, so the
// writer appends them as they are; names known only at run time are escaped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace fos {

/// A member name given as a string literal: it holds no quote, backslash or
/// control character (a literal that does is a compile error), so it is written
/// without an escaping pass.
class JsonKey {
 public:
  template <size_t N>
  // NOLINTNEXTLINE(google-explicit-constructor): literals convert implicitly by design.
  consteval JsonKey(const char (&name)[N]) : data_(name), size_(N - 1) {
    if (name[N - 1] != '\0') throw "JsonKey: not a string literal";
    if (N > kMaxSize + 1) throw "JsonKey: longer than kMaxSize";
    for (size_t i = 0; i + 1 < N; ++i) {
      const auto c = static_cast<unsigned char>(name[i]);
      if (c < 0x20 || c == '"' || c == '\\') throw "JsonKey: the name would need escaping";
    }
  }

  static constexpr size_t kMaxSize = 256;

  std::string_view view() const { return {data_, size_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  const char* data_;
  size_t size_;
};

/// Text the program made itself that holds no character JSON escapes (ids, ISO dates,
/// references): written between quotes without an escaping pass. REQUIRES: no quote,
/// backslash or control character in `text`.
struct JsonPlain {
  std::string_view text;
};

template <typename S>
concept JsonKeyText = std::is_convertible_v<const S&, std::string_view> && !std::is_array_v<S>;

/// A growable run of bytes that a JsonWriter writes into in place. Unlike std::string it
/// never zeroes memory it then overwrites, and it hands out its spare capacity to writers.
class JsonBuffer {
 public:
  JsonBuffer() = default;
  JsonBuffer(const JsonBuffer&) = delete;
  JsonBuffer& operator=(const JsonBuffer&) = delete;
  JsonBuffer(JsonBuffer&& other) noexcept
      : data_(std::move(other.data_)), size_(other.size_), capacity_(other.capacity_) {
    other.size_ = 0;
    other.capacity_ = 0;
  }
  JsonBuffer& operator=(JsonBuffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = 0;
    other.capacity_ = 0;
    return *this;
  }
  ~JsonBuffer() = default;

  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_.get(), size_}; }

  /// Empty, keeping the capacity.
  void clear() { size_ = 0; }
  /// Empty, giving the memory back.
  void release() {
    data_.reset();
    size_ = 0;
    capacity_ = 0;
  }
  /// Capacity for at least `n` bytes in all.
  void reserve(size_t n) {
    if (n > capacity_) reallocate(n);
  }
  void append(std::string_view bytes) {
    if (bytes.empty()) return;
    std::memcpy(room(bytes.size()), bytes.data(), bytes.size());
    size_ += bytes.size();
  }
  void push_back(char c) {
    *room(1) = c;
    ++size_;
  }

  /// Where `n` more bytes go (after size()), growing when fewer are free: at least
  /// kGrowth more then, and at least double. The bytes count once commit() says so.
  char* room(size_t n) {
    if (capacity_ - size_ < n) [[unlikely]]
      grow(n);
    return data_.get() + size_;
  }
  /// One past the last byte writable without growing.
  char* limit() { return data_.get() + capacity_; }
  /// The bytes up to `end` (between data() + size() and limit()) are now part of the buffer.
  void commit(const char* end) { size_ = static_cast<size_t>(end - data_.get()); }

  static constexpr size_t kGrowth = 4096;

 private:
  void grow(size_t n);
  void reallocate(size_t capacity);

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(&out) {}
  /// Writes in place into `out`, from its end when the writer is made. After each complete
  /// top-level value (see flush()) others may append to `out` too; the writer continues after
  /// what they appended.
  explicit JsonWriter(JsonBuffer& out) : direct_(&out), pos_(out.room(0)), end_(out.limit()) {}
  /// Appends what is still buffered (see flush()); nothing to do, inline, after a complete value.
  ~JsonWriter() {
    if (pos_ != (direct_ != nullptr ? nullptr : buf_)) flush_at_end();
  }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  /// Write an object key given as a literal. REQUIRES: inside an object, no pending key.
  void key(JsonKey name) {
    if (state_ == kAfterKey) [[unlikely]]
      key_misplaced();
    const size_t n = name.size();
    reserve(n + 4);
    // Through a local pointer, with the state read first: stores through a char pointer
    // could alias the writer's members, so the compiler would reload them after each one.
    const bool comma = state_ == kComma;
    state_ = kAfterKey;
    char* p = pos_;
    *p = ',';
    p += comma ? 1 : 0;
    *p++ = '"';
    std::memcpy(p, name.view().data(), n);
    p += n;
    p[0] = '"';
    p[1] = ':';
    pos_ = p + 2;
  }
  /// Write an object key known at run time (escaped). REQUIRES: inside an object, no pending key.
  template <JsonKeyText S>
  void key(const S& name) {
    key_text(std::string_view(name));
  }

  void value(std::string_view text);
  void value(JsonPlain plain) {
    const size_t n = plain.text.size();
    if (n > kBufferSize - 3) [[unlikely]] {
      value(plain.text);
      return;
    }
    reserve(n + 3);
    const bool comma = take_comma();
    char* p = pos_;
    *p = ',';
    p += comma ? 1 : 0;
    *p++ = '"';
    std::memcpy(p, plain.text.data(), n);
    p += n;
    *p++ = '"';
    pos_ = p;
    end_value();
  }
  void value(const char* text) { value(std::string_view(text)); }
  void value(const std::string& text) { value(std::string_view(text)); }
  void value(int64_t number);
  void value(int number) { value(static_cast<int64_t>(number)); }
  void value(uint64_t number);
  void value(double number);
  void value(bool flag);
  /// A number with exactly `decimals` digits after the point (decimals 0 writes an integer).
  void value_fixed(double number, int decimals);
  void null();
  /// Insert already-serialized JSON as one value. REQUIRES: `json` is one valid JSON value.
  void raw(std::string_view json);
  /// key(name) then raw(json), in one step. REQUIRES: inside an object, no pending key,
  /// `json` is one valid JSON value.
  void raw_member(JsonKey name, std::string_view json) {
    const size_t n = name.size();
    const size_t m = json.size();
    if (state_ == kAfterKey || depth_ == 0 || m > kBufferSize - kJsonKeyRoom) [[unlikely]] {
      key(name);
      raw(json);
      return;
    }
    reserve(n + m + 4);
    const bool comma = take_comma();
    char* p = pos_;
    *p = ',';
    p += comma ? 1 : 0;
    *p++ = '"';
    std::memcpy(p, name.view().data(), n);
    p += n;
    *p++ = '"';
    *p++ = ':';
    std::memcpy(p, json.data(), m);
    pos_ = p + m;
  }
  /// Insert already-serialized members (`"a":1,"b":[2]`) into the current object, after
  /// a comma when members came before. REQUIRES: inside an object, no pending key, `members`
  /// is one or more valid members separated by commas.
  void raw_members(std::string_view members) {
    const size_t m = members.size();
    if (state_ == kAfterKey || depth_ == 0) [[unlikely]]
      key_misplaced();
    if (m + 1 > kBufferSize) [[unlikely]] {
      if (take_comma()) put_char(',');
      put_bytes(members);
      return;
    }
    reserve(m + 1);
    const bool comma = take_comma();
    char* p = pos_;
    *p = ',';
    p += comma ? 1 : 0;
    std::memcpy(p, members.data(), m);
    pos_ = p + m;
  }

  template <typename T>
  void field(JsonKey name, const T& v) {
    key(name);
    value(v);
  }
  template <JsonKeyText S, typename T>
  void field(const S& name, const T& v) {
    key(name);
    value(v);
  }

  /// True when every object and array opened has been closed.
  bool complete() const { return depth_ == 0; }
  /// Append the buffered text to the string now. The writer collects text in a small
  /// buffer of its own and appends it whenever the buffer fills, whenever a top-level
  /// value is complete, and when the writer is destroyed; so the string is up to date
  /// whenever complete() is true. Into a JsonBuffer: the bytes written so far count
  /// (JsonBuffer::commit), at the same moments.
  void flush();

 private:
  static constexpr size_t kBufferSize = 4096;
  // Room raw_member needs besides its value: the longest key, quotes, colon and comma.
  static constexpr size_t kJsonKeyRoom = JsonKey::kMaxSize + 4;

  // Room for `n` more bytes at pos_. REQUIRES: n <= kBufferSize.
  void reserve(size_t n) {
    if (static_cast<size_t>(end_ - pos_) < n) [[unlikely]]
      make_room(n);
  }
  void make_room(size_t n);
  // flush() for the destructor: swallows a failure to allocate.
  void flush_at_end() noexcept;
  // Whether the next element needs a leading comma; records that an element was written.
  bool take_comma() {
    const bool comma = state_ == kComma;
    state_ = kComma;
    return comma;
  }
  // Reserve room for a value of up to `n` bytes and write its leading comma, if any.
  void begin_value(size_t n) {
    reserve(n + 1);
    if (take_comma()) *pos_++ = ',';
  }
  // After a value: a complete top-level value goes to the string; the next top-level value
  // needs no comma.
  void end_value() {
    if (depth_ == 0) [[unlikely]] {
      state_ = kNoComma;
      end_top_level();
    }
  }
  // flush() at the end of a top-level value; into a JsonBuffer inline (a few moves).
  void end_top_level() {
    if (direct_ != nullptr) {
      direct_->commit(pos_);
      pos_ = nullptr;
      end_ = nullptr;
      return;
    }
    flush();
  }
  void open(char bracket) {
    if (depth_ >= 64) [[unlikely]]
      too_deep();
    reserve(2);
    const bool comma = state_ == kComma;
    state_ = kNoComma;  // the first element inside needs no comma
    depth_ = depth_ + 1;
    char* p = pos_;
    *p = ',';
    p += comma ? 1 : 0;
    *p = bracket;
    pos_ = p + 1;
  }
  void close(char bracket) {
    if (depth_ <= 0 || state_ == kAfterKey) [[unlikely]]
      unbalanced();
    reserve(1);
    const int depth = depth_ - 1;
    depth_ = depth;
    // After a container, its parent's next element needs a comma; at the top level, none.
    state_ = kComma;
    char* p = pos_;
    *p = bracket;
    pos_ = p + 1;
    if (depth == 0) [[unlikely]] {
      state_ = kNoComma;
      end_top_level();
    }
  }
  void key_text(std::string_view name);
  // `text` as a JSON string, after a comma when `comma`.
  void put_string(bool comma, std::string_view text);
  void put_bytes(std::string_view bytes);
  void put_char(char c) {
    reserve(1);
    *pos_++ = c;
  }
  [[noreturn]] static void too_deep();
  [[noreturn]] static void unbalanced();
  [[noreturn]] static void key_misplaced();

  std::string* out_ = nullptr;
  JsonBuffer* direct_ = nullptr;
  // What comes before the next element: nothing (first in its container, or top level), a
  // comma, or nothing because it is the value of the key just written. A container's own
  // state need not be kept while a child is open: after the child closes it is always kComma.
  enum State : uint8_t { kNoComma, kComma, kAfterKey };
  int depth_ = 0;
  State state_ = kNoComma;
  // Where the next byte goes and the end of the room there: in buf_ when writing into a
  // string; in the JsonBuffer (null until the first write and after each flush) otherwise.
  char* pos_ = buf_;
  char* end_ = buf_ + kBufferSize;
  char buf_[kBufferSize];
};

/// Append `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace fos
