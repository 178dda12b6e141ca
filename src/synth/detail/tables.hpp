// Small lookup structures the generator builds once and reads per patient.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace fos::synth::detail {

/// Weighted choice in O(log n): cumulative weights built once.
class CumulativeTable {
 public:
  CumulativeTable() = default;
  explicit CumulativeTable(std::span<const double> weights) {
    double total = 0;
    cumulative_.reserve(weights.size());
    for (double w : weights) cumulative_.push_back(total += (w > 0 ? w : 0));
  }
  /// REQUIRES: a positive total weight.
  size_t draw(Rng& rng) const { return rng.weighted_cumulative(cumulative_); }
  size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;
};

/// Uniform choice from a list of texts.
inline const std::string& pick(const std::vector<std::string>& items, Rng& rng) {
  return items[static_cast<size_t>(rng.uniform_int(0, static_cast<int64_t>(items.size()) - 1))];
}

/// Append `value` with at least `width` digits (zero-padded).
inline void append_digits(std::string& out, uint64_t value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
  out += digits;
}

/// A U.S. test phone number in the reserved 555 exchange: "555-xxx-xxxx".
inline std::string test_phone(Rng& rng) {
  std::string phone = "555-";
  append_digits(phone, static_cast<uint64_t>(rng.uniform_int(100, 999)), 3);
  phone.push_back('-');
  append_digits(phone, static_cast<uint64_t>(rng.uniform_int(0, 9999)), 4);
  return phone;
}

}  // namespace fos::synth::detail
