// MappingReport: what happened to every resource read, per resource type and code system.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace fos::fhir2omop {

struct SystemCounts {
  uint64_t codes = 0;                        ///< codes seen in this system
  uint64_t standard = 0;                     ///< mapped to a standard concept
  uint64_t concept_zero = 0;                 ///< kept with concept_id 0
  std::map<std::string, uint64_t> unmapped;  ///< code -> times kept with concept 0
};

struct TypeCounts {
  uint64_t read = 0;
  uint64_t converted = 0;
  std::map<std::string, uint64_t> skipped;      ///< reason -> resources skipped
  std::map<std::string, uint64_t> warnings;     ///< reason -> resources kept with a problem
  std::map<std::string, SystemCounts> systems;  ///< code system URI ("" for none)
};

class MappingReport {
 public:
  TypeCounts& type(std::string_view resource_type);
  const std::map<std::string, TypeCounts>& types() const { return types_; }
  void skip(std::string_view resource_type, std::string_view reason);
  void warn(std::string_view resource_type, std::string_view reason);
  /// Count one code of `system_uri`; `standard` says whether it found a standard concept.
  void code(std::string_view resource_type, std::string_view system_uri, std::string_view code,
            bool standard);

  uint64_t malformed_lines = 0;  ///< input lines or files skipped by the reader
  uint64_t persons = 0;
  /// The input was not grouped by patient: converted by the spilled fallback (not in JSON).
  bool held = false;

  /// Add every count of `other` (reports of blocks mapped on worker threads).
  void merge(const MappingReport& other);

  /// Sum of skipped resources for `reason` over every type.
  uint64_t skipped(std::string_view reason) const;
  /// mapping_report.json: deterministic, keys sorted, top unmapped codes (at most 20 per system).
  std::string json() const;
  /// A few lines for stderr.
  std::string summary() const;

 private:
  std::map<std::string, TypeCounts> types_;
};

}  // namespace fos::fhir2omop
