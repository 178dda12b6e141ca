// ParquetWriter: row groups of column chunks, each a run of zstd-compressed v1 data pages,
// and a Thrift footer (parquet.thrift's FileMetaData) closing the file.
#include "lake/parquet/parquet.hpp"

#include <zstd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "core/error.hpp"
#include "lake/parquet/thrift.hpp"

namespace fos::lake {
namespace {

namespace fs = std::filesystem;

static_assert(std::endian::native == std::endian::little, "Parquet values are little-endian");

constexpr std::string_view kMagic = "PAR1";
constexpr std::string_view kCreatedBy = "fos";
constexpr std::string_view kRootName = "schema";
// String statistics are written only when both bounds are at most this long (no truncation).
constexpr size_t kMaxTextStatistic = 64;

// parquet.thrift enum values.
constexpr int32_t kTypeInt32 = 1;
constexpr int32_t kTypeInt64 = 2;
constexpr int32_t kTypeDouble = 5;
constexpr int32_t kTypeByteArray = 6;
constexpr int32_t kRequired = 0;
constexpr int32_t kOptional = 1;
constexpr int32_t kConvertedUtf8 = 0;
constexpr int32_t kConvertedDate = 6;
constexpr int32_t kConvertedTimestampMicros = 10;
constexpr int32_t kConvertedInt32 = 17;
constexpr int32_t kConvertedInt64 = 18;
constexpr int32_t kEncodingPlain = 0;
constexpr int32_t kEncodingRle = 3;
constexpr int32_t kCodecZstd = 6;
constexpr int32_t kPageData = 0;

int32_t physical_type(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
    case ColumnType::kDate:
      return kTypeInt32;
    case ColumnType::kBigint:
    case ColumnType::kTimestamp:
      return kTypeInt64;
    case ColumnType::kDouble:
      return kTypeDouble;
    case ColumnType::kVarchar:
      return kTypeByteArray;
  }
  return kTypeByteArray;
}

std::optional<int32_t> converted_type(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return kConvertedInt32;
    case ColumnType::kBigint:
      return kConvertedInt64;
    case ColumnType::kDate:
      return kConvertedDate;
    case ColumnType::kTimestamp:
      return kConvertedTimestampMicros;
    case ColumnType::kVarchar:
      return kConvertedUtf8;
    case ColumnType::kDouble:
      return std::nullopt;
  }
  return std::nullopt;
}

template <typename T>
void put_le(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <typename T>
std::string le_bytes(T value) {
  std::string out;
  put_le(out, value);
  return out;
}

// How many levels from `i` on equal levels[i] (of `n`), compared 8 at a time.
size_t run_length(const uint8_t* levels, size_t i, size_t n) {
  const uint64_t same = levels[i] * uint64_t{0x0101010101010101};
  size_t j = i + 1;
  for (; j + 8 <= n; j += 8) {
    uint64_t word = 0;
    std::memcpy(&word, levels + j, 8);
    if (const uint64_t differ = word ^ same; differ != 0) {
      return j + static_cast<size_t>(std::countr_zero(differ)) / 8 - i;
    }
  }
  while (j < n && levels[j] == levels[i]) ++j;
  return j - i;
}

// Eight levels (each 0 or 1) as the bits of a byte, the first the lowest: the multiplication
// moves byte b's low bit to bit 56 + b, without carries.
unsigned pack_levels(const uint8_t* levels) {
  uint64_t word = 0;
  std::memcpy(&word, levels, 8);
  return static_cast<unsigned>((word * uint64_t{0x0102040810204080}) >> 56);
}

// Definition levels (1 value, 0 NULL) in the RLE / bit-packing hybrid of bit width 1: runs of
// 8 or more equal levels as RLE runs, the rest bit-packed 8 to a byte (the last group padded).
void put_levels(std::string& out, const std::vector<uint8_t>& levels) {
  constexpr size_t kMaxGroups = 63;  // bit-packed groups per run, so its header is one byte
  std::string packed;
  size_t groups = 0;
  auto flush_packed = [&] {
    if (groups == 0) return;
    thrift::put_varint(out, (groups << 1) | 1);
    out += packed;
    packed.clear();
    groups = 0;
  };
  const size_t n = levels.size();
  const uint8_t* data = levels.data();
  size_t i = 0;
  while (i < n) {
    const size_t run = run_length(data, i, n);
    if (run >= 8) {
      flush_packed();
      thrift::put_varint(out, run << 1);
      out.push_back(static_cast<char>(levels[i]));
      i += run;
      continue;
    }
    unsigned byte = 0;
    if (i + 8 <= n) {
      byte = pack_levels(data + i);
    } else {
      for (size_t b = 0; i + b < n; ++b) byte |= unsigned{levels[i + b]} << b;
    }
    packed.push_back(static_cast<char>(byte));
    i += 8;
    if (++groups == kMaxGroups) flush_packed();
  }
  flush_packed();
}

// How many of `n` null flags (each 0 or 1) are 1: eight at a time, a multiplication summing a
// word's bytes into its top byte.
size_t count_valid(const uint8_t* flags, size_t n) {
  size_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, flags + i, 8);
    count += (word * uint64_t{0x0101010101010101}) >> 56;
  }
  for (; i < n; ++i) count += flags[i];
  return count;
}

