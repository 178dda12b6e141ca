// Tests of GMF module loading: the Synthea library, every field form, and exact errors.
#include <gtest/gtest.h>

#include <map>

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

namespace fos::synth {
namespace {

const std::filesystem::path kData = std::filesystem::path(FOS_SOURCE_DIR) / "tests/data/modules";

std::string load_error(const std::string& folder) {
  LoadOptions options;
  options.dirs = {kData / "bad" / folder};
  try {
    ModuleLibrary::load(options);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kModule);
    const std::string prefix = (kData / "bad" / folder).string() + "/";
    std::string msg = e.what();
    if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
    return msg;
  }
  return "no error";
}

TEST(ModuleErrors, NameFileStateAndField) {
  EXPECT_EQ(load_error("invalid_json"),
            "broken.json: invalid JSON: The JSON document has an improper structure: missing or "
            "superfluous commas, braces, missing keys, etc.");
  EXPECT_EQ(load_error("unknown_type"),
            "asthma.json: state 'Onset': field 'type': unknown state type 'ConditionStart'");
  EXPECT_EQ(load_error("no_transition"), "asthma.json: state 'Onset': no transition");
  EXPECT_EQ(load_error("missing_state"),
            "asthma.json: state 'Onset': unknown transition target 'Foo'");
  EXPECT_EQ(load_error("missing_table"),
            "asthma.json: state 'Onset': field 'lookup_table_transition': lookup table "
            "'nowhere.csv' not found");
  EXPECT_EQ(load_error("cycle"),
            "asthma.json: state 'Ping': can never reach a Terminal or a waiting state (cycle "
            "without delay)");
}

TEST(ModuleLibrary, ParsesEveryTransitionKind) {
  LoadOptions options;
  options.dirs = {kData / "semantics"};
  const auto lib = ModuleLibrary::load(options);
  std::map<std::string, const Module*> by_key;
  for (const auto& m : lib->modules()) by_key[m->key] = m.get();
  ASSERT_EQ(lib->submodules().size(), 1u);
  EXPECT_EQ(lib->submodules()[0]->key, "sub/diagnose");
  const Module& lookup = *by_key.at("lookup");
  const Transition& t = lookup.states[2].transition;
  ASSERT_EQ(t.kind, TransitionKind::kLookupTable);
  ASSERT_NE(t.table, nullptr);
  EXPECT_TRUE(t.table->has_age);
  EXPECT_EQ(t.table->rows.size(), 2u);
  EXPECT_EQ(t.table_columns, (std::vector<int32_t>{1, 0}));  // Low, High in the file: High, Low
  const Module& attr = *by_key.at("attribute_distribution");
  EXPECT_TRUE(attr.states[2].transition.weights[0].attribute.has_value());
  const Module& conditional = *by_key.at("conditional");
  EXPECT_EQ(conditional.states[2].transition.kind, TransitionKind::kConditional);
  for (const auto& st : conditional.states) {
    if (st.name == "Check_Prior") {
      EXPECT_EQ(st.transition.kind, TransitionKind::kComplex);
    }
  }
}

TEST(ModuleLibrary, FilterKeepsNamedModules) {
  LoadOptions options;
  options.dirs = {kData / "semantics"};
  options.filter = {"delays", "Lookup"};
  const auto lib = ModuleLibrary::load(options);
  ASSERT_EQ(lib->modules().size(), 2u);
  options.filter = {"nope"};
  EXPECT_THROW(ModuleLibrary::load(options), Error);
}

}  // namespace
}  // namespace fos::synth
