// Engine: runs a ModuleLibrary over one patient's life with Synthea's semantics.
//
// The clock advances in 7-day steps from birth to the end of the record; at each
// step every top-level module that is due is processed in key order. A Delay (or
// a Procedure with a duration) that expires between steps resumes at its exact
// expiry time. Guards and encounters blocked by another module's open encounter
// are re-tried every step; wellness Encounter states wait for the next wellness
// visit of the schedule the generator made. Each module draws from its own Rng
// stream derived from the patient's, so records do not depend on threads or
// shards. Everything created lands in the PatientRecord, attached to encounters
// by index (encounters are appended; call finalize_record to order and cut).
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/date.hpp"
#include "core/rng.hpp"
#include "record/patient_record.hpp"
#include "synth/module/module.hpp"

namespace fos::synth {

/// What the engine needs to know about the patient besides the record.
struct EngineInput {
  Instant end;                     ///< end of the simulation (reference instant or death)
  std::vector<uint32_t> wellness;  ///< indices of wellness encounters in the record, by start
  std::string state_name;          ///< US state, as lookup tables name it ("Massachusetts")
  uint64_t provider_id = 0;        ///< clinician of encounters the modules open
  uint64_t organization_id = 0;
};

/// Per module and state: how many patients entered it (at least once).
class ModuleStats {
 public:
  explicit ModuleStats(const ModuleLibrary& library);
  /// One more patient entered `state` of `module`. Thread-safe.
  void add(const Module& module, size_t state);
  uint64_t entered(const Module& module, size_t state) const;
  /// Patients who entered some state of type `type`, summed over all states of that type.
  uint64_t entered(StateType type) const;
  /// JSON report: {"modules": {"<key>": {"<state>": n, ...}, ...}} (submodules by path).
  std::string json() const;

 private:
  const ModuleLibrary& library_;
  std::unordered_map<const Module*, std::unique_ptr<std::atomic<uint64_t>[]>> counts_;
};

class Engine {
 public:
  explicit Engine(std::shared_ptr<const ModuleLibrary> library);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const ModuleLibrary& library() const { return *library_; }

  /// Run every module over the life of `rec.person`. Returns the instant of a death
  /// a module caused before `input.end`, if any. Thread-safe (const); `stats` may be null.
  std::optional<Instant> run(record::PatientRecord& rec, const EngineInput& input,
                             const Rng& patient, ModuleStats* stats) const;

  struct Tables;  ///< interned strings and lookup keys (engine.cpp)

 private:
  std::shared_ptr<const ModuleLibrary> library_;
  std::unique_ptr<Tables> tables_;
};

/// Order encounters by start (entries re-pointed), drop what starts after `end`,
/// and keep only the export window of `years` before `end` (0 = everything): an
/// older entry stays only while still active at the window start (conditions,
/// medications, care plans, devices, allergies), and so does its encounter.
void finalize_record(record::PatientRecord& rec, Instant end, int years);

/// The first instant of the export window of `years` before `end` (0 = everything:
/// the earliest instant), as finalize_record cuts it.
Instant window_start(Instant end, int years);

}  // namespace fos::synth
