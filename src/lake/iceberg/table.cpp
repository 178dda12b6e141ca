// IcebergTable: create/open in the file-system layout, optimistic commits, DuckDB data files.
#include "lake/iceberg/table.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "core/date.hpp"
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
// The DuckDB function (registered per connection) giving Iceberg's Murmur3 of a string.
constexpr std::string_view kStringHash = "fos_murmur3_string";

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

// Write `bytes` to `path` (which must not exist). Not flushed here: publish() makes every
// file of the table durable at once before it links the metadata that references them.
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
  if (::close(fd) != 0) io_fail("writing", path);
}

// Flush every file written so far on the file system holding `dir` (the data files DuckDB
// wrote, manifests, manifest lists, the metadata about to be linked): one syncfs instead of
// one fsync per file.
void sync_file_system(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) io_fail("opening", dir);
  if (::syncfs(fd) != 0) {
    ::close(fd);
    io_fail("flushing", dir);
  }
  ::close(fd);
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
  sync_file_system(dir / "metadata");  // data, manifests and metadata durable before the link
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
             type == IcebergType::kDate || type == IcebergType::kTimestamp ||
             type == IcebergType::kTimestamptz || type == IcebergType::kString;
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

// The SQL of Iceberg's bucket hash (Appendix B) of `column` of type `type`: ints, longs,
// dates (days) and timestamps (microseconds) hash as an 8-byte little-endian long through the
// kMurmur3Macros, strings as their UTF-8 bytes through the registered kStringHash function.
std::string bucket_hash_sql(IcebergType type, const std::string& column) {
  switch (type) {
    case IcebergType::kInt:
    case IcebergType::kLong:
      return "fos_murmur3_long(CAST(" + column + " AS BIGINT))";
    case IcebergType::kDate:
      return "fos_murmur3_long(CAST(date_diff('day', DATE '1970-01-01', " + column +
             ") AS BIGINT))";
    case IcebergType::kTimestamp:
    case IcebergType::kTimestamptz:
      return "fos_murmur3_long(epoch_us(" + column + "))";
    case IcebergType::kString:
      return std::string(kStringHash) + "(" + column + ")";
    default:
      fail(ErrorKind::kInvalidInput,
           "bucket transform: type " + std::string(to_string(type)) + " cannot be bucketed");
  }
}

// The SQL expression of a partition transform over `column` (quoted) of type `type`.
std::string transform_sql(const Transform& t, const std::string& column, IcebergType type) {
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
    case TransformKind::kBucket:
      return "CAST((" + bucket_hash_sql(type, column) + " & 2147483647) % " +
             std::to_string(t.buckets) + " AS INTEGER)";
  }
  fail(ErrorKind::kInvalidInput,
       "partition transform " + t.str() + " is not supported when writing through DuckDB");
}

// While alive (and `active`), the connection's database runs queries on one thread; the
// previous setting is restored after.
class OneDuckdbThread {
 public:
  OneDuckdbThread(Connection& con, bool active) : con_(con) {
    if (!active) return;
    threads_ = con.query("SELECT current_setting('threads')").str(0, 0);
    con.execute("SET threads = 1");
  }
  OneDuckdbThread(const OneDuckdbThread&) = delete;
  OneDuckdbThread& operator=(const OneDuckdbThread&) = delete;
  ~OneDuckdbThread() {
    if (!threads_) return;
    try {
      con_.execute("SET threads = " + *threads_);
    } catch (const Error&) {  // nothing to do in a destructor; the next append sets its own
    }
  }

 private:
  Connection& con_;
  std::optional<std::string> threads_;
};

// The ORDER BY list of a sort order over the columns of `schema`; nullopt when the order is
// unsorted or names a transform or column fos cannot apply (the files are then written
// unsorted and say so with sort order id 0).
std::optional<std::string> sort_sql(const SortOrder& order, const IcebergSchema& schema) {
  if (order.fields.empty()) return std::nullopt;
  std::string out;
  for (const SortField& k : order.fields) {
    const auto transform = Transform::parse(k.transform);
    const IcebergField* field = schema.find(k.source_id);
    if (!transform || field == nullptr || !transform_applies(*transform, field->type)) {
      return std::nullopt;
    }
    const std::string column = sql_identifier(field->name);
    out += out.empty() ? "" : ", ";
    out += transform->kind == TransformKind::kIdentity
               ? column
               : transform_sql(*transform, column, field->type);
    out += k.descending ? " DESC" : " ASC";
    out += k.nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  return out;
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
    sql +=
        ", " + exact_sql(result, "min(" +
                                     transform_sql(p.transform, sql_identifier(source_field->name),
                                                   source_field->type) +
                                     ")");
  }
  return sql + " FROM read_parquet(" + sql_list(paths) +
         ", filename = '__fos_file', hive_partitioning = false) GROUP BY __fos_file";
}

