// `--vocab DIR`: an Athena vocabulary download (TAB-separated, YYYYMMDD dates) as a Vocabulary.
#pragma once

#include <filesystem>

#include "omop/vocab/vocab.hpp"

namespace fos::fhir2omop {

/// Load the Athena folder `dir` (CONCEPT.csv required; VOCABULARY, DOMAIN, CONCEPT_CLASS,
/// RELATIONSHIP, CONCEPT_RELATIONSHIP, SOURCE_TO_CONCEPT_MAP, CONCEPT_ANCESTOR when present;
/// CONCEPT_SYNONYM and DRUG_STRENGTH are not needed and not read). Every row of every file
/// read is checked (column count, integers, dates); errors throw Error{kInvalidInput} naming
/// the file and line.
///
/// Memory-frugal: the large files are streamed in blocks, never held whole. What stays in
/// memory is an index of CONCEPT.csv (20 bytes a concept: id, code hash, row offset; the file
/// itself is memory-mapped and rows are read from it on demand), the valid 'Maps to' and
/// 'Maps to value' edges as int32 pairs, and the (drug, ingredient) pairs of
/// CONCEPT_ANCESTOR whose ancestor is a standard RxNorm / RxNorm Extension Ingredient.
/// relationships_among() streams CONCEPT_RELATIONSHIP.csv again (the CDM writer asks for the
/// rows among the concepts it wrote). The folder must not change while the Vocabulary lives.
omop::Vocabulary load_vocabulary_folder(const std::filesystem::path& dir);

}  // namespace fos::fhir2omop
