// Benchmarks of generation: the generator alone, and generator + FHIR + OMOP rendering.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "pipeline/generate.hpp"

namespace {

fos::synth::GenerateOptions options() {
  fos::synth::GenerateOptions o;
  o.population = 1'000'000;
  o.reference_date = fos::Date::from_civil(2025, 1, 1);
  return o;
}

void BM_GeneratePatient(benchmark::State& state) {
  fos::synth::Generator generator(fos::synth::SynthConfig::load({}), options());
  uint64_t index = 0;
  uint64_t entries = 0;
  for (auto _ : state) {
    auto record = generator.generate(index++);
    entries += record.encounters.size() + record.observations.size() + record.immunizations.size();
    benchmark::DoNotOptimize(record);
  }
  state.counters["patients/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["entries/s"] =
      benchmark::Counter(static_cast<double>(entries), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GeneratePatient);

// Render blocks of 32 patients through the FHIR and OMOP sinks (no file writes).
void BM_RenderBlock(benchmark::State& state) {
  namespace fs = std::filesystem;
  fos::synth::Generator generator(fos::synth::SynthConfig::load({}), options());
  const fs::path dir = fs::temp_directory_path() / "fos-bench-render";
  fs::create_directories(dir / "fhir");
  fos::fhir::FhirWriteOptions fhir_options;
  auto fhir = fos::fhir::make_fhir_sink(dir / "fhir", generator.directory(), fhir_options);
  fos::omop::OmopWriteOptions omop_options;
  omop_options.reference_date = fos::Date::from_civil(2025, 1, 1);
  auto omop = fos::omop::make_omop_sink(dir, generator.directory(), omop_options);
  std::vector<fos::record::PatientRecord> block;
  for (uint64_t i = 0; i < 32; ++i) block.push_back(generator.generate(i));
  const bool with_omop = state.range(0) != 0;
  for (auto _ : state) {
    auto f = fhir->render(block);
    benchmark::DoNotOptimize(f);
    if (with_omop) {
      auto o = omop->render(block);
      benchmark::DoNotOptimize(o);
    }
  }
  state.counters["patients/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * block.size()), benchmark::Counter::kIsRate);
  fhir.reset();
  omop.reset();
  fs::remove_all(dir);
}
BENCHMARK(BM_RenderBlock)->Arg(0)->Arg(1)->ArgNames({"omop"});

}  // namespace
