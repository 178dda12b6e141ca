// Table metadata JSON: writer (JsonWriter) and parser (simdjson DOM).
#include "lake/iceberg/metadata.hpp"

#include <simdjson.h>

#include <charconv>

#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "lake/iceberg/json_fields.hpp"

namespace fos::lake {
namespace {

using simdjson::dom::element;

class Parser : public JsonFields {
 public:
  using JsonFields::JsonFields;

  IcebergSchema schema(element json) const {
    IcebergSchema s;
    s.schema_id = maybe(json, "schema-id") ? int32(json, "schema-id") : 0;
    for (element f : array(json, "fields")) {
      IcebergField field;
      field.id = int32(f, "id");
      field.name = string(f, "name");
      bool required = false;
      if (need(f, "required").get_bool().get(required) != simdjson::SUCCESS) {
        bad("required", "not a boolean");
      }
      field.required = required;
      std::string_view type;
      if (need(f, "type").get_string().get(type) != simdjson::SUCCESS) {
        bad("type", "field '" + field.name + "' has a nested type, which fos does not read");
      }
      auto parsed = parse_iceberg_type(type);
      if (!parsed) bad("type", "field '" + field.name + "': unsupported type " + std::string(type));
      field.type = *parsed;
      s.fields.push_back(std::move(field));
    }
    return s;
  }

  PartitionSpec spec(element json) const {
    PartitionSpec s;
    s.spec_id = int32(json, "spec-id");
    for (element f : array(json, "fields")) {
      PartitionField field;
      field.name = string(f, "name");
      field.source_id = int32(f, "source-id");
      field.field_id = int32(f, "field-id");
      const std::string transform = string(f, "transform");
      auto parsed = Transform::parse(transform);
      if (!parsed) bad("transform", "unsupported transform " + transform);
      field.transform = *parsed;
      s.fields.push_back(std::move(field));
    }
    return s;
  }

  SortOrder sort_order(element json) const {
    SortOrder o;
    o.order_id = int32(json, "order-id");
    for (element f : array(json, "fields")) {
      SortField field;
      field.transform = string(f, "transform");
      field.source_id = int32(f, "source-id");
      const std::string direction = string(f, "direction");
      if (direction != "asc" && direction != "desc") bad("direction", "must be asc or desc");
      field.descending = direction == "desc";
      const std::string nulls = string(f, "null-order");
      if (nulls != "nulls-first" && nulls != "nulls-last") {
        bad("null-order", "must be nulls-first or nulls-last");
      }
      field.nulls_first = nulls == "nulls-first";
      o.fields.push_back(std::move(field));
    }
    return o;
  }

