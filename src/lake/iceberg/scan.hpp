// Reading any Iceberg v1/v2 table, whoever wrote it (fos, Spark, Iceberg Java, Athena): find
// its current metadata file, plan a snapshot's files from the manifest list and manifests (fos's
// own Avro reader), and build DuckDB SQL that reads the Parquet data files by field id (so
// renamed and added columns read right) and applies position and equality deletes.
//
// The metadata is parsed leniently (any primitive type, v1 "schema"/"manifests" forms), unlike
// TableMetadata, which only models what fos writes. Nested columns are refused with a clear
// error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fos::lake {

struct ScanColumn {
  int id = 0;
  std::string name;
  std::string iceberg_type;  ///< as written: "long", "decimal(10, 2)", ...
  std::string duckdb_type;   ///< "BIGINT", "DECIMAL(10,2)", ...
};

struct ScanSnapshot {
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;  ///< 0 for v1 tables
  int64_t timestamp_ms = 0;
  std::optional<int> schema_id;
  std::string manifest_list;           ///< empty for v1 snapshots that list manifests inline
  std::vector<std::string> manifests;  ///< v1 "manifests"
};

/// One live file of a snapshot, as the manifests describe it.
struct ScanFile {
  int content = 0;   ///< 0 data, 1 position deletes, 2 equality deletes
  std::string path;  ///< as written in the manifest
  std::filesystem::path local;
  std::string format;
  int64_t sequence_number = 0;  ///< the data sequence number (inherited when null)
  int64_t record_count = 0;
  int spec_id = 0;
  std::string partition_key;  ///< the partition tuple encoded for comparison; "" if none
  std::vector<int> equality_ids;
};

class ReadableTable {
 public:
  /// Open the table whose metadata/ folder is under `dir`: version-hint.text (then probing
  /// vN+1...), else the highest vN.metadata.json, else the highest NNNNN-<uuid>.metadata.json.
  /// Throws Error{kInvalidInput} naming the file and key when there is no table or it is corrupt.
  static ReadableTable open(const std::filesystem::path& dir);
  /// Open the table in `dir` at the metadata file `metadata_file` (a catalog's pointer).
  static ReadableTable open_file(const std::filesystem::path& dir,
                                 const std::filesystem::path& metadata_file);

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& metadata_file() const { return metadata_file_; }
  int format_version() const { return format_version_; }
  const std::string& location() const { return location_; }
  std::optional<int64_t> current_snapshot_id() const { return current_snapshot_id_; }
  const std::vector<ScanSnapshot>& snapshots() const { return snapshots_; }
  const ScanSnapshot* snapshot(int64_t id) const;
  /// The snapshot current at `timestamp_ms` (from the snapshot log, else snapshot times).
  std::optional<int64_t> snapshot_at(int64_t timestamp_ms) const;
  /// The columns of schema `schema_id` (nullopt: the current schema). Throws for nested types.
  const std::vector<ScanColumn>& columns(std::optional<int> schema_id = std::nullopt) const;

  /// The live data and delete files of `snapshot_id`.
  std::vector<ScanFile> plan(int64_t snapshot_id) const;
  /// SQL selecting the rows of `snapshot_id` (nullopt: an empty result with the current
  /// columns), reading columns by field id, deletes applied. Throws Error{kInvalidInput} when a
  /// file is missing or not Parquet.
  std::string select_sql(std::optional<int64_t> snapshot_id) const;
  /// A local path for a path written in the metadata (the table location is mapped onto `dir`;
  /// s3/s3a/s3n/file forms of it are recognized).
  std::filesystem::path local_path(const std::string& uri) const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path metadata_file_;
  int format_version_ = 2;
  std::string location_;
  std::optional<int64_t> current_snapshot_id_;
  int current_schema_id_ = 0;
  std::vector<std::pair<int, std::vector<ScanColumn>>> schemas_;
  std::vector<std::string> schema_errors_;  ///< per schema: why it cannot be read, or ""
  std::vector<ScanSnapshot> snapshots_;
  std::vector<std::pair<int64_t, int64_t>> snapshot_log_;  ///< (timestamp-ms, snapshot-id)
};

/// The metadata file a reader should open in `dir`/metadata; nullopt when there is none.
std::optional<std::filesystem::path> find_metadata_file(const std::filesystem::path& dir);

/// The DuckDB type of an Iceberg primitive type string; nullopt for nested/unknown types.
std::optional<std::string> duckdb_type_of(const std::string& iceberg_type);

}  // namespace fos::lake
