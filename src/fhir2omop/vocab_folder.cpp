// Reading an Athena folder in place: streamed scans, a compact concept index over the
// memory-mapped CONCEPT.csv, mapping edges and drug ingredients as int32 pairs.
#include "fhir2omop/vocab_folder.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/output.hpp"

namespace fos::fhir2omop {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxColumns = 16;
constexpr size_t kBlockBytes = size_t{4} << 20;
using Fields = std::array<std::string_view, kMaxColumns>;
using Edge = std::pair<int32_t, int32_t>;

// Splits a TAB-separated line; returns the number of fields (only the first kMaxColumns kept).
size_t split_tabs(std::string_view line, Fields& out) {
  size_t count = 0;
  size_t start = 0;
  while (true) {
    const size_t end = line.find('\t', start);
    if (count < kMaxColumns) {
      out[count] = line.substr(start, end == std::string_view::npos ? end : end - start);
    }
    ++count;
    if (end == std::string_view::npos) return count;
    start = end + 1;
  }
}

// Athena writes YYYYMMDD; ISO dates are accepted too.
std::optional<Date> athena_date(std::string_view text) {
  if (text.size() != 8) return Date::parse(text);
  std::array<char, 10> iso{};
  std::copy_n(text.data(), 4, iso.data());
  iso[4] = '-';
  std::copy_n(text.data() + 4, 2, iso.data() + 5);
  iso[7] = '-';
  std::copy_n(text.data() + 6, 2, iso.data() + 8);
  return Date::parse(std::string_view(iso.data(), iso.size()));
}

std::optional<int32_t> to_int(std::string_view text) {
  int32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

uint32_t code_hash(std::string_view vocabulary_id, std::string_view code) {
  uint32_t h = 2166136261U;
  const auto mix = [&h](char c) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619U;
  };
  for (char c : vocabulary_id) mix(c);
  mix('\t');
  for (char c : code) mix(c);
  return h;
}

// A file read in large blocks, line by line, with each line's byte offset and number.
class LineReader {
 public:
  explicit LineReader(const fs::path& path) : in_(path, std::ios::binary), buffer_(kBlockBytes) {
    if (!in_) fail(ErrorKind::kInvalidInput, path.string() + ": cannot be read");
  }

  bool next(std::string_view& line) {
    while (true) {
      const char* start = buffer_.data() + pos_;
      const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      if (newline != nullptr || (eof_ && pos_ < end_)) {
        const size_t length =
            newline != nullptr ? static_cast<size_t>(newline - start) : end_ - pos_;
        line = std::string_view(start, length);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        offset_ = base_ + pos_;
        pos_ += newline != nullptr ? length + 1 : length;
        ++line_number_;
        return true;
      }
      if (eof_) return false;
      refill();
    }
  }

  uint64_t offset() const { return offset_; }
  size_t line_number() const { return line_number_; }

 private:
  void refill() {
    const size_t rest = end_ - pos_;
    std::memmove(buffer_.data(), buffer_.data() + pos_, rest);
    base_ += pos_;
    pos_ = 0;
    end_ = rest;
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    in_.read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
    const auto got = static_cast<size_t>(in_.gcount());
    end_ += got;
    if (got == 0) eof_ = true;
  }

  std::ifstream in_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t base_ = 0;
  uint64_t offset_ = 0;
  size_t line_number_ = 0;
  bool eof_ = false;
};

// One TAB-separated Athena file streamed row by row, with checks that name file and line.
class TsvScan {
 public:
  TsvScan(const fs::path& path, std::string origin) : reader_(path), origin_(std::move(origin)) {
    std::string_view header;
    if (!reader_.next(header)) {
      fail(ErrorKind::kInvalidInput, origin_ + ": empty file, expected a header");
    }
    columns_ = split_tabs(header, header_);
    if (columns_ > kMaxColumns) error("more than " + std::to_string(kMaxColumns) + " columns");
  }

  // Column names compare without case (some exports write CONCEPT_ID).
  size_t column(std::string_view name) const {
    const auto same = [](char x, char y) {
      return std::tolower(static_cast<unsigned char>(x)) ==
             std::tolower(static_cast<unsigned char>(y));
    };
    for (size_t i = 0; i < columns_; ++i) {
      if (std::equal(header_[i].begin(), header_[i].end(), name.begin(), name.end(), same))
        return i;
    }
    fail(ErrorKind::kInvalidInput, origin_ + ": no column '" + std::string(name) + "' in header");
  }
  size_t columns() const { return columns_; }

