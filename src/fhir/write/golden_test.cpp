// Golden test: the hand-made deceased adult written in both layouts must match
// tests/golden/fhir_small/ byte for byte. FOS_UPDATE_GOLDEN=1 rewrites the files.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <string>

#include "core/output.hpp"
#include "fhir/write/test_fixture.hpp"

namespace fos::fhir {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = fs::path(FOS_SOURCE_DIR) / "tests" / "golden" / "fhir_small";

bool update_requested() {
  const char* env = std::getenv("FOS_UPDATE_GOLDEN");
  return env != nullptr && std::string(env) == "1";
}

// Both layouts of the adult, into one folder: *.ndjson + manifest.json + bundles/.
void write_golden_case(const fs::path& dir) {
  const auto directory = testing::fixture_directory();
  const std::vector<record::PatientRecord> patients = {testing::fixture_adult()};
  testing::write_all(dir, directory, testing::fixture_options(FhirLayout::kNdjson), patients);
  testing::write_all(dir, directory, testing::fixture_options(FhirLayout::kBundles), patients);
}

void replace_golden(const fs::path& from) {
  fs::remove_all(kGoldenDir);
  fs::create_directories(kGoldenDir);
  fs::copy(from, kGoldenDir, fs::copy_options::recursive);
}

TEST(Golden, SmallPatientMatchesCheckedInFiles) {
  testing::TempDir tmp;
  write_golden_case(tmp.path());
  if (update_requested()) {
    replace_golden(tmp.path());
    GTEST_SKIP() << "golden files rewritten in " << kGoldenDir;
  }
  const auto produced = testing::list_files(tmp.path());
  ASSERT_TRUE(fs::is_directory(kGoldenDir)) << "run with FOS_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(produced, testing::list_files(kGoldenDir));
  for (const auto& name : produced) {
    if (!fs::exists(kGoldenDir / name)) continue;
    EXPECT_EQ(read_file(tmp.path() / name), read_file(kGoldenDir / name))
        << name << " differs; run with FOS_UPDATE_GOLDEN=1 and review the diff";
  }
}

TEST(Golden, EveryNdjsonLineParses) {
  testing::TempDir tmp;
  write_golden_case(tmp.path());
  simdjson::dom::parser parser;
  int lines = 0;
  for (const auto& name : testing::list_files(tmp.path())) {
    if (fs::path(name).extension() != ".ndjson") continue;
    const std::string text = read_file(tmp.path() / name);
    ASSERT_FALSE(text.empty()) << name;
    EXPECT_EQ(text.back(), '\n') << name;
    for (const auto& line : testing::split_lines(text)) {
      ASSERT_FALSE(line.empty()) << name << ": empty line";
      simdjson::dom::element doc;
      ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << name << ": " << line;
      const std::string type = name.substr(0, name.find('.'));
      EXPECT_EQ(std::string_view(doc["resourceType"].get_string().value()), type);
      ++lines;
    }
  }
  // 1 patient + 2 encounters + 9 observations + 2 immunizations + 2 orgs + 2 locations + 2
  // practitioners + 3 conditions + 2 medication requests + 2 procedures + allergy + care plan
  // + device + report + imaging study + supply delivery.
  EXPECT_EQ(lines, 33);
}

}  // namespace
}  // namespace fos::fhir
