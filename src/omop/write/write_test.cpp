// Tests of the OMOP writer: golden CSV for the hand-made fixture, quoting and NULLs,
// Parquet and DuckDB outputs with CDM types, abandoned sinks, options.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/output.hpp"
#include "lake/duckdb/db.hpp"
#include "omop/omop.hpp"
#include "omop/write/convert.hpp"
#include "omop/write/render.hpp"
#include "omop/write/table_rows.hpp"
#include "omop/write/test_fixture.hpp"

namespace fos::omop {
namespace {

namespace fs = std::filesystem;

class OmopWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("fos_omop_write_test_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::set<std::string> files(const fs::path& dir) const {
    std::set<std::string> out;
    if (!fs::exists(dir)) return out;
    for (const auto& entry : fs::directory_iterator(dir))
      out.insert(entry.path().filename().string());
    return out;
  }

  fs::path root_;
};

TEST_F(OmopWrite, CsvMatchesGolden) {
  const record::OutputCounts counts = testing::write_fixture(root_, {OmopFormat::kCsv});
  const fs::path golden = fs::path(FOS_SOURCE_DIR) / "tests/golden/omop_small";
  const bool update = std::getenv("FOS_UPDATE_GOLDEN") != nullptr;
  if (update) {
    fs::remove_all(golden);
    fs::create_directories(golden);
  }
  const std::set<std::string> written = files(root_ / "omop");
  EXPECT_EQ(written.size(), 23u);
  for (const std::string& name : written) {
    const std::string actual = read_file(root_ / "omop" / name);
    if (update) {
      write_file_atomic(golden / name, actual);
      continue;
    }
    ASSERT_TRUE(fs::exists(golden / name)) << name << " (run with FOS_UPDATE_GOLDEN=1)";
    EXPECT_EQ(actual, read_file(golden / name)) << name;
  }
  EXPECT_EQ(files(golden), written);
  EXPECT_EQ(files(root_), std::set<std::string>{"omop"});
}

TEST_F(OmopWrite, CountsRowsAndUnmappedCodes) {
  const record::OutputCounts counts = testing::write_fixture(root_, {OmopFormat::kCsv});
  EXPECT_EQ(counts.at("person"), 3u);
  EXPECT_EQ(counts.at("observation_period"), 3u);
  EXPECT_EQ(counts.at("visit_occurrence"), 3u);
  // child: 3 vitals + BP systolic/diastolic + HR; adult: temperature, unknown code, and the
  // depression-screening procedure (Measurement domain).
  EXPECT_EQ(counts.at("measurement"), 9u);
  EXPECT_EQ(counts.at("drug_exposure"), 8u);  // 4 immunizations + 4 medications
  // child: sinusitis; adult: diabetes, 2 x sinusitis, prediabetes (via 'Maps to'), unknown code
  EXPECT_EQ(counts.at("condition_occurrence"), 6u);
  EXPECT_EQ(counts.at("procedure_occurrence"), 1u);
  EXPECT_EQ(counts.at("device_exposure"), 2u);  // a device and a supply
  // smoking status (LOINC, Observation domain), the obesity finding, the allergy
  EXPECT_EQ(counts.at("observation"), 3u);
  EXPECT_EQ(counts.at("condition_era"), 4u);
  EXPECT_EQ(counts.at("drug_era"), 2u);  // acetaminophen, lisinopril; metformin has no ingredient
  EXPECT_EQ(counts.at("death"), 1u);
  EXPECT_EQ(counts.at("location"), 5u);  // two people with an address, three care sites
  EXPECT_EQ(counts.at("care_site"), 3u);
  EXPECT_EQ(counts.at("provider"), 2u);
  EXPECT_EQ(counts.at("cdm_source"), 1u);
  // race "other", LOINC 0000-0, unit furlong, CVX 999, SNOMED 999999999, the mold allergy
  EXPECT_EQ(counts.at(std::string(kUnmappedCount)), 6u);
}

TEST_F(OmopWrite, QuotesTextAndWritesNullAsNothing) {
  testing::write_fixture(root_, {OmopFormat::kCsv});
  const std::string location = read_file(root_ / "omop/location.csv");
  // Comma and quotes quoted; the county cut to varchar(20); address_2 NULL (empty, unquoted).
  EXPECT_NE(
      location.find("1,\"12 Elm St, Apt \"\"3\"\"\",,Springfield,MA,01101,Prince George's Oute,"),
      std::string::npos)
      << location;
  const std::string measurement = read_file(root_ / "omop/measurement.csv");
  const std::string observation = read_file(root_ / "omop/observation.csv");
  EXPECT_NE(observation.find("\"Never smoked, \"\"really\"\"\""), std::string::npos);
  EXPECT_NE(measurement.find(",0.0,"), std::string::npos);  // precision kept, no "-0.0"
  const std::string person = read_file(root_ / "omop/person.csv");
  EXPECT_NE(person.find("8515,38003564,,,,"), std::string::npos) << person;  // no address, no PCP
  EXPECT_NE(person.find("2015-03-04 10:20:30"), std::string::npos);
}

// Entries go to the table of their standard concept's domain, whatever record list they
// came from; codes without a usable standard concept stay in their own table with concept 0.
TEST_F(OmopWrite, RoutesByTheDomainOfTheStandardConcept) {
  testing::write_fixture(root_, {OmopFormat::kDuckdb});
  lake::Database db = lake::Database::open(root_ / "omop.duckdb");
  lake::Connection con(db);
  auto where = [&](const std::string& table, const std::string& column, const std::string& source) {
    return con.query("SELECT " + column + "_concept_id, " + column + "_source_concept_id FROM " +
                     table + " WHERE " + column + "_source_value = " + lake::sql_quote(source));
  };
  // A condition record whose concept is a finding (Observation domain).
  auto obesity = where("observation", "observation", "162864005");
  ASSERT_EQ(obesity.row_count(), 1u);
  EXPECT_EQ(obesity.str(0, 0), "4060985");
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM condition_occurrence WHERE "
                             "condition_source_value = '162864005'"),
            0);
  // A procedure record whose concept is in the Measurement domain.
  auto screening = where("measurement", "measurement", "171207006");
  ASSERT_EQ(screening.row_count(), 1u);
  EXPECT_EQ(screening.str(0, 0), "4064377");
  // A LOINC observation in the Observation domain.
  EXPECT_EQ(where("observation", "observation", "72166-2").str(0, 0), "43054909");
  // Non-standard source concept, standard target through 'Maps to'.
  auto prediabetes = where("condition_occurrence", "condition", "15777000");
  EXPECT_EQ(prediabetes.str(0, 0), "4311629");
  EXPECT_EQ(prediabetes.str(0, 1), "40316773");
  // Unmapped: concept 0, source value and source concept kept, in the entry's own table.
  auto unknown = where("condition_occurrence", "condition", "999999999");
  EXPECT_EQ(unknown.str(0, 0), "0");
  EXPECT_EQ(unknown.str(0, 1), "0");
  auto mold = where("observation", "observation", "419474003");
  EXPECT_EQ(mold.str(0, 0), "0");
  EXPECT_EQ(mold.str(0, 1), "4304110");
  // Devices carry the UDI; supplies their quantity.
  EXPECT_EQ(con.query("SELECT unique_device_id FROM device_exposure WHERE device_concept_id = "
                      "4217646")
                .str(0, 0),
            "(01)12345678901234(11)210708(10)LOT-7");
  EXPECT_EQ(con.scalar_int64("SELECT quantity FROM device_exposure WHERE device_concept_id = "
                             "4126216"),
            2);
}