// The least and greatest of `n` > 0 64-bit integers; on x86-64 an AVX2 clone compares four at
// a time where the processor has it (the bounds are the same either way).
#if defined(__x86_64__)
[[gnu::target_clones("avx2", "default")]]
#endif
std::pair<int64_t, int64_t>
int_bounds(const uint64_t* words, size_t n) {
  int64_t least = std::numeric_limits<int64_t>::max();
  int64_t greatest = std::numeric_limits<int64_t>::lowest();
  for (size_t i = 0; i < n; ++i) {
    const auto value = static_cast<int64_t>(words[i]);
    least = value < least ? value : least;
    greatest = value > greatest ? value : greatest;
  }
  return {least, greatest};
}

// Text with its first 8 bytes as a big-endian number (zero-padded), which orders most pairs
// without comparing the bytes.
struct KeyedText {
  std::string_view text;
  uint64_t key = 0;

  // A text shorter than 8 bytes is read as two overlapping loads of its first and last bytes,
  // each shifted to its place (the overlap ORs equal bytes).
  explicit KeyedText(std::string_view t) : text(t) {
    const size_t n = t.size();
    const auto* p = reinterpret_cast<const unsigned char*>(t.data());
    if (n >= 8) {
      std::memcpy(&key, p, 8);
      key = byteswap(key);
    } else if (n >= 4) {
      uint32_t first = 0;
      uint32_t last = 0;
      std::memcpy(&first, p, 4);
      std::memcpy(&last, p + n - 4, 4);
      key = (uint64_t{__builtin_bswap32(first)} << 32) |
            (uint64_t{__builtin_bswap32(last)} << (64 - 8 * n));
    } else if (n > 0) {
      key = (uint64_t{p[0]} << 56) | (uint64_t{p[n / 2]} << (56 - 4 * (n & 2))) |
            (uint64_t{p[n - 1]} << (64 - 8 * n));
    }
  }
  // Different keys order as their texts; equal keys need the bytes ("a" and "a\0").
  bool operator<(const KeyedText& other) const {
    if (key != other.key) return key < other.key;
    return text < other.text;
  }

 private:
  static uint64_t byteswap(uint64_t x) { return __builtin_bswap64(x); }
};

// The least and greatest text of a column chunk.
struct TextBounds {
  std::optional<std::string> min, max;
  void add(std::string_view value) {
    if (!min || value < *min) min = std::string(value);
    if (!max || *max < value) max = std::string(value);
  }
  void clear() {
    min.reset();
    max.reset();
  }
};

// The least and greatest number of a column chunk; empty while min > max.
template <typename T>
struct NumberBounds {
  T min = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                               : std::numeric_limits<T>::max();
  T max = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                               : std::numeric_limits<T>::lowest();
  bool empty() const { return max < min; }
  void add(T value) {
    if (value < min) min = value;
    if (max < value) max = value;
  }
  void clear() { *this = {}; }
};

