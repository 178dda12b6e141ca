// Era building: condition_era and drug_era with the standard OHDSI logic.
//
// Condition eras: per concept, occurrences whose padded ends (end + 30 days) reach the
// next start merge, so a gap of up to 30 days joins two occurrences and 31 splits them.
// Drug eras ("non-stockpile"): per ingredient, overlapping or touching exposures merge into
// sub-exposures first, then sub-exposures merge with the same 30-day persistence window;
// gap_days is the era's length minus the days its sub-exposures cover.
#pragma once

#include <cstdint>
#include <vector>

#include "core/date.hpp"

namespace fos::omop {

/// One occurrence or exposure of a concept; REQUIRES end >= start.
struct EraInput {
  int32_t concept_id = 0;
  Date start;
  Date end;
};

struct Era {
  int32_t concept_id = 0;
  Date start;
  Date end;
  int64_t count = 0;     ///< occurrences / exposures in the era
  int64_t gap_days = 0;  ///< drug eras: days in the era not covered by an exposure
};

/// The OHDSI persistence window, in days.
inline constexpr int kEraPersistenceDays = 30;

/// Eras ordered by (concept_id, start). Inputs may come in any order.
std::vector<Era> condition_eras(std::vector<EraInput> occurrences);
std::vector<Era> drug_eras(std::vector<EraInput> exposures);

}  // namespace fos::omop
