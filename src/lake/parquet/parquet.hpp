// Writing Apache Parquet files from column batches, without a database in between.
//
// A ParquetWriter streams batches into one file: each batch is encoded as it comes (PLAIN
// values and RLE definition levels per column; every column OPTIONAL) and not kept; a data page
// (v1) is compressed with zstd when full, and a row group's pages are written, column after
// column, once it has options.row_group_rows rows (cut at fixed row counts whatever the batch
// sizes, so the bytes depend only on the rows). finish() writes the footer. The subset written,
// and why, is in docs/decisions/0009-own-parquet-writer.md.
// The schema carries the types DuckDB reads back as the columns' SQL types:
//   INTEGER   -> INT32  (INT_32)       BIGINT    -> INT64 (INT_64)
//   DOUBLE    -> DOUBLE                DATE      -> INT32 (DATE)
//   TIMESTAMP -> INT64  (TIMESTAMP_MICROS, not adjusted to UTC)
//   VARCHAR   -> BYTE_ARRAY (UTF8)
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "lake/parquet/columns.hpp"

namespace fos::lake {

struct ParquetOptions {
  size_t row_group_rows = 32768;  ///< rows per row group (the last may have fewer)
  size_t page_bytes = 1 << 20;    ///< a data page ends once its values take this many bytes
  int zstd_level = 3;             ///< zstd compression level of the pages

  /// Throws Error{kInvalidInput} for a zero row group or page size or a level zstd lacks.
  void validate() const;
};

class ParquetWriter {
 public:
  /// Create (truncate) the file at `path` for rows of `columns`. Throws Error{kIo} naming the
  /// path when it cannot be created.
  ParquetWriter(std::filesystem::path path, std::vector<ColumnSpec> columns,
                ParquetOptions options = {});
  /// Without finish() (abandoned, or a write failed): closes and removes the file.
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  /// Append the rows of `batch` (its column types must match). Throws Error{kInternal} for a
  /// mismatched batch or an INTEGER value out of the 32-bit range, Error{kIo} when writing
  /// fails; either way the writer is then unusable and finish() throws.
  void write(const ColumnBatch& batch);
  /// Write the rows still buffered and the footer, and close the file.
  void finish();

  /// Rows written so far.
  uint64_t rows() const;
  const std::filesystem::path& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fos::lake
