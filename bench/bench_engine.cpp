// Benchmark of the module engine: whole patients generated with Synthea's module library.
//
// The library folder comes from FOS_SYNTHEA_MODULES (skipped with a message when unset).
// BM_EngineGenerate: Generator::generate per patient (10 years exported), one thread.
// BM_EngineLoad: loading and validating the library.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <optional>

#include "synth/generator.hpp"

namespace {

std::optional<std::filesystem::path> synthea_dir() {
  const char* dir = std::getenv("FOS_SYNTHEA_MODULES");
  if (!dir || !*dir) return std::nullopt;
  return std::filesystem::path(dir);
}

const fos::synth::SynthConfig& config() {
  static const auto kConfig = fos::synth::SynthConfig::load({});
  return kConfig;
}

fos::synth::GenerateOptions options(const std::filesystem::path& modules) {
  fos::synth::GenerateOptions o;
  o.population = 1'000'000;
  o.seed = 7;
  o.reference_date = fos::Date::from_civil(2025, 1, 1);
  o.years_of_history = 10;
  o.modules_dir = modules;
  return o;
}

void BM_EngineGenerate(benchmark::State& state) {
  const auto dir = synthea_dir();
  if (!dir) {
    state.SkipWithError("FOS_SYNTHEA_MODULES is not set (point it at Synthea's modules folder)");
    return;
  }
  const fos::synth::Generator generator(config(), options(*dir));
  uint64_t index = 0;
  uint64_t entries = 0;
  for (auto _ : state) {
    auto r = generator.generate(index++);
    entries += r.encounters.size() + r.observations.size() + r.conditions.size() +
               r.medications.size() + r.procedures.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["patients/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["entries/s"] =
      benchmark::Counter(static_cast<double>(entries), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EngineGenerate)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_EngineLoad(benchmark::State& state) {
  const auto dir = synthea_dir();
  if (!dir) {
    state.SkipWithError("FOS_SYNTHEA_MODULES is not set (point it at Synthea's modules folder)");
    return;
  }
  for (auto _ : state) {
    fos::synth::LoadOptions load;
    load.dirs.push_back(*dir);
    auto library = fos::synth::ModuleLibrary::load(load);
    benchmark::DoNotOptimize(library);
  }
}
BENCHMARK(BM_EngineLoad)->Unit(benchmark::kMillisecond);

}  // namespace
