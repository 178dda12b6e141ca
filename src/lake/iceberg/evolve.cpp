// Schema evolution: new schema versions with stable field ids, and reads by field id.
#include "lake/iceberg/evolve.hpp"

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "lake/duckdb/db.hpp"

namespace fos::lake {
namespace {

[[noreturn]] void refuse(const std::string& message) {
  fail(ErrorKind::kInvalidInput, "schema change: " + message);
}

IcebergType parse_type(std::string_view text, std::string_view flag) {
  if (text.starts_with("decimal")) {
    refuse(std::string(flag) + ": decimal columns are not modelled by fos");
  }
  auto type = parse_iceberg_type(text);
  if (!type) refuse(std::string(flag) + ": unknown type '" + std::string(text) + "'");
  return *type;
}

IcebergField& need_column(IcebergSchema& schema, const std::string& name) {
  for (IcebergField& f : schema.fields) {
    if (f.name == name) return f;
  }
  refuse("no column '" + name + "'");
}

bool is_partition_source(const TableMetadata& base, int field_id) {
  return std::any_of(base.specs.begin(), base.specs.end(), [&](const PartitionSpec& spec) {
    return std::any_of(spec.fields.begin(), spec.fields.end(),
                       [&](const PartitionField& p) { return p.source_id == field_id; });
  });
}

void apply(const TableMetadata& base, IcebergSchema& schema, int& last_column_id,
           const SchemaChange& change) {
  switch (change.kind) {
    case SchemaChangeKind::kAddColumn:
      if (change.column.empty()) refuse("empty column name");
      if (schema.find(change.column) != nullptr) {
        refuse("column '" + change.column + "' already exists");
      }
      schema.fields.push_back({++last_column_id, change.column, change.type, false});
      return;
    case SchemaChangeKind::kRename: {
      if (change.new_name.empty()) refuse("empty new name for '" + change.column + "'");
      if (schema.find(change.new_name) != nullptr) {
        refuse("cannot rename '" + change.column + "' to '" + change.new_name +
               "': that name already exists");
      }
      need_column(schema, change.column).name = change.new_name;
      return;
    }
    case SchemaChangeKind::kWiden: {
      IcebergField& field = need_column(schema, change.column);
      if (!is_legal_promotion(field.type, change.type)) {
        refuse("cannot change '" + change.column + "' from " + std::string(to_string(field.type)) +
               " to " + std::string(to_string(change.type)) +
               " (allowed: int -> long, float -> double)");
      }
      if (is_partition_source(base, field.id)) {
        refuse("'" + change.column +
               "' is a partition source column; widening it is not supported");
      }
      field.type = change.type;
      return;
    }
  }
}

}  // namespace

SchemaChange SchemaChange::parse(SchemaChangeKind kind, std::string_view text,
                                 std::string_view flag) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    const char* form = kind == SchemaChangeKind::kRename ? "OLD:NEW" : "NAME:TYPE";
    refuse(std::string(flag) + ": expected " + form + ", got '" + std::string(text) + "'");
  }
  SchemaChange change;
  change.kind = kind;
  change.column = std::string(text.substr(0, colon));
  const std::string_view rest = text.substr(colon + 1);
  if (kind == SchemaChangeKind::kRename) {
    change.new_name = std::string(rest);
  } else {
    change.type = parse_type(rest, flag);
  }
  return change;
}

bool is_legal_promotion(IcebergType from, IcebergType to) {
  return (from == IcebergType::kInt && to == IcebergType::kLong) ||
         (from == IcebergType::kFloat && to == IcebergType::kDouble);
}

IcebergSchema evolve_schema(const TableMetadata& base, const std::vector<SchemaChange>& changes) {
  if (changes.empty()) refuse("nothing to change");
  IcebergSchema schema = base.current_schema();
  int max_schema_id = 0;
  for (const IcebergSchema& s : base.schemas) max_schema_id = std::max(max_schema_id, s.schema_id);
  schema.schema_id = max_schema_id + 1;
  int last_column_id = base.last_column_id;
  for (const SchemaChange& change : changes) apply(base, schema, last_column_id, change);
  validate_schema_successor(base, schema);
  return schema;
}

void validate_schema_successor(const TableMetadata& base, const IcebergSchema& next) {
  const IcebergSchema& current = base.current_schema();
  std::set<std::string> names;
  std::set<int> ids;
  for (const IcebergField& f : next.fields) {
    if (!names.insert(f.name).second) refuse("duplicate column name '" + f.name + "'");
    if (!ids.insert(f.id).second) {
      refuse("field id " + std::to_string(f.id) + " is used twice ('" + f.name + "')");
    }
    const IcebergField* before = current.find(f.id);
    if (before == nullptr) {
      if (f.id <= base.last_column_id) {
        refuse("column '" + f.name + "' would reuse field id " + std::to_string(f.id) +
               " (last-column-id is " + std::to_string(base.last_column_id) + ")");
      }
      if (f.required) refuse("new column '" + f.name + "' must be optional");
      continue;
    }
    if (before->type != f.type && !is_legal_promotion(before->type, f.type)) {
      refuse("field id " + std::to_string(f.id) + " ('" + f.name + "') cannot change from " +
             std::string(to_string(before->type)) + " to " + std::string(to_string(f.type)));
    }
  }
}

EvolveResult evolve_table(IcebergTable& table, const std::vector<SchemaChange>& changes) {
  EvolveResult result;
  result.version = table.commit([&](const TableMetadata& base) {
    TableMetadata next = base;
    IcebergSchema schema = evolve_schema(base, changes);
    next.last_column_id = std::max(base.last_column_id, schema.max_field_id());
    next.current_schema_id = schema.schema_id;
    next.schemas.push_back(std::move(schema));
    return next;
  });
  result.schema_id = table.metadata().current_schema_id;
  result.last_column_id = table.metadata().last_column_id;
  return result;
}

std::string read_by_field_id_sql(const IcebergSchema& schema,
                                 const std::vector<std::string>& local_paths) {
  std::string columns;
  std::string mapping;
  for (const IcebergField& f : schema.fields) {
    columns += (columns.empty() ? "" : ", ") + sql_identifier(f.name);
    mapping += (mapping.empty() ? "" : ", ") + std::to_string(f.id) +
               ": {name: " + sql_quote(f.name) + ", type: " + sql_quote(duckdb_type(f.type)) +
               ", default_value: NULL}";
  }
  std::string list;
  for (const std::string& path : local_paths) {
    list += (list.empty() ? "" : ", ") + sql_quote(path);
  }
  return "SELECT " + columns + " FROM read_parquet([" + list + "], schema = MAP {" + mapping +
         "}, hive_partitioning = false)";
}

}  // namespace fos::lake
