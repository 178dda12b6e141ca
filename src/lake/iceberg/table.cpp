// IcebergTable: create/open in the file-system layout, optimistic commits, DuckDB data files.
#include "lake/iceberg/table.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/output.hpp"
#include "core/uuid.hpp"

#ifndef FOS_VERSION
#define FOS_VERSION "0.0.0"
#endif

namespace fos::lake {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kHintFile = "version-hint.text";
constexpr size_t kStringBoundWidth = 16;

[[noreturn]] void io_fail(const std::string& what, const fs::path& path) {
  fail(ErrorKind::kIo, what + " " + path.string() + ": " + std::strerror(errno));
}

fs::path metadata_file(const fs::path& dir, int version) {
  return dir / "metadata" / ("v" + std::to_string(version) + ".metadata.json");
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t random_id() {
  const Uuid uuid = Uuid::random();
  const auto& b = uuid.bytes();
  uint64_t hi = 0;
  uint64_t lo = 0;
  for (size_t i = 0; i < 8; ++i) {
    hi = (hi << 8) | b[i];
    lo = (lo << 8) | b[8 + i];
  }
  const auto id = static_cast<int64_t>((hi ^ lo) & 0x7fffffffffffffffULL);
  return id == 0 ? 1 : id;
}

// Write `bytes` to `path` (which must not exist) and flush it to disk.
void write_new_file(const fs::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) io_fail("creating", path);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      io_fail("writing", path);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) io_fail("flushing", path);
}

