// Existence functions: empty, exists, all, allTrue/anyTrue/allFalse/anyFalse, count,
// distinct, isDistinct, not, hasValue.
#include "fhirpath/functions.hpp"

namespace fos::fhirpath {
namespace {

Collection distinct_of(const Collection& input) {
  Collection out;
  for (const Value& v : input) {
    bool seen = false;
    for (const Value& o : out) seen = seen || items_equal(o, v).value_or(false);
    if (!seen) out.push_back(v);
  }
  return out;
}

Collection boolean_test(const Call& call, bool want, bool every) {
  for (const Value& v : call.input()) {
    if (v.kind != ValueKind::kBoolean) call.error("expected booleans");
    if (every && v.boolean != want) return {Value::of_bool(false)};
    if (!every && v.boolean == want) return {Value::of_bool(true)};
  }
  return {Value::of_bool(every)};
}

}  // namespace

Collection fn_empty(const Call& call) {
  return {Value::of_bool(call.input().empty())};
}

Collection fn_exists(const Call& call) {
  if (call.arg_count() == 0) return {Value::of_bool(!call.input().empty())};
  int64_t index = 0;
  for (const Value& item : call.input()) {
    if (single_boolean(call.arg_on(0, item, index++), call) == true) return {Value::of_bool(true)};
  }
  return {Value::of_bool(false)};
}

Collection fn_all(const Call& call) {
  int64_t index = 0;
  for (const Value& item : call.input()) {
    if (single_boolean(call.arg_on(0, item, index++), call) != true) return {Value::of_bool(false)};
  }
  return {Value::of_bool(true)};
}

Collection fn_all_true(const Call& call) {
  return boolean_test(call, true, true);
}
Collection fn_any_true(const Call& call) {
  return boolean_test(call, true, false);
}
Collection fn_all_false(const Call& call) {
  return boolean_test(call, false, true);
}
Collection fn_any_false(const Call& call) {
  return boolean_test(call, false, false);
}

Collection fn_count(const Call& call) {
  return {Value::of_integer(static_cast<int64_t>(call.input().size()))};
}

Collection fn_distinct(const Call& call) {
  return distinct_of(call.input());
}

Collection fn_is_distinct(const Call& call) {
  return {Value::of_bool(distinct_of(call.input()).size() == call.input().size())};
}

Collection fn_not(const Call& call) {
  const auto value = single_boolean(call.input(), call);
  if (!value) return {};
  return {Value::of_bool(!*value)};
}

Collection fn_has_value(const Call& call) {
  return {Value::of_bool(call.input().size() == 1 && call.input()[0].kind != ValueKind::kNode)};
}

}  // namespace fos::fhirpath
