#include "text/analyzer.h"

#include <unordered_map>

#include "text/normalize.h"
#include "text/utf8.h"

namespace stio::text {
namespace {

bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }

// Word characters: ASCII letters and digits, and every non-ASCII code point except spaces,
// punctuation and symbols in the blocks where they are common. Scripts we do not know stay
// searchable as words rather than being dropped.
bool IsWordChar(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c);
  if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;  // Latin-1 punctuation/symbols
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation, symbols, arrows, math, boxes
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
  if (c >= 0xFE00 && c <= 0xFE0F) return false;  // variation selectors
  if (c >= 0xFF00 && c <= 0xFF0F) return false;
  if (c == 0xFEFF || c == kReplacementChar) return false;
  if (c >= 0x1F000) return false;                // emoji and other pictographs
  if (c >= 0xE000 && c <= 0xF8FF) return false;  // private use
  if (IsApostrophe(c)) return false;
  return true;
}

bool IsLetter(char32_t c) { return IsWordChar(c) && !IsDigit(c); }
bool IsCodeJoiner(char32_t c) {
  return c == '-' || c == ':' || c == '/' || c == '_' || c == '.' || c == 0x2010 || c == 0x2011;
}

void Normalize(std::u32string raw, std::string& exact, std::string& folded) {
  std::u32string s = ToNfd(raw);
  for (char32_t& c : s) {
    c = SimpleLower(c);
    if (IsApostrophe(c)) c = '\'';
  }
  std::u32string f = s;
  PlaceToneNfd(s);
  std::u32string e = ToNfc(s);
  if (e.size() > kMaxTokenCodePoints) {
    e.resize(kMaxTokenCodePoints);
    f = ToNfd(e);
  }
  exact = EncodeUtf8(e);
  StripMarksNfd(f);
  folded = EncodeUtf8(ToNfc(f));
}

}  // namespace

std::string ExactForm(std::string_view word) {
  std::string exact, folded;
  Normalize(DecodeUtf8(word).value(), exact, folded);
  return exact;
}

std::vector<Token> Analyze(std::string_view in) {
  const std::vector<CodePoint> cps = DecodeUtf8WithOffsets(in);
  std::vector<Token> out;
  const size_t n = cps.size();
  auto word_at = [&](size_t i) {
    return i < n && (IsWordChar(cps[i].cp) || (CombiningClass(cps[i].cp) != 0 && i > 0));
  };
  size_t i = 0;
  bool glued_next = false;
  while (i < n) {
    if (!word_at(i) || CombiningClass(cps[i].cp) != 0) {
      // A code joiner between two tokens glues them.
      glued_next = !out.empty() && IsCodeJoiner(cps[i].cp) && cps[i].begin == out.back().end &&
                   word_at(i + 1) && CombiningClass(cps[i + 1].cp) == 0;
      ++i;
      continue;
    }
    size_t j = i;
    std::u32string raw;
    while (j < n) {
      const char32_t c = cps[j].cp;
      if (word_at(j)) {
        raw.push_back(c);
        ++j;
        continue;
      }
      // Joins inside a token: apostrophe between letters, '.'/',' between digits.
      if (j > i && j + 1 < n) {
        const char32_t prev = cps[j - 1].cp, next = cps[j + 1].cp;
        if (IsApostrophe(c) && (IsLetter(prev) || CombiningClass(prev) != 0) && IsLetter(next)) {
          raw.push_back('\'');
          ++j;
          continue;
        }
        if ((c == '.' || c == ',') && IsDigit(prev) && IsDigit(next)) {
          raw.push_back(c);
          ++j;
          continue;
        }
      }
      break;
    }
    // Cap the work on absurd runs first, then cut the normalised form, so the cut does not depend
    // on whether the input was NFC or NFD.
    if (raw.size() > 16 * kMaxTokenCodePoints) raw.resize(16 * kMaxTokenCodePoints);
    Token t;
    // Vietnamese has a few thousand distinct syllables: remember their normal forms (per thread)
    // rather than normalising every occurrence.
    const std::string_view slice = in.substr(cps[i].begin, cps[j - 1].end - cps[i].begin);
    if (slice.size() <= 32) {
      thread_local std::unordered_map<std::string, std::pair<std::string, std::string>> cache;
      auto it = cache.find(std::string(slice));
      if (it == cache.end()) {
        if (cache.size() > 200000) cache.clear();
        std::pair<std::string, std::string> forms;
        Normalize(std::move(raw), forms.first, forms.second);
        it = cache.emplace(std::string(slice), std::move(forms)).first;
      }
      t.exact = it->second.first;
      t.folded = it->second.second;
    } else {
      Normalize(std::move(raw), t.exact, t.folded);
    }
    t.begin = cps[i].begin;
    t.end = cps[j - 1].end;
    t.position = static_cast<uint32_t>(out.size());
    t.glued = glued_next;
    glued_next = false;
    out.push_back(std::move(t));
    i = j;
  }
  return out;
}

}  // namespace stio::text
