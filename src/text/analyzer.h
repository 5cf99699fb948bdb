// Tokenisation of Vietnamese (and mixed Latin) text into normalised syllable tokens.
//
// A token is a maximal run of letters, digits and combining marks, with these joins kept inside:
//   - an apostrophe (any of ' ’ ‘ ʼ) between two letters: "K’Ho" → "k'ho";
//   - '.' or ',' between two digits, so numbers stay whole: "1.250,5", "3.5".
// Letters and digits stay together: "5G", "IoT", "H5N1". Codes joined by '-', ':', '/', '_' or '.'
// are split into parts ("COVID-19" → "covid" "19", "TCVN 5945:2005" → "tcvn" "5945" "2005"); each
// such part has `glued` set, so the search engine can treat the parts as a phrase. Parts sit at
// consecutive positions, so adjacent-pair (bigram) postings keep codes findable.
// Tokens longer than kMaxTokenCodePoints code points are truncated (they are never words).
//
// Each token has two forms: `exact` (NFC, lower case, canonical tone placement) and `folded`
// (no diacritics, đ→d). Both are independent of whether the input was NFC, NFD or a mix, and of
// which tone-placement style it used.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stio::text {

inline constexpr size_t kMaxTokenCodePoints = 48;

struct Token {
  std::string exact;
  std::string folded;
  uint32_t begin = 0;  // byte offsets of the token in the analysed input
  uint32_t end = 0;
  uint32_t position = 0;  // 0, 1, 2, ... in token order
  bool glued = false;     // joined to the previous token by '-', ':', '/', '_' or '.' (no space)
  bool has_diacritics() const { return exact != folded; }
};

// Analyses `in` (invalid UTF-8 is replaced, never fatal).
std::vector<Token> Analyze(std::string_view in);

// Analyze in two steps, for callers that keep their own table of the forms they have seen (the
// search index maps a token's bytes straight to its syllable ids, and most tokens repeat):
// ScanTokens finds the tokens (Analyze's, in order, without their forms), TokenForms gives the
// forms of one token's bytes, in.substr(begin, end - begin); they depend on those bytes alone.
struct TokenSpan {
  uint32_t begin = 0;  // byte offsets of the token in the input
  uint32_t end = 0;
  bool glued = false;  // as Token::glued
};
void ScanTokens(std::string_view in, std::vector<TokenSpan>& out);  // out is cleared first
void TokenForms(std::string_view token, std::string& exact, std::string& folded);

// Normalises one already-isolated word (e.g. a stopword list entry); same forms as Analyze.
std::string ExactForm(std::string_view word);

}  // namespace stio::text
