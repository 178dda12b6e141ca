// Record -> OMOP rows for person, observation_period, visit_occurrence, measurement,
// drug_exposure, death and the person's location. See docs/omop-mapping.md.
#include "omop/write/render.hpp"

#include <algorithm>

#include "omop/write/csv_row.hpp"
#include "record/ids.hpp"

namespace fos::omop {
namespace {

using record::EncounterClass;
using record::PatientRecord;

constexpr int32_t kEhr = 32817;  // Type Concept "EHR"

constexpr std::array<std::string_view, kPatientTableCount> kTableNames = {
    "person",  "observation_period", "visit_occurrence", "measurement", "drug_exposure", "death",
    "location"};

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
    measurements();
    for (size_t i = 0; i < p_.immunizations.size(); ++i) drug_exposure(i);
    death();
    location();
  }

 private:
  CsvRow row(PatientTable table) {
    const auto t = static_cast<size_t>(table);
    ++out_.rows[t];
    static const std::array<const TableLayout*, kPatientTableCount> kLayouts = [] {
      std::array<const TableLayout*, kPatientTableCount> layouts{};
      for (size_t i = 0; i < kPatientTableCount; ++i) layouts[i] = &table_layout(kTableNames[i]);
      return layouts;
    }();
    return CsvRow(out_.text[t], *kLayouts[t], out_.concepts);
  }

  // The standard concept of a code in `domain`, or 0 (counted) when there is none.
  int32_t standard(const CodeMapping& m, std::string_view domain) {
    if (m.standard && m.standard->domain_id == domain) return m.standard->concept_id;
    ++out_.unmapped;
    return 0;
  }
  CodeMapping map(const record::Code& code) const {
    return ctx_.vocabulary.map(vocabulary_id(code.system), code.code);
  }

