// Tests of lake/iceberg: Murmur3 and transforms against the spec's vectors, Appendix D
// bytes, Avro framing (own reader and Debian's python3-avro), manifests, metadata JSON,
// tables with appends, partitions, statistics and optimistic-commit retries.
#include "lake/iceberg/iceberg.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include <sys/wait.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/output.hpp"

namespace fos::lake {
namespace {
namespace fs = std::filesystem;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kDigits[(static_cast<uint8_t>(c) >> 4) & 0xf]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 0xf]);
  }
  return out;
}

fs::path temp_dir(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / ("fos-iceberg-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Run a shell command, returning its stdout; exit status in `status`.
std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  status = ::pclose(pipe);
  return out;
}

bool have_python_avro() {
  int status = 0;
  run("/usr/bin/python3 -c 'import avro' 2>/dev/null", status);
  return status == 0;
}

// ---- transforms and encodings ----

TEST(Murmur3, SpecVectors) {
  EXPECT_EQ(iceberg_hash(IcebergType::kInt, int32_t{34}), 2017239379);
  EXPECT_EQ(iceberg_hash(IcebergType::kLong, int64_t{34}), 2017239379);
  EXPECT_EQ(iceberg_hash(IcebergType::kDate, epoch_days(2017, 11, 16)), -653330422);
  const int64_t micros = int64_t{epoch_days(2017, 11, 16)} * 86400000000 +
                         int64_t{(22 * 3600 + 31 * 60 + 8)} * 1000000;
  EXPECT_EQ(iceberg_hash(IcebergType::kTimestamp, micros), -2047944441);
  EXPECT_EQ(iceberg_hash(IcebergType::kTimestamptz, micros + 1), -1207196810);
  // time 22:31:08 hashes as its microseconds, like a long.
  EXPECT_EQ(iceberg_hash(IcebergType::kLong, int64_t{81068000000}), -662762989);
  EXPECT_EQ(iceberg_hash(IcebergType::kString, std::string("iceberg")), 1210000089);
  EXPECT_EQ(iceberg_hash(IcebergType::kBinary, std::string("\x00\x01\x02\x03", 4)), -188683207);
  EXPECT_THROW(iceberg_hash(IcebergType::kDouble, 1.0), Error);
}

TEST(Transform, BucketMatchesSpark) {
  const Transform bucket4{TransformKind::kBucket, 4};
  std::vector<int32_t> got;
  for (int32_t v : {1, 2, 3, 4}) {
    got.push_back(std::get<int32_t>(apply_transform(bucket4, IcebergType::kInt, v)));
  }
  EXPECT_EQ(got, (std::vector<int32_t>{0, 0, 3, 2}));
}

TEST(Transform, TimeTransformsAndParsing) {
  const int32_t day = epoch_days(2017, 11, 16);
  EXPECT_EQ(apply_transform({TransformKind::kYear}, IcebergType::kDate, day), Value(int32_t{47}));
  EXPECT_EQ(apply_transform({TransformKind::kMonth}, IcebergType::kDate, day),
            Value(int32_t{47 * 12 + 10}));
  EXPECT_EQ(apply_transform({TransformKind::kDay}, IcebergType::kTimestamp,
                            int64_t{day} * 86400000000 + 5),
            Value(day));
  // Before the epoch: 1969-12-31T23:59:59 is day -1, year -1, month -1.
  EXPECT_EQ(apply_transform({TransformKind::kDay}, IcebergType::kTimestamp, int64_t{-1000000}),
            Value(int32_t{-1}));
  EXPECT_EQ(apply_transform({TransformKind::kYear}, IcebergType::kDate, int32_t{-1}),
            Value(int32_t{-1}));
  EXPECT_EQ(apply_transform({TransformKind::kYear}, IcebergType::kDate, std::monostate{}),
            Value(std::monostate{}));
  EXPECT_EQ(Transform::parse("bucket[16]"), (Transform{TransformKind::kBucket, 16}));
  EXPECT_EQ(Transform::parse("month")->str(), "month");
  EXPECT_FALSE(Transform::parse("truncate[3]"));
  EXPECT_FALSE(Transform::parse("bucket[0]"));
  EXPECT_FALSE(Transform::parse("bucket[x]"));
}

TEST(SingleValue, AppendixDBytes) {
  EXPECT_EQ(hex(encode_single_value(IcebergType::kInt, int32_t{1})), "01000000");
  EXPECT_EQ(hex(encode_single_value(IcebergType::kDate, epoch_days(2022, 1, 1))), "314a0000");
  EXPECT_EQ(hex(encode_single_value(IcebergType::kLong, int64_t{-2})), "feffffffffffffff");
  EXPECT_EQ(hex(encode_single_value(IcebergType::kBoolean, true)), "01");
  EXPECT_EQ(hex(encode_single_value(IcebergType::kDouble, 1.0)), "000000000000f03f");
  EXPECT_EQ(encode_single_value(IcebergType::kString, std::string("abc")), "abc");
  EXPECT_EQ(decode_single_value(IcebergType::kLong,
                                encode_single_value(IcebergType::kLong, int64_t{1} << 40)),
            Value(int64_t{1} << 40));
  EXPECT_FALSE(decode_single_value(IcebergType::kInt, "abc"));
  EXPECT_THROW(encode_single_value(IcebergType::kString, int32_t{1}), Error);
}

TEST(SingleValue, StringBoundTruncation) {
  EXPECT_EQ(truncate_lower("short", 16), "short");
  EXPECT_EQ(truncate_lower("abcdefghijklmnopqrstuvwxyz", 16), "abcdefghijklmnop");
  EXPECT_EQ(truncate_upper("abcdefghijklmnopqrstuvwxyz", 16), "abcdefghijklmnoq");
  EXPECT_EQ(truncate_upper("short", 16), "short");
  // Multi-byte code points count once; a prefix ending in one drops to the previous ASCII.
  EXPECT_EQ(truncate_lower("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\xc3\xa9\xc3\xa9");
  EXPECT_EQ(truncate_upper("a\xc3\xa9\xc3\xa9", 2), "b");
  EXPECT_EQ(truncate_upper("\xc3\xa9\xc3\xa9\xc3\xa9", 2), std::nullopt);
}

// ---- Avro ----

TEST(Avro, ContainerRoundTripsThroughOwnReader) {
  for (AvroCodec codec : {AvroCodec::kNull, AvroCodec::kDeflate}) {
    const std::string schema =
        R"({"type":"record","name":"r","fields":[{"name":"a","type":"long","field-id":1},)"
        R"({"name":"b","type":["null","string"],"default":null,"field-id":2}]})";
    AvroFileWriter writer(schema, {{"k", "v"}}, codec);
    for (int64_t i = 0; i < 1000; ++i) {
      AvroEncoder& e = writer.begin_record();
      e.put_long(i * 1000003 - 500);
      if (i % 3 == 0) {
        e.put_union(0);
      } else {
        e.put_union(1);
        e.put_string("row " + std::to_string(i));
      }
      writer.end_record();
    }
    const std::string bytes = writer.finish();
    ASSERT_EQ(bytes.substr(0, 4), std::string("Obj\x01", 4));
    const AvroFile file = read_avro_file(bytes, "test.avro");
    EXPECT_EQ(file.schema_json, schema);  // verbatim, field ids included
    EXPECT_EQ(file.meta("k"), "v");
    EXPECT_EQ(file.meta("avro.codec"), codec == AvroCodec::kDeflate ? "deflate" : "null");
    ASSERT_EQ(file.records.size(), 1000u);
    EXPECT_EQ(file.records[7].get("a")->number, 7 * 1000003 - 500);
    EXPECT_EQ(file.records[7].get("b")->bytes, "row 7");
    EXPECT_TRUE(file.records[9].get("b")->is_null());
  }
}

TEST(Avro, ReaderRejectsCorruptFiles) {
  EXPECT_THROW(read_avro_file("not avro", "x.avro"), Error);
  AvroFileWriter writer(R"({"type":"record","name":"r","fields":[{"name":"a","type":"long"}]})",
                        {});
  writer.begin_record().put_long(1);
  writer.end_record();
  std::string bytes = writer.finish();
  EXPECT_EQ(read_avro_file(bytes, "x.avro").records.size(), 1u);
  bytes.back() ^= 0x55;  // damage the sync marker
  try {
    read_avro_file(bytes, "x.avro");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.avro"), std::string::npos);
  }
  EXPECT_THROW(read_avro_file(bytes.substr(0, bytes.size() - 20), "x.avro"), Error);
}

TEST(Avro, PythonAvroReadsOurContainer) {
  if (!have_python_avro()) GTEST_SKIP() << "python3-avro not installed";
  const fs::path dir = temp_dir("pyavro");
  AvroFileWriter writer(
      R"({"type":"record","name":"r","fields":[{"name":"a","type":"long","field-id":1},)"
      R"({"name":"d","type":"double","field-id":2}]})",
      {{"iceberg-key", "42"}});
  for (int64_t i = -3; i < 3; ++i) {
    AvroEncoder& e = writer.begin_record();
    e.put_long(i << 40);
    e.put_double(0.5 * static_cast<double>(i));
    writer.end_record();
  }
  write_file_atomic(dir / "t.avro", writer.finish());
  const std::string script =
      "import json, sys, avro.datafile, avro.io\n"
      "r = avro.datafile.DataFileReader(open(sys.argv[1], 'rb'), avro.io.DatumReader())\n"
      "print(r.get_meta('iceberg-key').decode())\n"
      "print(json.loads(r.get_meta('avro.schema'))['fields'][0]['field-id'])\n"
      "print(';'.join('%d,%g' % (x['a'], x['d']) for x in r))\n";
  write_file_atomic(dir / "read.py", script);
  int status = 0;
  const std::string out = run(
      "/usr/bin/python3 " + (dir / "read.py").string() + " " + (dir / "t.avro").string(), status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out,
            "42\n1\n-3298534883328,-1.5;-2199023255552,-1;-1099511627776,-0.5;0,0;"
            "1099511627776,0.5;2199023255552,1\n");
  fs::remove_all(dir);
}

// ---- manifests and metadata ----

IcebergSchema sample_schema() {
  IcebergSchema s;
  s.fields = {{1, "id", IcebergType::kLong, false},
              {2, "name", IcebergType::kString, false},
              {3, "born", IcebergType::kDate, false}};
  return s;
}

PartitionSpec sample_spec() {
  PartitionSpec p;
  p.fields = {{3, 1000, "born_year", Transform{TransformKind::kYear}},
              {1, 1001, "id_bucket", Transform{TransformKind::kBucket, 8}}};
  return p;
}

TEST(Manifest, RoundTripsEntriesAndListRows) {
  DataFile f;
  f.path = "file:/wh/t/data/a.parquet";
  f.partition = {Value(int32_t{30}), Value(std::monostate{})};
  f.record_count = 12;
  f.file_size = 3456;
  f.stats[1] = {12, 1, std::nullopt, encode_single_value(IcebergType::kLong, int64_t{5}),
                encode_single_value(IcebergType::kLong, int64_t{99})};
  f.stats[2] = {12, 12, std::nullopt, std::nullopt, std::nullopt};
  DataFile g = f;
  g.path = "file:/wh/t/data/b.parquet";
  g.partition = {Value(int32_t{28}), Value(int32_t{3})};
  const std::vector<ManifestEntry> entries = {
      {EntryStatus::kAdded, 77, std::nullopt, std::nullopt, f},
      {EntryStatus::kAdded, 77, std::nullopt, std::nullopt, g}};
  const std::string bytes = write_manifest(sample_schema(), sample_spec(), entries);
  const AvroFile avro = read_avro_file(bytes, "m.avro");
  EXPECT_EQ(avro.meta("partition-spec"),
            R"([{"name":"born_year","transform":"year","source-id":3,"field-id":1000},)"
            R"({"name":"id_bucket","transform":"bucket[8]","source-id":1,"field-id":1001}])");
  EXPECT_EQ(avro.meta("content"), "data");
  EXPECT_EQ(avro.meta("format-version"), "2");
  EXPECT_EQ(avro.meta("schema-id"), "0");
  EXPECT_EQ(avro.meta("schema"), sample_schema().to_json());
  EXPECT_NE(avro.schema_json.find(R"("name":"r102")"), std::string::npos);
  EXPECT_NE(avro.schema_json.find(R"("name":"r2")"), std::string::npos);

  const std::vector<ManifestEntry> back = read_manifest(bytes, "m.avro");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].snapshot_id, 77);
  EXPECT_EQ(back[0].sequence_number, std::nullopt);
  EXPECT_EQ(back[0].file.path, f.path);
  EXPECT_EQ(back[0].file.stats, f.stats);
  EXPECT_EQ(back[1].file.partition, (std::vector<Value>{int64_t{28}, int64_t{3}}));

  const ManifestFile row = describe_manifest("file:/wh/t/metadata/m.avro", 100, sample_schema(),
                                             sample_spec(), entries, 77, 5);
  EXPECT_EQ(row.added_files, 2);
  EXPECT_EQ(row.added_rows, 24);
  ASSERT_TRUE(row.partitions);
  EXPECT_FALSE((*row.partitions)[0].contains_null);
  EXPECT_EQ(hex(*(*row.partitions)[0].lower), "1c000000");
  EXPECT_EQ(hex(*(*row.partitions)[0].upper), "1e000000");
  EXPECT_TRUE((*row.partitions)[1].contains_null);
  const std::string list = write_manifest_list(77, std::nullopt, 5, {row});
  EXPECT_EQ(read_avro_file(list, "l.avro").meta("parent-snapshot-id"), "null");
  EXPECT_EQ(read_manifest_list(list, "l.avro"), std::vector<ManifestFile>{row});
}

