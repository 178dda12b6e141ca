// Immunizations on the CDC schedule, given at wellness visits.
#include <algorithm>

#include "synth/detail/clinical.hpp"

namespace fos::synth::detail {
namespace {

struct Given {
  size_t visit;
  size_t vaccine;  ///< order in the configuration: ties at one visit keep it
};

bool in_program(const VaccineSchedule& v, Date date) {
  const int year = date.year();
  if (v.from_year && year < *v.from_year) return false;
  if (v.until_year && year > *v.until_year) return false;
  return true;
}

// The first visit at or after `due` and after visit `after` (exclusive), if any.
std::optional<size_t> visit_on_or_after(std::span<const Visit> visits, Date due, size_t from) {
  for (size_t i = from; i < visits.size(); ++i) {
    if (visits[i].date >= due) return i;
  }
  return std::nullopt;
}

void schedule_doses(const VaccineSchedule& v, size_t order, Date birth,
                    std::span<const Visit> visits, std::vector<Given>& given) {
  size_t next = 0;  // one dose of a vaccine per visit
  auto give = [&](int months) -> bool {
    const auto visit = visit_on_or_after(visits, birth.plus_months(months), next);
    if (!visit) return false;
    next = *visit + 1;
    if (in_program(v, visits[*visit].date)) given.push_back({*visit, order});
    return true;
  };
  for (int months : v.due_months) {
    if (!give(months)) return;
  }
  if (v.every_years <= 0) return;
  for (int months = v.due_months.back() + 12 * v.every_years;; months += 12 * v.every_years) {
    if (!give(months)) return;
  }
}

// One dose per influenza season: the first visit in September-December of each year.
void schedule_seasonal(const VaccineSchedule& v, size_t order, Date birth,
                       std::span<const Visit> visits, std::vector<Given>& given) {
  const Date from = birth.plus_months(v.due_months.front());
  int last_season = -1;
  for (size_t i = 0; i < visits.size(); ++i) {
    const CivilDate day = visits[i].date.civil();
    if (visits[i].date < from || day.month < 9 || day.year == last_season) continue;
    if (!in_program(v, visits[i].date)) continue;
    last_season = day.year;
    given.push_back({i, order});
  }
}

}  // namespace

void immunize(const std::vector<VaccineSchedule>& vaccines, Date birth,
              std::span<const Visit> visits, size_t first_kept, Rng& rng,
              std::vector<record::Immunization>& out) {
  std::vector<Given> given;
  for (size_t k = 0; k < vaccines.size(); ++k) {
    if (vaccines[k].seasonal) {
      schedule_seasonal(vaccines[k], k, birth, visits, given);
    } else {
      schedule_doses(vaccines[k], k, birth, visits, given);
    }
  }
  std::sort(given.begin(), given.end(), [](const Given& a, const Given& b) {
    return a.visit != b.visit ? a.visit < b.visit : a.vaccine < b.vaccine;
  });
  for (const Given& g : given) {
    // Drawn for every dose, kept or not, so kept doses do not depend on the window.
    const Visit& visit = visits[g.visit];
    const int64_t offset = rng.uniform_int(0, visit.end.seconds() - visit.start.seconds());
    if (g.visit < first_kept) continue;
    const VaccineSchedule& v = vaccines[g.vaccine];
    record::Immunization& shot = out.emplace_back();
    shot.encounter = static_cast<uint32_t>(g.visit - first_kept);
    // The configuration lives as long as the Generator, which outlives its records.
    shot.code = record::Code{record::CodeSystem::kCvx, record::Text::borrow(v.cvx),
                             record::Text::borrow(v.display)};
    shot.date = visit.start.plus_seconds(offset);
  }
}

}  // namespace fos::synth::detail
