// SynthConfig: the published figures the generator draws from (config/*.yaml).
//
// Loaded once per run, strictly: an unknown key, a missing or ill-typed field or
// an out-of-range value ends the command with Error{kConfig} naming the file,
// the line and the key. The default files are compiled into fos; a folder given
// to load() overrides them file by file.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "record/person.hpp"

namespace fos::synth {

/// Ages [min_age, max_age] (inclusive, whole years) and their relative weight.
struct AgeBand {
  int min_age = 0;
  int max_age = 0;
  double weight = 0;
};

struct State {
  std::string code;  ///< two-letter USPS code
  std::string name;
  double population = 0;
};

struct City {
  std::string name;
  std::string state;  ///< USPS code of a State
  std::string county;
  std::vector<std::string> zips;  ///< at least one
  double latitude = 0;
  double longitude = 0;
  double population = 0;
};

/// Marital-status weights for ages [min_age, max_age], indexed by record::MaritalStatus.
struct MaritalBand {
  int min_age = 0;
  int max_age = 0;
  std::array<double, 5> weights{};
};

/// Race weights indexed by record::Race.
using RaceWeights = std::array<double, 6>;

struct Demographics {
  std::vector<AgeBand> age_bands;
  double male_share = 0.5;
  double hispanic_share = 0;
  RaceWeights race_hispanic{};
  RaceWeights race_not_hispanic{};
  double spanish_share_hispanic = 0;
  std::vector<MaritalBand> marital;  ///< younger than the first band: never married
  double maiden_name_share = 0;
  int gender_identity_min_age = 18;
  double transgender_share = 0;
  double nonbinary_share = 0;
  double drivers_license_share = 0;
  double passport_share = 0;
  std::vector<State> states;
  std::vector<City> cities;  ///< every state with population has at least one
};

struct WeightedName {
  std::string name;
  double weight = 0;
};

struct Names {
  std::vector<std::string> female_given;
  std::vector<std::string> male_given;
  std::vector<WeightedName> family;
  std::vector<std::string> street_names;
  std::vector<std::string> street_suffixes;
};

struct Mortality {
  int max_age = 115;              ///< nobody lives past this age
  std::vector<double> male_qx;    ///< probability of dying at each age 0..max_age-1
  std::vector<double> female_qx;  ///< same, females
};

struct VaccineSchedule {
  std::string cvx;
  std::string display;
  std::vector<int> due_months;    ///< age of each dose in months, ascending
  int every_years = 0;            ///< > 0: repeat the last dose at this interval for life
  bool seasonal = false;          ///< one dose per influenza season from due_months[0]
  std::optional<int> from_year;   ///< first calendar year given
  std::optional<int> until_year;  ///< last calendar year given
};

struct VisitPeriod {
  int from_age = 0;  ///< whole years, inclusive
  int to_age = 0;
  int every_years = 1;
};

struct WellnessSchedule {
  std::vector<int> child_visit_months;  ///< 0 = the newborn visit
  int newborn_min_day = 3;
  int newborn_max_day = 5;
  std::vector<VisitPeriod> periods;
  int min_minutes = 15;
  int max_minutes = 30;
  int open_hour = 8;
  int close_hour = 17;
};

/// A measure's reference values by age, per sex, linearly interpolated between rows.
class AgeCurve {
 public:
  struct Row {
    double age = 0;
    std::array<double, 2> median{};  ///< indexed by record::Sex
    std::array<double, 2> sd{};
  };
  struct Stat {
    double median = 0;
    double sd = 0;
  };

  AgeCurve() = default;
  explicit AgeCurve(std::vector<Row> rows) : rows_(std::move(rows)) {}
  /// Median and SD at `age_years`; before the first row the first, after the last the last.
  Stat at(double age_years, record::Sex sex) const;
  const std::vector<Row>& rows() const { return rows_; }

 private:
  std::vector<Row> rows_;
};

struct VitalsConfig {
  AgeCurve height_cm;
  AgeCurve bmi;  ///< sd is the SD of log(BMI)
  double bmi_z_memory_years = 8;
  AgeCurve head_circumference_cm;
  AgeCurve systolic_mmhg;
  AgeCurve diastolic_mmhg;
  double systolic_visit_sd = 6;
  double diastolic_visit_sd = 5;
  AgeCurve heart_rate;
  AgeCurve respiratory_rate;
  double temperature_mean = 36.8;
  double temperature_sd = 0.2;
  double temperature_min = 36.5;
  double temperature_max = 37.3;
};

class SynthConfig {
 public:
  /// Read the configuration from `dir`; empty = the built-in one. A file missing
  /// in `dir` falls back to the built-in file of that name. Throws Error{kConfig}
  /// ("<file>: line <n>: <problem>") or Error{kIo} naming the path.
  static SynthConfig load(const std::filesystem::path& dir);
  /// The files a configuration consists of ("demographics.yaml", ...).
  static const std::vector<std::string_view>& file_names();
  /// The built-in text of one of file_names(). REQUIRES: a known name.
  static std::string_view builtin_text(std::string_view name);

  const Demographics& demographics() const { return demographics_; }
  const Names& names() const { return names_; }
  const Mortality& mortality() const { return mortality_; }
  const std::vector<VaccineSchedule>& vaccines() const { return vaccines_; }
  const WellnessSchedule& wellness() const { return wellness_; }
  const VitalsConfig& vitals() const { return vitals_; }

 private:
  Demographics demographics_;
  Names names_;
  Mortality mortality_;
  std::vector<VaccineSchedule> vaccines_;
  WellnessSchedule wellness_;
  VitalsConfig vitals_;
};

}  // namespace fos::synth
