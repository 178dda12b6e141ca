// Front door of the synth room: the synthetic-population generator.
//
// SynthConfig holds the published figures (config/*.yaml, built in); Generator
// makes one patient's PatientRecord from (seed, index); run_population drives a
// shard of patients through record sinks in patient order.
#pragma once

#include "synth/config.hpp"
#include "synth/constraints.hpp"
#include "synth/generator.hpp"
#include "synth/options.hpp"
#include "synth/population.hpp"