TEST_F(OmopWrite, ErasFollowTheOhdsiRules) {
  testing::write_fixture(root_, {OmopFormat::kDuckdb});
  lake::Database db = lake::Database::open(root_ / "omop.duckdb");
  lake::Connection con(db);
  // Two sinusitis episodes 30 days apart make one era; an open-ended condition lasts one day.
  lake::QueryResult sinusitis = con.query(
      "SELECT CAST(condition_era_start_date AS VARCHAR), CAST(condition_era_end_date AS VARCHAR), "
      "condition_occurrence_count FROM condition_era WHERE person_id = 2 AND "
      "condition_concept_id = 40481087");
  ASSERT_EQ(sinusitis.row_count(), 1u);
  EXPECT_EQ(sinusitis.str(0, 0), "2022-02-28");
  EXPECT_EQ(sinusitis.str(0, 1), "2022-04-14");
  EXPECT_EQ(sinusitis.str(0, 2), "2");
  EXPECT_EQ(con.query("SELECT CAST(condition_era_end_date AS VARCHAR) FROM condition_era WHERE "
                      "condition_concept_id = 201826")
                .str(0, 0),
            "2021-07-09");
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM condition_era WHERE condition_concept_id = 0"),
            0);
  // Two acetaminophen courses 13 days apart: one era at the ingredient, 13 gap days.
  lake::QueryResult acetaminophen = con.query(
      "SELECT CAST(drug_era_start_date AS VARCHAR), CAST(drug_era_end_date AS VARCHAR), "
      "drug_exposure_count, gap_days FROM drug_era WHERE drug_concept_id = 1125315");
  ASSERT_EQ(acetaminophen.row_count(), 1u);
  EXPECT_EQ(acetaminophen.str(0, 0), "2022-02-28");
  EXPECT_EQ(acetaminophen.str(0, 1), "2022-03-27");
  EXPECT_EQ(acetaminophen.str(0, 2), "2");
  EXPECT_EQ(acetaminophen.str(0, 3), "13");
  // The ongoing lisinopril lasts to the end of the observation period.
  EXPECT_EQ(con.query("SELECT CAST(drug_era_end_date AS VARCHAR) FROM drug_era WHERE "
                      "drug_concept_id = 1308216")
                .str(0, 0),
            con.query("SELECT CAST(observation_period_end_date AS VARCHAR) FROM "
                      "observation_period WHERE person_id = 2")
                .str(0, 0));
  // Every era concept is an ingredient.
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM drug_era d JOIN concept c ON "
                             "c.concept_id = d.drug_concept_id WHERE c.concept_class_id <> "
                             "'Ingredient'"),
            0);
}

