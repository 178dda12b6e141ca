// Partial dates, date-times and times: parsing with precision, comparison, boundaries.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace fos::fhirpath::detail {

struct Temporal {
  bool has_date = false;
  bool has_time = false;
  // year, month, day, hour, minute, second, millisecond; `precision` counts the fields given.
  std::array<int, 7> fields{};
  int precision = 0;        // 1..7 over the fields above (time-only values start at hour = 4)
  int fraction_digits = 0;  // digits written after the seconds' point
  std::optional<int> offset_minutes;  // time zone, when written
};

/// Parse "2014", "2014-05", "2014-05-06", "2014-05-06T10:20:30.123+02:00", "10:20", "T10:20".
std::optional<Temporal> parse_temporal(std::string_view text);

/// Compare at the common precision; nullopt when the precisions differ and the
/// shared part is equal (the FHIRPath "unknown" case).
std::optional<int> compare_temporal(const Temporal& left, const Temporal& right);

/// Boundaries as text: kind 'D' date, 'T' dateTime, 't' time; precision in digits as in
/// FHIRPath (date 4/6/8, dateTime 4..17, time 2..9), 0 for the default.
std::optional<std::string> temporal_boundary(const Temporal& value, char kind, int precision,
                                             bool high);

}  // namespace fos::fhirpath::detail
