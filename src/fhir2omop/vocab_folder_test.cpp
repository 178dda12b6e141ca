// Tests of the Athena folder loader: mappings ('Maps to', 'Maps to value', invalid edges),
// drug ingredients, the rows the CDM writer asks for, agreement with Vocabulary::parse on
// the same files, and load errors that name file and line.
#include "fhir2omop/vocab_folder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/output.hpp"
#include "fhir2omop/fhir2omop.hpp"

namespace fos::fhir2omop {
namespace {

namespace fs = std::filesystem;

const char* const kConcept =
    "concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tstandard_concept\t"
    "concept_code\tvalid_start_date\tvalid_end_date\tinvalid_reason\n"
    "100\tFamily history of diabetes\tObservation\tICD10CM\t5-char code\t\tZ83.3\t20070101\t"
    "20991231\t\n"
    "200\tFamily history of clinical finding\tObservation\tSNOMED\tContext-dependent\tS\t"
    "57177007\t20020131\t20991231\t\n"
    "300\tDiabetes mellitus\tCondition\tSNOMED\tDisorder\tS\t73211009\t20020131\t20991231\t\n"
    "400\tType 2 diabetes (old)\tCondition\tICD10CM\t3-char code\t\tE11\t20070101\t20991231\t\n"
    "500\taspirin\tDrug\tRxNorm\tIngredient\tS\t1191\t19700101\t20991231\t\n"
    "600\taspirin 81 MG Oral Tablet\tDrug\tRxNorm\tClinical Drug\tS\t243670\t19700101\t"
    "20991231\t\n"
    "700\tDiabetes (upgraded)\tCondition\tSNOMED\tDisorder\t\t44054006\t20020131\t20180131\tU\n";

const char* const kRelationship =
    "concept_id_1\tconcept_id_2\trelationship_id\tvalid_start_date\tvalid_end_date\t"
    "invalid_reason\n"
    "100\t200\tMaps to\t20170101\t20991231\t\n"
    "100\t300\tMaps to value\t20170101\t20991231\t\n"
    "200\t100\tMapped from\t20170101\t20991231\t\n"
    "400\t300\tMaps to\t20170101\t20180101\tD\n"
    "700\t300\tMaps to\t20180131\t20991231\t\n";

const char* const kAncestor =
    "ancestor_concept_id\tdescendant_concept_id\tmin_levels_of_separation\t"
    "max_levels_of_separation\n"
    "500\t500\t0\t0\n"
    "500\t600\t1\t1\n"
    "200\t300\t1\t2\n";

class AthenaFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fos-athena-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    files_ = {{"CONCEPT.csv", kConcept},
              {"CONCEPT_RELATIONSHIP.csv", kRelationship},
              {"CONCEPT_ANCESTOR.csv", kAncestor}};
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write() const {
    for (const auto& [name, text] : files_) std::ofstream(dir_ / name) << text;
  }

  // The load error's message; empty when loading succeeds.
  std::string load_error() const {
    write();
    try {
      load_vocabulary_folder(dir_);
    } catch (const Error& e) {
      return e.what();
    }
    return {};
  }

