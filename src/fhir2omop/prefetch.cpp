// PrefetchReader: the reading thread fills batches; the consumer takes them in order.
#include "fhir2omop/prefetch.hpp"

namespace fos::fhir2omop {

PrefetchReader::PrefetchReader(fhir::ReaderOptions options)
    : options_(std::move(options)), thread_([this](const std::stop_token& stop) { run(stop); }) {}

PrefetchReader::~PrefetchReader() {
  thread_.request_stop();
  changed_.notify_all();
}

void PrefetchReader::run(const std::stop_token& stop) {
  try {
    fhir::ResourceReader reader(options_);
    bool more = true;
    while (more && !stop.stop_requested()) {
      std::vector<fhir::Resource> batch;
      batch.reserve(kBatchSize);
      while (batch.size() < kBatchSize) {
        auto resource = reader.next();
        if (!resource) {
          more = false;
          break;
        }
        batch.push_back(std::move(*resource));
      }
      std::unique_lock lock(mutex_);
      if (!changed_.wait(lock, stop, [&] { return queue_.size() < kBatches; })) return;
      if (!batch.empty()) queue_.push_back(std::move(batch));
      if (!more) skipped_ = reader.skipped();
      changed_.notify_all();
    }
    std::lock_guard lock(mutex_);
    done_ = true;
    changed_.notify_all();
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
    done_ = true;
    changed_.notify_all();
  }
}

// Make the next batch current; false at the end.
bool PrefetchReader::fill() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !queue_.empty() || done_; });
  if (queue_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return false;
  }
  batch_ = std::move(queue_.front());
  queue_.pop_front();
  at_ = 0;
  changed_.notify_all();
  return true;
}

fhir::Resource* PrefetchReader::peek() {
  if (at_ >= batch_.size() && !fill()) return nullptr;
  return &batch_[at_];
}

std::optional<fhir::Resource> PrefetchReader::next() {
  fhir::Resource* r = peek();
  if (r == nullptr) return std::nullopt;
  ++at_;
  return std::move(*r);
}

uint64_t PrefetchReader::skipped() const {
  std::lock_guard lock(mutex_);
  return skipped_;
}

}  // namespace fos::fhir2omop
