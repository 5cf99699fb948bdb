#include "core/clock.h"

#include <gtest/gtest.h>

namespace stio {
namespace {

std::chrono::system_clock::time_point At(int64_t unix_seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

// Business dates are Vietnam's (UTC+7, no daylight saving); timestamps stay UTC. Regression: at
// 03:29 on 23 Nov in Hà Nội an event dated that day was refused as "in the future".
TEST(ClockTest, DatesAreVietnamsTimestampsAreUtc) {
  const auto t = At(1795379340);  // 2026-11-22T20:29:00Z = 2026-11-23 03:29 in Hà Nội
  EXPECT_EQ(FormatTimestamp(t), "2026-11-22T20:29:00Z");
  EXPECT_EQ(FormatDate(t), "2026-11-23");
  EXPECT_EQ(FormatDate(At(1795366799)), "2026-11-22");  // 16:59:59Z = 23:59:59 in Hà Nội
  EXPECT_EQ(FormatDate(At(1795366800)), "2026-11-23");  // 17:00:00Z = midnight
  EXPECT_EQ(FormatDate(At(0)), "1970-01-01");
  EXPECT_EQ(UnixSeconds(t), 1795379340);
}

}  // namespace
}  // namespace stio