  fs::path dir_;
  std::map<std::string, std::string> files_;
};

TEST_F(AthenaFolder, MapsThroughMapsToAndMapsToValue) {
  write();
  const omop::Vocabulary v = load_vocabulary_folder(dir_);
  const omop::CodeMapping history = v.map("ICD10CM", "Z83.3");
  EXPECT_EQ(history.source_concept_id, 100);
  ASSERT_TRUE(history.standard);
  EXPECT_EQ(history.standard->concept_id, 200);
  EXPECT_EQ(history.standard->domain_id, "Observation");
  ASSERT_TRUE(history.value);
  EXPECT_EQ(history.value->concept_id, 300);
  EXPECT_EQ(history.value->concept_name, "Diabetes mellitus");
  // A standard concept maps to itself and has no value.
  const omop::CodeMapping diabetes = v.map("SNOMED", "73211009");
  EXPECT_EQ(diabetes.standard->concept_id, 300);
  EXPECT_FALSE(diabetes.value);
  // An invalid (D) 'Maps to' edge is not followed; a code with none keeps its source id.
  const omop::CodeMapping old = v.map("ICD10CM", "E11");
  EXPECT_EQ(old.source_concept_id, 400);
  EXPECT_FALSE(old.standard);
  // A non-standard upgraded concept follows its valid edge.
  EXPECT_EQ(v.map("SNOMED", "44054006").standard->concept_id, 300);
  EXPECT_FALSE(v.map("SNOMED", "Z83.3").standard);  // the vocabulary is part of the key
  EXPECT_EQ(v.map("LOINC", "no-such").source_concept_id, 0);
}

// The cell of `column` in the first data row of a CSV table without quoted fields.
std::string first_row_cell(const std::string& csv, const std::string& column) {
  auto split = [](const std::string& line) {
    std::vector<std::string> cells(1);
    for (const char c : line) {
      if (c == ',') {
        cells.emplace_back();
      } else {
        cells.back() += c;
      }
    }
    return cells;
  };
  const size_t header_end = csv.find('\n');
  const std::vector<std::string> header = split(csv.substr(0, header_end));
  const std::vector<std::string> row =
      split(csv.substr(header_end + 1, csv.find('\n', header_end + 1) - header_end - 1));
  for (size_t i = 0; i < header.size() && i < row.size(); ++i) {
    if (header[i] == column) return row[i];
  }
  return "<no column " + column + ">";
}

TEST_F(AthenaFolder, MapsToValueGivesTheValueConceptOfTheRow) {
  // fos's own vocabulary folder (complete enough for the CDM writer) plus the three concepts
  // and two edges of "family history of diabetes".
  for (const auto& entry : fs::directory_iterator(fs::path(FOS_SOURCE_DIR) / "vocab")) {
    if (entry.path().extension() == ".csv")
      fs::copy_file(entry.path(), dir_ / entry.path().filename());
  }
  std::ofstream(dir_ / "CONCEPT.csv", std::ios::app)
      << "100\tFamily history of diabetes\tObservation\tSNOMED\tClinical Finding\t\t999000100\t"
         "20070101\t20991231\t\n"
      << "200\tFamily history of clinical finding\tObservation\tSNOMED\tClinical Finding\tS\t"
         "999000200\t20020131\t20991231\t\n"
      << "300\tDiabetes mellitus\tCondition\tSNOMED\tDisorder\tS\t999000300\t20020131\t"
         "20991231\t\n"
      << "44819239\tNon-standard to value_as_concept map (OMOP)\tMetadata\tRelationship\t"
         "Relationship\t\tOMOP generated\t19700101\t20991231\t\n";
  std::ofstream(dir_ / "CONCEPT_RELATIONSHIP.csv", std::ios::app)
      << "100\t200\tMaps to\t20170101\t20991231\t\n"
      << "100\t300\tMaps to value\t20170101\t20991231\t\n";
  std::ofstream(dir_ / "RELATIONSHIP.csv", std::ios::app)
      << "Maps to value\tNon-standard to value_as_concept map (OMOP)\t0\t0\tValue mapped from\t"
         "44819239\n";
  const omop::Vocabulary vocabulary = load_vocabulary_folder(dir_);
  const fs::path in = dir_ / "in";
  fs::create_directories(in);
  std::ofstream(in / "data.ndjson")
      << R"({"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1970-01-01"})"
      << "\n"
      << R"({"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"},)"
      << R"("onsetDateTime":"2020-03-04T00:00:00Z","code":{"coding":[{"system":)"
      << R"("http://snomed.info/sct","code":"999000100"}]}})"
      << "\n";
  ConvertOptions options;
  options.inputs = {in};
  options.reference_date = *Date::parse("2025-01-01");
  options.vocabulary = &vocabulary;
  convert(options, dir_ / "out");
  // 999000100 'Maps to' 200 (Observation domain) and 'Maps to value' 300: one observation row.
  const std::string observation = read_file(dir_ / "out" / "omop" / "observation.csv");
  EXPECT_EQ(first_row_cell(observation, "observation_concept_id"), "200") << observation;
  EXPECT_EQ(first_row_cell(observation, "value_as_concept_id"), "300") << observation;
  EXPECT_EQ(first_row_cell(observation, "observation_source_concept_id"), "100");
  EXPECT_EQ(first_row_cell(observation, "observation_source_value"), "999000100");
  EXPECT_EQ(read_file(dir_ / "out" / "omop" / "condition_occurrence.csv").find("999000100"),
            std::string::npos);
}

TEST_F(AthenaFolder, IngredientsRowsAndRelationships) {
  write();
  const omop::Vocabulary v = load_vocabulary_folder(dir_);
  EXPECT_EQ(v.ingredients_of(600), std::vector<int32_t>{500});
  EXPECT_EQ(v.ingredients_of(500), std::vector<int32_t>{500});
  EXPECT_TRUE(v.ingredients_of(300).empty());  // 200 is no ingredient
  const omop::ConceptRow* row = v.concept_row(700);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->concept_code, "44054006");
  EXPECT_EQ(row->invalid_reason, "U");
  EXPECT_EQ(row->valid_end_date, *Date::parse("2018-01-31"));
  EXPECT_EQ(v.concept_row(700), row);  // built once
  EXPECT_EQ(v.concept_row(1), nullptr);
  EXPECT_EQ(v.find_by_id(500)->concept_name, "aspirin");
  const std::vector<omop::ConceptRelationshipRow> among = v.relationships_among({100, 200, 300});
  ASSERT_EQ(among.size(), 3U);
  EXPECT_EQ(among[0].relationship_id, "Maps to");
  EXPECT_EQ(among[1].relationship_id, "Maps to value");
  EXPECT_EQ(among[2].relationship_id, "Mapped from");
  EXPECT_EQ(among[2].valid_start_date, *Date::parse("2017-01-01"));
  EXPECT_EQ(v.relationships_among({100, 200, 300}).size(), 3U);  // the same set again
  EXPECT_EQ(v.relationships_among({100, 300}).size(), 1U);
  // An invalid edge is not followed for mapping but is still a row of the table.
  EXPECT_EQ(v.relationships_among({400, 300}).at(0).invalid_reason, "D");
}

