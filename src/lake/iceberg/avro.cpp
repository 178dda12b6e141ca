// Avro object-container framing (write and read), binary encoding, and a generic decoder.
#include "lake/iceberg/avro.hpp"

#include <simdjson.h>
#include <zlib.h>

#include <bit>
#include <deque>
#include <memory>

#include "core/error.hpp"
#include "core/uuid.hpp"

namespace fos::lake {
namespace {

constexpr std::string_view kMagic("Obj\x01", 4);
constexpr size_t kSyncSize = 16;
constexpr size_t kBlockBytes = 1 << 20;

std::string deflate_raw(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    fail(ErrorKind::kInternal, "zlib deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) fail(ErrorKind::kInternal, "zlib deflate failed");
  return out;
}

std::string inflate_raw(std::string_view data, const std::string& what) {
  z_stream stream{};
  if (inflateInit2(&stream, -15) != Z_OK) fail(ErrorKind::kInternal, "zlib inflateInit2 failed");
  std::string out;
  std::string chunk(1 << 16, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&stream);
      fail(ErrorKind::kInvalidInput, what + ": corrupt deflate block");
    }
    out.append(chunk.data(), chunk.size() - stream.avail_out);
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;
  }
  inflateEnd(&stream);
  return out;
}

// ---- decoding ----

class Reader {
 public:
  Reader(std::string_view bytes, const std::string& what) : bytes_(bytes), what_(what) {}

  int64_t get_long() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const auto b = static_cast<uint8_t>(take(1)[0]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
    }
    fail(ErrorKind::kInvalidInput, what_ + ": malformed Avro varint");
  }
  std::string_view get_bytes() {
    const int64_t n = get_long();
    if (n < 0) fail(ErrorKind::kInvalidInput, what_ + ": negative Avro length");
    return take(static_cast<size_t>(n));
  }
  std::string_view take(size_t n) {
    if (n > bytes_.size() - pos_) fail(ErrorKind::kInvalidInput, what_ + ": truncated Avro data");
    std::string_view out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
  const std::string& what_;
};

struct Node {
  enum class Type {
    kNull,
    kBoolean,
    kInt,
    kLong,
    kFloat,
    kDouble,
    kBytes,
    kString,
    kRecord,
    kEnum,
    kArray,
    kMap,
    kUnion,
    kFixed
  };
  Type type = Type::kNull;
  std::vector<std::string> names;    // record field names, enum symbols
  std::vector<const Node*> members;  // record fields, union branches, array/map item
  size_t size = 0;                   // fixed
};

class SchemaParser {
 public:
  explicit SchemaParser(const std::string& what) : what_(what) {}

  const Node* parse(simdjson::dom::element json) {
    if (json.is_string()) return by_name(std::string(json.get_string().value()));
    if (json.is_array()) {
      Node& node = make(Node::Type::kUnion);
      for (simdjson::dom::element branch : json.get_array()) node.members.push_back(parse(branch));
      return &node;
    }
    if (!json.is_object()) bad("schema is neither a name, a union nor an object");
    std::string_view type;
    if (json["type"].get(type) != simdjson::SUCCESS) {
      return parse(json["type"].value());  // {"type": {...}} nests a schema
    }
    if (type == "record" || type == "error") return record(json);
    if (type == "enum") {
      Node& node = make(Node::Type::kEnum);
      for (simdjson::dom::element s : json["symbols"].get_array()) {
        node.names.emplace_back(s.get_string().value());
      }
      name(json, node);
      return &node;
    }
    if (type == "array" || type == "map") {
      Node& node = make(type == "array" ? Node::Type::kArray : Node::Type::kMap);
      node.members.push_back(parse(json[type == "array" ? "items" : "values"].value()));
      return &node;
    }
    if (type == "fixed") {
      Node& node = make(Node::Type::kFixed);
      node.size = static_cast<size_t>(json["size"].get_uint64().value());
      name(json, node);
      return &node;
    }
    return by_name(std::string(type));
  }

