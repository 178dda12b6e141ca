// fhir2omop tests: hand-written FHIR (Synthea-like bundle and NDJSON) converted to CDM rows,
// bad input counted in the mapping report, element readers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "core/error.hpp"
#include "core/output.hpp"
#include "fhir2omop/agreement.hpp"
#include "fhir2omop/elements.hpp"
#include "fhir2omop/fhir2omop.hpp"
#include "fhir2omop/mappers.hpp"
#include "fhir2omop/patient_input.hpp"
#include "fhir2omop/vocab_folder.hpp"
#include "lake/duckdb/db.hpp"
#include "omop/cdm/cdm.hpp"
#include "record/ids.hpp"

namespace fos::fhir2omop {
namespace {

namespace fs = std::filesystem;

class Fhir2OmopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fos-f2o-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / "in" / name) << text;
  }
  MappingReport run() {
    ConvertOptions options;
    options.inputs = {dir_ / "in"};
    options.reference_date = *Date::parse("2025-01-01");
    return convert(options, dir_ / "out");
  }
  std::string table(const std::string& name) { return read_file(dir_ / "out" / "omop" / name); }

  fs::path dir_;
};

constexpr const char* kPatient =
    R"({"resourceType":"Patient","id":"p1","gender":"male","birthDate":"1980-02-03",)"
    R"("deceasedDateTime":"2024-05-06T07:08:09Z"})";
constexpr const char* kEncounter =
    R"({"resourceType":"Encounter","id":"e1","class":{"code":"EMER"},"subject":{"reference":"Patient/p1"},)"
    R"("period":{"start":"2020-01-01T10:00:00Z","end":"2020-01-01T12:00:00Z"}})";

TEST_F(Fhir2OmopTest, ConvertsPatientEncounterAndObservationFromNdjson) {
  write("Patient.ndjson", std::string(kPatient) + "\n");
  write("Encounter.ndjson", std::string(kEncounter) + "\n");
  write("Observation.ndjson",
        R"({"resourceType":"Observation","id":"o1","subject":{"reference":"Patient/p1"},)"
        R"("encounter":{"reference":"Encounter/e1"},"effectiveDateTime":"2020-01-01T10:30:00Z",)"
        R"("code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]},)"
        R"("valueQuantity":{"value":170.50,"unit":"cm","code":"cm"}})"
        "\n");
  const MappingReport report = run();
  EXPECT_EQ(report.persons, 1U);
  const std::string person = table("person.csv");
  EXPECT_NE(person.find("\n1,8507,1980,2,3,1980-02-03 00:00:00,"), std::string::npos) << person;
  EXPECT_NE(person.find(",p1,M,"), std::string::npos);
  EXPECT_NE(table("death.csv").find("1,2024-05-06,2024-05-06 07:08:09"), std::string::npos);
  const std::string visits = table("visit_occurrence.csv");
  EXPECT_NE(visits.find("\n1000000,1,9203,2020-01-01,"), std::string::npos) << visits;
  const std::string measurement = table("measurement.csv");
  EXPECT_NE(measurement.find("1000000,1,3036277,2020-01-01,2020-01-01 10:30:00,,32817,,170.50,"),
            std::string::npos)
      << measurement;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "mapping_report.json"));
  EXPECT_EQ(report.types().at("Observation").systems.at("http://loinc.org").standard, 1U);
}

TEST_F(Fhir2OmopTest, BundleWithUrnReferencesConverts) {
  write(
      "bundle.json",
      R"({"resourceType":"Bundle","type":"transaction","entry":[)"
      R"({"fullUrl":"urn:uuid:aaa","resource":{"resourceType":"Patient","id":"aaa","birthDate":"1990-01-01",)"
      R"("gender":"female"}},)"
      R"({"fullUrl":"urn:uuid:bbb","resource":{"resourceType":"Immunization","id":"bbb",)"
      R"("patient":{"reference":"urn:uuid:aaa"},"occurrenceDateTime":"2021-03-04T00:00:00Z",)"
      R"("vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"140"}]}}}]})");
  const MappingReport report = run();
  EXPECT_EQ(report.types().at("Immunization").converted, 1U);
  EXPECT_NE(table("drug_exposure.csv").find("\n1000000,1,40213154,2021-03-04,"), std::string::npos);
}

TEST_F(Fhir2OmopTest, MedicationStatementWithPeriodBecomesDrugExposure) {
  write("Patient.ndjson", std::string(kPatient) + "\n");
  write("MedicationStatement.ndjson",
        R"({"resourceType":"MedicationStatement","id":"m1","subject":{"reference":"Patient/p1"},)"
        R"("effectivePeriod":{"start":"2020-02-01T08:00:00Z","end":"2020-02-11T08:00:00Z"},)"
        R"("medicationCodeableConcept":{"coding":[{"system":)"
        R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"no-such-rxcui"}]}})"
        "\n");
  const MappingReport report = run();
  EXPECT_EQ(report.types().at("MedicationStatement").converted, 1U);
  const std::string rows = table("drug_exposure.csv");
  EXPECT_NE(rows.find("\n1000000,1,0,2020-02-01,2020-02-01 08:00:00,2020-02-11,2020-02-11 "
                      "08:00:00,2020-02-11,32817,,,,10,"),
            std::string::npos)
      << rows;
}

