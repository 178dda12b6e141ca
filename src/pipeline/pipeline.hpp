// Pipeline: an ordered list of stages run under one run id, recorded in run.json.
//
// Each stage names its inputs and outputs (paths relative to the output folder)
// and does its work in the run's staging folder; when every stage succeeded,
// the staging folder is committed into the output folder in one step, so a
// failed run leaves the previous outputs untouched. Later issues append stages
// (flatten, to-omop, lake, transform, validate, dq).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/uuid.hpp"
#include "pipeline/generate.hpp"

namespace fos::pipeline {

struct StageContext {
  std::filesystem::path
      staging;  ///< where the stage writes (committed to the output folder at the end)
  const Uuid& run_id;
  Diagnostics& diagnostics;
  std::function<void(uint64_t done, uint64_t total)> progress;
};

/// What a stage reports: named counts ("fhir.Patient", "omop.person", ...) and free-form facts.
struct StageReport {
  std::map<std::string, uint64_t> counts;
  std::map<std::string, std::string> facts;
};

struct Stage {
  std::string name;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::function<StageReport(StageContext&)> run;
};

struct StageRecord {
  std::string name;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string started_at;  ///< ISO instant (wall clock)
  double seconds = 0;
  StageReport report;
};

struct RunManifest {
  Uuid run_id;
  std::string fos_version;
  std::string started_at;
  double seconds = 0;
  std::map<std::string, std::string> options;  ///< every option of the run, as text
  std::vector<StageRecord> stages;

  /// run.json text.
  std::string to_json() const;
};

struct PipelineOptions {
  GenerateJob job;
  std::filesystem::path out = "fos-out";
  std::filesystem::path warehouse;  ///< Iceberg warehouse of the lake stage; empty: <out>/warehouse
  std::string catalog;   ///< "sqlite:PATH": also move the lake stage's tables' pointers there
  bool to_omop = false;  ///< run the to-omop stage (FHIR -> OMOP, compared with the direct output)
  void validate() const;
};

/// The stages `fos pipeline run` executes for these options, in order.
std::vector<Stage> default_stages(const PipelineOptions& options);

/// Called when a stage starts (index, stage) so the CLI can show progress.
using StageStartFn = std::function<void(size_t, const Stage&)>;

/// Run `stages` into options.out; writes out/run.json; commits all outputs or none.
RunManifest run_pipeline(const PipelineOptions& options, const std::vector<Stage>& stages,
                         Diagnostics& diagnostics, const StageStartFn& on_stage_start = {},
                         const std::function<void(uint64_t, uint64_t)>& progress = {});

/// The fos version string ("0.1.0").
std::string_view fos_version();

}  // namespace fos::pipeline
