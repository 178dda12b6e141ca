// Date (a civil day) and Instant (a UTC second), with ISO 8601 text forms.
//
// Both are small values on the proleptic Gregorian calendar, counted from
// 1970-01-01 (negative before). Arithmetic in days and seconds is exact; adding
// months or years clamps the day to the end of the target month (Jan 31 + 1
// month = Feb 28/29).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fos {

struct CivilDate {
  int year = 1970;
  int month = 1;  ///< 1..12
  int day = 1;    ///< 1..31
};

class Date {
 public:
  constexpr Date() = default;
  constexpr explicit Date(int32_t days_since_epoch) : days_(days_since_epoch) {}
  /// REQUIRES: a valid civil date (see is_valid_civil).
  static Date from_civil(int year, int month, int day);
  /// Parse "YYYY-MM-DD"; nullopt when malformed or not a real day (2021-02-30).
  static std::optional<Date> parse(std::string_view text);

  int32_t days() const { return days_; }
  CivilDate civil() const;
  int year() const { return civil().year; }

  Date plus_days(int32_t n) const { return Date(days_ + n); }
  Date plus_months(int n) const;
  Date plus_years(int n) const { return plus_months(12 * n); }

  /// "YYYY-MM-DD".
  std::string iso() const;
  /// Append "YYYY-MM-DD" to out (no allocation when out has capacity).
  void append_iso(std::string& out) const;
  /// "YYYYMMDD", as Athena vocabulary files write dates.
  std::string compact() const;

  auto operator<=>(const Date&) const = default;

 private:
  int32_t days_ = 0;
};

/// Whole years from `birth` to `on` (the age on that day).
int age_in_years(Date birth, Date on);
/// Whole months from `birth` to `on`.
int age_in_months(Date birth, Date on);
bool is_leap_year(int year);
int days_in_month(int year, int month);
bool is_valid_civil(int year, int month, int day);

class Instant {
 public:
  static constexpr int64_t kSecondsPerDay = 86400;

  constexpr Instant() = default;
  constexpr explicit Instant(int64_t seconds_since_epoch) : seconds_(seconds_since_epoch) {}
  static Instant at(Date date, int hour = 0, int minute = 0, int second = 0);
  /// Parse "YYYY-MM-DDTHH:MM:SSZ" or with a "+HH:MM"/"-HH:MM" offset; nullopt when malformed.
  static std::optional<Instant> parse(std::string_view text);

  int64_t seconds() const { return seconds_; }
  Date date() const;
  int seconds_of_day() const;

  Instant plus_seconds(int64_t n) const { return Instant(seconds_ + n); }
  Instant plus_minutes(int64_t n) const { return Instant(seconds_ + 60 * n); }
  Instant plus_days(int64_t n) const { return Instant(seconds_ + kSecondsPerDay * n); }

  /// "YYYY-MM-DDTHH:MM:SSZ" (UTC).
  std::string iso() const;
  void append_iso(std::string& out) const;
  /// "YYYY-MM-DD HH:MM:SS" as SQL timestamps are written.
  void append_sql(std::string& out) const;

  auto operator<=>(const Instant&) const = default;

 private:
  int64_t seconds_ = 0;
};

}  // namespace fos
