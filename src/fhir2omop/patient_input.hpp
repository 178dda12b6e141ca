// One patient's FHIR resources, gathered by the converter, turned into a PatientRecord and
// its crosswalk rows (on a worker thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fhir/read/read.hpp"
#include "fhir2omop/mappers.hpp"
#include "fhir2omop/report.hpp"
#include "omop/vocab/vocab.hpp"
#include "record/patient_record.hpp"

namespace fos::fhir2omop {

/// A resource with its place in the input: (file index << 40) | position in the file, so
/// that sorting by `order` gives the order of a sequential read of the inputs.
struct Item {
  uint64_t order = 0;
  fhir::Resource resource;
};

inline uint64_t input_order(uint64_t file, uint64_t position) {
  return (file << 40) | position;
}

/// A converted Patient and the patient-owned resources that name it.
struct PatientInput {
  record::Person person;
  std::vector<Item> items;
};

/// Map `input` into a record: resources sorted by input order, a second resource with the
/// same type and id skipped as "duplicated id", then every mapper in mappers() order.
/// Appends the patient's fhir_omop_crosswalk CSV rows to `crosswalk`. Counts go to `report`.
record::PatientRecord build_record(PatientInput& input, const DirectoryIds& ids,
                                   const omop::Vocabulary& vocabulary, MappingReport& report,
                                   std::string& crosswalk);

/// Header of fhir_omop_crosswalk.csv.
inline constexpr std::string_view kCrosswalkHeader = "resource_type,fhir_id,omop_table,omop_id\n";

/// Append one crosswalk CSV row.
void append_crosswalk_row(std::string& out, std::string_view resource_type,
                          std::string_view fhir_id, std::string_view table, int64_t omop_id);

}  // namespace fos::fhir2omop
