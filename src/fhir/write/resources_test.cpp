// Tests of the resource renderers and the FHIR data-type helpers.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "core/error.hpp"
#include "fhir/write/detail/concept_cache.hpp"
#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"
#include "fhir/write/test_fixture.hpp"

namespace fos::fhir {
namespace {

using detail::PatientContext;
using detail::RefStyle;
using detail::SharedIndex;

// Renders with `fn` and parses the result; the string stays alive for the element.
class Rendered {
 public:
  template <typename Fn>
  explicit Rendered(Fn fn) {
    JsonWriter w(text_);
    fn(w);
    EXPECT_TRUE(w.complete());
    doc_ = parser_.parse(text_).value();
  }
  simdjson::dom::element operator[](std::string_view key) const { return doc_[key].value(); }
  simdjson::dom::element at(std::string_view pointer) const {
    return doc_.at_pointer(pointer).value();
  }
  bool has(std::string_view pointer) const { return !doc_.at_pointer(pointer).error(); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  simdjson::dom::parser parser_;
  simdjson::dom::element doc_;
};

std::string_view str(simdjson::dom::element e) {
  return e.get_string().value();
}

class ResourcesTest : public ::testing::Test {
 protected:
  record::ProviderDirectory directory_ = testing::fixture_directory();
  SharedIndex index_{directory_, RefStyle::kRelative};
};

TEST_F(ResourcesTest, PatientDemographics) {
  const auto adult = testing::fixture_adult();
  PatientContext ctx(index_);
  ctx.load(adult);
  Rendered r([&](JsonWriter& w) { render_patient(ctx, w); });
  EXPECT_EQ(str(r["resourceType"]), "Patient");
  EXPECT_EQ(str(r["id"]), record::resource_uuid("Patient", 7, 0).str());
  EXPECT_EQ(str(r["gender"]), "female");
  EXPECT_EQ(str(r["birthDate"]), "1941-03-14");
  EXPECT_EQ(str(r["deceasedDateTime"]), "2020-11-02T04:15:00Z");
  EXPECT_EQ(str(r.at("/extension/0/extension/0/valueCoding/code")), "2054-5");
  EXPECT_EQ(str(r.at("/extension/1/extension/0/valueCoding/code")), "2186-5");
  EXPECT_EQ(str(r.at("/extension/2/valueCode")), "F");
  EXPECT_FALSE(r.has("/extension/3"));  // no gender identity recorded
  EXPECT_EQ(str(r.at("/identifier/0/type/coding/0/code")), "MR");
  EXPECT_EQ(str(r.at("/identifier/1/system")), "http://hl7.org/fhir/sid/us-ssn");
  EXPECT_EQ(str(r.at("/identifier/2/type/coding/0/code")), "DL");
  EXPECT_EQ(str(r.at("/identifier/2/system")), "urn:oid:2.16.840.1.113883.4.3.25");  // MA
  EXPECT_EQ(str(r.at("/identifier/3/type/coding/0/code")), "PPN");
  EXPECT_EQ(str(r.at("/name/0/use")), "official");
  EXPECT_EQ(str(r.at("/name/0/family")), "O'Neil");
  EXPECT_EQ(str(r.at("/name/1/use")), "maiden");
  EXPECT_EQ(str(r.at("/name/1/family")), "Baker");
  EXPECT_EQ(str(r.at("/telecom/0/use")), "home");
  EXPECT_EQ(str(r.at("/address/0/extension/0/extension/0/url")), "latitude");
  EXPECT_EQ(r.at("/address/0/extension/0/extension/0/valueDecimal").get_double().value(), 42.381);
  EXPECT_NE(r.text().find("\"valueDecimal\":42.381000"), std::string::npos);
  EXPECT_EQ(str(r.at("/maritalStatus/coding/0/code")), "W");
  EXPECT_EQ(str(r.at("/communication/0/language/coding/0/code")), "en-US");
}

TEST_F(ResourcesTest, ChildHasGenderIdentityAndNoDeath) {
  const auto child = testing::fixture_child();
  PatientContext ctx(index_);
  ctx.load(child);
  Rendered r([&](JsonWriter& w) { render_patient(ctx, w); });
  EXPECT_FALSE(r.has("/deceasedDateTime"));
  EXPECT_FALSE(r.has("/name/1"));
  EXPECT_FALSE(r.has("/telecom"));
  EXPECT_FALSE(r.has("/name/0/prefix"));
  EXPECT_EQ(str(r.at("/extension/0/extension/0/valueCoding/code")), "2076-8");
  EXPECT_EQ(str(r.at("/extension/1/extension/0/valueCoding/code")), "2135-2");
  EXPECT_EQ(str(r.at("/extension/3/valueCodeableConcept/coding/0/code")), "446151000124109");
  EXPECT_EQ(str(r.at("/communication/0/language/coding/0/code")), "es");
}

TEST_F(ResourcesTest, EncounterReferencesAndClass) {
  const auto adult = testing::fixture_adult();
  PatientContext ctx(index_);
  ctx.load(adult);
  Rendered r([&](JsonWriter& w) { render_encounter(ctx, 1, w); });
  EXPECT_EQ(str(r["id"]), record::resource_uuid("Encounter", 7, 1).str());
  EXPECT_EQ(str(r["status"]), "finished");
  EXPECT_EQ(str(r.at("/class/code")), "AMB");  // urgent care
  EXPECT_EQ(str(r.at("/type/0/coding/0/system")), "http://snomed.info/sct");
  EXPECT_EQ(str(r.at("/subject/reference")),
            "Patient/" + record::resource_uuid("Patient", 7, 0).str());
  EXPECT_EQ(str(r.at("/participant/0/type/0/coding/0/code")), "PPRF");
  EXPECT_EQ(str(r.at("/participant/0/individual/reference")),
            "Practitioner/" + record::shared_uuid("Practitioner", 2002).str());
  EXPECT_EQ(str(r.at("/participant/0/individual/display")), "Dr. Wei Chen");
  EXPECT_EQ(str(r.at("/period/start")), "2020-02-03T14:20:00Z");
  EXPECT_EQ(str(r.at("/period/end")), "2020-02-03T15:05:00Z");
  EXPECT_EQ(str(r.at("/reasonCode/0/coding/0/code")), "444814009");
  EXPECT_EQ(str(r.at("/location/0/location/reference")),
            "Location/" + record::shared_uuid("Location", 1001).str());
  EXPECT_EQ(str(r.at("/serviceProvider/reference")),
            "Organization/" + record::shared_uuid("Organization", 1001).str());
}

TEST_F(ResourcesTest, EncounterClasses) {
  auto adult = testing::fixture_adult();
  const std::pair<record::EncounterClass, std::string_view> cases[] = {
      {record::EncounterClass::kWellness, "AMB"},   {record::EncounterClass::kAmbulatory, "AMB"},
      {record::EncounterClass::kOutpatient, "AMB"}, {record::EncounterClass::kEmergency, "EMER"},
      {record::EncounterClass::kInpatient, "IMP"},
  };
  for (const auto& [cls, code] : cases) {
    adult.encounters[0].encounter_class = cls;
    PatientContext ctx(index_);
    ctx.load(adult);
    Rendered r([&](JsonWriter& w) { render_encounter(ctx, 0, w); });
    EXPECT_EQ(str(r.at("/class/code")), code);
  }
}

TEST_F(ResourcesTest, EncounterWithoutProviderOrOrganizationHasNoSuchReferences) {
  auto adult = testing::fixture_adult();
  adult.encounters[0].provider_id = 0;
  adult.encounters[0].organization_id = 0;
  PatientContext ctx(index_);
  ctx.load(adult);
  Rendered r([&](JsonWriter& w) { render_encounter(ctx, 0, w); });
  EXPECT_FALSE(r.has("/participant"));
  EXPECT_FALSE(r.has("/location"));
  EXPECT_FALSE(r.has("/serviceProvider"));
}

TEST_F(ResourcesTest, UnknownProviderOrOrganizationIsAMappingError) {
  auto adult = testing::fixture_adult();
  adult.encounters[1].provider_id = 424242;
  PatientContext ctx(index_);
  try {
    ctx.load(adult);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMapping);
    EXPECT_NE(std::string(e.what()).find("patient 7, encounter 1: unknown provider id 424242"),
              std::string::npos)
        << e.what();
  }
  adult.encounters[1].provider_id = 2002;
  adult.encounters[1].organization_id = 5;
  EXPECT_THROW(ctx.load(adult), Error);
}

TEST_F(ResourcesTest, VitalSignWithFixedDecimals) {
  const auto adult = testing::fixture_adult();
  PatientContext ctx(index_);
  ctx.load(adult);
  Rendered r([&](JsonWriter& w) { render_observation(ctx, 5, ctx.observation(5), w); });
  EXPECT_EQ(str(r["id"]), record::resource_uuid("Observation", 7, 5).str());
  EXPECT_EQ(str(r.at("/meta/profile/0")), "http://hl7.org/fhir/StructureDefinition/vitalsigns");
  EXPECT_EQ(str(r.at("/meta/profile/1")), "http://hl7.org/fhir/StructureDefinition/bodytemp");
  EXPECT_EQ(str(r.at("/category/0/coding/0/code")), "vital-signs");
  EXPECT_EQ(str(r.at("/code/coding/0/system")), "http://loinc.org");
  EXPECT_EQ(str(r.at("/encounter/reference")),
            "Encounter/" + record::resource_uuid("Encounter", 7, 1).str());
  EXPECT_EQ(str(r.at("/effectiveDateTime")), "2020-02-03T14:20:00Z");
  EXPECT_EQ(str(r.at("/issued")), "2020-02-03T14:20:00Z");
  EXPECT_NE(r.text().find("\"valueQuantity\":{\"value\":38.0,\"unit\":\"Cel\","
                          "\"system\":\"http://unitsofmeasure.org\",\"code\":\"Cel\"}"),
            std::string::npos)
      << r.text();
}

TEST_F(ResourcesTest, BloodPressurePanelHasComponentsAndNoValue) {
  const auto adult = testing::fixture_adult();
  PatientContext ctx(index_);
  ctx.load(adult);
  Rendered r([&](JsonWriter& w) { render_observation(ctx, 3, ctx.observation(3), w); });
  EXPECT_EQ(str(r.at("/meta/profile/1")), "http://hl7.org/fhir/StructureDefinition/bp");
  EXPECT_FALSE(r.has("/valueQuantity"));
  EXPECT_EQ(str(r.at("/component/0/code/coding/0/code")), "8480-6");
  EXPECT_EQ(str(r.at("/component/1/code/coding/0/code")), "8462-4");
  EXPECT_NE(r.text().find("\"value\":128,\"unit\":\"mm[Hg]\""), std::string::npos);
  EXPECT_NE(r.text().find("\"value\":82,\"unit\":\"mm[Hg]\""), std::string::npos);
}

TEST_F(ResourcesTest, CodedTextAndLabValues) {
  auto adult = testing::fixture_adult();
  adult.observations[0].quantity.reset();
  adult.observations[0].category = record::ObservationCategory::kSurvey;
  adult.observations[0].value_code = record::Code{record::CodeSystem::kSnomed, "1234", "Yes"};
  adult.observations[1].quantity.reset();
  adult.observations[1].category = record::ObservationCategory::kLaboratory;
  adult.observations[1].value_text = "negative";
  PatientContext ctx(index_);
  ctx.load(adult);
  Rendered coded([&](JsonWriter& w) { render_observation(ctx, 0, ctx.observation(0), w); });
  EXPECT_FALSE(coded.has("/meta"));
  EXPECT_EQ(str(coded.at("/category/0/coding/0/code")), "survey");
  EXPECT_EQ(str(coded.at("/valueCodeableConcept/coding/0/code")), "1234");
  Rendered text([&](JsonWriter& w) { render_observation(ctx, 1, ctx.observation(1), w); });
  EXPECT_EQ(str(text.at("/meta/profile/0")),
            "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab");
  EXPECT_EQ(str(text.at("/valueString")), "negative");
}

TEST_F(ResourcesTest, TwoValuesAreAMappingError) {
  auto adult = testing::fixture_adult();
  adult.observations[2].value_text = "also text";
  PatientContext ctx(index_);
  ctx.load(adult);
  std::string out;
  JsonWriter w(out);
  try {
    render_observation(ctx, 2, ctx.observation(2), w);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMapping);
    EXPECT_STREQ(e.what(), "patient 7, observation 2: more than one value (FHIR allows one)");
  }
}

TEST_F(ResourcesTest, EntryNamingMissingEncounterIsAMappingError) {
  auto adult = testing::fixture_adult();
  adult.immunizations[1].encounter = 9;
  PatientContext ctx(index_);
  ctx.load(adult);
  std::string out;
  JsonWriter w(out);
  try {
    render_immunization(ctx, 1, ctx.immunization(1), w);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMapping);
    EXPECT_STREQ(e.what(),
                 "patient 7, immunization 1: encounter 9 does not exist (the patient has 2)");
  }
}

