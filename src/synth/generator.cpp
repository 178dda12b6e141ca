// Generator: one patient's life from (seed, index), cut to the export window.
#include "synth/generator.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "core/error.hpp"
#include "core/output.hpp"
#include "core/rng.hpp"
#include "synth/detail/clinical.hpp"
#include "synth/detail/people.hpp"
#include "synth/detail/providers.hpp"

namespace fos::synth {
namespace detail {
// Generated from modules/*.json (cmake/FosEmbed.cmake).
std::optional<std::string_view> builtin_modules(std::string_view name);
std::vector<std::string_view> builtin_modules_names();
}  // namespace detail

namespace {

namespace fs = std::filesystem;

/// Room for the engine's observations of one life (Synthea's library makes hundreds, some
/// lives over a thousand): reserved with the vitals, so that they are not moved as they grow.
constexpr size_t kEngineObservations = 1536;

// fos's own modules (built in) with the modules of `dirs` on top (same relative path
// replaces), and the lookup tables of `dirs`.
std::shared_ptr<const ModuleLibrary> load_builtin_modules(const std::vector<fs::path>& dirs,
                                                          const LoadOptions& load) {
  std::map<std::string, std::string> modules;
  for (const std::string_view name : detail::builtin_modules_names()) {
    std::string key(name.substr(0, name.size() - std::string_view(".json").size()));
    modules[key] = std::string(*detail::builtin_modules(name));
  }
  std::vector<std::pair<std::string, std::string>> tables;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      fail(ErrorKind::kInvalidInput, "modules: '" + dir.string() + "' is not a folder");
    }
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) fail(ErrorKind::kIo, dir.string() + ": " + ec.message());
      if (!it->is_regular_file()) continue;
      const fs::path relative = fs::relative(it->path(), dir);
      if (it->path().extension() == ".json") {
        modules[fs::path(relative).replace_extension().generic_string()] = read_file(it->path());
      } else if (relative.parent_path() == "lookup_tables") {
        tables.insert(tables.begin(), {relative.filename().string(), read_file(it->path())});
      }
    }
  }
  return ModuleLibrary::load_texts({modules.begin(), modules.end()}, tables, load);
}

using record::Code;
using record::literals::operator""_text;
using record::CodeSystem;

const Code kWellChildVisit{CodeSystem::kSnomed, "410620009"_text,
                           "Well child visit (procedure)"_text};
const Code kGeneralExam{CodeSystem::kSnomed, "162673000"_text,
                        "General examination of patient (procedure)"_text};

// Index of the first visit inside the export window ending at `end`.
size_t first_in_window(const std::vector<detail::Visit>& visits, Instant end, int years) {
  if (years <= 0) return 0;
  const Instant window_start =
      Instant::at(end.date().plus_years(-years)).plus_seconds(end.seconds_of_day());
  size_t first = 0;
  while (first < visits.size() && visits[first].start < window_start) ++first;
  return first;
}

}  // namespace

struct Generator::Impl {
  Impl(SynthConfig c, GenerateOptions o)
      : config(std::move(c)),
        options(std::move(o)),
        network(detail::build_care_network(config)),
        people(config) {
    LoadOptions load;
    if (!options.modules_dir.empty()) load.dirs.push_back(options.modules_dir);
    for (const auto& dir : options.add_module_dirs) load.dirs.push_back(dir);
    load.filter = options.module_filter;
    if (options.modules_dir.empty() && options.builtin_modules) {
      engine = std::make_unique<Engine>(load_builtin_modules(options.add_module_dirs, load));
    } else if (load.dirs.empty()) {
      return;
    } else {
      engine = std::make_unique<Engine>(ModuleLibrary::load(load));
    }
    if (engine->library().modules().empty()) {
      engine.reset();
      return;
    }
    if (options.module_stats) stats = std::make_unique<ModuleStats>(engine->library());
  }

  record::PatientRecord generate_with_modules(uint64_t index) const;
  record::PatientRecord generate_plain(uint64_t index) const;
  size_t add_vitals(record::PatientRecord& rec, const std::vector<detail::Visit>& visits,
                    const Rng& patient, Instant end) const;
  void measure_vitals(const record::Person& person, const std::vector<detail::Visit>& visits,
                      const Rng& patient, Instant end, std::vector<record::Observation>& out) const;
  /// The patient at `index` with config/constraints.yaml applied; what changed in `counts`.
  record::PatientRecord make(uint64_t index, ConstraintCounts& counts) const;
  void tally(const ConstraintCounts& counts, uint64_t candidates) const;

  // The primary-care clinician a patient sees: a pediatrician under 18.
  const record::Provider& clinician(const detail::CityCare& care, bool child, size_t pick) const {
    const auto& list = child ? care.pediatric : care.adult;
    return network.directory.providers()[list[pick % list.size()]];
  }

