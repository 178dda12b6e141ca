// GenerateOptions validation and shard arithmetic.
#include "synth/options.hpp"

#include <thread>

#include "core/error.hpp"

namespace fos::synth {

void GenerateOptions::validate() const {
  if (population == 0) fail(ErrorKind::kInvalidInput, "--population: must be at least 1");
  if (population > 1'000'000'000'000ULL) {
    fail(ErrorKind::kInvalidInput, "--population: at most 10^12 patients");
  }
  if (shard_count == 0 || shard_index >= shard_count) {
    fail(ErrorKind::kInvalidInput, "--shard: must be i/N with 1 <= i <= N (got " +
                                       std::to_string(shard_index + 1) + "/" +
                                       std::to_string(shard_count) + ")");
  }
  if (shard_count > population) {
    fail(ErrorKind::kInvalidInput, "--shard: more shards than patients");
  }
  if (years_of_history < 0) fail(ErrorKind::kInvalidInput, "--years-of-history: must be 0 or more");
  if (threads > 1024) fail(ErrorKind::kInvalidInput, "--threads: at most 1024");
  std::error_code ec;
  if (!modules_dir.empty() && !std::filesystem::is_directory(modules_dir, ec)) {
    fail(ErrorKind::kInvalidInput, "--modules: '" + modules_dir.string() + "' is not a folder");
  }
  for (const auto& dir : add_module_dirs) {
    if (!std::filesystem::is_directory(dir, ec)) {
      fail(ErrorKind::kInvalidInput, "--add-modules: '" + dir.string() + "' is not a folder");
    }
  }
  if (!require_code.empty() && modules_dir.empty() && add_module_dirs.empty() && !builtin_modules) {
    fail(ErrorKind::kInvalidInput,
         "--require: needs disease modules (--modules or --add-modules) to develop conditions");
  }
  for (const auto& name : module_filter) {
    if (name.empty()) fail(ErrorKind::kInvalidInput, "--module-filter: empty module name");
  }
  const int year = reference_date.year();
  if (year < 1900 || year > 2200) {
    fail(ErrorKind::kInvalidInput, "--reference-date: must be between 1900 and 2200");
  }
}

std::pair<uint64_t, uint64_t> GenerateOptions::shard_range() const {
  // Contiguous ranges whose sizes differ by at most one; shards in order cover [0, population).
  const auto bound = [&](uint64_t shard) {
    return static_cast<uint64_t>((static_cast<__uint128_t>(population) * shard) / shard_count);
  };
  return {bound(shard_index), bound(shard_index + 1)};
}

unsigned GenerateOptions::effective_threads() const {
  if (threads != 0) return threads;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

}  // namespace fos::synth
