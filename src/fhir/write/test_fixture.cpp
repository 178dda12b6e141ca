// Hand-made records and helpers for the fhir/write tests.
#include "fhir/write/test_fixture.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <span>

namespace fos::fhir::testing {
namespace {

using record::Code;
using record::CodeSystem;
using record::ObservationCategory;
using record::Quantity;

constexpr uint64_t kHospital = 1001;
constexpr uint64_t kClinic = 1002;
constexpr uint64_t kUnusedOrg = 1003;
constexpr uint64_t kDrLopez = 2001;
constexpr uint64_t kDrChen = 2002;
constexpr uint64_t kUnusedProvider = 2003;

Code loinc(std::string_view code, std::string_view display) {
  return {CodeSystem::kLoinc, record::Text(code), record::Text(display)};
}

Code snomed(std::string_view code, std::string_view display) {
  return {CodeSystem::kSnomed, record::Text(code), record::Text(display)};
}

Code cvx(std::string_view code, std::string_view display) {
  return {CodeSystem::kCvx, record::Text(code), record::Text(display)};
}

record::Observation vital(uint32_t encounter, Instant at, Code code, double value, int decimals,
                          std::string unit) {
  record::Observation obs;
  obs.encounter = encounter;
  obs.category = ObservationCategory::kVitalSigns;
  obs.code = std::move(code);
  obs.effective = at;
  obs.quantity = Quantity{value, decimals, std::move(unit)};
  return obs;
}

Code rxnorm(std::string_view code, std::string_view display) {
  return {CodeSystem::kRxnorm, record::Text(code), record::Text(display)};
}

record::Observation lab(uint32_t encounter, Instant at, Code code, double value, int decimals,
                        std::string unit) {
  record::Observation obs = vital(encounter, at, std::move(code), value, decimals, std::move(unit));
  obs.category = ObservationCategory::kLaboratory;
  return obs;
}

// One of each clinical entry, on the adult's two visits: a chronic condition treated with a
// medication and a care plan, an acute one that resolved, procedures, an allergy, a device,
// a lab report over two lab results, an imaging study and supplies.
void add_clinical_entries(record::PatientRecord& r, Instant visit1, Instant visit2) {
  const Code diabetes = snomed("44054006", "Type 2 diabetes mellitus");
  const Code sinusitis = snomed("444814009", "Viral sinusitis (disorder)");
  r.conditions.push_back({0, diabetes, visit1, std::nullopt});
  r.conditions.push_back({1, sinusitis, visit2, visit2.plus_days(12)});
  r.conditions.push_back(
      {0, snomed("162864005", "Body mass index 30+ - obesity (finding)"), visit1, std::nullopt});

  record::Medication metformin;
  metformin.encounter = 0;
  metformin.code =
      rxnorm("860975", "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet");
  metformin.start = visit1;
  metformin.reason = diabetes;
  metformin.dose = 1;
  metformin.frequency = 2;
  metformin.period = 1;
  metformin.period_unit = "d";
  metformin.chronic = true;
  r.medications.push_back(metformin);
  record::Medication acetaminophen;
  acetaminophen.encounter = 1;
  acetaminophen.code = rxnorm("313782", "acetaminophen 325 MG Oral Tablet");
  acetaminophen.start = visit2;
  acetaminophen.stop = visit2.plus_days(7);
  acetaminophen.reason = snomed("36971009", "Sinusitis (disorder)");  // no such condition
  acetaminophen.dose = 2;
  acetaminophen.frequency = 4;
  acetaminophen.period = 1;
  acetaminophen.period_unit = "d";
  acetaminophen.as_needed = true;
  r.medications.push_back(acetaminophen);

  r.procedures.push_back({0, snomed("430193006", "Medication Reconciliation (procedure)"), visit1,
                          visit1.plus_minutes(15), std::nullopt});
  r.procedures.push_back({1, snomed("399208008", "Plain chest X-ray (procedure)"), visit2,
                          visit2.plus_minutes(20), sinusitis});

  record::Allergy mold;
  mold.encounter = 0;
  mold.code = snomed("419474003", "Allergy to mold");
  mold.category = record::AllergyCategory::kEnvironment;
  mold.onset = visit1;
  mold.reactions = {snomed("247472004", "Wheal (finding)"),
                    snomed("878820003", "Rhinoconjunctivitis (disorder)")};
  r.allergies.push_back(mold);

  record::CarePlan plan;
  plan.encounter = 0;
  plan.code = snomed("698360004", "Diabetes self management plan");
  plan.start = visit1;
  plan.activities = {snomed("160670007", "Diabetic diet"), snomed("229065009", "Exercise therapy")};
  plan.reason = diabetes;
  r.care_plans.push_back(plan);

  r.devices.push_back({0, snomed("337414009", "Blood glucose meter (physical object)"), visit1,
                       std::nullopt,
                       "(01)51022222233336(11)190510(17)440510(10)7212758(21)9824713"});

  const auto first_lab = static_cast<uint32_t>(r.observations.size());
  r.observations.push_back(
      lab(0, visit1, loinc("2339-0", "Glucose [Mass/volume] in Blood"), 131.2, 1, "mg/dL"));
  r.observations.push_back(
      lab(0, visit1, loinc("38483-4", "Creatinine [Mass/volume] in Blood"), 1.05, 2, "mg/dL"));
  r.reports.push_back(
      {0, loinc("51990-0", "Basic metabolic panel - Blood"), visit1, {first_lab, first_lab + 1}});

  record::ImagingStudy xray;
  xray.encounter = 1;
  xray.started = visit2.plus_minutes(5);
  xray.procedure = snomed("399208008", "Plain chest X-ray (procedure)");
  xray.modality = {CodeSystem::kDicomDcm, "DX", "Digital Radiography"};
  xray.body_site = snomed("51185008", "Thoracic structure (body structure)");
  xray.sop_class = {CodeSystem::kDicomSop, "1.2.840.10008.5.1.4.1.1.1.1",
                    "Digital X-Ray Image Storage - For Presentation"};
  xray.instances = 2;
  r.imaging_studies.push_back(xray);

  r.supplies.push_back(
      {0, snomed("337388004", "Blood glucose testing strips (physical object)"), visit1, 50});
}

record::Observation blood_pressure(uint32_t encounter, Instant at, double systolic,
                                   double diastolic) {
  record::Observation obs;
  obs.encounter = encounter;
  obs.code = loinc("85354-9", "Blood pressure panel with all children optional");
  obs.effective = at;
  obs.components.push_back(
      {loinc("8480-6", "Systolic blood pressure"), Quantity{systolic, 0, "mm[Hg]"}, std::nullopt});
  obs.components.push_back({loinc("8462-4", "Diastolic blood pressure"),
                            Quantity{diastolic, 0, "mm[Hg]"}, std::nullopt});
  return obs;
}

record::Encounter encounter(record::EncounterClass cls, Code type, Instant start, int minutes,
                            uint64_t provider, uint64_t organization) {
  record::Encounter enc;
  enc.encounter_class = cls;
  enc.type = std::move(type);
  enc.start = start;
  enc.end = start.plus_minutes(minutes);
  enc.provider_id = provider;
  enc.organization_id = organization;
  return enc;
}

record::Address address(std::string line, std::string city, std::string zip, double lat,
                        double lon) {
  record::Address a;
  a.line = std::move(line);
  a.city = std::move(city);
  a.state = "MA";
  a.postal_code = std::move(zip);
  a.county = "Middlesex County";
  a.latitude = lat;
  a.longitude = lon;
  return a;
}

}  // namespace

record::ProviderDirectory fixture_directory() {
  std::vector<record::Organization> orgs = {
      {kHospital, "Middlesex General Hospital", record::OrganizationType::kHospital,
       address("1 Hospital Rd", "Lowell", "01852", 42.6334, -71.3162), "978-555-0100"},
      {kClinic, "Maple Street \"Family\" Clinic", record::OrganizationType::kPrimaryCare,
       address("22 Maple St", "Cambridge", "02139", 42.3736, -71.1097), "617-555-0142"},
      {kUnusedOrg, "Unused Urgent Care", record::OrganizationType::kUrgentCare,
       address("9 Elm St", "Boston", "02108", 42.3601, -71.0589), ""},
  };
  std::vector<record::Provider> providers = {
      {kDrLopez,
       {"Dr.", "Ana", "Lopez", ""},
       record::Sex::kFemale,
       {CodeSystem::kNucc, "207Q00000X", "Family Medicine"},
       kClinic},
      {kDrChen,
       {"Dr.", "Wei", "Chen", "MD"},
       record::Sex::kMale,
       {CodeSystem::kNucc, "207R00000X", "Internal Medicine"},
       kHospital},
      {kUnusedProvider,
       {"Dr.", "Sam", "Unused", ""},
       record::Sex::kMale,
       {CodeSystem::kNucc, "208000000X", "Pediatrics"},
       kUnusedOrg},
  };
  return record::ProviderDirectory(std::move(orgs), std::move(providers));
}

record::PatientRecord fixture_adult() {
  record::PatientRecord r;
  record::Person& p = r.person;
  p.index = 7;
  p.birth_date = Date::from_civil(1941, 3, 14);
  p.birth_time = Instant::at(p.birth_date, 6, 30);
  p.death = Instant::at(Date::from_civil(2020, 11, 2), 4, 15);
  p.sex = record::Sex::kFemale;
  p.race = record::Race::kBlack;
  p.ethnicity = record::Ethnicity::kNotHispanic;
  p.name = {"Mrs.", "Margaret", "O'Neil", ""};
  p.maiden_name = "Baker";
  p.identifiers = {{record::IdentifierType::kMedicalRecord, "MRN-000007"},
                   {record::IdentifierType::kSocialSecurity, "999-45-6789"},
                   {record::IdentifierType::kDriversLicense, "S99912345"},
                   {record::IdentifierType::kPassport, "X12345678"}};
  p.address = address("14 Oak Ave", "Cambridge", "02138", 42.381, -71.1224);
  p.phone = "555-201-4478";
  p.marital_status = record::MaritalStatus::kWidowed;

