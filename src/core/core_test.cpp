// Unit tests of the core room: RNG streams, dates, JSON writer, CSV quoting, atomic output, UUIDs.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/vfs.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>
#include <vector>

#include "core/core.hpp"

namespace fs = std::filesystem;
using namespace fos;

TEST(Rng, SameSeedAndStreamGiveSameSequence) {
  Rng a(42, 7);
  Rng b(42, 7);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, DifferentStreamsDiffer) {
  Rng a(42, 7);
  Rng b(42, 8);
  Rng c(43, 7);
  int equal_ab = 0;
  int equal_ac = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.next_u64();
    equal_ab += x == b.next_u64();
    equal_ac += x == c.next_u64();
  }
  EXPECT_EQ(equal_ab, 0);
  EXPECT_EQ(equal_ac, 0);
}

TEST(Rng, DerivedStreamDoesNotDependOnConsumption) {
  Rng a(1, 99);
  Rng b(1, 99);
  for (int i = 0; i < 17; ++i) b.next_u64();
  Rng da = a.derive("vitals");
  Rng db = b.derive("vitals");
  for (int i = 0; i < 100; ++i) ASSERT_EQ(da.next_u64(), db.next_u64());
  EXPECT_NE(a.derive("vitals").next_u64(), a.derive("immunizations").next_u64());
}

TEST(Rng, UniformIntStaysInRangeAndCoversIt) {
  Rng r(5, 5);
  std::set<int64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = r.uniform_int(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 7U);
}

TEST(Rng, NormalHasRequestedMoments) {
  Rng r(9, 1);
  double sum = 0;
  double sum_sq = 0;
  constexpr int kN = 200000;
  for (int i = 0; i < kN; ++i) {
    const double x = r.normal(10, 2);
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / kN;
  const double sd = std::sqrt(sum_sq / kN - mean * mean);
  EXPECT_NEAR(mean, 10, 0.03);
  EXPECT_NEAR(sd, 2, 0.03);
}

TEST(Rng, WeightedFollowsWeightsAndSkipsZeros) {
  Rng r(3, 3);
  const double weights[] = {1, 0, 3};
  int counts[3] = {};
  for (int i = 0; i < 40000; ++i) ++counts[r.weighted(weights)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[2] / 40000.0, 0.75, 0.01);
  const double cumulative[] = {1, 1, 4};
  int c2[3] = {};
  for (int i = 0; i < 40000; ++i) ++c2[r.weighted_cumulative(cumulative)];
  EXPECT_EQ(c2[1], 0);
  EXPECT_NEAR(c2[2] / 40000.0, 0.75, 0.01);
}

TEST(Date, RoundTripsThroughCivilForFourCenturies) {
  for (int32_t d = -150000; d < 150000; d += 37) {
    const Date date(d);
    const CivilDate c = date.civil();
    ASSERT_TRUE(is_valid_civil(c.year, c.month, c.day));
    ASSERT_EQ(Date::from_civil(c.year, c.month, c.day).days(), d);
  }
  EXPECT_EQ(Date::from_civil(1970, 1, 1).days(), 0);
  EXPECT_EQ(Date::from_civil(2000, 3, 1).days(), 11017);
  EXPECT_EQ(Date::from_civil(1969, 12, 31).days(), -1);
}

TEST(Date, ParsesAndFormatsIso) {
  auto d = Date::parse("2024-02-29");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->iso(), "2024-02-29");
  EXPECT_EQ(d->compact(), "20240229");
  EXPECT_FALSE(Date::parse("2023-02-29"));
  EXPECT_FALSE(Date::parse("2023-13-01"));
  EXPECT_FALSE(Date::parse("2023-1-01"));
  EXPECT_FALSE(Date::parse("20230101"));
  EXPECT_EQ(Date::from_civil(812, 5, 6).iso(), "0812-05-06");
}

TEST(Date, MonthArithmeticClampsToMonthEnd) {
  EXPECT_EQ(Date::from_civil(2023, 1, 31).plus_months(1).iso(), "2023-02-28");
  EXPECT_EQ(Date::from_civil(2024, 1, 31).plus_months(1).iso(), "2024-02-29");
  EXPECT_EQ(Date::from_civil(2024, 2, 29).plus_years(1).iso(), "2025-02-28");
  EXPECT_EQ(Date::from_civil(2024, 3, 15).plus_months(-15).iso(), "2022-12-15");
}

