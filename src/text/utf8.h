// UTF-8 decoding and encoding that never crash on bad input.
//
// Decoding follows the Unicode "maximal subpart" practice: each ill-formed subsequence (bad lead
// byte, truncated sequence, overlong form, surrogate, value above U+10FFFF) becomes exactly one
// U+FFFD in kReplace mode, or an InvalidArgument naming the byte offset in kReject mode.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace stio::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

enum class InvalidUtf8 { kReplace, kReject };

// One decoded code point and where it came from in the input.
struct CodePoint {
  char32_t cp;
  uint32_t begin;  // byte offset of the first byte in the input
  uint32_t end;    // one past the last byte
};

// Decodes `in`. Inputs longer than 4 GiB are rejected (offsets are 32-bit).
Result<std::u32string> DecodeUtf8(std::string_view in, InvalidUtf8 mode = InvalidUtf8::kReplace);

// Decodes with byte offsets (always replaces invalid sequences).
std::vector<CodePoint> DecodeUtf8WithOffsets(std::string_view in);

// Decodes the code point that starts at byte i < in.size(), as DecodeUtf8WithOffsets does (an
// ill-formed sequence is one U+FFFD); returns its length in bytes (>= 1).
size_t DecodeUtf8AtSlow(std::string_view in, size_t i, char32_t& cp);
inline size_t DecodeUtf8At(std::string_view in, size_t i, char32_t& cp) {
  const auto b = static_cast<unsigned char>(in[i]);
  if (b < 0x80) {
    cp = b;
    return 1;
  }
  // Well-formed two- and three-byte sequences whose lead byte allows any continuation (Latin
  // letters with marks: Vietnamese text is mostly these); everything else, checked in full.
  auto cont = [&](size_t k) {
    return i + k < in.size() && (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
  };
  auto bits = [&](size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(in[i + k]) & 0x3F);
  };
  if (b >= 0xC2 && b <= 0xDF && cont(1)) {
    cp = (static_cast<char32_t>(b) & 0x1F) << 6 | bits(1);
    return 2;
  }
  if (b >= 0xE1 && b <= 0xEF && b != 0xED && cont(1) && cont(2)) {
    cp = (static_cast<char32_t>(b) & 0x0F) << 12 | bits(1) << 6 | bits(2);
    return 3;
  }
  return DecodeUtf8AtSlow(in, i, cp);
}

// True if `in` is well-formed UTF-8.
bool IsValidUtf8(std::string_view in);

// Appends the UTF-8 encoding of `cp`; surrogates and values above U+10FFFF become U+FFFD.
void AppendUtf8(std::string& out, char32_t cp);
std::string EncodeUtf8(std::u32string_view in);

}  // namespace stio::text
