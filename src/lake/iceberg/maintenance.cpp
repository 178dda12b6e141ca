// Expire snapshots, compact small files (replace snapshots), find and remove orphan files.
#include "lake/iceberg/maintenance.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/output.hpp"
#include "core/uuid.hpp"
#include "lake/iceberg/evolve.hpp"

namespace fos::lake {
namespace fs = std::filesystem;
namespace {

// A manifest entry with the sequence numbers it inherits from its manifest list row.
struct LiveEntry {
  ManifestEntry entry;
  std::string manifest;  ///< the manifest's path as written in the list
};

std::vector<ManifestFile> manifests_of(const IcebergTable& table, const Snapshot& snapshot) {
  const fs::path list = table.local_path(snapshot.manifest_list);
  return read_manifest_list(read_file(list), list.string());
}

std::vector<ManifestEntry> entries_of(const IcebergTable& table, const ManifestFile& m) {
  const fs::path path = table.local_path(m.path);
  std::vector<ManifestEntry> entries = read_manifest(read_file(path), path.string());
  for (ManifestEntry& e : entries) {
    if (!e.sequence_number) e.sequence_number = m.sequence_number;
    if (!e.file_sequence_number) e.file_sequence_number = m.sequence_number;
  }
  return entries;
}

// Every file a snapshot reaches: its manifest list, manifests and (non-deleted) data files.
struct Reach {
  std::set<std::string> lists;
  std::set<std::string> manifests;
  std::set<std::string> data;
};

void add_reach(const IcebergTable& table, const Snapshot& snapshot, Reach& reach,
               bool include_deleted) {
  const fs::path list = table.local_path(snapshot.manifest_list).lexically_normal();
  if (!reach.lists.insert(list.string()).second) return;
  std::error_code ec;
  if (!fs::exists(list, ec)) return;
  for (const ManifestFile& m : manifests_of(table, snapshot)) {
    const fs::path manifest = table.local_path(m.path).lexically_normal();
    if (!reach.manifests.insert(manifest.string()).second) continue;
    if (!fs::exists(manifest, ec)) continue;
    for (const ManifestEntry& e : read_manifest(read_file(manifest), manifest.string())) {
      if (include_deleted || e.status != EntryStatus::kDeleted) {
        reach.data.insert(table.local_path(e.file.path).lexically_normal().string());
      }
    }
  }
}

int64_t remove_unreached(const std::set<std::string>& candidates,
                         const std::set<std::string>& kept) {
  int64_t removed = 0;
  for (const std::string& path : candidates) {
    std::error_code ec;
    if (kept.count(path) == 0 && fs::remove(path, ec)) ++removed;
  }
  return removed;
}

std::string summary_total(const Snapshot* parent, std::string_view key, int64_t delta) {
  return std::to_string((parent != nullptr ? parent->summary_count(key) : 0) + delta);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t modified_ms(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

// Bounds written before a type promotion hold the old type's bytes; a manifest written under
// the current schema carries them in the promoted type.
void promote_bounds(const IcebergSchema& schema, DataFile& file) {
  for (auto& [id, stats] : file.stats) {
    const IcebergField* field = schema.find(id);
    if (field == nullptr) continue;
    for (std::optional<std::string>* bound : {&stats.lower, &stats.upper}) {
      if (!*bound) continue;
      if (field->type == IcebergType::kLong && (*bound)->size() == 4) {
        const auto v = decode_single_value(IcebergType::kInt, **bound);
        if (v) *bound = encode_single_value(IcebergType::kLong, int64_t{std::get<int32_t>(*v)});
      } else if (field->type == IcebergType::kDouble && (*bound)->size() == 4) {
        const auto v = decode_single_value(IcebergType::kFloat, **bound);
        if (v) *bound = encode_single_value(IcebergType::kDouble, *v);
      }
    }
  }
}

// Writes the manifest list of a replace snapshot (one file per commit attempt, recorded in
// `lists` so that the losers can be removed) and returns the snapshot without its summary.
Snapshot start_replace_snapshot(const IcebergTable& table, const TableMetadata& base,
                                const Snapshot& parent, int64_t snapshot_id, int64_t sequence,
                                int attempt, const std::string& uuid,
                                const std::vector<ManifestFile>& manifests,
                                std::vector<fs::path>& lists) {
  const fs::path list_path = table.dir() / "metadata" /
                             ("snap-" + std::to_string(snapshot_id) + "-" +
                              std::to_string(attempt) + "-" + uuid + ".avro");
  write_new_table_file(list_path,
                       write_manifest_list(snapshot_id, parent.snapshot_id, sequence, manifests));
  lists.push_back(list_path);
  Snapshot snapshot;
  snapshot.snapshot_id = snapshot_id;
  snapshot.parent_snapshot_id = parent.snapshot_id;
  snapshot.sequence_number = sequence;
  snapshot.timestamp_ms = std::max(now_ms(), base.last_updated_ms);
  snapshot.manifest_list = file_uri(list_path);
  snapshot.schema_id = base.current_schema_id;
  return snapshot;
}

// `base` with `snapshot` appended and made current.
TableMetadata with_current_snapshot(const TableMetadata& base, const Snapshot& snapshot) {
  TableMetadata next = base;
  next.snapshots.push_back(snapshot);
  next.current_snapshot_id = snapshot.snapshot_id;
  next.last_sequence_number = snapshot.sequence_number;
  next.snapshot_log.push_back({snapshot.timestamp_ms, snapshot.snapshot_id});
  return next;
}

}  // namespace

// ---- expire ----

void ExpireOptions::validate() const {
  if (retain_last < 1) fail(ErrorKind::kInvalidInput, "--retain-last: must be at least 1");
}

ExpireResult expire_snapshots(IcebergTable& table, const ExpireOptions& options) {
  options.validate();
  ExpireResult result;
  std::vector<Snapshot> expired;
  const auto change = [&](const TableMetadata& base) {
    std::vector<Snapshot> by_time = base.snapshots;
    std::stable_sort(by_time.begin(), by_time.end(), [](const Snapshot& a, const Snapshot& b) {
      return a.timestamp_ms > b.timestamp_ms;
    });
    std::set<int64_t> keep;
    for (size_t i = 0; i < by_time.size(); ++i) {
      const Snapshot& s = by_time[i];
      const bool recent = i < static_cast<size_t>(options.retain_last);
      const bool young = options.older_than_ms && s.timestamp_ms >= *options.older_than_ms;
      if (recent || young || base.current_snapshot_id == s.snapshot_id) keep.insert(s.snapshot_id);
    }
    for (const auto& [name, ref] : base.refs) keep.insert(ref.snapshot_id);  // tags, branches
    TableMetadata next = base;
    next.snapshots.clear();
    expired.clear();
    for (const Snapshot& s : base.snapshots) {
      (keep.count(s.snapshot_id) != 0 ? next.snapshots : expired).push_back(s);
    }
    std::erase_if(next.snapshot_log,
                  [&](const SnapshotLogEntry& e) { return keep.count(e.snapshot_id) == 0; });
    return next;
  };
  if (change(table.metadata()).snapshots.size() == table.metadata().snapshots.size()) {
    return result;  // nothing to expire: no new version
  }
  result.version = table.commit(change);
  result.expired_snapshots = static_cast<int64_t>(expired.size());

  Reach kept;
  for (const Snapshot& s : table.metadata().snapshots) add_reach(table, s, kept, false);
  Reach gone;
  for (const Snapshot& s : expired) add_reach(table, s, gone, true);
  // Manifests of kept snapshots still name their deleted entries; those files stay reachable
  // only through the kept lists, so they are compared against live entries.
  result.deleted_data_files = remove_unreached(gone.data, kept.data);
  result.deleted_manifests = remove_unreached(gone.manifests, kept.manifests);
  result.deleted_manifest_lists = remove_unreached(gone.lists, kept.lists);
  return result;
}

// ---- compact ----

void CompactOptions::validate() const {
  if (target_file_size < 1) {
    fail(ErrorKind::kInvalidInput, "--target-file-size: must be a positive number of bytes");
  }
}

namespace {

struct Plan {
  std::vector<std::vector<LiveEntry>> bins;  ///< each bin becomes one (or a few) new files
  std::set<std::string> touched;             ///< manifests holding a rewritten file
  std::set<std::string> removed;             ///< data file paths rewritten
};

Plan plan_compaction(const IcebergTable& table, int64_t target, bool rewrite_all) {
  Plan plan;
  const TableMetadata& m = table.metadata();
  const Snapshot* current = m.current_snapshot();
  if (current == nullptr) return plan;
  std::map<std::vector<Value>, std::vector<LiveEntry>> small;
  for (const ManifestFile& manifest : manifests_of(table, *current)) {
    if (manifest.content != 0) return {};  // delete files: leave the table alone
    if (manifest.spec_id != m.default_spec_id) continue;
    for (ManifestEntry& e : entries_of(table, manifest)) {
      if (e.status == EntryStatus::kDeleted) continue;
      if (!rewrite_all && e.file.file_size >= target) continue;
      std::vector<Value> key = e.file.partition;
      small[key].push_back({std::move(e), manifest.path});
    }
  }
  for (auto& [partition, entries] : small) {
    std::sort(entries.begin(), entries.end(), [](const LiveEntry& a, const LiveEntry& b) {
      return a.entry.file.path < b.entry.file.path;
    });
    std::vector<LiveEntry> bin;
    int64_t size = 0;
    const auto flush = [&] {
      if (bin.size() >= (rewrite_all ? 1U : 2U)) {
        for (const LiveEntry& e : bin) {
          plan.touched.insert(e.manifest);
          plan.removed.insert(e.entry.file.path);
        }
        plan.bins.push_back(std::move(bin));
      }
      bin.clear();
      size = 0;
    };
    for (LiveEntry& e : entries) {
      size += e.entry.file.file_size;
      bin.push_back(std::move(e));
      if (size >= target) flush();
    }
    flush();
  }
  return plan;
}

// The manifest `m` rewritten: rewritten files as DELETED by `snapshot_id`, the rest EXISTING.
ManifestFile rewrite_manifest(const IcebergTable& table, const ManifestFile& m,
                              const std::set<std::string>& removed, int64_t snapshot_id,
                              const std::string& name) {
  const TableMetadata& meta = table.metadata();
  std::vector<ManifestEntry> entries;
  for (ManifestEntry& e : entries_of(table, m)) {
    if (e.status == EntryStatus::kDeleted) continue;
    promote_bounds(meta.current_schema(), e.file);
    if (removed.count(e.file.path) != 0) {
      e.status = EntryStatus::kDeleted;
      e.snapshot_id = snapshot_id;
    } else {
      e.status = EntryStatus::kExisting;
    }
    entries.push_back(std::move(e));
  }
  const PartitionSpec* spec = meta.spec(m.spec_id);
  const std::string bytes = write_manifest(meta.current_schema(), *spec, entries);
  const fs::path path = table.dir() / "metadata" / name;
  write_new_table_file(path, bytes);
  return describe_manifest(file_uri(path), static_cast<int64_t>(bytes.size()),
                           meta.current_schema(), *spec, entries, snapshot_id,
                           std::numeric_limits<int64_t>::max());  // min over the entries
}

}  // namespace

CompactResult compact_table(IcebergTable& table, Connection& con, const CompactOptions& options) {
  options.validate();
  CompactResult result;
  const Plan plan = plan_compaction(table, options.target_file_size, options.rewrite_all);
  if (plan.bins.empty()) return result;

  const IcebergSchema& schema = table.metadata().current_schema();
  std::vector<DataFile> added;
  int64_t removed_records = 0;
  int64_t removed_size = 0;
  std::set<std::vector<Value>> partitions;
  try {
    for (const std::vector<LiveEntry>& bin : plan.bins) {
      std::vector<std::string> paths;
      for (const LiveEntry& e : bin) {
        paths.push_back(table.local_path(e.entry.file.path).string());
        removed_records += e.entry.file.record_count;
        removed_size += e.entry.file.file_size;
        partitions.insert(e.entry.file.partition);
      }
      std::string source = "(";
      source += read_by_field_id_sql(schema, paths);
      source += ")";
      for (DataFile& f : table.write_data_files(con, source)) added.push_back(std::move(f));
    }
  } catch (...) {
    std::error_code ec;
    for (const DataFile& f : added) fs::remove(table.local_path(f.path), ec);
    throw;
  }
  int64_t added_records = 0;
  int64_t added_size = 0;
  for (const DataFile& f : added) {
    added_records += f.record_count;
    added_size += f.file_size;
  }
  if (added_records != removed_records) {
    std::error_code ec;
    for (const DataFile& f : added) fs::remove(table.local_path(f.path), ec);
    fail(ErrorKind::kInternal, table.dir().string() + ": compaction rewrote " +
                                   std::to_string(removed_records) + " records as " +
                                   std::to_string(added_records));
  }

  const int64_t snapshot_id = new_snapshot_id();
  const std::string uuid = Uuid::random().str();
  std::vector<ManifestEntry> added_entries;
  added_entries.reserve(added.size());
  for (const DataFile& f : added) {
    added_entries.push_back({EntryStatus::kAdded, snapshot_id, std::nullopt, std::nullopt, f});
  }
  const TableMetadata& meta = table.metadata();
  const std::string added_bytes =
      write_manifest(meta.current_schema(), meta.default_spec(), added_entries);
  const fs::path added_path = table.dir() / "metadata" / (uuid + "-m0.avro");
  write_new_table_file(added_path, added_bytes);
  const ManifestFile added_manifest =
      describe_manifest(file_uri(added_path), static_cast<int64_t>(added_bytes.size()),
                        meta.current_schema(), meta.default_spec(), added_entries, snapshot_id, 0);

  std::map<std::string, ManifestFile> rewritten;  // by the path of the manifest it replaces
  int attempt = 0;
  std::vector<fs::path> lists;  // one per attempt; only the last is committed
  table.commit(
      [&](const TableMetadata& base) {
        ++attempt;
        const Snapshot* parent = base.current_snapshot();
        if (parent == nullptr) fail(ErrorKind::kInvalidInput, "table lost its snapshot");
        const int64_t sequence = base.last_sequence_number + 1;
        std::vector<ManifestFile> manifests{added_manifest};
        manifests.front().sequence_number = sequence;
        manifests.front().min_sequence_number = sequence;
        size_t found = 0;
        int index = 1;
        for (const ManifestFile& m : manifests_of(table, *parent)) {
          if (plan.touched.count(m.path) == 0) {
            manifests.push_back(m);
            continue;
          }
          ++found;
          auto it = rewritten.find(m.path);
          if (it == rewritten.end()) {
            it = rewritten
                     .emplace(m.path,
                              rewrite_manifest(table, m, plan.removed, snapshot_id,
                                               uuid + "-m" + std::to_string(index) + ".avro"))
                     .first;
          }
          ++index;
          ManifestFile r = it->second;
          r.sequence_number = sequence;
          r.min_sequence_number = std::min(r.min_sequence_number, sequence);
          manifests.push_back(std::move(r));
        }
        if (found != plan.touched.size()) {
          fail(ErrorKind::kInvalidInput,
               table.dir().string() + ": a concurrent commit changed the files being compacted");
        }
        Snapshot snapshot = start_replace_snapshot(table, base, *parent, snapshot_id, sequence,
                                                   attempt, uuid, manifests, lists);
        const auto count = [](int64_t n) { return std::to_string(n); };
        const auto files_delta =
            static_cast<int64_t>(added.size()) - static_cast<int64_t>(plan.removed.size());
        snapshot.summary = {
            {"operation", "replace"},
            {"added-data-files", count(static_cast<int64_t>(added.size()))},
            {"deleted-data-files", count(static_cast<int64_t>(plan.removed.size()))},
            {"added-records", count(added_records)},
            {"deleted-records", count(removed_records)},
            {"added-files-size", count(added_size)},
            {"removed-files-size", count(removed_size)},
            {"changed-partition-count", count(static_cast<int64_t>(partitions.size()))},
            {"total-records", summary_total(parent, "total-records", 0)},
            {"total-files-size",
             summary_total(parent, "total-files-size", added_size - removed_size)},
            {"total-data-files", summary_total(parent, "total-data-files", files_delta)},
            {"total-delete-files", summary_total(parent, "total-delete-files", 0)},
            {"total-position-deletes", summary_total(parent, "total-position-deletes", 0)},
            {"total-equality-deletes", summary_total(parent, "total-equality-deletes", 0)},
            {"engine-name", "fos"},
        };
        for (const auto& [k, v] : options.commit.summary) snapshot.summary.emplace_back(k, v);
        return with_current_snapshot(base, snapshot);
      },
      options.commit);
  lists.pop_back();
  for (const fs::path& lost : lists) {  // lists of attempts that lost a race name old parents
    std::error_code ec;
    fs::remove(lost, ec);
  }
  result.snapshot_id = snapshot_id;
  result.deleted_files = static_cast<int64_t>(plan.removed.size());
  result.added_files = static_cast<int64_t>(added.size());
  result.rewritten_records = added_records;
  return result;
}

// ---- promoted bounds ----

namespace {

bool has_narrow_bounds(const IcebergSchema& schema, const DataFile& file) {
  for (const auto& [id, stats] : file.stats) {
    const IcebergField* field = schema.find(id);
    if (field == nullptr) continue;
    if (field->type != IcebergType::kLong && field->type != IcebergType::kDouble) continue;
    if ((stats.lower && stats.lower->size() == 4) || (stats.upper && stats.upper->size() == 4)) {
      return true;
    }
  }
  return false;
}

// The live entries of `m` as EXISTING with promoted bounds, or nullopt when none needs it.
std::optional<std::vector<ManifestEntry>> promoted_entries(const IcebergTable& table,
                                                           const IcebergSchema& schema,
                                                           const ManifestFile& m) {
  if (m.content != 0) return std::nullopt;
  std::vector<ManifestEntry> entries = entries_of(table, m);
  if (std::none_of(entries.begin(), entries.end(), [&](const ManifestEntry& e) {
        return e.status != EntryStatus::kDeleted && has_narrow_bounds(schema, e.file);
      })) {
    return std::nullopt;
  }
  std::erase_if(entries, [](const ManifestEntry& e) { return e.status == EntryStatus::kDeleted; });
  for (ManifestEntry& e : entries) {
    promote_bounds(schema, e.file);
    e.status = EntryStatus::kExisting;
  }
  return entries;
}

}  // namespace

std::optional<int64_t> rewrite_promoted_bounds(IcebergTable& table, const CommitOptions& commit) {
  const Snapshot* current = table.metadata().current_snapshot();
  if (current == nullptr) return std::nullopt;
  const IcebergSchema& schema = table.metadata().current_schema();
  const std::vector<ManifestFile> listed = manifests_of(table, *current);
  if (std::none_of(listed.begin(), listed.end(), [&](const ManifestFile& m) {
        return promoted_entries(table, schema, m).has_value();
      })) {
    return std::nullopt;
  }
  const int64_t snapshot_id = new_snapshot_id();
  const std::string uuid = Uuid::random().str();
  std::map<std::string, std::optional<ManifestFile>> rewritten;  // by the replaced path
  std::vector<fs::path> lists;
  int attempt = 0;
  table.commit(
      [&](const TableMetadata& base) {
        ++attempt;
        const Snapshot* parent = base.current_snapshot();
        if (parent == nullptr) fail(ErrorKind::kInvalidInput, "table lost its snapshot");
        const int64_t sequence = base.last_sequence_number + 1;
        std::vector<ManifestFile> manifests;
        int64_t created = 0;
        for (const ManifestFile& m : manifests_of(table, *parent)) {
          auto it = rewritten.find(m.path);
          if (it == rewritten.end()) {
            std::optional<ManifestFile> r;
            if (auto entries = promoted_entries(table, base.current_schema(), m)) {
              const PartitionSpec* spec = base.spec(m.spec_id);
              const std::string bytes = write_manifest(base.current_schema(), *spec, *entries);
              const fs::path path = table.dir() / "metadata" /
                                    (uuid + "-m" + std::to_string(rewritten.size()) + ".avro");
              write_new_table_file(path, bytes);
              r = describe_manifest(file_uri(path), static_cast<int64_t>(bytes.size()),
                                    base.current_schema(), *spec, *entries, snapshot_id,
                                    std::numeric_limits<int64_t>::max());
            }
            it = rewritten.emplace(m.path, std::move(r)).first;
          }
          if (!it->second) {
            manifests.push_back(m);
            continue;
          }
          ++created;
          ManifestFile r = *it->second;
          r.sequence_number = sequence;
          r.min_sequence_number = std::min(r.min_sequence_number, sequence);
          manifests.push_back(std::move(r));
        }
        Snapshot snapshot = start_replace_snapshot(table, base, *parent, snapshot_id, sequence,
                                                   attempt, uuid, manifests, lists);
        const auto count = [](int64_t n) { return std::to_string(n); };
        snapshot.summary = {
            {"operation", "replace"},
            {"manifests-created", count(created)},
            {"manifests-replaced", count(created)},
            {"manifests-kept", count(static_cast<int64_t>(manifests.size()) - created)},
            {"total-records", summary_total(parent, "total-records", 0)},
            {"total-files-size", summary_total(parent, "total-files-size", 0)},
            {"total-data-files", summary_total(parent, "total-data-files", 0)},
            {"total-delete-files", summary_total(parent, "total-delete-files", 0)},
            {"total-position-deletes", summary_total(parent, "total-position-deletes", 0)},
            {"total-equality-deletes", summary_total(parent, "total-equality-deletes", 0)},
            {"engine-name", "fos"},
        };
        for (const auto& [k, v] : commit.summary) snapshot.summary.emplace_back(k, v);
        return with_current_snapshot(base, snapshot);
      },
      commit);
  lists.pop_back();
  for (const fs::path& lost : lists) {
    std::error_code ec;
    fs::remove(lost, ec);
  }
  return snapshot_id;
}

// ---- orphans ----

std::vector<OrphanFile> find_orphan_files(const IcebergTable& table,
                                          std::optional<int64_t> older_than_ms) {
  const fs::path metadata_dir = table.dir() / "metadata";
  Reach reach;
  std::set<std::string> metadata_files;
  for (const auto& entry : fs::directory_iterator(metadata_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".") || !name.ends_with(".metadata.json")) continue;
    metadata_files.insert(entry.path().lexically_normal().string());
    const TableMetadata m = TableMetadata::parse(read_file(entry.path()), entry.path().string());
    for (const Snapshot& s : m.snapshots) add_reach(table, s, reach, true);
    for (const auto* files : {&m.statistics, &m.partition_statistics}) {
      for (const StatisticsFile& f : *files) {
        metadata_files.insert(table.local_path(f.path).lexically_normal().string());
      }
    }
  }
  std::vector<OrphanFile> out;
  for (const fs::path& root : {table.dir() / "data", metadata_dir}) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file()) continue;
      const std::string path = entry.path().lexically_normal().string();
      const std::string name = entry.path().filename().string();
      if (root == metadata_dir && entry.path().parent_path() == metadata_dir &&
          (name == "version-hint.text" || name == ".version-hint.lock")) {
        continue;
      }
      if (metadata_files.count(path) != 0 || reach.lists.count(path) != 0 ||
          reach.manifests.count(path) != 0 || reach.data.count(path) != 0) {
        continue;
      }
      if (older_than_ms && modified_ms(entry.path()) >= *older_than_ms) continue;
      out.push_back({entry.path(), static_cast<int64_t>(entry.file_size())});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const OrphanFile& a, const OrphanFile& b) { return a.path < b.path; });
  return out;
}

int64_t remove_orphan_files(const IcebergTable& table, const std::vector<OrphanFile>& orphans) {
  int64_t removed = 0;
  for (const OrphanFile& f : orphans) {
    std::error_code ec;
    if (fs::remove(f.path, ec)) ++removed;
    // Remove the folders under data/ this leaves empty.
    for (fs::path dir = f.path.parent_path();
         dir != table.dir() / "data" && dir.string().starts_with((table.dir() / "data").string());
         dir = dir.parent_path()) {
      if (!fs::is_empty(dir, ec) || ec || !fs::remove(dir, ec)) break;
    }
  }
  return removed;
}

}  // namespace fos::lake