std::optional<int> parse_int(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

// The newest committed version: the hint, then probing forward (the hint may lag behind);
// without a hint, the highest vN.metadata.json in the folder. 0 when there is none.
int latest_version(const fs::path& dir) {
  int version = 0;
  const fs::path hint = dir / "metadata" / kHintFile;
  std::error_code ec;
  if (fs::exists(hint, ec)) {
    version = parse_int(read_file(hint)).value_or(0);
  }
  if (version == 0 && fs::is_directory(dir / "metadata", ec)) {
    for (const auto& entry : fs::directory_iterator(dir / "metadata")) {
      const std::string name = entry.path().filename().string();
      if (name.size() > 15 && name[0] == 'v' && name.ends_with(".metadata.json")) {
        version = std::max(version, parse_int(name.substr(1, name.size() - 15)).value_or(0));
      }
    }
  }
  if (version > 0 && !fs::exists(metadata_file(dir, version), ec)) version = 0;
  while (fs::exists(metadata_file(dir, version + 1), ec)) ++version;
  return version;
}

// Raise version-hint.text to `version` (never lower it), under a lock shared by local writers.
void update_hint(const fs::path& dir, int version) {
  const fs::path lock_path = dir / "metadata" / ".version-hint.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) io_fail("opening", lock_path);
  if (::flock(fd, LOCK_EX) != 0) {
    ::close(fd);
    io_fail("locking", lock_path);
  }
  const fs::path hint = dir / "metadata" / kHintFile;
  std::error_code ec;
  const int current = fs::exists(hint, ec) ? parse_int(read_file(hint)).value_or(0) : 0;
  if (version > current) write_file_atomic(hint, std::to_string(version));
  ::flock(fd, LOCK_UN);
  ::close(fd);
}

// Try to publish `json` as version `version`; false when that version already exists.
bool publish(const fs::path& dir, int version, const std::string& json,
             const std::function<void()>& before_link) {
  const fs::path temp = dir / "metadata" / (".tmp-" + Uuid::random().str() + ".metadata.json");
  write_new_file(temp, json);
  if (before_link) before_link();
  const fs::path target = metadata_file(dir, version);
  const int rc = ::link(temp.c_str(), target.c_str());
  const int link_errno = errno;
  fs::remove(temp);
  if (rc == 0) return true;
  if (link_errno == EEXIST) return false;
  errno = link_errno;
  io_fail("committing", target);
}

std::string partition_name(const PartitionDefinition& p) {
  if (!p.name.empty()) return p.name;
  if (p.transform.kind == TransformKind::kIdentity) return p.column;
  if (p.transform.kind == TransformKind::kBucket) return p.column + "_bucket";
  return p.column + "_" + p.transform.str();
}

bool transform_applies(const Transform& t, IcebergType type) {
  switch (t.kind) {
    case TransformKind::kIdentity:
    case TransformKind::kVoid:
      return true;
    case TransformKind::kYear:
    case TransformKind::kMonth:
    case TransformKind::kDay:
      return type == IcebergType::kDate || type == IcebergType::kTimestamp ||
             type == IcebergType::kTimestamptz;
    case TransformKind::kBucket:
      return type == IcebergType::kInt || type == IcebergType::kLong ||
             type == IcebergType::kDate || type == IcebergType::kString;
  }
  return false;
}

// SQL for a value of `type` as something QueryResult reads losslessly: integers for
// integral, date (days) and timestamp (micros) types, text otherwise.
std::string exact_sql(IcebergType type, const std::string& expr) {
  switch (type) {
    case IcebergType::kBoolean:
      return "CAST(" + expr + " AS INTEGER)";
    case IcebergType::kDate:
      return "date_diff('day', DATE '1970-01-01', " + expr + ")";
    case IcebergType::kTimestamp:
    case IcebergType::kTimestamptz:
      return "epoch_us(" + expr + ")";
    case IcebergType::kFloat:
    case IcebergType::kDouble:
      return "CAST(CAST(" + expr + " AS DOUBLE) AS VARCHAR)";
    default:
      return expr;
  }
}

Value read_value(const QueryResult& r, uint64_t column, IcebergType type, uint64_t row = 0) {
  if (r.is_null(row, column)) return std::monostate{};
  switch (type) {
    case IcebergType::kBoolean:
      return *r.int64(row, column) != 0;
    case IcebergType::kInt:
    case IcebergType::kDate:
      return static_cast<int32_t>(*r.int64(row, column));
    case IcebergType::kLong:
    case IcebergType::kTimestamp:
    case IcebergType::kTimestamptz:
      return *r.int64(row, column);
    case IcebergType::kFloat:
    case IcebergType::kDouble:
      return std::stod(*r.text(row, column));
    case IcebergType::kString:
    case IcebergType::kBinary:
      return *r.text(row, column);
  }
  return std::monostate{};
}

// The SQL expression of a partition transform over `column` (quoted).
std::string transform_sql(const Transform& t, const std::string& column) {
  switch (t.kind) {
    case TransformKind::kIdentity:
      return column;
    case TransformKind::kYear:
      return "(year(" + column + ") - 1970)";
    case TransformKind::kMonth:
      return "((year(" + column + ") - 1970) * 12 + month(" + column + ") - 1)";
    case TransformKind::kDay:
      return "CAST(" + column + " AS DATE)";
    case TransformKind::kVoid:
      return "CAST(NULL AS INTEGER)";
    case TransformKind::kBucket:  // int and long sources (kMurmur3Macros hash 8-byte longs)
      return "CAST((fos_murmur3_long(CAST(" + column + " AS BIGINT)) & 2147483647) % " +
             std::to_string(t.buckets) + " AS INTEGER)";
  }
  fail(ErrorKind::kInvalidInput,
       "partition transform " + t.str() + " is not supported when writing through DuckDB");
}

// Iceberg's bucket hash (Appendix B: Murmur3 x86 32-bit, seed 0, of the value as an 8-byte
// little-endian long) as DuckDB macros: 32-bit arithmetic in BIGINT/HUGEINT, the result
// unsigned in [0, 2^32).
constexpr std::string_view kMurmur3Macros = R"(
CREATE OR REPLACE TEMP MACRO fos_m32(a, b) AS CAST((CAST(a AS HUGEINT) * b) & 4294967295 AS BIGINT);
CREATE OR REPLACE TEMP MACRO fos_rotl32(a, r) AS ((a << r) | (a >> (32 - r))) & 4294967295;
CREATE OR REPLACE TEMP MACRO fos_mix_k(k) AS
  fos_m32(fos_rotl32(fos_m32(k, 3432918353), 15), 461845907);
CREATE OR REPLACE TEMP MACRO fos_mix_h(h, k) AS
  (fos_m32(fos_rotl32(xor(h, k), 13), 5) + 3864292196) & 4294967295;
CREATE OR REPLACE TEMP MACRO fos_fmix(h) AS
  xor(fos_m32(xor(fos_m32(xor(h, h >> 16), 2246822507), fos_m32(xor(h, h >> 16), 2246822507) >> 13), 3266489909),
      fos_m32(xor(fos_m32(xor(h, h >> 16), 2246822507), fos_m32(xor(h, h >> 16), 2246822507) >> 13), 3266489909) >> 16);
CREATE OR REPLACE TEMP MACRO fos_murmur3_long(v) AS
  fos_fmix(xor(fos_mix_h(fos_mix_h(0, fos_mix_k(v & 4294967295)), fos_mix_k((v >> 32) & 4294967295)), 8));
)";

