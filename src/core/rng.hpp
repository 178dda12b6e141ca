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

  /// The next 64 random bits (xoshiro256**; inline: the engine draws millions).
  uint64_t next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
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
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t key_;
  std::array<uint64_t, 4> s_{};
};

}  // namespace fos
