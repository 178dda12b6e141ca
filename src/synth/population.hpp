// Population runner: generates a shard's patients on worker threads and feeds
// them to sinks in patient order, so the output bytes do not depend on the
// number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "record/sink.hpp"
#include "synth/generator.hpp"

namespace fos::synth {

struct PopulationStats {
  uint64_t patients = 0;
  uint64_t deceased = 0;  ///< patients who died before the reference date
};

/// Called from the writing thread after each block: patients done, patients in the shard.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

/// Generate the shard's patients into every sink, then finish() each sink.
/// An exception from any thread stops the run and is rethrown here; the sinks
/// are then left unfinished (their output is abandoned).
PopulationStats run_population(const Generator& generator,
                               std::span<record::RecordSink* const> sinks,
                               const ProgressFn& progress = {});

}  // namespace fos::synth
