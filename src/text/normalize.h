// Unicode normalisation and Vietnamese canonical forms.
//
// Every form below is a pure function of its input; all are safe to call from any thread.
// Invalid UTF-8 in a std::string_view input is replaced by U+FFFD (never a crash).
//
// Forms, from least to most aggressive:
//   ToNfc / ToNfd       Unicode canonical (de)composition (full tables, Unicode 14, incl. Hangul).
//   Canonicalize        NFC + one tone-mark placement + apostrophes unified to U+0027. Case kept.
//   CaseFold            Canonicalize + lower case (simple case mapping, Latin/Greek/Cyrillic).
//   FoldDiacritics      CaseFold with every combining mark removed and đ→d.
//   MatchKey            FoldDiacritics with whitespace runs collapsed to one space and trimmed:
//                       "  Thanh   Hoá " and "thanh hoa" give the same key "thanh hoa".
//
// Tone placement: one style, the one of the official administrative names ("Hòa", "Thủy"; the
// project calls it the "new style", though linguists often call "hoà" the newer one). In an open
// syllable with a two-vowel nucleus the tone sits on the first vowel, oa/oe/uy included
// ("hoà"→"hòa", "thuỷ"→"thủy", "khoẻ"→"khỏe"). Otherwise: a vowel with a quality mark (â ê ô ơ ư ă)
// takes it (the last of them, for ươ); a closed syllable puts it on the last vowel ("hoàn",
// "huỳnh"); three open vowels take it in the middle ("ngoài"). "qu" and "gi" + vowel are initials
// ("quý", "giá"). Words that are not one plausible Vietnamese syllable with one tone mark are left
// as they are.
#pragma once

#include <string>
#include <string_view>

namespace stio::text {

std::u32string ToNfd(std::u32string_view in);
std::u32string ToNfc(std::u32string_view in);
std::string ToNfc(std::string_view in);

std::string Canonicalize(std::string_view in);
std::string CaseFold(std::string_view in);
std::string FoldDiacritics(std::string_view in);
std::string MatchKey(std::string_view in);

// Building blocks used by the analyser (all operate on code points).
char32_t SimpleLower(char32_t cp);
int CombiningClass(char32_t cp);
bool IsApostrophe(char32_t cp);
// In-place on an NFD sequence of one word: moves the tone mark to its canonical vowel.
void PlaceToneNfd(std::u32string& word);
// Removes combining marks and maps đ/Đ to d/D, on an NFD sequence.
void StripMarksNfd(std::u32string& s);

}  // namespace stio::text

namespace stio {
// Re-exported for callers outside text/: the key the API uses to compare names.
using text::MatchKey;
}  // namespace stio
