// Disease modules in Synthea's Generic Module Framework (GMF) format, loaded into
// an immutable graph that the engine (synth/engine) runs.
//
// Everything the engine needs per step is resolved at load time: state names
// become indices, person attributes and symptom names become small integer ids
// (interned in the ModuleLibrary), transitions and logic become trees of
// structs. Load errors throw Error{kModule} naming the file, the state and the
// field: "modules/asthma.json: state 'Onset': unknown transition target 'Foo'".
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "record/clinical.hpp"
#include "record/code.hpp"

namespace fos::synth {

inline constexpr int32_t kNone = -1;

/// Interned names (attributes, symptoms, state names): id <-> text, ids from 0.
class NameTable {
 public:
  uint32_t intern(std::string_view name);
  std::optional<uint32_t> find(std::string_view name) const;
  const std::string& name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

enum class DistKind : uint8_t { kExact, kUniform, kGaussian, kExponential, kTriangular };

/// A random quantity (GMF2 `distribution`, or legacy `exact`/`range` converted).
struct Distribution {
  DistKind kind = DistKind::kExact;
  bool round = false;
  double a = 0;               ///< value | low | mean | mean | min
  double b = 0;               ///< high | standardDeviation | mode
  double c = 0;               ///< max (triangular)
  std::optional<double> min;  ///< gaussian clamp
  std::optional<double> max;
};

enum class ValueKind : uint8_t { kNil, kNumber, kBool, kString, kCode, kEntry };
enum class EntryKind : uint8_t {
  kCondition,
  kAllergy,
  kMedication,
  kCarePlan,
  kProcedure,
  kDevice,
  kObservation,
  kEncounter,
  kImmunization,
};

/// A person attribute's value, or a literal in a module. Strings are interned
/// (NameTable ids of the library's value table); codes point into the library.
struct Value {
  ValueKind kind = ValueKind::kNil;
  EntryKind entry = EntryKind::kCondition;  ///< for kEntry
  double number = 0;                        ///< kNumber, kBool (0/1)
  uint32_t id = 0;                          ///< kString: value-table id; kEntry: entry index
  const record::Code* code = nullptr;       ///< kCode

