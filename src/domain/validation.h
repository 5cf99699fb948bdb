// Validation and normalisation of the identifiers and free text that users type into stio.
//
// Pure functions: no I/O, no database, no locale. Each returns InvalidArgument with an English
// message that names the rule broken (e.g. "check digit does not match (expected 6)"); the caller
// names the field with Status::WithField. The Normalize* functions have the signature of
// FieldSpec::normalize (domain/common.h), so they can be plugged into CheckFields directly.
//
// Policy on odd input: surrounding whitespace (ASCII, and the no-break space that copy-paste from
// Word and web pages brings) is stripped by the Normalize* functions; anything else unexpected is
// rejected, not repaired. In particular full-width or other non-ASCII digits ("０１２") are
// rejected: silently mapping them would let two different strings denote one identifier.
//
// Thread-safety: all functions are re-entrant.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "core/status.h"

namespace stio::domain {

// Vietnamese enterprise tax code (mã số thuế = mã số doanh nghiệp, Circular 105/2020/TT-BTC).
// Either 10 digits N1..N10, where
//   N10 = 10 - (31*N1 + 29*N2 + 23*N3 + 19*N4 + 17*N5 + 13*N6 + 7*N7 + 5*N8 + 3*N9) mod 11
// and a result of 10 means no valid code has those first 9 digits; or a branch / dependent-unit
// code "NNNNNNNNNN-NNN" (a valid 10-digit parent code and a suffix 001-999). 13 digits without the
// dash are accepted and returned in the dashed form.
// Not accepted: the 12-digit personal identification numbers that individuals use as tax codes
// since 1 Jul 2025; enterprises and S&T organisations always have a 10- or 13-digit code.
Result<std::string> NormalizeTaxCode(std::string_view input);

// ORCID iD. Accepts "0000-0002-1825-0097", "0000000218250097", a lower-case final "x", and the
// prefixes "https://orcid.org/", "http://orcid.org/" and "orcid.org/". Validates the ISO 7064
// MOD 11-2 check character and returns the hyphenated form with an upper-case X.
Result<std::string> NormalizeOrcid(std::string_view input);

// E-mail address (the common "dot-atom" form: no quoted local parts, no IP-literal domains, ASCII
// only). Returns it with the domain lower-cased; the local part keeps its case, since RFC 5321
// lets servers treat it as case-sensitive.
Result<std::string> NormalizeEmail(std::string_view input);

// Vietnamese telephone number, returned in E.164 ("+84912345678") so that one number has exactly
// one stored form whatever punctuation the user typed; formatting for display is the UI's job.
// Accepts the national form (0...), +84 / 0084 / 84 prefixes, an optional "(0)" after +84, and
// spaces, dots, hyphens and parentheses between digits. Valid national numbers:
//   - mobile: 10 digits starting 03, 05, 07, 08 or 09 (the post-2018 ranges);
//   - landline: 11 digits starting 02 (area code 02x/02xx since the 2017 renumbering).
// Rejected: 1800/1900 service numbers (no E.164 form), foreign numbers, anything else.
Result<std::string> NormalizePhone(std::string_view input);

// A calendar date written exactly "YYYY-MM-DD" (proleptic Gregorian, years 0001-9999), e.g.
// rejects "2023-02-29" and accepts "2024-02-29".
Status ValidateDate(std::string_view input);

// An absolute http or https URL with a host, at most 2,048 bytes, ASCII only (other characters
// must be percent-encoded), without whitespace, and without user:password@ (credentials must not
// be stored, and "https://trusted.gov.vn@evil.example" is a classic phishing form).
Status ValidateUrl(std::string_view input);

// A VSIC 2018 code of level 2-5: an optional upper-case section letter A-U followed by 2-5 digits,
// e.g. "62", "6201", "J62010". Its first two digits must be in `known_divisions` (the 88 division
// codes of data/classifications/vsic_2018.csv), and a given letter must be that division's
// section. Levels 3-5 are not checked further because stio does not ship them (see
// data/classifications/PROVENANCE.md).
Status ValidateVsicCode(std::string_view code, const std::set<std::string>& known_divisions);

// The VSIC/ISIC section ('A'-'U') of a two-digit division code, or '\0' if the code is not one of
// the 88 divisions. Fixed by the ISIC Rev.4 structure, so it is code rather than data.
char VsicSectionOfDivision(std::string_view division);

// Free text: at most `max_bytes` bytes, well-formed UTF-8, and free of characters that corrupt
// display or storage: C0 controls (TAB, LF and CR are allowed only if `multiline`), DEL, C1
// controls (U+0080-U+009F, typically mis-decoded Windows-1252), the bidirectional embedding,
// override and isolate controls (U+202A-U+202E, U+2066-U+2069; they let text display differently
// from what it is) and, on a single line, U+2028/U+2029. An empty string is valid; whether a
// field is required is the caller's decision.
Status ValidateText(std::string_view text, size_t max_bytes, bool multiline);

}  // namespace stio::domain
