// Benchmarks of SQL on FHIR flattening: the default patient and observation views over
// generated NDJSON (parse each line + evaluate the view + write CSV), one core; and the
// threaded flatten() over a file with 1 and 2 threads (wall-clock rates).
// Counters: resources/s and bytes/s of NDJSON input. bench/flatten.sh runs the same views
// end to end and against the JavaScript FHIRPath engine.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/output.hpp"
#include "pipeline/generate.hpp"
#include "sof/sof.hpp"

namespace {

namespace fs = std::filesystem;

// NDJSON lines of one resource type from a small generated population (made once).
const std::vector<std::string>& lines_of(const std::string& type) {
  static const fs::path kDir = [] {
    fs::path out = fs::temp_directory_path() / "fos-bench-sof";
    fs::remove_all(out);
    fos::pipeline::GenerateJob job;
    job.generate.population = 300;
    job.generate.seed = 1;
    job.generate.reference_date = fos::Date::from_civil(2025, 1, 1);
    job.omop.clear();
    fos::pipeline::run_generate(job, out);
    return out;
  }();
  static std::map<std::string, std::vector<std::string>> cache;
  auto& lines = cache[type];
  if (lines.empty()) {
    std::ifstream in(kDir / "fhir" / (type + ".ndjson"));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return lines;
}

const fos::sof::ViewDefinition& default_view(const std::string& name) {
  static const std::vector<fos::sof::ViewDefinition> kViews = fos::sof::default_views();
  for (const auto& view : kViews) {
    if (view.name == name) return view;
  }
  throw std::runtime_error("no default view " + name);
}

void flatten(benchmark::State& state, const std::string& type, const std::string& view_name) {
  const std::vector<std::string>& lines = lines_of(type);
  const fos::sof::ViewDefinition& view = default_view(view_name);
  fos::sof::ViewRunner runner(view);
  uint64_t bytes = 0;
  uint64_t resources = 0;
  for (auto _ : state) {
    std::ostringstream out;
    fos::sof::CsvTableWriter writer(out);
    writer.begin(view.columns);
    for (const std::string& line : lines) {
      const fos::fhir::JsonDocument document = fos::fhir::parse_json(line, "bench");
      fos::fhir::Resource resource;
      resource.json = document.root();
      resource.type = type;
      runner.run(resource, writer);
      bytes += line.size() + 1;
    }
    writer.finish();
    resources += lines.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["resources/s"] =
      benchmark::Counter(static_cast<double>(resources), benchmark::Counter::kIsRate);
}

void BM_FlattenPatient(benchmark::State& state) {
  flatten(state, "Patient", "fhir_patient");
}
BENCHMARK(BM_FlattenPatient)->Unit(benchmark::kMillisecond);

void BM_FlattenObservation(benchmark::State& state) {
  flatten(state, "Observation", "fhir_observation");
}
BENCHMARK(BM_FlattenObservation)->Unit(benchmark::kMillisecond);

// The whole of `fos flatten` in process: read an NDJSON file, parse and evaluate on
// state.range(0) threads, write CSV in input order (fos::sof::flatten).
void BM_FlattenObservationThreads(benchmark::State& state) {
  static const fs::path kFile = [] {
    fs::path file = fs::temp_directory_path() / "fos-bench-sof-observation.ndjson";
    std::ofstream out(file);
    for (const std::string& line : lines_of("Observation")) out << line << '\n';
    return file;
  }();
  const fos::sof::ViewDefinition& view = default_view("fhir_observation");
  const auto bytes_per_pass = static_cast<int64_t>(fs::file_size(kFile));
  uint64_t resources = 0;
  for (auto _ : state) {
    fos::fhir::ResourceReader reader({.inputs = {kFile}});
    std::ostringstream out;
    fos::sof::CsvTableWriter writer(out);
    writer.begin(view.columns);
    std::vector<fos::sof::FlattenTable> tables{{&view, &writer}};
    resources +=
        fos::sof::flatten(reader, tables, {.threads = static_cast<unsigned>(state.range(0))});
    writer.finish();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(bytes_per_pass * state.iterations());
  state.counters["resources/s"] =
      benchmark::Counter(static_cast<double>(resources), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FlattenObservationThreads)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Parsing alone, to separate the JSON reader's share from the view's.
void BM_ParseObservation(benchmark::State& state) {
  const std::vector<std::string>& lines = lines_of("Observation");
  uint64_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& line : lines) {
      auto json = fos::fhir::parse_json(line, "bench");
      benchmark::DoNotOptimize(json);
      bytes += line.size() + 1;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ParseObservation)->Unit(benchmark::kMillisecond);

}  // namespace
