// Table maintenance: expire old snapshots (and delete the files only they reached), compact
// small data files into larger ones as one `replace` snapshot, and find orphan files (files
// under data/ and metadata/ that no metadata version references, e.g. left by a killed
// writer).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lake/duckdb/db.hpp"
#include "lake/iceberg/table.hpp"

namespace fos::lake {

struct ExpireOptions {
  /// Expire only snapshots committed before this instant (nullopt: any age).
  std::optional<int64_t> older_than_ms;
  /// Always keep this many of the newest snapshots (the current one is always kept).
  int retain_last = 1;
  /// Throws Error{kInvalidInput} when retain_last < 1.
  void validate() const;
};

struct ExpireResult {
  int version = 0;  ///< the metadata version committed (0: nothing to expire)
  int64_t expired_snapshots = 0;
  int64_t deleted_manifest_lists = 0;
  int64_t deleted_manifests = 0;
  int64_t deleted_data_files = 0;
};

/// Remove snapshots from the metadata (snapshot log adjusted), then delete the manifest
/// lists, manifests and data files no kept snapshot reaches.
ExpireResult expire_snapshots(IcebergTable& table, const ExpireOptions& options);

struct CompactOptions {
  /// Files smaller than this are rewritten; they are packed into files of about this size.
  int64_t target_file_size = int64_t{128} * 1024 * 1024;
  /// Rewrite every data file, whatever its size (e.g. to bring files written under older
  /// schemas to the current one).
  bool rewrite_all = false;
  CommitOptions commit;
  /// Throws Error{kInvalidInput} when target_file_size < 1.
  void validate() const;
};

struct CompactResult {
  std::optional<int64_t> snapshot_id;  ///< nullopt: nothing to compact
  int64_t deleted_files = 0;
  int64_t added_files = 0;
  int64_t rewritten_records = 0;
};

/// Rewrite the small data files of each partition of the current snapshot into larger ones
/// and commit them as one `replace` snapshot (same rows). Files of other partition specs and
/// tables with delete files are left alone.
CompactResult compact_table(IcebergTable& table, Connection& con, const CompactOptions& options);

/// After a type promotion (int -> long, float -> double), rewrite the manifests of the
/// current snapshot whose live entries hold 4-byte bounds of a promoted column, with those
/// bounds re-encoded in the promoted type (8 bytes), as one `replace` snapshot that changes
/// no data file (Iceberg's "rewrite manifests"). Readers accept the old bounds; this makes
/// the current snapshot's metadata read like a writer's under the current schema. nullopt:
/// no manifest needed it (no new snapshot).
std::optional<int64_t> rewrite_promoted_bounds(IcebergTable& table, const CommitOptions& commit);

struct OrphanFile {
  std::filesystem::path path;
  int64_t size = 0;
};

/// Files under the table's data/ and metadata/ folders that no metadata version references
/// (metadata files, manifest lists, manifests, data files), sorted by path; with
/// `older_than_ms`, only those last modified before it.
std::vector<OrphanFile> find_orphan_files(const IcebergTable& table,
                                          std::optional<int64_t> older_than_ms = std::nullopt);

/// Delete `orphans` and the folders under data/ they leave empty. Returns the number deleted.
int64_t remove_orphan_files(const IcebergTable& table, const std::vector<OrphanFile>& orphans);

}  // namespace fos::lake
