// Resource types, ids and references as FHIR text, kept on the stack.
//
// NDJSON output refers to resources as "Patient/<id>"; a transaction Bundle
// refers to its entries as "urn:uuid:<id>" (the entry's fullUrl).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/json_writer.hpp"
#include "core/uuid.hpp"

namespace fos::fhir::detail {

/// Patient-owned types first (kPatient..kSupplyDelivery), then the shared ones.
enum class ResourceType : uint8_t {
  kPatient,
  kEncounter,
  kObservation,
  kImmunization,
  kCondition,
  kMedicationRequest,
  kProcedure,
  kAllergyIntolerance,
  kCarePlan,
  kDevice,
  kDiagnosticReport,
  kImagingStudy,
  kSupplyDelivery,
  kOrganization,
  kPractitioner,
  kLocation,
};
inline constexpr int kResourceTypeCount = 16;
/// Types written per patient: kPatient .. kSupplyDelivery.
inline constexpr int kPatientTypeCount = 13;

/// "Patient", "Encounter", ...
std::string_view type_name(ResourceType type);

enum class RefStyle : uint8_t {
  kRelative,  ///< "Patient/<id>"
  kUrnUuid,   ///< "urn:uuid:<id>"
};

/// A resource's id and the text other resources use to refer to it.
class ResourceRef {
 public:
  ResourceRef() = default;
  ResourceRef(ResourceType type, const Uuid& id, RefStyle style);

  ResourceType type() const { return type_; }
  /// The 36-character UUID text.
  std::string_view id() const { return {buf_ + id_pos_, 36}; }
  /// "Patient/<id>" or "urn:uuid:<id>".
  std::string_view reference() const { return {buf_ + kJsonPrefix.size(), len_}; }
  /// The Reference object without display: `{"reference":"<reference()>"}`.
  std::string_view json() const { return {buf_, kJsonPrefix.size() + len_ + 2}; }

 private:
  static constexpr std::string_view kJsonPrefix = R"({"reference":")";

  char buf_[80] = {};
  uint8_t id_pos_ = 0;
  uint8_t len_ = 0;
  ResourceType type_ = ResourceType::kPatient;
};

/// write_reference with a non-empty display.
void write_reference_with_display(JsonWriter& w, JsonKey key, const ResourceRef& ref,
                                  std::string_view display);
/// Write `"<key>":{"reference":"...","display":"..."}` (display only when not empty). Inline:
/// the common case, the ready Reference object under a literal key, is a few moves.
inline void write_reference(JsonWriter& w, JsonKey key, const ResourceRef& ref,
                            std::string_view display = {}) {
  if (display.empty()) {
    w.raw_member(key, ref.json());
    return;
  }
  write_reference_with_display(w, key, ref, display);
}
/// The Reference object write_reference writes after the key.
std::string reference_json(const ResourceRef& ref, std::string_view display);

}  // namespace fos::fhir::detail
