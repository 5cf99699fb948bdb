#include "text/analyzer.h"

#include <algorithm>
#include <cstring>

#include "core/strings.h"
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

  static uint64_t Hash(std::string_view s) { return HashShortBytes(s); }

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

// A code point of the input being scanned, and its class.
struct ScanCp {
  char32_t cp = 0;
  uint32_t begin = 0, end = 0;
  bool word = false;  // IsWordChar, or a combining mark not at the input's start
  bool mark = false;  // CombiningClass != 0
};

inline __attribute__((always_inline)) ScanCp ScanAt(std::string_view in, size_t at) {
  ScanCp c;
  c.begin = static_cast<uint32_t>(at);
  c.end = static_cast<uint32_t>(at + DecodeUtf8At(in, at, c.cp));
  const char32_t cp = c.cp;
  if (cp < 0x80) {
    c.word = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || IsDigit(cp);
  } else if ((cp >= 0xC0 && cp < 0x300 && cp != 0xD7 && cp != 0xF7 && cp != 0x2BB && cp != 0x2BC) ||
             (cp >= 0x1E00 && cp < 0x1F00)) {
    c.word = true;  // Latin letters, Vietnamese's among them (IsWordChar, no combining class)
  } else {
    c.mark = CombiningClass(cp) != 0;
    c.word = IsWordChar(cp) || (c.mark && at > 0);
  }
  return c;
}

}  // namespace

void ScanTokens(std::string_view in, std::vector<TokenSpan>& out) {
  // Code point by code point, decoded in place (no decoded copy of the text): a token is a run
  // of word code points not starting with a combining mark, with the joins below.
  out.clear();
  if (in.size() > 0xFFFFFFFFull) in = in.substr(0, 0xFFFFFFFFull);  // offsets are 32-bit
  const size_t n = in.size();
  size_t p = 0;
  bool glued_next = false;
  while (p < n) {
    const ScanCp c = ScanAt(in, p);
    if (!c.word || c.mark) {
      // A code joiner between two tokens glues them.
      glued_next = false;
      if (!out.empty() && IsCodeJoiner(c.cp) && c.begin == out.back().end && c.end < n) {
        const ScanCp next = ScanAt(in, c.end);
        glued_next = next.word && !next.mark;
      }
      p = c.end;
      continue;
    }
    ScanCp prev = c;
    size_t q = c.end;
    while (q < n) {
      const ScanCp d = ScanAt(in, q);
      bool join = d.word;
      // Joins inside a token: apostrophe between letters, '.'/',' between digits.
      if (!join && d.end < n) {
        const ScanCp next = ScanAt(in, d.end);
        join = (IsApostrophe(d.cp) && (IsLetter(prev.cp) || prev.mark) && IsLetter(next.cp)) ||
               ((d.cp == '.' || d.cp == ',') && IsDigit(prev.cp) && IsDigit(next.cp));
      }
      if (!join) break;
      prev = d;
      q = d.end;
    }
    out.push_back({c.begin, prev.end, glued_next});
    glued_next = false;
    p = q;
  }
}

void TokenForms(std::string_view slice, std::string& exact, std::string& folded) {
  // Every code point is one byte: ASCII letters, digits and joins (a token holds nothing else
  // below U+0080). Lower case and '`' as the apostrophe is the whole normal form (no marks,
  // nothing to compose).
  if (std::all_of(slice.begin(), slice.end(), IsAsciiWordByte)) {
    exact.assign(slice.data(), std::min(slice.size(), kMaxTokenCodePoints));
    for (char& c : exact) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c == '`') c = '\'';
    }
    folded = exact;
    return;
  }
  // Vietnamese has a few thousand distinct syllables: remember their normal forms (per thread)
  // rather than normalising every occurrence.
  thread_local FormCache cache;
  const bool cacheable = slice.size() <= FormCache::kMaxSlice;
  const uint64_t h = cacheable ? FormCache::Hash(slice) : 0;
  std::string_view e, f;
  if (cacheable && cache.Find(slice, h, e, f)) {
    exact.assign(e);
    folded.assign(f);
    return;
  }
  // Cap the work on absurd runs first, then cut the normalised form, so the cut does not depend
  // on whether the input was NFC or NFD. Apostrophes become '\'' in Normalize. (A token's bytes
  // are well-formed UTF-8: the replacement of an ill-formed sequence is not a word character.)
  std::u32string raw = DecodeUtf8(slice).value();
  if (raw.size() > 16 * kMaxTokenCodePoints) raw.resize(16 * kMaxTokenCodePoints);
  Normalize(std::move(raw), exact, folded);
  if (cacheable) cache.Insert(slice, h, exact, folded);
}

std::vector<Token> Analyze(std::string_view in) {
  thread_local std::vector<TokenSpan> spans;
  ScanTokens(in, spans);
  std::vector<Token> out(spans.size());
  for (size_t k = 0; k < spans.size(); ++k) {
    const TokenSpan& sp = spans[k];
    Token& t = out[k];
    TokenForms(in.substr(sp.begin, sp.end - sp.begin), t.exact, t.folded);
    t.begin = sp.begin;
    t.end = sp.end;
    t.position = static_cast<uint32_t>(k);
    t.glued = sp.glued;
  }
  return out;
}

}  // namespace stio::text
