// FHIRPath items: construction from JSON, navigation, equality, ordering, output.
#include "fhirpath/value.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "fhirpath/temporal.hpp"

namespace fos::fhirpath {
namespace {

// FHIR R4 types that may follow a choice element's name (`value[x]` -> `valueQuantity`).
constexpr std::array<std::string_view, 51> kChoiceTypes = {"Base64Binary",
                                                           "Boolean",
                                                           "Canonical",
                                                           "Code",
                                                           "Date",
                                                           "DateTime",
                                                           "Decimal",
                                                           "Id",
                                                           "Instant",
                                                           "Integer",
                                                           "Integer64",
                                                           "Markdown",
                                                           "Oid",
                                                           "PositiveInt",
                                                           "String",
                                                           "Time",
                                                           "UnsignedInt",
                                                           "Uri",
                                                           "Url",
                                                           "Uuid",
                                                           "Address",
                                                           "Age",
                                                           "Annotation",
                                                           "Attachment",
                                                           "CodeableConcept",
                                                           "Coding",
                                                           "ContactPoint",
                                                           "Count",
                                                           "Distance",
                                                           "Duration",
                                                           "HumanName",
                                                           "Identifier",
                                                           "Money",
                                                           "Period",
                                                           "Quantity",
                                                           "Range",
                                                           "Ratio",
                                                           "Reference",
                                                           "SampledData",
                                                           "Signature",
                                                           "Timing",
                                                           "ContactDetail",
                                                           "Contributor",
                                                           "DataRequirement",
                                                           "Expression",
                                                           "ParameterDefinition",
                                                           "RelatedArtifact",
                                                           "TriggerDefinition",
                                                           "UsageContext",
                                                           "Dosage",
                                                           "Meta"};

// The same names as FHIR writes them: primitive type names start lowercase ("dateTime"),
// complex types keep their case. Static storage: items view these names.
constexpr std::array<std::string_view, 20> kPrimitiveTypeNames = {
    "base64Binary", "boolean", "canonical",   "code",      "date",     "dateTime", "decimal",
    "id",           "instant", "integer",     "integer64", "markdown", "oid",      "positiveInt",
    "string",       "time",    "unsignedInt", "uri",       "url",      "uuid"};

// The FHIR type a choice element's suffix names, or empty when it names none.
std::string_view choice_type_name(std::string_view suffix) {
  if (suffix.empty()) return {};
  for (size_t i = 0; i < kChoiceTypes.size(); ++i) {
    const std::string_view name = kChoiceTypes[i];
    if (name.size() != suffix.size() || name[0] != suffix[0] || name != suffix) continue;
    return i < kPrimitiveTypeNames.size() ? kPrimitiveTypeNames[i] : name;
  }
  return {};
}

bool is_integer_type(std::string_view type) {
  return type == "integer" || type == "positiveInt" || type == "unsignedInt" || type == "integer64";
}

// FHIR primitive specializations: derived -> base.
std::string_view base_type(std::string_view type) {
  if (type == "code" || type == "id" || type == "markdown") return "string";
  if (type == "url" || type == "canonical" || type == "oid" || type == "uuid") return "uri";
  if (type == "positiveInt" || type == "unsignedInt") return "integer";
  if (type == "Age" || type == "Count" || type == "Distance" || type == "Duration" ||
      type == "MoneyQuantity" || type == "SimpleQuantity") {
    return "Quantity";
  }
  return {};
}

std::optional<detail::Temporal> temporal_of(const Value& v) {
  if (v.kind != ValueKind::kString && !v.is_temporal()) return std::nullopt;
  return detail::parse_temporal(v.text);
}

bool json_equal(const Json& a, const Json& b) {
  return fhir::to_json(a) == fhir::to_json(b);
}

}  // namespace

Value Value::of_bool(bool flag) {
  Value v;
  v.kind = ValueKind::kBoolean;
  v.boolean = flag;
  return v;
}

Value Value::of_integer(int64_t number) {
  Value v;
  v.kind = ValueKind::kInteger;
  v.integer = number;
  return v;
}

Value Value::of_decimal(Text lexical) {
  Value v;
  v.kind = ValueKind::kDecimal;
  v.text = std::move(lexical);
  return v;
}

Value Value::of_double(double number) {
  return of_decimal(format_double(number));
}

Value Value::of_string(Text text, std::string type) {
  Value v;
  v.kind = ValueKind::kString;
  v.text = std::move(text);
  v.type = std::move(type);
  return v;
}

Value Value::of_temporal(ValueKind kind, Text text, std::string type) {
  Value v;
  v.kind = kind;
  v.text = std::move(text);
  v.type = std::move(type);
  return v;
}

Value Value::of_node(const Json& node, std::string type) {
  Value v;
  v.kind = ValueKind::kNode;
  v.node = &node;
  v.type = std::move(type);
  return v;
}

namespace {

// from_json() into a default Value.
void fill_from_json(Value& v, const Json& json, std::string_view type) {
  v.type.assign(type);
  switch (json.kind()) {
    case Json::Kind::kBool:
      v.kind = ValueKind::kBoolean;
      v.boolean = json.as_bool();
      return;
    case Json::Kind::kNumber:
      if (type != "decimal" && json.is_integer_number()) {
        int64_t number = 0;
        const std::string_view t = json.text();
        const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), number);
        if (ec == std::errc() && ptr == t.data() + t.size()) {
          v.kind = ValueKind::kInteger;
          v.integer = number;
          return;
        }
      }
      v.kind = ValueKind::kDecimal;
      v.text = Text::view(json.text());
      return;
    case Json::Kind::kString:
      v.kind = type == "date"                            ? ValueKind::kDate
               : type == "dateTime" || type == "instant" ? ValueKind::kDateTime
               : type == "time"                          ? ValueKind::kTime
                                                         : ValueKind::kString;
      v.text = Text::view(json.text());
      return;
    default:
      v.kind = ValueKind::kNode;
      v.node = &json;
      return;
  }
}

}  // namespace

