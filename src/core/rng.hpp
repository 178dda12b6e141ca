// Rng: a seeded, splittable pseudo-random generator (xoshiro256** over SplitMix64 seeding).
//
// Determinism is a seam: every patient owns a stream derived from (seed, patient
// index), and each concern within a patient (vitals, immunizations, ...) derives
// its own sub-stream with derive(tag). A sub-stream depends only on its key, not
// on how many numbers other streams consumed, so adding a draw in one place
// does not shift every other value. Not thread-safe; one Rng per thread of work.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace fos {

/// SplitMix64 finalizer: a bijective 64-bit mix.
uint64_t mix64(uint64_t x);
/// 64-bit FNV-1a of a string, then mixed: stable across platforms and runs.
uint64_t hash64(std::string_view text);
/// Combine two 64-bit keys into one (order matters).
uint64_t combine64(uint64_t a, uint64_t b);

class Rng {
 public:
  /// The stream for `stream` under `seed` (e.g. seed and patient index).
  Rng(uint64_t seed, uint64_t stream);

  /// An independent stream keyed by this stream's key and `tag`. Does not advance this one.
  Rng derive(uint64_t tag) const { return Rng(key_, tag); }
  Rng derive(std::string_view tag) const { return Rng(key_, hash64(tag)); }

  uint64_t next_u64();
  /// Uniform in [0, 1).
  double uniform();
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [lo, hi], inclusive. REQUIRES: lo <= hi.
  int64_t uniform_int(int64_t lo, int64_t hi);
  /// Normal with mean `mean` and standard deviation `sd` (Box-Muller, one draw per call).
  double normal(double mean = 0.0, double sd = 1.0);
  /// True with probability p.
  bool bernoulli(double p) { return uniform() < p; }
  /// Index drawn with probability proportional to weights[i]. REQUIRES: a positive weight.
  size_t weighted(std::span<const double> weights);
  /// Index into a cumulative weight table (ascending, last = total). O(log n).
  size_t weighted_cumulative(std::span<const double> cumulative);

 private:
  uint64_t key_;
  std::array<uint64_t, 4> s_{};
};

}  // namespace fos
