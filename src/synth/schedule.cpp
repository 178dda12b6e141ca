// Wellness visit schedule: Bright Futures visits for children, periodic visits for adults.
#include "synth/detail/clinical.hpp"

namespace fos::synth::detail {
namespace {

class VisitPlanner {
 public:
  VisitPlanner(const WellnessSchedule& schedule, Instant birth, Instant end, Rng& rng)
      : schedule_(schedule), birth_(birth), end_(end), rng_(rng) {}

  /// Add a visit on `date`; false once visits would end after the end of the record.
  bool add(Date date) {
    const auto hour =
        static_cast<int>(rng_.uniform_int(schedule_.open_hour, schedule_.close_hour - 1));
    const auto minute = static_cast<int>(rng_.uniform_int(0, 11) * 5);
    const int64_t minutes = rng_.uniform_int(schedule_.min_minutes, schedule_.max_minutes);
    const Instant start = Instant::at(date, hour, minute);
    const Instant stop = start.plus_minutes(minutes);
    if (stop > end_) return false;
    if (start > birth_) visits_.push_back({start, stop, date});
    return true;
  }

  std::vector<Visit> take() { return std::move(visits_); }

 private:
  const WellnessSchedule& schedule_;
  Instant birth_;
  Instant end_;
  Rng& rng_;
  std::vector<Visit> visits_;
};

}  // namespace

std::vector<Visit> wellness_visits(const WellnessSchedule& schedule, Instant birth, Instant end,
                                   Rng& rng) {
  VisitPlanner planner(schedule, birth, end, rng);
  const Date birth_date = birth.date();
  for (int months : schedule.child_visit_months) {
    const Date date = months == 0 ? birth_date.plus_days(static_cast<int32_t>(rng.uniform_int(
                                        schedule.newborn_min_day, schedule.newborn_max_day)))
                                  : birth_date.plus_months(months).plus_days(
                                        static_cast<int32_t>(rng.uniform_int(0, 13)));
    if (!planner.add(date)) return planner.take();
  }
  for (const VisitPeriod& period : schedule.periods) {
    // Visits every n years fall on a personal phase within the period.
    const int phase = static_cast<int>(rng.uniform_int(0, period.every_years - 1));
    for (int age = period.from_age + phase; age <= period.to_age; age += period.every_years) {
      const Date date =
          birth_date.plus_years(age).plus_days(static_cast<int32_t>(rng.uniform_int(0, 90)));
      if (!planner.add(date)) return planner.take();
    }
  }
  return planner.take();
}

}  // namespace fos::synth::detail
