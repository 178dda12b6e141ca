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
  return library;
}

}  // namespace fos::synth
