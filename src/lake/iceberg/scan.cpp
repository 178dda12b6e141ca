// ReadableTable: lenient metadata parsing, scan planning and delete-applying DuckDB SQL.
#include "lake/iceberg/scan.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "core/error.hpp"
#include "core/output.hpp"
#include "lake/duckdb/db.hpp"
#include "lake/iceberg/avro.hpp"
#include "lake/iceberg/json_fields.hpp"

namespace fos::lake {
namespace fs = std::filesystem;
namespace {

using simdjson::dom::element;

std::optional<int64_t> parse_number(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

fs::path version_file(const fs::path& dir, int64_t version) {
  return dir / "metadata" / ("v" + std::to_string(version) + ".metadata.json");
}

// "vN.metadata.json" -> N; "NNNNN-<uuid>.metadata.json" -> NNNNN (as a negative rank below any
// vN, so the two naming schemes never mix); nullopt for other names.
std::optional<int64_t> version_of(const std::string& name, bool hadoop) {
  constexpr std::string_view kSuffix = ".metadata.json";
  if (!name.ends_with(kSuffix)) return std::nullopt;
  const std::string_view stem(name.data(), name.size() - kSuffix.size());
  if (hadoop) {
    if (!stem.starts_with('v')) return std::nullopt;
    return parse_number(stem.substr(1));
  }
  const size_t dash = stem.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  return parse_number(stem.substr(0, dash));
}

// The columns of one schema; `error` says why it cannot be read (nested types), else "".
std::vector<ScanColumn> parse_columns(const JsonFields& p, element schema, std::string& error) {
  std::vector<ScanColumn> out;
  for (element f : p.array(schema, "fields")) {
    ScanColumn c;
    c.id = static_cast<int>(p.int64(f, "id"));
    c.name = p.string(f, "name");
    std::string_view type;
    if (p.need(f, "type").get_string().get(type) != simdjson::SUCCESS) {
      error = "column '" + c.name + "' has a nested type, which fos does not read";
      c.iceberg_type = "nested";
    } else {
      c.iceberg_type = std::string(type);
      if (auto t = duckdb_type_of(c.iceberg_type)) {
        c.duckdb_type = *t;
      } else if (error.empty()) {
        error = "column '" + c.name + "' has type " + c.iceberg_type + ", which fos does not read";
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<int64_t> optional_long(const AvroDatum& record, std::string_view name) {
  const AvroDatum* d = record.get(name);
  if (d == nullptr || d->kind != AvroDatum::Kind::kLong) return std::nullopt;
  return d->number;
}

int64_t required_long(const AvroDatum& record, std::string_view name, const std::string& what) {
  auto v = optional_long(record, name);
  if (!v) fail(ErrorKind::kInvalidInput, what + ": field '" + std::string(name) + "' missing");
  return *v;
}

// A partition tuple as a comparable string.
void encode_datum(const AvroDatum& d, std::string& out) {
  out += std::to_string(static_cast<int>(d.kind)) + ":";
  switch (d.kind) {
    case AvroDatum::Kind::kBool:
      out += d.boolean ? "1" : "0";
      break;
    case AvroDatum::Kind::kLong:
      out += std::to_string(d.number);
      break;
    case AvroDatum::Kind::kDouble:
      out += std::to_string(d.real);
      break;
    case AvroDatum::Kind::kBytes:
      out += std::to_string(d.bytes.size()) + ":" + d.bytes;
      break;
    default:
      for (const AvroDatum& item : d.items) encode_datum(item, out);
      break;
  }
  out += ";";
}

std::string schema_map(const std::vector<ScanColumn>& columns) {
  std::string out = "MAP {";
  for (size_t i = 0; i < columns.size(); ++i) {
    const ScanColumn& c = columns[i];
    out += (i > 0 ? ", " : "") + std::to_string(c.id) + ": {name: " + sql_quote(c.name) +
           ", type: " + sql_quote(c.duckdb_type) + ", default_value: NULL}";
  }
  return out + "}";
}

std::string quoted_list(const std::vector<std::string>& paths) {
  std::string out = "[";
  for (size_t i = 0; i < paths.size(); ++i) out += (i > 0 ? ", " : "") + sql_quote(paths[i]);
  return out + "]";
}

bool is_parquet(const std::string& format) {
  return format == "PARQUET" || format == "parquet";
}

}  // namespace

std::optional<std::string> duckdb_type_of(const std::string& type) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"boolean", "BOOLEAN"}, {"int", "INTEGER"},         {"long", "BIGINT"},
      {"float", "FLOAT"},     {"double", "DOUBLE"},       {"date", "DATE"},
      {"time", "TIME"},       {"timestamp", "TIMESTAMP"}, {"timestamptz", "TIMESTAMPTZ"},
      {"string", "VARCHAR"},  {"uuid", "UUID"},           {"binary", "BLOB"}};
  if (auto it = kTypes.find(type); it != kTypes.end()) return it->second;
  if (type.starts_with("fixed[")) return "BLOB";
  if (type.starts_with("decimal(") && type.ends_with(")")) {
    std::string inner = type.substr(8, type.size() - 9);
    std::erase(inner, ' ');
    return "DECIMAL(" + inner + ")";
  }
  return std::nullopt;
}

std::optional<fs::path> find_metadata_file(const fs::path& dir) {
  const fs::path meta = dir / "metadata";
  std::error_code ec;
  if (!fs::is_directory(meta, ec)) return std::nullopt;
  int64_t version = 0;
  if (fs::exists(meta / "version-hint.text", ec)) {
    version = parse_number(read_file(meta / "version-hint.text")).value_or(0);
    if (version > 0 && !fs::exists(version_file(dir, version), ec)) version = 0;
  }
  const bool hinted = version > 0;
  std::optional<int64_t> best_numbered;
  fs::path numbered;
  for (const auto& entry : fs::directory_iterator(meta)) {
    const std::string name = entry.path().filename().string();
    if (auto v = version_of(name, true); v && !hinted) version = std::max(version, *v);
    if (auto v = version_of(name, false); v && (!best_numbered || *v > *best_numbered)) {
      best_numbered = v;
      numbered = entry.path();
    }
  }
  while (fs::exists(version_file(dir, version + 1), ec)) ++version;
  if (version > 0) return version_file(dir, version);
  if (best_numbered) return numbered;
  return std::nullopt;
}

ReadableTable ReadableTable::open(const fs::path& dir) {
  const std::optional<fs::path> file = find_metadata_file(dir);
  if (!file) fail(ErrorKind::kInvalidInput, "no Iceberg table at " + dir.string());
  return open_file(dir, *file);
}

ReadableTable ReadableTable::open_file(const fs::path& dir, const fs::path& file) {
  ReadableTable t;
  t.dir_ = dir;
  t.metadata_file_ = file;
  const std::string what = file.string();
  std::error_code ec;
  if (!fs::exists(file, ec)) fail(ErrorKind::kInvalidInput, "metadata file missing: " + what);
  const simdjson::padded_string text(read_file(file));
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(text).get(root) != simdjson::SUCCESS || !root.is_object()) {
    fail(ErrorKind::kInvalidInput, what + ": not a JSON object (corrupt metadata file?)");
  }
  const JsonFields p(what);
  try {
    t.format_version_ = static_cast<int>(p.int64(root, "format-version"));
    if (t.format_version_ < 1 || t.format_version_ > 2) {
      p.bad("format-version", "fos reads format versions 1 and 2");
    }
    t.location_ = p.string(root, "location");
    if (auto schemas = p.maybe(root, "schemas")) {
      for (element s : p.array(root, "schemas")) {
        std::string error;
        const int id = p.maybe(s, "schema-id") ? static_cast<int>(p.int64(s, "schema-id")) : 0;
        t.schemas_.emplace_back(id, parse_columns(p, s, error));
        t.schema_errors_.push_back(error);
      }
      t.current_schema_id_ = static_cast<int>(p.int64(root, "current-schema-id"));
    } else {
      std::string error;
      t.schemas_.emplace_back(0, parse_columns(p, p.need(root, "schema"), error));
      t.schema_errors_.push_back(error);
    }
    if (p.maybe(root, "current-snapshot-id")) {
      const int64_t id = p.int64(root, "current-snapshot-id");
      if (id != -1) t.current_snapshot_id_ = id;
    }
    if (p.maybe(root, "snapshots")) {
      for (element s : p.array(root, "snapshots")) {
        ScanSnapshot snap;
        snap.snapshot_id = p.int64(s, "snapshot-id");
        if (p.maybe(s, "sequence-number")) snap.sequence_number = p.int64(s, "sequence-number");
        snap.timestamp_ms = p.int64(s, "timestamp-ms");
        if (p.maybe(s, "schema-id")) snap.schema_id = static_cast<int>(p.int64(s, "schema-id"));
        if (p.maybe(s, "manifest-list")) {
          snap.manifest_list = p.string(s, "manifest-list");
        } else {
          for (element m : p.array(s, "manifests")) {
            std::string_view path;
            if (m.get_string().get(path) != simdjson::SUCCESS) p.bad("manifests", "not a string");
            snap.manifests.emplace_back(path);
          }
        }
        t.snapshots_.push_back(std::move(snap));
      }
    }
    if (p.maybe(root, "snapshot-log")) {
      for (element e : p.array(root, "snapshot-log")) {
        t.snapshot_log_.emplace_back(p.int64(e, "timestamp-ms"), p.int64(e, "snapshot-id"));
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    fail(ErrorKind::kInvalidInput, what + ": " + e.what());
  }
  if (t.current_snapshot_id_ && t.snapshot(*t.current_snapshot_id_) == nullptr) {
    p.bad("current-snapshot-id", "names no snapshot in the file");
  }
  t.columns();  // the current schema must exist
  return t;
}

const ScanSnapshot* ReadableTable::snapshot(int64_t id) const {
  for (const ScanSnapshot& s : snapshots_) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

std::optional<int64_t> ReadableTable::snapshot_at(int64_t timestamp_ms) const {
  std::optional<int64_t> found;
  if (!snapshot_log_.empty()) {
    for (const auto& [ts, id] : snapshot_log_) {
      if (ts <= timestamp_ms) found = id;
    }
    return found;
  }
  int64_t best = 0;
  for (const ScanSnapshot& s : snapshots_) {
    if (s.timestamp_ms <= timestamp_ms && (!found || s.timestamp_ms >= best)) {
      found = s.snapshot_id;
      best = s.timestamp_ms;
    }
  }
  return found;
}

const std::vector<ScanColumn>& ReadableTable::columns(std::optional<int> schema_id) const {
  const int id = schema_id.value_or(current_schema_id_);
  for (size_t i = 0; i < schemas_.size(); ++i) {
    if (schemas_[i].first != id) continue;
    if (!schema_errors_[i].empty()) {
      fail(ErrorKind::kInvalidInput,
           metadata_file_.string() + ": schema " + std::to_string(id) + ": " + schema_errors_[i]);
    }
    return schemas_[i].second;
  }
  fail(ErrorKind::kInvalidInput,
       metadata_file_.string() + ": no schema with id " + std::to_string(id));
}

fs::path ReadableTable::local_path(const std::string& uri) const {
  std::string_view location = location_;
  while (location.ends_with('/')) location.remove_suffix(1);
  const auto strip_scheme = [](std::string_view s) {
    const size_t colon = s.find("://");
    if (colon != std::string_view::npos) return s.substr(colon + 3);
    if (s.starts_with("file:")) return s.substr(5);
    return s;
  };
  const std::string_view loc = strip_scheme(location);
  const std::string_view rest = strip_scheme(uri);
  if (rest.starts_with(loc) && rest.size() > loc.size() && rest[loc.size()] == '/') {
    return dir_ / std::string(rest.substr(loc.size() + 1));
  }
  if (uri.starts_with("file:")) return std::string(strip_scheme(uri));
  return uri;
}

std::vector<ScanFile> ReadableTable::plan(int64_t snapshot_id) const {
  const ScanSnapshot* snap = snapshot(snapshot_id);
  if (snap == nullptr) {
    fail(ErrorKind::kInvalidInput, dir_.string() + ": no snapshot " + std::to_string(snapshot_id));
  }
  struct Manifest {
    std::string path;
    int64_t sequence = 0;
    int spec_id = 0;
  };
  std::vector<Manifest> manifests;
  if (!snap->manifest_list.empty()) {
    const fs::path list = local_path(snap->manifest_list);
    for (const AvroDatum& r : read_avro_file(read_file(list), list.string()).records) {
      const AvroDatum* path = r.get("manifest_path");
      if (path == nullptr || path->kind != AvroDatum::Kind::kBytes) {
        fail(ErrorKind::kInvalidInput, list.string() + ": manifest_path missing");
      }
      manifests.push_back({path->bytes, optional_long(r, "sequence_number").value_or(0),
                           static_cast<int>(optional_long(r, "partition_spec_id").value_or(0))});
    }
  } else {
    for (const std::string& m : snap->manifests) manifests.push_back({m, 0, 0});
  }
  std::vector<ScanFile> out;
  for (const Manifest& m : manifests) {
    const fs::path local = local_path(m.path);
    const std::string what = local.string();
    for (const AvroDatum& r : read_avro_file(read_file(local), what).records) {
      const int64_t status = required_long(r, "status", what);
      if (status == 2) continue;  // DELETED
      const AvroDatum* f = r.get("data_file");
      if (f == nullptr) fail(ErrorKind::kInvalidInput, what + ": data_file missing");
      ScanFile file;
      file.content = static_cast<int>(optional_long(*f, "content").value_or(0));
      const AvroDatum* path = f->get("file_path");
      if (path == nullptr || path->kind != AvroDatum::Kind::kBytes) {
        fail(ErrorKind::kInvalidInput, what + ": file_path missing");
      }
      file.path = path->bytes;
      file.local = local_path(file.path);
      if (const AvroDatum* format = f->get("file_format")) file.format = format->bytes;
      file.record_count = required_long(*f, "record_count", what);
      file.sequence_number = optional_long(r, "sequence_number").value_or(m.sequence);
      file.spec_id = m.spec_id;
      if (const AvroDatum* p = f->get("partition"); p != nullptr && !p->items.empty()) {
        encode_datum(*p, file.partition_key);
      }
      if (const AvroDatum* ids = f->get("equality_ids");
          ids != nullptr && ids->kind == AvroDatum::Kind::kArray) {
        for (const AvroDatum& id : ids->items)
          file.equality_ids.push_back(static_cast<int>(id.number));
      }
      out.push_back(std::move(file));
    }
  }
  return out;
}

std::string ReadableTable::select_sql(std::optional<int64_t> snapshot_id) const {
  const ScanSnapshot* snap = snapshot_id ? snapshot(*snapshot_id) : nullptr;
  // The current snapshot reads with the current schema (renames apply); an older one with
  // the schema it was written under, as Iceberg's time travel does.
  const bool current = snap == nullptr || snapshot_id == current_snapshot_id_;
  const std::vector<ScanColumn>& cols = columns(current ? std::nullopt : snap->schema_id);
  std::string names;
  std::string empty;
  for (const ScanColumn& c : cols) {
    names += (names.empty() ? "" : ", ") + sql_identifier(c.name);
    empty += (empty.empty() ? "" : ", ") + ("CAST(NULL AS " + c.duckdb_type + ") AS ") +
             sql_identifier(c.name);
  }
  std::string empty_sql = "SELECT " + empty + " WHERE false";
  if (snap == nullptr) return empty_sql;

  std::vector<ScanFile> data;
  std::vector<ScanFile> deletes;
  for (ScanFile& f : plan(snap->snapshot_id)) {
    if (!is_parquet(f.format)) {
      fail(ErrorKind::kInvalidInput,
           dir_.string() + ": file format " + f.format + " is not supported (" + f.path + ")");
    }
    std::error_code ec;
    if (!fs::exists(f.local, ec)) {
      fail(ErrorKind::kInvalidInput, dir_.string() + ": data file missing: " + f.local.string());
    }
    (f.content == 0 ? data : deletes).push_back(std::move(f));
  }
  if (data.empty()) return empty_sql;

  const std::string map = schema_map(cols);
  std::vector<std::string> plain;
  std::vector<std::string> parts;
  for (const ScanFile& d : data) {
    std::vector<std::string> positional;
    std::vector<const ScanFile*> equality;
    for (const ScanFile& x : deletes) {
      if (x.content == 1 && d.sequence_number <= x.sequence_number) {
        positional.push_back(x.local.string());
      }
      const bool same_partition = x.partition_key == d.partition_key && x.spec_id == d.spec_id;
      const bool global = x.partition_key.empty();  // unpartitioned deletes apply everywhere
      if (x.content == 2 && d.sequence_number < x.sequence_number && (global || same_partition)) {
        equality.push_back(&x);
      }
    }
    if (positional.empty() && equality.empty()) {
      plain.push_back(d.local.string());
      continue;
    }
    std::string sql = "SELECT " + names + " FROM read_parquet(";
    sql += quoted_list({d.local.string()});
    sql += ", schema = " + map + ", file_row_number = true) AS d WHERE true";
    if (!positional.empty()) {
      sql += " AND d.file_row_number NOT IN (SELECT pos FROM read_parquet(" +
             quoted_list(positional) + ") WHERE file_path = " + sql_quote(d.path) + ")";
    }
    for (const ScanFile* e : equality) {
      std::vector<ScanColumn> keys;
      std::string match;
      for (int id : e->equality_ids) {
        auto it =
            std::find_if(cols.begin(), cols.end(), [&](const ScanColumn& c) { return c.id == id; });
        if (it == cols.end()) {
          fail(ErrorKind::kInvalidInput, e->path + ": equality field id " + std::to_string(id) +
                                             " is not in the table schema");
        }
        keys.push_back(*it);
        const std::string c = sql_identifier(it->name);
        match += " AND e." + c;
        match += " IS NOT DISTINCT FROM d." + c;
      }
      if (keys.empty()) {
        fail(ErrorKind::kInvalidInput, e->path + ": equality delete file without equality_ids");
      }
      sql += " AND NOT EXISTS (SELECT 1 FROM read_parquet(" + quoted_list({e->local.string()}) +
             ", schema = " + schema_map(keys) + ") AS e WHERE true" + match + ")";
    }
    parts.push_back(sql);
  }
  if (!plain.empty()) {
    parts.insert(parts.begin(), "SELECT " + names + " FROM read_parquet(" + quoted_list(plain) +
                                    ", schema = " + map + ")");
  }
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : " UNION ALL ") + part;
  return out;
}

}  // namespace fos::lake