TEST_F(Fhir2OmopTest, MedicationReferenceTakesTheMedicationsCode) {
  write("Patient.ndjson", std::string(kPatient) + "\n");
  write("Medication.ndjson",
        R"({"resourceType":"Medication","id":"med1","code":{"coding":[{"system":)"
        R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"rx-shared"}]}})"
        "\n");
  const std::string subject = R"("subject":{"reference":"Patient/p1"},)";
  write(
      "MedicationRequest.ndjson",
      // a Medication resource of the input
      R"({"resourceType":"MedicationRequest","id":"r1",)" + subject +
          R"("authoredOn":"2020-03-01T08:00:00Z","medicationReference":{"reference":"Medication/med1"}})"
          "\n"
          // a contained Medication
          R"({"resourceType":"MedicationRequest","id":"r2",)" +
          subject +
          R"("contained":[{"resourceType":"Medication","id":"c1","code":{"coding":[{"system":)"
          R"("http://www.nlm.nih.gov/research/umls/rxnorm","code":"rx-contained"}]}}],)"
          R"("authoredOn":"2020-04-01T08:00:00Z","medicationReference":{"reference":"#c1"}})"
          "\n"
          // names no Medication
          R"({"resourceType":"MedicationRequest","id":"r3",)" +
          subject +
          R"("authoredOn":"2020-05-01T08:00:00Z","medicationReference":{"reference":"Medication/nope"}})"
          "\n");
  const MappingReport report = run();
  const TypeCounts& requests = report.types().at("MedicationRequest");
  EXPECT_EQ(requests.converted, 2U);
  EXPECT_EQ(requests.skipped.at(std::string(kUnknownMedication)), 1U);
  EXPECT_EQ(report.types().at("Medication").read, 1U);
  const std::string rows = table("drug_exposure.csv");
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 3) << rows;  // header + two rows
  EXPECT_NE(rows.find(",2020-03-01,"), std::string::npos) << rows;
  EXPECT_NE(rows.find(",rx-shared,"), std::string::npos) << rows;
  EXPECT_NE(rows.find(",2020-04-01,"), std::string::npos) << rows;
  EXPECT_NE(rows.find(",rx-contained,"), std::string::npos) << rows;
}

TEST_F(Fhir2OmopTest, MedicationInAPatientsBundleIsResolvedByUrn) {
  write(
      "bundle.json",
      R"({"resourceType":"Bundle","type":"transaction","entry":[)"
      R"({"fullUrl":"urn:uuid:aaa","resource":{"resourceType":"Patient","id":"aaa","birthDate":"1990-01-01",)"
      R"("gender":"female"}},)"
      R"({"fullUrl":"urn:uuid:mmm","resource":{"resourceType":"Medication","id":"mmm","code":{"coding":)"
      R"([{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"rx-bundle"}]}}},)"
      R"({"fullUrl":"urn:uuid:rrr","resource":{"resourceType":"MedicationRequest","id":"rrr",)"
      R"("subject":{"reference":"urn:uuid:aaa"},"authoredOn":"2021-03-04T00:00:00Z",)"
      R"("medicationReference":{"reference":"urn:uuid:mmm"}}}]})");
  const MappingReport report = run();
  EXPECT_EQ(report.types().at("MedicationRequest").converted, 1U);
  EXPECT_NE(table("drug_exposure.csv").find(",rx-bundle,"), std::string::npos)
      << table("drug_exposure.csv");
}

