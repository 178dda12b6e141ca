// Parsing and validating GMF module JSON into the module graph.
#include "synth/module/loader.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/date.hpp"
#include "core/error.hpp"

namespace fos::synth {
namespace {

using detail::Json;

std::string squote(std::string_view s) {
  return "'" + std::string(s) + "'";
}

std::optional<LogicKind> logic_kind(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, LogicKind>, 22> kKinds = {{
      {"And", LogicKind::kAnd},
      {"Or", LogicKind::kOr},
      {"Not", LogicKind::kNot},
      {"At Least", LogicKind::kAtLeast},
      {"At Most", LogicKind::kAtMost},
      {"True", LogicKind::kTrue},
      {"False", LogicKind::kFalse},
      {"Gender", LogicKind::kGender},
      {"Age", LogicKind::kAge},
      {"Date", LogicKind::kDate},
      {"Socioeconomic Status", LogicKind::kSes},
      {"Race", LogicKind::kRace},
      {"Symptom", LogicKind::kSymptom},
      {"Observation", LogicKind::kObservation},
      {"Vital Sign", LogicKind::kVitalSign},
      {"Active Condition", LogicKind::kActiveCondition},
      {"Active Medication", LogicKind::kActiveMedication},
      {"Active CarePlan", LogicKind::kActiveCarePlan},
      {"Active Allergy", LogicKind::kActiveAllergy},
      {"PriorState", LogicKind::kPriorState},
      {"Prior State", LogicKind::kPriorState},
      {"Attribute", LogicKind::kAttribute},
  }};
  for (const auto& [n, k] : kKinds) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::optional<ModuleEncounterClass> encounter_class(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, ModuleEncounterClass>, 10> kClasses = {{
      {"wellness", ModuleEncounterClass::kWellness},
      {"ambulatory", ModuleEncounterClass::kAmbulatory},
      {"outpatient", ModuleEncounterClass::kOutpatient},
      {"emergency", ModuleEncounterClass::kEmergency},
      {"urgentcare", ModuleEncounterClass::kUrgentCare},
      {"inpatient", ModuleEncounterClass::kInpatient},
      {"hospice", ModuleEncounterClass::kHospice},
      {"home", ModuleEncounterClass::kHome},
      {"snf", ModuleEncounterClass::kSnf},
      {"virtual", ModuleEncounterClass::kVirtual},
  }};
  for (const auto& [n, k] : kClasses) {
    if (n == name) return k;
  }
  return std::nullopt;
}

// UCUM code of a GMF time unit, for medication dosage periods.
std::string ucum_time(std::string_view unit) {
  if (unit == "days" || unit == "day") return "d";
  if (unit == "hours" || unit == "hour") return "h";
  if (unit == "weeks" || unit == "week") return "wk";
  if (unit == "months" || unit == "month") return "mo";
  if (unit == "years" || unit == "year") return "a";
  if (unit == "minutes" || unit == "minute") return "min";
  return "s";
}

// True when a state makes the module wait (so a cycle through it advances time).
bool blocks(const ModuleState& s) {
  switch (s.type) {
    case StateType::kDelay:
    case StateType::kGuard:
    case StateType::kEncounter:
    case StateType::kCallSubmodule:
    case StateType::kDeath:
      return true;
    case StateType::kProcedure:
      return s.distribution.has_value();
    default:
      return false;
  }
}

void for_each_target(const Transition& t, const auto& fn) {
  if (t.target != kNone) fn(t.target);
  for (const auto& w : t.weights) fn(w.target);
  for (const auto& o : t.options) {
    if (o.target != kNone) fn(o.target);
    for (const auto& w : o.weights) fn(w.target);
  }
  for (int32_t x : {t.ambulatory, t.emergency, t.telemedicine}) {
    if (x != kNone) fn(x);
  }
}

// The FHIR observation-category code of a module's observation, parsed once at load.
record::ObservationCategory observation_category(std::string_view c) {
  using record::ObservationCategory;
  if (c == "laboratory") return ObservationCategory::kLaboratory;
  if (c == "survey") return ObservationCategory::kSurvey;
  if (c == "social-history") return ObservationCategory::kSocialHistory;
  if (c == "imaging") return ObservationCategory::kImaging;
  if (c == "procedure") return ObservationCategory::kProcedure;
  if (c == "vital-signs") return ObservationCategory::kVitalSigns;
  return ObservationCategory::kExam;  // exam, therapy, unset
}

record::AllergyCategory allergy_category(std::string_view c) {
  if (c == "food") return record::AllergyCategory::kFood;
  if (c == "medication") return record::AllergyCategory::kMedication;
  if (c == "biologic") return record::AllergyCategory::kBiologic;
  return record::AllergyCategory::kEnvironment;
}

}  // namespace

ModuleLoader::ModuleLoader(ModuleLibrary& library, TableSource tables, bool check_graph)
    : lib_(library), tables_(std::move(tables)), check_graph_(check_graph) {}

void ModuleLoader::error(const std::string& what) const {
  std::string msg = module_ ? module_->file : std::string("module");
  if (!state_.empty()) msg += ": state " + squote(state_);
  fail(ErrorKind::kModule, msg + ": " + what);
}

void ModuleLoader::field_error(std::string_view field, const std::string& what) const {
  error("field " + squote(field) + ": " + what);
}

const Json& ModuleLoader::need(const Json& obj, std::string_view key) const {
  const Json* j = obj.find(key);
  if (!j) field_error(key, "missing");
  return *j;
}

double ModuleLoader::number(const Json& obj, std::string_view key) const {
  const Json& j = need(obj, key);
  if (!j.is_number())
    field_error(key, "expected a number, got " + std::string(type_name(j.type())));
  return j.number();
}

double ModuleLoader::number_or(const Json& obj, std::string_view key, double fallback) const {
  return obj.find(key) ? number(obj, key) : fallback;
}

std::string ModuleLoader::text(const Json& obj, std::string_view key) const {
  const Json& j = need(obj, key);
  if (!j.is_string())
    field_error(key, "expected a string, got " + std::string(type_name(j.type())));
  return j.string();
}

int32_t ModuleLoader::target(const std::string& name, std::string_view field) const {
  const auto it = index_.find(name);
  if (it == index_.end()) error("unknown transition target " + squote(name));
  return it->second;
}

record::Code ModuleLoader::code(const Json& j, std::string_view field) const {
  if (!j.is_object()) field_error(field, "expected a code object");
  record::Code c;
  const std::string system = text(j, "system");
  c.system = record::code_system_from_name(system).value_or(record::CodeSystem::kOther);
  const Json& value = need(j, "code");
  if (value.is_string() || (value.is_number() && !value.string().empty())) {
    c.code = lib_.texts_.keep(value.string());
  } else {
    field_error(field, "code: expected a string or a whole number");
  }
  if (const Json* d = j.find("display"); d && d->is_string())
    c.display = lib_.texts_.keep(d->string());
  return c;
}

std::vector<record::Code> ModuleLoader::codes(const Json& obj, std::string_view key) const {
  std::vector<record::Code> out;
  const Json* list = obj.find(key);
  if (!list) return out;
  if (!list->is_array()) field_error(key, "expected an array of codes");
  for (const Json& c : list->items()) out.push_back(code(c, key));
  return out;
}

Value ModuleLoader::literal(const Json& j, std::string_view field) {
  switch (j.type()) {
    case Json::Type::kNumber:
      return Value::of_number(j.number());
    case Json::Type::kBool:
      return Value::of_bool(j.boolean());
    case Json::Type::kString:
      return Value{ValueKind::kString, {}, 0, lib_.strings_.intern(j.string()), nullptr};
    case Json::Type::kObject: {
      lib_.code_pool_.push_back(code(j, field));
      return Value{ValueKind::kCode, {}, 0, 0, &lib_.code_pool_.back()};
    }
    case Json::Type::kNull:
      return Value{};
    default:
      field_error(field, "expected a number, boolean, string or code");
  }
}

Distribution ModuleLoader::distribution(const Json& j, std::string_view field) const {
  if (!j.is_object()) field_error(field, "expected an object");
  Distribution d;
  const std::string kind = text(j, "kind");
  if (const Json* r = j.find("round"); r && r->is_bool()) d.round = r->boolean();
  const Json& p = need(j, "parameters");
  if (kind == "EXACT") {
    d.kind = DistKind::kExact;
    d.a = number(p, "value");
  } else if (kind == "UNIFORM") {
    d.kind = DistKind::kUniform;
    d.a = number(p, "low");
    d.b = number(p, "high");
  } else if (kind == "GAUSSIAN") {
    d.kind = DistKind::kGaussian;
    d.a = number(p, "mean");
    d.b = number(p, "standardDeviation");
    if (p.find("min")) d.min = number(p, "min");
    if (p.find("max")) d.max = number(p, "max");
  } else if (kind == "EXPONENTIAL") {
    d.kind = DistKind::kExponential;
    d.a = number(p, "mean");
  } else if (kind == "TRIANGULAR") {
    d.kind = DistKind::kTriangular;
    d.a = number(p, "min");
    d.b = number(p, "mode");
    d.c = number(p, "max");
  } else {
    field_error(field, "unknown distribution kind " + squote(kind));
  }
  return d;
}

Op ModuleLoader::op(const Json& obj) const {
  const std::string o = text(obj, "operator");
  static constexpr std::array<std::pair<std::string_view, Op>, 8> kOps = {{
      {"<", Op::kLt},
      {"<=", Op::kLe},
      {"==", Op::kEq},
      {">=", Op::kGe},
      {">", Op::kGt},
      {"!=", Op::kNe},
      {"is nil", Op::kIsNil},
      {"is not nil", Op::kIsNotNil},
  }};
  for (const auto& [n, k] : kOps) {
    if (n == o) return k;
  }
  field_error("operator", "unknown operator " + squote(o));
}

Logic ModuleLoader::logic(const Json& j, std::string_view field) {
  if (!j.is_object()) field_error(field, "expected a logic object");
  const std::string type = text(j, "condition_type");
  const auto kind = logic_kind(type);
  if (!kind) field_error(field, "unknown condition_type " + squote(type));
  Logic l;
  l.kind = *kind;
  auto children = [&](std::string_view key) {
    const Json& list = need(j, key);
    if (!list.is_array()) field_error(key, "expected an array of conditions");
    for (const Json& c : list.items()) l.children.push_back(logic(c, field));
  };
  auto active = [&] {
    if (const Json* a = j.find("referenced_by_attribute")) {
      if (!a->is_string()) field_error("referenced_by_attribute", "expected a string");
      l.by_attribute = true;
      l.attribute = lib_.attributes_.intern(a->string());
    } else {
      l.codes = codes(j, "codes");
      if (l.codes.empty()) field_error(field, type + ": needs codes or referenced_by_attribute");
    }
  };
  switch (l.kind) {
    case LogicKind::kAnd:
    case LogicKind::kOr:
      children("conditions");
      break;
    case LogicKind::kNot:
      l.children.push_back(logic(need(j, "condition"), field));
      break;
    case LogicKind::kAtLeast:
      l.threshold = static_cast<int>(number(j, "minimum"));
      children("conditions");
      break;
    case LogicKind::kAtMost:
      l.threshold = static_cast<int>(number(j, "maximum"));
      children("conditions");
      break;
    case LogicKind::kTrue:
    case LogicKind::kFalse:
      break;
    case LogicKind::kGender: {
      const std::string g = text(j, "gender");
      if (g != "M" && g != "F") field_error("gender", "expected M or F, got " + squote(g));
      l.male = g == "M";
      break;
    }
    case LogicKind::kAge: {
      l.op = op(j);
      l.quantity = number(j, "quantity");
      const std::string unit = text(j, "unit");
      if (unit != "years" && unit != "months") {
        field_error("unit", "expected years or months, got " + squote(unit));
      }
      l.months = unit == "months";
      break;
    }
    case LogicKind::kDate: {
      l.op = op(j);
      if (j.find("year")) {
        l.year = static_cast<int>(number(j, "year"));
      } else if (j.find("month")) {
        l.month = static_cast<int>(number(j, "month"));
      } else {
        const Json& d = need(j, "date");
        const int y = static_cast<int>(number(d, "year"));
        const int mo = static_cast<int>(number_or(d, "month", 1));
        const int day = static_cast<int>(number_or(d, "day", 1));
        if (!is_valid_civil(y, mo, day)) field_error("date", "not a real date");
        l.instant =
            Instant::at(Date::from_civil(y, mo, day), static_cast<int>(number_or(d, "hour", 0)),
                        static_cast<int>(number_or(d, "minute", 0)),
                        static_cast<int>(number_or(d, "second", 0)))
                .seconds();
      }
      break;
    }
    case LogicKind::kSes: {
      const std::string c = text(j, "category");
      if (c != "High" && c != "Middle" && c != "Low") {
        field_error("category", "expected High, Middle or Low, got " + squote(c));
      }
      l.name = lib_.strings_.intern(c);
      break;
    }
    case LogicKind::kRace: {
      std::string r = text(j, "race");
      for (char& ch : r) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      l.name = lib_.strings_.intern(r);
      break;
    }
    case LogicKind::kSymptom:
      l.name = lib_.symptoms_.intern(text(j, "symptom"));
      l.op = op(j);
      l.value = Value::of_number(number(j, "value"));
      break;
    case LogicKind::kObservation:
      active();
      l.op = op(j);
      if (const Json* v = j.find("value")) l.value = literal(*v, "value");
      if (const Json* v = j.find("value_code")) l.value = literal(*v, "value_code");
      break;
    case LogicKind::kVitalSign: {
      const std::string v = text(j, "vital_sign");
      const auto vital = vital_from_name(v);
      if (!vital) field_error("vital_sign", "unknown vital sign " + squote(v));
      l.vital = *vital;
      l.op = op(j);
      l.value = Value::of_number(number(j, "value"));
      break;
    }
    case LogicKind::kActiveCondition:
    case LogicKind::kActiveMedication:
    case LogicKind::kActiveCarePlan:
    case LogicKind::kActiveAllergy:
      active();
      break;
    case LogicKind::kPriorState: {
      l.name = lib_.state_names_.intern(text(j, "name"));
      if (j.find("since")) l.since = lib_.state_names_.intern(text(j, "since"));
      if (const Json* w = j.find("within")) {
        const std::string unit = text(*w, "unit");
        const auto seconds = unit_seconds(unit);
        if (!seconds) field_error("within", "unknown time unit " + squote(unit));
        l.within = static_cast<int64_t>(number(*w, "quantity") * *seconds);
      }
      break;
    }
    case LogicKind::kAttribute:
      l.attribute = lib_.attributes_.intern(text(j, "attribute"));
      l.op = op(j);
      if (const Json* v = j.find("value")) l.value = literal(*v, "value");
      if (l.op != Op::kIsNil && l.op != Op::kIsNotNil && !j.find("value")) {
        field_error("value", "missing");
      }
      break;
  }
  return l;
}

std::vector<WeightedTarget> ModuleLoader::weights(const Json& list, std::string_view field) {
  if (!list.is_array() || list.items().empty()) field_error(field, "expected a non-empty array");
  std::vector<WeightedTarget> out;
  for (const Json& o : list.items()) {
    WeightedTarget w;
    w.target = target(text(o, "transition"), field);
    const Json& d = need(o, "distribution");
    if (d.is_number()) {
      w.probability = d.number();
    } else if (d.is_object()) {
      w.attribute = lib_.attributes_.intern(text(d, "attribute"));
      w.probability = number(d, "default");
    } else {
      field_error(field, "distribution: expected a number or {attribute, default}");
    }
    out.push_back(w);
  }
  return out;
}

const LookupTable* ModuleLoader::table(const std::string& name, std::string_view field) {
  if (const auto it = table_cache_.find(name); it != table_cache_.end()) return it->second;
  const auto csv = tables_(name);
  if (!csv) field_error(field, "lookup table " + squote(name) + " not found");
  auto t = std::make_unique<LookupTable>();
  t->name = name;
  std::vector<std::vector<std::string>> rows;
  std::string cell;
  std::vector<std::string> row;
  for (size_t i = 0; i <= csv->size(); ++i) {
    const char ch = i < csv->size() ? (*csv)[i] : '\n';
    if (ch == '\r' || ch == '"') continue;
    if (ch == ',' || ch == '\n') {
      row.push_back(std::move(cell));
      cell.clear();
      if (ch == '\n') {
        if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
        row.clear();
      }
      continue;
    }
    cell.push_back(ch);
  }
  if (rows.empty()) field_error(field, "lookup table " + squote(name) + " is empty");
  const auto& header = rows[0];
  // Probability columns are those named like a transition target; the rest are keys.
  std::vector<int> kind(header.size());  // 0 key attribute, 1 age, 2 time, 3 outcome
  for (size_t c = 0; c < header.size(); ++c) {
    if (index_.count(header[c])) {
      kind[c] = 3;
      t->outcomes.push_back(header[c]);
    } else if (header[c] == "age") {
      kind[c] = 1;
      t->has_age = true;
    } else if (header[c] == "time") {
      kind[c] = 2;
      t->has_time = true;
    } else {
      t->key_attributes.push_back(lib_.attributes_.intern(header[c]));
    }
  }
  auto range = [&](const std::string& s, size_t line, auto& lo, auto& hi) {
    const auto dash = s.find('-', 1);
    try {
      if (dash == std::string::npos) {
        lo = hi = static_cast<std::remove_reference_t<decltype(lo)>>(std::stod(s));
      } else {
        lo = static_cast<std::remove_reference_t<decltype(lo)>>(std::stod(s.substr(0, dash)));
        hi = static_cast<std::remove_reference_t<decltype(hi)>>(std::stod(s.substr(dash + 1)));
      }
    } catch (const std::exception&) {
      field_error(field, "lookup table " + squote(name) + ": line " + std::to_string(line + 1) +
                             ": bad range " + squote(s));
    }
  };
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != header.size()) {
      field_error(field, "lookup table " + squote(name) + ": line " + std::to_string(r + 1) +
                             ": expected " + std::to_string(header.size()) + " columns");
    }
    LookupTable::Row row_out;
    for (size_t c = 0; c < header.size(); ++c) {
      const std::string& v = rows[r][c];
      if (kind[c] == 0) row_out.keys.push_back(v);
      if (kind[c] == 1) range(v, r, row_out.age_low, row_out.age_high);
      if (kind[c] == 2) range(v, r, row_out.time_low, row_out.time_high);
      if (kind[c] == 3) {
        double p = 0;
        range(v, r, p, p);
        row_out.probabilities.push_back(p);
      }
    }
    t->rows.push_back(std::move(row_out));
  }
  t->id = static_cast<uint32_t>(lib_.tables_.size());
  const LookupTable* out = t.get();
  lib_.tables_.push_back(std::move(t));
  table_cache_[name] = out;
  return out;
}