  bool next() {
    do {
      if (!reader_.next(line_)) return false;
    } while (line_.empty());
    const size_t count = split_tabs(line_, fields_);
    if (count != columns_) {
      error("has " + std::to_string(count) + " fields, the header " + std::to_string(columns_));
    }
    return true;
  }

  std::string_view operator[](size_t i) const { return fields_[i]; }
  uint64_t offset() const { return reader_.offset(); }

  int32_t integer(size_t i, std::string_view what) const {
    const std::optional<int32_t> value = to_int(fields_[i]);
    if (!value) error("bad " + std::string(what) + " '" + std::string(fields_[i]) + "'");
    return *value;
  }

  Date date(size_t i, std::string_view what) const {
    const std::optional<Date> d = athena_date(fields_[i]);
    if (!d) error("bad " + std::string(what) + " '" + std::string(fields_[i]) + "'");
    return *d;
  }

  [[noreturn]] void error(const std::string& what) const {
    fail(ErrorKind::kInvalidInput,
         origin_ + ": line " + std::to_string(reader_.line_number()) + ": " + what);
  }

 private:
  LineReader reader_;
  std::string origin_;
  Fields header_{};
  size_t columns_ = 0;
  std::string_view line_;
  Fields fields_{};
};

// A read-only memory map of a whole file; pages are read on demand.
class MappedFile {
 public:
  explicit MappedFile(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(ErrorKind::kInvalidInput, path.string() + ": cannot be opened");
    struct stat info {};
    if (::fstat(fd, &info) != 0 || info.st_size == 0) {
      ::close(fd);
      fail(ErrorKind::kInvalidInput, path.string() + ": cannot be mapped");
    }
    size_ = static_cast<size_t>(info.st_size);
    void* data = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (data == MAP_FAILED) fail(ErrorKind::kInvalidInput, path.string() + ": cannot be mapped");
    ::madvise(data, size_, MADV_RANDOM);
    data_ = static_cast<const char*>(data);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): munmap takes a void*.
    ::munmap(const_cast<char*>(data_), size_);
  }

