// Tests of Parquet output: typed columns from the view's column types, values read back
// through DuckDB, and a value that does not fit its type.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "lake/duckdb/db.hpp"
#include "sof/sof.hpp"

namespace fos::sof {
namespace {

namespace fs = std::filesystem;

class ParquetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fos-sof-parquet-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Flatten `resources` (JSON texts) with `view_text` into dir_/t.csv; returns the view.
  ViewDefinition write_csv(const std::string& view_text,
                           const std::vector<std::string>& resources) {
    const fhir::JsonDocument view_json = fhir::parse_json(view_text, "view");
    ViewDefinition view = parse_view(view_json, "view.json");
    std::ofstream out(dir_ / "t.csv", std::ios::binary);
    CsvTableWriter writer(out);
    ViewRunner runner(view);
    writer.begin(view.columns);
    for (const std::string& text : resources) {
      const fhir::JsonDocument document = fhir::parse_json(text, "resource");
      fhir::Resource resource;
      resource.json = document.root();
      resource.type = std::string(resource.json.find_string("resourceType").value_or(""));
      runner.run(resource, writer);
    }
    writer.finish();
    return view;
  }

  fs::path dir_;
};

constexpr const char* kView = R"j({"resource": "Patient", "name": "p", "select": [{"column": [
  {"name": "id", "path": "id", "type": "id"},
  {"name": "active", "path": "active", "type": "boolean"},
  {"name": "births", "path": "multipleBirth.ofType(integer)", "type": "integer"},
  {"name": "lat", "path": "extension.value.ofType(decimal)", "type": "decimal"},
  {"name": "birth_date", "path": "birthDate", "type": "date"},
  {"name": "given", "path": "name.given", "type": "string", "collection": true}]}]})j";

TEST(ParquetType, FromFhirTypes) {
  EXPECT_EQ(parquet_type("boolean", false), "BOOLEAN");
  EXPECT_EQ(parquet_type("positiveInt", false), "INTEGER");
  EXPECT_EQ(parquet_type("integer64", false), "BIGINT");
  EXPECT_EQ(parquet_type("decimal", false), "DOUBLE");
  EXPECT_EQ(parquet_type("dateTime", false), "VARCHAR");
  EXPECT_EQ(parquet_type("integer", true), "VARCHAR");
  EXPECT_EQ(parquet_type("", false), "VARCHAR");
}

TEST_F(ParquetTest, TypedColumnsRoundTrip) {
  const ViewDefinition view = write_csv(
      kView, {R"j({"resourceType": "Patient", "id": "a", "active": true, "multipleBirthInteger": 2,
                  "extension": [{"url": "x", "valueDecimal": 1.50}], "birthDate": "1980-05",
                  "name": [{"given": ["Ann", "Lee, \"Jr\""]}]})j",
              R"j({"resourceType": "Patient", "id": "b"})j"});
  csv_to_parquet(dir_ / "t.csv", view, dir_ / "t.parquet");
  lake::Database database = lake::Database::in_memory();
  lake::Connection connection(database);
  const std::string file = "'" + (dir_ / "t.parquet").string() + "'";
  auto types = connection.query(
      "SELECT typeof(id), typeof(active), typeof(births), typeof(lat), typeof(birth_date), "
      "typeof(given) FROM " +
      file + " LIMIT 1");
  EXPECT_EQ(types.str(0, 0), "VARCHAR");
  EXPECT_EQ(types.str(0, 1), "BOOLEAN");
  EXPECT_EQ(types.str(0, 2), "INTEGER");
  EXPECT_EQ(types.str(0, 3), "DOUBLE");
  EXPECT_EQ(types.str(0, 4), "VARCHAR");
  EXPECT_EQ(types.str(0, 5), "VARCHAR");
  auto rows = connection.query("SELECT * FROM " + file + " ORDER BY id");
  ASSERT_EQ(rows.row_count(), 2u);
  EXPECT_EQ(rows.column_name(0), "id");
  EXPECT_EQ(rows.column_name(5), "given");
  EXPECT_EQ(rows.str(0, 1), "true");
  EXPECT_EQ(rows.int64(0, 2), 2);
  EXPECT_EQ(rows.str(0, 3), "1.5");
  EXPECT_EQ(rows.str(0, 4), "1980-05");
  EXPECT_EQ(rows.str(0, 5), R"j(["Ann","Lee, \"Jr\""])j");
  EXPECT_TRUE(rows.is_null(1, 1));
  EXPECT_TRUE(rows.is_null(1, 2));
}

TEST_F(ParquetTest, ValueThatDoesNotFitItsTypeFails) {
  const char* bad = R"j({"resource": "Patient", "select": [{"column": [
    {"name": "g", "path": "gender", "type": "integer"}]}]})j";
  const ViewDefinition view =
      write_csv(bad, {R"j({"resourceType": "Patient", "gender": "male"})j"});
  try {
    csv_to_parquet(dir_ / "t.csv", view, dir_ / "t.parquet");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("view.json: cannot convert"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace fos::sof
