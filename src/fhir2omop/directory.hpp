// Organization -> care_site, Practitioner -> provider: the run's ProviderDirectory.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "fhir/read/read.hpp"
#include "fhir2omop/mappers.hpp"
#include "record/provider.hpp"

namespace fos::fhir2omop {

/// Build the directory from the shared resources. Organization ids are fos's own
/// (identifier https://fos.dev/fhir/sid/organization) when present, else a stable hash of
/// the FHIR id; an organization takes latitude/longitude from the `position` of a Location
/// it manages; provider ids are a stable hash of the Practitioner id. `practitioner_org`
/// maps a Practitioner id (or conditional reference) to the Organization id (or conditional
/// reference) of the first encounter it performs; conditional references
/// ("Organization?identifier=system|value") name the resource with that identifier.
record::ProviderDirectory build_directory(
    const std::vector<fhir::Resource>& organizations,
    const std::vector<fhir::Resource>& practitioners, const std::vector<fhir::Resource>& locations,
    const std::unordered_map<std::string, std::string>& practitioner_org, DirectoryIds& ids,
    MappingReport& report);

}  // namespace fos::fhir2omop