TEST(Date, AgeCountsWholeYearsAndMonths) {
  const Date birth = Date::from_civil(2000, 6, 15);
  EXPECT_EQ(age_in_years(birth, Date::from_civil(2010, 6, 14)), 9);
  EXPECT_EQ(age_in_years(birth, Date::from_civil(2010, 6, 15)), 10);
  EXPECT_EQ(age_in_months(birth, Date::from_civil(2000, 8, 14)), 1);
  EXPECT_EQ(age_in_months(birth, Date::from_civil(2000, 8, 15)), 2);
}

TEST(Instant, FormatsAndParsesUtcAndOffsets) {
  const Instant t = Instant::at(Date::from_civil(2021, 3, 4), 5, 6, 7);
  EXPECT_EQ(t.iso(), "2021-03-04T05:06:07Z");
  std::string sql;
  t.append_sql(sql);
  EXPECT_EQ(sql, "2021-03-04 05:06:07");
  EXPECT_EQ(Instant::parse("2021-03-04T05:06:07Z"), t);
  EXPECT_EQ(Instant::parse("2021-03-04T07:06:07+02:00"), t);
  EXPECT_EQ(Instant::parse("2021-03-04T05:06:07.123Z"), t);
  EXPECT_FALSE(Instant::parse("2021-03-04T05:06:07"));
  EXPECT_FALSE(Instant::parse("2021-03-04T25:06:07Z"));
  const Instant before_epoch = Instant::at(Date::from_civil(1950, 1, 1), 23, 59, 59);
  EXPECT_EQ(before_epoch.iso(), "1950-01-01T23:59:59Z");
  EXPECT_EQ(before_epoch.date().iso(), "1950-01-01");
}

namespace {
// The text `body` writes into a string; written in place into a JsonBuffer, it must be the same.
std::string write_json(const std::function<void(JsonWriter&)>& body) {
  std::string out;
  {
    JsonWriter w(out);
    body(w);
    EXPECT_TRUE(w.complete());
  }
  JsonBuffer direct;
  {
    JsonWriter w(direct);
    body(w);
  }
  EXPECT_EQ(direct.view(), out);
  return out;
}
}  // namespace

TEST(JsonWriter, WritesNestedStructuresWithCommas) {
  const std::string json = write_json([](JsonWriter& w) {
    w.begin_object();
    w.field("a", 1);
    w.key("b");
    w.begin_array();
    w.value("x");
    w.value(true);
    w.null();
    w.begin_object();
    w.end_object();
    w.end_array();
    w.field("c", 2.5);
    w.end_object();
  });
  EXPECT_EQ(json, R"({"a":1,"b":["x",true,null,{}],"c":2.5})");
  // Program-made plain text goes between quotes as it is, with the same separators.
  const std::string plain = write_json([](JsonWriter& w) {
    w.begin_array();
    w.value(JsonPlain{"2025-01-01T00:00:00Z"});
    w.value(JsonPlain{""});
    w.end_array();
  });
  EXPECT_EQ(plain, R"(["2025-01-01T00:00:00Z",""])");
}

TEST(JsonWriter, InsertsSerializedMembersWithTheirCommas) {
  const std::string json = write_json([](JsonWriter& w) {
    w.begin_object();
    w.raw_members(R"("a":1,"b":[2])");
    w.raw_member("c", R"({"d":true})");
    w.key("e");
    w.begin_object();
    w.raw_member("f", "null");
    w.raw_members(R"("g":"h")");
    w.end_object();
    w.raw_members(R"("i":{})");
    w.end_object();
  });
  EXPECT_EQ(json, R"({"a":1,"b":[2],"c":{"d":true},"e":{"f":null,"g":"h"},"i":{}})");
  // A value longer than the writer's buffer goes through the slow path with the same result.
  const std::string long_text(5000, 'x');
  const std::string big = write_json([&](JsonWriter& w) {
    w.begin_object();
    w.field("a", 1);
    w.raw_member("b", '"' + long_text + '"');
    w.raw_members(R"("c":")" + long_text + '"');
    w.end_object();
  });
  EXPECT_EQ(big, R"({"a":1,"b":")" + long_text + R"(","c":")" + long_text + R"("})");
  // Members where a value belongs are refused.
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("a");
  EXPECT_THROW(w.raw_members(R"("b":1)"), Error);
}

