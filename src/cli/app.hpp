// The CLI's shared pieces: global options, terminal output, and the subcommand registry.
//
// Only this room prints or picks exit codes: 0 ok, 1 checks failed, 2 error.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/pipeline.hpp"

namespace fos::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitChecksFailed = 1;
inline constexpr int kExitError = 2;

enum class LogLevel { kError, kWarn, kInfo, kDebug };

struct GlobalOptions {
  bool quiet = false;
  std::string log_level = "info";
  LogLevel level() const;
};

/// Messages to stderr, filtered by --log-level and --quiet.
class Terminal {
 public:
  explicit Terminal(const GlobalOptions& options) : options_(options) {}
  void error(std::string_view message) const;
  void warn(std::string_view message) const;
  void info(std::string_view message) const;
  /// Summary text for the user (stderr; silenced by --quiet).
  void summary(std::string_view text) const;
  /// True when progress may be drawn: stderr is a TTY and not --quiet.
  bool show_progress() const;

 private:
  const GlobalOptions& options_;
};

/// A progress bar on stderr, drawn only on a TTY, at most a few times a second.
class ProgressBar {
 public:
  ProgressBar(const Terminal& terminal, std::string label);
  ~ProgressBar();
  void update(uint64_t done, uint64_t total);
  void done();

 private:
  bool enabled_;
  std::string label_;
  int64_t last_draw_ms_ = -1;
  int64_t start_ms_;
  bool drawn_ = false;
};

/// A subcommand's action: returns the exit code. Runs after parsing succeeded.
using Action = std::function<int()>;

/// Every subcommand registers itself through one of these (one file each).
void add_generate_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_pipeline_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_query_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_lake_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_flatten_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_to_omop_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_validate_command(CLI::App& app, const GlobalOptions& global, Action& action);

/// Generation flags shared by `generate` and `pipeline run`; each flag is defined once, here.
struct GenerateFlags {
  std::string population = "1000";
  uint64_t seed = 1;
  unsigned threads = 0;
  std::string shard = "1/1";
  std::string reference_date;  // empty: today
  int years_of_history = 10;
  std::string config_dir;
  std::string out = "fos-out";
  std::string fhir = "ndjson";
  std::vector<std::string> omop = {"csv"};
  std::string modules;                     // --modules: replace fos's module set
  std::vector<std::string> add_modules;    // --add-modules (repeatable)
  std::vector<std::string> module_filter;  // --module-filter NAME...
  bool module_stats = false;               // --module-stats
  std::string require;                     // --require CONDITION_CODE
  // Iceberg warehouse folder; empty: none (generate), <out>/warehouse (pipeline run).
  std::string warehouse;
  // "sqlite:PATH": also register the warehouse tables in this SQLite catalog; empty: none.
  std::string catalog;
};
void add_generate_flags(CLI::App& command, GenerateFlags& flags);
/// Turn the flags into a validated job (throws Error{kInvalidInput} naming the flag).
pipeline::GenerateJob make_generate_job(const GenerateFlags& flags);

/// Human-readable end-of-run summary.
std::string format_summary(const pipeline::GenerateResult& result, uint64_t shard_patients,
                           const std::string& out);
std::string format_counts(const std::map<std::string, uint64_t>& counts, std::string_view prefix);
/// OMOP rows per table, then the count of source codes kept with concept_id 0.
std::string format_omop_counts(const std::map<std::string, uint64_t>& counts,
                               std::string_view prefix);

}  // namespace fos::cli
