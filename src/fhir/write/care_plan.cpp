// CarePlan: status by stop, intent plan, category, period, addresses (the reason's Condition),
// activities as activity.detail with a status.
#include <algorithm>
#include <string>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {

void render_care_plan(const detail::PatientContext& ctx, size_t i, const detail::ResourceRef& self,
                      JsonWriter& w) {
  const record::CarePlan& plan = ctx.record().care_plans[i];
  static const std::string kAssessPlan = detail::json_text([](JsonWriter& x) {
    detail::write_concept(x, "http://hl7.org/fhir/us/core/CodeSystem/careplan-category",
                          "assess-plan", "Assessment and Plan of Treatment");
  });
  w.begin_object();
  w.field("resourceType", JsonPlain{"CarePlan"});
  w.field("id", JsonPlain{self.id()});
  w.field("status", plan.stop ? "completed" : "active");
  w.field("intent", JsonPlain{"plan"});
  w.key("category");
  w.begin_array();
  w.raw(kAssessPlan);
  detail::write_concept(w, plan.code, ctx.concepts());
  w.end_array();
  detail::write_reference(w, "subject", ctx.patient());
  detail::write_reference(w, "encounter", ctx.encounter(plan.encounter, "care plan", i));
  w.key("period");
  w.begin_object();
  detail::write_instant(w, "start", plan.start);
  if (plan.stop) detail::write_instant(w, "end", std::max(plan.start, *plan.stop));
  w.end_object();
  write_reason(ctx, w, plan.reason, plan.start, "addresses", "");
  if (!plan.activities.empty()) {
    w.key("activity");
    w.begin_array();
    for (const record::Code& activity : plan.activities) {
      w.begin_object();
      w.key("detail");
      w.begin_object();
      detail::write_concept_member(w, "code", activity, ctx.concepts());
      w.field("status", plan.stop ? "completed" : "in-progress");
      w.end_object();
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

}  // namespace fos::fhir
