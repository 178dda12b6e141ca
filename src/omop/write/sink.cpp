// OmopSink: the RecordSink that writes the CDM (render on workers, write in order, finish once).
//
// Rows are built in typed columns (TableRows). CSV text, when CSV or DuckDB output is asked
// for, is formatted on the worker threads; Parquet files are encoded from the typed rows by
// fos's own writer (lake::ParquetWriter), one per table, so no CSV text is made or parsed for
// them.
#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/output.hpp"
#include "lake/parquet/parquet.hpp"
#include "omop/vocab/vocab.hpp"
#include "omop/write/convert.hpp"
#include "omop/write/omop_write.hpp"
#include "omop/write/render.hpp"
#include "omop/write/table_rows.hpp"
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
  explicit OmopBlock(TableRows::Form form) : rows(form) {}
  PatientRows rows;
  std::array<std::string, kPatientTableCount> csv;  ///< the rows as CSV, when CSV is written
};

// The Parquet file a writer writes until finish() renames it into place.
fs::path parquet_partial(const fs::path& dir, std::string_view table) {
  return dir / (std::string(table) + ".parquet.partial");
}

// A writer of `table`'s rows to Parquet (zstd). All patient tables are written at once while
// patients are generated, each holding its current row group in memory: row groups of 32,768
// rows keep the peak memory of a large run low. zstd level 1: about a quarter less compression
// CPU than level 3 for about 4% more bytes (docs/modules.md).
std::unique_ptr<lake::ParquetWriter> parquet_writer(const fs::path& dir,
                                                    const TableLayout& layout) {
  lake::ParquetOptions options;
  options.row_group_rows = 32768;
  options.zstd_level = 1;
  return std::make_unique<lake::ParquetWriter>(parquet_partial(dir, layout.table->name),
                                               layout.columns, options);
}

// The Parquet writers' work, done on a thread of its own: write() runs on the population's one
// ordered writer thread, which also writes the FHIR text, so it only queues the batches here and
// their encoding and compression run beside it. A rendered block's batches (one per table) are
// handed over together, one lock and wake-up per block. Batches are written in the order
// pushed. At most kMaxQueuedBytes of them wait, so memory does not grow with the population; a
// writer's error comes back from the next push() or from drain(). A patient table's batch, once
// written, is kept (emptied, up to kSpareBatches per table) for a later block to fill again, so
// its column buffers are not freed and allocated again per block.
class ParquetQueue {
 public:
  ParquetQueue() : thread_([this] { run(); }) {}
  // Drops what is still queued and stops the thread.
  ~ParquetQueue() {
    {
      std::lock_guard lock(mutex_);
      jobs_.clear();
      stopping_ = true;
      changed_.notify_all();
    }
    thread_.join();
  }
  ParquetQueue(const ParquetQueue&) = delete;
  ParquetQueue& operator=(const ParquetQueue&) = delete;

  /// A batch for a writer (which must outlive the queue or the next drain()).
  struct Batch {
    lake::ParquetWriter* writer = nullptr;
    lake::ColumnBatch rows;
    size_t table = kPatientTableCount;  ///< its PatientTable, to be reused; else not kept
  };

  /// An emptied batch of patient table `table` written before, if one is spare.
  std::optional<lake::ColumnBatch> spare(size_t table) {
    std::lock_guard lock(spares_mutex_);
    std::vector<lake::ColumnBatch>& spares = spares_[table];
    if (spares.empty()) return std::nullopt;
    std::optional<lake::ColumnBatch> out(std::move(spares.back()));
    spares.pop_back();
    return out;
  }

