// flatten(): views over a resource stream on several threads, rows in input order.
//
// The calling thread reads batches of unparsed documents (about 1 MB of NDJSON lines) and
// hands them to workers; each worker parses its batch and formats the rows of every view
// into per-view text with its own runners and detached writers. The calling thread takes
// finished batches strictly in reading order: reports the batch's malformed documents
// through the reader (skip or fail), rethrows its first view error, writes its rows. So
// the bytes written, the skips reported and the error raised do not depend on the
// number of threads.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "sof/sof.hpp"

namespace fos::sof {
namespace {

// A malformed document of a batch: its position among the batch's documents and why.
struct Malformed {
  size_t document = 0;
  std::string message;
};

// What a worker made of one batch.
struct BatchResult {
  uint64_t resources = 0;
  std::vector<std::string> text;  // formatted rows per table
  std::vector<uint64_t> rows;     // row count per table
  std::vector<Malformed> malformed;
  size_t failed_document = 0;  // where `failure` happened (valid when failure is set)
  std::exception_ptr failure;
};

// One unit of work: a batch and, once `done`, its result.
struct Job {
  fhir::DocumentBatch batch;
  BatchResult result;
  bool done = false;
};

// A thread's runners and detached writers, one per table.
class Worker {
 public:
  explicit Worker(const std::vector<FlattenTable>& tables) {
    for (const FlattenTable& table : tables) {
      runners_.push_back(std::make_unique<ViewRunner>(*table.view));
      writers_.push_back(table.writer->detached());
    }
  }

  void process(Job& job) {
    // The job's buffers are reused from batch to batch: cleared, not freed.
    BatchResult& result = job.result;
    result.resources = 0;
    result.rows.assign(runners_.size(), 0);
    result.malformed.clear();
    result.failed_document = 0;
    result.failure = nullptr;
    result.text.resize(writers_.size());
    for (std::string& text : result.text) text.clear();
    const auto& documents = job.batch.documents;
    for (size_t d = 0; d < documents.size(); ++d) {
      try {
        if (!process_document(job.batch, d, result)) continue;
      } catch (...) {
        result.failed_document = d;
        result.failure = std::current_exception();
        break;
      }
    }
    for (size_t t = 0; t < writers_.size(); ++t) writers_[t]->take(result.text[t]);
  }

 private:
  // False when the document is malformed (recorded in `result`).
  bool process_document(const fhir::DocumentBatch& batch, size_t d, BatchResult& result) {
    // The resources view the batch's text and the worker's arena, both reused per document.
    std::vector<fhir::Resource>& resources = resources_;
    resources.clear();
    arena_.reset();
    try {
      fhir::ResourceReader::parse_document(batch, batch.documents[d], arena_, resources);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kInvalidInput) throw;
      result.malformed.push_back({d, e.what()});
      return false;
    }
    for (const fhir::Resource& resource : resources) {
      ++result.resources;
      for (size_t t = 0; t < runners_.size(); ++t) {
        result.rows[t] += runners_[t]->run(resource, *writers_[t]);
      }
    }
    return true;
  }

  std::vector<std::unique_ptr<ViewRunner>> runners_;
  std::vector<std::unique_ptr<TableWriter>> writers_;
  fhir::JsonArena arena_{size_t{256} * 1024};
  std::vector<fhir::Resource> resources_;
};

// Applies finished batches in reading order.
class Merger {
 public:
  Merger(fhir::ResourceReader& reader, std::vector<FlattenTable>& tables)
      : reader_(reader), tables_(tables) {}

  void merge(const BatchResult& result) {
    for (const Malformed& bad : result.malformed) {
      if (result.failure && bad.document > result.failed_document) break;
      reader_.skip_or_fail(bad.message);
    }
    if (result.failure) std::rethrow_exception(result.failure);
    resources_ += result.resources;
    for (size_t t = 0; t < tables_.size(); ++t) {
      tables_[t].rows += result.rows[t];
      tables_[t].writer->write_formatted(result.text[t]);
    }
  }

  uint64_t resources() const { return resources_; }

 private:
  fhir::ResourceReader& reader_;
  std::vector<FlattenTable>& tables_;
  uint64_t resources_ = 0;
};

uint64_t flatten_inline(fhir::ResourceReader& reader, std::vector<FlattenTable>& tables,
                        size_t batch_bytes) {
  Worker worker(tables);
  Merger merger(reader, tables);
  Job job;
  while (reader.next_batch(job.batch, batch_bytes)) {
    worker.process(job);
    merger.merge(job.result);
  }
  return merger.resources();
}

// Worker threads fed from a queue; the jobs in flight are owned by the calling thread.
class Pool {
 public:
  Pool(const std::vector<FlattenTable>& tables, unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>(tables));
    for (unsigned i = 0; i < threads; ++i) {
      threads_.emplace_back([this, i] { work(*workers_[i]); });
    }
  }
  ~Pool() {
    {
      const std::lock_guard lock(mutex_);
      closing_ = true;
      queue_.clear();
    }
    wake_workers_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  void submit(Job& job) {
    {
      const std::lock_guard lock(mutex_);
      job.done = false;
      queue_.push_back(&job);
    }
    wake_workers_.notify_one();
  }

  void wait(const Job& job) {
    std::unique_lock lock(mutex_);
    job_done_.wait(lock, [&job] { return job.done; });
  }

 private:
  void work(Worker& worker) {
    while (true) {
      Job* job = nullptr;
      {
        std::unique_lock lock(mutex_);
        wake_workers_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;
        job = queue_.front();
        queue_.pop_front();
      }
      try {
        worker.process(*job);
      } catch (...) {
        job->result.failure = std::current_exception();
        job->result.failed_document = job->batch.documents.size();
      }
      {
        const std::lock_guard lock(mutex_);
        job->done = true;
      }
      job_done_.notify_all();
    }
  }

  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_workers_;
  std::condition_variable job_done_;
  std::deque<Job*> queue_;
  bool closing_ = false;
};

uint64_t flatten_threaded(fhir::ResourceReader& reader, std::vector<FlattenTable>& tables,
                          unsigned threads, size_t batch_bytes) {
  // Jobs are recycled: a finished job's buffers take the next batch.
  const size_t in_flight = 2 * static_cast<size_t>(threads) + 1;
  std::deque<std::unique_ptr<Job>> pending;  // submitted, in reading order
  std::vector<std::unique_ptr<Job>> spare;
  Merger merger(reader, tables);
  Pool pool(tables, threads);  // destroyed (threads joined) before the jobs it may touch
  bool more = true;
  while (true) {
    while (more && pending.size() < in_flight) {
      std::unique_ptr<Job> job;
      if (spare.empty()) {
        job = std::make_unique<Job>();
      } else {
        job = std::move(spare.back());
        spare.pop_back();
      }
      more = reader.next_batch(job->batch, batch_bytes);
      if (!more) break;
      pool.submit(*job);
      pending.push_back(std::move(job));
    }
    if (pending.empty()) break;
    pool.wait(*pending.front());
    merger.merge(pending.front()->result);
    spare.push_back(std::move(pending.front()));
    pending.pop_front();
  }
  return merger.resources();
}

}  // namespace

uint64_t flatten(fhir::ResourceReader& reader, std::vector<FlattenTable>& tables,
                 const FlattenOptions& options) {
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  const size_t batch_bytes = std::max<size_t>(options.batch_bytes, 1);
  for (FlattenTable& table : tables) table.rows = 0;
  if (threads == 1) return flatten_inline(reader, tables, batch_bytes);
  return flatten_threaded(reader, tables, threads, batch_bytes);
}

}  // namespace fos::sof
