// Record -> OMOP rows for person, observation_period, visit_occurrence, the event tables
// (condition_occurrence, drug_exposure, procedure_occurrence, device_exposure, measurement,
// observation; each entry routed by its standard concept's domain), death, condition_era,
// drug_era and the person's location. See docs/omop-mapping.md.
#include "omop/write/render.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "omop/write/eras.hpp"
#include "omop/write/table_rows.hpp"
#include "record/ids.hpp"

namespace fos::omop {
namespace {

using record::EncounterClass;
using record::PatientRecord;

constexpr int32_t kEhr = 32817;  // Type Concept "EHR"

constexpr std::array<std::string_view, kPatientTableCount> kTableNames = {
    "person",           "observation_period",
    "visit_occurrence", "condition_occurrence",
    "drug_exposure",    "procedure_occurrence",
    "device_exposure",  "measurement",
    "observation",      "death",
    "condition_era",    "drug_era",
    "location"};

// A clinical entry on its way to an event table: what every table needs, plus the
// optional parts some tables use.
struct Event {
  const record::Code& code;
  Instant start;
  std::optional<Instant> end;  ///< stop, abatement, procedure end
  uint32_t encounter = 0;
  const std::optional<record::Quantity>* quantity = nullptr;
  const std::optional<record::Code>* value_code = nullptr;
  const std::optional<std::string>* value_text = nullptr;
  std::string_view unique_device_id;
  std::optional<double> count;  ///< device_exposure.quantity (supplies)
  bool prescription = false;    ///< a medication: verbatim_end_date and days_supply from its stop
};

int32_t gender_concept(record::Sex sex) {
  return sex == record::Sex::kMale ? 8507 : 8532;
}
std::string_view gender_source(record::Sex sex) {
  return sex == record::Sex::kMale ? "M" : "F";
}

int32_t race_concept(record::Race race) {
  switch (race) {
    case record::Race::kWhite:
      return 8527;
    case record::Race::kBlack:
      return 8516;
    case record::Race::kAsian:
      return 8515;
    case record::Race::kAmericanIndian:
      return 8657;
    case record::Race::kPacificIslander:
      return 8557;
    case record::Race::kOther:
      return 0;
  }
  return 0;
}

std::string_view race_source(record::Race race) {
  switch (race) {
    case record::Race::kWhite:
      return "white";
    case record::Race::kBlack:
      return "black";
    case record::Race::kAsian:
      return "asian";
    case record::Race::kAmericanIndian:
      return "american indian";
    case record::Race::kPacificIslander:
      return "pacific islander";
    case record::Race::kOther:
      return "other";
  }
  return "other";
}

int32_t visit_concept(EncounterClass c) {
  switch (c) {
    case EncounterClass::kWellness:
    case EncounterClass::kAmbulatory:
    case EncounterClass::kOutpatient:
      return 9202;  // Outpatient Visit
    case EncounterClass::kEmergency:
      return 9203;  // Emergency Room Visit
    case EncounterClass::kUrgentCare:
      return 8782;  // Urgent Care Facility
    case EncounterClass::kInpatient:
      return 9201;  // Inpatient Visit
  }
  return 0;
}

// The table of each domain an entry may be routed to.
std::optional<PatientTable> table_of_domain(std::string_view domain) {
  if (domain == "Condition") return PatientTable::kConditionOccurrence;
  if (domain == "Drug") return PatientTable::kDrugExposure;
  if (domain == "Procedure") return PatientTable::kProcedureOccurrence;
  if (domain == "Device") return PatientTable::kDeviceExposure;
  if (domain == "Measurement") return PatientTable::kMeasurement;
  if (domain == "Observation") return PatientTable::kObservation;
  return std::nullopt;
}

// Per-patient state shared by the table renderers.
class PatientRenderer {
 public:
  PatientRenderer(const PatientRecord& p, const RenderContext& ctx, PatientRows& out)
      : p_(p), ctx_(ctx), out_(out), person_id_(record::person_id(p.person.index)) {}

