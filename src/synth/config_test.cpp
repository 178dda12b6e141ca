// Tests of SynthConfig: the built-in files, fallback per file, and every error message format.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "core/error.hpp"
#include "synth/config.hpp"

namespace fos::synth {
namespace {

namespace fs = std::filesystem;

// A fresh temporary folder, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("fos_synth_config_test_" + std::to_string(::getpid()) +
                                         "_" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

// The message of the Error that loading `dir` throws, checking its kind.
std::string load_error(const fs::path& dir, ErrorKind expected = ErrorKind::kConfig) {
  try {
    SynthConfig::load(dir);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), expected) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error loading " << dir;
  return "";
}

// 1-based line of the first line of `text` that contains `needle`.
int line_of(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

std::string builtin(std::string_view name) {
  return std::string(SynthConfig::builtin_text(name));
}

TEST(SynthConfig, BuiltInConfigurationIsComplete) {
  const SynthConfig c = SynthConfig::load({});
  const Demographics& d = c.demographics();
  EXPECT_EQ(d.states.size(), 51u);
  EXPECT_GE(d.cities.size(), 150u);
  std::set<std::string> states_with_city;
  for (const City& city : d.cities) {
    states_with_city.insert(city.state);
    EXPECT_FALSE(city.zips.empty());
    EXPECT_EQ(city.zips.front().size(), 5u) << city.name;
  }
  EXPECT_EQ(states_with_city.size(), 51u);
  EXPECT_EQ(d.age_bands.front().min_age, 0);
  EXPECT_NEAR(d.male_share, 0.495, 1e-9);
  EXPECT_EQ(c.mortality().male_qx.size(), static_cast<size_t>(c.mortality().max_age));
  EXPECT_NEAR(c.mortality().male_qx[0], 0.00614, 1e-9);
  EXPECT_NEAR(c.mortality().female_qx[87], 0.08596, 1e-9);
  EXPECT_EQ(c.vaccines().size(), 16u);
  EXPECT_EQ(c.vaccines().front().cvx, "08");
  EXPECT_EQ(c.vaccines().front().due_months, (std::vector<int>{0, 1, 6}));
  EXPECT_EQ(c.wellness().child_visit_months.size(), 11u);
  EXPECT_GE(c.names().family.size(), 100u);
}

TEST(SynthConfig, AgeCurveInterpolatesAndClamps) {
  const SynthConfig c = SynthConfig::load({});
  const AgeCurve& height = c.vitals().height_cm;
  EXPECT_NEAR(height.at(0, record::Sex::kMale).median, 49.9, 1e-9);
  EXPECT_NEAR(height.at(0.125, record::Sex::kMale).median, (49.9 + 61.4) / 2, 1e-9);
  EXPECT_NEAR(height.at(0, record::Sex::kFemale).median, 49.1, 1e-9);
  EXPECT_NEAR(height.at(-1, record::Sex::kFemale).median, 49.1, 1e-9);
  EXPECT_NEAR(height.at(200, record::Sex::kMale).median, 168.5, 1e-9);
}

TEST(SynthConfig, FolderOverridesFileByFileAndFallsBack) {
  TempDir dir;
  std::string text = builtin("demographics.yaml");
  text.replace(text.find("male_share: 0.495"), 17, "male_share: 0.6");
  dir.write("demographics.yaml", text);
  const SynthConfig c = SynthConfig::load(dir.path());
  EXPECT_NEAR(c.demographics().male_share, 0.6, 1e-12);
  EXPECT_EQ(c.vaccines().size(), 16u);  // immunizations.yaml from the built-in copy
}

TEST(SynthConfig, MissingFolderNamesThePath) {
  const std::string message = load_error("/nonexistent/fos-config");
  EXPECT_EQ(message, "/nonexistent/fos-config: not a readable configuration folder");
}

TEST(SynthConfig, MalformedYamlNamesFileAndLine) {
  TempDir dir;
  dir.write("wellness.yaml", "child_visits_months: [0, 1\nperiods: x\n");
  const std::string message = load_error(dir.path());
  const std::string prefix = (dir.path() / "wellness.yaml").string() + ": line ";
  EXPECT_EQ(message.rfind(prefix, 0), 0u) << message;
  EXPECT_NE(message.find("malformed YAML"), std::string::npos) << message;
}

TEST(SynthConfig, UnknownKeyNamesFileLineAndKey) {
  TempDir dir;
  std::string text = builtin("demographics.yaml");
  text.replace(text.find("male_share: 0.495"), 17, "sexx: 0.495");
  dir.write("demographics.yaml", text);
  const int line = line_of(text, "sexx:");
  EXPECT_EQ(load_error(dir.path()), (dir.path() / "demographics.yaml").string() + ": line " +
                                        std::to_string(line) + ": unknown key 'sexx'");
}

TEST(SynthConfig, UnknownNestedKeyIsReportedAtItsLine) {
  TempDir dir;
  std::string text = builtin("immunizations.yaml");
  const std::string needle = "display: \"MMR\"";
  text.replace(text.find(needle), needle.size(), "displai: \"MMR\"");
  dir.write("immunizations.yaml", text);
  const int line = line_of(text, "displai");
  EXPECT_EQ(load_error(dir.path()), (dir.path() / "immunizations.yaml").string() + ": line " +
                                        std::to_string(line) + ": unknown key 'displai'");
}

TEST(SynthConfig, WrongTypeNamesTheKey) {
  TempDir dir;
  std::string text = builtin("demographics.yaml");
  text.replace(text.find("male_share: 0.495"), 17, "male_share: half");
  dir.write("demographics.yaml", text);
  const int line = line_of(text, "male_share: half");
  EXPECT_EQ(load_error(dir.path()), (dir.path() / "demographics.yaml").string() + ": line " +
                                        std::to_string(line) + ": 'male_share' must be a number");
}

TEST(SynthConfig, OutOfRangeValuesAreRejected) {
  TempDir dir;
  std::string text = builtin("demographics.yaml");
  text.replace(text.find("passport_share: 0.48"), 20, "passport_share: 1.48");
  dir.write("demographics.yaml", text);
  const int line = line_of(text, "passport_share: 1.48");
  EXPECT_EQ(load_error(dir.path()), (dir.path() / "demographics.yaml").string() + ": line " +
                                        std::to_string(line) +
                                        ": 'passport_share' must be between 0 and 1");
}

TEST(SynthConfig, MissingKeyIsReportedAtTheMapping) {
  TempDir dir;
  dir.write("wellness.yaml",
            "child_visits_months: [0, 1, 2]\n"
            "newborn_visit_days: [3, 5]\n"
            "visit_minutes: [15, 30]\n"
            "opening_hours: [8, 17]\n");
  EXPECT_EQ(load_error(dir.path()),
            (dir.path() / "wellness.yaml").string() + ": line 1: missing key 'periods'");
}

TEST(SynthConfig, BadRowShapeAndOrderAreRejected) {
  TempDir dir;
  dir.write("mortality.yaml", "max_age: 110\nqx:\n  - [0, 0.006, 0.005]\n  - [1, 0.0003]\n");
  EXPECT_EQ(load_error(dir.path()), (dir.path() / "mortality.yaml").string() +
                                        ": line 4: each row of 'qx' must hold 3 numbers");
  dir.write("mortality.yaml", "max_age: 110\nqx:\n  - [0, 0.006, 0.005]\n  - [0, 0.1, 1.5]\n");
  EXPECT_EQ(load_error(dir.path()),
            (dir.path() / "mortality.yaml").string() +
                ": line 4: ages in 'qx' must be whole and increasing, below 'max_age'");
  dir.write("mortality.yaml", "max_age: 110\nqx:\n  - [0, 0.006, 1.005]\n");
  EXPECT_EQ(load_error(dir.path()), (dir.path() / "mortality.yaml").string() +
                                        ": line 3: probabilities in 'qx' must be between 0 and 1");
}

TEST(SynthConfig, DuplicateKeyAndEmptyFileAreRejected) {
  TempDir dir;
  dir.write("mortality.yaml", "max_age: 110\nmax_age: 100\nqx: [[0, 0.1, 0.1]]\n");
  EXPECT_EQ(load_error(dir.path()),
            (dir.path() / "mortality.yaml").string() + ": line 2: duplicate key 'max_age'");
  dir.write("mortality.yaml", "");
  EXPECT_EQ(load_error(dir.path()), (dir.path() / "mortality.yaml").string() +
                                        ": line 1: expected a mapping of keys at the top level");
}

TEST(SynthConfig, CityWithUnknownStateIsRejected) {
  TempDir dir;
  std::string text = builtin("demographics.yaml");
  const std::string needle = "{name: Tuscaloosa, state: AL";
  text.replace(text.find(needle), needle.size(), "{name: Tuscaloosa, state: ZZ");
  dir.write("demographics.yaml", text);
  const int line = line_of(text, "Tuscaloosa");
  EXPECT_EQ(load_error(dir.path()), (dir.path() / "demographics.yaml").string() + ": line " +
                                        std::to_string(line) +
                                        ": city 'Tuscaloosa' names unknown state 'ZZ'");
}

TEST(SynthConfig, DuplicateCityIsRejected) {
  TempDir dir;
  std::string text = builtin("demographics.yaml");
  const std::string needle = "{name: Tuscaloosa, state: AL";
  text.replace(text.find(needle), needle.size(), "{name: Mobile, state: AL");
  dir.write("demographics.yaml", text);
  const int line = line_of(text, "{name: Mobile, state: AL, county: Tuscaloosa");
  EXPECT_EQ(load_error(dir.path()), (dir.path() / "demographics.yaml").string() + ": line " +
                                        std::to_string(line) +
                                        ": duplicate city 'Mobile' in state 'AL'");
}

TEST(SynthConfig, UnreadableFileNamesThePath) {
  TempDir dir;
  fs::create_directories(dir.path() / "names.yaml");  // a folder where a file should be
  try {
    SynthConfig::load(dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(e.kind() == ErrorKind::kIo || e.kind() == ErrorKind::kConfig) << e.what();
    EXPECT_NE(std::string(e.what()).find((dir.path() / "names.yaml").string()), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace fos::synth
