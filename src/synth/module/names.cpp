// Name tables of the module format: state types, vital signs, time units; NameTable.
#include <array>
#include <utility>

#include "synth/module/module.hpp"

namespace fos::synth {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(StateType::kCount)> kStateTypes = {
    "Initial",         "Terminal",         "Simple",           "Guard",        "Delay",
    "SetAttribute",    "Counter",          "CallSubmodule",    "Physiology",   "Encounter",
    "EncounterEnd",    "ConditionOnset",   "ConditionEnd",     "AllergyOnset", "AllergyEnd",
    "MedicationOrder", "MedicationEnd",    "CarePlanStart",    "CarePlanEnd",  "Procedure",
    "Observation",     "MultiObservation", "DiagnosticReport", "ImagingStudy", "Device",
    "DeviceEnd",       "SupplyList",       "Symptom",          "VitalSign",    "Death",
    "Vaccine",
};

constexpr std::array<std::string_view, static_cast<size_t>(Vital::kCount)> kVitals = {
    "Height",
    "Weight",
    "Height Percentile",
    "Weight Percentile",
    "BMI",
    "Head Circumference",
    "Head Circumference Percentile",
    "Systolic Blood Pressure",
    "Diastolic Blood Pressure",
    "Oxygen Saturation",
    "Blood Glucose",
    "Glucose",
    "Urea Nitrogen",
    "Creatinine",
    "Calcium",
    "Sodium",
    "Potassium",
    "Chloride",
    "Carbon Dioxide",
    "Total Cholesterol",
    "Triglycerides",
    "LDL",
    "HDL",
    "Microalbumin Creatinine Ratio",
    "EGFR",
    "Left ventricular Ejection fraction",
    "Heart Rate",
    "Respiration Rate",
};

}  // namespace

uint32_t NameTable::intern(std::string_view name) {
  const auto it = ids_.find(std::string(name));
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(std::string(name), id);
  return id;
}

std::optional<uint32_t> NameTable::find(std::string_view name) const {
  const auto it = ids_.find(std::string(name));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::string_view to_string(StateType type) {
  return kStateTypes[static_cast<size_t>(type)];
}

std::optional<StateType> state_type_from_name(std::string_view name) {
  for (size_t i = 0; i < kStateTypes.size(); ++i) {
    if (kStateTypes[i] == name) return static_cast<StateType>(i);
  }
  return std::nullopt;
}

std::optional<Vital> vital_from_name(std::string_view name) {
  for (size_t i = 0; i < kVitals.size(); ++i) {
    if (kVitals[i] == name) return static_cast<Vital>(i);
  }
  return std::nullopt;
}

std::string_view to_string(Vital vital) {
  return kVitals[static_cast<size_t>(vital)];
}

std::optional<double> unit_seconds(std::string_view unit) {
  static constexpr std::array<std::pair<std::string_view, double>, 14> kUnits = {{
      {"years", 365.25 * 86400},
      {"year", 365.25 * 86400},
      {"months", 30.0 * 86400},
      {"month", 30.0 * 86400},
      {"weeks", 7.0 * 86400},
      {"week", 7.0 * 86400},
      {"days", 86400},
      {"day", 86400},
      {"hours", 3600},
      {"hour", 3600},
      {"minutes", 60},
      {"minute", 60},
      {"seconds", 1},
      {"second", 1},
  }};
  for (const auto& [name, seconds] : kUnits) {
    if (name == unit) return seconds;
  }
  return std::nullopt;
}

}  // namespace fos::synth
