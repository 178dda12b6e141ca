// Encounter: class, type, subject, participant, period, reason, location, service provider.
#include <string>
#include <string_view>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {
namespace {

using record::EncounterClass;

constexpr std::string_view kActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
constexpr std::string_view kParticipationType =
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

struct ActCode {
  std::string_view code;
  std::string_view display;
};

// Urgent care has no code of its own in v3-ActCode; it is walk-in ambulatory
// care outside an emergency department, so it maps to AMB (as Synthea does).
ActCode class_code(EncounterClass c) {
  switch (c) {
    case EncounterClass::kWellness:
    case EncounterClass::kAmbulatory:
    case EncounterClass::kOutpatient:
    case EncounterClass::kUrgentCare:
      return {"AMB", "ambulatory"};
    case EncounterClass::kEmergency:
      return {"EMER", "emergency"};
    case EncounterClass::kInpatient:
      return {"IMP", "inpatient encounter"};
  }
  return {"AMB", "ambulatory"};
}

void write_participant(JsonWriter& w, const detail::IsoText& start, const detail::IsoText& end,
                       const detail::ProviderEntry& provider) {
  w.key("participant");
  w.begin_array();
  w.begin_object();
  static const std::string kType = detail::json_text([](JsonWriter& t) {
    t.begin_array();
    detail::write_concept(t, kParticipationType, "PPRF", "primary performer");
    t.end_array();
  });
  w.key("type");
  w.raw(kType);
  detail::write_period(w, start, end);
  w.raw_member("individual", provider.ref_json);
  w.end_object();
  w.end_array();
}

}  // namespace

void render_encounter(const detail::PatientContext& ctx, size_t i, JsonWriter& w) {
  const record::Encounter& enc = ctx.record().encounters[i];
  const detail::EncounterParties& parties = ctx.parties(i);
  w.begin_object();
  w.field("resourceType", JsonPlain{"Encounter"});
  w.field("id", JsonPlain{ctx.encounter(static_cast<uint32_t>(i), "encounter", i).id()});
  static const std::string kMeta =
      detail::meta_profiles("http://hl7.org/fhir/us/core/StructureDefinition/us-core-encounter");
  w.key("meta");
  w.raw(kMeta);
  w.field("status", JsonPlain{"finished"});
  w.key("class");
  w.raw(detail::per_value_json<6>(static_cast<size_t>(enc.encounter_class),
                                  [](JsonWriter& x, size_t v) {
                                    const ActCode cls = class_code(static_cast<EncounterClass>(v));
                                    detail::write_coding(x, kActCode, cls.code, cls.display);
                                  }));
  detail::write_concept_list(w, "type", enc.type, ctx.concepts());
  detail::write_reference(w, "subject", ctx.patient());
  const detail::IsoText start(enc.start);
  const detail::IsoText end(enc.end);
  if (parties.provider != nullptr) write_participant(w, start, end, *parties.provider);
  detail::write_period(w, start, end);
  if (enc.reason) detail::write_concept_list(w, "reasonCode", *enc.reason, ctx.concepts());
  if (parties.organization != nullptr) {
    w.key("location");
    w.begin_array();
    w.begin_object();
    w.raw_member("location", parties.organization->location_json);
    w.end_object();
    w.end_array();
    w.raw_member("serviceProvider", parties.organization->ref_json);
  }
  w.end_object();
}

}  // namespace fos::fhir