// The PARTITION_BY columns of a write: the source columns themselves when every field is an
// identity named after its column (written into the files too), else one added column per
// field named after it, or __fos_p<i> where that name is a column of the table.
struct PartitionColumns {
  std::vector<std::string> names;
  bool identity_only = false;
};

PartitionColumns partition_columns(const IcebergSchema& schema, const PartitionSpec& spec) {
  PartitionColumns out;
  if (spec.fields.empty()) return out;
  out.identity_only = std::all_of(spec.fields.begin(), spec.fields.end(), [&](const auto& p) {
    return p.transform.kind == TransformKind::kIdentity && schema.find(p.source_id)->name == p.name;
  });
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    const std::string& name = spec.fields[i].name;
    const bool clash = schema.find(name) != nullptr || name.starts_with("__fos_p");
    out.names.push_back(out.identity_only || !clash ? name : "__fos_p" + std::to_string(i));
  }
  return out;
}

// Days since 1970-01-01 of "YYYY-MM-DD".
std::optional<int32_t> parse_days(std::string_view text) {
  const std::optional<Date> date = Date::parse(text);
  if (!date) return std::nullopt;
  return date->days();
}

// Microseconds since the epoch of DuckDB's "YYYY-MM-DD HH:MM:SS[.f...]".
std::optional<int64_t> parse_micros(std::string_view text) {
  if (text.size() < 19 || text[10] != ' ' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const std::optional<int32_t> days = parse_days(text.substr(0, 10));
  int64_t micros = 0;
  for (const size_t at : {size_t{11}, size_t{14}, size_t{17}}) {
    int part = 0;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + 2, part);
    if (!days || ec != std::errc() || end != text.data() + at + 2) return std::nullopt;
    micros = micros * 60 + part;
  }
  micros *= 1000000;
  std::string_view fraction = text.substr(19);
  if (!fraction.empty()) {
    if (fraction[0] != '.' || fraction.size() > 7) return std::nullopt;
    int64_t scale = 100000;
    for (const char c : fraction.substr(1)) {
      if (c < '0' || c > '9') return std::nullopt;
      micros += (c - '0') * scale;
      scale /= 10;
    }
  }
  return *days * int64_t{86400000000} + micros;
}

// A value DuckDB printed (RETURN_STATS bounds and partition keys) as a Value of `type`;
// nullopt when the text does not parse exactly (the file is then scanned).
std::optional<Value> parse_stat(IcebergType type, const std::string& text) {
  const char* end = text.data() + text.size();
  switch (type) {
    case IcebergType::kBoolean:
      if (text == "true" || text == "false") return Value(text == "true");
      return std::nullopt;
    case IcebergType::kInt: {
      int32_t v = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), end, v);
      if (ec != std::errc() || ptr != end) return std::nullopt;
      return Value(v);
    }
    case IcebergType::kLong: {
      int64_t v = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), end, v);
      if (ec != std::errc() || ptr != end) return std::nullopt;
      return Value(v);
    }
    case IcebergType::kFloat:
    case IcebergType::kDouble: {
      char* stop = nullptr;
      const double v = std::strtod(text.c_str(), &stop);
      if (text.empty() || stop != end) return std::nullopt;
      return Value(v);
    }
    case IcebergType::kDate:
      if (const auto days = parse_days(text)) return Value(*days);
      return std::nullopt;
    case IcebergType::kTimestamp:
      if (const auto micros = parse_micros(text)) return Value(*micros);
      return std::nullopt;
    case IcebergType::kString:
      return Value(text);
    case IcebergType::kTimestamptz:  // printed in the session's time zone: scanned instead
    case IcebergType::kBinary:
      return std::nullopt;
  }
  return std::nullopt;
}

// The bounds of a column with values, in Iceberg's encoding (strings truncated).
void set_bounds(ColumnStats& s, IcebergType type, const Value& lo, const Value& hi) {
  if (type == IcebergType::kString) {
    s.lower = truncate_lower(std::get<std::string>(lo), kStringBoundWidth);
    s.upper = truncate_upper(std::get<std::string>(hi), kStringBoundWidth);
  } else if (type != IcebergType::kBinary) {
    s.lower = encode_single_value(type, lo);
    s.upper = encode_single_value(type, hi);
  }
}

