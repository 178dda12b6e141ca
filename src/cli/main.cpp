// fos: the command-line entry point. Parses flags, runs one subcommand, maps the outcome
// to an exit code (0 ok, 1 checks failed, 2 error). The only place that catches Error.
#include <malloc.h>

#include <csignal>
#include <cstdio>

#include "cli/app.hpp"
#include "core/error.hpp"

namespace {

// Keep freed memory in the process instead of handing it back to the kernel after every block
// of patients: the rendered blocks are a few MB each, and with glibc's defaults their pages
// were unmapped and faulted in again all run long (docs/decisions/0008-malloc-thresholds.md).
void tune_allocator() {
  constexpr int kMmapThreshold = 32
                                 << 20;  // blocks below 32 MB (glibc's maximum) come from the heap
  constexpr int kTrimThreshold = 256 << 20;  // give back the heap's top above 256 MB free
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
}

int run_cli(int argc, char** argv) {
  using namespace fos::cli;
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe shows up as a write error we treat as success
  tune_allocator();

  GlobalOptions global;
  CLI::App app{
      "fos: the FHIR-OMOP synthetic stack. Generates synthetic patients as FHIR R4 and "
      "OMOP CDM 5.4."};
  app.name("fos");
  app.set_version_flag("-V,--version", "fos " + std::string(fos::pipeline::fos_version()));
  app.add_flag("-q,--quiet", global.quiet, "Print nothing but errors");
  app.add_option("--log-level", global.log_level, "Message level: error, warn, info, debug")
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}))
      ->capture_default_str();
  app.require_subcommand(1);
  app.fallthrough();

  Action action;
  add_generate_command(app, global, action);
  add_pipeline_command(app, global, action);
  add_query_command(app, global, action);
  add_lake_command(app, global, action);
  add_flatten_command(app, global, action);
  add_to_omop_command(app, global, action);
  add_validate_command(app, global, action);

  const Terminal terminal(global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    app.exit(e);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    terminal.error(e.what());
    std::fprintf(stderr, "Run 'fos --help' for usage.\n");
    return kExitError;
  }
  try {
    return action ? action() : kExitError;
  } catch (const fos::Error& e) {
    terminal.error(e.what());
    return kExitError;
  } catch (const std::exception& e) {
    terminal.error(std::string("unexpected failure: ") + e.what());
    return kExitError;
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_cli(argc, argv);
  } catch (...) {
    std::fputs("fos: error: unexpected failure\n", stderr);
    return fos::cli::kExitError;
  }
}
