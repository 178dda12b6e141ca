// Athena (engine v3) DDL for an Iceberg table: CREATE TABLE ... TBLPROPERTIES
// ('table_type' = 'ICEBERG'), with the same columns, types and partition transforms as the
// definition fos writes with, so the two cannot drift.
#pragma once

#include <string>
#include <string_view>

#include "lake/iceberg/table.hpp"

namespace fos::lake {

/// Athena's name of an Iceberg type: int, bigint, double, date, timestamp, string, ...
std::string_view athena_type(IcebergType type);

/// CREATE TABLE `<ns>`.`<name>` for `definition` at `location` (e.g.
/// "s3://bucket/wh/omop/person/").
std::string athena_create_table(std::string_view ns, std::string_view name,
                                const TableDefinition& definition, std::string_view location);

}  // namespace fos::lake
