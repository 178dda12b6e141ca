// Clinical entries of a patient's record: encounters and what happens in them.
//
// Plain structs with no FHIR and no OMOP inside. Each entry names the
// encounter it belongs to by index into PatientRecord::encounters; an entry's
// own identity is its index in its vector (see record/ids.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "record/code.hpp"

namespace fos::record {

enum class EncounterClass : uint8_t {
  kWellness,
  kAmbulatory,
  kOutpatient,
  kEmergency,
  kUrgentCare,
  kInpatient,
};

struct Encounter {
  EncounterClass encounter_class = EncounterClass::kWellness;
  Code type;  ///< SNOMED CT encounter type, e.g. 410620009 "Well child visit"
  Instant start;
  Instant end;
  uint64_t provider_id = 0;
  uint64_t organization_id = 0;
  std::optional<Code> reason;
};

enum class ObservationCategory : uint8_t {
  kVitalSigns,
  kLaboratory,
  kSurvey,
  kSocialHistory,
  kExam,
  kImaging,
  kProcedure,
};

/// One part of a multi-part observation (the systolic half of a blood pressure).
struct ObservationComponent {
  Code code;
  std::optional<Quantity> quantity;
  std::optional<Code> value_code;
};

struct Observation {
  uint32_t encounter = 0;
  ObservationCategory category = ObservationCategory::kVitalSigns;
  Code code;
  Instant effective;
  std::optional<Quantity> quantity;
  std::optional<Code> value_code;
  std::optional<std::string> value_text;
  std::vector<ObservationComponent> components;
};

struct Condition {
  uint32_t encounter = 0;
  Code code;
  Instant onset;
  std::optional<Instant> abatement;
};

struct Medication {
  uint32_t encounter = 0;
  Code code;  ///< RxNorm
  Instant start;
  std::optional<Instant> stop;
  std::optional<Code> reason;
  double dose = 0;          ///< amount per administration, 0 when unknown
  int frequency = 0;        ///< administrations per period
  double period = 0;        ///< length of the period...
  std::string period_unit;  ///< ...in UCUM time units ("d", "h", "wk")
  bool as_needed = false;
  bool chronic = false;
};

struct Procedure {
  uint32_t encounter = 0;
  Code code;
  Instant start;
  Instant end;
  std::optional<Code> reason;
};

struct Immunization {
  uint32_t encounter = 0;
  Code code;  ///< CVX
  Instant date;
};

enum class AllergyCategory : uint8_t { kFood, kMedication, kEnvironment, kBiologic };

struct Allergy {
  uint32_t encounter = 0;
  Code code;
  AllergyCategory category = AllergyCategory::kEnvironment;
  Instant onset;
  std::optional<Instant> resolved;
  std::vector<Code> reactions;
};

struct CarePlan {
  uint32_t encounter = 0;
  Code code;
  Instant start;
  std::optional<Instant> stop;
  std::vector<Code> activities;
  std::optional<Code> reason;
};

struct Device {
  uint32_t encounter = 0;
  Code code;  ///< SNOMED CT device
  Instant start;
  std::optional<Instant> stop;
  std::string udi;
};

struct DiagnosticReport {
  uint32_t encounter = 0;
  Code code;  ///< LOINC panel
  Instant effective;
  std::vector<uint32_t> results;  ///< indices into PatientRecord::observations
};

struct ImagingStudy {
  uint32_t encounter = 0;
  Instant started;
  Code procedure;  ///< SNOMED CT procedure
  Code modality;   ///< DICOM-DCM
  Code body_site;  ///< SNOMED CT
  Code sop_class;  ///< DICOM-SOP
  uint32_t instances = 1;
};

/// Supplies handed out in an encounter (test strips, syringes): a SNOMED CT physical object.
struct Supply {
  uint32_t encounter = 0;
  Code code;
  Instant date;
  double quantity = 0;
};

}  // namespace fos::record