TEST(Metadata, JsonShapeAndRoundTrip) {
  TableMetadata m;
  m.table_uuid = "9c12d441-03fe-4693-9a96-a0705ddf69c1";
  m.location = "file:/wh/omop/person";
  m.last_column_id = 3;
  m.schemas = {sample_schema()};
  m.specs = {sample_spec()};
  m.last_partition_id = 1001;
  m.properties["owner"] = "fos";
  Snapshot s;
  s.snapshot_id = 8333264032233915678;  // above 2^53: must survive as an integer
  s.sequence_number = 1;
  s.timestamp_ms = 1700000000000;
  s.manifest_list = "file:/wh/omop/person/metadata/snap-1.avro";
  s.summary = {{"operation", "append"}, {"fos.run-id", "r1"}};
  m.snapshots = {s};
  m.current_snapshot_id = s.snapshot_id;
  m.last_sequence_number = 1;
  m.snapshot_log = {{s.timestamp_ms, s.snapshot_id}};
  m.metadata_log = {{1, "file:/wh/omop/person/metadata/v1.metadata.json"}};
  const std::string json = m.to_json();
  for (const char* key :
       {R"("format-version":2)", R"("last-sequence-number":1)", R"("default-sort-order-id":0)",
        R"("refs":{"main":{"snapshot-id":8333264032233915678,"type":"branch"}})",
        R"("current-snapshot-id":8333264032233915678)", R"("last-partition-id":1001)",
        R"("snapshot-log":[{)", R"("metadata-log":[{)", R"("summary":{"operation":"append")"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }
  const TableMetadata back = TableMetadata::parse(json, "v2.metadata.json");
  EXPECT_EQ(back.to_json(), json);
  EXPECT_EQ(back.current_snapshot()->summary_value("fos.run-id"), "r1");
}

TEST(Metadata, ParseErrorsNameTheFileAndKey) {
  try {
    TableMetadata::parse(R"({"format-version":2,"table-uuid":"x"})", "v3.metadata.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("v3.metadata.json: key 'location': missing"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(TableMetadata::parse("{not json", "x"), Error);
  EXPECT_THROW(TableMetadata::parse("{\"format-version\":1}", "x"), Error);
}

// ---- tables ----

TableDefinition people_definition() {
  TableDefinition d;
  d.columns = {{"person_id", IcebergType::kLong, true},
               {"name", IcebergType::kString},
               {"birth_date", IcebergType::kDate},
               {"seen_at", IcebergType::kTimestamp},
               {"weight", IcebergType::kDouble}};
  d.partition = {{"birth_date", Transform{TransformKind::kYear}, "birth_year"}};
  return d;
}

constexpr const char* kPeople =
    "(VALUES (1, 'Ann', DATE '1980-03-01', TIMESTAMP '2020-01-01 10:00:00', 61.5),"
    " (2, 'Bob', DATE '1980-12-31', NULL, 'NaN'::DOUBLE),"
    " (3, NULL, DATE '1999-06-15', TIMESTAMP '2021-05-05 00:00:01', 80.25),"
    " (4, 'Cyd', NULL, NULL, NULL)) AS t(person_id, name, birth_date, seen_at, weight)";

TEST(Table, CreateAppendAndReadBack) {
  const fs::path dir = temp_dir("append") / "people";
  IcebergTable table = IcebergTable::create(dir, people_definition());
  EXPECT_EQ(table.version(), 1);
  EXPECT_EQ(read_file(dir / "metadata" / "version-hint.text"), "1");
  EXPECT_THROW(IcebergTable::create(dir, people_definition()), Error);

  Database db = Database::in_memory();
  Connection con(db);
  CommitOptions options;
  options.summary["fos.run-id"] = "run-1";
  const AppendResult first = table.append(con, kPeople, options);
  EXPECT_EQ(first.version, 2);
  EXPECT_EQ(first.added_records, 4);
  EXPECT_EQ(first.added_files, 3);  // years 1980, 1999 and null
  EXPECT_EQ(read_file(dir / "metadata" / "version-hint.text"), "2");

  const IcebergTable reopened = IcebergTable::open(dir);
  const Snapshot* snap = reopened.metadata().current_snapshot();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->sequence_number, 1);
  EXPECT_EQ(snap->summary_value("fos.run-id"), "run-1");
  EXPECT_EQ(snap->summary_count("total-records"), 4);
  const std::vector<DataFile> files = reopened.data_files();
  ASSERT_EQ(files.size(), 3u);
  int64_t rows = 0;
  for (const DataFile& f : files) {
    rows += f.record_count;
    EXPECT_EQ(f.file_size, static_cast<int64_t>(fs::file_size(reopened.local_path(f.path))));
    if (f.partition[0] == Value(int64_t{10})) {  // 1980: Ann and Bob
      EXPECT_EQ(f.record_count, 2);
      EXPECT_EQ(f.stats.at(1).lower, encode_single_value(IcebergType::kLong, int64_t{1}));
      EXPECT_EQ(f.stats.at(1).upper, encode_single_value(IcebergType::kLong, int64_t{2}));
      EXPECT_EQ(f.stats.at(2).lower, "Ann");
      EXPECT_EQ(f.stats.at(4).null_count, 1);
      EXPECT_EQ(f.stats.at(5).nan_count, 1);
      EXPECT_EQ(f.stats.at(5).upper, encode_single_value(IcebergType::kDouble, 61.5));
      EXPECT_NE(f.path.find("/data/birth_year=10/"), std::string::npos) << f.path;
    }
  }
  EXPECT_EQ(rows, 4);

  // Two more appends: snapshots chain, totals add up, nothing lost.
  table.append(con, kPeople, options);
  const AppendResult third = table.append(con, kPeople, options);
  EXPECT_EQ(third.sequence_number, 3);
  const IcebergTable after = IcebergTable::open(dir);
  EXPECT_EQ(after.version(), 4);
  EXPECT_EQ(after.metadata().snapshots.size(), 3u);
  EXPECT_EQ(after.metadata().snapshot_log.size(), 3u);
  EXPECT_EQ(after.metadata().metadata_log.size(), 3u);
  EXPECT_EQ(after.metadata().current_snapshot()->summary_count("total-records"), 12);
  EXPECT_EQ(after.data_files().size(), 9u);
  // Time travel: the first snapshot still lists only its own files.
  EXPECT_EQ(after.data_files(first.snapshot_id).size(), 3u);
  EXPECT_THROW(after.data_files(12345), Error);
  fs::remove_all(dir.parent_path());
}

// A table with a sort order: the metadata carries it (order id 1, the default), each data
// file is written in that order and its manifest entry says so; a foreign order fos cannot
// apply (truncate) survives a metadata round trip.
TEST(Table, SortOrderIsRecordedAndAppliedToEachFile) {
  const fs::path dir = temp_dir("sorted") / "people";
  TableDefinition d = people_definition();
  d.sort = {{"name", Transform{}, false, false}, {"person_id", Transform{}, true, true}};
  IcebergTable table = IcebergTable::create(dir, d);
  const std::string json = table.metadata().to_json();
  EXPECT_NE(json.find(R"("default-sort-order-id":1)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("sort-orders":[{"order-id":0,"fields":[]},{"order-id":1,"fields":[)"
                      R"({"transform":"identity","source-id":2,"direction":"asc","null-order":)"
                      R"("nulls-last"},{"transform":"identity","source-id":1,"direction":"desc",)"
                      R"("null-order":"nulls-first"}]}])"),
            std::string::npos)
      << json;

  Database db = Database::in_memory();
  Connection con(db);
  // Rows out of order, within one partition (birth year 1980) and with a null name.
  table.append(con,
               "(SELECT *, NULL::TIMESTAMP AS seen_at, NULL::DOUBLE AS weight FROM (VALUES"
               " (5, 'Eve', DATE '1980-01-01'), (6, NULL, DATE '1980-02-01'),"
               " (7, 'Ann', DATE '1980-03-01'), (8, 'Ann', DATE '1980-04-01'),"
               " (9, 'Dan', DATE '1980-05-01')) AS t(person_id, name, birth_date))");
  const IcebergTable reopened = IcebergTable::open(dir);
  EXPECT_EQ(reopened.metadata().default_sort_order().order_id, 1);
  const std::vector<DataFile> files = reopened.data_files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].sort_order_id, 1);
  const QueryResult rows = con.query("SELECT person_id FROM read_parquet(" +
                                     sql_quote(reopened.local_path(files[0].path).string()) + ")");
  std::string order;
  for (uint64_t r = 0; r < rows.row_count(); ++r) order += rows.str(r, 0) + " ";
  EXPECT_EQ(order, "8 7 9 5 6 ");  // Ann (8 before 7: descending), Dan, Eve, then null

  const std::string threads = con.query("SELECT current_setting('threads')").str(0, 0);
  // Many rows in a scrambled order, over several partitions and in one unpartitioned file:
  // every file comes out sorted, whatever DuckDB's threads do.
  for (const bool partitioned : {true, false}) {
    const fs::path big_dir = temp_dir("sorted-big") / "t";
    TableDefinition big = people_definition();
    if (!partitioned) big.partition.clear();
    big.sort = {{"person_id", Transform{}, false, true}};
    IcebergTable big_table = IcebergTable::create(big_dir, big);
    big_table.append(
        con,
        "(SELECT (i * 7919) % 200003 AS person_id, 'p' || i AS name,"
        " DATE '1970-01-01' + ((i * 31) % 3650)::INTEGER AS birth_date,"
        " NULL::TIMESTAMP AS seen_at, NULL::DOUBLE AS weight FROM range(200003) r(i))");
    const std::vector<DataFile> big_files = IcebergTable::open(big_dir).data_files();
    ASSERT_EQ(big_files.size(), partitioned ? 10u : 1u);  // years 1970-1979
    for (const DataFile& f : big_files) {
      EXPECT_EQ(f.sort_order_id, 1);
      EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM (SELECT person_id < lag(person_id) OVER "
                                 "(ORDER BY file_row_number) AS back FROM read_parquet(" +
                                 sql_quote(big_table.local_path(f.path).string()) +
                                 ", file_row_number = true)) WHERE back"),
                0)
          << f.path;
    }
    fs::remove_all(big_dir.parent_path());
  }
  EXPECT_EQ(con.query("SELECT current_setting('threads')").str(0, 0), threads);

  // An order with a transform fos does not apply is kept as written and not used.
  TableMetadata m = reopened.metadata();
  m.sort_orders.push_back({2, {{"truncate[4]", 2, false, true}}});
  m.default_sort_order_id = 2;
  const TableMetadata back = TableMetadata::parse(m.to_json(), "v9.metadata.json");
  EXPECT_EQ(back.sort_orders, m.sort_orders);
  EXPECT_EQ(back.default_sort_order().fields[0].transform, "truncate[4]");
  EXPECT_THROW(TableMetadata::parse(
                   [&] {
                     std::string bad = m.to_json();
                     bad.replace(bad.find(R"("default-sort-order-id":2)"), 25,
                                 R"("default-sort-order-id":7)");
                     return bad;
                   }(),
                   "v9.metadata.json"),
               Error);

  TableDefinition wrong = people_definition();
  wrong.sort = {{"nope", Transform{}, false, true}};
  EXPECT_THROW(IcebergTable::create(temp_dir("sorted-bad") / "t", wrong), Error);
  wrong.sort = {{"name", Transform{TransformKind::kYear}, false, true}};
  EXPECT_THROW(IcebergTable::create(temp_dir("sorted-bad2") / "t", wrong), Error);
  fs::remove_all(dir.parent_path());
}

