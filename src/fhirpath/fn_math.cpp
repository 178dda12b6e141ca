// Math functions and boundaries: abs, ceiling, floor, round, lowBoundary, highBoundary.
//
// Decimal boundaries work on the written digits: 1.0 has one decimal, so its
// boundaries are 0.95 and 1.05; an integer literal 1 gives 0.5 and 1.5.
#include <cmath>
#include <cstdio>

#include "fhirpath/functions.hpp"
#include "fhirpath/temporal.hpp"

namespace fos::fhirpath {
namespace {

const Value* single_number(const Call& call) {
  if (call.input().empty()) return nullptr;
  if (call.input().size() > 1) call.error("input has several items");
  const Value& v = call.input()[0];
  if (!v.is_number()) call.error("input is not a number");
  return &v;
}

int decimals_of(const Value& v) {
  if (v.kind == ValueKind::kInteger) return 0;
  const size_t point = v.text.find('.');
  if (point == std::string::npos) return 0;
  size_t end = v.text.find_first_of("eE", point);
  if (end == std::string::npos) end = v.text.size();
  return static_cast<int>(end - point - 1);
}

std::string fixed(long double number, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*Lf", decimals, number);
  std::string out = buffer;
  if (out.starts_with("-") && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

Collection decimal_boundary(const Call& call, const Value& v, bool high) {
  const int written = decimals_of(v);
  const auto requested = call.integer_arg(0);
  if (requested && (*requested < 0 || *requested > 28)) return {};
  const long double value = std::strtold(
      v.kind == ValueKind::kInteger ? std::to_string(v.integer).c_str() : v.text.str().c_str(),
      nullptr);
  const long double half = 0.5L * std::pow(10.0L, -written);
  const long double bound = high ? value + half : value - half;
  const int precision = requested ? static_cast<int>(*requested) : written + 1;
  if (precision >= written + 1) return {Value::of_decimal(fixed(bound, precision))};
  const long double scale = std::pow(10.0L, precision);
  const long double cut = high ? std::ceil(bound * scale) : std::floor(bound * scale);
  return {Value::of_decimal(fixed(cut / scale, precision))};
}

Collection boundary(const Call& call, bool high) {
  if (call.input().empty()) return {};
  if (call.input().size() > 1) call.error("input has several items");
  const Value& v = call.input()[0];
  if (v.is_number()) return decimal_boundary(call, v, high);
  if (v.kind != ValueKind::kString && !v.is_temporal()) return {};
  const auto parsed = detail::parse_temporal(v.text);
  if (!parsed) return {};
  ValueKind kind = v.kind;
  if (kind == ValueKind::kString) {
    kind = !parsed->has_date                            ? ValueKind::kTime
           : parsed->has_time || parsed->offset_minutes ? ValueKind::kDateTime
                                                        : ValueKind::kDate;
  }
  const char code = kind == ValueKind::kDate ? 'D' : kind == ValueKind::kTime ? 't' : 'T';
  const auto precision = call.integer_arg(0);
  const auto text =
      detail::temporal_boundary(*parsed, code, static_cast<int>(precision.value_or(0)), high);
  if (!text) return {};
  return {Value::of_temporal(kind, *text, v.type)};
}

}  // namespace

Collection fn_abs(const Call& call) {
  const Value* v = single_number(call);
  if (v == nullptr) return {};
  if (v->kind == ValueKind::kInteger)
    return {Value::of_integer(v->integer < 0 ? -v->integer : v->integer)};
  return {Value::of_decimal(v->text.starts_with('-') ? Text(v->text.view().substr(1)) : v->text)};
}

Collection fn_ceiling(const Call& call) {
  const Value* v = single_number(call);
  if (v == nullptr) return {};
  return {Value::of_integer(static_cast<int64_t>(std::ceil(v->as_double())))};
}

Collection fn_floor(const Call& call) {
  const Value* v = single_number(call);
  if (v == nullptr) return {};
  return {Value::of_integer(static_cast<int64_t>(std::floor(v->as_double())))};
}

Collection fn_round(const Call& call) {
  const Value* v = single_number(call);
  if (v == nullptr) return {};
  const int digits = static_cast<int>(call.integer_arg(0).value_or(0));
  const long double scale = std::pow(10.0L, digits);
  return {Value::of_decimal(fixed(std::round(v->as_double() * scale) / scale, digits))};
}

Collection fn_low_boundary(const Call& call) {
  return boundary(call, false);
}
Collection fn_high_boundary(const Call& call) {
  return boundary(call, true);
}

}  // namespace fos::fhirpath
