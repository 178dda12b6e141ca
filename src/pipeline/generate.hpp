// Generation job: synth -> FHIR and OMOP sinks, staged and committed atomically.
//
// The one place where the generator is wired to its outputs; `fos generate` and
// the generate stage of `fos pipeline run` both call it.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "fhir/write/fhir_write.hpp"
#include "omop/omop.hpp"
#include "record/sink.hpp"
#include "synth/synth.hpp"

namespace fos::pipeline {

struct GenerateJob {
  synth::GenerateOptions generate;
  std::optional<fhir::FhirLayout> fhir = fhir::FhirLayout::kNdjson;  ///< nullopt: no FHIR
  std::vector<omop::OmopFormat> omop = {omop::OmopFormat::kCsv};     ///< empty: no OMOP

  void validate() const;
};

struct GenerateResult {
  synth::PopulationStats population;
  record::OutputCounts fhir;  ///< resources per FHIR type
  record::OutputCounts omop;  ///< rows per OMOP table
  double seconds = 0;
  synth::ConstraintCounts constraints;  ///< what config/constraints.yaml changed
  uint64_t require_candidates = 0;      ///< --require: population indices examined
};

/// Generate into `staging` (a folder that the caller commits): fhir/..., omop/..., omop.duckdb.
GenerateResult run_generate(const GenerateJob& job, const std::filesystem::path& staging,
                            const synth::ProgressFn& progress = {});

}  // namespace fos::pipeline