Value Value::from_json(const Json& json, std::string_view type) {
  Value v;
  fill_from_json(v, json, type);
  return v;
}

void Value::append_json(const Json& json, std::string_view type, Collection& out) {
  fill_from_json(out.emplace_back(), json, type);
}

double Value::as_double() const {
  if (kind == ValueKind::kInteger) return static_cast<double>(integer);
  return std::strtod(text.str().c_str(), nullptr);
}

std::string Value::type_name() const {
  if (!type.empty()) return type;
  switch (kind) {
    case ValueKind::kBoolean:
      return "boolean";
    case ValueKind::kInteger:
      return "integer";
    case ValueKind::kDecimal:
      return "decimal";
    case ValueKind::kString:
      return "string";
    case ValueKind::kDate:
      return "date";
    case ValueKind::kDateTime:
      return "dateTime";
    case ValueKind::kTime:
      return "time";
    case ValueKind::kQuantity:
      return "Quantity";
    case ValueKind::kNode:
      if (node != nullptr) return std::string(node->find_string("resourceType").value_or(""));
      return {};
  }
  return {};
}

void navigate_json(const Json& node, std::string_view name, std::vector<JsonItem>& out) {
  if (!node.is_object()) return;
  auto add = [&out](const Json& json, std::string_view type) {
    if (json.is_array()) {
      for (const Json& element : json.items()) {
        if (!element.is_null()) out.push_back({&element, type});
      }
    } else if (!json.is_null()) {
      out.push_back({&json, type});
    }
  };
  if (name.empty()) {
    if (const Json* child = node.find(name)) add(*child, {});
    return;
  }
  // One pass: choice elements are gathered until the member itself turns up (then only
  // it counts).
  const size_t base = out.size();
  for (const auto& [key, value] : node.members()) {
    if (key.size() < name.size() || key[0] != name[0]) continue;
    if (key.size() == name.size()) {
      if (key != name) continue;
      out.resize(base);
      add(value, {});
      return;
    }
    if (!key.starts_with(name) || !std::isupper(static_cast<unsigned char>(key[name.size()]))) {
      continue;
    }
    const std::string_view type = choice_type_name(key.substr(name.size()));
    if (!type.empty()) add(value, type);
  }
}

void navigate(const Value& item, std::string_view name, Collection& out) {
  if (item.kind != ValueKind::kNode || item.node == nullptr) return;
  thread_local std::vector<JsonItem> children;
  children.clear();
  navigate_json(*item.node, name, children);
  for (const JsonItem& child : children) Value::append_json(*child.json, child.type, out);
}

std::string format_double(double number) {
  if (!std::isfinite(number)) fail(ErrorKind::kFhirpath, "arithmetic result is not finite");
  char buffer[64];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  return std::string(buffer, ptr);
}

