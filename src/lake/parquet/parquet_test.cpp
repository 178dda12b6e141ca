// Tests of ParquetWriter: files it writes read back through DuckDB with the same types and
// values (NULLs, empty and UTF-8 strings, many row groups and pages, no rows), statistics in
// the footer, bytes independent of batching, and failures that name the file and leave none.
#include "lake/parquet/parquet.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "lake/duckdb/db.hpp"
#include "lake/parquet/thrift.hpp"

namespace fos::lake {
namespace {

namespace fs = std::filesystem;

const std::vector<ColumnSpec> kColumns = {
    {"i", ColumnType::kInteger}, {"b", ColumnType::kBigint},     {"d", ColumnType::kDouble},
    {"day", ColumnType::kDate},  {"ts", ColumnType::kTimestamp}, {"s", ColumnType::kVarchar}};

// Rows [first, first + count): row r has i = r, b = r * 2^33, d = r / 4, day = r - 1000,
// ts = r seconds, s = "v<r>" ("" every 7th row, "é€<r>" every 11th); every 5th row is NULL in
// every column.
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
      batch.columns[3].push_int(v - 1000);
      batch.columns[4].push_int(v * 1'000'000);
      std::string s = "v" + std::to_string(r);
      if (r % 7 == 0) s.clear();
      if (r % 11 == 0) s = "\xC3\xA9\xE2\x82\xAC" + std::to_string(r);
      batch.columns[5].push_text(s);
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

class Parquet : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fos-parquet-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Write `total` rows in batches of `batch` rows; return the file's path.
  fs::path write(const std::string& name, size_t total, size_t batch, ParquetOptions options = {}) {
    fs::path out = dir_ / name;
    ParquetWriter writer(out, kColumns, options);
    for (size_t first = 0; first < total; first += batch) {
      writer.write(rows(first, std::min(batch, total - first)));
    }
    EXPECT_EQ(writer.rows(), total);
    writer.finish();
    return out;
  }

  static std::string from(const fs::path& file) {
    return " FROM read_parquet(" + sql_quote(file.string()) + ")";
  }

