// Front door of the fhir/read room: a streaming pull source of FHIR resources.
//
// Reads Bulk Data NDJSON (files or folders; .ndjson, .ndjson.gz, .ndjson.zst),
// single-resource JSON files and Bundles (each entry's resource, with
// `urn:uuid:` full URLs and conditional references rewritten to `Type/id`).
// One resource at a time: memory stays bounded by the largest line or bundle.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.hpp"
#include "fhir/read/json.hpp"

namespace fos::fhir {

struct Resource {
  std::string type;  ///< resourceType
  std::string id;    ///< may be empty
  /// The whole resource. Its nodes and strings live in `storage` when set (resources from
  /// next() or parse_json_owned), else in memory the caller keeps (a DocumentBatch's text
  /// and the JsonArena given to parse_document).
  Json json;
  std::shared_ptr<const void> storage;
  std::string source;  ///< file it came from
  uint64_t line = 0;   ///< 1-based NDJSON line; 0 for whole-file JSON
};

enum class OnError { kFail, kSkip };

/// Where one document sits in a DocumentBatch's text.
struct DocumentSpan {
  size_t offset = 0;
  size_t size = 0;
  uint64_t line = 0;  ///< 1-based NDJSON line; 0 for a whole JSON file
};

/// Unparsed documents of one input file, in input order, for parsing on worker threads:
/// NDJSON lines (blank lines left out) or one whole JSON file. `text` ends with
/// kJsonPadding spare bytes so documents parse in place.
struct DocumentBatch {
  std::string source;
  std::string text;
  std::vector<DocumentSpan> documents;
  uint64_t bytes = 0;  ///< input bytes the batch covers (decompressed)
  std::string_view document(const DocumentSpan& span) const {
    return std::string_view(text).substr(span.offset, span.size);
  }
};

struct ReaderOptions {
  std::vector<std::filesystem::path> inputs;  ///< files or folders
  OnError on_error = OnError::kFail;
  /// Where skipped lines are reported (category "skipped line"); may be null.
  Diagnostics* diagnostics = nullptr;
  /// Throws Error{kInvalidInput} naming a missing input.
  void validate() const;
};

/// Parse "fail" / "skip". Throws Error{kInvalidInput} otherwise.
OnError parse_on_error(std::string_view text);

class ResourceReader {
 public:
  explicit ResourceReader(ReaderOptions options);
  ~ResourceReader();
  ResourceReader(const ResourceReader&) = delete;
  ResourceReader& operator=(const ResourceReader&) = delete;

  /// The next resource, or nullopt at the end of the inputs. Malformed input throws
  /// Error{kInvalidInput} ("file: line N: reason") unless on_error is kSkip.
  std::optional<Resource> next();

  /// Up to about `max_bytes` of unparsed documents of the current file into `batch`
  /// (replacing its contents); false at the end of the inputs. An alternative to next():
  /// parse each document with parse_document() and report failures with skip_or_fail(),
  /// in input order. Do not mix with next().
  bool next_batch(DocumentBatch& batch, size_t max_bytes);
  /// Resources of one document of a batch (a Bundle's entries, references resolved),
  /// appended to `out`. Zero-copy: they view the batch's text and nodes in `arena`, so they
  /// are valid until either is reused or reset. Throws Error{kInvalidInput} "file: line N:
  /// reason" when it is not a resource.
  static void parse_document(const DocumentBatch& batch, const DocumentSpan& span, JsonArena& arena,
                             std::vector<Resource>& out);
  /// A malformed document: throws Error{kInvalidInput} with `message` (on_error kFail), or
  /// counts and reports it as skipped.
  void skip_or_fail(const std::string& message);

  /// Lines or files skipped so far (on_error kSkip).
  uint64_t skipped() const { return skipped_; }
  /// Bytes of input read so far (decompressed).
  uint64_t bytes_read() const;

 private:
  class Source;
  bool open_next_file();
  std::optional<Resource> next_from_bundle();

  ReaderOptions options_;
  std::vector<std::filesystem::path> files_;
  size_t next_file_ = 0;
  std::unique_ptr<Source> source_;
  std::vector<Resource> pending_;  // entries of the current bundle, in reverse order
  uint64_t skipped_ = 0;
  uint64_t bytes_done_ = 0;
};

/// Turn a parsed document into resources, appended to `out`: a Bundle yields its entries
/// (references resolved; rewritten strings go into `arena`), anything else with a
/// resourceType yields itself. Each resource gets `storage`. Throws Error{kInvalidInput}
/// naming `where` when the document is not a resource.
void resources_from_document(Json document, JsonArena& arena,
                             const std::shared_ptr<const void>& storage, const std::string& source,
                             uint64_t line, std::vector<Resource>& out);

/// Files an input path stands for: the path itself, or a folder's .ndjson/.json
/// files (recursively, sorted by path; a Bulk Data `manifest.json` is left out).
std::vector<std::filesystem::path> expand_inputs(const std::vector<std::filesystem::path>& inputs);

}  // namespace fos::fhir
