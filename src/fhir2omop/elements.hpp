// Reading FHIR elements into record-model values: codes, instants, quantities, references.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "fhir/read/json.hpp"
#include "record/code.hpp"

namespace fos::fhir2omop {

/// A CodeableConcept's first coding (or a Coding) with its system URI as written.
struct SourceCode {
  record::Code code;
  std::string system_uri;
  bool known_system = false;  ///< the URI names a code system fos knows
};

/// The record code system of a FHIR system URI; nullopt when unknown.
std::optional<record::CodeSystem> code_system_from_uri(std::string_view uri);

/// The first coding of a CodeableConcept (or a bare Coding); nullopt without a coding.
std::optional<SourceCode> read_code(const fhir::Json* concept_or_coding);

/// A FHIR date or dateTime as an instant (a date means its midnight UTC); nullopt when
/// absent or invalid.
std::optional<Instant> read_instant(const fhir::Json& resource, std::string_view key);
std::optional<Instant> read_instant_text(std::string_view text);

/// A valueQuantity: value, decimals as written, UCUM code (else unit).
std::optional<record::Quantity> read_quantity(const fhir::Json* quantity);

/// The id in a reference "Type/id" (also "urn:uuid:id", and absolute URLs ending Type/id)
/// when its type is `type`; nullopt otherwise.
std::optional<std::string> reference_id(const fhir::Json* reference, std::string_view type);
/// reference_id of resource[key].
std::optional<std::string> reference_member(const fhir::Json& resource, std::string_view key,
                                            std::string_view type);

/// What a reference to a shared resource (Organization, Practitioner) names: its id, or, for
/// a conditional reference left unresolved by a Bundle ("Organization?identifier=sys|value",
/// Synthea's references to its hospital and practitioner files), that text, which
/// identifier_keys() of the target also gives.
std::optional<std::string> shared_reference_key(const fhir::Json& resource, std::string_view key,
                                                std::string_view type);
/// Whether `text` contains `word`, ignoring ASCII case ("SALEM URGENT CARE", "Urgent Care").
bool contains_word(std::string_view text, std::string_view word);

/// The conditional-reference texts that name `resource` by its identifiers.
std::vector<std::string> identifier_keys(std::string_view type, const fhir::Json& resource);

}  // namespace fos::fhir2omop
