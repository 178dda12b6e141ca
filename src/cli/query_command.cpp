// `fos query --warehouse DIR "SQL"`: SQL over an Iceberg warehouse through DuckDB, with
// every table a view <namespace>.<table> over its current (or --as-of) snapshot's files;
// `--table [NAME=]PATH` adds a single table folder written by any engine as view NAME.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/app.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "lake/iceberg/catalog_sqlite.hpp"
#include "lake/iceberg/warehouse.hpp"

namespace fos::cli {
namespace {

struct QueryFlags {
  std::string warehouse;
  std::vector<std::string> tables;  // [NAME=]PATH
  std::string append_to;            // <ns>.<table>: append the result instead of printing it
  int times = 1;
  std::string catalog;                 // "sqlite:PATH"; empty: the file-system catalog
  std::vector<std::string> partition;  // with --append-to: TRANSFORM(COLUMN) of a new table
  std::string sql;
  std::string as_of;
  std::string format;  // empty: table on a TTY, CSV otherwise
};

std::string render_csv(const lake::QueryResult& r) {
  std::string out;
  for (uint64_t c = 0; c < r.column_count(); ++c) {
    if (c > 0) out += ',';
    append_csv_field(out, r.column_name(c));
  }
  out += '\n';
  for (uint64_t row = 0; row < r.row_count(); ++row) {
    for (uint64_t c = 0; c < r.column_count(); ++c) {
      if (c > 0) out += ',';
      if (auto v = r.text(row, c)) append_csv_field(out, *v);
    }
    out += '\n';
  }
  return out;
}

std::string render_json(const lake::QueryResult& r) {
  std::string out;
  for (uint64_t row = 0; row < r.row_count(); ++row) {
    JsonWriter json(out);
    json.begin_object();
    for (uint64_t c = 0; c < r.column_count(); ++c) {
      json.key(r.column_name(c));
      if (auto v = r.text(row, c)) {
        json.value(*v);
      } else {
        json.null();
      }
    }
    json.end_object();
    out += '\n';
  }
  return out;
}

std::string render_table(const lake::QueryResult& r) {
  std::vector<size_t> width(r.column_count());
  for (uint64_t c = 0; c < r.column_count(); ++c) width[c] = r.column_name(c).size();
  for (uint64_t row = 0; row < r.row_count(); ++row) {
    for (uint64_t c = 0; c < r.column_count(); ++c) {
      width[c] = std::max(width[c], r.text(row, c).value_or("NULL").size());
    }
  }
  auto line = [&](auto cell) {
    std::string out;
    for (uint64_t c = 0; c < r.column_count(); ++c) {
      std::string text = cell(c);
      text.resize(width[c], ' ');
      out += (c > 0 ? " | " : "") + text;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + '\n';
  };
  std::string out = line([&](uint64_t c) { return r.column_name(c); });
  std::string rule;
  for (uint64_t c = 0; c < r.column_count(); ++c) {
    rule += (c > 0 ? "-+-" : "") + std::string(width[c], '-');
  }
  out += rule + '\n';
  for (uint64_t row = 0; row < r.row_count(); ++row) {
    out += line([&](uint64_t c) { return r.text(row, c).value_or("NULL"); });
  }
  out += "(" + std::to_string(r.row_count()) + " row" + (r.row_count() == 1 ? "" : "s") + ")\n";
  return out;
}

// "--table [NAME=]PATH": a view NAME (default: the folder name, '-' and '.' as '_').
lake::WarehouseTable table_flag(const std::string& text) {
  lake::WarehouseTable t;
  const size_t eq = text.find('=');
  t.dir = eq == std::string::npos ? text : text.substr(eq + 1);
  t.name = eq == std::string::npos
               ? std::filesystem::path(t.dir).lexically_normal().filename().string()
               : text.substr(0, eq);
  if (t.dir.empty())
    fail(ErrorKind::kInvalidInput, "--table: expected [NAME=]PATH, got '" + text + "'");
  if (t.name.empty()) t.name = std::filesystem::absolute(t.dir).parent_path().filename().string();
  std::replace(t.name.begin(), t.name.end(), '-', '_');
  std::replace(t.name.begin(), t.name.end(), '.', '_');
  if (t.name.empty())
    fail(ErrorKind::kInvalidInput, "--table: expected [NAME=]PATH, got '" + text + "'");
  return t;
}

// --append-to: one commit per iteration; prints "<snapshot id> <rows> <attempts>" per commit.
int append_rows(lake::Connection& con, const QueryFlags& flags,
                const std::optional<std::filesystem::path>& catalog_path) {
  if (flags.warehouse.empty()) fail(ErrorKind::kInvalidInput, "--append-to: needs --warehouse");
  std::optional<lake::SqliteCatalog> catalog;
  if (catalog_path) catalog.emplace(*catalog_path);
  std::string out;
  for (int i = 1; i <= flags.times; ++i) {
    con.execute("SET VARIABLE fos_iteration = " + std::to_string(i));
    const lake::AppendResult r =
        lake::append_query(con, flags.warehouse, flags.append_to, flags.sql, {}, flags.partition);
    out += std::to_string(r.snapshot_id) + " " + std::to_string(r.added_records) + " " +
           std::to_string(r.attempts);
    if (catalog) {  // the table's pointer moves to the version just committed
      const size_t dot = flags.append_to.find('.');
      const std::filesystem::path file = std::filesystem::path(flags.warehouse) /
                                         flags.append_to.substr(0, dot) /
                                         flags.append_to.substr(dot + 1) / "metadata" /
                                         ("v" + std::to_string(r.version) + ".metadata.json");
      out += " " + std::to_string(catalog->commit(flags.append_to.substr(0, dot),
                                                  flags.append_to.substr(dot + 1),
                                                  lake::file_uri(file), r.version));
    }
    out += "\n";
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
    fail(ErrorKind::kIo, "writing to stdout");
  }
  return kExitOk;
}

}  // namespace

void add_query_command(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* command = app.add_subcommand(
      "query", "Run SQL over an Iceberg warehouse (every table is a view <namespace>.<table>)");
  auto flags = std::make_shared<QueryFlags>();
  command->add_option("--warehouse", flags->warehouse, "Warehouse folder");
  command->add_option("--table", flags->tables,
                      "[NAME=]PATH: also read the Iceberg table in folder PATH (any v1/v2 writer) "
                      "as view NAME (default: the folder name)");
  command->add_option("sql", flags->sql, "The SQL query")->required();
  command->add_option("--as-of", flags->as_of,
                      "Time travel: a snapshot id, or an instant such as 2024-03-01T12:00:00Z");
  command->add_option("--catalog", flags->catalog,
                      "sqlite:PATH: read the tables registered in this SQL (JDBC/pyiceberg) "
                      "catalog; with --append-to, also move the table's pointer there");
  command->add_option("--append-to", flags->append_to,
                      "Append the query's rows to warehouse table <ns>.<table> as one snapshot "
                      "(created with the result's columns when absent) instead of printing them");
  command->add_option("--partition", flags->partition,
                      "With --append-to, for a new table: partition field TRANSFORM(COLUMN), e.g. "
                      "bucket[8](person_id) (int, long, date, timestamp, string sources), year(d), "
                      "identity(c)");
  command
      ->add_option("--times", flags->times,
                   "With --append-to: run the query N times, one commit each; the query sees "
                   "getvariable('fos_iteration') = 1..N")
      ->check(CLI::Range(1, 100000));
  command
      ->add_option("--format", flags->format,
                   "Output: table, csv or json (default: table on "
                   "a terminal, csv otherwise)")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  command->callback([&global, &action, flags] {
    action = [&global, flags] {
      (void)global;
      std::optional<lake::AsOf> as_of;
      if (!flags->as_of.empty()) as_of = lake::AsOf::parse(flags->as_of);
      lake::Database db = lake::Database::in_memory();
      lake::Connection con(db);
      if (flags->warehouse.empty() && flags->tables.empty() && flags->catalog.empty()) {
        fail(ErrorKind::kInvalidInput, "query: give --warehouse DIR or --table PATH");
      }
      if (!flags->append_to.empty() && !flags->warehouse.empty()) {
        std::filesystem::create_directories(flags->warehouse);  // a new warehouse
      }
      std::optional<std::filesystem::path> catalog;
      if (!flags->catalog.empty()) {
        catalog = lake::sqlite_catalog_path(flags->catalog);
        if (!catalog) {
          fail(ErrorKind::kInvalidInput,
               "--catalog: expected sqlite:PATH, got '" + flags->catalog + "'");
        }
        if (!flags->append_to.empty()) lake::SqliteCatalog{*catalog};  // create it
        lake::create_table_views(con, lake::list_sqlite_catalog(*catalog), as_of,
                                 catalog->string());
      } else if (!flags->warehouse.empty()) {
        lake::create_warehouse_views(con, flags->warehouse, as_of);
      }
      if (!flags->tables.empty()) {
        std::vector<lake::WarehouseTable> tables;
        for (const std::string& t : flags->tables) tables.push_back(table_flag(t));
        lake::create_table_views(con, tables, as_of, "--table");
      }
      if (!flags->append_to.empty()) return append_rows(con, *flags, catalog);
      const lake::QueryResult result = con.query(flags->sql);
      std::string format = flags->format;
      if (format.empty()) format = ::isatty(STDOUT_FILENO) != 0 ? "table" : "csv";
      const std::string text = format == "table"  ? render_table(result)
                               : format == "json" ? render_json(result)
                                                  : render_csv(result);
      if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
        fail(ErrorKind::kIo, "writing the query result to stdout");
      }
      return kExitOk;
    };
  });
}

}  // namespace fos::cli
