// Patient: demographics, US Core race/ethnicity/birth sex/gender identity
// extensions, identifiers, name, telecom, address, marital status, language.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "fhir/write/detail/elements.hpp"
#include "fhir/write/resources.hpp"

namespace fos::fhir {
namespace {

using detail::write_concept;
using record::Person;

constexpr std::string_view kRaceUrl =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
constexpr std::string_view kEthnicityUrl =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";
constexpr std::string_view kOmbSystem = "urn:oid:2.16.840.1.113883.6.238";
constexpr std::string_view kSnomed = "http://snomed.info/sct";
constexpr std::string_view kV2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
constexpr std::string_view kMaritalSystem =
    "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus";
constexpr std::string_view kMrnSystem = "https://fos.dev/fhir/sid/mrn";
constexpr std::string_view kSsnSystem = "http://hl7.org/fhir/sid/us-ssn";
constexpr std::string_view kPassportSystem = "urn:oid:2.16.840.1.113883.4.330.840";  // USA
constexpr std::string_view kDriversLicenseFallback = "https://fos.dev/fhir/sid/drivers-license";

struct Coded {
  std::string_view code;
  std::string_view display;
};

Coded race_code(record::Race race) {
  switch (race) {
    case record::Race::kWhite:
      return {"2106-3", "White"};
    case record::Race::kBlack:
      return {"2054-5", "Black or African American"};
    case record::Race::kAsian:
      return {"2028-9", "Asian"};
    case record::Race::kAmericanIndian:
      return {"1002-5", "American Indian or Alaska Native"};
    case record::Race::kPacificIslander:
      return {"2076-8", "Native Hawaiian or Other Pacific Islander"};
    case record::Race::kOther:
      return {"2131-1", "Other Race"};
  }
  return {"2131-1", "Other Race"};
}

Coded ethnicity_code(record::Ethnicity ethnicity) {
  return ethnicity == record::Ethnicity::kHispanic ? Coded{"2135-2", "Hispanic or Latino"}
                                                   : Coded{"2186-5", "Not Hispanic or Latino"};
}

// SNOMED CT codes of US Core's gender identity value set.
Coded gender_identity_code(record::GenderIdentity identity) {
  switch (identity) {
    case record::GenderIdentity::kWoman:
      return {"446141000124107", "Identifies as female gender"};
    case record::GenderIdentity::kMan:
      return {"446151000124109", "Identifies as male gender"};
    case record::GenderIdentity::kTransgenderWoman:
      return {"407376001", "Male-to-female transsexual"};
    case record::GenderIdentity::kTransgenderMan:
      return {"407377005", "Female-to-male transsexual"};
    case record::GenderIdentity::kNonBinary:
      return {"33791000087105", "Identifies as nonbinary gender"};
  }
  return {"446131000124102", "Identifies as non-conforming gender"};
}

Coded marital_code(record::MaritalStatus status) {
  switch (status) {
    case record::MaritalStatus::kNeverMarried:
      return {"S", "Never Married"};
    case record::MaritalStatus::kMarried:
      return {"M", "Married"};
    case record::MaritalStatus::kDivorced:
      return {"D", "Divorced"};
    case record::MaritalStatus::kWidowed:
      return {"W", "Widowed"};
    case record::MaritalStatus::kSeparated:
      return {"L", "Legally Separated"};
  }
  return {"S", "Never Married"};
}

Coded identifier_type(record::IdentifierType type) {
  switch (type) {
    case record::IdentifierType::kMedicalRecord:
      return {"MR", "Medical Record Number"};
    case record::IdentifierType::kSocialSecurity:
      return {"SS", "Social Security number"};
    case record::IdentifierType::kDriversLicense:
      return {"DL", "Driver's license number"};
    case record::IdentifierType::kPassport:
      return {"PPN", "Passport number"};
  }
  return {"MR", "Medical Record Number"};
}

// State FIPS codes: a state's driver's license numbers have the HL7 OID
// 2.16.840.1.113883.4.3.<FIPS>.
constexpr std::array<std::pair<std::string_view, int>, 52> kStateFips = {{
    {"AL", 1},  {"AK", 2},  {"AZ", 4},  {"AR", 5},  {"CA", 6},  {"CO", 8},  {"CT", 9},  {"DE", 10},
    {"DC", 11}, {"FL", 12}, {"GA", 13}, {"HI", 15}, {"ID", 16}, {"IL", 17}, {"IN", 18}, {"IA", 19},
    {"KS", 20}, {"KY", 21}, {"LA", 22}, {"ME", 23}, {"MD", 24}, {"MA", 25}, {"MI", 26}, {"MN", 27},
    {"MS", 28}, {"MO", 29}, {"MT", 30}, {"NE", 31}, {"NV", 32}, {"NH", 33}, {"NJ", 34}, {"NM", 35},
    {"NY", 36}, {"NC", 37}, {"ND", 38}, {"OH", 39}, {"OK", 40}, {"OR", 41}, {"PA", 42}, {"RI", 44},
    {"SC", 45}, {"SD", 46}, {"TN", 47}, {"TX", 48}, {"UT", 49}, {"VT", 50}, {"VA", 51}, {"WA", 53},
    {"WV", 54}, {"WI", 55}, {"WY", 56}, {"PR", 72},
}};

void write_drivers_license_system(JsonWriter& w, std::string_view state) {
  for (const auto& [code, fips] : kStateFips) {
    if (code != state) continue;
    char buf[48] = "urn:oid:2.16.840.1.113883.4.3.";
    std::string_view prefix(buf);
    const std::string digits = std::to_string(fips);
    digits.copy(buf + prefix.size(), digits.size());
    w.field("system", std::string_view(buf, prefix.size() + digits.size()));
    return;
  }
  w.field("system", kDriversLicenseFallback);
}

void write_identifier_system(JsonWriter& w, const Person& person, record::IdentifierType type) {
  switch (type) {
    case record::IdentifierType::kMedicalRecord:
      w.field("system", kMrnSystem);
      return;
    case record::IdentifierType::kSocialSecurity:
      w.field("system", kSsnSystem);
      return;
    case record::IdentifierType::kDriversLicense:
      write_drivers_license_system(w, person.address.state);
      return;
    case record::IdentifierType::kPassport:
      w.field("system", kPassportSystem);
      return;
  }
}

// An extension made of `ombCategory` (or `detailed`) Coding and `text`, as
// us-core-race and us-core-ethnicity are.
void write_omb_extension(JsonWriter& w, std::string_view url, Coded coded) {
  w.begin_object();
  w.field("url", url);
  w.key("extension");
  w.begin_array();
  w.begin_object();
  w.field("url", "ombCategory");
  w.key("valueCoding");
  detail::write_coding(w, kOmbSystem, coded.code, coded.display);
  w.end_object();
  w.begin_object();
  w.field("url", "text");
  w.field("valueString", coded.display);
  w.end_object();
  w.end_array();
  w.end_object();
}

template <typename Enum>
size_t ordinal(Enum e) {
  return static_cast<size_t>(e);
}

void write_extensions(JsonWriter& w, const Person& person) {
  w.key("extension");
  w.begin_array();
  w.raw(detail::per_value_json<6>(ordinal(person.race), [](JsonWriter& x, size_t v) {
    write_omb_extension(x, kRaceUrl, race_code(static_cast<record::Race>(v)));
  }));
  w.raw(detail::per_value_json<2>(ordinal(person.ethnicity), [](JsonWriter& x, size_t v) {
    write_omb_extension(x, kEthnicityUrl, ethnicity_code(static_cast<record::Ethnicity>(v)));
  }));
  w.raw(detail::per_value_json<2>(ordinal(person.sex), [](JsonWriter& x, size_t v) {
    x.begin_object();
    x.field("url", "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex");
    x.field("valueCode", static_cast<record::Sex>(v) == record::Sex::kFemale ? "F" : "M");
    x.end_object();
  }));
  if (person.gender_identity) {
    w.raw(detail::per_value_json<5>(ordinal(*person.gender_identity), [](JsonWriter& x, size_t v) {
      const Coded identity = gender_identity_code(static_cast<record::GenderIdentity>(v));
      x.begin_object();
      x.field("url", "http://hl7.org/fhir/us/core/StructureDefinition/us-core-genderIdentity");
      x.key("valueCodeableConcept");
      write_concept(x, kSnomed, identity.code, identity.display);
      x.end_object();
    }));
  }
  w.end_array();
}

void write_identifiers(JsonWriter& w, const Person& person) {
  const auto has_value = [](const record::Identifier& id) { return !id.value.empty(); };
  if (std::none_of(person.identifiers.begin(), person.identifiers.end(), has_value)) return;
  w.key("identifier");
  w.begin_array();
  for (const auto& id : person.identifiers) {
    if (id.value.empty()) continue;
    w.begin_object();
    w.key("type");
    w.raw(detail::per_value_json<4>(ordinal(id.type), [](JsonWriter& x, size_t v) {
      const Coded type = identifier_type(static_cast<record::IdentifierType>(v));
      write_concept(x, kV2IdentifierType, type.code, type.display);
    }));
    write_identifier_system(w, person, id.type);
    w.field("value", id.value);
    w.end_object();
  }
  w.end_array();
}

void write_names(JsonWriter& w, const Person& person) {
  w.key("name");
  w.begin_array();
  detail::write_name(w, "official", person.name);
  if (person.maiden_name && !person.maiden_name->empty()) {
    record::HumanName maiden;
    maiden.given = person.name.given;
    maiden.family = *person.maiden_name;
    detail::write_name(w, "maiden", maiden);
  }
  w.end_array();
}

void write_language(JsonWriter& w, const Person& person) {
  if (person.language.empty()) return;
  w.key("communication");
  w.begin_array();
  w.begin_object();
  w.key("language");
  write_concept(w, "urn:ietf:bcp:47", person.language, person.language_display);
  w.end_object();
  w.end_array();
}

}  // namespace

void render_patient(const detail::PatientContext& ctx, JsonWriter& w) {
  const Person& person = ctx.record().person;
  w.begin_object();
  w.field("resourceType", "Patient");
  w.field("id", JsonPlain{ctx.patient().id()});
  static const std::string kMeta =
      detail::meta_profiles("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient");
  w.key("meta");
  w.raw(kMeta);
  write_extensions(w, person);
  write_identifiers(w, person);
  write_names(w, person);
  detail::write_phone(w, person.phone, "home");
  w.field("gender", person.sex == record::Sex::kFemale ? "female" : "male");
  detail::write_date(w, "birthDate", person.birth_date);
  if (person.death) detail::write_instant(w, "deceasedDateTime", *person.death);
  w.key("address");
  w.begin_array();
  detail::write_address(w, person.address, "home", true);
  w.end_array();
  w.key("maritalStatus");
  w.raw(detail::per_value_json<5>(ordinal(person.marital_status), [](JsonWriter& x, size_t v) {
    const Coded marital = marital_code(static_cast<record::MaritalStatus>(v));
    write_concept(x, kMaritalSystem, marital.code, marital.display);
  }));
  write_language(w, person);
  w.end_object();
}

}  // namespace fos::fhir