  static Value of_number(double n) { return Value{ValueKind::kNumber, {}, n, 0, nullptr}; }
  static Value of_bool(bool b) { return Value{ValueKind::kBool, {}, b ? 1.0 : 0.0, 0, nullptr}; }
};

enum class Op : uint8_t { kLt, kLe, kEq, kGe, kGt, kNe, kIsNil, kIsNotNil };

enum class LogicKind : uint8_t {
  kAnd,
  kOr,
  kNot,
  kAtLeast,
  kAtMost,
  kTrue,
  kFalse,
  kGender,
  kAge,
  kDate,
  kSes,
  kRace,
  kSymptom,
  kObservation,
  kVitalSign,
  kActiveCondition,
  kActiveMedication,
  kActiveCarePlan,
  kActiveAllergy,
  kPriorState,
  kAttribute,
};

/// The vital signs and labs a person carries (world/concepts/VitalSign in Synthea).
enum class Vital : uint8_t {
  kHeight,
  kWeight,
  kHeightPercentile,
  kWeightPercentile,
  kBmi,
  kHeadCircumference,
  kHeadCircumferencePercentile,
  kSystolic,
  kDiastolic,
  kOxygenSaturation,
  kBloodGlucose,
  kGlucose,
  kUreaNitrogen,
  kCreatinine,
  kCalcium,
  kSodium,
  kPotassium,
  kChloride,
  kCarbonDioxide,
  kTotalCholesterol,
  kTriglycerides,
  kLdl,
  kHdl,
  kMicroalbuminCreatinineRatio,
  kEgfr,
  kEjectionFraction,
  kHeartRate,
  kRespirationRate,
  kCount,
};
std::optional<Vital> vital_from_name(std::string_view name);
std::string_view to_string(Vital vital);

struct Logic {
  LogicKind kind = LogicKind::kTrue;
  Op op = Op::kEq;
  std::vector<Logic> children;  ///< And/Or/Not/AtLeast/AtMost
  int threshold = 0;            ///< AtLeast minimum, AtMost maximum
  uint32_t attribute = 0;       ///< Attribute, referenced_by_attribute
  bool by_attribute = false;    ///< Active*/Observation via referenced_by_attribute
  Value value;                  ///< Attribute/Observation/Symptom/VitalSign operand
  double quantity = 0;          ///< Age (in the unit below)
  bool months = false;          ///< Age unit
  int64_t instant = 0;          ///< Date with a full date: epoch seconds
  int year = 0;                 ///< Date by year (0 = not set)
  int month = 0;                ///< Date by month (0 = not set)
  bool male = false;            ///< Gender
  uint32_t name = 0;  ///< Race (value table), Symptom (symptom id), PriorState (state name id)
  std::optional<uint32_t> since;  ///< PriorState since (state name id)
  std::optional<int64_t> within;  ///< PriorState within, seconds
  Vital vital = Vital::kHeight;
  std::vector<record::Code> codes;  ///< Active*/Observation
  std::vector<uint32_t> code_ids;   ///< `codes` as ModuleLibrary::code_ids
};

enum class TransitionKind : uint8_t {
  kNone,  ///< Terminal
  kDirect,
  kDistributed,
  kConditional,
  kComplex,
  kLookupTable,
  kTypeOfCare,
};

/// One weighted target: a fixed probability or one read from an attribute.
struct WeightedTarget {
  int32_t target = kNone;
  double probability = 0;
  std::optional<uint32_t> attribute;  ///< named distribution: probability from this attribute
};

struct TransitionOption {
  std::optional<Logic> condition;       ///< conditional/complex; none = always
  int32_t target = kNone;               ///< fixed target (conditional, complex)
  std::vector<WeightedTarget> weights;  ///< complex `distributions`
  /// Running sums of the weights' probabilities, in order, when no weight reads an
  /// attribute (else empty): a draw picks the first weight whose sum exceeds it.
  std::vector<double> cumulative;
};

struct LookupTable;

struct Transition {
  TransitionKind kind = TransitionKind::kNone;
  int32_t target = kNone;                 ///< direct
  std::vector<WeightedTarget> weights;    ///< distributed; lookup defaults
  std::vector<double> cumulative;         ///< as TransitionOption::cumulative, for `weights`
  std::vector<TransitionOption> options;  ///< conditional, complex
  const LookupTable* table = nullptr;     ///< lookup: rows give probabilities per weights[i]
  std::vector<int32_t> table_columns;     ///< lookup: table column feeding weights[i]
  int32_t ambulatory = kNone;             ///< type of care
  int32_t emergency = kNone;
  int32_t telemedicine = kNone;
};

/// A lookup table (modules/lookup_tables/*.csv): rows matched on person
/// attributes, optional age range (years) and time range (epoch ms).
struct LookupTable {
  std::string name;
  uint32_t id = 0;                       ///< position among the library's tables (from 0)
  std::vector<uint32_t> key_attributes;  ///< attribute ids for the leading key columns
  bool has_age = false;
  bool has_time = false;
  std::vector<std::string> outcomes;  ///< probability column headers (state names)
  struct Row {
    std::vector<std::string> keys;  ///< parallel to key_attributes
    double age_low = 0, age_high = 0;
    int64_t time_low = 0, time_high = 0;  ///< epoch ms
    std::vector<double> probabilities;    ///< parallel to outcomes
  };
  std::vector<Row> rows;
};

enum class StateType : uint8_t {
  kInitial,
  kTerminal,
  kSimple,
  kGuard,
  kDelay,
  kSetAttribute,
  kCounter,
  kCallSubmodule,
  kPhysiology,
  kEncounter,
  kEncounterEnd,
  kConditionOnset,
  kConditionEnd,
  kAllergyOnset,
  kAllergyEnd,
  kMedicationOrder,
  kMedicationEnd,
  kCarePlanStart,
  kCarePlanEnd,
  kProcedure,
  kObservation,
  kMultiObservation,
  kDiagnosticReport,
  kImagingStudy,
  kDevice,
  kDeviceEnd,
  kSupplyList,
  kSymptom,
  kVitalSign,
  kDeath,
  kVaccine,
  kCount,
};
std::string_view to_string(StateType type);
std::optional<StateType> state_type_from_name(std::string_view name);

/// Encounter classes as modules write them.
enum class ModuleEncounterClass : uint8_t {
  kWellness,
  kAmbulatory,
  kOutpatient,
  kEmergency,
  kUrgentCare,
  kInpatient,
  kHospice,
  kHome,
  kSnf,
  kVirtual,
};

/// Where an Observation's value comes from.
enum class ObsSource : uint8_t {
  kNone,
  kDistribution,
  kAttribute,
  kVitalSign,
  kValueCode,
  kSampledData,
  kAttachment,
  kText,  ///< a legacy `exact` quantity written as text ("less than 1.8")
};

struct ObservationBody {
  std::vector<record::Code> codes;
  std::vector<uint32_t> code_ids;  ///< `codes` as ModuleLibrary::code_ids
  /// From the FHIR observation-category code ("laboratory", ...); exam when absent or other.
  record::ObservationCategory category = record::ObservationCategory::kExam;
  std::string unit;
  ObsSource source = ObsSource::kNone;
  Distribution distribution;
  int decimals = 1;
  uint32_t attribute = 0;
  Vital vital = Vital::kHeight;
  std::optional<record::Code> value_code;
  std::string text;  ///< kText
};

struct ImagingSeries {
  record::Code body_site;
  record::Code modality;
  std::vector<record::Code> sop_classes;  ///< one per listed instance
  int min_instances = 1, max_instances = 1;
};

struct Supply {
  record::Code code;
  int quantity = 1;
};

/// The fields the engine reads on most visits come first, so that a visit touches few
/// cache lines of this large struct.
struct ModuleState {
  uint32_t name_id = 0;  ///< library state-name table
  StateType type = StateType::kSimple;
  int decimals = -1;        ///< SetAttribute range decimals (-1 = unset)
  double unit_seconds = 0;  ///< time unit of `distribution` for Delay/Procedure/Death
  std::optional<Distribution> distribution;  ///< Delay, Procedure, SetAttribute, Symptom, ...
  Transition transition;
  uint32_t attribute = 0;  ///< SetAttribute, Counter
  std::string name;