std::string summary_total(const Snapshot* parent, std::string_view key, int64_t added) {
  return std::to_string((parent != nullptr ? parent->summary_count(key) : 0) + added);
}

std::string sql_list(const std::vector<std::string>& paths) {
  std::string list;
  for (const std::string& path : paths) list += (list.empty() ? "" : ", ") + sql_quote(path);
  return "[" + list + "]";
}

// Per file: __fos_file, record count, then per field (non-null count, lower, upper, NaN
// count) and per partition field the transformed value, computed by scanning the rows.
std::string scan_stats_sql(const IcebergSchema& schema, const PartitionSpec& spec,
                           const std::vector<std::string>& paths) {
  std::string sql = "SELECT __fos_file, count(*)";
  for (const IcebergField& f : schema.fields) {
    const std::string c = sql_identifier(f.name);
    const bool floating = f.type == IcebergType::kFloat || f.type == IcebergType::kDouble;
    const std::string filter = floating ? " FILTER (WHERE NOT isnan(" + c + "))" : "";
    sql += ", count(" + c + ")";
    sql += ", " + exact_sql(f.type, "min(" + c + ")" += filter);
    sql += ", " + exact_sql(f.type, "max(" + c + ")" += filter);
    sql += floating ? ", count(*) FILTER (WHERE isnan(" + c + "))" : ", 0";
  }
  for (const PartitionField& p : spec.fields) {
    const IcebergField* source_field = schema.find(p.source_id);
    const IcebergType result = p.transform.result_type(source_field->type);
    sql += ", " +
           exact_sql(result,
                     "min(" + transform_sql(p.transform, sql_identifier(source_field->name)) + ")");
  }
  return sql + " FROM read_parquet(" + sql_list(paths) +
         ", filename = '__fos_file', hive_partitioning = false) GROUP BY __fos_file";
}

// The same columns as scan_stats_sql from the files' Parquet footers (row-group statistics
// aggregated per file), plus a last column that is non-zero when a footer lacks something a
// scan would give: a missing bound of a column holding values (DuckDB writes no float bounds
// for a row group with a NaN), a missing null count, an inexact bound of a non-string column
// or of a partition source. Every row of a file shares its partition tuple, so the transform
// of the lower bound of the source column is that tuple.
std::string footer_stats_sql(const IcebergSchema& schema, const PartitionSpec& spec,
                             const std::vector<std::string>& paths) {
  const auto where = [](const IcebergField& f) {
    return " FILTER (WHERE path_in_schema = " + sql_quote(f.name) + ")";
  };
  // CASE, not FILTER: the cast must only see the statistics of this column.
  const auto typed = [](const IcebergField& f, const std::string& stat) {
    if (f.type == IcebergType::kBinary) return std::string("NULL");
    return "CASE WHEN path_in_schema = " + sql_quote(f.name) + " THEN CAST(" + stat + " AS " +
           std::string(duckdb_type(f.type)) + ") END";
  };
  std::string sql =
      "SELECT file_name, CAST(sum(row_group_num_rows) FILTER (WHERE column_id = 0) AS BIGINT)";
  std::string exact_required;
  for (const IcebergField& f : schema.fields) {
    sql += ", CAST(sum(num_values - stats_null_count)" + where(f) + " AS BIGINT)";
    sql += ", " + exact_sql(f.type, "min(" + typed(f, "stats_min_value") + ")");
    sql += ", " + exact_sql(f.type, "max(" + typed(f, "stats_max_value") + ")");
    sql += ", 0";
    const bool partition_source =
        std::any_of(spec.fields.begin(), spec.fields.end(),
                    [&](const PartitionField& p) { return p.source_id == f.id; });
    if (f.type != IcebergType::kString || partition_source) {
      exact_required += (exact_required.empty() ? "" : ", ") + sql_quote(f.name);
    }
  }
  for (const PartitionField& p : spec.fields) {
    const IcebergField* source_field = schema.find(p.source_id);
    const IcebergType result = p.transform.result_type(source_field->type);
    sql += ", " +
           exact_sql(result, transform_sql(p.transform,
                                           "min(" + typed(*source_field, "stats_min_value") + ")"));
  }
  sql +=
      ", count(*) FILTER (WHERE stats_null_count IS NULL OR (num_values > stats_null_count AND "
      "(stats_min_value IS NULL OR stats_max_value IS NULL))";
  if (!exact_required.empty()) {
    sql += " OR (path_in_schema IN (" + exact_required +
           ") AND num_values > stats_null_count AND NOT (min_is_exact AND max_is_exact))";
  }
  return sql + ") FROM parquet_metadata(" + sql_list(paths) + ") GROUP BY file_name";
}

}  // namespace