  void run() {
    out_.min_person_id = std::min(out_.min_person_id, person_id_);
    out_.max_person_id = std::max(out_.max_person_id, person_id_);
    person();
    observation_period();
    for (size_t i = 0; i < p_.encounters.size(); ++i) visit(i);
    observations();
    for (const record::Condition& c : p_.conditions) {
      emit(PatientTable::kConditionOccurrence, {c.code, c.onset, c.abatement, c.encounter});
    }
    for (const record::Immunization& imm : p_.immunizations) {
      emit(PatientTable::kDrugExposure, {imm.code, imm.date, imm.date, imm.encounter});
    }
    for (const record::Medication& m : p_.medications) {
      Event e{m.code, m.start, m.stop, m.encounter};
      e.prescription = true;
      emit(PatientTable::kDrugExposure, e);
    }
    for (const record::Procedure& proc : p_.procedures) {
      emit(PatientTable::kProcedureOccurrence,
           {proc.code, proc.start, std::max(proc.start, proc.end), proc.encounter});
    }
    for (const record::Allergy& a : p_.allergies) {
      emit(PatientTable::kObservation, {a.code, a.onset, std::nullopt, a.encounter});
    }
    for (const record::Device& d : p_.devices) {
      Event e{d.code, d.start, d.stop, d.encounter};
      e.unique_device_id = d.udi;
      emit(PatientTable::kDeviceExposure, e);
    }
    for (const record::Supply& supply : p_.supplies) {
      Event e{supply.code, supply.date, supply.date, supply.encounter};
      e.count = supply.quantity;
      emit(PatientTable::kDeviceExposure, e);
    }
    death();
    eras();
    location();
    record_concepts();
  }

 private:
  RowBuilder row(PatientTable table) {
    return RowBuilder(out_.tables[static_cast<size_t>(table)], concepts_);
  }

  // The next id of a table: event_id(person index, running ordinal of the table).
  int64_t next_id(PatientTable table) {
    return record::event_id(p_.person.index, ordinals_[static_cast<size_t>(table)]++);
  }

  // The standard concept of a code in `domain`, or 0 (counted) when there is none.
  int32_t standard(const CodeMapping& m, std::string_view domain) {
    if (m.standard && m.standard->domain_id == domain) return m.standard->concept_id;
    ++out_.unmapped;
    return 0;
  }
  // Mappings come from the context's cache, or from one of this patient's own; either way
  // they stay put while the patient is rendered.
  const CodeMapping& map(std::string_view vocabulary, std::string_view code) {
    return mappings().map(vocabulary, code);
  }
  const CodeMapping& map(const record::Code& code) { return mappings().map(code); }
  MappingCache& mappings() {
    if (ctx_.mappings != nullptr) return *ctx_.mappings;
    if (!own_mappings_) own_mappings_.emplace(ctx_.vocabulary);
    return *own_mappings_;
  }

  // route() without copying the mapping.
  struct Routed {
    PatientTable table;
    int32_t concept_id = 0;  ///< 0: unmapped
    const CodeMapping& mapping;
  };
  static Routed routed(const CodeMapping& mapping, PatientTable fallback) {
    if (!mapping.standard) return {fallback, 0, mapping};
    const std::optional<PatientTable> table = table_of_domain(mapping.standard->domain_id);
    if (!table) return {fallback, 0, mapping};
    return {*table, mapping.standard->concept_id, mapping};
  }

  // The ids of a patient's rows repeat the same few providers and sites: each is looked up in
  // the directory and recorded once per patient.
  struct SeenId {
    uint64_t id = 0;
    bool known = false;
  };
  static const SeenId* seen(const std::vector<SeenId>& ids, uint64_t id) {
    for (const SeenId& s : ids) {
      if (s.id == id) return &s;
    }
    return nullptr;
  }

