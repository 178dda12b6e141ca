// SynthConfig loading: which file comes from where, and AgeCurve interpolation.
#include "synth/config.hpp"

#include <system_error>

#include "core/error.hpp"
#include "core/output.hpp"
#include "synth/detail/config_parse.hpp"

namespace fos::synth {
namespace {

namespace fs = std::filesystem;
using detail::YamlFile;

// The file `name` from `dir` when present there, else the built-in copy.
YamlFile open_config_file(const fs::path& dir, std::string_view name) {
  if (!dir.empty()) {
    const fs::path path = dir / name;
    std::error_code ec;
    if (fs::exists(path, ec)) return YamlFile(path.string(), read_file(path));
  }
  return YamlFile("config/" + std::string(name), SynthConfig::builtin_text(name));
}

}  // namespace

AgeCurve::Stat AgeCurve::at(double age_years, record::Sex sex) const {
  FOS_ASSERT(!rows_.empty());
  const auto s = static_cast<size_t>(sex);
  if (age_years <= rows_.front().age) return {rows_.front().median[s], rows_.front().sd[s]};
  if (age_years >= rows_.back().age) return {rows_.back().median[s], rows_.back().sd[s]};
  size_t hi = 1;
  while (rows_[hi].age < age_years) ++hi;
  const Row& a = rows_[hi - 1];
  const Row& b = rows_[hi];
  const double t = (age_years - a.age) / (b.age - a.age);
  return {a.median[s] + t * (b.median[s] - a.median[s]), a.sd[s] + t * (b.sd[s] - a.sd[s])};
}

const std::vector<std::string_view>& SynthConfig::file_names() {
  static const std::vector<std::string_view> kNames = {"demographics.yaml", "names.yaml",
                                                       "mortality.yaml",    "immunizations.yaml",
                                                       "wellness.yaml",     "vitals.yaml"};
  return kNames;
}

std::string_view SynthConfig::builtin_text(std::string_view name) {
  const auto text = detail::builtin_config(name);
  FOS_ASSERT(text.has_value());
  return *text;
}

SynthConfig SynthConfig::load(const fs::path& dir) {
  if (!dir.empty()) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      fail(ErrorKind::kConfig, dir.string() + ": not a readable configuration folder");
    }
  }
  SynthConfig config;
  config.demographics_ = detail::parse_demographics(open_config_file(dir, "demographics.yaml"));
  config.names_ = detail::parse_names(open_config_file(dir, "names.yaml"));
  config.mortality_ = detail::parse_mortality(open_config_file(dir, "mortality.yaml"));
  config.vaccines_ = detail::parse_immunizations(open_config_file(dir, "immunizations.yaml"));
  config.wellness_ = detail::parse_wellness(open_config_file(dir, "wellness.yaml"));
  config.vitals_ = detail::parse_vitals(open_config_file(dir, "vitals.yaml"));
  return config;
}

}  // namespace fos::synth
