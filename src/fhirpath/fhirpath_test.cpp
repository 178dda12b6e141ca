// FHIRPath tests: the data-driven cases in tests/fhirpath/cases.json (expression, input,
// expected output or error), plus a few API checks.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/output.hpp"
#include "fhirpath/evaluator.hpp"
#include "fhirpath/fhirpath.hpp"
#include "fhirpath/plan.hpp"

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

// Items with their types: what a plan must reproduce exactly.
std::string typed_json(const Collection& values) {
  std::string out = values_json(values) + " types:";
  for (const Value& value : values) out += " " + value.type_name();
  return out;
}

// A path plan gives the evaluator's items (values and types) for every shape it
// compiles, and declines the shapes and inputs it does not cover.
TEST(FhirpathPlan, MatchesEvaluator) {
  const fhir::JsonDocument resource = fhir::parse_json(R"({
    "resourceType": "Observation", "id": "o1", "status": "final",
    "subject": {"reference": "Patient/p1"}, "encounter": {"reference": "urn:uuid:e1"},
    "code": {"coding": [{"system": "http://loinc.org", "code": "1-1"}, {"code": "2"}]},
    "valueQuantity": {"value": 1.50, "code": "mg"}, "effectiveDateTime": "2020-01-02",
    "component": [{"valueString": "a"}, {"valueInteger": 3}, {"valueBoolean": true}],
    "name": [{"use": "official", "given": ["A", "B"]}, {"use": 7}, {"use": ["official"]},
             {"use": "usual", "given": ["C"]}, {"use": "official", "given": ["D"]}],
    "extension": [{"url": "u1", "valueCoding": {"code": "c1"}},
                  {"url": "u1", "extension": [{"url": "text", "valueString": "t"}]},
                  {"url": "u2", "valueDecimal": 2.0}],
    "period": {"start": "2020-01-01"}
  })",
                                                       "t");
  const Collection focus{Value::of_node(resource.root())};
  const std::vector<std::string> planned = {"getResourceKey()",
                                            "subject.getReferenceKey(Patient)",
                                            "subject.getReferenceKey()",
                                            "subject.getReferenceKey(Encounter)",
                                            "encounter.getReferenceKey()",
                                            "status",
                                            "code.coding.code.first()",
                                            "code.coding.system",
                                            "value.ofType(Quantity).value",
                                            "value.ofType(Quantity).code",
                                            "value.ofType(string)",
                                            "effective.ofType(dateTime)",
                                            "effective.ofType(date)",
                                            "component.value",
                                            "component.value.ofType(integer)",
                                            "component.value.ofType(boolean)",
                                            "component.count()",
                                            "missing.count()",
                                            "name.where(use = 'official').given",
                                            "name.where(use = 'official').given.first()",
                                            "extension('u1').value.ofType(Coding).code",
                                            "extension('u1').extension('text').value",
                                            "extension('u2').value.ofType(decimal).first()",
                                            "extension('u3')",
                                            "name.given",
                                            "code.coding.where(system = 'http://loinc.org').code",
                                            "value",
                                            "first()"};
  for (const std::string& text : planned) {
    SCOPED_TRACE(text);
    const auto node = parse_expression(text);
    const auto plan = Plan::compile(*node);
    ASSERT_NE(plan, nullptr);
    Collection planned_items;
    ASSERT_TRUE(plan->run(focus, planned_items));
    const Environment environment{&resource.root(), nullptr};
    EXPECT_EQ(typed_json(planned_items),
              typed_json(Evaluator(text, environment).eval(*node, focus)));
  }
  for (const std::string text :
       {"Observation.status", "name[0]", "name.where(use != 'x')", "%x.a", "code.text + 'a'",
        "count().first()", "getResourceKey().first()", "ofType(FHIR.Quantity)"}) {
    EXPECT_EQ(Plan::compile(*parse_expression(text)), nullptr) << text;
  }
  // A dateTime (a choice element's type) compared with text is a temporal comparison:
  // left to the evaluator. An untyped string is compared as text.
  Collection out;
  EXPECT_FALSE(
      Plan::compile(*parse_expression("where(effective = '2020-01-02')"))->run(focus, out));
  EXPECT_TRUE(
      Plan::compile(*parse_expression("period.where(start = '2020-01-01')"))->run(focus, out));
  EXPECT_EQ(out.size(), 1U);
  const Collection strings{Value::of_string("x")};
  EXPECT_FALSE(Plan::compile(*parse_expression("a"))->run(strings, out));
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
