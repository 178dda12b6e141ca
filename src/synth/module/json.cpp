// Converting simdjson's DOM into the small owning Json tree.
#include "synth/module/json.hpp"

#include <simdjson.h>

namespace fos::synth::detail {
namespace {

Json convert(simdjson::dom::element e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      Json j = Json::make(Json::Type::kObject);
      simdjson::dom::object object;
      if (e.get_object().get(object) != simdjson::SUCCESS) return j;
      for (auto field : object) {
        j.members_.emplace_back(std::string(field.key), convert(field.value));
      }
      return j;
    }
    case element_type::ARRAY: {
      Json j = Json::make(Json::Type::kArray);
      simdjson::dom::array array;
      if (e.get_array().get(array) != simdjson::SUCCESS) return j;
      for (auto item : array) j.items_.push_back(convert(item));
      return j;
    }
    case element_type::STRING: {
      Json j = Json::make(Json::Type::kString);
      std::string_view text;
      if (e.get_string().get(text) == simdjson::SUCCESS) j.string_ = std::string(text);
      return j;
    }
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: {
      Json j = Json::make(Json::Type::kNumber);
      j.number_ = double(e);
      // Keep the literal for codes written as numbers ("code": 38341003).
      if (e.type() == element_type::INT64) {
        j.string_ = std::to_string(int64_t(e));
      } else if (e.type() == element_type::UINT64) {
        j.string_ = std::to_string(uint64_t(e));
      }
      return j;
    }
    case element_type::BOOL: {
      Json j = Json::make(Json::Type::kBool);
      j.number_ = bool(e) ? 1 : 0;
      return j;
    }
    case element_type::NULL_VALUE:
      return Json::make(Json::Type::kNull);
  }
  return Json::make(Json::Type::kNull);
}

}  // namespace

std::optional<Json> Json::parse(std::string_view text, std::string& error) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  const auto code = parser.parse(padded).get(root);
  if (code != simdjson::SUCCESS) {
    error = simdjson::error_message(code);
    return std::nullopt;
  }
  return convert(root);
}

const Json* Json::find(std::string_view key) const {
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string_view type_name(Json::Type type) {
  switch (type) {
    case Json::Type::kNull:
      return "null";
    case Json::Type::kBool:
      return "boolean";
    case Json::Type::kNumber:
      return "number";
    case Json::Type::kString:
      return "string";
    case Json::Type::kArray:
      return "array";
    case Json::Type::kObject:
      return "object";
  }
  return "value";
}

}  // namespace fos::synth::detail
