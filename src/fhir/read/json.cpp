// Json tree construction from simdjson's on-demand parser, and compact serialization.
#include "fhir/read/json.hpp"

#include <simdjson.h>

#include <iterator>

#include "core/error.hpp"
#include "core/json_writer.hpp"

namespace fos::fhir {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

Json Json::boolean(bool value) {
  Json json(Kind::kBool);
  json.flag_ = value;
  return json;
}

Json Json::number(std::string_view lexical) {
  Json json(Kind::kNumber);
  json.text_ = lexical;
  return json;
}

Json Json::string(std::string_view value) {
  Json json(Kind::kString);
  json.text_ = value;
  return json;
}

bool Json::is_integer_number() const {
  return kind_ == Kind::kNumber && text_.find_first_of(".eE") == std::string::npos;
}

const Json* Json::find(std::string_view key) const {
  for (const auto& [name, value] : members_) {
    if (name == key) return &value;
  }
  return nullptr;
}

Json* Json::find(std::string_view key) {
  for (auto& [name, value] : members_) {
    if (name == key) return &value;
  }
  return nullptr;
}

std::optional<std::string_view> Json::find_string(std::string_view key) const {
  const Json* value = find(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string_view(value->text());
}

namespace {

namespace od = simdjson::ondemand;

std::string_view trim_token(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  return token;
}

Json build(od::value value, int depth);

// Children are gathered on per-thread stacks and moved into an exactly sized vector, so a
// container allocates once instead of growing.
std::vector<Json::Member>& member_stack() {
  thread_local std::vector<Json::Member> stack;
  return stack;
}

std::vector<Json>& item_stack() {
  thread_local std::vector<Json> stack;
  return stack;
}

Json build_object(od::object object, int depth) {
  std::vector<Json::Member>& stack = member_stack();
  const size_t base = stack.size();
  try {
    for (auto field : object) {
      std::string key(field.unescaped_key().value());
      Json value = build(field.value().value(), depth + 1);
      stack.emplace_back(std::move(key), std::move(value));
    }
  } catch (...) {
    stack.resize(base);
    throw;
  }
  Json json = Json::object();
  json.members().assign(std::make_move_iterator(stack.begin() + static_cast<ptrdiff_t>(base)),
                        std::make_move_iterator(stack.end()));
  stack.resize(base);
  return json;
}

Json build_array(od::array array, int depth) {
  std::vector<Json>& stack = item_stack();
  const size_t base = stack.size();
  try {
    for (auto item : array) {
      Json value = build(item.value(), depth + 1);
      stack.push_back(std::move(value));
    }
  } catch (...) {
    stack.resize(base);
    throw;
  }
  Json json = Json::array();
  json.items().assign(std::make_move_iterator(stack.begin() + static_cast<ptrdiff_t>(base)),
                      std::make_move_iterator(stack.end()));
  stack.resize(base);
  return json;
}

Json build(od::value value, int depth) {
  if (depth > 256) throw simdjson::simdjson_error(simdjson::DEPTH_ERROR);
  switch (value.type().value()) {
    case od::json_type::object:
      return build_object(value.get_object().value(), depth);
    case od::json_type::array:
      return build_array(value.get_array().value(), depth);
    case od::json_type::string:
      return Json::string(value.get_string().value());
    case od::json_type::number: {
      const std::string_view token = trim_token(value.raw_json_token());
      (void)value.get_double().value();  // validates the number's syntax
      return Json::number(token);
    }
    case od::json_type::boolean:
      return Json::boolean(value.get_bool().value());
    case od::json_type::null:
      if (!value.is_null().value()) throw simdjson::simdjson_error(simdjson::N_ATOM_ERROR);
      return Json::null();
  }
  throw simdjson::simdjson_error(simdjson::TAPE_ERROR);
}

Json build_document(od::document& doc) {
  switch (doc.type().value()) {
    case od::json_type::object:
      return build_object(doc.get_object().value(), 0);
    case od::json_type::array:
      return build_array(doc.get_array().value(), 0);
    default: {
      // Scalars at top level: parse through a value view.
      if (doc.is_null().value()) return Json::null();
      throw simdjson::simdjson_error(simdjson::SCALAR_DOCUMENT_AS_VALUE);
    }
  }
}

}  // namespace

Json parse_json_padded(std::string_view text, std::string_view where) {
  thread_local od::parser parser;
  try {
    od::document doc = parser.iterate(text.data(), text.size(), text.size() + kJsonPadding).value();
    Json json = build_document(doc);
    if (!doc.current_location().error()) throw simdjson::simdjson_error(simdjson::TRAILING_CONTENT);
    return json;
  } catch (const simdjson::simdjson_error& e) {
    fail(ErrorKind::kInvalidInput,
         std::string(where) + ": malformed JSON (" + simdjson::error_message(e.error()) + ")");
  }
}

Json parse_json(std::string_view text, std::string_view where) {
  const simdjson::padded_string padded(text);
  return parse_json_padded(std::string_view(padded.data(), padded.size()), where);
}

namespace {

void write_value(const Json& value, JsonWriter& writer) {
  switch (value.kind()) {
    case Json::Kind::kNull:
      writer.null();
      return;
    case Json::Kind::kBool:
      writer.value(value.as_bool());
      return;
    case Json::Kind::kNumber:
      writer.raw(value.text());
      return;
    case Json::Kind::kString:
      writer.value(std::string_view(value.text()));
      return;
    case Json::Kind::kArray:
      writer.begin_array();
      for (const Json& item : value.items()) write_value(item, writer);
      writer.end_array();
      return;
    case Json::Kind::kObject:
      writer.begin_object();
      for (const auto& [key, member] : value.members()) {
        writer.key(key);
        write_value(member, writer);
      }
      writer.end_object();
      return;
  }
}

}  // namespace

void write_json(const Json& value, std::string& out) {
  JsonWriter writer(out);
  write_value(value, writer);
}

std::string to_json(const Json& value) {
  std::string out;
  write_json(value, out);
  return out;
}

}  // namespace fos::fhir