// The plain values of the page being built: appended inline, grown by doubling.
class ValueBuffer {
 public:
  size_t size() const { return size_; }
  std::string_view view() const { return {data_.get(), size_}; }
  void clear() { size_ = 0; }
  void append(const void* bytes, size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    std::memcpy(data_.get() + size_, bytes, n);
    size_ += n;
  }
  template <typename T>
  void put(T value) {
    append(&value, sizeof(T));
  }
  /// Room for `n` more bytes, counted as written: the caller fills them.
  char* extend(size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    char* out = data_.get() + size_;
    size_ += n;
    return out;
  }

 private:
  void grow(size_t need) {
    const size_t capacity = std::max({need, capacity_ * 2, size_t{4096}});
    auto next = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(next.get(), data_.get(), size_);
    data_ = std::move(next);
    capacity_ = capacity;
  }
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// What the footer says about one column chunk.
struct ChunkMeta {
  int64_t offset = 0;  // of its first page
  int64_t values = 0;  // rows, NULLs included
  int64_t nulls = 0;
  int64_t uncompressed = 0;             // page headers and bodies before compression
  int64_t compressed = 0;               // as written
  std::optional<std::string> min, max;  // plain-encoded statistics
};

struct GroupMeta {
  std::vector<ChunkMeta> chunks;
  int64_t rows = 0;
};

// One column's part of the row group being built: its current page's definition levels and
// plain values, the pages already finished (headers and compressed bodies), and statistics.
struct ColumnState {
  std::vector<uint8_t> levels;
  ValueBuffer values;
  std::string pages;
  ChunkMeta meta;
  NumberBounds<int64_t> ints;
  NumberBounds<double> doubles;
  TextBounds texts;
};

// A zstd context per thread that encodes, made once and reused by every writer.
ZSTD_CCtx* thread_zstd() {
  struct Context {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    Context() = default;
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    ~Context() { ZSTD_freeCCtx(cctx); }
  };
  thread_local Context context;
  if (context.cctx == nullptr) fail(ErrorKind::kInternal, "zstd: out of memory");
  return context.cctx;
}

}  // namespace

void ParquetOptions::validate() const {
  if (row_group_rows == 0) fail(ErrorKind::kInvalidInput, "parquet: row_group_rows is 0");
  if (page_bytes == 0) fail(ErrorKind::kInvalidInput, "parquet: page_bytes is 0");
  if (zstd_level < ZSTD_minCLevel() || zstd_level > ZSTD_maxCLevel()) {
    fail(ErrorKind::kInvalidInput,
         "parquet: zstd level " + std::to_string(zstd_level) + " is out of range");
  }
}

// Batches are encoded as they come (plain values and levels per column, the batch itself is
// not kept); a page is compressed when it is full and the row group's pages are written, column
// after column, when the group is.
struct ParquetWriter::Impl {
  fs::path path;
  std::vector<ColumnSpec> columns;
  ParquetOptions options;
  std::FILE* file = nullptr;
  int64_t offset = 0;  // bytes written
  uint64_t rows = 0;   // rows taken by write()
  bool finished = false;
  bool broken = false;  // a write failed: the file is unusable

  std::vector<ColumnState> state;  // per column, of the row group being built
  std::vector<size_t> next_value;  // per column, the next value of the batch being added
  size_t group_rows = 0;
  std::vector<GroupMeta> groups;
  std::string body, compressed, header;  // scratch of write_page

  ~Impl() {
    if (file != nullptr) std::fclose(file);
  }

  [[noreturn]] void io_error(std::string_view what, int error) const {
    fail(ErrorKind::kIo, std::string(what) + " Parquet file " + path.string() + ": " +
                             std::generic_category().message(error));
  }

