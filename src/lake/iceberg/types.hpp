// Iceberg v2 schema vocabulary: primitive types, fields, schemas, partition specs and
// transforms, partition values, the single-value binary encoding of Appendix D and the
// Murmur3 hash behind bucket[N].
//
// Only the primitive types fos writes are modelled (no decimal, uuid, fixed, time or
// nested types): every column of the OMOP CDM and of the flattened FHIR views fits.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fos::lake {

enum class IcebergType {
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kDate,
  kTimestamp,    ///< microseconds, no time zone
  kTimestamptz,  ///< microseconds, UTC
  kString,
  kBinary,
};

/// The spec's type string: "int", "timestamptz", ...
std::string_view to_string(IcebergType type);
/// Parse a type string; nullopt for types fos does not model.
std::optional<IcebergType> parse_iceberg_type(std::string_view text);
/// The DuckDB type a column of this type is written as.
std::string_view duckdb_type(IcebergType type);

struct IcebergField {
  int id = 0;
  std::string name;
  IcebergType type = IcebergType::kString;
  bool required = false;
  auto operator<=>(const IcebergField&) const = default;
};

struct IcebergSchema {
  int schema_id = 0;
  std::vector<IcebergField> fields;

  /// The field named `name`; nullptr when absent.
  const IcebergField* find(std::string_view name) const;
  /// The field with id `id`; nullptr when absent.
  const IcebergField* find(int id) const;
  /// Largest field id (0 when empty).
  int max_field_id() const;
  /// The schema as Iceberg's JSON struct (with "schema-id").
  std::string to_json() const;
  bool operator==(const IcebergSchema&) const = default;
};

enum class TransformKind { kIdentity, kYear, kMonth, kDay, kBucket, kVoid };

struct Transform {
  TransformKind kind = TransformKind::kIdentity;
  int buckets = 0;  ///< N of bucket[N]

  /// "identity", "year", "bucket[16]", ...
  std::string str() const;
  /// Parse a transform string; nullopt for unknown transforms (truncate, hour, ...).
  static std::optional<Transform> parse(std::string_view text);
  /// The result type of the transform applied to `source`.
  IcebergType result_type(IcebergType source) const;
  bool operator==(const Transform&) const = default;
};

struct PartitionField {
  int source_id = 0;
  int field_id = 1000;
  std::string name;
  Transform transform;
  bool operator==(const PartitionField&) const = default;
};

inline constexpr int kFirstPartitionFieldId = 1000;

struct PartitionSpec {
  int spec_id = 0;
  std::vector<PartitionField> fields;

  /// {"spec-id":..,"fields":[...]}.
  std::string to_json() const;
  /// Just the fields array, as manifests store it under "partition-spec".
  std::string fields_json() const;
  bool operator==(const PartitionSpec&) const = default;
};

/// One field of a sort order. The transform is kept as written ("identity", "bucket[16]",
/// "truncate[4]", ...), so an order fos cannot apply survives a rewrite of the metadata.
struct SortField {
  std::string transform = "identity";
  int source_id = 0;
  bool descending = false;
  bool nulls_first = true;
  bool operator==(const SortField&) const = default;
};

/// A table sort order; order id 0 with no fields is the unsorted order every table has.
struct SortOrder {
  int order_id = 0;
  std::vector<SortField> fields;

  /// {"order-id":..,"fields":[{"transform","source-id","direction","null-order"}...]}.
  std::string to_json() const;
  bool operator==(const SortOrder&) const = default;
};

/// One typed value: null, boolean, 32/64-bit integer (dates are days, timestamps micros),
/// double, or string/binary bytes.
using Value = std::variant<std::monostate, bool, int32_t, int64_t, double, std::string>;

/// Appendix D single-value serialization of a non-null value of `type`.
/// Throws Error{kInternal} when the value does not fit the type.
std::string encode_single_value(IcebergType type, const Value& value);
/// Decode Appendix D bytes of `type`; nullopt when the byte count is wrong.
std::optional<Value> decode_single_value(IcebergType type, std::string_view bytes);

/// MurmurHash3 x86 32-bit, seed 0, as Iceberg's bucket transform uses it.
int32_t murmur3_32(std::span<const uint8_t> bytes);
/// Iceberg's hash of a value of `type` (ints and longs hash as 8-byte little-endian longs).
int32_t iceberg_hash(IcebergType type, const Value& value);
/// Apply `transform` to `value` of type `source`; null stays null.
Value apply_transform(const Transform& transform, IcebergType source, const Value& value);

/// Days since 1970-01-01 of a civil date.
int32_t epoch_days(int year, int month, int day);

}  // namespace fos::lake
