// Pipeline execution and the run manifest.
#include "pipeline/pipeline.hpp"

#include <chrono>

#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "core/output.hpp"
#include "pipeline/flatten.hpp"
#include "pipeline/to_omop.hpp"
#include "pipeline/warehouse.hpp"

#ifndef FOS_VERSION
#define FOS_VERSION "0.0.0"
#endif

namespace fos::pipeline {
namespace {

std::string now_iso() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  return Instant(seconds.count()).iso();
}

std::string format_name(omop::OmopFormat format) {
  switch (format) {
    case omop::OmopFormat::kCsv:
      return "csv";
    case omop::OmopFormat::kParquet:
      return "parquet";
    case omop::OmopFormat::kDuckdb:
      return "duckdb";
  }
  return "?";
}

std::map<std::string, std::string> describe(const PipelineOptions& options) {
  const auto& g = options.job.generate;
  std::map<std::string, std::string> out;
  out["population"] = std::to_string(g.population);
  out["seed"] = std::to_string(g.seed);
  out["threads"] = std::to_string(g.effective_threads());
  out["shard"] = std::to_string(g.shard_index + 1) + "/" + std::to_string(g.shard_count);
  out["reference_date"] = g.reference_date.iso();
  out["years_of_history"] = std::to_string(g.years_of_history);
  out["config"] = g.config_dir.empty() ? "built-in" : g.config_dir.string();
  out["out"] = options.out.string();
  out["fhir"] = !options.job.fhir                                ? "none"
                : *options.job.fhir == fhir::FhirLayout::kNdjson ? "ndjson"
                                                                 : "bundles";
  std::string omop;
  for (auto f : options.job.omop) omop += (omop.empty() ? "" : ",") + format_name(f);
  out["omop"] = omop.empty() ? "none" : omop;
  return out;
}

}  // namespace

std::string_view fos_version() {
  return FOS_VERSION;
}

void PipelineOptions::validate() const {
  job.validate();
  if (out.empty()) fail(ErrorKind::kInvalidInput, "--out: must not be empty");
}

std::vector<Stage> default_stages(const PipelineOptions& options) {
  std::vector<Stage> stages;
  Stage generate;
  generate.name = "generate";
  generate.inputs = {options.job.generate.config_dir.empty()
                         ? std::string("built-in configuration")
                         : options.job.generate.config_dir.string()};
  if (options.job.fhir) generate.outputs.emplace_back("fhir/");
  for (auto f : options.job.omop) {
    generate.outputs.emplace_back(f == omop::OmopFormat::kDuckdb ? "omop.duckdb"
                                                                 : "omop/*." + format_name(f));
  }
  const GenerateJob job = options.job;
  generate.run = [job](StageContext& context) {
    GenerateResult result = run_generate(job, context.staging, context.progress);
    StageReport report;
    report.counts["patients"] = result.population.patients;
    report.counts["deceased"] = result.population.deceased;
    for (const auto& [type, n] : result.fhir) report.counts["fhir." + type] = n;
    for (const auto& [table, n] : result.omop) report.counts["omop." + table] = n;
    return report;
  };
  stages.push_back(std::move(generate));
  if (auto flatten = flatten_stage(options)) stages.push_back(std::move(*flatten));
  if (auto to_omop = to_omop_stage(options)) stages.push_back(std::move(*to_omop));
  if (auto lake = lake_stage(options)) stages.push_back(std::move(*lake));
  return stages;
}

RunManifest run_pipeline(const PipelineOptions& options, const std::vector<Stage>& stages,
                         Diagnostics& diagnostics, const StageStartFn& on_stage_start,
                         const std::function<void(uint64_t, uint64_t)>& progress) {
  options.validate();
  RunManifest manifest;
  manifest.run_id = Uuid::random();
  manifest.fos_version = std::string(fos_version());
  manifest.started_at = now_iso();
  manifest.options = describe(options);
  const auto run_start = std::chrono::steady_clock::now();

  StagedDir staged(options.out);
  StageContext context{staged.staging(), manifest.run_id, diagnostics, progress};
  for (size_t i = 0; i < stages.size(); ++i) {
    const Stage& stage = stages[i];
    if (on_stage_start) on_stage_start(i, stage);
    StageRecord record{stage.name, stage.inputs, stage.outputs, now_iso(), 0, {}};
    const auto t0 = std::chrono::steady_clock::now();
    record.report = stage.run(context);
    record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    manifest.stages.push_back(std::move(record));
  }
  manifest.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  write_file_atomic(staged.path("run.json"), manifest.to_json());
  staged.commit();
  return manifest;
}

std::string RunManifest::to_json() const {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("run_id", run_id.str());
  w.field("fos_version", fos_version);
  w.field("started_at", started_at);
  w.key("seconds");
  w.value_fixed(seconds, 3);
  w.key("options");
  w.begin_object();
  for (const auto& [k, v] : options) w.field(k, v);
  w.end_object();
  w.key("stages");
  w.begin_array();
  for (const auto& stage : stages) {
    w.begin_object();
    w.field("name", stage.name);
    w.key("inputs");
    w.begin_array();
    for (const auto& s : stage.inputs) w.value(s);
    w.end_array();
    w.key("outputs");
    w.begin_array();
    for (const auto& s : stage.outputs) w.value(s);
    w.end_array();
    w.field("started_at", stage.started_at);
    w.key("seconds");
    w.value_fixed(stage.seconds, 3);
    w.key("counts");
    w.begin_object();
    for (const auto& [k, v] : stage.report.counts) w.field(k, v);
    w.end_object();
    if (!stage.report.facts.empty()) {
      w.key("facts");
      w.begin_object();
      for (const auto& [k, v] : stage.report.facts) w.field(k, v);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace fos::pipeline