 private:
  const Node* record(simdjson::dom::element json) {
    Node& node = make(Node::Type::kRecord);
    name(json, node);
    for (simdjson::dom::element field : json["fields"].get_array()) {
      node.names.emplace_back(field["name"].get_string().value());
      node.members.push_back(parse(field["type"].value()));
    }
    return &node;
  }
  void name(simdjson::dom::element json, const Node& node) {
    std::string_view n;
    if (json["name"].get(n) == simdjson::SUCCESS) named_[std::string(n)] = &node;
  }
  const Node* by_name(const std::string& n) {
    static const std::map<std::string, Node::Type> kPrimitive = {
        {"null", Node::Type::kNull},   {"boolean", Node::Type::kBoolean},
        {"int", Node::Type::kInt},     {"long", Node::Type::kLong},
        {"float", Node::Type::kFloat}, {"double", Node::Type::kDouble},
        {"bytes", Node::Type::kBytes}, {"string", Node::Type::kString}};
    if (auto it = kPrimitive.find(n); it != kPrimitive.end()) return &make(it->second);
    if (auto it = named_.find(n); it != named_.end()) return it->second;
    bad("unknown type '" + n + "'");
  }
  Node& make(Node::Type type) {
    nodes_.emplace_back();
    nodes_.back().type = type;
    return nodes_.back();
  }
  [[noreturn]] void bad(const std::string& message) const {
    fail(ErrorKind::kInvalidInput, what_ + ": Avro schema: " + message);
  }

  const std::string& what_;
  std::deque<Node> nodes_;
  std::map<std::string, const Node*> named_;
};

AvroDatum decode(const Node& node, Reader& in, int depth) {
  if (depth > 64) fail(ErrorKind::kInvalidInput, "Avro value nested too deeply");
  AvroDatum out;
  switch (node.type) {
    case Node::Type::kNull:
      return out;
    case Node::Type::kBoolean:
      out.kind = AvroDatum::Kind::kBool;
      out.boolean = in.take(1)[0] != 0;
      return out;
    case Node::Type::kInt:
    case Node::Type::kLong:
      out.kind = AvroDatum::Kind::kLong;
      out.number = in.get_long();
      return out;
    case Node::Type::kFloat: {
      out.kind = AvroDatum::Kind::kDouble;
      uint32_t bits = 0;
      for (char c : in.take(4)) bits = (bits >> 8) | (static_cast<uint32_t>(uint8_t(c)) << 24);
      out.real = std::bit_cast<float>(bits);
      return out;
    }
    case Node::Type::kDouble: {
      out.kind = AvroDatum::Kind::kDouble;
      uint64_t bits = 0;
      for (char c : in.take(8)) bits = (bits >> 8) | (static_cast<uint64_t>(uint8_t(c)) << 56);
      out.real = std::bit_cast<double>(bits);
      return out;
    }
    case Node::Type::kBytes:
    case Node::Type::kString:
      out.kind = AvroDatum::Kind::kBytes;
      out.bytes = std::string(in.get_bytes());
      return out;
    case Node::Type::kFixed:
      out.kind = AvroDatum::Kind::kBytes;
      out.bytes = std::string(in.take(node.size));
      return out;
    case Node::Type::kEnum: {
      out.kind = AvroDatum::Kind::kBytes;
      out.number = in.get_long();
      if (out.number < 0 || static_cast<size_t>(out.number) >= node.names.size()) {
        fail(ErrorKind::kInvalidInput, "Avro enum index out of range");
      }
      out.bytes = node.names[static_cast<size_t>(out.number)];
      return out;
    }
    case Node::Type::kRecord:
      out.kind = AvroDatum::Kind::kRecord;
      out.names = node.names;
      for (const Node* field : node.members) out.items.push_back(decode(*field, in, depth + 1));
      return out;
    case Node::Type::kUnion: {
      const int64_t branch = in.get_long();
      if (branch < 0 || static_cast<size_t>(branch) >= node.members.size()) {
        fail(ErrorKind::kInvalidInput, "Avro union branch out of range");
      }
      return decode(*node.members[static_cast<size_t>(branch)], in, depth + 1);
    }
    case Node::Type::kArray:
    case Node::Type::kMap: {
      out.kind = node.type == Node::Type::kArray ? AvroDatum::Kind::kArray : AvroDatum::Kind::kMap;
      for (int64_t count = in.get_long(); count != 0; count = in.get_long()) {
        if (count < 0) {
          count = -count;
          in.get_long();  // block byte size
        }
        for (int64_t i = 0; i < count; ++i) {
          if (out.kind == AvroDatum::Kind::kMap) out.names.emplace_back(in.get_bytes());
          out.items.push_back(decode(*node.members[0], in, depth + 1));
        }
      }
      return out;
    }
  }
  return out;
}

}  // namespace

// ---- encoder ----

