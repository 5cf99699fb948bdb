#include "text/normalize.h"

#include <algorithm>
#include <cstdint>

#include "text/utf8.h"

namespace stio::text {
namespace {

#include "text/unicode_tables.inc"

constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr int kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
              kSCount = kLCount * kNCount;

const uint32_t* FindDecomp(char32_t cp) {
  if (cp < 0xC0) return nullptr;
  auto it = std::lower_bound(std::begin(kDecomp), std::end(kDecomp), cp,
                             [](const uint32_t(&e)[6], char32_t c) { return e[0] < c; });
  if (it == std::end(kDecomp) || (*it)[0] != cp) return nullptr;
  return *it;
}

char32_t ComposePair(char32_t a, char32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount) {
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  }
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
      b < kTBase + kTCount) {
    return a + (b - kTBase);
  }
  auto it = std::lower_bound(std::begin(kCompose), std::end(kCompose), std::pair(a, b),
                             [](const uint32_t(&e)[3], std::pair<char32_t, char32_t> k) {
                               return e[0] < k.first || (e[0] == k.first && e[1] < k.second);
                             });
  if (it == std::end(kCompose) || (*it)[0] != a || (*it)[1] != b) return 0;
  return (*it)[2];
}

bool IsTone(char32_t cp) {
  return cp == 0x300 || cp == 0x301 || cp == 0x303 || cp == 0x309 || cp == 0x323;
}
bool IsQuality(char32_t cp) { return cp == 0x302 || cp == 0x306 || cp == 0x31B; }
bool IsVowel(char32_t lower) {
  return lower == 'a' || lower == 'e' || lower == 'i' || lower == 'o' || lower == 'u' ||
         lower == 'y';
}
bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Applies `per_word` to each maximal run of letters and combining marks in an NFD sequence.
template <typename F>
void ForEachWord(std::u32string& s, F per_word) {
  size_t i = 0;
  while (i < s.size()) {
    if (!(IsAsciiLetter(s[i]) || s[i] == 0x110 || s[i] == 0x111)) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < s.size() &&
           (IsAsciiLetter(s[j]) || s[j] == 0x110 || s[j] == 0x111 || CombiningClass(s[j]) != 0)) {
      ++j;
    }
    std::u32string word = s.substr(i, j - i);
    per_word(word);
    s.replace(i, j - i, word);
    i += word.size();
  }
}

}  // namespace

int CombiningClass(char32_t cp) {
  if (cp < 0x300) return 0;
  auto it = std::lower_bound(std::begin(kCcc), std::end(kCcc), cp,
                             [](const uint32_t(&e)[2], char32_t c) { return e[0] < c; });
  if (it == std::end(kCcc) || (*it)[0] != cp) return 0;
  return static_cast<int>((*it)[1]);
}

bool IsApostrophe(char32_t cp) {
  return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0x02BB ||
         cp == 0x2032 || cp == 0x0060 || cp == 0x00B4;
}

char32_t SimpleLower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x100 && c <= 0x137) return c | 1;
  if (c >= 0x139 && c <= 0x148) return (c & 1) ? c + 1 : c;
  if (c >= 0x14A && c <= 0x177) return c | 1;
  if (c == 0x178) return 0xFF;
  if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c + 1 : c;
  if (c == 0x1A0 || c == 0x1AF) return c + 1;
  if (c >= 0x1EA0 && c <= 0x1EFF) return c | 1;
  if (c >= 0x1E00 && c <= 0x1E95) return c | 1;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