  std::optional<int64_t> provider(uint64_t id) {
    if (id == 0) return std::nullopt;
    const SeenId* s = seen(providers_seen_, id);
    if (s == nullptr) {
      providers_seen_.push_back({id, ctx_.directory.find_provider(id) != nullptr});
      s = &providers_seen_.back();
      if (s->known) out_.providers.insert(id);
    }
    if (!s->known) return std::nullopt;
    return static_cast<int64_t>(id);
  }
  std::optional<int64_t> care_site(uint64_t id) {
    if (id == 0) return std::nullopt;
    const SeenId* s = seen(sites_seen_, id);
    if (s == nullptr) {
      sites_seen_.push_back({id, ctx_.directory.find_organization(id) != nullptr});
      s = &sites_seen_.back();
      if (s->known) out_.organizations.insert(id);
    }
    if (!s->known) return std::nullopt;
    return static_cast<int64_t>(id);
  }

  // Add the concept ids the patient's rows wrote to the block's set, each once.
  void record_concepts() { concepts_.drain(out_.concepts); }
  std::optional<int64_t> visit_id(uint32_t encounter) const {
    if (encounter >= p_.encounters.size()) return std::nullopt;
    return record::event_id(p_.person.index, encounter);
  }
  // The provider_id of the visit of `encounter` (visits are rendered before other rows).
  std::optional<int64_t> encounter_provider(uint32_t encounter) const {
    if (encounter >= visit_providers_.size()) return std::nullopt;
    return visit_providers_[encounter];
  }
  bool has_address() const {
    return !p_.person.address.city.empty() || !p_.person.address.line.empty();
  }

  // The primary care provider: the provider of the latest wellness encounter.
  const record::Encounter* primary_care() const {
    for (size_t i = p_.encounters.size(); i-- > 0;) {
      const record::Encounter& e = p_.encounters[i];
      if (e.encounter_class == EncounterClass::kWellness && e.provider_id != 0) return &e;
    }
    return nullptr;
  }

  void person() {
    const record::Person& person = p_.person;
    const CivilDate birth = person.birth_date.civil();
    const record::Encounter* pcp = primary_care();
    const bool hispanic = person.ethnicity == record::Ethnicity::kHispanic;
    const int32_t race = race_concept(person.race);
    if (race == 0) ++out_.unmapped;
    row(PatientTable::kPerson)
        .integer(person_id_)
        .concept_id(gender_concept(person.sex))
        .integer(birth.year)
        .integer(birth.month)
        .integer(birth.day)
        .datetime(person.birth_time)
        .concept_id(race)
        .concept_id(hispanic ? 38003563 : 38003564)
        .integer(has_address() ? std::optional<int64_t>(person_id_) : std::nullopt)
        .integer(pcp ? provider(pcp->provider_id) : std::nullopt)
        .integer(pcp ? care_site(pcp->organization_id) : std::nullopt)
        .text(person.fhir_id.empty() ? record::resource_uuid("Patient", person.index, 0).str()
                                     : person.fhir_id)
        .text(gender_source(person.sex))
        .concept_id(0)
        .text(race_source(person.race))
        .concept_id(0)
        .text(hispanic ? "hispanic" : "nonhispanic")
        .concept_id(0)
        .end();
  }

  // Where an ongoing drug exposure ends: the end of the observation period.
  void observation_period() {
    Date start = p_.person.birth_date;
    Date end = p_.person.death ? p_.person.death->date() : ctx_.reference_date;
    if (!p_.encounters.empty()) {
      start = p_.encounters.front().start.date();
      end = start;
      for (const record::Encounter& e : p_.encounters) {
        start = std::min(start, e.start.date());
        end = std::max(end, std::max(e.start.date(), e.end.date()));
      }
    }
    end = std::max(start, end);
    observation_end_ = end;
    row(PatientTable::kObservationPeriod)
        .integer(next_id(PatientTable::kObservationPeriod))
        .integer(person_id_)
        .date(start)
        .date(end)
        .concept_id(kEhr)
        .end();
  }

