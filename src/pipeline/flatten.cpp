// The flatten stage: default views over <staging>/fhir into <staging>/flat.
#include "pipeline/flatten.hpp"

#include "pipeline/pipeline.hpp"
#include "sof/sof.hpp"

namespace fos::pipeline {

std::optional<Stage> flatten_stage(const PipelineOptions& options) {
  if (!options.job.fhir) return std::nullopt;
  Stage stage;
  stage.name = "flatten";
  stage.inputs = {"fhir/"};
  stage.outputs = {"flat/*.csv"};
  stage.run = [](StageContext& context) {
    fhir::ReaderOptions reader_options;
    reader_options.inputs = {context.staging / "fhir"};
    fhir::ResourceReader reader(reader_options);
    const sof::FlattenSummary summary =
        sof::flatten_to_csv(reader, sof::default_views(), context.staging / "flat");
    StageReport report;
    report.counts["flat.resources"] = summary.resources;
    for (const auto& [view, rows] : summary.rows) report.counts["flat." + view] = rows;
    return report;
  };
  return stage;
}

}  // namespace fos::pipeline
