// ResourceRef formatting.
#include "fhir/write/detail/references.hpp"

#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/error.hpp"

namespace fos::fhir::detail {
namespace {

constexpr std::array<std::string_view, kResourceTypeCount> kTypeNames = {
    "Patient",           "Encounter",    "Observation",        "Immunization", "Condition",
    "MedicationRequest", "Procedure",    "AllergyIntolerance", "CarePlan",     "Device",
    "DiagnosticReport",  "ImagingStudy", "SupplyDelivery",     "Organization", "Practitioner",
    "Location"};

constexpr std::string_view kUrnPrefix = "urn:uuid:";

#if !defined(__SSE2__)
// Two lower-case hex digits per byte value.
constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 512> pairs{};
  for (size_t i = 0; i < 256; ++i) {
    pairs[2 * i] = kHex[i >> 4];
    pairs[2 * i + 1] = kHex[i & 0xF];
  }
  return pairs;
}();
#endif

// Lower-case 8-4-4-4-12 text of `id` into `out` (36 characters).
void format_uuid(const Uuid& id, char* out) {
  const auto& bytes = id.bytes();
  char hex[32];
#if defined(__SSE2__)
  // All 32 digits at once: each byte's high and low nibble side by side, then '0'..'9' or
  // 'a'..'f' by adding '0' and, for nibbles above 9, 'a' - '0' - 10 more.
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes.data()));
  const __m128i nibble = _mm_set1_epi8(0x0F);
  const __m128i high = _mm_and_si128(_mm_srli_epi16(v, 4), nibble);
  const __m128i low = _mm_and_si128(v, nibble);
  const auto digits = [](__m128i n) {
    const __m128i letters =
        _mm_and_si128(_mm_cmpgt_epi8(n, _mm_set1_epi8(9)), _mm_set1_epi8('a' - '0' - 10));
    return _mm_add_epi8(_mm_add_epi8(n, _mm_set1_epi8('0')), letters);
  };
  _mm_storeu_si128(reinterpret_cast<__m128i*>(hex), digits(_mm_unpacklo_epi8(high, low)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(hex + 16), digits(_mm_unpackhi_epi8(high, low)));
#else
  for (size_t i = 0; i < 16; ++i) std::memcpy(hex + 2 * i, &kHexPairs[2 * size_t{bytes[i]}], 2);
#endif
  std::memcpy(out, hex, 8);
  out[8] = '-';
  std::memcpy(out + 9, hex + 8, 4);
  out[13] = '-';
  std::memcpy(out + 14, hex + 12, 4);
  out[18] = '-';
  std::memcpy(out + 19, hex + 16, 4);
  out[23] = '-';
  std::memcpy(out + 24, hex + 20, 12);
}

}  // namespace

std::string_view type_name(ResourceType type) {
  return kTypeNames[static_cast<size_t>(type)];
}

namespace {

// `{"reference":"<Type>/` per type and `{"reference":"urn:uuid:`, padded to a fixed size so
// a constructor copies one in a few moves.
constexpr size_t kHeadRoom = 40;
struct RefHead {
  std::array<char, kHeadRoom> text{};
  uint8_t size = 0;
};

constexpr RefHead make_head(std::string_view prefix, bool slash) {
  RefHead head;
  size_t pos = 0;
  for (const char c : std::string_view(R"({"reference":")")) head.text[pos++] = c;
  for (const char c : prefix) head.text[pos++] = c;
  if (slash) head.text[pos++] = '/';
  head.size = static_cast<uint8_t>(pos);
  return head;
}

constexpr std::array<RefHead, kResourceTypeCount> kRelativeHeads = [] {
  std::array<RefHead, kResourceTypeCount> heads{};
  for (size_t t = 0; t < kResourceTypeCount; ++t) heads[t] = make_head(kTypeNames[t], true);
  return heads;
}();
constexpr RefHead kUrnHead = make_head(kUrnPrefix, false);

}  // namespace

ResourceRef::ResourceRef(ResourceType type, const Uuid& id, RefStyle style) : type_(type) {
  static_assert(kHeadRoom + 36 + 2 <= sizeof(buf_));
  const RefHead& head =
      style == RefStyle::kUrnUuid ? kUrnHead : kRelativeHeads[static_cast<size_t>(type)];
  std::memcpy(buf_, head.text.data(), kHeadRoom);
  size_t pos = head.size;
  id_pos_ = static_cast<uint8_t>(pos);
  format_uuid(id, buf_ + pos);
  pos += 36;
  buf_[pos] = '"';
  buf_[pos + 1] = '}';
  len_ = static_cast<uint8_t>(pos - kJsonPrefix.size());
}

void write_reference_with_display(JsonWriter& w, JsonKey key, const ResourceRef& ref,
                                  std::string_view display) {
  w.key(key);
  w.begin_object();
  w.field("reference", JsonPlain{ref.reference()});
  w.field("display", display);
  w.end_object();
}

std::string reference_json(const ResourceRef& ref, std::string_view display) {
  if (display.empty()) return std::string(ref.json());
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("reference", JsonPlain{ref.reference()});
  w.field("display", display);
  w.end_object();
  return out;
}

}  // namespace fos::fhir::detail