  const Instant visit1 = Instant::at(Date::from_civil(2019, 5, 10), 9, 0);
  const Instant visit2 = Instant::at(Date::from_civil(2020, 2, 3), 14, 20);
  r.encounters.push_back(
      encounter(record::EncounterClass::kWellness,
                snomed("162673000", "General examination of patient (procedure)"), visit1, 30,
                kDrLopez, kClinic));
  record::Encounter urgent = encounter(record::EncounterClass::kUrgentCare,
                                       snomed("702927004", "Urgent care clinic (environment)"),
                                       visit2, 45, kDrChen, kHospital);
  urgent.reason = snomed("444814009", "Viral sinusitis (disorder)");
  r.encounters.push_back(urgent);

  r.observations.push_back(vital(0, visit1, loinc("8302-2", "Body Height"), 162.5, 1, "cm"));
  r.observations.push_back(vital(0, visit1, loinc("29463-7", "Body Weight"), 70.25, 1, "kg"));
  r.observations.push_back(
      vital(0, visit1, loinc("39156-5", "Body mass index (BMI) [Ratio]"), 26.6, 1, "kg/m2"));
  r.observations.push_back(blood_pressure(0, visit1, 128, 82));
  r.observations.push_back(vital(0, visit1, loinc("8867-4", "Heart rate"), 72, 0, "/min"));
  r.observations.push_back(vital(1, visit2, loinc("8310-5", "Body temperature"), 38.0, 1, "Cel"));
  r.observations.push_back(vital(1, visit2, loinc("9279-1", "Respiratory rate"), 18, 0, "/min"));

