// Era logic: the 30-day persistence window at its edges, overlapping and touching exposures,
// gap days, several concepts, unordered input.
#include "omop/write/eras.hpp"

#include <gtest/gtest.h>

namespace fos::omop {
namespace {

Date day(int n) {
  return Date::from_civil(2020, 1, 1).plus_days(n);
}

TEST(ConditionEras, GapsOfUpTo30DaysMerge) {
  for (const int gap : {29, 30}) {
    const auto eras = condition_eras({{7, day(0), day(10)}, {7, day(10 + gap), day(15 + gap)}});
    ASSERT_EQ(eras.size(), 1u) << gap;
    EXPECT_EQ(eras[0].start, day(0));
    EXPECT_EQ(eras[0].end, day(15 + gap));
    EXPECT_EQ(eras[0].count, 2);
  }
  const auto split = condition_eras({{7, day(0), day(10)}, {7, day(41), day(45)}});
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[0].end, day(10));
  EXPECT_EQ(split[1].start, day(41));
  EXPECT_EQ(split[1].count, 1);
}

TEST(ConditionEras, PerConceptOverlapsAndOrder) {
  // Unordered input; a long occurrence swallows a later short one; concepts never mix.
  const auto eras = condition_eras(
      {{9, day(5), day(6)}, {7, day(20), day(22)}, {7, day(0), day(100)}, {7, day(160), day(161)}});
  ASSERT_EQ(eras.size(), 3u);
  EXPECT_EQ(eras[0].concept_id, 7);
  EXPECT_EQ(eras[0].end, day(100));
  EXPECT_EQ(eras[0].count, 2);
  EXPECT_EQ(eras[1].start, day(160));  // 60 days after day 100
  EXPECT_EQ(eras[2].concept_id, 9);
  EXPECT_TRUE(condition_eras({}).empty());
}

TEST(DrugEras, OverlapsMergeWithoutGapDays) {
  // Two overlapping exposures and a touching third: one sub-exposure, no gap.
  const auto eras = drug_eras({{1, day(0), day(30)}, {1, day(10), day(40)}, {1, day(40), day(50)}});
  ASSERT_EQ(eras.size(), 1u);
  EXPECT_EQ(eras[0].start, day(0));
  EXPECT_EQ(eras[0].end, day(50));
  EXPECT_EQ(eras[0].count, 3);
  EXPECT_EQ(eras[0].gap_days, 0);
}

TEST(DrugEras, PersistenceWindowAndGapDays) {
  for (const int gap : {29, 30}) {
    const auto eras = drug_eras({{1, day(0), day(7)}, {1, day(7 + gap), day(14 + gap)}});
    ASSERT_EQ(eras.size(), 1u) << gap;
    EXPECT_EQ(eras[0].end, day(14 + gap));
    EXPECT_EQ(eras[0].count, 2);
    EXPECT_EQ(eras[0].gap_days, gap);  // era length 14 + gap, 14 days exposed
  }
  const auto split = drug_eras({{1, day(0), day(7)}, {1, day(38), day(45)}});
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[0].gap_days, 0);
  EXPECT_EQ(split[1].start, day(38));
  // Ingredients stay apart even when their exposures interleave.
  const auto two = drug_eras({{2, day(0), day(5)}, {1, day(3), day(9)}});
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].concept_id, 1);
  EXPECT_EQ(two[1].concept_id, 2);
}

}  // namespace
}  // namespace fos::omop
