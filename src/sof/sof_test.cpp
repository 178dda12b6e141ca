// Tests of the ViewDefinition runner: the official SQL on FHIR cases run in-process on
// the fixture text as written (decimal precision kept), validation errors, writers.
#include <gtest/gtest.h>
#include <unistd.h>
#include <deque>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "core/output.hpp"
#include "sof/sof.hpp"

namespace fos::sof {
namespace {

namespace fs = std::filesystem;
using fhir::Json;

fhir::Resource resource_of(const Json& json) {
  fhir::Resource resource;
  resource.type = std::string(json.find_string("resourceType").value_or(""));
  resource.id = std::string(json.find_string("id").value_or(""));
  resource.json = json;
  resource.source = "fixture";
  return resource;
}

// A row as a canonical string: keys sorted, missing expected keys counted as null.
std::string canonical(const std::map<std::string, std::string>& row,
                      const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& column : columns) {
    auto found = row.find(column);
    out += column + "=" + (found == row.end() ? "null" : found->second) + ";";
  }
  return out;
}

struct CaseResult {
  bool passed = false;
  std::string reason;
};

CaseResult run_case(const Json& file, const Json& test) {
  std::vector<fhir::Resource> resources;
  for (const Json& r : file.find("resources")->items()) resources.push_back(resource_of(r));
  const bool expect_error = test.find("expectError") && test.find("expectError")->as_bool();
  std::vector<std::map<std::string, std::string>> actual;
  std::vector<std::string> first_columns;
  try {
    const ViewDefinition view = parse_view(*test.find("view"), "view");
    ViewRunner runner(view);
    for (const auto& resource : resources) {
      for (const Row& row : runner.rows(resource)) {
        std::ostringstream text;
        NdjsonTableWriter writer(text);
        writer.begin(view.columns);
        writer.row(row);
        writer.finish();
        const fhir::JsonDocument parsed = fhir::parse_json(text.str(), "row");
        std::map<std::string, std::string> cells;
        for (const auto& [key, value] : parsed.members()) {
          cells[std::string(key)] = fhir::to_json(value);
        }
        if (first_columns.empty()) {
          for (const auto& member : parsed.members()) {
            first_columns.emplace_back(member.first);
          }
        }
        actual.push_back(std::move(cells));
      }
    }
  } catch (const Error& e) {
    if (expect_error) return {true, {}};
    return {false, std::string("error: ") + e.what()};
  }
  if (expect_error) return {false, "expected an error"};
  if (const Json* columns = test.find("expectColumns")) {
    std::vector<std::string> want;
    for (const Json& c : columns->items()) want.emplace_back(c.text());
    if (want != first_columns) return {false, "column order"};
  }
  const Json* expect = test.find("expect");
  if (expect == nullptr) return {true, {}};
  std::vector<std::map<std::string, std::string>> expected;
  std::vector<std::string> all_columns;
  for (const Json& row : expect->items()) {
    std::map<std::string, std::string> cells;
    for (const auto& [key, value] : row.members()) {
      cells[std::string(key)] = fhir::to_json(value);
      all_columns.emplace_back(key);
    }
    expected.push_back(std::move(cells));
  }
  for (const auto& row : actual) {
    for (const auto& cell : row) all_columns.push_back(cell.first);
  }
  std::sort(all_columns.begin(), all_columns.end());
  all_columns.erase(std::unique(all_columns.begin(), all_columns.end()), all_columns.end());
  std::vector<std::string> want;
  std::vector<std::string> got;
  for (const auto& row : expected) want.push_back(canonical(row, all_columns));
  for (const auto& row : actual) got.push_back(canonical(row, all_columns));
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  if (want != got) {
    std::string reason = "rows differ; got:";
    for (const auto& g : got) reason += " {" + g + "}";
    return {false, reason};
  }
  return {true, {}};
}

// Every official case, both suite folders, with the fixture text parsed as written.
TEST(OfficialSuiteInProcess, EveryCasePasses) {
  int passed = 0;
  int total = 0;
  for (const char* folder : {"tests", "tests-newer"}) {
    const fs::path dir = fs::path(FOS_SHARED_DIR) / "oracles/sql-on-fhir" / folder;
    ASSERT_TRUE(fs::is_directory(dir)) << dir;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& path : files) {
      const fhir::JsonDocument file = fhir::parse_json(read_file(path), path.string());
      for (const Json& test : file.find("tests")->items()) {
        ++total;
        const CaseResult result = run_case(file, test);
        if (result.passed) {
          ++passed;
        } else {
          ADD_FAILURE() << folder << "/" << path.filename().string() << ": "
                        << test.find_string("title").value_or("?") << ": " << result.reason;
        }
      }
    }
  }
  EXPECT_EQ(total, 141);
  EXPECT_EQ(passed, total);
}

