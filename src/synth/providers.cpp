// Care network: the organizations and clinicians of each city, built once per run.
#include "synth/detail/providers.hpp"

#include "record/ids.hpp"
#include "synth/detail/tables.hpp"

namespace fos::synth::detail {
namespace {

using record::Code;
using record::literals::operator""_text;
using record::CodeSystem;
using record::OrganizationType;

const Code kGeneralPractice{CodeSystem::kNucc, "208D00000X"_text, "General Practice"_text};
const Code kFamilyMedicine{CodeSystem::kNucc, "207Q00000X"_text, "Family Medicine"_text};
const Code kPediatrics{CodeSystem::kNucc, "208000000X"_text, "Pediatrics"_text};
const Code kInternalMedicine{CodeSystem::kNucc, "207R00000X"_text, "Internal Medicine"_text};

// Cities at least this large get a second primary-care clinic.
constexpr double kSecondClinicPopulation = 250000;

struct OrgKind {
  OrganizationType type;
  const char* key;
  const char* name_suffix;
};
constexpr OrgKind kHospital{OrganizationType::kHospital, "hospital", " General Hospital"};
constexpr OrgKind kPrimaryCare{OrganizationType::kPrimaryCare, "primary-care",
                               " Family Health Center"};
constexpr OrgKind kUrgentCare{OrganizationType::kUrgentCare, "urgent-care", " Urgent Care"};

// The specialty of the `slot`-th clinician of an organization.
const Code& specialty_for(OrganizationType type, int slot, Rng& rng) {
  if (type == OrganizationType::kPrimaryCare) {
    if (slot == 0) return kPediatrics;
    if (slot == 1) return kFamilyMedicine;
    const Code* choices[] = {&kFamilyMedicine, &kInternalMedicine, &kGeneralPractice, &kPediatrics};
    return *choices[rng.uniform_int(0, 3)];
  }
  if (type == OrganizationType::kHospital) {
    return rng.bernoulli(0.5) ? kInternalMedicine : kGeneralPractice;
  }
  return rng.bernoulli(0.5) ? kFamilyMedicine : kGeneralPractice;
}

class NetworkBuilder {
 public:
  explicit NetworkBuilder(const SynthConfig& config) : config_(config) {}

  void add_city(size_t city_index) {
    const City& city = config_.demographics().cities[city_index];
    CityCare care;
    add_organization(city, kHospital, 0, nullptr);
    const int clinics = city.population >= kSecondClinicPopulation ? 2 : 1;
    for (int n = 0; n < clinics; ++n) add_organization(city, kPrimaryCare, n, &care);
    add_organization(city, kUrgentCare, 0, nullptr);
    cities_.push_back(std::move(care));
  }

  CareNetwork finish() {
    return {record::ProviderDirectory(std::move(organizations_), std::move(providers_)),
            std::move(cities_)};
  }

 private:
  void add_organization(const City& city, const OrgKind& kind, int n, CityCare* care) {
    const std::string key =
        "org/" + city.state + "/" + city.name + "/" + kind.key + "/" + std::to_string(n);
    Rng rng(hash64(key), 0);
    record::Organization org;
    org.id = record::stable_id(key);
    org.name = city.name + kind.name_suffix + (n > 0 ? " " + std::to_string(n + 1) : "");
    org.type = kind.type;
    org.address = street_address(config_.names(), city, rng);
    org.phone = test_phone(rng);
    const int staff = static_cast<int>(rng.uniform_int(2, 5));
    for (int slot = 0; slot < staff; ++slot) {
      add_provider(key + "/provider/" + std::to_string(slot), org.id,
                   specialty_for(kind.type, slot, rng), rng, care);
    }
    organizations_.push_back(std::move(org));
  }

  void add_provider(const std::string& key, uint64_t organization_id, const Code& specialty,
                    Rng& rng, CityCare* care) {
    const Names& names = config_.names();
    record::Provider p;
    p.id = record::stable_id(key);
    p.sex = rng.bernoulli(0.5) ? record::Sex::kMale : record::Sex::kFemale;
    p.name.prefix = "Dr.";
    p.name.given = pick(p.sex == record::Sex::kMale ? names.male_given : names.female_given, rng);
    p.name.family = names
                        .family[static_cast<size_t>(
                            rng.uniform_int(0, static_cast<int64_t>(names.family.size()) - 1))]
                        .name;
    p.name.suffix = "MD";
    p.specialty = specialty;
    p.organization_id = organization_id;
    if (care != nullptr) {
      const auto index = static_cast<uint32_t>(providers_.size());
      (specialty == kPediatrics ? care->pediatric : care->adult).push_back(index);
    }
    providers_.push_back(std::move(p));
  }

  const SynthConfig& config_;
  std::vector<record::Organization> organizations_;
  std::vector<record::Provider> providers_;
  std::vector<CityCare> cities_;
};

}  // namespace

record::Address street_address(const Names& names, const City& city, Rng& rng) {
  record::Address a;
  a.line = std::to_string(rng.uniform_int(1, 9999));
  a.line += ' ';
  a.line += pick(names.street_names, rng);
  a.line += ' ';
  a.line += pick(names.street_suffixes, rng);
  a.city = city.name;
  a.state = city.state;
  a.postal_code = pick(city.zips, rng);
  a.county = city.county;
  // About 2 km of jitter around the city centre.
  a.latitude = city.latitude + rng.uniform(-0.02, 0.02);
  a.longitude = city.longitude + rng.uniform(-0.02, 0.02);
  return a;
}

CareNetwork build_care_network(const SynthConfig& config) {
  NetworkBuilder builder(config);
  for (size_t i = 0; i < config.demographics().cities.size(); ++i) builder.add_city(i);
  return builder.finish();
}

}  // namespace fos::synth::detail
