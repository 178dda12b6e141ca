// AtomicFile and StagedDir.
#include "core/output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/error.hpp"

namespace fos {
namespace fs = std::filesystem;
namespace {

std::atomic<uint64_t> temp_counter{0};

// A file's written bytes are handed to the disk every this many bytes (decision 0011).
constexpr uint64_t kWritebackBytes = uint64_t{16} << 20;

std::string unique_suffix() {
  return std::to_string(::getpid()) + "-" + std::to_string(temp_counter.fetch_add(1));
}

[[noreturn]] void io_fail(const fs::path& path, const std::string& what, int err) {
  fail(ErrorKind::kIo, path.string() + ": " + what + ": " + std::strerror(err));
}

}  // namespace

AtomicFile::AtomicFile(fs::path path) : path_(std::move(path)) {
  temp_ = path_;
  temp_ += ".tmp-" + unique_suffix();
  file_ = std::fopen(temp_.c_str(), "wb");
  if (file_ == nullptr) io_fail(path_, "cannot create", errno);
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      file_(other.file_),
      size_(other.size_),
      written_back_(other.written_back_) {
  other.file_ = nullptr;
  other.temp_.clear();
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ignored;
    fs::remove(temp_, ignored);
  }
}

void AtomicFile::write(std::string_view bytes) {
  FOS_ASSERT(file_ != nullptr);
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    io_fail(path_, "write failed", errno);
  }
  size_ += bytes.size();
  if (size_ - written_back_ >= kWritebackBytes) start_writeback();
}

void AtomicFile::start_writeback() {
  if (std::fflush(file_) != 0) io_fail(path_, "write failed", errno);
  // Only a hint: where the kernel cannot start the writeback, the pages go out as usual.
  (void)::sync_file_range(::fileno(file_), static_cast<off_t>(written_back_),
                          static_cast<off_t>(size_ - written_back_), SYNC_FILE_RANGE_WRITE);
  written_back_ = size_;
}

void AtomicFile::commit() {
  FOS_ASSERT(file_ != nullptr);
  std::FILE* f = file_;
  file_ = nullptr;
  const bool ok = std::fflush(f) == 0;
  const int err = errno;
  std::fclose(f);
  std::error_code ec;
  if (!ok) {
    fs::remove(temp_, ec);
    io_fail(path_, "write failed", err);
  }
  fs::rename(temp_, path_, ec);
  if (ec) {
    fs::remove(temp_, ec);
    fail(ErrorKind::kIo, path_.string() + ": cannot rename into place: " + ec.message());
  }
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  AtomicFile file(path);
  file.write(bytes);
  file.commit();
}

std::string read_file(const fs::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) io_fail(path, "cannot open", errno);
  std::string out;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) io_fail(path, "read failed", EIO);
  return out;
}

StagedDir::StagedDir(fs::path target) : target_(std::move(target)) {
  std::error_code ec;
  if (fs::exists(target_, ec) && !fs::is_directory(target_, ec)) {
    fail(ErrorKind::kIo, target_.string() + ": exists and is not a folder");
  }
  fs::create_directories(target_, ec);
  if (ec) fail(ErrorKind::kIo, target_.string() + ": cannot create output folder: " + ec.message());
  if (::access(target_.c_str(), W_OK | X_OK) != 0)
    io_fail(target_, "output folder is not writable", errno);
  staging_ = target_ / (".fos-staging-" + unique_suffix());
  fs::create_directory(staging_, ec);
  if (ec) fail(ErrorKind::kIo, staging_.string() + ": cannot create: " + ec.message());
}

StagedDir::~StagedDir() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
  }
}

fs::path StagedDir::path(const fs::path& relative) const {
  fs::path p = staging_ / relative;
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) fail(ErrorKind::kIo, p.parent_path().string() + ": cannot create: " + ec.message());
  return p;
}

void StagedDir::commit() {
  FOS_ASSERT(!committed_);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(staging_)) {
    const fs::path dest = target_ / entry.path().filename();
    if (fs::exists(dest, ec)) {
      const fs::path old = target_ / (".fos-old-" + unique_suffix());
      fs::rename(dest, old, ec);
      if (ec) fail(ErrorKind::kIo, dest.string() + ": cannot replace: " + ec.message());
      fs::remove_all(old, ec);
    }
    fs::rename(entry.path(), dest, ec);
    if (ec) fail(ErrorKind::kIo, dest.string() + ": cannot move into place: " + ec.message());
  }
  fs::remove_all(staging_, ec);
  committed_ = true;
}

}  // namespace fos
