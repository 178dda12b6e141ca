// Practitioner: a clinician, with an NPI-shaped identifier and NUCC specialty.
#include <string>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {

std::string practitioner_npi(uint64_t provider_id) {
  // Nine digits, never starting with 0, then the check digit: Luhn over
  // "80840" + the nine digits, as the NPI standard defines it.
  std::string npi = std::to_string(100'000'000 + provider_id % 900'000'000);
  const std::string payload = "80840" + npi;
  int sum = 0;
  bool twice = true;  // the rightmost payload digit is doubled (the check digit goes after it)
  for (auto it = payload.rbegin(); it != payload.rend(); ++it, twice = !twice) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  npi.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return npi;
}

void render_practitioner(const detail::ProviderEntry& entry, JsonWriter& w) {
  const record::Provider& provider = *entry.provider;
  w.begin_object();
  w.field("resourceType", "Practitioner");
  w.field("id", JsonPlain{entry.ref.id()});
  static const std::string kMeta =
      detail::meta_profiles("http://hl7.org/fhir/us/core/StructureDefinition/us-core-practitioner");
  w.key("meta");
  w.raw(kMeta);
  w.key("identifier");
  w.begin_array();
  w.begin_object();
  w.field("system", "http://hl7.org/fhir/sid/us-npi");
  w.field("value", practitioner_npi(provider.id));
  w.end_object();
  w.end_array();
  w.field("active", true);
  w.key("name");
  w.begin_array();
  detail::write_name(w, "official", provider.name);
  w.end_array();
  w.field("gender", provider.sex == record::Sex::kFemale ? "female" : "male");
  if (!provider.specialty.code.empty()) {
    w.key("qualification");
    w.begin_array();
    w.begin_object();
    detail::write_concept_member(w, "code", provider.specialty);
    w.end_object();
    w.end_array();
  }
  w.end_object();
}

}  // namespace fos::fhir