TEST_F(AthenaFolder, AgreesWithTheInMemoryParser) {
  write();
  const omop::Vocabulary folder = load_vocabulary_folder(dir_);
  omop::VocabularyFiles files{"memory", {}};
  for (const auto& [name, text] : files_) files.files.emplace(name, text);
  const omop::Vocabulary memory = omop::Vocabulary::parse(files);
  for (const omop::ConceptRow& c : memory.concepts()) {
    const omop::CodeMapping a = folder.map(c.vocabulary_id, c.concept_code);
    const omop::CodeMapping b = memory.map(c.vocabulary_id, c.concept_code);
    EXPECT_EQ(a.source_concept_id, b.source_concept_id) << c.concept_code;
    EXPECT_EQ(a.standard.has_value(), b.standard.has_value()) << c.concept_code;
    if (a.standard && b.standard) {
      EXPECT_EQ(a.standard->concept_id, b.standard->concept_id);
    }
    EXPECT_EQ(a.value.has_value(), b.value.has_value()) << c.concept_code;
    EXPECT_EQ(folder.ingredients_of(c.concept_id), memory.ingredients_of(c.concept_id));
  }
  EXPECT_EQ(folder.relationships_among({100, 200, 300, 400}).size(),
            memory.relationships_among({100, 200, 300, 400}).size());
}

TEST_F(AthenaFolder, ErrorsNameFileAndLine) {
  files_["CONCEPT_RELATIONSHIP.csv"] =
      std::string(kRelationship) + "100\t300\tMaps to\t20201301\t20991231\t\n";
  EXPECT_NE(load_error().find("CONCEPT_RELATIONSHIP.csv: line 7: bad valid_start_date '20201301'"),
            std::string::npos)
      << load_error();
  files_["CONCEPT_RELATIONSHIP.csv"] = kRelationship;
  files_["CONCEPT.csv"] = std::string(kConcept) + "800\tshort row\tDrug\n";
  EXPECT_NE(load_error().find("CONCEPT.csv: line 9: has 3 fields, the header 10"),
            std::string::npos)
      << load_error();
  files_["CONCEPT.csv"] =
      std::string(kConcept) + "300\tagain\tDrug\tRxNorm\tx\t\t1\t20200101\t20991231\t\n";
  EXPECT_NE(load_error().find("concept_id 300 appears twice"), std::string::npos);
  files_["CONCEPT.csv"] = kConcept;
  files_["CONCEPT_ANCESTOR.csv"] = std::string(kAncestor) + "500\tx600\t1\t1\n";
  EXPECT_NE(load_error().find("CONCEPT_ANCESTOR.csv: line 5: bad descendant_concept_id 'x600'"),
            std::string::npos)
      << load_error();
  files_["CONCEPT_ANCESTOR.csv"] = kAncestor;
  EXPECT_EQ(load_error(), "");
  fs::remove(dir_ / "CONCEPT.csv");
  try {
    load_vocabulary_folder(dir_);
    ADD_FAILURE() << "no error without CONCEPT.csv";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no CONCEPT.csv"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_vocabulary_folder(dir_ / "missing"), Error);
}

}  // namespace
}  // namespace fos::fhir2omop
