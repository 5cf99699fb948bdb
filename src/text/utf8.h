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

// Decodes with byte offsets (always replaces invalid sequences); used for tokenisation/snippets.
std::vector<CodePoint> DecodeUtf8WithOffsets(std::string_view in);

// True if `in` is well-formed UTF-8.
bool IsValidUtf8(std::string_view in);

// Appends the UTF-8 encoding of `cp`; surrogates and values above U+10FFFF become U+FFFD.
void AppendUtf8(std::string& out, char32_t cp);
std::string EncodeUtf8(std::u32string_view in);

}  // namespace stio::text
