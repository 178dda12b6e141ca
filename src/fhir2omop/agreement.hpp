// Agreement between fos's direct OMOP output and `fos to-omop` of the same run's FHIR:
// every CDM table compared as a multiset of rows (the same rows after sorting), except the
// deliberate differences listed in docs/fhir2omop.md, which compare_omop() encodes:
//
// 1. provider_id: to-omop numbers providers by a stable hash of the FHIR Practitioner id;
//    every provider_id column is compared through provider.provider_source_value.
// 2. person.birth_datetime: FHIR birthDate has no time; compared by date.
// 3. cdm_source.cdm_source_name: "fos to-omop"; not compared.
// (A stopped prescription's end is compared in full: fos's FHIR MedicationRequest carries its
// stop as dispenseRequest.validityPeriod.end.)
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fos::fhir2omop {

struct TableAgreement {
  std::string table;
  uint64_t direct_rows = 0;
  uint64_t converted_rows = 0;
  uint64_t only_direct = 0;     ///< rows of the direct output with no equal converted row
  uint64_t only_converted = 0;  ///< and the other way round
  bool agrees() const { return only_direct == 0 && only_converted == 0; }
};

struct Agreement {
  std::vector<TableAgreement> tables;  ///< every table present on either side, by name
  std::vector<std::string> missing;    ///< tables present on one side only
  bool agrees() const;
  /// "agrees (23 tables)" or "differs: measurement (3 vs 2 rows), ...".
  std::string summary() const;
};

/// Compare the CDM tables of two omop/ folders (CSV, else Parquet files). The crosswalk,
/// to-omop's own table, is not part of the CDM and is left out. Throws Error on unreadable
/// input.
Agreement compare_omop(const std::filesystem::path& direct, const std::filesystem::path& converted);

}  // namespace fos::fhir2omop
