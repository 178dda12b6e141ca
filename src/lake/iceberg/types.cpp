// Iceberg types, schema and partition-spec JSON, Appendix D value encoding, transforms.
#include "lake/iceberg/types.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/json_writer.hpp"

namespace fos::lake {
namespace {

struct TypeName {
  IcebergType type;
  std::string_view iceberg;
  std::string_view duckdb;
};

constexpr std::array<TypeName, 10> kTypeNames = {{
    {IcebergType::kBoolean, "boolean", "BOOLEAN"},
    {IcebergType::kInt, "int", "INTEGER"},
    {IcebergType::kLong, "long", "BIGINT"},
    {IcebergType::kFloat, "float", "FLOAT"},
    {IcebergType::kDouble, "double", "DOUBLE"},
    {IcebergType::kDate, "date", "DATE"},
    {IcebergType::kTimestamp, "timestamp", "TIMESTAMP"},
    {IcebergType::kTimestamptz, "timestamptz", "TIMESTAMPTZ"},
    {IcebergType::kString, "string", "VARCHAR"},
    {IcebergType::kBinary, "binary", "BLOB"},
}};

const TypeName& type_name(IcebergType type) {
  for (const TypeName& t : kTypeNames) {
    if (t.type == type) return t;
  }
  fail(ErrorKind::kInternal, "unknown Iceberg type");
}

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

int64_t as_integer(const Value& value) {
  if (const auto* v = std::get_if<int32_t>(&value)) return *v;
  if (const auto* v = std::get_if<int64_t>(&value)) return *v;
  if (const auto* v = std::get_if<bool>(&value)) return *v ? 1 : 0;
  fail(ErrorKind::kInternal, "Iceberg value is not an integer");
}

double as_double(const Value& value) {
  if (const auto* v = std::get_if<double>(&value)) return *v;
  return static_cast<double>(as_integer(value));
}

template <typename T>
void append_le(std::string& out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) {
    out.push_back(static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xff));
  }
}

uint64_t read_le(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
  }
  return v;
}

// Days since the epoch of a date (int days) or timestamp (micros) value.
int64_t days_of(IcebergType source, const Value& value) {
  const int64_t v = as_integer(value);
  if (source == IcebergType::kDate) return v;
  return v >= 0 ? v / kMicrosPerDay : -((-v + kMicrosPerDay - 1) / kMicrosPerDay);
}

uint32_t rotl32(uint32_t x, int r) {
  return (x << r) | (x >> (32 - r));
}

}  // namespace

std::string_view to_string(IcebergType type) {
  return type_name(type).iceberg;
}

std::optional<IcebergType> parse_iceberg_type(std::string_view text) {
  for (const TypeName& t : kTypeNames) {
    if (t.iceberg == text) return t.type;
  }
  return std::nullopt;
}

std::string_view duckdb_type(IcebergType type) {
  return type_name(type).duckdb;
}

int32_t epoch_days(int year, int month, int day) {
  return Date::from_civil(year, month, day).days();
}

// ---- schema and partition spec ----

