// Vital signs at wellness visits: growth-chart based, continuous through life.
#include <algorithm>
#include <cmath>

#include "synth/detail/clinical.hpp"

namespace fos::synth::detail {
namespace {

using record::Code;
using record::literals::operator""_text;
using record::CodeSystem;
using record::Observation;
using record::ObservationCategory;
using record::ObservationComponent;
using record::Quantity;

const Code kHeight{CodeSystem::kLoinc, "8302-2"_text, "Body Height"_text};
const Code kWeight{CodeSystem::kLoinc, "29463-7"_text, "Body Weight"_text};
const Code kBmi{CodeSystem::kLoinc, "39156-5"_text, "Body mass index (BMI) [Ratio]"_text};
const Code kBmiPercentile{CodeSystem::kLoinc, "59576-9"_text,
                          "Body mass index (BMI) [Percentile] Per age and sex"_text};
const Code kHead{CodeSystem::kLoinc, "9843-4"_text, "Head Occipital-frontal circumference"_text};
const Code kBpPanel{CodeSystem::kLoinc, "85354-9"_text,
                    "Blood pressure panel with all children optional"_text};
const Code kSystolic{CodeSystem::kLoinc, "8480-6"_text, "Systolic blood pressure"_text};
const Code kDiastolic{CodeSystem::kLoinc, "8462-4"_text, "Diastolic blood pressure"_text};
const Code kHeartRate{CodeSystem::kLoinc, "8867-4"_text, "Heart rate"_text};
const Code kRespiratoryRate{CodeSystem::kLoinc, "9279-1"_text, "Respiratory rate"_text};
const Code kTemperature{CodeSystem::kLoinc, "8310-5"_text, "Body temperature"_text};

constexpr double kDaysPerYear = 365.2425;
constexpr double kMaxZ = 3.0;      // individual z-scores stay within +-3 SD
constexpr double kMaxNoise = 2.5;  // visit-to-visit draws within +-2.5 SD

double clamp_z(double z, double limit = kMaxZ) {
  return std::clamp(z, -limit, limit);
}

// Round to the number of decimals the value is reported with.
Quantity quantity(double value, int decimals, const char* unit) {
  const double scale = std::pow(10.0, decimals);
  return Quantity{std::round(value * scale) / scale, decimals, unit};
}

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

void add(std::vector<Observation>& out, const Code& code, const Visit& visit, uint32_t encounter,
         Quantity value) {
  Observation& o = out.emplace_back();
  o.encounter = encounter;
  o.category = ObservationCategory::kVitalSigns;
  o.code = code;
  o.effective = visit.start;
  o.quantity = std::move(value);
}

}  // namespace

VitalsModel::VitalsModel(const VitalsConfig& config, record::Sex sex, Date birth, Rng& rng)
    : config_(config), sex_(sex), birth_(birth), rng_(rng) {
  height_z_ = clamp_z(rng.normal());
  head_z_ = clamp_z(0.5 * height_z_ + std::sqrt(0.75) * rng.normal());
  systolic_z_ = clamp_z(rng.normal(), kMaxNoise);
  diastolic_z_ = clamp_z(0.6 * systolic_z_ + 0.8 * rng.normal(), kMaxNoise);
  bmi_z_ = clamp_z(rng.normal());
}

void VitalsModel::measure(const Visit& visit, uint32_t encounter, bool emit,
                          std::vector<Observation>& out) {
  const double age = (visit.date.days() - birth_.days()) / kDaysPerYear;
  if (last_age_ >= 0) {
    // Ornstein-Uhlenbeck step: the BMI z-score drifts but keeps a standard normal spread.
    const double rho = std::exp(-(age - last_age_) / config_.bmi_z_memory_years);
    bmi_z_ = clamp_z(rho * bmi_z_ + std::sqrt(1 - rho * rho) * rng_.normal());
  }
  last_age_ = age;
  // A fixed number of draws per visit, whatever is reported.
  const double systolic_noise = clamp_z(rng_.normal(), kMaxNoise) * config_.systolic_visit_sd;
  const double diastolic_noise = clamp_z(rng_.normal(), kMaxNoise) * config_.diastolic_visit_sd;
  const double heart_noise = clamp_z(rng_.normal(), kMaxNoise);
  const double breath_noise = clamp_z(rng_.normal(), kMaxNoise);
  const double temperature =
      std::clamp(rng_.normal(config_.temperature_mean, config_.temperature_sd),
                 config_.temperature_min, config_.temperature_max);
  if (!emit) return;

  const auto h = config_.height_cm.at(age, sex_);
  const double height = h.median + height_z_ * h.sd;
  const auto b = config_.bmi.at(age, sex_);
  const double bmi = b.median * std::exp(b.sd * bmi_z_);
  const double weight = bmi * (height / 100) * (height / 100);
  add(out, kHeight, visit, encounter, quantity(height, 1, "cm"));
  add(out, kWeight, visit, encounter, quantity(weight, 1, "kg"));
  if (age >= 2) add(out, kBmi, visit, encounter, quantity(bmi, 1, "kg/m2"));
  if (age >= 2 && age < 20) {
    add(out, kBmiPercentile, visit, encounter, quantity(100 * normal_cdf(bmi_z_), 1, "%"));
  }
  if (age < 3) {
    const auto c = config_.head_circumference_cm.at(age, sex_);
    add(out, kHead, visit, encounter, quantity(c.median + head_z_ * c.sd, 1, "cm"));
  }
  if (age >= 3) {
    const auto s = config_.systolic_mmhg.at(age, sex_);
    const auto d = config_.diastolic_mmhg.at(age, sex_);
    const double systolic = s.median + systolic_z_ * s.sd + systolic_noise;
    // Keep a physiological pulse pressure of at least 20 mm Hg.
    const double diastolic =
        std::min(d.median + diastolic_z_ * d.sd + diastolic_noise, systolic - 20);
    Observation& panel = out.emplace_back();
    panel.encounter = encounter;
    panel.category = ObservationCategory::kVitalSigns;
    panel.code = kBpPanel;
    panel.effective = visit.start;
    panel.components.push_back(
        ObservationComponent{kSystolic, quantity(systolic, 0, "mm[Hg]"), {}});
    panel.components.push_back(
        ObservationComponent{kDiastolic, quantity(diastolic, 0, "mm[Hg]"), {}});
  }
  const auto hr = config_.heart_rate.at(age, sex_);
  add(out, kHeartRate, visit, encounter, quantity(hr.median + heart_noise * hr.sd, 0, "/min"));
  const auto rr = config_.respiratory_rate.at(age, sex_);
  add(out, kRespiratoryRate, visit, encounter,
      quantity(rr.median + breath_noise * rr.sd, 0, "/min"));
  add(out, kTemperature, visit, encounter, quantity(temperature, 1, "Cel"));
}

}  // namespace fos::synth::detail
