// Path plans: compiling member chains with simple functions into steps, and running them
// over JSON nodes (see plan.hpp for the shapes covered).
#include "fhirpath/plan.hpp"

#include <cctype>
#include <utility>

#include "fhirpath/functions.hpp"

namespace fos::fhirpath {
namespace {

using Step = Plan::Step;

// The elements of a chain `a.b.f()`, left to right.
void chain_of(const Node& node, std::vector<const Node*>& out) {
  if (node.kind == Node::Kind::kInvoke) {
    chain_of(*node.children[0], out);
    out.push_back(node.children[1].get());
    return;
  }
  out.push_back(&node);
}

// A member step. The first element of a chain must not start with a capital: there it
// may name the resource type (`Patient.name`), which the evaluator handles.
bool is_member(const Node& node, bool first) {
  if (node.kind != Node::Kind::kMember || node.name.empty()) return false;
  return !first || !std::isupper(static_cast<unsigned char>(node.name[0]));
}

std::optional<std::string> string_literal(const Node& node) {
  if (node.kind != Node::Kind::kLiteral || node.literal.size() != 1 ||
      node.literal[0].kind != ValueKind::kString) {
    return std::nullopt;
  }
  return node.literal[0].text.str();
}

// where(a.b = 'text'), the only where() a plan runs.
std::optional<Step> where_step(const Node& argument) {
  if (argument.kind != Node::Kind::kBinary || argument.name != "=") return std::nullopt;
  std::vector<const Node*> left;
  chain_of(*argument.children[0], left);
  Step step{.kind = Step::Kind::kWhereEquals};
  for (size_t i = 0; i < left.size(); ++i) {
    if (!is_member(*left[i], i == 0)) return std::nullopt;
    step.path.push_back(left[i]->name);
  }
  const auto literal = string_literal(*argument.children[1]);
  if (!literal) return std::nullopt;
  step.literal = *literal;
  return step;
}

// A function call as a step, or nullopt when a plan cannot run it.
std::optional<Step> function_step(const Node& node) {
  const std::string_view name = node.function->name;
  const size_t args = node.children.size();
  if (name == "where" && args == 1) return where_step(*node.children[0]);
  if (name == "extension" && args == 1) {
    const auto url = string_literal(*node.children[0]);
    if (!url) return std::nullopt;
    return Step{.kind = Step::Kind::kExtension, .name = *url};
  }
  if (name == "ofType" && args == 1 && is_member(*node.children[0], false)) {
    return Step{.kind = Step::Kind::kOfType, .name = node.children[0]->name};
  }
  if (name == "getReferenceKey" && args <= 1) {
    if (args == 0) return Step{.kind = Step::Kind::kReferenceKey};
    if (!is_member(*node.children[0], false)) return std::nullopt;
    return Step{.kind = Step::Kind::kReferenceKey, .name = node.children[0]->name};
  }
  if (args != 0) return std::nullopt;
  if (name == "first") return Step{.kind = Step::Kind::kFirst};
  if (name == "getResourceKey") return Step{.kind = Step::Kind::kResourceKey};
  if (name == "count") return Step{.kind = Step::Kind::kCount};
  return std::nullopt;
}

// Steps whose output is not JSON nodes: only allowed last.
bool ends_chain(Step::Kind kind) {
  return kind == Step::Kind::kResourceKey || kind == Step::Kind::kReferenceKey ||
         kind == Step::Kind::kCount;
}

bool is_temporal_type(std::string_view type) {
  return type == "date" || type == "dateTime" || type == "instant" || type == "time";
}

using Items = std::vector<JsonItem>;

// Reused buffers (runs do not nest).
struct Scratch {
  Items a;
  Items b;
  Items compared;
  Items compared_next;
};

// Items of `items` where `step.path` is exactly one string equal to `step.literal`
// (FHIRPath `=` of a one-item collection and a string). False when an item's value is
// a date or time (compared as temporal values: left to the evaluator).
bool where_equals(const Step& step, const Items& items, Items& next, Scratch& scratch) {
  for (const JsonItem& item : items) {
    scratch.compared.assign(1, item);
    for (const std::string& name : step.path) {
      scratch.compared_next.clear();
      for (const JsonItem& c : scratch.compared) {
        navigate_json(*c.json, name, scratch.compared_next);
      }
      scratch.compared.swap(scratch.compared_next);
    }
    if (scratch.compared.size() != 1) continue;  // empty: unknown; several: not equal
    const JsonItem& value = scratch.compared.front();
    if (!value.json->is_string()) continue;  // a number, boolean or node is not a string
    if (is_temporal_type(value.type)) return false;
    if (value.json->text() == step.literal) next.push_back(item);
  }
  return true;
}

void extension_step(const Step& step, const Items& items, Items& next) {
  for (const JsonItem& item : items) {
    const Json* extensions = item.json->find("extension");
    if (extensions == nullptr || !extensions->is_array()) continue;
    for (const Json& extension : extensions->items()) {
      if (extension.find_string("url") == step.name) {
        next.push_back({&extension, "Extension"});
      }
    }
  }
}

// An item of known type (a choice element's) is checked by its type alone, as
// is_of_type() does; others as items.
bool item_is_of_type(const JsonItem& item, std::string_view type) {
  if (!item.type.empty() && !type.starts_with("FHIR.") && !type.starts_with("System.")) {
    return fhir_type_is(item.type, type);
  }
  return is_of_type(Value::from_json(*item.json, item.type), type);
}

void of_type_step(const Step& step, const Items& items, Items& next) {
  for (const JsonItem& item : items) {
    if (item_is_of_type(item, step.name)) next.push_back(item);
  }
}

// The last step's output: keys, a count, or the items themselves.
void finish(const Step* last, const std::vector<JsonItem>& items, Collection& out) {
  const Step::Kind kind = last == nullptr ? Step::Kind::kMember : last->kind;
  if (kind == Step::Kind::kCount) {
    out.push_back(Value::of_integer(static_cast<int64_t>(items.size())));
    return;
  }
  for (const JsonItem& item : items) {
    if (kind == Step::Kind::kResourceKey) {
      if (!item.json->find_string("resourceType")) continue;
      if (const auto id = item.json->find_string("id")) {
        out.push_back(Value::of_string(Text::view(*id)));
      }
    } else if (kind == Step::Kind::kReferenceKey) {
      const auto reference = item.json->find_string("reference");
      if (!reference) continue;
      const auto parts = split_reference(*reference);
      if (!parts || (!last->name.empty() && parts->first != last->name)) continue;
      out.push_back(Value::of_string(Text::view(parts->second)));
    } else {
      Value::append_json(*item.json, item.type, out);
    }
  }
}

}  // namespace

std::unique_ptr<const Plan> Plan::compile(const Node& root) {
  std::vector<const Node*> elements;
  chain_of(root, elements);
  auto plan = std::make_unique<Plan>();
  for (size_t i = 0; i < elements.size(); ++i) {
    const Node& node = *elements[i];
    if (!plan->steps_.empty() && ends_chain(plan->steps_.back().kind)) return nullptr;
    if (is_member(node, i == 0)) {
      plan->steps_.push_back({.kind = Step::Kind::kMember, .name = node.name});
      continue;
    }
    if (node.kind != Node::Kind::kFunction || node.function == nullptr) return nullptr;
    auto step = function_step(node);
    if (!step) return nullptr;
    plan->steps_.push_back(std::move(*step));
  }
  return plan;
}

bool Plan::run(const Collection& focus, Collection& out) const {
  thread_local Scratch scratch;
  Items* items = &scratch.a;  // the current items; each step fills *next from them
  Items* next = &scratch.b;
  items->clear();
  for (const Value& item : focus) {
    if (item.kind != ValueKind::kNode || item.node == nullptr) return false;
    items->push_back({item.node, item.type});
  }
  const Step* last = nullptr;
  for (const Step& step : steps_) {
    if (step.kind == Step::Kind::kFirst) {
      if (items->size() > 1) items->resize(1);
      continue;
    }
    if (ends_chain(step.kind)) {
      last = &step;  // a key or count: the last step (compile() checks)
      break;
    }
    next->clear();
    switch (step.kind) {
      case Step::Kind::kMember:
        for (const JsonItem& item : *items) navigate_json(*item.json, step.name, *next);
        break;
      case Step::Kind::kWhereEquals:
        if (!where_equals(step, *items, *next, scratch)) return false;
        break;
      case Step::Kind::kExtension:
        extension_step(step, *items, *next);
        break;
      default:
        of_type_step(step, *items, *next);
        break;
    }
    std::swap(items, next);
  }
  finish(last, *items, out);
  return true;
}

}  // namespace fos::fhirpath