void AvroEncoder::put_long(int64_t value) {
  auto v = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void AvroEncoder::put_float(float value) {
  const auto bits = std::bit_cast<uint32_t>(value);
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

void AvroEncoder::put_double(double value) {
  const auto bits = std::bit_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

void AvroEncoder::put_bytes(std::string_view bytes) {
  put_long(static_cast<int64_t>(bytes.size()));
  out_.append(bytes);
}

// ---- container writer ----

AvroFileWriter::AvroFileWriter(std::string schema_json,
                               std::vector<std::pair<std::string, std::string>> metadata,
                               AvroCodec codec)
    : codec_(codec) {
  metadata.emplace(metadata.begin(), "avro.codec",
                   codec == AvroCodec::kDeflate ? "deflate" : "null");
  metadata.emplace(metadata.begin(), "avro.schema", std::move(schema_json));
  // The sync marker only has to be unlikely inside the data; derive it from the header so
  // the same content gives the same bytes.
  std::string header_text;
  AvroEncoder header;
  header.put_block_count(static_cast<int64_t>(metadata.size()));
  for (const auto& [key, value] : metadata) {
    header.put_string(key);
    header.put_bytes(value);
    header_text.append(key).append(1, '\n').append(value).append(1, '\n');
  }
  header.put_block_count(0);
  const Sha1Digest digest = sha1(header_text);
  sync_.assign(reinterpret_cast<const char*>(digest.data()), kSyncSize);
  out_.append(kMagic);
  out_.append(header.bytes());
  out_.append(sync_);
}

void AvroFileWriter::end_record() {
  ++block_records_;
  if (block_.bytes().size() >= kBlockBytes) flush_block();
}

void AvroFileWriter::flush_block() {
  if (block_records_ == 0) return;
  const std::string data =
      codec_ == AvroCodec::kDeflate ? deflate_raw(block_.bytes()) : block_.bytes();
  AvroEncoder prefix;
  prefix.put_long(block_records_);
  prefix.put_long(static_cast<int64_t>(data.size()));
  out_.append(prefix.bytes());
  out_.append(data);
  out_.append(sync_);
  block_.clear();
  block_records_ = 0;
}

std::string AvroFileWriter::finish() {
  flush_block();
  return std::move(out_);
}

// ---- reader ----

const AvroDatum* AvroDatum::get(std::string_view name) const {
  if (kind != Kind::kRecord) return nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return &items[i];
  }
  return nullptr;
}

std::string AvroFile::meta(const std::string& key) const {
  auto it = metadata.find(key);
  return it == metadata.end() ? std::string() : it->second;
}

AvroFile read_avro_file(std::string_view bytes, const std::string& what) {
  Reader in(bytes, what);
  if (bytes.size() < kMagic.size() || in.take(kMagic.size()) != kMagic) {
    fail(ErrorKind::kInvalidInput, what + ": not an Avro file (bad magic)");
  }
  AvroFile file;
  for (int64_t count = in.get_long(); count != 0; count = in.get_long()) {
    if (count < 0) {
      count = -count;
      in.get_long();
    }
    for (int64_t i = 0; i < count; ++i) {
      std::string key(in.get_bytes());
      std::string value(in.get_bytes());
      if (key == "avro.schema") {
        file.schema_json = std::move(value);
      } else {
        file.metadata[key] = std::move(value);
      }
    }
  }
  const std::string sync(in.take(kSyncSize));
  const std::string codec = file.meta("avro.codec");
  if (!codec.empty() && codec != "null" && codec != "deflate") {
    fail(ErrorKind::kInvalidInput, what + ": unsupported Avro codec '" + codec + "'");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element schema_json;
  if (parser.parse(file.schema_json).get(schema_json) != simdjson::SUCCESS) {
    fail(ErrorKind::kInvalidInput, what + ": avro.schema is not valid JSON");
  }
  SchemaParser schema_parser(what);
  const Node* root = nullptr;
  try {
    root = schema_parser.parse(schema_json);
  } catch (const simdjson::simdjson_error& e) {
    fail(ErrorKind::kInvalidInput, what + ": Avro schema: " + e.what());
  }
  while (!in.at_end()) {
    const int64_t count = in.get_long();
    const std::string_view raw = in.get_bytes();
    if (in.take(kSyncSize) != sync) fail(ErrorKind::kInvalidInput, what + ": bad sync marker");
    const std::string data = codec == "deflate" ? inflate_raw(raw, what) : std::string(raw);
    Reader block(data, what);
    for (int64_t i = 0; i < count; ++i) file.records.push_back(decode(*root, block, 0));
    if (!block.at_end()) fail(ErrorKind::kInvalidInput, what + ": trailing bytes in Avro block");
  }
  return file;
}

}  // namespace fos::lake
