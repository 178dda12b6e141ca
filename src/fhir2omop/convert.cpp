// The conversion: read the resources, gather each patient's, map them into records on
// worker threads and write the CDM (and the crosswalk) through omop/write's sink in
// patient order. Every resource read is accounted for in the MappingReport.
//
// Memory (docs/fhir2omop.md, "Memory"): the input is streamed per patient. Shared
// resources (Organization, Practitioner, Location, Medication) are read first; then Patients are
// read in input order and each patient's resources are pulled from every other file while they name
// that patient (fos's and Synthea's Bulk NDJSON list resources in patient order; Synthea's bundles
// hold one patient each). Only the patients in flight are held. When the input turns out not to be
// grouped that way, the streaming attempt is abandoned (nothing of it is kept) and the input is
// converted again, its patient-owned resources spilled to files by patient range and read back one
// range at a time (run_spilled). Both ways give the same bytes.
#include "fhir2omop/fhir2omop.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "core/output.hpp"
#include "fhir2omop/block_pipeline.hpp"
#include "fhir2omop/crosswalk.hpp"
#include "fhir2omop/directory.hpp"
#include "fhir2omop/input_files.hpp"
#include "fhir2omop/mappers.hpp"
#include "fhir2omop/patient_input.hpp"
#include "fhir2omop/prefetch.hpp"
#include "fhir2omop/spill.hpp"
#include "omop/vocab/vocab.hpp"

namespace fos::fhir2omop {
namespace {

namespace fs = std::filesystem;

// Patients per block: small, since a block holds parsed resources.
constexpr size_t kBlockSize = 16;
// Spilled resource text per partition read back at once (the fallback for ungrouped input).
constexpr uint64_t kSpillPartBytes = 32ULL << 20;

// Thrown inside run_stream() when the input is not grouped by patient.
struct NotGrouped {};

// Resources that belong to no patient: read before the patients (PractitionerRole only counted;
// Medications are what medicationReference names).
bool is_shared_type(std::string_view type) {
  return type == "Organization" || type == "Practitioner" || type == "Location" ||
         type == "PractitionerRole" || type == "Medication";
}

// Where a patient-owned resource goes.
struct Target {
  enum class Kind : uint8_t { kPatient, kSkip, kUnknownPatient } kind = Kind::kSkip;
  size_t index = 0;         // kPatient: population index
  std::string_view reason;  // kSkip
};

// Shared state and steps of both ways of converting (one Converter per attempt).
class Converter {
 public:
  Converter(const ConvertOptions& options, fs::path root)
      : options_(options),
        root_(std::move(root)),
        vocabulary_(options.vocabulary ? *options.vocabulary : omop::Vocabulary::builtin()) {}

  // Stream per patient; throws NotGrouped when the input is not grouped.
  MappingReport run_stream() {
    const std::vector<fs::path> files = fhir::expand_inputs(options_.inputs);
    std::vector<size_t> patient_files;
    std::vector<size_t> other_files;
    for (size_t i = 0; i < files.size(); ++i) classify(files, i, patient_files, other_files);
    start_sink();
    for (size_t i : other_files) {
      cursors_.push_back(Cursor{std::make_unique<PrefetchReader>(reader_options({files[i]})),
                                static_cast<uint32_t>(i)});
    }
    stream_patients(files, patient_files);
    drain_cursors();
    for (Item& item : unresolved_) {
      const Target t = target_of(item.resource);
      if (t.kind == Target::Kind::kPatient) throw NotGrouped{};
      report_.skip(item.resource.type, kDanglingReference);
    }
    for (const Cursor& c : cursors_) report_.malformed_lines += c.reader->skipped();
    finish_sink();
    return std::move(report_);
  }

  // The fallback for input not grouped by patient: every patient-owned resource is spilled
  // to a file (with its input order and the id of the patient it names), then split by
  // patient-index range into partitions of about kSpillPartBytes, which are read back one at
  // a time. Memory: the Patients (a record each) and one partition.
  MappingReport run_spilled() {
    const fs::path dir = root_ / ".to-omop-spill";
    fs::create_directories(dir);
    const RemoveOnExit cleanup{dir};
    const uint64_t spilled = spill_resources(dir / "resources");
    start_sink();
    const size_t patients = pending_.size();
    const size_t parts =
        std::clamp<size_t>((spilled / kSpillPartBytes) + 1, 1, std::max<size_t>(patients, 1));
    const size_t per = patients == 0 ? 1 : (patients + parts - 1) / parts;
    partition(dir, parts, per);
    for (size_t k = 0; k < parts; ++k)
      map_partition(dir / ("part-" + std::to_string(k)), k * per,
                    std::min(patients, (k + 1) * per));
    pending_.clear();
    finish_sink();
    report_.held = true;
    return std::move(report_);
  }

