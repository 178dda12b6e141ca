// FHIRPath tests: the data-driven cases in tests/fhirpath/cases.json (expression, input,
// expected output or error), plus a few API checks.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/output.hpp"
#include "fhirpath/fhirpath.hpp"

namespace fos::fhirpath {
namespace {

std::string values_json(const Collection& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ",";
    write_value_json(values[i], out);
  }
  return out + "]";
}

TEST(FhirpathCases, DataFile) {
  const std::string path = std::string(FOS_SOURCE_DIR) + "/tests/fhirpath/cases.json";
  const fhir::JsonDocument file = fhir::parse_json(read_file(path), path);
  const Json* resources = file.find("resources");
  const Json* cases = file.find("cases");
  ASSERT_NE(resources, nullptr);
  ASSERT_NE(cases, nullptr);
  EXPECT_GE(cases->items().size(), 70U);
  for (const Json& c : cases->items()) {
    const std::string expression(c.find_string("expression").value_or(""));
    SCOPED_TRACE(expression);
    const Json* input = resources->find(c.find_string("input").value_or(""));
    ASSERT_NE(input, nullptr);
    if (const auto error = c.find_string("error")) {
      try {
        const Collection result = Expression::parse(expression).evaluate(*input);
        ADD_FAILURE() << "expected error '" << *error << "', got " << values_json(result);
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kFhirpath);
        EXPECT_NE(std::string(e.what()).find(*error), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("fhirpath '" + expression + "'"), std::string::npos)
            << e.what();
      }
      continue;
    }
    const Json* expected = c.find("expected");
    ASSERT_NE(expected, nullptr);
    try {
      EXPECT_EQ(values_json(Expression::parse(expression).evaluate(*input)),
                fhir::to_json(*expected));
    } catch (const Error& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST(Fhirpath, VariablesAndConstants) {
  const fhir::JsonDocument patient =
      fhir::parse_json(R"({"resourceType":"Patient","id":"a"})", "t");
  Variables variables{{"x", {Value::of_integer(41)}}};
  EXPECT_EQ(values_json(Expression::parse("%x + 1").evaluate(patient, &variables)), "[42]");
  EXPECT_EQ(values_json(Expression::parse("%resource.id").evaluate(patient)), "[\"a\"]");
  const auto expression = Expression::parse("name.where(use = %u).family | %rowIndex");
  EXPECT_EQ(expression.variables(), (std::vector<std::string>{"u", "rowIndex"}));
  EXPECT_TRUE(Expression::parse("%rowIndex").is_variable("rowIndex"));
}

TEST(Fhirpath, RegistryListsFunctionsOnce) {
  const auto names = function_names();
  EXPECT_TRUE(std::adjacent_find(names.begin(), names.end()) == names.end());
  EXPECT_TRUE(std::binary_search(names.begin(), names.end(), "getReferenceKey"));
  EXPECT_TRUE(std::binary_search(names.begin(), names.end(), "lowBoundary"));
}

}  // namespace
}  // namespace fos::fhirpath
