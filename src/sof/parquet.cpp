// Parquet output: a view's CSV table converted by DuckDB into a typed Parquet file.
#include <filesystem>
#include <map>

#include "core/error.hpp"
#include "lake/duckdb/db.hpp"
#include "sof/sof.hpp"

namespace fos::sof {
namespace {

namespace fs = std::filesystem;

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void collect_collections(const Select& select, std::map<std::string, bool>& out) {
  for (const Column& column : select.columns) out[column.name] = column.collection;
  for (const Select& nested : select.selects) collect_collections(nested, out);
  for (const Select& branch : select.union_all) collect_collections(branch, out);
}

}  // namespace

std::string parquet_type(std::string_view fhir_type, bool collection) {
  if (collection) return "VARCHAR";
  if (fhir_type == "boolean") return "BOOLEAN";
  if (fhir_type == "integer" || fhir_type == "positiveInt" || fhir_type == "unsignedInt") {
    return "INTEGER";
  }
  if (fhir_type == "integer64") return "BIGINT";
  if (fhir_type == "decimal") return "DOUBLE";
  return "VARCHAR";
}

void csv_to_parquet(const fs::path& csv, const ViewDefinition& view, const fs::path& parquet) {
  std::map<std::string, bool> collections;
  for (const Select& select : view.selects) collect_collections(select, collections);
  std::string read_columns;
  std::string projection;
  for (size_t i = 0; i < view.columns.size(); ++i) {
    const std::string& name = view.columns[i];
    const std::string type =
        parquet_type(i < view.column_types.size() ? view.column_types[i] : "", collections[name]);
    if (i > 0) {
      read_columns += ", ";
      projection += ", ";
    }
    read_columns += quote_literal(name) + ": 'VARCHAR'";
    projection +=
        "CAST(" + quote_identifier(name) + " AS " + type + ") AS " + quote_identifier(name);
  }
  const std::string sql =
      "COPY (SELECT " + projection + " FROM read_csv(" + quote_literal(csv.string()) +
      ", header = true, auto_detect = false, quote = '\"', escape = '\"', columns = {" +
      read_columns + "})) TO " + quote_literal(parquet.string()) +
      " (FORMAT parquet, COMPRESSION zstd)";
  lake::Database database = lake::Database::in_memory();
  lake::Connection connection(database);
  try {
    connection.execute(sql);
  } catch (const Error& error) {
    fail(ErrorKind::kInvalidInput,
         view.source + ": cannot convert " + csv.string() + " to Parquet: " + error.what());
  }
}

}  // namespace fos::sof
