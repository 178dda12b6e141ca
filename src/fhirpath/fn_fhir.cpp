// FHIR and SQL on FHIR functions: extension(url), getResourceKey(), getReferenceKey([type]).
//
// Keys are the resource id: getResourceKey() of a resource equals getReferenceKey()
// of every literal reference to it (`Patient/123`, absolute URLs, `_history` versions).
#include "fhirpath/functions.hpp"

namespace fos::fhirpath {

std::optional<std::pair<std::string_view, std::string_view>> split_reference(
    std::string_view reference) {
  if (reference.empty() || reference[0] == '#' || reference.find('?') != std::string_view::npos ||
      reference.starts_with("urn:")) {
    return std::nullopt;
  }
  const size_t history = reference.find("/_history/");
  if (history != std::string_view::npos) reference = reference.substr(0, history);
  const size_t slash = reference.rfind('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == reference.size()) {
    return std::nullopt;
  }
  const std::string_view id = reference.substr(slash + 1);
  const std::string_view head = reference.substr(0, slash);
  const size_t type_start = head.rfind('/');
  const std::string_view type =
      type_start == std::string_view::npos ? head : head.substr(type_start + 1);
  if (type.empty() || !std::isupper(static_cast<unsigned char>(type[0]))) return std::nullopt;
  return std::make_pair(type, id);
}

Collection fn_extension(const Call& call) {
  const auto url = call.string_arg(0);
  if (!url) return {};
  Collection out;
  for (const Value& item : call.input()) {
    if (item.kind != ValueKind::kNode) continue;
    const Json* extensions = item.node->find("extension");
    if (extensions == nullptr || !extensions->is_array()) continue;
    for (const Json& extension : extensions->items()) {
      if (extension.find_string("url") == *url)
        out.push_back(Value::of_node(extension, "Extension"));
    }
  }
  return out;
}

Collection fn_get_resource_key(const Call& call) {
  Collection out;
  for (const Value& item : call.input()) {
    if (item.kind != ValueKind::kNode || !item.node->find_string("resourceType")) continue;
    if (const auto id = item.node->find_string("id"))
      out.push_back(Value::of_string(std::string(*id)));
  }
  return out;
}

Collection fn_get_reference_key(const Call& call) {
  const std::string type = call.arg_count() ? call.type_arg(0) : std::string();
  Collection out;
  for (const Value& item : call.input()) {
    if (item.kind != ValueKind::kNode) continue;
    const auto reference = item.node->find_string("reference");
    if (!reference) continue;
    const auto parts = split_reference(*reference);
    if (!parts || (!type.empty() && parts->first != type)) continue;
    out.push_back(Value::of_string(std::string(parts->second)));
  }
  return out;
}

}  // namespace fos::fhirpath