int64_t new_snapshot_id() {
  return random_id();
}

void write_new_table_file(const fs::path& path, std::string_view bytes) {
  write_new_file(path, bytes);
}

std::string file_uri(const fs::path& path) {
  return "file:" + fs::absolute(path).lexically_normal().string();
}

std::string truncate_lower(std::string_view text, size_t width) {
  size_t points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<uint8_t>(text[i]) & 0xc0) != 0x80 && points++ == width) {
      return std::string(text.substr(0, i));
    }
  }
  return std::string(text);
}

std::optional<std::string> truncate_upper(std::string_view text, size_t width) {
  std::string prefix = truncate_lower(text, width);
  if (prefix.size() == text.size()) return prefix;
  // Increment the last code point that can be incremented, dropping those after it.
  while (!prefix.empty()) {
    size_t start = prefix.size() - 1;
    while (start > 0 && (static_cast<uint8_t>(prefix[start]) & 0xc0) == 0x80) --start;
    const auto lead = static_cast<uint8_t>(prefix[start]);
    if (lead < 0x7f) {
      prefix[start] = static_cast<char>(lead + 1);
      prefix.resize(start + 1);
      return prefix;
    }
    prefix.resize(start);  // multi-byte or DEL: drop it and try the previous one
  }
  return std::nullopt;
}

void TableDefinition::validate() const {
  if (columns.empty()) fail(ErrorKind::kInvalidInput, "table definition: no columns");
  std::set<std::string> names;
  for (const ColumnDefinition& c : columns) {
    if (c.name.empty()) fail(ErrorKind::kInvalidInput, "table definition: empty column name");
    if (!names.insert(c.name).second) {
      fail(ErrorKind::kInvalidInput, "table definition: duplicate column '" + c.name + "'");
    }
  }
  std::set<std::string> partition_names;
  for (const PartitionDefinition& p : partition) {
    auto it = std::find_if(columns.begin(), columns.end(),
                           [&](const ColumnDefinition& c) { return c.name == p.column; });
    if (it == columns.end()) {
      fail(ErrorKind::kInvalidInput, "partition: unknown column '" + p.column + "'");
    }
    if (!transform_applies(p.transform, it->type)) {
      fail(ErrorKind::kInvalidInput, "partition: transform " + p.transform.str() +
                                         " does not apply to column '" + p.column + "' of type " +
                                         std::string(to_string(it->type)));
    }
    if (!partition_names.insert(partition_name(p)).second) {
      fail(ErrorKind::kInvalidInput, "partition: duplicate field name '" + partition_name(p) + "'");
    }
  }
}

IcebergTable::IcebergTable(fs::path dir, TableMetadata metadata, int version)
    : dir_(std::move(dir)), metadata_(std::move(metadata)), version_(version) {}

bool IcebergTable::exists(const fs::path& dir) {
  return latest_version(dir) > 0;
}