  std::vector<record::Code> codes;
  std::vector<uint32_t> code_ids;  ///< `codes` as ModuleLibrary::code_ids
  std::optional<Logic> allow;      ///< Guard

  std::optional<Value> value;
  std::optional<uint32_t> value_attribute;
  double amount = 1;  ///< Counter (negative for decrement)

  std::optional<uint32_t> assign_to_attribute;
  std::optional<uint32_t> referenced_by_attribute;
  std::optional<uint32_t>
      target_state;  ///< condition_onset/medication_order/careplan/device (name id)
  std::optional<uint32_t> reason_attribute;  ///< reason, as attribute
  std::optional<uint32_t> reason_state;      ///< reason, as a state name id
  std::optional<uint32_t> target_encounter;  ///< state name id

  int32_t submodule = kNone;  ///< CallSubmodule: index into ModuleLibrary::submodules

  bool wellness = false;  ///< Encounter
  ModuleEncounterClass encounter_class = ModuleEncounterClass::kAmbulatory;
  std::optional<record::Code> discharge;

  bool chronic = false;  ///< MedicationOrder
  bool administration = false;
  double dose = 0;
  int frequency = 0;
  double period = 0;
  std::string period_unit;
  bool as_needed = false;
  double duration_seconds = 0;  ///< prescription duration (0 = open)