// Parsed JSON that lives as long as the test program (resources and views view it).
const Json& json_of(const std::string& text) {
  static std::deque<fhir::JsonDocument> documents;
  documents.push_back(fhir::parse_json(text, "test"));
  return documents.back().root();
}

std::string error_of(const std::string& view_text) {
  try {
    parse_view(json_of(view_text), "v.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(ViewValidation, ClearMessages) {
  EXPECT_EQ(error_of(R"J({"select":[{"column":[{"name":"id","path":"id"}]}]})J"),
            "v.json: missing 'resource'");
  EXPECT_EQ(error_of(R"J({"resource":"Patient"})J"), "v.json: a view needs at least one 'select'");
  EXPECT_EQ(error_of(R"J({"resource":"Patient","select":[{"column":[{"name":"id","path":"id"},
              {"name":"id","path":"gender"}]}]})J"),
            "v.json: select[0].column[1]: duplicate column name 'id'");
  EXPECT_EQ(
      error_of(R"J({"resource":"Patient","select":[{"column":[{"name":"id","path":"nope()"}]}]})J"),
      "v.json: select[0].column[0].path: fhirpath 'nope()': position 0: unknown function "
      "'nope'");
  EXPECT_EQ(error_of(R"J({"resource":"Patient","select":[{"column":[{"name":"id","path":"id",
              "type":"strin"}]}]})J"),
            "v.json: select[0].column[0]: unknown column type \"strin\"");
  EXPECT_EQ(error_of(R"J({"resource":"Patient","select":[{"forEach":1}]})J"),
            "v.json: select[0].forEach: must be a FHIRPath string");
  EXPECT_EQ(
      error_of(R"J({"resource":"Patient","select":[{"column":[{"name":"a","path":"%x"}]}]})J"),
      "v.json: select[0]: undefined constant %x in '%x'");
}

TEST(ViewRunner, MultipleValuesNeedCollection) {
  const ViewDefinition view = parse_view(
      json_of(
          R"J({"resource":"Patient","select":[{"column":[{"name":"g","path":"name.given"}]}]})J"),
      "v.json");
  ViewRunner runner(view);
  const auto patient = resource_of(
      json_of(R"J({"resourceType":"Patient","id":"p1","name":[{"given":["A","B"]}]})J"));
  try {
    runner.rows(patient);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "v.json: Patient/p1: column 'g' has 2 values; set \"collection\": true to keep them "
              "as an array");
  }
}

TEST(Writers, CsvAndNdjson) {
  const ViewDefinition view = parse_view(json_of(R"J({"resource":"Patient","select":[{"column":[
      {"name":"id","path":"id"},{"name":"given","path":"name.given","collection":true},
      {"name":"active","path":"active"},{"name":"note","path":"'a,\"b'"},
      {"name":"x","path":"multipleBirth"}]}]})J"),
                                         "v.json");
  ViewRunner runner(view);
  const auto patient = resource_of(json_of(
      R"J({"resourceType":"Patient","id":"p1","active":true,"name":[{"given":["A","B"]}]})J"));
  std::ostringstream csv;
  std::ostringstream ndjson;
  CsvTableWriter csv_writer(csv);
  NdjsonTableWriter ndjson_writer(ndjson);
  csv_writer.begin(view.columns);
  ndjson_writer.begin(view.columns);
  runner.run(patient, csv_writer);
  runner.run(patient, ndjson_writer);
  csv_writer.finish();
  ndjson_writer.finish();
  EXPECT_EQ(csv.str(), "id,given,active,note,x\np1,\"[\"\"A\"\",\"\"B\"\"]\",true,\"a,\"\"b\",\n");
  EXPECT_EQ(ndjson.str(),
            "{\"id\":\"p1\",\"given\":[\"A\",\"B\"],\"active\":true,\"note\":\"a,\\\"b\","
            "\"x\":null}\n");
}

TEST(ViewRunner, BundleReferencesResolveForReferenceKeys) {
  const fs::path dir =
      fs::temp_directory_path() / ("fos_sof_bundle_test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write_file_atomic(dir / "b.json", R"J({"resourceType":"Bundle","type":"transaction","entry":[
    {"fullUrl":"urn:uuid:p-1","resource":{"resourceType":"Patient"}},
    {"fullUrl":"urn:uuid:e-1","resource":{"resourceType":"Encounter","id":"e-1",
      "subject":{"reference":"urn:uuid:p-1"}}}]})J");
  const ViewDefinition view = parse_view(json_of(R"J({"resource":"Encounter","select":[{"column":[
      {"name":"id","path":"getResourceKey()"},
      {"name":"patient","path":"subject.getReferenceKey(Patient)"}]}]})J"),
                                         "v.json");
  ViewRunner runner(view);
  fhir::ResourceReader reader({.inputs = {dir / "b.json"}});
  std::ostringstream out;
  NdjsonTableWriter writer(out);
  writer.begin(view.columns);
  while (auto resource = reader.next()) runner.run(*resource, writer);
  writer.finish();
  fs::remove_all(dir);
  EXPECT_EQ(out.str(), "{\"id\":\"e-1\",\"patient\":\"p-1\"}\n");
}

