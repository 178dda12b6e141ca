// Manifest and manifest-list Avro schemas (built field by field from the spec's tables),
// their encoders, and their decoders.
#include "lake/iceberg/manifest.hpp"

#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "lake/iceberg/avro.hpp"

namespace fos::lake {
namespace {

// Appends Avro schema JSON for record fields with Iceberg field ids.
class SchemaBuilder {
 public:
  explicit SchemaBuilder(std::string& out) : json_(out) {}

  void begin_record(std::string_view name) {
    json_.begin_object();
    json_.field("type", "record");
    json_.field("name", name);
    json_.key("fields");
    json_.begin_array();
  }
  void end_record() {
    json_.end_array();
    json_.end_object();
  }
  /// A required field of a primitive type.
  void field(std::string_view name, std::string_view type, int id) {
    begin_field(name);
    json_.field("type", type);
    end_field(id);
  }
  /// An optional field: ["null", type].
  void optional(std::string_view name, std::string_view type, int id) {
    begin_field(name);
    json_.key("type");
    json_.begin_array();
    json_.value("null");
    json_.value(type);
    json_.end_array();
    json_.key("default");
    json_.null();
    end_field(id);
  }
  /// An optional field whose non-null branch is the raw JSON `type`.
  void optional_raw(std::string_view name, std::string_view type, int id) {
    begin_field(name);
    json_.key("type");
    json_.raw("[\"null\"," + std::string(type) + "]");
    json_.key("default");
    json_.null();
    end_field(id);
  }
  void begin_field(std::string_view name) {
    json_.begin_object();
    json_.field("name", name);
  }
  void end_field(int id) {
    json_.field("field-id", id);
    json_.end_object();
  }
  JsonWriter& json() { return json_; }

