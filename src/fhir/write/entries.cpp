// The patient-owned resource types the sinks write, and helpers shared by their renderers.
#include <algorithm>
#include <array>
#include <charconv>
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
       render_condition, 1100},
      {ResourceType::kMedicationRequest,
       [](const PatientRecord& r) { return r.medications.size(); }, render_medication_request,
       1000},
      {ResourceType::kProcedure, [](const PatientRecord& r) { return r.procedures.size(); },
       render_procedure, 800},
      {ResourceType::kAllergyIntolerance, [](const PatientRecord& r) { return r.allergies.size(); },
       render_allergy_intolerance, 1400},
      {ResourceType::kCarePlan, [](const PatientRecord& r) { return r.care_plans.size(); },
       render_care_plan, 1200},
      {ResourceType::kDevice, [](const PatientRecord& r) { return r.devices.size(); },
       render_device, 600},
      {ResourceType::kDiagnosticReport, [](const PatientRecord& r) { return r.reports.size(); },
       render_diagnostic_report, 1100},
      {ResourceType::kImagingStudy, [](const PatientRecord& r) { return r.imaging_studies.size(); },
       render_imaging_study, 1400},
      {ResourceType::kSupplyDelivery, [](const PatientRecord& r) { return r.supplies.size(); },
       render_supply_delivery, 500},
  }};
  return kKinds;
}

void write_reason(const detail::PatientContext& ctx, JsonWriter& w,
                  const std::optional<record::Code>& reason, Instant at, JsonKey reference_key,
                  JsonKey code_key) {
  if (!reason) return;
  if (const auto condition = ctx.condition_for(*reason, at)) {
    w.key(reference_key);
    w.begin_array();
    w.raw(ctx.entry(ResourceType::kCondition, *condition).json());
    w.end_array();
    return;
  }
  if (!code_key.empty()) detail::write_concept_list(w, code_key, *reason, ctx.concepts());
}

size_t put_uuid_oid(const Uuid& id, char* out) {
  // The 128-bit number in decimal: repeated division of four big-endian 32-bit limbs by 10^9
  // gives nine digits per round.
  constexpr uint64_t kBase = 1'000'000'000;
  const auto& bytes = id.bytes();
  std::array<uint32_t, 4> limbs{};
  for (size_t i = 0; i < 16; ++i) limbs[i / 4] = (limbs[i / 4] << 8) | bytes[i];
  std::array<uint32_t, 5> chunks{};  // base-10^9 digits, least significant first
  size_t used = 0;
  bool zero = false;
  while (!zero) {
    uint64_t remainder = 0;
    zero = true;
    for (uint32_t& limb : limbs) {
      const uint64_t value = (remainder << 32) | limb;
      limb = static_cast<uint32_t>(value / kBase);
      remainder = value % kBase;
      if (limb != 0) zero = false;
    }
    chunks[used++] = static_cast<uint32_t>(remainder);
  }
  constexpr std::string_view kPrefix = "2.25.";
  std::copy(kPrefix.begin(), kPrefix.end(), out);
  char* pos = std::to_chars(out + kPrefix.size(), out + kUuidOidMax, chunks[used - 1]).ptr;
  for (size_t i = used - 1; i-- > 0;) {
    uint32_t chunk = chunks[i];
    for (int d = 8; d >= 0; --d) {
      pos[d] = static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
    pos += 9;
  }
  return static_cast<size_t>(pos - out);
}

std::string uuid_oid(const Uuid& id) {
  char buf[kUuidOidMax];
  return {buf, put_uuid_oid(id, buf)};
}

}  // namespace fos::fhir