// A data file described from one row of `COPY ... RETURN_STATS` (filename, count,
// file_size_bytes, footer_size_bytes, column_statistics, partition_keys): counts and bounds
// per column, the partition tuple from the partition keys (null where the source column is
// all null). nullopt when something a scan would give is missing: a NaN in a float column
// (DuckDB reports has_nan, Iceberg wants the count), a bound of a column holding values, a
// bound that does not parse.
std::optional<DataFile> file_from_stats(const IcebergSchema& schema, const PartitionSpec& spec,
                                        const std::vector<std::string>& keys,
                                        const std::vector<Cell>& row) {
  if (row.size() < 6) return std::nullopt;
  DataFile file;
  file.record_count = std::stoll(row[1].text);
  std::map<int, int64_t> nulls;
  for (const IcebergField& f : schema.fields) {
    const Cell* stats = row[4].find(sql_identifier(f.name));
    const Cell* null_count = stats != nullptr ? stats->find("null_count") : nullptr;
    if (null_count == nullptr || null_count->null) return std::nullopt;
    ColumnStats s;
    s.value_count = file.record_count;
    s.null_count = std::stoll(null_count->text);
    nulls[f.id] = s.null_count;
    if (f.type == IcebergType::kFloat || f.type == IcebergType::kDouble) {
      const Cell* nan = stats->find("has_nan");
      if (nan != nullptr && nan->text != "false") return std::nullopt;
      s.nan_count = 0;
    }
    if (s.null_count < file.record_count && f.type != IcebergType::kBinary) {
      const Cell* min = stats->find("min");
      const Cell* max = stats->find("max");
      if (min == nullptr || max == nullptr || min->null || max->null) return std::nullopt;
      std::optional<Value> lo = parse_stat(f.type, min->text);
      std::optional<Value> hi = parse_stat(f.type, max->text);
      if (!lo || !hi) return std::nullopt;
      set_bounds(s, f.type, *lo, *hi);
    }
    file.stats[f.id] = std::move(s);
  }
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    const PartitionField& p = spec.fields[i];
    if (nulls[p.source_id] == file.record_count) {
      file.partition.emplace_back(std::monostate{});
      continue;
    }
    const Cell* key = row[5].find(keys[i]);
    if (key == nullptr || key->null) return std::nullopt;
    std::optional<Value> v =
        parse_stat(p.transform.result_type(schema.find(p.source_id)->type), key->text);
    if (!v) return std::nullopt;
    file.partition.push_back(std::move(*v));
  }
  return file;
}

// Counts, bounds and the partition tuple of `file` from row `row` of scan_stats_sql.
void fill_from_scan(const IcebergSchema& schema, const PartitionSpec& spec, const QueryResult& r,
                    uint64_t row, DataFile& file) {
  file.record_count = *r.int64(row, 1);
  uint64_t column = 2;
  for (const IcebergField& f : schema.fields) {
    ColumnStats s;
    s.value_count = file.record_count;
    s.null_count = file.record_count - *r.int64(row, column);
    const Value lo = read_value(r, column + 1, f.type, row);
    const Value hi = read_value(r, column + 2, f.type, row);
    if (f.type == IcebergType::kFloat || f.type == IcebergType::kDouble) {
      s.nan_count = *r.int64(row, column + 3);
    }
    if (!std::holds_alternative<std::monostate>(lo)) set_bounds(s, f.type, lo, hi);
    file.stats[f.id] = std::move(s);
    column += 4;
  }
  file.partition.clear();
  for (const PartitionField& p : spec.fields) {
    const IcebergType result = p.transform.result_type(schema.find(p.source_id)->type);
    file.partition.push_back(read_value(r, column++, result, row));
  }
}

