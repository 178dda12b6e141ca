// Tests of the DuckDB wrappers: results, NULLs, errors, file databases.
#include "lake/duckdb/db.hpp"

#include <gtest/gtest.h>

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
  const auto dir = std::filesystem::temp_directory_path() / "fos_lake_duckdb_test";
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
