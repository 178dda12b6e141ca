// MedicationRequest: status by stop, intent order, RxNorm medication, authoredOn, dosage, reason;
// a stopped order's stop is dispenseRequest.validityPeriod.end (fos to-omop reads it back).
#include <array>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {
namespace {

// FHIR's Timing.repeat.periodUnit takes these UCUM time units only.
bool is_period_unit(std::string_view unit) {
  static constexpr std::array<std::string_view, 7> kUnits = {"s", "min", "h", "d", "wk", "mo", "a"};
  for (std::string_view u : kUnits) {
    if (u == unit) return true;
  }
  return false;
}

void write_dosage(const detail::PatientContext& ctx, size_t i, JsonWriter& w) {
  const record::Medication& m = ctx.record().medications[i];
  const bool timed = m.frequency > 0 && m.period > 0;
  if (timed && !is_period_unit(m.period_unit)) {
    fail(ErrorKind::kMapping, "patient " + std::to_string(ctx.record().person.index) +
                                  ", medication " + std::to_string(i) + ": period unit '" +
                                  m.period_unit + "' is not one of s, min, h, d, wk, mo, a");
  }
  if (!timed && m.dose <= 0 && !m.as_needed) return;
  w.key("dosageInstruction");
  w.begin_array();
  w.begin_object();
  w.field("sequence", 1);
  if (timed) {
    w.key("timing");
    w.begin_object();
    w.key("repeat");
    w.begin_object();
    w.field("frequency", m.frequency);
    w.field("period", m.period);
    w.field("periodUnit", m.period_unit);
    w.end_object();
    w.end_object();
  }
  w.field("asNeededBoolean", m.as_needed);
  if (m.dose > 0) {
    w.key("doseAndRate");
    w.begin_array();
    w.begin_object();
    w.key("doseQuantity");
    w.begin_object();
    w.field("value", m.dose);
    w.end_object();
    w.end_object();
    w.end_array();
  }
  w.end_object();
  w.end_array();
}

}  // namespace

void render_medication_request(const detail::PatientContext& ctx, size_t i,
                               const detail::ResourceRef& self, JsonWriter& w) {
  const record::Medication& m = ctx.record().medications[i];
  const detail::ResourceRef& encounter = ctx.encounter(m.encounter, "medication", i);
  w.begin_object();
  w.field("resourceType", JsonPlain{"MedicationRequest"});
  w.field("id", JsonPlain{self.id()});
  w.field("status", m.stop ? "stopped" : "active");
  w.field("intent", JsonPlain{"order"});
  detail::write_concept_member(w, "medicationCodeableConcept", m.code, ctx.concepts());
  detail::write_reference(w, "subject", ctx.patient());
  detail::write_reference(w, "encounter", encounter);
  detail::write_instant(w, "authoredOn", m.start);
  if (const auto* provider = ctx.parties(m.encounter).provider) {
    detail::write_reference(w, "requester", provider->ref);
  }
  write_reason(ctx, w, m.reason, m.start, "reasonReference", "reasonCode");
  write_dosage(ctx, i, w);
  if (m.stop) {
    w.key("dispenseRequest");
    w.begin_object();
    w.key("validityPeriod");
    w.begin_object();
    detail::write_instant(w, "start", m.start);
    detail::write_instant(w, "end", *m.stop);
    w.end_object();
    w.end_object();
  }
  w.end_object();
}

}  // namespace fos::fhir