  // The line starting at `offset`, without its end of line.
  std::string_view line_at(uint64_t offset) const {
    const char* start = data_ + offset;
    const size_t rest = size_ - offset;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', rest));
    std::string_view line(start, newline != nullptr ? static_cast<size_t>(newline - start) : rest);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// CONCEPT.csv's column positions.
struct ConceptColumns {
  size_t id = 0, name = 0, domain = 0, vocabulary = 0, concept_class = 0, standard = 0, code = 0,
         start = 0, end = 0, invalid = 0;
};

// The first target of `id` in edges sorted by source (stable: file order kept).
std::optional<int32_t> first_target(const std::vector<Edge>& edges, int32_t id) {
  const auto it = std::lower_bound(edges.begin(), edges.end(), Edge{id, INT32_MIN});
  if (it == edges.end() || it->first != id) return std::nullopt;
  return it->second;
}

class AthenaIndex final : public omop::ConceptIndex {
 public:
  explicit AthenaIndex(fs::path dir) : dir_(std::move(dir)), origin_(dir_.string()) {
    scan_concepts();
    std::exception_ptr ancestors_error;
    std::thread ancestors([this, &ancestors_error] {
      try {
        scan_ancestors();
      } catch (...) {
        ancestors_error = std::current_exception();
      }
    });
    std::exception_ptr relationships_error;
    try {
      scan_relationships();
    } catch (...) {
      relationships_error = std::current_exception();
    }
    ancestors.join();
    if (relationships_error) std::rethrow_exception(relationships_error);
    if (ancestors_error) std::rethrow_exception(ancestors_error);
    file_ = std::make_unique<MappedFile>(dir_ / "CONCEPT.csv");
  }

  std::optional<omop::ConceptRef> find(std::string_view vocabulary_id,
                                       std::string_view concept_code) const override {
    const uint32_t h = code_hash(vocabulary_id, concept_code);
    const auto [first, last] =
        std::equal_range(by_hash_.begin(), by_hash_.end(), HashKey{h}, HashOrder{&entries_});
    for (auto it = first; it != last; ++it) {
      Fields f{};
      split_tabs(file_->line_at(entries_[*it].offset), f);
      if (f[columns_.vocabulary] == vocabulary_id && f[columns_.code] == concept_code) {
        return ref(entries_[*it].id, f);
      }
    }
    return std::nullopt;
  }

  std::optional<omop::ConceptRef> find_by_id(int32_t concept_id) const override {
    Fields f{};
    if (!fields(concept_id, f)) return std::nullopt;
    return ref(concept_id, f);
  }

  std::optional<omop::ConceptRef> standard_for(int32_t concept_id) const override {
    Fields f{};
    if (!fields(concept_id, f)) return std::nullopt;
    if (f[columns_.standard] == "S" && f[columns_.invalid].empty()) return ref(concept_id, f);
    return standard_target(first_target(maps_to_, concept_id));
  }

  std::optional<omop::ConceptRef> value_for(int32_t concept_id) const override {
    return standard_target(first_target(maps_to_value_, concept_id));
  }

  std::vector<int32_t> ingredients_of(int32_t drug_concept_id) const override {
    std::vector<int32_t> out;
    auto it = std::lower_bound(ingredients_.begin(), ingredients_.end(),
                               Edge{drug_concept_id, INT32_MIN});
    for (; it != ingredients_.end() && it->first == drug_concept_id; ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  const omop::ConceptRow* concept_row(int32_t concept_id) const override {
    const std::lock_guard lock(rows_mutex_);
    const auto cached = rows_.find(concept_id);
    if (cached != rows_.end()) return cached->second.get();
    Fields f{};
    if (!fields(concept_id, f)) return nullptr;
    auto row = std::make_unique<omop::ConceptRow>(omop::ConceptRow{
        concept_id, std::string(f[columns_.name]), std::string(f[columns_.domain]),
        std::string(f[columns_.vocabulary]), std::string(f[columns_.concept_class]),
        std::string(f[columns_.standard]), std::string(f[columns_.code]),
        athena_date(f[columns_.start]).value_or(Date()),
        athena_date(f[columns_.end]).value_or(Date()), std::string(f[columns_.invalid])});
    return rows_.emplace(concept_id, std::move(row)).first->second.get();
  }

  std::vector<omop::ConceptRelationshipRow> relationships_among(
      const std::set<int32_t>& ids) const override {
    // The writer asks again and again while it closes its concept set over metadata
    // concepts (domains, vocabularies, classes, relationships): one scan keeps the rows among
    // the set plus every metadata concept, and later sets inside that are answered from it.
    const std::lock_guard lock(among_mutex_);
    if (!std::includes(among_universe_.begin(), among_universe_.end(), ids.begin(), ids.end())) {
      among_universe_ = ids;
      among_universe_.insert(metadata_ids_.begin(), metadata_ids_.end());
      among_rows_ = scan_among(among_universe_);
    }
    std::vector<omop::ConceptRelationshipRow> out;
    for (const omop::ConceptRelationshipRow& r : among_rows_) {
      if (ids.contains(r.concept_id_1) && ids.contains(r.concept_id_2)) out.push_back(r);
    }
    return out;
  }

 private:
  std::vector<omop::ConceptRelationshipRow> scan_among(const std::set<int32_t>& ids) const {
    std::vector<omop::ConceptRelationshipRow> out;
    const fs::path path = dir_ / "CONCEPT_RELATIONSHIP.csv";
    if (!fs::is_regular_file(path)) return out;
    TsvScan in(path, origin_ + "/CONCEPT_RELATIONSHIP.csv");
    const size_t c1 = in.column("concept_id_1"), c2 = in.column("concept_id_2"),
                 rel = in.column("relationship_id"), start = in.column("valid_start_date"),
                 end = in.column("valid_end_date"), invalid = in.column("invalid_reason");
    while (in.next()) {
      const int32_t id1 = in.integer(c1, "concept_id_1");
      if (!ids.contains(id1)) continue;
      const int32_t id2 = in.integer(c2, "concept_id_2");
      if (!ids.contains(id2)) continue;
      out.push_back({id1, id2, std::string(in[rel]), in.date(start, "valid_start_date"),
                     in.date(end, "valid_end_date"), std::string(in[invalid])});
    }
    return out;
  }

  struct Entry {
    int32_t id = 0;
    uint32_t hash = 0;
    uint64_t offset = 0;
  };

  struct HashKey {
    uint32_t hash = 0;
  };
  // Orders by_hash_ positions by their entry's code hash.
  struct HashOrder {
    const std::vector<Entry>* entries;
    bool operator()(uint32_t index, HashKey key) const { return (*entries)[index].hash < key.hash; }
    bool operator()(HashKey key, uint32_t index) const { return key.hash < (*entries)[index].hash; }
  };

  bool fields(int32_t concept_id, Fields& f) const {
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), concept_id,
                                     [](const Entry& e, int32_t id) { return e.id < id; });
    if (it == entries_.end() || it->id != concept_id) return false;
    split_tabs(file_->line_at(it->offset), f);
    return true;
  }

  omop::ConceptRef ref(int32_t concept_id, const Fields& f) const {
    return {concept_id,         f[columns_.name],
            f[columns_.domain], f[columns_.vocabulary],
            f[columns_.code],   f[columns_.standard] == "S"};
  }

  std::optional<omop::ConceptRef> standard_target(std::optional<int32_t> target) const {
    Fields f{};
    if (!target || !fields(*target, f) || f[columns_.standard] != "S") return std::nullopt;
    return ref(*target, f);
  }

  void scan_concepts() {
    TsvScan in(dir_ / "CONCEPT.csv", origin_ + "/CONCEPT.csv");
    ConceptColumns& c = columns_;
    c = {in.column("concept_id"),    in.column("concept_name"),     in.column("domain_id"),
         in.column("vocabulary_id"), in.column("concept_class_id"), in.column("standard_concept"),
         in.column("concept_code"),  in.column("valid_start_date"), in.column("valid_end_date"),
         in.column("invalid_reason")};
    while (in.next()) {
      const int32_t id = in.integer(c.id, "concept_id");
      in.date(c.start, "valid_start_date");
      in.date(c.end, "valid_end_date");
      entries_.push_back({id, code_hash(in[c.vocabulary], in[c.code]), in.offset()});
      if (in[c.concept_class] == "Ingredient" && in[c.standard] == "S" &&
          (in[c.vocabulary] == "RxNorm" || in[c.vocabulary] == "RxNorm Extension")) {
        ingredient_ids_.push_back(id);
      }
      if (in[c.vocabulary] == "Domain" || in[c.vocabulary] == "Vocabulary" ||
          in[c.vocabulary] == "Concept Class" || in[c.vocabulary] == "Relationship") {
        metadata_ids_.push_back(id);
      }
    }
    entries_.shrink_to_fit();
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.id < b.id; });
    const auto twice =
        std::adjacent_find(entries_.begin(), entries_.end(),
                           [](const Entry& a, const Entry& b) { return a.id == b.id; });
    if (twice != entries_.end()) {
      fail(ErrorKind::kInvalidInput,
           origin_ + "/CONCEPT.csv: concept_id " + std::to_string(twice->id) + " appears twice");
    }
    by_hash_.resize(entries_.size());
    std::iota(by_hash_.begin(), by_hash_.end(), uint32_t{0});
    std::sort(by_hash_.begin(), by_hash_.end(), [this](uint32_t a, uint32_t b) {
      const Entry& x = entries_[a];
      const Entry& y = entries_[b];
      return x.hash != y.hash ? x.hash < y.hash : x.offset < y.offset;
    });
    std::sort(ingredient_ids_.begin(), ingredient_ids_.end());
  }

