// Services Synthea codes in Java that modules rely on: lifecycle attributes,
// vital signs and labs, cardiovascular risks, socioeconomic status.
//
// Approximations (see docs/modules.md): vital signs follow smooth age/sex curves
// shifted by individual z-scores drawn once per patient; a VitalSign state
// overrides a value from then on. Risks are per-step probabilities from
// age/sex tables, not an ASCVD calculation.
#pragma once

#include <array>

#include "core/date.hpp"
#include "core/rng.hpp"
#include "record/person.hpp"
#include "synth/module/module.hpp"

namespace fos::synth::detail {

class VitalSigns {
 public:
  VitalSigns(record::Sex sex, Date birth, Rng& rng);
  /// The value of `vital` at `when` (override if a module set one).
  double at(Vital vital, Instant when) const;
  void set(Vital vital, double value);

 private:
  double baseline(Vital vital, double age) const;

  record::Sex sex_;
  Date birth_;
  std::array<double, 4> z_{};  ///< height, bmi, blood pressure, labs
  std::array<double, static_cast<size_t>(Vital::kCount)> override_{};
  std::array<bool, static_cast<size_t>(Vital::kCount)> set_{};
};

}  // namespace fos::synth::detail
