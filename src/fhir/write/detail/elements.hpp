// FHIR data types shared by the resource renderers: codings, quantities,
// dates and instants, periods, names, addresses, telecoms, meta.profile.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/date.hpp"
#include "core/json_writer.hpp"
#include "record/code.hpp"
#include "record/person.hpp"

namespace fos::fhir::detail {

class ConceptCache;

inline constexpr std::string_view kUcumSystem = "http://unitsofmeasure.org";

/// The FHIR system URI of a record code system; empty for CodeSystem::kOther.
std::string_view system_uri(record::CodeSystem system);

/// ISO text of a date ("YYYY-MM-DD") or a UTC instant ("YYYY-MM-DDTHH:MM:SSZ"), on the stack.
/// Throws Error{kMapping} for years outside 0001..9999, which FHIR cannot write.
class IsoText {
 public:
  explicit IsoText(Date date);
  explicit IsoText(Instant instant);
  std::string_view view() const { return {buf_, len_}; }

 private:
  void format(Instant instant);

  char buf_[24] = {};
  size_t len_ = 0;
};

void write_date(JsonWriter& w, JsonKey key, Date date);
void write_instant(JsonWriter& w, JsonKey key, Instant instant);
/// `"period":{"start":...,"end":...}`.
void write_period(JsonWriter& w, Instant start, Instant end);
/// The same with both texts made already (a resource that writes one period twice).
void write_period(JsonWriter& w, const IsoText& start, const IsoText& end);

/// A Coding object (no key): system (when known), code, display (when not empty).
void write_coding(JsonWriter& w, std::string_view system, std::string_view code,
                  std::string_view display);
void write_coding(JsonWriter& w, const record::Code& code);
/// A CodeableConcept object (no key) with one coding and `text` = display.
void write_concept(JsonWriter& w, std::string_view system, std::string_view code,
                   std::string_view display);
/// With a cache, a code that borrows its text is rendered once and then copied.
void write_concept(JsonWriter& w, const record::Code& code, ConceptCache* cache = nullptr);
/// The JSON of `code` from `cache` (ConceptCache::concept_json); empty when not cached.
std::string_view cached_concept(ConceptCache* cache, const record::Code& code);
/// `"<key>":<CodeableConcept>`: with a cache, a cached concept in one step
/// (JsonWriter::raw_member). Inline, so a literal key is copied with constant-size moves.
inline void write_concept_member(JsonWriter& w, JsonKey key, const record::Code& code,
                                 ConceptCache* cache = nullptr) {
  const std::string_view json = cache != nullptr ? cached_concept(cache, code) : std::string_view();
  if (!json.empty()) {
    w.raw_member(key, json);
    return;
  }
  w.key(key);
  write_concept(w, code, nullptr);
}
/// `"<key>":[<CodeableConcept>]`.
void write_concept_list(JsonWriter& w, JsonKey key, const record::Code& code,
                        ConceptCache* cache = nullptr);
void write_concept_list(JsonWriter& w, JsonKey key, std::string_view system, std::string_view code,
                        std::string_view display);

/// A Quantity object (no key): value with the record's decimals, UCUM unit and code.
/// With a cache, the unit's members are made once per unit.
void write_quantity(JsonWriter& w, const record::Quantity& quantity, ConceptCache* cache = nullptr);
/// The unit members of a Quantity (unit, system, code). REQUIRES: `unit` is not empty.
void write_unit(JsonWriter& w, std::string_view unit);

/// JSON text made once by `fn` (a constant part of a resource: a profile list, a
/// fixed coding) and then inserted with JsonWriter::raw, so the hot path does not
/// format and escape the same long URIs for every resource.
template <typename Fn>
std::string json_text(Fn fn) {
  std::string text;
  JsonWriter w(text);
  fn(w);
  return text;
}

/// One constant JSON text per value 0..N-1 of an enum, made by `make(w, value)`
/// on first use. Each call site (each `make` lambda) has its own table.
template <size_t N, typename Make>
const std::string& per_value_json(size_t value, Make make) {
  static const std::array<std::string, N> kTexts = [&] {
    std::array<std::string, N> texts;
    for (size_t i = 0; i < N; ++i) texts[i] = json_text([&](JsonWriter& w) { make(w, i); });
    return texts;
  }();
  return kTexts[value];
}

/// The value of `"meta"`: `{"profile":[...]}` with the non-empty profiles given.
std::string meta_profiles(std::string_view first, std::string_view second = {});

/// A HumanName object (no key) with `use`; empty parts are left out.
void write_name(JsonWriter& w, std::string_view use, const record::HumanName& name);
/// An Address object (no key) with `use` when not empty; the geolocation extension
/// when `with_geolocation` and the coordinates are set (not both zero).
void write_address(JsonWriter& w, const record::Address& address, std::string_view use,
                   bool with_geolocation);
/// `"telecom":[{"system":"phone","value":...,"use":...}]` when `phone` is not empty.
void write_phone(JsonWriter& w, std::string_view phone, std::string_view use);
/// A decimal with six places (latitude, longitude: about 0.1 m).
void write_coordinate(JsonWriter& w, JsonKey key, double degrees);

}  // namespace fos::fhir::detail
