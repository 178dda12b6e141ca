// The conversion: read every resource, group by patient, map into records, write the CDM
// through omop/write's sink, and account for every resource in the MappingReport.
//
// Memory: the patient-owned resources are held until all input is read, because NDJSON
// input is grouped by type, not by patient (docs/fhir2omop.md, "Limits").
#include "fhir2omop/fhir2omop.hpp"

#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "core/output.hpp"
#include "fhir2omop/directory.hpp"
#include "fhir2omop/mappers.hpp"
#include "omop/vocab/vocab.hpp"

namespace fos::fhir2omop {
namespace {

constexpr size_t kBlockSize = 64;

// Everything read, sorted into what the mapping needs.
struct Collected {
  std::vector<record::Person> persons;                // converted patients, in input order
  std::unordered_map<std::string, size_t> person_of;  // Patient id -> position in persons
  std::vector<fhir::Resource> organizations;
  std::vector<fhir::Resource> practitioners;
  std::vector<fhir::Resource> locations;  // only their position is used (care-site location)
  std::vector<fhir::Resource> owned;      // patient-owned resources
  std::unordered_set<std::string> seen;   // "Type/id"
};

class Converter {
 public:
  Converter(const ConvertOptions& options, MappingReport& report)
      : options_(options),
        report_(report),
        vocabulary_(options.vocabulary ? *options.vocabulary : omop::Vocabulary::builtin()) {}

  void read() {
    fhir::ReaderOptions reader_options;
    reader_options.inputs = options_.inputs;
    reader_options.on_error = options_.on_error;
    fhir::ResourceReader reader(std::move(reader_options));
    while (auto resource = reader.next()) take(std::move(*resource));
    report_.malformed_lines = reader.skipped();
  }

  void write(const std::filesystem::path& root) {
    const auto groups = group_by_patient();
    DirectoryIds ids;
    const record::ProviderDirectory directory =
        build_directory(data_.organizations, data_.practitioners, data_.locations,
                        practitioner_orgs(), ids, report_);
    omop::OmopWriteOptions write_options;
    write_options.formats = options_.formats;
    write_options.reference_date = options_.reference_date;
    write_options.source_name = "fos to-omop";
    write_options.vocabulary = &vocabulary_;
    auto sink = omop::make_omop_sink(root, directory, write_options);
    std::vector<record::PatientRecord> block;
    for (size_t p = 0; p < data_.persons.size(); ++p) {
      block.push_back(build_record(p, groups[p], ids));
      if (block.size() == kBlockSize) flush(*sink, block);
    }
    flush(*sink, block);
    sink->finish();
    report_.persons = data_.persons.size();
  }

 private:
  bool first_time(const fhir::Resource& r) {
    if (r.id.empty()) return true;
    if (data_.seen.insert(r.type + "/" + r.id).second) return true;
    report_.skip(r.type, kDuplicateId);
    return false;
  }

  void take(fhir::Resource r) {
    ++report_.type(r.type).read;
    if (!first_time(r)) return;
    if (r.type == "Patient") return take_patient(r);
    if (r.type == "Organization") return data_.organizations.push_back(std::move(r));
    if (r.type == "Practitioner") return data_.practitioners.push_back(std::move(r));
    if (r.type == "Location") {
      ++report_.type(r.type).converted;
      return data_.locations.push_back(std::move(r));
    }
    if (find_mapper(r.type) != nullptr) return data_.owned.push_back(std::move(r));
    report_.skip(r.type, is_unmapped_type(r.type) ? kNotMapped : kUnsupportedType);
  }

  void take_patient(const fhir::Resource& r) {
    record::PatientRecord scratch;
    MapContext context(scratch, no_ids_, vocabulary_, report_);
    const std::string_view reason = map_patient(r, context);
    if (!reason.empty()) return report_.skip("Patient", reason);
    scratch.person.index = data_.persons.size();
    data_.person_of.emplace(r.id, data_.persons.size());
    data_.persons.push_back(std::move(scratch.person));
    ++report_.type("Patient").converted;
  }

  // Indices into data_.owned per converted patient; resources without a (known) patient
  // are counted as skipped.
  std::vector<std::vector<size_t>> group_by_patient() {
    std::vector<std::vector<size_t>> groups(data_.persons.size());
    for (size_t i = 0; i < data_.owned.size(); ++i) {
      const fhir::Resource& r = data_.owned[i];
      const MapperEntry& entry = *find_mapper(r.type);
      const fhir::Json* subject = r.json.find(entry.subject_key);
      if (subject == nullptr) {
        report_.skip(r.type, kNoSubject);
        continue;
      }
      const auto id = reference_id(subject, "Patient");
      const auto it = id ? data_.person_of.find(*id) : data_.person_of.end();
      if (it == data_.person_of.end()) {
        report_.skip(r.type, kDanglingReference);
        continue;
      }
      groups[it->second].push_back(i);
    }
    return groups;
  }

  // The organization of the first encounter each practitioner performs, in input order.
  std::unordered_map<std::string, std::string> practitioner_orgs() const {
    std::unordered_map<std::string, std::string> out;
    for (const fhir::Resource& r : data_.owned) {
      if (r.type != "Encounter") continue;
      const fhir::Json* participants = r.json.find("participant");
      if (participants == nullptr || !participants->is_array() || participants->items().empty()) {
        continue;
      }
      const auto practitioner =
          reference_member(participants->items().front(), "individual", "Practitioner");
      const auto organization = reference_member(r.json, "serviceProvider", "Organization");
      if (practitioner && organization) out.emplace(*practitioner, *organization);
    }
    return out;
  }

  record::PatientRecord build_record(size_t p, const std::vector<size_t>& group,
                                     const DirectoryIds& ids) {
    record::PatientRecord rec;
    rec.person = std::move(data_.persons[p]);
    MapContext context(rec, ids, vocabulary_, report_);
    for (const MapperEntry& entry : mappers()) {
      for (size_t i : group) {
        const fhir::Resource& r = data_.owned[i];
        if (r.type != entry.type) continue;
        const std::string_view reason = entry.map(r, context);
        if (reason.empty()) {
          ++report_.type(r.type).converted;
        } else {
          report_.skip(r.type, reason);
        }
      }
    }
    return rec;
  }

  static void flush(record::RecordSink& sink, std::vector<record::PatientRecord>& block) {
    if (block.empty()) return;
    sink.write(sink.render(block));
    block.clear();
  }

  const ConvertOptions& options_;
  MappingReport& report_;
  const omop::Vocabulary& vocabulary_;
  Collected data_;
  DirectoryIds no_ids_;
};

}  // namespace

void ConvertOptions::validate() const {
  if (inputs.empty()) fail(ErrorKind::kInvalidInput, "to-omop: no --input given");
  if (formats.empty()) fail(ErrorKind::kInvalidInput, "to-omop: no --format given");
}

MappingReport convert(const ConvertOptions& options, const std::filesystem::path& root) {
  options.validate();
  MappingReport report;
  Converter converter(options, report);
  converter.read();
  converter.write(root);
  write_file_atomic(root / "mapping_report.json", report.json());
  return report;
}

}  // namespace fos::fhir2omop
