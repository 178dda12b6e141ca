// Hand-made records, a provider directory and file helpers for the fhir/write tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <simdjson.h>

#include "fhir/write/fhir_write.hpp"
#include "record/record.hpp"

namespace fos::fhir::testing {

/// Two organizations and two providers used by the fixture patients, plus one of each unused.
record::ProviderDirectory fixture_directory();
/// A deceased adult (index 7): two encounters, vitals with a blood pressure panel,
/// two immunizations, maiden name, four identifiers, and one or more of every clinical
/// entry (conditions, medications, procedures, an allergy, a care plan, a device, a lab
/// report over two lab observations, an imaging study, supplies).
record::PatientRecord fixture_adult();
/// A living child (index 8): one encounter, vitals, three immunizations, gender identity.
record::PatientRecord fixture_child();
std::vector<record::PatientRecord> fixture_patients();
/// Six more patients (indices 20..25) that between them use every value of every
/// record enum the writer maps (race, marital status, gender identity, encounter
/// class, observation category, identifier type, allergy category) and coded / text values,
/// active and resolved allergies, stopped care plans, dosages without timing, devices
/// without UDI.
std::vector<record::PatientRecord> fixture_variants();
FhirWriteOptions fixture_options(FhirLayout layout);

/// Run `patients` through a fresh sink in blocks of `block_size`, finish, return its counts.
record::OutputCounts write_all(const std::filesystem::path& dir,
                               const record::ProviderDirectory& directory,
                               const FhirWriteOptions& options,
                               const std::vector<record::PatientRecord>& patients,
                               size_t block_size = 1);

/// A fresh empty folder under the test temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::vector<std::string> split_lines(const std::string& text);
/// Every file under `dir` (relative paths, sorted).
std::vector<std::string> list_files(const std::filesystem::path& dir);
/// Append the value of every "reference" key found anywhere in `element`.
void collect_references(simdjson::dom::element element, std::vector<std::string>& out);

}  // namespace fos::fhir::testing
