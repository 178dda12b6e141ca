// The "flatten" stage of `fos pipeline run`: the default SQL on FHIR views (views/) applied
// to the run's generated FHIR, one CSV per view in <out>/flat/<view name>.csv.
#pragma once

#include <optional>

namespace fos::pipeline {

struct PipelineOptions;
struct Stage;

/// The flatten stage, or nullopt when the run writes no FHIR. Reports "flat.<view>" row
/// counts and "flat.resources".
std::optional<Stage> flatten_stage(const PipelineOptions& options);

}  // namespace fos::pipeline
