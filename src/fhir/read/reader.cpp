// ResourceReader: walks the input files, splits NDJSON into lines (plain, gzip or zstd),
// parses each line or whole JSON file, and hands out one resource at a time.
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"
#include "fhir/read/read.hpp"

namespace fos::fhir {
namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_ndjson_name(const std::string& name) {
  for (std::string_view stem : {".ndjson", ".jsonl"}) {
    for (std::string_view compression : {"", ".gz", ".zst"}) {
      if (ends_with(name, std::string(stem) + std::string(compression))) return true;
    }
  }
  return false;
}

// A folder's resource files; the Bulk Data export manifest (manifest.json) is not one.
bool is_input_name(const std::string& name) {
  if (name == "manifest.json") return false;
  return is_ndjson_name(name) || ends_with(name, ".json");
}

// Decompressing byte streams behind one interface.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  /// Up to `size` bytes into `buffer`; 0 at the end. Throws Error{kIo}.
  virtual size_t read(char* buffer, size_t size) = 0;
};

class PlainStream : public ByteStream {
 public:
  explicit PlainStream(const fs::path& path) : path_(path) {
    file_ = std::fopen(path.c_str(), "rb");
    if (file_ == nullptr) fail(ErrorKind::kIo, path.string() + ": cannot open for reading");
  }
  ~PlainStream() override { std::fclose(file_); }
  PlainStream(const PlainStream&) = delete;
  PlainStream& operator=(const PlainStream&) = delete;
  size_t read(char* buffer, size_t size) override {
    const size_t got = std::fread(buffer, 1, size, file_);
    if (got == 0 && std::ferror(file_)) fail(ErrorKind::kIo, path_.string() + ": read error");
    return got;
  }

 private:
  fs::path path_;
  std::FILE* file_ = nullptr;
};

class GzipStream : public ByteStream {
 public:
  explicit GzipStream(const fs::path& path) : path_(path) {
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) fail(ErrorKind::kIo, path.string() + ": cannot open for reading");
  }
  ~GzipStream() override { gzclose(file_); }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;
  size_t read(char* buffer, size_t size) override {
    const int got = gzread(file_, buffer, static_cast<unsigned>(size));
    if (got < 0) fail(ErrorKind::kInvalidInput, path_.string() + ": corrupt gzip data");
    return static_cast<size_t>(got);
  }

 private:
  fs::path path_;
  gzFile file_ = nullptr;
};

class ZstdStream : public ByteStream {
 public:
  explicit ZstdStream(const fs::path& path)
      : path_(path), raw_(path), context_(ZSTD_createDStream()) {
    in_buffer_.resize(ZSTD_DStreamInSize());
    in_ = {in_buffer_.data(), 0, 0};
  }
  ~ZstdStream() override { ZSTD_freeDStream(context_); }
  ZstdStream(const ZstdStream&) = delete;
  ZstdStream& operator=(const ZstdStream&) = delete;
  size_t read(char* buffer, size_t size) override {
    ZSTD_outBuffer out{buffer, size, 0};
    while (out.pos == 0) {
      if (in_.pos == in_.size) {
        in_.size = raw_.read(in_buffer_.data(), in_buffer_.size());
        in_.pos = 0;
        if (in_.size == 0) {
          if (!frame_done_)
            fail(ErrorKind::kInvalidInput, path_.string() + ": truncated zstd data");
          return 0;
        }
      }
      const size_t status = ZSTD_decompressStream(context_, &out, &in_);
      if (ZSTD_isError(status)) {
        fail(ErrorKind::kInvalidInput,
             path_.string() + ": corrupt zstd data (" + ZSTD_getErrorName(status) + ")");
      }
      frame_done_ = status == 0;
    }
    return out.pos;
  }

 private:
  fs::path path_;
  PlainStream raw_;
  ZSTD_DStream* context_;
  std::string in_buffer_;
  ZSTD_inBuffer in_{};
  bool frame_done_ = true;
};

std::unique_ptr<ByteStream> open_stream(const fs::path& path) {
  const std::string name = path.string();
  if (ends_with(name, ".gz")) return std::make_unique<GzipStream>(path);
  if (ends_with(name, ".zst")) return std::make_unique<ZstdStream>(path);
  return std::make_unique<PlainStream>(path);
}

}  // namespace

// One open input file: yields its lines (NDJSON) or its whole text (JSON).
class ResourceReader::Source {
 public:
  explicit Source(fs::path path)
      : path_(std::move(path)),
        ndjson_(is_ndjson_name(path_.string())),
        stream_(open_stream(path_)) {}

  const fs::path& path() const { return path_; }
  bool ndjson() const { return ndjson_; }
  uint64_t line() const { return line_; }
  uint64_t bytes() const { return bytes_; }

  /// Next line without its end-of-line; false at the end of the file.
  bool next_line(std::string& line) {
    line.clear();
    return append_line(line);
  }

  /// Append the next line, without its end-of-line, to `text`; false at the end of the file.
  bool append_line(std::string& text) {
    const size_t start_size = text.size();
    while (true) {
      if (pos_ == size_ && !refill()) {
        if (text.size() == start_size && !partial_) return false;
        partial_ = false;
        ++line_;
        return true;
      }
      const char* start = buffer_.data() + pos_;
      const char* end = buffer_.data() + size_;
      const char* newline = static_cast<const char*>(std::memchr(start, '\n', size_ - pos_));
      if (newline == nullptr) newline = end;
      text.append(start, newline);
      partial_ = true;
      pos_ = static_cast<size_t>(newline - buffer_.data());
      if (newline != end) {
        ++pos_;
        ++line_;
        partial_ = false;
        if (text.size() > start_size && text.back() == '\r') text.pop_back();
        return true;
      }
    }
  }

