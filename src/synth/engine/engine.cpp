// Engine: one patient's modules stepped through life (see engine.hpp for the semantics).
#include "synth/engine/engine.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "synth/engine/services.hpp"

namespace fos::synth {
namespace {

using record::Code;
using record::literals::operator""_text;

constexpr int64_t kStep = 7 * Instant::kSecondsPerDay;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinEncounter = int64_t{15} * 60;
constexpr int kMaxTransitionsPerStep = 100000;
constexpr double kDaysPerYear = 365.2425;
constexpr int64_t kLongWait = int64_t{30} * Instant::kSecondsPerDay;

const Code kProblemEncounter{record::CodeSystem::kSnomed, "185347001"_text,
                             "Encounter for problem (procedure)"_text};

record::EncounterClass record_class(ModuleEncounterClass c) {
  switch (c) {
    case ModuleEncounterClass::kWellness:
      return record::EncounterClass::kWellness;
    case ModuleEncounterClass::kAmbulatory:
    case ModuleEncounterClass::kVirtual:
      return record::EncounterClass::kAmbulatory;
    case ModuleEncounterClass::kOutpatient:
    case ModuleEncounterClass::kHospice:
    case ModuleEncounterClass::kHome:
      return record::EncounterClass::kOutpatient;
    case ModuleEncounterClass::kEmergency:
      return record::EncounterClass::kEmergency;
    case ModuleEncounterClass::kUrgentCare:
      return record::EncounterClass::kUrgentCare;
    case ModuleEncounterClass::kInpatient:
    case ModuleEncounterClass::kSnf:
      return record::EncounterClass::kInpatient;
  }
  return record::EncounterClass::kAmbulatory;
}

[[gnu::noinline]] double draw_random(const Distribution& d, Rng& rng) {
  double v = 0;
  switch (d.kind) {
    case DistKind::kExact:
      v = d.a;
      break;
    case DistKind::kUniform:
      v = rng.uniform(d.a, d.b);
      break;
    case DistKind::kGaussian:
      v = rng.normal(d.a, d.b);
      if (d.min) v = std::max(v, *d.min);
      if (d.max) v = std::min(v, *d.max);
      break;
    case DistKind::kExponential:
      v = 1 + d.a * -std::log(1 - rng.uniform());
      break;
    case DistKind::kTriangular: {
      const double u = rng.uniform();
      const double f = (d.b - d.a) / (d.c - d.a);
      v = u < f ? d.a + std::sqrt(u * (d.c - d.a) * (d.b - d.a))
                : d.c - std::sqrt((1 - u) * (d.c - d.a) * (d.c - d.b));
      break;
    }
  }
  return d.round ? std::round(v) : v;
}

// A value of `d`: exact ones (most delays) inline, the others drawn out of line.
inline double draw(const Distribution& d, Rng& rng) {
  if (d.kind == DistKind::kExact) return d.round ? std::round(d.a) : d.a;
  return draw_random(d, rng);
}

// By leap year (0/1) and day of the year (0-based): the month (1-12).
constexpr std::array<std::array<uint8_t, 366>, 2> kMonthOfDay = [] {
  constexpr std::array<int, 12> kLengths = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::array<std::array<uint8_t, 366>, 2> out{};
  for (size_t leap = 0; leap < 2; ++leap) {
    size_t day = 0;
    for (size_t m = 0; m < 12; ++m) {
      const int length = kLengths[m] + (m == 1 ? static_cast<int>(leap) : 0);
      for (int d = 0; d < length; ++d) out[leap][day++] = static_cast<uint8_t>(m + 1);
    }
  }
  return out;
}();
// By leap year and month (1-12): days of the year before the month starts.
constexpr std::array<std::array<int, 13>, 2> kDaysBeforeMonth = {{
    {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
    {0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335},
}};

// Powers of ten that pow(10, n) gives exactly (every 10^n up to 10^22 is a double).
constexpr std::array<double, 16> kPowersOfTen = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

double round_to(double v, int decimals) {
  const double scale = decimals >= 0 && static_cast<size_t>(decimals) < kPowersOfTen.size()
                           ? kPowersOfTen[static_cast<size_t>(decimals)]
                           : std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

bool compare(double a, Op op, double b) {
  switch (op) {
    case Op::kLt:
      return a < b;
    case Op::kLe:
      return a <= b;
    case Op::kEq:
      return a == b;
    case Op::kGe:
      return a >= b;
    case Op::kGt:
      return a > b;
    case Op::kNe:
      return a != b;
    default:
      return false;
  }
}

bool same_code(const Code& a, const Code& b) {
  return a.code == b.code && a.system == b.system;
}

bool any_code(const std::vector<Code>& codes, const Code& c) {
  return std::any_of(codes.begin(), codes.end(), [&](const Code& x) { return same_code(x, c); });
}

// any_code on library code ids (ModuleLibrary::code_ids).
bool any_id(const std::vector<uint32_t>& ids, uint32_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Hash of a lookup-table row's key ids (FNV-1a over the ids).
uint64_t key_hash(const std::vector<uint32_t>& ids) {
  uint64_t h = 14695981039346656037ULL;
  for (uint32_t id : ids) {
    h ^= id;
    h *= 1099511628211ULL;
  }
  return h;
}

void note_prior_names(const Logic& l, std::vector<uint8_t>& names) {
  auto note = [&](uint32_t id) {
    if (names.size() <= id) names.resize(id + 1, 0);
    names[id] = 1;
  };
  if (l.kind == LogicKind::kPriorState) {
    note(l.name);
    if (l.since) note(*l.since);
  }
  for (const Logic& c : l.children) note_prior_names(c, names);
}

// Every state name a PriorState condition of `m` refers to (guards and transitions).
// Whether `l` reads only time and what never changes for a patient (age, date, gender,
// race, socioeconomic category).
bool time_only(const Logic& l) {
  switch (l.kind) {
    case LogicKind::kAnd:
    case LogicKind::kOr:
    case LogicKind::kNot:
    case LogicKind::kAtLeast:
    case LogicKind::kAtMost:
      return std::all_of(l.children.begin(), l.children.end(), time_only);
    case LogicKind::kTrue:
    case LogicKind::kFalse:
    case LogicKind::kGender:
    case LogicKind::kRace:
    case LogicKind::kSes:
    case LogicKind::kAge:
    case LogicKind::kDate:
      return true;
    default:
      return false;
  }
}

// Attributes some module state writes (SetAttribute, Counter, assign_to_attribute).
std::vector<bool> module_written_attributes(const ModuleLibrary& lib) {
  std::vector<bool> written(lib.attributes().size() + 1, false);
  auto note = [&](const Module& m) {
    for (const ModuleState& s : m.states) {
      if (s.type == StateType::kSetAttribute || s.type == StateType::kCounter) {
        written[s.attribute] = true;
      }
      if (s.assign_to_attribute) written[*s.assign_to_attribute] = true;
    }
  };
  for (const auto& m : lib.modules()) note(*m);
  for (const auto& m : lib.submodules()) note(*m);
  return written;
}

// Whether a state may change what guards read (attributes, entries, observations, symptoms).
bool may_change_state(StateType type) {
  switch (type) {
    case StateType::kInitial:
    case StateType::kSimple:
    case StateType::kPhysiology:
    case StateType::kTerminal:
    case StateType::kGuard:
    case StateType::kDelay:
    case StateType::kCallSubmodule:
    case StateType::kEncounterEnd:
      return false;
    default:
      return true;
  }
}

/// What the engine reads of a state on every visit, packed densely: a library has
/// thousands of large ModuleStates, and reading each visit's type, name and direct
/// target from them costs a cache miss per visit.
struct HotState {
  enum Flag : uint8_t {
    kRemember = 1,  ///< some PriorState names this state: entries go to the history
    kPrivate = 2,   ///< in a run-ahead chain (Engine::Tables::module_hot)
    /// kPrivate, and no run-ahead chain of the module reads an attribute the yearly
    /// lifecycle update changes: its run-aheads need not stop at the yearly update.
    kNotYearly = 4,
  };
  enum Touch : uint8_t { kNoTouch, kTouchAny, kTouchAttribute };
  /// What guards read and states change (guard_reads, state_writes).
  enum Part : uint8_t {
    kConditions = 1,
    kAllergies = 2,
    kMedications = 4,
    kCarePlans = 8,
    kObservations = 16,
    kSymptoms = 32,
    kAttributes = 64,  ///< reads: some Attribute condition; writes: any attribute may change
    kAnything = 128,   ///< reads: something not described by the other bits
  };
  StateType type = StateType::kSimple;
  TransitionKind transition = TransitionKind::kNone;
  uint8_t flags = 0;
  Touch touch = kNoTouch;  ///< what entering the state may change for guards
  uint8_t writes = 0;      ///< Part bits the state may change (besides `attribute`)
  int32_t target = kNone;  ///< direct transition target
  uint32_t name_id = 0;
  uint32_t attribute = 0;  ///< kTouchAttribute: the attribute written
  /// kConditions in `writes`: the one condition code id the state may start or end, or
  /// kAnyCode (ModuleLibrary::code_ids; an Encounter diagnoses whatever waits for it).
  uint32_t condition = kAnyCode;
  uint32_t guard = 0;  ///< Guard: index into Engine::Tables::guards
  static constexpr uint32_t kAnyCode = std::numeric_limits<uint32_t>::max();
};

/// What a guard's condition reads besides time (computed once per library): which state
/// changes may wake a run asleep in it.
struct GuardReads {
  bool attributes_only = false;      ///< it reads, besides time, only attributes
  std::vector<uint32_t> attributes;  ///< the attribute ids of its Attribute conditions
  uint8_t parts = 0;                 ///< HotState::Part bits it reads
  std::vector<uint32_t> conditions;  ///< with kConditions: its Active Condition leaves' codes
  /// Without Age or Date leaves, Life::next_change gives the same at any time: these.
  bool timed = true;
  int64_t untimed_change = 0;
  bool untimed_reads_state = false;
};

constexpr int64_t kNoIdleTime = std::numeric_limits<int64_t>::min();  ///< Life::kNoIdle

// Whether `l` has an Age or Date leaf, or a PriorState leaf with `within` (which time ends).
bool timed(const Logic& l) {
  if (l.kind == LogicKind::kAge || l.kind == LogicKind::kDate) return true;
  if (l.kind == LogicKind::kPriorState && l.within) return true;
  return std::any_of(l.children.begin(), l.children.end(), timed);
}

// Life::next_change for logic without Age or Date leaves (which never depends on the time).
int64_t untimed_change(const Logic& l, bool& reads_state) {
  switch (l.kind) {
    case LogicKind::kAnd:
    case LogicKind::kOr:
    case LogicKind::kNot:
    case LogicKind::kAtLeast:
    case LogicKind::kAtMost:
      for (const Logic& c : l.children) {
        if (untimed_change(c, reads_state) == kNoIdleTime) return kNoIdleTime;
      }
      return kNever;
    case LogicKind::kTrue:
    case LogicKind::kFalse:
    case LogicKind::kGender:
    case LogicKind::kRace:
    case LogicKind::kSes:
      return kNever;
    case LogicKind::kAttribute:
    case LogicKind::kActiveCondition:
    case LogicKind::kActiveMedication:
    case LogicKind::kActiveCarePlan:
    case LogicKind::kActiveAllergy:
    case LogicKind::kObservation:
    case LogicKind::kSymptom:
      reads_state = true;
      return kNever;
    case LogicKind::kPriorState:
      return l.within ? kNoIdleTime : kNever;
    default:
      return kNoIdleTime;
  }
}

// Collects the attribute ids of the Attribute conditions in `l`.
void attribute_leaves(const Logic& l, std::vector<uint32_t>& ids) {
  if (l.kind == LogicKind::kAttribute) ids.push_back(l.attribute);
  for (const Logic& c : l.children) attribute_leaves(c, ids);
}

// Whether the state-reading leaves of `l` are all Attribute conditions.
bool attributes_only(const Logic& l) {
  switch (l.kind) {
    case LogicKind::kAnd:
    case LogicKind::kOr:
    case LogicKind::kNot:
    case LogicKind::kAtLeast:
    case LogicKind::kAtMost:
      return std::all_of(l.children.begin(), l.children.end(), attributes_only);
    case LogicKind::kAttribute:
      return true;
    default:
      return time_only(l);
  }
}

// The condition code id a ConditionOnset or ConditionEnd state may change, if one.
uint32_t condition_written(const ModuleState& s) {
  if (s.type == StateType::kConditionOnset && !s.code_ids.empty()) return s.code_ids[0];
  if (s.type == StateType::kConditionEnd && !s.target_state && !s.referenced_by_attribute &&
      s.code_ids.size() == 1) {
    return s.code_ids[0];
  }
  return HotState::kAnyCode;
}

// Collects the code ids of the Active Condition leaves of `l`.
void condition_leaves(const Logic& l, std::vector<uint32_t>& ids) {
  if (l.kind == LogicKind::kActiveCondition)
    ids.insert(ids.end(), l.code_ids.begin(), l.code_ids.end());
  for (const Logic& c : l.children) condition_leaves(c, ids);
}

// The HotState::Part bits that the state-reading leaves of `l` read.
uint8_t guard_reads(const Logic& l) {
  using P = HotState;
  switch (l.kind) {
    case LogicKind::kAnd:
    case LogicKind::kOr:
    case LogicKind::kNot:
    case LogicKind::kAtLeast:
    case LogicKind::kAtMost: {
      uint8_t bits = 0;
      for (const Logic& c : l.children) bits |= guard_reads(c);
      return bits;
    }
    case LogicKind::kTrue:
    case LogicKind::kFalse:
    case LogicKind::kGender:
    case LogicKind::kRace:
    case LogicKind::kSes:
    case LogicKind::kAge:
    case LogicKind::kDate:
    case LogicKind::kPriorState:  // the module's own history
      return 0;
    case LogicKind::kAttribute:
      return P::kAttributes;
    case LogicKind::kSymptom:
      return P::kSymptoms;
    case LogicKind::kObservation:
      return l.by_attribute ? P::kAnything : P::kObservations;
    case LogicKind::kActiveCondition:
      return l.by_attribute ? P::kAnything : P::kConditions;
    case LogicKind::kActiveMedication:
      return l.by_attribute ? P::kAnything : P::kMedications;
    case LogicKind::kActiveCarePlan:
      return l.by_attribute ? P::kAnything : P::kCarePlans;
    case LogicKind::kActiveAllergy:
      return l.by_attribute ? P::kAnything : P::kAllergies;
    default:
      return P::kAnything;
  }
}

GuardReads guard_reads_of(const Logic& allow) {
  GuardReads g;
  g.attributes_only = attributes_only(allow);
  attribute_leaves(allow, g.attributes);
  g.parts = guard_reads(allow);
  if (g.parts & HotState::kConditions) condition_leaves(allow, g.conditions);
  g.timed = timed(allow);
  if (!g.timed) g.untimed_change = untimed_change(allow, g.untimed_reads_state);
  return g;
}

// The HotState::Part bits a state of `type` may change, besides the attribute that
// run_state passes to touch (Encounter: diagnoses waiting for it, with their attributes).
uint8_t state_writes(StateType type) {
  using P = HotState;
  switch (type) {
    case StateType::kConditionOnset:
    case StateType::kConditionEnd:
      return P::kConditions;
    case StateType::kAllergyOnset:
    case StateType::kAllergyEnd:
      return P::kAllergies;
    case StateType::kMedicationOrder:
    case StateType::kMedicationEnd:
      return P::kMedications;
    case StateType::kCarePlanStart:
    case StateType::kCarePlanEnd:
      return P::kCarePlans;
    case StateType::kObservation:
    case StateType::kMultiObservation:
    case StateType::kDiagnosticReport:
      return P::kObservations;
    case StateType::kSymptom:
      return P::kSymptoms;
    case StateType::kEncounter:
      return P::kConditions | P::kAllergies | P::kAttributes;
    case StateType::kProcedure:
    case StateType::kImagingStudy:
    case StateType::kDevice:
    case StateType::kDeviceEnd:
    case StateType::kSupplyList:
    case StateType::kVaccine:
    case StateType::kDeath:
    case StateType::kSetAttribute:
    case StateType::kCounter:
      return 0;
    default:
      return P::kAnything;
  }
}

// Per module, by state: whether the state is a Delay or Simple state whose transition
// depends only on the module's own random draws and on attributes no module writes
// (direct, or distributed with fixed or such attribute-valued weights).
std::unordered_map<const Module*, std::vector<uint8_t>> private_states(const ModuleLibrary& lib) {
  std::unordered_map<const Module*, std::vector<uint8_t>> out;
  const std::vector<bool> written = module_written_attributes(lib);
  auto fixed = [&](const std::vector<WeightedTarget>& weights) {
    return std::none_of(weights.begin(), weights.end(), [&](const WeightedTarget& w) {
      return w.attribute && written[*w.attribute];
    });
  };
  auto is_private = [&](const ModuleState& s) {
    if (s.type != StateType::kDelay && s.type != StateType::kSimple) return false;
    const Transition& tr = s.transition;
    switch (tr.kind) {
      case TransitionKind::kDirect:
        return true;
      case TransitionKind::kDistributed:
        return fixed(tr.weights);
      case TransitionKind::kConditional:
      case TransitionKind::kComplex:
        return std::all_of(tr.options.begin(), tr.options.end(), [&](const TransitionOption& o) {
          return (!o.condition || time_only(*o.condition)) && fixed(o.weights);
        });
      case TransitionKind::kLookupTable:  // rows chosen by time, age and such attributes
        return fixed(tr.weights) &&
               std::none_of(tr.table->key_attributes.begin(), tr.table->key_attributes.end(),
                            [&](uint32_t a) { return written[a]; });
      default:
        return false;
    }
  };
  auto note = [&](const Module& m) {
    std::vector<uint8_t>& flags = out[&m];
    for (const ModuleState& s : m.states) flags.push_back(is_private(s) ? 1 : 0);
  };
  for (const auto& m : lib.modules()) note(*m);
  for (const auto& m : lib.submodules()) note(*m);
  return out;
}

void note_prior_names(const Module& m, std::vector<uint8_t>& names) {
  for (const ModuleState& s : m.states) {
    if (s.allow) note_prior_names(*s.allow, names);
    for (const TransitionOption& o : s.transition.options) {
      if (o.condition) note_prior_names(*o.condition, names);
    }
  }
}

}  // namespace

// Lookup-table keys and person strings interned once per engine.
struct Engine::Tables {
  NameTable strings;  ///< the library's strings first (same ids), then person values
  uint32_t gender = 0, race = 0, ethnicity = 0, state = 0, ses = 0;
  uint32_t male = 0, female = 0;
  std::array<uint32_t, 6> races{};
  uint32_t hispanic = 0, nonhispanic = 0;
  std::array<uint32_t, 3> ses_values{};  ///< Low, Middle, High
  uint32_t smoker = 0, insurance = 0, first_language = 0, rh_neg = 0, sexual_orientation = 0;
  uint32_t mi_risk = 0, ihd_risk = 0, stroke_risk = 0, afib_risk = 0, income = 0, education = 0;
  uint32_t poverty_ratio = 0, marital = 0;
  uint32_t diabetes = 0, prediabetes = 0;  ///< move the HbA1c estimate ("Blood Glucose")
  /// String ids of the lifecycle values (interned by the constructor).
  uint32_t medicare = 0, medicaid = 0, private_insurance = 0, married = 0, single = 0;
  uint32_t english = 0, spanish = 0;
  std::array<uint32_t, 3> orientations{};  ///< heterosexual, homosexual, bisexual
  std::array<uint32_t, 4> educations{};    ///< less_than_hs .. bs_degree
  /// Strings that are the "%g" text of a number, by that number: lookup-table keys read
  /// from numeric attributes without formatting them.
  /// (Hashed by bits; both zeros hash alike, as they compare equal.)
  struct NumberHash {
    size_t operator()(double v) const {
      return v == 0 ? 0 : static_cast<size_t>(std::bit_cast<uint64_t>(v) * 0x9E3779B97F4A7C15ULL);
    }
  };
  std::unordered_map<double, uint32_t, NumberHash> numbers;
  /// Per lookup table: each row's key values as string ids, and the rows grouped by
  /// the hash of their key ids (in file order), so a transition scans only its group.
  struct Group {
    std::vector<uint32_t> rows;
    /// The rows have disjoint time ranges in ascending order and no age range: the one
    /// row holding a time is found by binary search.
    bool time_sorted = false;
    /// The rows have disjoint age ranges in ascending order and no time range: the one row
    /// holding an age is found by binary search.
    bool age_sorted = false;
    bool one_key = false;  ///< all rows have the same key ids (compared once)
  };
  struct TableIndex {
    std::vector<std::vector<uint32_t>> keys;
    std::unordered_map<uint64_t, Group> groups;
    int64_t first_time_ms = std::numeric_limits<int64_t>::max();  ///< earliest time_low
  };
  std::vector<TableIndex> keys;  ///< by LookupTable::id (tables no transition uses: empty)
  /// By state name id: whether some PriorState condition names it (name or since).
  std::vector<uint8_t> prior_names;
  /// Per top-level module and per submodule (library order), by state: the hot fields.
  /// kPrivate marks a Delay or Simple state whose transition depends only on the
  /// module's own random draws and on attributes no module writes (direct, or
  /// distributed with fixed or such attribute-valued weights). A run of these states
  /// touches nothing shared, so the engine may play it ahead (Life::run_ahead).
  std::vector<std::vector<HotState>> module_hot;
  /// By state name id: a slot for names some state refers to as target_state or
  /// reason_state (kNone for other names), numbered from 0; named_slot_count slots.
  std::vector<int32_t> named_slots;
  size_t named_slot_count = 0;
  /// Per top-level module: hash64 of its key, the tag of its Rng stream.
  std::vector<uint64_t> module_streams;
  std::vector<std::vector<HotState>> submodule_hot;
  std::vector<GuardReads> guards;  ///< by HotState::guard
  /// The attributes lifecycle_year changes that the library names (distinct).
  std::vector<uint32_t> yearly_attributes;
};

namespace {

struct Frame {
  const Module* module = nullptr;
  const HotState* hot = nullptr;  ///< the module's hot states
  int32_t state = 0;
  bool fresh = true;     ///< just entered: run the state's entry actions
  int64_t until = 0;     ///< Delay / Procedure expiry
  int32_t next = kNone;  ///< transition already drawn by run_ahead, taken at `until`
};

struct Pending {
  const ModuleState* state;
  uint32_t target;  ///< state name id of the encounter that diagnoses it
};

struct Run {
  const Module* module = nullptr;
  size_t index = 0;
  std::vector<Frame> stack;
  int64_t wake = 0;
  bool resume_at_wake = false;
  bool done = false;
  bool state_wait = false;  ///< asleep in a guard until guard-visible state changes
  /// Bit 0: in Life::attribute_waiters_ (for wait_attributes); bit 1: in Life::state_waiters_.
  uint8_t listed = 0;
  /// The guard asleep reads, besides time, only these attributes (else any state).
  const GuardReads* wait = nullptr;  ///< with state_wait: what the guard reads
  int32_t encounter = kNone;         ///< encounter this module has open (or joined)
  uint32_t encounter_state = 0;
  size_t wellness_joined = 0;  ///< wellness visits before this one were joined or missed
  Rng rng{0, 0};
  /// (state name id, entered at), only for names some PriorState asks about.
  std::vector<std::pair<uint32_t, int64_t>> history;
  bool started = false;
  std::vector<Pending> pending;
  std::vector<std::vector<uint8_t>> entered;  ///< stats: [0] top, then per submodule used
};

/// A life's per-run state and its largest tables, kept by each thread from one patient to
/// the next (Engine::run) so that their storage is reused instead of allocated per patient.
struct LifeBuffers {
  std::vector<Run> runs;
  std::vector<int64_t> due;
  std::vector<int64_t> due_low;
  std::vector<Value> attributes;
  std::vector<double> symptoms;
  std::vector<uint32_t> latest_named;
  std::vector<uint64_t> attribute_waiters;
  std::vector<uint64_t> attribute_waiting;
};

// Run `r` as Run{} but keeping its vectors' storage.
void reset_run(Run& r) {
  std::vector<Frame> stack = std::move(r.stack);
  std::vector<std::pair<uint32_t, int64_t>> history = std::move(r.history);
  std::vector<Pending> pending = std::move(r.pending);
  stack.clear();
  history.clear();
  pending.clear();
  r = Run{};
  r.stack = std::move(stack);
  r.history = std::move(history);
  r.pending = std::move(pending);
}

constexpr size_t kObservationReserve = 512;
constexpr size_t kEntryKinds = static_cast<size_t>(EntryKind::kImmunization) + 1;
constexpr uint32_t kNoEntry = std::numeric_limits<uint32_t>::max();

class Life {
 public:
  Life(const ModuleLibrary& lib, const Engine::Tables& tables, record::PatientRecord& rec,
       const EngineInput& input, const Rng& patient, LifeBuffers& buffers)
      : lib_(lib),
        t_(tables),
        rec_(rec),
        in_(input),
        services_rng_(patient.derive("module-services")),
        vitals_(rec.person.sex, rec.person.birth_date, services_rng_),
        buffers_(buffers),
        birth_civil_(rec.person.birth_date.civil()) {
    swap_buffers();
    attributes_.assign(lib.attributes().size() + 1, Value{});
    wellness_count_ = rec.encounters.size();
    // A life with Synthea's library makes hundreds of observations: grow once, not by
    // moving every observation at each doubling.
    rec.observations.reserve(rec.observations.size() + kObservationReserve);
    symptoms_.assign(lib.symptoms().size(), 0.0);
    latest_named_.assign(tables.named_slot_count * kEntryKinds, kNoEntry);
    note_code_ids(rec.conditions, condition_ids_);
    for (size_t i = 0; i < rec.conditions.size(); ++i) {
      if (!rec.conditions[i].abatement) active_condition_ids_.push_back(condition_ids_[i]);
    }
    note_code_ids(rec.medications, medication_ids_);
    note_code_ids(rec.care_plans, care_plan_ids_);
    note_code_ids(rec.allergies, allergy_ids_);
    const Rng modules = patient.derive("modules");
    runs_.resize(lib.modules().size());
    due_.clear();
    for (size_t i = 0; i < lib.modules().size(); ++i) {
      Run& r = runs_[i];
      reset_run(r);
      r.module = lib.modules()[i].get();
      r.index = i;
      r.rng = modules.derive(tables.module_streams[i]);  // = derive(r.module->key)
      r.stack.push_back({r.module, tables.module_hot[i].data(), 0, true, 0});
      r.wake = rec.person.birth_time.seconds();
      due_.push_back(r.wake);
    }
    mask_words_ = (runs_.size() + 63) / 64;
    attribute_waiters_.assign(attributes_.size() * mask_words_, 0);
    attribute_waiting_.assign(mask_words_, 0);
    // Whole blocks: the padding is never due.
    due_.resize((due_.size() + kDueBlock - 1) / kDueBlock * kDueBlock, kNever);
    due_low_.assign(due_.size() / kDueBlock, kNever);
    for (size_t i = 0; i < due_.size(); ++i) {
      due_low_[i / kDueBlock] = std::min(due_low_[i / kDueBlock], due_[i]);
    }
    lifecycle_start();
  }

  ~Life() { swap_buffers(); }
  Life(const Life&) = delete;
  Life& operator=(const Life&) = delete;

  std::optional<Instant> simulate(ModuleStats* stats) {
    const int64_t birth = rec_.person.birth_time.seconds();
    const int64_t end = in_.end.seconds();
    next_year_ = birth;
    for (int64_t step = birth; step <= end; step += kStep) {
      if (death_ && death_->seconds() <= step) break;  // dead before this step: nothing runs
      step_ = step;
      if (step >= next_year_) {
        lifecycle_year(Instant(step));
        next_year_ += static_cast<int64_t>(kDaysPerYear * Instant::kSecondsPerDay);
      }
      for (size_t i = first_due(0, step); i < runs_.size(); i = first_due(i + 1, step)) {
        process(runs_[i], step);
        if (death_ && death_->seconds() <= step) break;
      }
      if (death_ && death_->seconds() <= step) break;
      // Jump over steps where nothing is due (all blocked on later times).
      int64_t next = earliest_due(step + kStep);
      if (next == kNever) break;
      next = std::min(next, next_year_);                     // the yearly update runs on its step
      if (death_) next = std::min(next, death_->seconds());  // and a scheduled death
      if (next > step + kStep) {
        const int64_t skip = (next - step) / kStep;
        const int64_t target = step + skip * kStep;
        // Keep the yearly lifecycle update on schedule.
        while (next_year_ <= target) {
          lifecycle_year(Instant(next_year_));
          next_year_ += static_cast<int64_t>(kDaysPerYear * Instant::kSecondsPerDay);
        }
        step = target - kStep;
        if (step + kStep > end) break;
      }
    }
    close_open_encounters();
    if (stats) record_stats(*stats);
    return death_;
  }

 private:
  // Takes the thread's buffers (their storage) for this life, and gives them back.
  void swap_buffers() {
    runs_.swap(buffers_.runs);
    due_.swap(buffers_.due);
    due_low_.swap(buffers_.due_low);
    attributes_.swap(buffers_.attributes);
    symptoms_.swap(buffers_.symptoms);
    latest_named_.swap(buffers_.latest_named);
    attribute_waiters_.swap(buffers_.attribute_waiters);
    attribute_waiting_.swap(buffers_.attribute_waiting);
  }

  // The first run at or after `from` due at `step` (at least runs_.size() when none). Most
  // runs sleep at any step: whole blocks are passed over by their earliest due time.
  size_t first_due(size_t from, int64_t step) const {
    const int64_t* due = due_.data();
    size_t b = from / kDueBlock;
    if (from % kDueBlock != 0) {
      if (due_low_[b] <= step) {
        for (size_t i = from; i < (b + 1) * kDueBlock; ++i) {
          if (due[i] <= step) return i;
        }
      }
      ++b;
    }
    for (; b < due_low_.size(); ++b) {
      if (due_low_[b] > step) continue;
      size_t i = b * kDueBlock;
      while (due[i] > step) ++i;  // the block's earliest is due
      return i;
    }
    return due_.size();
  }

  // The earliest due time of all runs (kNever when all are done), or the first due time
  // found at or before `soon` (then the next step runs anyway: no need to look further).
  int64_t earliest_due(int64_t soon) const {
    int64_t low = kNever;
    for (const int64_t d : due_low_) {
      if (d <= soon) return d;
      low = std::min(low, d);
    }
    return low;
  }

  // Sets run `i`'s due time, keeping its block's earliest due time.
  void set_due(size_t i, int64_t when) {
    const int64_t old = due_[i];
    due_[i] = when;
    int64_t& low = due_low_[i / kDueBlock];
    if (when <= low) {
      low = when;
      return;
    }
    if (old != low) return;  // another run holds the block's earliest time
    const size_t first = i / kDueBlock * kDueBlock;
    low = kNever;
    for (size_t k = first; k < first + kDueBlock; ++k) low = std::min(low, due_[k]);
  }

  // Code ids of entries the record had before the engine ran (none from the generator);
  // a code the library does not know matches no condition.
  void note_code_ids(const auto& entries, std::vector<uint32_t>& ids) const {
    for (const auto& e : entries) {
      const auto id = lib_.code_ids().find(ModuleLibrary::code_key(e.code));
      ids.push_back(id ? *id : std::numeric_limits<uint32_t>::max());
    }
  }

  // ---- lifecycle service -------------------------------------------------------------
  void set_string(uint32_t attr, uint32_t id) {
    attributes_[attr] = Value{ValueKind::kString, {}, 0, id, nullptr};
  }

  void lifecycle_start() {
    const record::Person& p = rec_.person;
    Rng& rng = services_rng_;
    const bool male = p.sex == record::Sex::kMale;
    set_string(t_.gender, male ? t_.male : t_.female);
    set_string(t_.race, t_.races[static_cast<size_t>(p.race)]);
    set_string(t_.ethnicity,
               p.ethnicity == record::Ethnicity::kHispanic ? t_.hispanic : t_.nonhispanic);
    if (auto s = t_.strings.find(in_.state_name)) set_string(t_.state, *s);
    // Socioeconomic status (Synthea: 0.2 income + 0.7 education + 0.1 occupation).
    const double income = rng.uniform();
    const double education = rng.uniform();
    const double score = 0.2 * income + 0.7 * education + 0.1 * rng.uniform();
    ses_ = score >= 0.66 ? 2 : score >= 0.25 ? 1 : 0;
    set_string(t_.ses, t_.ses_values[ses_]);
    attributes_[t_.income] = Value::of_number(std::round(15000 + 120000 * income * income));
    attributes_[t_.poverty_ratio] = Value::of_number(0.5 + 4 * income);
    set_string(t_.education, t_.educations[std::min<size_t>(3, size_t(education * 4))]);
    set_string(t_.first_language, p.language == "es" ? t_.spanish : t_.english);
    attributes_[t_.rh_neg] = Value::of_bool(rng.bernoulli(0.15));
    const double so = rng.uniform();
    set_string(t_.sexual_orientation, t_.orientations[so < 0.88 ? 0 : so < 0.94 ? 1 : 2]);
    smoker_draw_ = rng.uniform();
  }

  // Yearly: age-dependent attributes (smoking, insurance, cardiovascular risks).
  void lifecycle_year(Instant when) {
    // Only these attributes change (time leaves wake their guards by themselves).
    for (const uint32_t a : t_.yearly_attributes) touch(a, 0);
    const double age = (when.date().days() - rec_.person.birth_date.days()) / kDaysPerYear;
    const bool male = rec_.person.sex == record::Sex::kMale;
    attributes_[t_.smoker] = Value::of_bool(age >= 16 && smoker_draw_ < (male ? 0.16 : 0.12));
    set_string(t_.insurance, age >= 65   ? t_.medicare
                             : ses_ == 0 ? t_.medicaid
                                         : t_.private_insurance);
    set_string(t_.marital,
               age >= 25 && rec_.person.marital_status == record::MaritalStatus::kMarried
                   ? t_.married
                   : t_.single);
    // Ten-year risks by age (rough US incidence), as per-step probabilities. The band is
    // flat before 35 and after 85: the risks are recomputed only when it moved.
    const double band = std::clamp((age - 35) / 10, 0.0, 5.0);
    if (band != risk_band_) {
      risk_band_ = band;
      auto per_step = [](double ten_year) { return 1 - std::pow(1 - ten_year, 7.0 / 3652.5); };
      const double sex = male ? 1.4 : 1.0;
      risks_ = {per_step(std::min(0.3, 0.004 * std::exp(0.85 * band))),
                per_step(std::min(0.3, sex * 0.006 * std::exp(0.6 * band))),
                per_step(std::min(0.3, sex * 0.01 * std::exp(0.6 * band))),
                per_step(std::min(0.3, 0.004 * std::exp(0.7 * band)))};
    }
    attributes_[t_.afib_risk] = Value::of_number(risks_[0]);
    attributes_[t_.mi_risk] = Value::of_number(risks_[1]);
    attributes_[t_.ihd_risk] = Value::of_number(risks_[2]);
    attributes_[t_.stroke_risk] = Value::of_number(risks_[3]);
  }

  // ---- encounters ----------------------------------------------------------------------
  uint32_t new_encounter(Instant start, record::EncounterClass c, const Code& type) {
    record::Encounter& e = rec_.encounters.emplace_back();
    e.encounter_class = c;
    e.type = type;
    e.start = start;
    e.end = start;
    e.provider_id = in_.provider_id;
    e.organization_id = in_.organization_id;
    const auto index = static_cast<uint32_t>(rec_.encounters.size() - 1);
    if (latest_module_ == kNone ||
        rec_.encounters[static_cast<size_t>(latest_module_)].start <= start) {
      latest_module_ = static_cast<int32_t>(index);
    }
    return index;
  }

  void end_encounter(uint32_t index, int64_t t) {
    record::Encounter& e = rec_.encounters[index];
    e.end = Instant(std::max({t, e.end.seconds(), e.start.seconds() + kMinEncounter}));
  }

  // The encounter an entry made at `t` by run `r` belongs to.
  uint32_t encounter_for(Run& r, int64_t t) {
    if (r.encounter != kNone) return static_cast<uint32_t>(r.encounter);
    // Else the latest encounter begun by then (wellness or any module's).
    int32_t best = kNone;
    const auto it = std::upper_bound(
        in_.wellness.begin(), in_.wellness.end(), t,
        [&](int64_t v, uint32_t e) { return v < rec_.encounters[e].start.seconds(); });
    if (it != in_.wellness.begin()) best = static_cast<int32_t>(*(it - 1));
    if (latest_module_ != kNone &&
        rec_.encounters[static_cast<size_t>(latest_module_)].start.seconds() <= t &&
        (best == kNone || rec_.encounters[static_cast<size_t>(latest_module_)].start >=
                              rec_.encounters[static_cast<size_t>(best)].start)) {
      best = latest_module_;
    }
    if (best != kNone) return static_cast<uint32_t>(best);
    const uint32_t e =
        new_encounter(Instant(t), record::EncounterClass::kAmbulatory, kProblemEncounter);
    end_encounter(e, t);
    return e;
  }

  void close_open_encounters() {
    for (Run& r : runs_) {
      if (r.encounter != kNone && !is_wellness(r.encounter)) {
        end_encounter(static_cast<uint32_t>(r.encounter),
                      rec_.encounters[static_cast<size_t>(r.encounter)].start.seconds());
      }
    }
    const int64_t limit =
        death_ ? std::min(death_->seconds(), in_.end.seconds()) : in_.end.seconds();
    for (auto& e : rec_.encounters) {
      if (e.end.seconds() > limit && e.start.seconds() <= limit)
        e.end = Instant(std::max(limit, e.start.seconds()));
    }
  }

  // Encounters present before the engine ran are the generator's wellness visits.
  bool is_wellness(int32_t e) const { return static_cast<size_t>(e) < wellness_count_; }

  // ---- logic ---------------------------------------------------------------------------
  std::string_view text(uint32_t id) const { return t_.strings.name(id); }

  bool compare_values(const Value& lhs, Op op, const Value& rhs) const {
    if (op == Op::kIsNil) return lhs.kind == ValueKind::kNil;
    if (op == Op::kIsNotNil) return lhs.kind != ValueKind::kNil;
    if (lhs.kind == ValueKind::kNil) return false;
    const bool numeric_l = lhs.kind == ValueKind::kNumber || lhs.kind == ValueKind::kBool;
    const bool numeric_r = rhs.kind == ValueKind::kNumber || rhs.kind == ValueKind::kBool;
    if (numeric_l && numeric_r) {
      if (lhs.kind != rhs.kind && (op == Op::kEq || op == Op::kNe)) return op == Op::kNe;
      return compare(lhs.number, op, rhs.number);
    }
    if (lhs.kind == ValueKind::kString && rhs.kind == ValueKind::kString) {
      // Strings are interned once (Tables::strings): equal ids, equal text.
      if (op == Op::kEq) return lhs.id == rhs.id;
      if (op == Op::kNe) return lhs.id != rhs.id;
      const int c = text(lhs.id).compare(text(rhs.id));
      return compare(c, op, 0);
    }
    if (lhs.kind == ValueKind::kCode && rhs.kind == ValueKind::kCode) {
      const bool same = same_code(*lhs.code, *rhs.code);
      return op == Op::kEq ? same : op == Op::kNe ? !same : false;
    }
    if (lhs.kind == ValueKind::kEntry && rhs.kind == ValueKind::kEntry) {
      const bool same = lhs.entry == rhs.entry && lhs.id == rhs.id;
      return op == Op::kEq ? same : op == Op::kNe ? !same : false;
    }
    return op == Op::kNe;
  }

  double age_years(int64_t t) const { return ages(t).years; }

  // Age in whole years and months on the date of `t`, kept for the last day asked (as
  // age_in_years/age_in_months, with the birth date's calendar date computed once).
  struct Ages {
    double years = 0;
    double months = 0;
    int year = 0;  ///< the calendar month of that day
    int month = 0;
  };
  // The calendar date of `day`, from one of the two calendar years last asked about when
  // it holds the day (run-aheads walk through a year month by month, and a run-ahead may
  // reach into the next year while the steps are still in this one).
  struct Year {
    int32_t first = 0;  ///< January 1st
    int32_t end = 0;    ///< January 1st of the next year
    int year = 0;
    size_t leap = 0;
  };
  CivilDate civil(int32_t day) const {
    if (day < year_.first || day >= year_.end) std::swap(year_, other_year_);
    if (day < year_.first || day >= year_.end) {
      const int y = Date(day).civil().year;
      year_.year = y;
      year_.first = Date::from_civil(y, 1, 1).days();
      year_.leap = days_in_month(y, 2) == 29 ? 1 : 0;
      year_.end = year_.first + 365 + static_cast<int32_t>(year_.leap);
    }
    const auto of_year = static_cast<size_t>(day - year_.first);
    const int month = kMonthOfDay[year_.leap][of_year];
    const int of_month = static_cast<int>(of_year) - kDaysBeforeMonth[year_.leap][month] + 1;
    return CivilDate{year_.year, month, of_month};
  }

  // Computed afresh for each new day: from the cached calendar year this costs about as
  // much as checking whether a cached range of days holds it.
  const Ages& ages(int64_t t) const {
    if (t == last_age_time_) return ages_;  // conditions often ask twice at once
    last_age_time_ = t;
    const int32_t day = Instant(t).date().days();
    if (day == ages_day_) return ages_;
    ages_day_ = day;
    Ages& a = ages_;
    const CivilDate o = civil(day);
    a.year = o.year;
    a.month = o.month;
    const CivilDate& b = birth_civil_;
    const bool before_birthday = o.month < b.month || (o.month == b.month && o.day < b.day);
    a.years = o.year - b.year - (before_birthday ? 1 : 0);
    a.months = ((o.year - b.year) * 12) + (o.month - b.month) - (o.day < b.day ? 1 : 0);
    return a;
  }

  bool active_entry(LogicKind kind, const Logic& l) const {
    const Value* ref = l.by_attribute ? &attributes_[l.attribute] : nullptr;
    auto check = [&](const auto& entries, const std::vector<uint32_t>& ids, EntryKind ek,
                     const auto& is_active) {
      if (ref) {
        return ref->kind == ValueKind::kEntry && ref->entry == ek && ref->id < entries.size() &&
               is_active(entries[ref->id]);
      }
      for (size_t i = 0; i < entries.size(); ++i) {
        if (any_id(l.code_ids, ids[i]) && is_active(entries[i])) return true;
      }
      return false;
    };
    switch (kind) {
      case LogicKind::kActiveCondition:
        if (!ref) {
          if (l.code_ids.size() == 1) {  // most conditions name one code
            const uint32_t want = l.code_ids[0];
            return std::find(active_condition_ids_.begin(), active_condition_ids_.end(), want) !=
                   active_condition_ids_.end();
          }
          for (const uint32_t id : active_condition_ids_) {
            if (any_id(l.code_ids, id)) return true;
          }
          return false;
        }
        return check(rec_.conditions, condition_ids_, EntryKind::kCondition,
                     [](const auto& e) { return !e.abatement; });
      case LogicKind::kActiveMedication:
        return check(rec_.medications, medication_ids_, EntryKind::kMedication,
                     [](const auto& e) { return !e.stop; });
      case LogicKind::kActiveCarePlan:
        return check(rec_.care_plans, care_plan_ids_, EntryKind::kCarePlan,
                     [](const auto& e) { return !e.stop; });
      default:
        return check(rec_.allergies, allergy_ids_, EntryKind::kAllergy,
                     [](const auto& e) { return !e.resolved; });
    }
  }

  Value observation_value(const Logic& l) const {
    const record::Observation* found = nullptr;
    if (l.by_attribute) {
      const Value& v = attributes_[l.attribute];
      if (v.kind == ValueKind::kEntry && v.entry == EntryKind::kObservation)
        found = &rec_.observations[v.id];
    } else {
      for (size_t k = module_observations_.size(); k-- > 0;) {
        if (any_id(l.code_ids, module_observation_ids_[k])) {
          found = &rec_.observations[module_observations_[k]];
          break;
        }
      }
    }
    if (!found) return Value{};
    if (found->quantity) return Value::of_number(found->quantity->value);
    if (found->value_code) return Value{ValueKind::kCode, {}, 0, 0, &*found->value_code};
    return Value{ValueKind::kString, {}, 0, 0, nullptr};
  }

  // The kinds most conditions are made of are dispatched here; the others (and their
  // register-hungry helpers) are kept out of line so this stays a small leaf-like function.
  bool eval(const Logic& l, const Run& r, int64_t t) const {
    switch (l.kind) {
      case LogicKind::kAnd:
        return eval_all(l, r, t);
      case LogicKind::kOr:
        return eval_any(l, r, t);
      case LogicKind::kNot:
        return !eval(l.children[0], r, t);
      case LogicKind::kAge: {
        const Ages& a = ages(t);
        return compare(l.months ? a.months : a.years, l.op, l.quantity);
      }
      case LogicKind::kAttribute: {
        // compare_values' common cases first: presence, and numbers or booleans alike.
        const Value& v = attributes_[l.attribute];
        if (l.op == Op::kIsNotNil) return v.kind != ValueKind::kNil;
        if (l.op == Op::kIsNil) return v.kind == ValueKind::kNil;
        if (v.kind == l.value.kind && (v.kind == ValueKind::kNumber || v.kind == ValueKind::kBool))
          return compare(v.number, l.op, l.value.number);
        return compare_values(v, l.op, l.value);
      }
      case LogicKind::kSes:
        return l.name == t_.ses_values[ses_];  // interned: equal ids, equal text
      default:
        return eval_other(l, r, t);
    }
  }

  [[gnu::noinline]] bool eval_all(const Logic& l, const Run& r, int64_t t) const {
    for (const Logic& c : l.children) {
      if (!eval(c, r, t)) return false;
    }
    return true;
  }

  [[gnu::noinline]] bool eval_any(const Logic& l, const Run& r, int64_t t) const {
    for (const Logic& c : l.children) {
      if (eval(c, r, t)) return true;
    }
    return false;
  }

  [[gnu::noinline]] bool eval_other(const Logic& l, const Run& r, int64_t t) const {
    switch (l.kind) {
      case LogicKind::kAnd:
      case LogicKind::kOr:
      case LogicKind::kNot:
      case LogicKind::kAge:
      case LogicKind::kAttribute:
        return eval(l, r, t);
      case LogicKind::kAtLeast:
      case LogicKind::kAtMost: {
        const auto n = std::count_if(l.children.begin(), l.children.end(),
                                     [&](const Logic& c) { return eval(c, r, t); });
        return l.kind == LogicKind::kAtLeast ? n >= l.threshold : n <= l.threshold;
      }
      case LogicKind::kTrue:
        return true;
      case LogicKind::kFalse:
        return false;
      case LogicKind::kGender:
        return (rec_.person.sex == record::Sex::kMale) == l.male;
      case LogicKind::kDate:
        if (l.year) return compare(ages(t).year, l.op, l.year);
        if (l.month) return compare(ages(t).month, l.op, l.month);
        return compare(static_cast<double>(t), l.op, static_cast<double>(l.instant));
      case LogicKind::kSes:
        return l.name == t_.ses_values[ses_];  // interned: equal ids, equal text
      case LogicKind::kRace:
        return l.name == t_.races[static_cast<size_t>(rec_.person.race)] ||
               (l.name == t_.hispanic && rec_.person.ethnicity == record::Ethnicity::kHispanic);
      case LogicKind::kSymptom:
        return compare(symptoms_[l.name], l.op, l.value.number);
      case LogicKind::kObservation:
        return compare_values(observation_value(l), l.op, l.value);
      case LogicKind::kVitalSign:
        return compare(vitals_.at(l.vital, Instant(t), glycemia()), l.op, l.value.number);
      case LogicKind::kActiveCondition:
      case LogicKind::kActiveMedication:
      case LogicKind::kActiveCarePlan:
      case LogicKind::kActiveAllergy:
        return active_entry(l.kind, l);
      case LogicKind::kPriorState:
        return prior_state(l, r, t);
    }
    return false;
  }

  // ---- idle guards -----------------------------------------------------------------------
  // A guard whose logic depends only on time and on what never changes for the patient
  // while it waits (age, date, gender, race, socioeconomic category, its module's own
  // history) keeps its value until one of its leaves changes. next_change returns the
  // earliest instant after `t` at which that can happen (kNever if none), or kNoIdle when
  // the logic reads what it cannot foresee; attributes and entries set `reads_state`.
  static constexpr int64_t kNoIdle = kNoIdleTime;

  // The smallest integer above `now` at which `compare(value, op, q)` can flip, for a
  // value that never decreases: ceil(q) or floor(q) + 1.
  static std::optional<int64_t> next_integer_flip(int64_t now, double q) {
    std::optional<int64_t> best;
    for (const double v : {std::ceil(q), std::floor(q) + 1}) {
      const auto n = static_cast<int64_t>(v);
      if (n > now && (!best || n < *best)) best = n;
    }
    return best;
  }

  // First date on which age (years or months) reaches `age`.
  Date age_reached(int64_t age, bool months) const {
    const Date birth = rec_.person.birth_date;
    auto of = [&](Date d) { return months ? age_in_months(birth, d) : age_in_years(birth, d); };
    Date d = birth.plus_months(static_cast<int>(months ? age : 12 * age));
    while (of(d.plus_days(-1)) >= age) d = d.plus_days(-1);
    while (of(d) < age) d = d.plus_days(1);
    return d;
  }

  // A false guard sleeps until the next instant its time leaves can change, and, if it
  // reads attributes or entries, until the next step on which some module changes them.
  void sleep_on_guard(const Logic& allow, const GuardReads& reads, Run& r, int64_t t,
                      int64_t step) {
    bool reads_state = reads.untimed_reads_state;
    const int64_t change =
        reads.timed ? next_change(allow, r, t, reads_state) : reads.untimed_change;
    block(r, std::max(step + kStep, change), false, t);
    if (!reads_state || change == kNoIdle) return;
    r.state_wait = true;
    r.wait = &reads;
    if (reads.attributes_only) {
      list_attribute_waiter(r);
      return;
    }
    if (!(r.listed & 2)) state_waiters_.push_back(&r);
    r.listed |= 2;
  }

  // Marks run `r` (asleep in a guard reading, besides time, only attributes) under each
  // attribute it reads.
  void list_attribute_waiter(Run& r) {
    const size_t word = r.index / 64;
    const uint64_t bit = uint64_t{1} << (r.index % 64);
    for (const uint32_t a : r.wait->attributes) attribute_waiters_[(a * mask_words_) + word] |= bit;
    attribute_waiting_[word] |= bit;
    r.listed |= 1;
  }

  void unlist_attribute_waiter(Run& r) {
    if (!(r.listed & 1)) return;
    const size_t word = r.index / 64;
    const uint64_t keep = ~(uint64_t{1} << (r.index % 64));
    for (const uint32_t a : r.wait->attributes)
      attribute_waiters_[(a * mask_words_) + word] &= keep;
    attribute_waiting_[word] &= keep;
    r.listed &= static_cast<uint8_t>(~1U);
  }

  // Wakes the attribute-only guards reading `attribute` (kEverything: all of them).
  void wake_attribute_waiters(uint32_t attribute) {
    const uint64_t* mask = attribute == kEverything
                               ? attribute_waiting_.data()
                               : &attribute_waiters_[static_cast<size_t>(attribute) * mask_words_];
    for (size_t word = 0; word < mask_words_; ++word) {
      for (uint64_t m = mask[word]; m != 0; m &= m - 1) {
        Run& w = runs_[(word * 64) + static_cast<size_t>(std::countr_zero(m))];
        unlist_attribute_waiter(w);
        wake(w);
      }
    }
  }

  void wake(Run& w) {
    w.state_wait = false;
    w.wake = std::min(w.wake, step_);
    set_due(w.index, std::min(due_[w.index], w.wake));
  }

  // Something a guard may read changed: guards asleep on state wake at this step (a
  // module later in file order sees the change at once, as when re-tried every step).
  // kEverything: anything may have changed; otherwise a state ran that changes entries,
  // observations, symptoms or vitals and at most the attribute given: a guard reading,
  // besides time, only other attributes cannot change its answer, so it sleeps on.
  static constexpr uint32_t kEverything = std::numeric_limits<uint32_t>::max();
  // `writes`: the HotState::Part bits the state may change besides `attribute`. A guard
  // reading more than attributes sleeps on when none of what it reads changed (waking it
  // would only find it false again).
  // `condition`: with kConditions in `writes`, the one condition code that may change (or
  // HotState::kAnyCode).
  void touch(std::optional<uint32_t> attribute, uint8_t writes = HotState::kAnything,
             uint32_t condition = HotState::kAnyCode) {
    if (attribute) wake_attribute_waiters(*attribute);  // attribute-only guards
    wake_waiters(attribute, writes, condition);
  }

  // touch() for the guards of state_waiters_; drops entries of runs no longer asleep in a
  // guard reading more than attributes.
  void wake_waiters(std::optional<uint32_t> attribute, uint8_t writes, uint32_t condition) {
    std::vector<Run*>& waiters = state_waiters_;
    constexpr auto kBit = uint8_t{2};
    size_t kept = 0;
    for (Run* w : waiters) {
      if (!w->state_wait || w->wait->attributes_only) {
        w->listed &= static_cast<uint8_t>(~kBit);
        continue;
      }
      if (attribute != kEverything && !may_change_guard(*w, attribute, writes, condition)) {
        waiters[kept++] = w;
        continue;
      }
      w->listed &= static_cast<uint8_t>(~kBit);
      wake(*w);
    }
    waiters.resize(kept);
  }

  static bool has_attribute(const Run& w, std::optional<uint32_t> attribute) {
    if (!attribute) return false;
    for (const uint32_t a : w.wait->attributes) {
      if (a == *attribute) return true;
    }
    return false;
  }

  // Whether a change of `writes` and `attribute` may change the answer of the guard `w`
  // sleeps in (which reads more than attributes).
  // A guard reading conditions only through Active Condition leaves cannot change with a
  // condition whose code none of them names.
  static bool may_change_guard(const Run& w, std::optional<uint32_t> attribute, uint8_t writes,
                               uint32_t condition) {
    const uint8_t reads = w.wait->parts;
    if ((reads | writes) & HotState::kAnything) return true;
    const uint8_t both = writes & reads & ~HotState::kAttributes;
    if (both != 0 && (both != HotState::kConditions || condition == HotState::kAnyCode ||
                      any_id(w.wait->conditions, condition))) {
      return true;
    }
    if (!(reads & HotState::kAttributes)) return false;
    return (writes & HotState::kAttributes) || has_attribute(w, attribute);
  }

  int64_t next_change(const Logic& l, const Run& r, int64_t t, bool& reads_state) const {
    switch (l.kind) {
      case LogicKind::kAnd:
      case LogicKind::kOr:
      case LogicKind::kNot:
      case LogicKind::kAtLeast:
      case LogicKind::kAtMost: {
        int64_t next = kNever;
        for (const Logic& c : l.children) {
          const int64_t n = next_change(c, r, t, reads_state);
          if (n == kNoIdle) return kNoIdle;
          next = std::min(next, n);
        }
        return next;
      }
      case LogicKind::kTrue:
      case LogicKind::kFalse:
      case LogicKind::kGender:
      case LogicKind::kRace:
      case LogicKind::kSes:
        return kNever;
      case LogicKind::kAge: {
        const Date on = Instant(t).date();
        const int now = l.months ? age_in_months(rec_.person.birth_date, on)
                                 : age_in_years(rec_.person.birth_date, on);
        const auto flip = next_integer_flip(now, l.quantity);
        if (!flip) return kNever;
        return Instant::at(age_reached(*flip, l.months)).seconds();
      }
      case LogicKind::kDate: {
        const CivilDate c = Instant(t).date().civil();
        if (l.year) {
          const auto flip = next_integer_flip(c.year, l.year);
          if (!flip) return kNever;
          return Instant::at(Date::from_civil(static_cast<int>(*flip), 1, 1)).seconds();
        }
        if (l.month) {  // months cycle: look again at the start of the next month
          const int year = c.month == 12 ? c.year + 1 : c.year;
          return Instant::at(Date::from_civil(year, c.month % 12 + 1, 1)).seconds();
        }
        const auto flip = next_integer_flip(t, static_cast<double>(l.instant));
        return flip ? *flip : kNever;
      }
      case LogicKind::kAttribute:
      case LogicKind::kActiveCondition:
      case LogicKind::kActiveMedication:
      case LogicKind::kActiveCarePlan:
      case LogicKind::kActiveAllergy:
      case LogicKind::kObservation:
      case LogicKind::kSymptom:
        reads_state = true;
        return kNever;
      case LogicKind::kPriorState: {  // own history: fixed while waiting
        if (!l.within) return kNever;
        // True while `within` has not passed since the entry, then false for good.
        const std::optional<int64_t> entered = prior_entry(l, r);
        if (!entered || t - *entered > *l.within) return kNever;
        return *entered + *l.within + 1;
      }
      default:
        return kNoIdle;
    }
  }

  // When the state PriorState `l` asks about was last entered (none: not since `since`).
  static std::optional<int64_t> prior_entry(const Logic& l, const Run& r) {
    for (size_t k = r.history.size(); k-- > 0;) {
      const auto& [name, entered] = r.history[k];
      if (l.since && name == *l.since) return std::nullopt;
      if (name == l.name) return entered;
    }
    return std::nullopt;
  }

  static bool prior_state(const Logic& l, const Run& r, int64_t t) {
    const std::optional<int64_t> entered = prior_entry(l, r);
    return entered && (!l.within || t - *entered <= *l.within);
  }

  // ---- transitions ---------------------------------------------------------------------
  // A weighted draw; with the weights' running sums (Transition::cumulative) when they are
  // fixed, the same draw against the same sums.
  int32_t pick(const std::vector<WeightedTarget>& weights, const std::vector<double>& cumulative,
               Run& r) {
    if (cumulative.empty()) return pick(weights, nullptr, r);
    const double u = r.rng.uniform();
    for (size_t i = 0; i < cumulative.size(); ++i) {
      if (u < cumulative[i]) return weights[i].target;
    }
    return weights.back().target;
  }

  int32_t pick(const std::vector<WeightedTarget>& weights, const std::vector<double>* given,
               Run& r) {
    const double u = r.rng.uniform();
    double sum = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      double p = given ? (*given)[i] : weights[i].probability;
      if (weights[i].attribute) {
        const Value& v = attributes_[*weights[i].attribute];
        if (v.kind == ValueKind::kNumber) p = v.number;
      }
      sum += p;
      if (u < sum) return weights[i].target;
    }
    return weights.back().target;
  }

  // The person's value of each key column of `table` as a string id (numbers as "%g"
  // text, the way the row was written); false when some value can match no row.
  bool lookup_key(const LookupTable& table, std::vector<uint32_t>& ids) const {
    ids.clear();
    for (const uint32_t attribute : table.key_attributes) {
      const Value& v = attributes_[attribute];
      if (v.kind == ValueKind::kString) {
        ids.push_back(v.id);
      } else if (v.kind == ValueKind::kNumber || v.kind == ValueKind::kBool) {
        // A string whose number is exactly this one is this number's "%g" text.
        const auto n = std::signbit(v.number) ? t_.numbers.end() : t_.numbers.find(v.number);
        if (n != t_.numbers.end()) {
          ids.push_back(n->second);
          continue;
        }
        const auto id = formatted_id(v.number);
        if (!id) return false;
        ids.push_back(*id);
      } else {
        return false;
      }
    }
    return true;
  }

  // The string whose text is the "%g" text of `v`, if any. Formatting is slow and a
  // patient's numeric keys repeat: the last few answers are kept (by the number's bits).
  std::optional<uint32_t> formatted_id(double v) const {
    const auto bits = std::bit_cast<uint64_t>(v);
    for (const Formatted& f : formatted_) {
      if (f.used && f.bits == bits) return f.id;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    const std::optional<uint32_t> id = t_.strings.find(buf);
    formatted_[formatted_next_] = Formatted{bits, id, true};
    formatted_next_ = (formatted_next_ + 1) % formatted_.size();
    return id;
  }

  // The first row (file order) whose keys equal `ids` and whose age/time ranges hold at `t`.
  const LookupTable::Row* lookup_row(const LookupTable& table, int64_t t) {
    const Engine::Tables::TableIndex& index = t_.keys[table.id];
    if (!lookup_key(table, key_scratch_)) return nullptr;
    const auto group = index.groups.find(key_hash(key_scratch_));
    if (group == index.groups.end()) return nullptr;
    const double age = table.has_age ? age_years(t) : 0;
    const int64_t ms = t * 1000;
    const std::vector<uint32_t>& rows = group->second.rows;
    const bool one_key = group->second.one_key;
    if (one_key && index.keys[rows[0]] != key_scratch_) return nullptr;
    if (group->second.time_sorted) {
      // Disjoint ascending time ranges: the last row starting at or before `ms`.
      const auto it = std::upper_bound(rows.begin(), rows.end(), ms, [&](int64_t v, uint32_t row) {
        return v < table.rows[row].time_low;
      });
      if (it == rows.begin()) return nullptr;
      const uint32_t row = *(it - 1);
      if ((!one_key && index.keys[row] != key_scratch_) || ms > table.rows[row].time_high)
        return nullptr;
      return &table.rows[row];
    }
    if (group->second.age_sorted) {  // one key (compared above), disjoint ascending ages
      const auto it = std::upper_bound(rows.begin(), rows.end(), age, [&](double v, uint32_t row) {
        return v < table.rows[row].age_low;
      });
      if (it == rows.begin() || age > table.rows[*(it - 1)].age_high) return nullptr;
      return &table.rows[*(it - 1)];
    }
    for (const uint32_t row : rows) {
      if (!one_key && index.keys[row] != key_scratch_) continue;
      const LookupTable::Row& rw = table.rows[row];
      if (table.has_age && (age < rw.age_low || age > rw.age_high)) continue;
      if (table.has_time && (ms < rw.time_low || ms > rw.time_high)) continue;
      return &rw;
    }
    return nullptr;
  }

  int32_t next_state(const Transition& tr, Run& r, int64_t t) {
    switch (tr.kind) {
      case TransitionKind::kDirect:
        return tr.target;
      case TransitionKind::kDistributed:
        return pick(tr.weights, tr.cumulative, r);
      case TransitionKind::kConditional:
      case TransitionKind::kComplex:
        return conditional_state(tr, r, t);
      case TransitionKind::kLookupTable:
        return lookup_state(tr, r, t);
      case TransitionKind::kTypeOfCare:
        return type_of_care(tr, r, t);
      case TransitionKind::kNone:
        break;
    }
    return kNone;
  }

  // The transitions that need more than a draw, out of line so that next_state stays small.
  [[gnu::noinline]] int32_t conditional_state(const Transition& tr, Run& r, int64_t t) {
    for (const TransitionOption& o : tr.options) {
      if (o.condition && !eval(*o.condition, r, t)) continue;
      return o.target != kNone ? o.target : pick(o.weights, o.cumulative, r);
    }
    const TransitionOption& last = tr.options.back();
    return last.target != kNone ? last.target : pick(last.weights, last.cumulative, r);
  }

  [[gnu::noinline]] int32_t lookup_state(const Transition& tr, Run& r, int64_t t) {
    const LookupTable::Row* row = lookup_row(*tr.table, t);
    if (!row) return pick(tr.weights, tr.cumulative, r);
    probability_scratch_.clear();
    for (int32_t c : tr.table_columns)
      probability_scratch_.push_back(row->probabilities[static_cast<size_t>(c)]);
    return pick(tr.weights, &probability_scratch_, r);
  }

  [[gnu::noinline]] static int32_t type_of_care(const Transition& tr, Run& r, int64_t t) {
    // Telemedicine from March 2020 (Synthea's TelemedicineConfig, simplified).
    const bool tele_era = Instant(t) >= Instant::at(Date::from_civil(2020, 3, 1));
    const double u = r.rng.uniform();
    if (u < 0.1) return tr.emergency;
    if (tele_era && u < 0.35) return tr.telemedicine;
    return tr.ambulatory;
  }

  // ---- entries -------------------------------------------------------------------------
  void name_entry(const ModuleState& s, EntryKind kind, uint32_t index) {
    if (s.name_id < t_.named_slots.size() && t_.named_slots[s.name_id] != kNone) {
      latest_named_[slot(s.name_id, kind)] = index;
    }
    if (s.assign_to_attribute) {
      attributes_[*s.assign_to_attribute] = Value{ValueKind::kEntry, kind, 0, index, nullptr};
    }
  }

  // The entry a *End state refers to: by state name, attribute, or code.
  // `ids`: the entries' code ids when the engine keeps them (else codes are compared).
  std::optional<uint32_t> find_entry(const ModuleState& s, EntryKind kind, const auto& entries,
                                     const std::vector<uint32_t>* ids,
                                     const auto& is_active) const {
    if (s.target_state) {
      const uint32_t index = latest_named_[slot(*s.target_state, kind)];
      if (index == kNoEntry) return std::nullopt;
      return index;
    }
    if (s.referenced_by_attribute) {
      const Value& v = attributes_[*s.referenced_by_attribute];
      if (v.kind == ValueKind::kEntry && v.entry == kind) return v.id;
      return std::nullopt;
    }
    for (size_t i = entries.size(); i-- > 0;) {
      const bool same = ids ? any_id(s.code_ids, (*ids)[i]) : any_code(s.codes, entries[i].code);
      if (same && is_active(entries[i])) return static_cast<uint32_t>(i);
    }
    return std::nullopt;
  }

  std::optional<Code> reason(const ModuleState& s) const {
    if (s.reason_attribute) {
      const Value& v = attributes_[*s.reason_attribute];
      if (v.kind == ValueKind::kEntry && v.entry == EntryKind::kCondition)
        return rec_.conditions[v.id].code;
      if (v.kind == ValueKind::kCode) return *v.code;
    }
    if (s.reason_state) {
      const uint32_t index = latest_named_[slot(*s.reason_state, EntryKind::kCondition)];
      if (index != kNoEntry) return rec_.conditions[index].code;
    }
    return std::nullopt;
  }

  // Where latest_named_ keeps the entry of `kind` last made by a state named `name` (a name
  // some state refers to as target_state or reason_state).
  size_t slot(uint32_t name, EntryKind kind) const {
    return (static_cast<size_t>(t_.named_slots[name]) * kEntryKinds) + static_cast<size_t>(kind);
  }

  void diagnose(const ModuleState& s, Run& r, int64_t t) {
    const uint32_t enc = encounter_for(r, t);
    if (s.type == StateType::kAllergyOnset) {
      allergy_ids_.push_back(s.code_ids[0]);
      record::Allergy& a = rec_.allergies.emplace_back();
      a.encounter = enc;
      a.code = s.codes[0];
      a.category = s.allergy_category;
      a.onset = Instant(t);
      a.reactions = s.reactions;
      name_entry(s, EntryKind::kAllergy, static_cast<uint32_t>(rec_.allergies.size() - 1));
      return;
    }
    const uint32_t code = s.code_ids[0];
    const bool active = std::find(active_condition_ids_.begin(), active_condition_ids_.end(),
                                  code) != active_condition_ids_.end();
    for (size_t i = 0; active && i < rec_.conditions.size(); ++i) {
      if (condition_ids_[i] == code && !rec_.conditions[i].abatement) {
        // Already active: Synthea keeps one entry; refer to it again.
        name_entry(s, EntryKind::kCondition, static_cast<uint32_t>(i));
        return;
      }
    }
    condition_ids_.push_back(s.code_ids[0]);
    active_condition_ids_.push_back(s.code_ids[0]);
    record::Condition& c = rec_.conditions.emplace_back();
    c.encounter = enc;
    c.code = s.codes[0];
    c.onset = Instant(t);
    name_entry(s, EntryKind::kCondition, static_cast<uint32_t>(rec_.conditions.size() - 1));
  }

  // Synthea's diabetes attributes, set by metabolic_syndrome_disease (true or false).
  detail::Glycemia glycemia() const {
    auto set = [&](uint32_t id) {
      if (id + 1 >= attributes_.size()) return false;  // the scratch slot: no module names it
      const Value& v = attributes_[id];
      return v.kind != ValueKind::kNil && !(v.kind == ValueKind::kBool && v.number == 0);
    };
    if (set(t_.diabetes)) return detail::Glycemia::kDiabetes;
    if (set(t_.prediabetes)) return detail::Glycemia::kPrediabetes;
    return detail::Glycemia::kNormal;
  }

  void observe(const ObservationBody& b, Run& r, int64_t t, record::Observation& o) {
    o.code = b.codes[0];
    o.category = b.category;
    o.effective = Instant(t);
    observe_value(b, r, t, o);
  }

  // Builds the quantity in place (no temporary to move from).
  static void set_quantity(std::optional<record::Quantity>& q, double value, int decimals,
                           const std::string& unit) {
    record::Quantity& x = q.emplace();
    x.value = value;
    x.decimals = decimals;
    x.unit = unit;
  }

  // The value of an observation or of a panel's component (which has no text value).
  template <class Out>
  void observe_value(const ObservationBody& b, Run& r, int64_t t, Out& o) {
    constexpr bool kText = requires {
      o.value_text;
    };
    switch (b.source) {
      case ObsSource::kDistribution:
        set_quantity(o.quantity, round_to(draw(b.distribution, r.rng), b.decimals), b.decimals,
                     b.unit);
        break;
      case ObsSource::kVitalSign:
        set_quantity(o.quantity, round_to(vitals_.at(b.vital, Instant(t), glycemia()), 1), 1,
                     b.unit);
        break;
      case ObsSource::kAttribute: {
        const Value& v = attributes_[b.attribute];
        if (v.kind == ValueKind::kNumber)
          set_quantity(o.quantity, round_to(v.number, 2), 2, b.unit);
        if (v.kind == ValueKind::kCode) o.value_code = *v.code;
        if constexpr (kText) {
          if (v.kind == ValueKind::kString) o.value_text = std::string(text(v.id));
          if (v.kind == ValueKind::kBool) o.value_text = v.number != 0 ? "true" : "false";
        }
        break;
      }
      case ObsSource::kValueCode:
        o.value_code = b.value_code;
        break;
      case ObsSource::kText:
        if constexpr (kText) o.value_text = b.text;
        break;
      default:
        break;
    }
  }

  uint32_t add_observation(const ObservationBody& b, Run& r, int64_t t, uint32_t enc) {
    record::Observation& o = rec_.observations.emplace_back();
    o.encounter = enc;
    observe(b, r, t, o);
    const auto index = static_cast<uint32_t>(rec_.observations.size() - 1);
    module_observations_.push_back(index);
    module_observation_ids_.push_back(b.code_ids[0]);
    return index;
  }

  std::string udi(Run& r, int64_t t) {
    std::string s = "(01)";
    for (int i = 0; i < 14; ++i) s.push_back(static_cast<char>('0' + r.rng.uniform_int(0, 9)));
    s += "(11)";
    const CivilDate c = Instant(t).date().civil();
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d%02d%02d", c.year % 100, c.month, c.day);
    s += buf;
    return s;
  }

  enum class Outcome : uint8_t { kNext, kBlock, kEnter, kTerminal, kStop };

  // A Delay of fixed length `d` that loops back to itself through a lookup table with
  // time ranges, before the table's first time range: every expiry takes the default
  // transition back to the same state (one uniform draw each) and touches nothing
  // shared. Jump over those rounds at once: the same draws, the last entry kept in the
  // history (PriorState reads only the latest), the Delay re-entered at its last round.
  void fast_forward(const ModuleState& s, Run& r, Frame& f, int64_t d) {
    const Transition& tr = s.transition;
    if (tr.kind != TransitionKind::kLookupTable || !tr.table->has_time ||
        s.distribution->kind != DistKind::kExact || r.encounter != kNone || lock_ == &r) {
      return;
    }
    // The default pick must return this state whatever the draw.
    for (const WeightedTarget& w : tr.weights) {
      if (w.attribute) return;
      if (w.target == f.state && w.probability >= 1) break;
      if (w.probability != 0) return;
    }
    const int64_t first = t_.keys[tr.table->id].first_time_ms;
    int64_t limit = std::min(in_.end.seconds(), death_ ? death_->seconds() : kNever);
    if (first != std::numeric_limits<int64_t>::max()) limit = std::min(limit, (first - 1) / 1000);
    int64_t rounds = 0;
    while (f.until + d <= limit && f.until * 1000 < first) {
      r.rng.uniform();
      f.until += d;
      ++rounds;
    }
    if (rounds > 0) remember(r, s.name_id, f.until - d);
  }

  // The first step at or after `t` (steps run every kStep from birth).
  int64_t step_at(int64_t t) const {
    const int64_t birth = rec_.person.birth_time.seconds();
    if (t <= birth) return birth;
    return birth + (t - birth + kStep - 1) / kStep * kStep;
  }

  // Run-ahead: a module just entered a Delay whose module-private chain (Delay and Simple
  // states, Tables::private_states) reads nothing another module or step can change but
  // the yearly lifecycle attributes. Play it ahead now, as each expiry would have run at
  // its step: the same draws from the module's own stream in the same order, expiry times
  // chained exactly. Stop before the first expiry whose step is at or after the next
  // yearly update (unless no chain of the module reads what it changes: kNotYearly), the
  // end of the record or a known death, or on reaching a state outside the chain: the
  // module then waits in the last Delay, holding the drawn target in `f.next`, and wakes
  // at the step and time it would have (weekly "chance of" loops cost one wake per year,
  // or none, instead of one per round). Off when module stats are collected:
  // states entered ahead would be counted even if a later death cut them off.
  void run_ahead(Run& r, Frame& f) {
    if (stats_on_ || r.encounter != kNone || lock_ == &r) return;
    const HotState* hot = f.hot;
    auto chain = [&](int32_t state) { return (hot[state].flags & HotState::kPrivate) != 0; };
    if (!chain(f.state)) return;
    const Module& m = *f.module;
    // An expiry's step (step_at) is past the end, at or after the next yearly update or at
    // or after a known death exactly when it is at or after `stop` (a step), that is when
    // the expiry is after `last` (expiries are never before birth).
    int64_t stop = step_at(in_.end.seconds() + 1);
    if (!(hot[f.state].flags & HotState::kNotYearly)) stop = std::min(stop, step_at(next_year_));
    if (death_) stop = std::min(stop, step_at(death_->seconds()));
    const int64_t last = stop - kStep;
    int32_t delay = f.state;
    int64_t until = f.until;
    int64_t transitions = 0;
    for (;;) {
      if (until > last) break;  // wait in `delay` as usual
      int32_t state = delay;
      do {
        // A chain that spins without time passing is left to process(), which reports it.
        if (++transitions > kMaxTransitionsPerStep) break;
        const int32_t next = next_state(m.states[static_cast<size_t>(state)].transition, r, until);
        if (!chain(next)) {
          f.state = delay;
          f.until = until;
          f.next = next;
          return;
        }
        state = next;
        remember(r, hot[state], until);
      } while (hot[state].type != StateType::kDelay);
      if (transitions > kMaxTransitionsPerStep) break;
      const ModuleState& d = m.states[static_cast<size_t>(state)];
      const int64_t length =
          d.distribution ? static_cast<int64_t>(draw(*d.distribution, r.rng) * d.unit_seconds) : 0;
      delay = state;
      until += std::max<int64_t>(0, length);
    }
    f.state = delay;
    f.until = until;
  }

  // Runs the current state at time `t` (may move `t` forward for waits that end).
  Outcome run_state(Run& r, int64_t& t, int64_t step) {
    Frame& f = r.stack.back();
    const HotState& h = f.hot[f.state];
    const bool fresh = f.fresh;
    f.fresh = false;
    if (h.touch == HotState::kTouchAttribute) {
      touch(h.attribute, h.writes, h.condition);
    } else if (h.type == StateType::kEncounter && !diagnoses_waiting(r, h.name_id)) {
      // Without diagnoses waiting for it, an encounter changes nothing guards read.
    } else if (h.touch == HotState::kTouchAny) {
      touch(std::nullopt, h.writes, h.condition);
    }
    switch (h.type) {
      case StateType::kInitial:
      case StateType::kSimple:
      case StateType::kPhysiology:
        return Outcome::kNext;
      case StateType::kTerminal:
        return Outcome::kTerminal;
      default:
        break;
    }
    const ModuleState& s = f.module->states[static_cast<size_t>(f.state)];
    // h.type is s.type, already in cache: dispatch without waiting for the (large) state.
    switch (h.type) {
      case StateType::kGuard:
        if (eval(*s.allow, r, t)) return Outcome::kNext;
        sleep_on_guard(*s.allow, t_.guards[h.guard], r, t, step);
        return Outcome::kBlock;
      case StateType::kDelay:
      case StateType::kProcedure: {
        if (fresh) {
          const int64_t d =
              s.distribution ? static_cast<int64_t>(draw(*s.distribution, r.rng) * s.unit_seconds)
                             : 0;
          f.until = t + std::max<int64_t>(0, d);
          if (h.type == StateType::kProcedure) procedure(s, r, t, f.until);
          if (h.type == StateType::kDelay && d > 0) fast_forward(s, r, f, d);
          if (h.type == StateType::kDelay) run_ahead(r, f);
        }
        if (f.until <= t) return Outcome::kNext;
        if (f.until <= step) {
          t = f.until;  // expired between steps: continue at the exact time
          return Outcome::kNext;
        }
        block(r, f.until, true, t);
        return Outcome::kBlock;
      }
      case StateType::kSetAttribute:
        set_attribute(s, r);
        return Outcome::kNext;
      case StateType::kCounter: {
        Value& v = attributes_[s.attribute];
        const double base = v.kind == ValueKind::kNumber ? v.number : 0;
        v = Value::of_number(base + s.amount);
        return Outcome::kNext;
      }
      case StateType::kCallSubmodule:
        if (!fresh) return Outcome::kNext;  // the submodule has finished
        r.stack.push_back({lib_.submodules()[static_cast<size_t>(s.submodule)].get(),
                           t_.submodule_hot[static_cast<size_t>(s.submodule)].data(), 0, true, 0});
        return Outcome::kEnter;
      case StateType::kEncounter:
        return encounter(s, r, t, step);
      case StateType::kEncounterEnd:
        if (r.encounter != kNone) {
          if (!is_wellness(r.encounter)) end_encounter(static_cast<uint32_t>(r.encounter), t);
          if (lock_ == &r) lock_ = nullptr;
          r.encounter = kNone;
        }
        return Outcome::kNext;
      case StateType::kDeath:
        if (s.delayed_death && s.distribution) {
          const int64_t when =
              t + static_cast<int64_t>(draw(*s.distribution, r.rng) * s.unit_seconds);
          if (!death_ || when < death_->seconds()) death_ = Instant(when);
          return Outcome::kNext;
        }
        if (!death_ || t < death_->seconds()) death_ = Instant(t);
        return Outcome::kStop;
      default:
        clinical(s, r, t);
        return Outcome::kNext;
    }
  }

  static bool diagnoses_waiting(const Run& r, uint32_t encounter) {
    return std::any_of(r.pending.begin(), r.pending.end(),
                       [&](const Pending& p) { return p.target == encounter; });
  }

  // Drops one entry of code id `id` from active_condition_ids_ (a condition just ended).
  void end_active_condition(uint32_t id) {
    auto it = std::find(active_condition_ids_.begin(), active_condition_ids_.end(), id);
    if (it == active_condition_ids_.end()) return;
    *it = active_condition_ids_.back();
    active_condition_ids_.pop_back();
  }

  void finish(Run& r) {
    r.done = true;
    set_due(r.index, kNever);
  }

  void block(Run& r, int64_t wake, bool at_wake, int64_t t) {
    r.wake = wake;
    set_due(r.index, wake);
    r.resume_at_wake = at_wake;
    // A module waiting on a guard or for over 30 days inside its encounter lets go of
    // the one-encounter lock (an approximation; see docs/modules.md).
    if (lock_ == &r && (!at_wake || wake - t > kLongWait)) lock_ = nullptr;
  }

  Outcome encounter(const ModuleState& s, Run& r, int64_t& t, int64_t step) {
    if (s.wellness) {
      // Each wellness visit is joined at most once per module (Synthea's per-module
      // "active wellness encounter" flag); one that began within the last step counts.
      auto it = std::lower_bound(
          in_.wellness.begin(), in_.wellness.end(), t - kStep,
          [&](uint32_t e, int64_t v) { return rec_.encounters[e].start.seconds() < v; });
      const auto after = in_.wellness.begin() + r.wellness_joined;
      if (it < after) it = after;
      if (it == in_.wellness.end()) {
        block(r, kNever, false, t);
        return Outcome::kBlock;
      }
      const int64_t start = rec_.encounters[*it].start.seconds();
      if (start > step) {
        block(r, start, true, t);
        return Outcome::kBlock;
      }
      t = std::max(t, start);
      r.encounter = static_cast<int32_t>(*it);
      r.wellness_joined = static_cast<size_t>(it - in_.wellness.begin()) + 1;
    } else {
      if (lock_ && lock_ != &r) {
        block(r, step + kStep, false, t);
        return Outcome::kBlock;
      }
      if (r.encounter != kNone && !is_wellness(r.encounter))
        end_encounter(static_cast<uint32_t>(r.encounter), t);
      const uint32_t e = new_encounter(Instant(t), record_class(s.encounter_class), s.codes[0]);
      rec_.encounters[e].reason = reason(s);
      r.encounter = static_cast<int32_t>(e);
      lock_ = &r;
    }
    r.encounter_state = s.name_id;
    // Diagnose what was waiting for this encounter.
    for (size_t i = 0; i < r.pending.size();) {
      if (r.pending[i].target == s.name_id) {
        diagnose(*r.pending[i].state, r, t);
        r.pending.erase(r.pending.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
    return Outcome::kNext;
  }

  void procedure(const ModuleState& s, Run& r, int64_t t, int64_t until) {
    record::Procedure& p = rec_.procedures.emplace_back();
    p.encounter = encounter_for(r, t);
    p.code = s.codes[0];
    p.start = Instant(t);
    p.end = Instant(std::max(until, t));
    p.reason = reason(s);
    name_entry(s, EntryKind::kProcedure, static_cast<uint32_t>(rec_.procedures.size() - 1));
  }

  void set_attribute(const ModuleState& s, Run& r) {
    Value& v = attributes_[s.attribute];
    if (s.value) {
      v = *s.value;
    } else if (s.value_attribute) {
      v = attributes_[*s.value_attribute];
    } else if (s.distribution) {
      double x = draw(*s.distribution, r.rng);
      if (s.decimals >= 0) x = round_to(x, s.decimals);
      v = Value::of_number(x);
    } else {
      v = Value{};
    }
  }

  void clinical(const ModuleState& s, Run& r, int64_t t) {
    switch (s.type) {
      case StateType::kConditionOnset:
      case StateType::kAllergyOnset:
        if (s.target_encounter &&
            !(r.encounter != kNone && r.encounter_state == *s.target_encounter)) {
          r.pending.push_back({&s, *s.target_encounter});
        } else {
          diagnose(s, r, t);
        }
        break;
      case StateType::kConditionEnd:
        if (auto i = find_entry(s, EntryKind::kCondition, rec_.conditions, &condition_ids_,
                                [](const auto& e) { return !e.abatement; })) {
          if (!rec_.conditions[*i].abatement) {
            rec_.conditions[*i].abatement = Instant(t);
            end_active_condition(condition_ids_[*i]);
          }
        }
        break;
      case StateType::kAllergyEnd:
        if (auto i = find_entry(s, EntryKind::kAllergy, rec_.allergies, &allergy_ids_,
                                [](const auto& e) { return !e.resolved; })) {
          if (!rec_.allergies[*i].resolved) rec_.allergies[*i].resolved = Instant(t);
        }
        break;
      case StateType::kMedicationOrder: {
        medication_ids_.push_back(s.code_ids[0]);
        record::Medication& m = rec_.medications.emplace_back();
        m.encounter = encounter_for(r, t);
        m.code = s.codes[0];
        m.start = Instant(t);
        m.reason = reason(s);
        m.dose = s.dose;
        m.frequency = s.frequency;
        m.period = s.period;
        m.period_unit = s.period_unit;
        m.as_needed = s.as_needed;
        m.chronic = s.chronic;
        name_entry(s, EntryKind::kMedication, static_cast<uint32_t>(rec_.medications.size() - 1));
        break;
      }
      case StateType::kMedicationEnd:
        if (auto i = find_entry(s, EntryKind::kMedication, rec_.medications, &medication_ids_,
                                [](const auto& e) { return !e.stop; })) {
          if (!rec_.medications[*i].stop) rec_.medications[*i].stop = Instant(t);
        }
        break;
      case StateType::kCarePlanStart: {
        care_plan_ids_.push_back(s.code_ids[0]);
        record::CarePlan& c = rec_.care_plans.emplace_back();
        c.encounter = encounter_for(r, t);
        c.code = s.codes[0];
        c.start = Instant(t);
        c.activities = s.activities;
        c.reason = reason(s);
        name_entry(s, EntryKind::kCarePlan, static_cast<uint32_t>(rec_.care_plans.size() - 1));
        break;
      }
      case StateType::kCarePlanEnd:
        if (auto i = find_entry(s, EntryKind::kCarePlan, rec_.care_plans, &care_plan_ids_,
                                [](const auto& e) { return !e.stop; })) {
          if (!rec_.care_plans[*i].stop) rec_.care_plans[*i].stop = Instant(t);
        }
        break;
      case StateType::kObservation: {
        const uint32_t o = add_observation(s.observation, r, t, encounter_for(r, t));
        name_entry(s, EntryKind::kObservation, o);
        break;
      }
      case StateType::kMultiObservation: {
        const uint32_t enc = encounter_for(r, t);  // may add an encounter, not an observation
        record::Observation& panel = rec_.observations.emplace_back();
        panel.encounter = enc;
        panel.code = s.codes[0];
        panel.category = s.observation.category;
        panel.effective = Instant(t);
        panel.components.reserve(s.observations.size());
        for (const ObservationBody& b : s.observations) {
          record::ObservationComponent& part = panel.components.emplace_back();
          part.code = b.codes[0];
          observe_value(b, r, t, part);
        }
        module_observations_.push_back(static_cast<uint32_t>(rec_.observations.size() - 1));
        module_observation_ids_.push_back(s.code_ids[0]);
        break;
      }
      case StateType::kDiagnosticReport: {
        const uint32_t enc = encounter_for(r, t);
        record::DiagnosticReport report;
        report.encounter = enc;
        report.code = s.codes[0];
        report.effective = Instant(t);
        report.results.reserve(s.observations.size());
        for (const ObservationBody& b : s.observations)
          report.results.push_back(add_observation(b, r, t, enc));
        rec_.reports.push_back(std::move(report));
        break;
      }
      case StateType::kImagingStudy: {
        const uint32_t enc = encounter_for(r, t);
        const auto n =
            r.rng.uniform_int(std::max(1, s.min_series), std::max({1, s.min_series, s.max_series}));
        for (int64_t i = 0; i < n; ++i) {
          const ImagingSeries& series = s.series[static_cast<size_t>(i) % s.series.size()];
          record::ImagingStudy& study = rec_.imaging_studies.emplace_back();
          study.encounter = enc;
          study.started = Instant(t);
          study.procedure = *s.procedure_code;
          study.modality = series.modality;
          study.body_site = series.body_site;
          study.sop_class = series.sop_classes[0];
          study.instances = static_cast<uint32_t>(
              r.rng.uniform_int(std::max(1, series.min_instances),
                                std::max({1, series.min_instances, series.max_instances})));
        }
        record::Procedure& p = rec_.procedures.emplace_back();
        p.encounter = enc;
        p.code = *s.procedure_code;
        p.start = Instant(t);
        p.end = Instant(t + int64_t{30} * 60);
        break;
      }
      case StateType::kDevice: {
        record::Device& d = rec_.devices.emplace_back();
        d.encounter = encounter_for(r, t);
        d.code = *s.device_code;
        d.start = Instant(t);
        d.udi = udi(r, t);
        name_entry(s, EntryKind::kDevice, static_cast<uint32_t>(rec_.devices.size() - 1));
        break;
      }
      case StateType::kDeviceEnd:
        if (auto i = find_entry(s, EntryKind::kDevice, rec_.devices, nullptr,
                                [](const auto& e) { return !e.stop; })) {
          if (!rec_.devices[*i].stop) rec_.devices[*i].stop = Instant(t);
        }
        break;
      case StateType::kSupplyList: {
        const uint32_t enc = encounter_for(r, t);
        for (const Supply& x : s.supplies) {
          rec_.supplies.push_back({enc, x.code, Instant(t), static_cast<double>(x.quantity)});
        }
        break;
      }
      case StateType::kSymptom:
        if (r.rng.bernoulli(s.probability)) symptoms_[s.symptom] = draw(*s.distribution, r.rng);
        break;
      case StateType::kVitalSign:
        vitals_.set(s.vital, draw(*s.distribution, r.rng));
        break;
      case StateType::kVaccine: {
        record::Immunization& i = rec_.immunizations.emplace_back();
        i.encounter = encounter_for(r, t);
        i.code = s.codes[0];
        i.date = Instant(t);
        break;
      }
      default:
        break;
    }
  }

  void enter(Run& r, int32_t state, int64_t t) {
    Frame& f = r.stack.back();
    f.state = state;
    f.fresh = true;
    remember(r, f.hot[state], t);
    mark(r, f.module, state);
  }

  // History entries matter only to PriorState, which skips names it does not ask about.
  void remember(Run& r, uint32_t name, int64_t t) {
    if (name < t_.prior_names.size() && t_.prior_names[name]) r.history.emplace_back(name, t);
  }
  static void remember(Run& r, const HotState& h, int64_t t) {
    if (h.flags & HotState::kRemember) r.history.emplace_back(h.name_id, t);
  }

  void mark(Run& r, const Module* m, int32_t state) {
    if (!stats_on_) return;
    entered_.emplace_back(m, state);
  }

  void process(Run& r, int64_t step) {
    r.state_wait = false;
    unlist_attribute_waiter(r);
    int64_t t = r.resume_at_wake ? r.wake : step;
    if (!r.started) {
      r.started = true;
      remember(r, r.stack.front().hot[0], t);
      mark(r, r.module, 0);
    }
    for (int n = 0; n < kMaxTransitionsPerStep; ++n) {
      const Outcome o = run_state(r, t, step);
      switch (o) {
        case Outcome::kBlock:
          return;
        case Outcome::kStop:
          finish(r);
          return;
        case Outcome::kEnter: {
          const Frame& sub = r.stack.back();
          remember(r, sub.hot[0], t);
          mark(r, sub.module, 0);
          continue;
        }
        case Outcome::kTerminal:
          if (r.stack.size() > 1) {
            r.stack.pop_back();  // back in the caller's CallSubmodule state
            continue;
          }
          if (r.encounter != kNone && !is_wellness(r.encounter)) {
            end_encounter(static_cast<uint32_t>(r.encounter), t);
          }
          if (lock_ == &r) lock_ = nullptr;
          r.encounter = kNone;
          finish(r);
          return;
        case Outcome::kNext: {
          Frame& f = r.stack.back();
          const HotState& h = f.hot[f.state];
          int32_t next = f.next;
          if (next == kNone) {
            next =
                h.transition == TransitionKind::kDirect
                    ? h.target
                    : next_state(f.module->states[static_cast<size_t>(f.state)].transition, r, t);
          }
          f.next = kNone;
          enter(r, next, t);
          break;
        }
      }
      if (death_ && death_->seconds() <= t) {
        finish(r);
        return;
      }
    }
    fail(ErrorKind::kModule, r.module->file + ": more than " +
                                 std::to_string(kMaxTransitionsPerStep) +
                                 " transitions in one step (a loop without delay)");
  }

 public:
  void enable_stats() { stats_on_ = true; }

 private:
  void record_stats(ModuleStats& stats) {
    // Count each (module, state) once per patient.
    std::sort(entered_.begin(), entered_.end());
    entered_.erase(std::unique(entered_.begin(), entered_.end()), entered_.end());
    for (const auto& [m, state] : entered_) stats.add(*m, static_cast<size_t>(state));
  }

  const ModuleLibrary& lib_;
  const Engine::Tables& t_;
  record::PatientRecord& rec_;
  const EngineInput& in_;
  Rng services_rng_;
  detail::VitalSigns vitals_;
  LifeBuffers& buffers_;  ///< the thread's: swapped in (and back) with the vectors it holds
  std::vector<Run> runs_;
  /// By run: when it is next due (kNever once done and for the padding to whole blocks),
  /// and by block of kDueBlock runs the earliest of those: scanned at every step.
  static constexpr size_t kDueBlock = 8;
  std::vector<int64_t> due_;
  std::vector<int64_t> due_low_;
  std::vector<Value> attributes_;
  std::vector<double> symptoms_;
  /// By slot (Tables::named_slots) and entry kind: the latest entry a state of that name
  /// made (kNoEntry when none).
  std::vector<uint32_t> latest_named_;
  std::vector<uint32_t> module_observations_;
  /// Library code ids (ModuleLibrary::code_ids) parallel to module_observations_ and to
  /// the record's conditions, medications, care plans and allergies (all made here).
  std::vector<uint32_t> module_observation_ids_;
  std::vector<uint32_t> condition_ids_, medication_ids_, care_plan_ids_, allergy_ids_;
  /// The code ids of the record's conditions without abatement (a multiset, any order):
  /// Active Condition by codes scans these instead of every condition.
  std::vector<uint32_t> active_condition_ids_;
  const Run* lock_ = nullptr;
  int32_t latest_module_ = kNone;
  std::optional<Instant> death_;
  size_t ses_ = 1;
  double smoker_draw_ = 0;
  /// lifecycle_year: the risk band last computed (-1: none yet) and its per-step risks
  /// (atrial fibrillation, myocardial infarction, ischemic heart disease, stroke).
  double risk_band_ = -1;
  std::array<double, 4> risks_{};
  size_t wellness_count_ = 0;
  bool stats_on_ = false;
  std::vector<std::pair<const Module*, int32_t>> entered_;
  CivilDate birth_civil_;
  mutable Ages ages_;  ///< cache of ages(t), for the day ages_day_
  mutable int32_t ages_day_ = std::numeric_limits<int32_t>::min();
  /// The time ages() was last asked about and the entry it returned.
  mutable int64_t last_age_time_ = std::numeric_limits<int64_t>::min();
  mutable Year year_;  ///< cache of civil(day), and the year it held before
  mutable Year other_year_;
  /// Runs asleep in a guard reading, besides time, only attributes: by attribute id, a
  /// bit per run (Run::index) whose guard reads it, mask_words_ words each; and the union.
  std::vector<uint64_t> attribute_waiters_;
  std::vector<uint64_t> attribute_waiting_;
  size_t mask_words_ = 0;
  /// Runs asleep in a guard that reads more than attributes and that state changes may
  /// wake (entries may be stale: see wake_waiters).
  std::vector<Run*> state_waiters_;
  int64_t step_ = 0;       ///< the step being processed
  int64_t next_year_ = 0;  ///< when the next yearly lifecycle update is due
  std::vector<uint32_t> key_scratch_;
  struct Formatted {
    uint64_t bits = 0;
    std::optional<uint32_t> id;
    bool used = false;
  };
  mutable std::array<Formatted, 4> formatted_;  ///< cache of formatted_id
  mutable size_t formatted_next_ = 0;
  std::vector<double> probability_scratch_;
};

}  // namespace

ModuleStats::ModuleStats(const ModuleLibrary& library) : library_(library) {
  auto make = [&](const Module& m) {
    auto counts = std::make_unique<std::atomic<uint64_t>[]>(m.states.size());
    for (size_t i = 0; i < m.states.size(); ++i) counts[i].store(0);
    counts_.emplace(&m, std::move(counts));
  };
  for (const auto& m : library.modules()) make(*m);
  for (const auto& m : library.submodules()) make(*m);
}

void ModuleStats::add(const Module& module, size_t state) {
  counts_.at(&module)[state].fetch_add(1, std::memory_order_relaxed);
}

uint64_t ModuleStats::entered(const Module& module, size_t state) const {
  return counts_.at(&module)[state].load(std::memory_order_relaxed);
}

uint64_t ModuleStats::entered(StateType type) const {
  uint64_t total = 0;
  for (const auto& [m, counts] : counts_) {
    for (size_t i = 0; i < m->states.size(); ++i) {
      if (m->states[i].type == type) total += counts[i].load(std::memory_order_relaxed);
    }
  }
  return total;
}

std::string ModuleStats::json() const {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("modules");
  w.begin_object();
  auto write = [&](const Module& m) {
    w.key(m.key);
    w.begin_object();
    for (size_t i = 0; i < m.states.size(); ++i) w.field(m.states[i].name, entered(m, i));
    w.end_object();
  };
  for (const auto& m : library_.modules()) write(*m);
  for (const auto& m : library_.submodules()) write(*m);
  w.end_object();
  w.key("state_types");
  w.begin_object();
  for (size_t t = 0; t < static_cast<size_t>(StateType::kCount); ++t) {
    w.field(to_string(static_cast<StateType>(t)), entered(static_cast<StateType>(t)));
  }
  w.end_object();
  w.end_object();
  out.push_back('\n');
  return out;
}

Engine::Engine(std::shared_ptr<const ModuleLibrary> library)
    : library_(std::move(library)), tables_(std::make_unique<Tables>()) {
  Tables& t = *tables_;
  const ModuleLibrary& lib = *library_;
  for (size_t i = 0; i < lib.strings().size(); ++i)
    t.strings.intern(lib.strings().name(static_cast<uint32_t>(i)));
  // Attributes no module names share one scratch slot past the library's ids.
  auto attr = [&](std::string_view name) -> uint32_t {
    const auto id = lib.attributes().find(name);
    return id ? *id : static_cast<uint32_t>(lib.attributes().size());  // the scratch slot
  };
  t.gender = attr("gender");
  t.race = attr("race");
  t.ethnicity = attr("ethnicity");
  t.state = attr("state");
  t.ses = attr("socioeconomic_category");
  t.smoker = attr("smoker");
  t.insurance = attr("insurance_status");
  t.first_language = attr("first_language");
  t.rh_neg = attr("RH_NEG");
  t.sexual_orientation = attr("sexual_orientation");
  t.mi_risk = attr("mi_risk");
  t.ihd_risk = attr("ihd_risk");
  t.stroke_risk = attr("stroke_risk");
  t.afib_risk = attr("atrial_fibrillation_risk");
  t.income = attr("income");
  t.education = attr("education");
  t.poverty_ratio = attr("poverty_ratio");
  t.marital = attr("marital_status");
  t.diabetes = attr("diabetes");
  t.prediabetes = attr("prediabetes");
  t.male = t.strings.intern("M");
  t.female = t.strings.intern("F");
  static constexpr std::array<std::string_view, 6> kRaces = {"white",  "black",    "asian",
                                                             "native", "hawaiian", "other"};
  for (size_t i = 0; i < kRaces.size(); ++i) t.races[i] = t.strings.intern(kRaces[i]);
  t.hispanic = t.strings.intern("hispanic");
  t.nonhispanic = t.strings.intern("nonhispanic");
  t.ses_values = {t.strings.intern("Low"), t.strings.intern("Middle"), t.strings.intern("High")};
  t.medicare = t.strings.intern("medicare");
  t.medicaid = t.strings.intern("medicaid");
  t.private_insurance = t.strings.intern("private");
  t.strings.intern("none");
  t.married = t.strings.intern("M");
  t.single = t.strings.intern("S");
  t.english = t.strings.intern("english");
  t.spanish = t.strings.intern("spanish");
  t.orientations = {t.strings.intern("heterosexual"), t.strings.intern("homosexual"),
                    t.strings.intern("bisexual")};
  t.educations = {t.strings.intern("less_than_hs"), t.strings.intern("hs_degree"),
                  t.strings.intern("some_college"), t.strings.intern("bs_degree")};
  std::vector<uint8_t> indexed;
  auto collect = [&](const Module& m) {
    for (const ModuleState& s : m.states) {
      const LookupTable* table = s.transition.table;
      if (!table) continue;
      if (indexed.size() <= table->id) indexed.resize(table->id + 1, 0);
      if (t.keys.size() <= table->id) t.keys.resize(table->id + 1);
      if (indexed[table->id]) continue;
      indexed[table->id] = 1;
      auto& index = t.keys[table->id];
      for (const auto& row : table->rows) {
        std::vector<uint32_t> ids;
        for (const std::string& k : row.keys) ids.push_back(t.strings.intern(k));
        const auto row_index = static_cast<uint32_t>(index.keys.size());
        index.groups[key_hash(ids)].rows.push_back(row_index);
        index.keys.push_back(std::move(ids));
        if (table->has_time) index.first_time_ms = std::min(index.first_time_ms, row.time_low);
      }
      for (auto& [hash, group] : index.groups) {
        const std::vector<uint32_t>& rows = group.rows;
        group.one_key = std::all_of(rows.begin(), rows.end(), [&](uint32_t row) {
          return index.keys[row] == index.keys[rows[0]];
        });
        bool sorted = table->has_time && !table->has_age;
        for (size_t k = 0; sorted && k < rows.size(); ++k) {
          const LookupTable::Row& row = table->rows[rows[k]];
          sorted = row.time_low <= row.time_high && index.keys[rows[k]] == index.keys[rows[0]] &&
                   (k == 0 || table->rows[rows[k - 1]].time_high < row.time_low);
        }
        group.time_sorted = sorted;
        bool by_age = table->has_age && !table->has_time;
        for (size_t k = 0; by_age && k < rows.size(); ++k) {
          const LookupTable::Row& row = table->rows[rows[k]];
          by_age = row.age_low <= row.age_high && index.keys[rows[k]] == index.keys[rows[0]] &&
                   (k == 0 || table->rows[rows[k - 1]].age_high < row.age_low);
        }
        group.age_sorted = by_age;
      }
    }
  };
  for (const auto& m : lib.modules()) collect(*m);
  for (const auto& m : lib.submodules()) collect(*m);
  for (uint32_t id = 0; id < t.strings.size(); ++id) {
    const std::string& text = t.strings.name(id);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) continue;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    if (text == buf) t.numbers.emplace(v, id);
  }
  for (const auto& m : lib.modules()) note_prior_names(*m, t.prior_names);
  for (const auto& m : lib.submodules()) note_prior_names(*m, t.prior_names);
  const auto chains = private_states(lib);
  // Whether a run-ahead state's transition reads an attribute lifecycle_year changes.
  const std::array<uint32_t, 7> yearly = {t.smoker,  t.insurance, t.marital,    t.afib_risk,
                                          t.mi_risk, t.ihd_risk,  t.stroke_risk};
  for (const uint32_t a : yearly) {
    if (a < lib.attributes().size() && !any_id(t.yearly_attributes, a))
      t.yearly_attributes.push_back(a);
  }
  auto is_yearly = [&](uint32_t a) {
    return std::find(yearly.begin(), yearly.end(), a) != yearly.end();
  };
  auto weights_yearly = [&](const std::vector<WeightedTarget>& weights) {
    return std::any_of(weights.begin(), weights.end(), [&](const WeightedTarget& w) {
      return w.attribute && is_yearly(*w.attribute);
    });
  };
  auto reads_yearly = [&](const ModuleState& s) {
    const Transition& tr = s.transition;
    if (weights_yearly(tr.weights)) return true;
    for (const TransitionOption& o : tr.options) {
      if (weights_yearly(o.weights)) return true;
    }
    return tr.table &&
           std::any_of(tr.table->key_attributes.begin(), tr.table->key_attributes.end(), is_yearly);
  };
  auto hot = [&](const Module& m) {
    const std::vector<uint8_t>& chain = chains.at(&m);
    bool chain_yearly = false;
    for (size_t i = 0; i < m.states.size(); ++i) {
      if (chain[i] && reads_yearly(m.states[i])) chain_yearly = true;
    }
    std::vector<HotState> out;
    out.reserve(m.states.size());
    for (size_t i = 0; i < m.states.size(); ++i) {
      const ModuleState& s = m.states[i];
      HotState& h = out.emplace_back();
      h.type = s.type;
      h.transition = s.transition.kind;
      h.target = s.transition.target;
      h.name_id = s.name_id;
      h.writes = state_writes(s.type);
      h.condition = condition_written(s);
      if (s.type == StateType::kGuard && s.allow) {
        h.guard = static_cast<uint32_t>(t.guards.size());
        t.guards.push_back(guard_reads_of(*s.allow));
      }
      if (s.name_id < t.prior_names.size() && t.prior_names[s.name_id])
        h.flags |= HotState::kRemember;
      if (chain[i]) h.flags |= HotState::kPrivate;
      if (chain[i] && !chain_yearly) h.flags |= HotState::kNotYearly;
      if (s.type == StateType::kSetAttribute || s.type == StateType::kCounter) {
        h.touch = HotState::kTouchAttribute;
        h.attribute = s.attribute;
      } else if (may_change_state(s.type)) {
        // The only attribute a clinical state writes.
        h.touch = s.assign_to_attribute ? HotState::kTouchAttribute : HotState::kTouchAny;
        h.attribute = s.assign_to_attribute.value_or(0);
      }
    }
    return out;
  };
  for (const auto& m : lib.modules()) t.module_hot.push_back(hot(*m));
  for (const auto& m : lib.modules()) t.module_streams.push_back(hash64(m->key));
  t.named_slots.assign(lib.state_names().size(), kNone);
  auto note_slot = [&](std::optional<uint32_t> name) {
    if (name && t.named_slots[*name] == kNone)
      t.named_slots[*name] = static_cast<int32_t>(t.named_slot_count++);
  };
  auto slots = [&](const Module& m) {
    for (const ModuleState& s : m.states) {
      note_slot(s.target_state);
      note_slot(s.reason_state);
    }
  };
  for (const auto& m : lib.modules()) slots(*m);
  for (const auto& m : lib.submodules()) slots(*m);
  for (const auto& m : lib.submodules()) t.submodule_hot.push_back(hot(*m));
}

Engine::~Engine() = default;

std::optional<Instant> Engine::run(record::PatientRecord& rec, const EngineInput& input,
                                   const Rng& patient, ModuleStats* stats) const {
  if (library_->modules().empty()) return std::nullopt;
  thread_local LifeBuffers buffers;
  Life life(*library_, *tables_, rec, input, patient, buffers);
  if (stats) life.enable_stats();
  return life.simulate(stats);
}

}  // namespace fos::synth
