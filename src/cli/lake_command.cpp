// `fos lake tables|snapshots|history --warehouse DIR`: what an Iceberg warehouse holds;
// `fos lake evolve|expire|compact|orphans`: schema evolution and table maintenance.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/app.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/output.hpp"
#include "lake/iceberg/catalog_sqlite.hpp"
#include "lake/iceberg/evolve.hpp"
#include "lake/iceberg/maintenance.hpp"
#include "lake/iceberg/warehouse.hpp"

namespace fos::cli {
namespace {

struct LakeFlags {
  std::string warehouse;
  std::string
      catalog;        // "sqlite:PATH": list the tables registered there (tables|snapshots|history)
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
  std::vector<lake::WarehouseTable> all;
  if (!flags.catalog.empty()) {
    const auto path = lake::sqlite_catalog_path(flags.catalog);
    if (!path)
      fail(ErrorKind::kInvalidInput,
           "--catalog: expected sqlite:PATH, got '" + flags.catalog + "'");
    all = lake::list_sqlite_catalog(*path);
  } else {
    all = lake::list_warehouse(flags.warehouse);
  }
  for (const lake::WarehouseTable& t : all) {
    if (flags.table.empty() || flags.table == t.name || flags.table == t.ns + "." + t.name) {
      out.push_back(t);
    }
  }
  if (!flags.table.empty() && out.empty()) {
    fail(ErrorKind::kInvalidInput, "no table '" + flags.table + "' in " +
                                       (flags.catalog.empty() ? flags.warehouse : flags.catalog));
  }
  return out;
}

// A listed table's version and metadata: the catalog pointer's, else the newest in its folder.
std::pair<int, lake::TableMetadata> listed_metadata(const lake::WarehouseTable& t) {
  if (!t.metadata_file.empty()) {
    return {lake::metadata_version(t.metadata_file.string()),
            lake::TableMetadata::parse(read_file(t.metadata_file), t.metadata_file.string())};
  }
  const lake::IcebergTable table = lake::IcebergTable::open(t.dir);
  return {table.version(), table.metadata()};
}

std::string tables_text(const LakeFlags& flags) {
  std::string out = fmt::format("{:<36} {:>7} {:>9} {:>10} {:>12}  {}\n", "table", "version",
                                "snapshots", "data files", "records", "partitioned by");
  for (const lake::WarehouseTable& t : selected(flags)) {
    const auto [version, m] = listed_metadata(t);
    const lake::Snapshot* current = m.current_snapshot();
    std::string partition;
    for (const lake::PartitionField& p : m.default_spec().fields) {
      const lake::IcebergField* source = m.current_schema().find(p.source_id);
      partition += (partition.empty() ? "" : ", ") + p.transform.str() + "(" +
                   (source != nullptr ? source->name : "?") + ")";
    }
    out += fmt::format("{:<36} {:>7} {:>9} {:>10} {:>12}  {}\n", t.ns + "." + t.name, version,
                       m.snapshots.size(), current ? current->summary_count("total-data-files") : 0,
                       current ? current->summary_count("total-records") : 0,
                       partition.empty() ? "-" : partition);
  }
  return out;
}

std::string snapshots_text(const LakeFlags& flags, bool history) {
  std::string out;
  for (const lake::WarehouseTable& t : selected(flags)) {
    const lake::TableMetadata m = listed_metadata(t).second;
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

// "--older-than": an ISO instant, or a date (its midnight, UTC).
int64_t parse_older_than(const std::string& text) {
  std::optional<Instant> instant = Instant::parse(text);
  if (!instant) {
    if (auto date = Date::parse(text)) instant = Instant::at(*date);
  }
  if (!instant) {
    fail(ErrorKind::kInvalidInput,
         "--older-than: expected an instant like 2024-03-01T12:00:00Z or a date, got '" + text +
             "'");
  }
  return instant->seconds() * 1000;
}

struct MaintenanceFlags {
  LakeFlags lake;
  std::string older_than;
  int retain_last = 1;
  int64_t target_file_size = int64_t{128} * 1024 * 1024;
  bool remove = false;
  bool all = false;
  std::vector<std::string> add_columns;
  std::vector<std::string> renames;
  std::vector<std::string> widens;
};

// With --catalog sqlite:PATH, move `t`'s pointer to the version `table` just committed (the
// same compare-and-swap as the appends; a pointer already at a newer version stays).
void register_version(const MaintenanceFlags& flags, const lake::WarehouseTable& t,
                      const lake::IcebergTable& table) {
  if (flags.lake.catalog.empty()) return;
  const auto path = lake::sqlite_catalog_path(flags.lake.catalog);
  if (!path) {
    fail(ErrorKind::kInvalidInput,
         "--catalog: expected sqlite:PATH, got '" + flags.lake.catalog + "'");
  }
  lake::SqliteCatalog catalog(*path);
  const std::filesystem::path file =
      table.dir() / "metadata" / ("v" + std::to_string(table.version()) + ".metadata.json");
  catalog.commit(t.ns, t.name, lake::file_uri(file), table.version());
}

// The tables of --warehouse (also with --catalog: maintenance works on the folders and then
// moves the pointers); a bad --catalog fails before anything is changed.
std::vector<lake::WarehouseTable> maintained(const MaintenanceFlags& flags) {
  if (!flags.lake.catalog.empty() && !lake::sqlite_catalog_path(flags.lake.catalog)) {
    fail(ErrorKind::kInvalidInput,
         "--catalog: expected sqlite:PATH, got '" + flags.lake.catalog + "'");
  }
  LakeFlags folders = flags.lake;
  folders.catalog.clear();
  return selected(folders);
}

std::optional<int64_t> older_than(const MaintenanceFlags& flags) {
  if (flags.older_than.empty()) return std::nullopt;
  return parse_older_than(flags.older_than);
}

int run_evolve(const MaintenanceFlags& flags) {
  if (flags.lake.table.empty()) fail(ErrorKind::kInvalidInput, "--table: required for evolve");
  std::vector<lake::SchemaChange> changes;
  for (const std::string& t : flags.renames) {
    changes.push_back(lake::SchemaChange::parse(lake::SchemaChangeKind::kRename, t, "--rename"));
  }
  for (const std::string& t : flags.widens) {
    changes.push_back(lake::SchemaChange::parse(lake::SchemaChangeKind::kWiden, t, "--widen"));
  }
  for (const std::string& t : flags.add_columns) {
    changes.push_back(
        lake::SchemaChange::parse(lake::SchemaChangeKind::kAddColumn, t, "--add-column"));
  }
  if (changes.empty()) {
    fail(ErrorKind::kInvalidInput, "evolve: give --add-column, --rename or --widen");
  }
  const lake::WarehouseTable t = maintained(flags).front();
  lake::IcebergTable table = lake::IcebergTable::open(t.dir);
  const lake::EvolveResult r = lake::evolve_table(table, changes);
  print(fmt::format("{}.{}: version {}, schema {}, last-column-id {}\n", t.ns, t.name, r.version,
                    r.schema_id, r.last_column_id));
  if (!flags.widens.empty()) {
    if (const auto snapshot = lake::rewrite_promoted_bounds(table, {})) {
      print(fmt::format("{}.{}: manifests rewritten with promoted bounds (replace snapshot {})\n",
                        t.ns, t.name, *snapshot));
    }
  }
  register_version(flags, t, table);
  return kExitOk;
}

int run_expire(const MaintenanceFlags& flags) {
  lake::ExpireOptions options;
  options.older_than_ms = older_than(flags);
  options.retain_last = flags.retain_last;
  options.validate();
  for (const lake::WarehouseTable& t : maintained(flags)) {
    lake::IcebergTable table = lake::IcebergTable::open(t.dir);
    const lake::ExpireResult r = lake::expire_snapshots(table, options);
    register_version(flags, t, table);
    print(fmt::format(
        "{}.{}: expired {} snapshots; deleted {} manifest lists, {} manifests, {} data files\n",
        t.ns, t.name, r.expired_snapshots, r.deleted_manifest_lists, r.deleted_manifests,
        r.deleted_data_files));
  }
  return kExitOk;
}

int run_compact(const MaintenanceFlags& flags) {
  lake::CompactOptions options;
  options.target_file_size = flags.target_file_size;
  options.rewrite_all = flags.all;
  options.validate();
  lake::Database db = lake::Database::in_memory();
  lake::Connection con(db);
  for (const lake::WarehouseTable& t : maintained(flags)) {
    lake::IcebergTable table = lake::IcebergTable::open(t.dir);
    const lake::CompactResult r = lake::compact_table(table, con, options);
    register_version(flags, t, table);
    if (!r.snapshot_id) {
      print(fmt::format("{}.{}: nothing to compact\n", t.ns, t.name));
      continue;
    }
    print(fmt::format("{}.{}: replaced {} data files with {} ({} records), snapshot {}\n", t.ns,
                      t.name, r.deleted_files, r.added_files, r.rewritten_records, *r.snapshot_id));
  }
  return kExitOk;
}

int run_orphans(const MaintenanceFlags& flags) {
  const std::optional<int64_t> before = older_than(flags);
  int64_t found = 0;
  for (const lake::WarehouseTable& t : selected(flags.lake)) {
    const lake::IcebergTable table = lake::IcebergTable::open(t.dir);
    const std::vector<lake::OrphanFile> orphans = lake::find_orphan_files(table, before);
    for (const lake::OrphanFile& f : orphans) {
      print(fmt::format("{}.{}\t{}\t{}\n", t.ns, t.name, f.size, f.path.string()));
    }
    found += static_cast<int64_t>(orphans.size());
    if (flags.remove) lake::remove_orphan_files(table, orphans);
  }
  print(fmt::format("{} orphan files{}\n", found, flags.remove ? " removed" : ""));
  return kExitOk;
}

void add_maintenance_commands(CLI::App* lake, Action& action) {
  const auto make = [lake](const char* name, const char* help) {
    auto flags = std::make_shared<MaintenanceFlags>();
    auto* command = lake->add_subcommand(name, help);
    command->add_option("--warehouse", flags->lake.warehouse, "Warehouse folder")->required();
    command->add_option("--table,table", flags->lake.table,
                        "Only this table (<namespace>.<table> or <table>)");
    if (std::string_view(name) != "orphans") {
      command->add_option("--catalog", flags->lake.catalog,
                          "sqlite:PATH: also move each changed table's pointer in this SQLite "
                          "catalog (compare-and-swap, as appends do)");
    }
    return std::make_pair(command, flags);
  };
  auto [evolve, evolve_flags] = make("evolve", "Change a table's schema (new schema version)");
  evolve->add_option("--add-column", evolve_flags->add_columns, "NAME:TYPE, a new optional column");
  evolve->add_option("--rename", evolve_flags->renames, "OLD:NEW, same field id");
  evolve->add_option("--widen", evolve_flags->widens, "NAME:TYPE (int->long, float->double)");
  auto [expire, expire_flags] = make("expire", "Expire old snapshots and delete their files");
  expire->add_option("--older-than", expire_flags->older_than,
                     "Only snapshots committed before this instant");
  expire->add_option("--retain-last", expire_flags->retain_last,
                     "Always keep this many newest snapshots (default 1)");
  auto [compact, compact_flags] = make("compact", "Rewrite small data files (replace snapshot)");
  compact->add_option("--target-file-size", compact_flags->target_file_size,
                      "Bytes; smaller files are packed into files of about this size");
  compact->add_flag("--all", compact_flags->all,
                    "Rewrite every data file (e.g. after a schema change), not only small ones");
  auto [orphans, orphan_flags] = make("orphans", "List files no metadata version references");
  orphans->add_flag("--remove", orphan_flags->remove, "Delete them");
  orphans->add_option("--older-than", orphan_flags->older_than,
                      "Only files last modified before this instant");
  using Run = int (*)(const MaintenanceFlags&);
  const auto bind = [&action](CLI::App* command, const std::shared_ptr<MaintenanceFlags>& flags,
                              Run run) {
    command->callback([&action, flags, run] { action = [flags, run] { return run(*flags); }; });
  };
  bind(evolve, evolve_flags, &run_evolve);
  bind(expire, expire_flags, &run_expire);
  bind(compact, compact_flags, &run_compact);
  bind(orphans, orphan_flags, &run_orphans);
}

}  // namespace

void add_lake_command(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* lake = app.add_subcommand("lake", "Inspect and maintain an Iceberg warehouse");
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
    command->add_option("--warehouse", flags->warehouse, "Warehouse folder");
    command->add_option("--catalog", flags->catalog,
                        "sqlite:PATH: the tables registered in this SQLite catalog, at the "
                        "versions it points to (instead of --warehouse)");
    command->add_option("table", flags->table, "Only this table (<namespace>.<table> or <table>)");
    const std::string name = sub.name;
    command->callback([&global, &action, flags, name] {
      action = [&global, flags, name] {
        (void)global;
        if (flags->warehouse.empty() == flags->catalog.empty()) {
          fail(ErrorKind::kInvalidInput, "give --warehouse DIR or --catalog sqlite:PATH");
        }
        print(name == "tables" ? tables_text(*flags) : snapshots_text(*flags, name == "history"));
        return kExitOk;
      };
    });
  }
  add_maintenance_commands(lake, action);
}

}  // namespace fos::cli
