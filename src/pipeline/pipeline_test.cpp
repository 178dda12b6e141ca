// Pipeline tests: stages run in order in one staging folder, run.json records them, and a
// failing stage commits nothing.
#include "pipeline/pipeline.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/output.hpp"

namespace fs = std::filesystem;
using namespace fos;
using namespace fos::pipeline;

namespace {

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = fs::temp_directory_path() / ("fos-pipeline-test-" + std::to_string(::getpid()));
    fs::remove_all(out_);
    options_.out = out_;
    options_.job.generate.reference_date = Date::from_civil(2024, 1, 1);
  }
  void TearDown() override { fs::remove_all(out_); }

  static Stage writer(const std::string& name, const std::string& file, std::vector<int>& order,
                      int tag) {
    Stage s;
    s.name = name;
    s.outputs = {file};
    s.run = [file, &order, tag](StageContext& context) {
      order.push_back(tag);
      write_file_atomic(context.staging / file, "from " + std::to_string(tag));
      StageReport report;
      report.counts["files"] = 1;
      return report;
    };
    return s;
  }

  fs::path out_;
  PipelineOptions options_;
};

}  // namespace

TEST_F(PipelineTest, RunsStagesInOrderAndWritesTheManifest) {
  std::vector<int> order;
  std::vector<Stage> stages = {writer("first", "a.txt", order, 1),
                               writer("second", "b.txt", order, 2)};
  Diagnostics diagnostics;
  std::vector<std::string> started;
  const RunManifest manifest = run_pipeline(
      options_, stages, diagnostics, [&](size_t, const Stage& s) { started.push_back(s.name); });
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(started, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(read_file(out_ / "a.txt"), "from 1");
  EXPECT_EQ(read_file(out_ / "b.txt"), "from 2");

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(read_file(out_ / "run.json")).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(std::string(doc["run_id"].get_string().value()), manifest.run_id.str());
  EXPECT_EQ(std::string(doc["fos_version"].get_string().value()), std::string(fos_version()));
  EXPECT_EQ(std::string(doc["options"]["seed"].get_string().value()), "1");
  EXPECT_EQ(std::string(doc["options"]["reference_date"].get_string().value()), "2024-01-01");
  auto stages_json = doc["stages"].get_array().value();
  ASSERT_EQ(stages_json.size(), 2U);
  EXPECT_EQ(std::string(stages_json.at(1)["name"].get_string().value()), "second");
  EXPECT_EQ(stages_json.at(0)["counts"]["files"].get_uint64().value(), 1U);
  EXPECT_EQ(std::string(stages_json.at(0)["outputs"].at(0).get_string().value()), "a.txt");
}

TEST_F(PipelineTest, AFailingStageCommitsNothing) {
  std::vector<int> order;
  Stage broken;
  broken.name = "broken";
  broken.run = [](StageContext&) -> StageReport { fail(ErrorKind::kInvalidInput, "stage broke"); };
  std::vector<Stage> stages = {writer("first", "a.txt", order, 1), broken};
  Diagnostics diagnostics;
  EXPECT_THROW(run_pipeline(options_, stages, diagnostics), Error);
  EXPECT_EQ(order, (std::vector<int>{1}));
  ASSERT_TRUE(fs::exists(out_));
  EXPECT_TRUE(fs::is_empty(out_)) << "a failed run must leave nothing behind";
}

TEST_F(PipelineTest, DefaultStagesStartWithGenerate) {
  const auto stages = default_stages(options_);
  ASSERT_FALSE(stages.empty());
  EXPECT_EQ(stages.front().name, "generate");
  EXPECT_EQ(stages.front().outputs.front(), "fhir/");
}

TEST_F(PipelineTest, FlattenFollowsGenerateWhenFhirIsWritten) {
  options_.job.fhir = fhir::FhirLayout::kNdjson;
  auto stages = default_stages(options_);
  ASSERT_GE(stages.size(), 2u);
  EXPECT_EQ(stages[1].name, "flatten");
  EXPECT_EQ(stages[1].outputs, (std::vector<std::string>{"flat/*.csv"}));
  options_.job.fhir.reset();
  stages = default_stages(options_);
  for (const auto& stage : stages) EXPECT_NE(stage.name, "flatten");
}

TEST_F(PipelineTest, InvalidOptionsAreRejectedBeforeAnythingRuns) {
  options_.job.generate.shard_index = 3;
  options_.job.generate.shard_count = 3;
  std::vector<int> order;
  std::vector<Stage> stages = {writer("first", "a.txt", order, 1)};
  Diagnostics diagnostics;
  EXPECT_THROW(run_pipeline(options_, stages, diagnostics), Error);
  EXPECT_TRUE(order.empty());
  EXPECT_FALSE(fs::exists(out_ / "a.txt"));
}
