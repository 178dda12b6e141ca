// Vital signs and labs by age and sex (smooth approximations, individual z-scores).
#include "synth/engine/services.hpp"

#include <algorithm>
#include <cmath>

namespace fos::synth::detail {
namespace {

constexpr double kDaysPerYear = 365.2425;

double clamp_z(double z) {
  return std::clamp(z, -2.5, 2.5);
}

// HbA1c in % (Synthea's "Blood Glucose" vital sign): normal below 5.7, prediabetes 5.7-6.4,
// diabetes 6.5 and above (ADA cut-offs), spread by the patient's lab z-score within the band.
double hba1c(Glycemia glycemia, double z) {
  switch (glycemia) {
    case Glycemia::kDiabetes:
      return 7.4 + 0.35 * z;  // 6.5-8.3
    case Glycemia::kPrediabetes:
      return 6.05 + 0.13 * z;  // 5.7-6.4
    case Glycemia::kNormal:
      break;
  }
  return 5.2 + 0.18 * z;  // 4.8-5.6
}

}  // namespace

VitalSigns::VitalSigns(record::Sex sex, Date birth, Rng& rng) : sex_(sex), birth_(birth) {
  for (double& z : z_) z = clamp_z(rng.normal());
}

void VitalSigns::set(Vital vital, double value) {
  override_[static_cast<size_t>(vital)] = value;
  set_[static_cast<size_t>(vital)] = true;
}

double VitalSigns::at(Vital vital, Instant when, Glycemia glycemia) const {
  if (set_[static_cast<size_t>(vital)]) return override_[static_cast<size_t>(vital)];
  const double age = std::max(0.0, (when.date().days() - birth_.days()) / kDaysPerYear);
  return baseline(vital, age, glycemia);
}

double VitalSigns::baseline(Vital vital, double age, Glycemia glycemia) const {
  const bool male = sex_ == record::Sex::kMale;
  // Height and BMI (pow and exp) only for the vitals made of them.
  auto height = [&] {
    const double adult_height = (male ? 176.0 : 162.5) + 7.0 * z_[0];
    // Growth: birth length 50 cm, reaching adult height at 18 (concave curve).
    return age >= 18 ? adult_height : 50 + (adult_height - 50) * std::pow(age / 18.0, 0.62);
  };
  auto bmi = [&] {
    // BMI: about 16 in childhood, rising through adulthood to a plateau at 60.
    const double adult_bmi = 24.5 + 2.5 * std::min(1.0, std::max(0.0, age - 18) / 42);
    return (age < 18 ? 16.5 + 0.25 * std::max(0.0, age - 6) : adult_bmi) *
           std::exp(0.18 * z_[1] * std::min(1.0, 0.3 + age / 20));
  };
  const double old = std::max(0.0, age - 30);
  switch (vital) {
    case Vital::kHeight:
      return height();
    case Vital::kWeight: {
      const double h = height();
      return bmi() * (h / 100) * (h / 100);
    }
    case Vital::kBmi:
      return bmi();
    case Vital::kHeightPercentile:
    case Vital::kWeightPercentile:
    case Vital::kHeadCircumferencePercentile:
      return 50 + 30 * std::tanh(z_[0]);
    case Vital::kHeadCircumference:
      return 35 + 13 * std::min(1.0, std::sqrt(age / 6));
    case Vital::kSystolic:
      return (age < 18 ? 95 + age : 112 + 0.45 * old) + 11 * z_[2];
    case Vital::kDiastolic:
      return (age < 18 ? 58 + 0.8 * age : 72 + 0.12 * old) + 7 * z_[2];
    case Vital::kOxygenSaturation:
      return 97.5 - 0.02 * old;
    case Vital::kBloodGlucose:
      return hba1c(glycemia, z_[3]);
    case Vital::kGlucose:
      return 86 + 0.25 * old + 8 * z_[3];
    case Vital::kUreaNitrogen:
      return 13 + 0.08 * old;
    case Vital::kCreatinine:
      return (male ? 0.95 : 0.75) + 0.004 * old;
    case Vital::kCalcium:
      return 9.5;
    case Vital::kSodium:
      return 140;
    case Vital::kPotassium:
      return 4.2;
    case Vital::kChloride:
      return 103;
    case Vital::kCarbonDioxide:
      return 25;
    case Vital::kTotalCholesterol:
      return 165 + 1.1 * std::min(age, 60.0) - 0.5 * std::max(0.0, age - 60) + 25 * z_[3];
    case Vital::kTriglycerides:
      return 95 + 0.9 * old + 30 * z_[3];
    case Vital::kLdl:
      return 95 + 0.8 * std::min(age, 60.0) + 20 * z_[3];
    case Vital::kHdl:
      return (male ? 47 : 57) - 4 * z_[1];
    case Vital::kMicroalbuminCreatinineRatio:
      return 8 + 0.1 * old;
    case Vital::kEgfr:
      return std::max(15.0, 115 - 0.9 * old);
    case Vital::kEjectionFraction:
      return 62;
    case Vital::kHeartRate:
      return (age < 10 ? 110 - 4 * age : 72) + 6 * z_[2];
    case Vital::kRespirationRate:
      return age < 10 ? 30 - 1.4 * age : 15;
    case Vital::kCount:
      break;
  }
  return 0;
}

}  // namespace fos::synth::detail
