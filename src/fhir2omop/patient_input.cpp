// build_record: one patient's resources through the mappers, and the crosswalk rows that
// follow each FHIR resource to the OMOP row it became (render order of omop/write).
#include "fhir2omop/patient_input.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "core/csv.hpp"
#include "omop/write/render.hpp"
#include "record/ids.hpp"

namespace fos::fhir2omop {
namespace {

using omop::PatientTable;

// The record's entry lists, in the order omop/write renders them after the visits.
enum Kind : uint8_t {
  kEncounters,
  kObservations,
  kConditions,
  kImmunizations,
  kMedications,
  kProcedures,
  kAllergies,
  kDevices,
  kSupplies,
  kKindCount,
};
using Sizes = std::array<size_t, kKindCount>;
// The resource each record entry came from, per kind.
using Owners = std::array<std::vector<const fhir::Resource*>, kKindCount>;

Sizes sizes_of(const record::PatientRecord& r) {
  return {r.encounters.size(),    r.observations.size(), r.conditions.size(),
          r.immunizations.size(), r.medications.size(),  r.procedures.size(),
          r.allergies.size(),     r.devices.size(),      r.supplies.size()};
}

void note_owner(const Sizes& before, const Sizes& after, const fhir::Resource& r, Owners& owners) {
  for (size_t k = 0; k < kKindCount; ++k) {
    for (size_t i = before[k]; i < after[k]; ++i) owners[k].push_back(&r);
  }
}

// Crosswalk rows in the order omop/write numbers the rows: each event table's ordinal
// grows by one per routed entry.
class CrosswalkWriter {
 public:
  CrosswalkWriter(const record::PatientRecord& r, const Owners& owners,
                  const omop::Vocabulary& vocabulary, std::string& out)
      : r_(r), owners_(owners), vocabulary_(vocabulary), out_(out) {}

  void run() {
    append_crosswalk_row(out_, "Patient", r_.person.fhir_id, "person",
                         record::person_id(r_.person.index));
    for (size_t i = 0; i < r_.encounters.size(); ++i) {
      row(kEncounters, i, "visit_occurrence", record::event_id(r_.person.index, i));
    }
    for (size_t i = 0; i < r_.observations.size(); ++i) {
      const record::Observation& o = r_.observations[i];
      if (o.quantity || o.value_code || o.value_text || o.components.empty()) {
        routed(kObservations, i, o.code, PatientTable::kMeasurement);
      }
      for (const record::ObservationComponent& c : o.components) {
        routed(kObservations, i, c.code, PatientTable::kMeasurement);
      }
    }
    each(kConditions, r_.conditions, PatientTable::kConditionOccurrence);
    each(kImmunizations, r_.immunizations, PatientTable::kDrugExposure);
    each(kMedications, r_.medications, PatientTable::kDrugExposure);
    each(kProcedures, r_.procedures, PatientTable::kProcedureOccurrence);
    each(kAllergies, r_.allergies, PatientTable::kObservation);
    each(kDevices, r_.devices, PatientTable::kDeviceExposure);
    each(kSupplies, r_.supplies, PatientTable::kDeviceExposure);
  }

 private:
  template <typename Entries>
  void each(Kind kind, const Entries& entries, PatientTable fallback) {
    for (size_t i = 0; i < entries.size(); ++i) routed(kind, i, entries[i].code, fallback);
  }

  void routed(Kind kind, size_t i, const record::Code& code, PatientTable fallback) {
    const PatientTable table = omop::route(vocabulary_, code, fallback).table;
    const uint64_t ordinal = ordinals_[static_cast<size_t>(table)]++;
    row(kind, i, omop::table_name(table), record::event_id(r_.person.index, ordinal));
  }

  void row(Kind kind, size_t i, std::string_view table, int64_t id) {
    const fhir::Resource& owner = *owners_[kind][i];
    append_crosswalk_row(out_, owner.type, owner.id, table, id);
  }

  const record::PatientRecord& r_;
  const Owners& owners_;
  const omop::Vocabulary& vocabulary_;
  std::string& out_;
  std::array<uint64_t, omop::kPatientTableCount> ordinals_{};
};

// The items to map: sorted by input order, without a second resource of the same type and id.
std::vector<const Item*> distinct_items(std::vector<Item>& items, MappingReport& report) {
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.order < b.order; });
  std::vector<const Item*> out;
  out.reserve(items.size());
  std::unordered_set<std::string> seen;
  for (const Item& item : items) {
    const fhir::Resource& r = item.resource;
    if (!r.id.empty() && !seen.insert(r.type + "/" + r.id).second) {
      report.skip(r.type, kDuplicateId);
      continue;
    }
    out.push_back(&item);
  }
  return out;
}

}  // namespace

void append_crosswalk_row(std::string& out, std::string_view resource_type,
                          std::string_view fhir_id, std::string_view table, int64_t omop_id) {
  append_csv_field(out, resource_type);
  out += ',';
  append_csv_field(out, fhir_id);
  out += ',';
  out += table;
  out += ',';
  out += std::to_string(omop_id);
  out += '\n';
}

record::PatientRecord build_record(PatientInput& input, const DirectoryIds& ids,
                                   const omop::Vocabulary& vocabulary, MappingReport& report,
                                   std::string& crosswalk) {
  record::PatientRecord rec;
  rec.person = std::move(input.person);
  const std::vector<const Item*> items = distinct_items(input.items, report);
  MapContext context(rec, ids, vocabulary, report);
  for (const Item* item : items) context.note_resource(item->resource);
  Owners owners;
  for (const MapperEntry& entry : mappers()) {
    for (const Item* item : items) {
      const fhir::Resource& r = item->resource;
      if (r.type != entry.type) continue;
      const Sizes before = sizes_of(rec);
      const std::string_view reason = entry.map(r, context);
      if (!reason.empty()) {
        report.skip(r.type, reason);
        continue;
      }
      ++report.type(r.type).converted;
      note_owner(before, sizes_of(rec), r, owners);
    }
  }
  CrosswalkWriter(rec, owners, vocabulary, crosswalk).run();
  return rec;
}

}  // namespace fos::fhir2omop