  void visit(size_t i) {
    const record::Encounter& e = p_.encounters[i];
    const CodeMapping& source = map(e.type);
    const Instant end = std::max(e.start, e.end);
    ++ordinals_[static_cast<size_t>(PatientTable::kVisitOccurrence)];
    row(PatientTable::kVisitOccurrence)
        .integer(record::event_id(p_.person.index, i))
        .integer(person_id_)
        .concept_id(visit_concept(e.encounter_class))
        .date(e.start.date())
        .datetime(e.start)
        .date(end.date())
        .datetime(end)
        .concept_id(kEhr)
        .integer(visit_providers_.emplace_back(provider(e.provider_id)))
        .integer(care_site(e.organization_id))
        .text(e.type.code)
        .concept_id(source.source_concept_id)
        .null()  // admitted_from_concept_id
        .null()
        .null()  // discharged_to_concept_id
        .null()
        .integer(i > 0 ? visit_id(static_cast<uint32_t>(i - 1)) : std::nullopt)
        .end();
  }

  // Each observation value (the observation's own, then each component's) is one event,
  // routed like every other entry: Measurement-domain codes to measurement,
  // Observation-domain codes to observation, unmapped codes to measurement.
  void observations() {
    static const std::optional<std::string> kNoText;
    for (const record::Observation& o : p_.observations) {
      const bool has_value = o.quantity || o.value_code || o.value_text;
      if (has_value || o.components.empty()) {
        Event e{o.code, o.effective, std::nullopt, o.encounter};
        e.quantity = &o.quantity;
        e.value_code = &o.value_code;
        e.value_text = &o.value_text;
        emit(PatientTable::kMeasurement, e);
      }
      for (const record::ObservationComponent& c : o.components) {
        Event e{c.code, o.effective, std::nullopt, o.encounter};
        e.quantity = &c.quantity;
        e.value_code = &c.value_code;
        e.value_text = &kNoText;
        emit(PatientTable::kMeasurement, e);
      }
    }
  }

  void emit(PatientTable fallback, const Event& e) {
    const Routed r = routed(map(e.code), fallback);
    if (r.concept_id == 0) ++out_.unmapped;
    switch (r.table) {
      case PatientTable::kConditionOccurrence:
        return condition(r, e);
      case PatientTable::kDrugExposure:
        return drug(r, e);
      case PatientTable::kProcedureOccurrence:
        return procedure(r, e);
      case PatientTable::kDeviceExposure:
        return device(r, e);
      case PatientTable::kMeasurement:
        return measurement(r, e);
      default:
        return observation(r, e);
    }
  }

  void condition(const Routed& r, const Event& e) {
    const int32_t concept_id = r.concept_id;
    RowBuilder row_out = row(PatientTable::kConditionOccurrence);
    row_out.integer(next_id(PatientTable::kConditionOccurrence))
        .integer(person_id_)
        .concept_id(concept_id)
        .date(e.start.date())
        .datetime(e.start);
    end_date_time(row_out, e);
    row_out.concept_id(kEhr)
        .null()  // condition_status_concept_id
        .null()  // stop_reason
        .integer(encounter_provider(e.encounter))
        .integer(visit_id(e.encounter))
        .null()  // visit_detail_id
        .text(e.code.code)
        .concept_id(r.mapping.source_concept_id)
        .null()  // condition_status_source_value
        .end();
    if (concept_id != 0) {
      const Date end = e.end ? std::max(e.start, *e.end).date() : e.start.date().plus_days(1);
      condition_spans_.push_back({concept_id, e.start.date(), end});
    }
  }