TEST_F(Fhir2OmopTest, BadInputIsCountedNotFatal) {
  write("Patient.ndjson", std::string(kPatient) + "\n" + kPatient + "\n" +
                              R"({"resourceType":"Patient","id":"p2","birthDate":"1980-13-45"})" +
                              "\n");
  write("Condition.ndjson",
        // no subject
        R"({"resourceType":"Condition","id":"c1","onsetDateTime":"2020-01-01T00:00:00Z",)"
        R"("code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006"}]}})"
        "\n"
        // dangling patient
        R"({"resourceType":"Condition","id":"c2","subject":{"reference":"Patient/nobody"},)"
        R"("onsetDateTime":"2020-01-01T00:00:00Z","code":{"coding":[{"code":"x"}]}})"
        "\n"
        // invalid date
        R"({"resourceType":"Condition","id":"c3","subject":{"reference":"Patient/p1"},)"
        R"("onsetDateTime":"yesterday","code":{"coding":[{"code":"x"}]}})"
        "\n"
        // unknown code system: kept with concept 0
        R"({"resourceType":"Condition","id":"c4","subject":{"reference":"Patient/p1"},)"
        R"("onsetDateTime":"2020-01-01T00:00:00Z",)"
        R"("code":{"coding":[{"system":"http://example.org/codes","code":"Z9"}]}})"
        "\n"
        // resources of a patient skipped for an invalid birth date are dangling
        R"({"resourceType":"Condition","id":"c5","subject":{"reference":"Patient/p2"},)"
        R"("onsetDateTime":"2020-01-01T00:00:00Z","code":{"coding":[{"code":"x"}]}})"
        "\n");
  const MappingReport report = run();
  const TypeCounts& patients = report.types().at("Patient");
  EXPECT_EQ(patients.read, 3U);
  EXPECT_EQ(patients.converted, 1U);
  EXPECT_EQ(patients.skipped.at(std::string(kDuplicateId)), 1U);
  EXPECT_EQ(patients.skipped.at(std::string(kInvalidDate)), 1U);
  const TypeCounts& conditions = report.types().at("Condition");
  EXPECT_EQ(conditions.read, 5U);
  EXPECT_EQ(conditions.converted, 1U);
  EXPECT_EQ(conditions.skipped.at(std::string(kNoSubject)), 1U);
  EXPECT_EQ(conditions.skipped.at(std::string(kDanglingReference)), 2U);
  EXPECT_EQ(conditions.skipped.at(std::string(kInvalidDate)), 1U);
  EXPECT_EQ(conditions.warnings.at("unknown code system"), 1U);
  EXPECT_EQ(conditions.systems.at("http://example.org/codes").concept_zero, 1U);
  const std::string rows = table("condition_occurrence.csv");
  EXPECT_NE(rows.find("\n1000000,1,0,2020-01-01,2020-01-01 00:00:00,,,32817,,,,,,Z9,0,\n"),
            std::string::npos)
      << rows;
  const std::string json = read_file(dir_ / "out" / "mapping_report.json");
  EXPECT_NE(json.find(R"("top_unmapped":[{"code":"Z9","count":1}])"), std::string::npos) << json;
}

TEST_F(Fhir2OmopTest, MalformedLineFailsUnlessSkipped) {
  write("Patient.ndjson", std::string(kPatient) + "\n{not json\n");
  EXPECT_THROW(run(), Error);
  ConvertOptions options;
  options.inputs = {dir_ / "in"};
  options.on_error = fhir::OnError::kSkip;
  const MappingReport report = convert(options, dir_ / "out2");
  EXPECT_EQ(report.malformed_lines, 1U);
  EXPECT_EQ(report.persons, 1U);
}

// Three patients; each NDJSON file lists resources in patient order (as fos and Synthea
// write Bulk Data), or not.
std::string patient_line(int p) {
  return R"({"resourceType":"Patient","id":"p)" + std::to_string(p) +
         R"(","gender":"female","birthDate":"1970-01-0)" + std::to_string(p) + R"("})";
}
std::string encounter_line(int p) {
  return R"({"resourceType":"Encounter","id":"e)" + std::to_string(p) +
         R"(","class":{"code":"AMB"},"subject":{"reference":"Patient/p)" + std::to_string(p) +
         R"("},"period":{"start":"2020-01-0)" + std::to_string(p) +
         R"(T10:00:00Z","end":"2020-01-0)" + std::to_string(p) + R"(T11:00:00Z"}})";
}
std::string observation_line(int p, int n) {
  return R"({"resourceType":"Observation","id":"o)" + std::to_string(p) + "-" + std::to_string(n) +
         R"(","subject":{"reference":"Patient/p)" + std::to_string(p) +
         R"("},"encounter":{"reference":"Encounter/e)" + std::to_string(p) +
         R"("},"effectiveDateTime":"2020-01-0)" + std::to_string(p) +
         R"(T10:30:00Z","code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]},)"
         R"("valueQuantity":{"value":)" +
         std::to_string(150 + n) + R"(,"unit":"cm","code":"cm"}})";
}

