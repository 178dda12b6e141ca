// PrefetchReader: a fhir::ResourceReader running on its own thread, a bounded queue ahead of
// the consumer, so that parsing one input file overlaps with parsing the others and with
// mapping. Memory stays bounded: at most kBatches batches of kBatchSize resources wait.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "fhir/read/read.hpp"

namespace fos::fhir2omop {

class PrefetchReader {
 public:
  static constexpr size_t kBatchSize = 128;
  static constexpr size_t kBatches = 4;

  explicit PrefetchReader(fhir::ReaderOptions options);
  ~PrefetchReader();
  PrefetchReader(const PrefetchReader&) = delete;
  PrefetchReader& operator=(const PrefetchReader&) = delete;

  /// The next resource without taking it; nullptr at the end. Rethrows the reader's error
  /// (malformed input) at the point of the input where it happened.
  fhir::Resource* peek();
  /// Take the next resource; nullopt at the end.
  std::optional<fhir::Resource> next();
  /// Lines or files the reader skipped (on_error kSkip); complete once peek() returned nullptr.
  uint64_t skipped() const;

 private:
  void run(const std::stop_token& stop);
  bool fill();

  fhir::ReaderOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<std::vector<fhir::Resource>> queue_;
  bool done_ = false;
  uint64_t skipped_ = 0;
  std::exception_ptr error_;
  std::vector<fhir::Resource> batch_;  // the consumer's current batch
  size_t at_ = 0;
  std::jthread thread_;  // last: started after every other member exists
};

}  // namespace fos::fhir2omop
