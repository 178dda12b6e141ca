// The crosswalk CSV, and its Parquet file / DuckDB table made from it through DuckDB.
#include "fhir2omop/crosswalk.hpp"

#include <algorithm>
#include <array>

#include "fhir2omop/patient_input.hpp"
#include "lake/duckdb/db.hpp"
#include "omop/write/convert.hpp"

namespace fos::fhir2omop {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kName = "fhir_omop_crosswalk";

constexpr std::array<omop::CdmColumn, 4> kColumns = {{
    {.name = "resource_type", .cdm_type = "varchar(64)", .required = true},
    {.name = "fhir_id", .cdm_type = "varchar(255)", .required = true},
    {.name = "omop_table", .cdm_type = "varchar(50)", .required = true},
    {.name = "omop_id", .cdm_type = "bigint", .required = true},
}};

bool wants(const std::vector<omop::OmopFormat>& formats, omop::OmopFormat format) {
  return std::find(formats.begin(), formats.end(), format) != formats.end();
}

}  // namespace

const omop::CdmTable& crosswalk_table() {
  static const omop::CdmTable kTable{kName, kColumns};
  return kTable;
}

CrosswalkFile::CrosswalkFile(const fs::path& root)
    : root_(root), file_(root / "omop" / (std::string(kName) + ".csv")) {
  file_.write(kCrosswalkHeader);
}

void CrosswalkFile::add_directory(const record::ProviderDirectory& directory) {
  std::string rows;
  for (const record::Organization& o : directory.organizations()) {
    if (!o.fhir_id.empty()) {
      append_crosswalk_row(rows, "Organization", o.fhir_id, "care_site",
                           static_cast<int64_t>(o.id));
    }
  }
  for (const record::Provider& p : directory.providers()) {
    if (!p.fhir_id.empty()) {
      append_crosswalk_row(rows, "Practitioner", p.fhir_id, "provider", static_cast<int64_t>(p.id));
    }
  }
  file_.write(rows);
}

void CrosswalkFile::finish(const std::vector<omop::OmopFormat>& formats) {
  file_.commit();
  const fs::path dir = root_ / "omop";
  const fs::path csv = dir / (std::string(kName) + ".csv");
  if (wants(formats, omop::OmopFormat::kParquet)) {
    omop::write_parquet(dir, {&crosswalk_table()});
  }
  if (wants(formats, omop::OmopFormat::kDuckdb)) {
    const lake::Database db = lake::Database::open(root_ / "omop.duckdb");
    lake::Connection con(db);
    con.execute("CREATE TABLE " + std::string(kName) +
                " (resource_type VARCHAR NOT NULL, fhir_id VARCHAR NOT NULL, omop_table VARCHAR "
                "NOT NULL, omop_id BIGINT NOT NULL)");
    con.execute("INSERT INTO " + std::string(kName) + " SELECT * FROM " +
                omop::read_csv_sql(csv, crosswalk_table()));
  }
  if (wants(formats, omop::OmopFormat::kCsv)) return;
  fs::remove(csv);
  std::error_code ignored;
  fs::remove(dir, ignored);  // only if empty
}

}  // namespace fos::fhir2omop