IcebergTable IcebergTable::create(const fs::path& dir, const TableDefinition& definition) {
  definition.validate();
  TableMetadata m;
  m.table_uuid = Uuid::random().str();
  m.location = file_uri(dir);
  m.last_updated_ms = now_ms();
  IcebergSchema schema;
  for (const ColumnDefinition& c : definition.columns) {
    schema.fields.push_back(
        {static_cast<int>(schema.fields.size()) + 1, c.name, c.type, c.required});
  }
  m.last_column_id = schema.max_field_id();
  PartitionSpec spec;
  for (const PartitionDefinition& p : definition.partition) {
    spec.fields.push_back({schema.find(p.column)->id,
                           kFirstPartitionFieldId + static_cast<int>(spec.fields.size()),
                           partition_name(p), p.transform});
  }
  m.last_partition_id = kFirstPartitionFieldId - 1 + static_cast<int>(spec.fields.size());
  m.schemas.push_back(std::move(schema));
  m.specs.push_back(std::move(spec));
  m.properties = definition.properties;
  m.properties.emplace("write.format.default", "parquet");
  m.properties.emplace("write.parquet.compression-codec", "zstd");

  std::error_code ec;
  fs::create_directories(dir / "metadata", ec);
  if (ec) fail(ErrorKind::kIo, "creating " + (dir / "metadata").string() + ": " + ec.message());
  if (latest_version(dir) > 0) {
    fail(ErrorKind::kInvalidInput, "a table already exists at " + dir.string());
  }
  if (!publish(dir, 1, m.to_json(), {})) {
    fail(ErrorKind::kInvalidInput, "a table was created concurrently at " + dir.string());
  }
  update_hint(dir, 1);
  return IcebergTable(dir, std::move(m), 1);
}

IcebergTable IcebergTable::open(const fs::path& dir) {
  const int version = latest_version(dir);
  if (version == 0) fail(ErrorKind::kInvalidInput, "no Iceberg table at " + dir.string());
  const fs::path file = metadata_file(dir, version);
  return IcebergTable(dir, TableMetadata::parse(read_file(file), file.string()), version);
}

IcebergTable IcebergTable::open_or_create(const fs::path& dir, const TableDefinition& definition) {
  if (exists(dir)) return open(dir);
  try {
    return create(dir, definition);
  } catch (const Error&) {
    if (exists(dir)) return open(dir);  // created by a concurrent writer
    throw;
  }
}

void IcebergTable::refresh() {
  *this = open(dir_);
}

fs::path IcebergTable::local_path(std::string_view uri) const {
  std::string_view location = metadata_.location;
  while (location.ends_with('/')) location.remove_suffix(1);
  if (uri.starts_with(location) && uri.size() > location.size() && uri[location.size()] == '/') {
    return dir_ / std::string(uri.substr(location.size() + 1));
  }
  if (uri.starts_with("file://")) return std::string(uri.substr(7));
  if (uri.starts_with("file:")) return std::string(uri.substr(5));
  return std::string(uri);
}

std::vector<DataFile> IcebergTable::data_files(std::optional<int64_t> snapshot_id) const {
  const Snapshot* snapshot =
      snapshot_id ? metadata_.snapshot(*snapshot_id) : metadata_.current_snapshot();
  if (snapshot_id && snapshot == nullptr) {
    fail(ErrorKind::kInvalidInput, dir_.string() + ": no snapshot " + std::to_string(*snapshot_id));
  }
  std::vector<DataFile> out;
  if (snapshot == nullptr) return out;
  const fs::path list = local_path(snapshot->manifest_list);
  for (const ManifestFile& m : read_manifest_list(read_file(list), list.string())) {
    if (m.content != 0) {
      fail(ErrorKind::kInvalidInput,
           dir_.string() + ": delete files are not supported (manifest " + m.path + ")");
    }
    const fs::path manifest = local_path(m.path);
    for (ManifestEntry& e : read_manifest(read_file(manifest), manifest.string())) {
      if (e.status != EntryStatus::kDeleted) out.push_back(std::move(e.file));
    }
  }
  return out;
}