void ModuleLoader::transition(const Json& s, ModuleState& state) {
  static constexpr std::array<std::string_view, 6> kKinds = {
      "direct_transition",  "distributed_transition",  "conditional_transition",
      "complex_transition", "lookup_table_transition", "type_of_care_transition"};
  const Json* found = nullptr;
  size_t which = 0;
  for (size_t i = 0; i < kKinds.size(); ++i) {
    if (const Json* j = s.find(kKinds[i])) {
      if (found) error("more than one transition");
      found = j;
      which = i;
    }
  }
  if (state.type == StateType::kPhysiology && !found) {
    // Physiology simulation is off (Synthea's default): the alternative transition is taken.
    if (const Json* alt = s.find("alt_direct_transition")) {
      found = alt;
      which = 0;
    }
  }
  Transition& t = state.transition;
  if (state.type == StateType::kTerminal) {
    if (found) error("a Terminal state has no transition");
    return;
  }
  if (!found) error("no transition");
  const std::string_view field = kKinds[which];
  switch (which) {
    case 0:
      if (!found->is_string()) field_error(field, "expected a state name");
      t.kind = TransitionKind::kDirect;
      t.target = target(found->string(), field);
      break;
    case 1:
      t.kind = TransitionKind::kDistributed;
      t.weights = weights(*found, field);
      break;
    case 2:
    case 3: {
      t.kind = which == 2 ? TransitionKind::kConditional : TransitionKind::kComplex;
      if (!found->is_array() || found->items().empty()) {
        field_error(field, "expected a non-empty array");
      }
      for (const Json& o : found->items()) {
        TransitionOption opt;
        if (const Json* c = o.find("condition")) opt.condition = logic(*c, field);
        if (o.find("transition")) {
          opt.target = target(text(o, "transition"), field);
        } else if (which == 3 && o.find("distributions")) {
          opt.weights = weights(need(o, "distributions"), field);
        } else {
          field_error(field, "option without transition");
        }
        t.options.push_back(std::move(opt));
      }
      break;
    }
    case 4: {
      t.kind = TransitionKind::kLookupTable;
      if (!found->is_array() || found->items().empty()) {
        field_error(field, "expected a non-empty array");
      }
      std::string name;
      for (const Json& o : found->items()) {
        WeightedTarget w;
        const std::string to = text(o, "transition");
        w.target = target(to, field);
        w.probability = number(o, "default_probability");
        const std::string table_name = text(o, "lookup_table_name");
        if (!name.empty() && table_name != name)
          field_error(field, "options name different tables");
        name = table_name;
        t.weights.push_back(w);
        t.table = table(name, field);
        int32_t column = kNone;
        for (size_t c = 0; c < t.table->outcomes.size(); ++c) {
          if (t.table->outcomes[c] == to) column = static_cast<int32_t>(c);
        }
        if (column == kNone) {
          field_error(field, "lookup table " + squote(name) + " has no column " + squote(to));
        }
        t.table_columns.push_back(column);
      }
      break;
    }
    case 5:
      t.kind = TransitionKind::kTypeOfCare;
      t.ambulatory = target(text(*found, "ambulatory"), field);
      t.emergency = target(text(*found, "emergency"), field);
      t.telemedicine = target(text(*found, "telemedicine"), field);
      break;
    default:
      break;
  }
}

