// The tree-walking evaluator (internal to the room).
#pragma once

#include <string_view>

#include "fhirpath/ast.hpp"
#include "fhirpath/fhirpath.hpp"

namespace fos::fhirpath {

std::unique_ptr<Node> parse_expression(std::string_view text);

class Evaluator {
 public:
  Evaluator(std::string_view expression, const Environment& environment)
      : expression_(expression), environment_(environment) {}

  /// Evaluate `node` with `focus` as the input collection ($this = focus).
  Collection eval(const Node& node, const Collection& focus);
  /// Evaluate with a lambda context: $this = item, $index = index.
  Collection eval_on(const Node& node, const Value& item, int64_t index);

  const Environment& environment() const { return environment_; }
  [[noreturn]] void error(size_t position, const std::string& message) const;

 private:
  Collection apply(const Node& step, const Collection& input, const Collection& focus);
  Collection binary(const Node& node, const Collection& focus);
  Collection arithmetic(const Node& node, const Collection& left, const Collection& right);
  Collection variable(const Node& node);

  std::string_view expression_;
  const Environment& environment_;
  int64_t index_ = 0;
};

}  // namespace fos::fhirpath