TEST(OmopRoute, FallsBackToTheEntryTable) {
  const Vocabulary& v = Vocabulary::builtin();
  const record::Code finding{record::CodeSystem::kSnomed, "162864005", ""};
  const Routing obesity = route(v, finding, PatientTable::kConditionOccurrence);
  EXPECT_EQ(obesity.table, PatientTable::kObservation);
  EXPECT_EQ(obesity.concept_id, 4060985);
  const Routing visit =
      route(v, {record::CodeSystem::kSnomed, "410620009", ""}, PatientTable::kConditionOccurrence);
  EXPECT_EQ(visit.table, PatientTable::kProcedureOccurrence);  // well child visit: a procedure
  const Routing unit =
      route(v, {record::CodeSystem::kUcum, "kg", ""}, PatientTable::kDeviceExposure);
  EXPECT_EQ(unit.table, PatientTable::kDeviceExposure);  // Unit domain has no event table
  EXPECT_EQ(unit.concept_id, 0);
  EXPECT_EQ(unit.mapping.source_concept_id, 9529);
  const Routing none = route(v, {record::CodeSystem::kOther, "x", ""}, PatientTable::kMeasurement);
  EXPECT_EQ(none.table, PatientTable::kMeasurement);
  EXPECT_EQ(none.concept_id, 0);
}

TEST_F(OmopWrite, BlockSizeDoesNotChangeBytes) {
  const fs::path a = root_ / "a", b = root_ / "b";
  fs::create_directories(a);
  fs::create_directories(b);
  testing::write_fixture(a, {OmopFormat::kCsv}, 1);
  testing::write_fixture(b, {OmopFormat::kCsv}, 3);
  for (const std::string& name : files(a / "omop")) {
    EXPECT_EQ(read_file(a / "omop" / name), read_file(b / "omop" / name)) << name;
  }
}

