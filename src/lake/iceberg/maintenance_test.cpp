// Tests of schema evolution (evolve.hpp) and table maintenance (maintenance.hpp): new schema
// versions with stable field ids, reads by field id across schema versions, compaction as a
// replace snapshot, snapshot expiry with file deletion, orphan files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/output.hpp"
#include "lake/iceberg/evolve.hpp"
#include "lake/iceberg/maintenance.hpp"
#include "lake/iceberg/warehouse.hpp"

namespace fos::lake {
namespace {
namespace fs = std::filesystem;

fs::path temp_table(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("fos-maintenance-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir / "t";
}

TableDefinition scores_definition() {
  TableDefinition d;
  d.columns = {{"id", IcebergType::kLong, true},
               {"name", IcebergType::kString},
               {"score", IcebergType::kInt},
               {"ratio", IcebergType::kFloat},
               {"born", IcebergType::kDate}};
  d.partition = {{"born", Transform{TransformKind::kYear}, "born_year"}};
  return d;
}

// Rows `first`..`first + n - 1`, two birth years.
std::string scores(int first, int n) {
  return "(SELECT i AS id, 'n' || i AS name, CAST(i * 10 AS INTEGER) AS score, "
         "CAST(i AS FLOAT) / 4 AS ratio, DATE '1990-01-01' + INTERVAL (i % 2 * 400) DAY AS born "
         "FROM range(" +
         std::to_string(first) + ", " + std::to_string(first + n) + ") r(i))";
}

std::string current_sql(const IcebergTable& table) {
  std::vector<std::string> paths;
  for (const DataFile& f : table.data_files()) paths.push_back(table.local_path(f.path).string());
  return read_by_field_id_sql(table.metadata().current_schema(), paths);
}

int64_t count_files(const fs::path& dir) {
  int64_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

TEST(Evolve, AddRenameWidenMakeANewSchemaVersion) {
  const fs::path dir = temp_table("evolve");
  IcebergTable table = IcebergTable::create(dir, scores_definition());
  Database db = Database::in_memory();
  Connection con(db);
  table.append(con, scores(0, 10));

  const EvolveResult r = evolve_table(
      table, {SchemaChange::parse(SchemaChangeKind::kAddColumn, "note:string", "--add-column"),
              SchemaChange::parse(SchemaChangeKind::kRename, "name:label", "--rename"),
              SchemaChange::parse(SchemaChangeKind::kWiden, "score:long", "--widen"),
              SchemaChange::parse(SchemaChangeKind::kWiden, "ratio:double", "--widen")});
  EXPECT_EQ(r.version, 3);
  EXPECT_EQ(r.schema_id, 1);
  EXPECT_EQ(r.last_column_id, 6);
  const IcebergTable reopened = IcebergTable::open(dir);
  const TableMetadata& m = reopened.metadata();
  EXPECT_EQ(m.current_schema_id, 1);
  EXPECT_EQ(m.last_column_id, 6);
  ASSERT_EQ(m.schemas.size(), 2u);
  EXPECT_EQ(m.current_schema().find("label")->id, 2);  // same id as "name"
  EXPECT_EQ(m.current_schema().find("note")->id, 6);
  EXPECT_FALSE(m.current_schema().find("note")->required);
  EXPECT_EQ(m.current_schema().find("score")->type, IcebergType::kLong);
  EXPECT_EQ(m.current_schema().find("ratio")->type, IcebergType::kDouble);
  EXPECT_EQ(m.schemas[0].find("name")->id, 2);  // the old schema is kept
  EXPECT_EQ(m.current_snapshot()->schema_id, 0);
  EXPECT_EQ(m.metadata_log.size(), 2u);

  // Old files read through the new schema: renamed values kept, the new column null.
  table.refresh();
  EXPECT_EQ(con.scalar_int64("SELECT count(label) FROM (" + current_sql(table) + ")"), 10);
  EXPECT_EQ(con.scalar_int64("SELECT count(note) FROM (" + current_sql(table) + ")"), 0);
  EXPECT_EQ(con.scalar_int64("SELECT sum(score) FROM (" + current_sql(table) + ")"), 450);
  // The views fos query builds read the current snapshot with the current schema.
  const std::string view = snapshot_select_sql(table, table.metadata().current_snapshot_id);
  EXPECT_EQ(con.scalar_int64("SELECT count(label) FROM (" + view + ")"), 10);
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM (" + view + ") WHERE note IS NULL"), 10);

  // An append by the old column names after the rename: label comes from "name", note null.
  const AppendResult appended = table.append(con, scores(10, 6));
  EXPECT_EQ(table.metadata().snapshot(appended.snapshot_id)->schema_id, 1);
  EXPECT_EQ(con.scalar_int64("SELECT count(label) FROM (" + current_sql(table) + ")"), 16);
  EXPECT_EQ(con.scalar_int64("SELECT count(note) FROM (" + current_sql(table) + ")"), 0);
  const QueryResult types =
      con.query("SELECT typeof(score), typeof(ratio) FROM (" + current_sql(table) + ") LIMIT 1");
  EXPECT_EQ(types.str(0, 0), "BIGINT");
  EXPECT_EQ(types.str(0, 1), "DOUBLE");
  table.append(con,
               "(SELECT 99 AS id, 'x' AS label, 1 AS score, 0.5 AS ratio, "
               "DATE '2000-01-01' AS born, 'hello' AS note)");
  EXPECT_EQ(con.scalar_int64("SELECT count(note) FROM (" + current_sql(table) + ")"), 1);
  fs::remove_all(dir.parent_path());
}

TEST(Evolve, IllegalChangesAreRefusedAndLeaveTheTableUntouched) {
  const fs::path dir = temp_table("evolve-bad");
  IcebergTable table = IcebergTable::create(dir, scores_definition());
  const auto refused = [&](SchemaChangeKind kind, const std::string& text,
                           const std::string& message) {
    try {
      evolve_table(table, {SchemaChange::parse(kind, text, "--flag")});
      ADD_FAILURE() << text << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
    EXPECT_EQ(IcebergTable::open(dir).version(), 1) << text;
  };
  refused(SchemaChangeKind::kWiden, "score:string", "cannot change 'score' from int to string");
  refused(SchemaChangeKind::kWiden, "ratio:int", "cannot change");
  refused(SchemaChangeKind::kWiden, "nope:long", "no column 'nope'");
  refused(SchemaChangeKind::kRename, "nope:x", "no column 'nope'");
  refused(SchemaChangeKind::kRename, "name:score", "already exists");
  refused(SchemaChangeKind::kAddColumn, "name:string", "already exists");
  refused(SchemaChangeKind::kAddColumn, "x:decimal(10,2)", "decimal");
  refused(SchemaChangeKind::kAddColumn, "x:varchar", "unknown type");
  refused(SchemaChangeKind::kAddColumn, "x", "expected NAME:TYPE");
  EXPECT_THROW(evolve_table(table, {}), Error);

  // A schema that would give a dropped column's id to a new column is refused.
  TableMetadata base = table.metadata();
  base.last_column_id = 7;  // ids 6 and 7 were used by columns since dropped
  IcebergSchema next = base.current_schema();
  next.schema_id = 1;
  next.fields.push_back({7, "again", IcebergType::kString, false});
  try {
    validate_schema_successor(base, next);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("would reuse field id 7"), std::string::npos) << e.what();
  }
  next.fields.back().id = 8;
  EXPECT_NO_THROW(validate_schema_successor(base, next));
  next.fields.back().id = 2;  // an existing id under a second name
  EXPECT_THROW(validate_schema_successor(base, next), Error);
  fs::remove_all(dir.parent_path());
}

TEST(Maintenance, CompactReplacesSmallFilesWithTheSameRows) {
  const fs::path dir = temp_table("compact");
  IcebergTable table = IcebergTable::create(dir, scores_definition());
  Database db = Database::in_memory();
  Connection con(db);
  for (int i = 0; i < 4; ++i) table.append(con, scores(i * 5, 5));
  ASSERT_EQ(table.data_files().size(), 8u);  // 4 appends x 2 years
  const int64_t sum = con.scalar_int64("SELECT sum(id) FROM (" + current_sql(table) + ")");

  CompactOptions options;
  const CompactResult r = compact_table(table, con, options);
  ASSERT_TRUE(r.snapshot_id);
  EXPECT_EQ(r.deleted_files, 8);
  EXPECT_EQ(r.added_files, 2);
  EXPECT_EQ(r.rewritten_records, 20);
  const IcebergTable after = IcebergTable::open(dir);
  const Snapshot* s = after.metadata().current_snapshot();
  EXPECT_EQ(s->summary_value("operation"), "replace");
  EXPECT_EQ(s->summary_count("deleted-data-files"), 8);
  EXPECT_EQ(s->summary_count("added-data-files"), 2);
  EXPECT_EQ(s->summary_count("added-records"), 20);
  EXPECT_EQ(s->summary_count("deleted-records"), 20);
  EXPECT_EQ(s->summary_count("total-records"), 20);
  EXPECT_EQ(s->summary_count("total-data-files"), 2);
  EXPECT_EQ(after.data_files().size(), 2u);
  EXPECT_EQ(con.scalar_int64("SELECT sum(id) FROM (" + current_sql(after) + ")"), sum);
  // The snapshot before still reads its own files.
  EXPECT_EQ(after.data_files(*s->parent_snapshot_id).size(), 8u);
  // Nothing left to compact; a tiny target keeps every file as it is.
  table.refresh();
  EXPECT_FALSE(compact_table(table, con, options).snapshot_id);
  options.target_file_size = 1;
  EXPECT_FALSE(compact_table(table, con, options).snapshot_id);
  options.target_file_size = 0;
  EXPECT_THROW(compact_table(table, con, options), Error);
  fs::remove_all(dir.parent_path());
}

TEST(Maintenance, CompactionRetriesOnTopOfAConcurrentAppend) {
  const fs::path dir = temp_table("compact-race");
  IcebergTable table = IcebergTable::create(dir, scores_definition());
  Database db = Database::in_memory();
  Connection con(db);
  for (int i = 0; i < 3; ++i) table.append(con, scores(i * 5, 5));
  IcebergTable other = IcebergTable::open(dir);
  // Another writer appends while compaction is about to link its metadata into place.
  CompactOptions options;
  options.commit.before_link = [&] {
    if (other.metadata().snapshots.size() == 3) other.append(con, scores(100, 4));
  };
  const CompactResult r = compact_table(table, con, options);
  ASSERT_TRUE(r.snapshot_id);
  const IcebergTable after = IcebergTable::open(dir);
  const Snapshot* s = after.metadata().current_snapshot();
  EXPECT_EQ(s->snapshot_id, *r.snapshot_id);
  EXPECT_EQ(s->summary_value("operation"), "replace");
  EXPECT_EQ(after.metadata().snapshots.size(), 5u);
  EXPECT_EQ(s->parent_snapshot_id, other.metadata().current_snapshot_id);
  EXPECT_EQ(s->summary_count("total-records"), 19);
  EXPECT_EQ(after.data_files().size(), 4u);  // 2 compacted + the concurrent append's 2
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM (" + current_sql(after) + ")"), 19);
  EXPECT_EQ(con.scalar_int64("SELECT sum(id) FROM (" + current_sql(after) + ")"),
            105 + 100 + 101 + 102 + 103);
  EXPECT_TRUE(find_orphan_files(after).empty());  // the losing attempt's list is removed
  fs::remove_all(dir.parent_path());
}

TEST(Maintenance, ExpireKeepsTheCurrentSnapshotAndDeletesUnreachedFiles) {
  const fs::path dir = temp_table("expire");
  IcebergTable table = IcebergTable::create(dir, scores_definition());
  Database db = Database::in_memory();
  Connection con(db);
  for (int i = 0; i < 3; ++i) table.append(con, scores(i * 5, 5));
  compact_table(table, con, {});
  table.append(con, scores(100, 4));
  const int64_t rows = con.scalar_int64("SELECT count(*) FROM (" + current_sql(table) + ")");
  ASSERT_EQ(rows, 19);
  ASSERT_EQ(table.metadata().snapshots.size(), 5u);

  ExpireOptions options;
  options.retain_last = 2;
  const ExpireResult r = expire_snapshots(table, options);
  EXPECT_EQ(r.expired_snapshots, 3);
  EXPECT_EQ(r.deleted_data_files, 6);  // the files compaction replaced
  EXPECT_EQ(r.deleted_manifest_lists, 3);
  EXPECT_EQ(r.deleted_manifests, 3);  // the three appends' manifests (rewritten by compaction)
  const IcebergTable after = IcebergTable::open(dir);
  EXPECT_EQ(after.metadata().snapshots.size(), 2u);
  EXPECT_EQ(after.metadata().snapshot_log.size(), 2u);
  EXPECT_EQ(after.metadata().current_snapshot()->summary_count("total-records"), 19);
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM (" + current_sql(after) + ")"), rows);
  for (const Snapshot& s : after.metadata().snapshots) {
    for (const DataFile& f : after.data_files(s.snapshot_id)) {
      EXPECT_TRUE(fs::exists(after.local_path(f.path))) << f.path;
    }
  }
  EXPECT_TRUE(find_orphan_files(after).empty());

  // Expire by time: nothing is older than the epoch; everything but the current is older
  // than the future.
  options.retain_last = 1;
  options.older_than_ms = 0;
  EXPECT_EQ(expire_snapshots(table, options).expired_snapshots, 0);
  options.older_than_ms = int64_t{1} << 50;
  EXPECT_EQ(expire_snapshots(table, options).expired_snapshots, 1);
  EXPECT_EQ(IcebergTable::open(dir).metadata().snapshots.size(), 1u);
  options.retain_last = 0;
  EXPECT_THROW(expire_snapshots(table, options), Error);
  fs::remove_all(dir.parent_path());
}

// A tag another engine put on an old snapshot survives fos's commits and keeps its snapshot
// from expiring.
TEST(Maintenance, OtherEnginesRefsAreKeptAndProtectTheirSnapshots) {
  const fs::path dir = temp_table("refs");
  IcebergTable table = IcebergTable::create(dir, scores_definition());
  Database db = Database::in_memory();
  Connection con(db);
  table.append(con, scores(0, 5));
  const int64_t tagged = table.metadata().current_snapshot_id.value();
  table.append(con, scores(5, 5));
  const int64_t second = table.metadata().current_snapshot_id.value();
  // Another engine's commit: version 4 with a tag on the first snapshot and a Puffin
  // statistics file for each snapshot.
  TableMetadata m = table.metadata();
  const std::string tag =
      R"({"snapshot-id":)" + std::to_string(tagged) + R"(,"type":"tag","max-ref-age-ms":86400000})";
  std::string json = m.to_json();
  json.replace(json.find(R"("refs":{)") + 8, 0, R"("release-1":)" + tag + ",");
  std::string statistics;
  for (const int64_t id : {tagged, second}) {
    const fs::path puffin = dir / "metadata" / ("stats-" + std::to_string(id) + ".puffin");
    write_file_atomic(puffin, "PFA1");
    statistics += std::string(statistics.empty() ? "" : ",") + R"({"snapshot-id":)" +
                  std::to_string(id) + R"(,"statistics-path":"file:)" + puffin.string() +
                  R"(","file-size-in-bytes":4,"file-footer-size-in-bytes":4,"blob-metadata":[]})";
  }
  json.replace(json.find(R"("statistics":[])"), 15, R"("statistics":[)" + statistics + "]");
  write_file_atomic(dir / "metadata" / "v4.metadata.json", json);
  write_file_atomic(dir / "metadata" / "version-hint.text", "4");

