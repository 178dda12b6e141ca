// Tests of Constraints (config/constraints.yaml), of fos generate's --require option and of
// the built-in module set (modules/*.json compiled in).
#include "synth/constraints.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/error.hpp"
#include "synth/generator.hpp"

namespace fos::synth {
namespace {

using record::Code;
using record::CodeSystem;

record::PatientRecord adult_man() {
  record::PatientRecord rec;
  rec.person.sex = record::Sex::kMale;
  rec.person.birth_date = Date::from_civil(1970, 5, 1);
  return rec;
}

Instant at(int year) {
  return Instant::at(Date::from_civil(year, 6, 1));
}

TEST(Constraints, BuiltinRulesLoad) {
  const Constraints c = Constraints::builtin();
  ASSERT_NE(c.sex_rule("72892002"), nullptr);
  EXPECT_EQ(c.sex_rule("72892002")->sex, record::Sex::kFemale);
  ASSERT_NE(c.sex_rule_by_concept(200970), nullptr);
  EXPECT_EQ(c.sex_rule_by_concept(200970)->code, "92691004");
  ASSERT_NE(c.value_rule("2093-3", "mg/dL"), nullptr);
  EXPECT_DOUBLE_EQ(c.value_rule("2093-3", "mg/dL")->high, 500);
  EXPECT_EQ(c.value_rule("2093-3", "mmol/L"), nullptr);  // other unit: not checked
  EXPECT_TRUE(c.system_allowed("Condition", "SNOMED-CT"));
  EXPECT_FALSE(c.system_allowed("Condition", "LOINC"));
  EXPECT_TRUE(c.system_allowed("Encounter", "LOINC"));  // kind not constrained
  EXPECT_EQ(c.system_for_url("http://loinc.org"), "LOINC");
}

TEST(Constraints, ApplySuppressesClampsAndDrops) {
  const Constraints c = Constraints::builtin();
  record::PatientRecord rec = adult_man();
  rec.conditions.push_back(
      {0, Code{CodeSystem::kSnomed, "72892002", "Normal pregnancy"}, at(2000), std::nullopt});
  rec.conditions.push_back({0, Code{CodeSystem::kSnomed, "53741008", "CAD"}, at(1980),
                            std::nullopt});  // age 10: below 18
  rec.conditions.push_back(
      {0, Code{CodeSystem::kSnomed, "53741008", "CAD"}, at(2020), std::nullopt});  // kept
  rec.conditions.push_back({0, Code{CodeSystem::kIcd10cm, "I25.1", "CAD"}, at(2020),
                            std::nullopt});  // system not allowed for Condition
  record::Observation chol;
  chol.code = Code{CodeSystem::kLoinc, "2093-3", "Total cholesterol"};
  chol.effective = at(2020);
  chol.quantity = record::Quantity{720, 1, "mg/dL"};
  record::Observation bad_system;
  bad_system.code = Code{CodeSystem::kRxnorm, "1", "x"};
  bad_system.effective = at(2020);
  record::Observation bp;
  bp.code = Code{CodeSystem::kLoinc, "85354-9", "Blood pressure panel"};
  bp.effective = at(2020);
  bp.components.push_back({Code{CodeSystem::kLoinc, "8480-6", "Systolic"},
                           record::Quantity{12, 0, "mm[Hg]"}, std::nullopt});
  rec.observations = {bad_system, chol, bp};
  record::DiagnosticReport report;
  report.results = {0, 1, 2};
  rec.reports.push_back(report);

  const ConstraintCounts counts = c.apply(rec);
  EXPECT_EQ(counts.suppressed_sex, 1U);
  EXPECT_EQ(counts.suppressed_age, 1U);
  EXPECT_EQ(counts.dropped_system, 2U);
  EXPECT_EQ(counts.clamped_values, 2U);
  ASSERT_EQ(rec.conditions.size(), 1U);
  EXPECT_EQ(rec.conditions[0].onset, at(2020));
  ASSERT_EQ(rec.observations.size(), 2U);
  EXPECT_DOUBLE_EQ(rec.observations[0].quantity->value, 500);
  EXPECT_DOUBLE_EQ(rec.observations[1].components[0].quantity->value, 40);
  EXPECT_EQ(rec.reports[0].results, (std::vector<uint32_t>{0, 1}));
}

TEST(Constraints, ParseErrorsNameFileLineAndKey) {
  try {
    (void)Constraints::parse("sex_specific:\n  - {code: \"1\", sex: other}\n", "c.yaml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("c.yaml: line 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'sex' must be female or male"), std::string::npos);
  }
  EXPECT_THROW((void)Constraints::parse("value_ranges:\n  - {code: a, unit: x, low: 3, high: 1}\n",
                                        "c.yaml"),
               Error);
  EXPECT_THROW((void)Constraints::parse("colour: red\n", "c.yaml"), Error);
}

GenerateOptions require_options(uint64_t population) {
  GenerateOptions o;
  o.population = population;
  o.seed = 5;
  o.reference_date = Date::from_civil(2024, 6, 1);
  o.modules_dir = std::filesystem::path(FOS_SOURCE_DIR) / "modules";
  o.require_code = "44054006";  // type 2 diabetes
  return o;
}

bool has(const record::PatientRecord& r, const std::string& code) {
  for (const auto& c : r.conditions) {
    if (c.code.code == code) return true;
  }
  return false;
}

TEST(Require, KeepsOnlyPatientsWithTheConditionFromDisjointCandidates) {
  const SynthConfig config = SynthConfig::load({});
  const GenerateOptions o = require_options(40);
  const Generator g(config, o);
  GenerateOptions plain_options = o;
  plain_options.require_code.clear();
  const Generator plain(config, plain_options);
  std::set<uint64_t> indices;
  for (uint64_t i = 0; i < 40; ++i) {
    const auto rec = g.generate(i);
    EXPECT_TRUE(has(rec, "44054006")) << i;
    // The id scheme: position i holds index i + k*N for the first k whose patient has it.
    EXPECT_EQ(rec.person.index % 40, i);
    EXPECT_TRUE(indices.insert(rec.person.index).second);
    // Its content is the plain generator's patient at that index.
    const auto same = plain.generate(rec.person.index);
    EXPECT_EQ(same.person.birth_date, rec.person.birth_date);
    EXPECT_EQ(same.conditions.size(), rec.conditions.size());
    EXPECT_EQ(same.observations.size(), rec.observations.size());
    // Candidates skipped before it did not have the condition.
    for (uint64_t k = i; k < rec.person.index; k += 40)
      EXPECT_FALSE(has(plain.generate(k), "44054006"));
  }
  EXPECT_GE(g.require_candidates(), 40U);
  // Same seed and position, fresh generator (any thread or shard would do the same): same patient.
  const Generator again(config, o);
  EXPECT_EQ(again.generate(17).person.index, g.generate(17).person.index);
}

TEST(Require, NeedsModulesAndFailsClearlyWhenNobodyDevelopsIt) {
  GenerateOptions o = require_options(10);
  o.modules_dir.clear();
  try {
    o.validate();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--require: needs disease modules"), std::string::npos);
  }
  o = require_options(10);
  o.require_code = "0000000";
  o.require_tries = 5;
  const Generator g(SynthConfig::load({}), o);
  try {
    (void)g.generate(3);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--require 0000000"), std::string::npos) << e.what();
  }
}

TEST(BuiltinModules, AreTheModulesFolderAndAddModulesGoOnTop) {
  const SynthConfig config = SynthConfig::load({});
  GenerateOptions builtin = require_options(20);
  builtin.require_code.clear();
  builtin.modules_dir.clear();
  builtin.builtin_modules = true;
  GenerateOptions folder = require_options(20);
  folder.require_code.clear();
  const Generator a(config, builtin);
  const Generator b(config, folder);
  ASSERT_NE(a.modules(), nullptr);
  EXPECT_EQ(a.modules()->modules().size(), 12U);
  for (uint64_t i = 0; i < 20; ++i) {
    const auto x = a.generate(i);
    const auto y = b.generate(i);
    EXPECT_EQ(x.conditions.size(), y.conditions.size());
    EXPECT_EQ(x.medications.size(), y.medications.size());
    EXPECT_EQ(x.observations.size(), y.observations.size());
  }
  // A folder on top adds its modules; a module with the same name replaces the built-in one.
  // (semantics/ has 7 top-level modules, one of them using a lookup table from its folder.)
  builtin.add_module_dirs = {std::filesystem::path(FOS_SOURCE_DIR) /
                             "tests/data/modules/semantics"};
  const Generator c(config, builtin);
  EXPECT_EQ(c.modules()->modules().size(), 19U);
  (void)c.generate(0);
  builtin.module_filter = {"asthma"};
  builtin.add_module_dirs.clear();
  const Generator d(config, builtin);
  EXPECT_EQ(d.modules()->modules().size(), 1U);
}

}  // namespace
}  // namespace fos::synth
