// Parsing Athena-layout vocabulary files, and concept lookups.
#include "omop/vocab/vocab.hpp"

#include <algorithm>
#include <charconv>

#include "core/error.hpp"

namespace fos::omop {
namespace embedded {
std::optional<std::string_view> vocab_file(std::string_view name);
std::vector<std::string_view> vocab_file_names();
}  // namespace embedded

namespace {

std::string key(std::string_view vocabulary_id, std::string_view code) {
  std::string k(vocabulary_id);
  k += '\t';
  k += code;
  return k;
}

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t end = line.find(sep, start);
    out.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// One TAB-separated file: named columns, rows read one by one.
class TsvReader {
 public:
  TsvReader(std::string origin, std::string_view text) : origin_(std::move(origin)), text_(text) {
    std::string_view header;
    if (!next_line(header))
      fail(ErrorKind::kInvalidInput, origin_ + ": empty file, expected a header");
    header_ = split(header, '\t');
  }

  size_t column(std::string_view name) const {
    for (size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == name) return i;
    }
    fail(ErrorKind::kInvalidInput, origin_ + ": no column '" + std::string(name) + "' in header");
  }

  bool next(std::vector<std::string_view>& fields) {
    std::string_view line;
    do {
      if (!next_line(line)) return false;
    } while (line.empty());
    fields = split(line, '\t');
    if (fields.size() != header_.size()) {
      error("has " + std::to_string(fields.size()) + " fields, the header " +
            std::to_string(header_.size()));
    }
    return true;
  }

  [[noreturn]] void error(const std::string& what) const {
    fail(ErrorKind::kInvalidInput, origin_ + ": line " + std::to_string(line_) + ": " + what);
  }

  int32_t integer(std::string_view text, std::string_view what) const {
    int32_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
      error("bad " + std::string(what) + " '" + std::string(text) + "'");
    }
    return value;
  }

  Date date(std::string_view text, std::string_view what) const {
    std::string iso(text);
    if (iso.size() == 8) iso = iso.substr(0, 4) + "-" + iso.substr(4, 2) + "-" + iso.substr(6, 2);
    const std::optional<Date> d = Date::parse(iso);
    if (!d) error("bad " + std::string(what) + " '" + std::string(text) + "'");
    return *d;
  }

