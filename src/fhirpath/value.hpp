// FHIRPath values: one item of a collection, either a JSON node of the resource or a
// System value (Boolean, Integer, Decimal, String, Date, DateTime, Time, Quantity).
//
// Decimals keep their written form (precision matters to lowBoundary and output).
// A `type` names the FHIR type when it is known (from a choice element's suffix,
// `valueQuantity` -> "Quantity", or a typed constant), so ofType() can filter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/read/json.hpp"

namespace fos::fhirpath {

using fhir::Json;

enum class ValueKind {
  kNode,
  kBoolean,
  kInteger,
  kDecimal,
  kString,
  kDate,
  kDateTime,
  kTime,
  kQuantity
};

/// Text of an item: either a view of the resource's JSON (no copy; the resource outlives
/// the item) or an owned string (computed values, constants).
class Text {
 public:
  Text() = default;
  Text(std::string owned) : owned_(std::move(owned)), view_(owned_), is_owned_(true) {}  // NOLINT
  Text(std::string_view text) : Text(std::string(text)) {}  // NOLINT(google-explicit-constructor)
  Text(const char* text) : Text(std::string(text)) {}       // NOLINT(google-explicit-constructor)
  /// A view of memory the caller keeps alive as long as the item (and its copies).
  static Text view(std::string_view text) {
    Text t;
    t.view_ = text;
    return t;
  }
  Text(const Text& other) : owned_(other.owned_), is_owned_(other.is_owned_) {
    view_ = is_owned_ ? std::string_view(owned_) : other.view_;
  }
  Text(Text&& other) noexcept : owned_(std::move(other.owned_)), is_owned_(other.is_owned_) {
    view_ = is_owned_ ? std::string_view(owned_) : other.view_;
  }
  Text& operator=(const Text& other) {
    if (this != &other) *this = Text(other);
    return *this;
  }
  Text& operator=(Text&& other) noexcept {
    owned_ = std::move(other.owned_);
    is_owned_ = other.is_owned_;
    view_ = is_owned_ ? std::string_view(owned_) : other.view_;
    return *this;
  }
  ~Text() = default;

  operator std::string_view() const { return view_; }  // NOLINT(google-explicit-constructor)
  std::string_view view() const { return view_; }
  std::string str() const { return std::string(view_); }
  /// The same text, owned (detached from the resource).
  Text owned() const { return Text(str()); }
  const char* data() const { return view_.data(); }
  size_t size() const { return view_.size(); }
  bool empty() const { return view_.empty(); }
  bool starts_with(char c) const { return view_.starts_with(c); }
  size_t find(char c, size_t pos = 0) const { return view_.find(c, pos); }
  size_t find_first_of(std::string_view chars, size_t pos = 0) const {
    return view_.find_first_of(chars, pos);
  }
  int compare(std::string_view other) const { return view_.compare(other); }
  friend bool operator==(const Text& a, const Text& b) { return a.view_ == b.view_; }
  friend bool operator==(const Text& a, std::string_view b) { return a.view_ == b; }
  friend bool operator==(const Text& a, const char* b) { return a.view_ == b; }

 private:
  std::string owned_;
  std::string_view view_;
  bool is_owned_ = false;
};

struct Value {
  ValueKind kind = ValueKind::kBoolean;
  const Json* node = nullptr;  ///< kNode: an object of the resource
  bool boolean = false;
  int64_t integer = 0;
  Text text;         ///< decimal (written form), string, date/time text, quantity value
  std::string unit;  ///< quantity unit
  std::string type;  ///< FHIR type name when known, else empty

  static Value of_bool(bool flag);
  static Value of_integer(int64_t number);
  static Value of_decimal(Text lexical);
  static Value of_double(double number);
  static Value of_string(Text text, std::string type = {});
  static Value of_temporal(ValueKind kind, Text text, std::string type = {});
  static Value of_node(const Json& node, std::string type = {});
  /// A JSON value of a resource as a FHIRPath item; `type` is the FHIR type if known.
  /// Strings and decimals view the JSON's text (no copy).
  static Value from_json(const Json& json, std::string_view type);
  /// from_json() appended to `out`, built in place.
  static void append_json(const Json& json, std::string_view type, std::vector<Value>& out);

  bool is_number() const { return kind == ValueKind::kInteger || kind == ValueKind::kDecimal; }
  bool is_temporal() const {
    return kind == ValueKind::kDate || kind == ValueKind::kDateTime || kind == ValueKind::kTime;
  }
  double as_double() const;
  /// The FHIR or System type name: `type` if set, else inferred from the kind.
  std::string type_name() const;
};

using Collection = std::vector<Value>;

/// A JSON value of the resource with its FHIR type when known (`type` views static or
/// longer-lived memory).
struct JsonItem {
  const Json* json = nullptr;
  std::string_view type;
};

/// Children named `name` of a JSON object (arrays flattened, nulls left out; choice
/// elements `name[x]` found by their type suffix, which gives their type). Nothing for
/// other kinds.
void navigate_json(const Json& node, std::string_view name, std::vector<JsonItem>& out);

/// Children named `name` of every node item (arrays flattened; choice elements
/// `name[x]` found by their type suffix).
void navigate(const Value& item, std::string_view name, Collection& out);

/// FHIRPath `=` on two items: true/false, or nullopt when undecidable (dates of
/// different precision).
std::optional<bool> items_equal(const Value& left, const Value& right);
/// FHIRPath `~` (equivalence): case-insensitive strings, undecidable -> false.
bool items_equivalent(const Value& left, const Value& right);
/// Ordering of two items: <0, 0, >0, or nullopt when not comparable. Throws
/// Error{kFhirpath} for mismatched kinds (message without position; the caller adds it).
std::optional<int> compare_items(const Value& left, const Value& right);

/// Item as a JSON value (nodes as objects, decimals in written form).
void write_value_json(const Value& item, std::string& out);
/// Item as plain text (CSV cells, join, toString): strings unquoted.
std::string value_to_string(const Value& item);

/// True when `type` (a FHIR type, or System.X) matches the item's type, counting
/// FHIR's primitive specializations (code is a string, positiveInt an integer).
bool is_of_type(const Value& item, std::string_view type);
/// True when the FHIR type `type` is `wanted` or one of its specializations (a code is a
/// string). `wanted` without a FHIR. or System. prefix.
bool fhir_type_is(std::string_view type, std::string_view wanted);

/// Write a double as the shortest decimal text that reads back the same.
std::string format_double(double number);

}  // namespace fos::fhirpath