 private:
  JsonWriter json_;
};

// An Iceberg map with int keys: an array of {key, value} records, logicalType map.
std::string int_map_type(std::string_view value_type, int key_id, int value_id) {
  std::string out;
  SchemaBuilder b(out);
  b.json().begin_object();
  b.json().field("type", "array");
  b.json().key("items");
  b.begin_record("k" + std::to_string(key_id) + "_v" + std::to_string(value_id));
  b.field("key", "int", key_id);
  b.field("value", value_type, value_id);
  b.end_record();
  b.json().field("logicalType", "map");
  b.json().end_object();
  return out;
}

std::string list_type(std::string_view element, int element_id) {
  return R"({"type":"array","items":")" + std::string(element) + R"(","element-id":)" +
         std::to_string(element_id) + "}";
}

std::string avro_type(IcebergType type) {
  switch (type) {
    case IcebergType::kBoolean:
      return "\"boolean\"";
    case IcebergType::kInt:
      return "\"int\"";
    case IcebergType::kLong:
      return "\"long\"";
    case IcebergType::kFloat:
      return "\"float\"";
    case IcebergType::kDouble:
      return "\"double\"";
    case IcebergType::kDate:
      return R"({"type":"int","logicalType":"date"})";
    case IcebergType::kTimestamp:
      return R"({"type":"long","logicalType":"timestamp-micros","adjust-to-utc":false})";
    case IcebergType::kTimestamptz:
      return R"({"type":"long","logicalType":"timestamp-micros","adjust-to-utc":true})";
    case IcebergType::kString:
      return "\"string\"";
    case IcebergType::kBinary:
      return "\"bytes\"";
  }
  return "\"null\"";
}

std::vector<IcebergType> partition_types(const IcebergSchema& schema, const PartitionSpec& spec) {
  std::vector<IcebergType> types;
  for (const PartitionField& p : spec.fields) {
    const IcebergField* source = schema.find(p.source_id);
    if (source == nullptr) {
      fail(ErrorKind::kInvalidInput, "partition field '" + p.name + "': source id " +
                                         std::to_string(p.source_id) + " is not in the schema");
    }
    types.push_back(p.transform.result_type(source->type));
  }
  return types;
}

std::string manifest_schema(const std::vector<IcebergType>& types, const PartitionSpec& spec) {
  std::string out;
  SchemaBuilder b(out);
  b.begin_record("manifest_entry");
  b.field("status", "int", 0);
  b.optional("snapshot_id", "long", 1);
  b.optional("sequence_number", "long", 3);
  b.optional("file_sequence_number", "long", 4);
  b.begin_field("data_file");
  b.json().key("type");
  b.begin_record("r2");
  b.field("content", "int", 134);
  b.field("file_path", "string", 100);
  b.field("file_format", "string", 101);
  b.begin_field("partition");
  b.json().key("type");
  b.begin_record("r102");
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    b.optional_raw(spec.fields[i].name, avro_type(types[i]), spec.fields[i].field_id);
  }
  b.end_record();
  b.end_field(102);
  b.field("record_count", "long", 103);
  b.field("file_size_in_bytes", "long", 104);
  b.optional_raw("column_sizes", int_map_type("long", 117, 118), 108);
  b.optional_raw("value_counts", int_map_type("long", 119, 120), 109);
  b.optional_raw("null_value_counts", int_map_type("long", 121, 122), 110);
  b.optional_raw("nan_value_counts", int_map_type("long", 138, 139), 137);
  b.optional_raw("lower_bounds", int_map_type("bytes", 126, 127), 125);
  b.optional_raw("upper_bounds", int_map_type("bytes", 129, 130), 128);
  b.optional("key_metadata", "bytes", 131);
  b.optional_raw("split_offsets", list_type("long", 133), 132);
  b.optional_raw("equality_ids", list_type("int", 136), 135);
  b.optional("sort_order_id", "int", 140);
  b.optional("referenced_data_file", "string", 143);
  b.end_record();
  b.end_field(2);
  b.end_record();
  return out;
}

std::string manifest_list_schema() {
  std::string out;
  SchemaBuilder b(out);
  b.begin_record("manifest_file");
  b.field("manifest_path", "string", 500);
  b.field("manifest_length", "long", 501);
  b.field("partition_spec_id", "int", 502);
  b.field("content", "int", 517);
  b.field("sequence_number", "long", 515);
  b.field("min_sequence_number", "long", 516);
  b.field("added_snapshot_id", "long", 503);
  b.field("added_files_count", "int", 504);
  b.field("existing_files_count", "int", 505);
  b.field("deleted_files_count", "int", 506);
  b.field("added_rows_count", "long", 512);
  b.field("existing_rows_count", "long", 513);
  b.field("deleted_rows_count", "long", 514);
  std::string partitions;
  SchemaBuilder p(partitions);
  p.json().begin_object();
  p.json().field("type", "array");
  p.json().key("items");
  p.begin_record("r508");
  p.field("contains_null", "boolean", 509);
  p.optional("contains_nan", "boolean", 518);
  p.optional("lower_bound", "bytes", 510);
  p.optional("upper_bound", "bytes", 511);
  p.end_record();
  p.json().field("element-id", 508);
  p.json().end_object();
  b.optional_raw("partitions", partitions, 507);
  b.optional("key_metadata", "bytes", 519);
  b.end_record();
  return out;
}

void put_optional_long(AvroEncoder& e, const std::optional<int64_t>& v) {
  if (!v) {
    e.put_union(0);
    return;
  }
  e.put_union(1);
  e.put_long(*v);
}

void put_optional_bytes(AvroEncoder& e, const std::optional<std::string>& v) {
  if (!v) {
    e.put_union(0);
    return;
  }
  e.put_union(1);
  e.put_bytes(*v);
}

void put_value(AvroEncoder& e, IcebergType type, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) {
    e.put_union(0);
    return;
  }
  e.put_union(1);
  switch (type) {
    case IcebergType::kBoolean:
      e.put_bool(std::get<bool>(value));
      return;
    case IcebergType::kInt:
    case IcebergType::kDate:
    case IcebergType::kLong:
    case IcebergType::kTimestamp:
    case IcebergType::kTimestamptz:
      e.put_long(std::holds_alternative<int32_t>(value) ? std::get<int32_t>(value)
                                                        : std::get<int64_t>(value));
      return;
    case IcebergType::kFloat:
      e.put_float(static_cast<float>(std::get<double>(value)));
      return;
    case IcebergType::kDouble:
      e.put_double(std::get<double>(value));
      return;
    case IcebergType::kString:
    case IcebergType::kBinary:
      e.put_bytes(std::get<std::string>(value));
      return;
  }
}

