// `fos query --warehouse DIR "SQL"`: SQL over an Iceberg warehouse through DuckDB, with
// every table a view <namespace>.<table> over its current (or --as-of) snapshot's files.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/app.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "lake/iceberg/warehouse.hpp"

namespace fos::cli {
namespace {

struct QueryFlags {
  std::string warehouse;
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

}  // namespace

void add_query_command(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* command = app.add_subcommand(
      "query", "Run SQL over an Iceberg warehouse (every table is a view <namespace>.<table>)");
  auto flags = std::make_shared<QueryFlags>();
  command->add_option("--warehouse", flags->warehouse, "Warehouse folder")->required();
  command->add_option("sql", flags->sql, "The SQL query")->required();
  command->add_option("--as-of", flags->as_of,
                      "Time travel: a snapshot id, or an instant such as 2024-03-01T12:00:00Z");
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
      lake::create_warehouse_views(con, flags->warehouse, as_of);
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