  // An exposure with no stop (an ongoing medication) lasts to the end of the observation period.
  void drug(const Routed& r, const Event& e) {
    const Instant end =
        e.end ? std::max(e.start, *e.end) : std::max(e.start, Instant::at(observation_end_));
    const bool stopped = e.prescription && e.end.has_value();
    row(PatientTable::kDrugExposure)
        .integer(next_id(PatientTable::kDrugExposure))
        .integer(person_id_)
        .concept_id(r.concept_id)
        .date(e.start.date())
        .datetime(e.start)
        .date(end.date())
        .datetime(end)
        .date_or_null(stopped ? std::optional<Date>(end.date()) : std::nullopt)  // verbatim_end
        .concept_id(kEhr)
        .null()  // stop_reason
        .null()  // refills
        .null()  // quantity
        .integer(stopped ? std::optional<int64_t>(end.date().days() - e.start.date().days())
                         : std::nullopt)  // days_supply
        .null()                           // sig
        .null()                           // route_concept_id
        .null()                           // lot_number
        .integer(encounter_provider(e.encounter))
        .integer(visit_id(e.encounter))
        .null()  // visit_detail_id
        .text(e.code.code)
        .concept_id(r.mapping.source_concept_id)
        .null()  // route_source_value
        .null()  // dose_unit_source_value
        .end();
    if (r.concept_id == 0) return;
    for (int32_t ingredient : ctx_.vocabulary.ingredients_of(r.concept_id)) {
      drug_spans_.push_back({ingredient, e.start.date(), end.date()});
    }
  }

  void procedure(const Routed& r, const Event& e) {
    RowBuilder row_out = row(PatientTable::kProcedureOccurrence);
    row_out.integer(next_id(PatientTable::kProcedureOccurrence))
        .integer(person_id_)
        .concept_id(r.concept_id)
        .date(e.start.date())
        .datetime(e.start);
    end_date_time(row_out, e);
    row_out.concept_id(kEhr)
        .null()  // modifier_concept_id
        .null()  // quantity
        .integer(encounter_provider(e.encounter))
        .integer(visit_id(e.encounter))
        .null()  // visit_detail_id
        .text(e.code.code)
        .concept_id(r.mapping.source_concept_id)
        .null()  // modifier_source_value
        .end();
  }

  void device(const Routed& r, const Event& e) {
    RowBuilder row_out = row(PatientTable::kDeviceExposure);
    row_out.integer(next_id(PatientTable::kDeviceExposure))
        .integer(person_id_)
        .concept_id(r.concept_id)
        .date(e.start.date())
        .datetime(e.start);
    end_date_time(row_out, e);
    row_out.concept_id(kEhr)
        .text_or_null(e.unique_device_id)
        .null()  // production_id
        .integer(e.count ? std::optional<int64_t>(std::llround(*e.count)) : std::nullopt)
        .integer(encounter_provider(e.encounter))
        .integer(visit_id(e.encounter))
        .null()  // visit_detail_id
        .text(e.code.code)
        .concept_id(r.mapping.source_concept_id)
        .null()  // unit_concept_id
        .null()  // unit_source_value
        .null()  // unit_source_concept_id
        .end();
  }

  // "<end date>,<end datetime>" (never before the start), or two NULLs when there is no end.
  [[gnu::always_inline]] static void end_date_time(RowBuilder& r, const Event& e) {
    if (!e.end) {
      r.null().null();
      return;
    }
    const Instant end = std::max(e.start, *e.end);
    r.date(end.date()).datetime(end);
  }

  // The value parts shared by measurement and observation rows.
  struct Value {
    std::optional<int32_t> concept_id;  ///< value_as_concept_id
    std::optional<int32_t> unit;        ///< unit_concept_id
    const CodeMapping* unit_mapping = nullptr;
    std::array<char, 64> number{};  ///< the quantity's text, when there is a quantity
    RoundedNumber quantity;         ///< the quantity's value (its text in `number`)
    std::string_view source;        ///< value_source_value (may view `number`)
  };

