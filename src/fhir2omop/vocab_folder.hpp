// `--vocab DIR`: an Athena vocabulary download (TAB-separated, YYYYMMDD dates) as a Vocabulary.
#pragma once

#include <filesystem>

#include "omop/vocab/vocab.hpp"

namespace fos::fhir2omop {

/// Load the Athena files present in `dir` (CONCEPT.csv required; VOCABULARY, DOMAIN,
/// CONCEPT_CLASS, RELATIONSHIP, CONCEPT_RELATIONSHIP, SOURCE_TO_CONCEPT_MAP, CONCEPT_ANCESTOR
/// when present; CONCEPT_SYNONYM and DRUG_STRENGTH are not needed and not read). Throws
/// Error{kInvalidInput} naming the folder, file and line. Reads each file whole: memory is
/// about twice the files' size (docs/fhir2omop.md, "Limits").
omop::Vocabulary load_vocabulary_folder(const std::filesystem::path& dir);

}  // namespace fos::fhir2omop