TEST(JsonWriter, EscapesAndRoundTripsThroughSimdjson) {
  std::string nasty = "quote\" backslash\\ newline\n tab\t cr\r bell\x07 nul";
  nasty.push_back('\0');
  nasty += " unicode é 漢字 \x1f end";
  const std::string json = write_json([&](JsonWriter& w) {
    w.begin_object();
    w.field(nasty, nasty);
    w.end_object();
  });
  EXPECT_EQ(json.find('\n'), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  simdjson::dom::object obj;
  ASSERT_EQ(doc.get(obj), simdjson::SUCCESS);
  for (auto field : obj) {
    EXPECT_EQ(std::string(field.key), nasty);
    std::string_view value;
    ASSERT_EQ(field.value.get(value), simdjson::SUCCESS);
    EXPECT_EQ(std::string(value), nasty);
  }
}

// Escaping scans eight bytes at a time; put each special byte at every offset of strings
// of several lengths (and beside UTF-8 bytes) and compare with a byte-at-a-time reference.
TEST(JsonWriter, EscapesEverySpecialByteAtEveryOffset) {
  auto reference = [](std::string_view text) {
    std::string out = "\"";
    for (const char ch : text) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += ch;
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\b') {
        out += "\\b";
      } else if (c == '\f') {
        out += "\\f";
      } else if (c < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      } else {
        out += ch;
      }
    }
    return out + "\"";
  };
  const std::string specials = std::string("\"\\\n\r\t\b\f\x01\x1f", 9) + std::string(1, '\0');
  const std::string fillers[] = {"abcdefghijklmnopqrstuvwxyz", "\xc3\xa9\xe6\xbc\xa2 !#[]~\x7f"};
  for (const std::string& filler : fillers) {
    for (size_t len = 0; len <= filler.size(); ++len) {
      const std::string plain = filler.substr(0, len);
      std::string out;
      append_json_string(out, plain);
      ASSERT_EQ(out, reference(plain));
      for (size_t at = 0; at < len; ++at) {
        for (const char special : specials) {
          std::string text = plain;
          text[at] = special;
          text += plain;  // a clean run after the escape
          std::string got = "prefix";
          append_json_string(got, text);
          ASSERT_EQ(got, "prefix" + reference(text)) << "len " << len << " at " << at;
          // The writer copies and checks in one pass; the same text as a value and as a key.
          const std::string json = write_json([&](JsonWriter& w) {
            w.begin_object();
            w.field(text, text);
            w.end_object();
          });
          ASSERT_EQ(json, "{" + reference(text) + ":" + reference(text) + "}") << "len " << len;
        }
      }
    }
  }
}

// The writer gathers text in a buffer of its own: documents, strings and raw texts larger
// than that buffer, escapes at its edges, and the string being up to date after every
// complete top-level value.
TEST(JsonWriter, BuffersLargeDocumentsAndFlushesCompleteValues) {
  std::string expected = "[";
  std::string out;
  {
    JsonWriter w(out);
    w.begin_array();
    for (size_t len : {0, 1, 3, 4, 7, 8, 9, 255, 256, 257, 4095, 4096, 4097, 9000}) {
      std::string text(len, 'x');
      for (size_t i = 0; i < len; i += 97) text[i] = (i % 2 == 0) ? '"' : '\n';
      std::string quoted;
      append_json_string(quoted, text);
      if (expected.size() > 1) expected += ',';
      const std::string ones = "[" + std::string(len, '1') + "]";
      expected.append(quoted).append(",{\"k\":").append(quoted).append("},").append(ones);
      w.value(text);
      w.begin_object();
      w.field("k", text);
      w.end_object();
      w.raw(ones);
      EXPECT_FALSE(w.complete());
    }
    w.end_array();
    EXPECT_EQ(out, expected + "]");  // complete: flushed without waiting for the destructor
    out += '\n';
    w.value(int64_t{7});  // a top-level scalar is flushed at once too
    EXPECT_EQ(out, expected + "]\n7");
    w.begin_object();
    w.field("a", 1);
  }  // the destructor appends what is still buffered
  EXPECT_EQ(out, expected + "]\n7{\"a\":1");
}

