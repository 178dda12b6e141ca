// Spilled resource lines: tab-separated head, then the resource as compact JSON (which has
// no raw tab or newline).
#include "fhir2omop/spill.hpp"

#include <array>
#include <charconv>
#include <memory>

#include "core/error.hpp"

namespace fos::fhir2omop {
namespace {

constexpr size_t kHeadFields = 5;  // order, patient id, type, line, source

// The head fields and the JSON after them.
std::array<std::string_view, kHeadFields + 1> fields_of(std::string_view line) {
  std::array<std::string_view, kHeadFields + 1> out;
  for (size_t i = 0; i < kHeadFields; ++i) {
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) fail(ErrorKind::kInternal, "fhir2omop: bad spilled line");
    out[i] = line.substr(0, tab);
    line.remove_prefix(tab + 1);
  }
  out[kHeadFields] = line;
  return out;
}

uint64_t number(std::string_view text) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) {
    fail(ErrorKind::kInternal, "fhir2omop: bad number in a spilled line");
  }
  return n;
}

}  // namespace

void append_spilled(std::string& out, uint64_t order, std::string_view patient_id,
                    const fhir::Resource& resource) {
  out.append(std::to_string(order)).append("\t").append(patient_id).append("\t");
  out.append(resource.type).append("\t").append(std::to_string(resource.line)).append("\t");
  out.append(resource.source).append("\t");
  fhir::write_json(resource.json, out);
  out += '\n';
}

SpilledHead spilled_head(std::string_view line) {
  const auto f = fields_of(line);
  return {f[1], f[2]};
}

Item read_spilled(std::string_view line) {
  const auto f = fields_of(line);
  Item item;
  item.order = number(f[0]);
  item.resource.source = std::string(f[4]);
  item.resource.line = number(f[3]);
  auto document =
      std::make_shared<const fhir::JsonDocument>(fhir::parse_json(f[5], item.resource.source));
  item.resource.json = document->root();
  item.resource.storage = std::move(document);
  item.resource.type = std::string(f[2]);
  item.resource.id = std::string(item.resource.json.find_string("id").value_or(""));
  return item;
}

}  // namespace fos::fhir2omop
