// A tiny hand-made population (three patients, four organizations) for OMOP writer tests.
//
// Covers: a child with vitals, a blood-pressure panel, vaccines and a resolved condition; an
// adult who died, with an urgent-care visit, unknown codes and an unknown unit, and clinical
// entries that exercise routing by domain (a finding to observation, a screening procedure
// to measurement, a non-standard code through 'Maps to', an allergy without a standard
// concept), condition eras (a 30-day gap), drug eras by ingredient (an ongoing and two
// repeated medications, one drug without ingredient), a device with UDI and supplies; a
// patient with no visits and no address. Text includes commas, quotes and an over-long county.
#pragma once

#include <filesystem>
#include <vector>

#include "omop/write/omop_write.hpp"
#include "record/patient_record.hpp"
#include "record/provider.hpp"

namespace fos::omop::testing {

record::ProviderDirectory fixture_directory();
std::vector<record::PatientRecord> fixture_patients();
/// The reference date the fixture is written with: 2024-01-01.
Date fixture_reference_date();

/// Write the fixture through the OMOP sink into `root` (rendered in blocks of `block_size`).
record::OutputCounts write_fixture(const std::filesystem::path& root,
                                   std::vector<OmopFormat> formats, size_t block_size = 2);

}  // namespace fos::omop::testing
