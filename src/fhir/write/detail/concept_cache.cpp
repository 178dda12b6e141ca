// ConceptCache: open addressing on the addresses of a code's borrowed texts.
#include "fhir/write/detail/concept_cache.hpp"

#include <cstdint>

#include "fhir/write/detail/elements.hpp"

namespace fos::fhir::detail {
namespace {

constexpr size_t kFirstSlots = 1024;
// Past this much rendered text (a library with very many distinct codes) new codes are
// rendered each time instead of kept: the cache stays small whatever the input.
constexpr size_t kMaxText = size_t{8} << 20;

}  // namespace

uint64_t ConceptCache::shape(const record::Code& code) {
  // Sizes are below 2^32 (record::Text); a code's text is far shorter than 2^24 bytes in
  // practice, but the key must be exact: longer ones are simply not cached (see concept_json).
  return (uint64_t{1} << 63) | (static_cast<uint64_t>(code.system) << 48) |
         (static_cast<uint64_t>(code.display.size()) << 24) | code.code.size();
}

size_t ConceptCache::hash(const char* code, const char* display, uint64_t shape) {
  const auto c = reinterpret_cast<uintptr_t>(code);
  const auto d = reinterpret_cast<uintptr_t>(display);
  const uint64_t h = (c * 0x9E3779B97F4A7C15ULL) ^ (d * 0xC2B2AE3D27D4EB4FULL) ^ shape;
  return static_cast<size_t>(h ^ (h >> 29));
}

std::string_view ConceptCache::concept_json(const record::Code& code) {
  if (code.code.owns() || code.display.owns()) return {};
  if ((code.code.size() | code.display.size()) >= (size_t{1} << 24)) return {};
  if (slots_.empty()) slots_.resize(kFirstSlots);
  const uint64_t key = shape(code);
  const char* text = code.code.data();
  const char* display = code.display.data();
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash(text, display, key) & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.shape == 0) return add(slot, code);
    if (slot.shape == key && slot.code == text && slot.display == display)
      return {text_.data() + slot.offset, slot.length};
  }
}

std::string_view ConceptCache::add(Slot& slot, const record::Code& code) {
  if (text_.size() > kMaxText) return {};
  const size_t offset = text_.size();
  {
    JsonWriter w(text_);
    write_concept(w, code);
  }
  slot.code = code.code.data();
  slot.display = code.display.data();
  slot.shape = shape(code);
  slot.offset = static_cast<uint32_t>(offset);
  slot.length = static_cast<uint32_t>(text_.size() - offset);
  const std::string_view json(text_.data() + offset, text_.size() - offset);
  if (++used_ * 2 > slots_.size()) grow();
  return json;
}

uint32_t ConceptCache::unit_hash(std::string_view unit) {
  uint32_t h = 2166136261U;  // FNV-1a
  for (const char c : unit) h = (h ^ static_cast<unsigned char>(c)) * 16777619U;
  return h ^ (h >> 15);
}

std::string_view ConceptCache::unit_members(std::string_view unit) {
  constexpr size_t kSlots = 2 * kMaxUnits;
  if (unit_slots_.empty()) {
    unit_slots_.assign(kSlots, 0);
    units_.reserve(kMaxUnits);  // never moved: views handed out stay put
  }
  size_t i = unit_hash(unit) & (kSlots - 1);
  for (; unit_slots_[i] != 0; i = (i + 1) & (kSlots - 1)) {
    const Unit& known = units_[unit_slots_[i] - 1];
    if (known.unit == unit) return known.members;
  }
  if (units_.size() >= kMaxUnits) return {};
  std::string members;
  {
    JsonWriter w(members);
    w.begin_object();
    write_unit(w, unit);
    w.end_object();
  }
  // Without the braces of the object the members were written in.
  units_.push_back({std::string(unit), members.substr(1, members.size() - 2)});
  unit_slots_[i] = static_cast<uint16_t>(units_.size());
  return units_.back().members;
}

void ConceptCache::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.shape == 0) continue;
    size_t i = hash(slot.code, slot.display, slot.shape) & mask;
    while (slots_[i].shape != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

}  // namespace fos::fhir::detail
