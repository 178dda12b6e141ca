// The hand-made OMOP test population.
#include "omop/write/test_fixture.hpp"

#include <algorithm>

#include "record/ids.hpp"

namespace fos::omop::testing {
namespace {

using namespace fos::record;

const uint64_t kClinic = stable_id("org/Elm Street Clinic");
const uint64_t kHospital = stable_id("org/General Hospital");
const uint64_t kUrgent = stable_id("org/QuickCare");
const uint64_t kUnused = stable_id("org/Unused");
const uint64_t kPediatrician = stable_id("provider/pediatrician");
const uint64_t kInternist = stable_id("provider/internist");
const uint64_t kUnusedProvider = stable_id("provider/unused");

Code loinc(std::string_view code, std::string_view display) {
  return {CodeSystem::kLoinc, record::Text(code), record::Text(display)};
}

Observation vital(uint32_t encounter, Instant at, Code code, double value, int decimals,
                  std::string unit) {
  Observation o;
  o.encounter = encounter;
  o.code = std::move(code);
  o.effective = at;
  o.quantity = Quantity{value, decimals, std::move(unit)};
  return o;
}

Code snomed(std::string_view code, std::string_view display) {
  return {CodeSystem::kSnomed, record::Text(code), record::Text(display)};
}

Medication medication(uint32_t encounter, std::string_view rxnorm, std::string_view display,
                      Instant start, std::optional<Instant> stop) {
  Medication m;
  m.encounter = encounter;
  m.code = {CodeSystem::kRxnorm, record::Text(rxnorm), record::Text(display)};
  m.start = start;
  m.stop = stop;
  return m;
}

// The adult's clinical entries (see test_fixture.hpp for what they exercise).
void add_clinical_entries(PatientRecord& p) {
  const Instant well = p.encounters[0].start;
  const Instant urgent = p.encounters[1].start;
  const Code sinusitis = snomed("444814009", "Viral sinusitis (disorder)");
  p.conditions.push_back({0, snomed("44054006", "Type 2 diabetes mellitus"), well, std::nullopt});
  p.conditions.push_back({1, sinusitis, urgent, urgent.plus_days(10)});
  p.conditions.push_back({1, sinusitis, urgent.plus_days(40), urgent.plus_days(45)});  // 30-day gap
  p.conditions.push_back(
      {0, snomed("162864005", "Body mass index 30+ - obesity (finding)"), well, std::nullopt});
  p.conditions.push_back({0, snomed("15777000", "Prediabetes"), well, std::nullopt});
  p.conditions.push_back({1, snomed("999999999", "Not a real code"), urgent, std::nullopt});

  p.medications.push_back(
      medication(0, "314076", "lisinopril 10 MG Oral Tablet", well, std::nullopt));
  p.medications.push_back(
      medication(1, "313782", "acetaminophen 325 MG Oral Tablet", urgent, urgent.plus_days(7)));
  p.medications.push_back(medication(1, "313782", "acetaminophen 325 MG Oral Tablet",
                                     urgent.plus_days(20), urgent.plus_days(27)));
  p.medications.push_back(
      medication(0, "860975", "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet",
                 well, well.plus_days(90)));

  p.procedures.push_back({0, snomed("430193006", "Medication Reconciliation (procedure)"), well,
                          well.plus_minutes(10), std::nullopt});
  p.procedures.push_back({0, snomed("171207006", "Depression screening (procedure)"), well,
                          well.plus_minutes(5), std::nullopt});

  Allergy mold;
  mold.encounter = 0;
  mold.code = snomed("419474003", "Allergy to mold");
  mold.onset = well;
  mold.reactions = {snomed("247472004", "Wheal (finding)")};
  p.allergies.push_back(mold);

  p.devices.push_back({0, snomed("72506001", "Implantable defibrillator"), well, std::nullopt,
                       "(01)12345678901234(11)210708(10)LOT-7"});
  p.supplies.push_back({1, snomed("261352009", "Face mask (physical object)"), urgent, 2});
}

PatientRecord child() {
  PatientRecord p;
  p.person.index = 0;
  p.person.birth_date = Date::from_civil(2015, 3, 4);
  p.person.birth_time = Instant::at(p.person.birth_date, 10, 20, 30);
  p.person.sex = Sex::kFemale;
  p.person.race = Race::kWhite;
  p.person.ethnicity = Ethnicity::kNotHispanic;
  p.person.address = {"12 Elm St, Apt \"3\"",         "Springfield", "MA",      "01101",
                      "Prince George's Outer County", "US",          42.101234, -72.589811};
  Encounter e;
  e.encounter_class = EncounterClass::kWellness;
  e.type = {CodeSystem::kSnomed, "410620009", "Well child visit (procedure)"};
  e.start = Instant::at(Date::from_civil(2020, 5, 6), 9, 0, 0);
  e.end = e.start.plus_minutes(15);
  e.provider_id = kPediatrician;
  e.organization_id = kClinic;
  p.encounters.push_back(e);
  const Instant at = e.start;
  p.observations.push_back(vital(0, at, loinc("8302-2", "Body Height"), 112.35, 1, "cm"));
  p.observations.push_back(vital(0, at, loinc("29463-7", "Body Weight"), 19.04, 1, "kg"));
  p.observations.push_back(vital(0, at, loinc("59576-9", "BMI percentile"), 48.0, 1, "%"));
  Observation bp;
  bp.encounter = 0;
  bp.code = loinc("85354-9", "Blood pressure panel with all children optional");
  bp.effective = at;
  bp.components.push_back(
      {loinc("8480-6", "Systolic blood pressure"), Quantity{104, 0, "mm[Hg]"}, {}});
  bp.components.push_back(
      {loinc("8462-4", "Diastolic blood pressure"), Quantity{67, 0, "mm[Hg]"}, {}});
  p.observations.push_back(bp);
  p.observations.push_back(vital(0, at, loinc("8867-4", "Heart rate"), 88, 0, "/min"));
  p.immunizations.push_back({0, {CodeSystem::kCvx, "20", "DTaP"}, at});
  p.immunizations.push_back({0, {CodeSystem::kCvx, "08", "Hep B, adolescent or pediatric"}, at});
  p.conditions.push_back(
      {0, snomed("444814009", "Viral sinusitis (disorder)"), at, at.plus_days(12)});
  return p;
}

PatientRecord adult() {
  PatientRecord p;
  p.person.index = 1;
  p.person.birth_date = Date::from_civil(1950, 12, 31);
  p.person.birth_time = Instant::at(p.person.birth_date, 23, 59, 59);
  p.person.death = Instant::at(Date::from_civil(2023, 1, 2), 4, 5, 6);
  p.person.sex = Sex::kMale;
  p.person.race = Race::kOther;
  p.person.ethnicity = Ethnicity::kHispanic;
  p.person.address = {"1 Main St", "Boston", "MA", "02108", "", "US", 0, 0};
  Encounter well;
  well.encounter_class = EncounterClass::kWellness;
  well.type = {CodeSystem::kSnomed, "162673000", "General examination of patient (procedure)"};
  well.start = Instant::at(Date::from_civil(2021, 7, 8), 14, 30, 0);
  well.end = well.start.plus_minutes(30);
  well.provider_id = kInternist;
  well.organization_id = kHospital;
  p.encounters.push_back(well);
  Encounter urgent;
  urgent.encounter_class = EncounterClass::kUrgentCare;
  urgent.type = {CodeSystem::kSnomed, "702927004", "Urgent care clinic"};
  urgent.start = Instant::at(Date::from_civil(2022, 2, 28), 23, 50, 0);
  urgent.end = urgent.start.plus_minutes(20);  // crosses midnight
  urgent.organization_id = kUrgent;
  p.encounters.push_back(urgent);
  p.observations.push_back(
      vital(0, well.start, loinc("8310-5", "Body temperature"), 36.9, 1, "Cel"));
  p.observations.push_back(
      vital(1, urgent.start, loinc("0000-0", "Not a real code"), -0.04, 1, "furlong"));
  Observation smoking;
  smoking.encounter = 1;
  smoking.category = ObservationCategory::kSocialHistory;
  smoking.code = loinc("72166-2", "Tobacco smoking status");
  smoking.effective = urgent.start;
  smoking.value_text = "Never smoked, \"really\"";
  p.observations.push_back(smoking);
  p.immunizations.push_back({0, {CodeSystem::kCvx, "140", "Influenza"}, well.start});
  p.immunizations.push_back({1, {CodeSystem::kCvx, "999", "Unknown vaccine"}, urgent.start});
  add_clinical_entries(p);
  return p;
}

PatientRecord no_visits() {
  PatientRecord p;
  p.person.index = 2;
  p.person.birth_date = Date::from_civil(2000, 2, 29);
  p.person.birth_time = Instant::at(p.person.birth_date);
  p.person.sex = Sex::kFemale;
  p.person.race = Race::kAsian;
  p.person.address = {"", "", "", "", "", "", 0, 0};
  return p;
}

Provider provider(uint64_t id, std::string given, std::string family, Sex sex,
                  std::string_view taxonomy, uint64_t org) {
  Provider p;
  p.id = id;
  p.name = {"Dr.", std::move(given), std::move(family), ""};
  p.sex = sex;
  p.specialty = {CodeSystem::kNucc, record::Text(taxonomy), ""};
  p.organization_id = org;
  return p;
}

}  // namespace

ProviderDirectory fixture_directory() {
  std::vector<Organization> orgs = {
      {kClinic,
       "Elm Street Clinic, LLC",
       OrganizationType::kPrimaryCare,
       {"5 Elm St", "Springfield", "MA", "01101", "", "US", 42.1, -72.58},
       "555-0100"},
      {kHospital,
       "General Hospital",
       OrganizationType::kHospital,
       {"100 Main St", "Boston", "MA", "02108", "Suffolk County", "US", 42.36, -71.06},
       ""},
      {kUrgent,
       "QuickCare",
       OrganizationType::kUrgentCare,
       {"7 Oak Ave", "Boston", "MA", "02110", "", "US", 0, 0},
       ""},
      {kUnused, "Unused Clinic", OrganizationType::kPrimaryCare, {}, ""},
  };
  std::vector<Provider> providers = {
      provider(kPediatrician, "Ana", "O'Neil", Sex::kFemale, "208000000X", kClinic),
      provider(kInternist, "Raj", "Patel", Sex::kMale, "207R00000X", kHospital),
      provider(kUnusedProvider, "Zed", "Unused", Sex::kMale, "208D00000X", kUnused),
  };
  return ProviderDirectory(std::move(orgs), std::move(providers));
}

std::vector<PatientRecord> fixture_patients() {
  return {child(), adult(), no_visits()};
}

Date fixture_reference_date() {
  return Date::from_civil(2024, 1, 1);
}

OutputCounts write_fixture(const std::filesystem::path& root, std::vector<OmopFormat> formats,
                           size_t block_size) {
  static const ProviderDirectory kDirectory = fixture_directory();
  const std::vector<PatientRecord> patients = fixture_patients();
  OmopWriteOptions options;
  options.formats = std::move(formats);
  options.reference_date = fixture_reference_date();
  auto sink = make_omop_sink(root, kDirectory, options);
  for (size_t first = 0; first < patients.size(); first += block_size) {
    const size_t n = std::min(block_size, patients.size() - first);
    sink->write(sink->render(std::span(patients).subspan(first, n)));
  }
  sink->finish();
  return sink->counts();
}

}  // namespace fos::omop::testing