TEST_F(ResourcesTest, Immunization) {
  const auto adult = testing::fixture_adult();
  PatientContext ctx(index_);
  ctx.load(adult);
  Rendered r([&](JsonWriter& w) { render_immunization(ctx, 0, ctx.immunization(0), w); });
  EXPECT_EQ(str(r["id"]), record::resource_uuid("Immunization", 7, 0).str());
  EXPECT_EQ(str(r["status"]), "completed");
  EXPECT_EQ(str(r.at("/vaccineCode/coding/0/system")), "http://hl7.org/fhir/sid/cvx");
  EXPECT_EQ(str(r.at("/vaccineCode/coding/0/code")), "140");
  EXPECT_EQ(str(r.at("/patient/reference")),
            "Patient/" + record::resource_uuid("Patient", 7, 0).str());
  EXPECT_EQ(str(r.at("/occurrenceDateTime")), "2019-05-10T09:00:00Z");
  EXPECT_TRUE(r["primarySource"].get_bool().value());
}

TEST_F(ResourcesTest, SharedResources) {
  const auto* clinic = index_.organization(1002);
  ASSERT_NE(clinic, nullptr);
  Rendered org([&](JsonWriter& w) { render_organization(*clinic, w); });
  EXPECT_EQ(str(org["id"]), record::shared_uuid("Organization", 1002).str());
  EXPECT_EQ(str(org["name"]), "Maple Street \"Family\" Clinic");
  EXPECT_EQ(str(org.at("/type/0/coding/0/code")), "prov");
  EXPECT_EQ(str(org.at("/telecom/0/value")), "617-555-0142");
  EXPECT_EQ(str(org.at("/address/0/city")), "Cambridge");
  EXPECT_FALSE(org.has("/address/0/extension"));

  Rendered loc([&](JsonWriter& w) { render_location(*clinic, w); });
  EXPECT_EQ(str(loc["id"]), record::shared_uuid("Location", 1002).str());
  EXPECT_EQ(str(loc["status"]), "active");
  EXPECT_EQ(str(loc.at("/address/postalCode")), "02139");
  EXPECT_EQ(loc.at("/position/latitude").get_double().value(), 42.3736);
  EXPECT_EQ(str(loc.at("/managingOrganization/reference")),
            "Organization/" + record::shared_uuid("Organization", 1002).str());

  const auto* chen = index_.provider(2002);
  ASSERT_NE(chen, nullptr);
  Rendered pr([&](JsonWriter& w) { render_practitioner(*chen, w); });
  EXPECT_EQ(str(pr["id"]), record::shared_uuid("Practitioner", 2002).str());
  EXPECT_EQ(str(pr.at("/identifier/0/system")), "http://hl7.org/fhir/sid/us-npi");
  EXPECT_EQ(str(pr.at("/identifier/0/value")), practitioner_npi(2002));
  EXPECT_EQ(str(pr.at("/name/0/suffix/0")), "MD");
  EXPECT_EQ(str(pr["gender"]), "male");
  EXPECT_EQ(str(pr.at("/qualification/0/code/coding/0/system")),
            "http://nucc.org/provider-taxonomy");
}