  void scan_relationships() {
    const fs::path path = dir_ / "CONCEPT_RELATIONSHIP.csv";
    if (!fs::is_regular_file(path)) return;
    TsvScan in(path, origin_ + "/CONCEPT_RELATIONSHIP.csv");
    const size_t c1 = in.column("concept_id_1"), c2 = in.column("concept_id_2"),
                 rel = in.column("relationship_id"), start = in.column("valid_start_date"),
                 end = in.column("valid_end_date"), invalid = in.column("invalid_reason");
    while (in.next()) {
      const Edge edge{in.integer(c1, "concept_id_1"), in.integer(c2, "concept_id_2")};
      in.date(start, "valid_start_date");
      in.date(end, "valid_end_date");
      if (!in[invalid].empty()) continue;
      if (in[rel] == "Maps to") maps_to_.push_back(edge);
      if (in[rel] == "Maps to value") maps_to_value_.push_back(edge);
    }
    const auto by_source = [](const Edge& a, const Edge& b) { return a.first < b.first; };
    std::stable_sort(maps_to_.begin(), maps_to_.end(), by_source);
    std::stable_sort(maps_to_value_.begin(), maps_to_value_.end(), by_source);
    maps_to_.shrink_to_fit();
    maps_to_value_.shrink_to_fit();
  }

