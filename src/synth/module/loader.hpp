// ModuleLoader: turns module JSON texts into the immutable graph of module.hpp.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include "synth/module/json.hpp"
#include "synth/module/module.hpp"

namespace fos::synth {

class ModuleLoader {
 public:
  /// `table_text(name)` returns a lookup table's CSV text, nullopt when missing.
  using TableSource = std::function<std::optional<std::string>(const std::string& name)>;

  ModuleLoader(ModuleLibrary& library, TableSource tables, bool check_graph);

  /// Parse one module file. `key` is its path relative to the modules folder
  /// without ".json"; keys in a sub-folder are submodules.
  void add(const std::string& key, const std::string& file, std::string_view text);
  /// Resolve submodule calls, keep the filtered top-level modules, order them by key.
  void finish(const std::vector<std::string>& filter);

 private:
  using Json = detail::Json;
  struct Pending {
    Module* module;
    size_t state;
    std::string path;
  };

  [[noreturn]] void error(const std::string& what) const;
  [[noreturn]] void field_error(std::string_view field, const std::string& what) const;
  const Json& need(const Json& obj, std::string_view key) const;
  double number(const Json& obj, std::string_view key) const;
  double number_or(const Json& obj, std::string_view key, double fallback) const;
  std::string text(const Json& obj, std::string_view key) const;
  int32_t target(const std::string& name, std::string_view field) const;

  record::Code code(const Json& j, std::string_view field) const;
  std::vector<record::Code> codes(const Json& obj, std::string_view key) const;
  Value literal(const Json& j, std::string_view field);
  Distribution distribution(const Json& j, std::string_view field) const;
  Op op(const Json& obj) const;
  Logic logic(const Json& j, std::string_view field);
  void transition(const Json& s, ModuleState& state);
  std::vector<WeightedTarget> weights(const Json& list, std::string_view field);
  const LookupTable* table(const std::string& name, std::string_view field);
  void legacy_value(const Json& s, ModuleState& state, bool with_unit);
  ObservationBody observation(const Json& s, std::string_view field);
  void state_body(const Json& s, ModuleState& state);
  void clinical_body(const Json& s, ModuleState& state);
  void entry_reference(const Json& s, ModuleState& state, std::string_view field);
  void check_graph(const Module& m);

  ModuleLibrary& lib_;
  TableSource tables_;
  bool check_graph_;
  std::map<std::string, std::unique_ptr<Module>> top_;
  std::map<std::string, std::unique_ptr<Module>> sub_;
  std::vector<Pending> pending_;
  std::unordered_map<std::string, const LookupTable*> table_cache_;
  // Context of the state being parsed, for messages and name lookups.
  const Module* module_ = nullptr;
  std::string state_;
  std::unordered_map<std::string, int32_t> index_;
};

}  // namespace fos::synth