// Writes one optional int->T map from the stats, skipping columns without a value.
template <typename Get>
void put_stats_map(AvroEncoder& e, const std::map<int, ColumnStats>& stats, Get get) {
  int64_t count = 0;
  for (const auto& [id, s] : stats) count += get(s).has_value() ? 1 : 0;
  e.put_union(1);
  if (count > 0) {
    e.put_block_count(count);
    for (const auto& [id, s] : stats) {
      const auto v = get(s);
      if (!v) continue;
      e.put_int(id);
      if constexpr (std::is_same_v<std::decay_t<decltype(*v)>, std::string>) {
        e.put_bytes(*v);
      } else {
        e.put_long(*v);
      }
    }
  }
  e.put_block_count(0);
}

void put_entry(AvroEncoder& e, const std::vector<IcebergType>& types, const ManifestEntry& entry) {
  e.put_int(static_cast<int32_t>(entry.status));
  put_optional_long(e, entry.snapshot_id);
  put_optional_long(e, entry.sequence_number);
  put_optional_long(e, entry.file_sequence_number);
  const DataFile& f = entry.file;
  e.put_int(f.content);
  e.put_string(f.path);
  e.put_string(f.format);
  if (f.partition.size() != types.size()) {
    fail(ErrorKind::kInternal, "data file " + f.path + ": partition tuple does not fit the spec");
  }
  for (size_t i = 0; i < types.size(); ++i) put_value(e, types[i], f.partition[i]);
  e.put_long(f.record_count);
  e.put_long(f.file_size);
  e.put_union(0);  // column_sizes
  using S = ColumnStats;
  put_stats_map(e, f.stats, [](const S& s) { return std::optional<int64_t>(s.value_count); });
  put_stats_map(e, f.stats, [](const S& s) { return std::optional<int64_t>(s.null_count); });
  put_stats_map(e, f.stats, [](const S& s) { return s.nan_count; });
  put_stats_map(e, f.stats, [](const S& s) { return s.lower; });
  put_stats_map(e, f.stats, [](const S& s) { return s.upper; });
  e.put_union(0);  // key_metadata
  e.put_union(0);  // split_offsets
  e.put_union(0);  // equality_ids
  if (f.sort_order_id) {
    e.put_union(1);
    e.put_int(*f.sort_order_id);
  } else {
    e.put_union(0);
  }
  e.put_union(0);  // referenced_data_file
}

// Typed comparison of two non-null values of the same alternative.
bool less(const Value& a, const Value& b) {
  return a < b;
}

// ---- decoding helpers ----

int64_t get_long(const AvroDatum& record, std::string_view name, const std::string& what) {
  const AvroDatum* d = record.get(name);
  if (d == nullptr || d->kind != AvroDatum::Kind::kLong) {
    fail(ErrorKind::kInvalidInput, what + ": field '" + std::string(name) + "' missing or null");
  }
  return d->number;
}

std::optional<int64_t> get_optional_long(const AvroDatum& record, std::string_view name) {
  const AvroDatum* d = record.get(name);
  if (d == nullptr || d->kind != AvroDatum::Kind::kLong) return std::nullopt;
  return d->number;
}

std::optional<std::string> get_optional_bytes(const AvroDatum& record, std::string_view name) {
  const AvroDatum* d = record.get(name);
  if (d == nullptr || d->kind != AvroDatum::Kind::kBytes) return std::nullopt;
  return d->bytes;
}

// Either field name (old and new Java names of manifest-list counts).
int64_t get_long_either(const AvroDatum& record, std::string_view a, std::string_view b,
                        const std::string& what) {
  return record.get(a) != nullptr ? get_long(record, a, what) : get_long(record, b, what);
}

template <typename Set>
void read_stats_map(const AvroDatum* map, Set set) {
  if (map == nullptr || map->kind != AvroDatum::Kind::kArray) return;
  for (const AvroDatum& kv : map->items) {
    const AvroDatum* key = kv.get("key");
    const AvroDatum* value = kv.get("value");
    if (key == nullptr || value == nullptr) continue;
    set(static_cast<int>(key->number), *value);
  }
}

Value to_value(const AvroDatum& d) {
  switch (d.kind) {
    case AvroDatum::Kind::kBool:
      return d.boolean;
    case AvroDatum::Kind::kLong:
      return d.number;
    case AvroDatum::Kind::kDouble:
      return d.real;
    case AvroDatum::Kind::kBytes:
      return d.bytes;
    default:
      return std::monostate{};
  }
}

}  // namespace

