// Bundles: entries become resources; urn:uuid full URLs and conditional references
// (`Type?identifier=system|value`) are rewritten to literal `Type/id` references.
#include <map>
#include <string>

#include "core/error.hpp"
#include "fhir/read/read.hpp"

namespace fos::fhir {
namespace {

using ReferenceMap = std::map<std::string, std::string, std::less<>>;

void rewrite_references(Json& node, const ReferenceMap& targets, JsonArena& arena) {
  if (node.is_array()) {
    for (Json& item : node.items()) rewrite_references(item, targets, arena);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, value] : node.members()) {
    if (key == "reference" && value.is_string()) {
      auto found = targets.find(value.text());
      if (found != targets.end()) value = Json::string(arena.copy(found->second));
      continue;
    }
    rewrite_references(value, targets, arena);
  }
}

void index_identifiers(const Json& resource, const std::string& literal, ReferenceMap& targets) {
  const Json* identifiers = resource.find("identifier");
  if (identifiers == nullptr || !identifiers->is_array()) return;
  const std::string type(resource.find_string("resourceType").value_or(""));
  for (const Json& identifier : identifiers->items()) {
    const auto system = identifier.find_string("system");
    const auto value = identifier.find_string("value");
    if (!value) continue;
    const std::string key =
        type + "?identifier=" + std::string(system.value_or("")) + "|" + std::string(*value);
    targets.emplace(key, literal);
    if (!system) targets.emplace(type + "?identifier=" + std::string(*value), literal);
  }
}

Resource make_resource(Json json, const std::shared_ptr<const void>& storage,
                       const std::string& source, uint64_t line) {
  const auto type = json.find_string("resourceType");
  if (!type || type->empty()) {
    fail(ErrorKind::kInvalidInput, source +
                                       (line ? ": line " + std::to_string(line) : std::string()) +
                                       ": not a FHIR resource (no resourceType)");
  }
  Resource resource;
  resource.type = std::string(*type);
  resource.id = std::string(json.find_string("id").value_or(""));
  resource.json = json;
  resource.storage = storage;
  resource.source = source;
  resource.line = line;
  return resource;
}

}  // namespace

void resources_from_document(Json document, JsonArena& arena,
                             const std::shared_ptr<const void>& storage, const std::string& source,
                             uint64_t line, std::vector<Resource>& out) {
  // Built only for a message (most documents need none).
  auto where = [&] { return source + (line ? ": line " + std::to_string(line) : std::string()); };
  if (!document.is_object()) {
    fail(ErrorKind::kInvalidInput, where() + ": expected a JSON object (a FHIR resource)");
  }
  if (document.find_string("resourceType").value_or("") != "Bundle") {
    out.push_back(make_resource(document, storage, source, line));
    return;
  }
  Json* entries = document.find("entry");
  if (entries == nullptr) return;
  if (!entries->is_array())
    fail(ErrorKind::kInvalidInput, where() + ": Bundle.entry is not an array");
  ReferenceMap targets;
  for (const Json& entry : entries->items()) {
    const Json* resource = entry.find("resource");
    if (resource == nullptr || !resource->is_object()) continue;
    const auto type = resource->find_string("resourceType");
    const auto id = resource->find_string("id");
    const auto full_url = entry.find_string("fullUrl");
    if (!type) continue;
    std::string literal;
    if (id) {
      literal = std::string(*type) + "/" + std::string(*id);
    } else if (full_url && full_url->starts_with("urn:uuid:")) {
      literal = std::string(*type) + "/" + std::string(full_url->substr(9));
    } else {
      continue;
    }
    if (full_url) targets.emplace(std::string(*full_url), literal);
    index_identifiers(*resource, literal, targets);
  }
  for (Json& entry : entries->items()) {
    Json* resource = entry.find("resource");
    if (resource == nullptr || !resource->is_object()) continue;
    // A resource without id but with a urn:uuid fullUrl takes the uuid as its id.
    const auto full_url = entry.find_string("fullUrl");
    if (resource->find("id") == nullptr && full_url && full_url->starts_with("urn:uuid:")) {
      resource->add("id", Json::string(full_url->substr(9)), arena);
    }
    rewrite_references(*resource, targets, arena);
    out.push_back(make_resource(*resource, storage, source, line));
  }
}

}  // namespace fos::fhir
