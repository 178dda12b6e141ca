// RecordSink: where generated patient records go (FHIR files, OMOP tables, ...).
//
// A push sink in two steps so that output formatting runs in parallel while the
// bytes still come out in patient order: the producer calls render() on worker
// threads for consecutive runs of patients ("blocks"), then write() on one
// thread, in block order. finish() completes the output; a sink destroyed
// without finish() abandons it (its files are never moved into place).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "record/patient_record.hpp"

namespace fos::record {

/// What a sink made of one block; each sink defines its own subclass.
struct RenderedBlock {
  virtual ~RenderedBlock() = default;
};

/// Counts of what a sink wrote, by name ("Patient", "person", ...), for summaries and manifests.
using OutputCounts = std::map<std::string, uint64_t>;

class RecordSink {
 public:
  virtual ~RecordSink() = default;

  /// Format a block of consecutive patients. Thread-safe: touches no mutable shared state.
  virtual std::unique_ptr<RenderedBlock> render(std::span<const PatientRecord> block) const = 0;
  /// Append a rendered block. Called from one thread, in patient order.
  virtual void write(std::unique_ptr<RenderedBlock> block) = 0;
  /// Complete the output. REQUIRES: called once, after the last write().
  virtual void finish() = 0;
  /// What has been written so far.
  virtual OutputCounts counts() const = 0;
};

}  // namespace fos::record
