// End-of-run summaries.
#include <fmt/format.h>

#include "cli/app.hpp"

namespace fos::cli {

std::string format_counts(const std::map<std::string, uint64_t>& counts, std::string_view prefix) {
  std::string out;
  size_t width = 0;
  for (const auto& [name, _] : counts) width = std::max(width, name.size());
  for (const auto& [name, n] : counts) {
    out += fmt::format("{}{:<{}}  {:>10}\n", prefix, name, width, n);
  }
  return out;
}

std::string format_omop_counts(const std::map<std::string, uint64_t>& counts,
                               std::string_view prefix) {
  std::map<std::string, uint64_t> tables = counts;
  const auto unmapped = tables.extract(std::string(omop::kUnmappedCount));
  std::string out = format_counts(tables, prefix);
  if (!unmapped.empty() && unmapped.mapped() > 0) {
    out += fmt::format("{}({} source values without a standard concept kept with concept_id 0)\n",
                       prefix, unmapped.mapped());
  }
  return out;
}

std::string format_summary(const pipeline::GenerateResult& result, uint64_t shard_patients,
                           const std::string& out) {
  uint64_t resources = 0;
  for (const auto& [_, n] : result.fhir) resources += n;
  const double seconds = result.seconds > 0 ? result.seconds : 1e-9;
  std::string text =
      fmt::format("Generated {} patients ({} deceased) into {} in {:.2f} s: {:.0f} patients/s",
                  result.population.patients, result.population.deceased, out, result.seconds,
                  shard_patients / seconds);
  if (resources > 0) text += fmt::format(", {:.0f} resources/s", resources / seconds);
  text += "\n";
  if (result.require_candidates > 0) {
    text += fmt::format("--require: kept {} of {} candidate patients\n", result.population.patients,
                        result.require_candidates);
  }
  if (const auto& c = result.constraints; c.total() > 0) {
    text += fmt::format(
        "Constraints applied: {} entries suppressed (sex), {} (age), {} (code system), {} values "
        "clamped\n",
        c.suppressed_sex, c.suppressed_age, c.dropped_system, c.clamped_values);
  }
  if (!result.fhir.empty()) {
    text += fmt::format("FHIR resources ({} total):\n", resources);
    text += format_counts(result.fhir, "  ");
  }
  if (!result.omop.empty()) {
    text += "OMOP rows:\n";
    text += format_omop_counts(result.omop, "  ");
  }
  return text;
}

}  // namespace fos::cli