const IcebergField* IcebergSchema::find(std::string_view name) const {
  for (const IcebergField& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const IcebergField* IcebergSchema::find(int id) const {
  for (const IcebergField& f : fields) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

int IcebergSchema::max_field_id() const {
  int max = 0;
  for (const IcebergField& f : fields) max = std::max(max, f.id);
  return max;
}

std::string IcebergSchema::to_json() const {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.field("type", "struct");
  json.field("schema-id", schema_id);
  json.key("fields");
  json.begin_array();
  for (const IcebergField& f : fields) {
    json.begin_object();
    json.field("id", f.id);
    json.field("name", f.name);
    json.field("required", f.required);
    json.field("type", to_string(f.type));
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return out;
}

std::string Transform::str() const {
  switch (kind) {
    case TransformKind::kIdentity:
      return "identity";
    case TransformKind::kYear:
      return "year";
    case TransformKind::kMonth:
      return "month";
    case TransformKind::kDay:
      return "day";
    case TransformKind::kBucket:
      return "bucket[" + std::to_string(buckets) + "]";
    case TransformKind::kVoid:
      return "void";
  }
  return "void";
}

std::optional<Transform> Transform::parse(std::string_view text) {
  for (TransformKind kind : {TransformKind::kIdentity, TransformKind::kYear, TransformKind::kMonth,
                             TransformKind::kDay, TransformKind::kVoid}) {
    if (Transform{kind}.str() == text) return Transform{kind};
  }
  constexpr std::string_view kBucket = "bucket[";
  if (text.starts_with(kBucket) && text.ends_with("]")) {
    const std::string_view digits = text.substr(kBucket.size(), text.size() - kBucket.size() - 1);
    int n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9' || n > 100000000) return std::nullopt;
      n = n * 10 + (c - '0');
    }
    if (digits.empty() || n <= 0) return std::nullopt;
    return Transform{TransformKind::kBucket, n};
  }
  return std::nullopt;
}

IcebergType Transform::result_type(IcebergType source) const {
  switch (kind) {
    case TransformKind::kIdentity:
    case TransformKind::kVoid:
      return source;
    case TransformKind::kDay:
      return IcebergType::kDate;
    case TransformKind::kYear:
    case TransformKind::kMonth:
    case TransformKind::kBucket:
      return IcebergType::kInt;
  }
  return source;
}

std::string PartitionSpec::fields_json() const {
  std::string out;
  JsonWriter json(out);
  json.begin_array();
  for (const PartitionField& f : fields) {
    json.begin_object();
    json.field("name", f.name);
    json.field("transform", f.transform.str());
    json.field("source-id", f.source_id);
    json.field("field-id", f.field_id);
    json.end_object();
  }
  json.end_array();
  return out;
}

std::string PartitionSpec::to_json() const {
  return "{\"spec-id\":" + std::to_string(spec_id) + ",\"fields\":" + fields_json() + "}";
}

std::string SortOrder::to_json() const {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.field("order-id", order_id);
  json.key("fields");
  json.begin_array();
  for (const SortField& f : fields) {
    json.begin_object();
    json.field("transform", f.transform);
    json.field("source-id", f.source_id);
    json.field("direction", f.descending ? "desc" : "asc");
    json.field("null-order", f.nulls_first ? "nulls-first" : "nulls-last");
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return out;
}

// ---- Appendix D ----

std::string encode_single_value(IcebergType type, const Value& value) {
  std::string out;
  switch (type) {
    case IcebergType::kBoolean:
      out.push_back(as_integer(value) != 0 ? '\x01' : '\x00');
      return out;
    case IcebergType::kInt:
    case IcebergType::kDate:
      append_le(out, static_cast<uint32_t>(as_integer(value)));
      return out;
    case IcebergType::kLong:
    case IcebergType::kTimestamp:
    case IcebergType::kTimestamptz:
      append_le(out, static_cast<uint64_t>(as_integer(value)));
      return out;
    case IcebergType::kFloat:
      append_le(out, std::bit_cast<uint32_t>(static_cast<float>(as_double(value))));
      return out;
    case IcebergType::kDouble:
      append_le(out, std::bit_cast<uint64_t>(as_double(value)));
      return out;
    case IcebergType::kString:
    case IcebergType::kBinary:
      if (const auto* s = std::get_if<std::string>(&value)) return *s;
      fail(ErrorKind::kInternal, "Iceberg string value expected");
  }
  return out;
}

std::optional<Value> decode_single_value(IcebergType type, std::string_view bytes) {
  switch (type) {
    case IcebergType::kBoolean:
      if (bytes.size() != 1) return std::nullopt;
      return Value(bytes[0] != 0);
    case IcebergType::kInt:
    case IcebergType::kDate:
      if (bytes.size() != 4) return std::nullopt;
      return Value(static_cast<int32_t>(static_cast<uint32_t>(read_le(bytes))));
    case IcebergType::kLong:
    case IcebergType::kTimestamp:
    case IcebergType::kTimestamptz:
      if (bytes.size() != 8) return std::nullopt;
      return Value(static_cast<int64_t>(read_le(bytes)));
    case IcebergType::kFloat:
      if (bytes.size() != 4) return std::nullopt;
      return Value(
          static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(read_le(bytes)))));
    case IcebergType::kDouble:
      if (bytes.size() != 8) return std::nullopt;
      return Value(std::bit_cast<double>(read_le(bytes)));
    case IcebergType::kString:
    case IcebergType::kBinary:
      return Value(std::string(bytes));
  }
  return std::nullopt;
}

// ---- hashing and transforms ----

int32_t murmur3_32(std::span<const uint8_t> bytes) {
  constexpr uint32_t kC1 = 0xcc9e2d51;
  constexpr uint32_t kC2 = 0x1b873593;
  uint32_t h = 0;
  const size_t blocks = bytes.size() / 4;
  for (size_t i = 0; i < blocks; ++i) {
    uint32_t k = static_cast<uint32_t>(bytes[4 * i]) |
                 (static_cast<uint32_t>(bytes[4 * i + 1]) << 8) |
                 (static_cast<uint32_t>(bytes[4 * i + 2]) << 16) |
                 (static_cast<uint32_t>(bytes[4 * i + 3]) << 24);
    k = rotl32(k * kC1, 15) * kC2;
    h = rotl32(h ^ k, 13) * 5 + 0xe6546b64;
  }
  uint32_t tail = 0;
  const size_t rest = bytes.size() % 4;
  for (size_t i = rest; i > 0; --i) {
    tail = (tail << 8) | bytes[4 * blocks + i - 1];
  }
  if (rest > 0) h ^= rotl32(tail * kC1, 15) * kC2;
  h ^= static_cast<uint32_t>(bytes.size());
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return static_cast<int32_t>(h);
}

int32_t iceberg_hash(IcebergType type, const Value& value) {
  switch (type) {
    case IcebergType::kInt:
    case IcebergType::kLong:
    case IcebergType::kDate:
    case IcebergType::kTimestamp:
    case IcebergType::kTimestamptz: {
      std::array<uint8_t, 8> le{};
      const auto v = static_cast<uint64_t>(as_integer(value));
      for (size_t i = 0; i < 8; ++i) le[i] = static_cast<uint8_t>(v >> (8 * i));
      return murmur3_32(le);
    }
    case IcebergType::kString:
    case IcebergType::kBinary: {
      const auto& s = std::get<std::string>(value);
      return murmur3_32(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
    }
    case IcebergType::kBoolean:
    case IcebergType::kFloat:
    case IcebergType::kDouble:
      break;
  }
  fail(ErrorKind::kInvalidInput,
       "bucket transform: type " + std::string(to_string(type)) + " cannot be bucketed");
}

Value apply_transform(const Transform& transform, IcebergType source, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return value;
  switch (transform.kind) {
    case TransformKind::kIdentity:
      return value;
    case TransformKind::kVoid:
      return std::monostate{};
    case TransformKind::kDay:
      return static_cast<int32_t>(days_of(source, value));
    case TransformKind::kYear: {
      const CivilDate civil = Date(static_cast<int32_t>(days_of(source, value))).civil();
      return static_cast<int32_t>(civil.year - 1970);
    }
    case TransformKind::kMonth: {
      const CivilDate civil = Date(static_cast<int32_t>(days_of(source, value))).civil();
      return static_cast<int32_t>((civil.year - 1970) * 12 + civil.month - 1);
    }
    case TransformKind::kBucket: {
      const int32_t hash = iceberg_hash(source, value);
      return static_cast<int32_t>((hash & 0x7fffffff) % transform.buckets);
    }
  }
  return std::monostate{};
}

}  // namespace fos::lake