// Remove the files under `data` whose names start with `prefix` (a failed write's).
void remove_written(const fs::path& data, const std::string& prefix) {
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (fs::recursive_directory_iterator it(data, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(prefix)) doomed.push_back(it->path());
  }
  for (const fs::path& path : doomed) fs::remove(path, ec);
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
  for (const SortDefinition& k : sort) {
    auto it = std::find_if(columns.begin(), columns.end(),
                           [&](const ColumnDefinition& c) { return c.name == k.column; });
    if (it == columns.end())
      fail(ErrorKind::kInvalidInput, "sort: unknown column '" + k.column + "'");
    if (!transform_applies(k.transform, it->type)) {
      fail(ErrorKind::kInvalidInput, "sort: transform " + k.transform.str() +
                                         " does not apply to column '" + k.column + "' of type " +
                                         std::string(to_string(it->type)));
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
  if (!definition.sort.empty()) {
    SortOrder order{1, {}};
    for (const SortDefinition& k : definition.sort) {
      order.fields.push_back(
          {k.transform.str(), schema.find(k.column)->id, k.descending, k.nulls_first});
    }
    m.sort_orders.push_back(std::move(order));
    m.default_sort_order_id = 1;
  }
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
  const fs::path data = dir_ / "data";
  // Every file of this write starts with this prefix: DuckDB writes them under their final
  // names (no staging folder, no renames), and a failed write removes exactly these.
  const std::string prefix = Uuid::random().str();

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
  const PartitionColumns partition = partition_columns(schema, spec);
  const std::vector<std::string>& keys = partition.names;
  const bool identity_only = partition.identity_only;
  select = "SELECT *";
  std::string partition_by;
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    if (!identity_only) {
      const IcebergField* source_field = schema.find(spec.fields[i].source_id);
      select += ", " +
                transform_sql(spec.fields[i].transform, sql_identifier(source_field->name),
                              source_field->type) +
                " AS " + sql_identifier(keys[i]);
    }
    partition_by += (partition_by.empty() ? "" : ", ") + sql_identifier(keys[i]);
  }
  select += " FROM (" + columns + ")";
  const SortOrder& order = metadata_.default_sort_order();
  const std::optional<std::string> order_by = sort_sql(order, schema);
  if (order_by) select += " ORDER BY " + *order_by;
  std::string copy = "COPY (" + select + ") TO " + sql_quote(data.string()) +
                     " (FORMAT parquet, COMPRESSION zstd, FIELD_IDS {" + field_ids +
                     "}, FILENAME_PATTERN " + sql_quote(prefix + "-{i}") +
                     ", OVERWRITE_OR_IGNORE, RETURN_STATS";
  if (partition_by.empty()) {
    copy += ", FILE_SIZE_BYTES '512MB')";
  } else {
    copy += ", PARTITION_BY (" + partition_by + ")";
    copy += identity_only ? ", WRITE_PARTITION_COLUMNS true)" : ")";
  }

  std::vector<DataFile> files;
  try {
    fs::create_directories(data);
    const bool sorted_by_bucket =
        order_by && std::any_of(order.fields.begin(), order.fields.end(), [](const SortField& k) {
          return k.transform.starts_with("bucket");
        });
    if (sorted_by_bucket ||
        std::any_of(spec.fields.begin(), spec.fields.end(), [](const PartitionField& p) {
          return p.transform.kind == TransformKind::kBucket;
        })) {
      con.execute(kMurmur3Macros);
      con.register_string_function(std::string(kStringHash), [](std::string_view text) {
        return murmur3_32(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
      });
    }
    // Counts, bounds, sizes and partition values of each file as DuckDB's writer reports them
    // (no second pass, no footer reads); files whose statistics lack something a scan would
    // give (a NaN, a missing bound) are scanned instead.
    // DuckDB's Parquet writer (with these options) keeps each thread's rows in order but
    // interleaves threads within a file, so a sorted append runs on one DuckDB thread.
    std::vector<std::vector<Cell>> written;
    {
      const OneDuckdbThread one_thread(con, order_by.has_value());
      written = con.query_cells(copy);
    }
    std::vector<std::string> to_scan;
    std::map<std::string, size_t> pending;  // path -> index in files
    for (const std::vector<Cell>& row : written) {
      const std::string& path = row[0].text;
      const int64_t count = std::stoll(row[1].text);
      if (count == 0) {
        fs::remove(path);
        continue;
      }
      std::optional<DataFile> file = file_from_stats(schema, spec, keys, row);
      if (!file) {
        DataFile placeholder;
        placeholder.path = path;
        placeholder.file_size = std::stoll(row[2].text);
        pending[path] = files.size();
        files.push_back(std::move(placeholder));
        to_scan.push_back(path);
        continue;
      }
      file->path = file_uri(path);
      file->file_size = std::stoll(row[2].text);
      files.push_back(std::move(*file));
    }
    if (!to_scan.empty()) {
      const QueryResult scanned = con.query(scan_stats_sql(schema, spec, to_scan));
      for (uint64_t row = 0; row < scanned.row_count(); ++row) {
        DataFile& file = files[pending.at(scanned.str(row, 0))];
        fill_from_scan(schema, spec, scanned, row, file);
        file.path = file_uri(file.path);
      }
    }
    std::sort(files.begin(), files.end(),
              [](const DataFile& a, const DataFile& b) { return a.path < b.path; });
    for (DataFile& file : files) file.sort_order_id = order_by ? order.order_id : 0;
  } catch (...) {
    remove_written(data, prefix);
    throw;
  }
  return files;
}

}  // namespace fos::lake
