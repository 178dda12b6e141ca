// The care network: organizations and clinicians of every configured city.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "record/provider.hpp"
#include "synth/config.hpp"

namespace fos::synth::detail {

/// Who serves a city's patients: indices into ProviderDirectory::providers().
struct CityCare {
  std::vector<uint32_t> pediatric;  ///< primary-care pediatricians (at least one)
  std::vector<uint32_t> adult;      ///< other primary-care clinicians (at least one)
};

struct CareNetwork {
  record::ProviderDirectory directory;
  std::vector<CityCare> cities;  ///< parallel to Demographics::cities
};

/// Per city one hospital, one or two primary-care clinics and one urgent-care
/// center, each with 2-5 clinicians. Ids come from natural keys, names from a
/// stream keyed by the same key, so the network does not depend on the seed.
CareNetwork build_care_network(const SynthConfig& config);

/// A street address in `city` ("1234 Oak Street", the city's ZIP, county and coordinates).
record::Address street_address(const Names& names, const City& city, Rng& rng);

}  // namespace fos::synth::detail
