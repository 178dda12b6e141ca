// Benchmarks of the Iceberg writer and reader (lake/iceberg), one process:
//  - rows/s appended into an Iceberg table for the OMOP measurement table (Parquet via DuckDB
//    with field ids, partitioned by year, statistics, manifests, commit) against the same rows
//    written by a plain DuckDB `COPY ... TO parquet` (zstd) in the same run;
//  - the time of one commit that appends 1, 100 or 10,000 data files (manifest, manifest
//    list, metadata JSON, hard-link publish);
//  - planning over a table of 10,000 data files: open the table, read its manifests, and build
//    the DuckDB view fos query uses.
// docs/lake-layout.md records the numbers.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <ctime>

#include <filesystem>
#include <string>
#include <vector>

#include "lake/iceberg/iceberg.hpp"
#include "omop/cdm/cdm.hpp"
#include "omop/write/convert.hpp"
#include "pipeline/generate.hpp"
#include "pipeline/warehouse.hpp"

namespace {

namespace fs = std::filesystem;
using fos::lake::Connection;
using fos::lake::Database;
using fos::lake::IcebergTable;

// Patients generated for the measurement rows: 600 (about 34,000 rows) unless
// FOS_BENCH_ICEBERG_POPULATION says otherwise (e.g. 20000 for about a million rows).
int population() {
  const char* text = std::getenv("FOS_BENCH_ICEBERG_POPULATION");
  const int n = text == nullptr ? 0 : std::atoi(text);
  return n > 0 ? n : 600;
}

fs::path bench_root() {
  static const fs::path kRoot = [] {
    fs::path root = fs::temp_directory_path() / "fos-bench-iceberg";
    fs::remove_all(root);
    fs::create_directories(root);
    return root;
  }();
  return kRoot;
}

// The measurement CSV of a generated population (made once).
const fs::path& measurement_csv() {
  static const fs::path kCsv = [] {
    const fs::path out = bench_root() / "run";
    fos::pipeline::GenerateJob job;
    job.generate.population = population();
    job.generate.seed = 1;
    job.generate.reference_date = fos::Date::from_civil(2025, 1, 1);
    job.fhir = std::nullopt;
    fos::pipeline::run_generate(job, out);
    return out / "omop" / "measurement.csv";
  }();
  return kCsv;
}

// An in-memory DuckDB holding the measurement rows as table m.
struct Loaded {
  Database db = Database::in_memory();
  Connection con{db};
  int64_t rows = 0;
  Loaded() {
    con.execute("CREATE TABLE m AS SELECT * FROM " +
                fos::omop::read_csv_sql(measurement_csv(), fos::omop::cdm_table("measurement")));
    rows = con.scalar_int64("SELECT count(*) FROM m");
  }
};

Loaded& loaded() {
  static Loaded data;
  return data;
}

// Times `write(table)` on a new measurement table per iteration (created and removed outside
// the timing); state.range(0): 1 = partitioned by year(measurement_date) as the warehouse
// does, 0 = not.
template <class Write>
void time_on_new_tables(benchmark::State& state, const std::string& prefix, Write write) {
  auto definition = fos::pipeline::iceberg_definition(fos::omop::cdm_table("measurement"));
  if (state.range(0) == 0) definition.partition.clear();
  int i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path dir = bench_root() / (prefix + std::to_string(i++));
    IcebergTable table = IcebergTable::create(dir, definition);
    state.ResumeTiming();
    write(table);
    state.PauseTiming();
    fs::remove_all(dir);
    state.ResumeTiming();
  }
}

void BM_IcebergAppendMeasurement(benchmark::State& state) {
  Loaded& l = loaded();
  time_on_new_tables(state, "append-", [&](IcebergTable& table) { table.append(l.con, "m"); });
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(l.rows),
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["rows"] = static_cast<double>(l.rows);
}

