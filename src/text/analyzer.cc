#include "text/analyzer.h"

#include <algorithm>
#include <cstring>

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

namespace {

// The normal forms of short token slices, per thread. Vietnamese has a few thousand distinct
// syllables (times a few spellings: case, NFD, tone placement), so nearly every token is a hit.
// A flat open-addressing table over one byte arena: a lookup hashes the slice, touches one slot
// and one arena range, and allocates nothing. Entries: [raw len][exact len][folded len] (uint16
// each) then the three byte strings.
class FormCache {
 public:
  static constexpr size_t kMaxSlice = 32;

  // Returns true and sets exact/folded (views into the cache, valid until the next Insert) on a
  // hit.
  bool Find(std::string_view raw, uint64_t h, std::string_view& exact,
            std::string_view& folded) const {
    if (slots_.empty()) return false;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.off == 0) return false;
      if (s.hash == static_cast<uint32_t>(h) && Read(s.off, raw, exact, folded)) return true;
    }
  }

  void Insert(std::string_view raw, uint64_t h, std::string_view exact, std::string_view folded) {
    if (slots_.empty() || (count_ + 1) * 2 > slots_.size() || arena_.size() > kMaxArena) {
      // Start over when full (a corpus's working set is far smaller; text in scripts with no
      // small syllable inventory, or a stream of unique words, must not grow it without end).
      const bool clear = count_ >= kMaxEntries || arena_.size() > kMaxArena;
      const size_t n = slots_.empty() ? size_t{1} << 14 : clear ? slots_.size() : slots_.size() * 2;
      Rebuild(n, clear);
    }
    const auto off = static_cast<uint32_t>(arena_.size());
    auto put16 = [&](size_t v) {
      arena_.push_back(static_cast<char>(v & 0xFF));
      arena_.push_back(static_cast<char>(v >> 8));
    };
    put16(raw.size());
    put16(exact.size());
    put16(folded.size());
    arena_.append(raw);
    arena_.append(exact);
    arena_.append(folded);
    Place(static_cast<uint32_t>(h), off + 1);
    ++count_;
  }

  static uint64_t Hash(std::string_view s) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0xff51afd7ed558ccdULL;
      h ^= h >> 32;
    }
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    return h;
  }

 private:
  // At most 256k entries and 16 MiB of bytes per thread (VNTC's 40k documents need ~100k).
  static constexpr size_t kMaxEntries = size_t{1} << 18;
  static constexpr size_t kMaxArena = size_t{1} << 24;
  struct Slot {
    uint32_t hash;
    uint32_t off;  // arena offset + 1; 0: empty
  };
  size_t Get16(size_t at) const {
    return static_cast<unsigned char>(arena_[at]) |
           static_cast<size_t>(static_cast<unsigned char>(arena_[at + 1])) << 8;
  }
  bool Read(uint32_t off1, std::string_view raw, std::string_view& exact,
            std::string_view& folded) const {
    const size_t at = off1 - 1;
    const size_t rl = Get16(at), el = Get16(at + 2), fl = Get16(at + 4);
    if (rl != raw.size()) return false;
    const char* p = arena_.data() + at + 6;
    if (std::memcmp(p, raw.data(), rl) != 0) return false;
    exact = std::string_view(p + rl, el);
    folded = std::string_view(p + rl + el, fl);
    return true;
  }
  void Place(uint32_t hash, uint32_t off1) {
    size_t i = hash & mask_;
    while (slots_[i].off != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{hash, off1};
  }
  void Rebuild(size_t n, bool clear) {
    if (clear) {
      arena_.clear();
      count_ = 0;
    }
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(n, Slot{0, 0});
    mask_ = n - 1;
    if (clear) return;  // the old slots point into the bytes just dropped
    for (const Slot& s : old) {
      // Hashes are stored truncated to 32 bits; the table never exceeds 2^32 slots, so the low
      // bits are all Place needs.
      if (s.off != 0) Place(s.hash, s.off);
    }
  }

  std::string arena_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

bool IsAsciiWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'' ||
         c == '`' || c == '.' || c == ',';
}

}  // namespace

std::vector<Token> Analyze(std::string_view in) {
  const std::vector<CodePoint> cps = DecodeUtf8WithOffsets(in);
  std::vector<Token> out;
  out.reserve(cps.size() / 4 + 1);
  const size_t n = cps.size();
  auto word_at = [&](size_t i) {
    return i < n && (IsWordChar(cps[i].cp) || (CombiningClass(cps[i].cp) != 0 && i > 0));
  };
  thread_local FormCache cache;
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
    while (j < n) {
      const char32_t c = cps[j].cp;
      if (word_at(j)) {
        ++j;
        continue;
      }
      // Joins inside a token: apostrophe between letters, '.'/',' between digits.
      if (j > i && j + 1 < n) {
        const char32_t prev = cps[j - 1].cp, next = cps[j + 1].cp;
        if (IsApostrophe(c) && (IsLetter(prev) || CombiningClass(prev) != 0) && IsLetter(next)) {
          ++j;
          continue;
        }
        if ((c == '.' || c == ',') && IsDigit(prev) && IsDigit(next)) {
          ++j;
          continue;
        }
      }
      break;
    }
    Token t;
    const std::string_view slice = in.substr(cps[i].begin, cps[j - 1].end - cps[i].begin);
    // Every code point of [i, j) is one byte: ASCII letters, digits and joins. Lower case and '`'
    // as the apostrophe is the whole normal form (no marks, nothing to compose).
    const bool ascii =
        slice.size() == j - i && std::all_of(slice.begin(), slice.end(), IsAsciiWordByte);
    if (ascii) {
      t.exact.assign(slice.data(), std::min(slice.size(), kMaxTokenCodePoints));
      for (char& c : t.exact) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        if (c == '`') c = '\'';
      }
      t.folded = t.exact;
    } else {
      // Vietnamese has a few thousand distinct syllables: remember their normal forms (per
      // thread) rather than normalising every occurrence.
      const bool cacheable = slice.size() <= FormCache::kMaxSlice;
      const uint64_t h = cacheable ? FormCache::Hash(slice) : 0;
      std::string_view e, f;
      if (cacheable && cache.Find(slice, h, e, f)) {
        t.exact.assign(e);
        t.folded.assign(f);
      } else {
        // Cap the work on absurd runs first, then cut the normalised form, so the cut does not
        // depend on whether the input was NFC or NFD. Apostrophes become '\'' in Normalize.
        std::u32string raw;
        const size_t m = std::min(j - i, 16 * kMaxTokenCodePoints);
        raw.reserve(m);
        for (size_t k = i; k < i + m; ++k) raw.push_back(cps[k].cp);
        Normalize(std::move(raw), t.exact, t.folded);
        if (cacheable) cache.Insert(slice, h, t.exact, t.folded);
      }
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
