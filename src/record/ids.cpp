// Deterministic ids.
#include "record/ids.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"

namespace fos::record {
namespace {

// The namespace UUID of fos's name-based ids (itself a v5 UUID of "fos" in the URL namespace).
const Uuid& fos_namespace() {
  static const Uuid kNamespace =
      Uuid::name_based(Uuid::parse("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "https://fos.dev/ids");
  return kNamespace;
}

}  // namespace

int64_t event_id(uint64_t person_index, uint64_t ordinal) {
  FOS_ASSERT(ordinal < static_cast<uint64_t>(kIdsPerPerson));
  return person_id(person_index) * kIdsPerPerson + static_cast<int64_t>(ordinal);
}

Uuid resource_uuid(std::string_view kind, uint64_t person_index, uint64_t ordinal) {
  std::string name;
  name.reserve(kind.size() + 24);
  name.append(kind);
  name.push_back('/');
  name.append(std::to_string(person_index));
  name.push_back('/');
  name.append(std::to_string(ordinal));
  return Uuid::name_based(fos_namespace(), name);
}

Uuid shared_uuid(std::string_view kind, uint64_t id) {
  std::string name(kind);
  name.append("/shared/");
  name.append(std::to_string(id));
  return Uuid::name_based(fos_namespace(), name);
}

uint64_t stable_id(std::string_view natural_key) {
  const uint64_t id = hash64(natural_key) & ((uint64_t{1} << 53) - 1);
  return id == 0 ? 1 : id;
}

}  // namespace fos::record
