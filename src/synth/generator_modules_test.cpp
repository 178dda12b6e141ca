// Tests of Generator with disease modules: Synthea's library end to end, determinism,
// export window, and no change without modules.
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "synth/generator.hpp"

namespace fos::synth {
namespace {

const std::filesystem::path kSynthea =
    std::filesystem::path(FOS_SHARED_DIR) / "oracles/synthea/modules";

const SynthConfig& config() {
  static const SynthConfig kConfig = SynthConfig::load({});
  return kConfig;
}

GenerateOptions synthea_options(int years = 10) {
  GenerateOptions o;
  o.population = 1000;
  o.seed = 11;
  o.reference_date = Date::from_civil(2024, 6, 1);
  o.years_of_history = years;
  o.modules_dir = kSynthea;
  o.module_stats = true;
  return o;
}

TEST(GeneratorModules, RunsTheWholeSyntheaLibrary) {
  Generator g(config(), synthea_options());
  ASSERT_NE(g.modules(), nullptr);
  const auto begin = std::chrono::steady_clock::now();
  std::map<std::string, size_t> totals;
  const int n = 300;
  for (int i = 0; i < n; ++i) {
    const auto r = g.generate(static_cast<uint64_t>(i));
    totals["encounters"] += r.encounters.size();
    totals["conditions"] += r.conditions.size();
    totals["medications"] += r.medications.size();
    totals["procedures"] += r.procedures.size();
    totals["observations"] += r.observations.size();
    totals["care_plans"] += r.care_plans.size();
    totals["reports"] += r.reports.size();
    totals["devices"] += r.devices.size();
    totals["imaging"] += r.imaging_studies.size();
    totals["supplies"] += r.supplies.size();
    totals["allergies"] += r.allergies.size();
    totals["deaths"] += r.person.death ? 1 : 0;
    for (size_t k = 1; k < r.encounters.size(); ++k) {
      ASSERT_LE(r.encounters[k - 1].start, r.encounters[k].start);
    }
    for (const auto& c : r.conditions) ASSERT_LT(c.encounter, r.encounters.size());
    for (const auto& m : r.medications) ASSERT_LT(m.encounter, r.encounters.size());
    for (const auto& o : r.observations) ASSERT_LT(o.encounter, r.encounters.size());
    for (const auto& rep : r.reports) {
      for (uint32_t x : rep.results) ASSERT_LT(x, r.observations.size());
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  for (const auto& [k, v] : totals) std::printf("%-14s %zu\n", k.c_str(), v);
  std::printf("%d patients in %.2f s (%.0f/s, one thread)\n", n, seconds, n / seconds);
  EXPECT_GT(totals["conditions"], static_cast<size_t>(n));
  EXPECT_GT(totals["medications"], static_cast<size_t>(n));
  EXPECT_GT(totals["procedures"], 0u);
}

}  // namespace
}  // namespace fos::synth
