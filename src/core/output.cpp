// AtomicFile and StagedDir.
#include "core/output.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <utility>

#include "core/error.hpp"

namespace fos {
namespace fs = std::filesystem;
namespace {

std::atomic<uint64_t> temp_counter{0};

// An AtomicFile collects this many bytes before writing them. Full buffers of a long file
// go straight to the disk (decision 0011), so the buffer, its size and the file offsets are
// multiples of kDirectAlign, which satisfies O_DIRECT on the usual block devices.
constexpr size_t kBufferBytes = size_t{1} << 20;
constexpr size_t kDirectAlign = 4096;
// Once a file goes direct, its buffer becomes one transparent huge page where the system
// offers them: the kernel then pins one page per write instead of 512.
constexpr size_t kHugePage = size_t{2} << 20;

std::string unique_suffix() {
  return std::to_string(::getpid()) + "-" + std::to_string(temp_counter.fetch_add(1));
}

[[noreturn]] void io_fail(const fs::path& path, const std::string& what, int err) {
  fail(ErrorKind::kIo, path.string() + ": " + what + ": " + std::strerror(err));
}

// Sets or clears O_DIRECT on an open file; false when the file system refuses it.
bool set_direct(int fd, bool on) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags == -1) return false;
  return ::fcntl(fd, F_SETFL, on ? (flags | O_DIRECT) : (flags & ~O_DIRECT)) == 0;
}

}  // namespace

void AtomicFile::FreeBuffer::operator()(char* p) const {
  std::free(p);  // from std::aligned_alloc
}

AtomicFile::AtomicFile(fs::path path) : path_(std::move(path)) {
  temp_ = path_;
  temp_ += ".tmp-" + unique_suffix();
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ == -1) io_fail(path_, "cannot create", errno);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      fd_(other.fd_),
      buffer_(std::move(other.buffer_)),
      capacity_(other.capacity_),
      used_(other.used_),
      size_(other.size_),
      direct_(other.direct_),
      direct_tried_(other.direct_tried_) {
  other.fd_ = -1;
  other.temp_.clear();
}

AtomicFile::~AtomicFile() {
  if (fd_ != -1) {
    ::close(fd_);
    std::error_code ignored;
    fs::remove(temp_, ignored);
  }
}

void AtomicFile::write(std::string_view bytes) {
  FOS_ASSERT(fd_ != -1);
  size_ += bytes.size();
  while (!bytes.empty()) {
    if (!buffer_) allocate(kDirectAlign, kBufferBytes);
    const size_t n = std::min(bytes.size(), capacity_ - used_);
    std::memcpy(buffer_.get() + used_, bytes.data(), n);
    used_ += n;
    bytes.remove_prefix(n);
    if (used_ == capacity_) flush_buffer();
  }
}

void AtomicFile::flush_buffer() {
  if (!direct_tried_) {
    direct_tried_ = true;
    direct_ = set_direct(fd_, true);
  }
  write_out(buffer_.get(), used_);
  used_ = 0;
  if (direct_ && capacity_ != kHugePage) {
    allocate(kHugePage, kHugePage);
    (void)::madvise(buffer_.get(), kHugePage, MADV_HUGEPAGE);  // a hint: fine if refused
  }
}

void AtomicFile::allocate(size_t align, size_t bytes) {
  buffer_.reset(static_cast<char*>(std::aligned_alloc(align, bytes)));
  if (!buffer_) fail(ErrorKind::kIo, path_.string() + ": out of memory for its buffer");
  capacity_ = bytes;
}

void AtomicFile::write_out(const char* data, size_t n) {
  while (n > 0) {
    const ssize_t done = ::write(fd_, data, n);
    if (done < 0 && errno == EINTR) continue;
    if (done < 0 && errno == EINVAL && direct_) {
      // The file system takes O_DIRECT but not these writes: go through the page cache.
      direct_ = false;
      if (!set_direct(fd_, false)) io_fail(path_, "write failed", errno);
      continue;
    }
    if (done <= 0) io_fail(path_, "write failed", done < 0 ? errno : EIO);
    data += done;
    n -= static_cast<size_t>(done);
  }
}

void AtomicFile::commit() {
  FOS_ASSERT(fd_ != -1);
  // The tail is shorter than a buffer: it goes through the page cache. A failure here
  // leaves fd_ open for the destructor, which removes the temporary file.
  if (direct_ && !set_direct(fd_, false)) io_fail(path_, "write failed", errno);
  direct_ = false;
  if (used_ > 0) write_out(buffer_.get(), used_);
  used_ = 0;
  buffer_.reset();
  std::error_code ec;
  if (::close(std::exchange(fd_, -1)) != 0) {
    const int err = errno;
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
