// `fos lake tables|snapshots|history --warehouse DIR`: what an Iceberg warehouse holds.
#include <fmt/format.h>

#include <cstdio>

#include "cli/app.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "lake/iceberg/warehouse.hpp"

namespace fos::cli {
namespace {

struct LakeFlags {
  std::string warehouse;
  std::string table;  // "<ns>.<name>" or "<name>"; empty: every table
};

void print(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
    fail(ErrorKind::kIo, "writing to stdout");
  }
}

std::string instant_text(int64_t ms) {
  const int64_t seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  return Instant(seconds).iso();
}

std::vector<lake::WarehouseTable> selected(const LakeFlags& flags) {
  std::vector<lake::WarehouseTable> out;
  for (const lake::WarehouseTable& t : lake::list_warehouse(flags.warehouse)) {
    if (flags.table.empty() || flags.table == t.name || flags.table == t.ns + "." + t.name) {
      out.push_back(t);
    }
  }
  if (!flags.table.empty() && out.empty()) {
    fail(ErrorKind::kInvalidInput, "no table '" + flags.table + "' in " + flags.warehouse);
  }
  return out;
}

std::string tables_text(const LakeFlags& flags) {
  std::string out = fmt::format("{:<36} {:>7} {:>9} {:>10} {:>12}  {}\n", "table", "version",
                                "snapshots", "data files", "records", "partitioned by");
  for (const lake::WarehouseTable& t : selected(flags)) {
    const lake::IcebergTable table = lake::IcebergTable::open(t.dir);
    const lake::TableMetadata& m = table.metadata();
    const lake::Snapshot* current = m.current_snapshot();
    std::string partition;
    for (const lake::PartitionField& p : m.default_spec().fields) {
      const lake::IcebergField* source = m.current_schema().find(p.source_id);
      partition += (partition.empty() ? "" : ", ") + p.transform.str() + "(" +
                   (source != nullptr ? source->name : "?") + ")";
    }
    out += fmt::format(
        "{:<36} {:>7} {:>9} {:>10} {:>12}  {}\n", t.ns + "." + t.name, table.version(),
        m.snapshots.size(), current ? current->summary_count("total-data-files") : 0,
        current ? current->summary_count("total-records") : 0, partition.empty() ? "-" : partition);
  }
  return out;
}

std::string snapshots_text(const LakeFlags& flags, bool history) {
  std::string out;
  for (const lake::WarehouseTable& t : selected(flags)) {
    const lake::IcebergTable table = lake::IcebergTable::open(t.dir);
    const lake::TableMetadata& m = table.metadata();
    out += t.ns + "." + t.name + ":\n";
    if (history) {
      for (const lake::SnapshotLogEntry& e : m.snapshot_log) {
        out += fmt::format("  {}  {:>20}{}\n", instant_text(e.timestamp_ms), e.snapshot_id,
                           m.current_snapshot_id == e.snapshot_id ? "  (current)" : "");
      }
      continue;
    }
    for (const lake::Snapshot& s : m.snapshots) {
      out += fmt::format("  {:>20}  seq {:>4}  {}  {:<9} +{} records, {} total  run {}\n",
                         s.snapshot_id, s.sequence_number, instant_text(s.timestamp_ms),
                         s.summary_value("operation").value_or("?"),
                         s.summary_count("added-records"), s.summary_count("total-records"),
                         s.summary_value("fos.run-id").value_or("-"));
    }
  }
  return out;
}

}  // namespace

void add_lake_command(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* lake = app.add_subcommand("lake", "Inspect an Iceberg warehouse");
  lake->require_subcommand(1);
  struct Sub {
    const char* name;
    const char* help;
  };
  for (const Sub& sub : {Sub{"tables", "List tables: version, snapshots, files, records"},
                         Sub{"snapshots", "List each table's snapshots with their summaries"},
                         Sub{"history",
                             "Each table's snapshot log (which snapshot was current "
                             "when)"}}) {
    auto* command = lake->add_subcommand(sub.name, sub.help);
    auto flags = std::make_shared<LakeFlags>();
    command->add_option("--warehouse", flags->warehouse, "Warehouse folder")->required();
    command->add_option("table", flags->table, "Only this table (<namespace>.<table> or <table>)");
    const std::string name = sub.name;
    command->callback([&global, &action, flags, name] {
      action = [&global, flags, name] {
        (void)global;
        print(name == "tables" ? tables_text(*flags) : snapshots_text(*flags, name == "history"));
        return kExitOk;
      };
    });
  }
}

}  // namespace fos::cli