// Written in place: the buffer grows under the writer (from empty, from a small reserve, by
// values larger than its growth step), counts what is written at each complete top-level
// value, and keeps what others append between values.
TEST(JsonWriter, WritesInPlaceIntoAGrowingBuffer) {
  for (size_t reserve : {size_t{0}, size_t{10}, size_t{1} << 20}) {
    JsonBuffer buf;
    buf.reserve(reserve);
    std::string expected;
    for (int line = 0; line < 40; ++line) {
      const std::string text(static_cast<size_t>(line) * 397, static_cast<char>('a' + line % 26));
      std::string quoted;
      append_json_string(quoted, text);
      const std::string raw_value = "[" + std::string(static_cast<size_t>(line) * 211, '2') + "]";
      expected.append("{\"t\":").append(quoted).append(",\"r\":").append(raw_value);
      expected.append(",\"n\":").append(std::to_string(line)).append("}\n");
      JsonWriter w(buf);
      w.begin_object();
      w.field("t", text);
      w.raw_member("r", raw_value);
      w.field("n", line);
      w.end_object();
      EXPECT_TRUE(w.complete());
      EXPECT_EQ(buf.size() + 1, expected.size());  // committed before the writer ends
      buf.push_back('\n');
      w.value(JsonPlain{"after"});  // continues after the newline
      expected += "\"after\"";
      buf.append("\n");
      expected += "\n";
    }
    EXPECT_EQ(buf.view(), expected);
    EXPECT_GE(buf.capacity(), buf.size());
  }
  JsonBuffer buf;
  buf.append("abc");
  JsonBuffer moved(std::move(buf));
  EXPECT_EQ(moved.view(), "abc");
  EXPECT_TRUE(buf.empty());  // NOLINT(bugprone-use-after-move): a moved-from buffer is empty
  moved.clear();
  EXPECT_TRUE(moved.empty());
  moved.release();
  EXPECT_EQ(moved.capacity(), 0U);
}

TEST(JsonWriter, NumbersRoundTripAndKeepFixedPrecision) {
  const std::string json = write_json([](JsonWriter& w) {
    w.begin_array();
    w.value(0.1);
    w.value(int64_t{-9007199254740993});
    w.value(uint64_t{18446744073709551615ULL});
    w.value_fixed(1.5, 2);
    w.value_fixed(-0.001, 1);
    w.value_fixed(72.0, 0);
    w.end_array();
  });
  EXPECT_EQ(json, "[0.1,-9007199254740993,18446744073709551615,1.50,0.0,72]");
}

// value_fixed formats most numbers without std::to_chars; it must agree with it everywhere,
// including exact and near halves, negative zero and large magnitudes.
TEST(JsonWriter, FixedDecimalsAgreeWithToChars) {
  auto reference = [](double number, int decimals) {
    char buf[400];
    auto res = std::to_chars(buf, buf + sizeof buf, number, std::chars_format::fixed, decimals);
    std::string text(buf, res.ptr);
    if (text.size() > 1 && text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos)
      text.erase(0, 1);
    return text;
  };
  std::vector<double> numbers = {0.0,   -0.0,   0.5,   1.5,    2.5,     0.125, 0.005,  -0.005,
                                 72.45, 1e-7,   -1e-7, 1e14,   9.99e14, 1e15,  1.5e15, 1e20,
                                 -2.5,  0.0449, 98.6,  120.35, 0.1,     0.7,   1.005,  -72.4};
  Rng rng(7, 1);
  for (int i = 0; i < 20000; ++i) {
    const double magnitude = std::pow(10.0, rng.uniform(-8.0, 16.0));
    numbers.push_back((rng.uniform(0.0, 1.0) < 0.5 ? -1 : 1) * rng.uniform(0.0, 1.0) * magnitude);
    // Numbers a few units from a half at some number of decimals.
    numbers.push_back(std::nextafter(std::round(rng.uniform(0.0, 1e6)) / 1000 + 0.0005,
                                     rng.uniform(0.0, 1.0) < 0.5 ? 0.0 : 1e9));
  }
  for (const double number : numbers) {
    for (int decimals = 0; decimals <= 10; ++decimals) {
      const std::string json = write_json([&](JsonWriter& w) { w.value_fixed(number, decimals); });
      ASSERT_EQ(json, reference(number, decimals)) << number << " with " << decimals;
    }
  }
}

TEST(JsonWriter, RejectsNonFiniteNumbers) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  EXPECT_THROW(w.value(std::nan("")), Error);
  EXPECT_THROW(w.value_fixed(INFINITY, 1), Error);
}

