// Iceberg v2 table metadata: the JSON document a catalog points at (schemas, partition
// specs, sort order, snapshots, snapshot and metadata logs, refs), written and parsed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lake/iceberg/types.hpp"

namespace fos::lake {

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;  ///< fully qualified path
  /// Ordered string map; "operation" first.
  std::vector<std::pair<std::string, std::string>> summary;
  int schema_id = 0;

  /// The summary value of `key`; nullopt when absent.
  std::optional<std::string> summary_value(std::string_view key) const;
  /// The summary value of `key` as an integer; 0 when absent or not a number.
  int64_t summary_count(std::string_view key) const;
};

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;
  std::string metadata_file;
};

/// A named reference other than `main` (a tag or another branch, usually another engine's),
/// kept as read so that rewriting the metadata does not drop it.
struct SnapshotRef {
  int64_t snapshot_id = 0;
  std::string json;  ///< the ref's object as read (type, retention settings)
  bool operator==(const SnapshotRef&) const = default;
};

/// A table or partition statistics file (Puffin) another engine registered for a snapshot,
/// kept as read; written back only while its snapshot exists.
struct StatisticsFile {
  int64_t snapshot_id = 0;
  std::string path;  ///< statistics-path
  std::string json;  ///< the entry's object as read
  bool operator==(const StatisticsFile&) const = default;
};

struct TableMetadata {
  std::string table_uuid;
  std::string location;  ///< "file:/abs/path"
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int last_column_id = 0;
  std::vector<IcebergSchema> schemas;
  int current_schema_id = 0;
  std::vector<PartitionSpec> specs;
  int default_spec_id = 0;
  int last_partition_id = kFirstPartitionFieldId - 1;
  std::vector<SortOrder> sort_orders = {SortOrder{}};
  int default_sort_order_id = 0;
  std::map<std::string, std::string> properties;
  std::optional<int64_t> current_snapshot_id;        ///< also the `main` ref
  std::map<std::string, SnapshotRef> refs;           ///< every ref but `main`
  std::vector<StatisticsFile> statistics;            ///< "statistics"
  std::vector<StatisticsFile> partition_statistics;  ///< "partition-statistics"
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;

  /// Throws Error{kInvalidInput} when the current schema or default spec is missing.
  const IcebergSchema& current_schema() const;
  const PartitionSpec& default_spec() const;
  /// Throws Error{kInvalidInput} when the default sort order is missing.
  const SortOrder& default_sort_order() const;
  /// The spec with id `id`; nullptr when absent.
  const PartitionSpec* spec(int id) const;
  /// The schema with id `id`; nullptr when absent.
  const IcebergSchema* schema(int id) const;
  /// nullptr when the table has no snapshot yet.
  const Snapshot* current_snapshot() const;
  /// The snapshot `id`; nullptr when absent.
  const Snapshot* snapshot(int64_t id) const;

  /// The metadata file text (format-version 2, refs.main = current snapshot).
  std::string to_json() const;
  /// Parse a metadata file. Throws Error{kInvalidInput} naming `what` and the key.
  static TableMetadata parse(std::string_view json, const std::string& what);
};

}  // namespace fos::lake