// Statistics come from the Parquet footers DuckDB writes: exact bounds per type, strings
// longer than DuckDB's 256-byte footer bound truncated to 16 characters, all-null columns
// without bounds, and the partition tuple from the source column's bound.
TEST(Table, FooterStatisticsMatchTheData) {
  const fs::path dir = temp_dir("footer") / "t";
  TableDefinition d;
  d.columns = {{"id", IcebergType::kLong},  {"note", IcebergType::kString},
               {"day", IcebergType::kDate}, {"at", IcebergType::kTimestamp},
               {"x", IcebergType::kDouble}, {"flag", IcebergType::kBoolean},
               {"code", IcebergType::kInt}, {"empty", IcebergType::kString}};
  d.partition = {{"code", Transform{}, ""}};
  IcebergTable table = IcebergTable::create(dir, d);
  Database db = Database::in_memory();
  Connection con(db);
  table.append(con,
               "(SELECT i::BIGINT AS id, CASE WHEN i = 2 THEN repeat('z', 300) ELSE 'm' || i END"
               " AS note, DATE '1969-12-30' + i::INTEGER AS day, TIMESTAMP '2020-01-01' +"
               " INTERVAL (i) MICROSECOND AS at, i * -0.5 AS x, i % 2 = 0 AS flag, 7 AS code,"
               " NULL::VARCHAR AS empty FROM range(3) r(i))");
  const std::vector<DataFile> files = table.data_files();
  ASSERT_EQ(files.size(), 1u);
  const DataFile& f = files[0];
  EXPECT_EQ(f.record_count, 3);
  EXPECT_EQ(f.partition, std::vector<Value>{Value(int64_t{7})});  // read back as long
  EXPECT_EQ(f.stats.at(1).lower, encode_single_value(IcebergType::kLong, int64_t{0}));
  EXPECT_EQ(f.stats.at(1).upper, encode_single_value(IcebergType::kLong, int64_t{2}));
  EXPECT_EQ(f.stats.at(2).lower, "m0");
  EXPECT_EQ(f.stats.at(2).upper, std::string(15, 'z') + "{");  // 16 'z' truncated, incremented
  EXPECT_EQ(f.stats.at(3).lower, encode_single_value(IcebergType::kDate, int32_t{-2}));
  EXPECT_EQ(f.stats.at(3).upper, encode_single_value(IcebergType::kDate, int32_t{0}));
  const int64_t base = int64_t{1577836800} * 1000000;
  EXPECT_EQ(f.stats.at(4).upper, encode_single_value(IcebergType::kTimestamp, base + 2));
  EXPECT_EQ(f.stats.at(5).lower, encode_single_value(IcebergType::kDouble, -1.0));
  EXPECT_EQ(f.stats.at(5).upper, encode_single_value(IcebergType::kDouble, 0.0));
  EXPECT_EQ(f.stats.at(5).nan_count, 0);
  EXPECT_EQ(f.stats.at(6).lower, encode_single_value(IcebergType::kBoolean, false));
  EXPECT_EQ(f.stats.at(6).upper, encode_single_value(IcebergType::kBoolean, true));
  EXPECT_EQ(f.stats.at(7).lower, encode_single_value(IcebergType::kInt, int32_t{7}));
  EXPECT_EQ(f.stats.at(8).null_count, 3);
  EXPECT_FALSE(f.stats.at(8).lower.has_value());
  EXPECT_EQ(f.stats.at(8).value_count, 3);
  fs::remove_all(dir.parent_path());
}

