#include "text/utf8.h"

#include <gtest/gtest.h>

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

TEST(Utf8Test, EncodesSurrogatesAsReplacement) {
  std::string out;
  AppendUtf8(out, 0xD800);
  AppendUtf8(out, 0x110000);
  EXPECT_EQ(out, "\uFFFD\uFFFD");
}

}  // namespace
}  // namespace stio::text