std::vector<std::string> omop_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir / "omop")) {
    out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Converts the input streamed (or held when `stream` is false) into `out`.
MappingReport convert_into(const fs::path& in, const fs::path& out, bool stream, unsigned threads) {
  ConvertOptions options;
  options.inputs = {in};
  options.reference_date = *Date::parse("2025-01-01");
  options.stream = stream;
  options.threads = threads;
  return convert(options, out);
}

void expect_same_output(const fs::path& a, const fs::path& b) {
  ASSERT_EQ(omop_files(a), omop_files(b));
  for (const std::string& name : omop_files(a)) {
    EXPECT_EQ(read_file(a / "omop" / name), read_file(b / "omop" / name)) << name;
  }
  EXPECT_EQ(read_file(a / "mapping_report.json"), read_file(b / "mapping_report.json"));
}

TEST_F(Fhir2OmopTest, GroupedInputStreamsAndMatchesHeldConversion) {
  std::string patients;
  std::string encounters;
  std::string observations;
  for (int p = 1; p <= 3; ++p) {
    patients += patient_line(p) + "\n";
    encounters += encounter_line(p) + "\n";
    for (int n = 0; n < 2; ++n) observations += observation_line(p, n) + "\n";
  }
  write("Patient.ndjson", patients);
  write("Encounter.ndjson", encounters);
  write("Observation.ndjson", observations);
  const MappingReport streamed = convert_into(dir_ / "in", dir_ / "streamed", true, 2);
  EXPECT_FALSE(streamed.held);
  EXPECT_EQ(streamed.persons, 3U);
  EXPECT_EQ(streamed.types().at("Observation").converted, 6U);
  const MappingReport held = convert_into(dir_ / "in", dir_ / "held", false, 1);
  EXPECT_TRUE(held.held);
  expect_same_output(dir_ / "streamed", dir_ / "held");
  const std::string rows = read_file(dir_ / "streamed" / "omop" / "measurement.csv");
  EXPECT_NE(rows.find("\n3000001,3,3036277,2020-01-03,"), std::string::npos) << rows;
}

TEST_F(Fhir2OmopTest, UngroupedInputFallsBackToHoldingAndGivesTheSameRows) {
  write("Patient.ndjson", patient_line(1) + "\n" + patient_line(2) + "\n");
  write("Encounter.ndjson", encounter_line(1) + "\n" + encounter_line(2) + "\n");
  // Patient 2's observation before patient 1's: not grouped by patient.
  write("Observation.ndjson", observation_line(2, 0) + "\n" + observation_line(1, 0) + "\n" +
                                  observation_line(2, 1) + "\n");
  const MappingReport report = convert_into(dir_ / "in", dir_ / "a", true, 2);
  EXPECT_TRUE(report.held);
  EXPECT_EQ(report.types().at("Observation").converted, 3U);
  convert_into(dir_ / "in", dir_ / "b", false, 1);
  expect_same_output(dir_ / "a", dir_ / "b");
}

TEST_F(Fhir2OmopTest, DeviceUseStatementBecomesDeviceExposure) {
  write("Patient.ndjson", std::string(kPatient) + "\n");
  write("Device.ndjson",
        R"({"resourceType":"Device","id":"d1","patient":{"reference":"Patient/p1"},)"
        R"("udiCarrier":[{"carrierHRF":"(01)00000000000001"}],)"
        R"("type":{"coding":[{"system":"http://snomed.info/sct","code":"337414009"}]}})"
        "\n");
  write("DeviceUseStatement.ndjson",
        R"({"resourceType":"DeviceUseStatement","id":"u1","subject":{"reference":"Patient/p1"},)"
        R"("device":{"reference":"Device/d1"},)"
        R"("timingPeriod":{"start":"2019-05-01T09:00:00Z","end":"2019-06-01T09:00:00Z"}})"
        "\n"
        // names no Device of the patient
        R"({"resourceType":"DeviceUseStatement","id":"u2","subject":{"reference":"Patient/p1"},)"
        R"("device":{"reference":"Device/nope"},"timingDateTime":"2019-05-01T09:00:00Z"})"
        "\n");
  const MappingReport report = run();
  const TypeCounts& uses = report.types().at("DeviceUseStatement");
  EXPECT_EQ(uses.converted, 1U);
  EXPECT_EQ(uses.skipped.at(std::string(kDanglingReference)), 1U);
  EXPECT_EQ(report.types().at("Device").converted, 1U);  // through the statement
  const std::string rows = table("device_exposure.csv");
  EXPECT_NE(rows.find("\n1000000,1,0,2019-05-01,2019-05-01 09:00:00,2019-06-01,2019-06-01 "
                      "09:00:00,32817,(01)00000000000001,"),
            std::string::npos)
      << rows;
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 2) << rows;  // header + one row
  EXPECT_NE(
      table("fhir_omop_crosswalk.csv").find("\nDeviceUseStatement,u1,device_exposure,1000000\n"),
      std::string::npos);
}

