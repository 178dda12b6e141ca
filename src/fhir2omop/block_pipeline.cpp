// BlockPipeline: a job queue for the workers, finished blocks kept by number until the
// writer reaches them.
#include "fhir2omop/block_pipeline.hpp"

#include <algorithm>

namespace fos::fhir2omop {

BlockPipeline::BlockPipeline(unsigned threads, Work work, Write write)
    : work_(std::move(work)), write_(std::move(write)), window_(2ULL * std::max(threads, 1U) + 2) {
  for (unsigned t = 0; t < std::max(threads, 1U); ++t) {
    workers_.emplace_back([this](const std::stop_token& stop) { this->work(stop); });
  }
}

BlockPipeline::~BlockPipeline() {
  for (auto& worker : workers_) worker.request_stop();
  changed_.notify_all();
}

void BlockPipeline::work(const std::stop_token& stop) {
  for (;;) {
    std::pair<uint64_t, std::vector<PatientInput>> job;
    {
      std::unique_lock lock(mutex_);
      if (!changed_.wait(lock, stop, [&] { return !jobs_.empty(); })) return;
      if (stop.stop_requested()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      MappedBlock block = work_(job.second);
      std::lock_guard lock(mutex_);
      done_.emplace(job.first, std::move(block));
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
    changed_.notify_all();
  }
}

bool BlockPipeline::write_ready(std::unique_lock<std::mutex>& lock) {
  if (error_) std::rethrow_exception(error_);
  const auto it = done_.find(written_);
  if (it == done_.end()) return false;
  MappedBlock block = std::move(it->second);
  done_.erase(it);
  lock.unlock();
  try {
    write_(block);
  } catch (...) {
    lock.lock();
    if (!error_) error_ = std::current_exception();
    throw;
  }
  lock.lock();
  ++written_;
  return true;
}

void BlockPipeline::submit(std::vector<PatientInput> block) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (write_ready(lock)) continue;
    if (submitted_ - written_ < window_) break;
    changed_.wait(lock);
  }
  jobs_.emplace_back(submitted_++, std::move(block));
  changed_.notify_all();
}

void BlockPipeline::finish() {
  std::unique_lock lock(mutex_);
  while (written_ < submitted_) {
    if (write_ready(lock)) continue;
    changed_.wait(lock, [&] { return error_ || done_.contains(written_); });
  }
  if (error_) std::rethrow_exception(error_);
}

}  // namespace fos::fhir2omop