// Statistics from the writer's RETURN_STATS, per partition, with the fallbacks: a file with a
// NaN is scanned (NaN counted, bounds without it), a string identity partition keeps its exact
// value (odd characters, a null partition), fractional timestamps keep their microseconds,
// sizes are the sizes on disk, files go straight to their final folders.
TEST(Table, WriterStatisticsPerPartitionAndFallbacks) {
  const fs::path dir = temp_dir("writer-stats") / "t";
  TableDefinition d;
  d.columns = {{"k", IcebergType::kString},
               {"x", IcebergType::kDouble},
               {"at", IcebergType::kTimestamp},
               {"f", IcebergType::kFloat}};
  d.partition = {{"k", Transform{}, ""}};
  IcebergTable table = IcebergTable::create(dir, d);
  Database db = Database::in_memory();
  Connection con(db);
  table.append(con,
               "(SELECT CASE i % 3 WHEN 0 THEN '../a/b c' WHEN 1 THEN NULL ELSE 'plain' END AS k,"
               " CASE WHEN i = 3 THEN 'nan'::DOUBLE ELSE i * 1.5 END AS x, TIMESTAMP"
               " '2020-01-01 00:00:00.000001' + INTERVAL (i) SECOND AS at, (i * 0.1)::FLOAT AS f"
               " FROM range(6) r(i))");
  std::map<std::string, DataFile> by_key;
  for (const DataFile& f : table.data_files()) {
    const Value& k = f.partition.at(0);
    by_key[std::holds_alternative<std::string>(k) ? std::get<std::string>(k) : "<null>"] = f;
    const fs::path path = table.local_path(f.path);
    EXPECT_EQ(f.file_size, static_cast<int64_t>(fs::file_size(path))) << path;
    EXPECT_EQ(path.parent_path().parent_path(), dir / "data") << path;
    EXPECT_EQ(path.string().find(".fos-staging"), std::string::npos) << path;
  }
  ASSERT_EQ(by_key.size(), 3u);
  const DataFile& odd = by_key.at("../a/b c");  // rows 0 and 3 (3 holds the NaN)
  EXPECT_EQ(odd.record_count, 2);
  EXPECT_EQ(odd.stats.at(1).lower, "../a/b c");
  EXPECT_EQ(odd.stats.at(2).nan_count, 1);
  EXPECT_EQ(odd.stats.at(2).lower, encode_single_value(IcebergType::kDouble, 0.0));
  EXPECT_EQ(odd.stats.at(2).upper, encode_single_value(IcebergType::kDouble, 0.0));
  const DataFile& none = by_key.at("<null>");  // rows 1 and 4
  EXPECT_EQ(none.stats.at(1).null_count, 2);
  EXPECT_FALSE(none.stats.at(1).lower.has_value());
  EXPECT_EQ(none.stats.at(2).nan_count, 0);
  EXPECT_EQ(none.stats.at(2).upper, encode_single_value(IcebergType::kDouble, 6.0));
  const int64_t base = int64_t{1577836800} * 1000000 + 1;
  EXPECT_EQ(none.stats.at(3).lower, encode_single_value(IcebergType::kTimestamp, base + 1000000));
  EXPECT_EQ(none.stats.at(3).upper, encode_single_value(IcebergType::kTimestamp, base + 4000000));
  EXPECT_EQ(none.stats.at(4).upper, encode_single_value(IcebergType::kFloat, 0.4F));
  EXPECT_EQ(by_key.at("plain").stats.at(1).upper, "plain");
  fs::remove_all(dir.parent_path());
}

