// FhirWriteOptions and the sink factory.
#include "fhir/write/fhir_write.hpp"

#include <system_error>

#include "core/error.hpp"
#include "fhir/write/sinks.hpp"

namespace fos::fhir {

void FhirWriteOptions::validate() const {
  if (layout != FhirLayout::kNdjson && layout != FhirLayout::kBundles) {
    fail(ErrorKind::kInvalidInput,
         "fhir layout: unknown value " + std::to_string(static_cast<int>(layout)));
  }
  if (request_url.empty()) fail(ErrorKind::kInvalidInput, "fhir request_url: must not be empty");
  const int year = transaction_time.date().year();
  if (year < 1 || year > 9999) {
    fail(ErrorKind::kInvalidInput,
         "fhir transaction_time: year " + std::to_string(year) + " is outside 0001..9999");
  }
}

std::unique_ptr<record::RecordSink> make_fhir_sink(const std::filesystem::path& dir,
                                                   const record::ProviderDirectory& directory,
                                                   const FhirWriteOptions& options) {
  options.validate();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    fail(ErrorKind::kIo, dir.string() + ": FHIR output folder does not exist");
  }
  if (options.layout == FhirLayout::kBundles) return make_bundle_sink(dir, directory, options);
  return make_ndjson_sink(dir, directory, options);
}

}  // namespace fos::fhir
