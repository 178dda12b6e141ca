// Strict reading of YAML configuration files: every problem becomes one
// Error{kConfig} line "<file>: line <n>: <problem>" naming the key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace fos::synth::detail {

/// One parsed YAML document and the name it is reported under.
class YamlFile {
 public:
  /// Parse `text`. Throws Error{kConfig} with the line of a syntax error.
  YamlFile(std::string name, std::string_view text);

  const std::string& name() const { return name_; }
  const YAML::Node& root() const { return root_; }
  /// Throw Error{kConfig} "<name>: line <mark.line + 1>: <message>".
  [[noreturn]] void fail_at(const YAML::Mark& mark, const std::string& message) const;

 private:
  std::string name_;
  YAML::Node root_;
};

/// A YAML mapping with a fixed set of allowed keys, read strictly.
class MapReader {
 public:
  /// REQUIRES: `node` is a mapping (else Error{kConfig} "'<what>' must be a mapping") whose
  /// keys are all in `allowed` (else "unknown key '<k>'") and appear once.
  MapReader(const YamlFile& file, const YAML::Node& node, std::string_view what,
            std::initializer_list<std::string_view> allowed);

  bool has(std::string_view key) const;
  /// The value of a required key; "missing key '<key>'" at the mapping's line otherwise.
  YAML::Node required(std::string_view key) const;

  double number(std::string_view key) const;
  double number_or(std::string_view key, double fallback) const;
  /// A number >= 0.
  double weight(std::string_view key) const;
  /// A number in [0, 1].
  double share(std::string_view key) const;
  int integer(std::string_view key) const;
  int integer_or(std::string_view key, int fallback) const;
  bool flag_or(std::string_view key, bool fallback) const;
  std::string text(std::string_view key) const;
  std::vector<double> numbers(std::string_view key) const;
  std::vector<int> integers(std::string_view key) const;
  std::vector<std::string> texts(std::string_view key) const;

  const YamlFile& file() const { return file_; }
  const YAML::Node& node() const { return node_; }
  /// Throw at the line of `key`'s value (or the mapping when absent).
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;

 private:
  YAML::Node lookup(std::string_view key) const;

  const YamlFile& file_;
  YAML::Node node_;
};

/// The items of a sequence; "'<what>' must be a list" otherwise.
std::vector<YAML::Node> sequence(const YamlFile& file, const YAML::Node& node,
                                 std::string_view what);
/// A number in a scalar; "<what> must be a number" otherwise.
double scalar_number(const YamlFile& file, const YAML::Node& node, std::string_view what);

}  // namespace fos::synth::detail
