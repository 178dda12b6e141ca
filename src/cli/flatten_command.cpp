// `fos flatten`: run SQL on FHIR v2 ViewDefinitions over FHIR input (NDJSON folders or
// files, JSON resources, Bundles) in one pass, writing one table per view.
//
// One view: rows go to --out (a file) or stdout. Several views: --out is a folder
// receiving <view name>.<format> per view. Parquet tables are written as CSV, then
// converted by DuckDB with column types from the view. `--view default` stands for the built-in
// views. Exit 2 on an invalid view or input.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/app.hpp"
#include "core/error.hpp"
#include "core/output.hpp"
#include "core/uuid.hpp"
#include "fhir/read/read.hpp"
#include "pipeline/warehouse.hpp"
#include "sof/sof.hpp"

namespace fos::cli {
namespace {

namespace fs = std::filesystem;

// `--view default`: the built-in views of views/ (fhir_patient, fhir_encounter, ...).
constexpr std::string_view kDefaultViews = "default";

struct FlattenFlags {
  std::vector<std::string> views;
  std::vector<std::string> inputs;
  std::string format = "ndjson";
  std::string out;
  std::string on_error = "fail";
  unsigned threads = 0;   // 0: one per core; the output does not depend on it
  std::string warehouse;  // also append each table to fhir.<view> of this Iceberg warehouse
  std::string catalog;    // "sqlite:PATH": and register those tables in this SQLite catalog
};

// One view's output: its runner, its writer and where the bytes go.
struct Table {
  std::unique_ptr<sof::ViewDefinition> view;
  std::unique_ptr<sof::ViewRunner> runner;
  std::unique_ptr<std::ofstream> file;
  fs::path path;
  fs::path temp;
  std::unique_ptr<sof::TableWriter> sink;
  uint64_t rows = 0;
};

std::string table_name(const sof::ViewDefinition& view, const std::string& file) {
  if (!view.name.empty()) return view.name;
  return fs::path(file).stem().string();
}

// The table's finished CSV (table.temp) becomes the typed Parquet file table.path.
void convert_to_parquet(const Table& table) {
  fs::path parquet_temp = table.path;
  parquet_temp += ".partial";
  try {
    sof::csv_to_parquet(table.temp, *table.view, parquet_temp);
  } catch (...) {
    std::error_code ignored;
    fs::remove(table.temp, ignored);
    fs::remove(parquet_temp, ignored);
    throw;
  }
  fs::remove(table.temp);
  fs::rename(parquet_temp, table.path);
}

// Parquet tables are written as CSV first.
std::unique_ptr<sof::TableWriter> make_sink(const std::string& format, std::ostream& out) {
  if (format == "csv" || format == "parquet") return std::make_unique<sof::CsvTableWriter>(out);
  return std::make_unique<sof::NdjsonTableWriter>(out);
}

int run_flatten(const GlobalOptions& global, const FlattenFlags& flags) {
  const Terminal terminal(global);
  const bool parquet = flags.format == "parquet";
  if (parquet && flags.out.empty()) {
    fail(ErrorKind::kInvalidInput, "--format parquet: needs --out (a file or a folder)");
  }
  if (!flags.warehouse.empty() && (flags.out.empty() || flags.format == "ndjson")) {
    fail(ErrorKind::kInvalidInput, "--warehouse: needs --out and --format csv or parquet");
  }
  if (!flags.catalog.empty() && flags.warehouse.empty()) {
    fail(ErrorKind::kInvalidInput, "--catalog: needs --warehouse");
  }
  pipeline::catalog_path(flags.catalog);
  fhir::ReaderOptions reader_options;
  for (const auto& input : flags.inputs) reader_options.inputs.emplace_back(input);
  reader_options.on_error = fhir::parse_on_error(flags.on_error);
  Diagnostics diagnostics;
  reader_options.diagnostics = &diagnostics;
  reader_options.validate();

  std::vector<Table> tables;
  std::vector<std::string> labels;  // file per table, for names of unnamed views
  for (const std::string& file : flags.views) {
    std::vector<sof::ViewDefinition> views;
    if (file == kDefaultViews) {
      views = sof::default_views();
    } else {
      views.push_back(sof::load_view(file));
    }
    for (auto& view : views) {
      Table table;
      table.view = std::make_unique<sof::ViewDefinition>(std::move(view));
      table.runner = std::make_unique<sof::ViewRunner>(*table.view);
      tables.push_back(std::move(table));
      labels.push_back(file);
    }
  }
  const bool many = tables.size() > 1;
  if (many && flags.out.empty())
    fail(ErrorKind::kInvalidInput, "--out: several views need an output folder");
  if (many) fs::create_directories(flags.out);
  for (size_t i = 0; i < tables.size(); ++i) {
    Table& table = tables[i];
    if (flags.out.empty()) {
      table.sink = make_sink(flags.format, std::cout);
    } else {
      table.path =
          many ? fs::path(flags.out) / (table_name(*table.view, labels[i]) + "." + flags.format)
               : fs::path(flags.out);
      table.temp = table.path;
      table.temp += parquet ? ".csv.partial" : ".partial";  // parquet: CSV first, then converted
      table.file = std::make_unique<std::ofstream>(table.temp, std::ios::binary);
      if (!*table.file) fail(ErrorKind::kIo, table.temp.string() + ": cannot open for writing");
      table.sink = make_sink(flags.format, *table.file);
    }
    table.sink->begin(table.view->columns);
  }

  fhir::ResourceReader reader(reader_options);
  uint64_t resources = 0;
  try {
    std::vector<sof::FlattenTable> targets;
    targets.reserve(tables.size());
    for (Table& table : tables) targets.push_back({table.view.get(), table.sink.get()});
    resources = sof::flatten(reader, targets, {.threads = flags.threads});
    for (size_t i = 0; i < tables.size(); ++i) tables[i].rows = targets[i].rows;
  } catch (...) {
    for (Table& table : tables) {
      if (table.file) {
        table.file->close();
        fs::remove(table.temp);
      }
    }
    throw;
  }
  for (Table& table : tables) {
    table.sink->finish();
    if (!table.file) continue;
    table.file->close();
    if (!*table.file) fail(ErrorKind::kIo, table.temp.string() + ": write failed");
    if (parquet) {
      convert_to_parquet(table);
      continue;
    }
    fs::rename(table.temp, table.path);
  }
  if (!flags.warehouse.empty()) {
    std::vector<pipeline::FlatTable> flat;
    flat.reserve(tables.size());
    for (const Table& table : tables) flat.push_back({table.view.get(), table.path});
    for (const auto& [name, rows] : pipeline::append_views_to_warehouse(
             flat, flags.warehouse, Uuid::random().str(), flags.catalog)) {
      terminal.summary("warehouse: " + name + ": " + std::to_string(rows) + " rows appended\n");
    }
  }
  for (const auto& summary : diagnostics.summary()) {
    terminal.warn(summary.category + ": " + std::to_string(summary.count));
    for (const auto& example : summary.examples) terminal.warn("  " + example);
  }
  std::string text = "flatten: " + std::to_string(resources) + " resources";
  for (const Table& table : tables) {
    text += "; " + table_name(*table.view, table.view->source) + ": " + std::to_string(table.rows) +
            " rows";
  }
  if (reader.skipped() > 0) text += "; " + std::to_string(reader.skipped()) + " skipped";
  if (!flags.out.empty()) terminal.summary(text + "\n");
  return kExitOk;
}

}  // namespace

void add_flatten_command(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* command = app.add_subcommand(
      "flatten", "Flatten FHIR resources into tables with SQL on FHIR v2 ViewDefinitions");
  auto flags = std::make_shared<FlattenFlags>();
  command
      ->add_option("--view", flags->views,
                   "ViewDefinition JSON file(s); 'default' for the built-in fhir_* views")
      ->required();
  command
      ->add_option("--input", flags->inputs,
                   "FHIR input: NDJSON (.ndjson, .gz, .zst), JSON resources or Bundles, folders")
      ->required();
  command->add_option("--format", flags->format, "Output format: ndjson, csv, parquet")
      ->check(CLI::IsMember({"ndjson", "csv", "parquet"}))
      ->capture_default_str();
  command->add_option("--out", flags->out,
                      "Output file (one view) or folder (several views); stdout when absent");
  command->add_option("--catalog", flags->catalog,
                      "sqlite:PATH: also point the fhir.<view> tables of this SQLite catalog at "
                      "the versions just written (needs --warehouse)");
  command->add_option("--warehouse", flags->warehouse,
                      "Also append each table to the Iceberg warehouse DIR as fhir.<view> "
                      "(one snapshot per table; needs --out and csv or parquet)");
  command->add_option("--on-error", flags->on_error, "Malformed input lines: fail or skip")
      ->check(CLI::IsMember({"fail", "skip"}))
      ->capture_default_str();
  command
      ->add_option("--threads", flags->threads,
                   "Parsing threads (0: one per core); the output does not depend on it")
      ->capture_default_str();
  command->callback([&global, &action, flags] {
    action = [&global, flags] { return run_flatten(global, *flags); };
  });
}

}  // namespace fos::cli