void ModuleLoader::legacy_value(const Json& s, ModuleState& state, bool with_unit) {
  std::string unit;
  if (const Json* e = s.find("exact")) {
    Distribution d;
    d.a = number(*e, "quantity");
    state.distribution = d;
    if (with_unit) unit = text(*e, "unit");
  } else if (const Json* r = s.find("range")) {
    Distribution d;
    d.kind = DistKind::kUniform;
    d.a = number(*r, "low");
    d.b = number(*r, "high");
    if (r->find("decimals")) state.decimals = static_cast<int>(number(*r, "decimals"));
    state.distribution = d;
    if (with_unit) unit = text(*r, "unit");
  } else if (const Json* du = s.find("duration"); du && du->is_object()) {
    Distribution d;
    d.kind = DistKind::kUniform;
    d.a = number(*du, "low");
    d.b = number(*du, "high");
    state.distribution = d;
    if (with_unit) unit = text(*du, "unit");
  } else if (const Json* g = s.find("distribution")) {
    state.distribution = distribution(*g, "distribution");
    if (with_unit) unit = text(s, "unit");
  } else {
    return;
  }
  if (with_unit) {
    const auto seconds = unit_seconds(unit);
    if (!seconds) field_error("unit", "unknown time unit " + squote(unit));
    state.unit_seconds = *seconds;
  }
}

