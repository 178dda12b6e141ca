// Person: who a patient is (demographics), independent of any data model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.hpp"

namespace fos::record {

enum class Sex : uint8_t { kFemale, kMale };  ///< sex assigned at birth
enum class GenderIdentity : uint8_t {
  kWoman,
  kMan,
  kTransgenderWoman,
  kTransgenderMan,
  kNonBinary
};
enum class Race : uint8_t { kWhite, kBlack, kAsian, kAmericanIndian, kPacificIslander, kOther };
enum class Ethnicity : uint8_t { kHispanic, kNotHispanic };
enum class MaritalStatus : uint8_t { kNeverMarried, kMarried, kDivorced, kWidowed, kSeparated };
enum class IdentifierType : uint8_t { kMedicalRecord, kSocialSecurity, kDriversLicense, kPassport };

struct HumanName {
  std::string prefix;  ///< "Mr.", "Mrs.", "Ms.", "Dr."; empty for children
  std::string given;
  std::string family;
  std::string suffix;  ///< "MD", "PhD", ...; usually empty
};

struct Identifier {
  IdentifierType type = IdentifierType::kMedicalRecord;
  std::string value;
};

struct Address {
  std::string line;
  std::string city;
  std::string state;  ///< two-letter USPS code
  std::string postal_code;
  std::string county;
  std::string country = "US";
  double latitude = 0;
  double longitude = 0;
};

struct Person {
  uint64_t index = 0;  ///< position in the whole population (not the shard), from 0
  Date birth_date;
  Instant birth_time;
  std::optional<Instant> death;
  Sex sex = Sex::kFemale;
  std::optional<GenderIdentity> gender_identity;
  Race race = Race::kWhite;
  Ethnicity ethnicity = Ethnicity::kNotHispanic;
  HumanName name;
  std::optional<std::string> maiden_name;  ///< family name at birth, if it changed at marriage
  std::vector<Identifier> identifiers;
  Address address;
  std::string phone;
  MaritalStatus marital_status = MaritalStatus::kNeverMarried;
  std::string language = "en-US";  ///< BCP 47
  std::string language_display = "English (United States)";
  std::string fhir_id;  ///< FHIR Patient id when read from FHIR; empty: derived from `index`
};

}  // namespace fos::record