  void put(std::string_view bytes) {
    if (bytes.empty()) return;
    if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size())
      io_error("writing", errno);
    offset += static_cast<int64_t>(bytes.size());
  }

  void check(const ColumnBatch& batch) const {
    if (batch.columns.size() != columns.size()) {
      fail(ErrorKind::kInternal, "a batch of " + std::to_string(batch.columns.size()) +
                                     " columns written to Parquet file " + path.string() + " of " +
                                     std::to_string(columns.size()));
    }
    for (size_t c = 0; c < columns.size(); ++c) {
      if (batch.columns[c].type() != columns[c].type) {
        fail(ErrorKind::kInternal, "column " + columns[c].name + " of Parquet file " +
                                       path.string() + " is " +
                                       std::string(sql_name(columns[c].type)) + ", the batch's " +
                                       std::string(sql_name(batch.columns[c].type())));
      }
    }
  }

  void add(const ColumnBatch& batch) {
    check(batch);
    if (state.empty()) state.resize(columns.size());
    next_value.assign(columns.size(), 0);
    size_t from = 0;
    while (from < batch.rows) {
      const size_t take = std::min(batch.rows - from, options.row_group_rows - group_rows);
      for (size_t c = 0; c < columns.size(); ++c) {
        encode(c, batch.columns[c], from, take, next_value[c]);
      }
      from += take;
      group_rows += take;
      rows += take;
      if (group_rows == options.row_group_rows) write_group();
    }
  }

  // Encode rows [from, from + count) of column `c`, whose first non-NULL row holds value
  // `value` (advanced past the values taken): a page at a time, each ending right after the
  // value that makes its plain values reach options.page_bytes.
  void encode(size_t c, const BatchColumn& column, size_t from, size_t count, size_t& value) {
    ColumnState& s = state[c];
    const uint8_t* valid = column.valid_data();
    const size_t end = from + count;
    const size_t width = plain_width(columns[c].type);
    const size_t* text_ends = column.text_ends();
    while (from < end) {
      const size_t room = options.page_bytes - s.values.size();
      if (const std::optional<size_t> taken =
              values_fitting(column, valid, from, end, value, width, room)) {
        s.levels.insert(s.levels.end(), valid + from, valid + end);
        s.meta.nulls += static_cast<int64_t>(end - from - *taken);
        put_values(c, s, column, value, *taken);
        value += *taken;
        return;
      }
      size_t bytes = 0;
      size_t taken = 0;
      size_t stop = from;
      bool full = false;
      while (stop < end) {
        if (valid[stop++] == 0) continue;
        const size_t v = value + taken++;
        bytes += width != 0 ? width : 4 + text_ends[v] - (v == 0 ? 0 : text_ends[v - 1]);
        if (bytes >= room) {
          full = true;
          break;
        }
      }
      s.levels.insert(s.levels.end(), valid + from, valid + stop);
      s.meta.nulls += static_cast<int64_t>(stop - from - taken);
      put_values(c, s, column, value, taken);
      value += taken;
      from = stop;
      if (full) write_page(s);
    }
  }

  // The values of rows [from, end) when all of them fit the page's `room` without filling it
  // (the common case: no row ends the page); nullopt when some row fills it.
  static std::optional<size_t> values_fitting(const BatchColumn& column, const uint8_t* valid,
                                              size_t from, size_t end, size_t value, size_t width,
                                              size_t room) {
    const size_t taken = count_valid(valid + from, end - from);
    size_t bytes = taken * width;
    if (width == 0 && taken > 0) {
      const size_t* ends = column.text_ends();
      bytes = taken * 4 + ends[value + taken - 1] - (value == 0 ? 0 : ends[value - 1]);
    }
    if (bytes >= room) return std::nullopt;
    return taken;
  }

  // The bytes of one plain value of a fixed-width type; 0 for text.
  static size_t plain_width(ColumnType type) {
    switch (type) {
      case ColumnType::kInteger:
      case ColumnType::kDate:
        return 4;
      case ColumnType::kBigint:
      case ColumnType::kTimestamp:
      case ColumnType::kDouble:
        return 8;
      case ColumnType::kVarchar:
        return 0;
    }
    return 0;
  }

  [[noreturn]] void out_of_range(int64_t value, size_t c) const {
    fail(ErrorKind::kInternal, "value " + std::to_string(value) + " of column " + columns[c].name +
                                   " does not fit a 32-bit INTEGER");
  }

  // Append values [first, first + n) of `column` to the page's plain values and the chunk's
  // statistics.
  void put_values(size_t c, ColumnState& s, const BatchColumn& column, size_t first, size_t n) {
    if (n == 0) return;
    switch (columns[c].type) {
      case ColumnType::kInteger:
      case ColumnType::kDate:
        return put_int32(c, s, column.word_data() + first, n);
      case ColumnType::kBigint:
      case ColumnType::kTimestamp: {
        const uint64_t* words = column.word_data() + first;
        const auto [least, greatest] = int_bounds(words, n);
        s.ints.add(least);
        s.ints.add(greatest);
        std::memcpy(s.values.extend(n * 8), words, n * 8);
        return;
      }
      case ColumnType::kDouble: {
        const uint64_t* words = column.word_data() + first;
        for (size_t i = 0; i < n; ++i) {
          const auto value = std::bit_cast<double>(words[i]);
          if (value == value) s.doubles.add(value);  // NaN takes no part in the bounds
        }
        std::memcpy(s.values.extend(n * 8), words, n * 8);
        return;
      }
      case ColumnType::kVarchar:
        return put_texts(s, column, first, n);
    }
  }

  void put_int32(size_t c, ColumnState& s, const uint64_t* words, size_t n) {
    const auto [least, greatest] = int_bounds(words, n);
    if (least < std::numeric_limits<int32_t>::min() ||
        greatest > std::numeric_limits<int32_t>::max()) {
      for (size_t i = 0; i < n; ++i) {
        const auto value = static_cast<int64_t>(words[i]);
        if (value != static_cast<int32_t>(value)) out_of_range(value, c);
      }
    }
    s.ints.add(least);
    s.ints.add(greatest);
    char* out = s.values.extend(n * 4);
    for (size_t i = 0; i < n; ++i) {
      const auto value = static_cast<int32_t>(words[i]);
      std::memcpy(out + i * 4, &value, 4);
    }
  }

  // Text values: each a 4-byte length and its bytes; the bounds of the run are found as views
  // and copied into the chunk's bounds once.
  static void put_texts(ColumnState& s, const BatchColumn& column, size_t first, size_t n) {
    KeyedText least(column.text_value(first));
    KeyedText greatest = least;
    const size_t* ends = column.text_ends();
    const size_t begin = first == 0 ? 0 : ends[first - 1];
    char* out = s.values.extend(n * 4 + ends[first + n - 1] - begin);
    for (size_t i = first; i < first + n; ++i) {
      const KeyedText text(column.text_value(i));
      if (text < least) least = text;
      if (greatest < text) greatest = text;
      const auto size = static_cast<uint32_t>(text.text.size());
      std::memcpy(out, &size, 4);
      if (size > 0) std::memcpy(out + 4, text.text.data(), size);
      out += 4 + size;
    }
    s.texts.add(least.text);
    s.texts.add(greatest.text);
  }

  // The plain-encoded bounds of column `c`'s chunk, if it has values.
  void set_bounds(size_t c, ColumnState& s) const {
    ChunkMeta& meta = s.meta;
    switch (columns[c].type) {
      case ColumnType::kInteger:
      case ColumnType::kDate:
        if (s.ints.empty()) return;
        meta.min = le_bytes(static_cast<int32_t>(s.ints.min));
        meta.max = le_bytes(static_cast<int32_t>(s.ints.max));
        return;
      case ColumnType::kBigint:
      case ColumnType::kTimestamp:
        if (s.ints.empty()) return;
        meta.min = le_bytes(s.ints.min);
        meta.max = le_bytes(s.ints.max);
        return;
      case ColumnType::kDouble:
        if (s.doubles.empty()) return;
        // A zero bound is written as -0.0 (min) and +0.0 (max), as the format asks.
        meta.min = le_bytes(s.doubles.min == 0 ? -0.0 : s.doubles.min);
        meta.max = le_bytes(s.doubles.max == 0 ? 0.0 : s.doubles.max);
        return;
      case ColumnType::kVarchar:
        if (!s.texts.min || s.texts.min->size() > kMaxTextStatistic ||
            s.texts.max->size() > kMaxTextStatistic) {
          return;
        }
        meta.min = *s.texts.min;
        meta.max = *s.texts.max;
        return;
    }
  }

  // Write the row group built so far: each column's pages, column after column.
  void write_group() {
    GroupMeta group;
    group.rows = static_cast<int64_t>(group_rows);
    for (size_t c = 0; c < columns.size(); ++c) {
      ColumnState& s = state[c];
      if (!s.levels.empty()) write_page(s);
      set_bounds(c, s);
      s.meta.offset = offset;
      put(s.pages);
      group.chunks.push_back(std::move(s.meta));
      s.meta = {};
      s.pages.clear();
      s.ints.clear();
      s.doubles.clear();
      s.texts.clear();
    }
    groups.push_back(std::move(group));
    group_rows = 0;
  }

  // Finish the column's current page: levels and values, compressed, after a page header.
  void write_page(ColumnState& s) {
    body.assign(4, '\0');
    put_levels(body, s.levels);
    const auto level_bytes = static_cast<uint32_t>(body.size() - 4);
    std::memcpy(body.data(), &level_bytes, 4);
    body += s.values.view();
    compressed.resize(ZSTD_compressBound(body.size()));
    const size_t size = ZSTD_compressCCtx(thread_zstd(), compressed.data(), compressed.size(),
                                          body.data(), body.size(), options.zstd_level);
    if (ZSTD_isError(size) != 0) {
      fail(ErrorKind::kInternal, std::string("zstd: ") + ZSTD_getErrorName(size));
    }
    compressed.resize(size);
    header.clear();
    thrift::Writer w(header);
    w.i32(1, kPageData);
    w.i32(2, static_cast<int32_t>(body.size()));
    w.i32(3, static_cast<int32_t>(compressed.size()));
    w.begin_struct(5);  // DataPageHeader
    w.i32(1, static_cast<int32_t>(s.levels.size()));
    w.i32(2, kEncodingPlain);
    w.i32(3, kEncodingRle);  // definition levels
    w.i32(4, kEncodingRle);  // repetition levels (none)
    w.end_struct();
    w.end_struct();
    s.pages += header;
    s.pages += compressed;
    s.meta.values += static_cast<int64_t>(s.levels.size());
    s.meta.uncompressed += static_cast<int64_t>(header.size() + body.size());
    s.meta.compressed += static_cast<int64_t>(header.size() + compressed.size());
    s.levels.clear();
    s.values.clear();
  }

  void write_schema(thrift::Writer& w) const {
    w.begin_list(2, thrift::Type::kStruct, columns.size() + 1);
    w.begin_element_struct();  // the root group
    w.i32(3, kRequired);
    w.binary(4, kRootName);
    w.i32(5, static_cast<int32_t>(columns.size()));
    w.end_struct();
    for (const ColumnSpec& column : columns) {
      w.begin_element_struct();
      w.i32(1, physical_type(column.type));
      w.i32(3, kOptional);
      w.binary(4, column.name);
      if (const std::optional<int32_t> converted = converted_type(column.type)) {
        w.i32(6, *converted);
      }
      if (column.type == ColumnType::kTimestamp) {
        w.begin_struct(10);   // LogicalType
        w.begin_struct(8);    // TimestampType
        w.boolean(1, false);  // isAdjustedToUTC
        w.begin_struct(2);    // TimeUnit
        w.begin_struct(2);    // MICROS
        w.end_struct();
        w.end_struct();
        w.end_struct();
        w.end_struct();
      }
      w.end_struct();
    }
  }

  void write_chunk_meta(thrift::Writer& w, const ColumnSpec& column, const ChunkMeta& chunk) const {
    w.begin_element_struct();  // ColumnChunk
    w.i64(2, chunk.offset);
    w.begin_struct(3);  // ColumnMetaData
    w.i32(1, physical_type(column.type));
    w.begin_list(2, thrift::Type::kI32, 2);
    w.element_i32(kEncodingPlain);
    w.element_i32(kEncodingRle);
    w.begin_list(3, thrift::Type::kBinary, 1);
    w.element_binary(column.name);
    w.i32(4, kCodecZstd);
    w.i64(5, chunk.values);
    w.i64(6, chunk.uncompressed);
    w.i64(7, chunk.compressed);
    w.i64(9, chunk.offset);
    w.begin_struct(12);  // Statistics
    w.i64(3, chunk.nulls);
    if (chunk.max) w.binary(5, *chunk.max);
    if (chunk.min) w.binary(6, *chunk.min);
    w.end_struct();
    w.end_struct();
    w.end_struct();
  }

  std::string footer() const {
    std::string out;
    thrift::Writer w(out);
    w.i32(1, 1);  // version
    write_schema(w);
    w.i64(3, static_cast<int64_t>(rows));
    w.begin_list(4, thrift::Type::kStruct, groups.size());
    for (const GroupMeta& group : groups) {
      w.begin_element_struct();  // RowGroup
      w.begin_list(1, thrift::Type::kStruct, group.chunks.size());
      int64_t uncompressed = 0;
      int64_t compressed = 0;
      for (size_t c = 0; c < columns.size(); ++c) {
        write_chunk_meta(w, columns[c], group.chunks[c]);
        uncompressed += group.chunks[c].uncompressed;
        compressed += group.chunks[c].compressed;
      }
      w.i64(2, uncompressed);
      w.i64(3, group.rows);
      w.i64(5, group.chunks.front().offset);
      w.i64(6, compressed);
      w.end_struct();
    }
    w.binary(6, kCreatedBy);
    w.begin_list(7, thrift::Type::kStruct, columns.size());  // column orders
    for (size_t c = 0; c < columns.size(); ++c) {
      w.begin_element_struct();  // ColumnOrder
      w.begin_struct(1);         // TypeDefinedOrder
      w.end_struct();
      w.end_struct();
    }
    w.end_struct();
    return out;
  }

  void close() {
    if (group_rows > 0) write_group();
    const std::string meta = footer();
    put(meta);
    put(le_bytes(static_cast<uint32_t>(meta.size())));
    put(kMagic);
    std::FILE* f = std::exchange(file, nullptr);
    if (std::fclose(f) != 0) io_error("closing", errno);
  }
};

