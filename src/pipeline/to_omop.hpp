// The "to-omop" stage of `fos pipeline run` (opt-in, --to-omop): the run's generated FHIR
// converted by fhir2omop into <out>/to-omop/ (omop/*.csv, mapping_report.json), then compared
// table by table with the run's direct OMOP output (fhir2omop::compare_omop).
#pragma once

#include <optional>

namespace fos::pipeline {

struct PipelineOptions;
struct Stage;

/// The stage, or nullopt when not asked for. Reports "to-omop.persons", the conversion's
/// skipped resources ("to-omop.skipped"), "agreement.tables" / "agreement.differing_tables",
/// and the fact "agreement" ("agrees (N tables)" or "differs: ...").
std::optional<Stage> to_omop_stage(const PipelineOptions& options);

}  // namespace fos::pipeline