TEST_F(Fhir2OmopTest, CrosswalkHasARowForEachMappedType) {
  write("Patient.ndjson", std::string(kPatient) + "\n");
  write("Organization.ndjson",
        R"({"resourceType":"Organization","id":"org1","name":"Good Hospital"})"
        "\n");
  write("Practitioner.ndjson",
        R"({"resourceType":"Practitioner","id":"dr1","name":[{"family":"Who"}]})"
        "\n");
  const std::string subject = R"("subject":{"reference":"Patient/p1"},)";
  const std::string patient = R"("patient":{"reference":"Patient/p1"},)";
  const std::string snomed =
      R"({"coding":[{"system":"http://snomed.info/sct","code":"44054006"}]})";
  write("Encounter.ndjson",
        R"({"resourceType":"Encounter","id":"e1","class":{"code":"AMB"},)" + subject +
            R"("participant":[{"individual":{"reference":"Practitioner/dr1"}}],)"
            R"("serviceProvider":{"reference":"Organization/org1"},)"
            R"("period":{"start":"2020-01-01T10:00:00Z","end":"2020-01-01T11:00:00Z"}})"
            "\n");
  write("Observation.ndjson",
        R"({"resourceType":"Observation","id":"o1",)" + subject +
            R"("effectiveDateTime":"2020-01-01T10:00:00Z",)"
            R"("code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]},)"
            R"("valueQuantity":{"value":170,"unit":"cm","code":"cm"}})"
            "\n");
  write("Condition.ndjson", R"({"resourceType":"Condition","id":"c1",)" + subject +
                                R"("onsetDateTime":"2020-01-01T10:00:00Z","code":)" + snomed +
                                "}\n");
  write("Immunization.ndjson",
        R"({"resourceType":"Immunization","id":"i1",)" + patient +
            R"("occurrenceDateTime":"2020-01-01T10:00:00Z",)"
            R"("vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"140"}]}})"
            "\n");
  write("MedicationRequest.ndjson",
        R"({"resourceType":"MedicationRequest","id":"m1",)" + subject +
            R"("authoredOn":"2020-01-01T10:00:00Z","medicationCodeableConcept":{"coding":[)"
            R"({"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"313782"}]}})"
            "\n");
  write("Procedure.ndjson", R"({"resourceType":"Procedure","id":"pr1",)" + subject +
                                R"("performedDateTime":"2020-01-01T10:00:00Z","code":)" + snomed +
                                "}\n");
  write("AllergyIntolerance.ndjson",
        R"({"resourceType":"AllergyIntolerance","id":"a1",)" + patient +
            R"("recordedDate":"2020-01-01T10:00:00Z","code":)" + snomed + "}\n");
  write(
      "SupplyDelivery.ndjson",
      R"({"resourceType":"SupplyDelivery","id":"s1",)" + patient +
          R"("occurrenceDateTime":"2020-01-01T10:00:00Z","suppliedItem":{"itemCodeableConcept":)" +
          snomed + "}}\n");
  const MappingReport report = run();
  EXPECT_FALSE(report.held);
  const std::string crosswalk = table("fhir_omop_crosswalk.csv");
  EXPECT_EQ(crosswalk.substr(0, crosswalk.find('\n') + 1), kCrosswalkHeader);
  for (const char* row :
       {"\nPatient,p1,person,1\n", "\nEncounter,e1,visit_occurrence,1000000\n",
        "\nObservation,o1,measurement,1000000\n", "\nCondition,c1,condition_occurrence,1000000\n",
        "\nImmunization,i1,drug_exposure,1000000\n",
        "\nMedicationRequest,m1,drug_exposure,1000001\n", "\nProcedure,pr1,",
        "\nAllergyIntolerance,a1,", "\nSupplyDelivery,s1,", "\nOrganization,org1,care_site,",
        "\nPractitioner,dr1,provider,"}) {
    EXPECT_NE(crosswalk.find(row), std::string::npos) << row << " in\n" << crosswalk;
  }
  // The id of each event row is in the table the crosswalk names.
  EXPECT_NE(table("condition_occurrence.csv").find("\n1000000,1,"), std::string::npos);
}

TEST_F(Fhir2OmopTest, CrosswalkGoesToParquetAndDuckdb) {
  write("Patient.ndjson", std::string(kPatient) + "\n");
  ConvertOptions options;
  options.inputs = {dir_ / "in"};
  options.reference_date = *Date::parse("2025-01-01");
  options.formats = {omop::OmopFormat::kParquet, omop::OmopFormat::kDuckdb};
  convert(options, dir_ / "out");
  EXPECT_TRUE(fs::exists(dir_ / "out" / "omop" / "fhir_omop_crosswalk.parquet"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "omop" / "fhir_omop_crosswalk.csv"));
  const lake::Database db = lake::Database::open(dir_ / "out" / "omop.duckdb");
  lake::Connection con(db);
  EXPECT_EQ(con.scalar_int64("SELECT omop_id FROM fhir_omop_crosswalk WHERE fhir_id = 'p1'"), 1);
}

// A CDM CSV file with the table's full header and the given rows (column -> value).
void write_cdm_csv(const fs::path& dir, const std::string& table,
                   const std::vector<std::map<std::string, std::string>>& rows) {
  fs::create_directories(dir);
  std::ofstream out(dir / (table + ".csv"));
  const auto columns = omop::cdm_table(table).columns;
  for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i].name;
  out << '\n';
  for (const auto& row : rows) {
    for (size_t i = 0; i < columns.size(); ++i) {
      const auto it = row.find(std::string(columns[i].name));
      out << (i ? "," : "") << (it == row.end() ? "" : it->second);
    }
    out << '\n';
  }
}

