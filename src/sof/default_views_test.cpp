// Tests of the default views (views/*.json compiled in): they parse, their tables are
// named fhir_*, and over the small golden FHIR population (tests/golden/fhir_small/) they
// give one row per resource and CSV equal to tests/golden/flat_small/ byte for byte.
// FOS_UPDATE_GOLDEN=1 rewrites the golden CSV files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/output.hpp"
#include "sof/sof.hpp"

namespace fos::sof {
namespace {

namespace fs = std::filesystem;

const fs::path kInputDir = fs::path(FOS_SOURCE_DIR) / "tests" / "golden" / "fhir_small";
const fs::path kGoldenDir = fs::path(FOS_SOURCE_DIR) / "tests" / "golden" / "flat_small";

bool update_requested() {
  const char* env = std::getenv("FOS_UPDATE_GOLDEN");
  return env != nullptr && std::string(env) == "1";
}

// The NDJSON files of the golden population (not its bundles/ copy).
std::vector<fhir::Resource> golden_resources() {
  fhir::ReaderOptions options;
  for (const auto& entry : fs::directory_iterator(kInputDir)) {
    if (entry.path().extension() == ".ndjson") options.inputs.push_back(entry.path());
  }
  std::sort(options.inputs.begin(), options.inputs.end());
  fhir::ResourceReader reader(options);
  std::vector<fhir::Resource> resources;
  while (auto resource = reader.next()) resources.push_back(std::move(*resource));
  return resources;
}

struct Flattened {
  std::string csv;
  uint64_t rows = 0;
};

Flattened flatten(const ViewDefinition& view, const std::vector<fhir::Resource>& resources) {
  std::ostringstream out;
  CsvTableWriter writer(out);
  ViewRunner runner(view);
  writer.begin(view.columns);
  Flattened result;
  for (const auto& resource : resources) result.rows += runner.run(resource, writer);
  writer.finish();
  result.csv = out.str();
  return result;
}

TEST(DefaultViews, ParseWithTypedColumns) {
  const std::vector<ViewDefinition> views = default_views();
  const std::vector<std::string> names = default_view_names();
  ASSERT_EQ(views.size(), names.size());
  ASSERT_EQ(views.size(), 12u);
  for (size_t i = 0; i < views.size(); ++i) {
    EXPECT_EQ(views[i].source, "default:" + names[i]);
    EXPECT_EQ(views[i].name, "fhir_" + fs::path(names[i]).stem().string());
    ASSERT_EQ(views[i].column_types.size(), views[i].columns.size());
    for (const std::string& type : views[i].column_types) EXPECT_FALSE(type.empty()) << names[i];
  }
  EXPECT_EQ(views[0].name, "fhir_allergy_intolerance");
}

TEST(DefaultViews, OneRowPerResource) {
  const std::vector<fhir::Resource> resources = golden_resources();
  std::map<std::string, uint64_t> per_type;
  uint64_t components = 0;
  for (const auto& resource : resources) {
    ++per_type[resource.type];
    if (const fhir::Json* component = resource.json.find("component")) {
      components += component->items().size();
    }
  }
  ASSERT_GT(components, 0u);
  for (const ViewDefinition& view : default_views()) {
    const uint64_t rows = flatten(view, resources).rows;
    if (view.name == "fhir_observation_component") {
      EXPECT_EQ(rows, components);
    } else {
      EXPECT_EQ(rows, per_type[view.resource]) << view.name;
      EXPECT_GT(rows, 0u) << view.name;
    }
  }
}

TEST(DefaultViews, PatientValues) {
  const std::vector<fhir::Resource> resources = golden_resources();
  const std::vector<ViewDefinition> views = default_views();
  const auto patient = std::find_if(views.begin(), views.end(),
                                    [](const auto& v) { return v.name == "fhir_patient"; });
  ASSERT_NE(patient, views.end());
  const std::string csv = flatten(*patient, resources).csv;
  EXPECT_NE(csv.find("MRN-000007,female,1941-03-14,2020-11-02T04:15:00Z,O'Neil,Margaret,Mrs.,"
                     "2054-5,Black or African American,2186-5,Not Hispanic or Latino,F,W,"
                     "14 Oak Ave,Cambridge,Middlesex County,MA,02138,US,42.381000,-71.122400"),
            std::string::npos)
      << csv;
}

TEST(DefaultViews, GoldenCsv) {
  const std::vector<fhir::Resource> resources = golden_resources();
  const bool update = update_requested();
  if (update) fs::create_directories(kGoldenDir);
  for (const ViewDefinition& view : default_views()) {
    const fs::path golden = kGoldenDir / (view.name + ".csv");
    const std::string csv = flatten(view, resources).csv;
    if (update) {
      write_file_atomic(golden, csv);
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << golden << " missing; run with FOS_UPDATE_GOLDEN=1";
    EXPECT_EQ(read_file(golden), csv)
        << view.name << " differs; run with FOS_UPDATE_GOLDEN=1 and review the diff";
  }
}

}  // namespace
}  // namespace fos::sof
