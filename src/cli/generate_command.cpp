// `fos generate`: make a synthetic population as FHIR R4 and OMOP CDM 5.4 files.
#include "cli/app.hpp"
#include "core/error.hpp"
#include "core/output.hpp"
#include "core/uuid.hpp"
#include "pipeline/warehouse.hpp"

namespace fos::cli {

void add_generate_command(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* command = app.add_subcommand(
      "generate", "Generate synthetic patients as FHIR R4 and OMOP CDM 5.4 files");
  auto flags = std::make_shared<GenerateFlags>();
  add_generate_flags(*command, *flags);
  command->callback([&global, &action, flags] {
    action = [&global, flags] {
      const Terminal terminal(global);
      const pipeline::GenerateJob job = make_generate_job(*flags);
      if (!flags->catalog.empty() && flags->warehouse.empty()) {
        fail(ErrorKind::kInvalidInput, "--catalog: needs --warehouse");
      }
      pipeline::catalog_path(flags->catalog);
      StagedDir staged(flags->out);
      const auto [first, last] = job.generate.shard_range();
      pipeline::GenerateResult result;
      {
        ProgressBar bar(terminal, "generate");
        result = pipeline::run_generate(
            job, staged.staging(),
            [&bar](uint64_t done, uint64_t total) { bar.update(done, total); });
      }
      std::map<std::string, uint64_t> lake_rows;
      if (!flags->warehouse.empty()) {
        lake_rows = pipeline::append_to_warehouse(staged.staging(), flags->warehouse,
                                                  Uuid::random().str(), flags->catalog);
      }
      staged.commit();
      terminal.summary(format_summary(result, last - first, flags->out));
      if (!lake_rows.empty()) {
        terminal.summary("Iceberg warehouse " + flags->warehouse + " (one snapshot per table):\n" +
                         format_counts(lake_rows, "  "));
      }
      return kExitOk;
    };
  });
}

}  // namespace fos::cli
