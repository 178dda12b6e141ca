// Constraints: domain rules a plausible record keeps (config/constraints.yaml): sex-specific
// conditions and procedures, age ranges, plausible observation values, allowed code systems.
//
// The generator applies them to every record it makes (apply()); `fos validate constraints`
// checks written output against the same rules through the lookups below.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "record/patient_record.hpp"

namespace fos::synth {

struct SexRule {
  std::string code;
  std::string display;
  record::Sex sex = record::Sex::kFemale;  ///< the only sex the code is plausible for
  int64_t concept_id = 0;                  ///< OMOP concept, 0 when none is given
};

struct AgeRule {
  std::string code;
  std::string display;
  int min_age = 0;  ///< whole years at onset/start, inclusive
  int max_age = 0;
};

struct ValueRule {
  std::string code;
  std::string display;
  std::string unit;  ///< UCUM; the rule applies only to values in this unit
  double low = 0;
  double high = 0;
  std::string source;  ///< "DQD" or "fos"
};

/// What apply() changed in one or more records.
struct ConstraintCounts {
  uint64_t suppressed_sex = 0;  ///< conditions/procedures removed: wrong sex
  uint64_t suppressed_age = 0;  ///< conditions/procedures removed: age out of range
  uint64_t clamped_values = 0;  ///< observation (component) values clamped
  uint64_t dropped_system = 0;  ///< entries removed: code system not allowed
  uint64_t total() const {
    return suppressed_sex + suppressed_age + clamped_values + dropped_system;
  }
  ConstraintCounts& operator+=(const ConstraintCounts& o);
};

/// Hash of strings that also takes string_views (lookups without a copy).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using CodeIndex = std::unordered_map<std::string, size_t, StringHash, std::equal_to<>>;

class Constraints {
 public:
  /// The rules built into fos (config/constraints.yaml).
  static Constraints builtin();
  /// Parse rules from YAML text; errors name `file_name`, line and key (Error{kConfig}).
  static Constraints parse(std::string_view text, const std::string& file_name);
  /// Read and parse a file.
  static Constraints load(const std::filesystem::path& file);

  const SexRule* sex_rule(std::string_view code) const;
  const SexRule* sex_rule_by_concept(int64_t concept_id) const;
  const AgeRule* age_rule(std::string_view code) const;
  /// The value rule for `code` in `unit` (null when none, or the unit differs).
  const ValueRule* value_rule(std::string_view code, std::string_view unit) const;
  /// All rules of one code, with one lookup (null members: none of that kind).
  struct RulesOfCode {
    const SexRule* sex = nullptr;
    const AgeRule* age = nullptr;
    const ValueRule* value = nullptr;  ///< whatever its unit
  };
  RulesOfCode rules_of(std::string_view code) const;
  /// Whether the allowed systems of `kind` (a FHIR resource type) are constrained at all.
  bool checks_system(std::string_view kind) const;
  /// Whether `system` (GMF name, e.g. "SNOMED-CT") is allowed for `kind`; true when unchecked.
  bool system_allowed(std::string_view kind, std::string_view system) const;
  /// The GMF system name of a FHIR system URI, if the file names it.
  std::optional<std::string> system_for_url(std::string_view url) const;
  const std::vector<std::string>* allowed_systems(std::string_view kind) const;

  /// Remove and clamp what breaks a rule in `rec` (see config/constraints.yaml).
  ConstraintCounts apply(record::PatientRecord& rec) const;

 private:
  std::vector<SexRule> sex_;
  std::vector<AgeRule> age_;
  std::vector<ValueRule> value_;
  CodeIndex sex_by_code_;
  std::unordered_map<int64_t, size_t> sex_by_concept_;
  CodeIndex age_by_code_;
  CodeIndex value_by_code_;
  std::map<std::string, std::vector<std::string>, std::less<>> allowed_;
  std::map<std::string, std::string, std::less<>> system_by_url_;
  /// Where the rules of one code are in sex_, age_ and value_ (-1: none), so that
  /// apply() finds them with one lookup.
  struct CodeRules {
    int32_t sex = -1;
    int32_t age = -1;
    int32_t value = -1;
  };
  std::unordered_map<std::string, CodeRules, StringHash, std::equal_to<>> rules_by_code_;
};

}  // namespace fos::synth
