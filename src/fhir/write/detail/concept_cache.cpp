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

size_t ConceptCache::hash(const char* code, const char* display, record::CodeSystem system) {
  const auto c = reinterpret_cast<uintptr_t>(code);
  const auto d = reinterpret_cast<uintptr_t>(display);
  const uint64_t h =
      (c * 0x9E3779B97F4A7C15ULL) ^ (d * 0xC2B2AE3D27D4EB4FULL) ^ static_cast<uint64_t>(system);
  return static_cast<size_t>(h ^ (h >> 29));
}

bool ConceptCache::matches(const Slot& slot, const record::Code& code) {
  return slot.code == code.code.data() && slot.display == code.display.data() &&
         slot.code_size == code.code.size() && slot.display_size == code.display.size() &&
         slot.system == code.system;
}

std::string_view ConceptCache::concept_json(const record::Code& code) {
  if (code.code.owns() || code.display.owns()) return {};
  if (slots_.empty()) slots_.resize(kFirstSlots);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash(code.code.data(), code.display.data(), code.system) & mask;;
       i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (!slot.used) return add(slot, code);
    if (matches(slot, code)) return {text_.data() + slot.offset, slot.length};
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
  slot.code_size = static_cast<uint32_t>(code.code.size());
  slot.display_size = static_cast<uint32_t>(code.display.size());
  slot.offset = static_cast<uint32_t>(offset);
  slot.length = static_cast<uint32_t>(text_.size() - offset);
  slot.system = code.system;
  slot.used = true;
  const std::string_view json(text_.data() + offset, text_.size() - offset);
  if (++used_ * 2 > slots_.size()) grow();
  return json;
}

std::string_view ConceptCache::unit_members(std::string_view unit) {
  if (auto it = units_.find(unit); it != units_.end()) return it->second;
  std::string members;
  {
    JsonWriter w(members);
    w.begin_object();
    write_unit(w, unit);
    w.end_object();
  }
  // Without the braces of the object the members were written in.
  members = members.substr(1, members.size() - 2);
  return units_.emplace(std::string(unit), std::move(members)).first->second;
}

void ConceptCache::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (!slot.used) continue;
    size_t i = hash(slot.code, slot.display, slot.system) & mask;
    while (slots_[i].used) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

}  // namespace fos::fhir::detail
