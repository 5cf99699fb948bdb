#include "text/normalize.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "text/analyzer.h"
#include "text/utf8.h"

namespace stio::text {
namespace {

// Expands \uXXXX escapes (the golden file writes NFD input that way so editors cannot normalise
// it).
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 5 < s.size() + 0 && s[i + 1] == 'u') {
      AppendUtf8(out, static_cast<char32_t>(std::stoul(s.substr(i + 2, 4), nullptr, 16)));
      i += 5;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

TEST(NormalizeTest, GoldenPairs) {
  std::ifstream in(std::string(STIO_SOURCE_DIR) + "/src/text/testdata/normalize_golden.tsv");
  ASSERT_TRUE(in) << "missing golden file";
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::string input, folded_case, no_marks;
    std::getline(ss, input, '\t');
    std::getline(ss, folded_case, '\t');
    std::getline(ss, no_marks, '\t');
    input = Unescape(input);
    EXPECT_EQ(CaseFold(input), folded_case) << line;
    EXPECT_EQ(FoldDiacritics(input), no_marks) << line;
    EXPECT_EQ(MatchKey(input), no_marks) << line;
    ++rows;
  }
  EXPECT_GT(rows, 50);
}

TEST(NormalizeTest, NfcComposesVietnameseAndKeepsOtherScripts) {
  EXPECT_EQ(ToNfc(std::string_view("Vie\u0323\u0302t")), "Việt");
  EXPECT_EQ(ToNfc(std::string_view("Vie\u0302\u0323t")), "Việt");  // marks out of canonical order
  EXPECT_EQ(ToNfc(std::string_view("\u1100\u1161\u11A8")), "각");  // Hangul, algorithmic
  EXPECT_EQ(ToNfc(std::string_view("Ω")), "Ω");  // U+2126 OHM is a singleton: becomes U+03A9
  EXPECT_EQ(ToNfc(std::string_view("東京")), "東京");
}

TEST(NormalizeTest, CanonicalizeKeepsCaseAndMovesTones) {
  EXPECT_EQ(Canonicalize("Khánh Hoà, THUỶ lợi"), "Khánh Hòa, THỦY lợi");
  EXPECT_EQ(Canonicalize("plain ascii"), "plain ascii");
  EXPECT_EQ(Canonicalize("l’ho"), "l'ho");
}

TEST(NormalizeTest, MatchKeyCollapsesWhitespace) {
  EXPECT_EQ(MatchKey("  Thanh \t Hoá  "), "thanh hoa");
  EXPECT_EQ(MatchKey("thanh hoa"), "thanh hoa");
  EXPECT_EQ(MatchKey("Sở Khoa học và Công nghệ  Đắk Lắk"), "so khoa hoc va cong nghe dak lak");
  EXPECT_EQ(MatchKey(""), "");
  EXPECT_EQ(stio::MatchKey("HÀ NỘI"), "ha noi");
}

TEST(NormalizeTest, LeavesNonSyllablesAlone) {
  EXPECT_EQ(CaseFold("aèò"), "aèò");  // two tone marks: not touched
  EXPECT_EQ(CaseFold("Café"), "café");
}

}  // namespace
}  // namespace stio::text