ParquetWriter::ParquetWriter(fs::path path, std::vector<ColumnSpec> columns, ParquetOptions options)
    : impl_(std::make_unique<Impl>()) {
  options.validate();
  impl_->path = std::move(path);
  impl_->columns = std::move(columns);
  impl_->options = options;
  impl_->file = std::fopen(impl_->path.c_str(), "wb");
  if (impl_->file == nullptr) impl_->io_error("cannot create", errno);
  impl_->put(kMagic);
}

ParquetWriter::~ParquetWriter() {
  if (impl_->finished) return;
  if (impl_->file != nullptr) {
    std::fclose(impl_->file);
    impl_->file = nullptr;
  }
  std::error_code ignored;
  fs::remove(impl_->path, ignored);
}

void ParquetWriter::write(const ColumnBatch& batch) {
  if (impl_->finished || impl_->broken) {
    fail(ErrorKind::kInternal,
         "rows written to a finished or failed Parquet file " + impl_->path.string());
  }
  try {
    impl_->add(batch);
  } catch (...) {
    impl_->broken = true;
    throw;
  }
}

void ParquetWriter::finish() {
  if (impl_->finished) return;
  if (impl_->broken) {
    fail(ErrorKind::kInternal, "finishing the failed Parquet file " + impl_->path.string());
  }
  try {
    impl_->close();
  } catch (...) {
    impl_->broken = true;
    throw;
  }
  impl_->finished = true;
}

uint64_t ParquetWriter::rows() const {
  return impl_->rows;
}

const fs::path& ParquetWriter::path() const {
  return impl_->path;
}

}  // namespace fos::lake