 private:
  struct Cursor {
    std::unique_ptr<PrefetchReader> reader;
    uint32_t file = 0;
    uint64_t position = 0;
  };

  fhir::ReaderOptions reader_options(std::vector<fs::path> inputs) const {
    fhir::ReaderOptions o;
    o.inputs = std::move(inputs);
    o.on_error = options_.on_error;
    return o;
  }

  // ---- reading

  void count_read(const fhir::Resource& r) { ++report_.type(r.type).read; }

  void take_shared(fhir::Resource r) {
    if (!r.id.empty() && !shared_seen_.insert(r.type + "/" + r.id).second) {
      return report_.skip(r.type, kDuplicateId);
    }
    if (r.type == "Organization") return organizations_.push_back(std::move(r));
    if (r.type == "Practitioner") return practitioners_.push_back(std::move(r));
    if (r.type == "PractitionerRole") return report_.skip(r.type, kUnsupportedType);
    ++report_.type(r.type).converted;
    if (r.type == "Medication") return medications_.push_back(std::move(r));
    locations_.push_back(std::move(r));
  }

  void take_patient(const fhir::Resource& r) {
    if (!r.id.empty() && patient_ids_.contains(r.id)) {
      return report_.skip("Patient", kDuplicateId);
    }
    record::PatientRecord scratch;
    MapContext context(scratch, ids_, vocabulary_, report_);
    const std::string_view reason = map_patient(r, context);
    if (!reason.empty()) {
      patient_ids_.emplace(r.id, -1);
      return report_.skip("Patient", reason);
    }
    scratch.person.index = next_index_;
    patient_ids_.emplace(r.id, static_cast<int64_t>(next_index_++));
    pending_.push_back(PatientInput{std::move(scratch.person), {}});
    ++report_.type("Patient").converted;
  }

  // The organization of the first encounter (in input order) each practitioner performs.
  void note_encounter(const fhir::Resource& r, uint64_t order) {
    if (r.type != "Encounter") return;
    const fhir::Json* participants = r.json.find("participant");
    if (participants == nullptr || !participants->is_array() || participants->items().empty()) {
      return;
    }
    auto practitioner =
        shared_reference_key(participants->items().front(), "individual", "Practitioner");
    auto organization = shared_reference_key(r.json, "serviceProvider", "Organization");
    if (!practitioner || !organization) return;
    auto [it, inserted] =
        practitioner_org_.try_emplace(std::move(*practitioner), order, *organization);
    if (!inserted && order < it->second.first) it->second = {order, std::move(*organization)};
  }

  Target target_of(const fhir::Resource& r) const {
    const MapperEntry* entry = find_mapper(r.type);
    if (entry == nullptr) {
      return {Target::Kind::kSkip, 0, is_unmapped_type(r.type) ? kNotMapped : kUnsupportedType};
    }
    const fhir::Json* subject = r.json.find(entry->subject_key);
    if (subject == nullptr) return {Target::Kind::kSkip, 0, kNoSubject};
    const auto id = reference_id(subject, "Patient");
    if (!id) return {Target::Kind::kSkip, 0, kDanglingReference};
    const auto it = patient_ids_.find(*id);
    if (it == patient_ids_.end()) return {Target::Kind::kUnknownPatient, 0, {}};
    if (it->second < 0) return {Target::Kind::kSkip, 0, kDanglingReference};
    return {Target::Kind::kPatient, static_cast<size_t>(it->second), {}};
  }

  // Put a resource with a known target where it belongs. A resource of a patient already
  // written means the input is not grouped by patient.
  void place(const Target& t, Item item) {
    if (t.kind == Target::Kind::kSkip) return report_.skip(item.resource.type, t.reason);
    if (t.index < first_pending_) throw NotGrouped{};
    pending_[t.index - first_pending_].items.push_back(std::move(item));
  }

  // ---- the spilled fallback