TEST(Npi, TenDigitsWithLuhnCheck) {
  EXPECT_EQ(practitioner_npi(23456789), "1234567893");  // the NPI standard's worked example
  EXPECT_EQ(practitioner_npi(23456789 + 900000000), "1234567893");
  const std::string npi = practitioner_npi(987654321987ULL);
  EXPECT_EQ(npi.size(), 10u);
  EXPECT_NE(npi[0], '0');
}

// ---- clinical entries ----

class ClinicalTest : public ResourcesTest {
 protected:
  void SetUp() override { ctx_.load(adult_); }
  template <typename Render>
  Rendered render(Render fn, detail::ResourceType type, size_t i) {
    return Rendered([&](JsonWriter& w) { fn(ctx_, i, ctx_.entry(type, i), w); });
  }
  std::string ref(detail::ResourceType type, size_t i) {
    return std::string(ctx_.entry(type, i).reference());
  }
  record::PatientRecord adult_ = testing::fixture_adult();
  PatientContext ctx_{index_};
};

TEST_F(ClinicalTest, ConditionStatusesFollowAbatement) {
  Rendered active = render(render_condition, detail::ResourceType::kCondition, 0);
  EXPECT_EQ(str(active["id"]), record::resource_uuid("Condition", 7, 0).str());
  EXPECT_EQ(str(active.at("/clinicalStatus/coding/0/code")), "active");
  EXPECT_EQ(str(active.at("/verificationStatus/coding/0/code")), "confirmed");
  EXPECT_EQ(str(active.at("/category/0/coding/0/code")), "encounter-diagnosis");
  EXPECT_FALSE(active.has("/abatementDateTime"));
  Rendered resolved = render(render_condition, detail::ResourceType::kCondition, 1);
  EXPECT_EQ(str(resolved.at("/clinicalStatus/coding/0/code")), "resolved");
  EXPECT_EQ(str(resolved["abatementDateTime"]), "2020-02-15T14:20:00Z");
  EXPECT_EQ(str(resolved.at("/encounter/reference")), ref(detail::ResourceType::kEncounter, 1));
}

