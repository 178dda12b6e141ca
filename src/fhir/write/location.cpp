// Location: the one place of an organization, at its address.
#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {

void render_location(const detail::OrganizationEntry& entry, JsonWriter& w) {
  const record::Organization& org = *entry.organization;
  w.begin_object();
  w.field("resourceType", "Location");
  w.field("id", JsonPlain{entry.location.id()});
  static const std::string kMeta =
      detail::meta_profiles("http://hl7.org/fhir/us/core/StructureDefinition/us-core-location");
  w.key("meta");
  w.raw(kMeta);
  w.field("status", "active");
  if (!org.name.empty()) w.field("name", org.name);
  detail::write_phone(w, org.phone, "work");
  w.key("address");
  detail::write_address(w, org.address, "work", false);
  if (org.address.latitude != 0 || org.address.longitude != 0) {
    w.key("position");
    w.begin_object();
    detail::write_coordinate(w, "longitude", org.address.longitude);
    detail::write_coordinate(w, "latitude", org.address.latitude);
    w.end_object();
  }
  detail::write_reference(w, "managingOrganization", entry.ref, org.name);
  w.end_object();
}

}  // namespace fos::fhir
