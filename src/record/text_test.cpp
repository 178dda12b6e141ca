// record::Text and TextPool: borrowed vs owned text, copies, moves, comparisons, Code equality.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <unordered_set>
#include <utility>

#include "record/code.hpp"
#include "record/text.hpp"

using fos::record::Code;
using fos::record::CodeSystem;
using fos::record::Text;
using fos::record::TextPool;
using fos::record::literals::operator""_text;

TEST(Text, DefaultIsEmptyAndOwnsNothing) {
  const Text t;
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.size(), 0U);
  EXPECT_FALSE(t.owns());
  EXPECT_NE(t.data(), nullptr);
  EXPECT_EQ(t, "");
}

TEST(Text, BuiltFromAStringOwnsACopy) {
  std::string source = "Body mass index (BMI) [Ratio]";
  const Text t = source;
  EXPECT_TRUE(t.owns());
  EXPECT_NE(t.data(), source.data());
  source.assign(source.size(), 'x');  // the copy does not see changes to the source
  EXPECT_EQ(t, "Body mass index (BMI) [Ratio]");
  const Text from_view{std::string_view("8302-2")};
  EXPECT_TRUE(from_view.owns());
  const Text from_chars = "8302-2";
  EXPECT_TRUE(from_chars.owns());
  EXPECT_EQ(from_view, from_chars);
  // Owning empty text allocates nothing.
  EXPECT_FALSE(Text(std::string()).owns());
}

TEST(Text, BorrowedTextRefersToItsSourceAndCopiesTheReference) {
  const std::string source = "Hypertension (disorder) and more text than fits in place";
  const Text t = Text::borrow(source);
  EXPECT_FALSE(t.owns());
  EXPECT_EQ(t.data(), source.data());
  EXPECT_EQ(t.size(), source.size());
  const Text copy = t;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_FALSE(copy.owns());
  EXPECT_EQ(copy.data(), source.data());
  const Text literal = "38341003"_text;
  EXPECT_FALSE(literal.owns());
  EXPECT_EQ(literal, "38341003");
}

TEST(Text, CopiesOfOwnedTextOwnTheirOwnCopy) {
  const Text a = std::string("Diastolic blood pressure");
  Text b = a;
  EXPECT_TRUE(b.owns());
  EXPECT_NE(b.data(), a.data());
  EXPECT_EQ(a, b);
  Text c = "x"_text;
  c = a;  // borrowed <- owned: now owns
  EXPECT_TRUE(c.owns());
  EXPECT_EQ(c, a);
  c = "y"_text;  // owned <- borrowed: frees its copy, borrows
  EXPECT_FALSE(c.owns());
  EXPECT_EQ(c, "y");
  b = b;  // NOLINT: self-assignment keeps the text
  EXPECT_EQ(b, "Diastolic blood pressure");
}

TEST(Text, MovesTransferAndLeaveTheSourceEmpty) {
  Text a = std::string("Systolic blood pressure");
  const char* data = a.data();
  Text b = std::move(a);
  EXPECT_EQ(b.data(), data);
  EXPECT_TRUE(b.owns());
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_FALSE(a.owns());  // NOLINT(bugprone-use-after-move)
  Text c = "z"_text;
  c = std::move(b);
  EXPECT_EQ(c.data(), data);
  EXPECT_EQ(c, "Systolic blood pressure");
}

TEST(Text, ComparesWithStringsViewsAndOtherTexts) {
  const Text owned = std::string("b");
  const Text borrowed = "b"_text;
  EXPECT_EQ(owned, borrowed);
  EXPECT_EQ(owned, std::string("b"));
  EXPECT_EQ(owned, std::string_view("b"));
  EXPECT_EQ("b", owned);
  EXPECT_NE(owned, "a");
  EXPECT_LT("a"_text, owned);
  EXPECT_GT(owned, std::string_view("a"));
  EXPECT_LT(owned, std::string("c"));
  const std::string_view view = owned;
  EXPECT_EQ(view, "b");
  EXPECT_EQ(owned.str(), "b");
  std::string s = "x";
  s += owned;
  EXPECT_EQ(s, "xb");
  // Usable as a key.
  std::map<Text, int> ordered{{"b"_text, 1}, {std::string("a"), 2}};
  EXPECT_EQ(ordered.begin()->second, 2);
  const std::unordered_set<Text> hashed{"a"_text, std::string("a"), "b"_text};
  EXPECT_EQ(hashed.size(), 2U);
}

TEST(Text, CodesCompareByTextNotByOwnership) {
  const Code owned{CodeSystem::kSnomed, std::string("44054006"), std::string("Diabetes")};
  const Code borrowed{CodeSystem::kSnomed, "44054006"_text, "Diabetes"_text};
  EXPECT_EQ(owned, borrowed);
  const Code other{CodeSystem::kLoinc, "44054006"_text, "Diabetes"_text};
  EXPECT_NE(owned, other);
  Code copy = borrowed;
  EXPECT_FALSE(copy.code.owns());
  copy = owned;
  EXPECT_TRUE(copy.display.owns());
}

TEST(TextPool, KeepsEachStringOnceAndLendsIt) {
  TextPool pool;
  std::string source = "Acute bronchitis (disorder)";
  const Text a = pool.keep(source);
  source.assign(source.size(), '-');  // the pool keeps its own copy
  const Text b = pool.keep("Acute bronchitis (disorder)");
  EXPECT_FALSE(a.owns());
  EXPECT_EQ(a, "Acute bronchitis (disorder)");
  EXPECT_EQ(a.data(), b.data());
  EXPECT_EQ(pool.size(), 1U);
  EXPECT_TRUE(pool.keep("").empty());
  EXPECT_EQ(pool.size(), 1U);
  // Short strings (stored in place) stay put when the pool grows and when it is moved.
  const Text short_text = pool.keep("J20");
  for (int i = 0; i < 1000; ++i) (void)pool.keep(std::to_string(i));
  const TextPool moved = std::move(pool);
  EXPECT_EQ(short_text, "J20");
  EXPECT_EQ(a, "Acute bronchitis (disorder)");
  EXPECT_EQ(moved.size(), 1002U);
}