std::string write_manifest(const IcebergSchema& schema, const PartitionSpec& spec,
                           const std::vector<ManifestEntry>& entries) {
  const std::vector<IcebergType> types = partition_types(schema, spec);
  AvroFileWriter writer(manifest_schema(types, spec),
                        {{"schema", schema.to_json()},
                         {"schema-id", std::to_string(schema.schema_id)},
                         {"partition-spec", spec.fields_json()},
                         {"partition-spec-id", std::to_string(spec.spec_id)},
                         {"format-version", "2"},
                         {"content", "data"}});
  for (const ManifestEntry& entry : entries) {
    put_entry(writer.begin_record(), types, entry);
    writer.end_record();
  }
  return writer.finish();
}

ManifestFile describe_manifest(const std::string& path, int64_t length, const IcebergSchema& schema,
                               const PartitionSpec& spec, const std::vector<ManifestEntry>& entries,
                               int64_t snapshot_id, int64_t sequence_number) {
  ManifestFile m;
  m.path = path;
  m.length = length;
  m.spec_id = spec.spec_id;
  m.content = 0;
  m.sequence_number = sequence_number;
  m.min_sequence_number = sequence_number;
  m.added_snapshot_id = snapshot_id;
  for (const ManifestEntry& e : entries) {
    if (e.sequence_number)
      m.min_sequence_number = std::min(m.min_sequence_number, *e.sequence_number);
    switch (e.status) {
      case EntryStatus::kAdded:
        ++m.added_files;
        m.added_rows += e.file.record_count;
        break;
      case EntryStatus::kExisting:
        ++m.existing_files;
        m.existing_rows += e.file.record_count;
        break;
      case EntryStatus::kDeleted:
        ++m.deleted_files;
        m.deleted_rows += e.file.record_count;
        break;
    }
  }
  const std::vector<IcebergType> types = partition_types(schema, spec);
  std::vector<PartitionSummary> summaries(types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    std::optional<Value> lo;
    std::optional<Value> hi;
    for (const ManifestEntry& e : entries) {
      const Value& v = e.file.partition.at(i);
      if (std::holds_alternative<std::monostate>(v)) {
        summaries[i].contains_null = true;
        continue;
      }
      if (!lo || less(v, *lo)) lo = v;
      if (!hi || less(*hi, v)) hi = v;
    }
    summaries[i].contains_nan = false;
    if (lo) summaries[i].lower = encode_single_value(types[i], *lo);
    if (hi) summaries[i].upper = encode_single_value(types[i], *hi);
  }
  m.partitions = std::move(summaries);
  return m;
}

std::string write_manifest_list(int64_t snapshot_id, std::optional<int64_t> parent_snapshot_id,
                                int64_t sequence_number,
                                const std::vector<ManifestFile>& manifests) {
  AvroFileWriter writer(
      manifest_list_schema(),
      {{"snapshot-id", std::to_string(snapshot_id)},
       {"parent-snapshot-id",
        parent_snapshot_id ? std::to_string(*parent_snapshot_id) : std::string("null")},
       {"sequence-number", std::to_string(sequence_number)},
       {"format-version", "2"}});
  for (const ManifestFile& m : manifests) {
    AvroEncoder& e = writer.begin_record();
    e.put_string(m.path);
    e.put_long(m.length);
    e.put_int(m.spec_id);
    e.put_int(m.content);
    e.put_long(m.sequence_number);
    e.put_long(m.min_sequence_number);
    e.put_long(m.added_snapshot_id);
    e.put_int(m.added_files);
    e.put_int(m.existing_files);
    e.put_int(m.deleted_files);
    e.put_long(m.added_rows);
    e.put_long(m.existing_rows);
    e.put_long(m.deleted_rows);
    if (!m.partitions) {
      e.put_union(0);
    } else {
      e.put_union(1);
      if (!m.partitions->empty()) {
        e.put_block_count(static_cast<int64_t>(m.partitions->size()));
        for (const PartitionSummary& p : *m.partitions) {
          e.put_bool(p.contains_null);
          if (p.contains_nan) {
            e.put_union(1);
            e.put_bool(*p.contains_nan);
          } else {
            e.put_union(0);
          }
          put_optional_bytes(e, p.lower);
          put_optional_bytes(e, p.upper);
        }
      }
      e.put_block_count(0);
    }
    e.put_union(0);  // key_metadata
    writer.end_record();
  }
  return writer.finish();
}

