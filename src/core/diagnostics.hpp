// Diagnostics: where the library reports what it skipped or doubted, without printing.
//
// A run counts every skipped or suspicious item by category and keeps the first
// few messages of each, so the CLI can print a summary and the run manifest can
// record the counts. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace fos {

enum class Severity { kInfo, kWarning, kError };

struct DiagnosticSummary {
  std::string category;  ///< e.g. "unmapped code", "skipped line"
  Severity severity = Severity::kWarning;
  uint64_t count = 0;
  std::vector<std::string> examples;  ///< the first few messages, in report order
};

class Diagnostics {
 public:
  explicit Diagnostics(size_t examples_per_category = 5) : max_examples_(examples_per_category) {}

  /// Record one item under `category`; `message` names the file, line or record.
  void report(Severity severity, const std::string& category, const std::string& message);
  void warn(const std::string& category, const std::string& message) {
    report(Severity::kWarning, category, message);
  }

  /// Total items reported, all categories.
  uint64_t total() const;
  /// One summary per category, ordered by category name.
  std::vector<DiagnosticSummary> summary() const;

 private:
  size_t max_examples_;
  mutable std::mutex mutex_;
  std::map<std::string, DiagnosticSummary> by_category_;
};

}  // namespace fos