  void scan_ancestors() {
    const fs::path path = dir_ / "CONCEPT_ANCESTOR.csv";
    if (!fs::is_regular_file(path)) return;
    TsvScan in(path, origin_ + "/CONCEPT_ANCESTOR.csv");
    const size_t a = in.column("ancestor_concept_id"), d = in.column("descendant_concept_id"),
                 lo = in.column("min_levels_of_separation"),
                 hi = in.column("max_levels_of_separation");
    while (in.next()) {
      const int32_t ancestor = in.integer(a, "ancestor_concept_id");
      const int32_t descendant = in.integer(d, "descendant_concept_id");
      in.integer(lo, "min_levels_of_separation");
      in.integer(hi, "max_levels_of_separation");
      if (std::binary_search(ingredient_ids_.begin(), ingredient_ids_.end(), ancestor)) {
        ingredients_.emplace_back(descendant, ancestor);
      }
    }
    std::sort(ingredients_.begin(), ingredients_.end());
    ingredients_.erase(std::unique(ingredients_.begin(), ingredients_.end()), ingredients_.end());
    ingredients_.shrink_to_fit();
  }

  fs::path dir_;
  std::string origin_;
  ConceptColumns columns_;
  std::vector<Entry> entries_;     // by concept id
  std::vector<uint32_t> by_hash_;  // positions in entries_, by code hash then file order
  std::vector<int32_t> ingredient_ids_;
  std::vector<int32_t> metadata_ids_;  // concepts of the Domain, Vocabulary, ... vocabularies
  std::vector<Edge> maps_to_;          // valid 'Maps to' (source, target), by source, file order
  std::vector<Edge> maps_to_value_;    // valid 'Maps to value', likewise
  std::vector<Edge> ingredients_;      // (drug, standard RxNorm ingredient), sorted
  std::unique_ptr<MappedFile> file_;
  mutable std::mutex rows_mutex_;
  mutable std::map<int32_t, std::unique_ptr<omop::ConceptRow>> rows_;
  mutable std::mutex among_mutex_;
  mutable std::set<int32_t> among_universe_;
  mutable std::vector<omop::ConceptRelationshipRow> among_rows_;
};

}  // namespace

omop::Vocabulary load_vocabulary_folder(const std::filesystem::path& dir) {
  static constexpr std::array<std::string_view, 5> kSmallFiles = {
      "VOCABULARY.csv", "DOMAIN.csv", "CONCEPT_CLASS.csv", "RELATIONSHIP.csv",
      "SOURCE_TO_CONCEPT_MAP.csv"};
  if (!fs::is_directory(dir)) {
    fail(ErrorKind::kInvalidInput, "--vocab: " + dir.string() + ": not a folder");
  }
  if (!fs::is_regular_file(dir / "CONCEPT.csv")) {
    fail(ErrorKind::kInvalidInput, dir.string() + ": no CONCEPT.csv");
  }
  auto index = std::make_shared<const AthenaIndex>(dir);
  std::vector<std::string> texts;
  texts.reserve(kSmallFiles.size());
  omop::VocabularyFiles files;
  files.origin = dir.string();
  for (std::string_view name : kSmallFiles) {
    const fs::path path = dir / name;
    if (!fs::is_regular_file(path)) continue;
    texts.push_back(read_file(path));
    files.files.emplace(std::string(name), texts.back());
  }
  return omop::Vocabulary::with_index(std::move(index), files);
}

}  // namespace fos::fhir2omop
