// Record room tests: ids, code system names, provider directory.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "core/error.hpp"
#include "record/record.hpp"

using namespace fos::record;

TEST(Ids, PersonAndEventIdsFollowIndexAndOrdinal) {
  EXPECT_EQ(person_id(0), 1);
  EXPECT_EQ(person_id(41), 42);
  EXPECT_EQ(event_id(41, 0), 42'000'000);
  EXPECT_EQ(event_id(41, 999'999), 42'999'999);
  EXPECT_THROW(event_id(41, 1'000'000), fos::Error);
}

TEST(Ids, ResourceUuidsAreDeterministicAndDistinct) {
  EXPECT_EQ(resource_uuid("Patient", 5, 0), resource_uuid("Patient", 5, 0));
  std::set<std::string> seen;
  for (uint64_t person = 0; person < 50; ++person) {
    for (uint64_t ordinal = 0; ordinal < 20; ++ordinal) {
      seen.insert(resource_uuid("Observation", person, ordinal).str());
      seen.insert(resource_uuid("Encounter", person, ordinal).str());
    }
  }
  EXPECT_EQ(seen.size(), 2000U);
  const std::string s = resource_uuid("Patient", 0, 0).str();
  EXPECT_EQ(s[14], '5');  // version 5
  EXPECT_NE(shared_uuid("Organization", 7), shared_uuid("Location", 7));
}

TEST(Ids, ResourceUuidsInBulkMatchOneAtATime) {
  std::vector<fos::Uuid> ids(37);  // more than one chunk of names, and an odd count
  resource_uuids("AllergyIntolerance", 123456789, ids);
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(ids[i], resource_uuid("AllergyIntolerance", 123456789, i)) << i;
  }
}

TEST(Ids, StableIdsArePositiveAnd53Bit) {
  for (int i = 0; i < 1000; ++i) {
    const uint64_t id = stable_id("org/MA/Boston/" + std::to_string(i));
    EXPECT_GT(id, 0U);
    EXPECT_LT(id, uint64_t{1} << 53);
  }
  EXPECT_EQ(stable_id("x"), stable_id("x"));
}

TEST(CodeSystem, NamesRoundTrip) {
  for (auto s : {CodeSystem::kSnomed, CodeSystem::kLoinc, CodeSystem::kRxnorm, CodeSystem::kCvx,
                 CodeSystem::kIcd10cm, CodeSystem::kNucc, CodeSystem::kDicomDcm,
                 CodeSystem::kDicomSop, CodeSystem::kUcum}) {
    EXPECT_EQ(code_system_from_name(to_string(s)), s);
  }
  EXPECT_EQ(code_system_from_name("SNOMED-CT"), CodeSystem::kSnomed);
  EXPECT_FALSE(code_system_from_name("Klingon"));
}

TEST(ProviderDirectory, FindsByIdAndRejectsDuplicates) {
  Organization org;
  org.id = 10;
  org.name = "Clinic";
  Provider doc;
  doc.id = 20;
  doc.organization_id = 10;
  ProviderDirectory directory({org}, {doc});
  ASSERT_NE(directory.find_organization(10), nullptr);
  EXPECT_EQ(directory.find_organization(10)->name, "Clinic");
  EXPECT_EQ(directory.find_organization(11), nullptr);
  EXPECT_EQ(directory.find_provider(20)->organization_id, 10U);
  EXPECT_THROW(ProviderDirectory({org, org}, {}), fos::Error);
}
