// Tests of the module engine: GMF semantics on small modules, and the Synthea library.
#include <gtest/gtest.h>

#include "synth/engine/engine.hpp"

namespace fos::synth {
namespace {

TEST(Engine, Placeholder) {
  EXPECT_TRUE(true);
}

}  // namespace
}  // namespace fos::synth
