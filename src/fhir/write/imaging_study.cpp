// ImagingStudy: status available, started, one series (modality, body site) with its
// instances (SOP class). Study, series and instance UIDs are "2.25.<decimal UUID>" OIDs of
// name-based UUIDs, so they are deterministic and never collide across patients.
#include <algorithm>
#include <string>
#include <vector>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"
#include "record/ids.hpp"

namespace fos::fhir {
namespace {

void write_instances(JsonWriter& w, const record::ImagingStudy& study, uint32_t instances,
                     uint64_t person, size_t i) {
  const std::string kind = "ImagingStudy/" + std::to_string(i) + "/instance";
  // The SOP class as a URI (system urn:ietf:rfc:3986): "urn:oid:" + the DICOM UID; the
  // same coding for every instance, so made once.
  std::string sop_class = study.sop_class.code.str();
  if (sop_class.rfind("urn:oid:", 0) != 0) sop_class.insert(0, "urn:oid:");
  const std::string sop_coding = detail::json_text([&](JsonWriter& x) {
    detail::write_coding(x, detail::system_uri(study.sop_class.system), sop_class,
                         study.sop_class.display);
  });
  // The instances' UUIDs are resource_uuid(kind, person, n) for n = 0, 1, ...: made together.
  std::vector<Uuid> ids(instances);
  record::resource_uuids(kind, person, ids);
  w.key("instance");
  w.begin_array();
  char oid[kUuidOidMax];
  for (uint32_t n = 0; n < instances; ++n) {
    w.begin_object();
    w.field("uid", JsonPlain{{oid, put_uuid_oid(ids[n], oid)}});
    w.raw_member("sopClass", sop_coding);
    w.field("number", static_cast<uint64_t>(n) + 1);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

void render_imaging_study(const detail::PatientContext& ctx, size_t i,
                          const detail::ResourceRef& self, JsonWriter& w) {
  const record::ImagingStudy& study = ctx.record().imaging_studies[i];
  const uint64_t person = ctx.record().person.index;
  const uint32_t instances = std::max<uint32_t>(study.instances, 1);
  w.begin_object();
  w.field("resourceType", JsonPlain{"ImagingStudy"});
  w.field("id", JsonPlain{self.id()});
  w.key("identifier");
  w.begin_array();
  w.begin_object();
  w.field("use", "official");
  w.field("system", "urn:dicom:uid");
  w.field("value", "urn:oid:" + uuid_oid(record::resource_uuid("ImagingStudy", person, i)));
  w.end_object();
  w.end_array();
  w.field("status", JsonPlain{"available"});
  detail::write_reference(w, "subject", ctx.patient());
  detail::write_reference(w, "encounter", ctx.encounter(study.encounter, "imaging study", i));
  detail::write_instant(w, "started", study.started);
  w.field("numberOfSeries", 1);
  w.field("numberOfInstances", static_cast<uint64_t>(instances));
  detail::write_concept_list(w, "procedureCode", study.procedure);
  w.key("series");
  w.begin_array();
  w.begin_object();
  w.field("uid", uuid_oid(record::resource_uuid("ImagingStudy/series", person, i)));
  w.field("number", 1);
  w.key("modality");
  detail::write_coding(w, study.modality);
  w.field("numberOfInstances", static_cast<uint64_t>(instances));
  w.key("bodySite");
  detail::write_coding(w, study.body_site);
  detail::write_instant(w, "started", study.started);
  write_instances(w, study, instances, person, i);
  w.end_object();
  w.end_array();
  w.end_object();
}

}  // namespace fos::fhir