ObservationBody ModuleLoader::observation(const Json& s, std::string_view field) {
  ObservationBody o;
  o.codes = codes(s, "codes");
  if (o.codes.empty()) field_error(field, "codes: at least one code needed");
  if (const Json* c = s.find("category"); c && c->is_string()) {
    o.category = observation_category(c->string());
  }
  if (const Json* u = s.find("unit"); u && u->is_string()) o.unit = u->string();
  if (const Json* e = s.find("exact")) {
    o.source = ObsSource::kDistribution;
    if (const Json* q = e->find("quantity"); q && q->is_string()) {
      o.source = ObsSource::kText;
      o.text = q->string();
    } else {
      o.distribution.a = number(*e, "quantity");
    }
  } else if (const Json* r = s.find("range")) {
    o.source = ObsSource::kDistribution;
    o.distribution.kind = DistKind::kUniform;
    o.distribution.a = number(*r, "low");
    o.distribution.b = number(*r, "high");
    o.decimals = static_cast<int>(number_or(*r, "decimals", 1));
  } else if (const Json* d = s.find("distribution")) {
    o.source = ObsSource::kDistribution;
    o.distribution = distribution(*d, "distribution");
    if (o.distribution.round) o.decimals = 0;
  } else if (s.find("attribute")) {
    o.source = ObsSource::kAttribute;
    o.attribute = lib_.attributes_.intern(text(s, "attribute"));
  } else if (s.find("vital_sign")) {
    o.source = ObsSource::kVitalSign;
    const std::string v = text(s, "vital_sign");
    const auto vital = vital_from_name(v);
    if (!vital) field_error("vital_sign", "unknown vital sign " + squote(v));
    o.vital = *vital;
  } else if (const Json* vc = s.find("value_code")) {
    o.source = ObsSource::kValueCode;
    o.value_code = code(*vc, "value_code");
  } else if (s.find("sampled_data")) {
    o.source = ObsSource::kSampledData;
  } else if (s.find("attachment")) {
    o.source = ObsSource::kAttachment;
  } else if (s.find("expression")) {
    field_error("expression", "expressions are not supported");
  }
  return o;
}

