// Front door of omop/vocab: OMOP concepts, and how a source code finds its standard concept.
//
// fos ships a small vocabulary of its own (the repository's vocab/ folder, compiled
// into the binary): every concept its generator's data uses, in Athena's layout
// (TAB-separated, dates YYYYMMDD), checked against real OHDSI vocabulary subsets.
// A code is mapped the OMOP way: its source concept, then that concept's
// 'Maps to' target; codes with no source concept (NUCC provider taxonomy) go
// through SOURCE_TO_CONCEPT_MAP. Immutable once loaded; safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/date.hpp"

namespace fos::omop {

struct ConceptRow {
  int32_t concept_id = 0;
  std::string concept_name;
  std::string domain_id;
  std::string vocabulary_id;
  std::string concept_class_id;
  std::string standard_concept;  ///< "S", "C" or empty
  std::string concept_code;
  Date valid_start_date;
  Date valid_end_date;
  std::string invalid_reason;
};

struct VocabularyRow {
  std::string vocabulary_id;
  std::string vocabulary_name;
  std::string vocabulary_reference;
  std::string vocabulary_version;
  int32_t vocabulary_concept_id = 0;
};

struct DomainRow {
  std::string domain_id;
  std::string domain_name;
  int32_t domain_concept_id = 0;
};

struct ConceptClassRow {
  std::string concept_class_id;
  std::string concept_class_name;
  int32_t concept_class_concept_id = 0;
};

struct RelationshipRow {
  std::string relationship_id;
  std::string relationship_name;
  std::string is_hierarchical;
  std::string defines_ancestry;
  std::string reverse_relationship_id;
  int32_t relationship_concept_id = 0;
};

struct ConceptRelationshipRow {
  int32_t concept_id_1 = 0;
  int32_t concept_id_2 = 0;
  std::string relationship_id;
  Date valid_start_date;
  Date valid_end_date;
  std::string invalid_reason;
};

struct SourceToConceptMapRow {
  std::string source_code;
  int32_t source_concept_id = 0;
  std::string source_vocabulary_id;
  std::string source_code_description;
  int32_t target_concept_id = 0;
  std::string target_vocabulary_id;
  Date valid_start_date;
  Date valid_end_date;
  std::string invalid_reason;
};

struct ConceptAncestorRow {
  int32_t ancestor_concept_id = 0;
  int32_t descendant_concept_id = 0;
  int32_t min_levels_of_separation = 0;
  int32_t max_levels_of_separation = 0;
};

/// A concept found in a Vocabulary; views stay valid while the Vocabulary lives.
struct ConceptRef {
  int32_t concept_id = 0;
  std::string_view concept_name;
  std::string_view domain_id;
  std::string_view vocabulary_id;
  std::string_view concept_code;
  bool standard = false;
};

/// How a source code maps: its own concept (0 when the vocabulary has none) and
/// the standard concept to record (nullopt when unmapped: write 0 and count it).
struct CodeMapping {
  int32_t source_concept_id = 0;
  std::optional<ConceptRef> standard;
  /// The source concept's valid 'Maps to value' target (a standard value concept: the
  /// "X" of "family history of X"); nullopt when it has none.
  std::optional<ConceptRef> value;
};

/// Concept lookups kept outside Vocabulary's row vectors: a large vocabulary (a full Athena
/// download) read in place and indexed compactly. Implementations are immutable once built
/// and safe to share between threads; ConceptRef views and ConceptRow pointers stay valid
/// while the index lives.
class ConceptIndex {
 public:
  ConceptIndex() = default;
  ConceptIndex(const ConceptIndex&) = delete;
  ConceptIndex& operator=(const ConceptIndex&) = delete;
  virtual ~ConceptIndex() = default;

