// Tests of the module engine: GMF semantics on small modules (tests/data/modules/semantics).
#include <gtest/gtest.h>

#include <map>

#include "synth/engine/engine.hpp"

namespace fos::synth {
namespace {

const std::filesystem::path kData = std::filesystem::path(FOS_SOURCE_DIR) / "tests/data/modules";

Engine engine_for(const std::string& module) {
  LoadOptions options;
  options.dirs = {kData / "semantics"};
  options.filter = {module};
  return Engine(ModuleLibrary::load(options));
}

struct Life {
  record::PatientRecord rec;
  EngineInput input;
  std::optional<Instant> death;
};

// A patient born 1970-03-10 living to 2020-01-01, with a wellness visit every year.
Life live(const Engine& engine, uint64_t index, record::Sex sex, ModuleStats* stats = nullptr) {
  Life life;
  record::Person& p = life.rec.person;
  p.index = index;
  p.sex = sex;
  p.birth_date = Date::from_civil(1970, 3, 10);
  p.birth_time = Instant::at(p.birth_date, 8);
  for (int year = 1971; year < 2020; ++year) {
    record::Encounter& e = life.rec.encounters.emplace_back();
    e.start = Instant::at(Date::from_civil(year, 5, 2), 9);
    e.end = e.start.plus_minutes(30);
    life.input.wellness.push_back(static_cast<uint32_t>(life.rec.encounters.size() - 1));
  }
  life.input.end = Instant::at(Date::from_civil(2020, 1, 1));
  life.input.state_name = "Massachusetts";
  life.death = engine.run(life.rec, life.input, Rng(5, index), stats);
  return life;
}

const record::Procedure& procedure(const record::PatientRecord& r, const std::string& code) {
  for (const auto& p : r.procedures) {
    if (p.code.code == code) return p;
  }
  throw std::runtime_error("no procedure " + code);
}

bool has_condition(const record::PatientRecord& r, const std::string& code) {
  for (const auto& c : r.conditions) {
    if (c.code.code == code) return true;
  }
  return false;
}

TEST(Engine, DelaysBetweenStepsChainExactly) {
  const Engine engine = engine_for("delays");
  const Life life = live(engine, 1, record::Sex::kFemale);
  const auto& first = procedure(life.rec, "1001");
  const auto& second = procedure(life.rec, "1002");
  const auto& third = procedure(life.rec, "1003");
  const record::Encounter& visit = life.rec.encounters[first.encounter];
  EXPECT_EQ(visit.encounter_class, record::EncounterClass::kAmbulatory);
  // The guard opens at the first 7-day step at age 30; the encounter starts then.
  EXPECT_EQ(age_in_years(life.rec.person.birth_date, visit.start.date()), 30);
  EXPECT_EQ((visit.start.seconds() - life.rec.person.birth_time.seconds()) % (int64_t{7} * 86400),
            0);
  EXPECT_EQ(first.start.seconds() - visit.start.seconds(), 3 * 86400);
  EXPECT_EQ(second.start.seconds() - first.start.seconds(), 2 * 86400);
  EXPECT_EQ(second.end.seconds() - second.start.seconds(), 90 * 60);
  EXPECT_EQ(third.start.seconds() - second.end.seconds(), 10 * 3600);
  EXPECT_EQ(visit.end, third.start);
  EXPECT_EQ(second.encounter, first.encounter);
  EXPECT_EQ(third.encounter, first.encounter);
}

TEST(Engine, DistributedTransitionsFollowTheirProbabilities) {
  const Engine engine = engine_for("distributed");
  std::map<std::string, int> counts;
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    const Life life = live(engine, static_cast<uint64_t>(i), record::Sex::kFemale);
    ASSERT_EQ(life.rec.conditions.size(), 1u);
    ++counts[life.rec.conditions[0].code.code.str()];
  }
  // Three standard errors of a proportion over 4,000 draws are below 0.025.
  EXPECT_NEAR(counts["2001"] / double(n), 0.3, 0.025);
  EXPECT_NEAR(counts["2002"] / double(n), 0.5, 0.025);
  EXPECT_NEAR(counts["2003"] / double(n), 0.2, 0.025);
}

TEST(Engine, AttributeDistributionReadsTheAttribute) {
  const Engine engine = engine_for("attribute_distribution");
  int yes = 0;
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    yes += has_condition(live(engine, static_cast<uint64_t>(i), record::Sex::kMale).rec, "2101");
  }
  EXPECT_NEAR(yes / double(n), 0.8, 0.03);
}

