// Front door of the record room: the patient record model, the hub of fos.
//
// The generator produces PatientRecords; FHIR and OMOP are two projections of
// the same record. Nothing here knows FHIR or OMOP.
#pragma once

#include "record/clinical.hpp"
#include "record/code.hpp"
#include "record/ids.hpp"
#include "record/patient_record.hpp"
#include "record/person.hpp"
#include "record/provider.hpp"
#include "record/sink.hpp"
#include "record/text.hpp"
