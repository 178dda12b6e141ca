// GenerateOptions: what a generation run is asked to make.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/date.hpp"

namespace fos::synth {

struct GenerateOptions {
  uint64_t population = 1000;  ///< patients in the whole population (all shards)
  uint64_t seed = 1;
  unsigned threads = 0;      ///< worker threads; 0 = one per core
  uint32_t shard_index = 0;  ///< 0-based; the CLI's --shard 1/3 is index 0
  uint32_t shard_count = 1;
  Date reference_date;  ///< "today" of the simulation; the CLI defaults it to the current date
  int years_of_history = 10;  ///< years exported before the end of the record; 0 = everything
  std::filesystem::path config_dir;  ///< empty: the configuration built into fos
  /// Disease modules (GMF JSON folders). `modules_dir` replaces fos's own module set
  /// (none built in yet, so empty = no modules); `add_module_dirs` are loaded on top
  /// (same relative path overrides); `module_filter` keeps only these top-level
  /// modules (by file name or module name; the submodules they call always load).
  std::filesystem::path modules_dir;
  /// With no `modules_dir`: run fos's own modules (modules/*.json, built in) under the
  /// `add_module_dirs`. The CLI sets it unless --modules is given (--modules none: no modules).
  bool builtin_modules = false;
  std::vector<std::filesystem::path> add_module_dirs;
  std::vector<std::string> module_filter;
  bool module_stats = false;  ///< count, per module state, the patients who entered it
  /// --require: keep only patients whose exported record holds a condition with this code.
  /// Position i of the population is the first of the indices i, i+N, i+2N, ... (N =
  /// `population`) whose patient has it, so content depends only on seed and index.
  std::string require_code;
  uint64_t require_tries = 10000;  ///< candidates per position before --require gives up

  /// Throws Error{kInvalidInput} naming the offending option.
  void validate() const;
  /// Population indices [first, last) that this shard generates.
  std::pair<uint64_t, uint64_t> shard_range() const;
  /// Threads to use: `threads`, or the number of cores when 0.
  unsigned effective_threads() const;
};

}  // namespace fos::synth
