// A small owning JSON tree for module files, built from simdjson's DOM.
//
// Module loading walks objects by key many times and reports errors by field,
// so a plain tree (objects keep key order) is simpler than holding simdjson
// parser state alive. Used only at load time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fos::synth::detail {

class Json {
 public:
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

  /// Parse `text`; on malformed JSON returns nullopt and sets `error`.
  static std::optional<Json> parse(std::string_view text, std::string& error);

  Type type() const { return type_; }
  bool is_object() const { return type_ == Type::kObject; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_bool() const { return type_ == Type::kBool; }

  double number() const { return number_; }
  bool boolean() const { return number_ != 0; }
  const std::string& string() const { return string_; }
  const std::vector<Json>& items() const { return items_; }
  const std::vector<std::pair<std::string, Json>>& members() const { return members_; }
  /// The member named `key`, or nullptr.
  const Json* find(std::string_view key) const;

  static Json make(Type type) {
    Json j;
    j.type_ = type;
    return j;
  }
  double number_ = 0;
  std::string string_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;

 private:
  Type type_ = Type::kNull;
};

/// Short type name for messages ("object", "string", ...).
std::string_view type_name(Json::Type type);

}  // namespace fos::synth::detail
