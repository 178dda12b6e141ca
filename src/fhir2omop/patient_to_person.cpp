// Patient -> person (+ its location and death): demographics from US Core extensions.
#include <string>

#include "fhir2omop/mappers.hpp"

namespace fos::fhir2omop {
namespace {

using record::Race;

constexpr std::string_view kRaceUrl =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
constexpr std::string_view kEthnicityUrl =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";
constexpr std::string_view kBirthSexUrl =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex";
constexpr std::string_view kGeolocationUrl = "http://hl7.org/fhir/StructureDefinition/geolocation";

const fhir::Json* extension(const fhir::Json& element, std::string_view url) {
  const fhir::Json* list = element.find("extension");
  if (list == nullptr || !list->is_array()) return nullptr;
  for (const fhir::Json& e : list->items()) {
    if (e.find_string("url") == url) return &e;
  }
  return nullptr;
}

// The ombCategory code of a US Core race or ethnicity extension.
std::string omb_category(const fhir::Json* ext) {
  if (ext == nullptr) return "";
  const fhir::Json* category = extension(*ext, "ombCategory");
  if (category == nullptr) return "";
  const fhir::Json* coding = category->find("valueCoding");
  if (coding == nullptr) return "";
  return std::string(coding->find_string("code").value_or(""));
}

Race race_of(const std::string& code) {
  if (code == "2106-3") return Race::kWhite;
  if (code == "2054-5") return Race::kBlack;
  if (code == "2028-9") return Race::kAsian;
  if (code == "1002-5") return Race::kAmericanIndian;
  if (code == "2076-8") return Race::kPacificIslander;
  return Race::kOther;
}

double decimal_of(const fhir::Json* ext, std::string_view url) {
  const fhir::Json* part = ext != nullptr ? extension(*ext, url) : nullptr;
  const fhir::Json* value = part != nullptr ? part->find("valueDecimal") : nullptr;
  if (value == nullptr || !value->is_number()) return 0;
  return std::stod(std::string(value->text()));
}

void read_address(const fhir::Json& resource, record::Address& a) {
  const fhir::Json* list = resource.find("address");
  if (list == nullptr || !list->is_array() || list->items().empty()) return;
  const fhir::Json& address = list->items().front();
  if (const fhir::Json* lines = address.find("line"); lines && lines->is_array()) {
    for (const fhir::Json& line : lines->items()) {
      if (!a.line.empty()) a.line += ' ';
      a.line += line.text();
    }
  }
  a.city = std::string(address.find_string("city").value_or(""));
  a.state = std::string(address.find_string("state").value_or(""));
  a.postal_code = std::string(address.find_string("postalCode").value_or(""));
  a.county = std::string(address.find_string("district").value_or(""));
  a.country = std::string(address.find_string("country").value_or(""));
  const fhir::Json* geo = extension(address, kGeolocationUrl);
  a.latitude = decimal_of(geo, "latitude");
  a.longitude = decimal_of(geo, "longitude");
}

}  // namespace

std::string_view map_patient(const fhir::Resource& resource, MapContext& context) {
  const fhir::Json& json = resource.json;
  const auto birth = json.find_string("birthDate");
  const auto birth_date = birth ? Date::parse(birth->substr(0, 10)) : std::nullopt;
  if (!birth_date) return kInvalidDate;
  record::Person& person = context.record().person;
  person.fhir_id = resource.id;
  person.birth_date = *birth_date;
  person.birth_time = Instant::at(*birth_date);
  if (const auto deceased = json.find_string("deceasedDateTime")) {
    person.death = read_instant_text(*deceased);
    if (!person.death) context.report().warn("Patient", "invalid death date");
  }
  const fhir::Json* birth_sex = extension(json, kBirthSexUrl);
  const std::string_view sex = birth_sex ? birth_sex->find_string("valueCode").value_or("")
                                         : json.find_string("gender").value_or("");
  person.sex = (sex == "M" || sex == "male") ? record::Sex::kMale : record::Sex::kFemale;
  person.race = race_of(omb_category(extension(json, kRaceUrl)));
  person.ethnicity = omb_category(extension(json, kEthnicityUrl)) == "2135-2"
                         ? record::Ethnicity::kHispanic
                         : record::Ethnicity::kNotHispanic;
  read_address(json, person.address);
  return "";
}

}  // namespace fos::fhir2omop
