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

// The drug_exposure columns that follow a prescription's stop date (difference 4).
bool is_stop_column(std::string_view column) {
  return column == "drug_exposure_end_date" || column == "drug_exposure_end_datetime" ||
         column == "verbatim_end_date" || column == "days_supply";
}

// One side of a table with the documented differences normalized away.
std::string normalized(const fs::path& dir, const std::string& side, const omop::CdmTable& table) {
  std::string select;
  for (const omop::CdmColumn& c : table.columns) {
    const std::string column = lake::sql_identifier(c.name);
    std::string value = "CAST(t." + column + " AS VARCHAR)";
    if (c.name == "provider_id") {
      value = "coalesce(p.provider_source_value, 'unknown provider ' || " + value + ")";
    } else if (table.name == "person" && c.name == "birth_datetime") {
      value = "substr(" + value + ", 1, 10)";
    } else if (table.name == "cdm_source" && c.name == "cdm_source_name") {
      value = "'<source name>'";
    } else if (table.name == "drug_exposure" && is_stop_column(c.name)) {
      value =
          "CASE WHEN CAST(t.drug_exposure_id AS VARCHAR) IN (SELECT id FROM stopped_drugs) "
          "THEN '<stopped prescription>' ELSE " +
          value + " END";
    }
    select += (select.empty() ? "" : ", ") + value + " AS " + column;
  }
  std::string sql = "SELECT " + select + " FROM " + read_sql(dir, std::string(table.name)) + " t";
  if (table.column_index("provider_id")) {
    sql += " LEFT JOIN " + side +
           "_provider p ON CAST(p.provider_id AS VARCHAR) = CAST(t.provider_id AS VARCHAR)";
  }
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
  // Prescriptions the direct output stopped: the rows with a verbatim end date.
  con.execute(std::string("CREATE TEMP TABLE stopped_drugs (id VARCHAR)"));
  if (a.contains("drug_exposure")) {
    con.execute("INSERT INTO stopped_drugs SELECT CAST(drug_exposure_id AS VARCHAR) FROM " +
                read_sql(direct, "drug_exposure") + " WHERE verbatim_end_date IS NOT NULL");
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
    t.direct_rows = static_cast<uint64_t>(con.scalar_int64("SELECT count(*) FROM (" + x + ")"));
    t.converted_rows = static_cast<uint64_t>(con.scalar_int64("SELECT count(*) FROM (" + y + ")"));
    t.only_direct = static_cast<uint64_t>(
        con.scalar_int64("SELECT count(*) FROM ((" + x + ") EXCEPT ALL (" + y + "))"));
    t.only_converted = static_cast<uint64_t>(
        con.scalar_int64("SELECT count(*) FROM ((" + y + ") EXCEPT ALL (" + x + "))"));
    out.tables.push_back(std::move(t));
  }
  return out;
}

}  // namespace fos::fhir2omop