void ModuleLoader::entry_reference(const Json& s, ModuleState& state, std::string_view field) {
  if (const Json* r = s.find(field)) {
    if (!r->is_string()) field_error(field, "expected a state name");
    state.target_state = lib_.state_names_.intern(r->string());
  } else if (const Json* a = s.find("referenced_by_attribute")) {
    if (!a->is_string()) field_error("referenced_by_attribute", "expected a string");
    state.referenced_by_attribute = lib_.attributes_.intern(a->string());
  } else {
    state.codes = codes(s, "codes");
    if (state.codes.empty()) {
      error("needs " + std::string(field) + ", referenced_by_attribute or codes");
    }
  }
}

void ModuleLoader::clinical_body(const Json& s, ModuleState& st) {
  auto reason = [&] {
    if (const Json* r = s.find("reason")) {
      if (!r->is_string()) field_error("reason", "expected a string");
      st.reason_attribute = lib_.attributes_.intern(r->string());
      st.reason_state = lib_.state_names_.intern(r->string());
    }
  };
  auto need_codes = [&] {
    st.codes = codes(s, "codes");
    if (st.codes.empty()) field_error("codes", "at least one code needed");
  };
  switch (st.type) {
    case StateType::kEncounter: {
      if (const Json* w = s.find("wellness"); w && w->is_bool()) st.wellness = w->boolean();
      if (!st.wellness) {
        const std::string c = text(s, "encounter_class");
        const auto k = encounter_class(c);
        if (!k) field_error("encounter_class", "unknown class " + squote(c));
        st.encounter_class = *k;
        need_codes();
        if (const Json* t = s.find("telemedicine_possibility");
            t && t->is_string() && t->string() == "always") {
          st.encounter_class = ModuleEncounterClass::kVirtual;
        }
      }
      reason();
      break;
    }
    case StateType::kEncounterEnd:
      if (const Json* d = s.find("discharge_disposition")) {
        st.discharge = code(*d, "discharge_disposition");
      }
      break;
    case StateType::kConditionOnset:
    case StateType::kAllergyOnset:
      need_codes();
      if (s.find("target_encounter")) {
        st.target_encounter = lib_.state_names_.intern(text(s, "target_encounter"));
      }
      if (st.type == StateType::kAllergyOnset) {
        if (const Json* c = s.find("category"); c && c->is_string()) {
          st.allergy_category = allergy_category(c->string());
        }
        if (const Json* r = s.find("reactions"); r && r->is_array()) {
          for (const Json& x : r->items())
            st.reactions.push_back(code(need(x, "reaction"), "reactions"));
        }
      }
      break;
    case StateType::kConditionEnd:
      entry_reference(s, st, "condition_onset");
      break;
    case StateType::kAllergyEnd:
      entry_reference(s, st, "allergy_onset");
      break;
    case StateType::kMedicationOrder: {
      need_codes();
      reason();
      if (const Json* c = s.find("chronic"); c && c->is_bool()) st.chronic = c->boolean();
      if (const Json* a = s.find("administration"); a && a->is_bool()) {
        st.administration = a->boolean();
      }
      if (const Json* p = s.find("prescription")) {
        if (const Json* n = p->find("as_needed"); n && n->is_bool()) st.as_needed = n->boolean();
        if (const Json* d = p->find("dosage")) {
          st.dose = number_or(*d, "amount", 0);
          st.frequency = static_cast<int>(number_or(*d, "frequency", 0));
          st.period = number_or(*d, "period", 0);
          if (const Json* u = d->find("unit"); u && u->is_string())
            st.period_unit = ucum_time(u->string());
        }
        if (const Json* d = p->find("duration")) {
          const auto seconds = unit_seconds(text(*d, "unit"));
          if (!seconds) field_error("prescription", "duration: unknown time unit");
          st.duration_seconds = number(*d, "quantity") * *seconds;
        }
      }
      break;
    }
    case StateType::kMedicationEnd:
      entry_reference(s, st, "medication_order");
      break;
    case StateType::kCarePlanStart:
      need_codes();
      reason();
      st.activities = codes(s, "activities");
      break;
    case StateType::kCarePlanEnd:
      entry_reference(s, st, "careplan");
      break;
    case StateType::kProcedure:
      need_codes();
      reason();
      legacy_value(s, st, true);
      break;
    case StateType::kObservation:
      st.observation = observation(s, "codes");
      break;
    case StateType::kMultiObservation:
    case StateType::kDiagnosticReport: {
      need_codes();
      if (const Json* c = s.find("category"); c && c->is_string())
        st.observation.category = observation_category(c->string());
      const Json& list = need(s, "observations");
      if (!list.is_array()) field_error("observations", "expected an array");
      for (const Json& o : list.items()) st.observations.push_back(observation(o, "observations"));
      break;
    }
    case StateType::kImagingStudy: {
      st.procedure_code = code(need(s, "procedure_code"), "procedure_code");
      const Json& list = need(s, "series");
      if (!list.is_array() || list.items().empty())
        field_error("series", "expected a non-empty array");
      for (const Json& x : list.items()) {
        ImagingSeries series;
        series.body_site = code(need(x, "body_site"), "series");
        series.modality = code(need(x, "modality"), "series");
        const Json& inst = need(x, "instances");
        if (!inst.is_array() || inst.items().empty())
          field_error("series", "instances: expected a non-empty array");
        for (const Json& i : inst.items())
          series.sop_classes.push_back(code(need(i, "sop_class"), "series"));
        const auto n = static_cast<int>(series.sop_classes.size());
        series.min_instances = static_cast<int>(number_or(x, "min_number_instances", n));
        series.max_instances = static_cast<int>(number_or(x, "max_number_instances", n));
        st.series.push_back(std::move(series));
      }
      const auto n = static_cast<int>(st.series.size());
      st.min_series = static_cast<int>(number_or(s, "min_number_series", n));
      st.max_series = static_cast<int>(number_or(s, "max_number_series", n));
      break;
    }
    case StateType::kDevice:
      st.device_code = code(need(s, "code"), "code");
      break;
    case StateType::kDeviceEnd:
      entry_reference(s, st, "device");
      break;
    case StateType::kSupplyList: {
      const Json& list = need(s, "supplies");
      if (!list.is_array()) field_error("supplies", "expected an array");
      for (const Json& x : list.items()) {
        st.supplies.push_back(
            {code(need(x, "code"), "supplies"), static_cast<int>(number_or(x, "quantity", 1))});
      }
      break;
    }
    case StateType::kVaccine:
      need_codes();
      st.series_number = static_cast<int>(number_or(s, "series", 1));
      break;
    default:
      break;
  }
  if (const Json* a = s.find("assign_to_attribute")) {
    if (!a->is_string()) field_error("assign_to_attribute", "expected a string");
    st.assign_to_attribute = lib_.attributes_.intern(a->string());
  }
}

