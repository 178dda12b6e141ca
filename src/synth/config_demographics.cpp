// Parsers of demographics.yaml and names.yaml.
#include <set>

#include "synth/detail/config_parse.hpp"

namespace fos::synth::detail {
namespace {

constexpr std::string_view kRaceKeys[] = {
    "white", "black", "asian", "american_indian", "pacific_islander", "other"};
constexpr std::string_view kMaritalKeys[] = {"never_married", "married", "divorced", "widowed",
                                             "separated"};

// Fail at the node when no weight is positive.
void require_positive_total(const YamlFile& file, const YAML::Node& node, double total,
                            std::string_view what) {
  if (total <= 0) file.fail_at(node.Mark(), "'" + std::string(what) + "' needs a positive weight");
}

RaceWeights parse_race(const YamlFile& file, const YAML::Node& node, std::string_view what) {
  MapReader map(file, node, what,
                {"white", "black", "asian", "american_indian", "pacific_islander", "other"});
  RaceWeights weights{};
  double total = 0;
  // record::Race order: kWhite, kBlack, kAsian, kAmericanIndian, kPacificIslander, kOther.
  for (size_t i = 0; i < weights.size(); ++i) total += weights[i] = map.weight(kRaceKeys[i]);
  require_positive_total(file, node, total, what);
  return weights;
}

std::vector<AgeBand> parse_age_bands(const YamlFile& file, const YAML::Node& node) {
  std::vector<AgeBand> bands;
  double total = 0;
  for (const YAML::Node& item : sequence(file, node, "age_bands")) {
    MapReader map(file, item, "age_bands", {"min", "max", "weight"});
    AgeBand band{map.integer("min"), map.integer("max"), map.weight("weight")};
    const int previous_max = bands.empty() ? -1 : bands.back().max_age;
    if (band.min_age != previous_max + 1) {
      map.fail("min", "'min' must follow the previous band (expected " +
                          std::to_string(previous_max + 1) + ")");
    }
    if (band.max_age < band.min_age || band.max_age > 120) {
      map.fail("max", "'max' must be between 'min' and 120");
    }
    total += band.weight;
    bands.push_back(band);
  }
  require_positive_total(file, node, total, "age_bands");
  return bands;
}

std::vector<MaritalBand> parse_marital(const YamlFile& file, const YAML::Node& node) {
  std::vector<MaritalBand> bands;
  for (const YAML::Node& item : sequence(file, node, "marital_status")) {
    MapReader map(file, item, "marital_status",
                  {"min", "max", "never_married", "married", "divorced", "widowed", "separated"});
    MaritalBand band;
    band.min_age = map.integer("min");
    band.max_age = map.integer("max");
    if (!bands.empty() && band.min_age != bands.back().max_age + 1) {
      map.fail("min", "'min' must follow the previous band");
    }
    if (band.max_age < band.min_age) map.fail("max", "'max' must not be below 'min'");
    double total = 0;
    for (size_t i = 0; i < band.weights.size(); ++i) {
      total += band.weights[i] = map.weight(kMaritalKeys[i]);
    }
    require_positive_total(file, item, total, "marital_status");
    bands.push_back(band);
  }
  return bands;
}

std::vector<State> parse_states(const YamlFile& file, const YAML::Node& node) {
  std::vector<State> states;
  std::set<std::string> codes;
  for (const YAML::Node& item : sequence(file, node, "states")) {
    MapReader map(file, item, "states", {"code", "name", "population"});
    State state{map.text("code"), map.text("name"), map.weight("population")};
    if (!codes.insert(state.code).second) map.fail("code", "duplicate state '" + state.code + "'");
    states.push_back(std::move(state));
  }
  return states;
}

City parse_city(const YamlFile& file, const YAML::Node& node) {
  MapReader map(file, node, "cities",
                {"name", "state", "county", "zips", "lat", "lon", "population"});
  City city;
  city.name = map.text("name");
  city.state = map.text("state");
  city.county = map.text("county");
  city.zips = map.texts("zips");
  if (city.zips.empty()) map.fail("zips", "'zips' needs at least one ZIP code");
  city.latitude = map.number("lat");
  city.longitude = map.number("lon");
  if (city.latitude < -90 || city.latitude > 90) map.fail("lat", "'lat' must be in [-90, 90]");
  if (city.longitude < -180 || city.longitude > 180) {
    map.fail("lon", "'lon' must be in [-180, 180]");
  }
  city.population = map.weight("population");
  return city;
}

// Every city names a known state; every state with people has a city.
void check_locations(const YamlFile& file, const MapReader& root, const Demographics& d) {
  std::set<std::string> known;
  for (const State& state : d.states) known.insert(state.code);
  std::set<std::string> with_city;
  std::set<std::string> city_keys;
  const auto nodes = sequence(file, root.required("cities"), "cities");
  for (size_t i = 0; i < d.cities.size(); ++i) {
    // Organization ids derive from state and city name, so the pair must be unique.
    if (!city_keys.insert(d.cities[i].state + "/" + d.cities[i].name).second) {
      file.fail_at(nodes[i].Mark(), "duplicate city '" + d.cities[i].name + "' in state '" +
                                        d.cities[i].state + "'");
    }
    if (!known.count(d.cities[i].state)) {
      file.fail_at(nodes[i].Mark(), "city '" + d.cities[i].name + "' names unknown state '" +
                                        d.cities[i].state + "'");
    }
    if (d.cities[i].population > 0) with_city.insert(d.cities[i].state);
  }
  double total = 0;
  for (const State& state : d.states) {
    total += state.population;
    if (state.population > 0 && !with_city.count(state.code)) {
      root.fail("cities", "state '" + state.code + "' has no city with population");
    }
  }
  if (total <= 0) root.fail("states", "'states' needs a positive population");
}

}  // namespace

Demographics parse_demographics(const YamlFile& file) {
  MapReader root(file, file.root(), "demographics",
                 {"age_bands", "male_share", "hispanic_share", "race", "language", "marital_status",
                  "maiden_name_share", "gender_identity", "drivers_license_share", "passport_share",
                  "states", "cities"});
  Demographics d;
  d.age_bands = parse_age_bands(file, root.required("age_bands"));
  d.male_share = root.share("male_share");
  d.hispanic_share = root.share("hispanic_share");
  MapReader race(file, root.required("race"), "race", {"hispanic", "not_hispanic"});
  d.race_hispanic = parse_race(file, race.required("hispanic"), "hispanic");
  d.race_not_hispanic = parse_race(file, race.required("not_hispanic"), "not_hispanic");
  MapReader language(file, root.required("language"), "language", {"spanish_share_hispanic"});
  d.spanish_share_hispanic = language.share("spanish_share_hispanic");
  d.marital = parse_marital(file, root.required("marital_status"));
  d.maiden_name_share = root.share("maiden_name_share");
  MapReader gender(file, root.required("gender_identity"), "gender_identity",
                   {"min_age", "transgender_share", "nonbinary_share"});
  d.gender_identity_min_age = gender.integer("min_age");
  d.transgender_share = gender.share("transgender_share");
  d.nonbinary_share = gender.share("nonbinary_share");
  if (d.transgender_share + d.nonbinary_share > 1) {
    gender.fail("nonbinary_share", "'transgender_share' + 'nonbinary_share' must not exceed 1");
  }
  d.drivers_license_share = root.share("drivers_license_share");
  d.passport_share = root.share("passport_share");
  d.states = parse_states(file, root.required("states"));
  for (const YAML::Node& item : sequence(file, root.required("cities"), "cities")) {
    d.cities.push_back(parse_city(file, item));
  }
  check_locations(file, root, d);
  return d;
}

Names parse_names(const YamlFile& file) {
  MapReader root(file, file.root(), "names", {"given", "family", "streets"});
  Names names;
  MapReader given(file, root.required("given"), "given", {"female", "male"});
  names.female_given = given.texts("female");
  names.male_given = given.texts("male");
  if (names.female_given.empty()) given.fail("female", "'female' needs at least one name");
  if (names.male_given.empty()) given.fail("male", "'male' needs at least one name");
  double total = 0;
  for (const YAML::Node& item : sequence(file, root.required("family"), "family")) {
    MapReader map(file, item, "family", {"name", "weight"});
    names.family.push_back({map.text("name"), map.weight("weight")});
    total += names.family.back().weight;
  }
  if (total <= 0) root.fail("family", "'family' needs a name with positive weight");
  MapReader streets(file, root.required("streets"), "streets", {"names", "suffixes"});
  names.street_names = streets.texts("names");
  names.street_suffixes = streets.texts("suffixes");
  if (names.street_names.empty()) streets.fail("names", "'names' needs at least one name");
  if (names.street_suffixes.empty()) {
    streets.fail("suffixes", "'suffixes' needs at least one suffix");
  }
  return names;
}

}  // namespace fos::synth::detail