  SynthConfig config;
  GenerateOptions options;
  detail::CareNetwork network;
  detail::Demographer people;  // refers to `config`: declared after it
  std::unique_ptr<Engine> engine;
  std::unique_ptr<ModuleStats> stats;
  Constraints constraints = Constraints::builtin();
  mutable std::mutex tally_mutex;
  mutable ConstraintCounts constraint_counts;
  mutable uint64_t require_candidates = 0;
};

Generator::Generator(SynthConfig config, GenerateOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(options))) {}

Generator::~Generator() = default;

const record::ProviderDirectory& Generator::directory() const {
  return impl_->network.directory;
}

const GenerateOptions& Generator::options() const {
  return impl_->options;
}

const ModuleLibrary* Generator::modules() const {
  return impl_->engine ? &impl_->engine->library() : nullptr;
}

const ModuleStats* Generator::module_stats() const {
  return impl_->stats.get();
}

// With modules the whole life is built (every wellness visit), the engine adds its
// entries, and finalize_record orders encounters and cuts the export window.
record::PatientRecord Generator::Impl::generate_with_modules(uint64_t index) const {
  const Rng patient(options.seed, index);
  Rng demographics = patient.derive("demographics");
  Rng mortality = patient.derive("mortality");
  detail::PersonDraw draw = people.draw(index, options.reference_date, demographics, mortality);
  record::PatientRecord rec;
  rec.person = std::move(draw.person);
  const record::Person& person = rec.person;

  Rng wellness = patient.derive("wellness");
  const auto visits =
      detail::wellness_visits(config.wellness(), person.birth_time, draw.end, wellness);
  Rng care = patient.derive("providers");
  const auto pediatric_pick = static_cast<size_t>(care.next_u64() >> 1);
  const auto adult_pick = static_cast<size_t>(care.next_u64() >> 1);
  const detail::CityCare& city_care = network.cities[draw.city];
  EngineInput input;
  for (size_t i = 0; i < visits.size(); ++i) {
    const bool child = age_in_years(person.birth_date, visits[i].date) < 18;
    const record::Provider& provider =
        clinician(city_care, child, child ? pediatric_pick : adult_pick);
    record::Encounter& e = rec.encounters.emplace_back();
    e.encounter_class = record::EncounterClass::kWellness;
    e.type = child ? kWellChildVisit : kGeneralExam;
    e.start = visits[i].start;
    e.end = visits[i].end;
    e.provider_id = provider.id;
    e.organization_id = provider.organization_id;
    input.wellness.push_back(static_cast<uint32_t>(i));
  }
  Rng immunizations = patient.derive("immunizations");
  detail::immunize(config.vaccines(), person.birth_date, visits, 0, immunizations,
                   rec.immunizations);

  input.end = draw.end;
  for (const State& s : config.demographics().states) {
    if (s.code == person.address.state) input.state_name = s.name;
  }
  const record::Provider& provider = clinician(city_care, false, adult_pick);
  input.provider_id = provider.id;
  input.organization_id = provider.organization_id;
  Instant end = draw.end;
  // The vitals of the window before the planned end go first, where they belong (the engine
  // appends after them and never reads them); measured again if a module's death moves
  // the end, and with it the window.
  rec.observations.reserve((9 * visits.size()) + kEngineObservations);
  const size_t vitals = add_vitals(rec, visits, patient, end);
  if (const auto death = engine->run(rec, input, patient, stats.get()); death && *death < end) {
    rec.person.death = *death;
    end = *death;
    std::vector<record::Observation> observations;
    observations.reserve(rec.observations.size());
    measure_vitals(rec.person, visits, patient, end, observations);
    const auto fresh = static_cast<uint32_t>(observations.size());
    for (auto& report : rec.reports) {
      for (uint32_t& r : report.results) r = r - static_cast<uint32_t>(vitals) + fresh;
    }
    observations.insert(
        observations.end(),
        std::make_move_iterator(rec.observations.begin() + static_cast<std::ptrdiff_t>(vitals)),
        std::make_move_iterator(rec.observations.end()));
    rec.observations = std::move(observations);
  }
  finalize_record(rec, end, options.years_of_history);
  return rec;
}

// Wellness vitals are measured at every visit; only those of visits inside the export window
// before `end` are written out: finalize_record would drop the others, and the vitals stream
// draws the same numbers either way.
void Generator::Impl::measure_vitals(const record::Person& person,
                                     const std::vector<detail::Visit>& visits, const Rng& patient,
                                     Instant end, std::vector<record::Observation>& out) const {
  const Instant first = window_start(end, options.years_of_history);
  Rng vitals_rng = patient.derive("vitals");
  detail::VitalsModel vitals(config.vitals(), person.sex, person.birth_date, vitals_rng);
  for (size_t i = 0; i < visits.size(); ++i) {
    const bool emit = visits[i].start >= first && visits[i].start <= end;
    vitals.measure(visits[i], static_cast<uint32_t>(i), emit, out);
  }
}

