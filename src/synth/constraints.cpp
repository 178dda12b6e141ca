// Constraints: parsing config/constraints.yaml and applying its rules to a generated record.
#include "synth/constraints.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/error.hpp"
#include "core/output.hpp"
#include "synth/config.hpp"
#include "synth/detail/yaml_reader.hpp"

namespace fos::synth {
namespace {

using detail::MapReader;
using detail::YamlFile;

record::Sex parse_sex(const MapReader& map) {
  const std::string s = map.text("sex");
  if (s == "female") return record::Sex::kFemale;
  if (s == "male") return record::Sex::kMale;
  map.fail("sex", "'sex' must be female or male, not '" + s + "'");
}

// The code of a rule: a non-empty string, unique within its list.
std::string rule_code(const MapReader& map, CodeIndex& index, size_t position) {
  std::string code = map.text("code");
  if (code.empty()) map.fail("code", "'code' must not be empty");
  if (!index.emplace(code, position).second) map.fail("code", "duplicate code '" + code + "'");
  return code;
}

std::string_view system_name(record::CodeSystem system) {
  return record::to_string(system);
}

}  // namespace

ConstraintCounts& ConstraintCounts::operator+=(const ConstraintCounts& o) {
  suppressed_sex += o.suppressed_sex;
  suppressed_age += o.suppressed_age;
  clamped_values += o.clamped_values;
  dropped_system += o.dropped_system;
  return *this;
}

Constraints Constraints::builtin() {
  return parse(SynthConfig::builtin_text("constraints.yaml"), "config/constraints.yaml");
}

Constraints Constraints::load(const std::filesystem::path& file) {
  return parse(read_file(file), file.string());
}

Constraints Constraints::parse(std::string_view text, const std::string& file_name) {
  const YamlFile file(file_name, text);
  const MapReader top(file, file.root(), "constraints",
                      {"sex_specific", "age_ranges", "value_ranges", "code_systems"});
  Constraints c;
  if (top.has("sex_specific")) {
    for (const auto& node : detail::sequence(file, top.required("sex_specific"), "sex_specific")) {
      const MapReader m(file, node, "sex_specific", {"code", "display", "sex", "concept_id"});
      SexRule r;
      r.code = rule_code(m, c.sex_by_code_, c.sex_.size());
      r.display = m.has("display") ? m.text("display") : std::string();
      r.sex = parse_sex(m);
      r.concept_id = m.integer_or("concept_id", 0);
      if (r.concept_id != 0) c.sex_by_concept_.emplace(r.concept_id, c.sex_.size());
      c.sex_.push_back(std::move(r));
    }
  }
  if (top.has("age_ranges")) {
    for (const auto& node : detail::sequence(file, top.required("age_ranges"), "age_ranges")) {
      const MapReader m(file, node, "age_ranges", {"code", "display", "min", "max"});
      AgeRule r;
      r.code = rule_code(m, c.age_by_code_, c.age_.size());
      r.display = m.has("display") ? m.text("display") : std::string();
      r.min_age = m.integer("min");
      r.max_age = m.integer("max");
      if (r.min_age < 0 || r.max_age < r.min_age) m.fail("max", "need 0 <= min <= max");
      c.age_.push_back(std::move(r));
    }
  }
  if (top.has("value_ranges")) {
    for (const auto& node : detail::sequence(file, top.required("value_ranges"), "value_ranges")) {
      const MapReader m(file, node, "value_ranges",
                        {"code", "display", "unit", "low", "high", "source"});
      ValueRule r;
      r.code = rule_code(m, c.value_by_code_, c.value_.size());
      r.display = m.has("display") ? m.text("display") : std::string();
      r.unit = m.text("unit");
      r.low = m.number("low");
      r.high = m.number("high");
      r.source = m.has("source") ? m.text("source") : std::string();
      if (r.high < r.low) m.fail("high", "'high' must not be below 'low'");
      c.value_.push_back(std::move(r));
    }
  }
  if (top.has("code_systems")) {
    const MapReader m(file, top.required("code_systems"), "code_systems", {"allowed", "urls"});
    if (m.has("allowed")) {
      const YAML::Node allowed = m.required("allowed");
      if (!allowed.IsMap()) m.fail("allowed", "'allowed' must map entry kinds to system lists");
      for (const auto& kv : allowed) {
        const auto kind = kv.first.as<std::string>();
        std::vector<std::string> systems;
        for (const auto& s : detail::sequence(file, kv.second, kind)) {
          systems.push_back(s.as<std::string>());
        }
        c.allowed_[kind] = std::move(systems);
      }
    }
    if (m.has("urls")) {
      const YAML::Node urls = m.required("urls");
      if (!urls.IsMap()) m.fail("urls", "'urls' must map system names to URIs");
      for (const auto& kv : urls) {
        c.system_by_url_[kv.second.as<std::string>()] = kv.first.as<std::string>();
      }
    }
  }
  // One index over the three lists (positions fit: the lists come from one small file).
  for (size_t i = 0; i < c.sex_.size(); ++i) {
    c.rules_by_code_[c.sex_[i].code].sex = static_cast<int32_t>(i);
  }
  for (size_t i = 0; i < c.age_.size(); ++i) {
    c.rules_by_code_[c.age_[i].code].age = static_cast<int32_t>(i);
  }
  for (size_t i = 0; i < c.value_.size(); ++i) {
    c.rules_by_code_[c.value_[i].code].value = static_cast<int32_t>(i);
  }
  return c;
}

Constraints::RulesOfCode Constraints::rules_of(std::string_view code) const {
  const auto it = rules_by_code_.find(code);
  if (it == rules_by_code_.end()) return {};
  const CodeRules& r = it->second;
  return {r.sex < 0 ? nullptr : &sex_[static_cast<size_t>(r.sex)],
          r.age < 0 ? nullptr : &age_[static_cast<size_t>(r.age)],
          r.value < 0 ? nullptr : &value_[static_cast<size_t>(r.value)]};
}

const SexRule* Constraints::sex_rule(std::string_view code) const {
  const auto it = sex_by_code_.find(code);
  return it == sex_by_code_.end() ? nullptr : &sex_[it->second];
}

const SexRule* Constraints::sex_rule_by_concept(int64_t concept_id) const {
  const auto it = sex_by_concept_.find(concept_id);
  return it == sex_by_concept_.end() ? nullptr : &sex_[it->second];
}

const AgeRule* Constraints::age_rule(std::string_view code) const {
  const auto it = age_by_code_.find(code);
  return it == age_by_code_.end() ? nullptr : &age_[it->second];
}

const ValueRule* Constraints::value_rule(std::string_view code, std::string_view unit) const {
  const auto it = value_by_code_.find(code);
  if (it == value_by_code_.end() || value_[it->second].unit != unit) return nullptr;
  return &value_[it->second];
}

bool Constraints::checks_system(std::string_view kind) const {
  return allowed_.find(kind) != allowed_.end();
}

const std::vector<std::string>* Constraints::allowed_systems(std::string_view kind) const {
  const auto it = allowed_.find(kind);
  return it == allowed_.end() ? nullptr : &it->second;
}

bool Constraints::system_allowed(std::string_view kind, std::string_view system) const {
  const auto* list = allowed_systems(kind);
  return list == nullptr || std::find(list->begin(), list->end(), system) != list->end();
}

std::optional<std::string> Constraints::system_for_url(std::string_view url) const {
  const auto it = system_by_url_.find(url);
  if (it == system_by_url_.end()) return std::nullopt;
  return it->second;
}

namespace {

// By code system: whether entries of one kind may use it (Constraints::system_allowed).
using AllowedSystems = std::array<bool, static_cast<size_t>(record::CodeSystem::kOther) + 1>;

AllowedSystems systems_of(const Constraints& c, std::string_view kind) {
  AllowedSystems allowed{};
  for (size_t i = 0; i < allowed.size(); ++i) {
    allowed[i] = c.system_allowed(kind, system_name(static_cast<record::CodeSystem>(i)));
  }
  return allowed;
}

// Constraints::rules_of for the codes of one record. A code whose text is borrowed (the
// module library's, record/text.hpp) is remembered by the address of its text while the record
// is checked, so each distinct code is hashed once per record instead of once per entry.
class RulesMemo {
 public:
  explicit RulesMemo(const Constraints& c) : c_(c) {}

