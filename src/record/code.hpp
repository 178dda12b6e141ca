// Code: a coded concept from a named code system, as clinicians and modules write it.
//
// The record model names code systems, not FHIR URIs or OMOP vocabulary ids;
// fhir/write and omop/write translate them. `code` and `display` are record::Text: owned
// copies by default, or borrowed from storage that outlives the record (the module library,
// static tables; see record/text.hpp for the lifetime rule), so copying a library code into
// an entry copies no text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "record/text.hpp"

namespace fos::record {

enum class CodeSystem : uint8_t {
  kSnomed,    ///< SNOMED CT
  kLoinc,     ///< LOINC
  kRxnorm,    ///< RxNorm
  kCvx,       ///< CDC vaccine codes
  kIcd10cm,   ///< ICD-10-CM
  kNucc,      ///< NUCC provider taxonomy
  kDicomDcm,  ///< DICOM modality codes
  kDicomSop,  ///< DICOM SOP classes
  kUcum,      ///< UCUM units used as codes
  kOther,
};

/// The system's name as modules write it ("SNOMED-CT", "LOINC", "RxNorm", "CVX", ...).
std::string_view to_string(CodeSystem system);
/// Parse a module-style system name; nullopt when unknown.
std::optional<CodeSystem> code_system_from_name(std::string_view name);

struct Code {
  CodeSystem system = CodeSystem::kOther;
  Text code;
  Text display;

  bool operator==(const Code&) const = default;
};

/// A measured value with its UCUM unit. `decimals` is the precision written out
/// (FHIR and OMOP both show value 1.50 with decimals 2 as "1.50").
struct Quantity {
  double value = 0;
  int decimals = 1;
  std::string unit;  ///< UCUM code, e.g. "kg", "mm[Hg]", "/min", "Cel"
};

}  // namespace fos::record
