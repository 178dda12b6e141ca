// An Iceberg v2 table in the file-system catalog layout, and its write path.
//
// Layout (what Iceberg's Hadoop catalog reads):
//   <dir>/data/<partition path>/<uuid>.parquet
//   <dir>/metadata/vN.metadata.json, version-hint.text, snap-*.avro (manifest lists), *-m0.avro
// A commit writes the next metadata under a temporary name and hard-links it to
// v<N+1>.metadata.json, which fails if another writer got there first; the loser re-reads
// the table, re-applies its change on top (data files and manifests are reused, the manifest
// list is rewritten) and tries again. Nothing is visible before the link succeeds, so a
// writer killed at any point leaves the previous version intact (and maybe orphan files).
//
// Data files are written by DuckDB (COPY ... FORMAT parquet with FIELD_IDS, zstd), split by
// partition; their statistics are computed with one aggregate query per file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lake/duckdb/db.hpp"
#include "lake/iceberg/manifest.hpp"
#include "lake/iceberg/metadata.hpp"
#include "lake/iceberg/types.hpp"

namespace fos::lake {

struct ColumnDefinition {
  std::string name;
  IcebergType type = IcebergType::kString;
  bool required = false;
};

struct PartitionDefinition {
  std::string column;  ///< the source column
  Transform transform;
  std::string name;  ///< empty: "<column>" for identity, else "<column>_<transform>"
};

/// One key of the table's sort order: appends write each data file sorted by the keys.
struct SortDefinition {
  std::string column;
  Transform transform;  ///< identity unless the rows are ordered by a transform's value
  bool descending = false;
  bool nulls_first = true;
};

struct TableDefinition {
  std::vector<ColumnDefinition> columns;
  std::vector<PartitionDefinition> partition;
  std::vector<SortDefinition> sort;  ///< empty: unsorted
  std::map<std::string, std::string> properties;

  /// Throws Error{kInvalidInput}: empty or duplicate names, unknown partition or sort
  /// columns, transforms that do not apply to the column type.
  void validate() const;
};

struct CommitOptions {
  /// Extra snapshot summary entries, e.g. {"fos.run-id", "..."}.
  std::map<std::string, std::string> summary;
  int max_attempts = 100;
  /// Test hook: called after the new metadata is written, before it is linked into place.
  std::function<void()> before_link;
};

struct AppendResult {
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;
  int version = 0;  ///< the metadata version committed
  int attempts = 1;
  int64_t added_files = 0;
  int64_t added_records = 0;
};

class IcebergTable {
 public:
  /// Create a table at `dir` (v1.metadata.json, no snapshot). Throws Error{kInvalidInput}
  /// when a table already exists there.
  static IcebergTable create(const std::filesystem::path& dir, const TableDefinition& definition);
  /// Open the table at `dir` at its newest version. Throws Error{kInvalidInput} when there is
  /// no table or its metadata is corrupt.
  static IcebergTable open(const std::filesystem::path& dir);
  /// Open, or create when `dir` holds no table yet.
  static IcebergTable open_or_create(const std::filesystem::path& dir,
                                     const TableDefinition& definition);
  /// True when `dir` holds a table (metadata/v1.metadata.json or later).
  static bool exists(const std::filesystem::path& dir);

  const TableMetadata& metadata() const { return metadata_; }
  int version() const { return version_; }
  const std::filesystem::path& dir() const { return dir_; }
  /// Re-read the newest version.
  void refresh();

  /// Write the rows of `source` (an SQL table expression or a parenthesized query whose
  /// columns include every schema column by name) as Parquet data files and commit them as
  /// one append snapshot. An empty source still commits a snapshot (no files added).
  AppendResult append(Connection& con, std::string_view source, const CommitOptions& options = {});
  /// Commit already written data files (absolute paths, under this table) as one append.
  AppendResult append_files(const std::vector<DataFile>& files, const CommitOptions& options = {});
  /// Write the rows of `source` (as for append) as Parquet data files under data/ without
  /// committing them (one DuckDB COPY straight to their final names; statistics from the
  /// writer's RETURN_STATS). The caller commits them (or removes them); they are made durable
  /// by that commit.
  std::vector<DataFile> write_data_files(Connection& con, std::string_view source);
  /// Commit a metadata change: `change` builds the next metadata from the newest version
  /// (it is called again on that version after a lost race). The metadata-log entry and
  /// last-updated-ms are added here. Returns the committed version.
  int commit(const std::function<TableMetadata(const TableMetadata& base)>& change,
             const CommitOptions& options = {});

  /// The live data files of `snapshot_id` (default: the current snapshot).
  std::vector<DataFile> data_files(std::optional<int64_t> snapshot_id = std::nullopt) const;
  /// A local path for a path written in the metadata ("file:/x" -> "/x"; other schemes are
  /// mapped by stripping the table location).
  std::filesystem::path local_path(std::string_view uri) const;

 private:
  IcebergTable(std::filesystem::path dir, TableMetadata metadata, int version);

  std::filesystem::path dir_;
  TableMetadata metadata_;
  int version_ = 0;
};

/// A new random positive snapshot id.
int64_t new_snapshot_id();
/// Write `bytes` to `path`, which must not exist yet. Not flushed on its own: the next
/// commit of the table makes the file system durable before it publishes its metadata.
void write_new_table_file(const std::filesystem::path& path, std::string_view bytes);

/// "file:" + the absolute, normalized path.
std::string file_uri(const std::filesystem::path& path);

/// Iceberg's string bound truncation: the first `width` code points (lower), or that prefix
/// with its last code point incremented (upper; nullopt when no such bound exists).
std::string truncate_lower(std::string_view text, size_t width);
std::optional<std::string> truncate_upper(std::string_view text, size_t width);

}  // namespace fos::lake
