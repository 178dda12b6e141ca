// Json: a zero-copy, ordered JSON tree that keeps numbers in their written form.
//
// A Json is a small node (16 bytes) that views memory it does not own: strings and
// numbers point into the parsed text (only strings with escapes are unescaped, into a
// JsonArena), containers are spans of nodes in the arena. Whoever parses keeps the text
// and the arena alive as long as the nodes are used: a JsonDocument owns both, a
// ResourceReader batch views the batch's text and a caller's arena.
//
// FHIR decimals carry their precision in the text ("1.50" is not "1.5"), so a number is
// stored as its lexical token and converted only when asked. Object members keep
// document order (FHIR output and column order depend on it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fos::fhir {

/// Bump allocator for JSON nodes and unescaped strings: memory is handed out from large
/// blocks and released all at once (reset() keeps the largest block for reuse).
class JsonArena {
 public:
  explicit JsonArena(size_t first_block = size_t{16} * 1024) : next_block_(first_block) {}
  JsonArena(const JsonArena&) = delete;
  JsonArena& operator=(const JsonArena&) = delete;
  JsonArena(JsonArena&&) noexcept = default;
  JsonArena& operator=(JsonArena&&) noexcept = default;
  ~JsonArena() = default;

  /// Uninitialized room for `count` objects of a trivially destructible type T.
  template <typename T>
  T* allocate(size_t count) {
    return static_cast<T*>(allocate_bytes(count * sizeof(T), alignof(T)));
  }
  /// A copy of `text` that lives as long as the arena's memory.
  std::string_view copy(std::string_view text);
  /// Forget everything allocated; keeps the largest block.
  void reset();

 private:
  struct Block {
    std::unique_ptr<std::byte[]> data;
    size_t size = 0;
  };
  void* allocate_bytes(size_t bytes, size_t align);

  std::vector<Block> blocks_;
  size_t used_ = 0;  // bytes used in blocks_.back()
  size_t next_block_;
};

class Json {
 public:
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string_view, Json>;

  Json() = default;
  static Json null() { return Json(); }
  static Json boolean(bool value);
  /// A number viewing `lexical` (the caller keeps it alive).
  static Json number(std::string_view lexical);
  /// A string viewing `value` (the caller keeps it alive).
  static Json string(std::string_view value);
  /// Containers viewing node memory (usually a JsonArena's).
  static Json array(std::span<Json> items);
  static Json object(std::span<Member> members);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  bool as_bool() const { return flag_; }
  /// String value, or the written form of a number; empty for other kinds.
  std::string_view text() const {
    return is_string() || is_number() ? std::string_view(chars_, size_) : std::string_view();
  }
  /// True for a number written without fraction or exponent ("12", "-3").
  bool is_integer_number() const;

  /// Array items (empty for other kinds).
  std::span<const Json> items() const {
    return is_array() ? std::span<const Json>(items_, size_) : std::span<const Json>();
  }
  std::span<Json> items() {
    return is_array() ? std::span<Json>(items_, size_) : std::span<Json>();
  }
  /// Object members in document order (empty for other kinds).
  std::span<const Member> members() const {
    return is_object() ? std::span<const Member>(members_, size_) : std::span<const Member>();
  }
  std::span<Member> members() {
    return is_object() ? std::span<Member>(members_, size_) : std::span<Member>();
  }

  /// Member by key, or nullptr (objects only; linear scan: FHIR objects are small).
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  /// String member by key, or nullopt when absent or not a string.
  std::optional<std::string_view> find_string(std::string_view key) const;

  /// Append a member (a copy of the members goes into `arena`; the key and value are viewed).
  void add(std::string_view key, Json value, JsonArena& arena);

 private:
  union {
    const char* chars_ = nullptr;
    Json* items_;
    Member* members_;
  };
  uint32_t size_ = 0;
  Kind kind_ = Kind::kNull;
  bool flag_ = false;
};

/// Spare bytes the JSON parser may read past the end of a document (simdjson's padding).
inline constexpr size_t kJsonPadding = 64;

/// Parse one JSON document without copying: `text` must be followed by kJsonPadding
/// readable bytes (any content). Strings and numbers view `text`, nodes and unescaped
/// strings go into `arena`. Throws Error{kInvalidInput} with `where` ("file: line 3") and
/// the parser's reason when the text is not exactly one valid JSON value.
Json parse_json_in_place(std::string_view text, std::string_view where, JsonArena& arena);
/// Same, naming the document "file: line N" (only built for the message).
Json parse_json_in_place(std::string_view text, std::string_view file, uint64_t line,
                         JsonArena& arena);

/// A parsed document that owns its text and nodes. Movable; nodes stay where they are.
class JsonDocument {
 public:
  JsonDocument() = default;
  const Json& root() const { return root_; }
  Json& root() { return root_; }
  JsonArena& arena() { return arena_; }
  /// Use as its root node (only while the document lives: not from a temporary).
  operator const Json&() const& { return root_; }  // NOLINT(google-explicit-constructor)
  operator const Json&() const&& = delete;

  Json::Kind kind() const { return root_.kind(); }
  bool is_object() const { return root_.is_object(); }
  bool is_array() const { return root_.is_array(); }
  std::span<const Json> items() const { return root_.items(); }
  std::span<const Json::Member> members() const { return root_.members(); }
  const Json* find(std::string_view key) const { return root_.find(key); }
  std::optional<std::string_view> find_string(std::string_view key) const {
    return root_.find_string(key);
  }

 private:
  friend JsonDocument parse_json_owned(std::string text, std::string_view where);
  std::string text_;  // the parsed text and its padding (always on the heap: >= kJsonPadding)
  JsonArena arena_{1024};
  Json root_;
};

/// Parse one JSON document (copies `text`). Errors as parse_json_in_place.
JsonDocument parse_json(std::string_view text, std::string_view where);
/// Parse one JSON document, taking over `text` (no copy). Errors as parse_json_in_place.
JsonDocument parse_json_owned(std::string text, std::string_view where);

/// Append compact JSON for `value` (numbers in their written form).
void write_json(const Json& value, std::string& out);
std::string to_json(const Json& value);

}  // namespace fos::fhir