TEST(Csv, QuotesOnlyWhenNeeded) {
  std::string out;
  append_csv_field(out, "plain");
  out.push_back('|');
  append_csv_field(out, "a,b");
  out.push_back('|');
  append_csv_field(out, "say \"hi\"");
  out.push_back('|');
  append_csv_field(out, "two\nlines");
  out.push_back('|');
  append_csv_field(out, "");
  EXPECT_EQ(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"\"");
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fos-core-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

using AtomicFileTest = TempDir;

TEST_F(AtomicFileTest, CommitMakesTheFileAppear) {
  const fs::path target = dir_ / "out.txt";
  {
    AtomicFile f(target);
    f.write("hello ");
    f.write("world");
    EXPECT_FALSE(fs::exists(target));
    f.commit();
  }
  EXPECT_EQ(read_file(target), "hello world");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(AtomicFileTest, DroppedWithoutCommitLeavesNothing) {
  {
    AtomicFile f(dir_ / "out.txt");
    f.write("partial");
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

// Long streams go to the disk a 1 MB buffer at a time, directly where the file system
// allows it, and the tail through the page cache: the bytes, their order and the size stay
// exactly what was written, whatever the sizes of the writes.
TEST_F(AtomicFileTest, LongStreamsKeepEveryByteAcrossBuffers) {
  const fs::path target = dir_ / "long.ndjson";
  std::string expected;
  bool direct = false;
  {
    AtomicFile f(target);
    for (int i = 0; expected.size() < (size_t{9} << 20); ++i) {
      const size_t start = expected.size();
      expected.append(size_t{70'001} * static_cast<size_t>(1 + i % 23),
                      static_cast<char>('a' + i % 26));
      f.write(std::string_view(expected).substr(start));
    }
    EXPECT_EQ(f.size(), expected.size());
    direct = f.direct();
    f.commit();
  }
  EXPECT_EQ(fs::file_size(target), expected.size());
  EXPECT_TRUE(read_file(target) == expected);
  // ext4 and XFS take direct writes; elsewhere (tmpfs on older kernels) the file may go
  // through the page cache.
  struct statfs info {};
  ASSERT_EQ(::statfs(dir_.c_str(), &info), 0);
  constexpr long kExt4 = 0xEF53;
  constexpr long kXfs = 0x58465342;
  if (info.f_type == kExt4 || info.f_type == kXfs) EXPECT_TRUE(direct);
}

// Sizes at the edges of the buffers (the first holds 1 MB, later ones 2 MB): nothing, one
// byte, a buffer exactly, a byte more or less than one or two buffers, and one write of several.
TEST_F(AtomicFileTest, SizesAtBufferEdgesKeepEveryByte) {
  constexpr size_t kMiB = size_t{1} << 20;
  for (const size_t n : {size_t{0}, size_t{1}, kMiB - 1, kMiB, kMiB + 1, 2 * kMiB - 1, 2 * kMiB,
                         2 * kMiB + 1, 3 * kMiB - 1, 3 * kMiB, 3 * kMiB + 1, 7 * kMiB + kMiB / 2}) {
    std::string expected(n, '\0');
    for (size_t i = 0; i < n; ++i) expected[i] = static_cast<char>('0' + (i * 7 + i / 4096) % 75);
    const fs::path target = dir_ / ("edge-" + std::to_string(n));
    AtomicFile f(target);
    f.write(expected);
    f.commit();
    EXPECT_EQ(fs::file_size(target), n);
    EXPECT_TRUE(read_file(target) == expected) << n << " bytes";
  }
}

// A long file dropped without commit leaves nothing, even after its buffers went out.
TEST_F(AtomicFileTest, DroppedLongFileLeavesNothing) {
  {
    AtomicFile f(dir_ / "long.ndjson");
    f.write(std::string(size_t{3} << 20, 'x'));
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(AtomicFileTest, UnwritableLocationThrowsNamingThePath) {
  try {
    AtomicFile f(dir_ / "missing" / "out.txt");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("missing/out.txt"), std::string::npos) << e.what();
  }
}

using StagedDirTest = TempDir;

TEST_F(StagedDirTest, CommitReplacesEntriesAndFailureKeepsOldOnes) {
  write_file_atomic(dir_ / "keep.txt", "old");
  {
    StagedDir staged(dir_);
    write_file_atomic(staged.path("keep.txt"), "new");
    write_file_atomic(staged.path("sub/a.txt"), "a");
    staged.commit();
  }
  EXPECT_EQ(read_file(dir_ / "keep.txt"), "new");
  EXPECT_EQ(read_file(dir_ / "sub/a.txt"), "a");
  {
    StagedDir staged(dir_);
    write_file_atomic(staged.path("keep.txt"), "abandoned");
    // no commit: as when a run fails
  }
  EXPECT_EQ(read_file(dir_ / "keep.txt"), "new");
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".fos-staging"), std::string::npos);
  }
}

TEST_F(StagedDirTest, TargetThatIsAFileIsRejected) {
  write_file_atomic(dir_ / "file", "x");
  EXPECT_THROW(StagedDir staged(dir_ / "file"), Error);
}

TEST(Uuid, Sha1MatchesKnownVectors) {
  auto hex = [](const Sha1Digest& d) {
    std::string s;
    for (auto b : d) {
      static constexpr char kHex[] = "0123456789abcdef";
      s.push_back(kHex[b >> 4]);
      s.push_back(kHex[b & 0xF]);
    }
    return s;
  };
  EXPECT_EQ(hex(sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(hex(sha1(std::string(1000000, 'a'))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Uuid, NameBasedMatchesRfcExample) {
  // RFC 9562 appendix: v5 UUID of "www.example.com" in the DNS namespace.
  const Uuid dns = Uuid::parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  EXPECT_EQ(Uuid::name_based(dns, "www.example.com").str(), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

TEST(Uuid, NameBasedAgreesWithSha1ForShortAndLongNames) {
  const Uuid ns = Uuid::parse("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
  for (const size_t len : {0, 1, 39, 40, 47, 48, 95, 96, 97, 200, 1000}) {
    const std::string name(len, 'n');
    std::string input(reinterpret_cast<const char*>(ns.bytes().data()), 16);
    input += name;
    const Sha1Digest digest = sha1(input);
    const Uuid id = Uuid::name_based(ns, name);
    const auto& bytes = id.bytes();
    for (size_t i = 0; i < 16; ++i) {
      uint8_t want = digest[i];
      if (i == 6) want = static_cast<uint8_t>((want & 0x0F) | 0x50);
      if (i == 8) want = static_cast<uint8_t>((want & 0x3F) | 0x80);
      ASSERT_EQ(bytes[i], want) << "length " << len << " byte " << i;
    }
  }
}

// The batch form hashes two names at a time; it must agree with one at a time for any count,
// with long names (more than one block) mixed in.
TEST(Uuid, NameBasedBatchAgreesWithOneAtATime) {
  const Uuid ns = Uuid::parse("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
  std::vector<std::string> texts;
  for (size_t i = 0; i < 9; ++i) texts.push_back("Observation/" + std::to_string(i * 7919));
  texts.insert(texts.begin() + 3, std::string(39, 'a'));
  texts.insert(texts.begin() + 5, std::string(40, 'b'));
  texts.insert(texts.begin() + 6, std::string(300, 'c'));
  for (size_t count = 0; count <= texts.size(); ++count) {
    const std::vector<std::string_view> names(texts.begin(), texts.begin() + count);
    std::vector<Uuid> ids(count);
    Uuid::name_based(ns, names, ids);
    for (size_t i = 0; i < count; ++i) {
      ASSERT_EQ(ids[i], Uuid::name_based(ns, names[i])) << "count " << count << " name " << i;
    }
  }
}

TEST(Uuid, RandomIsVersion4AndParsesBack) {
  const Uuid u = Uuid::random();
  const std::string s = u.str();
  EXPECT_EQ(s[14], '4');
  EXPECT_EQ(Uuid::parse(s), u);
  EXPECT_THROW(Uuid::parse("not-a-uuid"), Error);
}

TEST(Diagnostics, CountsByCategoryAndKeepsFirstExamples) {
  Diagnostics d(2);
  d.warn("skipped line", "a.ndjson:1");
  d.warn("skipped line", "a.ndjson:2");
  d.warn("skipped line", "a.ndjson:3");
  d.report(Severity::kError, "bad code", "x");
  EXPECT_EQ(d.total(), 4U);
  const auto s = d.summary();
  ASSERT_EQ(s.size(), 2U);
  EXPECT_EQ(s[0].category, "bad code");
  EXPECT_EQ(s[1].count, 3U);
  EXPECT_EQ(s[1].examples, (std::vector<std::string>{"a.ndjson:1", "a.ndjson:2"}));
}