TEST_F(ClinicalTest, MedicationRequestReasonAndDosage) {
  Rendered chronic = render(render_medication_request, detail::ResourceType::kMedicationRequest, 0);
  EXPECT_EQ(str(chronic["status"]), "active");
  EXPECT_EQ(str(chronic["intent"]), "order");
  EXPECT_EQ(str(chronic.at("/medicationCodeableConcept/coding/0/system")),
            "http://www.nlm.nih.gov/research/umls/rxnorm");
  // The reason is a condition the patient has: a reference to it.
  EXPECT_EQ(str(chronic.at("/reasonReference/0/reference")),
            ref(detail::ResourceType::kCondition, 0));
  EXPECT_FALSE(chronic.has("/reasonCode"));
  EXPECT_EQ(chronic.at("/dosageInstruction/0/timing/repeat/frequency").get_int64().value(), 2);
  EXPECT_EQ(str(chronic.at("/dosageInstruction/0/timing/repeat/periodUnit")), "d");
  EXPECT_FALSE(chronic.at("/dosageInstruction/0/asNeededBoolean").get_bool().value());
  Rendered stopped = render(render_medication_request, detail::ResourceType::kMedicationRequest, 1);
  EXPECT_EQ(str(stopped["status"]), "stopped");
  // No such condition: the reason stays a code.
  EXPECT_EQ(str(stopped.at("/reasonCode/0/coding/0/code")), "36971009");
  EXPECT_TRUE(stopped.at("/dosageInstruction/0/asNeededBoolean").get_bool().value());

  adult_.medications[0].period_unit = "fortnight";
  try {
    render(render_medication_request, detail::ResourceType::kMedicationRequest, 0);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMapping);
    EXPECT_STREQ(e.what(),
                 "patient 7, medication 0: period unit 'fortnight' is not one of s, min, h, d, wk, "
                 "mo, a");
  }
  adult_.medications[0] = {};
  adult_.medications[0].code = adult_.medications[1].code;
  Rendered bare = render(render_medication_request, detail::ResourceType::kMedicationRequest, 0);
  EXPECT_FALSE(bare.has("/dosageInstruction"));
  EXPECT_FALSE(bare.has("/reasonCode"));
}