  fs::path dir_;
  Database db_ = Database::in_memory();
  Connection con_{db_};
};

TEST_F(Parquet, TypedValuesAndNullsReadBackThroughDuckdb) {
  const fs::path file = write("all.parquet", 5000, 1500);
  const std::string f = from(file);
  EXPECT_EQ(con_.scalar_int64("SELECT count(*)" + f), 5000);
  EXPECT_EQ(con_.scalar_int64("SELECT count(*)" + f +
                              " WHERE i IS NULL AND b IS NULL AND d IS "
                              "NULL AND day IS NULL AND ts IS NULL AND s IS NULL"),
            1000);
  QueryResult types = con_.query("SELECT column_type FROM (DESCRIBE SELECT *" + f + ")");
  ASSERT_EQ(types.row_count(), 6u);
  EXPECT_EQ(types.str(0, 0), "INTEGER");
  EXPECT_EQ(types.str(1, 0), "BIGINT");
  EXPECT_EQ(types.str(2, 0), "DOUBLE");
  EXPECT_EQ(types.str(3, 0), "DATE");
  EXPECT_EQ(types.str(4, 0), "TIMESTAMP");
  EXPECT_EQ(types.str(5, 0), "VARCHAR");
  QueryResult row = con_.query("SELECT i, b, d, day, ts, s" + f + " WHERE i = 4999");
  ASSERT_EQ(row.row_count(), 1u);
  EXPECT_EQ(row.str(0, 1), std::to_string(int64_t{4999} << 33));
  EXPECT_EQ(row.str(0, 2), "1249.75");
  EXPECT_EQ(row.str(0, 3), "1980-12-13");
  EXPECT_EQ(row.str(0, 4), "1970-01-01 01:23:19");
  EXPECT_EQ(row.str(0, 5), "v4999");
  EXPECT_EQ(con_.query("SELECT day" + f + " WHERE i = 1").str(0, 0), "1967-04-08");
  // Empty strings stay empty strings (not NULL); UTF-8 text is kept byte for byte.
  EXPECT_EQ(con_.scalar_int64("SELECT count(*)" + f + " WHERE s = ''"),
            5000 / 7 - 5000 / 35 - 5000 / 77 + 5000 / 385);
  EXPECT_EQ(con_.query("SELECT s" + f + " WHERE i = 11").str(0, 0),
            "\xC3\xA9\xE2\x82\xAC"
            "11");
  EXPECT_EQ(con_.scalar_int64("SELECT count(*)" + f + " WHERE s LIKE '\xC3\xA9%'"), 364);
  // Every value, in write order: row n holds the values rows() made for n.
  EXPECT_EQ(con_.scalar_int64("SELECT count(*) FROM (SELECT *, row_number() OVER () - 1 AS n" + f +
                              ") WHERE i IS NOT NULL AND (i <> n OR b <> n * 8589934592 OR "
                              "d <> n / 4 OR day <> DATE '1970-01-01' + (n - 1000)::INTEGER OR "
                              "ts <> TIMESTAMP '1970-01-01' + to_seconds(n))"),
            0);
}

TEST_F(Parquet, RowGroupsAndPagesAreCutAtFixedPlaces) {
  ParquetOptions options;
  options.row_group_rows = 1000;
  options.page_bytes = 512;  // many pages per column chunk
  const fs::path file = write("groups.parquet", 4500, 333, options);
  const std::string f = from(file);
  EXPECT_EQ(con_.scalar_int64("SELECT count(*)" + f), 4500);
  EXPECT_EQ(con_.scalar_int64("SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" +
                              sql_quote(file.string()) + ")"),
            5);
  EXPECT_EQ(con_.scalar_int64("SELECT max(row_group_num_rows) - min(row_group_num_rows) FROM "
                              "parquet_metadata(" +
                              sql_quote(file.string()) + ")"),
            500);
  EXPECT_EQ(con_.scalar_int64("SELECT sum(i)" + f), 4499 * 4500 / 2 - 5 * (899 * 900 / 2));
  EXPECT_EQ(con_.scalar_int64("SELECT count(*) FROM (SELECT i, row_number() OVER () - 1 AS n" + f +
                              ") WHERE i IS NOT NULL AND i <> n"),
            0);
  // The same rows in other batches make the same bytes.
  const std::string bytes = read_bytes(file);
  EXPECT_EQ(read_bytes(write("one.parquet", 4500, 4500, options)), bytes);
  EXPECT_EQ(read_bytes(write("small.parquet", 4500, 7, options)), bytes);
}

TEST_F(Parquet, StatisticsAreInTheFooter) {
  ParquetOptions options;
  options.row_group_rows = 2000;
  const fs::path file = write("stats.parquet", 3000, 3000, options);
  QueryResult stats = con_.query(
      "SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count, compression, "
      "num_values FROM parquet_metadata(" +
      sql_quote(file.string()) + ") WHERE row_group_id = 1 ORDER BY column_id");
  ASSERT_EQ(stats.row_count(), 6u);
  EXPECT_EQ(stats.str(0, 0), "i");
  EXPECT_EQ(stats.str(0, 1), "2001");
  EXPECT_EQ(stats.str(0, 2), "2999");
  EXPECT_EQ(stats.str(0, 3), "200");
  EXPECT_EQ(stats.str(0, 4), "ZSTD");
  EXPECT_EQ(stats.str(0, 5), "1000");
  EXPECT_EQ(stats.str(1, 1), std::to_string(int64_t{2001} << 33));
  EXPECT_EQ(stats.str(2, 1), "500.25");
  EXPECT_EQ(stats.str(2, 2), "749.75");
  EXPECT_EQ(stats.str(3, 1), "1972-09-28");
  EXPECT_EQ(stats.str(4, 2), "1970-01-01 00:49:59");
  EXPECT_EQ(stats.str(5, 1), "");  // the empty string
  EXPECT_EQ(stats.str(5, 2),
            "\xC3\xA9\xE2\x82\xAC"
            "2992");
  // DuckDB prunes row groups with them: a filter outside the bounds reads nothing.
  EXPECT_EQ(con_.scalar_int64("SELECT count(*)" + from(file) + " WHERE i > 5000"), 0);
  EXPECT_EQ(
      con_.query("SELECT created_by FROM parquet_file_metadata(" + sql_quote(file.string()) + ")")
          .str(0, 0),
      "fos");
}

// Text bounds order by bytes, also where texts share their first 8 bytes or one is a prefix of
// another.
TEST_F(Parquet, TextBoundsOrderByBytes) {
  const std::vector<ColumnSpec> columns = {{"s", ColumnType::kVarchar}};
  const std::vector<std::string> cases[] = {{"abcdefgh-2", "abcdefgh-10", "abcdefgh", "abcdefgh-1"},
                                            {"ab", "abc", "b", "a", "ba"},
                                            {"zz", "z", "\xC3\xA9", "Z", "abc"},
                                            // texts of 1 to 7 bytes (keys read in pieces)
                                            {"abcdefg", "abcdeff", "abcdef", "abcd", "abce", "ab"},
                                            {"b", "abcdezz", "abcdez", "abcdfa", "abc", "abcde"},
                                            {"aaaaab", "aaaaa", "aab", "aaaaaa"}};
  const std::pair<std::string, std::string> expected[] = {{"abcdefgh", "abcdefgh-2"},
                                                          {"a", "ba"},
                                                          {"Z", "\xC3\xA9"},
                                                          {"ab", "abce"},
                                                          {"abc", "b"},
                                                          {"aaaaa", "aab"}};
  for (size_t i = 0; i < std::size(cases); ++i) {
    const fs::path out = dir_ / ("bounds" + std::to_string(i) + ".parquet");
    {
      ParquetWriter writer(out, columns);
      ColumnBatch batch(columns);
      for (const std::string& text : cases[i]) {
        batch.columns[0].push_text(text);
        ++batch.rows;
      }
      writer.write(batch);
      writer.finish();
    }
    QueryResult stats =
        con_.query("SELECT stats_min_value, stats_max_value FROM parquet_metadata(" +
                   sql_quote(out.string()) + ")");
    ASSERT_EQ(stats.row_count(), 1u);
    EXPECT_EQ(stats.str(0, 0), expected[i].first) << i;
    EXPECT_EQ(stats.str(0, 1), expected[i].second) << i;
  }
}

TEST_F(Parquet, AllNullColumnsAndNoRows) {
  const fs::path empty = write("empty.parquet", 0, 1);
  EXPECT_EQ(con_.scalar_int64("SELECT count(*)" + from(empty)), 0);
  EXPECT_EQ(con_.query("SELECT column_type FROM (DESCRIBE SELECT *" + from(empty) + ")").str(4, 0),
            "TIMESTAMP");
  const fs::path nulls = dir_ / "nulls.parquet";
  {
    ParquetWriter writer(nulls, kColumns);
    ColumnBatch batch(kColumns);
    for (int r = 0; r < 100; ++r) {
      for (BatchColumn& column : batch.columns) column.push_null();
      ++batch.rows;
    }
    writer.write(batch);
    writer.finish();
  }
  EXPECT_EQ(con_.scalar_int64("SELECT count(*)" + from(nulls) +
                              " WHERE COALESCE(i::VARCHAR, b::VARCHAR, d::VARCHAR, day::VARCHAR, "
                              "ts::VARCHAR, s) IS NULL"),
            100);
}

TEST_F(Parquet, AnUnwritablePathIsAnErrorNamingIt) {
  const fs::path out = dir_ / "missing-folder" / "x.parquet";
  try {
    ParquetWriter writer(out, kColumns);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
  }
}

TEST_F(Parquet, AnUnfinishedWriterLeavesNoFile) {
  const fs::path out = dir_ / "abandoned.parquet";
  {
    ParquetOptions options;
    options.row_group_rows = 100;
    ParquetWriter writer(out, kColumns, options);
    writer.write(rows(0, 3000));
    EXPECT_TRUE(fs::exists(out));
  }
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Parquet, BadBatchesAndValuesAreRefused) {
  const fs::path out = dir_ / "bad.parquet";
  {
    ParquetWriter writer(out, kColumns);
    EXPECT_THROW(writer.write(ColumnBatch({{"x", ColumnType::kBigint}})), Error);
    EXPECT_THROW(writer.finish(), Error);  // a failed writer cannot finish
  }
  EXPECT_FALSE(fs::exists(out));
  ParquetOptions options;
  options.row_group_rows = 1;
  ParquetWriter writer(out, {{"i", ColumnType::kInteger}}, options);
  ColumnBatch batch({{"i", ColumnType::kInteger}});
  batch.columns[0].push_int(int64_t{1} << 40);
  batch.rows = 1;
  try {
    writer.write(batch);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not fit a 32-bit INTEGER"), std::string::npos)
        << e.what();
  }
  options.row_group_rows = 0;
  EXPECT_THROW(options.validate(), Error);
}

TEST(ParquetThrift, CompactProtocolEncodesFieldsAndLists) {
  std::string out;
  thrift::Writer w(out);
  w.i32(1, -1);    // delta 1, type i32, zigzag(-1) = 1
  w.i64(17, 300);  // delta 16: long form, id zigzag(17) = 34, zigzag(300) = 600
  w.boolean(18, true);
  w.begin_list(19, thrift::Type::kI32, 2);
  w.element_i32(0);
  w.element_i32(3);
  w.end_struct();
  EXPECT_EQ(out, std::string("\x15\x01\x06\x22\xD8\x04\x11\x19\x25\x00\x06\x00", 12));
}

TEST(ParquetColumnType, NamesSqlTypes) {
  EXPECT_EQ(column_type("BIGINT"), ColumnType::kBigint);
  EXPECT_EQ(column_type("TIMESTAMP"), ColumnType::kTimestamp);
  EXPECT_EQ(sql_name(ColumnType::kDate), "DATE");
  EXPECT_THROW(column_type("BLOB"), Error);
}

}  // namespace
}  // namespace fos::lake