  r.immunizations.push_back(
      {0, cvx("140", "Influenza, seasonal, injectable, preservative free"), visit1});
  r.immunizations.push_back({0, cvx("113", "Td (adult) preservative free"), visit1});
  add_clinical_entries(r, visit1, visit2);
  return r;
}

record::PatientRecord fixture_child() {
  record::PatientRecord r;
  record::Person& p = r.person;
  p.index = 8;
  p.birth_date = Date::from_civil(2018, 7, 1);
  p.birth_time = Instant::at(p.birth_date, 22, 5);
  p.sex = record::Sex::kMale;
  p.gender_identity = record::GenderIdentity::kMan;
  p.race = record::Race::kPacificIslander;
  p.ethnicity = record::Ethnicity::kHispanic;
  p.name = {"", "Leo", "Kahale", ""};
  p.identifiers = {{record::IdentifierType::kMedicalRecord, "MRN-000008"}};
  p.address = address("3 Pine Ct", "Lowell", "01851", 42.64, -71.31);
  p.language = "es";
  p.language_display = "Spanish";

  const Instant visit = Instant::at(Date::from_civil(2019, 1, 2), 10, 0);
  r.encounters.push_back(encounter(record::EncounterClass::kWellness,
                                   snomed("410620009", "Well child visit (procedure)"), visit, 20,
                                   kDrLopez, kClinic));
  r.observations.push_back(vital(0, visit, loinc("8302-2", "Body Height"), 71.0, 1, "cm"));
  r.observations.push_back(vital(0, visit, loinc("29463-7", "Body Weight"), 8.9, 1, "kg"));
  r.observations.push_back(
      vital(0, visit, loinc("9843-4", "Head Occipital-frontal circumference"), 45.2, 1, "cm"));
  r.immunizations.push_back({0, cvx("08", "Hep B, adolescent or pediatric"), visit});
  r.immunizations.push_back({0, cvx("20", "DTaP"), visit});
  r.immunizations.push_back({0, cvx("10", "IPV"), visit});
  return r;
}

std::vector<record::PatientRecord> fixture_patients() {
  return {fixture_adult(), fixture_child()};
}

std::vector<record::PatientRecord> fixture_variants() {
  std::vector<record::PatientRecord> out;
  for (int v = 0; v < 6; ++v) {
    record::PatientRecord r = v % 2 ? fixture_adult() : fixture_child();
    r.person.index = 20 + static_cast<uint64_t>(v);
    r.person.race = static_cast<record::Race>(v);
    r.person.ethnicity = static_cast<record::Ethnicity>(v % 2);
    r.person.marital_status = static_cast<record::MaritalStatus>(v % 5);
    r.person.gender_identity = static_cast<record::GenderIdentity>(v % 5);
    r.person.identifiers.push_back(
        {static_cast<record::IdentifierType>(v % 4), "ID-" + std::to_string(v)});
    r.person.address.state = v == 5 ? "ZZ" : "AL";  // unknown state: fallback license system
    r.encounters[0].encounter_class = static_cast<record::EncounterClass>(v);
    if (v == 4) {
      r.encounters[0].provider_id = 0;
      r.encounters[0].organization_id = 0;
    }
    for (size_t i = 0; i < r.observations.size(); ++i) {
      r.observations[i].category = static_cast<ObservationCategory>((v + i) % 7);
    }
    record::Observation coded;
    coded.category = ObservationCategory::kSurvey;
    coded.code = loinc("72166-2", "Tobacco smoking status");
    coded.effective = r.encounters[0].start;
    coded.value_code = snomed("266919005", "Never smoked tobacco (finding)");
    r.observations.push_back(coded);
    record::Observation text;
    text.category = ObservationCategory::kLaboratory;
    text.code = loinc("5778-6", "Color of Urine");
    text.effective = r.encounters[0].start;
    text.value_text = "yellow";
    r.observations.push_back(text);
    record::Allergy allergy;
    allergy.code = snomed("91935009", "Allergy to peanut");
    allergy.category = static_cast<record::AllergyCategory>(v % 4);
    allergy.onset = r.encounters[0].start;
    if (v % 2 == 0) allergy.resolved = allergy.onset.plus_days(400);
    r.allergies.push_back(allergy);
    for (auto& m : r.medications) {  // no timing, only as-needed; then dose only
      m.frequency = 0;
      m.as_needed = v == 1;
      m.dose = v == 3 ? 1.5 : 0;
    }
    for (auto& d : r.devices) d.udi = v == 5 ? "" : "UDI-" + std::to_string(v);
    for (auto& plan : r.care_plans) plan.stop = plan.start.plus_days(90);
    out.push_back(std::move(r));
  }
  return out;
}

FhirWriteOptions fixture_options(FhirLayout layout) {
  FhirWriteOptions options;
  options.layout = layout;
  options.transaction_time = Instant::at(Date::from_civil(2024, 1, 1));
  return options;
}

record::OutputCounts write_all(const std::filesystem::path& dir,
                               const record::ProviderDirectory& directory,
                               const FhirWriteOptions& options,
                               const std::vector<record::PatientRecord>& patients,
                               size_t block_size) {
  auto sink = make_fhir_sink(dir, directory, options);
  std::span<const record::PatientRecord> all(patients);
  for (size_t i = 0; i < all.size(); i += block_size) {
    sink->write(sink->render(all.subspan(i, std::min(block_size, all.size() - i))));
  }
  sink->finish();
  return sink->counts();
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::path(::testing::TempDir()) /
          ("fos-fhir-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> list_files(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(std::filesystem::relative(e.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void collect_references(simdjson::dom::element element, std::vector<std::string>& out) {
  if (element.is_array()) {
    for (auto child : element.get_array()) collect_references(child, out);
    return;
  }
  if (!element.is_object()) return;
  for (auto field : element.get_object()) {
    if (field.key == "reference" && field.value.is_string()) {
      out.emplace_back(std::string_view(field.value.get_string()));
    } else {
      collect_references(field.value, out);
    }
  }
}

}  // namespace fos::fhir::testing
