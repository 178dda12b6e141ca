#include <gtest/gtest.h>
#include "record/record.hpp"
TEST(Ids, PersonIdIsIndexPlusOne) { EXPECT_EQ(fos::record::person_id(0), 1); }
