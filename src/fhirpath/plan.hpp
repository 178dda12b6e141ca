// Path plans (internal to the room): the common shape of view column paths compiled into
// a list of steps that walk the JSON nodes directly, without building a collection of
// items per step. The tree-walking evaluator stays the reference: a plan gives the same
// items, and says when it cannot (then the evaluator runs).
//
// A plan is a chain of steps on the focus: members (choice elements included),
// where(member.path = 'text'), extension('url'), ofType(Type), first(), and as the last
// step getResourceKey(), getReferenceKey([Type]) or count().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fhirpath/ast.hpp"
#include "fhirpath/value.hpp"

namespace fos::fhirpath {

class Plan {
 public:
  /// The plan of `root`, or nullptr when the expression has another shape.
  static std::unique_ptr<const Plan> compile(const Node& root);

  /// The expression's items on `focus` into `out` (empty on entry). False when the plan
  /// does not cover this input (a focus item that is not a JSON node, a comparison with a
  /// date); `out` is then unspecified and the evaluator must be used.
  bool run(const Collection& focus, Collection& out) const;

  struct Step {
    enum class Kind {
      kMember,
      kWhereEquals,
      kExtension,
      kOfType,
      kFirst,
      kResourceKey,
      kReferenceKey,
      kCount
    };
    Kind kind = Kind::kMember;
    std::string name;               ///< member, extension url, type (empty: any)
    std::vector<std::string> path;  ///< kWhereEquals: the member path compared
    std::string literal;            ///< kWhereEquals: the text it must equal
  };

 private:
  std::vector<Step> steps_;
};

}  // namespace fos::fhirpath
