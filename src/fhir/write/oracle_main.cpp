// Schema-oracle check: writes the hand-made fixture patients in both layouts
// under a work folder and runs tests/oracles/fhir_schema.sh on it.
//
// usage: fos_fhir_write_oracle SCRIPT WORK_DIR   (exit status: the script's)
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/error.hpp"
#include "fhir/write/test_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using fos::fhir::FhirLayout;

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void write_layouts(const fs::path& dir) {
  const auto directory = fos::fhir::testing::fixture_directory();
  auto patients = fos::fhir::testing::fixture_patients();
  for (auto& variant : fos::fhir::testing::fixture_variants())
    patients.push_back(std::move(variant));
  for (const auto& [name, layout] :
       {std::pair{"ndjson", FhirLayout::kNdjson}, std::pair{"bundles", FhirLayout::kBundles}}) {
    fs::create_directories(dir / name);
    fos::fhir::testing::write_all(dir / name, directory,
                                  fos::fhir::testing::fixture_options(layout), patients);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SCRIPT WORK_DIR\n", argv[0]);
    return 2;
  }
  const fs::path work = fs::path(argv[2]) / "fhir_write_oracle";
  try {
    fs::remove_all(work);
    write_layouts(work);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  const std::string command = "bash " + quoted(argv[1]) + " " + quoted(work.string());
  const int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status)) return 2;
  return WEXITSTATUS(status);
}
