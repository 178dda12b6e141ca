// FHIR data types shared by the resource renderers.
#include "fhir/write/detail/elements.hpp"

#include <cstring>

#include "core/error.hpp"
#include "fhir/write/detail/concept_cache.hpp"

namespace fos::fhir::detail {
namespace {

using record::CodeSystem;

constexpr std::string_view kGeolocation = "http://hl7.org/fhir/StructureDefinition/geolocation";

// "00" .. "99".
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (size_t i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

// Write `value` (0..99) as two digits at `out`.
void put_two(char* out, int value) {
  const auto at = 2 * static_cast<size_t>(value);
  out[0] = kDigitPairs[at];
  out[1] = kDigitPairs[at + 1];
}

size_t put_date(char* out, const CivilDate& c) {
  if (c.year < 1 || c.year > 9999) {
    fail(ErrorKind::kMapping, "year " + std::to_string(c.year) + " cannot be written in FHIR");
  }
  put_two(out, c.year / 100);
  put_two(out + 2, c.year % 100);
  out[4] = '-';
  put_two(out + 5, c.month);
  out[7] = '-';
  put_two(out + 8, c.day);
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

namespace {

// The last instant a thread formatted: entries of one encounter mostly share its start, so
// consecutive resources often write the same instant.
struct LastInstant {
  int64_t seconds = 0;
  bool set = false;
  char text[20] = {};
  // The last day formatted ("YYYY-MM-DD"): an encounter's start and end, and the entries
  // during it, mostly fall on one day.
  Date day{0};
  bool day_set = false;
  char day_text[10] = {};
};
thread_local LastInstant last_instant;

}  // namespace

IsoText::IsoText(Instant instant) {
  LastInstant& last = last_instant;
  if (last.set && last.seconds == instant.seconds()) {
    std::memcpy(buf_, last.text, 20);
    len_ = 20;
    return;
  }
  format(instant);
  std::memcpy(last.text, buf_, 20);
  last.seconds = instant.seconds();
  last.set = true;
}

void IsoText::format(Instant instant) {
  LastInstant& last = last_instant;
  const Date day = instant.date();
  if (last.day_set && last.day == day) {
    std::memcpy(buf_, last.day_text, 10);
  } else {
    put_date(buf_, day.civil());
    std::memcpy(last.day_text, buf_, 10);
    last.day = day;
    last.day_set = true;
  }
  const int sod = instant.seconds_of_day();
  buf_[10] = 'T';
  put_two(buf_ + 11, sod / 3600);
  buf_[13] = ':';
  put_two(buf_ + 14, sod / 60 % 60);
  buf_[16] = ':';
  put_two(buf_ + 17, sod % 60);
  buf_[19] = 'Z';
  len_ = 20;
}

void write_date(JsonWriter& w, JsonKey key, Date date) {
  w.field(key, JsonPlain{IsoText(date).view()});
}

void write_instant(JsonWriter& w, JsonKey key, Instant instant) {
  w.field(key, JsonPlain{IsoText(instant).view()});
}

void write_period(JsonWriter& w, Instant start, Instant end) {
  write_period(w, IsoText(start), IsoText(end));
}

void write_period(JsonWriter& w, const IsoText& start, const IsoText& end) {
  w.key("period");
  w.begin_object();
  w.field("start", JsonPlain{start.view()});
  w.field("end", JsonPlain{end.view()});
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

namespace {

constexpr size_t kCodeSystemCount = static_cast<size_t>(CodeSystem::kOther) + 1;

// `"system":"<uri>"` per code system, made once (empty for kOther, which has no URI).
const std::string& system_member(CodeSystem system) {
  static const std::array<std::string, kCodeSystemCount> kTexts = [] {
    std::array<std::string, kCodeSystemCount> texts;
    for (size_t i = 0; i < kCodeSystemCount; ++i) {
      const std::string_view uri = system_uri(static_cast<CodeSystem>(i));
      if (uri.empty()) continue;
      texts[i] = json_text([&](JsonWriter& w) { w.value(uri); });
    }
    return texts;
  }();
  return kTexts[static_cast<size_t>(system)];
}

}  // namespace

void write_coding(JsonWriter& w, const record::Code& code) {
  w.begin_object();
  const std::string& system = system_member(code.system);
  if (!system.empty()) {
    w.key("system");
    w.raw(system);
  }
  if (!code.code.empty()) w.field("code", code.code);
  if (!code.display.empty()) w.field("display", code.display);
  w.end_object();
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

void write_concept(JsonWriter& w, const record::Code& code, ConceptCache* cache) {
  if (cache != nullptr) {
    const std::string_view json = cache->concept_json(code);
    if (!json.empty()) {
      w.raw(json);
      return;
    }
  }
  w.begin_object();
  w.key("coding");
  w.begin_array();
  write_coding(w, code);
  w.end_array();
  if (!code.display.empty()) w.field("text", code.display);
  w.end_object();
}

std::string_view cached_concept(ConceptCache* cache, const record::Code& code) {
  return cache->concept_json(code);
}

void write_concept_list(JsonWriter& w, JsonKey key, const record::Code& code, ConceptCache* cache) {
  w.key(key);
  w.begin_array();
  write_concept(w, code, cache);
  w.end_array();
}

void write_concept_list(JsonWriter& w, JsonKey key, std::string_view system, std::string_view code,
                        std::string_view display) {
  w.key(key);
  w.begin_array();
  write_concept(w, system, code, display);
  w.end_array();
}

void write_unit(JsonWriter& w, std::string_view unit) {
  w.field("unit", unit);
  w.field("system", kUcumSystem);
  w.field("code", unit);
}

void write_quantity(JsonWriter& w, const record::Quantity& quantity, ConceptCache* cache) {
  w.begin_object();
  w.key("value");
  w.value_fixed(quantity.value, quantity.decimals);
  if (!quantity.unit.empty()) {
    const std::string_view members =
        cache != nullptr ? cache->unit_members(quantity.unit) : std::string_view();
    if (!members.empty()) {
      w.raw_members(members);
    } else {
      write_unit(w, quantity.unit);
    }
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