void ModuleLoader::state_body(const Json& s, ModuleState& st) {
  switch (st.type) {
    case StateType::kGuard:
      st.allow = logic(need(s, "allow"), "allow");
      break;
    case StateType::kDelay:
      legacy_value(s, st, true);
      if (!st.distribution) error("Delay needs exact, range or distribution");
      break;
    case StateType::kSetAttribute: {
      st.attribute = lib_.attributes_.intern(text(s, "attribute"));
      if (const Json* v = s.find("value")) st.value = literal(*v, "value");
      if (const Json* v = s.find("value_code")) st.value = literal(*v, "value_code");
      if (s.find("value_attribute")) {
        st.value_attribute = lib_.attributes_.intern(text(s, "value_attribute"));
      }
      if (s.find("expression")) field_error("expression", "expressions are not supported");
      legacy_value(s, st, false);
      break;
    }
    case StateType::kCounter: {
      st.attribute = lib_.attributes_.intern(text(s, "attribute"));
      const std::string action = text(s, "action");
      if (action != "increment" && action != "decrement") {
        field_error("action", "expected increment or decrement, got " + squote(action));
      }
      st.amount = number_or(s, "amount", 1) * (action == "decrement" ? -1 : 1);
      break;
    }
    case StateType::kSymptom:
      st.symptom = lib_.symptoms_.intern(text(s, "symptom"));
      st.probability = number_or(s, "probability", 1);
      legacy_value(s, st, false);
      if (!st.distribution) error("Symptom needs exact, range or distribution");
      break;
    case StateType::kVitalSign: {
      const std::string v = text(s, "vital_sign");
      const auto vital = vital_from_name(v);
      if (!vital) field_error("vital_sign", "unknown vital sign " + squote(v));
      st.vital = *vital;
      if (const Json* u = s.find("unit"); u && u->is_string()) st.unit = u->string();
      legacy_value(s, st, false);
      if (!st.distribution) error("VitalSign needs exact, range or distribution");
      break;
    }
    case StateType::kDeath:
      st.codes = codes(s, "codes");
      if (s.find("condition_onset")) {
        st.target_state = lib_.state_names_.intern(text(s, "condition_onset"));
      }
      if (s.find("referenced_by_attribute")) {
        st.referenced_by_attribute = lib_.attributes_.intern(text(s, "referenced_by_attribute"));
      }
      if (s.find("exact") || s.find("range")) {
        legacy_value(s, st, true);
        st.delayed_death = true;
      }
      break;
    case StateType::kCallSubmodule:
      text(s, "submodule");
      break;
    default:
      clinical_body(s, st);
      break;
  }
}

