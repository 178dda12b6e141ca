// Strict YAML reading: parse errors, unknown, missing and ill-typed keys, each
// reported with its file and 1-based line.
#include "synth/detail/yaml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.hpp"

namespace fos::synth::detail {
namespace {

std::string quoted(std::string_view key) {
  return "'" + std::string(key) + "'";
}

// yaml-cpp 0.7 keeps the text of a scalar; decode it as a finite number.
bool decode_number(const YAML::Node& node, double& out) {
  if (!node.IsScalar()) return false;
  if (!YAML::convert<double>::decode(node, out)) return false;
  return std::isfinite(out);
}

}  // namespace

YamlFile::YamlFile(std::string name, std::string_view text) : name_(std::move(name)) {
  try {
    root_ = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    fail_at(e.mark, "malformed YAML: " + e.msg);
  }
  if (!root_.IsMap()) fail_at(root_.Mark(), "expected a mapping of keys at the top level");
}

void YamlFile::fail_at(const YAML::Mark& mark, const std::string& message) const {
  const int line = mark.line >= 0 ? mark.line + 1 : 1;
  fos::fail(ErrorKind::kConfig, name_ + ": line " + std::to_string(line) + ": " + message);
}

MapReader::MapReader(const YamlFile& file, const YAML::Node& node, std::string_view what,
                     std::initializer_list<std::string_view> allowed)
    : file_(file), node_(node) {
  if (!node.IsMap()) file.fail_at(node.Mark(), quoted(what) + " must be a mapping");
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) file.fail_at(key.Mark(), "keys must be plain names");
    const std::string& name = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      file.fail_at(key.Mark(), "unknown key " + quoted(name));
    }
    if (!seen.insert(name).second) file.fail_at(key.Mark(), "duplicate key " + quoted(name));
  }
}

// Lookups go through a const node: yaml-cpp's non-const operator[] may add the key.
YAML::Node MapReader::lookup(std::string_view key) const {
  const YAML::Node& map = node_;
  return map[std::string(key)];
}

bool MapReader::has(std::string_view key) const {
  return static_cast<bool>(lookup(key));
}

YAML::Node MapReader::required(std::string_view key) const {
  YAML::Node value = lookup(key);
  if (!value) file_.fail_at(node_.Mark(), "missing key " + quoted(key));
  return value;
}

void MapReader::fail(std::string_view key, const std::string& message) const {
  YAML::Node value = lookup(key);
  file_.fail_at(value ? value.Mark() : node_.Mark(), message);
}

double MapReader::number(std::string_view key) const {
  double out = 0;
  if (!decode_number(required(key), out)) fail(key, quoted(key) + " must be a number");
  return out;
}

double MapReader::number_or(std::string_view key, double fallback) const {
  return has(key) ? number(key) : fallback;
}

double MapReader::weight(std::string_view key) const {
  const double value = number(key);
  if (value < 0) fail(key, quoted(key) + " must not be negative");
  return value;
}

double MapReader::share(std::string_view key) const {
  const double value = number(key);
  if (value < 0 || value > 1) fail(key, quoted(key) + " must be between 0 and 1");
  return value;
}

int MapReader::integer(std::string_view key) const {
  int out = 0;
  const YAML::Node value = required(key);
  if (!value.IsScalar() || !YAML::convert<int>::decode(value, out)) {
    fail(key, quoted(key) + " must be a whole number");
  }
  return out;
}

int MapReader::integer_or(std::string_view key, int fallback) const {
  return has(key) ? integer(key) : fallback;
}

bool MapReader::flag_or(std::string_view key, bool fallback) const {
  if (!has(key)) return fallback;
  bool out = false;
  const YAML::Node value = required(key);
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, out)) {
    fail(key, quoted(key) + " must be true or false");
  }
  return out;
}

std::string MapReader::text(std::string_view key) const {
  const YAML::Node value = required(key);
  if (!value.IsScalar() || value.Scalar().empty()) fail(key, quoted(key) + " must be text");
  return value.Scalar();
}

std::vector<double> MapReader::numbers(std::string_view key) const {
  std::vector<double> out;
  for (const YAML::Node& item : sequence(file_, required(key), key)) {
    double value = 0;
    if (!decode_number(item, value)) file_.fail_at(item.Mark(), quoted(key) + " must hold numbers");
    out.push_back(value);
  }
  return out;
}

std::vector<int> MapReader::integers(std::string_view key) const {
  std::vector<int> out;
  for (const YAML::Node& item : sequence(file_, required(key), key)) {
    int value = 0;
    if (!item.IsScalar() || !YAML::convert<int>::decode(item, value)) {
      file_.fail_at(item.Mark(), quoted(key) + " must hold whole numbers");
    }
    out.push_back(value);
  }
  return out;
}

std::vector<std::string> MapReader::texts(std::string_view key) const {
  std::vector<std::string> out;
  for (const YAML::Node& item : sequence(file_, required(key), key)) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      file_.fail_at(item.Mark(), quoted(key) + " must hold text");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<YAML::Node> sequence(const YamlFile& file, const YAML::Node& node,
                                 std::string_view what) {
  if (!node.IsSequence()) file.fail_at(node.Mark(), quoted(what) + " must be a list");
  std::vector<YAML::Node> out;
  out.reserve(node.size());
  for (const YAML::Node& item : node) out.push_back(item);
  return out;
}

double scalar_number(const YamlFile& file, const YAML::Node& node, std::string_view what) {
  double out = 0;
  if (!decode_number(node, out)) file.fail_at(node.Mark(), std::string(what) + " must be a number");
  return out;
}

}  // namespace fos::synth::detail