  /// Queue `batches`, written in their order.
  void push(std::vector<Batch> batches) {
    if (batches.empty()) return;
    size_t bytes = 0;
    for (const Batch& batch : batches) bytes += batch.rows.bytes();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queued_bytes_ < kMaxQueuedBytes || error_; });
    if (error_) std::rethrow_exception(error_);
    jobs_.push_back({std::move(batches), bytes});
    queued_bytes_ += bytes;
    changed_.notify_all();
  }

  /// Wait until every queued batch is written; throws the first writer error.
  void drain() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return (jobs_.empty() && !busy_) || error_; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static constexpr size_t kMaxQueuedBytes = 32 << 20;
  static constexpr size_t kSpareBatches = 4;

  struct Job {
    std::vector<Batch> batches;
    size_t bytes = 0;
  };

  void run() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [&] { return !jobs_.empty() || stopping_; });
      if (jobs_.empty()) return;
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_ = true;
      lock.unlock();
      std::exception_ptr error;
      try {
        for (const Batch& batch : job.batches) batch.writer->write(batch.rows);
      } catch (...) {
        error = std::current_exception();
      }
      const size_t bytes = job.bytes;
      keep_spares(job.batches);
      job = {};  // free the rest outside the lock
      lock.lock();
      busy_ = false;
      queued_bytes_ -= bytes;
      if (error && !error_) error_ = error;
      if (error_) jobs_.clear();
      changed_.notify_all();
    }
  }

  // Keep written patient-table batches, emptied, for spare().
  void keep_spares(std::vector<Batch>& batches) {
    for (Batch& batch : batches) batch.rows.clear();
    std::lock_guard lock(spares_mutex_);
    for (Batch& batch : batches) {
      if (batch.table >= kPatientTableCount) continue;
      std::vector<lake::ColumnBatch>& spares = spares_[batch.table];
      if (spares.size() < kSpareBatches) spares.push_back(std::move(batch.rows));
    }
  }

  std::mutex spares_mutex_;
  std::array<std::vector<lake::ColumnBatch>, kPatientTableCount> spares_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Job> jobs_;
  size_t queued_bytes_ = 0;  // of the batches queued or being written
  bool busy_ = false;        // a batch is being written
  bool stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the members above exist
};

