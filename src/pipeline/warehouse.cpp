// Warehouse: CDM tables -> Iceberg table definitions and appends.
#include "pipeline/warehouse.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "lake/duckdb/db.hpp"
#include "lake/iceberg/catalog_sqlite.hpp"
#include "lake/iceberg/warehouse.hpp"
#include "omop/write/convert.hpp"
#include "pipeline/pipeline.hpp"

namespace fos::pipeline {
namespace fs = std::filesystem;
namespace {

lake::IcebergType iceberg_type(const omop::CdmColumn& column) {
  const std::string_view sql = omop::sql_type(column);
  if (sql == "INTEGER") return lake::IcebergType::kInt;
  if (sql == "BIGINT") return lake::IcebergType::kLong;
  if (sql == "DOUBLE") return lake::IcebergType::kDouble;
  if (sql == "DATE") return lake::IcebergType::kDate;
  if (sql == "TIMESTAMP") return lake::IcebergType::kTimestamp;
  return lake::IcebergType::kString;
}

// The date column whose year partitions an event table: the first *_start_date, else the
// first *_date column; nullptr when there is none.
const omop::CdmColumn* event_date(const omop::CdmTable& table) {
  for (std::string_view suffix : {"_start_date", "_date"}) {
    for (const omop::CdmColumn& c : table.columns) {
      if (omop::sql_type(c) == "DATE" && c.name.ends_with(suffix)) return &c;
    }
  }
  return nullptr;
}

}  // namespace

lake::TableDefinition iceberg_definition(const omop::CdmTable& table) {
  lake::TableDefinition d;
  for (const omop::CdmColumn& c : table.columns) {
    // DuckDB writes every Parquet column as OPTIONAL, so Iceberg fields stay optional too.
    d.columns.push_back({std::string(c.name), iceberg_type(c), false});
  }
  if (table.name == "person") {
    d.partition.push_back({"year_of_birth", lake::Transform{lake::TransformKind::kIdentity}, ""});
    // Sorted by person_id (a small table): each file's person_id bounds stay narrow.
    d.sort.push_back({"person_id", lake::Transform{}, false, true});
  } else if (table.column_index("person_id")) {
    if (const omop::CdmColumn* date = event_date(table)) {
      d.partition.push_back(
          {std::string(date->name), lake::Transform{lake::TransformKind::kYear}, ""});
    }
  }
  d.properties["fos.source"] = "OMOP CDM 5.4 table " + std::string(table.name);
  return d;
}

std::optional<fs::path> catalog_path(const std::string& catalog) {
  if (catalog.empty()) return std::nullopt;
  auto path = lake::sqlite_catalog_path(catalog);
  if (!path) {
    fail(ErrorKind::kInvalidInput, "--catalog: expected sqlite:PATH, got '" + catalog + "'");
  }
  return path;
}

namespace {

// The DuckDB settings of every warehouse append: bounded memory, two threads, rows kept in
// order so that data files are the same for the same input.
void configure_session(lake::Connection& con) {
  con.execute("SET memory_limit = '256MB'");
  con.execute("SET threads = 2");
  con.execute("SET preserve_insertion_order = true");
}

// Point `ns`.`name` of the SQLite catalog at the version an append just committed.
void register_version(const std::optional<fs::path>& catalog, const fs::path& warehouse,
                      const std::string& ns, const std::string& name, int version) {
  if (!catalog) return;
  lake::SqliteCatalog db(*catalog);
  db.create_namespace(ns);
  const fs::path file =
      warehouse / ns / name / "metadata" / ("v" + std::to_string(version) + ".metadata.json");
  db.commit(ns, name, lake::file_uri(file), version);
}

}  // namespace

std::map<std::string, uint64_t> append_to_warehouse(const fs::path& run_dir,
                                                    const fs::path& warehouse,
                                                    const std::string& run_id,
                                                    const std::string& catalog) {
  const std::optional<fs::path> catalog_file = catalog_path(catalog);
  lake::Database db = lake::Database::in_memory();
  lake::Connection con(db);
  configure_session(con);
  lake::CommitOptions options;
  options.summary["fos.run-id"] = run_id;
  std::map<std::string, uint64_t> rows;
  for (const omop::CdmTable& table : omop::cdm_tables()) {
    const std::string name(table.name);
    const fs::path csv = run_dir / "omop" / (name + ".csv");
    const fs::path parquet = run_dir / "omop" / (name + ".parquet");
    std::string source;
    if (fs::exists(csv)) {
      source = omop::read_csv_sql(csv, table);
    } else if (fs::exists(parquet)) {
      source = "read_parquet(" + lake::sql_quote(parquet.string()) + ")";
    } else {
      continue;
    }
    lake::IcebergTable iceberg =
        lake::IcebergTable::open_or_create(warehouse / "omop" / name, iceberg_definition(table));
    const lake::AppendResult result = iceberg.append(con, source, options);
    register_version(catalog_file, warehouse, "omop", name, result.version);
    rows["omop." + name] = static_cast<uint64_t>(result.added_records);
  }
  if (rows.empty()) {
    fail(ErrorKind::kInvalidInput, "--warehouse: no OMOP tables in " + (run_dir / "omop").string() +
                                       " (the warehouse needs --omop csv or parquet)");
  }
  return rows;
}

std::string fhir_table_name(const sof::ViewDefinition& view) {
  std::string name = view.name;
  if (name.starts_with("fhir_")) name.erase(0, 5);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return "fhir." + name;
}

std::map<std::string, uint64_t> append_views_to_warehouse(const std::vector<FlatTable>& tables,
                                                          const fs::path& warehouse,
                                                          const std::string& run_id,
                                                          const std::string& catalog) {
  const std::optional<fs::path> catalog_file = catalog_path(catalog);
  lake::Database db = lake::Database::in_memory();
  lake::Connection con(db);
  configure_session(con);
  lake::CommitOptions options;
  options.summary["fos.run-id"] = run_id;
  std::map<std::string, uint64_t> rows;
  for (const FlatTable& t : tables) {
    fs::path parquet = t.file;
    const bool converted = t.file.extension() != ".parquet";
    if (converted) {  // typed by the view's column types on the way
      parquet = t.file;
      parquet += ".iceberg-staging.parquet";
      sof::csv_to_parquet(t.file, *t.view, parquet);
    }
    const std::string table = fhir_table_name(*t.view);
    try {
      const lake::AppendResult result = lake::append_query(
          con, warehouse, table,
          "SELECT * FROM read_parquet(" + lake::sql_quote(parquet.string()) + ")", options);
      register_version(catalog_file, warehouse, "fhir", table.substr(5), result.version);
      rows[table] = static_cast<uint64_t>(result.added_records);
    } catch (...) {
      std::error_code ec;
      if (converted) fs::remove(parquet, ec);
      throw;
    }
    if (converted) fs::remove(parquet);
  }
  return rows;
}

std::optional<Stage> lake_stage(const PipelineOptions& options) {
  const auto& formats = options.job.omop;
  const bool omop =
      std::find(formats.begin(), formats.end(), omop::OmopFormat::kCsv) != formats.end() ||
      std::find(formats.begin(), formats.end(), omop::OmopFormat::kParquet) != formats.end();
  const bool flat = static_cast<bool>(options.job.fhir);
  if (!omop && !flat) return std::nullopt;
  const fs::path warehouse =
      options.warehouse.empty() ? options.out / "warehouse" : options.warehouse;
  Stage stage;
  stage.name = "lake";
  if (omop) {
    stage.inputs.emplace_back("omop/");
    stage.outputs.push_back(warehouse.string() + "/omop/");
  }
  if (flat) {
    stage.inputs.emplace_back("flat/");
    stage.outputs.push_back(warehouse.string() + "/fhir/");
  }
  catalog_path(options.catalog);  // a bad --catalog fails before the run starts
  stage.run = [warehouse, omop, flat, catalog = options.catalog](StageContext& context) {
    StageReport report;
    if (omop) {
      for (const auto& [table, n] :
           append_to_warehouse(context.staging, warehouse, context.run_id.str(), catalog)) {
        report.counts["iceberg." + table] = n;
      }
    }
    if (flat) {
      const std::vector<sof::ViewDefinition> views = sof::default_views();
      std::vector<FlatTable> tables;
      for (const sof::ViewDefinition& view : views) {
        const fs::path csv = context.staging / "flat" / (view.name + ".csv");
        if (fs::exists(csv)) tables.push_back({&view, csv});
      }
      for (const auto& [table, n] :
           append_views_to_warehouse(tables, warehouse, context.run_id.str(), catalog)) {
        report.counts["iceberg." + table] = n;
      }
    }
    report.facts["warehouse"] = fs::absolute(warehouse).lexically_normal().string();
    return report;
  };
  return stage;
}

}  // namespace fos::pipeline
