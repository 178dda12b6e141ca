// Spilled resources: one line of text per patient-owned resource, written by the fallback
// for input not grouped by patient and read back partition by partition:
// "<input order>\t<patient id>\t<type>\t<line>\t<source>\t<resource JSON>".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fhir/read/read.hpp"
#include "fhir2omop/patient_input.hpp"

namespace fos::fhir2omop {

/// Append `resource` as one spilled line (ending in '\n').
void append_spilled(std::string& out, uint64_t order, std::string_view patient_id,
                    const fhir::Resource& resource);

/// The patient id and resource type of a spilled line (views into `line`).
struct SpilledHead {
  std::string_view subject;
  std::string_view type;
};
SpilledHead spilled_head(std::string_view line);

/// The item a spilled line (without its '\n') holds. Throws Error{kInternal} on a line this
/// file did not write.
Item read_spilled(std::string_view line);

}  // namespace fos::fhir2omop