  table = IcebergTable::open(dir);
  ASSERT_EQ(table.metadata().refs.count("release-1"), 1u);
  ASSERT_EQ(table.metadata().statistics.size(), 2u);
  EXPECT_TRUE(find_orphan_files(table).empty());  // the Puffin files are referenced
  EXPECT_EQ(table.metadata().refs.at("release-1").snapshot_id, tagged);
  table.append(con, scores(10, 5));
  ExpireOptions options;
  options.retain_last = 1;
  EXPECT_EQ(expire_snapshots(table, options).expired_snapshots, 1);  // the second, untagged
  const IcebergTable after = IcebergTable::open(dir);
  EXPECT_EQ(after.metadata().snapshots.size(), 2u);
  EXPECT_NE(after.metadata().snapshot(tagged), nullptr);
  EXPECT_NE(after.metadata().to_json().find(R"("release-1":)" + tag), std::string::npos)
      << after.metadata().to_json();
  // The tagged snapshot still reads: its 5 rows, every file present.
  int64_t tagged_rows = 0;
  for (const DataFile& f : after.data_files(tagged)) {
    tagged_rows += f.record_count;
    EXPECT_TRUE(fs::exists(after.local_path(f.path))) << f.path;
  }
  EXPECT_EQ(tagged_rows, 5);
  // The expired snapshot's statistics entry is gone from the new metadata (its Puffin file
  // stays referenced by the older metadata versions, as their manifests do).
  ASSERT_EQ(after.metadata().statistics.size(), 1u);
  EXPECT_EQ(after.metadata().statistics[0].snapshot_id, tagged);
  EXPECT_TRUE(find_orphan_files(after).empty());

