// validate: checks of written fos output against domain rules. `check_constraints` reads a
// fos output folder (fhir/*.ndjson and/or omop/*.csv) and lists every row that breaks
// config/constraints.yaml (synth::Constraints), naming file, line, field and rule.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "synth/constraints.hpp"

namespace fos::validate {

/// One broken rule at one place.
struct Violation {
  std::string file;   ///< relative to the checked folder, e.g. "omop/measurement.csv"
  uint64_t line = 0;  ///< 1-based; in CSV the line the row starts on (header = line 1)
  std::string field;  ///< e.g. "condition_source_value", "valueQuantity.value"
  std::string rule;  ///< what is wrong, e.g. "sex: '72892002' (Normal pregnancy) is female-only..."
};

struct ConstraintReport {
  std::vector<Violation> violations;  ///< in file order, then line order
  std::vector<std::string> files;     ///< files read, relative to the folder
  uint64_t rows = 0;                  ///< FHIR resources and OMOP rows checked
};

/// Check the fos output folder `dir`. Throws Error{kInvalidInput} when `dir` is not a folder,
/// holds neither fhir/*.ndjson nor omop/*.csv, or a file is malformed (file, line and field
/// named); nothing is reported then.
ConstraintReport check_constraints(const std::filesystem::path& dir,
                                   const synth::Constraints& rules);

/// "file:line: field: rule".
std::string to_string(const Violation& v);

}  // namespace fos::validate
