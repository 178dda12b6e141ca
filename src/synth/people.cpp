// Demographics and mortality: who each synthetic patient is and when they die.
#include <algorithm>
#include <cmath>
#include <map>

#include "record/ids.hpp"
#include "synth/detail/people.hpp"
#include "synth/detail/providers.hpp"

namespace fos::synth::detail {
namespace {

using record::MaritalStatus;
using record::Sex;

// City weights: the state's population shared among its cities by city population.
std::vector<double> city_weights(const Demographics& d) {
  std::map<std::string, double> state_population;
  std::map<std::string, double> city_total;
  for (const State& s : d.states) state_population[s.code] = s.population;
  for (const City& c : d.cities) city_total[c.state] += c.population;
  std::vector<double> weights;
  for (const City& c : d.cities) {
    const double total = city_total[c.state];
    weights.push_back(total > 0 ? state_population[c.state] * c.population / total : 0);
  }
  return weights;
}

std::vector<double> name_weights(const std::vector<WeightedName>& names) {
  std::vector<double> weights;
  weights.reserve(names.size());
  for (const auto& n : names) weights.push_back(n.weight);
  return weights;
}

}  // namespace

LifeTable::LifeTable(const Mortality& mortality) {
  for (const Sex sex : {Sex::kFemale, Sex::kMale}) {
    const auto& qx = sex == Sex::kMale ? mortality.male_qx : mortality.female_qx;
    auto& cumulative = cumulative_[static_cast<size_t>(sex)];
    double alive = 1;
    for (double q : qx) {
      alive *= 1 - q;
      cumulative.push_back(1 - alive);
    }
    cumulative.push_back(1);  // nobody survives max_age
  }
}

Instant LifeTable::death(Sex sex, Instant birth, Rng& rng) const {
  const auto& cumulative = cumulative_[static_cast<size_t>(sex)];
  const double u = rng.uniform();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
  const int age = static_cast<int>(it - cumulative.begin());
  const Date start = birth.date().plus_years(age);
  const int days = birth.date().plus_years(age + 1).days() - start.days();
  const int64_t second = rng.uniform_int(0, int64_t{days} * Instant::kSecondsPerDay - 1);
  return Instant::at(start).plus_seconds(birth.seconds_of_day() + second);
}

Demographer::Demographer(const SynthConfig& config)
    : config_(config),
      life_(config.mortality()),
      cities_(city_weights(config.demographics())),
      race_hispanic_(config.demographics().race_hispanic),
      race_not_hispanic_(config.demographics().race_not_hispanic),
      family_names_(name_weights(config.names().family)) {
  std::vector<double> ages;
  for (const AgeBand& band : config.demographics().age_bands) ages.push_back(band.weight);
  age_bands_ = CumulativeTable(ages);
  for (const MaritalBand& band : config.demographics().marital) {
    marital_.emplace_back(band.weights);
  }
}

PersonDraw Demographer::draw(uint64_t index, Date reference, Rng& rng, Rng& death_rng) const {
  PersonDraw out;
  record::Person& p = out.person;
  p.index = index;
  draw_birth(p, reference, rng);
  out.end = Instant::at(reference);
  const Instant death = life_.death(p.sex, p.birth_time, death_rng);
  if (death < out.end) {
    p.death = death;
    out.end = death;
  }
  const int age = age_in_years(p.birth_date, out.end.date());
  draw_origin(p, rng);
  out.city = cities_.draw(rng);
  draw_identity(p, age, rng);
  draw_name(p, age, rng);
  p.address = street_address(config_.names(), config_.demographics().cities[out.city], rng);
  p.phone = test_phone(rng);
  draw_identifiers(p, age, rng);
  return out;
}

void Demographer::draw_birth(record::Person& p, Date reference, Rng& rng) const {
  const AgeBand& band = config_.demographics().age_bands[age_bands_.draw(rng)];
  const int age = static_cast<int>(rng.uniform_int(band.min_age, band.max_age));
  // Born in (reference - (age + 1) years, reference - age years): `age` on the reference
  // date, and born before it (a birthday on the reference date itself is left out).
  const Date latest = reference.plus_years(-age).plus_days(-1);
  const Date earliest = reference.plus_years(-(age + 1)).plus_days(1);
  p.birth_date =
      earliest.plus_days(static_cast<int32_t>(rng.uniform_int(0, latest.days() - earliest.days())));
  p.birth_time = Instant::at(p.birth_date).plus_seconds(rng.uniform_int(0, 86399));
  p.sex = rng.bernoulli(config_.demographics().male_share) ? Sex::kMale : Sex::kFemale;
}

void Demographer::draw_origin(record::Person& p, Rng& rng) const {
  const Demographics& d = config_.demographics();
  const bool hispanic = rng.bernoulli(d.hispanic_share);
  p.ethnicity = hispanic ? record::Ethnicity::kHispanic : record::Ethnicity::kNotHispanic;
  p.race = static_cast<record::Race>((hispanic ? race_hispanic_ : race_not_hispanic_).draw(rng));
  if (hispanic && rng.bernoulli(d.spanish_share_hispanic)) {
    p.language = "es";
    p.language_display = "Spanish";
  }
}

// Marital status (by age at the end of the record) and gender identity.
void Demographer::draw_identity(record::Person& p, int age, Rng& rng) const {
  const Demographics& d = config_.demographics();
  p.marital_status = MaritalStatus::kNeverMarried;
  for (size_t i = 0; i < d.marital.size(); ++i) {
    if (age >= d.marital[i].min_age && age <= d.marital[i].max_age) {
      p.marital_status = static_cast<MaritalStatus>(marital_[i].draw(rng));
    }
  }
  if (age < d.gender_identity_min_age) return;
  const double u = rng.uniform();
  const bool male = p.sex == Sex::kMale;
  if (u < d.transgender_share) {
    p.gender_identity =
        male ? record::GenderIdentity::kTransgenderWoman : record::GenderIdentity::kTransgenderMan;
  } else if (u < d.transgender_share + d.nonbinary_share) {
    p.gender_identity = record::GenderIdentity::kNonBinary;
  } else {
    p.gender_identity = male ? record::GenderIdentity::kMan : record::GenderIdentity::kWoman;
  }
}

void Demographer::draw_name(record::Person& p, int age, Rng& rng) const {
  const Names& names = config_.names();
  const bool male = p.sex == Sex::kMale;
  p.name.given = pick(male ? names.male_given : names.female_given, rng);
  p.name.family = names.family[family_names_.draw(rng)].name;
  const bool ever_married = p.marital_status != MaritalStatus::kNeverMarried;
  if (!male && ever_married && rng.bernoulli(config_.demographics().maiden_name_share)) {
    p.maiden_name = p.name.family;
    p.name.family = names.family[family_names_.draw(rng)].name;
  }
  if (age < 18) return;
  if (male) {
    p.name.prefix = "Mr.";
  } else {
    const bool mrs =
        p.marital_status == MaritalStatus::kMarried || p.marital_status == MaritalStatus::kWidowed;
    p.name.prefix = mrs ? "Mrs." : "Ms.";
  }
}

void Demographer::draw_identifiers(record::Person& p, int age, Rng& rng) const {
  const Demographics& d = config_.demographics();
  p.identifiers.push_back(
      {record::IdentifierType::kMedicalRecord, record::resource_uuid("Patient", p.index, 0).str()});
  // Social Security numbers starting with 9 are never issued: 999-xx-xxxx is a test range.
  std::string ssn = "999-";
  append_digits(ssn, static_cast<uint64_t>(rng.uniform_int(10, 99)), 2);
  ssn.push_back('-');
  append_digits(ssn, static_cast<uint64_t>(rng.uniform_int(1, 9999)), 4);
  p.identifiers.push_back({record::IdentifierType::kSocialSecurity, std::move(ssn)});
  if (age >= 16 && rng.bernoulli(d.drivers_license_share)) {
    std::string license = "S999";
    append_digits(license, static_cast<uint64_t>(rng.uniform_int(0, 99999)), 5);
    p.identifiers.push_back({record::IdentifierType::kDriversLicense, std::move(license)});
  }
  if (age >= 18 && rng.bernoulli(d.passport_share)) {
    std::string passport = "X";
    append_digits(passport, static_cast<uint64_t>(rng.uniform_int(0, 99999999)), 8);
    passport.push_back('X');
    p.identifiers.push_back({record::IdentifierType::kPassport, std::move(passport)});
  }
}

}  // namespace fos::synth::detail
