// OmopSink: the RecordSink that writes the CDM (render on workers, write in order, finish once).
#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "core/error.hpp"
#include "core/output.hpp"
#include "omop/vocab/vocab.hpp"
#include "omop/write/convert.hpp"
#include "omop/write/csv_row.hpp"
#include "omop/write/omop_write.hpp"
#include "omop/write/render.hpp"
#include "record/ids.hpp"

#ifndef FOS_VERSION
#define FOS_VERSION "0.0.0"
#endif

namespace fos::omop {
namespace {

namespace fs = std::filesystem;

// Tables written once, by finish(), in this order.
constexpr std::array<std::string_view, 10> kSharedTables = {"care_site",
                                                            "provider",
                                                            "cdm_source",
                                                            "concept",
                                                            "vocabulary",
                                                            "domain",
                                                            "concept_class",
                                                            "relationship",
                                                            "concept_relationship",
                                                            "source_to_concept_map"};

int32_t place_of_service(record::OrganizationType type) {
  switch (type) {
    case record::OrganizationType::kHospital:
      return 8717;  // Inpatient Hospital
    case record::OrganizationType::kPrimaryCare:
      return 8940;  // Office
    case record::OrganizationType::kUrgentCare:
      return 8782;  // Urgent Care Facility
  }
  return 0;
}

std::string_view organization_type(record::OrganizationType type) {
  switch (type) {
    case record::OrganizationType::kHospital:
      return "hospital";
    case record::OrganizationType::kPrimaryCare:
      return "primary care";
    case record::OrganizationType::kUrgentCare:
      return "urgent care";
  }
  return "";
}

std::string full_name(const record::HumanName& name) {
  std::string out;
  for (const std::string* part : {&name.prefix, &name.given, &name.family, &name.suffix}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ' ';
    out += *part;
  }
  return out;
}

struct OmopBlock : record::RenderedBlock {
  PatientRows rows;
};

// One CSV file being written: header first, then rows; committed by finish().
struct TableFile {
  const CdmTable* table;
  AtomicFile file;
  uint64_t rows = 0;
};

class OmopSink : public record::RecordSink {
 public:
  OmopSink(const fs::path& root, const record::ProviderDirectory& directory,
           const OmopWriteOptions& options)
      : root_(root),
        dir_(root / "omop"),
        directory_(directory),
        options_(options),
        vocabulary_(options.vocabulary ? *options.vocabulary : Vocabulary::builtin()) {
    options_.validate();
    fs::create_directories(dir_);
    for (size_t t = 0; t < kPatientTableCount; ++t) open(table_name(static_cast<PatientTable>(t)));
    for (std::string_view name : kSharedTables) open(name);
    used_concepts_.insert(0);
  }

  ~OmopSink() override {
    if (finished_) return;
    files_.clear();  // removes the temporary files
    std::error_code ignored;
    fs::remove(dir_, ignored);  // only if empty
  }

  std::unique_ptr<record::RenderedBlock> render(
      std::span<const record::PatientRecord> block) const override {
    auto out = std::make_unique<OmopBlock>();
    const RenderContext context{vocabulary_, directory_, options_.reference_date};
    for (const record::PatientRecord& patient : block) render_patient(patient, context, out->rows);
    return out;
  }

  void write(std::unique_ptr<record::RenderedBlock> block) override {
    FOS_ASSERT(!finished_);
    auto* omop = dynamic_cast<OmopBlock*>(block.get());
    FOS_ASSERT(omop != nullptr);
    PatientRows& rows = omop->rows;
    for (size_t t = 0; t < kPatientTableCount; ++t) {
      TableFile& file = files_.at(std::string(table_name(static_cast<PatientTable>(t))));
      file.file.write(rows.text[t]);
      file.rows += rows.rows[t];
    }
    used_concepts_.merge(rows.concepts);
    providers_.merge(rows.providers);
    organizations_.merge(rows.organizations);
    unmapped_ += rows.unmapped;
    min_person_id_ = std::min(min_person_id_, rows.min_person_id);
    max_person_id_ = std::max(max_person_id_, rows.max_person_id);
  }

