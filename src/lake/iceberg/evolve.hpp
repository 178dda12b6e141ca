// Schema evolution of an Iceberg table (add a column, widen a type, rename a column) as a
// new metadata version, and the read side that makes it work: data files are read by
// Parquet field id, so renamed columns keep their values, added columns are null in older
// files and widened columns are cast.
//
// Field ids are never reused: a new column gets last-column-id + 1, and a schema that
// would give an id at or below last-column-id to anything but the column that had it
// before is refused.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lake/iceberg/metadata.hpp"
#include "lake/iceberg/table.hpp"
#include "lake/iceberg/types.hpp"

namespace fos::lake {

enum class SchemaChangeKind { kAddColumn, kRename, kWiden };

struct SchemaChange {
  SchemaChangeKind kind = SchemaChangeKind::kAddColumn;
  std::string column;                       ///< the column added, renamed or widened
  std::string new_name;                     ///< kRename: the new name
  IcebergType type = IcebergType::kString;  ///< kAddColumn, kWiden: the (new) type

  /// "NAME:TYPE" for kAddColumn / kWiden, "OLD:NEW" for kRename. Throws
  /// Error{kInvalidInput} naming `flag` and the text.
  static SchemaChange parse(SchemaChangeKind kind, std::string_view text, std::string_view flag);
};

/// True when Iceberg allows promoting a column of type `from` to `to` (int -> long,
/// float -> double).
bool is_legal_promotion(IcebergType from, IcebergType to);

/// The current schema of `base` with `changes` applied in order, as a new schema id. Throws
/// Error{kInvalidInput}: unknown column, duplicate name, narrowing or other illegal type
/// change, widening a partition source column.
IcebergSchema evolve_schema(const TableMetadata& base, const std::vector<SchemaChange>& changes);

/// Checks that `next` may follow the current schema of `base`: every field id either keeps
/// its column (same id, same or promoted type) or is new (above last-column-id); names are
/// unique. Throws Error{kInvalidInput} naming the field, e.g. for a reused field id.
void validate_schema_successor(const TableMetadata& base, const IcebergSchema& next);

struct EvolveResult {
  int version = 0;  ///< the metadata version committed
  int schema_id = 0;
  int last_column_id = 0;
};

/// Commit `changes` to `table` as a new metadata version with a new current schema. Nothing
/// is written when a change is refused.
EvolveResult evolve_table(IcebergTable& table, const std::vector<SchemaChange>& changes);

/// SQL selecting the columns of `schema` from the Parquet files `local_paths` (non-empty),
/// matched by field id: a column missing from a file reads as null, and values are cast to
/// the schema's type.
std::string read_by_field_id_sql(const IcebergSchema& schema,
                                 const std::vector<std::string>& local_paths);

}  // namespace fos::lake
