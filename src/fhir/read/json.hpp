// Json: an owned, ordered JSON tree that keeps numbers in their written form.
//
// FHIR decimals carry their precision in the text ("1.50" is not "1.5"), so a
// number is stored as its lexical token and converted only when asked. Object
// members keep document order (FHIR output and column order depend on it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fos::fhir {

class Json {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, Json>;

  Json() = default;
  static Json null() { return Json(); }
  static Json boolean(bool value);
  static Json number(std::string_view lexical);
  static Json string(std::string_view value);
  static Json array() { return Json(Kind::kArray); }
  static Json object() { return Json(Kind::kObject); }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  bool as_bool() const { return flag_; }
  /// String value, or the written form of a number.
  const std::string& text() const { return text_; }
  /// True for a number written without fraction or exponent ("12", "-3").
  bool is_integer_number() const;

  const std::vector<Json>& items() const { return items_; }
  std::vector<Json>& items() { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }

  /// Member by key, or nullptr (objects only; linear scan: FHIR objects are small).
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  /// String member by key, or nullopt when absent or not a string.
  std::optional<std::string_view> find_string(std::string_view key) const;

  void push_back(Json value) { items_.push_back(std::move(value)); }
  void add(std::string key, Json value) { members_.emplace_back(std::move(key), std::move(value)); }

 private:
  explicit Json(Kind kind) : kind_(kind) {}

  Kind kind_ = Kind::kNull;
  bool flag_ = false;
  std::string text_;
  std::vector<Json> items_;
  std::vector<Member> members_;
};

/// Parse one JSON document. Throws Error{kInvalidInput} with `where` ("file: line 3")
/// and the parser's reason when the text is not exactly one valid JSON value.
Json parse_json(std::string_view text, std::string_view where);

/// Spare bytes the JSON parser may read past the end of a document (simdjson's padding).
inline constexpr size_t kJsonPadding = 64;

/// Like parse_json, without copying: `text` must be followed by kJsonPadding readable
/// bytes (any content).
Json parse_json_padded(std::string_view text, std::string_view where);

/// Append compact JSON for `value` (numbers in their written form).
void write_json(const Json& value, std::string& out);
std::string to_json(const Json& value);

}  // namespace fos::fhir
