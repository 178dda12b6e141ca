// Partial-precision dates and times (FHIRPath Date, DateTime, Time).
#include "fhirpath/temporal.hpp"

#include "core/date.hpp"

#include <algorithm>
#include <cstdio>

namespace fos::fhirpath::detail {
namespace {

bool read_digits(std::string_view text, size_t& pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  pos += count;
  return true;
}

bool parse_time_part(std::string_view text, size_t& pos, Temporal& t) {
  if (!read_digits(text, pos, 2, t.fields[3])) return false;
  t.precision = 4;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_digits(text, pos, 2, t.fields[4])) return false;
    t.precision = 5;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!read_digits(text, pos, 2, t.fields[5])) return false;
      t.precision = 6;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const size_t start = pos;
        int millis = 0;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (digits < 3) millis = millis * 10 + (text[pos] - '0');
          ++digits;
          ++pos;
        }
        if (pos == start) return false;
        t.fraction_digits = digits;
        for (int d = digits; d < 3; ++d) millis *= 10;
        t.fields[6] = millis;
        t.precision = 7;
      }
    }
  }
  t.has_time = true;
  return true;
}

bool parse_zone(std::string_view text, size_t& pos, Temporal& t) {
  if (pos == text.size()) return true;
  if (text[pos] == 'Z') {
    t.offset_minutes = 0;
    ++pos;
    return pos == text.size();
  }
  if (text[pos] != '+' && text[pos] != '-') return false;
  const int sign = text[pos] == '-' ? -1 : 1;
  ++pos;
  int hours = 0;
  int minutes = 0;
  if (!read_digits(text, pos, 2, hours) || pos >= text.size() || text[pos] != ':') return false;
  ++pos;
  if (!read_digits(text, pos, 2, minutes)) return false;
  t.offset_minutes = sign * (hours * 60 + minutes);
  return pos == text.size();
}

// Fields shifted to UTC when a zone is known and the value reaches minutes.
std::array<int64_t, 7> normalized(const Temporal& t) {
  std::array<int64_t, 7> f{};
  for (size_t i = 0; i < 7; ++i) f[i] = t.fields[i];
  if (!t.offset_minutes || t.precision < 5 || !t.has_date) return f;
  const int64_t day =
      Date::from_civil(static_cast<int>(f[0]), static_cast<int>(f[1]), static_cast<int>(f[2]))
          .days();
  int64_t minutes = day * 1440 + f[3] * 60 + f[4] - *t.offset_minutes;
  const int64_t days = (minutes >= 0 ? minutes : minutes - 1439) / 1440;
  minutes -= days * 1440;
  const CivilDate civil = Date(static_cast<int32_t>(days)).civil();
  f[0] = civil.year;
  f[1] = civil.month;
  f[2] = civil.day;
  f[3] = minutes / 60;
  f[4] = minutes % 60;
  return f;
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string zone_text(int minutes) {
  const char sign = minutes < 0 ? '-' : '+';
  const int m = minutes < 0 ? -minutes : minutes;
  return std::string(1, sign) + two(m / 60) + ":" + two(m % 60);
}

}  // namespace

std::optional<Temporal> parse_temporal(std::string_view text) {
  Temporal t;
  size_t pos = 0;
  if (!text.empty() && text[0] == 'T') {
    pos = 1;
    if (!parse_time_part(text, pos, t) || pos != text.size()) return std::nullopt;
    return t;
  }
  if (text.size() >= 3 && text[2] == ':') {
    if (!parse_time_part(text, pos, t) || pos != text.size()) return std::nullopt;
    return t;
  }
  if (!read_digits(text, pos, 4, t.fields[0])) return std::nullopt;
  t.has_date = true;
  t.precision = 1;
  t.fields[1] = 1;
  t.fields[2] = 1;
  if (pos < text.size() && text[pos] == '-') {
    ++pos;
    if (!read_digits(text, pos, 2, t.fields[1]) || t.fields[1] < 1 || t.fields[1] > 12) {
      return std::nullopt;
    }
    t.precision = 2;
    if (pos < text.size() && text[pos] == '-') {
      ++pos;
      if (!read_digits(text, pos, 2, t.fields[2]) || t.fields[2] < 1 ||
          t.fields[2] >
              days_in_month(static_cast<int>(t.fields[0]), static_cast<int>(t.fields[1]))) {
        return std::nullopt;
      }
      t.precision = 3;
    }
  }
  if (pos < text.size() && text[pos] == 'T') {
    ++pos;
    if (pos < text.size() && !parse_time_part(text, pos, t)) return std::nullopt;
  }
  if (!parse_zone(text, pos, t)) return std::nullopt;
  return t;
}