TEST_F(Fhir2OmopTest, AgreementAllowsExactlyTheDocumentedDifferences) {
  const fs::path a = dir_ / "direct";
  const fs::path b = dir_ / "converted";
  write_cdm_csv(a, "provider", {{{"provider_id", "5"}, {"provider_source_value", "dr1"}}});
  write_cdm_csv(b, "provider", {{{"provider_id", "77"}, {"provider_source_value", "dr1"}}});
  std::map<std::string, std::string> person = {
      {"person_id", "1"},        {"gender_concept_id", "8507"},
      {"year_of_birth", "1980"}, {"birth_datetime", "1980-01-01 10:11:12"},
      {"race_concept_id", "0"},  {"ethnicity_concept_id", "0"},
      {"provider_id", "5"}};
  write_cdm_csv(a, "person", {person});
  person["birth_datetime"] = "1980-01-01 00:00:00";
  person["provider_id"] = "77";
  write_cdm_csv(b, "person", {person});
  std::map<std::string, std::string> drug = {{"drug_exposure_id", "1000000"},
                                             {"person_id", "1"},
                                             {"drug_concept_id", "0"},
                                             {"drug_exposure_start_date", "2020-01-01"},
                                             {"drug_exposure_end_date", "2020-02-01"},
                                             {"verbatim_end_date", "2020-02-01"},
                                             {"days_supply", "31"},
                                             {"drug_type_concept_id", "32817"}};
  write_cdm_csv(a, "drug_exposure", {drug});
  write_cdm_csv(b, "drug_exposure", {drug});
  const Agreement same = compare_omop(a, b);
  EXPECT_TRUE(same.agrees()) << same.summary();
  EXPECT_EQ(same.summary(), "agrees (3 tables)");

  // Any other difference is reported: a year of birth, a stopped prescription's end (the FHIR
  // carries the stop, so its end date, verbatim end and days supply are compared).
  person["year_of_birth"] = "1981";
  write_cdm_csv(b, "person", {person});
  drug["drug_exposure_end_date"] = "2024-12-31";
  drug["verbatim_end_date"] = "";
  drug["days_supply"] = "";
  write_cdm_csv(b, "drug_exposure", {drug});
  const Agreement differs = compare_omop(a, b);
  EXPECT_FALSE(differs.agrees());
  EXPECT_EQ(differs.summary(),
            "differs: drug_exposure (1 direct rows unmatched, 1 converted rows unmatched), person "
            "(1 direct rows unmatched, 1 converted rows unmatched)");
  fs::remove(b / "drug_exposure.csv");
  EXPECT_EQ(compare_omop(a, b).missing, std::vector<std::string>{"drug_exposure"});
}

const fs::path kFixtures = fs::path(FOS_SOURCE_DIR) / "tests/data/fhir2omop";