TEST(Engine, ConditionalAndComplexTransitionsAndLogic) {
  const Engine engine = engine_for("conditional");
  const Life male = live(engine, 3, record::Sex::kMale);
  EXPECT_TRUE(has_condition(male.rec, "2201"));
  EXPECT_TRUE(has_condition(male.rec, "2204"));  // PriorState inside At Least
  EXPECT_FALSE(has_condition(male.rec, "2203"));
  const Life female = live(engine, 3, record::Sex::kFemale);
  EXPECT_TRUE(has_condition(female.rec, "2202"));
  EXPECT_TRUE(has_condition(female.rec, "2205"));  // Active Condition
  EXPECT_FALSE(has_condition(female.rec, "2204"));
}

TEST(Engine, LookupTableMatchesAttributesAndAgeRanges) {
  const Engine engine = engine_for("lookup");
  // Women match the F row (Low); men at 20 match the M 0-25 row (High).
  for (uint64_t i = 0; i < 20; ++i) {
    EXPECT_TRUE(has_condition(live(engine, i, record::Sex::kFemale).rec, "2301"));
    EXPECT_TRUE(has_condition(live(engine, i, record::Sex::kMale).rec, "2302"));
  }
}

TEST(Engine, SubmoduleSharesTheCallersEncounter) {
  const Engine engine = engine_for("submodule_caller");
  const Life life = live(engine, 9, record::Sex::kMale);
  ASSERT_EQ(life.rec.conditions.size(), 1u);
  ASSERT_EQ(life.rec.medications.size(), 1u);
  ASSERT_EQ(life.rec.reports.size(), 1u);
  const uint32_t enc = life.rec.conditions[0].encounter;
  EXPECT_EQ(life.rec.encounters[enc].encounter_class, record::EncounterClass::kEmergency);
  EXPECT_EQ(life.rec.medications[0].encounter, enc);
  EXPECT_EQ(life.rec.reports[0].encounter, enc);
  ASSERT_TRUE(life.rec.medications[0].reason.has_value());
  EXPECT_EQ(life.rec.medications[0].reason->code, "2401");
  ASSERT_EQ(life.rec.reports[0].results.size(), 2u);
  const auto& glucose = life.rec.observations[life.rec.reports[0].results[0]];
  EXPECT_EQ(glucose.encounter, enc);
  ASSERT_TRUE(glucose.quantity.has_value());
  EXPECT_GE(glucose.quantity->value, 70);
  EXPECT_LE(glucose.quantity->value, 100);
  EXPECT_EQ(glucose.effective.seconds() - life.rec.conditions[0].onset.seconds(), 3600);
}

// Synthea's "Blood Glucose" vital sign is HbA1c in % (recorded as LOINC 4548-4), moved by the
// prediabetes / diabetes attributes; "Glucose" stays plasma glucose in mg/dL.
TEST(Engine, BloodGlucoseVitalIsHba1cPercent) {
  LoadOptions options;
  options.dirs = {kData / "vitals"};  // not in semantics/, whose module count tests assert
  const Engine engine(ModuleLibrary::load(options));
  for (uint64_t index = 0; index < 40; ++index) {
    const Life life = live(engine, index, index % 2 ? record::Sex::kMale : record::Sex::kFemale);
    ASSERT_EQ(life.rec.observations.size(), 4u) << index;
    const auto value = [&](size_t i) { return life.rec.observations[i].quantity->value; };
    EXPECT_EQ(life.rec.observations[0].quantity->unit, "%");
    EXPECT_GE(value(0), 4.5) << index;  // normal
    EXPECT_LT(value(0), 5.7) << index;
    EXPECT_GE(value(1), 60) << index;  // plasma glucose, mg/dL
    EXPECT_LE(value(1), 130) << index;
    EXPECT_GE(value(2), 5.7) << index;  // prediabetes
    EXPECT_LE(value(2), 6.4) << index;
    EXPECT_GE(value(3), 6.5) << index;  // diabetes
    EXPECT_LE(value(3), 9.0) << index;
  }
}

