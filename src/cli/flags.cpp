// Generation flags, defined once and shared by `generate` and `pipeline run`.
#include <charconv>
#include <chrono>
#include <filesystem>

#include "cli/app.hpp"
#include "core/error.hpp"

namespace fos::cli {
namespace {

[[noreturn]] void bad_flag(std::string_view flag, const std::string& what) {
  fail(ErrorKind::kInvalidInput, std::string(flag) + ": " + what);
}

uint64_t parse_count(std::string_view flag, const std::string& text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value == 0) {
    bad_flag(flag, "expected a positive whole number, got '" + text + "'");
  }
  return value;
}

std::pair<uint32_t, uint32_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  const std::string what = "expected i/N with 1 <= i <= N, got '" + text + "'";
  if (slash == std::string::npos) bad_flag("--shard", what);
  uint32_t i = 0;
  uint32_t n = 0;
  const char* begin = text.data();
  const char* mid = begin + slash;
  const char* end = begin + text.size();
  auto r1 = std::from_chars(begin, mid, i);
  auto r2 = std::from_chars(mid + 1, end, n);
  if (r1.ec != std::errc() || r1.ptr != mid || r2.ec != std::errc() || r2.ptr != end || i < 1 ||
      n < 1 || i > n) {
    bad_flag("--shard", what);
  }
  return {i - 1, n};
}

Date today_utc() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  return Instant(seconds.count()).date();
}

void add_module_flags(CLI::App& command, GenerateFlags& flags) {
  command.add_option(
      "--modules", flags.modules,
      "Folder of disease modules (Synthea GMF JSON) replacing fos's own built-in set "
      "('none': no modules)");
  command.add_option("--add-modules", flags.add_modules,
                     "Folder of disease modules loaded on top of the module set (repeatable)");
  command.add_option("--module-filter", flags.module_filter,
                     "Run only these top-level modules (file or module names) and what they call");
  command.add_flag("--module-stats", flags.module_stats,
                   "Write module-stats.json: per module and state, the patients who entered it");
  command.add_option("--require", flags.require,
                     "Keep only patients who develop the condition with this code (position i: "
                     "the first of indices i, i+N, i+2N, ... who has it)");
}

}  // namespace

void add_generate_flags(CLI::App& command, GenerateFlags& flags) {
  command.add_option("-p,--population", flags.population, "Patients in the whole population")
      ->capture_default_str();
  command.add_option("-s,--seed", flags.seed, "Random seed: same seed and options, same bytes")
      ->capture_default_str();
  command.add_option("--threads", flags.threads, "Worker threads (0 = one per core)")
      ->capture_default_str();
  command
      .add_option("--shard", flags.shard,
                  "Generate only part i of N of the population (e.g. 2/8); shards union to "
                  "the whole")
      ->capture_default_str();
  command.add_option("--reference-date", flags.reference_date,
                     "The simulation's 'today', YYYY-MM-DD (default: the current date)");
  command
      .add_option("--years-of-history", flags.years_of_history,
                  "Years of history exported before the end of each record (0 = all)")
      ->capture_default_str();
  command.add_option("--config", flags.config_dir,
                     "Folder of configuration files overriding the built-in ones");
  command.add_option("-o,--out", flags.out, "Output folder")->capture_default_str();
  command.add_option("--fhir", flags.fhir, "FHIR R4 output: ndjson, bundles or none")
      ->capture_default_str();
  command
      .add_option("--omop", flags.omop,
                  "OMOP CDM 5.4 output: csv, parquet, duckdb or none (several allowed: "
                  "--omop csv,parquet)")
      ->delimiter(',')
      ->capture_default_str();
  add_module_flags(command, flags);
  command.add_option("--warehouse", flags.warehouse,
                     "Append the OMOP tables to this Apache Iceberg warehouse (namespace omop); "
                     "pipeline run default: <out>/warehouse");
  command.add_option("--catalog", flags.catalog,
                     "sqlite:PATH: also point each warehouse table of this SQLite catalog (Iceberg "
                     "JDBC / pyiceberg layout) at the version just written");
}

pipeline::GenerateJob make_generate_job(const GenerateFlags& flags) {
  pipeline::GenerateJob job;
  auto& g = job.generate;
  g.population = parse_count("--population", flags.population);
  g.seed = flags.seed;
  g.threads = flags.threads;
  std::tie(g.shard_index, g.shard_count) = parse_shard(flags.shard);
  if (flags.reference_date.empty()) {
    g.reference_date = today_utc();
  } else {
    auto date = Date::parse(flags.reference_date);
    if (!date)
      bad_flag("--reference-date", "expected YYYY-MM-DD, got '" + flags.reference_date + "'");
    g.reference_date = *date;
  }
  g.years_of_history = flags.years_of_history;
  // No --modules: fos's own modules (built in); --modules none: no modules at all.
  g.builtin_modules = flags.modules.empty();
  if (flags.modules != "none") g.modules_dir = flags.modules;
  for (const auto& dir : flags.add_modules) g.add_module_dirs.emplace_back(dir);
  g.module_filter = flags.module_filter;
  g.module_stats = flags.module_stats;
  g.require_code = flags.require;
  if (!flags.config_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(flags.config_dir, ec)) {
      bad_flag("--config", "'" + flags.config_dir + "' is not a folder");
    }
    g.config_dir = flags.config_dir;
  }

  if (flags.fhir == "ndjson") {
    job.fhir = fhir::FhirLayout::kNdjson;
  } else if (flags.fhir == "bundles") {
    job.fhir = fhir::FhirLayout::kBundles;
  } else if (flags.fhir == "none") {
    job.fhir.reset();
  } else {
    bad_flag("--fhir", "expected ndjson, bundles or none, got '" + flags.fhir + "'");
  }

  job.omop.clear();
  for (const auto& f : flags.omop) {
    omop::OmopFormat format{};
    if (f == "csv") {
      format = omop::OmopFormat::kCsv;
    } else if (f == "parquet") {
      format = omop::OmopFormat::kParquet;
    } else if (f == "duckdb") {
      format = omop::OmopFormat::kDuckdb;
    } else if (f == "none") {
      if (flags.omop.size() > 1) bad_flag("--omop", "'none' cannot be combined with a format");
      continue;
    } else {
      bad_flag("--omop", "expected csv, parquet, duckdb or none, got '" + f + "'");
    }
    if (std::find(job.omop.begin(), job.omop.end(), format) == job.omop.end()) {
      job.omop.push_back(format);
    }
  }
  job.validate();
  return job;
}

}  // namespace fos::cli
