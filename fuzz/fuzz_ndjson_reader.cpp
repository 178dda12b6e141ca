// libFuzzer target for the streaming FHIR reader: the input is written as one .ndjson file
// and read twice with --on-error skip; both reads must yield the same resources (type, id,
// line) and the same number of skipped lines, and every line must be either a resource or
// a skip. Any other exception, a crash or a sanitizer report is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "fhir/read/read.hpp"

namespace {

namespace fs = std::filesystem;

struct Pass {
  std::string resources;  // "type/id@line;" per resource
  uint64_t count = 0;
  uint64_t skipped = 0;
  bool operator==(const Pass& other) const {
    return resources == other.resources && count == other.count && skipped == other.skipped;
  }
};

Pass read_all(const fs::path& file) {
  fos::fhir::ReaderOptions options;
  options.inputs = {file};
  options.on_error = fos::fhir::OnError::kSkip;
  fos::fhir::ResourceReader reader(options);
  Pass pass;
  while (auto resource = reader.next()) {
    pass.resources += resource->type + "/" + resource->id + "@" + std::to_string(resource->line);
    pass.resources += ';';
    ++pass.count;
  }
  pass.skipped = reader.skipped();
  return pass;
}

const fs::path& input_file() {
  static const fs::path path =
      fs::temp_directory_path() / ("fos-fuzz-ndjson-" + std::to_string(::getpid()) + ".ndjson");
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream out(input_file(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const Pass first = read_all(input_file());
    const Pass second = read_all(input_file());
    if (!(first == second)) std::abort();
  } catch (const fos::Error&) {
    // An unreadable file (I/O) is the only failure allowed with on_error = skip: abort
    // anything else so that the fuzzer reports it.
    std::abort();
  }
  return 0;
}
