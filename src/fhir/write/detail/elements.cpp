// FHIR data types shared by the resource renderers.
#include "fhir/write/detail/elements.hpp"

#include "core/error.hpp"

namespace fos::fhir::detail {
namespace {

using record::CodeSystem;

constexpr std::string_view kGeolocation = "http://hl7.org/fhir/StructureDefinition/geolocation";

// Write `value` as exactly `width` digits at `out`.
void put_digits(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

size_t put_date(char* out, const CivilDate& c) {
  if (c.year < 1 || c.year > 9999) {
    fail(ErrorKind::kMapping, "year " + std::to_string(c.year) + " cannot be written in FHIR");
  }
  put_digits(out, c.year, 4);
  out[4] = '-';
  put_digits(out + 5, c.month, 2);
  out[7] = '-';
  put_digits(out + 8, c.day, 2);
  return 10;
}

}  // namespace

std::string_view system_uri(CodeSystem system) {
  switch (system) {
    case CodeSystem::kSnomed:
      return "http://snomed.info/sct";
    case CodeSystem::kLoinc:
      return "http://loinc.org";
    case CodeSystem::kRxnorm:
      return "http://www.nlm.nih.gov/research/umls/rxnorm";
    case CodeSystem::kCvx:
      return "http://hl7.org/fhir/sid/cvx";
    case CodeSystem::kIcd10cm:
      return "http://hl7.org/fhir/sid/icd-10-cm";
    case CodeSystem::kNucc:
      return "http://nucc.org/provider-taxonomy";
    case CodeSystem::kDicomDcm:
      return "http://dicom.nema.org/resources/ontology/DCM";
    case CodeSystem::kDicomSop:
      return "urn:ietf:rfc:3986";
    case CodeSystem::kUcum:
      return kUcumSystem;
    case CodeSystem::kOther:
      return {};
  }
  return {};
}

IsoText::IsoText(Date date) : len_(put_date(buf_, date.civil())) {}

IsoText::IsoText(Instant instant) : len_(put_date(buf_, instant.date().civil())) {
  const int sod = instant.seconds_of_day();
  buf_[10] = 'T';
  put_digits(buf_ + 11, sod / 3600, 2);
  buf_[13] = ':';
  put_digits(buf_ + 14, sod / 60 % 60, 2);
  buf_[16] = ':';
  put_digits(buf_ + 17, sod % 60, 2);
  buf_[19] = 'Z';
  len_ = 20;
}

void write_date(JsonWriter& w, JsonKey key, Date date) {
  w.field(key, IsoText(date).view());
}

void write_instant(JsonWriter& w, JsonKey key, Instant instant) {
  w.field(key, IsoText(instant).view());
}

void write_period(JsonWriter& w, Instant start, Instant end) {
  w.key("period");
  w.begin_object();
  write_instant(w, "start", start);
  write_instant(w, "end", end);
  w.end_object();
}

void write_coding(JsonWriter& w, std::string_view system, std::string_view code,
                  std::string_view display) {
  w.begin_object();
  if (!system.empty()) w.field("system", system);
  if (!code.empty()) w.field("code", code);
  if (!display.empty()) w.field("display", display);
  w.end_object();
}

void write_coding(JsonWriter& w, const record::Code& code) {
  write_coding(w, system_uri(code.system), code.code, code.display);
}

void write_concept(JsonWriter& w, std::string_view system, std::string_view code,
                   std::string_view display) {
  w.begin_object();
  w.key("coding");
  w.begin_array();
  write_coding(w, system, code, display);
  w.end_array();
  if (!display.empty()) w.field("text", display);
  w.end_object();
}

void write_concept(JsonWriter& w, const record::Code& code) {
  write_concept(w, system_uri(code.system), code.code, code.display);
}

void write_concept_list(JsonWriter& w, JsonKey key, const record::Code& code) {
  write_concept_list(w, key, system_uri(code.system), code.code, code.display);
}

void write_concept_list(JsonWriter& w, JsonKey key, std::string_view system, std::string_view code,
                        std::string_view display) {
  w.key(key);
  w.begin_array();
  write_concept(w, system, code, display);
  w.end_array();
}

void write_quantity(JsonWriter& w, const record::Quantity& quantity) {
  w.begin_object();
  w.key("value");
  w.value_fixed(quantity.value, quantity.decimals);
  if (!quantity.unit.empty()) {
    w.field("unit", quantity.unit);
    w.field("system", kUcumSystem);
    w.field("code", quantity.unit);
  }
  w.end_object();
}

std::string meta_profiles(std::string_view first, std::string_view second) {
  return json_text([&](JsonWriter& w) {
    w.begin_object();
    w.key("profile");
    w.begin_array();
    w.value(first);
    if (!second.empty()) w.value(second);
    w.end_array();
    w.end_object();
  });
}

namespace {

void write_string_list(JsonWriter& w, JsonKey key, std::string_view text) {
  if (text.empty()) return;
  w.key(key);
  w.begin_array();
  w.value(text);
  w.end_array();
}

}  // namespace

void write_name(JsonWriter& w, std::string_view use, const record::HumanName& name) {
  w.begin_object();
  w.field("use", use);
  if (!name.family.empty()) w.field("family", name.family);
  write_string_list(w, "given", name.given);
  write_string_list(w, "prefix", name.prefix);
  write_string_list(w, "suffix", name.suffix);
  w.end_object();
}

void write_coordinate(JsonWriter& w, JsonKey key, double degrees) {
  w.key(key);
  w.value_fixed(degrees, 6);
}

void write_address(JsonWriter& w, const record::Address& address, std::string_view use,
                   bool with_geolocation) {
  w.begin_object();
  if (with_geolocation && (address.latitude != 0 || address.longitude != 0)) {
    w.key("extension");
    w.begin_array();
    w.begin_object();
    w.field("url", kGeolocation);
    w.key("extension");
    w.begin_array();
    w.begin_object();
    w.field("url", "latitude");
    write_coordinate(w, "valueDecimal", address.latitude);
    w.end_object();
    w.begin_object();
    w.field("url", "longitude");
    write_coordinate(w, "valueDecimal", address.longitude);
    w.end_object();
    w.end_array();
    w.end_object();
    w.end_array();
  }
  if (!use.empty()) w.field("use", use);
  write_string_list(w, "line", address.line);
  if (!address.city.empty()) w.field("city", address.city);
  if (!address.county.empty()) w.field("district", address.county);
  if (!address.state.empty()) w.field("state", address.state);
  if (!address.postal_code.empty()) w.field("postalCode", address.postal_code);
  if (!address.country.empty()) w.field("country", address.country);
  w.end_object();
}

void write_phone(JsonWriter& w, std::string_view phone, std::string_view use) {
  if (phone.empty()) return;
  w.key("telecom");
  w.begin_array();
  w.begin_object();
  w.field("system", "phone");
  w.field("value", phone);
  w.field("use", use);
  w.end_object();
  w.end_array();
}

}  // namespace fos::fhir::detail
