// Lookups over the generated CDM table list, and the CDM-to-SQL type mapping.
#include "omop/cdm/cdm.hpp"

#include <charconv>
#include <string>

#include "core/error.hpp"

namespace fos::omop {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// An integer column naming a row of some table other than CONCEPT: primary keys,
// foreign keys to events, person, provider, care site, location, and the
// polymorphic event ids (fact_id_1, cost_event_id, measurement_event_id, ...).
bool is_entity_id(const CdmColumn& column) {
  if (column.primary_key || !column.fk_table.empty()) return true;
  return ends_with(column.name, "_id") || column.name == "fact_id_1" || column.name == "fact_id_2";
}

}  // namespace

std::optional<size_t> CdmTable::column_index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return i;
  }
  return std::nullopt;
}

const CdmTable* find_cdm_table(std::string_view name) {
  for (const CdmTable& table : cdm_tables()) {
    if (table.name == name) return &table;
  }
  return nullptr;
}

const CdmTable& cdm_table(std::string_view name) {
  const CdmTable* table = find_cdm_table(name);
  if (table == nullptr) fail(ErrorKind::kInternal, "no CDM table named " + std::string(name));
  return *table;
}

bool is_concept_column(const CdmColumn& column) {
  return column.fk_table == "concept" || column.name.find("concept_id") != std::string_view::npos;
}

std::string_view sql_type(const CdmColumn& column) {
  const std::string_view type = column.cdm_type;
  if (type == "integer") {
    if (is_concept_column(column)) return "INTEGER";
    return is_entity_id(column) ? "BIGINT" : "INTEGER";
  }
  if (type == "bigint") return "BIGINT";
  if (type == "float") return "DOUBLE";
  if (type == "date") return "DATE";
  if (type == "datetime") return "TIMESTAMP";
  if (type.starts_with("varchar")) return "VARCHAR";
  fail(ErrorKind::kInternal,
       "unknown CDM datatype '" + std::string(type) + "' of column " + std::string(column.name));
}

std::optional<size_t> varchar_length(const CdmColumn& column) {
  const std::string_view type = column.cdm_type;
  if (!type.starts_with("varchar(") || !type.ends_with(")")) return std::nullopt;
  const std::string_view digits = type.substr(8, type.size() - 9);
  size_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;  // MAX
  return n;
}

}  // namespace fos::omop
