// String helpers that the standard library lacks.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stio {

std::string_view Trim(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string AsciiLower(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
// Parses a whole string as a decimal integer / number; nullopt on any junk or overflow.
std::optional<int64_t> ParseInt(std::string_view s);
std::optional<double> ParseDouble(std::string_view s);
// True if `s` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// A fast hash (not cryptographic, not stable across versions: never store it) for short keys
// such as syllables and a token's bytes, 8 bytes at a time: multiply and fold.
inline uint64_t HashShortBytes(std::string_view s) {
  // The length multiplied in at once, so that it differs in high bits from other lengths and no
  // tail bytes (below) can cancel it.
  uint64_t h = (0x9E3779B97F4A7C15ULL ^ s.size()) * 0xbf58476d1ce4e5b9ULL;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  // The last 0-7 bytes with fixed-size loads (a memcpy of a variable length is a call): for 4-7
  // bytes the first four and the last four (overlapping), for 1-3 the first, middle and last;
  // either covers every byte, and the length is already in h.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const size_t r = s.size() - i;
  uint64_t w = 0;
  if (r >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + r - 4, 4);
    w = static_cast<uint64_t>(a) << 32 | b;
  } else if (r > 0) {
    w = static_cast<uint64_t>(p[0]) << 16 | static_cast<uint64_t>(p[r >> 1]) << 8 | p[r - 1];
  }
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 29;
  return h;
}

}  // namespace stio
