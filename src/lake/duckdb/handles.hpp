// Internal to lake/duckdb: the DuckDB handles behind Database and Connection, shared by
// db.cpp and feed.cpp (the only files that include duckdb.h).
#pragma once

#include <duckdb.h>

#include "lake/duckdb/db.hpp"

namespace fos::lake {

struct Database::Handle {
  duckdb_database db = nullptr;
  ~Handle() {
    if (db != nullptr) duckdb_close(&db);
  }
};

struct Connection::Handle {
  duckdb_connection con = nullptr;
  ~Handle() {
    if (con != nullptr) duckdb_disconnect(&con);
  }
};

}  // namespace fos::lake
