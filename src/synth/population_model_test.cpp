// Statistical tests of the generated population against the configured figures:
// age and sex structure, mortality, and physiologically plausible vital signs.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "synth/generator.hpp"

namespace fos::synth {
namespace {

using record::PatientRecord;

const SynthConfig& builtin_config() {
  static const SynthConfig config = SynthConfig::load({});
  return config;
}

GenerateOptions options(int years_of_history) {
  GenerateOptions o;
  o.population = 100000;
  o.seed = 11;
  o.reference_date = Date::from_civil(2024, 1, 1);
  o.years_of_history = years_of_history;
  return o;
}

TEST(PopulationModel, AgeAndSexFollowTheConfiguration) {
  const GenerateOptions o = options(1);
  const Generator g(builtin_config(), o);
  const auto& bands = builtin_config().demographics().age_bands;
  double total_weight = 0;
  for (const auto& b : bands) total_weight += b.weight;
  std::vector<int> counts(bands.size());
  int males = 0;
  constexpr int kPatients = 10000;
  for (uint64_t i = 0; i < kPatients; ++i) {
    const record::Person p = g.generate(i).person;
    const int age = age_in_years(p.birth_date, o.reference_date);
    for (size_t b = 0; b < bands.size(); ++b) {
      if (age >= bands[b].min_age && age <= bands[b].max_age) ++counts[b];
    }
    males += p.sex == record::Sex::kMale;
  }
  for (size_t b = 0; b < bands.size(); ++b) {
    const double expected = bands[b].weight / total_weight;
    // About 3.5 binomial standard errors.
    const double tolerance = 3.5 * std::sqrt(expected * (1 - expected) / kPatients);
    EXPECT_NEAR(counts[b] / double(kPatients), expected, tolerance) << "band " << bands[b].min_age;
  }
  EXPECT_NEAR(males / double(kPatients), 0.495, 0.02);
}

TEST(PopulationModel, MortalityRisesWithAge) {
  const GenerateOptions o = options(1);
  const Generator g(builtin_config(), o);
  int old = 0, old_dead = 0, children = 0, children_dead = 0, middle = 0, middle_dead = 0;
  for (uint64_t i = 0; i < 10000; ++i) {
    const record::Person p = g.generate(i).person;
    const int age = age_in_years(p.birth_date, o.reference_date);
    const bool dead = p.death.has_value();
    if (dead) {
      EXPECT_GT(*p.death, p.birth_time);
      EXPECT_LT(*p.death, Instant::at(o.reference_date));
    }
    if (age >= 80) old += 1, old_dead += dead;
    if (age < 18) children += 1, children_dead += dead;
    if (age >= 40 && age < 60) middle += 1, middle_dead += dead;
  }
  ASSERT_GT(old, 200);
  // About half of people born 80-100 years ago died before reaching that age.
  EXPECT_GT(old_dead / double(old), 0.35);
  EXPECT_LT(old_dead / double(old), 0.8);
  EXPECT_LT(children_dead / double(children), 0.015);
  EXPECT_LT(middle_dead / double(middle), 0.12);
  EXPECT_GT(middle_dead / double(middle), 0.01);
}

// The value of the first observation with `loinc` at encounter `k`, if any.
std::optional<double> value_at(const PatientRecord& r, uint32_t k, std::string_view loinc) {
  for (const auto& o : r.observations) {
    if (o.encounter == k && o.code.code == loinc && o.quantity) return o.quantity->value;
  }
  return std::nullopt;
}

TEST(PopulationModel, VitalSignsArePlausible) {
  const GenerateOptions o = options(0);
  const Generator g(builtin_config(), o);
  double height_sum[2] = {0, 0};
  int height_n[2] = {0, 0};
  for (uint64_t i = 0; i < 2000; ++i) {
    const PatientRecord r = g.generate(i);
    for (uint32_t k = 0; k < r.encounters.size(); ++k) {
      const double age =
          (r.encounters[k].start.date().days() - r.person.birth_date.days()) / 365.25;
      const auto height = value_at(r, k, "8302-2");
      const auto weight = value_at(r, k, "29463-7");
      ASSERT_TRUE(height && weight);
      if (age < 0.03) {  // the newborn visit
        EXPECT_TRUE(*height > 42 && *height < 58) << *height;
        EXPECT_TRUE(*weight > 1.8 && *weight < 5.5) << *weight;
      } else if (age < 2) {
        EXPECT_TRUE(*height > 44 && *height < 98) << *height;
        EXPECT_TRUE(*weight > 2.5 && *weight < 18) << *weight;
      } else if (age < 12) {
        EXPECT_TRUE(*height > 75 && *height < 170) << *height;
        EXPECT_TRUE(*weight > 8 && *weight < 90) << *weight;
      } else {
        EXPECT_TRUE(*height > 120 && *height < 210) << *height;
        EXPECT_TRUE(*weight > 22 && *weight < 230) << *weight;
      }
      const auto temperature = value_at(r, k, "8310-5");
      ASSERT_TRUE(temperature);
      EXPECT_TRUE(*temperature >= 36.5 && *temperature <= 37.3);
      const auto heart = value_at(r, k, "8867-4");
      const auto breath = value_at(r, k, "9279-1");
      ASSERT_TRUE(heart && breath);
      EXPECT_TRUE(*heart >= 40 && *heart <= 190) << *heart;
      EXPECT_TRUE(*breath >= 8 && *breath <= 65) << *breath;
      EXPECT_EQ(value_at(r, k, "9843-4").has_value(), age < 3);
      EXPECT_EQ(value_at(r, k, "59576-9").has_value(), age >= 2 && age < 20);
      for (const auto& obs : r.observations) {
        if (obs.encounter != k || obs.code.code != "85354-9") continue;
        ASSERT_EQ(obs.components.size(), 2u);
        const double systolic = obs.components[0].quantity->value;
        const double diastolic = obs.components[1].quantity->value;
        EXPECT_TRUE(systolic >= (age < 18 ? 60 : 65) && systolic <= 220) << systolic;
        EXPECT_TRUE(diastolic >= (age < 18 ? 25 : 30) && diastolic <= 130) << diastolic;
        EXPECT_GE(systolic - diastolic, 20);
        EXPECT_GE(age, 3);
      }
      if (age >= 20) {
        const auto s = static_cast<size_t>(r.person.sex);
        height_sum[s] += *height;
        ++height_n[s];
      }
    }
  }
  // NHANES 2015-2018 mean adult height: men 175.4 cm, women 161.7 cm (per visit, not per person).
  const auto male = static_cast<size_t>(record::Sex::kMale);
  const auto female = static_cast<size_t>(record::Sex::kFemale);
  EXPECT_NEAR(height_sum[male] / height_n[male], 175.4, 1.5);
  EXPECT_NEAR(height_sum[female] / height_n[female], 161.7, 1.5);
}

TEST(PopulationModel, GrowthIsContinuous) {
  const Generator g(builtin_config(), options(0));
  for (uint64_t i = 0; i < 300; ++i) {
    const PatientRecord r = g.generate(i);
    std::optional<double> previous;
    for (uint32_t k = 0; k < r.encounters.size(); ++k) {
      const double age =
          (r.encounters[k].start.date().days() - r.person.birth_date.days()) / 365.25;
      const double height = *value_at(r, k, "8302-2");
      // Children never shrink; adults lose height only slowly.
      if (previous && age < 20) {
        EXPECT_GE(height, *previous - 0.2) << "patient " << i;
      }
      if (previous && age >= 20) {
        EXPECT_GE(height, *previous - 1.0) << "patient " << i;
      }
      previous = height;
    }
  }
}

TEST(PopulationModel, GenerationIsFast) {
  const Generator g(builtin_config(), options(10));
  const auto start = std::chrono::steady_clock::now();
  size_t entries = 0;
  constexpr int kPatients = 5000;
  for (uint64_t i = 0; i < kPatients; ++i) entries += g.generate(i).observations.size();
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(entries, 0u);
  RecordProperty("microseconds_per_patient", std::to_string(us / kPatients));
  // Generous bound for shared machines; the target is well under 100 us per patient.
  EXPECT_LT(us / kPatients, 400.0);
}

}  // namespace
}  // namespace fos::synth
