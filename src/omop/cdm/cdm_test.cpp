// Tests of the generated CDM table list against the specification CSV.
#include "omop/cdm/cdm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "core/error.hpp"

namespace fos::omop {
namespace {

TEST(Cdm, HasEveryTableAndFieldOfTheSpec) {
  size_t columns = 0, required = 0, keys = 0, foreign = 0;
  for (const CdmTable& table : cdm_tables()) {
    for (const CdmColumn& c : table.columns) {
      ++columns;
      required += c.required;
      keys += c.primary_key;
      foreign += !c.fk_table.empty();
    }
  }
  EXPECT_EQ(cdm_tables().size(), 39u);
  EXPECT_EQ(columns, 432u);
  EXPECT_EQ(required, 180u);
  EXPECT_EQ(keys, 28u);
  EXPECT_EQ(foreign, 176u);
}

TEST(Cdm, PersonColumnsInSpecOrder) {
  const CdmTable* person = find_cdm_table("person");
  ASSERT_NE(person, nullptr);
  ASSERT_EQ(person->columns.size(), 18u);
  EXPECT_EQ(person->columns[0].name, "person_id");
  EXPECT_TRUE(person->columns[0].primary_key);
  EXPECT_EQ(person->columns[1].name, "gender_concept_id");
  EXPECT_EQ(person->columns[1].fk_domain, "Gender");
  EXPECT_EQ(person->columns[17].name, "ethnicity_source_concept_id");
  EXPECT_EQ(person->column_index("care_site_id"), 10u);
  EXPECT_EQ(person->column_index("nope"), std::nullopt);
  EXPECT_EQ(find_cdm_table("no_such_table"), nullptr);
  EXPECT_THROW(cdm_table("no_such_table"), Error);
}

std::string_view type_of(std::string_view table, std::string_view column) {
  const CdmTable& t = cdm_table(table);
  return sql_type(t.columns[t.column_index(column).value()]);
}

TEST(Cdm, SqlTypesWidenIdsButNotConcepts) {
  EXPECT_EQ(type_of("person", "person_id"), "BIGINT");
  EXPECT_EQ(type_of("person", "year_of_birth"), "INTEGER");
  EXPECT_EQ(type_of("person", "gender_concept_id"), "INTEGER");
  EXPECT_EQ(type_of("person", "location_id"), "BIGINT");
  EXPECT_EQ(type_of("measurement", "visit_occurrence_id"), "BIGINT");
  EXPECT_EQ(type_of("measurement", "measurement_event_id"), "BIGINT");
  EXPECT_EQ(type_of("measurement", "value_as_number"), "DOUBLE");
  EXPECT_EQ(type_of("visit_occurrence", "visit_type_concept_id"),
            "INTEGER");  // "Integer" in the spec
  EXPECT_EQ(type_of("visit_occurrence", "visit_start_datetime"), "TIMESTAMP");
  EXPECT_EQ(type_of("visit_occurrence", "visit_start_date"), "DATE");
  EXPECT_EQ(type_of("concept", "concept_id"), "INTEGER");
  EXPECT_EQ(type_of("concept_relationship", "concept_id_1"), "INTEGER");
  EXPECT_EQ(type_of("fact_relationship", "fact_id_1"), "BIGINT");
  EXPECT_EQ(type_of("drug_exposure", "days_supply"), "INTEGER");
  EXPECT_EQ(type_of("concept", "concept_name"), "VARCHAR");
}

TEST(Cdm, VarcharLengths) {
  const CdmTable& location = cdm_table("location");
  EXPECT_EQ(varchar_length(location.columns[*location.column_index("state")]), 2u);
  EXPECT_EQ(varchar_length(location.columns[*location.column_index("location_id")]), std::nullopt);
  const CdmTable& drug = cdm_table("drug_exposure");
  EXPECT_EQ(varchar_length(drug.columns[*drug.column_index("sig")]), std::nullopt);  // varchar(MAX)
}

TEST(Cdm, MatchesTheSpecCsvLineByLine) {
  std::ifstream spec(std::string(FOS_SHARED_DIR) +
                     "/oracles/omop/cdm54/OMOP_CDMv5.4_Field_Level.csv");
  if (!spec) GTEST_SKIP() << "spec CSV not available";
  std::string line;
  std::getline(spec, line);
  size_t checked = 0;
  // Each row starts "table,field," (no quoting in the first two cells except "offset").
  for (const CdmTable& table : cdm_tables()) {
    for (const CdmColumn& c : table.columns) {
      ASSERT_TRUE(std::getline(spec, line));
      std::string expected = std::string(table.name) + ",";
      std::string field(c.name);
      const bool quoted = line.compare(expected.size(), 1, "\"") == 0;
      expected += quoted ? "\"\"\"" + field + "\"\"\"" : field;  // the spec quotes "offset"
      EXPECT_EQ(line.substr(0, expected.size()), expected);
      ++checked;
      // Skip continuation lines of multi-line cells: a row ends when its quotes balance.
      size_t quotes = std::count(line.begin(), line.end(), '"');
      while (quotes % 2 == 1 && std::getline(spec, line))
        quotes += std::count(line.begin(), line.end(), '"');
    }
  }
  EXPECT_EQ(checked, 432u);
}

}  // namespace
}  // namespace fos::omop
