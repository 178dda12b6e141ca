// `fos to-omop`: convert FHIR R4 (NDJSON, JSON, Bundles; fos's, Synthea's, an EHR's) into
// OMOP CDM 5.4 tables under --out, with mapping_report.json. Output is staged and appears
// whole or not at all. Exit 2 on an invalid option or malformed input (--on-error fail).
#include <filesystem>
#include <map>
#include <memory>

#include "cli/app.hpp"
#include "core/error.hpp"
#include "core/output.hpp"
#include "core/uuid.hpp"
#include "fhir2omop/agreement.hpp"
#include "fhir2omop/fhir2omop.hpp"
#include "fhir2omop/vocab_folder.hpp"
#include "omop/vocab/vocab.hpp"
#include "pipeline/warehouse.hpp"

namespace fos::cli {
namespace {

namespace fs = std::filesystem;

struct ToOmopFlags {
  std::vector<std::string> inputs;
  std::string out;
  std::vector<std::string> formats = {"csv"};
  std::string vocab;
  std::string on_error = "fail";
  std::string reference_date;
  unsigned threads = 0;
  bool hold_input = false;
  std::string compare_with;
  std::string warehouse;  // also append the OMOP tables to this Iceberg warehouse (omop.*)
  std::string catalog;    // "sqlite:PATH": and register them in this SQLite catalog
};

// The date of a Bulk Data manifest's transactionTime in an input folder, if any.
std::optional<Date> manifest_date(const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    const fs::path manifest = fs::path(input) / "manifest.json";
    if (!fs::is_regular_file(manifest)) continue;
    const std::string text = read_file(manifest);
    constexpr std::string_view kKey = R"("transactionTime":")";
    const size_t key = text.find(kKey);
    if (key == std::string::npos) continue;
    if (auto date = Date::parse(std::string_view(text).substr(key + kKey.size(), 10))) return date;
  }
  return std::nullopt;
}

Date reference_date(const ToOmopFlags& flags) {
  if (!flags.reference_date.empty()) {
    const auto date = Date::parse(flags.reference_date);
    if (!date) {
      fail(ErrorKind::kInvalidInput,
           "--reference-date: expected YYYY-MM-DD, got '" + flags.reference_date + "'");
    }
    return *date;
  }
  if (auto date = manifest_date(flags.inputs)) return *date;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return Instant(std::chrono::duration_cast<std::chrono::seconds>(now).count()).date();
}

omop::OmopFormat parse_format(const std::string& text) {
  if (text == "csv") return omop::OmopFormat::kCsv;
  if (text == "parquet") return omop::OmopFormat::kParquet;
  if (text == "duckdb") return omop::OmopFormat::kDuckdb;
  fail(ErrorKind::kInvalidInput, "--format: expected csv, parquet or duckdb, got '" + text + "'");
}

