// Front door of the fhirpath room: parse a FHIRPath expression once, evaluate it on
// many resources.
//
// Covers what SQL on FHIR views use (paths, indexers, where/select/exists/first/...,
// ofType on choice elements, extension, join, boundaries, getResourceKey /
// getReferenceKey, boolean logic, equality, comparison, arithmetic, string
// functions, iif, %constants). Errors are Error{kFhirpath} naming the expression
// and the 0-based character position.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fhirpath/value.hpp"

namespace fos::fhirpath {

struct Node;
class Plan;

/// Named values visible as %name; %resource, %rootResource and %context come from
/// the evaluation's resource.
using Variables = std::map<std::string, Collection, std::less<>>;

struct Environment {
  const Json* resource = nullptr;  ///< the resource under evaluation (getResourceKey, %resource)
  const Variables* variables = nullptr;  ///< %name values; may be null
};

class Expression {
 public:
  /// Parse `text`. Throws Error{kFhirpath} "fhirpath 'text': position N: reason" on
  /// syntax errors and unknown functions.
  static Expression parse(std::string_view text);

  /// Evaluate with `focus` as the input collection ($this at the top).
  Collection evaluate(const Collection& focus, const Environment& environment) const;
  /// Same, into `out` (cleared first; its capacity is reused).
  void evaluate_into(const Collection& focus, const Environment& environment,
                     Collection& out) const;
  /// Evaluate on a resource (the focus is the resource; %resource too).
  Collection evaluate(const Json& resource, const Variables* variables = nullptr) const;

  const std::string& text() const { return text_; }
  /// Names of the %variables the expression refers to, in order of appearance.
  std::vector<std::string> variables() const;
  /// True when the expression is exactly a reference to %name.
  bool is_variable(std::string_view name) const;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
  std::shared_ptr<const Plan> plan_;  ///< a faster walk of the same path, when it has one
};

/// Names of every registered function, sorted (for docs and tests).
std::vector<std::string> function_names();

}  // namespace fos::fhirpath
