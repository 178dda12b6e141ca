// Front door of the sof room: SQL on FHIR v2 ViewDefinitions run over FHIR resources,
// rows written to table sinks (NDJSON, CSV).
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/read/read.hpp"
#include "fhirpath/fhirpath.hpp"
#include "sof/view.hpp"

namespace fos::sof {

/// One cell: null (empty, not an array), one value, or an array (collection columns).
struct Cell {
  bool is_array = false;
  fhirpath::Collection values;
};
using Row = std::vector<Cell>;

/// Where rows go. begin() once with the column names, then rows, then finish().
class TableSink {
 public:
  virtual ~TableSink() = default;
  virtual void begin(const std::vector<std::string>& columns) = 0;
  virtual void row(const Row& row) = 0;
  virtual void finish() = 0;
};

/// One JSON object per row, keys in column order, nulls written out.
class NdjsonTableWriter : public TableSink {
 public:
  explicit NdjsonTableWriter(std::ostream& out) : out_(out) {}
  void begin(const std::vector<std::string>& columns) override;
  void row(const Row& row) override;
  void finish() override;

 private:
  std::ostream& out_;
  std::vector<std::string> keys_;  // pre-escaped "\"name\":"
  std::string buffer_;
};

/// RFC 4180 CSV with a header; null is an empty field, arrays and objects are JSON text.
class CsvTableWriter : public TableSink {
 public:
  explicit CsvTableWriter(std::ostream& out) : out_(out) {}
  void begin(const std::vector<std::string>& columns) override;
  void row(const Row& row) override;
  void finish() override;

 private:
  std::ostream& out_;
  std::string buffer_;
};

/// Runs one view over resources. Not thread-safe (one per thread).
class ViewRunner {
 public:
  explicit ViewRunner(const ViewDefinition& view);

  /// Rows of `resource` (none when its type differs or a where is not true). Throws
  /// Error{kInvalidInput} / Error{kFhirpath} naming the view, the resource and the column.
  std::vector<Row> rows(const fhir::Resource& resource);
  /// Same, into `sink`; returns the number of rows.
  uint64_t run(const fhir::Resource& resource, TableSink& sink);

  const ViewDefinition& view() const { return view_; }

 private:
  struct Focus {
    fhirpath::Value item;
    int64_t index;
  };
  std::vector<Row> process(const Select& select, const fhirpath::Value& focus, int64_t row_index);
  void null_row(const Select& select, Row& row) const;
  Cell column_cell(const Column& column, const fhirpath::Collection& focus, int64_t row_index);
  std::vector<Focus> foci(const Select& select, const fhirpath::Value& focus, int64_t row_index);
  bool included(const fhir::Resource& resource);
  fhirpath::Collection eval(const fhirpath::Expression& expression,
                            const fhirpath::Collection& focus, int64_t row_index);

  const ViewDefinition& view_;
  fhirpath::Variables variables_;
  fhirpath::Value* row_index_ = nullptr;
  const fhir::Resource* resource_ = nullptr;
};

/// What flatten_to_csv did: resources read and rows written per view name, in view order.
struct FlattenSummary {
  uint64_t resources = 0;
  std::vector<std::pair<std::string, uint64_t>> rows;
};

/// One pass over `reader`: the rows of each view into `<out_dir>/<view name>.csv`
/// (created; each file appears complete or not at all). Throws like ViewRunner::run and
/// Error{kIo} when a file cannot be written.
FlattenSummary flatten_to_csv(fhir::ResourceReader& reader,
                              const std::vector<ViewDefinition>& views,
                              const std::filesystem::path& out_dir);

/// DuckDB type of a Parquet column for a view column's FHIR type: boolean BOOLEAN, integer /
/// positiveInt / unsignedInt INTEGER, integer64 BIGINT, decimal DOUBLE, anything else
/// (strings, codes, partial-precision dates and times) and every collection VARCHAR.
std::string parquet_type(std::string_view fhir_type, bool collection);

/// Convert the CSV table of `view` (as CsvTableWriter wrote it) into a zstd Parquet file
/// with typed columns in view order. Throws Error{kInvalidInput} naming the view when a
/// value does not fit its column type.
void csv_to_parquet(const std::filesystem::path& csv, const ViewDefinition& view,
                    const std::filesystem::path& parquet);

}  // namespace fos::sof