AppendResult IcebergTable::append_files(const std::vector<DataFile>& files,
                                        const CommitOptions& options) {
  const int64_t snapshot_id = random_id();
  const std::string commit_uuid = Uuid::random().str();
  // The manifest is written once and reused by every attempt: its entries inherit their
  // sequence numbers from the manifest list, which each attempt rewrites.
  std::optional<ManifestFile> added;
  int64_t added_records = 0;
  int64_t added_size = 0;
  std::set<std::vector<Value>> partitions;
  if (!files.empty()) {
    std::vector<ManifestEntry> entries;
    for (const DataFile& f : files) {
      entries.push_back({EntryStatus::kAdded, snapshot_id, std::nullopt, std::nullopt, f});
      added_records += f.record_count;
      added_size += f.file_size;
      partitions.insert(f.partition);
    }
    const std::string bytes =
        write_manifest(metadata_.current_schema(), metadata_.default_spec(), entries);
    const fs::path path = dir_ / "metadata" / (commit_uuid + "-m0.avro");
    write_new_file(path, bytes);
    added = describe_manifest(file_uri(path), static_cast<int64_t>(bytes.size()),
                              metadata_.current_schema(), metadata_.default_spec(), entries,
                              snapshot_id, 0);
  }

  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    if (attempt > 1) refresh();
    const TableMetadata& base = metadata_;
    const Snapshot* parent = base.current_snapshot();
    const int64_t sequence = base.last_sequence_number + 1;

    std::vector<ManifestFile> manifests;
    if (added) {
      ManifestFile m = *added;
      m.sequence_number = sequence;
      m.min_sequence_number = sequence;
      manifests.push_back(std::move(m));
    }
    if (parent != nullptr) {
      const fs::path list = local_path(parent->manifest_list);
      for (ManifestFile& m : read_manifest_list(read_file(list), list.string())) {
        manifests.push_back(std::move(m));
      }
    }
    const fs::path list_path = dir_ / "metadata" /
                               ("snap-" + std::to_string(snapshot_id) + "-" +
                                std::to_string(attempt) + "-" + commit_uuid + ".avro");
    write_new_file(
        list_path,
        write_manifest_list(snapshot_id, parent ? std::optional(parent->snapshot_id) : std::nullopt,
                            sequence, manifests));

    TableMetadata next = base;
    Snapshot snapshot;
    snapshot.snapshot_id = snapshot_id;
    if (parent != nullptr) snapshot.parent_snapshot_id = parent->snapshot_id;
    snapshot.sequence_number = sequence;
    snapshot.timestamp_ms = std::max(now_ms(), base.last_updated_ms);
    snapshot.manifest_list = file_uri(list_path);
    snapshot.schema_id = base.current_schema_id;
    const auto count = [](int64_t n) { return std::to_string(n); };
    snapshot.summary = {
        {"operation", "append"},
        {"added-data-files", count(static_cast<int64_t>(files.size()))},
        {"added-records", count(added_records)},
        {"added-files-size", count(added_size)},
        {"changed-partition-count", count(static_cast<int64_t>(partitions.size()))},
        {"total-records", summary_total(parent, "total-records", added_records)},
        {"total-files-size", summary_total(parent, "total-files-size", added_size)},
        {"total-data-files",
         summary_total(parent, "total-data-files", static_cast<int64_t>(files.size()))},
        {"total-delete-files", summary_total(parent, "total-delete-files", 0)},
        {"total-position-deletes", summary_total(parent, "total-position-deletes", 0)},
        {"total-equality-deletes", summary_total(parent, "total-equality-deletes", 0)},
        {"engine-name", "fos"},
        {"engine-version", FOS_VERSION},
    };
    for (const auto& [k, v] : options.summary) snapshot.summary.emplace_back(k, v);
    next.snapshots.push_back(snapshot);
    next.current_snapshot_id = snapshot_id;
    next.last_sequence_number = sequence;
    next.last_updated_ms = snapshot.timestamp_ms;
    next.snapshot_log.push_back({snapshot.timestamp_ms, snapshot_id});
    next.metadata_log.push_back({base.last_updated_ms, file_uri(metadata_file(dir_, version_))});

    if (publish(dir_, version_ + 1, next.to_json(), options.before_link)) {
      update_hint(dir_, version_ + 1);
      metadata_ = std::move(next);
      ++version_;
      AppendResult result;
      result.snapshot_id = snapshot_id;
      result.sequence_number = sequence;
      result.version = version_;
      result.attempts = attempt;
      result.added_files = static_cast<int64_t>(files.size());
      result.added_records = added_records;
      return result;
    }
    fs::remove(list_path);  // lost the race: this list names the wrong parent
  }
  fail(ErrorKind::kIo, dir_.string() + ": commit failed after " +
                           std::to_string(options.max_attempts) +
                           " attempts (too much contention)");
}