void ModuleLoader::add(const std::string& key, const std::string& file, std::string_view text_in) {
  auto m = std::make_unique<Module>();
  m->key = key;
  m->file = file;
  m->submodule = key.find('/') != std::string::npos;
  module_ = m.get();
  state_.clear();
  std::string parse_error;
  const auto root = Json::parse(text_in, parse_error);
  if (!root) error("invalid JSON: " + parse_error);
  if (!root->is_object()) error("expected a JSON object");
  m->name = text(*root, "name");
  if (root->find("gmf_version")) m->gmf_version = number(*root, "gmf_version");
  if (m->gmf_version > 2.0) field_error("gmf_version", "versions above 2.0 are not supported");
  const Json& states = need(*root, "states");
  if (!states.is_object()) field_error("states", "expected an object");
  index_.clear();
  // Initial first, then the others in file order.
  if (!states.find("Initial")) error("no state named 'Initial'");
  index_["Initial"] = 0;
  for (const auto& [name, _] : states.members()) {
    if (name != "Initial") index_.emplace(name, static_cast<int32_t>(index_.size()));
  }
  m->states.resize(index_.size());
  for (const auto& [name, s] : states.members()) {
    ModuleState& st = m->states[static_cast<size_t>(index_.at(name))];
    state_ = name;
    st.name = name;
    st.name_id = lib_.state_names_.intern(name);
    if (!s.is_object()) error("expected an object");
    const std::string type = text(s, "type");
    const auto t = state_type_from_name(type);
    if (!t) field_error("type", "unknown state type " + squote(type));
    st.type = *t;
    if (name != "Initial" && st.type == StateType::kInitial) error("only 'Initial' may be Initial");
    state_body(s, st);
    transition(s, st);
    if (st.type == StateType::kCallSubmodule) {
      pending_.push_back({m.get(), static_cast<size_t>(index_.at(name)), text(s, "submodule")});
    }
  }
  state_.clear();
  if (check_graph_) check_graph(*m);
  module_ = nullptr;
  auto& dest = m->submodule ? sub_ : top_;
  dest[key] = std::move(m);
}

