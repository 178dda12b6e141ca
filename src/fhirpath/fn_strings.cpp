// String functions and conversions: join, startsWith, endsWith, contains, substring,
// upper, lower, length, replace, indexOf, trim, toString, toInteger, toDecimal.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "fhirpath/functions.hpp"

namespace fos::fhirpath {
namespace {

// The single string input, nullopt when empty; an error for several items or non-strings.
std::optional<std::string> input_string(const Call& call) {
  if (call.input().empty()) return std::nullopt;
  if (call.input().size() > 1) call.error("input has several items");
  const Value& v = call.input()[0];
  if (v.kind != ValueKind::kString) call.error("input is not a string");
  return v.text.str();
}

std::optional<std::string> required_string_arg(const Call& call, size_t i) {
  return call.string_arg(i);
}

}  // namespace

Collection fn_join(const Call& call) {
  const std::string separator = call.string_arg(0).value_or("");
  std::string out;
  bool first = true;
  for (const Value& v : call.input()) {
    if (!first) out += separator;
    first = false;
    out += value_to_string(v);
  }
  return {Value::of_string(out)};
}

Collection fn_starts_with(const Call& call) {
  const auto s = input_string(call);
  const auto prefix = required_string_arg(call, 0);
  if (!s || !prefix) return {};
  return {Value::of_bool(s->starts_with(*prefix))};
}

Collection fn_ends_with(const Call& call) {
  const auto s = input_string(call);
  const auto suffix = required_string_arg(call, 0);
  if (!s || !suffix) return {};
  return {Value::of_bool(s->ends_with(*suffix))};
}

Collection fn_contains(const Call& call) {
  const auto s = input_string(call);
  const auto part = required_string_arg(call, 0);
  if (!s || !part) return {};
  return {Value::of_bool(s->find(*part) != std::string::npos)};
}

Collection fn_substring(const Call& call) {
  const auto s = input_string(call);
  const auto start = call.integer_arg(0);
  if (!s || !start) return {};
  if (*start < 0 || static_cast<size_t>(*start) >= s->size()) return {};
  const auto length = call.integer_arg(1);
  const size_t count =
      length ? static_cast<size_t>(std::max<int64_t>(*length, 0)) : std::string::npos;
  return {Value::of_string(s->substr(static_cast<size_t>(*start), count))};
}

Collection fn_upper(const Call& call) {
  auto s = input_string(call);
  if (!s) return {};
  for (char& c : *s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return {Value::of_string(*s)};
}

Collection fn_lower(const Call& call) {
  auto s = input_string(call);
  if (!s) return {};
  for (char& c : *s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return {Value::of_string(*s)};
}

Collection fn_length(const Call& call) {
  const auto s = input_string(call);
  if (!s) return {};
  return {Value::of_integer(static_cast<int64_t>(s->size()))};
}

Collection fn_replace(const Call& call) {
  const auto s = input_string(call);
  const auto pattern = call.string_arg(0);
  const auto substitution = call.string_arg(1);
  if (!s || !pattern || !substitution) return {};
  std::string out;
  if (pattern->empty()) {
    for (char c : *s) out += *substitution + c;
    return {Value::of_string(out + *substitution)};
  }
  size_t pos = 0;
  while (true) {
    const size_t found = s->find(*pattern, pos);
    if (found == std::string::npos) break;
    out.append(*s, pos, found - pos);
    out += *substitution;
    pos = found + pattern->size();
  }
  out.append(*s, pos);
  return {Value::of_string(out)};
}

Collection fn_index_of(const Call& call) {
  const auto s = input_string(call);
  const auto part = call.string_arg(0);
  if (!s || !part) return {};
  const size_t found = s->find(*part);
  return {Value::of_integer(found == std::string::npos ? -1 : static_cast<int64_t>(found))};
}

Collection fn_trim(const Call& call) {
  const auto s = input_string(call);
  if (!s) return {};
  const size_t begin = s->find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {Value::of_string("")};
  const size_t end = s->find_last_not_of(" \t\r\n");
  return {Value::of_string(s->substr(begin, end - begin + 1))};
}

Collection fn_to_string(const Call& call) {
  if (call.input().empty()) return {};
  if (call.input().size() > 1) call.error("input has several items");
  if (call.input()[0].kind == ValueKind::kNode) return {};
  return {Value::of_string(value_to_string(call.input()[0]))};
}

Collection fn_to_integer(const Call& call) {
  if (call.input().empty()) return {};
  if (call.input().size() > 1) call.error("input has several items");
  const Value& v = call.input()[0];
  if (v.kind == ValueKind::kInteger) return {Value::of_integer(v.integer)};
  if (v.kind == ValueKind::kBoolean) return {Value::of_integer(v.boolean ? 1 : 0)};
  if (v.kind != ValueKind::kString) return {};
  int64_t number = 0;
  const auto [ptr, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), number);
  if (ec != std::errc() || ptr != v.text.data() + v.text.size()) return {};
  return {Value::of_integer(number)};
}

Collection fn_to_decimal(const Call& call) {
  if (call.input().empty()) return {};
  if (call.input().size() > 1) call.error("input has several items");
  const Value& v = call.input()[0];
  if (v.kind == ValueKind::kInteger) return {Value::of_decimal(std::to_string(v.integer))};
  if (v.kind == ValueKind::kDecimal) return {Value::of_decimal(v.text)};
  if (v.kind == ValueKind::kBoolean) return {Value::of_decimal(v.boolean ? "1.0" : "0.0")};
  if (v.kind != ValueKind::kString) return {};
  double number = 0;
  const auto [ptr, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), number);
  if (ec != std::errc() || ptr != v.text.data() + v.text.size()) return {};
  return {Value::of_decimal(v.text)};
}

}  // namespace fos::fhirpath
