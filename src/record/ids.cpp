// Deterministic ids.
#include "record/ids.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

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

namespace {

// Room for "<kind>/<index>/<ordinal>": two numbers of at most 20 digits each.
constexpr size_t kNameRoom = 128;

// "<kind>/<index>/<ordinal>" into `name`.
std::string_view resource_name(char (&name)[kNameRoom], std::string_view kind,
                               uint64_t person_index, uint64_t ordinal) {
  if (kind.size() + 42 > kNameRoom) {
    fail(ErrorKind::kInternal, "resource kind too long for an id: " + std::string(kind));
  }
  std::memcpy(name, kind.data(), kind.size());
  char* pos = name + kind.size();
  *pos++ = '/';
  pos = std::to_chars(pos, name + kNameRoom, person_index).ptr;
  *pos++ = '/';
  pos = std::to_chars(pos, name + kNameRoom, ordinal).ptr;
  return {name, static_cast<size_t>(pos - name)};
}

}  // namespace

Uuid resource_uuid(std::string_view kind, uint64_t person_index, uint64_t ordinal) {
  char name[kNameRoom];
  return Uuid::name_based(fos_namespace(), resource_name(name, kind, person_index, ordinal));
}

void resource_uuids(std::string_view kind, uint64_t person_index, std::span<Uuid> out) {
  constexpr size_t kChunk = 16;
  char names[kChunk][kNameRoom];
  std::string_view views[kChunk];
  for (size_t first = 0; first < out.size(); first += kChunk) {
    const size_t n = std::min(kChunk, out.size() - first);
    for (size_t i = 0; i < n; ++i)
      views[i] = resource_name(names[i], kind, person_index, first + i);
    Uuid::name_based(fos_namespace(), std::span(views, n), out.subspan(first, n));
  }
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
