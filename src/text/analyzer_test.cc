#include "text/analyzer.h"

#include <gtest/gtest.h>

#include "text/normalize.h"
#include "text/stopwords.h"

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
