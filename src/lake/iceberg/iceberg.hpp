// Front door of the lake/iceberg room: Apache Iceberg v2 tables written by fos.
//
// types.hpp     schema, partition specs and transforms, Appendix D values, Murmur3
// avro.hpp      Avro object-container framing and encoding (own writer and reader)
// manifest.hpp  manifests and manifest lists
// metadata.hpp  table metadata JSON
// table.hpp     a table in the file-system catalog layout: create, open, append (Parquet via
//               DuckDB), optimistic atomic commits
// scan.hpp      reading any v1/v2 table (Spark, Java, Athena): planning, deletes, field ids
// warehouse.hpp listing a warehouse, time travel, DuckDB views over snapshots
// evolve.hpp    schema evolution (add, rename, widen) and reads by field id
// maintenance.hpp expire snapshots, compact small files (replace), orphan files
// catalog_sqlite.hpp  the SQL (JDBC/pyiceberg) catalog in SQLite, pointer compare-and-swap
// ddl.hpp       Athena CREATE TABLE statements from the same table definitions
// The warehouse layout and reading side are described in docs/lake-layout.md.
#pragma once

#include "lake/iceberg/avro.hpp"
#include "lake/iceberg/catalog_sqlite.hpp"
#include "lake/iceberg/ddl.hpp"
#include "lake/iceberg/evolve.hpp"
#include "lake/iceberg/maintenance.hpp"
#include "lake/iceberg/manifest.hpp"
#include "lake/iceberg/metadata.hpp"
#include "lake/iceberg/scan.hpp"
#include "lake/iceberg/table.hpp"
#include "lake/iceberg/types.hpp"
#include "lake/iceberg/warehouse.hpp"