// A write that fails inside DuckDB leaves no data file behind.
TEST(Table, FailedWriteLeavesNoDataFiles) {
  const fs::path dir = temp_dir("failed-write") / "t";
  TableDefinition d;
  d.columns = {{"id", IcebergType::kLong}, {"y", IcebergType::kInt}};
  d.partition = {{"y", Transform{}, ""}};
  IcebergTable table = IcebergTable::create(dir, d);
  Database db = Database::in_memory();
  Connection con(db);
  EXPECT_THROW(table.append(con,
                            "(SELECT CASE WHEN i < 5000 THEN i ELSE error('boom') END::BIGINT AS"
                            " id, (i % 7)::INTEGER AS y FROM range(10000) r(i))"),
               Error);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / "data")) {
    files += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(files, 0u);
  EXPECT_EQ(IcebergTable::open(dir).version(), 1);
  fs::remove_all(dir.parent_path());
}

// bucket[N] writes of string, date and timestamp columns: with N = 2^31 - 1 the partition
// value is hash & 0x7fffffff, so the spec's vectors show directly ("iceberg" 1210000089,
// 2017-11-16 -653330422, 2017-11-16T22:31:08 -2047944441); other values (UTF-8, before 1970,
// NULL) match the C++ transform.
TEST(Table, BucketOfStringDateAndTimestampColumns) {
  const fs::path dir = temp_dir("bucket-types") / "t";
  const Transform bucket{TransformKind::kBucket, 2147483647};
  TableDefinition d;
  d.columns = {{"s", IcebergType::kString},
               {"d", IcebergType::kDate},
               {"ts", IcebergType::kTimestamp},
               {"i", IcebergType::kInt}};
  d.partition = {{"s", bucket, ""}, {"d", bucket, ""}, {"ts", bucket, ""}};
  IcebergTable table = IcebergTable::create(dir, d);
  Database db = Database::in_memory();
  Connection con(db);
  table.append(con,
               "(SELECT * FROM (VALUES ('iceberg', DATE '2017-11-16', TIMESTAMP '2017-11-16 "
               "22:31:08', 0), ('h\u00e9 \u6f22\u5b57', DATE '1969-07-20', TIMESTAMP "
               "'1969-07-20 20:17:40.5', 1), (NULL, NULL, NULL, 2)) t(s, d, ts, i))");
  // Partition values read back from the manifest as longs: compare numbers (-1: null).
  const auto numbers = [](const std::vector<Value>& values) {
    std::vector<int64_t> out;
    for (const Value& v : values) {
      if (const auto* i = std::get_if<int32_t>(&v)) out.push_back(*i);
      if (const auto* l = std::get_if<int64_t>(&v)) out.push_back(*l);
      if (std::holds_alternative<std::monostate>(v)) out.push_back(-1);
    }
    return out;
  };
  const auto bucket_of = [&](IcebergType type, const Value& v) -> int64_t {
    return std::get<int32_t>(apply_transform(bucket, type, v));
  };
  std::map<int32_t, std::vector<int64_t>> by_row;
  for (const DataFile& f : table.data_files()) {
    ASSERT_EQ(f.stats.at(4).lower, f.stats.at(4).upper);
    by_row[static_cast<int32_t>(static_cast<uint8_t>(f.stats.at(4).lower->at(0)))] =
        numbers(f.partition);
  }
  ASSERT_EQ(by_row.size(), 3u);
  EXPECT_EQ(by_row[0],
            (std::vector<int64_t>{1210000089, -653330422 & 0x7fffffff, -2047944441 & 0x7fffffff}));
  const int32_t moon = epoch_days(1969, 7, 20);
  const int64_t landing =
      int64_t{moon} * 86400000000 + int64_t{20 * 3600 + 17 * 60 + 40} * 1000000 + 500000;
  EXPECT_EQ(by_row[1],
            (std::vector<int64_t>{
                bucket_of(IcebergType::kString, std::string("h\u00e9 \u6f22\u5b57")),
                bucket_of(IcebergType::kDate, moon), bucket_of(IcebergType::kTimestamp, landing)}));
  EXPECT_EQ(by_row[2], (std::vector<int64_t>{-1, -1, -1}));
  fs::remove_all(dir.parent_path());
}

