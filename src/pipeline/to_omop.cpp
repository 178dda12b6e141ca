// The to-omop stage: convert <staging>/fhir into <staging>/to-omop and compare with
// <staging>/omop.
#include "pipeline/to_omop.hpp"

#include "fhir2omop/agreement.hpp"
#include "fhir2omop/fhir2omop.hpp"
#include "pipeline/pipeline.hpp"

namespace fos::pipeline {

std::optional<Stage> to_omop_stage(const PipelineOptions& options) {
  if (!options.to_omop || !options.job.fhir) return std::nullopt;
  Stage stage;
  stage.name = "to-omop";
  stage.inputs = {"fhir/"};
  stage.outputs = {"to-omop/omop/*.csv", "to-omop/mapping_report.json"};
  const Date reference_date = options.job.generate.reference_date;
  const bool has_direct = !options.job.omop.empty();
  stage.run = [reference_date, has_direct](StageContext& context) {
    fhir2omop::ConvertOptions convert_options;
    convert_options.inputs = {context.staging / "fhir"};
    convert_options.reference_date = reference_date;
    const fhir2omop::MappingReport report =
        fhir2omop::convert(convert_options, context.staging / "to-omop");
    StageReport out;
    out.counts["to-omop.persons"] = report.persons;
    uint64_t skipped = 0;
    for (const auto& [type, counts] : report.types()) {
      for (const auto& [reason, n] : counts.skipped) skipped += n;
    }
    out.counts["to-omop.skipped"] = skipped;
    if (!has_direct) {
      out.facts["agreement"] = "not compared (the run writes no direct OMOP output)";
      return out;
    }
    const fhir2omop::Agreement agreement =
        fhir2omop::compare_omop(context.staging / "omop", context.staging / "to-omop" / "omop");
    uint64_t differing = agreement.missing.size();
    for (const auto& t : agreement.tables) differing += t.agrees() ? 0 : 1;
    out.counts["agreement.tables"] = agreement.tables.size();
    out.counts["agreement.differing_tables"] = differing;
    out.facts["agreement"] = agreement.summary();
    return out;
  };
  return stage;
}

}  // namespace fos::pipeline
