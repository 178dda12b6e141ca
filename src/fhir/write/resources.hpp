// The resource renderers: each writes one FHIR R4 resource as one JSON object
// at the writer's current position (one file per resource type).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/json_writer.hpp"
#include "fhir/write/detail/context.hpp"

namespace fos::fhir {

void render_patient(const detail::PatientContext& ctx, JsonWriter& w);
void render_encounter(const detail::PatientContext& ctx, size_t i, JsonWriter& w);
/// `self` is ctx.observation(i), passed in because Bundle entries need it first.
void render_observation(const detail::PatientContext& ctx, size_t i,
                        const detail::ResourceRef& self, JsonWriter& w);
void render_immunization(const detail::PatientContext& ctx, size_t i,
                         const detail::ResourceRef& self, JsonWriter& w);
void render_condition(const detail::PatientContext& ctx, size_t i, const detail::ResourceRef& self,
                      JsonWriter& w);
void render_medication_request(const detail::PatientContext& ctx, size_t i,
                               const detail::ResourceRef& self, JsonWriter& w);
void render_procedure(const detail::PatientContext& ctx, size_t i, const detail::ResourceRef& self,
                      JsonWriter& w);
void render_allergy_intolerance(const detail::PatientContext& ctx, size_t i,
                                const detail::ResourceRef& self, JsonWriter& w);
void render_care_plan(const detail::PatientContext& ctx, size_t i, const detail::ResourceRef& self,
                      JsonWriter& w);
void render_device(const detail::PatientContext& ctx, size_t i, const detail::ResourceRef& self,
                   JsonWriter& w);
void render_diagnostic_report(const detail::PatientContext& ctx, size_t i,
                              const detail::ResourceRef& self, JsonWriter& w);
void render_imaging_study(const detail::PatientContext& ctx, size_t i,
                          const detail::ResourceRef& self, JsonWriter& w);
void render_supply_delivery(const detail::PatientContext& ctx, size_t i,
                            const detail::ResourceRef& self, JsonWriter& w);
void render_organization(const detail::OrganizationEntry& entry, JsonWriter& w);
/// The organization's one Location, at its address.
void render_location(const detail::OrganizationEntry& entry, JsonWriter& w);
void render_practitioner(const detail::ProviderEntry& entry, JsonWriter& w);

/// A patient-owned resource type other than Patient: how many entries a record
/// has and how to render the i-th one.
struct EntryKind {
  detail::ResourceType type;
  size_t (*count)(const record::PatientRecord& record);
  void (*render)(const detail::PatientContext& ctx, size_t i, const detail::ResourceRef& self,
                 JsonWriter& w);
  size_t typical_bytes;  ///< for reserving output buffers
};
/// Encounter .. SupplyDelivery in ResourceType order: the order of NDJSON files and Bundle entries.
const std::array<EntryKind, detail::kPatientTypeCount - 1>& entry_kinds();

/// `"<reference_key>":[{"reference": the Condition}]` when the patient has a condition
/// with this code (PatientContext::condition_for), else `"<code_key>":[<concept>]`
/// when `code_key` is not empty; nothing when `reason` is nullopt.
void write_reason(const detail::PatientContext& ctx, JsonWriter& w,
                  const std::optional<record::Code>& reason, Instant at, JsonKey reference_key,
                  JsonKey code_key);

/// DICOM UID "2.25.<decimal>" of a UUID (ITU-T X.667 / DICOM PS3.5 B.2): at most 44 characters.
std::string uuid_oid(const Uuid& id);
/// The same text at `out` (room for kUuidOidMax characters); returns its length.
inline constexpr size_t kUuidOidMax = 44;
size_t put_uuid_oid(const Uuid& id, char* out);

/// The 10-digit NPI-shaped number fos gives a provider: nine digits from the
/// provider id and a Luhn check digit computed as for real NPIs (prefix 80840).
std::string practitioner_npi(uint64_t provider_id);

}  // namespace fos::fhir