  struct RemoveOnExit {
    fs::path dir;
    explicit RemoveOnExit(fs::path d) : dir(std::move(d)) {}
    RemoveOnExit(const RemoveOnExit&) = delete;
    RemoveOnExit& operator=(const RemoveOnExit&) = delete;
    ~RemoveOnExit() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  };

  // Pass 1: shared resources and Patients are taken; every other resource is counted (and
  // skipped when it names no patient) or spilled. Returns the bytes spilled.
  uint64_t spill_resources(const fs::path& file) {
    fhir::ResourceReader reader(reader_options(options_.inputs));
    std::ofstream out(file, std::ios::binary);
    uint64_t order = 0;
    uint64_t bytes = 0;
    std::string line;
    while (auto resource = reader.next()) {
      count_read(*resource);
      if (is_shared_type(resource->type)) {
        take_shared(std::move(*resource));
        continue;
      }
      if (resource->type == "Patient") {
        take_patient(*resource);
        continue;
      }
      note_encounter(*resource, order);
      const std::optional<std::string> subject = subject_id(*resource);
      if (!subject) continue;  // skipped and counted
      line.clear();
      append_spilled(line, order++, *subject, *resource);
      out << line;
      bytes += line.size();
    }
    if (!out.flush()) fail(ErrorKind::kIo, file.string() + ": cannot write");
    report_.malformed_lines += reader.skipped();
    return bytes;
  }

  // The id of the patient a resource names; nullopt (counted as skipped) when it names none.
  std::optional<std::string> subject_id(const fhir::Resource& r) {
    const MapperEntry* entry = find_mapper(r.type);
    if (entry == nullptr) {
      report_.skip(r.type, is_unmapped_type(r.type) ? kNotMapped : kUnsupportedType);
      return std::nullopt;
    }
    const fhir::Json* subject = r.json.find(entry->subject_key);
    if (subject == nullptr) {
      report_.skip(r.type, kNoSubject);
      return std::nullopt;
    }
    auto id = reference_id(subject, "Patient");
    if (!id || id->find_first_of("\t\n") != std::string::npos) {
      report_.skip(r.type, kDanglingReference);
      return std::nullopt;
    }
    return id;
  }

  // Pass 2: each spilled line to the partition of its patient ("<index>\t<line>").
  void partition(const fs::path& dir, size_t parts, size_t per) {
    std::vector<std::ofstream> out;
    out.reserve(parts);
    for (size_t k = 0; k < parts; ++k) {
      out.emplace_back(dir / ("part-" + std::to_string(k)), std::ios::binary);
    }
    std::ifstream in(dir / "resources", std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      const SpilledHead head = spilled_head(line);
      const auto it = patient_ids_.find(std::string(head.subject));
      if (it == patient_ids_.end() || it->second < 0) {
        report_.skip(head.type, kDanglingReference);
        continue;
      }
      const auto index = static_cast<size_t>(it->second);
      out[index / per] << index << '\t' << line << '\n';
    }
    for (std::ofstream& file : out) {
      if (!file.flush()) fail(ErrorKind::kIo, (dir / "part").string() + ": cannot write");
    }
    in.close();
    fs::remove(dir / "resources");
  }

  // Pass 3: one partition's patients, [first, last), to the pipeline in order.
  void map_partition(const fs::path& file, size_t first, size_t last) {
    std::vector<std::vector<std::string>> lines(last - first);
    {
      std::ifstream in(file, std::ios::binary);
      std::string line;
      while (std::getline(in, line)) {
        const size_t tab = line.find('\t');
        const size_t index = std::stoull(line.substr(0, tab));
        lines[index - first].push_back(line.substr(tab + 1));
      }
    }
    fs::remove(file);
    for (size_t i = first; i < last; ++i) {
      PatientInput& patient = pending_[i];
      for (const std::string& line : lines[i - first]) patient.items.push_back(read_spilled(line));
      lines[i - first].clear();
      block_.push_back(std::move(patient));
      if (block_.size() == kBlockSize) submit();
    }
  }

  // ---- streaming