TEST(Engine, WellnessEncountersAreJoinedOncePerVisit) {
  const Engine engine = engine_for("wellness");
  LoadOptions options;
  const Life life = live(engine, 2, record::Sex::kFemale);
  ASSERT_EQ(life.rec.observations.size(), life.input.wellness.size());
  for (size_t i = 0; i < life.rec.observations.size(); ++i) {
    EXPECT_EQ(life.rec.observations[i].encounter, life.input.wellness[i]);
    EXPECT_EQ(life.rec.observations[i].effective, life.rec.encounters[i].start);
  }
  EXPECT_EQ(life.rec.encounters.size(), life.input.wellness.size());  // no new encounters
}

TEST(Engine, SameSeedSameRecordAndStatsCount) {
  const Engine engine = engine_for("distributed");
  ModuleStats stats(engine.library());
  const Life a = live(engine, 77, record::Sex::kMale, &stats);
  const Life b = live(engine, 77, record::Sex::kMale, &stats);
  EXPECT_EQ(a.rec.conditions[0].code, b.rec.conditions[0].code);
  EXPECT_EQ(stats.entered(StateType::kInitial), 2u);
  EXPECT_EQ(stats.entered(StateType::kTerminal), 2u);
  EXPECT_NE(stats.json().find("\"distributed\""), std::string::npos);
}

TEST(FinalizeRecord, OrdersEncountersAndKeepsActiveOldEntries) {
  record::PatientRecord rec;
  auto add = [&](int year) {
    record::Encounter& e = rec.encounters.emplace_back();
    e.start = Instant::at(Date::from_civil(year, 1, 1));
    e.end = e.start.plus_minutes(20);
  };
  add(2019);
  add(2000);
  add(1990);
  rec.conditions.push_back(
      {2, {record::CodeSystem::kSnomed, "1", "old active"}, rec.encounters[2].start, {}});
  rec.conditions.push_back({1,
                            {record::CodeSystem::kSnomed, "2", "old ended"},
                            rec.encounters[1].start,
                            Instant::at(Date::from_civil(2001, 1, 1))});
  rec.procedures.push_back({0,
                            {record::CodeSystem::kSnomed, "3", "new"},
                            rec.encounters[0].start,
                            rec.encounters[0].end,
                            {}});
  finalize_record(rec, Instant::at(Date::from_civil(2020, 1, 1)), 10);
  ASSERT_EQ(rec.encounters.size(), 2u);
  EXPECT_EQ(rec.encounters[0].start.date().year(), 1990);
  EXPECT_EQ(rec.encounters[1].start.date().year(), 2019);
  ASSERT_EQ(rec.conditions.size(), 1u);
  EXPECT_EQ(rec.conditions[0].code.code, "1");
  EXPECT_EQ(rec.conditions[0].encounter, 0u);
  EXPECT_EQ(rec.procedures[0].encounter, 1u);
}

// ---- idle modules: sleeping must not change when anything happens ----------------------

Engine engine_from(const std::vector<std::pair<std::string, std::string>>& modules,
                   const std::vector<std::pair<std::string, std::string>>& tables = {}) {
  return Engine(ModuleLibrary::load_texts(modules, tables, LoadOptions{}));
}

std::string onset_module(const std::string& allow, const std::string& code) {
  return R"({"name": "m", "states": {
    "Initial": {"type": "Initial", "direct_transition": "Wait"},
    "Wait": {"type": "Guard", "allow": )" +
         allow + R"(, "direct_transition": "Onset"},
    "Onset": {"type": "ConditionOnset", "codes": [{"system": "SNOMED-CT", "code": ")" +
         code +
         R"(", "display": "x"}], "direct_transition": "Terminal"},
    "Terminal": {"type": "Terminal"}}})";
}

Instant onset(const record::PatientRecord& r, const std::string& code) {
  for (const auto& c : r.conditions) {
    if (c.code.code == code) return c.onset;
  }
  throw std::runtime_error("no condition " + code);
}

