// Filtering, subsetting and combining: where, select, repeat, ofType, is, as, first,
// last, tail, skip, take, single, union, combine, iif.
#include "fhirpath/functions.hpp"

namespace fos::fhirpath {
namespace {

Collection slice(const Collection& input, size_t from, size_t count) {
  if (from >= input.size()) return {};
  const size_t end = std::min(input.size(), from + count);
  return Collection(input.begin() + static_cast<std::ptrdiff_t>(from),
                    input.begin() + static_cast<std::ptrdiff_t>(end));
}

size_t count_arg(const Call& call) {
  const auto n = call.integer_arg(0);
  if (!n) call.error("needs an integer");
  return *n < 0 ? 0 : static_cast<size_t>(*n);
}

}  // namespace

Collection fn_where(const Call& call) {
  Collection out;
  int64_t index = 0;
  for (const Value& item : call.input()) {
    if (single_boolean(call.arg_on(0, item, index++), call) == true) out.push_back(item);
  }
  return out;
}

Collection fn_select(const Call& call) {
  Collection out;
  int64_t index = 0;
  for (const Value& item : call.input()) {
    Collection part = call.arg_on(0, item, index++);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

Collection fn_repeat(const Call& call) {
  Collection out;
  Collection frontier = call.input();
  while (!frontier.empty()) {
    Collection next;
    int64_t index = 0;
    for (const Value& item : frontier) {
      for (Value& child : call.arg_on(0, item, index++)) {
        bool seen = false;
        for (const Value& o : out) seen = seen || items_equal(o, child).value_or(false);
        if (seen) continue;
        out.push_back(child);
        next.push_back(std::move(child));
      }
    }
    frontier = std::move(next);
  }
  return out;
}

Collection fn_of_type(const Call& call) {
  const std::string type = call.type_arg(0);
  Collection out;
  for (const Value& item : call.input()) {
    if (is_of_type(item, type)) out.push_back(item);
  }
  return out;
}

Collection fn_is(const Call& call) {
  if (call.input().empty()) return {};
  if (call.input().size() > 1) call.error("needs a single item");
  return {Value::of_bool(is_of_type(call.input()[0], call.type_arg(0)))};
}

Collection fn_as(const Call& call) {
  return fn_of_type(call);
}

Collection fn_first(const Call& call) {
  return slice(call.input(), 0, 1);
}

Collection fn_last(const Call& call) {
  if (call.input().empty()) return {};
  return {call.input().back()};
}

Collection fn_tail(const Call& call) {
  return slice(call.input(), 1, call.input().size());
}

Collection fn_skip(const Call& call) {
  return slice(call.input(), count_arg(call), call.input().size());
}

Collection fn_take(const Call& call) {
  return slice(call.input(), 0, count_arg(call));
}

Collection fn_single(const Call& call) {
  if (call.input().size() > 1) call.error("input has several items");
  return call.input();
}

Collection fn_union(const Call& call) {
  Collection out;
  for (const Collection& part : {call.input(), call.arg(0)}) {
    for (const Value& v : part) {
      bool seen = false;
      for (const Value& o : out) seen = seen || items_equal(o, v).value_or(false);
      if (!seen) out.push_back(v);
    }
  }
  return out;
}

Collection fn_combine(const Call& call) {
  Collection out = call.input();
  Collection other = call.arg(0);
  out.insert(out.end(), other.begin(), other.end());
  return out;
}

Collection fn_iif(const Call& call) {
  if (call.input().size() > 1) call.error("input has several items");
  const Value focus = call.input().empty() ? Value() : call.input()[0];
  const Collection criterion = call.input().empty() ? call.arg(0) : call.arg_on(0, focus, 0);
  if (single_boolean(criterion, call) == true) {
    return call.input().empty() ? call.arg(1) : call.arg_on(1, focus, 0);
  }
  if (call.arg_count() < 3) return {};
  return call.input().empty() ? call.arg(2) : call.arg_on(2, focus, 0);
}

}  // namespace fos::fhirpath
