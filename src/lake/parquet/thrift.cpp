// Thrift compact protocol: zigzag varints, delta-encoded field headers, short list headers.
#include "lake/parquet/thrift.hpp"

namespace fos::lake::thrift {
namespace {

uint64_t zigzag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

}  // namespace

void put_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void Writer::field(int16_t id, Type type) {
  const int delta = id - last_.back();
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    put_varint(out_, zigzag(id));
  }
  last_.back() = id;
}

void Writer::i32(int16_t id, int32_t value) {
  field(id, Type::kI32);
  put_varint(out_, zigzag(value));
}

void Writer::i64(int16_t id, int64_t value) {
  field(id, Type::kI64);
  put_varint(out_, zigzag(value));
}

void Writer::boolean(int16_t id, bool value) {
  field(id, value ? Type::kTrue : Type::kFalse);
}

void Writer::binary(int16_t id, std::string_view value) {
  field(id, Type::kBinary);
  put_varint(out_, value.size());
  out_.append(value);
}

void Writer::begin_struct(int16_t id) {
  field(id, Type::kStruct);
  last_.push_back(0);
}

void Writer::begin_list(int16_t id, Type element, size_t size) {
  field(id, Type::kList);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<size_t>(element)));
    return;
  }
  out_.push_back(static_cast<char>(0xF0 | static_cast<int>(element)));
  put_varint(out_, size);
}

void Writer::element_i32(int32_t value) {
  put_varint(out_, zigzag(value));
}

void Writer::element_binary(std::string_view value) {
  put_varint(out_, value.size());
  out_.append(value);
}

void Writer::end_struct() {
  out_.push_back(0);  // STOP
  last_.pop_back();
}

}  // namespace fos::lake::thrift
