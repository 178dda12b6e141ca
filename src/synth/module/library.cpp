// ModuleLibrary: finding module files and lookup tables in folders or texts.
#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "core/output.hpp"
#include "synth/module/loader.hpp"

namespace fos::synth {
namespace fs = std::filesystem;

std::shared_ptr<const ModuleLibrary> ModuleLibrary::load(const LoadOptions& options) {
  // Later folders override earlier ones module by module (same relative path).
  std::map<std::string, fs::path> files;
  for (const fs::path& dir : options.dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      fail(ErrorKind::kInvalidInput, "modules: '" + dir.string() + "' is not a folder");
    }
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) fail(ErrorKind::kIo, dir.string() + ": " + ec.message());
      if (!it->is_regular_file() || it->path().extension() != ".json") continue;
      std::string key = fs::relative(it->path(), dir).replace_extension().generic_string();
      files[key] = it->path();
    }
  }
  auto library = std::make_shared<ModuleLibrary>();
  auto tables = [&](const std::string& name) -> std::optional<std::string> {
    for (size_t i = options.dirs.size(); i-- > 0;) {
      const fs::path p = options.dirs[i] / "lookup_tables" / name;
      std::error_code ec;
      if (fs::is_regular_file(p, ec)) return read_file(p);
    }
    return std::nullopt;
  };
  ModuleLoader loader(*library, tables, options.check_graph);
  for (const auto& [key, path] : files) loader.add(key, path.string(), read_file(path));
  loader.finish(options.filter);
  library->intern_codes();
  library->sum_weights();
  return library;
}

std::shared_ptr<const ModuleLibrary> ModuleLibrary::load_texts(
    const std::vector<std::pair<std::string, std::string>>& modules,
    const std::vector<std::pair<std::string, std::string>>& tables, const LoadOptions& options) {
  auto library = std::make_shared<ModuleLibrary>();
  auto table_text = [&](const std::string& name) -> std::optional<std::string> {
    for (const auto& [n, text] : tables) {
      if (n == name) return text;
    }
    return std::nullopt;
  };
  std::vector<std::pair<std::string, std::string>> sorted = modules;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  ModuleLoader loader(*library, table_text, options.check_graph);
  for (const auto& [key, text] : sorted) loader.add(key, "modules/" + key + ".json", text);
  loader.finish(options.filter);
  library->intern_codes();
  library->sum_weights();
  return library;
}

std::string ModuleLibrary::code_key(const record::Code& code) {
  std::string key(1, static_cast<char>(code.system));
  key += code.code;
  return key;
}

void ModuleLibrary::intern_codes() {
  auto ids = [&](const std::vector<record::Code>& codes, std::vector<uint32_t>& out) {
    out.clear();
    for (const record::Code& c : codes) out.push_back(code_ids_.intern(code_key(c)));
  };
  auto logic = [&](auto& self, Logic& l) -> void {
    ids(l.codes, l.code_ids);
    for (Logic& child : l.children) self(self, child);
  };
  auto body = [&](ObservationBody& b) { ids(b.codes, b.code_ids); };
  auto module = [&](Module& m) {
    for (ModuleState& s : m.states) {
      ids(s.codes, s.code_ids);
      if (s.allow) logic(logic, *s.allow);
      for (TransitionOption& o : s.transition.options) {
        if (o.condition) logic(logic, *o.condition);
      }
      body(s.observation);
      for (ObservationBody& b : s.observations) body(b);
    }
  };
  for (const auto& m : modules_) module(*m);
  for (const auto& m : submodules_) module(*m);
}

void ModuleLibrary::sum_weights() {
  auto sum = [](const std::vector<WeightedTarget>& weights, std::vector<double>& out) {
    out.clear();
    const bool fixed = std::none_of(weights.begin(), weights.end(), [](const WeightedTarget& w) {
      return w.attribute.has_value();
    });
    if (!fixed) return;
    double total = 0;
    for (const WeightedTarget& w : weights) {
      total += w.probability;
      out.push_back(total);
    }
  };
  auto module = [&](Module& m) {
    for (ModuleState& s : m.states) {
      sum(s.transition.weights, s.transition.cumulative);
      for (TransitionOption& o : s.transition.options) sum(o.weights, o.cumulative);
    }
  };
  for (const auto& m : modules_) module(*m);
  for (const auto& m : submodules_) module(*m);
}

}  // namespace fos::synth