TEST_F(ClinicalTest, ProcedureAllergyCarePlan) {
  Rendered procedure = render(render_procedure, detail::ResourceType::kProcedure, 1);
  EXPECT_EQ(str(procedure.at("/performedPeriod/end")), "2020-02-03T14:40:00Z");
  EXPECT_EQ(str(procedure.at("/reasonCode/0/coding/0/code")), "444814009");
  Rendered allergy =
      render(render_allergy_intolerance, detail::ResourceType::kAllergyIntolerance, 0);
  EXPECT_EQ(str(allergy["type"]), "allergy");
  EXPECT_EQ(str(allergy.at("/category/0")), "environment");
  EXPECT_EQ(str(allergy.at("/clinicalStatus/coding/0/code")), "active");
  EXPECT_EQ(str(allergy.at("/reaction/1/manifestation/0/coding/0/code")), "878820003");
  Rendered plan = render(render_care_plan, detail::ResourceType::kCarePlan, 0);
  EXPECT_EQ(str(plan["status"]), "active");
  EXPECT_EQ(str(plan["intent"]), "plan");
  EXPECT_EQ(str(plan.at("/addresses/0/reference")), ref(detail::ResourceType::kCondition, 0));
  EXPECT_EQ(str(plan.at("/activity/1/detail/status")), "in-progress");
  adult_.care_plans[0].stop = adult_.care_plans[0].start.plus_days(30);
  adult_.allergies[0].resolved = adult_.allergies[0].onset.plus_days(30);
  Rendered done = render(render_care_plan, detail::ResourceType::kCarePlan, 0);
  EXPECT_EQ(str(done["status"]), "completed");
  EXPECT_EQ(str(done.at("/activity/0/detail/status")), "completed");
  EXPECT_EQ(str(done.at("/period/end")), "2019-06-09T09:00:00Z");
  Rendered resolved =
      render(render_allergy_intolerance, detail::ResourceType::kAllergyIntolerance, 0);
  EXPECT_EQ(str(resolved.at("/clinicalStatus/coding/0/code")), "resolved");
}

