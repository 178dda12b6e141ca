// A writer of the Thrift compact protocol, the encoding of Parquet's page headers and footer.
//
// Only what Parquet's metadata needs: structs, lists, i32/i64, bool and binary fields. The
// caller writes fields in increasing id order; nested structs (fields or list elements) each
// keep their own last field id, as the protocol's delta encoding requires.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fos::lake::thrift {

/// Compact protocol type ids.
enum class Type : uint8_t {
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Append `value` as an unsigned LEB128 varint.
void put_varint(std::string& out, uint64_t value);

class Writer {
 public:
  /// Appends to `out`, starting a top-level struct.
  explicit Writer(std::string& out) : out_(out) { last_.push_back(0); }

  void i32(int16_t id, int32_t value);
  void i64(int16_t id, int64_t value);
  void boolean(int16_t id, bool value);
  void binary(int16_t id, std::string_view value);
  /// A struct field: write its fields, then end_struct().
  void begin_struct(int16_t id);
  /// A list field of `size` elements of `element` type; then write the elements.
  void begin_list(int16_t id, Type element, size_t size);
  /// List elements.
  void element_i32(int32_t value);
  void element_binary(std::string_view value);
  /// A struct element of a list: write its fields, then end_struct().
  void begin_element_struct() { last_.push_back(0); }
  /// End the innermost struct (a field, an element, or the top-level one).
  void end_struct();

 private:
  void field(int16_t id, Type type);

  std::string& out_;
  std::vector<int16_t> last_;  // the last field id written, per open struct
};

}  // namespace fos::lake::thrift