 private:
  bool next_line(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    line = text_.substr(pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = end + 1;
    ++line_;
    return true;
  }

  std::string origin_;
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 0;
  std::vector<std::string_view> header_;
};

std::string s(std::string_view v) {
  return std::string(v);
}

void parse_concepts(TsvReader& in, std::vector<ConceptRow>& out) {
  const size_t id = in.column("concept_id"), name = in.column("concept_name"),
               domain = in.column("domain_id"), vocab = in.column("vocabulary_id"),
               cls = in.column("concept_class_id"), std = in.column("standard_concept"),
               code = in.column("concept_code"), start = in.column("valid_start_date"),
               end = in.column("valid_end_date"), invalid = in.column("invalid_reason");
  std::vector<std::string_view> f;
  while (in.next(f)) {
    out.push_back({in.integer(f[id], "concept_id"), s(f[name]), s(f[domain]), s(f[vocab]),
                   s(f[cls]), s(f[std]), s(f[code]), in.date(f[start], "valid_start_date"),
                   in.date(f[end], "valid_end_date"), s(f[invalid])});
  }
}

void parse_vocabularies(TsvReader& in, std::vector<VocabularyRow>& out) {
  const size_t id = in.column("vocabulary_id"), name = in.column("vocabulary_name"),
               ref = in.column("vocabulary_reference"), ver = in.column("vocabulary_version"),
               cid = in.column("vocabulary_concept_id");
  std::vector<std::string_view> f;
  while (in.next(f)) {
    out.push_back(
        {s(f[id]), s(f[name]), s(f[ref]), s(f[ver]), in.integer(f[cid], "vocabulary_concept_id")});
  }
}

void parse_domains(TsvReader& in, std::vector<DomainRow>& out) {
  const size_t id = in.column("domain_id"), name = in.column("domain_name"),
               cid = in.column("domain_concept_id");
  std::vector<std::string_view> f;
  while (in.next(f)) out.push_back({s(f[id]), s(f[name]), in.integer(f[cid], "domain_concept_id")});
}

void parse_classes(TsvReader& in, std::vector<ConceptClassRow>& out) {
  const size_t id = in.column("concept_class_id"), name = in.column("concept_class_name"),
               cid = in.column("concept_class_concept_id");
  std::vector<std::string_view> f;
  while (in.next(f)) {
    out.push_back({s(f[id]), s(f[name]), in.integer(f[cid], "concept_class_concept_id")});
  }
}

void parse_relationships(TsvReader& in, std::vector<RelationshipRow>& out) {
  const size_t id = in.column("relationship_id"), name = in.column("relationship_name"),
               hier = in.column("is_hierarchical"), anc = in.column("defines_ancestry"),
               rev = in.column("reverse_relationship_id"),
               cid = in.column("relationship_concept_id");
  std::vector<std::string_view> f;
  while (in.next(f)) {
    out.push_back({s(f[id]), s(f[name]), s(f[hier]), s(f[anc]), s(f[rev]),
                   in.integer(f[cid], "relationship_concept_id")});
  }
}

void parse_concept_relationships(TsvReader& in, std::vector<ConceptRelationshipRow>& out) {
  const size_t c1 = in.column("concept_id_1"), c2 = in.column("concept_id_2"),
               rel = in.column("relationship_id"), start = in.column("valid_start_date"),
               end = in.column("valid_end_date"), invalid = in.column("invalid_reason");
  std::vector<std::string_view> f;
  while (in.next(f)) {
    out.push_back({in.integer(f[c1], "concept_id_1"), in.integer(f[c2], "concept_id_2"), s(f[rel]),
                   in.date(f[start], "valid_start_date"), in.date(f[end], "valid_end_date"),
                   s(f[invalid])});
  }
}

void parse_source_maps(TsvReader& in, std::vector<SourceToConceptMapRow>& out) {
  const size_t code = in.column("source_code"), sid = in.column("source_concept_id"),
               svoc = in.column("source_vocabulary_id"),
               desc = in.column("source_code_description"), tid = in.column("target_concept_id"),
               tvoc = in.column("target_vocabulary_id"), start = in.column("valid_start_date"),
               end = in.column("valid_end_date"), invalid = in.column("invalid_reason");
  std::vector<std::string_view> f;
  while (in.next(f)) {
    out.push_back({s(f[code]), in.integer(f[sid], "source_concept_id"), s(f[svoc]), s(f[desc]),
                   in.integer(f[tid], "target_concept_id"), s(f[tvoc]),
                   in.date(f[start], "valid_start_date"), in.date(f[end], "valid_end_date"),
                   s(f[invalid])});
  }
}

void parse_ancestors(TsvReader& in, std::vector<ConceptAncestorRow>& out) {
  const size_t a = in.column("ancestor_concept_id"), d = in.column("descendant_concept_id"),
               lo = in.column("min_levels_of_separation"),
               hi = in.column("max_levels_of_separation");
  std::vector<std::string_view> f;
  while (in.next(f)) {
    out.push_back({in.integer(f[a], "ancestor_concept_id"),
                   in.integer(f[d], "descendant_concept_id"),
                   in.integer(f[lo], "min_levels_of_separation"),
                   in.integer(f[hi], "max_levels_of_separation")});
  }
}

template <typename Rows, typename Parse>
void parse_file(const VocabularyFiles& files, const std::string& name, Rows& rows, Parse parse) {
  const auto it = files.files.find(name);
  if (it == files.files.end()) return;
  TsvReader reader(files.origin + "/" + name, it->second);
  parse(reader, rows);
}

}  // namespace

const Vocabulary& Vocabulary::builtin() {
  static const Vocabulary kVocabulary = [] {
    VocabularyFiles files{"built-in vocab", {}};
    for (std::string_view name : embedded::vocab_file_names()) {
      files.files.emplace(std::string(name), *embedded::vocab_file(name));
    }
    return parse(files);
  }();
  return kVocabulary;
}

