// The function registry: every FHIRPath function is one entry in the list in
// functions.cpp; each group of functions lives in its own fn_*.cpp file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fhirpath/ast.hpp"
#include "fhirpath/fhirpath.hpp"

namespace fos::fhirpath {

class Evaluator;

/// One function call being evaluated: the input collection, the call's node, and
/// helpers to evaluate arguments.
class Call {
 public:
  Call(Evaluator& evaluator, const Node& node, const Collection& input, const Collection& focus)
      : evaluator_(evaluator), node_(node), input_(input), focus_(focus) {}

  const Collection& input() const { return input_; }
  size_t arg_count() const { return node_.children.size(); }
  /// Argument `i` evaluated against the expression's focus (for plain values).
  Collection arg(size_t i) const;
  /// Argument `i` evaluated with `item` as $this and `index` as $index (lambdas).
  Collection arg_on(size_t i, const Value& item, int64_t index) const;
  /// Argument `i` as a type name (`ofType(Quantity)`, `getReferenceKey(Patient)`).
  std::string type_arg(size_t i) const;
  /// Optional single string / integer argument.
  std::optional<std::string> string_arg(size_t i) const;
  std::optional<int64_t> integer_arg(size_t i) const;
  const Environment& environment() const;
  /// Throw Error{kFhirpath} naming the expression and this call's position.
  [[noreturn]] void error(const std::string& message) const;

 private:
  Evaluator& evaluator_;
  const Node& node_;
  const Collection& input_;
  const Collection& focus_;
};

using FunctionImpl = Collection (*)(const Call& call);

struct FunctionSpec {
  std::string_view name;
  size_t min_args;
  size_t max_args;
  FunctionImpl impl;
};

/// The registered function named `name`, or nullptr.
const FunctionSpec* find_function(std::string_view name);

/// Type and id of a literal reference ("Patient/1", absolute URLs, `_history` versions
/// removed), viewing `reference`; nullopt for contained, logical and conditional ones.
std::optional<std::pair<std::string_view, std::string_view>> split_reference(
    std::string_view reference);

/// Singleton evaluation helpers shared by the function files.
std::optional<bool> single_boolean(const Collection& values, const Call& call);

// Function groups (one file each).
Collection fn_empty(const Call&);
Collection fn_exists(const Call&);
Collection fn_all(const Call&);
Collection fn_all_true(const Call&);
Collection fn_any_true(const Call&);
Collection fn_all_false(const Call&);
Collection fn_any_false(const Call&);
Collection fn_count(const Call&);
Collection fn_distinct(const Call&);
Collection fn_is_distinct(const Call&);
Collection fn_not(const Call&);
Collection fn_has_value(const Call&);

Collection fn_where(const Call&);
Collection fn_select(const Call&);
Collection fn_repeat(const Call&);
Collection fn_of_type(const Call&);
Collection fn_is(const Call&);
Collection fn_as(const Call&);
Collection fn_first(const Call&);
Collection fn_last(const Call&);
Collection fn_tail(const Call&);
Collection fn_skip(const Call&);
Collection fn_take(const Call&);
Collection fn_single(const Call&);
Collection fn_union(const Call&);
Collection fn_combine(const Call&);
Collection fn_iif(const Call&);

Collection fn_join(const Call&);
Collection fn_starts_with(const Call&);
Collection fn_ends_with(const Call&);
Collection fn_contains(const Call&);
Collection fn_substring(const Call&);
Collection fn_upper(const Call&);
Collection fn_lower(const Call&);
Collection fn_length(const Call&);
Collection fn_replace(const Call&);
Collection fn_index_of(const Call&);
Collection fn_trim(const Call&);
Collection fn_to_string(const Call&);
Collection fn_to_integer(const Call&);
Collection fn_to_decimal(const Call&);

Collection fn_abs(const Call&);
Collection fn_ceiling(const Call&);
Collection fn_floor(const Call&);
Collection fn_round(const Call&);
Collection fn_low_boundary(const Call&);
Collection fn_high_boundary(const Call&);

Collection fn_extension(const Call&);
Collection fn_get_resource_key(const Call&);
Collection fn_get_reference_key(const Call&);

}  // namespace fos::fhirpath