  // Sort one input file: shared resources are read now; files with Patients (and
  // documents: Bundles, single resources) feed the patient stream; other NDJSON files
  // become cursors pulled per patient.
  void classify(const std::vector<fs::path>& files, size_t i, std::vector<size_t>& patient_files,
                std::vector<size_t>& other_files) {
    const fs::path& file = files[i];
    if (!is_ndjson_file(file)) {
      const DocumentTypes types = document_types(file);
      if (types.shared && types.other) throw NotGrouped{};
      if (types.shared) return read_shared_file(file, std::nullopt);
      return patient_files.push_back(i);
    }
    fhir::ResourceReader reader(reader_options({file}));
    auto head = reader.next();
    if (!head) {
      report_.malformed_lines += reader.skipped();
      return;
    }
    if (is_shared_type(head->type)) return read_shared_file(file, std::move(head), &reader);
    (head->type == "Patient" ? patient_files : other_files).push_back(i);
  }

  void read_shared_file(const fs::path& file, std::optional<fhir::Resource> head,
                        fhir::ResourceReader* open = nullptr) {
    std::optional<fhir::ResourceReader> own;
    if (open == nullptr) open = &own.emplace(reader_options({file}));
    if (!head) head = open->next();
    for (; head; head = open->next()) {
      if (!is_shared_type(head->type)) throw NotGrouped{};
      count_read(*head);
      take_shared(std::move(*head));
    }
    report_.malformed_lines += open->skipped();
  }

  void stream_patients(const std::vector<fs::path>& files, const std::vector<size_t>& indices) {
    if (indices.empty()) return flush_pending();
    std::vector<fs::path> paths;
    std::unordered_map<std::string, uint32_t> index_of;
    for (size_t i : indices) {
      paths.push_back(files[i]);
      index_of.emplace(files[i].string(), static_cast<uint32_t>(i));
    }
    PrefetchReader reader(reader_options(paths));
    std::string source;
    uint64_t file = 0;
    uint64_t position = 0;
    while (auto r = reader.next()) {
      if (r->source != source) {
        flush_pending();
        source = r->source;
        const auto it = index_of.find(source);
        file = it == index_of.end() ? 0 : it->second;
        position = 0;
      }
      count_read(*r);
      if (is_shared_type(r->type)) throw NotGrouped{};
      if (r->type == "Patient") {
        flush_pending();
        take_patient(*r);
        continue;
      }
      const uint64_t order = input_order(file, position++);
      note_encounter(*r, order);
      const Target t = target_of(*r);
      Item item{order, std::move(*r)};
      if (t.kind == Target::Kind::kUnknownPatient) {
        unresolved_.push_back(std::move(item));
      } else {
        place(t, std::move(item));
      }
    }
    report_.malformed_lines += reader.skipped();
    flush_pending();
  }

  // Take the cursor's resources while they name a patient in flight (or are skipped).
  void pull(Cursor& c) {
    while (fhir::Resource* head = c.reader->peek()) {
      if (head->type == "Patient" || is_shared_type(head->type)) throw NotGrouped{};
      const Target t = target_of(*head);
      if (t.kind == Target::Kind::kUnknownPatient) return;  // a later patient, or nobody
      take_from(c, t);
    }
  }

  void take_from(Cursor& c, const Target& t) {
    Item item{input_order(c.file, c.position++), std::move(*c.reader->next())};
    count_read(item.resource);
    note_encounter(item.resource, item.order);
    place(t, std::move(item));
  }

  // After the last patient: what the cursors still hold names nobody.
  void drain_cursors() {
    for (Cursor& c : cursors_) {
      while (fhir::Resource* head = c.reader->peek()) {
        if (head->type == "Patient" || is_shared_type(head->type)) throw NotGrouped{};
        Target t = target_of(*head);
        if (t.kind == Target::Kind::kUnknownPatient)
          t = {Target::Kind::kSkip, 0, kDanglingReference};
        take_from(c, t);
      }
    }
  }

  // The patients in flight are complete: gather the rest of their resources from the
  // cursors and the unresolved list, and hand them to the pipeline in blocks.
  void flush_pending() {
    if (pending_.empty()) return;
    for (Cursor& c : cursors_) pull(c);
    if (!unresolved_.empty()) resolve_unresolved();
    for (PatientInput& p : pending_) {
      block_.push_back(std::move(p));
      if (block_.size() == kBlockSize) submit();
    }
    first_pending_ += pending_.size();
    pending_.clear();
  }

  void resolve_unresolved() {
    std::vector<Item> still;
    for (Item& item : unresolved_) {
      const Target t = target_of(item.resource);
      if (t.kind == Target::Kind::kUnknownPatient) {
        still.push_back(std::move(item));
      } else {
        place(t, std::move(item));
      }
    }
    unresolved_ = std::move(still);
  }

