// DiagnosticReport: status final, category LAB, LOINC code, effective, results (Observations).
#include <string>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {

void render_diagnostic_report(const detail::PatientContext& ctx, size_t i,
                              const detail::ResourceRef& self, JsonWriter& w) {
  const record::DiagnosticReport& report = ctx.record().reports[i];
  static const std::string kMeta = detail::meta_profiles(
      "http://hl7.org/fhir/us/core/StructureDefinition/us-core-diagnosticreport-lab");
  static const std::string kCategory = detail::json_text([](JsonWriter& x) {
    x.begin_array();
    detail::write_concept(x, "http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "Laboratory");
    x.end_array();
  });
  w.begin_object();
  w.field("resourceType", JsonPlain{"DiagnosticReport"});
  w.field("id", JsonPlain{self.id()});
  w.key("meta");
  w.raw(kMeta);
  w.field("status", JsonPlain{"final"});
  w.key("category");
  w.raw(kCategory);
  detail::write_concept_member(w, "code", report.code, ctx.concepts());
  detail::write_reference(w, "subject", ctx.patient());
  detail::write_reference(w, "encounter", ctx.encounter(report.encounter, "report", i));
  const detail::IsoText effective(report.effective);
  w.field("effectiveDateTime", JsonPlain{effective.view()});
  w.field("issued", JsonPlain{effective.view()});
  if (!report.results.empty()) {
    w.key("result");
    w.begin_array();
    for (uint32_t result : report.results) {
      w.raw(ctx.result(result, "report", i).json());
    }
    w.end_array();
  }
  w.end_object();
}

}  // namespace fos::fhir
