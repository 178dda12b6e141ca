// Text: the code and display text of a record::Code, either borrowed or owned.
//
// A record entry names its concept with text that mostly comes from somewhere that lives
// longer than the record: the loaded module library, static tables of the generator's
// services. Copying that text into every entry (hundreds per patient) was the largest
// source of allocations of `fos generate`, so a Text can *borrow* it: it then keeps only a
// pointer and a length, and copying it copies those.
//
// Owning is the default: a Text built from a std::string, a const char* or (explicitly)
// a std::string_view holds its own copy. Borrowing is spelled out, with Text::borrow(sv),
// the "..."_text literal (string literals live for the whole program) or TextPool::keep.
//
// Lifetime rule: borrowed text must outlive every record, and every rendered output, that
// refers to it, and the writers that rendered them (omop::MappingCache remembers borrowed
// codes by the address of their text). Within fos that means: borrow only from string literals,
// static tables, and a TextPool owned by something that lives for the whole run (the module library
// of `fos generate`, which the Generator holds until the last record is written). Readers of
// outside input (fhir2omop, tests) keep owning text unless they hold a long-lived pool.
#pragma once

#include <compare>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>

namespace fos::record {

class Text {
 public:
  Text() noexcept = default;
  /// Owning copies (the safe default).
  Text(const std::string& s)
      : Text(std::string_view(s), Own{}) {}                  // NOLINT(google-explicit-constructor)
  Text(const char* s) : Text(std::string_view(s), Own{}) {}  // NOLINT(google-explicit-constructor)
  explicit Text(std::string_view s) : Text(s, Own{}) {}

  /// A Text that refers to `s` without copying it; `s` must outlive every user (see above).
  static Text borrow(std::string_view s) {
    Text t;
    t.data_ = s.data();
    t.size_ = narrow(s.size());
    return t;
  }

  Text(const Text& other) : Text() { assign(other); }
  Text(Text&& other) noexcept
      : data_(std::exchange(other.data_, kEmpty)),
        size_(std::exchange(other.size_, 0)),
        owned_(std::exchange(other.owned_, false)) {}
  Text& operator=(const Text& other) {
    if (this != &other) assign(other);
    return *this;
  }
  Text& operator=(Text&& other) noexcept {
    if (this == &other) return *this;
    release();
    data_ = std::exchange(other.data_, kEmpty);
    size_ = std::exchange(other.size_, 0);
    owned_ = std::exchange(other.owned_, false);
    return *this;
  }
  ~Text() { release(); }

  std::string_view view() const noexcept { return {data_, size_}; }
  operator std::string_view() const noexcept {
    return view();
  }  // NOLINT(google-explicit-constructor)
  std::string str() const { return std::string(view()); }

  const char* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  /// True when this Text holds its own copy (false when borrowed or empty).
  bool owns() const noexcept { return owned_; }

  friend bool operator==(const Text& a, const Text& b) noexcept { return a.view() == b.view(); }
  friend std::strong_ordering operator<=>(const Text& a, const Text& b) noexcept {
    return a.view() <=> b.view();
  }
  template <class T>
  requires(!std::is_same_v<T, Text> &&
           std::is_convertible_v<const T&, std::string_view>) friend bool
  operator==(const Text& a, const T& b) noexcept {
    return a.view() == std::string_view(b);
  }
  template <class T>
  requires(!std::is_same_v<T, Text> &&
           std::is_convertible_v<const T&, std::string_view>) friend std::strong_ordering
  operator<=>(const Text& a, const T& b) noexcept {
    return a.view() <=> std::string_view(b);
  }

 private:
  struct Own {};
  static constexpr const char* kEmpty = "";

  Text(std::string_view s, Own /*unused*/) { copy_from(s); }

  static uint32_t narrow(size_t n) {
    if (n > UINT32_MAX) throw std::length_error("record::Text longer than 4 GiB");
    return static_cast<uint32_t>(n);
  }
  void copy_from(std::string_view s) {
    if (s.empty()) return;
    const uint32_t n = narrow(s.size());
    char* p = new char[n];
    std::memcpy(p, s.data(), n);
    data_ = p;
    size_ = n;
    owned_ = true;
  }
  void assign(const Text& other) {
    if (!other.owned_) {
      release();
      data_ = other.data_;
      size_ = other.size_;
      return;
    }
    Text copy;
    copy.copy_from(other.view());
    *this = std::move(copy);
  }
  void release() noexcept {
    if (owned_) delete[] data_;
    data_ = kEmpty;
    size_ = 0;
    owned_ = false;
  }

  const char* data_ = kEmpty;
  uint32_t size_ = 0;
  bool owned_ = false;
};

/// Writes the text (for tests and messages).
std::ostream& operator<<(std::ostream& os, const Text& text);

inline namespace literals {
/// "..."_text: a Text borrowing a string literal (which lives for the whole program).
inline Text operator""_text(const char* s, size_t n) {
  return Text::borrow(std::string_view(s, n));
}
}  // namespace literals

/// Owns text for Texts that borrow it: each distinct string is stored once, and keep()
/// returns a Text borrowing the stored copy. The pool must outlive those Texts. Moving the
/// pool keeps the stored strings where they are.
class TextPool {
 public:
  TextPool() = default;
  TextPool(const TextPool&) = delete;
  TextPool& operator=(const TextPool&) = delete;
  TextPool(TextPool&&) = default;
  TextPool& operator=(TextPool&&) = default;

  Text keep(std::string_view s) {
    if (s.empty()) return {};
    if (auto it = index_.find(s); it != index_.end()) return Text::borrow(*it);
    const std::string& stored = store_.emplace_back(s);
    index_.insert(stored);
    return Text::borrow(stored);
  }
  size_t size() const { return store_.size(); }

 private:
  std::deque<std::string> store_;  // deque: elements never move when it grows
  std::unordered_set<std::string_view> index_;
};

}  // namespace fos::record

template <>
struct std::hash<fos::record::Text> {
  size_t operator()(const fos::record::Text& t) const noexcept {
    return std::hash<std::string_view>{}(t.view());
  }
};