  Constraints::RulesOfCode of(const record::Text& code) {
    if (code.owns()) return c_.rules_of(code);
    Slot& s = slots_[(reinterpret_cast<uintptr_t>(code.data()) >> 3) % kSlots];
    if (s.set && s.data == code.data() && s.size == code.size()) return s.rules;
    s = {code.data(), code.size(), true, c_.rules_of(code)};
    return s.rules;
  }

 private:
  static constexpr size_t kSlots = 256;
  struct Slot {
    const char* data = nullptr;
    size_t size = 0;
    bool set = false;
    Constraints::RulesOfCode rules;
  };
  const Constraints& c_;
  std::array<Slot, kSlots> slots_{};
};

// Why a dated, coded entry must go (its kind allows `systems`), counted in `counts`;
// false when it may stay.
bool breaks_rule(RulesMemo& memo, const record::Person& person, const record::Code& code,
                 Instant start, const AllowedSystems& systems, ConstraintCounts& counts) {
  if (!systems[static_cast<size_t>(code.system)]) {
    ++counts.dropped_system;
    return true;
  }
  const Constraints::RulesOfCode rules = memo.of(code.code);
  if (const SexRule* r = rules.sex; r && r->sex != person.sex) {
    ++counts.suppressed_sex;
    return true;
  }
  if (const AgeRule* r = rules.age) {
    const int age = age_in_years(person.birth_date, start.date());
    if (age < r->min_age || age > r->max_age) {
      ++counts.suppressed_age;
      return true;
    }
  }
  return false;
}

void clamp(RulesMemo& memo, const record::Code& code, std::optional<record::Quantity>& q,
           ConstraintCounts& counts) {
  if (!q) return;
  const ValueRule* r = memo.of(code.code).value;
  if (r == nullptr || r->unit != q->unit || (q->value >= r->low && q->value <= r->high)) return;
  q->value = std::clamp(q->value, r->low, r->high);
  ++counts.clamped_values;
}

// Remove observations failing `drop`, keeping diagnostic reports' result indices right.
template <typename Drop>
void remove_observations(record::PatientRecord& rec, Drop drop) {
  // Most records lose nothing: find the first to drop before any bookkeeping.
  const auto first = std::find_if(rec.observations.begin(), rec.observations.end(), drop);
  if (first == rec.observations.end()) return;
  const auto first_dropped = static_cast<size_t>(first - rec.observations.begin());
  std::vector<int64_t> new_index(rec.observations.size(), -1);
  for (size_t i = 0; i < first_dropped; ++i) new_index[i] = static_cast<int64_t>(i);
  size_t kept = first_dropped;
  for (size_t i = first_dropped + 1; i < rec.observations.size(); ++i) {
    if (drop(rec.observations[i])) continue;
    new_index[i] = static_cast<int64_t>(kept);
    if (kept != i) rec.observations[kept] = std::move(rec.observations[i]);
    ++kept;
  }
  rec.observations.resize(kept);
  for (auto& report : rec.reports) {
    std::erase_if(report.results,
                  [&](uint32_t r) { return r >= new_index.size() || new_index[r] < 0; });
    for (uint32_t& r : report.results) r = static_cast<uint32_t>(new_index[r]);
  }
}

}  // namespace

ConstraintCounts Constraints::apply(record::PatientRecord& rec) const {
  ConstraintCounts counts;
  const record::Person& person = rec.person;
  RulesMemo memo(*this);
  const AllowedSystems condition = systems_of(*this, "Condition");
  const AllowedSystems procedure = systems_of(*this, "Procedure");
  const AllowedSystems medication = systems_of(*this, "MedicationRequest");
  const AllowedSystems immunization = systems_of(*this, "Immunization");
  const AllowedSystems observation = systems_of(*this, "Observation");
  std::erase_if(rec.conditions, [&](const record::Condition& e) {
    return breaks_rule(memo, person, e.code, e.onset, condition, counts);
  });
  std::erase_if(rec.procedures, [&](const record::Procedure& e) {
    return breaks_rule(memo, person, e.code, e.start, procedure, counts);
  });
  std::erase_if(rec.medications, [&](const record::Medication& e) {
    return breaks_rule(memo, person, e.code, e.start, medication, counts);
  });
  std::erase_if(rec.immunizations, [&](const record::Immunization& e) {
    return breaks_rule(memo, person, e.code, e.date, immunization, counts);
  });
  remove_observations(rec, [&](const record::Observation& o) {
    return breaks_rule(memo, person, o.code, o.effective, observation, counts);
  });
  for (auto& o : rec.observations) {
    clamp(memo, o.code, o.quantity, counts);
    for (auto& comp : o.components) clamp(memo, comp.code, comp.quantity, counts);
  }
  return counts;
}

}  // namespace fos::synth
