// Tests of the NDJSON and Bundle sinks: references, manifest, counts,
// determinism, abandonment, bundle structure.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "core/output.hpp"
#include "fhir/write/test_fixture.hpp"

namespace fos::fhir {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::string_view str(simdjson::dom::element e) {
  return e.get_string().value();
}

// Every reference in the NDJSON files under `dir` names a resource in them.
void expect_references_resolve(const fs::path& dir, size_t expected_resources) {
  simdjson::dom::parser parser;
  std::set<std::string> resources;
  std::vector<std::string> references;
  for (const auto& name : testing::list_files(dir)) {
    if (fs::path(name).extension() != ".ndjson") continue;
    for (const auto& line : testing::split_lines(read_file(dir / name))) {
      simdjson::dom::element doc = parser.parse(line).value();
      const std::string type(str(doc["resourceType"].value()));
      EXPECT_TRUE(resources.insert(type + "/" + std::string(str(doc["id"].value()))).second);
      testing::collect_references(doc, references);
    }
  }
  EXPECT_EQ(resources.size(), expected_resources);
  EXPECT_GT(references.size(), 2 * resources.size() - 10);
  for (const auto& ref : references) EXPECT_TRUE(resources.count(ref)) << ref << " unresolved";
}

class SinkTest : public ::testing::Test {
 protected:
  record::ProviderDirectory directory_ = testing::fixture_directory();
  std::vector<record::PatientRecord> patients_ = testing::fixture_patients();
};

TEST_F(SinkTest, NdjsonFilesManifestAndCounts) {
  TempDir tmp;
  const auto counts = testing::write_all(tmp.path(), directory_,
                                         testing::fixture_options(FhirLayout::kNdjson), patients_);
  const record::OutputCounts expected = {{"AllergyIntolerance", 1},
                                         {"CarePlan", 1},
                                         {"Condition", 3},
                                         {"Device", 1},
                                         {"DiagnosticReport", 1},
                                         {"Encounter", 3},
                                         {"ImagingStudy", 1},
                                         {"Immunization", 5},
                                         {"Location", 2},
                                         {"MedicationRequest", 2},
                                         {"Observation", 12},
                                         {"Organization", 2},
                                         {"Patient", 2},
                                         {"Practitioner", 2},
                                         {"Procedure", 2},
                                         {"SupplyDelivery", 1}};
  EXPECT_EQ(counts, expected);
  std::vector<std::string> files;
  for (const auto& [type, n] : expected) files.push_back(type + ".ndjson");
  files.emplace_back("manifest.json");
  EXPECT_EQ(testing::list_files(tmp.path()), files);
  for (const auto& [type, n] : expected) {
    EXPECT_EQ(testing::split_lines(read_file(tmp.path() / (type + ".ndjson"))).size(), n) << type;
  }
  EXPECT_EQ(read_file(tmp.path() / "manifest.json"),
            "{\"transactionTime\":\"2024-01-01T00:00:00Z\",\"request\":\"fos generate\","
            "\"requiresAccessToken\":false,\"output\":["
            "{\"type\":\"AllergyIntolerance\",\"url\":\"AllergyIntolerance.ndjson\",\"count\":1},"
            "{\"type\":\"CarePlan\",\"url\":\"CarePlan.ndjson\",\"count\":1},"
            "{\"type\":\"Condition\",\"url\":\"Condition.ndjson\",\"count\":3},"
            "{\"type\":\"Device\",\"url\":\"Device.ndjson\",\"count\":1},"
            "{\"type\":\"DiagnosticReport\",\"url\":\"DiagnosticReport.ndjson\",\"count\":1},"
            "{\"type\":\"Encounter\",\"url\":\"Encounter.ndjson\",\"count\":3},"
            "{\"type\":\"ImagingStudy\",\"url\":\"ImagingStudy.ndjson\",\"count\":1},"
            "{\"type\":\"Immunization\",\"url\":\"Immunization.ndjson\",\"count\":5},"
            "{\"type\":\"Location\",\"url\":\"Location.ndjson\",\"count\":2},"
            "{\"type\":\"MedicationRequest\",\"url\":\"MedicationRequest.ndjson\",\"count\":2},"
            "{\"type\":\"Observation\",\"url\":\"Observation.ndjson\",\"count\":12},"
            "{\"type\":\"Organization\",\"url\":\"Organization.ndjson\",\"count\":2},"
            "{\"type\":\"Patient\",\"url\":\"Patient.ndjson\",\"count\":2},"
            "{\"type\":\"Practitioner\",\"url\":\"Practitioner.ndjson\",\"count\":2},"
            "{\"type\":\"Procedure\",\"url\":\"Procedure.ndjson\",\"count\":2},"
            "{\"type\":\"SupplyDelivery\",\"url\":\"SupplyDelivery.ndjson\",\"count\":1}],"
            "\"error\":[]}\n");
}

TEST_F(SinkTest, NdjsonWritesOnlyTypesWithResources) {
  TempDir tmp;
  record::PatientRecord bare = testing::fixture_child();
  bare.encounters.clear();
  bare.observations.clear();
  bare.immunizations.clear();
  const auto counts = testing::write_all(tmp.path(), directory_,
                                         testing::fixture_options(FhirLayout::kNdjson), {bare});
  EXPECT_EQ(counts, (record::OutputCounts{{"Patient", 1}}));
  EXPECT_EQ(testing::list_files(tmp.path()),
            (std::vector<std::string>{"Patient.ndjson", "manifest.json"}));
}

TEST_F(SinkTest, NdjsonSharedResourcesAreTheUsedOnesSortedById) {
  TempDir tmp;
  testing::write_all(tmp.path(), directory_, testing::fixture_options(FhirLayout::kNdjson),
                     patients_);
  simdjson::dom::parser parser;
  for (const std::string type : {"Organization", "Location", "Practitioner"}) {
    std::vector<std::string> ids;
    for (const auto& line : testing::split_lines(read_file(tmp.path() / (type + ".ndjson")))) {
      ids.emplace_back(str(parser.parse(line).value()["id"].value()));
    }
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << type;
    EXPECT_EQ(ids.size(), 2u) << type;
  }
  const std::string orgs = read_file(tmp.path() / "Organization.ndjson");
  EXPECT_EQ(orgs.find("Unused"), std::string::npos);
  EXPECT_NE(orgs.find(record::shared_uuid("Organization", 1001).str()), std::string::npos);
}

TEST_F(SinkTest, NdjsonReferencesResolve) {
  TempDir tmp;
  testing::write_all(tmp.path(), directory_, testing::fixture_options(FhirLayout::kNdjson),
                     patients_);
  TempDir variants;
  testing::write_all(variants.path(), directory_, testing::fixture_options(FhirLayout::kNdjson),
                     testing::fixture_variants(), 4);
  // 26 demographic and vital-sign resources + the adult's 15 clinical entries (3 conditions,
  // 2 medications, 2 procedures, allergy, care plan, device, report, 2 lab results, imaging
  // study, supply).
  expect_references_resolve(tmp.path(), 26 + 15);
  // 3 children + 3 adults: 6 patients, 3+6 encounters, (3+2)*3 + (7+2)*3 observations,
  // 9+6 immunizations, 2 organizations + 2 locations + 2 practitioners; each adult's 15
  // clinical entries and one allergy per variant.
  expect_references_resolve(variants.path(), 6 + 9 + 42 + 15 + 6 + 3 * 15 + 6);
}

TEST_F(SinkTest, BundlesAreTransactionsWhoseReferencesResolve) {
  TempDir tmp;
  const auto counts = testing::write_all(tmp.path(), directory_,
                                         testing::fixture_options(FhirLayout::kBundles), patients_);
  EXPECT_EQ(counts.at("Bundle"), 2u);
  EXPECT_EQ(counts.at("Patient"), 2u);
  EXPECT_EQ(counts.at("Organization"), 3u);  // two in the adult's bundle, one in the child's
  EXPECT_EQ(counts.at("Practitioner"), 3u);
  const std::string adult_id = record::resource_uuid("Patient", 7, 0).str();
  const std::string child_id = record::resource_uuid("Patient", 8, 0).str();
  std::vector<std::string> expected_files = {"bundles/" + adult_id + ".json",
                                             "bundles/" + child_id + ".json"};
  std::sort(expected_files.begin(), expected_files.end());
  ASSERT_EQ(testing::list_files(tmp.path()), expected_files);

  simdjson::dom::parser parser;
  for (const auto& name : expected_files) {
    const std::string text = read_file(tmp.path() / name);
    simdjson::dom::element bundle = parser.parse(text).value();
    EXPECT_EQ(str(bundle["resourceType"].value()), "Bundle");
    EXPECT_EQ(str(bundle["type"].value()), "transaction");
    std::set<std::string> full_urls;
    std::vector<std::string> references;
    size_t entries = 0;
    simdjson::dom::array entry_list = bundle["entry"].get_array().value();
    for (simdjson::dom::element entry : entry_list) {
      ++entries;
      const std::string full_url(str(entry["fullUrl"].value()));
      simdjson::dom::element resource = entry["resource"].value();
      const std::string type(str(resource["resourceType"].value()));
      const std::string id(str(resource["id"].value()));
      EXPECT_EQ(full_url, "urn:uuid:" + id);
      EXPECT_TRUE(full_urls.insert(full_url).second) << full_url << " twice";
      const std::string method(str(entry.at_pointer("/request/method").value()));
      const std::string url(str(entry.at_pointer("/request/url").value()));
      if (type == "Organization" || type == "Location" || type == "Practitioner") {
        EXPECT_EQ(method, "PUT");
        EXPECT_EQ(url, type + "/" + id);
      } else {
        EXPECT_EQ(method, "POST");
        EXPECT_EQ(url, type);
      }
      testing::collect_references(resource, references);
    }
    EXPECT_EQ(str(bundle.at_pointer("/entry/0/resource/resourceType").value()), "Patient");
    EXPECT_GT(entries, 5u);
    EXPECT_FALSE(references.empty());
    for (const auto& ref : references) {
      EXPECT_EQ(ref.rfind("urn:uuid:", 0), 0u) << ref;
      EXPECT_TRUE(full_urls.count(ref)) << name << ": " << ref << " unresolved";
    }
  }
}

TEST_F(SinkTest, OutputIsDeterministicWhateverTheBlockSize) {
  for (const FhirLayout layout : {FhirLayout::kNdjson, FhirLayout::kBundles}) {
    TempDir a, b;
    testing::write_all(a.path(), directory_, testing::fixture_options(layout), patients_, 1);
    testing::write_all(b.path(), directory_, testing::fixture_options(layout), patients_, 2);
    const auto files = testing::list_files(a.path());
    ASSERT_EQ(files, testing::list_files(b.path()));
    for (const auto& name : files) {
      EXPECT_EQ(read_file(a.path() / name), read_file(b.path() / name)) << name;
    }
  }
}

TEST_F(SinkTest, ParallelRenderGivesTheSerialBytes) {
  std::vector<record::PatientRecord> many;
  for (uint64_t i = 0; i < 40; ++i) {
    record::PatientRecord r = i % 2 ? testing::fixture_adult() : testing::fixture_child();
    r.person.index = 100 + i;
    many.push_back(std::move(r));
  }
  constexpr size_t kBlock = 3;
  for (const FhirLayout layout : {FhirLayout::kNdjson, FhirLayout::kBundles}) {
    TempDir serial, parallel;
    testing::write_all(serial.path(), directory_, testing::fixture_options(layout), many, kBlock);
    auto sink = make_fhir_sink(parallel.path(), directory_, testing::fixture_options(layout));
    const std::span<const record::PatientRecord> all(many);
    std::vector<std::unique_ptr<record::RenderedBlock>> blocks((all.size() + kBlock - 1) / kBlock);
    std::vector<std::thread> workers;
    for (size_t t = 0; t < 4; ++t) {
      workers.emplace_back([&, t] {
        for (size_t b = t; b < blocks.size(); b += 4) {
          blocks[b] =
              sink->render(all.subspan(b * kBlock, std::min(kBlock, all.size() - b * kBlock)));
        }
      });
    }
    for (auto& w : workers) w.join();
    for (auto& block : blocks) sink->write(std::move(block));
    sink->finish();
    const auto files = testing::list_files(serial.path());
    ASSERT_EQ(files, testing::list_files(parallel.path()));
    for (const auto& name : files) {
      EXPECT_EQ(read_file(serial.path() / name), read_file(parallel.path() / name)) << name;
    }
  }
}

TEST_F(SinkTest, SinkDestroyedWithoutFinishLeavesNothing) {
  for (const FhirLayout layout : {FhirLayout::kNdjson, FhirLayout::kBundles}) {
    TempDir tmp;
    {
      auto sink = make_fhir_sink(tmp.path(), directory_, testing::fixture_options(layout));
      sink->write(sink->render(patients_));
      EXPECT_EQ(sink->counts().at("Patient"), 2u);
    }
    EXPECT_TRUE(fs::is_empty(tmp.path())) << testing::list_files(tmp.path()).size();
  }
}

TEST_F(SinkTest, RenderErrorsPropagate) {
  TempDir tmp;
  auto bad = patients_;
  bad[1].observations[0].encounter = 3;
  auto sink = make_fhir_sink(tmp.path(), directory_, testing::fixture_options(FhirLayout::kNdjson));
  EXPECT_THROW(sink->render(bad), Error);
}

TEST_F(SinkTest, BadFolderAndExistingBundlesAreIoErrors) {
  TempDir tmp;
  try {
    make_fhir_sink(tmp.path() / "missing", directory_,
                   testing::fixture_options(FhirLayout::kNdjson));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("missing: FHIR output folder does not exist"),
              std::string::npos);
  }
  fs::create_directory(tmp.path() / "bundles");
  try {
    make_fhir_sink(tmp.path(), directory_, testing::fixture_options(FhirLayout::kBundles));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
  }
  auto options = testing::fixture_options(FhirLayout::kNdjson);
  options.request_url.clear();
  EXPECT_THROW(make_fhir_sink(tmp.path(), directory_, options), Error);
}

}  // namespace
}  // namespace fos::fhir
