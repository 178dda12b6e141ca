// Population runner: worker threads generate and render blocks of patients; the
// calling thread writes finished blocks to the sinks strictly in block order.
#include "synth/population.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace fos::synth {
namespace {

// Patients per block. Rendered blocks wait in the window until written, so memory in flight
// is about window * block size * output per patient (about 600 KB with a large module set).
// Two keeps a block's text small enough to still be in cache when the writer copies it into
// the files (with eight, the kernel's copy of 5 GB of NDJSON cost about twice the system
// time), while a block is still far more work than its hand-over. Output does not depend on it.
constexpr uint64_t kBlockSize = 2;

struct Slot {
  bool ready = false;
  uint64_t patients = 0;
  uint64_t deceased = 0;
  std::vector<std::unique_ptr<record::RenderedBlock>> rendered;  // one per sink
};

// Shared state of one run. Workers claim block numbers in order and may run at
// most `window` blocks ahead of the writer, which bounds memory.
class Run {
 public:
  Run(const Generator& generator, std::span<record::RecordSink* const> sinks, uint64_t first,
      uint64_t last, uint64_t window)
      : generator_(generator),
        sinks_(sinks),
        first_(first),
        last_(last),
        blocks_((last - first + kBlockSize - 1) / kBlockSize),
        window_(window),
        slots_(window) {}

  void work() {
    try {
      for (;;) {
        uint64_t block = 0;
        {
          std::unique_lock lock(mutex_);
          space_.wait(lock, [&] { return failed_ || next_claim_ < written_ + window_; });
          if (failed_ || next_claim_ >= blocks_) return;
          block = next_claim_++;
        }
        Slot slot = make(block);
        std::lock_guard lock(mutex_);
        slots_[block % window_] = std::move(slot);
        ready_.notify_all();
      }
    } catch (...) {
      fail_with(std::current_exception());
    }
  }

  // Write blocks in order on the calling thread.
  PopulationStats write(const ProgressFn& progress) {
    PopulationStats stats;
    const uint64_t total = last_ - first_;
    for (uint64_t block = 0; block < blocks_; ++block) {
      Slot slot;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return failed_ || slots_[block % window_].ready; });
        if (failed_) break;
        slot = std::move(slots_[block % window_]);
        slots_[block % window_] = Slot{};
      }
      try {
        for (size_t s = 0; s < sinks_.size(); ++s) sinks_[s]->write(std::move(slot.rendered[s]));
      } catch (...) {
        fail_with(std::current_exception());
        break;
      }
      stats.patients += slot.patients;
      stats.deceased += slot.deceased;
      {
        std::lock_guard lock(mutex_);
        ++written_;
        space_.notify_all();
      }
      if (progress) progress(stats.patients, total);
    }
    return stats;
  }

  std::exception_ptr error() {
    std::lock_guard lock(mutex_);
    return error_;
  }

 private:
  Slot make(uint64_t block) const {
    const uint64_t begin = first_ + block * kBlockSize;
    const uint64_t end = std::min(last_, begin + kBlockSize);
    std::vector<record::PatientRecord> records;
    records.reserve(end - begin);
    Slot slot;
    for (uint64_t index = begin; index < end; ++index) {
      records.push_back(generator_.generate(index));
      if (records.back().person.death) ++slot.deceased;
    }
    slot.patients = records.size();
    slot.rendered.reserve(sinks_.size());
    for (auto* sink : sinks_) slot.rendered.push_back(sink->render(records));
    slot.ready = true;
    return slot;
  }

  void fail_with(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::move(error);
    failed_ = true;
    ready_.notify_all();
    space_.notify_all();
  }

  const Generator& generator_;
  std::span<record::RecordSink* const> sinks_;
  const uint64_t first_;
  const uint64_t last_;
  const uint64_t blocks_;
  const uint64_t window_;

  std::mutex mutex_;
  std::condition_variable ready_;  // a slot became ready, or the run failed
  std::condition_variable space_;  // the writer advanced, or the run failed
  std::vector<Slot> slots_;
  uint64_t next_claim_ = 0;
  uint64_t written_ = 0;
  bool failed_ = false;
  std::exception_ptr error_;
};

}  // namespace

PopulationStats run_population(const Generator& generator,
                               std::span<record::RecordSink* const> sinks,
                               const ProgressFn& progress) {
  const GenerateOptions& options = generator.options();
  const auto [first, last] = options.shard_range();
  const unsigned threads = options.effective_threads();
  Run run(generator, sinks, first, last, /*window=*/4ULL * threads + 2);

  std::vector<std::jthread> workers;
  workers.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) workers.emplace_back([&run] { run.work(); });
  PopulationStats stats = run.write(progress);
  workers.clear();  // join

  if (auto error = run.error()) std::rethrow_exception(error);
  for (auto* sink : sinks) sink->finish();
  return stats;
}

}  // namespace fos::synth
