#include "text/utf8.h"

#include <gtest/gtest.h>

#include <random>

namespace stio::text {
namespace {

TEST(Utf8Test, RoundTripsValidText) {
  const std::string s = "Công nghệ 5G — 🚀";
  auto d = DecodeUtf8(s, InvalidUtf8::kReject);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(EncodeUtf8(*d), s);
  EXPECT_TRUE(IsValidUtf8(s));
}

TEST(Utf8Test, ReplacesEachMaximalSubpartOnce) {
  // Truncated 3-byte sequence, stray continuation, overlong '/', surrogate, > U+10FFFF.
  const std::string bad =
      "a\xE1\x80"
      "b\x80"
      "c\xC0\xAF"
      "d\xED\xA0\x80"
      "e\xF4\x90\x80\x80";
  auto d = DecodeUtf8(bad);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(EncodeUtf8(*d),
            "a\uFFFDb\uFFFDc\uFFFD\uFFFDd\uFFFD\uFFFD\uFFFDe\uFFFD\uFFFD\uFFFD\uFFFD");
  EXPECT_FALSE(IsValidUtf8(bad));
}

TEST(Utf8Test, RejectModeNamesTheOffset) {
  auto d = DecodeUtf8("ab\xFF", InvalidUtf8::kReject);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("byte 2"), std::string::npos);
}

TEST(Utf8Test, OffsetsPointIntoInput) {
  auto cps = DecodeUtf8WithOffsets("aệ\xFF");
  ASSERT_EQ(cps.size(), 3u);
  EXPECT_EQ(cps[1].cp, U'ệ');
  EXPECT_EQ(cps[1].begin, 1u);
  EXPECT_EQ(cps[1].end, 4u);
  EXPECT_EQ(cps[2].cp, kReplacementChar);
}

// DecodeUtf8At (the tokeniser's in-place decoder, with its inline two- and three-byte paths)
// reads the same code points as the whole-text decoder, on random bytes biased to UTF-8 leads
// and continuations.
TEST(Utf8Test, DecodeAtAgreesWithTheWholeTextDecoder) {
  std::mt19937 rng(5);
  const unsigned char pick[] = {'a',  0x80, 0xBF, 0xA0, 0x9F, 0xC2, 0xC3, 0xDF, 0xC0, 0xE0,
                                0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x90};
  for (int round = 0; round < 20000; ++round) {
    std::string in;
    const size_t len = rng() % 12;
    for (size_t k = 0; k < len; ++k) in.push_back(static_cast<char>(pick[rng() % sizeof(pick)]));
    const std::vector<CodePoint> want = DecodeUtf8WithOffsets(in);
    size_t at = 0;
    for (const CodePoint& c : want) {
      ASSERT_EQ(at, c.begin) << testing::PrintToString(in);
      char32_t cp;
      const size_t n = DecodeUtf8At(in, at, cp);
      ASSERT_EQ(cp, c.cp) << testing::PrintToString(in) << " at " << at;
      ASSERT_EQ(at + n, c.end) << testing::PrintToString(in) << " at " << at;
      at += n;
    }
    ASSERT_EQ(at, in.size());
  }
}

TEST(Utf8Test, EncodesSurrogatesAsReplacement) {
  std::string out;
  AppendUtf8(out, 0xD800);
  AppendUtf8(out, 0x110000);
  EXPECT_EQ(out, "\uFFFD\uFFFD");
}

}  // namespace
}  // namespace stio::text