TEST(Table, LosingWriterRetriesOnTopOfTheWinner) {
  const fs::path dir = temp_dir("race") / "t";
  IcebergTable a = IcebergTable::create(dir, people_definition());
  IcebergTable b = IcebergTable::open(dir);
  Database db = Database::in_memory();
  Connection con(db);
  // b commits while a is between writing its metadata and linking it into place.
  CommitOptions options;
  options.before_link = [&] {
    if (!b.metadata().current_snapshot()) b.append(con, kPeople);
  };
  const AppendResult result = a.append(con, kPeople, options);
  EXPECT_EQ(result.attempts, 2);
  EXPECT_EQ(result.version, 3);
  EXPECT_EQ(result.sequence_number, 2);
  const IcebergTable after = IcebergTable::open(dir);
  EXPECT_EQ(after.metadata().snapshots.size(), 2u);
  EXPECT_EQ(after.metadata().current_snapshot()->summary_count("total-records"), 8);
  EXPECT_EQ(after.data_files().size(), 6u);
  fs::remove_all(dir.parent_path());
}

TEST(Table, BadInputIsRejectedAndLeavesTheTableUntouched) {
  const fs::path dir = temp_dir("bad") / "t";
  TableDefinition bad = people_definition();
  bad.partition = {{"name", Transform{TransformKind::kYear}, ""}};
  EXPECT_THROW(IcebergTable::create(dir, bad), Error);
  bad.partition = {{"nope", Transform{TransformKind::kIdentity}, ""}};
  EXPECT_THROW(IcebergTable::create(dir, bad), Error);
  EXPECT_FALSE(IcebergTable::exists(dir));
  EXPECT_THROW(IcebergTable::open(dir), Error);

  IcebergTable table = IcebergTable::create(dir, people_definition());
  Database db = Database::in_memory();
  Connection con(db);
  // A source without the schema's columns fails before anything is committed.
  EXPECT_THROW(table.append(con, "(SELECT 1 AS other)"), Error);
  EXPECT_EQ(IcebergTable::open(dir).version(), 1);
  // A corrupt newest metadata file is an error naming it.
  write_file_atomic(dir / "metadata" / "v2.metadata.json", "{\"format-version\": 2,");
  try {
    IcebergTable::open(dir);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("v2.metadata.json"), std::string::npos) << e.what();
  }
  fs::remove_all(dir.parent_path());
}

