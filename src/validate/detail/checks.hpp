// Internal to validate: the rule checks shared by the FHIR and OMOP readers, and a CSV
// row reader that knows the line each row starts on.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/date.hpp"
#include "validate/validate.hpp"

namespace fos::validate::detail {

/// What the checks need to know about a patient.
struct PersonFacts {
  std::optional<record::Sex> sex;
  std::optional<Date> birth;
};

/// Collects violations for one file.
class FileChecker {
 public:
  FileChecker(const synth::Constraints& rules, ConstraintReport& report, std::string file)
      : rules_(rules), report_(report), file_(std::move(file)) {}

  /// Sex and age rules for `code` (or, with a concept id, its OMOP concept) on `person`.
  void check_person_rules(uint64_t line, const std::string& field, std::string_view code,
                          int64_t concept_id, const PersonFacts* person,
                          std::string_view person_label, std::optional<Date> start);
  /// The plausible-value rule for `code` in `unit`.
  void check_value(uint64_t line, const std::string& field, std::string_view code,
                   std::string_view unit, double value);
  /// The allowed code systems of `kind` for a FHIR system URI.
  void check_system(uint64_t line, const std::string& field, std::string_view kind,
                    std::string_view url);
  [[noreturn]] void fail(uint64_t line, const std::string& message) const;

  const std::string& file() const { return file_; }

 private:
  void add(uint64_t line, const std::string& field, std::string rule);

  const synth::Constraints& rules_;
  ConstraintReport& report_;
  std::string file_;
};

/// Reads a CSV file (RFC 4180 quoting, a quoted field may span lines) row by row.
class CsvRows {
 public:
  /// Opens `path`; the first row is the header. Throws Error{kInvalidInput}/kIo naming `name`.
  CsvRows(const std::filesystem::path& path, std::string name);

  /// The next row and the line it starts on; false at the end.
  bool next(std::vector<std::string>& row, uint64_t& line);
  /// Index of a header column; Error{kInvalidInput} "<name>: line 1: missing column 'x'".
  size_t column(std::string_view name) const;
  std::optional<size_t> find_column(std::string_view name) const;

 private:
  std::ifstream in_;
  std::string name_;
  uint64_t line_ = 0;  // lines consumed
  std::vector<std::string> header_;
};

void check_fhir(const std::filesystem::path& dir, const synth::Constraints& rules,
                ConstraintReport& report);
void check_omop(const std::filesystem::path& dir, const synth::Constraints& rules,
                ConstraintReport& report);

}  // namespace fos::validate::detail
