// Tests of FeedQuery: typed values and NULLs reach DuckDB unchanged, the output does not
// depend on how rows were batched, and a failing or abandoned statement surfaces as an
// Error instead of a hang.
#include "lake/duckdb/feed.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "lake/duckdb/db.hpp"

namespace fos::lake {
namespace {

namespace fs = std::filesystem;

const std::vector<FeedColumn> kColumns = {
    {"i", ColumnType::kInteger}, {"b", ColumnType::kBigint},     {"d", ColumnType::kDouble},
    {"day", ColumnType::kDate},  {"ts", ColumnType::kTimestamp}, {"s", ColumnType::kVarchar}};

// Rows [first, first + count): row r has i = r, b = r * 2^33, d = r / 4, day = r, ts = r
// seconds, s = "v<r>" ("" every 7th row); every 5th row is NULL in every column.
ColumnBatch rows(size_t first, size_t count) {
  ColumnBatch batch(kColumns);
  for (size_t r = first; r < first + count; ++r) {
    const auto v = static_cast<int64_t>(r);
    if (r % 5 == 0) {
      for (BatchColumn& column : batch.columns) column.push_null();
    } else {
      batch.columns[0].push_int(v);
      batch.columns[1].push_int(v << 33);
      batch.columns[2].push_double(static_cast<double>(v) / 4);
      batch.columns[3].push_int(v);
      batch.columns[4].push_int(v * 1'000'000);
      batch.columns[5].push_text(r % 7 == 0 ? "" : "v" + std::to_string(r));
    }
    ++batch.rows;
  }
  return batch;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class Feed : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fos-feed-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Connection(db_).execute("SET threads = 1; SET preserve_insertion_order = true");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Feed `total` rows in batches of `batch` rows into a Parquet file; return its path.
  fs::path write(const std::string& name, size_t total, size_t batch) {
    fs::path out = dir_ / name;
    FeedQuery query(db_, kColumns,
                    "COPY (SELECT * FROM fos_feed()) TO " + sql_quote(out.string()) +
                        " (FORMAT parquet, COMPRESSION zstd)");
    for (size_t first = 0; first < total; first += batch) {
      query.push(rows(first, std::min(batch, total - first)));
    }
    query.finish();
    return out;
  }

  fs::path dir_;
  Database db_ = Database::in_memory();
};

TEST_F(Feed, TypedValuesAndNullsReachDuckdb) {
  const fs::path file = write("all.parquet", 5000, 1500);
  Database db = Database::in_memory();
  Connection con(db);
  const std::string from = " FROM " + sql_quote(file.string());
  EXPECT_EQ(con.scalar_int64("SELECT count(*)" + from), 5000);
  EXPECT_EQ(con.scalar_int64("SELECT count(*)" + from + " WHERE i IS NULL AND s IS NULL"), 1000);
  QueryResult types = con.query(
      "SELECT typeof(i), typeof(b), typeof(d), typeof(day), "
      "typeof(ts), typeof(s)" +
      from + " LIMIT 1");
  EXPECT_EQ(types.str(0, 0), "INTEGER");
  EXPECT_EQ(types.str(0, 1), "BIGINT");
  EXPECT_EQ(types.str(0, 2), "DOUBLE");
  EXPECT_EQ(types.str(0, 3), "DATE");
  EXPECT_EQ(types.str(0, 4), "TIMESTAMP");
  EXPECT_EQ(types.str(0, 5), "VARCHAR");
  QueryResult row = con.query("SELECT i, b, d, day, ts, s" + from + " WHERE i = 4999");
  ASSERT_EQ(row.row_count(), 1u);
  EXPECT_EQ(row.str(0, 1), std::to_string(int64_t{4999} << 33));
  EXPECT_EQ(row.str(0, 2), "1249.75");
  EXPECT_EQ(row.str(0, 3), "1983-09-09");
  EXPECT_EQ(row.str(0, 4), "1970-01-01 01:23:19");
  EXPECT_EQ(row.str(0, 5), "v4999");
  // An empty string stays an empty string, not NULL (715 multiples of 7, 143 of them NULL).
  EXPECT_EQ(con.scalar_int64("SELECT count(*)" + from + " WHERE s = ''"), 572);
  // Rows keep their push order.
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM (SELECT i, row_number() OVER () AS n" + from +
                             ") WHERE i IS NOT NULL AND i <> n - 1"),
            0);
}

TEST_F(Feed, BatchSizesDoNotChangeTheBytes) {
  const std::string one = read_bytes(write("one.parquet", 5000, 5000));
  EXPECT_EQ(read_bytes(write("small.parquet", 5000, 7)), one);
  EXPECT_EQ(read_bytes(write("uneven.parquet", 5000, 2047)), one);
}

TEST_F(Feed, NoRowsGiveAnEmptyTable) {
  const fs::path file = write("empty.parquet", 0, 1);
  Database db = Database::in_memory();
  Connection con(db);
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM " + sql_quote(file.string())), 0);
}

TEST_F(Feed, AFailingStatementSurfacesAsAnErrorWithoutHanging) {
  const fs::path out = dir_ / "missing-folder" / "x.parquet";
  FeedQuery query(
      db_, kColumns,
      "COPY (SELECT * FROM fos_feed()) TO " + sql_quote(out.string()) + " (FORMAT parquet)",
      /*max_queued=*/1);
  try {
    // The statement fails; pushing more than the queue holds must end in its error.
    for (size_t i = 0; i < 100; ++i) query.push(rows(i * 10, 10));
    query.finish();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kSql);
    EXPECT_NE(std::string(e.what()).find("missing-folder"), std::string::npos) << e.what();
  }
}

