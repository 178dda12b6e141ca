// Diagnostics: counted, categorized reports.
#include "core/diagnostics.hpp"

namespace fos {

void Diagnostics::report(Severity severity, const std::string& category,
                         const std::string& message) {
  std::lock_guard lock(mutex_);
  auto& entry = by_category_[category];
  entry.category = category;
  if (severity > entry.severity || entry.count == 0) entry.severity = severity;
  ++entry.count;
  if (entry.examples.size() < max_examples_) entry.examples.push_back(message);
}

uint64_t Diagnostics::total() const {
  std::lock_guard lock(mutex_);
  uint64_t n = 0;
  for (const auto& [_, entry] : by_category_) n += entry.count;
  return n;
}

std::vector<DiagnosticSummary> Diagnostics::summary() const {
  std::lock_guard lock(mutex_);
  std::vector<DiagnosticSummary> out;
  out.reserve(by_category_.size());
  for (const auto& [_, entry] : by_category_) out.push_back(entry);
  return out;
}

}  // namespace fos
