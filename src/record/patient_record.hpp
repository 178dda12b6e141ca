// PatientRecord: one patient's lifetime, as the generator made it.
#pragma once

#include <vector>

#include "record/clinical.hpp"
#include "record/person.hpp"

namespace fos::record {

struct PatientRecord {
  Person person;
  std::vector<Encounter> encounters;  ///< ordered by start
  std::vector<Observation> observations;
  std::vector<Condition> conditions;
  std::vector<Medication> medications;
  std::vector<Procedure> procedures;
  std::vector<Immunization> immunizations;
  std::vector<Allergy> allergies;
  std::vector<CarePlan> care_plans;
  std::vector<Device> devices;
  std::vector<DiagnosticReport> reports;
  std::vector<ImagingStudy> imaging_studies;
  std::vector<Supply> supplies;
};

}  // namespace fos::record
