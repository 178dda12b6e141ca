// `fos validate constraints DIR`: check a fos output folder (fhir/*.ndjson, omop/*.csv)
// against config/constraints.yaml. Prints one line per violation (file:line: field: rule) on
// stdout; exit 0 when clean, 1 when a rule is broken, 2 on bad input.
#include <fmt/format.h>

#include <memory>

#include "cli/app.hpp"
#include "validate/validate.hpp"

namespace fos::cli {
namespace {

struct ValidateFlags {
  std::string dir;
  std::string constraints;  // empty: the rules built into fos
};

int run_constraints(const GlobalOptions& global, const ValidateFlags& flags) {
  const Terminal terminal(global);
  const synth::Constraints rules = flags.constraints.empty()
                                       ? synth::Constraints::builtin()
                                       : synth::Constraints::load(flags.constraints);
  const validate::ConstraintReport report = validate::check_constraints(flags.dir, rules);
  for (const auto& v : report.violations) fmt::print("{}\n", validate::to_string(v));
  terminal.summary(fmt::format("constraints: {} violation(s) in {} rows of {} files under {}",
                               report.violations.size(), report.rows, report.files.size(),
                               flags.dir));
  return report.violations.empty() ? kExitOk : kExitChecksFailed;
}

}  // namespace

void add_validate_command(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* command = app.add_subcommand("validate", "Check written output against domain rules");
  command->require_subcommand(1);
  auto* constraints = command->add_subcommand(
      "constraints",
      "Check a fos output folder (fhir/*.ndjson, omop/*.csv) against config/constraints.yaml: "
      "exit 0 clean, 1 with a listing of violations, 2 on bad input");
  auto flags = std::make_shared<ValidateFlags>();
  constraints->add_option("DIR", flags->dir, "fos output folder")->required();
  constraints->add_option("--constraints", flags->constraints,
                          "Rules file replacing the built-in config/constraints.yaml");
  constraints->callback([&global, &action, flags] {
    action = [&global, flags] { return run_constraints(global, *flags); };
  });
}

}  // namespace fos::cli