  std::string whole() {
    std::string text;
    std::string line;
    while (next_line(line)) {
      text += line;
      text += '\n';
    }
    return text;
  }

 private:
  bool refill() {
    size_ = stream_->read(buffer_.data(), buffer_.size());
    pos_ = 0;
    bytes_ += size_;
    return size_ > 0;
  }

  fs::path path_;
  bool ndjson_;
  std::unique_ptr<ByteStream> stream_;
  std::array<char, 1 << 18> buffer_{};
  size_t pos_ = 0;
  size_t size_ = 0;
  uint64_t line_ = 0;
  uint64_t bytes_ = 0;
  bool partial_ = false;
};

OnError parse_on_error(std::string_view text) {
  if (text == "fail") return OnError::kFail;
  if (text == "skip") return OnError::kSkip;
  fail(ErrorKind::kInvalidInput,
       "--on-error: expected fail or skip, got '" + std::string(text) + "'");
}

void ReaderOptions::validate() const {
  if (inputs.empty()) fail(ErrorKind::kInvalidInput, "--input: no input given");
  for (const auto& input : inputs) {
    if (!fs::exists(input))
      fail(ErrorKind::kInvalidInput, input.string() + ": no such file or folder");
  }
}

std::vector<fs::path> expand_inputs(const std::vector<fs::path>& inputs) {
  std::vector<fs::path> files;
  for (const auto& input : inputs) {
    if (!fs::is_directory(input)) {
      files.push_back(input);
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& entry : fs::recursive_directory_iterator(input)) {
      if (entry.is_regular_file() && is_input_name(entry.path().filename().string())) {
        found.push_back(entry.path());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

ResourceReader::ResourceReader(ReaderOptions options) : options_(std::move(options)) {
  options_.validate();
  files_ = expand_inputs(options_.inputs);
}

ResourceReader::~ResourceReader() = default;

uint64_t ResourceReader::bytes_read() const {
  return bytes_done_ + (source_ ? source_->bytes() : 0);
}

bool ResourceReader::open_next_file() {
  if (source_) bytes_done_ += source_->bytes();
  source_.reset();
  if (next_file_ == files_.size()) return false;
  source_ = std::make_unique<Source>(files_[next_file_++]);
  return true;
}

void ResourceReader::skip_or_fail(const std::string& message) {
  if (options_.on_error == OnError::kFail) fail(ErrorKind::kInvalidInput, message);
  ++skipped_;
  if (options_.diagnostics != nullptr) options_.diagnostics->warn("skipped line", message);
}

std::optional<Resource> ResourceReader::next_from_bundle() {
  if (pending_.empty()) return std::nullopt;
  Resource resource = std::move(pending_.back());
  pending_.pop_back();
  return resource;
}

std::optional<Resource> ResourceReader::next() {
  std::string line;
  while (true) {
    if (auto pending = next_from_bundle()) return pending;
    if (!source_ && !open_next_file()) return std::nullopt;
    if (!source_) return std::nullopt;
    const std::string name = source_->path().string();
    uint64_t line_number = 0;
    std::string text;
    if (source_->ndjson()) {
      if (!source_->next_line(line)) {
        if (!open_next_file()) return std::nullopt;
        continue;
      }
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      line_number = source_->line();
      text.swap(line);
    } else {
      text = source_->whole();
      bytes_done_ += source_->bytes();
      source_.reset();
    }
    const std::string where = line_number ? name + ": line " + std::to_string(line_number) : name;
    try {
      auto document = std::make_shared<JsonDocument>(parse_json_owned(std::move(text), where));
      std::vector<Resource> resources;
      resources_from_document(document->root(), document->arena(), document, name, line_number,
                              resources);
      std::reverse(resources.begin(), resources.end());
      pending_ = std::move(resources);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kInvalidInput) throw;
      skip_or_fail(e.what());
    }
  }
}

bool ResourceReader::next_batch(DocumentBatch& batch, size_t max_bytes) {
  batch.text.clear();
  batch.documents.clear();
  batch.bytes = 0;
  while (true) {
    if (!source_ && !open_next_file()) return false;
    batch.source = source_->path().string();
    const uint64_t bytes_before = source_->bytes();
    if (!source_->ndjson()) {
      batch.text = source_->whole();
      batch.documents.push_back({0, batch.text.size(), 0});
      batch.bytes = source_->bytes() - bytes_before;
      open_next_file();
      batch.text.append(kJsonPadding, ' ');
      return true;
    }
    while (batch.text.size() < max_bytes) {
      const size_t offset = batch.text.size();
      if (!source_->append_line(batch.text)) break;
      const std::string_view line = std::string_view(batch.text).substr(offset);
      if (line.find_first_not_of(" \t") == std::string_view::npos) {
        batch.text.resize(offset);
        continue;
      }
      batch.documents.push_back({offset, line.size(), source_->line()});
      batch.text += '\n';
    }
    batch.bytes = source_->bytes() - bytes_before;
    if (batch.documents.empty()) {  // the file has ended
      open_next_file();
      continue;
    }
    batch.text.append(kJsonPadding, ' ');
    return true;
  }
}

void ResourceReader::parse_document(const DocumentBatch& batch, const DocumentSpan& span,
                                    JsonArena& arena, std::vector<Resource>& out) {
  const size_t before = out.size();
  try {
    resources_from_document(
        parse_json_in_place(batch.document(span), batch.source, span.line, arena), arena, {},
        batch.source, span.line, out);
  } catch (...) {
    out.resize(before);
    throw;
  }
}

}  // namespace fos::fhir