  virtual std::optional<ConceptRef> find(std::string_view vocabulary_id,
                                         std::string_view concept_code) const = 0;
  virtual std::optional<ConceptRef> find_by_id(int32_t concept_id) const = 0;
  /// As Vocabulary::standard_for.
  virtual std::optional<ConceptRef> standard_for(int32_t concept_id) const = 0;
  /// The first valid 'Maps to value' target when it is a standard concept.
  virtual std::optional<ConceptRef> value_for(int32_t concept_id) const = 0;
  virtual std::vector<int32_t> ingredients_of(int32_t drug_concept_id) const = 0;
  /// A full row, built on first request; nullptr when the concept is unknown.
  virtual const ConceptRow* concept_row(int32_t concept_id) const = 0;
  /// CONCEPT_RELATIONSHIP rows whose two concepts are both in `ids`, in file order.
  virtual std::vector<ConceptRelationshipRow> relationships_among(
      const std::set<int32_t>& ids) const = 0;
};

/// The text of each vocabulary file, by Athena file name ("CONCEPT.csv", ...).
/// CONCEPT.csv is required; the others (CONCEPT_ANCESTOR.csv among them) may be absent.
struct VocabularyFiles {
  std::string origin;  ///< folder or label used in error messages ("built-in vocab")
  std::map<std::string, std::string_view> files;
};

class Vocabulary {
 public:
  /// The vocabulary compiled into fos. Built once, on first use.
  static const Vocabulary& builtin();
  /// Parse Athena-layout TAB-separated files. Throws Error{kInvalidInput} naming file and line.
  static Vocabulary parse(const VocabularyFiles& files);
  /// Concepts, their mappings and ancestry from `index`; the small tables (VOCABULARY,
  /// DOMAIN, CONCEPT_CLASS, RELATIONSHIP, SOURCE_TO_CONCEPT_MAP) parsed from `files`
  /// (CONCEPT.csv and the large tables there are ignored). concepts(),
  /// concept_relationships() and concept_ancestors() are then empty: use the lookups and
  /// relationships_among().
  static Vocabulary with_index(std::shared_ptr<const ConceptIndex> index,
                               const VocabularyFiles& files);

  std::optional<ConceptRef> find(std::string_view vocabulary_id,
                                 std::string_view concept_code) const;
  std::optional<ConceptRef> find_by_id(int32_t concept_id) const;
  /// The concept itself when standard, else its valid 'Maps to' target; nullopt when neither.
  std::optional<ConceptRef> standard_for(int32_t concept_id) const;
  /// The first valid 'Maps to value' target of a concept when it is standard.
  std::optional<ConceptRef> value_for(int32_t concept_id) const;
  /// Map a source code to its source and standard concepts.
  CodeMapping map(std::string_view vocabulary_id, std::string_view code) const;
  /// The standard RxNorm / RxNorm Extension Ingredients a drug concept descends from
  /// through CONCEPT_ANCESTOR (itself when it is one; several for a combination drug),
  /// in ascending id order; empty when the vocabulary has none for it.
  std::vector<int32_t> ingredients_of(int32_t drug_concept_id) const;
  /// CONCEPT_RELATIONSHIP rows whose two concepts are both in `ids`, in file order.
  std::vector<ConceptRelationshipRow> relationships_among(const std::set<int32_t>& ids) const;

  const ConceptRow* concept_row(int32_t concept_id) const;
  const VocabularyRow* vocabulary(std::string_view vocabulary_id) const;
  const DomainRow* domain(std::string_view domain_id) const;
  const ConceptClassRow* concept_class(std::string_view concept_class_id) const;
  const RelationshipRow* relationship(std::string_view relationship_id) const;

  /// Full rows, in file order, for writing the vocabulary tables.
  const std::vector<ConceptRow>& concepts() const { return concepts_; }
  const std::vector<VocabularyRow>& vocabularies() const { return vocabularies_; }
  const std::vector<DomainRow>& domains() const { return domains_; }
  const std::vector<ConceptClassRow>& concept_classes() const { return concept_classes_; }
  const std::vector<RelationshipRow>& relationships() const { return relationships_; }
  const std::vector<ConceptRelationshipRow>& concept_relationships() const {
    return concept_relationships_;
  }
  const std::vector<SourceToConceptMapRow>& source_to_concept_maps() const {
    return source_to_concept_maps_;
  }
  const std::vector<ConceptAncestorRow>& concept_ancestors() const { return concept_ancestors_; }

 private:
  void index();
  ConceptRef ref(const ConceptRow& row) const;

  std::vector<ConceptRow> concepts_;
  std::vector<VocabularyRow> vocabularies_;
  std::vector<DomainRow> domains_;
  std::vector<ConceptClassRow> concept_classes_;
  std::vector<RelationshipRow> relationships_;
  std::vector<ConceptRelationshipRow> concept_relationships_;
  std::vector<SourceToConceptMapRow> source_to_concept_maps_;
  std::vector<ConceptAncestorRow> concept_ancestors_;

  std::unordered_map<int32_t, size_t> by_id_;
  std::unordered_map<std::string, size_t> by_code_;     // "vocabulary\tcode"
  std::unordered_map<int32_t, int32_t> maps_to_;        // first valid 'Maps to' target
  std::unordered_map<int32_t, int32_t> maps_to_value_;  // first valid 'Maps to value' target
  std::unordered_map<std::string, size_t> source_map_;  // "vocabulary\tcode" -> row
  std::unordered_map<int32_t, std::vector<int32_t>> ingredients_;  // drug -> sorted ingredients
  std::shared_ptr<const ConceptIndex> large_;  ///< set by with_index: concepts live there
};

}  // namespace fos::omop
