// ViewDefinition (SQL on FHIR v2): parsing and validation into a ready-to-run form.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fhir/read/json.hpp"
#include "fhirpath/fhirpath.hpp"

namespace fos::sof {

struct Column {
  std::string name;
  fhirpath::Expression path;
  std::string type;  ///< FHIR type code as written ("string", "boolean", ...); may be empty
  bool collection = false;
  bool is_row_index = false;  ///< the path is exactly %rowIndex
};

struct Select {
  std::vector<Column> columns;
  std::vector<Select> selects;
  std::vector<Select> union_all;
  std::optional<fhirpath::Expression> for_each;
  bool for_each_or_null = false;
  std::vector<fhirpath::Expression> repeat;
  std::vector<std::string> column_names;  ///< every output column of this select, in order
};

struct ViewDefinition {
  std::string source;  ///< file or label, for messages
  std::string name;
  std::string resource;
  fhirpath::Variables constants;
  std::vector<Select> selects;
  std::vector<fhirpath::Expression> where;
  std::vector<std::string> columns;  ///< output columns in spec order
  std::vector<std::string> column_types;
};

/// Validate and compile a ViewDefinition. Throws Error{kInvalidInput} naming `source`
/// and the element ("view.json: select[0].column[1]: duplicate column name 'id'"); bad
/// FHIRPath throws Error{kFhirpath} with the same prefix.
ViewDefinition parse_view(const fhir::Json& json, const std::string& source);
/// Read and parse a ViewDefinition file.
ViewDefinition load_view(const std::filesystem::path& path);

/// The default views (views/*.json of the repository, compiled in), ordered by file name:
/// fhir_allergy_intolerance, fhir_condition, ..., fhir_procedure. Each `source` is
/// "default:<file>".
std::vector<ViewDefinition> default_views();
/// File names of the default views ("patient.json", ...), in the same order.
std::vector<std::string> default_view_names();

}  // namespace fos::sof