TEST_F(OmopWrite, ParquetAndDuckdbHaveCountsAndCdmTypes) {
  const record::OutputCounts counts =
      testing::write_fixture(root_, {OmopFormat::kParquet, OmopFormat::kDuckdb});
  EXPECT_FALSE(fs::exists(root_ / "omop/person.csv"));  // csv not requested
  ASSERT_TRUE(fs::exists(root_ / "omop/person.parquet"));
  ASSERT_TRUE(fs::exists(root_ / "omop.duckdb"));
  lake::Database db = lake::Database::open(root_ / "omop.duckdb");
  lake::Connection con(db);
  for (const auto& [name, rows] : counts) {
    if (name == kUnmappedCount) continue;
    const std::string parquet = lake::sql_quote((root_ / "omop" / (name + ".parquet")).string());
    EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM read_parquet(" + parquet + ")"),
              static_cast<int64_t>(rows))
        << name;
    EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM " + lake::sql_identifier(name)),
              static_cast<int64_t>(rows))
        << name;
    // Parquet and database columns carry the CDM SQL types, in spec order.
    const CdmTable& table = cdm_table(name);
    lake::QueryResult types =
        con.query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(" +
                  parquet + "))");
    lake::QueryResult db_types = con.query(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = " +
        lake::sql_quote(name) + " ORDER BY ordinal_position");
    ASSERT_EQ(types.row_count(), table.columns.size()) << name;
    ASSERT_EQ(db_types.row_count(), table.columns.size()) << name;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      EXPECT_EQ(types.str(i, 0), table.columns[i].name);
      EXPECT_EQ(types.str(i, 1), sql_type(table.columns[i]))
          << name << "." << table.columns[i].name;
      EXPECT_EQ(db_types.str(i, 0), table.columns[i].name);
      EXPECT_EQ(db_types.str(i, 1), sql_type(table.columns[i]))
          << name << "." << table.columns[i].name;
    }
  }
  // Every CDM table exists in the database, empty where fos writes nothing.
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM information_schema.tables"),
            static_cast<int64_t>(cdm_tables().size()));
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM dose_era"), 0);
  // Values survive: NULL vs empty, timestamps, big ids.
  EXPECT_EQ(con.query("SELECT address_2 IS NULL, address_1 FROM location WHERE location_id = 1")
                .str(0, 1),
            "12 Elm St, Apt \"3\"");
  EXPECT_EQ(con.query("SELECT CAST(visit_end_datetime AS VARCHAR) FROM visit_occurrence "
                      "WHERE visit_concept_id = 8782")
                .str(0, 0),
            "2022-03-01 00:10:00");
  EXPECT_EQ(con.scalar_int64("SELECT max(measurement_id) FROM measurement"), 2000002);
  EXPECT_EQ(con.query("SELECT vocabulary_version FROM cdm_source").str(0, 0).rfind("fos ", 0), 0u);
}

TEST_F(OmopWrite, AbandonedSinkLeavesNothing) {
  static const record::ProviderDirectory kDirectory = testing::fixture_directory();
  const auto patients = testing::fixture_patients();
  OmopWriteOptions options;
  options.formats = {OmopFormat::kCsv, OmopFormat::kDuckdb};
  {
    auto sink = make_omop_sink(root_, kDirectory, options);
    sink->write(sink->render(patients));
    EXPECT_EQ(sink->counts().at("person"), 3u);
  }
  EXPECT_TRUE(files(root_).empty());
}

TEST(OmopOptions, ValidateNamesTheProblem) {
  OmopWriteOptions options;
  options.formats = {};
  EXPECT_THROW(options.validate(), Error);
  options.formats = {OmopFormat::kCsv, OmopFormat::kCsv};
  try {
    options.validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_STREQ(e.what(), "omop: format 'csv' requested twice");
  }
  options.formats = {OmopFormat::kCsv};
  options.source_name = "";
  EXPECT_THROW(options.validate(), Error);
  const record::ProviderDirectory directory;
  EXPECT_THROW(make_omop_sink(fs::temp_directory_path(), directory, options), Error);
}

TEST(OmopTableRows, TruncatesAndFormats) {
  EXPECT_EQ(truncate_utf8("héllo", 2), "hé");
  EXPECT_EQ(truncate_utf8("abc", 5), "abc");
  EXPECT_EQ(format_number(1.25, 1), "1.2");
  EXPECT_EQ(format_number(-0.01, 1), "0.0");
  EXPECT_EQ(format_number(120, 0), "120");
  TableRows rows(table_layout("death"));
  ConceptLog concepts;
  RowBuilder row(rows, concepts);
  row.integer(1).date(Date::from_civil(2020, 1, 2)).null().concept_id(32817);
  EXPECT_THROW(row.end(), Error);  // 4 of 7 fields
  std::set<int32_t> logged;
  concepts.drain(logged);
  EXPECT_TRUE(logged.contains(32817));
}

