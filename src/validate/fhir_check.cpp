// Constraint checks on FHIR R4 NDJSON (fhir/<Type>.ndjson): Patient gives sex and birth date;
// Condition, Procedure, Observation, MedicationRequest and Immunization are checked.
#include <simdjson.h>

#include <fstream>

#include "validate/detail/checks.hpp"

namespace fos::validate::detail {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::element;

// What to read from one resource type: the CodeableConcept, the patient reference, the start.
struct TypeSpec {
  std::string_view type;
  std::string_view code_field;
  std::string_view patient_field;
  std::vector<std::string_view> start_fields;  ///< "onsetDateTime", "performedPeriod.start"
};

const std::vector<TypeSpec>& specs() {
  static const std::vector<TypeSpec> kSpecs = {
      {"Condition", "code", "subject", {"onsetDateTime"}},
      {"Immunization", "vaccineCode", "patient", {}},
      {"MedicationRequest", "medicationCodeableConcept", "subject", {}},
      {"Observation", "code", "subject", {}},
      {"Procedure", "code", "subject", {"performedDateTime", "performedPeriod.start"}},
  };
  return kSpecs;
}

std::optional<element> child(element e, std::string_view key) {
  element out;
  if (e.at_key(key).get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

std::optional<std::string_view> text(element e, std::string_view key) {
  std::string_view out;
  if (e.at_key(key).get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

// A dotted path of object keys ("performedPeriod.start") to a string.
std::optional<std::string_view> text_at(element e, std::string_view path) {
  for (;;) {
    const size_t dot = path.find('.');
    if (dot == std::string_view::npos) return text(e, path);
    const auto next = child(e, path.substr(0, dot));
    if (!next) return std::nullopt;
    e = *next;
    path.remove_prefix(dot + 1);
  }
}

std::optional<Date> date_of(std::string_view value) {
  if (value.size() < 10) return std::nullopt;
  return Date::parse(value.substr(0, 10));
}

struct Line {
  uint64_t number = 0;
  element resource;
};

// Calls `fn(Line)` for each non-blank line of an NDJSON file, parsed.
template <typename Fn>
void for_each_line(const fs::path& path, FileChecker& checker, ConstraintReport& report, Fn fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) checker.fail(0, "cannot be read");
  simdjson::dom::parser parser;
  std::string text_line;
  uint64_t number = 0;
  while (std::getline(in, text_line)) {
    ++number;
    if (text_line.find_first_not_of(" \t\r") == std::string::npos) continue;
    element resource;
    if (const auto error = parser.parse(text_line).get(resource); error) {
      checker.fail(number, std::string("invalid JSON: ") + simdjson::error_message(error));
    }
    if (!resource.is_object()) checker.fail(number, "not a JSON object");
    ++report.rows;
    fn(Line{number, resource});
  }
}

using People = std::unordered_map<std::string, PersonFacts>;

People read_patients(const fs::path& path, const std::string& name, const synth::Constraints& rules,
                     ConstraintReport& report) {
  People people;
  FileChecker checker(rules, report, name);
  for_each_line(path, checker, report, [&](const Line& line) {
    const auto id = text(line.resource, "id");
    if (!id) checker.fail(line.number, "id: missing");
    PersonFacts facts;
    if (const auto gender = text(line.resource, "gender")) {
      if (*gender == "male") facts.sex = record::Sex::kMale;
      if (*gender == "female") facts.sex = record::Sex::kFemale;
    }
    if (const auto birth = text(line.resource, "birthDate")) {
      facts.birth = date_of(*birth);
      if (!facts.birth)
        checker.fail(line.number, "birthDate: not a date: '" + std::string(*birth) + "'");
    }
    people.emplace(std::string(*id), facts);
  });
  return people;
}

void check_resource(const TypeSpec& spec, const Line& line, const People& people,
                    FileChecker& checker) {
  const auto resource_type = text(line.resource, "resourceType");
  if (!resource_type || *resource_type != spec.type) {
    checker.fail(line.number, "resourceType: expected '" + std::string(spec.type) + "'");
  }
  const PersonFacts* person = nullptr;
  std::string person_label = "patient";
  if (const auto ref = text_at(line.resource, std::string(spec.patient_field) + ".reference")) {
    std::string_view id = *ref;
    if (id.starts_with("Patient/")) id.remove_prefix(8);
    if (id.starts_with("urn:uuid:")) id.remove_prefix(9);
    if (const auto it = people.find(std::string(id)); it != people.end()) person = &it->second;
    person_label = "patient '" + std::string(id) + "'";
  }
  std::optional<Date> start;
  for (const auto field : spec.start_fields) {
    if (const auto value = text_at(line.resource, field)) start = date_of(*value);
  }
  const auto concept_element = child(line.resource, spec.code_field);
  if (!concept_element) return;
  simdjson::dom::array codings;
  if (concept_element->at_key("coding").get(codings) != simdjson::SUCCESS) return;
  size_t i = 0;
  std::string first_code;
  for (const element coding : codings) {
    const std::string base = std::string(spec.code_field) + ".coding[" + std::to_string(i++) + "]";
    const auto code = text(coding, "code").value_or("");
    if (first_code.empty()) first_code = code;
    checker.check_system(line.number, base + ".system", spec.type,
                         text(coding, "system").value_or(""));
    checker.check_person_rules(line.number, base + ".code", code, 0, person, person_label, start);
  }
  if (spec.type != "Observation") return;
  // Values: valueQuantity and each component's.
  const auto check_quantity = [&](element holder, std::string_view code, const std::string& field) {
    const auto quantity = child(holder, "valueQuantity");
    if (!quantity) return;
    double value = 0;
    if (quantity->at_key("value").get(value) != simdjson::SUCCESS) return;
    const auto unit = text(*quantity, "code").value_or(text(*quantity, "unit").value_or(""));
    checker.check_value(line.number, field, code, unit, value);
  };
  check_quantity(line.resource, first_code, "valueQuantity.value");
  simdjson::dom::array components;
  if (line.resource.at_key("component").get(components) != simdjson::SUCCESS) return;
  size_t c = 0;
  for (const element component : components) {
    const std::string field = "component[" + std::to_string(c++) + "].valueQuantity.value";
    std::string_view comp_code;
    if (component.at_pointer("/code/coding/0/code").get(comp_code) != simdjson::SUCCESS) continue;
    check_quantity(component, comp_code, field);
  }
}

}  // namespace

void check_fhir(const fs::path& dir, const synth::Constraints& rules, ConstraintReport& report) {
  const fs::path fhir = dir / "fhir";
  People people;
  const fs::path patients = fhir / "Patient.ndjson";
  if (fs::is_regular_file(patients)) {
    report.files.emplace_back("fhir/Patient.ndjson");
    people = read_patients(patients, "fhir/Patient.ndjson", rules, report);
  }
  for (const TypeSpec& spec : specs()) {
    const std::string name = "fhir/" + std::string(spec.type) + ".ndjson";
    const fs::path path = dir / name;
    if (!fs::is_regular_file(path)) continue;
    report.files.push_back(name);
    FileChecker checker(rules, report, name);
    for_each_line(path, checker, report,
                  [&](const Line& line) { check_resource(spec, line, people, checker); });
  }
}

}  // namespace fos::validate::detail
