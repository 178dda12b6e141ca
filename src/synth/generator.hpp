// Generator: makes one patient's whole life from (seed, population index).
//
// Built once per run from the configuration and options; then generate() is a
// pure function of the patient index, safe to call from many threads at once.
// The patient is simulated from birth to the reference date (or death); the
// record returned holds only what falls in the export window
// (years_of_history before the end of the record).
#pragma once

#include <memory>

#include "record/patient_record.hpp"
#include "record/provider.hpp"
#include "synth/config.hpp"
#include "synth/constraints.hpp"
#include "synth/engine/engine.hpp"
#include "synth/options.hpp"

namespace fos::synth {

class Generator {
 public:
  /// REQUIRES: options.validate() passed.
  Generator(SynthConfig config, GenerateOptions options);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  /// Every organization and provider patients may be served by.
  const record::ProviderDirectory& directory() const;
  const GenerateOptions& options() const;

  /// The patient at population index `index`. Thread-safe; same inputs, same record.
  record::PatientRecord generate(uint64_t index) const;

  /// The disease modules in use (null when none), and per-state entry counts of the
  /// patients generated so far (null unless options.module_stats).
  const ModuleLibrary* modules() const;
  const ModuleStats* module_stats() const;

  /// What config/constraints.yaml changed in the patients generated so far (kept ones only).
  ConstraintCounts constraint_counts() const;
  /// With options.require_code: population indices examined so far (kept or not).
  uint64_t require_candidates() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fos::synth
