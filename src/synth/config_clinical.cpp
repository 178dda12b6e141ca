// Parsers of mortality.yaml, immunizations.yaml, wellness.yaml and vitals.yaml.
#include "synth/detail/config_parse.hpp"

namespace fos::synth::detail {
namespace {

// A fixed-length row of numbers ("[age, a, b, ...]").
std::vector<double> parse_row(const YamlFile& file, const YAML::Node& node, std::string_view what,
                              size_t columns) {
  const auto items = sequence(file, node, what);
  if (items.size() != columns) {
    file.fail_at(node.Mark(), "each row of '" + std::string(what) + "' must hold " +
                                  std::to_string(columns) + " numbers");
  }
  std::vector<double> row;
  row.reserve(items.size());
  for (const YAML::Node& item : items) row.push_back(scalar_number(file, item, what));
  return row;
}

// [age, male median, male sd, female median, female sd] rows, ages ascending.
AgeCurve parse_curve(const YamlFile& file, const MapReader& map, std::string_view key,
                     bool positive_median) {
  std::vector<AgeCurve::Row> rows;
  for (const YAML::Node& item : sequence(file, map.required(key), key)) {
    const auto v = parse_row(file, item, key, 5);
    AgeCurve::Row row;
    row.age = v[0];
    // Indexed by record::Sex: kFemale = 0, kMale = 1.
    row.median = {v[3], v[1]};
    row.sd = {v[4], v[2]};
    if (!rows.empty() && row.age <= rows.back().age) {
      file.fail_at(item.Mark(), "ages in '" + std::string(key) + "' must increase");
    }
    if (row.age < 0 || row.sd[0] < 0 || row.sd[1] < 0) {
      file.fail_at(item.Mark(), "ages and SDs in '" + std::string(key) + "' must not be negative");
    }
    if (positive_median && (row.median[0] <= 0 || row.median[1] <= 0)) {
      file.fail_at(item.Mark(), "medians in '" + std::string(key) + "' must be positive");
    }
    rows.push_back(row);
  }
  if (rows.empty()) map.fail(key, "'" + std::string(key) + "' needs at least one row");
  return AgeCurve(std::move(rows));
}

// A [low, high] pair of whole numbers with low <= high.
std::pair<int, int> parse_range(const MapReader& map, std::string_view key) {
  const auto values = map.integers(key);
  if (values.size() != 2 || values[0] > values[1]) {
    map.fail(key, "'" + std::string(key) + "' must be [low, high] with low <= high");
  }
  return {values[0], values[1]};
}

VaccineSchedule parse_vaccine(const YamlFile& file, const YAML::Node& node) {
  MapReader map(
      file, node, "vaccines",
      {"cvx", "display", "months", "years", "every_years", "seasonal", "from_year", "until_year"});
  VaccineSchedule v;
  v.cvx = map.text("cvx");
  v.display = map.text("display");
  if (map.has("months") == map.has("years")) {
    file.fail_at(node.Mark(), "vaccine '" + v.cvx + "' needs exactly one of 'months' or 'years'");
  }
  const char* key = map.has("months") ? "months" : "years";
  for (int age : map.integers(key)) v.due_months.push_back(map.has("months") ? age : 12 * age);
  if (v.due_months.empty()) map.fail(key, "'" + std::string(key) + "' needs at least one age");
  for (size_t i = 0; i < v.due_months.size(); ++i) {
    if (v.due_months[i] < 0 || (i > 0 && v.due_months[i] <= v.due_months[i - 1])) {
      map.fail(key, "'" + std::string(key) + "' must be ascending ages of 0 or more");
    }
  }
  v.every_years = map.integer_or("every_years", 0);
  if (v.every_years < 0) map.fail("every_years", "'every_years' must not be negative");
  v.seasonal = map.flag_or("seasonal", false);
  if (v.seasonal && (v.due_months.size() != 1 || v.every_years != 0)) {
    map.fail("seasonal", "a seasonal vaccine takes one starting age and no 'every_years'");
  }
  if (map.has("from_year")) v.from_year = map.integer("from_year");
  if (map.has("until_year")) v.until_year = map.integer("until_year");
  if (v.from_year && v.until_year && *v.until_year < *v.from_year) {
    map.fail("until_year", "'until_year' must not be before 'from_year'");
  }
  return v;
}

}  // namespace

Mortality parse_mortality(const YamlFile& file) {
  MapReader root(file, file.root(), "mortality", {"max_age", "qx"});
  Mortality m;
  m.max_age = root.integer("max_age");
  if (m.max_age < 1 || m.max_age > 130) root.fail("max_age", "'max_age' must be in [1, 130]");
  std::vector<std::vector<double>> rows;
  for (const YAML::Node& item : sequence(file, root.required("qx"), "qx")) {
    auto row = parse_row(file, item, "qx", 3);
    const double expected_first = rows.empty() ? 0 : rows.back()[0] + 1;
    if (row[0] != static_cast<int>(row[0]) || row[0] < expected_first || row[0] >= m.max_age) {
      file.fail_at(item.Mark(), rows.empty() ? "the first row of 'qx' must be age 0"
                                             : "ages in 'qx' must be whole and increasing, "
                                               "below 'max_age'");
    }
    if (rows.empty() && row[0] != 0)
      file.fail_at(item.Mark(), "the first row of 'qx' must be age 0");
    if (row[1] < 0 || row[1] > 1 || row[2] < 0 || row[2] > 1) {
      file.fail_at(item.Mark(), "probabilities in 'qx' must be between 0 and 1");
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) root.fail("qx", "'qx' needs at least one row");
  size_t r = 0;
  for (int age = 0; age < m.max_age; ++age) {
    while (r + 1 < rows.size() && rows[r + 1][0] <= age) ++r;
    m.male_qx.push_back(rows[r][1]);
    m.female_qx.push_back(rows[r][2]);
  }
  return m;
}

std::vector<VaccineSchedule> parse_immunizations(const YamlFile& file) {
  MapReader root(file, file.root(), "immunizations", {"vaccines"});
  std::vector<VaccineSchedule> out;
  for (const YAML::Node& item : sequence(file, root.required("vaccines"), "vaccines")) {
    out.push_back(parse_vaccine(file, item));
  }
  return out;
}

WellnessSchedule parse_wellness(const YamlFile& file) {
  MapReader root(
      file, file.root(), "wellness",
      {"child_visits_months", "newborn_visit_days", "periods", "visit_minutes", "opening_hours"});
  WellnessSchedule w;
  w.child_visit_months = root.integers("child_visits_months");
  for (size_t i = 0; i < w.child_visit_months.size(); ++i) {
    if (w.child_visit_months[i] < 0 ||
        (i > 0 && w.child_visit_months[i] <= w.child_visit_months[i - 1])) {
      root.fail("child_visits_months", "'child_visits_months' must be ascending ages >= 0");
    }
  }
  std::tie(w.newborn_min_day, w.newborn_max_day) = parse_range(root, "newborn_visit_days");
  if (w.newborn_min_day < 1) root.fail("newborn_visit_days", "'newborn_visit_days' must be >= 1");
  int previous_to = -1;
  for (const YAML::Node& item : sequence(file, root.required("periods"), "periods")) {
    MapReader map(file, item, "periods", {"from", "to", "every_years"});
    VisitPeriod p{map.integer("from"), map.integer("to"), map.integer("every_years")};
    if (p.from_age <= previous_to || p.to_age < p.from_age) {
      map.fail("from", "periods must be ordered, not overlapping, with 'from' <= 'to'");
    }
    if (p.every_years < 1) map.fail("every_years", "'every_years' must be at least 1");
    previous_to = p.to_age;
    w.periods.push_back(p);
  }
  if (!w.periods.empty() && !w.child_visit_months.empty() &&
      w.periods.front().from_age * 12 <= w.child_visit_months.back()) {
    root.fail("periods", "the first period must start after the last child visit");
  }
  std::tie(w.min_minutes, w.max_minutes) = parse_range(root, "visit_minutes");
  if (w.min_minutes < 1 || w.max_minutes > 600) {
    root.fail("visit_minutes", "'visit_minutes' must be within [1, 600]");
  }
  std::tie(w.open_hour, w.close_hour) = parse_range(root, "opening_hours");
  if (w.open_hour < 0 || w.close_hour > 23 || w.open_hour == w.close_hour) {
    root.fail("opening_hours", "'opening_hours' must be two different hours in [0, 23]");
  }
  return w;
}

VitalsConfig parse_vitals(const YamlFile& file) {
  MapReader root(
      file, file.root(), "vitals",
      {"height_cm", "bmi", "bmi_z_memory_years", "head_circumference_cm", "systolic_mmhg",
       "diastolic_mmhg", "bp_visit_sd", "heart_rate", "respiratory_rate", "temperature"});
  VitalsConfig v;
  v.height_cm = parse_curve(file, root, "height_cm", true);
  v.bmi = parse_curve(file, root, "bmi", true);
  v.bmi_z_memory_years = root.number("bmi_z_memory_years");
  if (v.bmi_z_memory_years <= 0) {
    root.fail("bmi_z_memory_years", "'bmi_z_memory_years' must be positive");
  }
  v.head_circumference_cm = parse_curve(file, root, "head_circumference_cm", true);
  v.systolic_mmhg = parse_curve(file, root, "systolic_mmhg", true);
  v.diastolic_mmhg = parse_curve(file, root, "diastolic_mmhg", true);
  const auto bp_sd = root.numbers("bp_visit_sd");
  if (bp_sd.size() != 2 || bp_sd[0] < 0 || bp_sd[1] < 0) {
    root.fail("bp_visit_sd", "'bp_visit_sd' must be [systolic SD, diastolic SD], not negative");
  }
  v.systolic_visit_sd = bp_sd[0];
  v.diastolic_visit_sd = bp_sd[1];
  v.heart_rate = parse_curve(file, root, "heart_rate", true);
  v.respiratory_rate = parse_curve(file, root, "respiratory_rate", true);
  MapReader t(file, root.required("temperature"), "temperature", {"mean", "sd", "min", "max"});
  v.temperature_mean = t.number("mean");
  v.temperature_sd = t.weight("sd");
  v.temperature_min = t.number("min");
  v.temperature_max = t.number("max");
  if (v.temperature_min > v.temperature_max) t.fail("max", "'max' must not be below 'min'");
  return v;
}

}  // namespace fos::synth::detail
