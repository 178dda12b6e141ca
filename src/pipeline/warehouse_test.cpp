// Tests of the warehouse wiring: CDM tables map to the Iceberg definitions the docs promise,
// and iceberg-ddl/*.sql (Athena) is exactly what the writer's definitions render.
// FOS_UPDATE_DDL=1 rewrites the files instead of comparing.
#include "pipeline/warehouse.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/output.hpp"
#include "lake/iceberg/ddl.hpp"

namespace fos::pipeline {
namespace {
namespace fs = std::filesystem;

TEST(Warehouse, CdmTablesMapToIcebergDefinitions) {
  const lake::TableDefinition person = iceberg_definition(omop::cdm_table("person"));
  ASSERT_EQ(person.partition.size(), 1u);
  EXPECT_EQ(person.partition[0].column, "year_of_birth");
  EXPECT_EQ(person.partition[0].transform.kind, lake::TransformKind::kIdentity);
  EXPECT_EQ(person.columns.front().name, "person_id");
  EXPECT_EQ(person.columns.front().type, lake::IcebergType::kLong);

  const lake::TableDefinition visit = iceberg_definition(omop::cdm_table("visit_occurrence"));
  ASSERT_EQ(visit.partition.size(), 1u);
  EXPECT_EQ(visit.partition[0].column, "visit_start_date");
  EXPECT_EQ(visit.partition[0].transform.kind, lake::TransformKind::kYear);
  EXPECT_EQ(iceberg_definition(omop::cdm_table("measurement")).partition[0].column,
            "measurement_date");
  EXPECT_TRUE(iceberg_definition(omop::cdm_table("concept")).partition.empty());
  for (const omop::CdmTable& table : omop::cdm_tables()) {
    EXPECT_NO_THROW(iceberg_definition(table).validate()) << table.name;
  }
}

TEST(Warehouse, AthenaDdlFilesMatchTheWriter) {
  const fs::path dir = fs::path(FOS_SOURCE_DIR) / "iceberg-ddl";
  const bool update = std::getenv("FOS_UPDATE_DDL") != nullptr;
  size_t checked = 0;
  for (const omop::CdmTable& table : omop::cdm_tables()) {
    const std::string name(table.name);
    const std::string sql =
        "-- Generated from fos's Iceberg table definition (src/pipeline/warehouse.cpp); do not "
        "edit.\n-- Replace the LOCATION bucket and prefix with the warehouse's.\n" +
        lake::athena_create_table("omop", name, iceberg_definition(table),
                                  "s3://your-bucket/warehouse/omop/" + name + "/");
    const fs::path file = dir / ("omop_" + name + ".sql");
    if (update) {
      fs::create_directories(dir);
      write_file_atomic(file, sql);
    }
    ASSERT_TRUE(fs::exists(file)) << file << " is missing: run with FOS_UPDATE_DDL=1";
    EXPECT_EQ(read_file(file), sql) << file << " drifted: run with FOS_UPDATE_DDL=1";
    ++checked;
  }
  EXPECT_GT(checked, 30u);
}

}  // namespace
}  // namespace fos::pipeline
