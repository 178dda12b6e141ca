// ConceptCache: the CodeableConcept JSON of borrowed record codes, rendered once.
//
// Most codes in a record borrow their text from storage that outlives the writer (the
// module library, static tables; record/text.hpp), so the same code is written with the same
// bytes thousands of times. The cache keeps the rendered concept per (system, code text
// address, display text address) and hands it back for JsonWriter::raw. Codes that own their
// text are not cached (their address says nothing about their content).
//
// Lifetime: a cache must not outlive the text of the codes it has seen, so it belongs to a
// writer (a sink's reusable block), never to a thread or the program. Not thread-safe: one
// renderer at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "record/code.hpp"

namespace fos::fhir::detail {

class ConceptCache {
 public:
  ConceptCache() = default;
  ConceptCache(const ConceptCache&) = delete;
  ConceptCache& operator=(const ConceptCache&) = delete;

  /// The JSON write_concept(code) writes, or an empty view when `code` owns its text
  /// (or the cache is full): then the caller renders it itself.
  std::string_view concept_json(const record::Code& code);
  /// Distinct concepts held.
  size_t size() const { return used_; }
  /// The members write_quantity writes after the value for a non-empty UCUM `unit`:
  /// `"unit":"<unit>","system":"http://unitsofmeasure.org","code":"<unit>"` (kept by content),
  /// or an empty view when the cache holds kMaxUnits units already: then the caller writes them.
  std::string_view unit_members(std::string_view unit);

  static constexpr size_t kMaxUnits = 512;

 private:
  // 32 bytes, two to a cache line: the texts' addresses, then their sizes, the system and a
  // used bit in one word (compared at once), then where the rendered concept is.
  struct Slot {
    const char* code = nullptr;
    const char* display = nullptr;
    uint64_t shape = 0;  // 0: free
    uint32_t offset = 0;
    uint32_t length = 0;
  };

  // The sizes and system of `code` with the used bit: the part of a key besides addresses.
  static uint64_t shape(const record::Code& code);
  static size_t hash(const char* code, const char* display, uint64_t shape);
  std::string_view add(Slot& slot, const record::Code& code);
  void grow();

  std::vector<Slot> slots_;
  size_t used_ = 0;
  std::string text_;  // the rendered concepts, one after another

  // Units by content: a small open-addressing table (twice kMaxUnits slots) of indexes
  // into units_, hashed with a few instructions (units are a few characters long).
  struct Unit {
    std::string unit;
    std::string members;
  };
  static uint32_t unit_hash(std::string_view unit);
  std::vector<Unit> units_;
  std::vector<uint16_t> unit_slots_;  // index + 1 into units_; 0 = free
};

}  // namespace fos::fhir::detail
