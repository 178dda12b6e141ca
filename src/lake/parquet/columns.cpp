// Column types by SQL name, and the storage of batch columns.
#include "lake/parquet/columns.hpp"

#include "core/error.hpp"

namespace fos::lake {

ColumnType column_type(std::string_view sql_type) {
  if (sql_type == "INTEGER") return ColumnType::kInteger;
  if (sql_type == "BIGINT") return ColumnType::kBigint;
  if (sql_type == "DOUBLE") return ColumnType::kDouble;
  if (sql_type == "DATE") return ColumnType::kDate;
  if (sql_type == "TIMESTAMP") return ColumnType::kTimestamp;
  if (sql_type == "VARCHAR") return ColumnType::kVarchar;
  fail(ErrorKind::kInternal, "no column type for SQL type " + std::string(sql_type));
}

std::string_view sql_name(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return "INTEGER";
    case ColumnType::kBigint:
      return "BIGINT";
    case ColumnType::kDouble:
      return "DOUBLE";
    case ColumnType::kDate:
      return "DATE";
    case ColumnType::kTimestamp:
      return "TIMESTAMP";
    case ColumnType::kVarchar:
      return "VARCHAR";
  }
  return "?";
}

void BatchColumn::reserve(size_t rows) {
  const size_t total = valid_.size() + rows;
  valid_.reserve(total);
  if (type_ == ColumnType::kVarchar) {
    ends_.reserve(total);
  } else {
    words_.reserve(total);
  }
}

ColumnBatch::ColumnBatch(const std::vector<ColumnSpec>& layout) {
  columns.reserve(layout.size());
  for (const ColumnSpec& column : layout) columns.emplace_back(column.type);
}

void ColumnBatch::clear() {
  for (BatchColumn& column : columns) column.clear();
  rows = 0;
}

size_t ColumnBatch::bytes() const {
  size_t total = 0;
  for (const BatchColumn& column : columns) total += column.bytes();
  return total;
}

}  // namespace fos::lake