std::optional<int> compare_temporal(const Temporal& left, const Temporal& right) {
  if (left.has_date != right.has_date) return std::nullopt;
  const bool zones = left.offset_minutes.has_value() && right.offset_minutes.has_value();
  Temporal a = left;
  Temporal b = right;
  if (!zones) {
    a.offset_minutes.reset();
    b.offset_minutes.reset();
  }
  const auto l = normalized(a);
  const auto r = normalized(b);
  // Seconds and milliseconds are one precision.
  const int lp_cmp = left.precision >= 6 ? 7 : left.precision;
  const int rp_cmp = right.precision >= 6 ? 7 : right.precision;
  const int start = left.has_date ? 0 : 3;
  const int common = std::min(lp_cmp, rp_cmp);
  for (int i = start; i < common; ++i) {
    if (l[i] != r[i]) return l[i] < r[i] ? -1 : 1;
  }
  if (lp_cmp != rp_cmp) return std::nullopt;
  return 0;
}

std::optional<std::string> temporal_boundary(const Temporal& value, char kind, int precision,
                                             bool high) {
  Temporal t = value;
  if (t.has_date) {
    if (t.precision < 2) t.fields[1] = high ? 12 : 1;
    if (t.precision < 3)
      t.fields[2] =
          high ? days_in_month(static_cast<int>(t.fields[0]), static_cast<int>(t.fields[1])) : 1;
  }
  if (t.precision < 4) t.fields[3] = high ? 23 : 0;
  if (t.precision < 5) t.fields[4] = high ? 59 : 0;
  if (t.precision < 6) t.fields[5] = high ? 59 : 0;
  if (t.precision < 7) {
    t.fields[6] = high ? 999 : 0;
  } else if (high && t.fraction_digits < 3) {
    int span = 1;
    for (int d = t.fraction_digits; d < 3; ++d) span *= 10;
    t.fields[6] += span - 1;
  }
  std::string date = std::to_string(t.fields[0]);
  while (date.size() < 4) date.insert(0, "0");
  const std::string month = "-" + two(t.fields[1]);
  const std::string day = "-" + two(t.fields[2]);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03d", t.fields[6]);
  const std::string time_parts[] = {two(t.fields[3]), ":" + two(t.fields[4]),
                                    ":" + two(t.fields[5]), millis};
  if (kind == 'D') {
    if (precision == 0) precision = 8;
    if (precision == 4) return date;
    if (precision == 6) return date + month;
    if (precision == 8) return date + month + day;
    return std::nullopt;
  }
  if (kind == 't') {
    if (precision == 0) precision = 9;
    const int parts = precision == 2   ? 1
                      : precision == 4 ? 2
                      : precision == 6 ? 3
                      : precision == 9 ? 4
                                       : 0;
    if (parts == 0) return std::nullopt;
    std::string out;
    for (int i = 0; i < parts; ++i) out += time_parts[i];
    return out;
  }
  if (precision == 0) precision = 17;
  if (precision == 4) return date;
  if (precision == 6) return date + month;
  if (precision == 8) return date + month + day;
  const int parts = precision == 10   ? 1
                    : precision == 12 ? 2
                    : precision == 14 ? 3
                    : precision == 17 ? 4
                                      : 0;
  if (parts == 0) return std::nullopt;
  std::string out = date + month + day + "T";
  for (int i = 0; i < parts; ++i) out += time_parts[i];
  const int zone = t.offset_minutes.value_or(high ? -12 * 60 : 14 * 60);
  return out + zone_text(zone);
}

}  // namespace fos::fhirpath::detail