// Every expected line is in the table.
void expect_rows(const fs::path& out, const std::string& table,
                 const std::vector<std::string>& lines) {
  const std::string text = read_file(out / "omop" / (table + ".csv"));
  EXPECT_EQ(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')), lines.size() + 1)
      << table << ":\n"
      << text;
  for (const std::string& line : lines) {
    EXPECT_NE(text.find("\n" + line + "\n"), std::string::npos) << table << ": " << line << "\n"
                                                                << text;
  }
}

// Synthea's bundle layout: a transaction Bundle per patient (urn:uuid references, US Core
// extensions), organizations and practitioners in their own batch Bundles, named by
// conditional references.
TEST_F(Fhir2OmopTest, SyntheaBundlesConvertCompletely) {
  const MappingReport report = convert_into(kFixtures / "synthea-bundles", dir_ / "out", true, 2);
  EXPECT_FALSE(report.held);  // a bundle per patient streams
  EXPECT_EQ(report.persons, 2U);
  for (const auto& [type, counts] : report.types()) {
    if (type == "Claim" || type == "DiagnosticReport" || type == "PractitionerRole") continue;
    EXPECT_EQ(counts.converted, counts.read) << type;
    EXPECT_TRUE(counts.warnings.empty()) << type;  // every reference resolved
  }
  EXPECT_EQ(report.types().at("DiagnosticReport").skipped.at(std::string(kNotMapped)), 1U);
  EXPECT_EQ(report.types().at("Claim").skipped.at(std::string(kUnsupportedType)), 1U);
  const std::string provider =
      std::to_string(record::stable_id("Practitioner/0000016f-57cb-4bfb-0000-000000000190"));
  const std::string site =
      std::to_string(record::stable_id("Organization/ef58ea08-d883-3957-8300-150554edc8fb"));
  const fs::path out = dir_ / "out";
  // US Core birth sex, race (White 8527, Black 8516), ethnicity; geolocated address.
  expect_rows(out, "person",
              {"1,8532,1961,7,1,1961-07-01 00:00:00,8527,38003564,1,,,8e1b6c5d-0000-4000-8000-"
               "00000000a001,F,0,white,0,nonhispanic,0",
               "2,8507,1950,2,3,1950-02-03 00:00:00,8516,38003563,2,,,8e1b6c5d-0000-4000-8000-"
               "00000000a002,M,0,black,0,hispanic,0"});
  expect_rows(out, "death", {"2,2021-06-07,2021-06-07 12:09:10,32817,,,"});
  // Conditional references to the practitioner and organization of other files resolve.
  // (Emergency room admission 50849002 is in fos's vocabulary: source concept 4176269.)
  expect_rows(
      out, "visit_occurrence",
      {"1000000,1,9202,2020-03-02,2020-03-02 14:00:00,2020-03-02,2020-03-02 14:30:00,32817," +
           provider + "," + site + ",185349003,0,,,,,",
       "2000000,2,9203,2021-06-01,2021-06-01 14:00:00,2021-06-01,2021-06-01 18:00:00,32817," +
           provider + "," + site + ",50849002,4176269,,,,,"});
  expect_rows(out, "care_site",
              {site + ",HALLMARK HEALTH SYSTEM,8940," + site +
               ",ef58ea08-d883-3957-8300-150554edc8fb,primary care"});
  expect_rows(out, "condition_occurrence",
              {"1000000,1,40481087,2020-03-02,2020-03-02 14:00:00,2020-03-16,2020-03-16 13:00:00,"
               "32817,,," +
                   provider + ",1000000,,444814009,40481087,",
               "2000000,2,201826,2021-06-01,2021-06-01 14:00:00,,,32817,,," + provider +
                   ",2000000,,44054006,201826,"});
  // A blood-pressure panel's components are two measurements.
  expect_rows(out, "measurement",
              {"1000000,1,3036277,2020-03-02,2020-03-02 14:00:00,,32817,,165.1,,8582,,," +
                   provider + ",1000000,,8302-2,3036277,cm,8582,165.1,,",
               "1000001,1,3012888,2020-03-02,2020-03-02 14:00:00,,32817,,80,,8876,,," + provider +
                   ",1000000,,8462-4,3012888,mm[Hg],8876,80,,",
               "1000002,1,3004249,2020-03-02,2020-03-02 14:00:00,,32817,,120,,8876,,," + provider +
                   ",1000000,,8480-6,3004249,mm[Hg],8876,120,,"});
  expect_rows(out, "drug_exposure",
              {"1000000,1,40213154,2020-03-02,2020-03-02 14:00:00,2020-03-02,2020-03-02 14:00:00,,"
               "32817,,,,,,,," +
                   provider + ",1000000,,140,40213154,,",
               "1000001,1,1127433,2020-03-02,2020-03-02 14:00:00,2020-03-02,2020-03-02 14:00:00,,"
               "32817,,,,,,,," +
                   provider + ",1000000,,313782,1127433,,"});
  expect_rows(out, "location",
              {"1,12 Main St,,Boston,MA,02118,,,,US,42.330000,-71.070000",
               "2,1 Elm St,,Salem,MA,01970,,,,US,,",
               site + ",585 LEBANON STREET,,MELROSE,MA,02176,,,,US,42.460000,-71.060000"});
}

// Synthea's Bulk Data NDJSON: a file per type, urn:uuid references across files, conditional
// references to organizations and practitioners; an urgent-care organization in capitals.
TEST_F(Fhir2OmopTest, SyntheaBulkNdjsonResolvesReferencesAcrossFiles) {
  const MappingReport report = convert_into(kFixtures / "synthea-bulk", dir_ / "out", true, 2);
  EXPECT_FALSE(report.held);
  EXPECT_EQ(report.persons, 2U);
  for (const auto& [type, counts] : report.types()) {
    EXPECT_EQ(counts.converted, counts.read) << type;
    EXPECT_TRUE(counts.skipped.empty()) << type;
    EXPECT_TRUE(counts.warnings.empty()) << type;
  }
  const std::string provider =
      std::to_string(record::stable_id("Practitioner/b1f0d2c4-0000-4000-8000-0000000000d1"));
  const std::string site =
      std::to_string(record::stable_id("Organization/b1f0d2c4-0000-4000-8000-0000000000o1"));
  const fs::path out = dir_ / "out";
  expect_rows(
      out, "visit_occurrence",
      {"1000000,1,8782,2022-01-10,2022-01-10 08:00:00,2022-01-10,2022-01-10 09:00:00,32817," +
           provider + "," + site + ",702927004,0,,,,,",
       "2000000,2,9202,2022-02-10,2022-02-10 08:00:00,2022-02-10,2022-02-10 08:30:00,32817," +
           provider + "," + site + ",162673000,4036803,,,,,"});
  expect_rows(out, "care_site",
              {site + ",SALEM URGENT CARE,8782," + site +
               ",b1f0d2c4-0000-4000-8000-0000000000o1,urgent care"});
  expect_rows(out, "measurement",
              {"1000000,1,3025315,2022-01-10,2022-01-10 08:10:00,,32817,,61.20,,9529,,," +
               provider + ",1000000,,29463-7,3025315,kg,9529,61.20,,"});
  expect_rows(out, "observation",
              {"2000000,2,43054909,2022-02-10,2022-02-10 08:10:00,32817,,,0,,," + provider +
               ",2000000,,72166-2,43054909,,,266919005,,"});
  expect_rows(out, "procedure_occurrence",
              {"2000000,2,4326177,2022-02-10,2022-02-10 08:05:00,2022-02-10,2022-02-10 08:20:00,"
               "32817,,," +
               provider + ",2000000,,430193006,4326177,"});
  const std::string crosswalk = read_file(out / "omop" / "fhir_omop_crosswalk.csv");
  EXPECT_NE(crosswalk.find("\nProcedure,b1f0d2c4-0000-4000-8000-0000000000r1,procedure_occurrence,"
                           "2000000\n"),
            std::string::npos);
}

// One CSV record (RFC 4180 quotes) from `in`; false at the end.
bool csv_record(std::istream& in, std::vector<std::string>& fields) {
  std::string line;
  if (!std::getline(in, line)) return false;
  fields.assign(1, "");
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return true;
}

// Copies a comma-separated subset file as Athena writes it: TAB-separated, YYYYMMDD dates.
void to_athena(const fs::path& from, const fs::path& to) {
  std::ifstream in(from);
  std::ofstream out(to);
  std::vector<std::string> fields;
  while (csv_record(in, fields)) {
    for (size_t i = 0; i < fields.size(); ++i) {
      std::string f = fields[i];
      if (Date::parse(f) && f.size() == 10) f = f.substr(0, 4) + f.substr(5, 2) + f.substr(8, 2);
      out << (i > 0 ? "\t" : "") << f;
    }
    out << '\n';
  }
}

// The Athena folder is built in the build tree from the shared synthea27nj subset.
TEST(VocabFolder, AthenaFolderMapsLikeTheSubset) {
  const fs::path subset = fs::path(FOS_SHARED_DIR) / "oracles/omop/vocab-subset/synthea27nj";
  const fs::path athena = fs::temp_directory_path() /
                          ("fos-fhir2omop-athena-synthea27nj-" + std::to_string(::getpid()));
  fs::create_directories(athena);
  to_athena(subset / "CONCEPT.csv", athena / "CONCEPT.csv");
  to_athena(subset / "CONCEPT_RELATIONSHIP.csv", athena / "CONCEPT_RELATIONSHIP.csv");
  const omop::Vocabulary vocabulary = load_vocabulary_folder(athena);
  // A standard SNOMED concept maps to itself.
  const omop::CodeMapping prediabetes = vocabulary.map("SNOMED", "15777000");
  EXPECT_EQ(prediabetes.source_concept_id, 40316773);
  // A non-standard SNOMED code maps through 'Maps to' (4166590 -> 4132546, Condition).
  const omop::CodeMapping mapped = vocabulary.map("SNOMED", "275272006");
  EXPECT_EQ(mapped.source_concept_id, 4166590);
  ASSERT_TRUE(mapped.standard);
  EXPECT_EQ(mapped.standard->concept_id, 4132546);
  EXPECT_EQ(mapped.standard->domain_id, "Condition");
  EXPECT_FALSE(vocabulary.map("SNOMED", "no-such-code").standard);
  EXPECT_THROW(load_vocabulary_folder(athena / "missing"), Error);
  fs::remove_all(athena);
}

TEST(Elements, QuantityKeepsWrittenDecimals) {
  const fhir::JsonDocument q = fhir::parse_json(R"({"value":1.50,"code":"mg"})", "test");
  const auto quantity = read_quantity(&q.root());
  ASSERT_TRUE(quantity);
  EXPECT_EQ(quantity->decimals, 2);
  EXPECT_DOUBLE_EQ(quantity->value, 1.5);
  EXPECT_EQ(quantity->unit, "mg");
}

TEST(Elements, ReferenceIds) {
  const fhir::JsonDocument r =
      fhir::parse_json(R"({"reference":"http://x.org/fhir/Patient/42"})", "t");
  EXPECT_EQ(reference_id(&r.root(), "Patient"), "42");
  EXPECT_EQ(reference_id(&r.root(), "Encounter"), std::nullopt);
  const fhir::JsonDocument u = fhir::parse_json(R"({"reference":"urn:uuid:abc"})", "t");
  EXPECT_EQ(reference_id(&u.root(), "Patient"), "abc");
  const fhir::JsonDocument c = fhir::parse_json(
      R"({"reference":"Organization?identifier=https://github.com/synthetichealth/synthea|x"})",
      "t");
  EXPECT_EQ(reference_id(&c.root(), "Organization"), std::nullopt);
}

}  // namespace
}  // namespace fos::fhir2omop