std::optional<bool> items_equal(const Value& left, const Value& right) {
  if (left.is_number() && right.is_number()) {
    if (left.kind == ValueKind::kInteger && right.kind == ValueKind::kInteger) {
      return left.integer == right.integer;
    }
    return left.as_double() == right.as_double();
  }
  if (left.is_temporal() || right.is_temporal()) {
    const auto l = temporal_of(left);
    const auto r = temporal_of(right);
    if (!l || !r) return false;
    const auto order = detail::compare_temporal(*l, *r);
    if (!order) return std::nullopt;
    return *order == 0;
  }
  if (left.kind != right.kind) return false;
  switch (left.kind) {
    case ValueKind::kBoolean:
      return left.boolean == right.boolean;
    case ValueKind::kString:
      return left.text == right.text;
    case ValueKind::kQuantity:
      return left.text == right.text && left.unit == right.unit;
    case ValueKind::kNode:
      return left.node == right.node || json_equal(*left.node, *right.node);
    default:
      return false;
  }
}

bool items_equivalent(const Value& left, const Value& right) {
  if (left.kind == ValueKind::kString && right.kind == ValueKind::kString) {
    auto normal = [](std::string_view s) {
      std::string out;
      bool space = false;
      for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c))) {
          space = true;
          continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      return out;
    };
    return normal(left.text) == normal(right.text);
  }
  return items_equal(left, right).value_or(false);
}

std::optional<int> compare_items(const Value& left, const Value& right) {
  if (left.is_number() && right.is_number()) {
    if (left.kind == ValueKind::kInteger && right.kind == ValueKind::kInteger) {
      return left.integer < right.integer ? -1 : left.integer > right.integer ? 1 : 0;
    }
    const double l = left.as_double();
    const double r = right.as_double();
    return l < r ? -1 : l > r ? 1 : 0;
  }
  if (left.is_temporal() || right.is_temporal()) {
    const auto l = temporal_of(left);
    const auto r = temporal_of(right);
    if (!l || !r) fail(ErrorKind::kFhirpath, "cannot compare a date or time with this value");
    return detail::compare_temporal(*l, *r);
  }
  if (left.kind == ValueKind::kString && right.kind == ValueKind::kString) {
    const int c = left.text.compare(right.text);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  fail(ErrorKind::kFhirpath, "cannot compare " + left.type_name() + " with " + right.type_name());
}

void write_value_json(const Value& item, std::string& out) {
  JsonWriter writer(out);
  switch (item.kind) {
    case ValueKind::kNode:
      fhir::write_json(*item.node, out);
      return;
    case ValueKind::kBoolean:
      writer.value(item.boolean);
      return;
    case ValueKind::kInteger:
      writer.value(item.integer);
      return;
    case ValueKind::kDecimal:
      writer.raw(item.text);
      return;
    case ValueKind::kQuantity:
      writer.begin_object();
      writer.key("value");
      writer.raw(item.text);
      writer.field("unit", item.unit);
      writer.end_object();
      return;
    default:
      writer.value(std::string_view(item.text));
      return;
  }
}

std::string value_to_string(const Value& item) {
  switch (item.kind) {
    case ValueKind::kBoolean:
      return item.boolean ? "true" : "false";
    case ValueKind::kInteger:
      return std::to_string(item.integer);
    case ValueKind::kQuantity:
      return item.text.str() + " '" + item.unit + "'";
    case ValueKind::kNode: {
      std::string out;
      fhir::write_json(*item.node, out);
      return out;
    }
    default:
      return item.text.str();
  }
}

bool fhir_type_is(std::string_view type, std::string_view wanted) {
  while (!type.empty()) {
    if (type == wanted) return true;
    type = base_type(type);
  }
  return false;
}

bool is_of_type(const Value& item, std::string_view type) {
  if (type.starts_with("FHIR.")) type.remove_prefix(5);
  if (type.starts_with("System.")) {
    type.remove_prefix(7);
    switch (item.kind) {
      case ValueKind::kBoolean:
        return type == "Boolean";
      case ValueKind::kInteger:
        return type == "Integer";
      case ValueKind::kDecimal:
        return type == "Decimal";
      case ValueKind::kString:
        return type == "String";
      case ValueKind::kDate:
        return type == "Date";
      case ValueKind::kDateTime:
        return type == "DateTime";
      case ValueKind::kTime:
        return type == "Time";
      case ValueKind::kQuantity:
        return type == "Quantity";
      case ValueKind::kNode:
        return false;
    }
  }
  if (fhir_type_is(item.type.empty() ? item.type_name() : item.type, type)) return true;
  // An untyped JSON integer is also a valid decimal only when asked as such.
  if (item.type.empty() && item.kind == ValueKind::kInteger && is_integer_type(type)) return true;
  return false;
}

}  // namespace fos::fhirpath