int run_to_omop(const GlobalOptions& global, const ToOmopFlags& flags) {
  const Terminal terminal(global);
  fhir2omop::ConvertOptions options;
  std::optional<omop::Vocabulary> vocabulary;
  if (!flags.vocab.empty()) {
    vocabulary = fhir2omop::load_vocabulary_folder(flags.vocab);
    options.vocabulary = &*vocabulary;
  }
  for (const std::string& input : flags.inputs) {
    if (!fs::exists(input)) fail(ErrorKind::kInvalidInput, "--input: " + input + ": no such file");
    options.inputs.emplace_back(input);
  }
  options.formats.clear();
  for (const std::string& format : flags.formats) {
    const omop::OmopFormat f = parse_format(format);
    if (f != omop::OmopFormat::kCsv) options.formats.push_back(omop::OmopFormat::kCsv);
    options.formats.push_back(f);
  }
  std::sort(options.formats.begin(), options.formats.end());
  options.formats.erase(std::unique(options.formats.begin(), options.formats.end()),
                        options.formats.end());
  options.on_error = fhir::parse_on_error(flags.on_error);
  options.reference_date = reference_date(flags);
  options.threads = flags.threads;
  options.stream = !flags.hold_input;
  if (!flags.compare_with.empty() && !fs::is_directory(flags.compare_with)) {
    fail(ErrorKind::kInvalidInput, "--compare-with: " + flags.compare_with + ": not a folder");
  }
  if (!flags.catalog.empty() && flags.warehouse.empty()) {
    fail(ErrorKind::kInvalidInput, "--catalog: needs --warehouse");
  }
  pipeline::catalog_path(flags.catalog);  // a bad --catalog fails before anything is written
  StagedDir staged(flags.out);
  const fhir2omop::MappingReport report = fhir2omop::convert(options, staged.staging());
  std::map<std::string, uint64_t> lake_rows;
  if (!flags.warehouse.empty()) {
    lake_rows = pipeline::append_to_warehouse(staged.staging(), flags.warehouse,
                                              Uuid::random().str(), flags.catalog);
  }
  staged.commit();
  for (const auto& [table, rows] : lake_rows) {
    terminal.summary("warehouse: " + table + ": " + std::to_string(rows) + " rows appended\n");
  }
  terminal.summary("to-omop: " + std::to_string(report.persons) + " persons written to " +
                   flags.out + " (mapping_report.json)\n" + report.summary());
  if (flags.compare_with.empty()) return kExitOk;
  const fhir2omop::Agreement agreement =
      fhir2omop::compare_omop(flags.compare_with, fs::path(flags.out) / "omop");
  terminal.summary("to-omop: compared with " + flags.compare_with + ": " + agreement.summary() +
                   "\n");
  return agreement.agrees() ? kExitOk : kExitChecksFailed;
}

}  // namespace

void add_to_omop_command(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* command =
      app.add_subcommand("to-omop", "Convert FHIR R4 into OMOP CDM 5.4 tables (mapping report)");
  auto flags = std::make_shared<ToOmopFlags>();
  command
      ->add_option("--input", flags->inputs,
                   "FHIR input: NDJSON (.ndjson, .gz, .zst), JSON resources or Bundles, folders")
      ->required();
  command->add_option("--out", flags->out, "Output folder")->required();
  command->add_option("--format", flags->formats, "csv, parquet or duckdb (several allowed)")
      ->delimiter(',')
      ->capture_default_str();
  command->add_option("--vocab", flags->vocab,
                      "Athena vocabulary folder (TAB-separated); default: the built-in vocabulary");
  command->add_option("--on-error", flags->on_error, "Malformed input lines: fail or skip")
      ->check(CLI::IsMember({"fail", "skip"}))
      ->capture_default_str();
  command->add_option("--reference-date", flags->reference_date,
                      "End of observation for people without visits, YYYY-MM-DD (default: the "
                      "input manifest's transactionTime, else today)");
  command->add_option("--compare-with", flags->compare_with,
                      "A direct OMOP output folder (fos generate's omop/) to compare the result "
                      "with, table by table; exit 1 when they differ beyond docs/fhir2omop.md");
  command->add_option("--warehouse", flags->warehouse,
                      "Also append the OMOP tables to this Apache Iceberg warehouse (omop.<table>, "
                      "one snapshot per table; needs csv or parquet output)");
  command->add_option("--catalog", flags->catalog,
                      "sqlite:PATH: also point those tables of this SQLite catalog at the versions "
                      "just written (needs --warehouse)");
  command->add_option("--threads", flags->threads,
                      "Mapping threads (0: one per core); the output does not depend on it");
  // Tests and benchmarks: skip streaming per patient and use the spilled fallback (the output
  // is the same).
  command->add_flag("--hold-input", flags->hold_input)->group("");
  command->callback([&global, &action, flags] {
    action = [&global, flags] { return run_to_omop(global, *flags); };
  });
}

}  // namespace fos::cli
