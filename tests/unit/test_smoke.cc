// SPDX-License-Identifier: LGPL-3.0-or-later
#include <gtest/gtest.h>

#include "fw/e820.h"

TEST(E820Smoke, AddsAndMerges) {
    reef::E820Map m;
    EXPECT_TRUE(m.add(0, 0x9FC00, reef::kE820Ram));
    EXPECT_TRUE(m.add(0x9FC00, 0x400, reef::kE820Reserved));
    EXPECT_EQ(m.count(), 2);
}