// Appends the wellness vitals for the window before `end` to the record's (still empty)
// observations, ahead of the engine's; returns how many.
size_t Generator::Impl::add_vitals(record::PatientRecord& rec,
                                   const std::vector<detail::Visit>& visits, const Rng& patient,
                                   Instant end) const {
  const size_t before = rec.observations.size();
  measure_vitals(rec.person, visits, patient, end, rec.observations);
  return rec.observations.size() - before;
}

record::PatientRecord Generator::Impl::generate_plain(uint64_t index) const {
  const Impl& impl = *this;
  const Rng patient(impl.options.seed, index);
  Rng demographics = patient.derive("demographics");
  Rng mortality = patient.derive("mortality");
  detail::PersonDraw draw =
      impl.people.draw(index, impl.options.reference_date, demographics, mortality);

  record::PatientRecord rec;
  rec.person = std::move(draw.person);
  const record::Person& person = rec.person;

  Rng wellness = patient.derive("wellness");
  const auto visits =
      detail::wellness_visits(impl.config.wellness(), person.birth_time, draw.end, wellness);
  const size_t first = first_in_window(visits, draw.end, impl.options.years_of_history);

  Rng care = patient.derive("providers");
  const auto pediatric_pick = static_cast<size_t>(care.next_u64() >> 1);
  const auto adult_pick = static_cast<size_t>(care.next_u64() >> 1);
  const detail::CityCare& city_care = impl.network.cities[draw.city];
  rec.encounters.reserve(visits.size() - first);
  for (size_t i = first; i < visits.size(); ++i) {
    const bool child = age_in_years(person.birth_date, visits[i].date) < 18;
    const record::Provider& provider =
        impl.clinician(city_care, child, child ? pediatric_pick : adult_pick);
    record::Encounter& e = rec.encounters.emplace_back();
    e.encounter_class = record::EncounterClass::kWellness;
    e.type = child ? kWellChildVisit : kGeneralExam;
    e.start = visits[i].start;
    e.end = visits[i].end;
    e.provider_id = provider.id;
    e.organization_id = provider.organization_id;
  }

  Rng vitals_rng = patient.derive("vitals");
  detail::VitalsModel vitals(impl.config.vitals(), person.sex, person.birth_date, vitals_rng);
  rec.observations.reserve(9 * (visits.size() - first));
  for (size_t i = 0; i < visits.size(); ++i) {
    vitals.measure(visits[i], static_cast<uint32_t>(i - first), i >= first, rec.observations);
  }

  Rng immunizations = patient.derive("immunizations");
  detail::immunize(impl.config.vaccines(), person.birth_date, visits, first, immunizations,
                   rec.immunizations);
  return rec;
}

namespace {

bool has_condition(const record::PatientRecord& rec, std::string_view code) {
  return std::any_of(rec.conditions.begin(), rec.conditions.end(),
                     [&](const record::Condition& c) { return c.code.code == code; });
}

}  // namespace

record::PatientRecord Generator::Impl::make(uint64_t index, ConstraintCounts& counts) const {
  record::PatientRecord rec = engine ? generate_with_modules(index) : generate_plain(index);
  counts = constraints.apply(rec);
  return rec;
}

void Generator::Impl::tally(const ConstraintCounts& counts, uint64_t candidates) const {
  if (counts.total() == 0 && candidates == 0) return;
  const std::lock_guard lock(tally_mutex);
  constraint_counts += counts;
  require_candidates += candidates;
}

record::PatientRecord Generator::generate(uint64_t index) const {
  const Impl& impl = *impl_;
  ConstraintCounts counts;
  const std::string& code = impl.options.require_code;
  if (code.empty()) {
    record::PatientRecord rec = impl.make(index, counts);
    impl.tally(counts, 0);
    return rec;
  }
  // --require: position `index` holds the first of index, index + N, index + 2N, ... who
  // develops the condition; the candidate sets of different positions never overlap.
  const uint64_t step = impl.options.population;
  for (uint64_t k = 0; k < impl.options.require_tries; ++k) {
    if (k > 0 && index + (k * step) < index) break;  // past the end of the index space
    record::PatientRecord rec = impl.make(index + (k * step), counts);
    if (has_condition(rec, code)) {
      impl.tally(counts, k + 1);
      return rec;
    }
  }
  fail(ErrorKind::kInvalidInput, "--require " + code + ": no patient developed the condition in " +
                                     std::to_string(impl.options.require_tries) +
                                     " candidates for position " + std::to_string(index));
}

ConstraintCounts Generator::constraint_counts() const {
  const std::lock_guard lock(impl_->tally_mutex);
  return impl_->constraint_counts;
}

uint64_t Generator::require_candidates() const {
  const std::lock_guard lock(impl_->tally_mutex);
  return impl_->require_candidates;
}

}  // namespace fos::synth
