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
// "2026-11-22".
std::string FormatDate(std::chrono::system_clock::time_point t);
// Seconds since the epoch, for rate limiting and expiry checks.
int64_t UnixSeconds(std::chrono::system_clock::time_point t);

}  // namespace stio
