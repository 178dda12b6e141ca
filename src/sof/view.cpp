// ViewDefinition parsing: JSON shape checks, FHIRPath compilation, constants, column order.
#include "sof/view.hpp"

#include <optional>
#include <set>
#include <span>

#include "core/error.hpp"
#include "core/output.hpp"

namespace fos::sof {
namespace {

using fhir::Json;
using fhirpath::Value;
using fhirpath::ValueKind;

[[noreturn]] void invalid(const std::string& where, const std::string& message) {
  fail(ErrorKind::kInvalidInput, where + ": " + message);
}

bool is_sql_name(const std::string& name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string required_string(const Json& object, std::string_view key, const std::string& where) {
  const Json* value = object.find(key);
  if (value == nullptr) invalid(where, "missing '" + std::string(key) + "'");
  if (!value->is_string()) invalid(where, "'" + std::string(key) + "' must be a string");
  return std::string(value->text());
}

std::optional<std::span<const Json>> optional_array(const Json& object, std::string_view key,
                                                    const std::string& where) {
  const Json* value = object.find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_array()) invalid(where, "'" + std::string(key) + "' must be an array");
  return value->items();
}

fhirpath::Expression compile(const std::string& text, const std::string& where) {
  try {
    return fhirpath::Expression::parse(text);
  } catch (const Error& e) {
    fail(e.kind(), where + ": " + e.what());
  }
}

// FHIR primitive and complex type codes a column may declare.
bool known_type(const std::string& type) {
  static const std::set<std::string, std::less<>> kPrimitive = {
      "base64Binary", "boolean", "canonical",   "code",      "date",     "dateTime", "decimal",
      "id",           "instant", "integer",     "integer64", "markdown", "oid",      "positiveInt",
      "string",       "time",    "unsignedInt", "uri",       "url",      "uuid",     "xhtml"};
  if (kPrimitive.count(type)) return true;
  // Complex types and element paths (Observation.referenceRange) start uppercase;
  // absolute type URLs are accepted as written.
  return !type.empty() && (std::isupper(static_cast<unsigned char>(type[0])) ||
                           type.starts_with("http://") || type.starts_with("https://"));
}

Value constant_value(const Json& constant, const std::string& where) {
  for (const auto& [key_view, value] : constant.members()) {
    const std::string key(key_view);
    if (!key.starts_with("value") || key.size() == 5) continue;
    const std::string type =
        std::string(1, static_cast<char>(std::tolower(key[5]))) + key.substr(6);
    if (type == "boolean") {
      if (!value.is_bool()) invalid(where, "valueBoolean must be a boolean");
      return Value::of_bool(value.as_bool());
    }
    if (type == "integer" || type == "positiveInt" || type == "unsignedInt" ||
        type == "integer64" || type == "decimal") {
      if (!value.is_number() && !(type == "integer64" && value.is_string())) {
        invalid(where, key + " must be a number");
      }
      Value v = Value::from_json(value, type == "integer64" ? "integer" : type);
      v.text = v.text.owned();  // the view definition's JSON does not outlive the view
      if (type == "decimal" && v.kind != ValueKind::kDecimal) v = Value::of_decimal(value.text());
      v.type = type;
      return v;
    }
    if (!value.is_string()) invalid(where, key + " must be a string");
    if (type == "date") return Value::of_temporal(ValueKind::kDate, value.text(), type);
    if (type == "dateTime" || type == "instant") {
      return Value::of_temporal(ValueKind::kDateTime, value.text(), type);
    }
    if (type == "time") return Value::of_temporal(ValueKind::kTime, value.text(), type);
    return Value::of_string(value.text(), type);
  }
  invalid(where, "constant has no value[x]");
}

class ViewParser {
 public:
  ViewParser() = default;

  Select select(const Json& json, const std::string& where) {
    if (!json.is_object()) invalid(where, "must be an object");
    Select out;
    if (const auto columns = optional_array(json, "column", where)) {
      for (size_t i = 0; i < columns->size(); ++i) {
        out.columns.push_back(column((*columns)[i], where + ".column[" + std::to_string(i) + "]"));
        out.column_names.push_back(out.columns.back().name);
      }
    }
    int iterations = 0;
    if (const Json* for_each = json.find("forEach")) {
      out.for_each = path_of(*for_each, where + ".forEach");
      ++iterations;
    }
    if (const Json* for_each = json.find("forEachOrNull")) {
      out.for_each = path_of(*for_each, where + ".forEachOrNull");
      out.for_each_or_null = true;
      ++iterations;
    }
    if (const auto repeat = optional_array(json, "repeat", where)) {
      for (size_t i = 0; i < repeat->size(); ++i) {
        out.repeat.push_back(path_of((*repeat)[i], where + ".repeat[" + std::to_string(i) + "]"));
      }
      if (repeat->empty()) invalid(where, "'repeat' must not be empty");
      ++iterations;
    }
    if (iterations > 1) invalid(where, "at most one of forEach, forEachOrNull, repeat");
    if (const auto selects = optional_array(json, "select", where)) {
      for (size_t i = 0; i < selects->size(); ++i) {
        out.selects.push_back(select((*selects)[i], where + ".select[" + std::to_string(i) + "]"));
        const auto& names = out.selects.back().column_names;
        out.column_names.insert(out.column_names.end(), names.begin(), names.end());
      }
    }
    if (const auto branches = optional_array(json, "unionAll", where)) {
      // Branches share their column names: each is checked against the columns before it.
      const std::set<std::string> base = seen_;
      std::set<std::string> after = seen_;
      std::optional<std::vector<std::string>> shape;
      for (size_t i = 0; i < branches->size(); ++i) {
        const std::string branch_where = where + ".unionAll[" + std::to_string(i) + "]";
        seen_ = base;
        out.union_all.push_back(select((*branches)[i], branch_where));
        const auto& names = out.union_all.back().column_names;
        if (!shape) {
          shape = names;
          after = seen_;
        } else if (*shape != names) {
          invalid(branch_where, "unionAll branches must have the same columns in the same order");
        }
      }
      seen_ = after;
      if (shape) out.column_names.insert(out.column_names.end(), shape->begin(), shape->end());
    }
    return out;
  }

