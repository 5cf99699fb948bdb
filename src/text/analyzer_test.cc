#include "text/analyzer.h"

#include <gtest/gtest.h>

#include "text/normalize.h"
#include "text/stopwords.h"
#include "text/utf8.h"

namespace stio::text {
namespace {

std::vector<std::string> Exact(std::string_view in) {
  std::vector<std::string> out;
  for (const Token& t : Analyze(in)) out.push_back(t.exact);
  return out;
}
using V = std::vector<std::string>;

TEST(AnalyzerTest, SplitsSyllables) {
  EXPECT_EQ(Exact("Công nghệ sinh học, Việt Nam."),
            (V{"công", "nghệ", "sinh", "học", "việt", "nam"}));
}

TEST(AnalyzerTest, KeepsCodesAndNumbersUseful) {
  EXPECT_EQ(Exact("5G và IoT"), (V{"5g", "và", "iot"}));
  EXPECT_EQ(Exact("COVID-19"), (V{"covid", "19"}));
  EXPECT_EQ(Exact("ISO 9001"), (V{"iso", "9001"}));
  EXPECT_EQ(Exact("TCVN 5945:2005"), (V{"tcvn", "5945", "2005"}));
  EXPECT_EQ(Exact("1.250,5 tỷ"), (V{"1.250,5", "tỷ"}));
  EXPECT_EQ(Exact("H5N1"), (V{"h5n1"}));
  auto t = Analyze("TCVN 5945:2005");
  EXPECT_FALSE(t[1].glued);
  EXPECT_TRUE(t[2].glued);
  EXPECT_FALSE(Analyze("a - b")[1].glued);
}

TEST(AnalyzerTest, ApostrophesUnified) {
  EXPECT_EQ(Exact("K’Ho K'Ho"), (V{"k'ho", "k'ho"}));
  EXPECT_EQ(Exact("'trích dẫn'"), (V{"trích", "dẫn"}));
}

TEST(AnalyzerTest, OffsetsAndPositions) {
  const std::string s = "Hà Nội – 2024";
  auto t = Analyze(s);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(s.substr(t[1].begin, t[1].end - t[1].begin), "Nội");
  EXPECT_EQ(t[2].position, 2u);
  EXPECT_EQ(t[1].folded, "noi");
  EXPECT_TRUE(t[1].has_diacritics());
}

TEST(AnalyzerTest, NfdAndOldToneStyleAnalyseTheSame) {
  EXPECT_EQ(Exact("Ho\u0300a Bi\u0300nh thuỷ"), Exact("Hòa Bình thủy"));
}

TEST(AnalyzerTest, BadInputNeverCrashes) {
  EXPECT_TRUE(Analyze("").empty());
  EXPECT_EQ(Exact("\xFF\xFE"
                  "abc\x80"),
            (V{"abc"}));
  EXPECT_EQ(Exact("\u0301\u0301a"), (V{"a"}));
  std::string long_word(10000, 'x');
  auto t = Analyze(long_word);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].exact.size(), kMaxTokenCodePoints);
}

