// Tests of the FHIR reader: NDJSON (plain, gzip, zstd), JSON files, Bundles, bad input.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "fhir/read/read.hpp"

namespace fos::fhir {
namespace {

namespace fs = std::filesystem;

class ReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fos_read_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::vector<Resource> read_all(ReaderOptions options) {
    ResourceReader reader(std::move(options));
    std::vector<Resource> out;
    while (auto resource = reader.next()) out.push_back(std::move(*resource));
    return out;
  }

  std::string error_of(const fs::path& path) {
    try {
      read_all({.inputs = {path}});
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
      return e.what();
    }
    return "no error";
  }

  fs::path dir_;
};

constexpr const char* kTwoPatients =
    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"x\":1.50}\n"
    "\n"
    "{\"resourceType\":\"Patient\",\"id\":\"p2\"}\n";

TEST_F(ReadTest, NdjsonKeepsNumbersAndLines) {
  const auto resources = read_all({.inputs = {write("a.ndjson", kTwoPatients)}});
  ASSERT_EQ(resources.size(), 2U);
  EXPECT_EQ(resources[0].type, "Patient");
  EXPECT_EQ(resources[0].id, "p1");
  EXPECT_EQ(resources[0].line, 1U);
  EXPECT_EQ(resources[1].line, 3U);
  EXPECT_EQ(to_json(resources[0].json), "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"x\":1.50}");
}

TEST_F(ReadTest, LastLineWithoutNewline) {
  const auto resources =
      read_all({.inputs = {write("a.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"p1\"}")}});
  ASSERT_EQ(resources.size(), 1U);
}

TEST_F(ReadTest, GzipAndZstd) {
  const std::string text = kTwoPatients;
  {
    gzFile gz = gzopen((dir_ / "b.ndjson.gz").c_str(), "wb");
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
  }
  std::string compressed(ZSTD_compressBound(text.size()), '\0');
  compressed.resize(
      ZSTD_compress(compressed.data(), compressed.size(), text.data(), text.size(), 3));
  write("c.ndjson.zst", compressed);
  const auto resources = read_all({.inputs = {dir_}});
  ASSERT_EQ(resources.size(), 4U);
  EXPECT_EQ(resources[2].id, "p1");
  EXPECT_EQ(resources[2].source, (dir_ / "c.ndjson.zst").string());
}

TEST_F(ReadTest, TruncatedZstdFails) {
  const std::string text = kTwoPatients;
  std::string compressed(ZSTD_compressBound(text.size()), '\0');
  compressed.resize(
      ZSTD_compress(compressed.data(), compressed.size(), text.data(), text.size(), 3));
  compressed.resize(compressed.size() / 2);
  EXPECT_NE(error_of(write("c.ndjson.zst", compressed)).find("zstd"), std::string::npos);
}

TEST_F(ReadTest, BundleResolvesUrnUuidAndConditionalReferences) {
  const std::string bundle = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"fullUrl":"urn:uuid:aaa","resource":{"resourceType":"Patient","id":"aaa"},
     "request":{"method":"POST","url":"Patient"}},
    {"fullUrl":"urn:uuid:ccc","resource":{"resourceType":"Practitioner",
      "identifier":[{"system":"http://hl7.org/fhir/sid/us-npi","value":"42"}]}},
    {"fullUrl":"urn:uuid:bbb","resource":{"resourceType":"Encounter","id":"bbb",
      "subject":{"reference":"urn:uuid:aaa"},
      "participant":[{"individual":{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|42"}}],
      "serviceProvider":{"reference":"Organization/zzz"}}}]})";
  const auto resources = read_all({.inputs = {write("bundle.json", bundle)}});
  ASSERT_EQ(resources.size(), 3U);
  EXPECT_EQ(resources[1].id, "ccc");
  const Json& encounter = resources[2].json;
  EXPECT_EQ(encounter.find("subject")->find_string("reference"), "Patient/aaa");
  EXPECT_EQ(encounter.find("participant")->items()[0].find("individual")->find_string("reference"),
            "Practitioner/ccc");
  EXPECT_EQ(encounter.find("serviceProvider")->find_string("reference"), "Organization/zzz");
}

TEST_F(ReadTest, SingleResourceFile) {
  const auto resources = read_all(
      {.inputs = {write("p.json", "{\n\"resourceType\": \"Patient\", \"id\": \"x\"\n}\n")}});
  ASSERT_EQ(resources.size(), 1U);
  EXPECT_EQ(resources[0].line, 0U);
}

