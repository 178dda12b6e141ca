// check_constraints: which files of a fos output folder are read, the rule messages, and the
// CSV row reader.
#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "validate/detail/checks.hpp"

namespace fos::validate {
namespace detail {
namespace {

std::string_view sex_name(record::Sex sex) {
  return sex == record::Sex::kMale ? "male" : "female";
}

std::string label(std::string_view code, std::string_view display) {
  std::string text = "'" + std::string(code) + "'";
  if (!display.empty()) text += " (" + std::string(display) + ")";
  return text;
}

}  // namespace

void FileChecker::add(uint64_t line, const std::string& field, std::string rule) {
  report_.violations.push_back(Violation{file_, line, field, std::move(rule)});
}

void FileChecker::fail(uint64_t line, const std::string& message) const {
  fos::fail(ErrorKind::kInvalidInput, file_ + ": line " + std::to_string(line) + ": " + message);
}

void FileChecker::check_person_rules(uint64_t line, const std::string& field, std::string_view code,
                                     int64_t concept_id, const PersonFacts* person,
                                     std::string_view person_label, std::optional<Date> start) {
  if (person == nullptr) return;
  const synth::SexRule* sex = rules_.sex_rule(code);
  if (sex == nullptr && concept_id != 0) sex = rules_.sex_rule_by_concept(concept_id);
  if (sex != nullptr && person->sex && *person->sex != sex->sex) {
    add(line, field,
        fmt::format("sex: {} is {}-only; {} is {}", label(sex->code, sex->display),
                    sex_name(sex->sex), person_label, sex_name(*person->sex)));
  }
  const synth::AgeRule* age = rules_.age_rule(code);
  if (age == nullptr || !start || !person->birth) return;
  const int years = age_in_years(*person->birth, *start);
  if (years < age->min_age || years > age->max_age) {
    add(line, field,
        fmt::format("age: {} at age {} ({} born {}), allowed {}-{}", label(age->code, age->display),
                    years, person_label, person->birth->iso(), age->min_age, age->max_age));
  }
}

void FileChecker::check_value(uint64_t line, const std::string& field, std::string_view code,
                              std::string_view unit, double value) {
  const synth::ValueRule* rule = rules_.value_rule(code, unit);
  if (rule == nullptr || (value >= rule->low && value <= rule->high)) return;
  add(line, field,
      fmt::format("value: {} {} for {} outside the plausible {}-{} ({})", value, unit,
                  label(rule->code, rule->display), rule->low, rule->high, rule->source));
}

void FileChecker::check_system(uint64_t line, const std::string& field, std::string_view kind,
                               std::string_view url) {
  const auto* allowed = rules_.allowed_systems(kind);
  if (allowed == nullptr) return;
  const auto name = rules_.system_for_url(url);
  if (name && std::find(allowed->begin(), allowed->end(), *name) != allowed->end()) return;
  add(line, field,
      fmt::format("code system: '{}' is not allowed for {} (allowed: {})", url, kind,
                  fmt::join(*allowed, ", ")));
}

CsvRows::CsvRows(const std::filesystem::path& path, std::string name)
    : in_(path, std::ios::binary), name_(std::move(name)) {
  if (!in_) fail(ErrorKind::kIo, name_ + ": cannot be read");
  uint64_t line = 0;
  if (!next(header_, line)) fail(ErrorKind::kInvalidInput, name_ + ": line 1: no header row");
}

bool CsvRows::next(std::vector<std::string>& row, uint64_t& line) {
  std::string text;
  if (!std::getline(in_, text)) return false;
  line = ++line_;
  row.clear();
  std::string field;
  bool quoted = false;
  for (size_t i = 0;; ++i) {
    if (i == text.size()) {
      if (!quoted) break;
      std::string more;  // a quoted field spans a line break
      if (!std::getline(in_, more)) {
        fail(ErrorKind::kInvalidInput,
             name_ + ": line " + std::to_string(line) + ": unterminated quoted field");
      }
      ++line_;
      text += '\n';
      text += more;
    }
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  row.push_back(std::move(field));
  if (!header_.empty() && row.size() != header_.size()) {
    fail(ErrorKind::kInvalidInput, fmt::format("{}: line {}: {} fields, the header has {}", name_,
                                               line, row.size(), header_.size()));
  }
  return true;
}

std::optional<size_t> CsvRows::find_column(std::string_view name) const {
  const auto it = std::find(header_.begin(), header_.end(), name);
  if (it == header_.end()) return std::nullopt;
  return static_cast<size_t>(it - header_.begin());
}

size_t CsvRows::column(std::string_view name) const {
  if (auto i = find_column(name)) return *i;
  fail(ErrorKind::kInvalidInput, name_ + ": line 1: missing column '" + std::string(name) + "'");
}

}  // namespace detail

std::string to_string(const Violation& v) {
  return fmt::format("{}:{}: {}: {}", v.file, v.line, v.field, v.rule);
}

ConstraintReport check_constraints(const std::filesystem::path& dir,
                                   const synth::Constraints& rules) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    fail(ErrorKind::kInvalidInput, dir.string() + ": not a folder");
  }
  ConstraintReport report;
  detail::check_fhir(dir, rules, report);
  detail::check_omop(dir, rules, report);
  if (report.files.empty()) {
    fail(ErrorKind::kInvalidInput,
         dir.string() + ": no fos output to check (fhir/*.ndjson or omop/*.csv)");
  }
  return report;
}

}  // namespace fos::validate
