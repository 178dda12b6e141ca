// libFuzzer target for the GMF module loader: the input up to the first NUL byte is a module
// file, loaded both as the top-level module "fuzz" and as the submodule "sub/fuzz"; the rest is
// the text of every lookup table the module names. The input is loaded twice, with graph
// checks on: both loads must agree (same error message, or same states). A fos::Error is the
// only failure allowed; any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "synth/module/loader.hpp"
#include "synth/module/module.hpp"

namespace {

std::string load_once(std::string_view module, const std::string& table) {
  try {
    fos::synth::ModuleLibrary library;
    auto tables = [&](const std::string&) -> std::optional<std::string> { return table; };
    fos::synth::ModuleLoader loader(library, tables, true);
    loader.add("fuzz", "modules/fuzz.json", module);
    loader.add("sub/fuzz", "modules/sub/fuzz.json", module);
    loader.finish({});
    std::string summary = "ok";
    for (const auto& m : library.modules()) summary += ";" + std::to_string(m->states.size());
    for (const auto& m : library.submodules()) summary += ";" + std::to_string(m->states.size());
    return summary;
  } catch (const fos::Error& e) {
    return std::string("error:") + e.what();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(  // NOLINT(readability-identifier-naming): libFuzzer entry
    const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view module = input.substr(0, nul);
  const std::string table = nul == std::string_view::npos ? "" : std::string(input.substr(nul + 1));
  if (load_once(module, table) != load_once(module, table)) std::abort();
  return 0;
}
