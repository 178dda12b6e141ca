// Benchmarks of core primitives that sit on every output path: JSON writing, CSV quoting, RNG.
#include <benchmark/benchmark.h>

#include "core/core.hpp"

namespace {

void BM_JsonWriterObservationLike(benchmark::State& state) {
  std::string out;
  uint64_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    fos::JsonWriter w(out);
    w.begin_object();
    w.field("resourceType", "Observation");
    w.field("id", "2ed6657d-e927-568b-95e1-2665a8aea6a2");
    w.field("status", "final");
    w.key("code");
    w.begin_object();
    w.key("coding");
    w.begin_array();
    w.begin_object();
    w.field("system", "http://loinc.org");
    w.field("code", "29463-7");
    w.field("display", "Body Weight");
    w.end_object();
    w.end_array();
    w.end_object();
    w.key("valueQuantity");
    w.begin_object();
    w.key("value");
    w.value_fixed(72.4, 1);
    w.field("unit", "kg");
    w.end_object();
    w.end_object();
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["resources/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_JsonWriterObservationLike);

void BM_JsonEscapeText(benchmark::State& state) {
  const std::string text(256, 'a');
  std::string out;
  for (auto _ : state) {
    out.clear();
    fos::append_json_string(out, text);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_JsonEscapeText);

void BM_CsvField(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < 16; ++i) {
      fos::append_csv_field(out, "Body mass index (BMI) [Ratio]");
      out.push_back(',');
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 16);
}
BENCHMARK(BM_CsvField);

void BM_RngNormal(benchmark::State& state) {
  fos::Rng rng(1, 2);
  for (auto _ : state) benchmark::DoNotOptimize(rng.normal(0, 1));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RngNormal);

void BM_NameBasedUuid(benchmark::State& state) {
  const fos::Uuid ns = fos::Uuid::random();
  uint64_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(fos::Uuid::name_based(ns, "Observation/12345/" + std::to_string(i++)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NameBasedUuid);

void BM_DateIso(benchmark::State& state) {
  std::string out;
  int32_t d = 0;
  for (auto _ : state) {
    out.clear();
    fos::Instant(int64_t{d++} * 86400 + 3723).append_iso(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DateIso);

}  // namespace