  Snapshot snapshot(element json) const {
    Snapshot s;
    s.snapshot_id = int64(json, "snapshot-id");
    if (maybe(json, "parent-snapshot-id")) s.parent_snapshot_id = int64(json, "parent-snapshot-id");
    s.sequence_number = maybe(json, "sequence-number") ? int64(json, "sequence-number") : 0;
    s.timestamp_ms = int64(json, "timestamp-ms");
    s.manifest_list = string(json, "manifest-list");
    if (auto summary = maybe(json, "summary")) {
      simdjson::dom::object object;
      if (summary->get_object().get(object) != simdjson::SUCCESS) bad("summary", "not an object");
      for (auto [key, value] : object) {
        std::string_view text;
        if (value.get_string().get(text) != simdjson::SUCCESS)
          bad(key, "summary value not a string");
        s.summary.emplace_back(std::string(key), std::string(text));
      }
    }
    s.schema_id = maybe(json, "schema-id") ? int32(json, "schema-id") : 0;
    return s;
  }
};

}  // namespace

std::optional<std::string> Snapshot::summary_value(std::string_view key) const {
  for (const auto& [k, v] : summary) {
    if (k == key) return v;
  }
  return std::nullopt;
}

int64_t Snapshot::summary_count(std::string_view key) const {
  const auto text = summary_value(key);
  if (!text) return 0;
  int64_t v = 0;
  std::from_chars(text->data(), text->data() + text->size(), v);
  return v;
}

const IcebergSchema& TableMetadata::current_schema() const {
  const IcebergSchema* s = schema(current_schema_id);
  if (s == nullptr) fail(ErrorKind::kInvalidInput, "table metadata: current schema missing");
  return *s;
}

const SortOrder& TableMetadata::default_sort_order() const {
  for (const SortOrder& o : sort_orders) {
    if (o.order_id == default_sort_order_id) return o;
  }
  fail(ErrorKind::kInvalidInput, "table metadata: default sort order missing");
}

const PartitionSpec& TableMetadata::default_spec() const {
  const PartitionSpec* s = spec(default_spec_id);
  if (s == nullptr)
    fail(ErrorKind::kInvalidInput, "table metadata: default partition spec missing");
  return *s;
}

const PartitionSpec* TableMetadata::spec(int id) const {
  for (const PartitionSpec& s : specs) {
    if (s.spec_id == id) return &s;
  }
  return nullptr;
}

const IcebergSchema* TableMetadata::schema(int id) const {
  for (const IcebergSchema& s : schemas) {
    if (s.schema_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::current_snapshot() const {
  return current_snapshot_id ? snapshot(*current_snapshot_id) : nullptr;
}

const Snapshot* TableMetadata::snapshot(int64_t id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

std::string TableMetadata::to_json() const {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.field("format-version", 2);
  json.field("table-uuid", table_uuid);
  json.field("location", location);
  json.field("last-sequence-number", last_sequence_number);
  json.field("last-updated-ms", last_updated_ms);
  json.field("last-column-id", last_column_id);
  json.field("current-schema-id", current_schema_id);
  json.key("schemas");
  json.begin_array();
  for (const IcebergSchema& s : schemas) json.raw(s.to_json());
  json.end_array();
  json.field("default-spec-id", default_spec_id);
  json.key("partition-specs");
  json.begin_array();
  for (const PartitionSpec& s : specs) json.raw(s.to_json());
  json.end_array();
  json.field("last-partition-id", last_partition_id);
  json.field("default-sort-order-id", default_sort_order_id);
  json.key("sort-orders");
  json.begin_array();
  for (const SortOrder& o : sort_orders) json.raw(o.to_json());
  json.end_array();
  json.key("properties");
  json.begin_object();
  for (const auto& [k, v] : properties) json.field(k, v);
  json.end_object();
  if (current_snapshot_id) json.field("current-snapshot-id", *current_snapshot_id);
  json.key("refs");
  json.begin_object();
  if (current_snapshot_id) {
    json.key("main");
    json.begin_object();
    json.field("snapshot-id", *current_snapshot_id);
    json.field("type", "branch");
    json.end_object();
  }
  for (const auto& [name, ref] : refs) {
    json.key(name);
    json.raw(ref.json);
  }
  json.end_object();
  json.key("snapshots");
  json.begin_array();
  for (const Snapshot& s : snapshots) {
    json.begin_object();
    json.field("snapshot-id", s.snapshot_id);
    if (s.parent_snapshot_id) json.field("parent-snapshot-id", *s.parent_snapshot_id);
    json.field("sequence-number", s.sequence_number);
    json.field("timestamp-ms", s.timestamp_ms);
    json.field("manifest-list", s.manifest_list);
    json.key("summary");
    json.begin_object();
    for (const auto& [k, v] : s.summary) json.field(k, v);
    json.end_object();
    json.field("schema-id", s.schema_id);
    json.end_object();
  }
  json.end_array();
  const auto write_statistics = [&](std::string_view key,
                                    const std::vector<StatisticsFile>& files) {
    json.key(key);
    json.begin_array();
    for (const StatisticsFile& f : files) {
      if (snapshot(f.snapshot_id) != nullptr) json.raw(f.json);
    }
    json.end_array();
  };
  write_statistics("statistics", statistics);
  if (!partition_statistics.empty()) write_statistics("partition-statistics", partition_statistics);
  json.key("snapshot-log");
  json.begin_array();
  for (const SnapshotLogEntry& e : snapshot_log) {
    json.begin_object();
    json.field("timestamp-ms", e.timestamp_ms);
    json.field("snapshot-id", e.snapshot_id);
    json.end_object();
  }
  json.end_array();
  json.key("metadata-log");
  json.begin_array();
  for (const MetadataLogEntry& e : metadata_log) {
    json.begin_object();
    json.field("timestamp-ms", e.timestamp_ms);
    json.field("metadata-file", e.metadata_file);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return out;
}

TableMetadata TableMetadata::parse(std::string_view json, const std::string& what) {
  simdjson::dom::parser parser;
  element root;
  const simdjson::padded_string padded(json);
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || !root.is_object()) {
    fail(ErrorKind::kInvalidInput, what + ": not a JSON object (corrupt metadata file?)");
  }
  const Parser p(what);
  try {
    TableMetadata m;
    const int64_t version = p.int64(root, "format-version");
    if (version != 2) p.bad("format-version", "fos reads format version 2 only");
    m.table_uuid = p.string(root, "table-uuid");
    m.location = p.string(root, "location");
    m.last_sequence_number = p.int64(root, "last-sequence-number");
    m.last_updated_ms = p.int64(root, "last-updated-ms");
    m.last_column_id = p.int32(root, "last-column-id");
    for (element s : p.array(root, "schemas")) m.schemas.push_back(p.schema(s));
    m.current_schema_id = p.int32(root, "current-schema-id");
    for (element s : p.array(root, "partition-specs")) m.specs.push_back(p.spec(s));
    m.default_spec_id = p.int32(root, "default-spec-id");
    m.last_partition_id = p.int32(root, "last-partition-id");
    if (p.maybe(root, "sort-orders")) {
      m.sort_orders.clear();
      for (element o : p.array(root, "sort-orders")) m.sort_orders.push_back(p.sort_order(o));
      m.default_sort_order_id = p.int32(root, "default-sort-order-id");
    }
    if (auto props = p.maybe(root, "properties")) {
      simdjson::dom::object object;
      if (props->get_object().get(object) == simdjson::SUCCESS) {
        for (auto [key, value] : object) {
          std::string_view text;
          if (value.get_string().get(text) == simdjson::SUCCESS) {
            m.properties[std::string(key)] = std::string(text);
          }
        }
      }
    }
    if (p.maybe(root, "current-snapshot-id")) {
      const int64_t id = p.int64(root, "current-snapshot-id");
      if (id != -1) m.current_snapshot_id = id;
    }
    if (p.maybe(root, "snapshots")) {
      for (element s : p.array(root, "snapshots")) m.snapshots.push_back(p.snapshot(s));
    }
    for (const auto& [key, files] : {std::pair{"statistics", &m.statistics},
                                     std::pair{"partition-statistics", &m.partition_statistics}}) {
      if (!p.maybe(root, key)) continue;
      for (element f : p.array(root, key)) {
        files->push_back(
            {p.int64(f, "snapshot-id"), p.string(f, "statistics-path"), simdjson::minify(f)});
      }
    }
    if (auto refs = p.maybe(root, "refs")) {
      simdjson::dom::object object;
      if (refs->get_object().get(object) != simdjson::SUCCESS) p.bad("refs", "not an object");
      for (auto [name, ref] : object) {
        if (name == "main") continue;  // current-snapshot-id
        m.refs[std::string(name)] = {p.int64(ref, "snapshot-id"), simdjson::minify(ref)};
        if (m.snapshot(m.refs[std::string(name)].snapshot_id) == nullptr) {
          p.bad("refs", "'" + std::string(name) + "' names no snapshot in the file");
        }
      }
    }
    if (p.maybe(root, "snapshot-log")) {
      for (element e : p.array(root, "snapshot-log")) {
        m.snapshot_log.push_back({p.int64(e, "timestamp-ms"), p.int64(e, "snapshot-id")});
      }
    }
    if (p.maybe(root, "metadata-log")) {
      for (element e : p.array(root, "metadata-log")) {
        m.metadata_log.push_back({p.int64(e, "timestamp-ms"), p.string(e, "metadata-file")});
      }
    }
    m.current_schema();
    m.default_spec();
    m.default_sort_order();
    if (m.current_snapshot_id && m.current_snapshot() == nullptr) {
      p.bad("current-snapshot-id", "names no snapshot in the file");
    }
    return m;
  } catch (const simdjson::simdjson_error& e) {
    fail(ErrorKind::kInvalidInput, what + ": " + e.what());
  }
}

}  // namespace fos::lake
