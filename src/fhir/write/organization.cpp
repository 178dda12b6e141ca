// Organization: a hospital or clinic from the provider directory.
#include <string>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {

void render_organization(const detail::OrganizationEntry& entry, JsonWriter& w) {
  const record::Organization& org = *entry.organization;
  w.begin_object();
  w.field("resourceType", "Organization");
  w.field("id", JsonPlain{entry.ref.id()});
  static const std::string kMeta =
      detail::meta_profiles("http://hl7.org/fhir/us/core/StructureDefinition/us-core-organization");
  w.key("meta");
  w.raw(kMeta);
  w.key("identifier");
  w.begin_array();
  w.begin_object();
  w.field("system", "https://fos.dev/fhir/sid/organization");
  w.field("value", std::to_string(org.id));
  w.end_object();
  w.end_array();
  w.field("active", true);
  w.key("type");
  w.begin_array();
  detail::write_concept(w, "http://terminology.hl7.org/CodeSystem/organization-type", "prov",
                        "Healthcare Provider");
  w.end_array();
  if (!org.name.empty()) w.field("name", org.name);
  detail::write_phone(w, org.phone, "work");
  w.key("address");
  w.begin_array();
  detail::write_address(w, org.address, "work", false);
  w.end_array();
  w.end_object();
}

}  // namespace fos::fhir
