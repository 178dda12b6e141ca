// The default ViewDefinitions compiled into the binary from views/*.json.
#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "sof/view.hpp"

namespace fos::sof {
namespace embedded {
std::optional<std::string_view> default_view_file(std::string_view name);
std::vector<std::string_view> default_view_file_names();
}  // namespace embedded

std::vector<std::string> default_view_names() {
  std::vector<std::string> names;
  for (std::string_view name : embedded::default_view_file_names()) names.emplace_back(name);
  return names;
}

std::vector<ViewDefinition> default_views() {
  std::vector<ViewDefinition> views;
  for (const std::string& name : default_view_names()) {
    const std::string source = "default:" + name;
    const std::optional<std::string_view> text = embedded::default_view_file(name);
    if (!text) fail(ErrorKind::kInternal, source + ": not embedded");
    const fhir::JsonDocument document = fhir::parse_json(*text, source);
    views.push_back(parse_view(document, source));
  }
  return views;
}

}  // namespace fos::sof