Vocabulary Vocabulary::parse(const VocabularyFiles& files) {
  if (!files.files.contains("CONCEPT.csv")) {
    fail(ErrorKind::kInvalidInput, files.origin + ": no CONCEPT.csv");
  }
  Vocabulary v;
  parse_file(files, "CONCEPT.csv", v.concepts_, parse_concepts);
  parse_file(files, "VOCABULARY.csv", v.vocabularies_, parse_vocabularies);
  parse_file(files, "DOMAIN.csv", v.domains_, parse_domains);
  parse_file(files, "CONCEPT_CLASS.csv", v.concept_classes_, parse_classes);
  parse_file(files, "RELATIONSHIP.csv", v.relationships_, parse_relationships);
  parse_file(files, "CONCEPT_RELATIONSHIP.csv", v.concept_relationships_,
             parse_concept_relationships);
  parse_file(files, "SOURCE_TO_CONCEPT_MAP.csv", v.source_to_concept_maps_, parse_source_maps);
  parse_file(files, "CONCEPT_ANCESTOR.csv", v.concept_ancestors_, parse_ancestors);
  v.index();
  for (const ConceptRow& row : v.concepts_) {
    if (v.by_id_.at(row.concept_id) != static_cast<size_t>(&row - v.concepts_.data())) {
      fail(ErrorKind::kInvalidInput, files.origin + "/CONCEPT.csv: concept_id " +
                                         std::to_string(row.concept_id) + " appears twice");
    }
  }
  return v;
}

Vocabulary Vocabulary::with_index(std::shared_ptr<const ConceptIndex> index,
                                  const VocabularyFiles& files) {
  Vocabulary v;
  v.large_ = std::move(index);
  parse_file(files, "VOCABULARY.csv", v.vocabularies_, parse_vocabularies);
  parse_file(files, "DOMAIN.csv", v.domains_, parse_domains);
  parse_file(files, "CONCEPT_CLASS.csv", v.concept_classes_, parse_classes);
  parse_file(files, "RELATIONSHIP.csv", v.relationships_, parse_relationships);
  parse_file(files, "SOURCE_TO_CONCEPT_MAP.csv", v.source_to_concept_maps_, parse_source_maps);
  v.index();
  return v;
}

std::vector<ConceptRelationshipRow> Vocabulary::relationships_among(
    const std::set<int32_t>& ids) const {
  if (large_) return large_->relationships_among(ids);
  std::vector<ConceptRelationshipRow> out;
  for (const ConceptRelationshipRow& r : concept_relationships_) {
    if (ids.contains(r.concept_id_1) && ids.contains(r.concept_id_2)) out.push_back(r);
  }
  return out;
}

void Vocabulary::index() {
  for (size_t i = 0; i < concepts_.size(); ++i) {
    by_id_.emplace(concepts_[i].concept_id, i);
    by_code_.emplace(key(concepts_[i].vocabulary_id, concepts_[i].concept_code), i);
  }
  for (const ConceptRelationshipRow& r : concept_relationships_) {
    if (r.relationship_id == "Maps to" && r.invalid_reason.empty()) {
      maps_to_.emplace(r.concept_id_1, r.concept_id_2);
    } else if (r.relationship_id == "Maps to value" && r.invalid_reason.empty()) {
      maps_to_value_.emplace(r.concept_id_1, r.concept_id_2);
    }
  }
  for (size_t i = 0; i < source_to_concept_maps_.size(); ++i) {
    const SourceToConceptMapRow& r = source_to_concept_maps_[i];
    if (r.invalid_reason.empty())
      source_map_.emplace(key(r.source_vocabulary_id, r.source_code), i);
  }
  for (const ConceptAncestorRow& r : concept_ancestors_) {
    const ConceptRow* ancestor = concept_row(r.ancestor_concept_id);
    if (ancestor == nullptr || ancestor->concept_class_id != "Ingredient" ||
        ancestor->standard_concept != "S" ||
        (ancestor->vocabulary_id != "RxNorm" && ancestor->vocabulary_id != "RxNorm Extension")) {
      continue;
    }
    std::vector<int32_t>& list = ingredients_[r.descendant_concept_id];
    const auto at = std::lower_bound(list.begin(), list.end(), r.ancestor_concept_id);
    if (at == list.end() || *at != r.ancestor_concept_id) list.insert(at, r.ancestor_concept_id);
  }
}

