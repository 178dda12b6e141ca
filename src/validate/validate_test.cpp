// Tests of check_constraints: the exact listing on a hand-written violating fixture, bad input.
#include "validate/validate.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "core/error.hpp"
#include "core/output.hpp"

namespace fos::validate {
namespace {

namespace fs = std::filesystem;
const fs::path kData = fs::path(FOS_SOURCE_DIR) / "tests/data/constraints";

std::string listing(const ConstraintReport& report) {
  std::string text;
  for (const auto& v : report.violations) text += to_string(v) + "\n";
  return text;
}

TEST(ValidateConstraints, ListsEveryViolationOfTheFixture) {
  const ConstraintReport report =
      check_constraints(kData / "violating", synth::Constraints::builtin());
  EXPECT_EQ(listing(report), read_file(kData / "violating.expected"));
  EXPECT_EQ(report.files.size(), 7U);
  EXPECT_EQ(report.rows, 20U);
}

// A scratch folder with one file, removed afterwards.
class Scratch {
 public:
  Scratch()
      : dir_(fs::temp_directory_path() / ("fos_validate_test_" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "omop");
    fs::create_directories(dir_ / "fhir");
  }
  ~Scratch() { fs::remove_all(dir_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

std::string error_of(const fs::path& dir) {
  try {
    (void)check_constraints(dir, synth::Constraints::builtin());
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(ValidateConstraints, BadInputNamesFileLineAndField) {
  EXPECT_NE(error_of(kData / "missing").find("not a folder"), std::string::npos);
  const Scratch empty;
  EXPECT_NE(error_of(empty.dir()).find("no fos output to check"), std::string::npos);
  {
    const Scratch s;
    s.write("fhir/Condition.ndjson", "{\"resourceType\":\"Condition\"}\n{oops\n");
    EXPECT_NE(error_of(s.dir()).find("fhir/Condition.ndjson: line 2: invalid JSON"),
              std::string::npos);
  }
  {
    const Scratch s;
    s.write("omop/measurement.csv", "measurement_id,value_as_number\n1,2\n");
    EXPECT_NE(error_of(s.dir()).find("omop/measurement.csv: line 1: missing column "
                                     "'measurement_source_value'"),
              std::string::npos);
  }
  {
    const Scratch s;
    s.write("omop/measurement.csv",
            "measurement_source_value,value_as_number,unit_source_value\n2093-3,abc,mg/dL\n");
    EXPECT_NE(error_of(s.dir()).find("omop/measurement.csv: line 2: value_as_number: not a number"),
              std::string::npos);
  }
  {
    const Scratch s;
    s.write("omop/person.csv", "person_id,gender_concept_id,year_of_birth\n1,8507\n");
    EXPECT_NE(error_of(s.dir()).find("omop/person.csv: line 2: 2 fields, the header has 3"),
              std::string::npos);
  }
}

TEST(ValidateConstraints, CleanRowsGiveNoViolations) {
  const Scratch s;
  s.write("omop/person.csv", "person_id,gender_concept_id,year_of_birth\n1,8532,1980\n");
  s.write("omop/condition_occurrence.csv",
          "person_id,condition_concept_id,condition_start_date,condition_source_value\n"
          "1,4217975,2010-05-01,72892002\n");
  const auto report = check_constraints(s.dir(), synth::Constraints::builtin());
  EXPECT_TRUE(report.violations.empty()) << listing(report);
  EXPECT_EQ(report.rows, 2U);
}

}  // namespace
}  // namespace fos::validate
