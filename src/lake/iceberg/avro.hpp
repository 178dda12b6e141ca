// Avro binary encoding and the Avro object-container file format, written and read by fos.
//
// Iceberg needs two things libavro's file writer cannot give: the writer schema stored
// verbatim (with "field-id" attributes) and user key-value metadata in the file header
// (docs/decisions/0006-own-avro-framing.md). So fos frames the container itself: magic
// "Obj\1", a header map (avro.schema, avro.codec, caller metadata), a 16-byte sync marker,
// then blocks of (count, byte size, data, sync), with the null or deflate codec.
// Records are encoded by hand with AvroEncoder in schema field order.
//
// The reader decodes any container with the null or deflate codec against its own
// writer schema into a generic AvroDatum tree (records, arrays, maps, unions resolved).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fos::lake {

/// Appends Avro binary encodings to a byte string.
class AvroEncoder {
 public:
  void put_bool(bool value) { out_.push_back(value ? '\x01' : '\x00'); }
  void put_int(int32_t value) { put_long(value); }
  void put_long(int64_t value);
  void put_float(float value);
  void put_double(double value);
  void put_bytes(std::string_view bytes);
  void put_string(std::string_view text) { put_bytes(text); }
  /// The branch index of a union; the branch's value follows.
  void put_union(int64_t branch) { put_long(branch); }
  /// Start an array (or map) block of `count` items; count 0 ends the array.
  void put_block_count(int64_t count) { put_long(count); }

  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }
  void clear() { out_.clear(); }

 private:
  std::string out_;
};

enum class AvroCodec { kNull, kDeflate };

/// Builds one Avro object-container file in memory.
class AvroFileWriter {
 public:
  /// `schema_json` is stored verbatim as avro.schema; `metadata` in the given order after it.
  AvroFileWriter(std::string schema_json, std::vector<std::pair<std::string, std::string>> metadata,
                 AvroCodec codec = AvroCodec::kDeflate);

  /// The encoder for the next record; call end_record() when it is complete.
  AvroEncoder& begin_record() { return block_; }
  void end_record();
  /// The whole file's bytes. The writer is spent afterwards.
  std::string finish();

 private:
  void flush_block();

  std::string out_;
  std::string sync_;
  AvroCodec codec_;
  AvroEncoder block_;
  int64_t block_records_ = 0;
};

/// A decoded Avro value. Records keep field names in `names`; maps keep keys there.
struct AvroDatum {
  enum class Kind { kNull, kBool, kLong, kDouble, kBytes, kRecord, kArray, kMap };
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t number = 0;  ///< int, long, enum index
  double real = 0;     ///< float, double
  std::string bytes;   ///< bytes, string, fixed, enum symbol
  std::vector<std::string> names;
  std::vector<AvroDatum> items;

  bool is_null() const { return kind == Kind::kNull; }
  /// The record field `name`; nullptr when absent.
  const AvroDatum* get(std::string_view name) const;
};

struct AvroFile {
  std::string schema_json;
  std::map<std::string, std::string> metadata;  ///< every header key but avro.schema
  std::vector<AvroDatum> records;

  /// The header value of `key`; empty when absent.
  std::string meta(const std::string& key) const;
};

/// Decode a whole container file. `what` names it in errors (Error{kInvalidInput}).
AvroFile read_avro_file(std::string_view bytes, const std::string& what);

}  // namespace fos::lake
