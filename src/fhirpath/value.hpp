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

struct Value {
  ValueKind kind = ValueKind::kBoolean;
  const Json* node = nullptr;  ///< kNode: an object of the resource
  bool boolean = false;
  int64_t integer = 0;
  std::string text;  ///< decimal (written form), string, date/time text, quantity value
  std::string unit;  ///< quantity unit
  std::string type;  ///< FHIR type name when known, else empty

  static Value of_bool(bool flag);
  static Value of_integer(int64_t number);
  static Value of_decimal(std::string lexical);
  static Value of_double(double number);
  static Value of_string(std::string text, std::string type = {});
  static Value of_temporal(ValueKind kind, std::string text, std::string type = {});
  static Value of_node(const Json& node, std::string type = {});
  /// A JSON value of a resource as a FHIRPath item; `type` is the FHIR type if known.
  static Value from_json(const Json& json, std::string_view type);

  bool is_number() const { return kind == ValueKind::kInteger || kind == ValueKind::kDecimal; }
  bool is_temporal() const {
    return kind == ValueKind::kDate || kind == ValueKind::kDateTime || kind == ValueKind::kTime;
  }
  double as_double() const;
  /// The FHIR or System type name: `type` if set, else inferred from the kind.
  std::string type_name() const;
};

using Collection = std::vector<Value>;

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

/// Write a double as the shortest decimal text that reads back the same.
std::string format_double(double number);

}  // namespace fos::fhirpath
