// The resource renderers: each writes one FHIR R4 resource as one JSON object
// at the writer's current position (one file per resource type).
#pragma once

#include <cstddef>
#include <cstdint>
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
void render_organization(const detail::OrganizationEntry& entry, JsonWriter& w);
/// The organization's one Location, at its address.
void render_location(const detail::OrganizationEntry& entry, JsonWriter& w);
void render_practitioner(const detail::ProviderEntry& entry, JsonWriter& w);

/// The 10-digit NPI-shaped number fos gives a provider: nine digits from the
/// provider id and a Luhn check digit computed as for real NPIs (prefix 80840).
std::string practitioner_npi(uint64_t provider_id);

}  // namespace fos::fhir