// state.range(0): 1 = PARTITION_BY the year of measurement_date (the files the Iceberg
// append writes), 0 = one plain file.
void BM_DuckdbCopyMeasurement(benchmark::State& state) {
  Loaded& l = loaded();
  const fs::path target = bench_root() / "copy";
  const std::string copy = state.range(0) == 0
                               ? "COPY (SELECT * FROM m) TO " +
                                     fos::lake::sql_quote(target.string() + ".parquet") +
                                     " (FORMAT parquet, COMPRESSION zstd)"
                               : "COPY (SELECT *, year(measurement_date) - 1970 AS p FROM m) TO " +
                                     fos::lake::sql_quote(target.string()) +
                                     " (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (p))";
  for (auto _ : state) {
    l.con.execute(copy);
    state.PauseTiming();
    fs::remove_all(target);
    fs::remove(target.string() + ".parquet");
    state.ResumeTiming();
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(l.rows),
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// CPU (process, DuckDB's threads included) and wall clocks, in seconds.
struct Clocks {
  double cpu = 0;
  double wall = 0;
  static Clocks now() {
    timespec c{};
    timespec w{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
    clock_gettime(CLOCK_MONOTONIC, &w);
    return {static_cast<double>(c.tv_sec) + static_cast<double>(c.tv_nsec) * 1e-9,
            static_cast<double>(w.tv_sec) + static_cast<double>(w.tv_nsec) * 1e-9};
  }
};

// The write target measured as a ratio: each iteration appends the measurement rows to a new
// Iceberg table and writes the same rows with the plain DuckDB COPY (the same PARTITION_BY
// when state.range(0) = 1), in alternating order, so both see the same machine load.
// Counters: ratio of the Iceberg append's CPU and wall time to the COPY's (summed over all
// iterations), and the rows/s of each. The iteration time is the append's wall time.
void BM_IcebergVsCopyRatio(benchmark::State& state) {
  Loaded& l = loaded();
  const bool partitioned = state.range(0) != 0;
  auto definition = fos::pipeline::iceberg_definition(fos::omop::cdm_table("measurement"));
  if (!partitioned) definition.partition.clear();
  const fs::path target = bench_root() / "ratio-copy";
  const std::string copy = !partitioned
                               ? "COPY (SELECT * FROM m) TO " +
                                     fos::lake::sql_quote(target.string() + ".parquet") +
                                     " (FORMAT parquet, COMPRESSION zstd)"
                               : "COPY (SELECT *, year(measurement_date) - 1970 AS p FROM m) TO " +
                                     fos::lake::sql_quote(target.string()) +
                                     " (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (p))";
  Clocks iceberg;
  Clocks plain;
  int i = 0;
  for (auto _ : state) {
    // Alternate which of the two runs first: the second of a pair is measured slower (up to
    // 1.5x for the 62-file partitioned COPY on this VM), whichever it is.
    const fs::path dir = bench_root() / ("ratio-" + std::to_string(i));
    IcebergTable table = IcebergTable::create(dir, definition);
    const auto run_iceberg = [&] {
      const Clocks t0 = Clocks::now();
      table.append(l.con, "m");
      const Clocks t1 = Clocks::now();
      iceberg.cpu += t1.cpu - t0.cpu;
      iceberg.wall += t1.wall - t0.wall;
      state.SetIterationTime(t1.wall - t0.wall);
    };
    const auto run_copy = [&] {
      const Clocks t0 = Clocks::now();
      l.con.execute(copy);
      const Clocks t1 = Clocks::now();
      plain.cpu += t1.cpu - t0.cpu;
      plain.wall += t1.wall - t0.wall;
    };
    if (i++ % 2 == 0) {
      run_iceberg();
      run_copy();
    } else {
      run_copy();
      run_iceberg();
    }
    fs::remove_all(dir);
    fs::remove_all(target);
    fs::remove(target.string() + ".parquet");
  }
  const auto n = static_cast<double>(state.iterations());
  const auto rows = static_cast<double>(l.rows);
  state.counters["cpu_ratio"] = iceberg.cpu / plain.cpu;
  state.counters["wall_ratio"] = iceberg.wall / plain.wall;
  state.counters["iceberg_cpu_ms"] = iceberg.cpu / n * 1e3;
  state.counters["copy_cpu_ms"] = plain.cpu / n * 1e3;
  state.counters["iceberg_rows/s"] = rows * n / iceberg.wall;
  state.counters["copy_rows/s"] = rows * n / plain.wall;
}

// The COPY the plain benchmark runs, or a variant of it closer to the Iceberg append's
// (bits): 1 = the CAST/rename projection over the source, 2 = FIELD_IDS, 4 = RETURN_STATS,
// 8 = FILENAME_PATTERN and OVERWRITE_OR_IGNORE into an existing folder (unpartitioned: with
// 16), 16 = FILE_SIZE_BYTES (unpartitioned only).
std::string copy_variant(int64_t bits, bool partitioned, const fs::path& target) {
  const auto definition = fos::pipeline::iceberg_definition(fos::omop::cdm_table("measurement"));
  std::string columns = (bits & 1) != 0 ? "" : "*";
  std::string ids;
  for (size_t i = 0; i < definition.columns.size(); ++i) {
    const auto& c = definition.columns[i];
    if ((bits & 1) != 0) {
      columns += std::string(columns.empty() ? "" : ", ") + "CAST(" + c.name + " AS " +
                 std::string(fos::lake::duckdb_type(c.type)) + ") AS " + c.name;
    }
    ids += (ids.empty() ? "" : ", ") + c.name + ": " + std::to_string(i + 1);
  }
  std::string copy = "COPY (SELECT *" +
                     std::string(partitioned ? ", year(measurement_date) - 1970 AS p" : "") +
                     " FROM (SELECT " + columns + " FROM m)) TO " +
                     fos::lake::sql_quote(target.string()) + " (FORMAT parquet, COMPRESSION zstd";
  if ((bits & 2) != 0) copy += ", FIELD_IDS {" + ids + "}";
  if ((bits & 4) != 0) copy += ", RETURN_STATS";
  if ((bits & 8) != 0 && (partitioned || (bits & 16) != 0)) {
    copy += ", FILENAME_PATTERN 'x-{i}', OVERWRITE_OR_IGNORE";
  }
  if ((bits & 16) != 0 && !partitioned) copy += ", FILE_SIZE_BYTES '512MB'";
  if (partitioned) copy += ", PARTITION_BY (p)";
  return copy + ")";
}

// CPU of a COPY variant (state.range(0) bits, state.range(1) = 1: PARTITION_BY the year)
// relative to the plain COPY, the two alternating in one loop: counter cpu_ratio.
void BM_CopyVariant(benchmark::State& state) {
  Loaded& l = loaded();
  const bool partitioned = state.range(1) != 0;
  const fs::path target = bench_root() / "variant";
  const fs::path base_target = bench_root() / "variant-base";
  const std::string copy = copy_variant(state.range(0), partitioned, target);
  const std::string base = copy_variant(0, partitioned, base_target);
  const bool into_folder = (state.range(0) & 8) != 0 && (partitioned || (state.range(0) & 16) != 0);
  Clocks variant;
  Clocks plain;
  int i = 0;
  for (auto _ : state) {
    if (into_folder) fs::create_directories(target);
    // Alternate which runs first (the second of a pair is measured slower).
    const auto timed = [&](const std::string& sql, Clocks& sum) {
      const Clocks t0 = Clocks::now();
      l.con.execute(sql);
      const Clocks t1 = Clocks::now();
      sum.cpu += t1.cpu - t0.cpu;
      sum.wall += t1.wall - t0.wall;
      return t1.wall - t0.wall;
    };
    double seconds = 0;
    if (i++ % 2 == 0) {
      seconds = timed(copy, variant);
      timed(base, plain);
    } else {
      timed(base, plain);
      seconds = timed(copy, variant);
    }
    state.SetIterationTime(seconds);
    fs::remove_all(target);
    fs::remove_all(base_target);
  }
  state.counters["cpu_ratio"] = variant.cpu / plain.cpu;
  state.counters["cpu_ms"] = variant.cpu / static_cast<double>(state.iterations()) * 1e3;
}

// The append's data-file step alone (COPY with its statistics), no commit.
void BM_IcebergWriteDataFiles(benchmark::State& state) {
  Loaded& l = loaded();
  time_on_new_tables(state, "files-", [&](IcebergTable& table) {
    benchmark::DoNotOptimize(table.write_data_files(l.con, "m"));
  });
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(l.rows),
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// `n` data files described as a writer would (partition value, stats for two columns); the
// files need not exist for a commit.
std::vector<fos::lake::DataFile> fake_files(const fs::path& dir, int n) {
  std::vector<fos::lake::DataFile> files;
  files.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    fos::lake::DataFile f;
    f.path = fos::lake::file_uri(dir / "data" / ("f" + std::to_string(i) + ".parquet"));
    f.partition = {fos::lake::Value(int32_t{40 + i % 50})};
    f.record_count = 100;
    f.file_size = 4096;
    for (int id = 1; id <= 2; ++id) {
      fos::lake::ColumnStats s;
      s.value_count = 100;
      s.lower = fos::lake::encode_single_value(fos::lake::IcebergType::kLong, int64_t{i});
      s.upper = fos::lake::encode_single_value(fos::lake::IcebergType::kLong, int64_t{i + 99});
      f.stats[id] = s;
    }
    files.push_back(std::move(f));
  }
  return files;
}

fos::lake::TableDefinition files_definition() {
  fos::lake::TableDefinition d;
  d.columns = {{"id", fos::lake::IcebergType::kLong},
               {"other", fos::lake::IcebergType::kLong},
               {"year", fos::lake::IcebergType::kInt}};
  d.partition = {{"year", fos::lake::Transform{}, ""}};
  return d;
}

void BM_CommitDataFiles(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  int i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path dir = bench_root() / ("commit-" + std::to_string(i++));
    IcebergTable table = IcebergTable::create(dir, files_definition());
    table.append_files(fake_files(dir, 5));  // a parent snapshot to build on
    const auto files = fake_files(dir, n);
    state.ResumeTiming();
    table.append_files(files);
    state.PauseTiming();
    fs::remove_all(dir);
    state.ResumeTiming();
  }
  state.counters["files/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

// A table of 10,000 data files (hard links to one small Parquet file), made once.
const fs::path& wide_warehouse() {
  static const fs::path kWarehouse = [] {
    fs::path wh = bench_root() / "wide";
    const fs::path dir = wh / "bench" / "files";
    IcebergTable table = IcebergTable::create(dir, files_definition());
    Database db = Database::in_memory();
    Connection con(db);
    table.append(con, "(SELECT 1::BIGINT AS id, 2::BIGINT AS other, 2020 AS year)");
    const fos::lake::DataFile one = table.data_files().front();
    const fs::path source = table.local_path(one.path);
    std::vector<fos::lake::DataFile> files;
    for (int i = 0; i < 9999; ++i) {
      fos::lake::DataFile f = one;
      const fs::path link = dir / "data" / ("copy-" + std::to_string(i) + ".parquet");
      fs::create_hard_link(source, link);
      f.path = fos::lake::file_uri(link);
      files.push_back(std::move(f));
    }
    table.append_files(files);
    return wh;
  }();
  return kWarehouse;
}

void BM_PlanTenThousandFiles(benchmark::State& state) {
  const fs::path dir = wide_warehouse() / "bench" / "files";
  size_t files = 0;
  for (auto _ : state) {
    const IcebergTable table = IcebergTable::open(dir);
    files = table.data_files().size();
    benchmark::DoNotOptimize(files);
  }
  state.counters["files"] = static_cast<double>(files);
}

void BM_QueryViewTenThousandFiles(benchmark::State& state) {
  const fs::path& wh = wide_warehouse();
  Database db = Database::in_memory();
  Connection con(db);
  for (auto _ : state) {
    fos::lake::create_warehouse_views(con, wh);
  }
  state.counters["rows"] =
      static_cast<double>(con.scalar_int64("SELECT count(*) FROM bench.files"));
}

BENCHMARK(BM_IcebergAppendMeasurement)
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_DuckdbCopyMeasurement)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_IcebergVsCopyRatio)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(5.0)
    ->UseManualTime();
BENCHMARK(BM_CopyVariant)
    ->ArgsProduct({{0, 1, 2, 4, 8, 16, 31}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(3.0)
    ->UseManualTime();
BENCHMARK(BM_IcebergWriteDataFiles)
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_CommitDataFiles)
    ->Arg(1)
    ->Arg(100)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_PlanTenThousandFiles)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_QueryViewTenThousandFiles)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
