// condition_eras and drug_eras.
#include "omop/write/eras.hpp"

#include <algorithm>

namespace fos::omop {
namespace {

bool by_concept_then_start(const EraInput& a, const EraInput& b) {
  if (a.concept_id != b.concept_id) return a.concept_id < b.concept_id;
  if (a.start != b.start) return a.start < b.start;
  return a.end < b.end;
}

// Merge sorted intervals of one concept whose ends, padded by `pad` days, reach the next
// start (a start on the padded end's day joins, as the OHDSI sweep orders starts first).
// Each merged interval keeps its unpadded end, the count of inputs and the days they cover.
std::vector<Era> merge(const std::vector<EraInput>& sorted, int pad) {
  std::vector<Era> out;
  for (const EraInput& in : sorted) {
    if (!out.empty() && out.back().concept_id == in.concept_id &&
        in.start <= out.back().end.plus_days(pad)) {
      Era& era = out.back();
      era.end = std::max(era.end, in.end);
      ++era.count;
      continue;
    }
    out.push_back({in.concept_id, in.start, in.end, 1, 0});
  }
  return out;
}

}  // namespace

std::vector<Era> condition_eras(std::vector<EraInput> occurrences) {
  std::sort(occurrences.begin(), occurrences.end(), by_concept_then_start);
  return merge(occurrences, kEraPersistenceDays);
}

std::vector<Era> drug_eras(std::vector<EraInput> exposures) {
  std::sort(exposures.begin(), exposures.end(), by_concept_then_start);
  // Step 1: overlapping or touching exposures become one sub-exposure.
  const std::vector<Era> subs = merge(exposures, 0);
  // Step 2: sub-exposures merge across gaps of up to 30 days.
  std::vector<Era> out;
  for (const Era& sub : subs) {
    const int64_t exposed = sub.end.days() - sub.start.days();
    if (!out.empty() && out.back().concept_id == sub.concept_id &&
        sub.start <= out.back().end.plus_days(kEraPersistenceDays)) {
      Era& era = out.back();
      era.end = std::max(era.end, sub.end);
      era.count += sub.count;
      era.gap_days -= exposed;  // holds minus the exposed days until finished below
      continue;
    }
    out.push_back({sub.concept_id, sub.start, sub.end, sub.count, -exposed});
  }
  for (Era& era : out) era.gap_days += era.end.days() - era.start.days();
  return out;
}

}  // namespace fos::omop
