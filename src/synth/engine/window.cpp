// finalize_record: encounters in time order, death cut-off and the export window.
#include <algorithm>
#include <numeric>

#include "synth/engine/engine.hpp"

namespace fos::synth {
namespace {

constexpr uint32_t kDropped = UINT32_MAX;

// Keep entries whose encounter survives; re-point them. Erase the others.
template <typename T>
void remap(std::vector<T>& entries, const std::vector<uint32_t>& to) {
  std::erase_if(entries, [&](const T& e) { return to[e.encounter] == kDropped; });
  for (T& e : entries) e.encounter = to[e.encounter];
}

}  // namespace

Instant window_start(Instant end, int years) {
  if (years <= 0) return Instant(INT64_MIN);
  return Instant::at(end.date().plus_years(-years)).plus_seconds(end.seconds_of_day());
}

void finalize_record(record::PatientRecord& rec, Instant end, int years) {
  const size_t n = rec.encounters.size();
  const Instant window_start = synth::window_start(end, years);
  // An encounter is kept when it starts in [window_start, end], or holds an entry
  // still active at window_start.
  std::vector<char> keep(n, 0);
  for (size_t i = 0; i < n; ++i) {
    keep[i] = rec.encounters[i].start >= window_start && rec.encounters[i].start <= end;
  }
  auto active_at_start = [&](const auto& entries, const auto& still) {
    for (const auto& e : entries) {
      if (rec.encounters[e.encounter].start <= end && still(e)) keep[e.encounter] = 1;
    }
  };
  active_at_start(rec.conditions,
                  [&](const auto& e) { return !e.abatement || *e.abatement >= window_start; });
  active_at_start(rec.medications,
                  [&](const auto& e) { return !e.stop || *e.stop >= window_start; });
  active_at_start(rec.care_plans,
                  [&](const auto& e) { return !e.stop || *e.stop >= window_start; });
  active_at_start(rec.devices, [&](const auto& e) { return !e.stop || *e.stop >= window_start; });
  active_at_start(rec.allergies,
                  [&](const auto& e) { return !e.resolved || *e.resolved >= window_start; });

  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return rec.encounters[a].start < rec.encounters[b].start;
  });
  std::vector<uint32_t> to(n, kDropped);
  std::vector<record::Encounter> encounters;
  encounters.reserve(n);
  for (uint32_t old : order) {
    if (!keep[old]) continue;
    to[old] = static_cast<uint32_t>(encounters.size());
    encounters.push_back(std::move(rec.encounters[old]));
  }
  rec.encounters = std::move(encounters);

  // Point entries at new encounters; drop entries of dropped encounters or past the end.
  // Observations are referenced by reports: renumber them with the reports.
  // Kept observations move down in place, in order.
  std::vector<uint32_t> obs_to(rec.observations.size(), kDropped);
  size_t kept = 0;
  for (size_t i = 0; i < rec.observations.size(); ++i) {
    auto& o = rec.observations[i];
    const bool old_only = o.effective < window_start;
    if (to[o.encounter] == kDropped || old_only || o.effective > end) continue;
    obs_to[i] = static_cast<uint32_t>(kept);
    o.encounter = to[o.encounter];
    if (kept != i) rec.observations[kept] = std::move(o);
    ++kept;
  }
  rec.observations.resize(kept);
  std::erase_if(rec.reports, [&](const auto& r) {
    return to[r.encounter] == kDropped || r.effective < window_start || r.effective > end;
  });
  for (auto& r : rec.reports) {
    r.encounter = to[r.encounter];
    std::erase_if(r.results, [&](uint32_t i) { return obs_to[i] == kDropped; });
    for (uint32_t& i : r.results) i = obs_to[i];
  }
  auto in_time = [&](Instant when) { return when >= window_start && when <= end; };
  std::erase_if(rec.immunizations, [&](const auto& e) { return !in_time(e.date); });
  std::erase_if(rec.procedures, [&](const auto& e) { return !in_time(e.start); });
  std::erase_if(rec.imaging_studies, [&](const auto& e) { return !in_time(e.started); });
  std::erase_if(rec.supplies, [&](const auto& e) { return !in_time(e.date); });
  std::erase_if(rec.conditions, [&](const auto& e) { return e.onset > end; });
  std::erase_if(rec.medications, [&](const auto& e) { return e.start > end; });
  std::erase_if(rec.care_plans, [&](const auto& e) { return e.start > end; });
  std::erase_if(rec.devices, [&](const auto& e) { return e.start > end; });
  std::erase_if(rec.allergies, [&](const auto& e) { return e.onset > end; });
  remap(rec.conditions, to);
  remap(rec.medications, to);
  remap(rec.procedures, to);
  remap(rec.immunizations, to);
  remap(rec.allergies, to);
  remap(rec.care_plans, to);
  remap(rec.devices, to);
  remap(rec.imaging_studies, to);
  remap(rec.supplies, to);
  // Nothing ends after the end of the record.
  for (auto& c : rec.conditions) {
    if (c.abatement && *c.abatement > end) c.abatement.reset();
  }
  for (auto& m : rec.medications) {
    if (m.stop && *m.stop > end) m.stop.reset();
  }
  for (auto& c : rec.care_plans) {
    if (c.stop && *c.stop > end) c.stop.reset();
  }
  for (auto& d : rec.devices) {
    if (d.stop && *d.stop > end) d.stop.reset();
  }
  for (auto& a : rec.allergies) {
    if (a.resolved && *a.resolved > end) a.resolved.reset();
  }
  for (auto& p : rec.procedures) p.end = std::min(p.end, end);
  for (auto& e : rec.encounters) e.end = std::min(std::max(e.end, e.start), std::max(end, e.start));
}

}  // namespace fos::synth
