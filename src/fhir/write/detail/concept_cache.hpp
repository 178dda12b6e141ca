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
#include <unordered_map>
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
  /// `"unit":"<unit>","system":"http://unitsofmeasure.org","code":"<unit>"` (kept by content).
  std::string_view unit_members(std::string_view unit);

 private:
  struct Slot {
    const char* code = nullptr;
    const char* display = nullptr;
    uint32_t code_size = 0;
    uint32_t display_size = 0;
    uint32_t offset = 0;
    uint32_t length = 0;
    record::CodeSystem system = record::CodeSystem::kOther;
    bool used = false;
  };

  static size_t hash(const char* code, const char* display, record::CodeSystem system);
  static bool matches(const Slot& slot, const record::Code& code);
  std::string_view add(Slot& slot, const record::Code& code);
  void grow();

  std::vector<Slot> slots_;
  size_t used_ = 0;
  std::string text_;  // the rendered concepts, one after another

  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> units_;
};

}  // namespace fos::fhir::detail
