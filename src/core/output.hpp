// Atomic output: files and folders that appear whole or not at all.
//
// AtomicFile writes to a temporary name beside its target and renames it on
// commit(); dropped without commit(), it removes the temporary file. It buffers
// what it is given; a long file's full buffers go straight to the disk, past the
// page cache (decision 0011).
// StagedDir collects a run's outputs in a hidden staging folder inside the
// target folder and moves them into place on commit(), so a failed run leaves
// no half-written table and an earlier run's files stay intact.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fos {

class AtomicFile {
 public:
  /// Open a temporary file beside `path`. Throws Error{kIo} naming the path.
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;

  void write(std::string_view bytes);
  /// Write what is buffered, close and rename onto the target. REQUIRES: not yet committed.
  void commit();
  /// Bytes written so far.
  uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }
  /// Whether the file's full buffers went to the disk directly, past the page cache
  /// (decision 0011): true once a buffer filled up on a file system that allows it.
  bool direct() const { return direct_; }

 private:
  struct FreeBuffer {
    void operator()(char* p) const;
  };
  // Write the full buffer: directly to the disk where the file system allows it, else
  // through the page cache.
  void flush_buffer();
  // Write `n` bytes at `data` to the file, through the page cache unless direct_.
  void write_out(const char* data, size_t n);
  // Replace the buffer with `bytes` aligned to `align`.
  void allocate(size_t align, size_t bytes);

  std::filesystem::path path_;
  std::filesystem::path temp_;
  int fd_ = -1;
  std::unique_ptr<char, FreeBuffer> buffer_;  ///< page-aligned, made on first use
  size_t capacity_ = 0;                       ///< bytes buffer_ holds: 1 MB, 2 MB once direct
  size_t used_ = 0;                           ///< bytes in buffer_
  uint64_t size_ = 0;
  bool direct_ = false;        ///< the file is open with O_DIRECT
  bool direct_tried_ = false;  ///< O_DIRECT was asked for (once, at the first full buffer)
};

/// Write a whole file atomically.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);
/// Read a whole file. Throws Error{kIo} naming the path.
std::string read_file(const std::filesystem::path& path);

class StagedDir {
 public:
  /// Create `target` if needed (checking that it is writable) and a staging folder in it.
  explicit StagedDir(std::filesystem::path target);
  ~StagedDir();
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;

  /// Where to write `relative` (e.g. "fhir/Patient.ndjson") before commit.
  std::filesystem::path path(const std::filesystem::path& relative) const;
  const std::filesystem::path& staging() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }

  /// Move every top-level entry of the staging folder into the target, replacing
  /// same-named entries, then remove the staging folder.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

}  // namespace fos