TEST_F(ClinicalTest, DeviceReportImagingSupply) {
  Rendered device = render(render_device, detail::ResourceType::kDevice, 0);
  EXPECT_EQ(str(device.at("/udiCarrier/0/deviceIdentifier")), "51022222233336");
  EXPECT_EQ(str(device["status"]), "active");
  Rendered report = render(render_diagnostic_report, detail::ResourceType::kDiagnosticReport, 0);
  EXPECT_EQ(str(report.at("/category/0/coding/0/code")), "LAB");
  EXPECT_EQ(str(report.at("/result/0/reference")), ref(detail::ResourceType::kObservation, 7));
  EXPECT_EQ(str(report.at("/result/1/reference")), ref(detail::ResourceType::kObservation, 8));
  Rendered study = render(render_imaging_study, detail::ResourceType::kImagingStudy, 0);
  EXPECT_EQ(str(study["status"]), "available");
  EXPECT_EQ(str(study.at("/series/0/modality/code")), "DX");
  EXPECT_EQ(str(study.at("/series/0/instance/1/sopClass/code")),
            "urn:oid:1.2.840.10008.5.1.4.1.1.1.1");
  EXPECT_EQ(study.at("/series/0/instance/1/number").get_int64().value(), 2);
  const std::string uid(str(study.at("/series/0/uid")));
  EXPECT_EQ(uid.rfind("2.25.", 0), 0u);
  EXPECT_LE(uid.size(), 64u);
  EXPECT_EQ(uid, uuid_oid(record::resource_uuid("ImagingStudy/series", 7, 0)));
  Rendered supply = render(render_supply_delivery, detail::ResourceType::kSupplyDelivery, 0);
  EXPECT_EQ(supply.at("/suppliedItem/quantity/value").get_double().value(), 50.0);

  adult_.reports[0].results.push_back(40);
  try {
    render(render_diagnostic_report, detail::ResourceType::kDiagnosticReport, 0);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMapping);
    EXPECT_STREQ(e.what(),
                 "patient 7, report 0: observation 40 does not exist (the patient has 9)");
  }
  adult_.devices[0].encounter = 5;
  EXPECT_THROW(render(render_device, detail::ResourceType::kDevice, 0), Error);
}