std::u32string ToNfd(std::u32string_view in) {
  std::u32string out;
  out.reserve(in.size() + in.size() / 4);
  for (char32_t cp : in) {
    if (cp >= kSBase && cp < kSBase + kSCount) {
      const char32_t s = cp - kSBase;
      out.push_back(kLBase + s / kNCount);
      out.push_back(kVBase + (s % kNCount) / kTCount);
      if (s % kTCount) out.push_back(kTBase + s % kTCount);
    } else if (const uint32_t* d = FindDecomp(cp)) {
      for (uint32_t k = 0; k < d[1]; ++k) out.push_back(d[2 + k]);
    } else {
      out.push_back(cp);
    }
  }
  // Canonical ordering: stable sort of each run of non-starters by combining class.
  for (size_t i = 0; i < out.size();) {
    if (CombiningClass(out[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < out.size() && CombiningClass(out[j]) != 0) ++j;
    if (j - i > 1) {
      std::stable_sort(out.begin() + i, out.begin() + j, [](char32_t a, char32_t b) {
        return CombiningClass(a) < CombiningClass(b);
      });
    }
    i = j;
  }
  return out;
}

// Canonical composition of an NFD sequence (UAX #15). A mark may join the last starter unless a
// character between them is a starter or has a combining class >= its own (input is ordered, so
// the last appended character carries the highest class seen since the starter).
static std::u32string ComposeNfd(std::u32string_view d) {
  std::u32string out;
  out.reserve(d.size());
  size_t starter = std::u32string::npos;
  int last_cc = 0;
  for (char32_t cp : d) {
    const int cc = CombiningClass(cp);
    if (starter != std::u32string::npos) {
      const bool adjacent = out.size() == starter + 1;
      if (adjacent || (last_cc != 0 && last_cc < cc)) {
        if (char32_t c = ComposePair(out[starter], cp)) {
          out[starter] = c;
          continue;
        }
      }
    }
    if (cc == 0) starter = out.size();
    last_cc = cc;
    out.push_back(cp);
  }
  return out;
}

std::u32string ToNfc(std::u32string_view in) { return ComposeNfd(ToNfd(in)); }

std::string ToNfc(std::string_view in) { return EncodeUtf8(ToNfc(DecodeUtf8(in).value())); }

void PlaceToneNfd(std::u32string& word) {
  struct Letter {
    size_t begin, end;  // [begin, end) in `word`: base + marks
    char32_t base;      // lower case
    bool quality;
  };
  Letter letters[16];
  size_t n = 0;
  int tone_letter = -1;
  char32_t tone = 0;
  for (size_t i = 0; i < word.size();) {
    if (CombiningClass(word[i]) != 0) return;  // leading mark: not a syllable we understand
    if (n == 16) return;
    Letter l{i, i + 1, SimpleLower(word[i]), false};
    size_t j = i + 1;
    for (; j < word.size() && CombiningClass(word[j]) != 0; ++j) {
      if (IsTone(word[j])) {
        if (tone_letter >= 0) return;  // two tone marks
        tone_letter = static_cast<int>(n);
        tone = word[j];
      } else if (IsQuality(word[j])) {
        l.quality = true;
      } else {
        return;  // a mark that Vietnamese does not use
      }
    }
    l.end = j;
    letters[n++] = l;
    i = j;
  }
  if (tone_letter < 0) return;
  // The vowel nucleus: the only run of vowels.
  size_t vb = n, ve = n;
  for (size_t k = 0; k < n; ++k) {
    if (IsVowel(letters[k].base)) {
      if (vb == n) {
        vb = k;
      } else if (ve != n) {
        return;  // a second vowel run: not one syllable
      }
    } else if (vb != n && ve == n) {
      ve = k;
    }
  }
  if (vb == n) return;
  if (ve - vb > 1 && vb > 0) {
    const char32_t prev = letters[vb - 1].base;
    const Letter& first = letters[vb];
    if (!first.quality &&
        ((prev == 'q' && first.base == 'u') || (prev == 'g' && vb == 1 && first.base == 'i'))) {
      ++vb;
    }
  }
  const size_t len = ve - vb;
  const bool closed = ve < n;
  size_t target = vb;
  int last_quality = -1;
  for (size_t k = vb; k < ve; ++k) {
    if (letters[k].quality) last_quality = static_cast<int>(k);
  }
  if (last_quality >= 0) {
    target = static_cast<size_t>(last_quality);
  } else if (closed) {
    target = ve - 1;
  } else if (len == 3) {
    target = vb + 1;
  } else if (len == 2) {
    target = vb;  // includes oa, oe, uy: "hòa", "khỏe", "thủy" (the style stio stores)
  } else if (len > 3) {
    return;
  }
  if (static_cast<int>(target) == tone_letter) return;
  // Rebuild: drop the tone from its letter, add it to the target, keep marks in canonical order.
  std::u32string out;
  out.reserve(word.size());
  for (size_t k = 0; k < n; ++k) {
    const Letter& l = letters[k];
    out.push_back(word[l.begin]);
    std::u32string marks;
    for (size_t m = l.begin + 1; m < l.end; ++m) {
      if (!IsTone(word[m])) marks.push_back(word[m]);
    }
    if (k == target) marks.push_back(tone);
    std::stable_sort(marks.begin(), marks.end(),
                     [](char32_t a, char32_t b) { return CombiningClass(a) < CombiningClass(b); });
    out += marks;
  }
  word = std::move(out);
}

void StripMarksNfd(std::u32string& s) {
  size_t w = 0;
  for (char32_t cp : s) {
    if (CombiningClass(cp) != 0) continue;
    if (cp == 0x111) cp = 'd';
    if (cp == 0x110) cp = 'D';
    s[w++] = cp;
  }
  s.resize(w);
}

namespace {

bool IsAscii(std::string_view in) {
  for (char c : in) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::u32string CanonicalNfd(std::string_view in, bool lower) {
  std::u32string s = ToNfd(DecodeUtf8(in).value());
  for (char32_t& c : s) {
    if (lower) c = SimpleLower(c);
    if (IsApostrophe(c)) c = '\'';
  }
  return s;
}

}  // namespace

std::string Canonicalize(std::string_view in) {
  if (IsAscii(in)) {
    std::string out(in);
    for (char& c : out) c = (c == '`') ? '\'' : c;
    return out;
  }
  std::u32string s = CanonicalNfd(in, false);
  ForEachWord(s, PlaceToneNfd);
  return EncodeUtf8(ComposeNfd(s));
}

std::string CaseFold(std::string_view in) {
  if (IsAscii(in)) {
    std::string out(in);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c == '`') c = '\'';
    }
    return out;
  }
  std::u32string s = CanonicalNfd(in, true);
  ForEachWord(s, PlaceToneNfd);
  return EncodeUtf8(ComposeNfd(s));
}

std::string FoldDiacritics(std::string_view in) {
  if (IsAscii(in)) return CaseFold(in);
  std::u32string s = CanonicalNfd(in, true);
  StripMarksNfd(s);
  return EncodeUtf8(ComposeNfd(s));
}

static bool IsSpace(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0xFEFF;
}

std::string MatchKey(std::string_view in) {
  std::u32string s = CanonicalNfd(in, true);
  StripMarksNfd(s);
  std::u32string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char32_t c : s) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return EncodeUtf8(ComposeNfd(out));
}

}  // namespace stio::text
