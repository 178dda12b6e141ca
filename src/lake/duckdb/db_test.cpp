// Tests of the DuckDB wrappers: results, NULLs, errors, file databases.
#include "lake/duckdb/db.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"

namespace fos::lake {
namespace {

TEST(DuckDb, QueryReadsValuesAndNulls) {
  Database db = Database::in_memory();
  Connection con(db);
  con.execute(
      "CREATE TABLE t (a BIGINT, b VARCHAR); INSERT INTO t VALUES (9007199254740993, 'x'), (NULL, "
      "NULL);");
  QueryResult r = con.query("SELECT a, b FROM t ORDER BY a NULLS LAST");
  ASSERT_EQ(r.row_count(), 2u);
  ASSERT_EQ(r.column_count(), 2u);
  EXPECT_EQ(r.column_name(1), "b");
  EXPECT_EQ(r.int64(0, 0), int64_t{9007199254740993});
  EXPECT_EQ(r.text(0, 1), "x");
  EXPECT_TRUE(r.is_null(1, 0));
  EXPECT_EQ(r.text(1, 1), std::nullopt);
  EXPECT_EQ(r.str(1, 1), "");
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM t"), 2);
}

TEST(DuckDb, QueryCellsReadsScalarsMapsAndNullsAcrossChunks) {
  Database db = Database::in_memory();
  Connection con(db);
  const auto rows = con.query_cells(
      "SELECT i::BIGINT AS i, i::UBIGINT AS u, i % 2 = 0 AS even, 'v' || i AS s, "
      "CASE WHEN i = 1 THEN NULL ELSE MAP {'a': MAP {'x': i::VARCHAR}, 'b': MAP {}} END AS m "
      "FROM range(3000) t(i) ORDER BY i");
  ASSERT_EQ(rows.size(), 3000u);  // more than one 2048-row chunk
  EXPECT_EQ(rows[2999][0].text, "2999");
  EXPECT_EQ(rows[2999][1].text, "2999");
  EXPECT_EQ(rows[2][2].text, "true");
  EXPECT_EQ(rows[3][3].text, "v3");
  EXPECT_TRUE(rows[1][4].null);
  const Cell& m = rows[2500][4];
  ASSERT_FALSE(m.null);
  ASSERT_EQ(m.entries.size(), 2u);
  ASSERT_NE(m.find("a"), nullptr);
  ASSERT_NE(m.find("a")->find("x"), nullptr);
  EXPECT_EQ(m.find("a")->find("x")->text, "2500");
  EXPECT_TRUE(m.find("b")->entries.empty());
  EXPECT_EQ(m.find("c"), nullptr);
  try {
    con.query_cells("SELECT 1.5::DOUBLE AS d");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    EXPECT_NE(std::string(e.what()).find("column d"), std::string::npos) << e.what();
  }
}

TEST(DuckDb, RegisteredStringFunctionSeesBytesAndNulls) {
  Database db = Database::in_memory();
  Connection con(db);
  con.register_string_function("byte_count",
                               [](std::string_view s) { return static_cast<int32_t>(s.size()); });
  con.register_string_function("byte_count", [](std::string_view) { return -1; });  // kept
  EXPECT_EQ(con.scalar_int64("SELECT byte_count('h\u00e9llo')"), 6);                // UTF-8 bytes
  EXPECT_EQ(con.scalar_int64("SELECT sum(byte_count(repeat('x', i::INTEGER))) FROM range(3000) "
                             "t(i)"),
            int64_t{2999} * 3000 / 2);
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM (SELECT byte_count(NULL::VARCHAR) AS n) "
                             "WHERE n IS NULL"),
            1);
}

TEST(DuckDb, ErrorsCarryContextAndDuckDbMessage) {
  Database db = Database::in_memory();
  Connection con(db);
  try {
    con.execute("SELECT * FROM no_such_table");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kSql);
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("running SQL"), std::string::npos) << e.what();
  }
  QueryResult r = con.query("SELECT 1");
  EXPECT_THROW(r.text(0, 5), Error);
}

TEST(DuckDb, FileDatabasePersists) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("fos_lake_duckdb_test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto path = dir / "x.duckdb";
  {
    Database db = Database::open(path);
    Connection con(db);
    con.execute("CREATE TABLE t AS SELECT 42 AS v");
  }
  {
    Database db = Database::open(path);
    Connection con(db);
    EXPECT_EQ(con.scalar_int64("SELECT v FROM t"), 42);
  }
  EXPECT_THROW(Database::open(dir / "missing" / "y.duckdb"), Error);
  std::filesystem::remove_all(dir);
}

TEST(DuckDb, Quoting) {
  EXPECT_EQ(sql_quote("it's"), "'it''s'");
  EXPECT_EQ(sql_identifier("a\"b"), "\"a\"\"b\"");
  Database db = Database::in_memory();
  Connection con(db);
  EXPECT_EQ(con.query("SELECT " + sql_quote("it's")).str(0, 0), "it's");
}

}  // namespace
}  // namespace fos::lake