// round_number's integer rounding gives the text std::to_chars prints (exact ties to even) and
// the double that text reads back as, for values near ties, tiny and huge values and every
// digit count (those past its fast range take to_chars itself).
TEST(OmopTableRows, RoundedNumbersMatchToChars) {
  std::vector<double> values = {
      0.0,        -0.0,      0.5,    1.5,     2.5,   -2.5,   0.125, 0.375,
      1.005,      -0.00001,  5e-324, -5e-324, 1e300, -1e300, 1e15,  9007199254740991.0,
      123456.789, 42.123456, -1.25};
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double unit = static_cast<double>(state >> 11) / static_cast<double>(uint64_t{1} << 53);
    values.push_back((unit - 0.5) * 2e4);
    values.push_back(std::round((unit - 0.5) * 2e6) / 1000);  // three digits, near ties
    values.push_back(std::ldexp(unit, static_cast<int>(state % 120) - 60));
  }
  for (const double value : values) {
    for (int decimals = -1; decimals <= 11; ++decimals) {
      std::array<char, 64> expected_buf{};
      const int digits = decimals < 0 ? 0 : decimals;
      auto [end, ec] = std::to_chars(expected_buf.data(), expected_buf.data() + 64, value,
                                     std::chars_format::fixed, digits);
      std::array<char, 64> buf{};
      if (ec != std::errc()) {  // too long for the buffer: an error, as before
        EXPECT_THROW(round_number(buf, value, decimals), Error);
        continue;
      }
      std::string expected(expected_buf.data(), end);
      if (expected.front() == '-' && expected.find_first_not_of("-0.") == std::string::npos) {
        expected.erase(0, 1);
      }
      double expected_value = 0;
      std::from_chars(expected.data(), expected.data() + expected.size(), expected_value);
      const RoundedNumber rounded = round_number(buf, value, decimals);
      ASSERT_EQ(rounded.text, expected) << value << " to " << decimals;
      ASSERT_EQ(std::bit_cast<uint64_t>(rounded.value), std::bit_cast<uint64_t>(expected_value))
          << value << " to " << decimals;
    }
  }
  std::array<char, 64> buf{};
  EXPECT_THROW(round_number(buf, std::nan(""), 1), Error);
}

// The typed rows give the CSV text fos has always written, and the batch holds the values
// that text reads as (numbers rounded as printed, text cut to the column width, NULL vs "").
TEST(OmopTableRows, CsvAndBatchAgree) {
  ConceptLog concepts;
  auto add_row = [&concepts](TableRows& rows) {
    RowBuilder(rows, concepts)
        .integer(int64_t{7})
        .text("1 Main St, \"A\"")
        .text("")
        .text("Springfield")
        .text("MA")
        .null()
        .text("Prince George's Outer County")  // varchar(20)
        .null()
        .concept_id(0)
        .text_or_null("")
        .number(42.1234564, 6)
        .number(-0.0000001, 6)
        .end();
  };
  const std::string expected =
      "7,\"1 Main St, \"\"A\"\"\",\"\",Springfield,MA,,Prince George's Oute,,0,,42.123456,"
      "0.000000\n";
  TableRows rows(table_layout("location"));
  add_row(rows);
  std::string csv;
  rows.append_csv(csv);
  EXPECT_EQ(csv, expected);
  // Rows kept as CSV text from the start read the same.
  TableRows text_rows(table_layout("location"), TableRows::Form::kCsv);
  add_row(text_rows);
  add_row(text_rows);
  EXPECT_EQ(text_rows.size(), 2u);
  EXPECT_EQ(text_rows.take_csv(), expected + expected);
  EXPECT_EQ(text_rows.size(), 2u);
  EXPECT_THROW(RowBuilder(text_rows, concepts).integer(int64_t{1}).end(), Error);
  const lake::ColumnBatch batch = rows.take_batch();
  EXPECT_EQ(rows.size(), 0u);
  ASSERT_EQ(batch.rows, 1u);
  EXPECT_EQ(batch.columns[0].int_value(0), 7);
  EXPECT_FALSE(batch.columns[2].is_null(0));  // "" stays an empty string
  EXPECT_EQ(batch.columns[2].text_value(0), "");
  EXPECT_TRUE(batch.columns[5].is_null(0));
  EXPECT_EQ(batch.columns[6].text_value(0), "Prince George's Oute");
  EXPECT_TRUE(batch.columns[9].is_null(0));
  EXPECT_EQ(batch.columns[10].double_value(0), 42.123456);
  EXPECT_EQ(batch.columns[11].double_value(0), 0.0);
  EXPECT_FALSE(std::signbit(batch.columns[11].double_value(0)));
}

// A written batch given back to a table is emptied and refilled; one of another table is refused.
TEST(TableRows, RecycledBatchesHoldNewRowsOnly) {
  ConceptLog concepts;
  TableRows rows(table_layout("death"));
  auto add_row = [&](TableRows& into, int64_t person) {
    RowBuilder(into, concepts)
        .integer(person)
        .date(Date::from_civil(2020, 1, 2))
        .null()
        .concept_id(32817)
        .null()
        .null()
        .null()
        .end();
  };
  add_row(rows, 1);
  add_row(rows, 2);
  lake::ColumnBatch used = rows.take_batch();
  ASSERT_EQ(used.rows, 2u);
  rows.recycle(std::move(used));
  EXPECT_EQ(rows.size(), 0u);
  add_row(rows, 3);
  const lake::ColumnBatch batch = rows.take_batch();
  ASSERT_EQ(batch.rows, 1u);
  EXPECT_EQ(batch.columns[0].size(), 1u);
  EXPECT_EQ(batch.columns[0].int_value(0), 3);
  EXPECT_TRUE(batch.columns[2].is_null(0));
  EXPECT_EQ(batch.columns[3].values(), 1u);
  TableRows other(table_layout("location"));
  EXPECT_THROW(other.recycle(lake::ColumnBatch(table_layout("death").columns)), Error);
}

