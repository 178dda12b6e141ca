// Athena CREATE TABLE statements from table definitions.
#include "lake/iceberg/ddl.hpp"

#include "core/error.hpp"

namespace fos::lake {
namespace {

std::string partition_term(const PartitionDefinition& p) {
  std::string column = "`" + p.column + "`";
  switch (p.transform.kind) {
    case TransformKind::kIdentity:
      return column;
    case TransformKind::kYear:
      return "year(" + column + ")";
    case TransformKind::kMonth:
      return "month(" + column + ")";
    case TransformKind::kDay:
      return "day(" + column + ")";
    case TransformKind::kBucket:
      return "bucket(" + std::to_string(p.transform.buckets) + ", " + column + ")";
    case TransformKind::kVoid:
      break;
  }
  fail(ErrorKind::kInvalidInput, "Athena has no partition transform " + p.transform.str());
}

}  // namespace

std::string_view athena_type(IcebergType type) {
  switch (type) {
    case IcebergType::kBoolean:
      return "boolean";
    case IcebergType::kInt:
      return "int";
    case IcebergType::kLong:
      return "bigint";
    case IcebergType::kFloat:
      return "float";
    case IcebergType::kDouble:
      return "double";
    case IcebergType::kDate:
      return "date";
    case IcebergType::kTimestamp:
    case IcebergType::kTimestamptz:
      return "timestamp";
    case IcebergType::kString:
      return "string";
    case IcebergType::kBinary:
      return "binary";
  }
  return "string";
}

std::string athena_create_table(std::string_view ns, std::string_view name,
                                const TableDefinition& definition, std::string_view location) {
  definition.validate();
  std::string sql = "CREATE TABLE `" + std::string(ns) + "`.`" + std::string(name) + "` (\n";
  for (size_t i = 0; i < definition.columns.size(); ++i) {
    const ColumnDefinition& c = definition.columns[i];
    sql += "  `" + c.name + "` " + std::string(athena_type(c.type));
    sql += i + 1 < definition.columns.size() ? ",\n" : "\n";
  }
  sql += ")\n";
  if (!definition.partition.empty()) {
    sql += "PARTITIONED BY (";
    for (size_t i = 0; i < definition.partition.size(); ++i) {
      sql += (i > 0 ? ", " : "") + partition_term(definition.partition[i]);
    }
    sql += ")\n";
  }
  sql += "LOCATION '" + std::string(location) + "'\n";
  sql +=
      "TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', "
      "'write_compression' = 'zstd');\n";
  return sql;
}

}  // namespace fos::lake