  // A ref to a snapshot the file does not have is an error naming it.
  std::string broken = after.metadata().to_json();
  broken.replace(broken.find(std::to_string(tagged), broken.find(R"("release-1")")),
                 std::to_string(tagged).size(), "12345");
  try {
    TableMetadata::parse(broken, "v9.metadata.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'release-1' names no snapshot"), std::string::npos)
        << e.what();
  }
  fs::remove_all(dir.parent_path());
}

TEST(Maintenance, OrphanFilesAreFoundAndRemoved) {
  const fs::path dir = temp_table("orphans");
  IcebergTable table = IcebergTable::create(dir, scores_definition());
  Database db = Database::in_memory();
  Connection con(db);
  table.append(con, scores(0, 6));
  EXPECT_TRUE(find_orphan_files(table).empty());
  const int64_t before = count_files(dir);

  // What a killed writer leaves: a staged data file, a manifest, a temporary metadata file.
  fs::create_directories(dir / "data" / ".fos-staging-x" / "born_year=20");
  write_file_atomic(dir / "data" / ".fos-staging-x" / "born_year=20" / "a.parquet", "PAR1");
  write_file_atomic(dir / "metadata" / "dead-m0.avro", "Obj");
  write_file_atomic(dir / "metadata" / ".tmp-x.metadata.json", "{}");
  const std::vector<OrphanFile> orphans = find_orphan_files(table);
  ASSERT_EQ(orphans.size(), 3u);
  EXPECT_EQ(orphans[0].path.filename(), "a.parquet");
  EXPECT_EQ(orphans[0].size, 4);
  // Files modified after the cut-off are not listed.
  EXPECT_TRUE(find_orphan_files(table, 0).empty());

  EXPECT_EQ(remove_orphan_files(table, orphans), 3);
  EXPECT_FALSE(fs::exists(dir / "data" / ".fos-staging-x"));
  EXPECT_TRUE(find_orphan_files(table).empty());
  EXPECT_EQ(count_files(dir), before);
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM (" + current_sql(table) + ")"), 6);
  fs::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace fos::lake
