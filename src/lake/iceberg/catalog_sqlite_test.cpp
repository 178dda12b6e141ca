// SqliteCatalog: the JDBC/pyiceberg tables, namespaces, and the compare-and-swap commit
// losing a race (re-read, swap again) or finding a newer pointer (left alone).
#include "lake/iceberg/catalog_sqlite.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"

namespace fos::lake {
namespace {

namespace fs = std::filesystem;

std::string location(int version) {
  return "file:/wh/omop/person/metadata/v" + std::to_string(version) + ".metadata.json";
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fos-catalog-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    path_ = dir_ / "catalog.db";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  fs::path path_;
};

TEST_F(CatalogTest, RegistersTablesAndNamespaces) {
  SqliteCatalog catalog(path_);
  EXPECT_TRUE(catalog.tables().empty());
  EXPECT_EQ(catalog.commit("omop", "person", location(2), 2), 0);
  EXPECT_EQ(catalog.commit("fhir", "patient", location(1), 1), 0);
  const std::vector<CatalogTable> tables = catalog.tables();
  ASSERT_EQ(tables.size(), 2U);
  EXPECT_EQ(tables[0].ns, "fhir");
  EXPECT_EQ(tables[1].name, "person");
  EXPECT_EQ(catalog.metadata_location("omop", "person"), location(2));
  EXPECT_FALSE(catalog.metadata_location("omop", "death"));
  // A second connection (another process) sees the same rows.
  EXPECT_EQ(SqliteCatalog(path_).tables().size(), 2U);
  EXPECT_EQ(SqliteCatalog(path_, "other").tables().size(), 0U);
}

TEST_F(CatalogTest, LostSwapReReadsAndSwapsAgain) {
  SqliteCatalog a(path_);
  SqliteCatalog b(path_);
  a.commit("omop", "person", location(3), 3);
  bool raced = false;
  a.set_before_swap([&] {
    if (raced) return;
    raced = true;
    EXPECT_EQ(b.commit("omop", "person", location(4), 4), 0);  // b wins v3 -> v4
  });
  EXPECT_EQ(a.commit("omop", "person", location(5), 5), 1);  // a: one lost swap, then v4 -> v5
  EXPECT_EQ(b.metadata_location("omop", "person"), location(5));
}

TEST_F(CatalogTest, NeverMovesThePointerBack) {
  SqliteCatalog a(path_);
  a.commit("omop", "person", location(6), 6);
  EXPECT_EQ(a.commit("omop", "person", location(5), 5), 0);
  EXPECT_EQ(a.metadata_location("omop", "person"), location(6));
}

TEST_F(CatalogTest, ParsesSpecsAndVersions) {
  EXPECT_EQ(sqlite_catalog_path("sqlite:/x/c.db"), fs::path("/x/c.db"));
  EXPECT_FALSE(sqlite_catalog_path("sqlite:"));
  EXPECT_FALSE(sqlite_catalog_path("/x/c.db"));
  EXPECT_EQ(metadata_version(location(12)), 12);
  EXPECT_EQ(metadata_version("s3://b/t/metadata/00001-abc.metadata.json"), 0);
  fs::create_directories(dir_ / "a-folder");
  EXPECT_THROW(SqliteCatalog(dir_ / "a-folder"), Error);  // not a database file
}

}  // namespace
}  // namespace fos::lake
