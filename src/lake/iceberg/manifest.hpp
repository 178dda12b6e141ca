// Iceberg v2 manifests (Avro, root record manifest_entry) and manifest lists (Avro, root
// record manifest_file), with the field ids, record names and key-value metadata the spec
// and Java readers require.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lake/iceberg/types.hpp"

namespace fos::lake {

struct ColumnStats {
  int64_t value_count = 0;  ///< including nulls and NaNs
  int64_t null_count = 0;
  std::optional<int64_t> nan_count;  ///< float/double columns only
  std::optional<std::string> lower;  ///< Appendix D bytes
  std::optional<std::string> upper;
  bool operator==(const ColumnStats&) const = default;
};

struct DataFile {
  int content = 0;   ///< 0 data, 1 position deletes, 2 equality deletes
  std::string path;  ///< fully qualified ("file:/...")
  std::string format = "PARQUET";
  std::vector<Value> partition;  ///< one value per partition-spec field
  int64_t record_count = 0;
  int64_t file_size = 0;
  std::map<int, ColumnStats> stats;      ///< by field id
  std::optional<int> sort_order_id = 0;  ///< 0: unsorted; null when a manifest left it out
  bool operator==(const DataFile&) const = default;
};

enum class EntryStatus { kExisting = 0, kAdded = 1, kDeleted = 2 };

struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;  ///< null: inherited from the manifest list
  std::optional<int64_t> file_sequence_number;
  DataFile file;
  bool operator==(const ManifestEntry&) const = default;
};

struct PartitionSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower;
  std::optional<std::string> upper;
  bool operator==(const PartitionSummary&) const = default;
};

/// One row of a manifest list.
struct ManifestFile {
  std::string path;
  int64_t length = 0;
  int spec_id = 0;
  int content = 0;  ///< 0 data, 1 deletes
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files = 0;
  int32_t existing_files = 0;
  int32_t deleted_files = 0;
  int64_t added_rows = 0;
  int64_t existing_rows = 0;
  int64_t deleted_rows = 0;
  std::optional<std::vector<PartitionSummary>> partitions;
  bool operator==(const ManifestFile&) const = default;
};

/// The bytes of a data manifest holding `entries` written under `schema` and `spec`.
std::string write_manifest(const IcebergSchema& schema, const PartitionSpec& spec,
                           const std::vector<ManifestEntry>& entries);

/// The manifest-list row for a manifest just written: counts, partition summaries; the
/// sequence numbers are those of the snapshot `sequence_number` that adds it.
ManifestFile describe_manifest(const std::string& path, int64_t length, const IcebergSchema& schema,
                               const PartitionSpec& spec, const std::vector<ManifestEntry>& entries,
                               int64_t snapshot_id, int64_t sequence_number);

/// The bytes of a manifest list.
std::string write_manifest_list(int64_t snapshot_id, std::optional<int64_t> parent_snapshot_id,
                                int64_t sequence_number,
                                const std::vector<ManifestFile>& manifests);

/// Decode a manifest list; `what` names the file in errors.
std::vector<ManifestFile> read_manifest_list(std::string_view bytes, const std::string& what);

/// Decode a manifest's entries. Partition values come back as int64 (ints, dates, longs),
/// double, bool or string.
std::vector<ManifestEntry> read_manifest(std::string_view bytes, const std::string& what);

}  // namespace fos::lake