  void finish() override {
    FOS_ASSERT(!finished_);
    write_providers();  // first: providers add their care sites
    write_care_sites();
    write_cdm_source();
    write_vocabulary();
    std::vector<const CdmTable*> tables;
    for (auto& [name, file] : files_) {
      file.file.commit();
      tables.push_back(file.table);
      counts_[name] = file.rows;
    }
    counts_[std::string(kUnmappedCount)] = unmapped_;
    files_.clear();
    convert(tables);
    finished_ = true;
  }

  record::OutputCounts counts() const override {
    if (finished_) return counts_;
    record::OutputCounts out;
    for (const auto& [name, file] : files_) out[name] = file.rows;
    out[std::string(kUnmappedCount)] = unmapped_;
    return out;
  }

 private:
  void open(std::string_view name) {
    const CdmTable& table = cdm_table(name);
    TableFile file{&table, AtomicFile(dir_ / (std::string(name) + ".csv")), 0};
    file.file.write(csv_header(table));
    files_.emplace(std::string(name), std::move(file));
  }

  CsvRow row(std::string_view name) {
    TableFile& file = files_.at(std::string(name));
    ++file.rows;
    scratch_.clear();
    return CsvRow(scratch_, table_layout(name), used_concepts_);
  }
  void flush(std::string_view name) { files_.at(std::string(name)).file.write(scratch_); }

  int32_t standard_or_zero(const CodeMapping& m, std::string_view domain) {
    if (m.standard && m.standard->domain_id == domain) return m.standard->concept_id;
    ++unmapped_;
    return 0;
  }

  void write_providers() {
    for (uint64_t id : providers_) {
      const record::Provider& p = *directory_.find_provider(id);
      const CodeMapping specialty =
          vocabulary_.map(vocabulary_id(p.specialty.system), p.specialty.code);
      const bool has_site = directory_.find_organization(p.organization_id) != nullptr;
      if (has_site) organizations_.insert(p.organization_id);
      const bool male = p.sex == record::Sex::kMale;
      row("provider")
          .integer(static_cast<int64_t>(id))
          .text_or_null(full_name(p.name))
          .null()  // npi
          .null()  // dea
          .concept_id(standard_or_zero(specialty, "Provider"))
          .integer(has_site ? std::optional<int64_t>(p.organization_id) : std::nullopt)
          .null()  // year_of_birth
          .concept_id(male ? 8507 : 8532)
          .text(p.fhir_id.empty() ? record::shared_uuid("Practitioner", id).str() : p.fhir_id)
          .text_or_null(p.specialty.code)
          .concept_id(specialty.source_concept_id)
          .text(male ? "M" : "F")
          .concept_id(0)
          .end();
      flush("provider");
    }
  }

  void write_care_sites() {
    for (uint64_t id : organizations_) {
      const record::Organization& o = *directory_.find_organization(id);
      const auto location_id = static_cast<int64_t>(id);
      if (location_id >= min_person_id_ && location_id <= max_person_id_) {
        fail(ErrorKind::kInternal,
             "organization id " + std::to_string(id) + " collides with a person location id");
      }
      row("care_site")
          .integer(location_id)
          .text_or_null(o.name)
          .concept_id(place_of_service(o.type))
          .integer(location_id)
          .text(o.fhir_id.empty() ? record::shared_uuid("Organization", id).str() : o.fhir_id)
          .text(organization_type(o.type))
          .end();
      flush("care_site");
      write_location(location_id, o.address);
    }
  }

  void write_location(int64_t id, const record::Address& a) {
    CsvRow r = row("location");
    r.integer(id)
        .text_or_null(a.line)
        .null()
        .text_or_null(a.city)
        .text_or_null(a.state)
        .text_or_null(a.postal_code)
        .text_or_null(a.county)
        .null()
        .null()
        .text_or_null(a.country);
    if (a.latitude == 0 && a.longitude == 0) {
      r.null().null();
    } else {
      r.number(a.latitude, 6).number(a.longitude, 6);
    }
    r.end();
    flush("location");
  }

  std::string vocabulary_version() const { return std::string("fos ") + FOS_VERSION; }

