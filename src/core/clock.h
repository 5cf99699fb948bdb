// Wall-clock time as stio stores it: ISO-8601 UTC text. A Clock can be replaced in tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace stio {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;

  // The process-wide real clock.
  static const Clock& Real();
};

// "2026-11-22T16:30:00Z" (seconds precision).
std::string FormatTimestamp(std::chrono::system_clock::time_point t);
// The civil date in Vietnam (UTC+7, no daylight saving), "2026-11-22": the "today" of every
// business rule (deadlines, expiry, dates in the future). Timestamps stay in UTC.
std::string FormatDate(std::chrono::system_clock::time_point t);
// Seconds since the epoch, for rate limiting and expiry checks.
int64_t UnixSeconds(std::chrono::system_clock::time_point t);

}  // namespace stio
