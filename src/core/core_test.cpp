#include <gtest/gtest.h>
#include "core/core.hpp"
TEST(Core, Builds) { EXPECT_EQ(fos::Date::from_civil(1970, 1, 2).days(), 1); }