  std::optional<int64_t> provider(uint64_t id) {
    if (id == 0 || ctx_.directory.find_provider(id) == nullptr) return std::nullopt;
    out_.providers.insert(id);
    return static_cast<int64_t>(id);
  }
  std::optional<int64_t> care_site(uint64_t id) {
    if (id == 0 || ctx_.directory.find_organization(id) == nullptr) return std::nullopt;
    out_.organizations.insert(id);
    return static_cast<int64_t>(id);
  }
  std::optional<int64_t> visit_id(uint32_t encounter) const {
    if (encounter >= p_.encounters.size()) return std::nullopt;
    return record::event_id(p_.person.index, encounter);
  }
  uint64_t encounter_provider(uint32_t encounter) const {
    return encounter < p_.encounters.size() ? p_.encounters[encounter].provider_id : 0;
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
        .text(record::resource_uuid("Patient", person.index, 0).str())
        .text(gender_source(person.sex))
        .concept_id(0)
        .text(race_source(person.race))
        .concept_id(0)
        .text(hispanic ? "hispanic" : "nonhispanic")
        .concept_id(0)
        .end();
  }

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
    row(PatientTable::kObservationPeriod)
        .integer(record::event_id(p_.person.index, 0))
        .integer(person_id_)
        .date(start)
        .date(end)
        .concept_id(kEhr)
        .end();
  }

  void visit(size_t i) {
    const record::Encounter& e = p_.encounters[i];
    const CodeMapping source = map(e.type);
    const Instant end = std::max(e.start, e.end);
    row(PatientTable::kVisitOccurrence)
        .integer(record::event_id(p_.person.index, i))
        .integer(person_id_)
        .concept_id(visit_concept(e.encounter_class))
        .date(e.start.date())
        .datetime(e.start)
        .date(end.date())
        .datetime(end)
        .concept_id(kEhr)
        .integer(provider(e.provider_id))
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

  struct Value {
    const record::Code& code;
    const std::optional<record::Quantity>& quantity;
    const std::optional<record::Code>& value_code;
    const std::optional<std::string>* value_text;
  };

  void measurements() {
    uint64_t ordinal = 0;
    static const std::optional<std::string> kNoText;
    for (const record::Observation& o : p_.observations) {
      const bool has_value = o.quantity || o.value_code || o.value_text;
      if (has_value || o.components.empty()) {
        measurement(o, {o.code, o.quantity, o.value_code, &o.value_text}, ordinal++);
      }
      for (const record::ObservationComponent& c : o.components) {
        measurement(o, {c.code, c.quantity, c.value_code, &kNoText}, ordinal++);
      }
    }
  }

  void measurement(const record::Observation& o, const Value& v, uint64_t ordinal) {
    const CodeMapping code = map(v.code);
    const int32_t concept_id = standard(code, "Measurement");
    std::optional<int32_t> value_concept;
    std::string value_source;
    if (v.quantity) value_source = format_number(v.quantity->value, v.quantity->decimals);
    if (v.value_code) {
      const CodeMapping m = map(*v.value_code);
      value_concept = m.standard ? m.standard->concept_id : 0;
      if (!m.standard) ++out_.unmapped;
      value_source = v.value_code->code;
    } else if (v.value_text->has_value()) {
      value_source = **v.value_text;
    }
    CodeMapping unit;
    std::optional<int32_t> unit_concept;
    if (v.quantity && !v.quantity->unit.empty()) {
      unit = ctx_.vocabulary.map("UCUM", v.quantity->unit);
      unit_concept = standard(unit, "Unit");
    }
    CsvRow r = row(PatientTable::kMeasurement);
    r.integer(record::event_id(p_.person.index, ordinal))
        .integer(person_id_)
        .concept_id(concept_id)
        .date(o.effective.date())
        .datetime(o.effective)
        .null()  // measurement_time
        .concept_id(kEhr)
        .null();  // operator_concept_id
    if (v.quantity)
      r.number(v.quantity->value, v.quantity->decimals);
    else
      r.null();
    if (value_concept)
      r.concept_id(*value_concept);
    else
      r.null();
    if (unit_concept)
      r.concept_id(*unit_concept);
    else
      r.null();
    r.null()  // range_low
        .null()
        .integer(provider(encounter_provider(o.encounter)))
        .integer(visit_id(o.encounter))
        .null()  // visit_detail_id
        .text(v.code.code)
        .concept_id(code.source_concept_id);
    if (v.quantity && !v.quantity->unit.empty())
      r.text(v.quantity->unit);
    else
      r.null();
    if (unit_concept)
      r.concept_id(unit.source_concept_id);
    else
      r.null();
    if (value_source.empty())
      r.null();
    else
      r.text(value_source);
    r.null()  // measurement_event_id
        .null()
        .end();
  }

  void drug_exposure(size_t i) {
    const record::Immunization& imm = p_.immunizations[i];
    const CodeMapping code = map(imm.code);
    row(PatientTable::kDrugExposure)
        .integer(record::event_id(p_.person.index, i))
        .integer(person_id_)
        .concept_id(standard(code, "Drug"))
        .date(imm.date.date())
        .datetime(imm.date)
        .date(imm.date.date())
        .datetime(imm.date)
        .null()  // verbatim_end_date
        .concept_id(kEhr)
        .null()  // stop_reason
        .null()  // refills
        .null()  // quantity
        .null()  // days_supply
        .null()  // sig
        .null()  // route_concept_id
        .null()  // lot_number
        .integer(provider(encounter_provider(imm.encounter)))
        .integer(visit_id(imm.encounter))
        .null()  // visit_detail_id
        .text(imm.code.code)
        .concept_id(code.source_concept_id)
        .null()  // route_source_value
        .null()  // dose_unit_source_value
        .end();
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
    CsvRow r = row(PatientTable::kLocation);
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
};

}  // namespace

std::string_view table_name(PatientTable table) {
  return kTableNames[static_cast<size_t>(table)];
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

void render_patient(const record::PatientRecord& patient, const RenderContext& context,
                    PatientRows& out) {
  PatientRenderer(patient, context, out).run();
}

}  // namespace fos::omop