// Analyze keeps the normal forms of short tokens in a per-thread cache and has an ASCII fast path;
// both must give exactly what normalising each token from scratch (ExactForm) gives, the first
// time and every time after.
TEST(AnalyzerTest, CacheAndAsciiPathAgreeWithFullNormalisation) {
  const std::string text =
      "CÔNG nghệ Công NGHỆ co\u0302ng nghe\u0323 Thuỷ thủy HOÀ hòa K`Ho K'Ho KHO ĐÀ NẴNG "
      "đà nẵng Iso 9001 COVID-19 1.250,5 ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123 "
      "ĐẠIHỌCQUỐCGIAHÀNỘIĐẠIHỌCQUỐCGIAHÀNỘIĐẠIHỌCQUỐCGIAHÀNỘI";
  for (int round = 0; round < 3; ++round) {
    const auto toks = Analyze(text);
    ASSERT_EQ(toks.size(), 24u);
    for (const Token& t : toks) {
      const std::string slice = text.substr(t.begin, t.end - t.begin);
      EXPECT_EQ(t.exact, ExactForm(slice)) << slice << " round " << round;
      EXPECT_EQ(t.folded, FoldDiacritics(t.exact)) << slice << " round " << round;
      EXPECT_LE(t.exact.size(), 4 * kMaxTokenCodePoints);
    }
  }
  EXPECT_EQ(Exact("K`Ho"), (V{"k'ho"}));
  EXPECT_EQ(Exact("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ")[0],
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv");
}

// More distinct short tokens than the per-thread cache keeps (256k): it starts over, and every
// token, before and after, still gets its right forms.
TEST(AnalyzerTest, CacheStartsOverWhenFull) {
  std::string text;
  std::vector<std::string> words;
  for (int i = 0; i < 300000; ++i) {
    std::string w = "Đ";
    for (int k = 0, v = i; k < 4; ++k, v /= 26) w.push_back(static_cast<char>('a' + v % 26));
    text += w;
    text.push_back(' ');
    words.push_back(w);
  }
  for (int round = 0; round < 2; ++round) {
    const auto toks = Analyze(text);
    ASSERT_EQ(toks.size(), words.size());
    for (size_t i = 0; i < toks.size(); i += 997) {
      EXPECT_EQ(toks[i].exact, ExactForm(words[i])) << i;
      EXPECT_EQ(toks[i].folded, "d" + words[i].substr(2)) << i;
    }
    EXPECT_EQ(toks.back().exact, ExactForm(words.back()));
  }
}

// The tokeniser as it was before ScanTokens decoded in place (a decoded copy of the whole text,
// then the same rules over it), kept as the oracle for the rewrite.
bool OracleIsWordChar(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;
  if (c >= 0x3000 && c <= 0x303F) return false;
  if (c >= 0xFE00 && c <= 0xFE0F) return false;
  if (c >= 0xFF00 && c <= 0xFF0F) return false;
  if (c == 0xFEFF || c == kReplacementChar) return false;
  if (c >= 0x1F000) return false;
  if (c >= 0xE000 && c <= 0xF8FF) return false;
  return !IsApostrophe(c);
}

std::vector<TokenSpan> OracleScan(std::string_view in) {
  const std::vector<CodePoint> cps = DecodeUtf8WithOffsets(in);
  const size_t n = cps.size();
  auto digit = [](char32_t c) { return c >= '0' && c <= '9'; };
  auto letter = [&](char32_t c) { return OracleIsWordChar(c) && !digit(c); };
  auto joiner = [](char32_t c) {
    return c == '-' || c == ':' || c == '/' || c == '_' || c == '.' || c == 0x2010 || c == 0x2011;
  };
  auto word_at = [&](size_t i) {
    return i < n && (OracleIsWordChar(cps[i].cp) || (CombiningClass(cps[i].cp) != 0 && i > 0));
  };
  std::vector<TokenSpan> out;
  bool glued_next = false;
  for (size_t i = 0; i < n;) {
    if (!word_at(i) || CombiningClass(cps[i].cp) != 0) {
      glued_next = !out.empty() && joiner(cps[i].cp) && cps[i].begin == out.back().end &&
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
      if (j > i && j + 1 < n) {
        const char32_t prev = cps[j - 1].cp, next = cps[j + 1].cp;
        if (IsApostrophe(c) && (letter(prev) || CombiningClass(prev) != 0) && letter(next)) {
          ++j;
          continue;
        }
        if ((c == '.' || c == ',') && digit(prev) && digit(next)) {
          ++j;
          continue;
        }
      }
      break;
    }
    out.push_back({cps[i].begin, cps[j - 1].end, glued_next});
    glued_next = false;
    i = j;
  }
  return out;
}

TEST(AnalyzerTest, ScanTokensMatchesTheDecodedCopyOracle) {
  // Random strings over the pieces the rules treat specially: letters of each UTF-8 length,
  // digits, joiners, every apostrophe, combining marks (also one outside U+0300..U+036F), symbols
  // next to the Latin ranges, ill-formed sequences, U+FFFD, BOM.
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           "5",
                                           "0",
                                           ".",
                                           ",",
                                           "-",
                                           ":",
                                           "/",
                                           "_",
                                           " ",
                                           "\t",
                                           "\n",
                                           "\x7f",
                                           "'",
                                           "`",
                                           "\xC2\xB4",
                                           "\xCA\xBB",
                                           "\xCA\xBC",
                                           "\xE2\x80\x99",
                                           "\xE2\x80\x98",
                                           "\xE2\x80\xB2",
                                           "\xCC\x81",
                                           "\xCC\x89",
                                           "\xE2\x83\x90",
                                           "ệ",
                                           "Đ",
                                           "ư",
                                           "ò",
                                           "Ạ",
                                           "\xC3\x97",
                                           "\xC3\xB7",
                                           "\xC2\xAA",
                                           "\xC2\xA0",
                                           "中",
                                           "\xE2\x80\x90",
                                           "\xE2\x80\x91",
                                           "\xEF\xBB\xBF",
                                           "\xEF\xBF\xBD",
                                           "\xF0\x9F\x98\x80",
                                           "\xFF",
                                           "\xC0\xAF",
                                           "\xE1\xBA",
                                           "\xED\xA0\x80",
                                           "\xF4\x90\x80\x80",
                                           "\xE0\x80\x80",
                                           "\x80",
                                           "\xC3",
                                           "\xEE\x80\x80",
                                           "\xF0\x90\x80\x80"};
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  std::vector<TokenSpan> got;
  for (int round = 0; round < 20000; ++round) {
    std::string in;
    const size_t len = next() % 24;
    for (size_t k = 0; k < len; ++k) in += pieces[next() % pieces.size()];
    ScanTokens(in, got);
    const std::vector<TokenSpan> want = OracleScan(in);
    ASSERT_EQ(got.size(), want.size()) << testing::PrintToString(in);
    for (size_t k = 0; k < want.size(); ++k) {
      EXPECT_EQ(got[k].begin, want[k].begin) << testing::PrintToString(in) << " token " << k;
      EXPECT_EQ(got[k].end, want[k].end) << testing::PrintToString(in) << " token " << k;
      EXPECT_EQ(got[k].glued, want[k].glued) << testing::PrintToString(in) << " token " << k;
    }
  }
}