  // The value of `e`; a code whose source concept has a 'Maps to value' target (the "X" of
  // "family history of X") gives value_as_concept_id when the event carries no coded value.
  // `v` is filled in place: its views may point into itself.
  void value_of(const Event& e, const Routed& routing, Value& v) {
    if (routing.mapping.value) v.concept_id = routing.mapping.value->concept_id;
    const record::Quantity* quantity = quantity_of(e);
    if (quantity != nullptr) {
      v.quantity = round_number(v.number, quantity->value, quantity->decimals);
      v.source = v.quantity.text;
    }
    if (e.value_code != nullptr && e.value_code->has_value()) {
      const CodeMapping& m = map(**e.value_code);
      v.concept_id = m.standard ? m.standard->concept_id : 0;
      if (!m.standard) ++out_.unmapped;
      v.source = (*e.value_code)->code;
    } else if (e.value_text != nullptr && e.value_text->has_value()) {
      v.source = **e.value_text;
    }
    if (quantity != nullptr && !quantity->unit.empty()) {
      v.unit_mapping = &map("UCUM", quantity->unit);
      v.unit = standard(*v.unit_mapping, "Unit");
    }
  }

  static const record::Quantity* quantity_of(const Event& e) {
    return e.quantity != nullptr && e.quantity->has_value() ? &**e.quantity : nullptr;
  }

  void measurement(const Routed& routing, const Event& e) {
    Value v;
    value_of(e, routing, v);
    const record::Quantity* quantity = quantity_of(e);
    RowBuilder r = row(PatientTable::kMeasurement);
    r.integer(next_id(PatientTable::kMeasurement))
        .integer(person_id_)
        .concept_id(routing.concept_id)
        .date(e.start.date())
        .datetime(e.start)
        .null()  // measurement_time
        .concept_id(kEhr)
        .null();  // operator_concept_id
    if (quantity != nullptr)
      r.number(v.quantity, quantity->decimals);
    else
      r.null();
    concept_or_null(r, v.concept_id);
    concept_or_null(r, v.unit);
    r.null()  // range_low
        .null()
        .integer(encounter_provider(e.encounter))
        .integer(visit_id(e.encounter))
        .null()  // visit_detail_id
        .text(e.code.code)
        .concept_id(routing.mapping.source_concept_id);
    unit_source(r, quantity, v);
    r.text_or_null(v.source)
        .null()  // measurement_event_id
        .null()
        .end();
  }

  void observation(const Routed& routing, const Event& e) {
    Value v;
    value_of(e, routing, v);
    const record::Quantity* quantity = quantity_of(e);
    RowBuilder r = row(PatientTable::kObservation);
    r.integer(next_id(PatientTable::kObservation))
        .integer(person_id_)
        .concept_id(routing.concept_id)
        .date(e.start.date())
        .datetime(e.start)
        .concept_id(kEhr);
    if (quantity != nullptr)
      r.number(v.quantity, quantity->decimals);
    else
      r.null();
    if (e.value_text != nullptr && e.value_text->has_value())
      r.text(**e.value_text);
    else
      r.null();
    concept_or_null(r, v.concept_id);
    r.null();  // qualifier_concept_id
    concept_or_null(r, v.unit);
    r.integer(encounter_provider(e.encounter))
        .integer(visit_id(e.encounter))
        .null()  // visit_detail_id
        .text(e.code.code)
        .concept_id(routing.mapping.source_concept_id);
    if (quantity != nullptr && !quantity->unit.empty())
      r.text(quantity->unit);
    else
      r.null();
    r.null()  // qualifier_source_value
        .text_or_null(v.source)
        .null()  // observation_event_id
        .null()
        .end();
  }

  [[gnu::always_inline]] static void concept_or_null(RowBuilder& r, std::optional<int32_t> id) {
    if (id)
      r.concept_id(*id);
    else
      r.null();
  }

  [[gnu::always_inline]] static void unit_source(RowBuilder& r, const record::Quantity* quantity,
                                                 const Value& v) {
    if (quantity != nullptr && !quantity->unit.empty())
      r.text(quantity->unit);
    else
      r.null();
    if (v.unit)
      r.concept_id(v.unit_mapping->source_concept_id);
    else
      r.null();
  }

