// Input file names and a quick text scan of JSON documents for the resource types they hold.
#include "fhir2omop/input_files.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "core/output.hpp"

namespace fos::fhir2omop {

bool is_ndjson_file(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  for (std::string_view stem : {".ndjson", ".jsonl"}) {
    for (std::string_view compression : {"", ".gz", ".zst"}) {
      const std::string suffix = std::string(stem) + std::string(compression);
      if (name.size() >= suffix.size() && name.ends_with(suffix)) return true;
    }
  }
  return false;
}

DocumentTypes document_types(const std::filesystem::path& file) {
  static constexpr std::string_view kKey = "\"resourceType\"";
  // The shared types of convert.cpp except Medication: a Medication contained in a
  // MedicationRequest looks the same to this scan. A document with a top-level Medication is
  // streamed as a patient document and falls back to the spilled path when one is met.
  static constexpr std::array<std::string_view, 4> kShared = {"Organization", "Practitioner",
                                                              "Location", "PractitionerRole"};
  const std::string text = read_file(file);
  const std::string_view view(text);
  DocumentTypes out;
  for (size_t at = view.find(kKey); at != std::string_view::npos; at = view.find(kKey, at)) {
    at += kKey.size();
    at = view.find_first_not_of(" \t\r\n:", at);
    if (at == std::string_view::npos || view[at] != '"') continue;
    const size_t end = view.find('"', at + 1);
    if (end == std::string_view::npos) break;
    const std::string_view type = view.substr(at + 1, end - at - 1);
    const bool shared = std::find(kShared.begin(), kShared.end(), type) != kShared.end();
    if (type != "Bundle") (shared ? out.shared : out.other) = true;
    at = end;
  }
  return out;
}

}  // namespace fos::fhir2omop
