// libFuzzer target for the FHIRPath parser and evaluator. fos has no FHIRPath printer, so
// the property is determinism: parsing the same text twice gives the same outcome (both
// succeed, or both fail with the same message), and evaluating a parsed expression twice
// on a fixed resource gives the same values or the same error. Any other exception type,
// a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "fhir/read/json.hpp"
#include "fhirpath/fhirpath.hpp"
#include "fhirpath/value.hpp"

namespace {

const fos::fhir::Json& fixture() {
  static const fos::fhir::JsonDocument json = fos::fhir::parse_json(
      R"j({"resourceType": "Patient", "id": "p1", "active": true, "birthDate": "1970-01-02",
          "name": [{"family": "Doe", "given": ["Jo", "Ann"]}, {"given": ["X"]}],
          "extension": [{"url": "u", "valueDecimal": 1.50}, {"url": "v", "valueInteger": 3}],
          "managingOrganization": {"reference": "Organization/o1"},
          "deceasedDateTime": "2020-05-06T07:08:09Z"})j",
      "fixture");
  return json.root();
}

// "ok:<values>" or "error:<message>" for one parse (+ evaluation) of `text`.
std::string outcome(std::string_view text) {
  try {
    const fos::fhirpath::Expression expression = fos::fhirpath::Expression::parse(text);
    std::string out = "ok:";
    try {
      for (const auto& value : expression.evaluate(fixture())) {
        fos::fhirpath::write_value_json(value, out);
        out += ';';
      }
    } catch (const fos::Error& error) {
      out += std::string("eval error:") + error.what();
    }
    return out;
  } catch (const fos::Error& error) {
    return std::string("error:") + error.what();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // long inputs only slow the search down
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (outcome(text) != outcome(text)) std::abort();
  return 0;
}