  void eras() {
    for (const Era& era : condition_eras(std::move(condition_spans_))) {
      row(PatientTable::kConditionEra)
          .integer(next_id(PatientTable::kConditionEra))
          .integer(person_id_)
          .concept_id(era.concept_id)
          .date(era.start)
          .date(era.end)
          .integer(era.count)
          .end();
    }
    for (const Era& era : drug_eras(std::move(drug_spans_))) {
      row(PatientTable::kDrugEra)
          .integer(next_id(PatientTable::kDrugEra))
          .integer(person_id_)
          .concept_id(era.concept_id)
          .date(era.start)
          .date(era.end)
          .integer(era.count)
          .integer(era.gap_days)
          .end();
    }
  }

  void death() {
    if (!p_.person.death) return;
    row(PatientTable::kDeath)
        .integer(person_id_)
        .date(p_.person.death->date())
        .datetime(*p_.person.death)
        .concept_id(kEhr)
        .null()  // cause_concept_id
        .null()
        .null()
        .end();
  }

  void location() {
    if (!has_address()) return;
    const record::Address& a = p_.person.address;
    RowBuilder r = row(PatientTable::kLocation);
    r.integer(person_id_)
        .text_or_null(a.line)
        .null()  // address_2
        .text_or_null(a.city)
        .text_or_null(a.state)
        .text_or_null(a.postal_code)
        .text_or_null(a.county)
        .null()  // location_source_value
        .null()  // country_concept_id
        .text_or_null(a.country);
    if (a.latitude == 0 && a.longitude == 0) {
      r.null().null();
    } else {
      r.number(a.latitude, 6).number(a.longitude, 6);
    }
    r.end();
  }

  const PatientRecord& p_;
  const RenderContext& ctx_;
  PatientRows& out_;
  int64_t person_id_;
  Date observation_end_;
  std::array<uint64_t, kPatientTableCount> ordinals_{};
  std::vector<EraInput> condition_spans_;
  std::vector<EraInput> drug_spans_;
  ConceptLog concepts_;  ///< concept ids written
  std::vector<SeenId> providers_seen_;
  std::vector<SeenId> sites_seen_;
  std::vector<std::optional<int64_t>> visit_providers_;  ///< per encounter, its provider_id
  std::optional<MappingCache> own_mappings_;             ///< when the context has no cache
};

}  // namespace

std::string_view table_name(PatientTable table) {
  return kTableNames[static_cast<size_t>(table)];
}

PatientRows::PatientRows(TableRows::Form form) {
  for (size_t t = 0; t < kPatientTableCount; ++t) {
    tables[t] = TableRows(table_layout(kTableNames[t]), form);
  }
}

std::string_view vocabulary_id(record::CodeSystem system) {
  switch (system) {
    case record::CodeSystem::kSnomed:
      return "SNOMED";
    case record::CodeSystem::kLoinc:
      return "LOINC";
    case record::CodeSystem::kRxnorm:
      return "RxNorm";
    case record::CodeSystem::kCvx:
      return "CVX";
    case record::CodeSystem::kIcd10cm:
      return "ICD10CM";
    case record::CodeSystem::kNucc:
      return "NUCC";
    case record::CodeSystem::kUcum:
      return "UCUM";
    default:
      return "";
  }
}

namespace {

constexpr uint64_t kHashMultiplier = 0x9E3779B97F4A7C15ULL;
constexpr size_t kFirstSlots = 256;

// A hash of short text (codes and vocabulary ids), eight bytes at a time.
uint64_t text_hash(std::string_view text) {
  uint64_t h = text.size() * kHashMultiplier;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    h = (h ^ word) * kHashMultiplier;
    h ^= h >> 29;
  }
  if (i < text.size()) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + i, text.size() - i);
    h = (h ^ word) * kHashMultiplier;
    h ^= h >> 29;
  }
  return h;
}

uint64_t mix(uint64_t h) {
  h ^= h >> 32;
  h *= kHashMultiplier;
  return h ^ (h >> 29);
}