TEST_F(ReadTest, TruncatedLineNamesFileAndLine) {
  const auto path = write("bad.ndjson", "{\"resourceType\":\"Patient\"}\n{\"resourceType\":\"Pat");
  const std::string message = error_of(path);
  EXPECT_NE(message.find("bad.ndjson: line 2: malformed JSON"), std::string::npos) << message;
}

TEST_F(ReadTest, NonJsonLine) {
  const std::string message = error_of(write("bad.ndjson", "hello\n"));
  EXPECT_NE(message.find("line 1: malformed JSON"), std::string::npos) << message;
}

TEST_F(ReadTest, ArrayWhereObjectBelongs) {
  const std::string message = error_of(write("bad.ndjson", "[1,2]\n"));
  EXPECT_NE(message.find("line 1: expected a JSON object"), std::string::npos) << message;
}

TEST_F(ReadTest, MissingResourceType) {
  const std::string message = error_of(write("bad.ndjson", "{\"id\":\"x\"}\n"));
  EXPECT_NE(message.find("line 1: not a FHIR resource (no resourceType)"), std::string::npos)
      << message;
}

TEST_F(ReadTest, TrailingGarbage) {
  const std::string message = error_of(write("bad.ndjson", "{\"resourceType\":\"A\"} x\n"));
  EXPECT_NE(message.find("line 1: malformed JSON"), std::string::npos) << message;
}

TEST_F(ReadTest, SkipCountsAndReportsEachBadLine) {
  const auto path = write("mixed.ndjson",
                          "{\"resourceType\":\"Patient\",\"id\":\"a\"}\nnot json\n[1]\n"
                          "{\"id\":\"x\"}\n{\"resourceType\":\"Patient\",\"id\":\"b\"}\n");
  Diagnostics diagnostics;
  ResourceReader reader(
      {.inputs = {path}, .on_error = OnError::kSkip, .diagnostics = &diagnostics});
  std::vector<std::string> ids;
  while (auto resource = reader.next()) ids.push_back(resource->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(reader.skipped(), 3U);
  const auto summary = diagnostics.summary();
  ASSERT_EQ(summary.size(), 1U);
  EXPECT_EQ(summary[0].category, "skipped line");
  EXPECT_EQ(summary[0].count, 3U);
  EXPECT_NE(summary[0].examples[0].find("line 2"), std::string::npos);
}

TEST_F(ReadTest, MissingInputAndBadOnError) {
  EXPECT_THROW(ResourceReader({.inputs = {dir_ / "nope.ndjson"}}), Error);
  EXPECT_THROW(parse_on_error("ignore"), Error);
  EXPECT_EQ(parse_on_error("skip"), OnError::kSkip);
}

TEST(Json, ViewsTextUnescapesOnlyEscapedStringsAndKeepsNumbers) {
  const JsonDocument doc =
      parse_json(R"({"a":"plain","b\u0041":"x\"y\n","n":[1.0,-2,3e2],"t":true,"z":null})", "t");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.find_string("a"), "plain");
  EXPECT_EQ(doc.find_string("bA"), "x\"y\n");
  ASSERT_EQ(doc.find("n")->items().size(), 3U);
  EXPECT_EQ(doc.find("n")->items()[0].text(), "1.0");
  EXPECT_FALSE(doc.find("n")->items()[0].is_integer_number());
  EXPECT_TRUE(doc.find("n")->items()[1].is_integer_number());
  EXPECT_EQ(to_json(doc), R"({"a":"plain","bA":"x\"y\n","n":[1.0,-2,3e2],"t":true,"z":null})");
  EXPECT_THROW(parse_json(R"({"a":1.})", "t"), Error);
}

TEST(Json, BatchDocumentsViewTheBatchTextAndTheArena) {
  DocumentBatch batch;
  batch.source = "b.ndjson";
  batch.text = R"({"resourceType":"Patient","id":"p1","name":[{"family":"Doe"}]})";
  batch.documents.push_back({0, batch.text.size(), 1});
  batch.text.append(kJsonPadding, ' ');
  JsonArena arena;
  std::vector<Resource> out;
  ResourceReader::parse_document(batch, batch.documents[0], arena, out);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].id, "p1");
  const std::string_view family =
      out[0].json.find("name")->items()[0].find_string("family").value_or("");
  EXPECT_EQ(family, "Doe");
  EXPECT_GE(family.data(), batch.text.data());
  EXPECT_LT(family.data(), batch.text.data() + batch.text.size());
}

}  // namespace
}  // namespace fos::fhir