std::vector<int32_t> Vocabulary::ingredients_of(int32_t drug_concept_id) const {
  if (large_) return large_->ingredients_of(drug_concept_id);
  const auto it = ingredients_.find(drug_concept_id);
  if (it == ingredients_.end()) return {};
  return it->second;
}

ConceptRef Vocabulary::ref(const ConceptRow& row) const {
  return {row.concept_id,    row.concept_name, row.domain_id,
          row.vocabulary_id, row.concept_code, row.standard_concept == "S"};
}

std::optional<ConceptRef> Vocabulary::find(std::string_view vocabulary_id,
                                           std::string_view concept_code) const {
  if (large_) return large_->find(vocabulary_id, concept_code);
  const auto it = by_code_.find(key(vocabulary_id, concept_code));
  if (it == by_code_.end()) return std::nullopt;
  return ref(concepts_[it->second]);
}

std::optional<ConceptRef> Vocabulary::find_by_id(int32_t concept_id) const {
  if (large_) return large_->find_by_id(concept_id);
  const ConceptRow* row = concept_row(concept_id);
  if (row == nullptr) return std::nullopt;
  return ref(*row);
}

std::optional<ConceptRef> Vocabulary::standard_for(int32_t concept_id) const {
  if (large_) return large_->standard_for(concept_id);
  const ConceptRow* row = concept_row(concept_id);
  if (row == nullptr) return std::nullopt;
  if (row->standard_concept == "S" && row->invalid_reason.empty()) return ref(*row);
  const auto it = maps_to_.find(concept_id);
  if (it == maps_to_.end()) return std::nullopt;
  const ConceptRow* target = concept_row(it->second);
  if (target == nullptr || target->standard_concept != "S") return std::nullopt;
  return ref(*target);
}

CodeMapping Vocabulary::map(std::string_view vocabulary_id, std::string_view code) const {
  CodeMapping out;
  if (const auto source = find(vocabulary_id, code)) {
    out.source_concept_id = source->concept_id;
    out.standard = standard_for(source->concept_id);
    out.value = value_for(source->concept_id);
    return out;
  }
  const auto it = source_map_.find(key(vocabulary_id, code));
  if (it == source_map_.end()) return out;
  const SourceToConceptMapRow& row = source_to_concept_maps_[it->second];
  out.source_concept_id = row.source_concept_id;
  out.standard = standard_for(row.target_concept_id);
  return out;
}

std::optional<ConceptRef> Vocabulary::value_for(int32_t concept_id) const {
  if (large_) return large_->value_for(concept_id);
  const auto it = maps_to_value_.find(concept_id);
  if (it == maps_to_value_.end()) return std::nullopt;
  const ConceptRow* target = concept_row(it->second);
  if (target == nullptr || target->standard_concept != "S") return std::nullopt;
  return ref(*target);
}

const ConceptRow* Vocabulary::concept_row(int32_t concept_id) const {
  if (large_) return large_->concept_row(concept_id);
  const auto it = by_id_.find(concept_id);
  return it == by_id_.end() ? nullptr : &concepts_[it->second];
}

const VocabularyRow* Vocabulary::vocabulary(std::string_view vocabulary_id) const {
  for (const VocabularyRow& row : vocabularies_) {
    if (row.vocabulary_id == vocabulary_id) return &row;
  }
  return nullptr;
}

const DomainRow* Vocabulary::domain(std::string_view domain_id) const {
  for (const DomainRow& row : domains_) {
    if (row.domain_id == domain_id) return &row;
  }
  return nullptr;
}

const ConceptClassRow* Vocabulary::concept_class(std::string_view concept_class_id) const {
  for (const ConceptClassRow& row : concept_classes_) {
    if (row.concept_class_id == concept_class_id) return &row;
  }
  return nullptr;
}

const RelationshipRow* Vocabulary::relationship(std::string_view relationship_id) const {
  for (const RelationshipRow& row : relationships_) {
    if (row.relationship_id == relationship_id) return &row;
  }
  return nullptr;
}

}  // namespace fos::omop