TEST_F(Feed, AValueTooLargeForIntegerFailsTheStatement) {
  FeedQuery query(db_, {{"i", ColumnType::kInteger}},
                  "COPY (SELECT * FROM fos_feed()) TO " +
                      sql_quote((dir_ / "big.parquet").string()) + " (FORMAT parquet)");
  ColumnBatch batch({{"i", ColumnType::kInteger}});
  batch.columns[0].push_int(int64_t{1} << 40);
  batch.rows = 1;
  query.push(std::move(batch));
  try {
    query.finish();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not fit a 32-bit INTEGER"), std::string::npos)
        << e.what();
  }
}

TEST_F(Feed, AnAbandonedQueryStopsItsStatement) {
  {
    FeedQuery query(db_, kColumns,
                    "COPY (SELECT * FROM fos_feed()) TO " +
                        sql_quote((dir_ / "abandoned.parquet").string()) + " (FORMAT parquet)");
    query.push(rows(0, 3000));
  }  // destroyed without finish(): the statement is cancelled, the thread joined
  SUCCEED();
}

TEST_F(Feed, MismatchedBatchesAndPushesAfterFinishAreRefused) {
  FeedQuery query(db_, kColumns, "SELECT count(*) FROM fos_feed()");
  EXPECT_THROW(query.push(ColumnBatch({{"x", ColumnType::kBigint}})), Error);
  query.finish();
  EXPECT_THROW(query.push(rows(0, 1)), Error);
}

TEST_F(Feed, QueriesSharingADatabaseWriteTheSameBytesAtOnce) {
  const std::string alone = read_bytes(write("alone.parquet", 5000, 1000));
  Database& db = db_;
  const auto copy_to = [&](const std::string& name) {
    return "COPY (SELECT * FROM fos_feed()) TO " + sql_quote((dir_ / name).string()) +
           " (FORMAT parquet, COMPRESSION zstd)";
  };
  // Two statements at once, each with its own rows: their table functions must not mix.
  FeedQuery a(db, kColumns, copy_to("a.parquet"));
  FeedQuery b(db, kColumns, copy_to("b.parquet"));
  for (size_t first = 0; first < 5000; first += 1000) {
    a.push(rows(first, 1000));
    b.push(rows(first + 1, 1000));
  }
  a.finish();
  b.finish();
  EXPECT_EQ(read_bytes(dir_ / "a.parquet"), alone);
  Connection con(db);
  EXPECT_EQ(con.scalar_int64("SELECT min(i) FROM " + sql_quote((dir_ / "b.parquet").string())), 1);
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM " + sql_quote((dir_ / "b.parquet").string())),
            5000);
  // A failing statement on the shared database surfaces its error and leaves it usable.
  FeedQuery bad(db, kColumns, copy_to("missing-folder/x.parquet"));
  EXPECT_THROW(bad.finish(), Error);
  EXPECT_EQ(con.scalar_int64("SELECT 7"), 7);
}

TEST(FeedColumnType, NamesSqlTypes) {
  EXPECT_EQ(column_type("BIGINT"), ColumnType::kBigint);
  EXPECT_EQ(column_type("TIMESTAMP"), ColumnType::kTimestamp);
  EXPECT_THROW(column_type("BLOB"), Error);
}

}  // namespace
}  // namespace fos::lake