TEST(Elements, UuidOid) {
  Uuid zero;
  EXPECT_EQ(uuid_oid(zero), "2.25.0");
  // 2^128 - 1 has 39 digits.
  const Uuid max = Uuid::parse("ffffffff-ffff-ffff-ffff-ffffffffffff");
  EXPECT_EQ(uuid_oid(max), "2.25.340282366920938463463374607431768211455");
  EXPECT_EQ(uuid_oid(Uuid::parse("00000000-0000-0000-0000-000000000100")), "2.25.256");
}

TEST(Elements, ConceptCacheRendersBorrowedCodesOnce) {
  using record::literals::operator""_text;
  const record::Code borrowed{record::CodeSystem::kSnomed, "44054006"_text,
                              R"(Diabetes "type 2")"_text};
  const record::Code same_text_owned{record::CodeSystem::kSnomed, record::Text("44054006"),
                                     record::Text(R"(Diabetes "type 2")")};
  const record::Code other_system{record::CodeSystem::kLoinc, borrowed.code, borrowed.display};
  const auto render = [](const record::Code& code, detail::ConceptCache* cache) {
    std::string text;
    JsonWriter w(text);
    detail::write_concept(w, code, cache);
    w.flush();
    return text;
  };
  detail::ConceptCache cache;
  const std::string expected = render(borrowed, nullptr);
  EXPECT_EQ(expected, R"({"coding":[{"system":"http://snomed.info/sct","code":"44054006",)"
                      R"("display":"Diabetes \"type 2\""}],"text":"Diabetes \"type 2\""})");
  EXPECT_EQ(render(borrowed, &cache), expected);
  EXPECT_EQ(render(borrowed, &cache), expected);
  EXPECT_EQ(cache.size(), 1U);
  // Owning codes are rendered each time, not kept; the system is part of the key.
  EXPECT_EQ(render(same_text_owned, &cache), expected);
  EXPECT_EQ(cache.size(), 1U);
  EXPECT_EQ(render(other_system, &cache), render(other_system, nullptr));
  EXPECT_EQ(cache.size(), 2U);
  // Past its first table size the cache grows and still finds every code.
  std::vector<std::string> texts;
  texts.reserve(3000);
  for (int i = 0; i < 3000; ++i) texts.push_back("code-" + std::to_string(i));
  for (int round = 0; round < 2; ++round) {
    for (const std::string& t : texts) {
      const record::Code code{record::CodeSystem::kLoinc, record::Text::borrow(t),
                              record::Text::borrow(t)};
      ASSERT_EQ(render(code, &cache), render(code, nullptr));
    }
  }
  EXPECT_EQ(cache.size(), 3002U);
  // The key is exact: a code borrowing the start of another's text is another concept.
  const record::Code prefix{record::CodeSystem::kSnomed,
                            record::Text::borrow(borrowed.code.view().substr(0, 4)),
                            borrowed.display};
  EXPECT_EQ(render(prefix, &cache), render(prefix, nullptr));
  EXPECT_EQ(render(borrowed, &cache), expected);
  EXPECT_EQ(cache.size(), 3003U);
  // As a member: the key, then the same concept.
  {
    std::string text;
    JsonWriter w(text);
    w.begin_object();
    detail::write_concept_member(w, "code", borrowed, &cache);
    detail::write_concept_member(w, "other", same_text_owned, &cache);
    w.end_object();
    EXPECT_EQ(text, R"({"code":)" + expected + R"(,"other":)" + expected + "}");
  }
  // Quantities: the unit's members are kept by content and give the same bytes.
  const auto quantity = [](std::string unit, detail::ConceptCache* c) {
    std::string text;
    JsonWriter w(text);
    detail::write_quantity(w, record::Quantity{1.5, 2, std::move(unit)}, c);
    w.flush();
    return text;
  };
  EXPECT_EQ(quantity("mm[Hg]", &cache),
            R"({"value":1.50,"unit":"mm[Hg]","system":"http://unitsofmeasure.org",)"
            R"("code":"mm[Hg]"})");
  EXPECT_EQ(quantity("mm[Hg]", &cache), quantity("mm[Hg]", nullptr));
  EXPECT_EQ(quantity("", &cache), R"({"value":1.50})");
  // More units than the cache keeps: the rest are written each time, with the same bytes.
  for (size_t i = 0; i < detail::ConceptCache::kMaxUnits + 100; ++i) {
    std::string unit = std::to_string(i % 700);
    unit.push_back('u');
    ASSERT_EQ(quantity(unit, &cache), quantity(unit, nullptr)) << unit;
  }
  EXPECT_EQ(quantity("mm[Hg]", &cache), quantity("mm[Hg]", nullptr));
}