TEST(Warehouse, ViewsAndTimeTravel) {
  const fs::path wh = temp_dir("warehouse");
  Database db = Database::in_memory();
  Connection con(db);
  IcebergTable people = IcebergTable::create(wh / "ns" / "people", people_definition());
  const AppendResult first = people.append(con, kPeople);
  people.append(con, kPeople);
  TableDefinition other;
  other.columns = {{"x", IcebergType::kInt}};
  IcebergTable::create(wh / "ns" / "empty", other);
  fs::create_directories(wh / "ns" / "not_a_table");

  const std::vector<WarehouseTable> tables = list_warehouse(wh);
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].name, "empty");
  EXPECT_EQ(tables[1].ns, "ns");

  create_warehouse_views(con, wh);
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM ns.people"), 8);
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM ns.people WHERE name = 'Ann'"), 2);
  EXPECT_EQ(con.scalar_int64("SELECT count(*) FROM ns.empty"), 0);

  Connection as_of(db);
  create_warehouse_views(as_of, wh, AsOf::parse(std::to_string(first.snapshot_id)));
  EXPECT_EQ(as_of.scalar_int64("SELECT count(*) FROM ns.people"), 4);
  // Before the first commit the table is empty; far in the future it is current.
  create_warehouse_views(as_of, wh, AsOf::parse("2001-01-01T00:00:00Z"));
  EXPECT_EQ(as_of.scalar_int64("SELECT count(*) FROM ns.people"), 0);
  create_warehouse_views(as_of, wh, AsOf::parse("2999-01-01"));
  EXPECT_EQ(as_of.scalar_int64("SELECT count(*) FROM ns.people"), 8);

  EXPECT_THROW(AsOf::parse("yesterday"), Error);
  EXPECT_THROW(create_warehouse_views(as_of, wh, AsOf::parse("123")), Error);
  EXPECT_THROW(list_warehouse(wh / "missing"), Error);
  // A missing data file is a clear error.
  fs::remove(people.local_path(people.data_files().front().path));
  EXPECT_THROW(create_warehouse_views(as_of, wh), Error);
  fs::remove_all(wh);
}

