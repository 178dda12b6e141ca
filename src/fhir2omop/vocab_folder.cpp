// Reading an Athena folder into omop::Vocabulary::parse.
#include "fhir2omop/vocab_folder.hpp"

#include <array>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/output.hpp"

namespace fos::fhir2omop {

omop::Vocabulary load_vocabulary_folder(const std::filesystem::path& dir) {
  static constexpr std::array<std::string_view, 8> kFiles = {"CONCEPT.csv",
                                                             "VOCABULARY.csv",
                                                             "DOMAIN.csv",
                                                             "CONCEPT_CLASS.csv",
                                                             "RELATIONSHIP.csv",
                                                             "CONCEPT_RELATIONSHIP.csv",
                                                             "SOURCE_TO_CONCEPT_MAP.csv",
                                                             "CONCEPT_ANCESTOR.csv"};
  if (!std::filesystem::is_directory(dir)) {
    fail(ErrorKind::kInvalidInput, "--vocab: " + dir.string() + ": not a folder");
  }
  std::vector<std::string> texts;
  texts.reserve(kFiles.size());
  omop::VocabularyFiles files;
  files.origin = dir.string();
  for (std::string_view name : kFiles) {
    const std::filesystem::path path = dir / name;
    if (!std::filesystem::is_regular_file(path)) continue;
    texts.push_back(read_file(path));
    files.files.emplace(std::string(name), texts.back());
  }
  return omop::Vocabulary::parse(files);
}

}  // namespace fos::fhir2omop