std::vector<ManifestFile> read_manifest_list(std::string_view bytes, const std::string& what) {
  const AvroFile file = read_avro_file(bytes, what);
  std::vector<ManifestFile> out;
  for (const AvroDatum& r : file.records) {
    ManifestFile m;
    const AvroDatum* path = r.get("manifest_path");
    if (path == nullptr || path->kind != AvroDatum::Kind::kBytes) {
      fail(ErrorKind::kInvalidInput, what + ": manifest_path missing");
    }
    m.path = path->bytes;
    m.length = get_long(r, "manifest_length", what);
    m.spec_id = static_cast<int>(get_long(r, "partition_spec_id", what));
    m.content = static_cast<int>(get_optional_long(r, "content").value_or(0));
    m.sequence_number = get_optional_long(r, "sequence_number").value_or(0);
    m.min_sequence_number = get_optional_long(r, "min_sequence_number").value_or(0);
    m.added_snapshot_id = get_long(r, "added_snapshot_id", what);
    m.added_files = static_cast<int32_t>(
        get_long_either(r, "added_files_count", "added_data_files_count", what));
    m.existing_files = static_cast<int32_t>(
        get_long_either(r, "existing_files_count", "existing_data_files_count", what));
    m.deleted_files = static_cast<int32_t>(
        get_long_either(r, "deleted_files_count", "deleted_data_files_count", what));
    m.added_rows = get_long(r, "added_rows_count", what);
    m.existing_rows = get_long(r, "existing_rows_count", what);
    m.deleted_rows = get_long(r, "deleted_rows_count", what);
    const AvroDatum* parts = r.get("partitions");
    if (parts != nullptr && parts->kind == AvroDatum::Kind::kArray) {
      std::vector<PartitionSummary> summaries;
      for (const AvroDatum& p : parts->items) {
        PartitionSummary s;
        const AvroDatum* contains_null = p.get("contains_null");
        s.contains_null = contains_null != nullptr && contains_null->boolean;
        const AvroDatum* nan = p.get("contains_nan");
        if (nan != nullptr && nan->kind == AvroDatum::Kind::kBool) s.contains_nan = nan->boolean;
        s.lower = get_optional_bytes(p, "lower_bound");
        s.upper = get_optional_bytes(p, "upper_bound");
        summaries.push_back(std::move(s));
      }
      m.partitions = std::move(summaries);
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<ManifestEntry> read_manifest(std::string_view bytes, const std::string& what) {
  const AvroFile file = read_avro_file(bytes, what);
  std::vector<ManifestEntry> out;
  for (const AvroDatum& r : file.records) {
    ManifestEntry e;
    e.status = static_cast<EntryStatus>(get_long(r, "status", what));
    e.snapshot_id = get_optional_long(r, "snapshot_id");
    e.sequence_number = get_optional_long(r, "sequence_number");
    e.file_sequence_number = get_optional_long(r, "file_sequence_number");
    const AvroDatum* f = r.get("data_file");
    if (f == nullptr) fail(ErrorKind::kInvalidInput, what + ": data_file missing");
    e.file.content = static_cast<int>(get_optional_long(*f, "content").value_or(0));
    e.file.path = get_optional_bytes(*f, "file_path").value_or("");
    e.file.format = get_optional_bytes(*f, "file_format").value_or("");
    if (const AvroDatum* p = f->get("partition"); p != nullptr) {
      for (const AvroDatum& v : p->items) e.file.partition.push_back(to_value(v));
    }
    e.file.record_count = get_long(*f, "record_count", what);
    e.file.file_size = get_long(*f, "file_size_in_bytes", what);
    const auto sort_order = get_optional_long(*f, "sort_order_id");
    e.file.sort_order_id =
        sort_order ? std::optional<int>(static_cast<int>(*sort_order)) : std::nullopt;
    auto& stats = e.file.stats;
    read_stats_map(f->get("value_counts"),
                   [&](int id, const AvroDatum& v) { stats[id].value_count = v.number; });
    read_stats_map(f->get("null_value_counts"),
                   [&](int id, const AvroDatum& v) { stats[id].null_count = v.number; });
    read_stats_map(f->get("nan_value_counts"),
                   [&](int id, const AvroDatum& v) { stats[id].nan_count = v.number; });
    read_stats_map(f->get("lower_bounds"),
                   [&](int id, const AvroDatum& v) { stats[id].lower = v.bytes; });
    read_stats_map(f->get("upper_bounds"),
                   [&](int id, const AvroDatum& v) { stats[id].upper = v.bytes; });
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace fos::lake