// One table being written: its CSV file (header first, committed by finish()) when CSV text
// is needed, its Parquet writer when Parquet is.
struct TableOutput {
  const TableLayout* layout = nullptr;
  std::optional<AtomicFile> csv;
  std::unique_ptr<lake::ParquetWriter> parquet;
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
    csv_ = wants(OmopFormat::kCsv) || wants(OmopFormat::kDuckdb);
    parquet_ = wants(OmopFormat::kParquet);
    fs::create_directories(dir_);
    if (parquet_) parquet_queue_ = std::make_unique<ParquetQueue>();
    try {
      // Patient tables' Parquet files are written while patients arrive; the shared tables'
      // in finish(), when their rows exist.
      for (size_t t = 0; t < kPatientTableCount; ++t) {
        open(table_name(static_cast<PatientTable>(t)), parquet_);
      }
      for (std::string_view name : kSharedTables) open(name, false);
    } catch (...) {
      discard();
      throw;
    }
    used_concepts_.insert(0);
  }

  ~OmopSink() override {
    if (!finished_) discard();
  }

  std::unique_ptr<record::RenderedBlock> render(
      std::span<const record::PatientRecord> block) const override {
    auto out = std::make_unique<OmopBlock>(form());
    for (size_t t = 0; t < kPatientTableCount; ++t) {
      if (parquet_queue_) {
        if (std::optional<lake::ColumnBatch> spare = parquet_queue_->spare(t)) {
          out->rows.tables[t].recycle(std::move(*spare));
        }
      }
      out->rows.tables[t].reserve(row_hints_[t].load(std::memory_order_relaxed));
    }
    std::unique_ptr<MappingCache> mappings = take_mapping_cache();
    const RenderContext context{vocabulary_, directory_, options_.reference_date, mappings.get()};
    for (const record::PatientRecord& patient : block) render_patient(patient, context, out->rows);
    give_back(std::move(mappings));
    for (size_t t = 0; t < kPatientTableCount; ++t) {
      const size_t rows = out->rows.tables[t].size();
      size_t hint = row_hints_[t].load(std::memory_order_relaxed);
      while (rows > hint && !row_hints_[t].compare_exchange_weak(hint, rows)) {
      }
    }
    if (csv_) {
      for (size_t t = 0; t < kPatientTableCount; ++t) out->csv[t] = out->rows.tables[t].take_csv();
    }
    return out;
  }

  void write(std::unique_ptr<record::RenderedBlock> block) override {
    FOS_ASSERT(!finished_);
    auto* omop = dynamic_cast<OmopBlock*>(block.get());
    FOS_ASSERT(omop != nullptr);
    PatientRows& rows = omop->rows;
    std::vector<ParquetQueue::Batch> batches;
    for (size_t t = 0; t < kPatientTableCount; ++t) {
      put(outputs_.at(std::string(table_name(static_cast<PatientTable>(t)))), rows.tables[t],
          omop->csv[t], batches, t);
    }
    if (parquet_queue_) parquet_queue_->push(std::move(batches));
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
    for (auto& [name, rows] : finish_rows_) {
      TableOutput& output = outputs_.at(name);
      if (parquet_ && !output.parquet) output.parquet = parquet_writer(dir_, *output.layout);
      const std::string text = output.csv ? rows.take_csv() : std::string();
      std::vector<ParquetQueue::Batch> batches;
      put(output, rows, text, batches);
      if (parquet_queue_) parquet_queue_->push(std::move(batches));
    }
    for (std::string_view name : kSharedTables) {  // tables without rows get an empty file
      TableOutput& output = outputs_.at(std::string(name));
      if (parquet_ && !output.parquet) output.parquet = parquet_writer(dir_, *output.layout);
    }
    std::vector<const CdmTable*> tables;
    for (auto& [name, output] : outputs_) {
      if (output.csv) output.csv->commit();
      tables.push_back(output.layout->table);
      counts_[name] = output.rows;
    }
    if (parquet_queue_) parquet_queue_->drain();
    for (auto& [name, output] : outputs_) {
      if (!output.parquet) continue;
      output.parquet->finish();
      fs::rename(parquet_partial(dir_, name), dir_ / (name + ".parquet"));
    }
    counts_[std::string(kUnmappedCount)] = unmapped_;
    outputs_.clear();
    convert(tables);
    finished_ = true;
  }

  record::OutputCounts counts() const override {
    if (finished_) return counts_;
    record::OutputCounts out;
    for (const auto& [name, output] : outputs_) out[name] = output.rows;
    out[std::string(kUnmappedCount)] = unmapped_;
    return out;
  }

 private:
  // Unfinished (abandoned, or failed part way): remove everything this sink made.
  void discard() {
    parquet_queue_.reset();  // first: it writes to the outputs' Parquet writers
    outputs_.clear();        // removes the temporary CSV and Parquet files
    std::error_code ignored;
    for (const CdmTable& table : cdm_tables()) {
      const std::string name(table.name);
      for (const fs::path& file :
           {dir_ / (name + ".csv"), dir_ / (name + ".parquet"), parquet_partial(dir_, name)}) {
        fs::remove(file, ignored);
      }
    }
    if (wants(OmopFormat::kDuckdb)) {
      fs::remove(root_ / "omop.duckdb", ignored);
      fs::remove(root_ / "omop.duckdb.wal", ignored);
    }
    fs::remove(dir_, ignored);  // only if empty
  }

  void open(std::string_view name, bool start_parquet) {
    TableOutput output;
    output.layout = &table_layout(name);
    if (csv_) {
      output.csv.emplace(dir_ / (std::string(name) + ".csv"));
      output.csv->write(csv_header(*output.layout->table));
    }
    if (start_parquet) output.parquet = parquet_writer(dir_, *output.layout);
    outputs_.emplace(std::string(name), std::move(output));
  }

  // Append `rows` (and their CSV text `csv`) to a table's outputs; its Parquet batch, if any, to
  // `batches` (kept for reuse when `table` is a PatientTable).
  void put(TableOutput& output, TableRows& rows, std::string_view csv,
           std::vector<ParquetQueue::Batch>& batches, size_t table = kPatientTableCount) {
    output.rows += rows.size();
    if (output.csv) output.csv->write(csv);
    if (output.parquet && rows.size() > 0)
      batches.push_back({output.parquet.get(), rows.take_batch(), table});
  }

  // A mapping cache for one block's rendering: one a worker used before, when one is free, so
  // the codes every patient repeats are looked up in the vocabulary about once per worker.
  std::unique_ptr<MappingCache> take_mapping_cache() const {
    std::lock_guard lock(caches_mutex_);
    if (free_caches_.empty()) return std::make_unique<MappingCache>(vocabulary_);
    std::unique_ptr<MappingCache> cache = std::move(free_caches_.back());
    free_caches_.pop_back();
    return cache;
  }
  void give_back(std::unique_ptr<MappingCache> cache) const {
    std::lock_guard lock(caches_mutex_);
    free_caches_.push_back(std::move(cache));
  }

  // The rows finish() makes for a table.
  TableRows& finish_rows(std::string_view name) {
    auto it = finish_rows_.find(name);
    if (it == finish_rows_.end()) {
      it = finish_rows_.emplace(std::string(name), TableRows(table_layout(name), form())).first;
    }
    return it->second;
  }
  RowBuilder row(std::string_view name) { return RowBuilder(finish_rows(name), finish_concepts_); }

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
      write_location(location_id, o.address);
    }
  }

  void write_location(int64_t id, const record::Address& a) {
    RowBuilder r = row("location");
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
  }

  // Close the used concept set over the metadata concepts the vocabulary rows point to.
  std::vector<ConceptRelationshipRow> close_concepts() {
    finish_concepts_.drain(used_concepts_);  // the provider, care site and cdm_source rows' ids
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
      ConceptLog ignored;  // concept ids here are rows, not references
      RowBuilder(finish_rows("concept"), ignored)
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
    }
    for (const std::string& id : domains) {
      const DomainRow& d = *vocabulary_.domain(id);
      row("domain")
          .text(d.domain_id)
          .text(d.domain_name)
          .integer(int64_t{d.domain_concept_id})
          .end();
    }
    for (const std::string& id : classes) {
      const ConceptClassRow& c = *vocabulary_.concept_class(id);
      row("concept_class")
          .text(c.concept_class_id)
          .text(c.concept_class_name)
          .integer(int64_t{c.concept_class_concept_id})
          .end();
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
    }
  }

  // Rows only written as CSV are kept as CSV text from the start; Parquet needs columns.
  TableRows::Form form() const {
    return parquet_ ? TableRows::Form::kColumns : TableRows::Form::kCsv;
  }

  bool wants(OmopFormat format) const {
    return std::find(options_.formats.begin(), options_.formats.end(), format) !=
           options_.formats.end();
  }

  void convert(const std::vector<const CdmTable*>& tables) {
    if (wants(OmopFormat::kDuckdb)) write_duckdb(root_ / "omop.duckdb", dir_, tables);
    if (wants(OmopFormat::kCsv) || !csv_) return;
    for (const CdmTable* table : tables) fs::remove(dir_ / (std::string(table->name) + ".csv"));
    std::error_code ignored;
    fs::remove(dir_, ignored);  // only if empty (no parquet requested)
  }

  fs::path root_;
  fs::path dir_;
  const record::ProviderDirectory& directory_;
  OmopWriteOptions options_;
  const Vocabulary& vocabulary_;
  bool csv_ = false;      // CSV text is written (CSV or DuckDB output)
  bool parquet_ = false;  // Parquet files are written
  mutable std::mutex caches_mutex_;
  mutable std::vector<std::unique_ptr<MappingCache>> free_caches_;  // for render() on workers
  // The most rows a rendered block put in each patient table: later blocks reserve that many
  // (capacity only: the rows themselves do not depend on it).
  mutable std::array<std::atomic<size_t>, kPatientTableCount> row_hints_{};
  std::map<std::string, TableOutput> outputs_;
  std::unique_ptr<ParquetQueue> parquet_queue_;  // after outputs_: stops before their writers
  std::map<std::string, TableRows, std::less<>> finish_rows_;  // rows made by finish()
  std::set<int32_t> used_concepts_;
  ConceptLog
      finish_concepts_;  // concept ids of the rows finish() writes, drained into used_concepts_
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