TEST(AnalyzerTest, TokenFormsAreAnalyzesForms) {
  const std::string text = "Thuỷ lợi, COVID-19 và hoà bình: K’Ho 1.250,5 Ðà";
  std::vector<TokenSpan> spans;
  ScanTokens(text, spans);
  const std::vector<Token> toks = Analyze(text);
  ASSERT_EQ(spans.size(), toks.size());
  for (size_t k = 0; k < toks.size(); ++k) {
    std::string exact, folded;
    TokenForms(std::string_view(text).substr(spans[k].begin, spans[k].end - spans[k].begin), exact,
               folded);
    EXPECT_EQ(exact, toks[k].exact);
    EXPECT_EQ(folded, toks[k].folded);
  }
  EXPECT_EQ(toks[0].exact, "thủy");
  EXPECT_EQ(toks[0].folded, "thuy");
}

TEST(StopwordsTest, LoadsDefaultListAndCanonicalises) {
  auto sw = Stopwords::LoadDefault(STIO_SOURCE_DIR);
  ASSERT_TRUE(sw.ok()) << sw.status().ToString();
  EXPECT_GT(sw->size(), 1500u);
  EXPECT_TRUE(sw->Contains("và"));
  EXPECT_TRUE(sw->Contains("bao giờ"));
  EXPECT_FALSE(sw->Contains("công nghệ"));
  auto s2 = Stopwords::FromText("# comment\nhoà bình\nThuỷ\n");
  EXPECT_TRUE(s2.Contains("hòa bình"));
  EXPECT_TRUE(s2.Contains("thủy"));
  EXPECT_FALSE(Stopwords::LoadFile("/nonexistent").ok());
}

}  // namespace
}  // namespace stio::text
