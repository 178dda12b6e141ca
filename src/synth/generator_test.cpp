// Tests of Generator: determinism, export window, time bounds, schedule, providers.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "synth/generator.hpp"

namespace fos::synth {
namespace {

using record::PatientRecord;

const SynthConfig& builtin_config() {
  static const SynthConfig config = SynthConfig::load({});
  return config;
}

GenerateOptions options(int years_of_history = 10, uint64_t seed = 7) {
  GenerateOptions o;
  o.population = 100000;
  o.seed = seed;
  o.reference_date = Date::from_civil(2024, 6, 1);
  o.years_of_history = years_of_history;
  return o;
}

void put(std::ostringstream& out, const record::Code& c) {
  out << static_cast<int>(c.system) << ':' << c.code << ':' << c.display;
}

void put(std::ostringstream& out, const std::optional<record::Quantity>& q) {
  if (q) out << '=' << q->value << '/' << q->decimals << '/' << q->unit;
}

// Every field of the parts of a record the generator fills, as text.
std::string render(const PatientRecord& r) {
  std::ostringstream out;
  out.precision(17);
  const record::Person& p = r.person;
  out << p.index << '|' << p.birth_date.iso() << '|' << p.birth_time.iso() << '|'
      << (p.death ? p.death->iso() : "-") << '|' << int(p.sex) << '|'
      << (p.gender_identity ? int(*p.gender_identity) : -1) << '|' << int(p.race) << '|'
      << int(p.ethnicity) << '|' << p.name.prefix << ' ' << p.name.given << ' ' << p.name.family
      << '|' << p.maiden_name.value_or("-") << '|' << p.address.line << ',' << p.address.city << ','
      << p.address.state << ',' << p.address.postal_code << ',' << p.address.county << ','
      << p.address.latitude << ',' << p.address.longitude << '|' << p.phone << '|'
      << int(p.marital_status) << '|' << p.language << '\n';
  for (const auto& id : p.identifiers) out << "id " << int(id.type) << ' ' << id.value << '\n';
  for (const auto& e : r.encounters) {
    out << "enc " << int(e.encounter_class) << ' ' << e.start.iso() << ' ' << e.end.iso() << ' '
        << e.provider_id << ' ' << e.organization_id << ' ';
    put(out, e.type);
    out << '\n';
  }
  for (const auto& o : r.observations) {
    out << "obs " << o.encounter << ' ' << o.effective.iso() << ' ';
    put(out, o.code);
    put(out, o.quantity);
    for (const auto& c : o.components) {
      out << " [";
      put(out, c.code);
      put(out, c.quantity);
      out << ']';
    }
    out << '\n';
  }
  for (const auto& i : r.immunizations) {
    out << "imm " << i.encounter << ' ' << i.date.iso() << ' ';
    put(out, i.code);
    out << '\n';
  }
  return out.str();
}

Instant end_of(const PatientRecord& r, const GenerateOptions& o) {
  return r.person.death ? *r.person.death : Instant::at(o.reference_date);
}

TEST(Generator, SameIndexSameRecord) {
  const Generator a(builtin_config(), options());
  const Generator b(builtin_config(), options());
  for (uint64_t i = 0; i < 200; ++i) {
    const std::string first = render(a.generate(i));
    EXPECT_EQ(first, render(a.generate(i)));
    EXPECT_EQ(first, render(b.generate(i)));
  }
  EXPECT_NE(render(a.generate(1)), render(a.generate(2)));
}

TEST(Generator, SeedChangesThePopulation) {
  const Generator a(builtin_config(), options(10, 1));
  const Generator b(builtin_config(), options(10, 2));
  EXPECT_NE(render(a.generate(5)), render(b.generate(5)));
}

TEST(Generator, NothingAfterDeathOrReferenceDate) {
  const GenerateOptions o = options(0);
  const Generator g(builtin_config(), o);
  for (uint64_t i = 0; i < 2000; ++i) {
    const PatientRecord r = g.generate(i);
    const Instant end = end_of(r, o);
    ASSERT_LT(r.person.birth_time, end);
    ASSERT_LE(end, Instant::at(o.reference_date));
    for (size_t k = 0; k < r.encounters.size(); ++k) {
      ASSERT_LE(r.encounters[k].end, end) << i;
      ASSERT_GT(r.encounters[k].start, r.person.birth_time) << i;
      ASSERT_LT(r.encounters[k].start, r.encounters[k].end);
      if (k > 0) {
        ASSERT_LE(r.encounters[k - 1].start, r.encounters[k].start);
      }
    }
    for (const auto& obs : r.observations) {
      ASSERT_LT(obs.encounter, r.encounters.size());
      ASSERT_EQ(obs.effective, r.encounters[obs.encounter].start);
    }
    for (const auto& shot : r.immunizations) {
      ASSERT_LT(shot.encounter, r.encounters.size());
      ASSERT_GE(shot.date, r.encounters[shot.encounter].start);
      ASSERT_LE(shot.date, r.encounters[shot.encounter].end);
    }
  }
}

TEST(Generator, ExportWindowKeepsTheTailOfTheSameLife) {
  const GenerateOptions all = options(0);
  const GenerateOptions recent = options(5);
  const Generator full(builtin_config(), all);
  const Generator windowed(builtin_config(), recent);
  int trimmed = 0;
  for (uint64_t i = 0; i < 300; ++i) {
    const PatientRecord a = full.generate(i);
    const PatientRecord b = windowed.generate(i);
    const Instant end = end_of(a, all);
    const Instant window_start =
        Instant::at(end.date().plus_years(-5)).plus_seconds(end.seconds_of_day());
    // The windowed record is the full one minus everything that started before the window.
    PatientRecord expected;
    expected.person = a.person;
    std::map<uint32_t, uint32_t> reindex;
    for (uint32_t k = 0; k < a.encounters.size(); ++k) {
      if (a.encounters[k].start < window_start) continue;
      reindex[k] = static_cast<uint32_t>(expected.encounters.size());
      expected.encounters.push_back(a.encounters[k]);
    }
    for (auto obs : a.observations) {
      if (!reindex.count(obs.encounter)) continue;
      obs.encounter = reindex[obs.encounter];
      expected.observations.push_back(obs);
    }
    for (auto shot : a.immunizations) {
      if (!reindex.count(shot.encounter)) continue;
      shot.encounter = reindex[shot.encounter];
      expected.immunizations.push_back(shot);
    }
    if (expected.encounters.size() < a.encounters.size()) ++trimmed;
    ASSERT_EQ(render(expected), render(b)) << "patient " << i;
  }
  EXPECT_GT(trimmed, 100);
}

TEST(Generator, InfantsGetTheChildhoodSeries) {
  const GenerateOptions o = options(0);
  const Generator g(builtin_config(), o);
  const std::map<std::string, int> expected = {{"08", 3}, {"119", 2}, {"20", 4},
                                               {"49", 3}, {"133", 4}, {"10", 3},
                                               {"03", 1}, {"21", 1},  {"83", 2}};
  int checked = 0;
  for (uint64_t i = 0; i < 4000 && checked < 30; ++i) {
    const PatientRecord r = g.generate(i);
    const int age = age_in_years(r.person.birth_date, o.reference_date);
    if (r.person.death || age < 2 || age > 3) continue;
    std::map<std::string, int> doses;
    for (const auto& shot : r.immunizations) {
      if (shot.date < Instant::at(r.person.birth_date.plus_years(2))) ++doses[shot.code.code.str()];
    }
    for (const auto& [cvx, count] : expected) EXPECT_EQ(doses[cvx], count) << "CVX " << cvx;
    EXPECT_EQ(doses.count("115"), 0u);  // Tdap is for 11-year-olds
    ++checked;
  }
  EXPECT_EQ(checked, 30);
}

TEST(Generator, SeasonalFluOnlyInAutumnAndOncePerSeason) {
  const Generator g(builtin_config(), options(0));
  int flu = 0;
  for (uint64_t i = 0; i < 500; ++i) {
    std::set<int> seasons;
    for (const auto& shot : g.generate(i).immunizations) {
      if (shot.code.code != "140") continue;
      const CivilDate day = shot.date.date().civil();
      EXPECT_GE(day.month, 9);
      EXPECT_TRUE(seasons.insert(day.year).second);
      ++flu;
    }
  }
  EXPECT_GT(flu, 100);
}

TEST(Generator, EncountersUseTheRightCodesAndClinicians) {
  const GenerateOptions o = options(0);
  const Generator g(builtin_config(), o);
  const auto& dir = g.directory();
  for (uint64_t i = 0; i < 300; ++i) {
    const PatientRecord r = g.generate(i);
    for (const auto& e : r.encounters) {
      const bool child = age_in_years(r.person.birth_date, e.start.date()) < 18;
      EXPECT_EQ(e.type.code, child ? "410620009" : "162673000");
      EXPECT_EQ(e.encounter_class, record::EncounterClass::kWellness);
      const record::Provider* provider = dir.find_provider(e.provider_id);
      ASSERT_NE(provider, nullptr);
      EXPECT_EQ(provider->organization_id, e.organization_id);
      EXPECT_EQ(provider->specialty.code == "208000000X", child);
      const record::Organization* org = dir.find_organization(e.organization_id);
      ASSERT_NE(org, nullptr);
      EXPECT_EQ(org->type, record::OrganizationType::kPrimaryCare);
      EXPECT_EQ(org->address.city, r.person.address.city);
      EXPECT_EQ(org->address.state, r.person.address.state);
    }
  }
}

TEST(Generator, DirectoryHasEveryCityAndStableIds) {
  const Generator g(builtin_config(), options());
  const auto& dir = g.directory();
  const size_t cities = builtin_config().demographics().cities.size();
  EXPECT_GE(dir.organizations().size(), 3 * cities);
  EXPECT_LE(dir.organizations().size(), 4 * cities);
  std::set<uint64_t> ids;
  std::map<uint64_t, int> staff;
  for (const auto& org : dir.organizations()) EXPECT_TRUE(ids.insert(org.id).second);
  for (const auto& p : dir.providers()) {
    EXPECT_TRUE(ids.insert(p.id).second);
    EXPECT_EQ(p.name.prefix, "Dr.");
    ++staff[p.organization_id];
  }
  for (const auto& [org, n] : staff) {
    EXPECT_GE(n, 2);
    EXPECT_LE(n, 5);
  }
  const Generator other(builtin_config(), options(10, 99));
  ASSERT_EQ(other.directory().providers().size(), dir.providers().size());
  EXPECT_EQ(other.directory().providers()[17].id, dir.providers()[17].id);
}

TEST(Generator, PersonFieldsAreWellFormed) {
  const GenerateOptions o = options();
  const Generator g(builtin_config(), o);
  for (uint64_t i = 0; i < 500; ++i) {
    const record::Person p = g.generate(i).person;
    EXPECT_EQ(p.index, i);
    const int age = age_in_years(p.birth_date, o.reference_date);
    ASSERT_GE(p.identifiers.size(), 2u);
    EXPECT_EQ(p.identifiers[0].type, record::IdentifierType::kMedicalRecord);
    EXPECT_EQ(p.identifiers[0].value.size(), 36u);
    EXPECT_EQ(p.identifiers[1].value.rfind("999-", 0), 0u);
    EXPECT_EQ(p.identifiers[1].value.size(), 11u);
    EXPECT_EQ(p.phone.rfind("555-", 0), 0u);
    EXPECT_EQ(p.address.postal_code.size(), 5u);
    EXPECT_FALSE(p.address.county.empty());
    if (age < 18 && !p.death) {
      EXPECT_TRUE(p.name.prefix.empty());
      EXPECT_FALSE(p.gender_identity.has_value());
      EXPECT_EQ(p.marital_status,
                age < 15 ? record::MaritalStatus::kNeverMarried : p.marital_status);
    }
    if (p.language == "es") {
      EXPECT_EQ(p.ethnicity, record::Ethnicity::kHispanic);
    }
    if (p.maiden_name) {
      EXPECT_EQ(p.sex, record::Sex::kFemale);
    }
  }
}

}  // namespace
}  // namespace fos::synth
