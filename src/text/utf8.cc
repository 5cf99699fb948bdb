#include "text/utf8.h"

#include <vector>

namespace stio::text {
namespace {

// Decodes one code point starting at in[i]. Returns the number of bytes consumed (>= 1) and sets
// `cp`; on an ill-formed sequence sets `ok` false and consumes the maximal subpart.
size_t DecodeOne(std::string_view in, size_t i, char32_t& cp, bool& ok) {
  const auto b0 = static_cast<unsigned char>(in[i]);
  ok = true;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t len;
  char32_t min;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, min = 0x80, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, min = 0x800, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // excludes surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, min = 0x10000, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    ok = false;
    cp = kReplacementChar;
    return 1;
  }
  size_t n = 1;
  for (; n < len; ++n) {
    if (i + n >= in.size()) break;
    const auto b = static_cast<unsigned char>(in[i + n]);
    if (n == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) break;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (n < len || cp < min) {
    ok = false;
    cp = kReplacementChar;
    return n;
  }
  return len;
}

}  // namespace

Result<std::u32string> DecodeUtf8(std::string_view in, InvalidUtf8 mode) {
  if (in.size() > 0xFFFFFFFFull) return Status::InvalidArgument("text longer than 4 GiB");
  std::u32string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    char32_t cp;
    bool ok;
    size_t n = DecodeOne(in, i, cp, ok);
    if (!ok && mode == InvalidUtf8::kReject) {
      return Status::InvalidArgument("invalid UTF-8 at byte " + std::to_string(i));
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

size_t DecodeUtf8AtSlow(std::string_view in, size_t i, char32_t& cp) {
  bool ok;
  return DecodeOne(in, i, cp, ok);
}

std::vector<CodePoint> DecodeUtf8WithOffsets(std::string_view in) {
  std::vector<CodePoint> out;
  if (in.size() > 0xFFFFFFFFull) in = in.substr(0, 0xFFFFFFFFull);
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    char32_t cp;
    bool ok;
    size_t n = DecodeOne(in, i, cp, ok);
    out.push_back({cp, static_cast<uint32_t>(i), static_cast<uint32_t>(i + n)});
    i += n;
  }
  return out;
}

bool IsValidUtf8(std::string_view in) {
  for (size_t i = 0; i < in.size();) {
    char32_t cp;
    bool ok;
    i += DecodeOne(in, i, cp, ok);
    if (!ok) return false;
  }
  return true;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = kReplacementChar;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char32_t cp : in) AppendUtf8(out, cp);
  return out;
}

}  // namespace stio::text