  void write_cdm_source() {
    const Date release = options_.reference_date;
    row("cdm_source")
        .text(options_.source_name)
        .text("fos")
        .text("fos")
        .text("Synthetic patients generated by fos; no real person is described.")
        .null()
        .text(std::string("fos ") + FOS_VERSION + " omop/write")
        .date(release)
        .date(release)
        .text("5.4")
        .concept_id(756265)
        .text(vocabulary_version())
        .end();
    flush("cdm_source");
  }

  // Close the used concept set over the metadata concepts the vocabulary rows point to.
  std::vector<ConceptRelationshipRow> close_concepts() {
    std::vector<ConceptRelationshipRow> relationships;
    while (true) {
      const size_t before = used_concepts_.size();
      relationships = vocabulary_.relationships_among(used_concepts_);
      for (const ConceptRelationshipRow& r : relationships) {
        used_concepts_.insert(
            require(vocabulary_.relationship(r.relationship_id), "relationship", r.relationship_id)
                ->relationship_concept_id);
      }
      for (const SourceToConceptMapRow& r : vocabulary_.source_to_concept_maps()) {
        if (used_concepts_.contains(r.target_concept_id))
          used_concepts_.insert(r.source_concept_id);
      }
      for (int32_t id : std::set<int32_t>(used_concepts_)) {
        const ConceptRow& c = lookup_concept(id);
        used_concepts_.insert(
            require(vocabulary_.domain(c.domain_id), "domain", c.domain_id)->domain_concept_id);
        used_concepts_.insert(
            require(vocabulary_.vocabulary(c.vocabulary_id), "vocabulary", c.vocabulary_id)
                ->vocabulary_concept_id);
        used_concepts_.insert(require(vocabulary_.concept_class(c.concept_class_id),
                                      "concept class", c.concept_class_id)
                                  ->concept_class_concept_id);
      }
      if (used_concepts_.size() == before) return relationships;
    }
  }

  template <typename T>
  static const T* require(const T* row, std::string_view what, std::string_view id) {
    if (row == nullptr) {
      fail(ErrorKind::kInternal,
           "the vocabulary has no " + std::string(what) + " row for '" + std::string(id) + "'");
    }
    return row;
  }

  const ConceptRow& lookup_concept(int32_t id) const {
    const ConceptRow* row = vocabulary_.concept_row(id);
    if (row == nullptr) {
      fail(ErrorKind::kInternal, "concept " + std::to_string(id) + " is not in the vocabulary");
    }
    return *row;
  }

  void write_vocabulary() {
    const std::vector<ConceptRelationshipRow> relationships = close_concepts();
    std::set<std::string> vocabularies, domains, classes, relationship_ids;
    for (int32_t id : used_concepts_) {
      const ConceptRow& c = lookup_concept(id);
      vocabularies.insert(c.vocabulary_id);
      domains.insert(c.domain_id);
      classes.insert(c.concept_class_id);
      std::set<int32_t> ignored;  // concept ids here are rows, not references
      scratch_.clear();
      CsvRow(scratch_, table_layout("concept"), ignored)
          .integer(int64_t{c.concept_id})
          .text(c.concept_name)
          .text(c.domain_id)
          .text(c.vocabulary_id)
          .text(c.concept_class_id)
          .text_or_null(c.standard_concept)
          .text(c.concept_code)
          .date(c.valid_start_date)
          .date(c.valid_end_date)
          .text_or_null(c.invalid_reason)
          .end();
      ++files_.at("concept").rows;
      flush("concept");
    }
    for (const std::string& id : vocabularies) {
      const VocabularyRow& v = *vocabulary_.vocabulary(id);
      row("vocabulary")
          .text(v.vocabulary_id)
          .text(v.vocabulary_name)
          .text_or_null(v.vocabulary_reference)
          .text_or_null(v.vocabulary_id == "None" ? vocabulary_version() : v.vocabulary_version)
          .integer(int64_t{v.vocabulary_concept_id})
          .end();
      flush("vocabulary");
    }
    for (const std::string& id : domains) {
      const DomainRow& d = *vocabulary_.domain(id);
      row("domain")
          .text(d.domain_id)
          .text(d.domain_name)
          .integer(int64_t{d.domain_concept_id})
          .end();
      flush("domain");
    }
    for (const std::string& id : classes) {
      const ConceptClassRow& c = *vocabulary_.concept_class(id);
      row("concept_class")
          .text(c.concept_class_id)
          .text(c.concept_class_name)
          .integer(int64_t{c.concept_class_concept_id})
          .end();
      flush("concept_class");
    }
    for (const ConceptRelationshipRow& r : relationships) {
      relationship_ids.insert(r.relationship_id);
      row("concept_relationship")
          .integer(int64_t{r.concept_id_1})
          .integer(int64_t{r.concept_id_2})
          .text(r.relationship_id)
          .date(r.valid_start_date)
          .date(r.valid_end_date)
          .text_or_null(r.invalid_reason)
          .end();
      flush("concept_relationship");
    }
    for (const std::string& id : relationship_ids) {
      const RelationshipRow& r = *vocabulary_.relationship(id);
      row("relationship")
          .text(r.relationship_id)
          .text(r.relationship_name)
          .text(r.is_hierarchical)
          .text(r.defines_ancestry)
          .text(r.reverse_relationship_id)
          .integer(int64_t{r.relationship_concept_id})
          .end();
      flush("relationship");
    }
    for (const SourceToConceptMapRow& m : vocabulary_.source_to_concept_maps()) {
      if (!used_concepts_.contains(m.target_concept_id)) continue;
      row("source_to_concept_map")
          .text(m.source_code)
          .integer(int64_t{m.source_concept_id})
          .text(m.source_vocabulary_id)
          .text_or_null(m.source_code_description)
          .integer(int64_t{m.target_concept_id})
          .text(m.target_vocabulary_id)
          .date(m.valid_start_date)
          .date(m.valid_end_date)
          .text_or_null(m.invalid_reason)
          .end();
      flush("source_to_concept_map");
    }
  }

