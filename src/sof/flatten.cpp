// Several views over one pass of a resource stream, each into its own CSV file.
#include <fstream>
#include <memory>

#include "core/error.hpp"
#include "sof/sof.hpp"

namespace fos::sof {
namespace {

namespace fs = std::filesystem;

// One view's output file, written beside its final name and renamed when complete.
struct CsvTable {
  fs::path path;
  fs::path temp;
  std::ofstream file;
  std::unique_ptr<CsvTableWriter> writer;
  std::unique_ptr<ViewRunner> runner;
  uint64_t rows = 0;
};

void remove_partials(std::vector<std::unique_ptr<CsvTable>>& tables) {
  for (auto& table : tables) {
    table->file.close();
    std::error_code ignored;
    fs::remove(table->temp, ignored);
  }
}

}  // namespace

FlattenSummary flatten_to_csv(fhir::ResourceReader& reader,
                              const std::vector<ViewDefinition>& views, const fs::path& out_dir,
                              unsigned threads) {
  fs::create_directories(out_dir);
  std::vector<std::unique_ptr<CsvTable>> tables;
  for (const ViewDefinition& view : views) {
    auto table = std::make_unique<CsvTable>();
    table->path = out_dir / (view.name + ".csv");
    table->temp = out_dir / (view.name + ".csv.partial");
    table->file.open(table->temp, std::ios::binary);
    if (!table->file) fail(ErrorKind::kIo, table->temp.string() + ": cannot open for writing");
    table->writer = std::make_unique<CsvTableWriter>(table->file);
    table->runner = std::make_unique<ViewRunner>(view);
    table->writer->begin(view.columns);
    tables.push_back(std::move(table));
  }
  FlattenSummary summary;
  std::vector<FlattenTable> targets;
  targets.reserve(tables.size());
  for (auto& table : tables) targets.push_back({&table->runner->view(), table->writer.get()});
  try {
    FlattenOptions options;
    options.threads = threads;
    summary.resources = flatten(reader, targets, options);
  } catch (...) {
    remove_partials(tables);
    throw;
  }
  for (size_t i = 0; i < tables.size(); ++i) tables[i]->rows = targets[i].rows;
  for (auto& table : tables) {
    table->writer->finish();
    table->file.close();
    if (!table->file) fail(ErrorKind::kIo, table->temp.string() + ": write failed");
    fs::rename(table->temp, table->path);
    summary.rows.emplace_back(table->runner->view().name, table->rows);
  }
  return summary;
}

}  // namespace fos::sof