TEST(EngineIdle, GuardOnAttributeSeesAChangeInFileOrder) {
  // b_set sets the flag at the first step at age 40; c_after (later in file order) sees it
  // in that step, a_before one step later, as when guards are re-tried every step.
  const std::string flag = R"({"condition_type": "Attribute", "attribute": "flag",
                              "operator": "==", "value": true})";
  const Engine engine = engine_from({
      {"a_before", onset_module(flag, "9001")},
      {"b_set", R"({"name": "s", "states": {
        "Initial": {"type": "Initial", "direct_transition": "Wait"},
        "Wait": {"type": "Guard", "allow": {"condition_type": "Age", "operator": ">=",
                 "quantity": 40, "unit": "years"}, "direct_transition": "Set"},
        "Set": {"type": "SetAttribute", "attribute": "flag", "value": true,
                "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"}}})"},
      {"c_after", onset_module(flag, "9002")},
  });
  const Life life = live(engine, 3, record::Sex::kMale);
  const Instant after = onset(life.rec, "9002");
  EXPECT_EQ(age_in_years(life.rec.person.birth_date, after.date()), 40);
  EXPECT_LT(age_in_years(life.rec.person.birth_date, after.plus_days(-7).date()), 40);
  EXPECT_EQ((after.seconds() - life.rec.person.birth_time.seconds()) % (int64_t{7} * 86400), 0);
  EXPECT_EQ(onset(life.rec, "9001").seconds() - after.seconds(), int64_t{7} * 86400);
}

TEST(EngineIdle, TimeOnlyGuardOpensAtTheFirstStepItHolds) {
  const Engine engine = engine_from({{"m", onset_module(R"({"condition_type": "And",
      "conditions": [{"condition_type": "Age", "operator": ">", "quantity": 33, "unit": "years"},
                     {"condition_type": "Date", "operator": ">=", "year": 1990}]})",
                                                        "9003")}});
  const Life life = live(engine, 4, record::Sex::kFemale);
  const Instant at = onset(life.rec, "9003");
  EXPECT_EQ(age_in_years(life.rec.person.birth_date, at.date()), 34);
  EXPECT_EQ(age_in_years(life.rec.person.birth_date, at.plus_days(-7).date()), 33);
  EXPECT_EQ((at.seconds() - life.rec.person.birth_time.seconds()) % (int64_t{7} * 86400), 0);
}

TEST(EngineIdle, DelayLoopThroughTimeTableLeavesAtTheFirstRoundInRange) {
  // A 4-day Delay looping through a table whose only row covers the year 2000: the
  // first expiry at or after 2000-01-01 takes the row (Hit with probability 1).
  const Engine engine = engine_from({{"m", R"({"name": "m", "states": {
        "Initial": {"type": "Initial", "direct_transition": "Loop"},
        "Loop": {"type": "Delay", "exact": {"quantity": 4, "unit": "days"},
                 "lookup_table_transition": [
          {"transition": "Loop", "default_probability": 1, "lookup_table_name": "t.csv"},
          {"transition": "Hit", "default_probability": 0, "lookup_table_name": "t.csv"}]},
        "Hit": {"type": "ConditionOnset", "codes": [{"system": "SNOMED-CT", "code": "9004",
                "display": "x"}], "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"}}})"}},
                                    {{"t.csv", "time,Loop,Hit\n946684800000-978307199999,0,1\n"}});
  const Life life = live(engine, 5, record::Sex::kMale);
  int64_t expected = life.rec.person.birth_time.seconds() + int64_t{4} * 86400;
  while (expected < 946684800) expected += int64_t{4} * 86400;
  EXPECT_EQ(onset(life.rec, "9004").seconds(), expected);
}