AppendResult IcebergTable::append(Connection& con, std::string_view source,
                                  const CommitOptions& options) {
  return append_files(write_data_files(con, source), options);
}

int IcebergTable::commit(const std::function<TableMetadata(const TableMetadata& base)>& change,
                         const CommitOptions& options) {
  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    if (attempt > 1) refresh();
    TableMetadata next = change(metadata_);
    next.last_updated_ms = std::max(now_ms(), metadata_.last_updated_ms);
    next.metadata_log.push_back(
        {metadata_.last_updated_ms, file_uri(metadata_file(dir_, version_))});
    if (publish(dir_, version_ + 1, next.to_json(), options.before_link)) {
      update_hint(dir_, version_ + 1);
      metadata_ = std::move(next);
      return ++version_;
    }
  }
  fail(ErrorKind::kIo, dir_.string() + ": commit failed after " +
                           std::to_string(options.max_attempts) +
                           " attempts (too much contention)");
}

std::vector<DataFile> IcebergTable::write_data_files(Connection& con, std::string_view source) {
  const IcebergSchema& schema = metadata_.current_schema();
  const PartitionSpec& spec = metadata_.default_spec();
  const std::string staging_name = ".fos-staging-" + Uuid::random().str();
  const fs::path staging = dir_ / "data" / staging_name;

  // Columns are taken from the source by their current name or, after a rename, by an
  // earlier name of the same field id; a column added by schema evolution that the source
  // lacks is written as null.
  const QueryResult described = con.query("DESCRIBE SELECT * FROM " + std::string(source));
  std::set<std::string> source_columns;
  for (uint64_t row = 0; row < described.row_count(); ++row) {
    source_columns.insert(described.str(row, 0));
  }
  std::string select = "SELECT ";
  std::string field_ids;
  for (const IcebergField& f : schema.fields) {
    if (!field_ids.empty()) {
      select += ", ";
      field_ids += ", ";
    }
    std::string from = "NULL";
    for (auto s = metadata_.schemas.rbegin(); s != metadata_.schemas.rend() && from == "NULL";
         ++s) {
      const IcebergField* earlier = s->find(f.id);
      if (earlier != nullptr && source_columns.count(earlier->name) != 0) {
        from = sql_identifier(earlier->name);
      }
    }
    if (from == "NULL" && metadata_.schemas.front().find(f.id) != nullptr) {
      from = sql_identifier(f.name);  // an original column: the source must have it
    }
    select += "CAST(" + from + " AS " + std::string(duckdb_type(f.type)) + ") AS " +
              sql_identifier(f.name);
    field_ids += sql_identifier(f.name) + ": " + std::to_string(f.id);
  }
  const std::string columns = select + " FROM " + std::string(source);
  select = "SELECT *";
  std::string partition_by;
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    const IcebergField* source_field = schema.find(spec.fields[i].source_id);
    const std::string column = "__fos_p" + std::to_string(i);
    select += ", " + transform_sql(spec.fields[i].transform, sql_identifier(source_field->name)) +
              " AS " + column;
    partition_by += (partition_by.empty() ? "" : ", ") + column;
  }
  select += " FROM (" + columns + ")";
  std::string copy = "COPY (" + select + ") TO " + sql_quote(staging.string()) +
                     " (FORMAT parquet, COMPRESSION zstd, FIELD_IDS {" + field_ids +
                     "}, FILENAME_PATTERN '{uuid}', RETURN_STATS";
  copy += partition_by.empty() ? ", FILE_SIZE_BYTES '512MB')"
                               : ", PARTITION_BY (" + partition_by + "))";

  std::vector<DataFile> files;
  try {
    fs::create_directories(dir_ / "data");
    if (std::any_of(spec.fields.begin(), spec.fields.end(), [](const PartitionField& p) {
          return p.transform.kind == TransformKind::kBucket;
        })) {
      con.execute(kMurmur3Macros);
    }
    const QueryResult written = con.query(copy);
    std::vector<std::string> paths;
    for (uint64_t row = 0; row < written.row_count(); ++row) paths.push_back(written.str(row, 0));
    std::sort(paths.begin(), paths.end());
    // Counts, bounds and the partition tuple of each file, from the Parquet footers DuckDB
    // just wrote (no second pass over the data); files whose footers lack a bound that a
    // scan would find (NaN in a float column, ...) are scanned instead.
    std::map<std::string, int64_t> written_rows;
    for (uint64_t row = 0; row < written.row_count(); ++row) {
      written_rows[written.str(row, 0)] = *written.int64(row, 1);
    }
    std::map<std::string, uint64_t> row_of;
    std::map<std::string, const QueryResult*> result_of;
    std::optional<QueryResult> footers;
    std::optional<QueryResult> scanned;
    std::vector<std::string> to_scan;
    std::vector<std::string> nonempty;
    for (const std::string& path : paths) {
      if (written_rows[path] > 0) nonempty.push_back(path);
    }
    if (!nonempty.empty()) {
      footers = con.query(footer_stats_sql(schema, spec, nonempty));
      const uint64_t flag = footers->column_count() - 1;
      for (uint64_t row = 0; row < footers->row_count(); ++row) {
        const std::string path = footers->str(row, 0);
        if (*footers->int64(row, flag) != 0) {
          to_scan.push_back(path);
          continue;
        }
        row_of[path] = row;
        result_of[path] = &*footers;
      }
    }
    if (!to_scan.empty()) {
      scanned = con.query(scan_stats_sql(schema, spec, to_scan));
      for (uint64_t row = 0; row < scanned->row_count(); ++row) {
        row_of[scanned->str(row, 0)] = row;
        result_of[scanned->str(row, 0)] = &*scanned;
      }
    }
    for (const std::string& path : paths) {
      const auto found = row_of.find(path);
      if (found == row_of.end()) {  // no rows
        fs::remove(path);
        continue;
      }
      const uint64_t row = found->second;
      const QueryResult* r = result_of[path];
      DataFile file;
      file.record_count = *r->int64(row, 1);
      uint64_t column = 2;
      for (const IcebergField& f : schema.fields) {
        ColumnStats s;
        s.value_count = file.record_count;
        s.null_count = file.record_count - *r->int64(row, column);
        const Value lo = read_value(*r, column + 1, f.type, row);
        const Value hi = read_value(*r, column + 2, f.type, row);
        if (f.type == IcebergType::kFloat || f.type == IcebergType::kDouble) {
          s.nan_count = *r->int64(row, column + 3);
        }
        if (f.type == IcebergType::kString && !std::holds_alternative<std::monostate>(lo)) {
          s.lower = truncate_lower(std::get<std::string>(lo), kStringBoundWidth);
          s.upper = truncate_upper(std::get<std::string>(hi), kStringBoundWidth);
        } else if (f.type != IcebergType::kBinary && !std::holds_alternative<std::monostate>(lo)) {
          s.lower = encode_single_value(f.type, lo);
          s.upper = encode_single_value(f.type, hi);
        }
        file.stats[f.id] = std::move(s);
        column += 4;
      }
      std::string partition_dir;
      for (const PartitionField& p : spec.fields) {
        const IcebergType result = p.transform.result_type(schema.find(p.source_id)->type);
        Value v = read_value(*r, column++, result, row);
        std::string text = "null";
        if (const auto* i = std::get_if<int32_t>(&v)) text = std::to_string(*i);
        if (const auto* l = std::get_if<int64_t>(&v)) text = std::to_string(*l);
        if (std::holds_alternative<std::string>(v)) text = "value";  // no user text in paths
        partition_dir += p.name + "=" + text + "/";
        file.partition.push_back(std::move(v));
      }
      const fs::path target = dir_ / "data" / partition_dir / fs::path(path).filename();
      fs::create_directories(target.parent_path());
      fs::rename(path, target);
      file.path = file_uri(target);
      file.file_size = static_cast<int64_t>(fs::file_size(target));
      files.push_back(std::move(file));
    }
    fs::remove_all(staging);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    for (const DataFile& f : files) fs::remove(local_path(f.path), ec);
    throw;
  }
  return files;
}

}  // namespace fos::lake
