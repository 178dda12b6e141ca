// compare_omop: both folders read through DuckDB; each table normalized for the documented
// differences, then the two row multisets subtracted both ways (EXCEPT ALL).
#include "fhir2omop/agreement.hpp"

#include <set>

#include "core/error.hpp"
#include "lake/duckdb/db.hpp"
#include "omop/cdm/cdm.hpp"

namespace fos::fhir2omop {
namespace {

namespace fs = std::filesystem;

// The CDM tables of a folder: <table>.csv, else <table>.parquet.
std::set<std::string> tables_in(const fs::path& dir) {
  std::set<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path& p = entry.path();
    if (p.extension() != ".csv" && p.extension() != ".parquet") continue;
    const std::string name = p.stem().string();
    if (omop::find_cdm_table(name) != nullptr) out.insert(name);
  }
  return out;
}

// Every column as text, as written.
std::string source_sql(const fs::path& dir, const std::string& table) {
  const fs::path csv = dir / (table + ".csv");
  if (fs::exists(csv)) {
    return "read_csv(" + lake::sql_quote(csv.string()) +
           ", header = true, all_varchar = true, auto_detect = true, delim = ',', quote = '\"', "
           "escape = '\"', nullstr = '', allow_quoted_nulls = false)";
  }
  return "read_parquet(" + lake::sql_quote((dir / (table + ".parquet")).string()) + ")";
}

std::string read_sql(const fs::path& dir, const std::string& table) {
  return source_sql(dir, table);
}

// A column's value as text, with the documented differences normalized away.
std::string column_value(const omop::CdmTable& table, std::string_view name,
                         const std::string& column) {
  std::string text = "CAST(t.";
  text.append(column).append(" AS VARCHAR)");
  if (name == "provider_id") {
    return std::string("coalesce(p.provider_source_value, 'unknown provider ' || ")
        .append(text)
        .append(")");
  }
  if (table.name == "person" && name == "birth_datetime") {
    return std::string("substr(").append(text).append(", 1, 10)");
  }
  if (table.name == "cdm_source" && name == "cdm_source_name") return "'<source name>'";
  return text;
}

// One side of a table with the documented differences normalized away.
std::string normalized(const fs::path& dir, const std::string& side, const omop::CdmTable& table) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const std::string column = lake::sql_identifier(table.columns[i].name);
    if (i > 0) sql += ", ";
    sql.append(column_value(table, table.columns[i].name, column)).append(" AS ").append(column);
  }
  sql.append(" FROM ").append(read_sql(dir, std::string(table.name))).append(" t");
  if (table.column_index("provider_id")) {
    sql.append(" LEFT JOIN ")
        .append(side)
        .append("_provider p ON CAST(p.provider_id AS VARCHAR) = CAST(t.provider_id AS VARCHAR)");
  }
  return sql;
}

uint64_t count(lake::Connection& con, const std::string& query) {
  std::string sql = "SELECT count(*) FROM (";
  sql.append(query).append(")");
  return static_cast<uint64_t>(con.scalar_int64(sql));
}

std::string except_all(const std::string& a, const std::string& b) {
  std::string sql = "(";
  sql.append(a).append(") EXCEPT ALL (").append(b).append(")");
  return sql;
}

}  // namespace

bool Agreement::agrees() const {
  if (!missing.empty()) return false;
  for (const TableAgreement& t : tables) {
    if (!t.agrees()) return false;
  }
  return true;
}

std::string Agreement::summary() const {
  if (agrees()) return "agrees (" + std::to_string(tables.size()) + " tables)";
  std::string out = "differs:";
  for (const std::string& name : missing) out += " " + name + " (on one side only),";
  for (const TableAgreement& t : tables) {
    if (t.agrees()) continue;
    out += " " + t.table + " (" + std::to_string(t.only_direct) + " direct rows unmatched, " +
           std::to_string(t.only_converted) + " converted rows unmatched),";
  }
  out.pop_back();
  return out;
}

Agreement compare_omop(const fs::path& direct, const fs::path& converted) {
  const std::set<std::string> a = tables_in(direct);
  const std::set<std::string> b = tables_in(converted);
  if (a.empty()) fail(ErrorKind::kInvalidInput, direct.string() + ": no OMOP tables to compare");
  Agreement out;
  const lake::Database db = lake::Database::in_memory();
  lake::Connection con(db);
  con.execute("SET threads = 2");
  const bool providers = a.contains("provider") && b.contains("provider");
  if (providers) {
    con.execute(
        "CREATE TEMP TABLE direct_provider AS SELECT CAST(provider_id AS VARCHAR) AS "
        "provider_id, CAST(provider_source_value AS VARCHAR) AS provider_source_value FROM " +
        read_sql(direct, "provider"));
    con.execute(
        "CREATE TEMP TABLE converted_provider AS SELECT CAST(provider_id AS VARCHAR) AS "
        "provider_id, CAST(provider_source_value AS VARCHAR) AS provider_source_value FROM " +
        read_sql(converted, "provider"));
  }
  for (const std::string& name : a) {
    if (!b.contains(name)) out.missing.push_back(name);
  }
  for (const std::string& name : b) {
    if (!a.contains(name)) out.missing.push_back(name);
  }
  for (const std::string& name : a) {
    if (!b.contains(name)) continue;
    const omop::CdmTable& table = omop::cdm_table(name);
    if (table.column_index("provider_id") && !providers) {
      fail(ErrorKind::kInvalidInput, "compare: the provider table is missing");
    }
    const std::string x = normalized(direct, "direct", table);
    const std::string y = normalized(converted, "converted", table);
    TableAgreement t;
    t.table = name;
    t.direct_rows = count(con, x);
    t.converted_rows = count(con, y);
    t.only_direct = count(con, except_all(x, y));
    t.only_converted = count(con, except_all(y, x));
    out.tables.push_back(std::move(t));
  }
  return out;
}

}  // namespace fos::fhir2omop
