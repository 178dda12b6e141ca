// Civil-calendar arithmetic (days from/to year-month-day) and ISO 8601 formatting.
#include "core/date.hpp"

#include <array>
#include <charconv>
#include <cstring>

#include "core/error.hpp"

namespace fos {
namespace {

// Days from 1970-01-01 to y-m-d, using 400-year eras of 146097 days whose years
// start in March, so the leap day falls at the end of the year.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(y - era * 400);
  const unsigned month_from_march = m > 2 ? m - 3 : m + 9;
  const unsigned day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(z - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned d = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(year_of_era) + era * 400 + (m <= 2 ? 1 : 0);
  return CivilDate{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

void append_digits(std::string& out, int value, int width) {
  char buf[16];
  int n = 0;
  bool negative = value < 0;
  unsigned v = negative ? static_cast<unsigned>(-value) : static_cast<unsigned>(value);
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < width) buf[n++] = '0';
  if (negative) out.push_back('-');
  while (n > 0) out.push_back(buf[--n]);
}

// "00".."99" back to back: two digits of a value below 100 with one copy.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (size_t i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[(2 * i) + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

char* put_pair(char* out, int value) {
  std::memcpy(out, &kDigitPairs[2 * static_cast<size_t>(value)], 2);
  return out + 2;
}

// "YYYY-MM-DD" into `out` (10 bytes). REQUIRES: 0 <= year <= 9999.
char* put_iso_date(char* out, const CivilDate& c) {
  out = put_pair(out, c.year / 100);
  out = put_pair(out, c.year % 100);
  *out++ = '-';
  out = put_pair(out, c.month);
  *out++ = '-';
  return put_pair(out, c.day);
}

bool four_digit_year(const CivilDate& c) {
  return c.year >= 0 && c.year <= 9999;
}

std::optional<int> parse_fixed(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

bool is_valid_civil(int year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

Date Date::from_civil(int year, int month, int day) {
  FOS_ASSERT(is_valid_civil(year, month, day));
  return Date(static_cast<int32_t>(
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day))));
}

std::optional<Date> Date::parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = parse_fixed(text, 0, 4);
  auto m = parse_fixed(text, 5, 2);
  auto d = parse_fixed(text, 8, 2);
  if (!y || !m || !d || !is_valid_civil(*y, *m, *d)) return std::nullopt;
  return from_civil(*y, *m, *d);
}

CivilDate Date::civil() const {
  return civil_from_days(days_);
}

Date Date::plus_months(int n) const {
  const CivilDate c = civil();
  const int total = c.year * 12 + (c.month - 1) + n;
  const int year = total >= 0 ? total / 12 : (total - 11) / 12;
  const int month = total - year * 12 + 1;
  const int day = std::min(c.day, days_in_month(year, month));
  return from_civil(year, month, day);
}

std::string Date::iso() const {
  std::string out;
  append_iso(out);
  return out;
}

void Date::append_iso(std::string& out) const {
  const CivilDate c = civil();
  if (four_digit_year(c)) {
    char buf[10];
    out.append(buf, put_iso_date(buf, c));
    return;
  }
  append_digits(out, c.year, 4);
  out.push_back('-');
  append_digits(out, c.month, 2);
  out.push_back('-');
  append_digits(out, c.day, 2);
}

std::string Date::compact() const {
  const CivilDate c = civil();
  std::string out;
  append_digits(out, c.year, 4);
  append_digits(out, c.month, 2);
  append_digits(out, c.day, 2);
  return out;
}

int age_in_years(Date birth, Date on) {
  const CivilDate b = birth.civil();
  const CivilDate o = on.civil();
  int years = o.year - b.year;
  if (o.month < b.month || (o.month == b.month && o.day < b.day)) --years;
  return years;
}

int age_in_months(Date birth, Date on) {
  const CivilDate b = birth.civil();
  const CivilDate o = on.civil();
  int months = (o.year - b.year) * 12 + (o.month - b.month);
  if (o.day < b.day) --months;
  return months;
}

Instant Instant::at(Date date, int hour, int minute, int second) {
  return Instant(static_cast<int64_t>(date.days()) * kSecondsPerDay + int64_t{hour} * 3600 +
                 int64_t{minute} * 60 + second);
}

std::optional<Instant> Instant::parse(std::string_view text) {
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  auto date = Date::parse(text.substr(0, 10));
  auto h = parse_fixed(text, 11, 2);
  auto mi = parse_fixed(text, 14, 2);
  auto s = parse_fixed(text, 17, 2);
  if (!date || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {  // fractional seconds: ignored
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  }
  int64_t offset = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') &&
             text[pos + 3] == ':') {
    auto oh = parse_fixed(text, pos + 1, 2);
    auto om = parse_fixed(text, pos + 4, 2);
    if (!oh || !om) return std::nullopt;
    offset = (int64_t{*oh} * 3600 + int64_t{*om} * 60) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  return Instant(at(*date, *h, *mi, *s).seconds() - offset);
}

Date Instant::date() const {
  int64_t days = seconds_ / kSecondsPerDay;
  if (seconds_ % kSecondsPerDay < 0) --days;
  return Date(static_cast<int32_t>(days));
}

int Instant::seconds_of_day() const {
  int64_t r = seconds_ % kSecondsPerDay;
  if (r < 0) r += kSecondsPerDay;
  return static_cast<int>(r);
}

std::string Instant::iso() const {
  std::string out;
  append_iso(out);
  return out;
}

namespace {

// "<date><separator>HH:MM:SS<suffix>".
void append_date_time(std::string& out, const Instant& t, char separator, std::string_view suffix) {
  const CivilDate c = t.date().civil();
  const int sod = t.seconds_of_day();
  if (four_digit_year(c)) {
    char buf[19];
    char* p = put_iso_date(buf, c);
    *p++ = separator;
    p = put_pair(p, sod / 3600);
    *p++ = ':';
    p = put_pair(p, sod / 60 % 60);
    *p++ = ':';
    p = put_pair(p, sod % 60);
    out.append(buf, p);
    out.append(suffix);
    return;
  }
  t.date().append_iso(out);
  out.push_back(separator);
  append_digits(out, sod / 3600, 2);
  out.push_back(':');
  append_digits(out, sod / 60 % 60, 2);
  out.push_back(':');
  append_digits(out, sod % 60, 2);
  out.append(suffix);
}

}  // namespace

void Instant::append_iso(std::string& out) const {
  append_date_time(out, *this, 'T', "Z");
}

void Instant::append_sql(std::string& out) const {
  append_date_time(out, *this, ' ', "");
}

}  // namespace fos
