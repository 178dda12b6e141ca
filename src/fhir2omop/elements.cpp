// FHIR element readers shared by the mappers.
#include "fhir2omop/elements.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace fos::fhir2omop {
namespace {

using record::CodeSystem;

constexpr std::array<std::pair<std::string_view, CodeSystem>, 11> kSystems = {{
    {"http://snomed.info/sct", CodeSystem::kSnomed},
    {"http://loinc.org", CodeSystem::kLoinc},
    {"http://www.nlm.nih.gov/research/umls/rxnorm", CodeSystem::kRxnorm},
    {"http://hl7.org/fhir/sid/cvx", CodeSystem::kCvx},
    {"http://hl7.org/fhir/sid/icd-10-cm", CodeSystem::kIcd10cm},
    {"http://nucc.org/provider-taxonomy", CodeSystem::kNucc},
    {"http://dicom.nema.org/resources/ontology/DCM", CodeSystem::kDicomDcm},
    {"urn:ietf:rfc:3986", CodeSystem::kDicomSop},
    {"http://unitsofmeasure.org", CodeSystem::kUcum},
    {"urn:oid:2.16.840.1.113883.6.96", CodeSystem::kSnomed},
    {"urn:oid:2.16.840.1.113883.6.1", CodeSystem::kLoinc},
}};

}  // namespace

std::optional<record::CodeSystem> code_system_from_uri(std::string_view uri) {
  for (const auto& [name, system] : kSystems) {
    if (name == uri) return system;
  }
  return std::nullopt;
}

std::optional<SourceCode> read_code(const fhir::Json* concept_or_coding) {
  if (concept_or_coding == nullptr || !concept_or_coding->is_object()) return std::nullopt;
  const fhir::Json* coding = concept_or_coding;
  if (const fhir::Json* codings = concept_or_coding->find("coding")) {
    if (!codings->is_array() || codings->items().empty()) return std::nullopt;
    coding = &codings->items().front();
  }
  const auto code = coding->find_string("code");
  if (!code) return std::nullopt;
  SourceCode out;
  out.system_uri = std::string(coding->find_string("system").value_or(""));
  const auto system = code_system_from_uri(out.system_uri);
  out.known_system = system.has_value() || out.system_uri.empty();
  out.code.system = system.value_or(CodeSystem::kOther);
  out.code.code = std::string(*code);
  out.code.display = std::string(coding->find_string("display").value_or(""));
  return out;
}

std::optional<Instant> read_instant_text(std::string_view text) {
  if (text.size() == 10) {
    const auto date = Date::parse(text);
    if (!date) return std::nullopt;
    return Instant::at(*date);
  }
  return Instant::parse(text);
}

std::optional<Instant> read_instant(const fhir::Json& resource, std::string_view key) {
  const auto text = resource.find_string(key);
  if (!text) return std::nullopt;
  return read_instant_text(*text);
}

std::optional<record::Quantity> read_quantity(const fhir::Json* quantity) {
  if (quantity == nullptr || !quantity->is_object()) return std::nullopt;
  const fhir::Json* value = quantity->find("value");
  if (value == nullptr || !value->is_number()) return std::nullopt;
  const std::string_view text = value->text();
  record::Quantity out;
  const char* end = text.data() + text.size();
  if (std::from_chars(text.data(), end, out.value).ec != std::errc()) return std::nullopt;
  const size_t point = text.find('.');
  const size_t exponent = text.find_first_of("eE");
  out.decimals = 0;
  if (point != std::string::npos) {
    out.decimals =
        static_cast<int>((exponent == std::string::npos ? text.size() : exponent) - point - 1);
  }
  out.unit = std::string(
      quantity->find_string("code").value_or(quantity->find_string("unit").value_or("")));
  return out;
}

std::optional<std::string> reference_id(const fhir::Json* reference, std::string_view type) {
  if (reference == nullptr) return std::nullopt;
  const auto text = reference->find_string("reference");
  if (!text) return std::nullopt;
  std::string_view ref = *text;
  if (ref.starts_with("urn:uuid:")) return std::string(ref.substr(9));
  if (ref.find('?') != std::string_view::npos) return std::nullopt;  // unresolved conditional
  const size_t slash = ref.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  const size_t type_start = ref.rfind('/', slash - 1);
  const std::string_view ref_type =
      ref.substr(type_start == std::string_view::npos ? 0 : type_start + 1,
                 slash - (type_start == std::string_view::npos ? 0 : type_start + 1));
  if (ref_type != type || slash + 1 >= ref.size()) return std::nullopt;
  return std::string(ref.substr(slash + 1));
}

std::optional<std::string> reference_member(const fhir::Json& resource, std::string_view key,
                                            std::string_view type) {
  return reference_id(resource.find(key), type);
}

std::optional<std::string> shared_reference_key(const fhir::Json& resource, std::string_view key,
                                                std::string_view type) {
  const fhir::Json* reference = resource.find(key);
  if (auto id = reference_id(reference, type)) return id;
  if (reference == nullptr) return std::nullopt;
  const std::string_view text = reference->find_string("reference").value_or("");
  if (text.size() > type.size() && text.starts_with(type) && text[type.size()] == '?') {
    return std::string(text);
  }
  return std::nullopt;
}

std::vector<std::string> identifier_keys(std::string_view type, const fhir::Json& resource) {
  std::vector<std::string> out;
  const fhir::Json* identifiers = resource.find("identifier");
  if (identifiers == nullptr || !identifiers->is_array()) return out;
  for (const fhir::Json& identifier : identifiers->items()) {
    const auto value = identifier.find_string("value");
    if (!value) continue;
    const auto system = identifier.find_string("system");
    const std::string prefix = std::string(type) + "?identifier=";
    out.push_back(prefix + std::string(system.value_or("")) + "|" + std::string(*value));
    if (!system) out.push_back(prefix + std::string(*value));
  }
  return out;
}

bool contains_word(std::string_view text, std::string_view word) {
  const auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  const auto it = std::search(text.begin(), text.end(), word.begin(), word.end(),
                              [&](char a, char b) { return lower(a) == lower(b); });
  return it != text.end() || word.empty();
}

}  // namespace fos::fhir2omop