// flatten() over two NDJSON files and a Bundle, with tiny batches: the same bytes, row
// counts and skips for 1, 2 and 3 threads; a malformed line is skipped or, by default, the
// first one in input order fails the run.
class ParallelFlatten : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fos_sof_parallel_test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string a;
    std::string b;
    for (int i = 0; i < 40; ++i) {
      const std::string patient = R"({"resourceType":"Patient","id":"p)" + std::to_string(i) +
                                  R"(","name":[{"given":["G)" + std::to_string(i) +
                                  R"(","H"]}],"deceasedBoolean":false})";
      (i % 2 == 0 ? a : b) += patient + "\n";
      if (i == 7) a += "{not json\n";
      if (i == 30) b += "\n[1]\n";
    }
    write_file_atomic(dir_ / "a.ndjson", a);
    write_file_atomic(dir_ / "b.ndjson", b);
    write_file_atomic(dir_ / "c.json", R"J({"resourceType":"Bundle","type":"collection",
      "entry":[{"resource":{"resourceType":"Patient","id":"q1","name":[{"given":["Q"]}]}}]})J");
    view_ = parse_view(json_of(R"J({"resource":"Patient","select":[
        {"column":[{"name":"id","path":"getResourceKey()"}]},
        {"forEach":"name.given","column":[{"name":"given","path":"$this"}]}]})J"),
                       "v.json");
  }
  void TearDown() override { fs::remove_all(dir_); }

  struct Outcome {
    std::string csv;
    std::string ndjson;
    uint64_t resources = 0;
    uint64_t rows = 0;
    uint64_t skipped = 0;
    std::string error;
  };

  Outcome run(unsigned threads, fhir::OnError on_error) {
    Outcome outcome;
    fhir::ResourceReader reader({.inputs = {dir_}, .on_error = on_error});
    std::ostringstream csv;
    std::ostringstream ndjson;
    CsvTableWriter csv_writer(csv);
    NdjsonTableWriter ndjson_writer(ndjson);
    csv_writer.begin(view_.columns);
    ndjson_writer.begin(view_.columns);
    std::vector<FlattenTable> tables{{&view_, &csv_writer}, {&view_, &ndjson_writer}};
    try {
      outcome.resources = flatten(reader, tables, {.threads = threads, .batch_bytes = 150});
    } catch (const Error& e) {
      outcome.error = e.what();
    }
    csv_writer.finish();
    ndjson_writer.finish();
    outcome.csv = csv.str();
    outcome.ndjson = ndjson.str();
    outcome.rows = tables[0].rows;
    outcome.skipped = reader.skipped();
    return outcome;
  }

  fs::path dir_;
  ViewDefinition view_;
};

TEST_F(ParallelFlatten, SameOutputForAnyThreadCount) {
  const Outcome one = run(1, fhir::OnError::kSkip);
  EXPECT_EQ(one.error, "");
  EXPECT_EQ(one.resources, 41U);
  EXPECT_EQ(one.rows, 81U);  // two given names per generated patient, one for q1
  EXPECT_EQ(one.skipped, 2U);
  EXPECT_TRUE(one.csv.starts_with("id,given\np0,G0\np0,H\np2,G2\n")) << one.csv.substr(0, 80);
  EXPECT_TRUE(one.csv.ends_with("p39,H\nq1,Q\n"));
  for (const unsigned threads : {2U, 3U}) {
    const Outcome many = run(threads, fhir::OnError::kSkip);
    EXPECT_EQ(many.csv, one.csv) << threads;
    EXPECT_EQ(many.ndjson, one.ndjson) << threads;
    EXPECT_EQ(many.resources, one.resources);
    EXPECT_EQ(many.rows, one.rows);
    EXPECT_EQ(many.skipped, one.skipped);
  }
}

TEST_F(ParallelFlatten, FirstMalformedLineFails) {
  for (const unsigned threads : {1U, 2U}) {
    const Outcome outcome = run(threads, fhir::OnError::kFail);
    const std::string expected = (dir_ / "a.ndjson").string() + ": line 5: malformed JSON";
    EXPECT_TRUE(outcome.error.starts_with(expected)) << outcome.error;
  }
}

}  // namespace
}  // namespace fos::sof
