// BlockPipeline: blocks of patients mapped and rendered on worker threads, written in
// submission order on the submitting thread (docs/decisions/0004: parallel rendering,
// ordered writing). At most a few blocks are in flight, so memory does not grow with input.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fhir2omop/patient_input.hpp"
#include "fhir2omop/report.hpp"
#include "record/sink.hpp"

namespace fos::fhir2omop {

/// What a worker made of one block.
struct MappedBlock {
  std::unique_ptr<record::RenderedBlock> rendered;
  MappingReport report;
  std::string crosswalk;  ///< fhir_omop_crosswalk CSV rows
};

class BlockPipeline {
 public:
  using Work = std::function<MappedBlock(std::vector<PatientInput>&)>;
  using Write = std::function<void(MappedBlock&)>;

  /// `threads` workers (at least one) run `work`; `write` runs on the submitting thread.
  BlockPipeline(unsigned threads, Work work, Write write);
  ~BlockPipeline();
  BlockPipeline(const BlockPipeline&) = delete;
  BlockPipeline& operator=(const BlockPipeline&) = delete;

  /// Queue a block; writes finished blocks meanwhile, waits while the window is full.
  /// Rethrows a worker's or the writer's exception.
  void submit(std::vector<PatientInput> block);
  /// Wait for every block and write it. Rethrows as submit().
  void finish();

 private:
  void work(const std::stop_token& stop);
  // Write every finished block that is next in order; true if one was written.
  bool write_ready(std::unique_lock<std::mutex>& lock);

  Work work_;
  Write write_;
  uint64_t window_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<std::pair<uint64_t, std::vector<PatientInput>>> jobs_;
  std::map<uint64_t, MappedBlock> done_;
  uint64_t submitted_ = 0;
  uint64_t written_ = 0;
  std::exception_ptr error_;
  std::vector<std::jthread> workers_;  // last: started after every other member exists
};

}  // namespace fos::fhir2omop
