// Services Synthea codes in Java that modules rely on: lifecycle attributes,
// vital signs and labs, cardiovascular risks, socioeconomic status.
//
// Approximations (see docs/modules.md): vital signs follow smooth age/sex curves
// shifted by individual z-scores drawn once per patient; a VitalSign state
// overrides a value from then on. Risks are per-step probabilities from
// age/sex tables, not an ASCVD calculation.
#pragma once

#include <array>
#include <cstdint>

#include "core/date.hpp"
#include "core/rng.hpp"
#include "record/person.hpp"
#include "synth/module/module.hpp"

namespace fos::synth::detail {

/// What the modules say about a patient's blood sugar (Synthea's `prediabetes` / `diabetes`
/// attributes); it moves the HbA1c estimate.
enum class Glycemia : uint8_t { kNormal, kPrediabetes, kDiabetes };

class VitalSigns {
 public:
  VitalSigns(record::Sex sex, Date birth, Rng& rng);
  /// The value of `vital` at `when` (override if a module set one). As in Synthea,
  /// "Blood Glucose" is the HbA1c estimate in % (modules record it as LOINC 4548-4, unit %),
  /// "Glucose" is plasma glucose in mg/dL.
  double at(Vital vital, Instant when, Glycemia glycemia = Glycemia::kNormal) const;
  void set(Vital vital, double value);

 private:
  double baseline(Vital vital, double age, Glycemia glycemia) const;

  record::Sex sex_;
  Date birth_;
  std::array<double, 4> z_{};  ///< height, bmi, blood pressure, labs
  std::array<double, static_cast<size_t>(Vital::kCount)> override_{};
  std::array<bool, static_cast<size_t>(Vital::kCount)> set_{};
};

}  // namespace fos::synth::detail
