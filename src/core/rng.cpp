// Rng implementation: SplitMix64 seeding, xoshiro256** generation.
#include "core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.hpp"

namespace fos {

uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

uint64_t hash64(std::string_view text) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return mix64(h);
}

uint64_t combine64(uint64_t a, uint64_t b) {
  return mix64(mix64(a) ^ (b + 0x632BE59BD9B4E019ULL));
}

Rng::Rng(uint64_t seed, uint64_t stream) : key_(combine64(seed, stream)) {
  uint64_t x = key_;
  for (auto& word : s_) {
    x += 0x9E3779B97F4A7C15ULL;
    word = mix64(x);
  }
}

int64_t Rng::uniform_int(int64_t lo, int64_t hi) {
  FOS_ASSERT(lo <= hi);
  const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  if (span == 0) return static_cast<int64_t>(next_u64());  // the full 64-bit range
  // Lemire's multiply-shift with rejection: unbiased.
  uint64_t x = next_u64();
  __uint128_t m = static_cast<__uint128_t>(x) * span;
  auto low = static_cast<uint64_t>(m);
  if (low < span) {
    const uint64_t threshold = -span % span;
    while (low < threshold) {
      x = next_u64();
      m = static_cast<__uint128_t>(x) * span;
      low = static_cast<uint64_t>(m);
    }
  }
  return lo + static_cast<int64_t>(m >> 64);
}

double Rng::normal(double mean, double sd) {
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  return mean + sd * z;
}

size_t Rng::weighted(std::span<const double> weights) {
  double total = 0;
  for (double w : weights) total += w > 0 ? w : 0;
  FOS_ASSERT(total > 0);
  double target = uniform() * total;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0) continue;
    if (target < weights[i]) return i;
    target -= weights[i];
  }
  for (size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0) return i;
  }
  return 0;
}

size_t Rng::weighted_cumulative(std::span<const double> cumulative) {
  FOS_ASSERT(!cumulative.empty() && cumulative.back() > 0);
  const double target = uniform() * cumulative.back();
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  if (it == cumulative.end()) --it;
  return static_cast<size_t>(it - cumulative.begin());
}

}  // namespace fos
