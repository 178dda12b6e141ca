// ResourceRef formatting.
#include "fhir/write/detail/references.hpp"

#include <array>
#include <cstring>

#include "core/error.hpp"

namespace fos::fhir::detail {
namespace {

constexpr std::array<std::string_view, kResourceTypeCount> kTypeNames = {
    "Patient",           "Encounter",    "Observation",        "Immunization", "Condition",
    "MedicationRequest", "Procedure",    "AllergyIntolerance", "CarePlan",     "Device",
    "DiagnosticReport",  "ImagingStudy", "SupplyDelivery",     "Organization", "Practitioner",
    "Location"};

constexpr std::string_view kUrnPrefix = "urn:uuid:";

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

// Lower-case 8-4-4-4-12 text of `id` into `out` (36 characters).
void format_uuid(const Uuid& id, char* out) {
  const auto& bytes = id.bytes();
  int pos = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[pos++] = '-';
    std::memcpy(out + pos, &kHexPairs[2 * size_t{bytes[i]}], 2);
    pos += 2;
  }
}

}  // namespace

std::string_view type_name(ResourceType type) {
  return kTypeNames[static_cast<size_t>(type)];
}

ResourceRef::ResourceRef(ResourceType type, const Uuid& id, RefStyle style) : type_(type) {
  const std::string_view prefix = style == RefStyle::kUrnUuid ? kUrnPrefix : type_name(type);
  std::memcpy(buf_, kJsonPrefix.data(), kJsonPrefix.size());
  size_t pos = kJsonPrefix.size();
  std::memcpy(buf_ + pos, prefix.data(), prefix.size());
  pos += prefix.size();
  if (style == RefStyle::kRelative) buf_[pos++] = '/';
  id_pos_ = static_cast<uint8_t>(pos);
  format_uuid(id, buf_ + pos);
  pos += 36;
  buf_[pos] = '"';
  buf_[pos + 1] = '}';
  len_ = static_cast<uint8_t>(pos - kJsonPrefix.size());
}

void write_reference(JsonWriter& w, JsonKey key, const ResourceRef& ref, std::string_view display) {
  if (display.empty()) {
    w.raw_member(key, ref.json());
    return;
  }
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
