// Constraint checks on OMOP CDM CSV (omop/<table>.csv): person gives sex and birth date;
// condition_occurrence and procedure_occurrence are checked for sex and age rules (by source
// value, and by concept id where a rule names one); measurement and observation for plausible
// values. OMOP rows carry no code system, so allowed systems are checked in FHIR only.
#include <charconv>

#include "core/error.hpp"
#include "validate/detail/checks.hpp"

namespace fos::validate::detail {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaleConcept = 8507;
constexpr int64_t kFemaleConcept = 8532;

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// An integer field; empty gives 0; anything else is a malformed row.
int64_t integer(const FileChecker& checker, uint64_t line, const std::vector<std::string>& row,
                size_t column, std::string_view name) {
  if (row[column].empty()) return 0;
  const auto value = parse_int(row[column]);
  if (!value) {
    checker.fail(line, std::string(name) + ": not an integer: '" + row[column] + "'");
  }
  return *value;
}

std::optional<Date> date_field(const FileChecker& checker, uint64_t line,
                               const std::vector<std::string>& row, size_t column,
                               std::string_view name) {
  if (row[column].empty()) return std::nullopt;
  const std::string_view text = row[column];
  const auto date = text.size() >= 10 ? Date::parse(text.substr(0, 10)) : std::nullopt;
  if (!date) checker.fail(line, std::string(name) + ": not a date: '" + row[column] + "'");
  return date;
}

using People = std::unordered_map<int64_t, PersonFacts>;

People read_people(const fs::path& path, const std::string& name, const synth::Constraints& rules,
                   ConstraintReport& report) {
  People people;
  FileChecker checker(rules, report, name);
  CsvRows rows(path, name);
  const size_t id = rows.column("person_id");
  const size_t gender = rows.column("gender_concept_id");
  const size_t year = rows.column("year_of_birth");
  const auto birth = rows.find_column("birth_datetime");
  std::vector<std::string> row;
  uint64_t line = 0;
  while (rows.next(row, line)) {
    ++report.rows;
    PersonFacts facts;
    const int64_t g = integer(checker, line, row, gender, "gender_concept_id");
    if (g == kMaleConcept) facts.sex = record::Sex::kMale;
    if (g == kFemaleConcept) facts.sex = record::Sex::kFemale;
    if (birth) facts.birth = date_field(checker, line, row, *birth, "birth_datetime");
    if (!facts.birth) {
      const int64_t y = integer(checker, line, row, year, "year_of_birth");
      if (y > 0) facts.birth = Date::from_civil(static_cast<int>(y), 7, 1);
    }
    people.emplace(integer(checker, line, row, id, "person_id"), facts);
  }
  return people;
}

// Sex and age rules on a table of conditions or procedures.
void check_events(const fs::path& dir, std::string_view table, std::string_view prefix,
                  std::string_view date_column, const People& people,
                  const synth::Constraints& rules, ConstraintReport& report) {
  const std::string name = "omop/" + std::string(table) + ".csv";
  if (!fs::is_regular_file(dir / name)) return;
  report.files.push_back(name);
  FileChecker checker(rules, report, name);
  CsvRows rows(dir / name, name);
  const std::string source_name = std::string(prefix) + "_source_value";
  const std::string concept_name = std::string(prefix) + "_concept_id";
  const size_t person = rows.column("person_id");
  const size_t source = rows.column(source_name);
  const size_t concept_column = rows.column(concept_name);
  const size_t date = rows.column(date_column);
  std::vector<std::string> row;
  uint64_t line = 0;
  while (rows.next(row, line)) {
    ++report.rows;
    const int64_t person_id = integer(checker, line, row, person, "person_id");
    const auto it = people.find(person_id);
    const PersonFacts* facts = it == people.end() ? nullptr : &it->second;
    const int64_t concept_id = integer(checker, line, row, concept_column, concept_name);
    const auto start = date_field(checker, line, row, date, date_column);
    const std::string& code = row[source];
    const std::string field = code.empty() || (rules.sex_rule(code) == nullptr &&
                                               rules.sex_rule_by_concept(concept_id) != nullptr)
                                  ? concept_name
                                  : source_name;
    checker.check_person_rules(line, field, code, concept_id, facts,
                               "person " + std::to_string(person_id), start);
  }
}

// Plausible values in measurement or observation.
void check_values(const fs::path& dir, std::string_view table, std::string_view prefix,
                  const synth::Constraints& rules, ConstraintReport& report) {
  const std::string name = "omop/" + std::string(table) + ".csv";
  if (!fs::is_regular_file(dir / name)) return;
  report.files.push_back(name);
  FileChecker checker(rules, report, name);
  CsvRows rows(dir / name, name);
  const size_t source = rows.column(std::string(prefix) + "_source_value");
  const size_t value = rows.column("value_as_number");
  const size_t unit = rows.column("unit_source_value");
  std::vector<std::string> row;
  uint64_t line = 0;
  while (rows.next(row, line)) {
    ++report.rows;
    if (row[value].empty()) continue;
    const auto number = parse_double(row[value]);
    if (!number) checker.fail(line, "value_as_number: not a number: '" + row[value] + "'");
    checker.check_value(line, "value_as_number", row[source], row[unit], *number);
  }
}

}  // namespace

void check_omop(const fs::path& dir, const synth::Constraints& rules, ConstraintReport& report) {
  People people;
  if (fs::is_regular_file(dir / "omop/person.csv")) {
    report.files.emplace_back("omop/person.csv");
    people = read_people(dir / "omop/person.csv", "omop/person.csv", rules, report);
  }
  check_events(dir, "condition_occurrence", "condition", "condition_start_date", people, rules,
               report);
  check_values(dir, "measurement", "measurement", rules, report);
  check_values(dir, "observation", "observation", rules, report);
  check_events(dir, "procedure_occurrence", "procedure", "procedure_date", people, rules, report);
}

}  // namespace fos::validate::detail
