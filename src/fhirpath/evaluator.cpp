// FHIRPath evaluation: paths, operators, variables; functions go through the registry.
#include "fhirpath/evaluator.hpp"

#include <cmath>

#include "core/error.hpp"
#include "fhirpath/functions.hpp"
#include "fhirpath/plan.hpp"

namespace fos::fhirpath {
namespace {

void collect_variables(const Node& node, std::vector<std::string>& out) {
  if (node.kind == Node::Kind::kVariable) out.push_back(node.name);
  for (const auto& child : node.children) collect_variables(*child, out);
}

// Three-valued logic operand: empty -> unknown; a single boolean -> its value;
// any other single item -> true (singleton evaluation).
std::optional<bool> logic_operand(const Collection& values, const Evaluator& evaluator,
                                  size_t position) {
  if (values.empty()) return std::nullopt;
  if (values.size() > 1) evaluator.error(position, "logical operand has several items");
  if (values[0].kind == ValueKind::kBoolean) return values[0].boolean;
  return true;
}

bool contains_item(const Collection& haystack, const Value& needle) {
  for (const Value& item : haystack) {
    if (items_equal(item, needle).value_or(false)) return true;
  }
  return false;
}

}  // namespace

void Evaluator::error(size_t position, const std::string& message) const {
  fail(ErrorKind::kFhirpath, "fhirpath '" + std::string(expression_) + "': position " +
                                 std::to_string(position) + ": " + message);
}

Collection Evaluator::eval_on(const Node& node, const Value& item, int64_t index) {
  const int64_t saved = index_;
  index_ = index;
  Collection focus{item};
  Collection out = eval(node, focus);
  index_ = saved;
  return out;
}

Collection Evaluator::variable(const Node& node) {
  if (node.name == "resource" || node.name == "rootResource" || node.name == "context") {
    if (environment_.resource == nullptr) return {};
    return {Value::of_node(*environment_.resource)};
  }
  if (node.name == "ucum") return {Value::of_string("http://unitsofmeasure.org")};
  if (node.name == "sct") return {Value::of_string("http://snomed.info/sct")};
  if (node.name == "loinc") return {Value::of_string("http://loinc.org")};
  if (environment_.variables != nullptr) {
    auto found = environment_.variables->find(node.name);
    if (found != environment_.variables->end()) return found->second;
  }
  error(node.position, "undefined variable %" + node.name);
}

Collection Evaluator::apply(const Node& step, const Collection& input, const Collection& focus) {
  if (step.kind == Node::Kind::kFunction) {
    const Call call(*this, step, input, focus);
    return step.function->impl(call);
  }
  if (step.kind != Node::Kind::kMember) return eval(step, input);
  Collection out;
  for (const Value& item : input) navigate(item, step.name, out);
  return out;
}

Collection Evaluator::eval(const Node& node, const Collection& focus) {
  switch (node.kind) {
    case Node::Kind::kLiteral:
      return node.literal;
    case Node::Kind::kMember: {
      // A leading type name selects the resource itself (`Patient.name`).
      if (!node.name.empty() && std::isupper(static_cast<unsigned char>(node.name[0]))) {
        Collection matched;
        for (const Value& item : focus) {
          if (item.kind == ValueKind::kNode &&
              item.node->find_string("resourceType") == node.name) {
            matched.push_back(item);
          }
        }
        if (!matched.empty()) return matched;
      }
      return apply(node, focus, focus);
    }
    case Node::Kind::kFunction:
      return apply(node, focus, focus);
    case Node::Kind::kInvoke: {
      const Collection left = eval(*node.children[0], focus);
      return apply(*node.children[1], left, focus);
    }
    case Node::Kind::kIndex: {
      const Collection target = eval(*node.children[0], focus);
      const Collection index = eval(*node.children[1], focus);
      if (index.empty()) return {};
      if (index.size() != 1 || index[0].kind != ValueKind::kInteger) {
        error(node.position, "index must be a single integer");
      }
      const int64_t i = index[0].integer;
      if (i < 0 || static_cast<size_t>(i) >= target.size()) return {};
      return {target[static_cast<size_t>(i)]};
    }
    case Node::Kind::kUnary: {
      Collection operand = eval(*node.children[0], focus);
      if (node.name == "+" || operand.empty()) return operand;
      if (operand.size() != 1 || !operand[0].is_number()) {
        error(node.position, "unary minus needs a single number");
      }
      Value& v = operand[0];
      if (v.kind == ValueKind::kInteger) {
        v.integer = -v.integer;
      } else {
        if (v.text.starts_with('-')) {
          v.text = Text(v.text.view().substr(1));
        } else {
          v.text = Text("-" + v.text.str());
        }
      }
      v.type.clear();
      return operand;
    }
    case Node::Kind::kBinary:
      return binary(node, focus);
    case Node::Kind::kTypeOp: {
      const Collection operand = eval(*node.children[0], focus);
      if (node.name == "is") {
        if (operand.empty()) return {};
        if (operand.size() > 1) error(node.position, "'is' needs a single item");
        return {Value::of_bool(is_of_type(operand[0], node.type_name))};
      }
      Collection out;
      for (const Value& item : operand) {
        if (is_of_type(item, node.type_name)) out.push_back(item);
      }
      return out;
    }
    case Node::Kind::kVariable:
      return variable(node);
    case Node::Kind::kThis:
      return focus;
    case Node::Kind::kIndexVar:
      return {Value::of_integer(index_)};
    case Node::Kind::kTotal:
      return {};
  }
  return {};
}

Collection Evaluator::binary(const Node& node, const Collection& focus) {
  const std::string& op = node.name;
  // Short-circuit logic first.
  if (op == "and" || op == "or" || op == "xor" || op == "implies") {
    const auto left = logic_operand(eval(*node.children[0], focus), *this, node.position);
    if (op == "and" && left == false) return {Value::of_bool(false)};
    if (op == "or" && left == true) return {Value::of_bool(true)};
    if (op == "implies" && left == false) return {Value::of_bool(true)};
    const auto right = logic_operand(eval(*node.children[1], focus), *this, node.position);
    if (op == "and") {
      if (right == false) return {Value::of_bool(false)};
      if (left && right) return {Value::of_bool(true)};
      return {};
    }
    if (op == "or") {
      if (right == true) return {Value::of_bool(true)};
      if (left && right) return {Value::of_bool(false)};
      return {};
    }
    if (op == "xor") {
      if (!left || !right) return {};
      return {Value::of_bool(*left != *right)};
    }
    if (right == true) return {Value::of_bool(true)};  // implies, left true or unknown
    if (left == true && right == false) return {Value::of_bool(false)};
    return {};
  }
  const Collection left = eval(*node.children[0], focus);
  const Collection right = eval(*node.children[1], focus);
  if (op == "|") {
    Collection out;
    for (const Value& v : left) {
      if (!contains_item(out, v)) out.push_back(v);
    }
    for (const Value& v : right) {
      if (!contains_item(out, v)) out.push_back(v);
    }
    return out;
  }
  if (op == "=" || op == "!=") {
    if (left.empty() || right.empty()) return {};
    if (left.size() != right.size()) return {Value::of_bool(op == "!=")};
    for (size_t i = 0; i < left.size(); ++i) {
      const auto equal = items_equal(left[i], right[i]);
      if (!equal) return {};
      if (!*equal) return {Value::of_bool(op == "!=")};
    }
    return {Value::of_bool(op == "=")};
  }
  if (op == "~" || op == "!~") {
    bool equivalent = left.size() == right.size();
    for (size_t i = 0; equivalent && i < left.size(); ++i) {
      equivalent = items_equivalent(left[i], right[i]);
    }
    return {Value::of_bool(equivalent == (op == "~"))};
  }
  if (op == "in" || op == "contains") {
    const Collection& element = op == "in" ? left : right;
    const Collection& container = op == "in" ? right : left;
    if (element.empty()) return {};
    if (element.size() > 1) error(node.position, "'" + op + "' needs a single item");
    return {Value::of_bool(contains_item(container, element[0]))};
  }
  if (op == "<" || op == ">" || op == "<=" || op == ">=") {
    if (left.empty() || right.empty()) return {};
    if (left.size() > 1 || right.size() > 1) error(node.position, "comparison of several items");
    std::optional<int> order;
    try {
      order = compare_items(left[0], right[0]);
    } catch (const Error& e) {
      error(node.position, e.what());
    }
    if (!order) return {};
    if (op == "<") return {Value::of_bool(*order < 0)};
    if (op == ">") return {Value::of_bool(*order > 0)};
    if (op == "<=") return {Value::of_bool(*order <= 0)};
    return {Value::of_bool(*order >= 0)};
  }
  return arithmetic(node, left, right);
}

Collection Evaluator::arithmetic(const Node& node, const Collection& left,
                                 const Collection& right) {
  const std::string& op = node.name;
  if (op == "&") {
    if (left.size() > 1 || right.size() > 1) error(node.position, "'&' of several items");
    const std::string l = left.empty() ? "" : value_to_string(left[0]);
    const std::string r = right.empty() ? "" : value_to_string(right[0]);
    return {Value::of_string(l + r)};
  }
  if (left.empty() || right.empty()) return {};
  if (left.size() > 1 || right.size() > 1) error(node.position, "arithmetic on several items");
  const Value& l = left[0];
  const Value& r = right[0];
  if (op == "+" && l.kind == ValueKind::kString && r.kind == ValueKind::kString) {
    return {Value::of_string(l.text.str() + r.text.str())};
  }
  if (!l.is_number() || !r.is_number()) {
    error(node.position,
          "'" + op + "' needs numbers, got " + l.type_name() + " and " + r.type_name());
  }
  const bool integers = l.kind == ValueKind::kInteger && r.kind == ValueKind::kInteger;
  if (integers && (op == "+" || op == "-" || op == "*")) {
    int64_t out = 0;
    const bool overflow = op == "+"   ? __builtin_add_overflow(l.integer, r.integer, &out)
                          : op == "-" ? __builtin_sub_overflow(l.integer, r.integer, &out)
                                      : __builtin_mul_overflow(l.integer, r.integer, &out);
    if (overflow) return {};
    return {Value::of_integer(out)};
  }
  if (op == "div" || op == "mod") {
    if (integers) {
      if (r.integer == 0) return {};
      return {Value::of_integer(op == "div" ? l.integer / r.integer : l.integer % r.integer)};
    }
    const double d = r.as_double();
    if (d == 0) return {};
    return {op == "div" ? Value::of_integer(static_cast<int64_t>(std::trunc(l.as_double() / d)))
                        : Value::of_double(std::fmod(l.as_double(), d))};
  }
  const double a = l.as_double();
  const double b = r.as_double();
  if (op == "+") return {Value::of_double(a + b)};
  if (op == "-") return {Value::of_double(a - b)};
  if (op == "*") return {Value::of_double(a * b)};
  if (op == "/") {
    if (b == 0) return {};
    return {Value::of_double(a / b)};
  }
  error(node.position, "unknown operator '" + op + "'");
}

// ---------------------------------------------------------------- Call helpers

Collection Call::arg(size_t i) const {
  return evaluator_.eval(*node_.children[i], focus_);
}

Collection Call::arg_on(size_t i, const Value& item, int64_t index) const {
  return evaluator_.eval_on(*node_.children[i], item, index);
}

std::string Call::type_arg(size_t i) const {
  const Node& arg = *node_.children[i];
  if (arg.kind == Node::Kind::kMember) return arg.name;
  if (arg.kind == Node::Kind::kInvoke && arg.children[0]->kind == Node::Kind::kMember &&
      arg.children[1]->kind == Node::Kind::kMember) {
    return arg.children[0]->name + "." + arg.children[1]->name;
  }
  error("expected a type name as argument " + std::to_string(i + 1));
}

std::optional<std::string> Call::string_arg(size_t i) const {
  if (i >= arg_count()) return std::nullopt;
  const Collection value = arg(i);
  if (value.empty()) return std::nullopt;
  if (value.size() != 1 || value[0].kind != ValueKind::kString) {
    error("argument " + std::to_string(i + 1) + " must be a single string");
  }
  return value[0].text.str();
}

std::optional<int64_t> Call::integer_arg(size_t i) const {
  if (i >= arg_count()) return std::nullopt;
  const Collection value = arg(i);
  if (value.empty()) return std::nullopt;
  if (value.size() != 1 || value[0].kind != ValueKind::kInteger) {
    error("argument " + std::to_string(i + 1) + " must be a single integer");
  }
  return value[0].integer;
}

const Environment& Call::environment() const {
  return evaluator_.environment();
}

void Call::error(const std::string& message) const {
  evaluator_.error(node_.position, node_.name + "(): " + message);
}

std::optional<bool> single_boolean(const Collection& values, const Call& call) {
  if (values.empty()) return std::nullopt;
  if (values.size() > 1) call.error("expected a single boolean, got several items");
  if (values[0].kind != ValueKind::kBoolean) return true;
  return values[0].boolean;
}

// ---------------------------------------------------------------- Expression

Expression Expression::parse(std::string_view text) {
  Expression expression;
  expression.text_ = std::string(text);
  expression.root_ = parse_expression(expression.text_);
  expression.plan_ = Plan::compile(*expression.root_);
  return expression;
}

Collection Expression::evaluate(const Collection& focus, const Environment& environment) const {
  Collection out;
  evaluate_into(focus, environment, out);
  return out;
}

void Expression::evaluate_into(const Collection& focus, const Environment& environment,
                               Collection& out) const {
  out.clear();
  if (plan_) {
    if (plan_->run(focus, out)) return;
    out.clear();
  }
  Evaluator evaluator(text_, environment);
  out = evaluator.eval(*root_, focus);
}

Collection Expression::evaluate(const Json& resource, const Variables* variables) const {
  const Environment environment{&resource, variables};
  const Collection focus{Value::of_node(resource)};
  return evaluate(focus, environment);
}

std::vector<std::string> Expression::variables() const {
  std::vector<std::string> out;
  collect_variables(*root_, out);
  return out;
}

bool Expression::is_variable(std::string_view name) const {
  return root_->kind == Node::Kind::kVariable && root_->name == name;
}

}  // namespace fos::fhirpath
