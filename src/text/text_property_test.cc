// Property tests (rapidcheck): folding is idempotent, NFC/NFD and tone styles analyse identically,
// arbitrary bytes never crash.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "text/analyzer.h"
#include "text/normalize.h"
#include "text/utf8.h"

namespace stio::text {
namespace {

// Strings drawn from Vietnamese letters (precomposed and combining), digits and separators.
rc::Gen<std::string> VietnameseText() {
  static const std::vector<std::string> kPieces = {
      "a",      "ă",      "â", "e", "ê",      "i",      "o",      "ô",      "ơ",      "u",
      "ư",      "y",      "đ", "Đ", "n",      "g",      "h",      "t",      "c",      "q",
      "k",      "A",      "Ơ", "Ư", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302",
      "\u0306", "\u031B", "à", "ế", "ộ",      "ử",      "ỹ",      " ",      "-",      ".",
      ",",      "’",      "'", "1", "9",      "5G"};
  return rc::gen::map(
      rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, kPieces.size())),
      [](const std::vector<size_t>& idx) {
        std::string s;
        for (size_t i : idx) s += kPieces[i];
        return s;
      });
}

std::vector<std::pair<std::string, std::string>> Forms(const std::string& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Token& t : Analyze(s)) out.emplace_back(t.exact, t.folded);
  return out;
}

TEST(TextPropertyTest, FoldingIsIdempotent) {
  EXPECT_TRUE(rc::check([] {
    const std::string s = *VietnameseText();
    RC_ASSERT(FoldDiacritics(FoldDiacritics(s)) == FoldDiacritics(s));
    RC_ASSERT(CaseFold(CaseFold(s)) == CaseFold(s));
    RC_ASSERT(MatchKey(MatchKey(s)) == MatchKey(s));
    RC_ASSERT(Canonicalize(Canonicalize(s)) == Canonicalize(s));
  }));
}

TEST(TextPropertyTest, NfcAndNfdAnalyseIdentically) {
  EXPECT_TRUE(rc::check([] {
    const std::string s = *VietnameseText();
    const std::u32string u = DecodeUtf8(s).value();
    const std::string nfc = EncodeUtf8(ToNfc(u));
    const std::string nfd = EncodeUtf8(ToNfd(u));
    RC_ASSERT(Forms(nfc) == Forms(nfd));
    RC_ASSERT(Forms(s) == Forms(nfc));
    RC_ASSERT(EncodeUtf8(ToNfc(DecodeUtf8(nfd).value())) == nfc);
    RC_ASSERT(MatchKey(nfc) == MatchKey(nfd));
  }));
}

TEST(TextPropertyTest, FoldedFormIsTheFoldOfTheExactForm) {
  EXPECT_TRUE(rc::check([] {
    for (const Token& t : Analyze(*VietnameseText())) {
      RC_ASSERT(FoldDiacritics(t.exact) == t.folded);
      RC_ASSERT(ExactForm(t.exact) == t.exact);
    }
  }));
}

TEST(TextPropertyTest, ArbitraryBytesNeverCrash) {
  EXPECT_TRUE(rc::check([](const std::string& bytes) {
    auto tokens = Analyze(bytes);
    for (const Token& t : tokens) {
      RC_ASSERT(t.begin < t.end);
      RC_ASSERT(t.end <= bytes.size());
      RC_ASSERT(IsValidUtf8(t.exact));
    }
    RC_ASSERT(IsValidUtf8(MatchKey(bytes)));
    RC_ASSERT(IsValidUtf8(Canonicalize(bytes)));
  }));
}

}  // namespace
}  // namespace stio::text