  bool wants(OmopFormat format) const {
    return std::find(options_.formats.begin(), options_.formats.end(), format) !=
           options_.formats.end();
  }

  void convert(const std::vector<const CdmTable*>& tables) {
    if (wants(OmopFormat::kParquet)) write_parquet(dir_, tables);
    if (wants(OmopFormat::kDuckdb)) write_duckdb(root_ / "omop.duckdb", dir_, tables);
    if (wants(OmopFormat::kCsv)) return;
    for (const CdmTable* table : tables) fs::remove(dir_ / (std::string(table->name) + ".csv"));
    std::error_code ignored;
    fs::remove(dir_, ignored);  // only if empty (no parquet requested)
  }

  fs::path root_;
  fs::path dir_;
  const record::ProviderDirectory& directory_;
  OmopWriteOptions options_;
  const Vocabulary& vocabulary_;
  std::map<std::string, TableFile> files_;
  std::string scratch_;
  std::set<int32_t> used_concepts_;
  std::set<uint64_t> providers_;
  std::set<uint64_t> organizations_;
  uint64_t unmapped_ = 0;
  int64_t min_person_id_ = INT64_MAX;
  int64_t max_person_id_ = 0;
  record::OutputCounts counts_;
  bool finished_ = false;
};

}  // namespace

std::string_view to_string(OmopFormat format) {
  switch (format) {
    case OmopFormat::kCsv:
      return "csv";
    case OmopFormat::kParquet:
      return "parquet";
    case OmopFormat::kDuckdb:
      return "duckdb";
  }
  return "?";
}

void OmopWriteOptions::validate() const {
  if (formats.empty()) fail(ErrorKind::kInvalidInput, "omop: no output format requested");
  for (size_t i = 0; i < formats.size(); ++i) {
    for (size_t j = i + 1; j < formats.size(); ++j) {
      if (formats[i] == formats[j]) {
        fail(ErrorKind::kInvalidInput,
             "omop: format '" + std::string(to_string(formats[i])) + "' requested twice");
      }
    }
  }
  if (source_name.empty()) fail(ErrorKind::kInvalidInput, "omop: source name is empty");
  if (source_name.size() > 255) {
    fail(ErrorKind::kInvalidInput, "omop: source name longer than 255 characters");
  }
}

std::unique_ptr<record::RecordSink> make_omop_sink(const std::filesystem::path& root,
                                                   const record::ProviderDirectory& directory,
                                                   const OmopWriteOptions& options) {
  options.validate();
  return std::make_unique<OmopSink>(root, directory, options);
}

}  // namespace fos::omop
