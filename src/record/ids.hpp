// Identity: how every record gets ids that need no global counter.
//
// Ids derive from the patient's population index and an entry's ordinal, so
// shards made on different machines never collide and union to exactly what
// one run makes. FHIR ids are name-based UUIDs; OMOP ids are integers. Both
// writers take their ids from here, which is why FHIR and OMOP agree.
// See docs/decisions/0002-ids.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/uuid.hpp"

namespace fos::record {

/// Entries of one kind per patient stay below this; event ids are person_id * kPerPerson + ordinal.
inline constexpr int64_t kIdsPerPerson = 1'000'000;

/// OMOP person_id of the patient at population index `index` (1-based).
inline int64_t person_id(uint64_t index) {
  return static_cast<int64_t>(index) + 1;
}
/// OMOP id of the `ordinal`-th (0-based) row of some event table for a person.
int64_t event_id(uint64_t person_index, uint64_t ordinal);

/// FHIR id of a patient's entry: name-based UUID of "<kind>/<person index>/<ordinal>".
/// `kind` is the resource type ("Patient", "Encounter", ...); patients use ordinal 0.
Uuid resource_uuid(std::string_view kind, uint64_t person_index, uint64_t ordinal);
/// resource_uuid(kind, person_index, i) for i = 0 .. out.size() - 1 into out[i], several at once.
void resource_uuids(std::string_view kind, uint64_t person_index, std::span<Uuid> out);
/// FHIR id of a shared resource (Organization, Practitioner, Location) with numeric id `id`.
Uuid shared_uuid(std::string_view kind, uint64_t id);

/// Stable positive 53-bit id for a natural key (organizations, providers):
/// representable exactly as a double, so JSON readers do not round it.
uint64_t stable_id(std::string_view natural_key);

}  // namespace fos::record
