// Drawing who a patient is: age, sex, death, name, place, identifiers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/date.hpp"
#include "core/rng.hpp"
#include "record/person.hpp"
#include "synth/config.hpp"
#include "synth/detail/tables.hpp"

namespace fos::synth::detail {

/// Age at death drawn from the life table: the patient survives each year of age
/// with 1 - qx(age, sex). Inverse-CDF sampling over precomputed cumulative
/// probabilities gives the same distribution as walking the years with one draw.
class LifeTable {
 public:
  explicit LifeTable(const Mortality& mortality);
  /// The instant of death of someone born at `birth`: a uniform moment within the
  /// year of age drawn (after birth). May lie after any reference date.
  Instant death(record::Sex sex, Instant birth, Rng& rng) const;

 private:
  std::array<std::vector<double>, 2> cumulative_;  ///< by record::Sex; P(death at age <= a)
};

/// A drawn person and what else the generator needs to know about them.
struct PersonDraw {
  record::Person person;
  size_t city = 0;  ///< index into Demographics::cities
  Instant end;      ///< death if before the reference date, else the reference instant
};

class Demographer {
 public:
  explicit Demographer(const SynthConfig& config);

  /// The person at population `index`. `rng` is the demographics stream,
  /// `death_rng` the mortality stream.
  PersonDraw draw(uint64_t index, Date reference, Rng& rng, Rng& death_rng) const;

 private:
  void draw_birth(record::Person& p, Date reference, Rng& rng) const;
  void draw_origin(record::Person& p, Rng& rng) const;
  void draw_name(record::Person& p, int age, Rng& rng) const;
  void draw_identity(record::Person& p, int age, Rng& rng) const;
  void draw_identifiers(record::Person& p, int age, Rng& rng) const;

  const SynthConfig& config_;
  LifeTable life_;
  CumulativeTable age_bands_;
  CumulativeTable cities_;
  CumulativeTable race_hispanic_;
  CumulativeTable race_not_hispanic_;
  CumulativeTable family_names_;
  std::vector<CumulativeTable> marital_;  ///< parallel to Demographics::marital
};

}  // namespace fos::synth::detail
