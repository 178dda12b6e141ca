// The patient-owned resource types the sinks write, and helpers shared by their renderers.
#include <array>
#include <string>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {
namespace {

using detail::ResourceType;
using record::PatientRecord;

void encounter_entry(const detail::PatientContext& ctx, size_t i, const detail::ResourceRef&,
                     JsonWriter& w) {
  render_encounter(ctx, i, w);
}

}  // namespace

const std::array<EntryKind, detail::kPatientTypeCount - 1>& entry_kinds() {
  static const std::array<EntryKind, detail::kPatientTypeCount - 1> kKinds = {{
      {ResourceType::kEncounter, [](const PatientRecord& r) { return r.encounters.size(); },
       encounter_entry, 1400},
      {ResourceType::kObservation, [](const PatientRecord& r) { return r.observations.size(); },
       render_observation, 1000},
      {ResourceType::kImmunization, [](const PatientRecord& r) { return r.immunizations.size(); },
       render_immunization, 700},
      {ResourceType::kCondition, [](const PatientRecord& r) { return r.conditions.size(); },
       render_condition, 1000},
      {ResourceType::kMedicationRequest,
       [](const PatientRecord& r) { return r.medications.size(); }, render_medication_request,
       1000},
      {ResourceType::kProcedure, [](const PatientRecord& r) { return r.procedures.size(); },
       render_procedure, 800},
      {ResourceType::kAllergyIntolerance, [](const PatientRecord& r) { return r.allergies.size(); },
       render_allergy_intolerance, 1100},
      {ResourceType::kCarePlan, [](const PatientRecord& r) { return r.care_plans.size(); },
       render_care_plan, 1200},
      {ResourceType::kDevice, [](const PatientRecord& r) { return r.devices.size(); },
       render_device, 600},
      {ResourceType::kDiagnosticReport, [](const PatientRecord& r) { return r.reports.size(); },
       render_diagnostic_report, 900},
      {ResourceType::kImagingStudy, [](const PatientRecord& r) { return r.imaging_studies.size(); },
       render_imaging_study, 1400},
      {ResourceType::kSupplyDelivery, [](const PatientRecord& r) { return r.supplies.size(); },
       render_supply_delivery, 500},
  }};
  return kKinds;
}

void write_reason(const detail::PatientContext& ctx, JsonWriter& w,
                  const std::optional<record::Code>& reason, Instant at,
                  std::string_view reference_key, std::string_view code_key) {
  if (!reason) return;
  if (const auto condition = ctx.condition_for(*reason, at)) {
    w.key(reference_key);
    w.begin_array();
    w.begin_object();
    w.field("reference", ctx.entry(ResourceType::kCondition, *condition).reference());
    w.end_object();
    w.end_array();
    return;
  }
  if (!code_key.empty()) detail::write_concept_list(w, code_key, *reason);
}

std::string uuid_oid(const Uuid& id) {
  // The 128-bit number in decimal, by repeated division of the big-endian bytes by 10.
  std::array<uint8_t, 16> n = id.bytes();
  std::string digits;
  bool zero = false;
  while (!zero) {
    unsigned remainder = 0;
    zero = true;
    for (uint8_t& byte : n) {
      const unsigned value = remainder * 256 + byte;
      byte = static_cast<uint8_t>(value / 10);
      remainder = value % 10;
      if (byte != 0) zero = false;
    }
    digits.push_back(static_cast<char>('0' + remainder));
  }
  return "2.25." + std::string(digits.rbegin(), digits.rend());
}

}  // namespace fos::fhir
