// The clinical side of a life: wellness visits, vital signs, immunizations.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/date.hpp"
#include "core/rng.hpp"
#include "record/clinical.hpp"
#include "record/person.hpp"
#include "synth/config.hpp"

namespace fos::synth::detail {

struct Visit {
  Instant start;
  Instant end;
  Date date;
};

/// Every wellness visit of a life, in order, each ending no later than `end`.
std::vector<Visit> wellness_visits(const WellnessSchedule& schedule, Instant birth, Instant end,
                                   Rng& rng);

/// A patient's vital signs through life: individual z-scores for height, BMI
/// (drifting), head size and blood pressure, measured at each visit.
class VitalsModel {
 public:
  /// Draws the individual z-scores from `rng`; later visits keep drawing from it.
  VitalsModel(const VitalsConfig& config, record::Sex sex, Date birth, Rng& rng);

  /// Measure at the next visit (visits in order, every visit of the life). When `emit`,
  /// append the observations, attached to encounter `encounter`; the random draws
  /// are the same either way, so kept visits do not depend on the export window.
  void measure(const Visit& visit, uint32_t encounter, bool emit,
               std::vector<record::Observation>& out);

 private:
  const VitalsConfig& config_;
  record::Sex sex_;
  Date birth_;
  Rng& rng_;
  double height_z_;
  double head_z_;
  double systolic_z_;
  double diastolic_z_;
  double bmi_z_;
  double last_age_ = -1;
};

/// Give the scheduled vaccines at the wellness visits (at or after each dose's
/// age, one dose of a vaccine per visit; flu once per Sept-Dec season), and
/// append those of visits [first_kept, end) attached to encounter (visit - first_kept).
void immunize(const std::vector<VaccineSchedule>& vaccines, Date birth,
              std::span<const Visit> visits, size_t first_kept, Rng& rng,
              std::vector<record::Immunization>& out);

}  // namespace fos::synth::detail