TEST(EngineIdle, RunAheadGivesTheRecordsOfSteppingEachRound) {
  // Chance-of loops (monthly with an age condition, 10-day with a lifecycle risk attribute,
  // 3-day with a random delay) played ahead must give the records that stepping each round
  // gives; module stats switch the run-ahead off, so compare runs with and without them.
  // A guard on an attribute, weekly entries and a scheduled death interleave with them.
  const Engine engine = engine_from({
      {"a_monthly", R"({"name": "a", "states": {
        "Initial": {"type": "Initial", "direct_transition": "Chance"},
        "Chance": {"type": "Delay", "exact": {"quantity": 1, "unit": "months"},
          "complex_transition": [
            {"condition": {"condition_type": "Age", "operator": "<", "quantity": 30,
                           "unit": "years"},
             "distributions": [{"distribution": 0.01, "transition": "Onset"},
                               {"distribution": 0.99, "transition": "Chance"}]},
            {"distributions": [{"distribution": 0.03, "transition": "Onset"},
                               {"distribution": 0.97, "transition": "Chance"}]}]},
        "Onset": {"type": "ConditionOnset", "codes": [{"system": "SNOMED-CT", "code": "9101",
                  "display": "x"}], "direct_transition": "Set"},
        "Set": {"type": "SetAttribute", "attribute": "flag", "value": true,
                "direct_transition": "Pause"},
        "Pause": {"type": "Delay", "exact": {"quantity": 2, "unit": "years"},
                  "direct_transition": "Chance"}}})"},
      {"b_risk", R"({"name": "b", "states": {
        "Initial": {"type": "Initial", "direct_transition": "Chance"},
        "Chance": {"type": "Delay", "exact": {"quantity": 10, "unit": "days"},
          "distributed_transition": [
            {"distribution": {"attribute": "mi_risk", "default": 0}, "transition": "Onset"},
            {"distribution": 1, "transition": "Step"}]},
        "Step": {"type": "Simple", "distributed_transition": [
            {"distribution": 0.5, "transition": "Chance"},
            {"distribution": 0.5, "transition": "Short"}]},
        "Short": {"type": "Delay", "range": {"low": 1, "high": 5, "unit": "days"},
                  "direct_transition": "Chance"},
        "Onset": {"type": "ConditionOnset", "codes": [{"system": "SNOMED-CT", "code": "9102",
                  "display": "x"}], "direct_transition": "Chance"}}})"},
      {"c_guard", onset_module(R"({"condition_type": "Attribute", "attribute": "flag",
                                   "operator": "==", "value": true})",
                               "9103")},
      {"d_weekly", R"({"name": "d", "states": {
        "Initial": {"type": "Initial", "direct_transition": "Week"},
        "Week": {"type": "Delay", "exact": {"quantity": 9, "unit": "weeks"},
                 "direct_transition": "Obs"},
        "Obs": {"type": "Symptom", "symptom": "s", "range": {"low": 1, "high": 9},
                "direct_transition": "Death_Chance"},
        "Death_Chance": {"type": "Simple", "distributed_transition": [
            {"distribution": 0.002, "transition": "Die"},
            {"distribution": 0.998, "transition": "Week"}]},
        "Die": {"type": "Death", "range": {"low": 1, "high": 30, "unit": "days"},
                "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"}}})"},
  });
  int onsets = 0;
  for (uint64_t index = 0; index < 40; ++index) {
    const auto sex = index % 2 ? record::Sex::kMale : record::Sex::kFemale;
    ModuleStats stats(engine.library());
    const Life stepped = live(engine, index, sex, &stats);
    const Life ahead = live(engine, index, sex);
    ASSERT_EQ(stepped.death.has_value(), ahead.death.has_value()) << index;
    if (stepped.death) {
      EXPECT_EQ(stepped.death->seconds(), ahead.death->seconds());
    }
    ASSERT_EQ(stepped.rec.conditions.size(), ahead.rec.conditions.size()) << index;
    for (size_t i = 0; i < stepped.rec.conditions.size(); ++i) {
      EXPECT_EQ(stepped.rec.conditions[i].code.code, ahead.rec.conditions[i].code.code);
      EXPECT_EQ(stepped.rec.conditions[i].onset.seconds(), ahead.rec.conditions[i].onset.seconds());
    }
    ASSERT_EQ(stepped.rec.encounters.size(), ahead.rec.encounters.size()) << index;
    for (size_t i = 0; i < stepped.rec.encounters.size(); ++i) {
      EXPECT_EQ(stepped.rec.encounters[i].start.seconds(), ahead.rec.encounters[i].start.seconds());
    }
    onsets += static_cast<int>(ahead.rec.conditions.size());
  }
  EXPECT_GT(onsets, 40);  // the loops did fire
}

}  // namespace
}  // namespace fos::synth