 private:
  fhirpath::Expression path_of(const Json& json, const std::string& where) {
    if (!json.is_string()) invalid(where, "must be a FHIRPath string");
    return compile(std::string(json.text()), where);
  }

  Column column(const Json& json, const std::string& where) {
    if (!json.is_object()) invalid(where, "must be an object");
    Column out{required_string(json, "name", where),
               compile(required_string(json, "path", where), where + ".path"), "", false, false};
    if (!is_sql_name(out.name)) {
      invalid(where, "column name '" + out.name + "' is not a SQL name ([A-Za-z][A-Za-z0-9_]*)");
    }
    if (!seen_.insert(out.name).second) invalid(where, "duplicate column name '" + out.name + "'");
    if (const Json* type = json.find("type")) {
      if (!type->is_string() || !known_type(std::string(type->text()))) {
        invalid(where, "unknown column type " + fhir::to_json(*type));
      }
      out.type = std::string(type->text());
    }
    if (const Json* collection = json.find("collection")) {
      if (!collection->is_bool()) invalid(where, "'collection' must be true or false");
      out.collection = collection->as_bool();
    }
    out.is_row_index = out.path.is_variable("rowIndex");
    return out;
  }

  std::set<std::string> seen_;
};

void check_variables(const fhirpath::Expression& expression, const ViewDefinition& view,
                     const std::string& where) {
  static const std::set<std::string, std::less<>> kBuiltIn = {
      "rowIndex", "resource", "rootResource", "context", "ucum", "sct", "loinc"};
  for (const std::string& name : expression.variables()) {
    if (!kBuiltIn.count(name) && !view.constants.count(name)) {
      invalid(where, "undefined constant %" + name + " in '" + expression.text() + "'");
    }
  }
}

void check_select(const Select& select, const ViewDefinition& view, const std::string& where) {
  for (const Column& column : select.columns) check_variables(column.path, view, where);
  if (select.for_each) check_variables(*select.for_each, view, where);
  for (const auto& expression : select.repeat) check_variables(expression, view, where);
  for (const Select& child : select.selects) check_select(child, view, where);
  for (const Select& child : select.union_all) check_select(child, view, where);
}

void collect_types(const Select& select, std::vector<std::string>& types) {
  for (const Column& column : select.columns) types.push_back(column.type);
  for (const Select& child : select.selects) collect_types(child, types);
  if (!select.union_all.empty()) collect_types(select.union_all.front(), types);
}

}  // namespace

ViewDefinition parse_view(const Json& json, const std::string& source) {
  if (!json.is_object()) invalid(source, "a ViewDefinition must be a JSON object");
  ViewDefinition view;
  view.source = source;
  if (const auto type = json.find_string("resourceType"); type && *type != "ViewDefinition") {
    invalid(source, "resourceType must be ViewDefinition, got '" + std::string(*type) + "'");
  }
  view.resource = required_string(json, "resource", source);
  if (view.resource.empty()) invalid(source, "'resource' is empty");
  if (const Json* name = json.find("name")) {
    if (!name->is_string() || !is_sql_name(std::string(name->text()))) {
      invalid(source, "'name' must be a SQL name ([A-Za-z][A-Za-z0-9_]*)");
    }
    view.name = std::string(name->text());
  }
  if (const auto constants = optional_array(json, "constant", source)) {
    for (size_t i = 0; i < constants->size(); ++i) {
      const std::string where = source + ": constant[" + std::to_string(i) + "]";
      const Json& constant = (*constants)[i];
      if (!constant.is_object()) invalid(where, "must be an object");
      const std::string& name = required_string(constant, "name", where);
      if (!view.constants.emplace(name, fhirpath::Collection{constant_value(constant, where)})
               .second) {
        invalid(where, "duplicate constant '" + name + "'");
      }
    }
  }
  const auto selects = optional_array(json, "select", source);
  if (!selects || selects->empty()) invalid(source, "a view needs at least one 'select'");
  ViewParser parser;
  for (size_t i = 0; i < selects->size(); ++i) {
    const std::string where = source + ": select[" + std::to_string(i) + "]";
    view.selects.push_back(parser.select((*selects)[i], where));
    check_select(view.selects.back(), view, where);
    const auto& names = view.selects.back().column_names;
    view.columns.insert(view.columns.end(), names.begin(), names.end());
    collect_types(view.selects.back(), view.column_types);
  }
  if (const auto wheres = optional_array(json, "where", source)) {
    for (size_t i = 0; i < wheres->size(); ++i) {
      const std::string where = source + ": where[" + std::to_string(i) + "]";
      const Json& item = (*wheres)[i];
      if (!item.is_object()) invalid(where, "must be an object");
      view.where.push_back(compile(required_string(item, "path", where), where + ".path"));
      check_variables(view.where.back(), view, where);
    }
  }
  return view;
}

ViewDefinition load_view(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  const fhir::JsonDocument document = fhir::parse_json(text, path.string());
  return parse_view(document, path.string());
}

}  // namespace fos::sof