  // ---- writing

  record::ProviderDirectory directory(MappingReport& report, DirectoryIds& ids) const {
    std::unordered_map<std::string, std::string> orgs;
    for (const auto& [practitioner, first] : practitioner_org_)
      orgs.emplace(practitioner, first.second);
    return build_directory(organizations_, practitioners_, locations_, orgs, ids, report);
  }

  void start_sink() {
    directory_ = directory(report_, ids_);
    for (const fhir::Resource& m : medications_) ids_.medications.emplace(m.id, &m.json);
    omop::OmopWriteOptions write_options;
    write_options.formats = options_.formats;
    write_options.reference_date = options_.reference_date;
    write_options.source_name = "fos to-omop";
    write_options.vocabulary = &vocabulary_;
    sink_ = omop::make_omop_sink(root_, directory_, write_options);
    crosswalk_.emplace(root_);
    const unsigned threads =
        options_.threads > 0 ? options_.threads : std::max(1U, std::thread::hardware_concurrency());
    pipeline_ = std::make_unique<BlockPipeline>(
        threads, [this](std::vector<PatientInput>& block) { return map_block(block); },
        [this](MappedBlock& block) {
          sink_->write(std::move(block.rendered));
          report_.merge(block.report);
          crosswalk_->write(block.crosswalk);
        });
  }

  // On a worker thread: records and rows of one block.
  MappedBlock map_block(std::vector<PatientInput>& block) const {
    MappedBlock out;
    std::vector<record::PatientRecord> records;
    records.reserve(block.size());
    for (PatientInput& input : block) {
      records.push_back(build_record(input, ids_, vocabulary_, out.report, out.crosswalk));
    }
    out.rendered = sink_->render(records);
    return out;
  }

  void submit() {
    pipeline_->submit(std::move(block_));
    block_.clear();
  }

  void finish_sink() {
    if (!block_.empty()) submit();
    pipeline_->finish();
    pipeline_.reset();
    // Providers' care sites are known only now (first encounter of each practitioner);
    // the sink reads them in finish().
    MappingReport scratch;
    DirectoryIds ids;
    directory_ = directory(scratch, ids);
    crosswalk_->add_directory(directory_);
    sink_->finish();
    crosswalk_->finish(options_.formats);
    report_.persons = next_index_;
  }

  const ConvertOptions& options_;
  fs::path root_;
  const omop::Vocabulary& vocabulary_;
  MappingReport report_;

  std::vector<fhir::Resource> organizations_;
  std::vector<fhir::Resource> practitioners_;
  std::vector<fhir::Resource> locations_;    // only their position is used
  std::vector<fhir::Resource> medications_;  // their code, for medicationReference
  std::unordered_set<std::string> shared_seen_;
  std::unordered_map<std::string, std::pair<uint64_t, std::string>> practitioner_org_;
  std::unordered_map<std::string, int64_t> patient_ids_;  // -1: not converted

  std::vector<PatientInput> pending_;  // patients in flight, from index first_pending_
  size_t first_pending_ = 0;
  size_t next_index_ = 0;
  std::vector<Item> unresolved_;  // from the patient stream, naming no patient read yet
  std::vector<Cursor> cursors_;
  std::vector<PatientInput> block_;

  DirectoryIds ids_;
  record::ProviderDirectory directory_;  // must outlive sink_
  std::unique_ptr<record::RecordSink> sink_;
  std::optional<CrosswalkFile> crosswalk_;
  std::unique_ptr<BlockPipeline> pipeline_;  // last: its workers use the members above
};

}  // namespace

void ConvertOptions::validate() const {
  if (inputs.empty()) fail(ErrorKind::kInvalidInput, "to-omop: no --input given");
  if (formats.empty()) fail(ErrorKind::kInvalidInput, "to-omop: no --format given");
}

MappingReport convert(const ConvertOptions& options, const std::filesystem::path& root) {
  options.validate();
  std::optional<MappingReport> report;
  if (options.stream) {
    try {
      report = Converter(options, root).run_stream();
    } catch (const NotGrouped&) {
      report.reset();
    }
  }
  if (!report) report = Converter(options, root).run_spilled();
  write_file_atomic(root / "mapping_report.json", report->json());
  return std::move(*report);
}

}  // namespace fos::fhir2omop
