// Tests of GMF module loading: the Synthea library, every field form, and exact errors.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "synth/module/module.hpp"

namespace fos::synth {
namespace {

const std::filesystem::path kSynthea =
    std::filesystem::path(FOS_SHARED_DIR) / "oracles/synthea/modules";

TEST(ModuleLibrary, LoadsEverySyntheaModule) {
  LoadOptions options;
  options.dirs = {kSynthea};
  const auto lib = ModuleLibrary::load(options);
  EXPECT_EQ(lib->modules().size(), 85u);
  EXPECT_EQ(lib->submodules().size(), 157u);
  size_t states = 0;
  for (const auto& m : lib->modules()) states += m->states.size();
  for (const auto& m : lib->submodules()) states += m->states.size();
  EXPECT_EQ(states, 6970u);
}

}  // namespace
}  // namespace fos::synth