TEST(References, RelativeAndUrnStyles) {
  const Uuid id = record::resource_uuid("Patient", 3, 0);
  detail::ResourceRef rel(detail::ResourceType::kPatient, id, RefStyle::kRelative);
  detail::ResourceRef urn(detail::ResourceType::kPractitioner, id, RefStyle::kUrnUuid);
  EXPECT_EQ(rel.id(), id.str());
  EXPECT_EQ(rel.reference(), "Patient/" + id.str());
  EXPECT_EQ(urn.reference(), "urn:uuid:" + id.str());
  EXPECT_EQ(urn.id(), id.str());
  EXPECT_EQ(rel.json(), R"({"reference":"Patient/)" + id.str() + R"("})");
  // The longest type name still fits.
  detail::ResourceRef allergy(detail::ResourceType::kAllergyIntolerance, id, RefStyle::kRelative);
  EXPECT_EQ(allergy.json(), R"({"reference":"AllergyIntolerance/)" + id.str() + R"("})");
  EXPECT_EQ(detail::reference_json(allergy, ""), allergy.json());
  EXPECT_EQ(detail::reference_json(rel, R"(Dr. "A")"),
            R"({"reference":"Patient/)" + id.str() + R"(","display":"Dr. \"A\""})");
}

TEST(Elements, IsoTextAndSystems) {
  EXPECT_EQ(detail::IsoText(Date::from_civil(2001, 2, 3)).view(), "2001-02-03");
  EXPECT_EQ(detail::IsoText(Instant::at(Date::from_civil(1969, 12, 31), 23, 59, 58)).view(),
            "1969-12-31T23:59:58Z");
  EXPECT_THROW(detail::IsoText(Date::from_civil(10000, 1, 1)), Error);
  EXPECT_EQ(detail::system_uri(record::CodeSystem::kRxnorm),
            "http://www.nlm.nih.gov/research/umls/rxnorm");
  EXPECT_EQ(detail::system_uri(record::CodeSystem::kDicomSop), "urn:ietf:rfc:3986");
  EXPECT_EQ(detail::system_uri(record::CodeSystem::kOther), "");
}

TEST(Options, Validate) {
  FhirWriteOptions options;
  EXPECT_NO_THROW(options.validate());
  options.request_url.clear();
  try {
    options.validate();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_STREQ(e.what(), "fhir request_url: must not be empty");
  }
  options.request_url = "x";
  options.transaction_time = Instant::at(Date::from_civil(10001, 1, 1));
  EXPECT_THROW(options.validate(), Error);
}

}  // namespace
}  // namespace fos::fhir
