// Generation job.
#include "pipeline/generate.hpp"

#include <chrono>

#include "core/error.hpp"
#include "core/output.hpp"

namespace fos::pipeline {

void GenerateJob::validate() const {
  generate.validate();
  if (!fhir && omop.empty()) {
    fail(ErrorKind::kInvalidInput, "--fhir none and --omop none: nothing to write");
  }
}

GenerateResult run_generate(const GenerateJob& job, const std::filesystem::path& staging,
                            const synth::ProgressFn& progress) {
  job.validate();
  const auto started = std::chrono::steady_clock::now();
  synth::Generator generator(synth::SynthConfig::load(job.generate.config_dir), job.generate);

  std::unique_ptr<record::RecordSink> fhir_sink;
  std::unique_ptr<record::RecordSink> omop_sink;
  std::vector<record::RecordSink*> sinks;
  if (job.fhir) {
    fhir::FhirWriteOptions options;
    options.layout = *job.fhir;
    options.transaction_time = Instant::at(job.generate.reference_date);
    std::filesystem::create_directories(staging / "fhir");
    fhir_sink = fhir::make_fhir_sink(staging / "fhir", generator.directory(), options);
    sinks.push_back(fhir_sink.get());
  }
  if (!job.omop.empty()) {
    omop::OmopWriteOptions options;
    options.formats = job.omop;
    options.reference_date = job.generate.reference_date;
    omop_sink = omop::make_omop_sink(staging, generator.directory(), options);
    sinks.push_back(omop_sink.get());
  }

  GenerateResult result;
  result.population = synth::run_population(generator, sinks, progress);
  if (const auto* stats = generator.module_stats()) {
    write_file_atomic(staging / "module-stats.json", stats->json());
  }
  result.constraints = generator.constraint_counts();
  result.require_candidates = generator.require_candidates();
  if (fhir_sink) result.fhir = fhir_sink->counts();
  if (omop_sink) result.omop = omop_sink->counts();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace fos::pipeline