TEST(Table, ConcurrentProcessesLoseNothing) {
  const fs::path dir = temp_dir("procs") / "t";
  IcebergTable::create(dir, people_definition());
  constexpr int kWriters = 4;
  constexpr int kCommits = 5;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int code = 0;
      try {
        Database db = Database::in_memory();
        Connection con(db);
        IcebergTable table = IcebergTable::open(dir);
        for (int i = 0; i < kCommits; ++i) table.append(con, kPeople);
      } catch (...) {
        code = 1;
      }
      std::_Exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const IcebergTable after = IcebergTable::open(dir);
  EXPECT_EQ(after.version(), 1 + kWriters * kCommits);
  EXPECT_EQ(after.metadata().snapshots.size(), size_t{kWriters} * kCommits);
  EXPECT_EQ(after.metadata().current_snapshot()->summary_count("total-records"),
            4 * kWriters * kCommits);
  int64_t rows = 0;
  for (const DataFile& f : after.data_files()) rows += f.record_count;
  EXPECT_EQ(rows, 4 * kWriters * kCommits);
  EXPECT_EQ(read_file(dir / "metadata" / "version-hint.text"),
            std::to_string(1 + kWriters * kCommits));
  fs::remove_all(dir.parent_path());
}

TEST(Ddl, AthenaCreateTable) {
  EXPECT_EQ(athena_create_table("ns", "people", people_definition(), "s3://b/wh/ns/people/"),
            "CREATE TABLE `ns`.`people` (\n"
            "  `person_id` bigint,\n"
            "  `name` string,\n"
            "  `birth_date` date,\n"
            "  `seen_at` timestamp,\n"
            "  `weight` double\n"
            ")\n"
            "PARTITIONED BY (year(`birth_date`))\n"
            "LOCATION 's3://b/wh/ns/people/'\n"
            "TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', "
            "'write_compression' = 'zstd');\n");
  TableDefinition bad = people_definition();
  bad.partition = {{"birth_date", Transform{TransformKind::kVoid}, ""}};
  EXPECT_THROW(athena_create_table("ns", "people", bad, "s3://b/"), Error);
}

}  // namespace
}  // namespace fos::lake
