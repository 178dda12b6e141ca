// Reading members of a JSON object (simdjson DOM) with errors that name the file and the key:
// the shared base of the table-metadata parsers (metadata.cpp for tables fos writes, scan.cpp
// for any engine's). Internal to the room.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.hpp"

namespace fos::lake {

class JsonFields {
 public:
  using element = simdjson::dom::element;

  /// `what` names the document in every error ("<dir>/metadata/v3.metadata.json").
  explicit JsonFields(std::string what) : what_(std::move(what)) {}

  /// Throws Error{kInvalidInput}: "<what>: key '<key>': <problem>".
  [[noreturn]] void bad(std::string_view key, std::string_view problem) const {
    fail(ErrorKind::kInvalidInput,
         what_ + ": key '" + std::string(key) + "': " + std::string(problem));
  }
  /// The member, or nullopt when it is absent or null.
  std::optional<element> maybe(element object, std::string_view key) const {
    element out;
    if (object[key].get(out) != simdjson::SUCCESS || out.is_null()) return std::nullopt;
    return out;
  }
  element need(element object, std::string_view key) const {
    auto v = maybe(object, key);
    if (!v) bad(key, "missing");
    return *v;
  }
  int64_t int64(element object, std::string_view key) const {
    int64_t v = 0;
    if (need(object, key).get_int64().get(v) != simdjson::SUCCESS) bad(key, "not an integer");
    return v;
  }
  int int32(element object, std::string_view key) const {
    return static_cast<int>(int64(object, key));
  }
  std::string string(element object, std::string_view key) const {
    std::string_view v;
    if (need(object, key).get_string().get(v) != simdjson::SUCCESS) bad(key, "not a string");
    return std::string(v);
  }
  simdjson::dom::array array(element object, std::string_view key) const {
    simdjson::dom::array v;
    if (need(object, key).get_array().get(v) != simdjson::SUCCESS) bad(key, "not an array");
    return v;
  }

 private:
  std::string what_;
};

}  // namespace fos::lake
