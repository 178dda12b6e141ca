// The one list of FHIRPath functions: name, argument count, implementation.
#include "fhirpath/functions.hpp"

#include <algorithm>
#include <array>
#include <limits>

namespace fos::fhirpath {
namespace {

constexpr std::array kFunctions = {
    // existence (fn_existence.cpp)
    FunctionSpec{"empty", 0, 0, fn_empty},
    FunctionSpec{"exists", 0, 1, fn_exists},
    FunctionSpec{"all", 1, 1, fn_all},
    FunctionSpec{"allTrue", 0, 0, fn_all_true},
    FunctionSpec{"anyTrue", 0, 0, fn_any_true},
    FunctionSpec{"allFalse", 0, 0, fn_all_false},
    FunctionSpec{"anyFalse", 0, 0, fn_any_false},
    FunctionSpec{"count", 0, 0, fn_count},
    FunctionSpec{"distinct", 0, 0, fn_distinct},
    FunctionSpec{"isDistinct", 0, 0, fn_is_distinct},
    FunctionSpec{"not", 0, 0, fn_not},
    FunctionSpec{"hasValue", 0, 0, fn_has_value},
    // filtering, subsetting, combining (fn_filtering.cpp)
    FunctionSpec{"where", 1, 1, fn_where},
    FunctionSpec{"select", 1, 1, fn_select},
    FunctionSpec{"repeat", 1, 1, fn_repeat},
    FunctionSpec{"ofType", 1, 1, fn_of_type},
    FunctionSpec{"is", 1, 1, fn_is},
    FunctionSpec{"as", 1, 1, fn_as},
    FunctionSpec{"first", 0, 0, fn_first},
    FunctionSpec{"last", 0, 0, fn_last},
    FunctionSpec{"tail", 0, 0, fn_tail},
    FunctionSpec{"skip", 1, 1, fn_skip},
    FunctionSpec{"take", 1, 1, fn_take},
    FunctionSpec{"single", 0, 0, fn_single},
    FunctionSpec{"union", 1, 1, fn_union},
    FunctionSpec{"combine", 1, 1, fn_combine},
    FunctionSpec{"iif", 2, 3, fn_iif},
    // strings and conversions (fn_strings.cpp)
    FunctionSpec{"join", 0, 1, fn_join},
    FunctionSpec{"startsWith", 1, 1, fn_starts_with},
    FunctionSpec{"endsWith", 1, 1, fn_ends_with},
    FunctionSpec{"contains", 1, 1, fn_contains},
    FunctionSpec{"substring", 1, 2, fn_substring},
    FunctionSpec{"upper", 0, 0, fn_upper},
    FunctionSpec{"lower", 0, 0, fn_lower},
    FunctionSpec{"length", 0, 0, fn_length},
    FunctionSpec{"replace", 2, 2, fn_replace},
    FunctionSpec{"indexOf", 1, 1, fn_index_of},
    FunctionSpec{"trim", 0, 0, fn_trim},
    FunctionSpec{"toString", 0, 0, fn_to_string},
    FunctionSpec{"toInteger", 0, 0, fn_to_integer},
    FunctionSpec{"toDecimal", 0, 0, fn_to_decimal},
    // math and boundaries (fn_math.cpp)
    FunctionSpec{"abs", 0, 0, fn_abs},
    FunctionSpec{"ceiling", 0, 0, fn_ceiling},
    FunctionSpec{"floor", 0, 0, fn_floor},
    FunctionSpec{"round", 0, 1, fn_round},
    FunctionSpec{"lowBoundary", 0, 1, fn_low_boundary},
    FunctionSpec{"highBoundary", 0, 1, fn_high_boundary},
    // FHIR and SQL on FHIR (fn_fhir.cpp)
    FunctionSpec{"extension", 1, 1, fn_extension},
    FunctionSpec{"getResourceKey", 0, 0, fn_get_resource_key},
    FunctionSpec{"getReferenceKey", 0, 1, fn_get_reference_key},
};

}  // namespace

const FunctionSpec* find_function(std::string_view name) {
  for (const FunctionSpec& spec : kFunctions) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::vector<std::string> function_names() {
  std::vector<std::string> names;
  names.reserve(std::size(kFunctions));
  for (const FunctionSpec& spec : kFunctions) names.emplace_back(spec.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace fos::fhirpath