  record::AllergyCategory allergy_category = record::AllergyCategory::kEnvironment;
  std::vector<record::Code> reactions;

  std::vector<record::Code> activities;  ///< CarePlanStart

  ObservationBody observation;                ///< Observation
  std::vector<ObservationBody> observations;  ///< MultiObservation, DiagnosticReport

  std::vector<ImagingSeries> series;  ///< ImagingStudy
  int min_series = 0, max_series = 0;
  std::optional<record::Code> procedure_code;

  std::optional<record::Code> device_code;  ///< Device
  std::vector<Supply> supplies;             ///< SupplyList

  uint32_t symptom = 0;  ///< Symptom (symptom id)
  double probability = 1;
  Vital vital = Vital::kHeight;  ///< VitalSign
  std::string unit;
  int series_number = 0;  ///< Vaccine
  bool delayed_death = false;
};

struct Module {
  std::string name;  ///< `name` in the file
  std::string key;   ///< path relative to the modules folder, without .json
  std::string file;  ///< path for messages
  double gmf_version = 1;
  bool submodule = false;
  std::vector<ModuleState> states;  ///< states[0] is Initial
};

struct LoadOptions {
  std::vector<std::filesystem::path> dirs;  ///< module folders (later ones override by key)
  std::vector<std::string> filter;          ///< top-level modules to keep (empty = all)
  bool check_graph = true;                  ///< reject unreachable states and states that never end
};

/// All modules of a run: top-level modules (run for everyone, in key order), the
/// submodules they call, the lookup tables, and the interned name tables.
class ModuleLibrary {
 public:
  /// Load every *.json under the folders; throws Error{kModule}.
  static std::shared_ptr<const ModuleLibrary> load(const LoadOptions& options);
  /// Load modules from JSON texts keyed by relative path ("asthma", "medications/x"),
  /// with lookup tables keyed by file name; for tests and embedded module sets.
  static std::shared_ptr<const ModuleLibrary> load_texts(
      const std::vector<std::pair<std::string, std::string>>& modules,
      const std::vector<std::pair<std::string, std::string>>& tables, const LoadOptions& options);

  const std::vector<std::unique_ptr<Module>>& modules() const { return modules_; }
  const std::vector<std::unique_ptr<Module>>& submodules() const { return submodules_; }
  const NameTable& attributes() const { return attributes_; }
  const NameTable& symptoms() const { return symptoms_; }
  const NameTable& state_names() const { return state_names_; }
  const NameTable& strings() const { return strings_; }
  /// The library's codes by system and code (display ignored): two codes have the same
  /// id exactly when they have the same system and code. Keys are code_key(code).
  const NameTable& code_ids() const { return code_ids_; }
  static std::string code_key(const record::Code& code);

  // Build-time API used by the loader.
  NameTable& mutable_attributes() { return attributes_; }
  NameTable& mutable_symptoms() { return symptoms_; }
  NameTable& mutable_state_names() { return state_names_; }
  NameTable& mutable_strings() { return strings_; }

 private:
  friend class ModuleLoader;
  /// Fill the code_ids of every state, logic condition and observation body.
  void intern_codes();
  /// Fill the cumulative probabilities of every transition's fixed weights.
  void sum_weights();
  std::vector<std::unique_ptr<Module>> modules_;
  std::vector<std::unique_ptr<Module>> submodules_;
  std::vector<std::unique_ptr<LookupTable>> tables_;
  std::deque<record::Code> code_pool_;  ///< codes that Values point to
  /// The code and display text of every library code: the library's Codes borrow from it,
  /// and so do the record entries made from them (records must not outlive the library).
  record::TextPool texts_;
  NameTable attributes_;
  NameTable symptoms_;
  NameTable state_names_;
  NameTable strings_;
  NameTable code_ids_;
};

/// Seconds in one time unit as GMF writes it ("years", "days", ...); nullopt if unknown.
std::optional<double> unit_seconds(std::string_view unit);

}  // namespace fos::synth
