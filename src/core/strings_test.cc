#include "core/strings.h"

#include <set>

#include <gtest/gtest.h>

namespace stio {
namespace {

TEST(StringsTest, TrimSplitJoin) {
  EXPECT_EQ(Trim("  a b \r\n"), "a b");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(Join({"a", "b"}, "; "), "a; b");
  EXPECT_EQ(AsciiLower("AbC Đ"), "abc Đ");
}

TEST(StringsTest, ParseNumbersRejectsJunk) {
  EXPECT_EQ(ParseInt("42"), 42);
  EXPECT_EQ(ParseInt("-7"), -7);
  EXPECT_FALSE(ParseInt("4 2"));
  EXPECT_FALSE(ParseInt("99999999999999999999"));
  EXPECT_FALSE(ParseInt(""));
  EXPECT_DOUBLE_EQ(*ParseDouble("1.5"), 1.5);
  EXPECT_FALSE(ParseDouble("1,5"));
}

TEST(StringsTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("Công nghệ sinh học"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
}

TEST(StringsTest, HashShortBytesSeesEveryByteAndTheLength) {
  // Every byte of keys of 0-24 bytes counts, the tail's 0-7 bytes included (read with
  // overlapping fixed-size loads): strings differing in one byte, and the prefixes of one string
  // (zero bytes at the end included), all hash differently. The hash does not depend on what lies
  // beyond the view.
  std::set<uint64_t> seen;
  size_t keys = 0;
  const std::string buf("abcdefghijklmnopqrstuvwx\0\0\0\0\0\0\0\0", 32);
  for (size_t n = 0; n <= 32; ++n) {
    const std::string base = buf.substr(0, n);
    seen.insert(HashShortBytes(base));
    ++keys;
    for (size_t i = 0; i < n; ++i) {
      std::string t = base;
      t[i] = static_cast<char>(t[i] ^ 0x5A);
      seen.insert(HashShortBytes(t));
      ++keys;
    }
  }
  EXPECT_EQ(seen.size(), keys);
  const std::string a = "công nghệ", b = "công nghệ sinh học";
  EXPECT_EQ(HashShortBytes(a), HashShortBytes(std::string_view(b).substr(0, a.size())));
}

}  // namespace
}  // namespace stio