TEST(OmopTableRows, AValueOfTheWrongTypeNamesTheColumn) {
  TableRows rows(table_layout("death"));
  ConceptLog concepts;
  try {
    RowBuilder(rows, concepts).integer(int64_t{1}).text("2020-01-02");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    EXPECT_STREQ(e.what(), "OMOP column death.death_date cannot hold a text value");
  }
}

// Parquet is written from the typed rows: the same values as the CSV (read with the CDM
// types), and the same bytes whatever the block size.
TEST_F(OmopWrite, ParquetHoldsTheCsvValues) {
  const fs::path a = root_ / "a", b = root_ / "b";
  fs::create_directories(a);
  fs::create_directories(b);
  testing::write_fixture(a, {OmopFormat::kCsv, OmopFormat::kParquet}, 1);
  testing::write_fixture(b, {OmopFormat::kParquet}, 3);
  lake::Database db = lake::Database::in_memory();
  lake::Connection con(db);
  for (const CdmTable* table :
       {&cdm_table("person"), &cdm_table("measurement"), &cdm_table("location"),
        &cdm_table("concept"), &cdm_table("visit_occurrence"), &cdm_table("observation")}) {
    const std::string name(table->name);
    const std::string parquet = lake::sql_quote((a / "omop" / (name + ".parquet")).string());
    const std::string csv = read_csv_sql(a / "omop" / (name + ".csv"), *table);
    EXPECT_GT(con.scalar_int64("SELECT count(*) FROM " + parquet), 0) << name;
    auto rows_only_in = [&con](const std::string& x, const std::string& y) {
      std::string sql = "SELECT count(*) FROM (SELECT * FROM ";
      sql.append(x).append(" EXCEPT ALL SELECT * FROM ").append(y).append(")");
      return con.scalar_int64(sql);
    };
    EXPECT_EQ(rows_only_in(parquet, csv), 0) << name;
    EXPECT_EQ(rows_only_in(csv, parquet), 0) << name;
  }
  for (const std::string& name : files(a / "omop")) {
    if (!name.ends_with(".parquet")) continue;
    EXPECT_EQ(read_file(a / "omop" / name), read_file(b / "omop" / name)) << name;
  }
  EXPECT_EQ(files(b / "omop").size(), 23u);  // no CSV, nothing partial
}

TEST_F(OmopWrite, AbandonedParquetSinkLeavesNothing) {
  static const record::ProviderDirectory kDirectory = testing::fixture_directory();
  const auto patients = testing::fixture_patients();
  OmopWriteOptions options;
  options.formats = {OmopFormat::kParquet};
  {
    auto sink = make_omop_sink(root_, kDirectory, options);
    sink->write(sink->render(patients));
    EXPECT_EQ(sink->counts().at("person"), 3u);
  }
  EXPECT_TRUE(files(root_).empty());
}

// A Parquet file that cannot be written (here: it cannot be created) surfaces as an Error
// naming it, from the sink's construction, write() or finish(), and the sink then removes
// everything it wrote.
TEST_F(OmopWrite, AFailingParquetWriterSurfacesAndLeavesNothing) {
  static const record::ProviderDirectory kDirectory = testing::fixture_directory();
  const auto patients = testing::fixture_patients();
  fs::create_directories(root_ / "omop/measurement.parquet.partial");  // in the file's way
  OmopWriteOptions options;
  options.formats = {OmopFormat::kCsv, OmopFormat::kParquet};
  {
    try {
      auto sink = make_omop_sink(root_, kDirectory, options);
      for (int i = 0; i < 20; ++i) sink->write(sink->render(patients));
      sink->finish();
      FAIL() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kIo);
      EXPECT_NE(std::string(e.what()).find("measurement.parquet.partial"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_TRUE(files(root_).empty());
}

}  // namespace
}  // namespace fos::omop
