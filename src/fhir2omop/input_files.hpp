// What the converter needs to know about an input file before reading it.
#pragma once

#include <filesystem>

namespace fos::fhir2omop {

/// True for a Bulk Data NDJSON name (.ndjson / .jsonl, optionally .gz / .zst), as fhir/read
/// decides; other files are whole JSON documents (a resource or a Bundle).
bool is_ndjson_file(const std::filesystem::path& file);

/// The resource types a JSON document mentions, from a scan of its text for
/// "resourceType" members (no parse): whether any is a shared type (Organization,
/// Practitioner, Location, PractitionerRole) and whether any is another type (a
/// Bundle itself is neither).
struct DocumentTypes {
  bool shared = false;
  bool other = false;
};
DocumentTypes document_types(const std::filesystem::path& file);

}  // namespace fos::fhir2omop