void ModuleLoader::check_graph(const Module& m) {
  const size_t n = m.states.size();
  std::vector<char> reached(n, 0);
  std::vector<int32_t> stack{0};
  reached[0] = 1;
  std::vector<std::vector<int32_t>> reverse(n);
  for (size_t i = 0; i < n; ++i) {
    for_each_target(m.states[i].transition, [&](int32_t t) {
      reverse[static_cast<size_t>(t)].push_back(static_cast<int32_t>(i));
    });
  }
  while (!stack.empty()) {
    const auto s = static_cast<size_t>(stack.back());
    stack.pop_back();
    for_each_target(m.states[s].transition, [&](int32_t t) {
      if (!reached[static_cast<size_t>(t)]) {
        reached[static_cast<size_t>(t)] = 1;
        stack.push_back(t);
      }
    });
  }
  for (size_t i = 0; i < n; ++i) {
    if (!reached[i]) {
      state_ = m.states[i].name;
      error("unreachable from Initial");
    }
  }
  // Every state must be able to reach a Terminal or a state that waits; otherwise the
  // module could loop forever within one time step.
  std::vector<char> live(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (m.states[i].type == StateType::kTerminal || blocks(m.states[i])) {
      live[i] = 1;
      stack.push_back(static_cast<int32_t>(i));
    }
  }
  while (!stack.empty()) {
    const auto s = static_cast<size_t>(stack.back());
    stack.pop_back();
    for (int32_t p : reverse[s]) {
      if (!live[static_cast<size_t>(p)]) {
        live[static_cast<size_t>(p)] = 1;
        stack.push_back(p);
      }
    }
  }
  // Name a state on the cycle: a dead state that another dead state leads to.
  for (size_t i = 0; i < n; ++i) {
    if (live[i]) continue;
    const bool on_cycle = std::any_of(reverse[i].begin(), reverse[i].end(),
                                      [&](int32_t p) { return !live[static_cast<size_t>(p)]; });
    if (!on_cycle) continue;
    state_ = m.states[i].name;
    error("can never reach a Terminal or a waiting state (cycle without delay)");
  }
  state_.clear();
}

void ModuleLoader::finish(const std::vector<std::string>& filter) {
  std::map<std::string, int32_t> sub_index;
  for (auto& [key, m] : sub_) {
    sub_index[key] = static_cast<int32_t>(lib_.submodules_.size());
    lib_.submodules_.push_back(std::move(m));
  }
  for (const Pending& p : pending_) {
    const auto it = sub_index.find(p.path);
    if (it == sub_index.end()) {
      module_ = p.module;
      state_ = p.module->states[p.state].name;
      field_error("submodule", "no submodule " + squote(p.path));
    }
    p.module->states[p.state].submodule = it->second;
  }
  module_ = nullptr;
  state_.clear();
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::vector<char> used(filter.size(), 0);
  for (auto& [key, m] : top_) {
    bool keep = filter.empty();
    for (size_t f = 0; f < filter.size(); ++f) {
      if (lower(filter[f]) == lower(key) || lower(filter[f]) == lower(m->name)) {
        keep = true;
        used[f] = 1;
      }
    }
    if (keep) lib_.modules_.push_back(std::move(m));
  }
  for (size_t f = 0; f < filter.size(); ++f) {
    if (!used[f]) fail(ErrorKind::kInvalidInput, "--module-filter: no module " + squote(filter[f]));
  }
}

}  // namespace fos::synth
