// Front door of the sof room: SQL on FHIR v2 ViewDefinitions run over FHIR resources,
// rows written to table sinks (NDJSON, CSV).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
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

/// A sink that formats rows into text and writes them to a stream in large blocks. A
/// detached twin (same format and columns, no stream) keeps its rows in memory, so worker
/// threads can format rows that the writer then writes in input order.
class TableWriter : public TableSink {
 public:
  void finish() override;
  /// A writer of the same format and columns (begin() done, no header) whose rows stay
  /// in memory until take().
  virtual std::unique_ptr<TableWriter> detached() const = 0;
  /// Append the rows formatted so far (a detached writer's) to `out`; the writer is then empty.
  void take(std::string& out);
  /// Write rows formatted by a detached twin.
  void write_formatted(std::string_view rows);

 protected:
  explicit TableWriter(std::ostream* out) : out_(out) {}
  /// Hand a full buffer to the stream (nothing for a detached writer).
  void flush_if_full();

  std::ostream* out_;
  std::string buffer_;
};

/// One JSON object per row, keys in column order, nulls written out.
class NdjsonTableWriter : public TableWriter {
 public:
  explicit NdjsonTableWriter(std::ostream& out) : TableWriter(&out) {}
  void begin(const std::vector<std::string>& columns) override;
  void row(const Row& row) override;
  std::unique_ptr<TableWriter> detached() const override;

 private:
  NdjsonTableWriter() : TableWriter(nullptr) {}
  std::vector<std::string> keys_;  // pre-escaped "\"name\":"
};

/// RFC 4180 CSV with a header; null is an empty field, arrays and objects are JSON text.
class CsvTableWriter : public TableWriter {
 public:
  explicit CsvTableWriter(std::ostream& out) : TableWriter(&out) {}
  void begin(const std::vector<std::string>& columns) override;
  void row(const Row& row) override;
  std::unique_ptr<TableWriter> detached() const override;

 private:
  CsvTableWriter() : TableWriter(nullptr) {}
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
  void fill_cell(const Column& column, const fhirpath::Collection& focus, int64_t row_index,
                 Cell& cell);
  /// run() for a view of one plain select (columns only): one row, built in place.
  uint64_t run_single_row(const fhir::Resource& resource, TableSink& sink);
  std::vector<Focus> foci(const Select& select, const fhirpath::Value& focus, int64_t row_index);
  bool included(const fhir::Resource& resource);
  fhirpath::Collection eval(const fhirpath::Expression& expression,
                            const fhirpath::Collection& focus, int64_t row_index);
  void eval_into(const fhirpath::Expression& expression, const fhirpath::Collection& focus,
                 int64_t row_index, fhirpath::Collection& out);

  const ViewDefinition& view_;
  fhirpath::Variables variables_;
  fhirpath::Value* row_index_ = nullptr;
  const fhir::Resource* resource_ = nullptr;
  bool single_row_ = false;    ///< one select with columns only (run_single_row)
  Row row_;                    ///< run_single_row's row, cells reused from resource to resource
  fhirpath::Collection root_;  ///< run_single_row's focus: the resource
};

/// One view's output in flatten(): rows go to `writer` (begin() already called).
struct FlattenTable {
  const ViewDefinition* view = nullptr;
  TableWriter* writer = nullptr;
  uint64_t rows = 0;  ///< rows written (set by flatten)
};

struct FlattenOptions {
  /// Threads parsing and evaluating; 1 runs on the calling thread, 0 means one per core.
  unsigned threads = 1;
  /// Input bytes per unit of work handed to a thread.
  size_t batch_bytes = size_t{1} << 20;
};

/// One pass over `reader` (read with next_batch): every resource through every table's
/// view. Documents are parsed and rows formatted on `threads` threads; rows are written in
/// input order, so the output is byte-identical for any thread count. Malformed documents
/// go through reader.skip_or_fail in input order. Returns the number of resources read.
/// Throws like ViewRunner::run (the first failure in input order).
uint64_t flatten(fhir::ResourceReader& reader, std::vector<FlattenTable>& tables,
                 const FlattenOptions& options);

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
                              const std::filesystem::path& out_dir, unsigned threads = 1);

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
