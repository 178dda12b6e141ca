// JsonWriter: appends compact, valid JSON to a string.
//
// Commas and nesting are tracked for the caller; strings are escaped (quote,
// backslash, control characters); doubles use the shortest text that reads back
// to the same value, or a fixed number of decimals when the precision is part of
// the data (FHIR decimals: 1.50 is not 1.5). Non-finite numbers throw: JSON has
// none. The writer does not own the string; it must outlive the writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fos {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  /// Write an object key. REQUIRES: inside an object, no pending key.
  void key(std::string_view name);

  void value(std::string_view text);
  void value(const char* text) { value(std::string_view(text)); }
  void value(const std::string& text) { value(std::string_view(text)); }
  void value(int64_t number);
  void value(int number) { value(static_cast<int64_t>(number)); }
  void value(uint64_t number);
  void value(double number);
  void value(bool flag);
  /// A number with exactly `decimals` digits after the point (decimals 0 writes an integer).
  void value_fixed(double number, int decimals);
  void null();
  /// Insert already-serialized JSON as one value. REQUIRES: `json` is one valid JSON value.
  void raw(std::string_view json);

  template <typename T>
  void field(std::string_view name, const T& v) {
    key(name);
    value(v);
  }

  /// True when every object and array opened has been closed.
  bool complete() const { return depth_ == 0; }

 private:
  void separate();
  void push(bool is_object);
  void pop();

  std::string& out_;
  // One bit per nesting level: whether the next element needs a leading comma.
  uint64_t need_comma_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

/// Append `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace fos
