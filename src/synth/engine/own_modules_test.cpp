// fos's own disease modules (modules/*.json) on 10,000 synthetic adults: prevalence per
// condition against the published targets in config/distributions.yaml (printed).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "synth/engine/engine.hpp"

namespace fos::synth {
namespace {

const std::filesystem::path kSource(FOS_SOURCE_DIR);

struct Target {
  std::string name;
  std::vector<std::string> codes;  ///< any of these active counts
  double target = 0;
  double tolerance = 0;
  bool past_year = false;  ///< active at some time in the year before the end (episodes)
};

std::vector<Target> targets() {
  const YAML::Node root = YAML::LoadFile((kSource / "config/distributions.yaml").string());
  std::vector<Target> out;
  for (const auto& entry : root["prevalence"]) {
    Target t;
    t.name = entry.first.as<std::string>();
    if (entry.second["codes"]) {
      t.codes = entry.second["codes"].as<std::vector<std::string>>();
    } else {
      t.codes = {entry.second["code"].as<std::string>()};
    }
    t.target = entry.second["target"].as<double>();
    t.tolerance = entry.second["tolerance"].as<double>();
    t.past_year = entry.second["measure"].as<std::string>().find("year") != std::string::npos;
    out.push_back(t);
  }
  return out;
}

// Whether `r` has condition `code` active at `end` (or, past_year, within the year before).
bool has(const record::PatientRecord& r, const Target& t, Instant end) {
  const Instant from = t.past_year ? end.plus_days(-365) : end;
  for (const auto& c : r.conditions) {
    if (c.onset > end) continue;
    if (std::find(t.codes.begin(), t.codes.end(), c.code.code) == t.codes.end()) continue;
    if (!c.abatement || *c.abatement >= from) return true;
  }
  return false;
}

TEST(OwnModules, PrevalenceNearPublishedTargets) {
  LoadOptions load;
  load.dirs = {kSource / "modules"};
  const Engine engine(ModuleLibrary::load(load));
  ASSERT_EQ(engine.library().modules().size(), 12U);
  const std::vector<Target> goals = targets();
  ASSERT_EQ(goals.size(), 12U);
  const Date reference = Date::from_civil(2025, 1, 1);
  const Instant end = Instant::at(reference);
  const int n = 10000;
  std::vector<int> counts(goals.size(), 0);
  Rng ages(17, 0);
  for (int i = 0; i < n; ++i) {
    record::PatientRecord rec;
    record::Person& p = rec.person;
    p.index = static_cast<uint64_t>(i);
    p.sex = i % 2 == 0 ? record::Sex::kFemale : record::Sex::kMale;
    const auto age_days = static_cast<int32_t>(ages.uniform(18, 86) * 365.2425);
    p.birth_date = reference.plus_days(-age_days);
    p.birth_time = Instant::at(p.birth_date, 6);
    EngineInput input;
    input.end = end;
    input.state_name = "Massachusetts";
    engine.run(rec, input, Rng(23, static_cast<uint64_t>(i)), nullptr);
    for (size_t g = 0; g < goals.size(); ++g) counts[g] += has(rec, goals[g], end) ? 1 : 0;
    // Only asthma starts in childhood; the other conditions begin at 18 or later.
    for (const auto& c : rec.conditions) {
      if (c.code.code == "195967001") continue;
      EXPECT_GE(age_in_years(p.birth_date, c.onset.date()), 18) << c.code.display;
    }
  }
  std::printf("%-24s %9s %9s %9s\n", "condition", "measured", "target", "tolerance");
  for (size_t g = 0; g < goals.size(); ++g) {
    const double measured = static_cast<double>(counts[g]) / n;
    std::printf("%-24s %9.3f %9.3f %9.3f\n", goals[g].name.c_str(), measured, goals[g].target,
                goals[g].tolerance);
    EXPECT_NEAR(measured, goals[g].target, goals[g].tolerance) << goals[g].name;
  }
}

}  // namespace
}  // namespace fos::synth