// A hash of borrowed text by its address and length, and its code system.
uint64_t address_hash(const char* data, size_t size, record::CodeSystem system) {
  return mix(reinterpret_cast<uintptr_t>(data) ^ (uint64_t{size} << 48) ^
             (static_cast<uint64_t>(system) << 56));
}

}  // namespace

const CodeMapping& MappingCache::map(std::string_view vocabulary_id, std::string_view code) {
  if (texts_used_ * 2 >= texts_.size()) grow_texts();
  const uint64_t hash = mix(text_hash(code) ^ (text_hash(vocabulary_id) << 1));
  const size_t mask = texts_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    TextSlot& slot = texts_[i];
    if (slot.mapping == nullptr) {
      slot.hash = hash;
      slot.vocabulary_id.assign(vocabulary_id);
      slot.code.assign(code);
      slot.mapping = &mappings_.emplace_back(vocabulary_.map(vocabulary_id, code));
      ++texts_used_;
      return *slot.mapping;
    }
    if (slot.hash == hash && slot.code == code && slot.vocabulary_id == vocabulary_id) {
      return *slot.mapping;
    }
  }
}

void MappingCache::grow_texts() {
  const size_t slots = std::max(kFirstSlots, texts_.size() * 2);
  std::vector<TextSlot> old = std::exchange(texts_, std::vector<TextSlot>(slots));
  const size_t mask = texts_.size() - 1;
  for (TextSlot& slot : old) {
    if (slot.mapping == nullptr) continue;
    size_t i = slot.hash & mask;
    while (texts_[i].mapping != nullptr) i = (i + 1) & mask;
    texts_[i] = std::move(slot);
  }
}

const CodeMapping& MappingCache::map(const record::Code& code) {
  if (code.code.owns()) return map(vocabulary_id(code.system), code.code);
  return map_borrowed(code);
}

const CodeMapping& MappingCache::map_borrowed(const record::Code& code) {
  if (borrowed_used_ * 2 >= borrowed_.size()) grow_borrowed();
  const char* data = code.code.data();
  const size_t size = code.code.size();
  const uint64_t hash = address_hash(data, size, code.system);
  const size_t mask = borrowed_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    BorrowedSlot& slot = borrowed_[i];
    if (slot.mapping == nullptr) {
      slot = {data, size, code.system, &map(vocabulary_id(code.system), code.code)};
      ++borrowed_used_;
      return *slot.mapping;
    }
    if (slot.data == data && slot.size == size && slot.system == code.system) return *slot.mapping;
  }
}

void MappingCache::grow_borrowed() {
  const size_t slots = std::max(kFirstSlots, borrowed_.size() * 2);
  std::vector<BorrowedSlot> old = std::exchange(borrowed_, std::vector<BorrowedSlot>(slots));
  const size_t mask = borrowed_.size() - 1;
  for (const BorrowedSlot& slot : old) {
    if (slot.mapping == nullptr) continue;
    size_t i = address_hash(slot.data, slot.size, slot.system) & mask;
    while (borrowed_[i].mapping != nullptr) i = (i + 1) & mask;
    borrowed_[i] = slot;
  }
}

Routing route(const Vocabulary& vocabulary, const record::Code& code, PatientTable fallback) {
  return route(vocabulary.map(vocabulary_id(code.system), code.code), fallback);
}

Routing route(const CodeMapping& mapping, PatientTable fallback) {
  Routing r;
  r.table = fallback;
  r.mapping = mapping;
  if (!r.mapping.standard) return r;
  const std::optional<PatientTable> table = table_of_domain(r.mapping.standard->domain_id);
  if (!table) return r;
  r.table = *table;
  r.concept_id = r.mapping.standard->concept_id;
  return r;
}

void render_patient(const record::PatientRecord& patient, const RenderContext& context,
                    PatientRows& out) {
  PatientRenderer(patient, context, out).run();
}

}  // namespace fos::omop
