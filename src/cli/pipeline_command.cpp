// `fos pipeline run`: run every stage of the main job under one run id, with a run manifest.
#include <fmt/format.h>

#include "cli/app.hpp"

namespace fos::cli {
namespace {

std::string format_manifest(const pipeline::RunManifest& manifest, const std::string& out) {
  std::string text = fmt::format("Run {} finished in {:.2f} s; manifest {}/run.json\n",
                                 manifest.run_id.str(), manifest.seconds, out);
  for (const auto& stage : manifest.stages) {
    text += fmt::format("Stage {} ({:.2f} s):\n", stage.name, stage.seconds);
    const auto& counts = stage.report.counts;
    auto get = [&](const std::string& key) {
      auto it = counts.find(key);
      return it == counts.end() ? uint64_t{0} : it->second;
    };
    if (counts.count("patients") != 0) {
      const double rate = stage.seconds > 0 ? get("patients") / stage.seconds : 0;
      text += fmt::format("  patients {} ({} deceased), {:.0f} patients/s\n", get("patients"),
                          get("deceased"), rate);
    }
    std::map<std::string, uint64_t> fhir;
    std::map<std::string, uint64_t> omop;
    std::map<std::string, uint64_t> other;
    for (const auto& [key, n] : counts) {
      if (key.rfind("fhir.", 0) == 0) {
        fhir[key.substr(5)] = n;
      } else if (key.rfind("omop.", 0) == 0) {
        omop[key.substr(5)] = n;
      } else if (key != "patients" && key != "deceased") {
        other[key] = n;
      }
    }
    if (!fhir.empty()) {
      uint64_t total = 0;
      for (const auto& [_, n] : fhir) total += n;
      const double rate = stage.seconds > 0 ? total / stage.seconds : 0;
      text += fmt::format("  FHIR resources: {} ({:.0f}/s)\n", total, rate);
      text += format_counts(fhir, "    ");
    }
    if (!omop.empty()) {
      text += "  OMOP rows:\n" + format_omop_counts(omop, "    ");
    }
    if (!other.empty()) text += format_counts(other, "  ");
    for (const auto& [key, value] : stage.report.facts)
      text += fmt::format("  {}: {}\n", key, value);
  }
  return text;
}

}  // namespace

void add_pipeline_command(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* pipeline = app.add_subcommand("pipeline", "Run the main job as an ordered list of stages");
  pipeline->require_subcommand(1);
  auto* run = pipeline->add_subcommand(
      "run", "Run every stage (generate, ...) into the output folder and write run.json");
  auto flags = std::make_shared<GenerateFlags>();
  add_generate_flags(*run, *flags);
  auto to_omop = std::make_shared<bool>(false);
  run->add_flag("--to-omop", *to_omop,
                "Also convert the FHIR output to OMOP (to-omop/) and compare with the direct OMOP "
                "output (exit 1 when they differ)");
  run->callback([&global, &action, flags, to_omop] {
    action = [&global, flags, to_omop] {
      const Terminal terminal(global);
      pipeline::PipelineOptions options;
      options.job = make_generate_job(*flags);
      options.out = flags->out;
      options.warehouse = flags->warehouse;
      options.catalog = flags->catalog;
      options.to_omop = *to_omop;
      const auto stages = pipeline::default_stages(options);
      Diagnostics diagnostics;
      ProgressBar bar(terminal, "generate");
      const auto manifest = pipeline::run_pipeline(
          options, stages, diagnostics,
          [&](size_t index, const pipeline::Stage& stage) {
            terminal.info(fmt::format("[{}/{}] {}", index + 1, stages.size(), stage.name));
          },
          [&bar](uint64_t done, uint64_t total) { bar.update(done, total); });
      bar.done();
      for (const auto& d : diagnostics.summary()) {
        terminal.warn(fmt::format("{}: {} ({})", d.category, d.count,
                                  d.examples.empty() ? "" : d.examples.front()));
      }
      terminal.summary(format_manifest(manifest, flags->out));
      for (const auto& stage : manifest.stages) {
        const auto it = stage.report.facts.find("agreement");
        if (it != stage.report.facts.end() && it->second.starts_with("differs"))
          return kExitChecksFailed;
      }
      return kExitOk;
    };
  });
}

}  // namespace fos::cli
