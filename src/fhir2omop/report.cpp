// MappingReport counting and its JSON and text renderings.
#include "fhir2omop/report.hpp"

#include <algorithm>
#include <vector>

#include "core/json_writer.hpp"

namespace fos::fhir2omop {
namespace {

constexpr size_t kTopUnmapped = 20;

void write_reasons(JsonWriter& w, std::string_view key, const std::map<std::string, uint64_t>& m) {
  w.key(key);
  w.begin_object();
  for (const auto& [reason, n] : m) w.field(reason, n);
  w.end_object();
}

void write_system(JsonWriter& w, const SystemCounts& s) {
  w.begin_object();
  w.field("codes", s.codes);
  w.field("mapped_to_standard", s.standard);
  w.field("concept_0", s.concept_zero);
  std::vector<std::pair<std::string, uint64_t>> top(s.unmapped.begin(), s.unmapped.end());
  std::stable_sort(top.begin(), top.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (top.size() > kTopUnmapped) top.resize(kTopUnmapped);
  w.key("top_unmapped");
  w.begin_array();
  for (const auto& [code, n] : top) {
    w.begin_object();
    w.field("code", code);
    w.field("count", n);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

uint64_t total(const std::map<std::string, uint64_t>& m) {
  uint64_t n = 0;
  for (const auto& [reason, count] : m) n += count;
  return n;
}

}  // namespace

TypeCounts& MappingReport::type(std::string_view resource_type) {
  return types_[std::string(resource_type)];
}

void MappingReport::skip(std::string_view resource_type, std::string_view reason) {
  ++type(resource_type).skipped[std::string(reason)];
}

void MappingReport::warn(std::string_view resource_type, std::string_view reason) {
  ++type(resource_type).warnings[std::string(reason)];
}

void MappingReport::code(std::string_view resource_type, std::string_view system_uri,
                         std::string_view code, bool standard) {
  SystemCounts& s = type(resource_type).systems[std::string(system_uri)];
  ++s.codes;
  if (standard) {
    ++s.standard;
    return;
  }
  ++s.concept_zero;
  ++s.unmapped[std::string(code)];
}

void MappingReport::merge(const MappingReport& other) {
  malformed_lines += other.malformed_lines;
  persons += other.persons;
  for (const auto& [name, t] : other.types_) {
    TypeCounts& mine = types_[name];
    mine.read += t.read;
    mine.converted += t.converted;
    for (const auto& [reason, n] : t.skipped) mine.skipped[reason] += n;
    for (const auto& [reason, n] : t.warnings) mine.warnings[reason] += n;
    for (const auto& [system, s] : t.systems) {
      SystemCounts& to = mine.systems[system];
      to.codes += s.codes;
      to.standard += s.standard;
      to.concept_zero += s.concept_zero;
      for (const auto& [code, n] : s.unmapped) to.unmapped[code] += n;
    }
  }
}

uint64_t MappingReport::skipped(std::string_view reason) const {
  uint64_t n = 0;
  for (const auto& [name, t] : types_) {
    const auto it = t.skipped.find(std::string(reason));
    if (it != t.skipped.end()) n += it->second;
  }
  return n;
}

std::string MappingReport::json() const {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("persons", persons);
  w.field("malformed_lines", malformed_lines);
  w.key("resource_types");
  w.begin_object();
  for (const auto& [name, t] : types_) {
    w.key(name);
    w.begin_object();
    w.field("read", t.read);
    w.field("converted", t.converted);
    write_reasons(w, "skipped", t.skipped);
    write_reasons(w, "warnings", t.warnings);
    w.key("code_systems");
    w.begin_object();
    for (const auto& [system, s] : t.systems) {
      w.key(system.empty() ? "(none)" : system);
      write_system(w, s);
    }
    w.end_object();
    w.end_object();
  }
  w.end_object();
  w.end_object();
  out += '\n';
  return out;
}

std::string MappingReport::summary() const {
  std::string out;
  for (const auto& [name, t] : types_) {
    uint64_t codes = 0;
    uint64_t zero = 0;
    for (const auto& [system, s] : t.systems) {
      codes += s.codes;
      zero += s.concept_zero;
    }
    out += "  " + name + ": " + std::to_string(t.read) + " read, " + std::to_string(t.converted) +
           " converted, " + std::to_string(total(t.skipped)) + " skipped";
    if (codes > 0)
      out += ", " + std::to_string(zero) + " of " + std::to_string(codes) + " codes concept 0";
    out += '\n';
    for (const auto& [reason, n] : t.skipped) {
      out += "    skipped (" + reason + "): " + std::to_string(n) + '\n';
    }
  }
  if (malformed_lines > 0)
    out += "  malformed lines skipped: " + std::to_string(malformed_lines) + '\n';
  if (held)
    out += "  input not grouped by patient: converted through spill files by patient range\n";
  return out;
}

}  // namespace fos::fhir2omop
