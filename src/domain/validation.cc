#include "domain/validation.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

namespace stio::domain {
namespace {

constexpr size_t kMaxIdentifierBytes = 256;  // longer input is rejected before any parsing

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char AsciiToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (AsciiToLower(s[i]) != prefix[i]) return false;
  }
  return true;
}

// Strips ASCII whitespace and U+00A0 NO-BREAK SPACE (UTF-8 C2 A0) from both ends. The latter comes
// with text copied from Word documents and web pages, where it is invisible to the user.
std::string_view TrimInput(std::string_view s) {
  constexpr std::string_view kNbsp = "\xC2\xA0";
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || (s.front() >= '\t' && s.front() <= '\r'))) {
      s.remove_prefix(1);
    } else if (s.substr(0, 2) == kNbsp) {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || (s.back() >= '\t' && s.back() <= '\r'))) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == kNbsp) {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

Status Invalid(std::string message) { return Status::InvalidArgument(std::move(message)); }

// Rejects oversized input and anything that is not printable ASCII, with one message for all
// identifier-like fields. Non-ASCII digits (full-width "０", Arabic-Indic, ...) end up here.
Status CheckIdentifierChars(std::string_view s, std::string_view what) {
  if (s.empty()) return Invalid(std::string(what) + " is empty");
  if (s.size() > kMaxIdentifierBytes) return Invalid(std::string(what) + " is too long");
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7F) {
      return Invalid(std::string(what) +
                     " contains a character that is not printable ASCII at byte " +
                     std::to_string(i) + " (only ASCII digits and punctuation are allowed)");
    }
  }
  return Status::Ok();
}

// Returns the check digit (0-9) for the first 9 digits of a tax code, or 10 when none exists.
int TaxCodeCheckDigit(std::string_view first9) {
  static constexpr std::array<int, 9> kWeights = {31, 29, 23, 19, 17, 13, 7, 5, 3};
  int sum = 0;
  for (size_t i = 0; i < 9; ++i) sum += kWeights[i] * (first9[i] - '0');
  return 10 - sum % 11;
}

Status CheckTaxCode10(std::string_view code) {
  const int expected = TaxCodeCheckDigit(code.substr(0, 9));
  if (expected == 10) {
    return Invalid("is not a valid tax code: no check digit exists for the first 9 digits " +
                   std::string(code.substr(0, 9)));
  }
  if (code[9] - '0' != expected) {
    return Invalid("check digit does not match (expected " + std::to_string(expected) + ")");
  }
  return Status::Ok();
}

// ISO 7064 MOD 11-2 over 15 digits, as specified by ORCID; returns '0'-'9' or 'X'.
char OrcidCheckChar(std::string_view first15) {
  int total = 0;
  for (char c : first15) total = (total + (c - '0')) * 2;
  const int result = (12 - total % 11) % 11;
  return result == 10 ? 'X' : static_cast<char>('0' + result);
}

// A DNS host name of at least two labels, LDH rules, the last label not all-numeric.
Status CheckHostName(std::string_view host, bool allow_ip_literal) {
  if (host.empty()) return Invalid("has no host name");
  if (host.size() > 253) return Invalid("host name is longer than 253 characters");
  if (allow_ip_literal && host.front() == '[') {
    if (host.back() != ']' || host.size() < 4) return Invalid("has a malformed IPv6 address");
    for (char c : host.substr(1, host.size() - 2)) {
      if (!(IsDigit(c) || (AsciiToLower(c) >= 'a' && AsciiToLower(c) <= 'f') || c == ':' ||
            c == '.')) {
        return Invalid("has a malformed IPv6 address");
      }
    }
    return Status::Ok();
  }
  size_t labels = 0;
  std::string_view last;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    if (dot == std::string_view::npos) dot = host.size();
    std::string_view label = host.substr(start, dot - start);
    if (label.empty()) return Invalid("host name has an empty label");
    if (label.size() > 63) return Invalid("host name has a label longer than 63 characters");
    if (label.front() == '-' || label.back() == '-') {
      return Invalid("host name label '" + std::string(label) + "' starts or ends with '-'");
    }
    for (char c : label) {
      if (!(IsDigit(c) || IsAsciiAlpha(c) || c == '-')) {
        return Invalid("host name contains '" + std::string(1, c) +
                       "' (letters, digits, '-' and '.' only; use punycode for accented names)");
      }
    }
    ++labels;
    last = label;
    start = dot + 1;
  }
  if (AllDigits(last)) {
    // All-numeric last label: only a dotted IPv4 address makes sense.
    if (!allow_ip_literal) return Invalid("domain must be a name, not an IP address");
    if (labels != 4) return Invalid("has a malformed IPv4 address");
    for (size_t pos = 0; pos < host.size();) {
      size_t dot = std::min(host.find('.', pos), host.size());
      std::string_view octet = host.substr(pos, dot - pos);
      if (!AllDigits(octet) || octet.size() > 3 || std::stoi(std::string(octet)) > 255) {
        return Invalid("has a malformed IPv4 address");
      }
      pos = dot + 1;
    }
    return Status::Ok();
  }
  if (labels < 2) {
    return Invalid("host name '" + std::string(host) + "' has no top-level domain");
  }
  return Status::Ok();
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

Result<std::string> NormalizeTaxCode(std::string_view input) {
  std::string_view s = TrimInput(input);
  STIO_RETURN_IF_ERROR(CheckIdentifierChars(s, "tax code"));
  std::string_view parent;
  std::string_view suffix;
  if (s.size() == 14 && s[10] == '-' && AllDigits(s.substr(0, 10)) && AllDigits(s.substr(11))) {
    parent = s.substr(0, 10);
    suffix = s.substr(11);
  } else if (AllDigits(s) && s.size() == 13) {
    parent = s.substr(0, 10);
    suffix = s.substr(10);
  } else if (AllDigits(s) && s.size() == 10) {
    parent = s;
  } else {
    return Invalid(
        "must be 10 digits, or 13 digits written NNNNNNNNNN-NNN for a branch or dependent unit");
  }
  STIO_RETURN_IF_ERROR(CheckTaxCode10(parent));
  if (suffix.empty()) return std::string(parent);
  if (suffix == "000") return Invalid("branch suffix must be between 001 and 999");
  return std::string(parent) + "-" + std::string(suffix);
}

Result<std::string> NormalizeOrcid(std::string_view input) {
  std::string_view s = TrimInput(input);
  STIO_RETURN_IF_ERROR(CheckIdentifierChars(s, "ORCID iD"));
  for (std::string_view prefix : {"https://orcid.org/", "http://orcid.org/", "orcid.org/"}) {
    if (StartsWithNoCase(s, prefix)) {
      s.remove_prefix(prefix.size());
      break;
    }
  }
  std::string compact;
  if (s.size() == 19) {
    for (size_t i = 0; i < s.size(); ++i) {
      const bool hyphen_slot = i == 4 || i == 9 || i == 14;
      if ((s[i] == '-') != hyphen_slot) {
        return Invalid("must be 16 characters in four groups of 4, like 0000-0002-1825-0097");
      }
      if (!hyphen_slot) compact += s[i];
    }
  } else if (s.size() == 16) {
    compact = s;
  } else {
    return Invalid("must be 16 characters in four groups of 4, like 0000-0002-1825-0097");
  }
  if (compact[15] == 'x') compact[15] = 'X';
  if (!AllDigits(std::string_view(compact).substr(0, 15)) ||
      !(IsDigit(compact[15]) || compact[15] == 'X')) {
    return Invalid("must contain only digits, with an optional final X");
  }
  const char expected = OrcidCheckChar(std::string_view(compact).substr(0, 15));
  if (compact[15] != expected) {
    return Invalid(std::string("check character does not match (expected ") + expected + ")");
  }
  return compact.substr(0, 4) + "-" + compact.substr(4, 4) + "-" + compact.substr(8, 4) + "-" +
         compact.substr(12, 4);
}

Result<std::string> NormalizeEmail(std::string_view input) {
  std::string_view s = TrimInput(input);
  if (s.empty()) return Invalid("e-mail address is empty");
  if (s.size() > 254) return Invalid("e-mail address is longer than 254 characters");
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      return Invalid(
          "e-mail address must be ASCII (internationalised addresses are not supported)");
    }
    if (c <= 0x20 || c == 0x7F) {
      return Invalid("e-mail address contains a space or control character at byte " +
                     std::to_string(i));
    }
  }
  const size_t at = s.rfind('@');
  if (at == std::string_view::npos) return Invalid("e-mail address has no '@'");
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  if (local.empty()) return Invalid("e-mail address has nothing before '@'");
  if (local.size() > 64) return Invalid("the part before '@' is longer than 64 characters");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return Invalid("the part before '@' must not start or end with '.' or contain '..'");
  }
  // RFC 5322 atext; this also rejects a second '@', quotes, commas and brackets.
  constexpr std::string_view kAtextSpecials = "!#$%&'*+-/=?^_`{|}~.";
  for (char c : local) {
    if (!(IsDigit(c) || IsAsciiAlpha(c) || kAtextSpecials.find(c) != std::string_view::npos)) {
      return Invalid(std::string("the part before '@' contains '") + c + "'");
    }
  }
  if (Status st = CheckHostName(domain, /*allow_ip_literal=*/false); !st.ok()) {
    return Invalid("e-mail domain " + st.message());
  }
  std::string out(local);
  out += '@';
  for (char c : domain) out += AsciiToLower(c);
  return out;
}

Result<std::string> NormalizePhone(std::string_view input) {
  std::string_view s = TrimInput(input);
  STIO_RETURN_IF_ERROR(CheckIdentifierChars(s, "phone number"));
  // Collect digits, remembering whether a '+' came before the first digit.
  bool plus = false;
  std::string digits;
  for (const char c : s) {
    if (IsDigit(c)) {
      digits += c;
    } else if (c == '+' && digits.empty() && !plus) {  // also "(+84) ..." as on business cards
      plus = true;
    } else if (c == ' ' || c == '.' || c == '-' || c == '(' || c == ')') {
      continue;
    } else {
      return Invalid(std::string("phone number contains '") + c +
                     "' (only digits, a leading +, spaces, dots, hyphens and parentheses)");
    }
  }
  if (digits.size() > 15) return Invalid("phone number has too many digits");
  std::string national;  // without the leading 0
  if (plus) {
    if (digits.rfind("84", 0) != 0) return Invalid("only Vietnamese numbers (+84) are accepted");
    national = digits.substr(2);
    if (!national.empty() && national[0] == '0') national.erase(0, 1);  // "+84 (0) 912..."
  } else if (digits.rfind("0084", 0) == 0) {
    national = digits.substr(4);
  } else if (digits.rfind("0", 0) == 0) {
    national = digits.substr(1);
  } else if (digits.rfind("84", 0) == 0 && (digits.size() == 11 || digits.size() == 12)) {
    national = digits.substr(2);  // 84 without '+': 84 + 9 (mobile) or 10 (landline) digits
  } else if (digits.rfind("1800", 0) == 0 || digits.rfind("1900", 0) == 0) {
    return Invalid("1800/1900 service numbers cannot be stored; give a landline or mobile number");
  } else {
    return Invalid("phone number must start with 0 or +84");
  }
  if (national.empty()) return Invalid("phone number has no digits after the prefix");
  const char first = national[0];
  if (first == '3' || first == '5' || first == '7' || first == '8' || first == '9') {
    if (national.size() != 9) {
      return Invalid("a mobile number must have 10 digits including the leading 0 (it has " +
                     std::to_string(national.size() + 1) + ")");
    }
  } else if (first == '2') {
    if (national.size() != 10) {
      return Invalid(
          "a landline number must have 11 digits including the leading 0 and area code "
          "(it has " +
          std::to_string(national.size() + 1) + ")");
    }
  } else {
    return Invalid("is not a Vietnamese mobile (03, 05, 07, 08, 09) or landline (02) number");
  }
  return "+84" + national;
}

Status ValidateDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !AllDigits(s.substr(0, 4)) ||
      !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2))) {
    return Invalid("must be a date written YYYY-MM-DD");
  }
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  if (year == 0) return Invalid("year must be between 0001 and 9999");
  if (month < 1 || month > 12) return Invalid("month must be between 01 and 12");
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int days = kDays[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  if (day < 1 || day > days) {
    return Invalid("day must be between 01 and " + std::to_string(days) + " in " +
                   std::string(s.substr(0, 7)));
  }
  return Status::Ok();
}

Status ValidateUrl(std::string_view s) {
  if (s.empty()) return Invalid("URL is empty");
  if (s.size() > 2048) return Invalid("URL is longer than 2,048 characters");
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      return Invalid("URL contains a non-ASCII character at byte " + std::to_string(i) +
                     " (it must be percent-encoded)");
    }
    if (c <= 0x20 || c == 0x7F) {
      return Invalid("URL contains a space or control character at byte " + std::to_string(i));
    }
  }
  std::string_view rest;
  if (StartsWithNoCase(s, "https://")) {
    rest = s.substr(8);
  } else if (StartsWithNoCase(s, "http://")) {
    rest = s.substr(7);
  } else {
    return Invalid("URL must start with http:// or https://");
  }
  const size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) {
    return Invalid("URL must not contain a user name or password");
  }
  std::string_view host = authority;
  // Split off ":port" (after a closing ']' for IPv6 literals).
  const size_t bracket = authority.rfind(']');
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    std::string_view port = authority.substr(colon + 1);
    host = authority.substr(0, colon);
    if (!AllDigits(port) || port.size() > 5 || std::stoi(std::string(port)) == 0 ||
        std::stoi(std::string(port)) > 65535) {
      return Invalid("URL has an invalid port");
    }
  }
  if (Status st = CheckHostName(host, /*allow_ip_literal=*/true); !st.ok()) {
    return Invalid("URL " + st.message());
  }
  return Status::Ok();
}

char VsicSectionOfDivision(std::string_view d) {
  if (d.size() != 2 || !AllDigits(d)) return '\0';
  const int n = (d[0] - '0') * 10 + (d[1] - '0');
  // ISIC Rev.4 / VSIC 2018: last division of each section, in order. Gaps (04, 34, 40, ...)
  // belong to no section.
  struct Range {
    int first, last;
    char section;
  };
  static constexpr std::array<Range, 21> kRanges = {{
      {1, 3, 'A'},   {5, 9, 'B'},   {10, 33, 'C'}, {35, 35, 'D'}, {36, 39, 'E'}, {41, 43, 'F'},
      {45, 47, 'G'}, {49, 53, 'H'}, {55, 56, 'I'}, {58, 63, 'J'}, {64, 66, 'K'}, {68, 68, 'L'},
      {69, 75, 'M'}, {77, 82, 'N'}, {84, 84, 'O'}, {85, 85, 'P'}, {86, 88, 'Q'}, {90, 93, 'R'},
      {94, 96, 'S'}, {97, 98, 'T'}, {99, 99, 'U'},
  }};
  for (const Range& r : kRanges) {
    if (n >= r.first && n <= r.last) return r.section;
  }
  return '\0';
}

Status ValidateVsicCode(std::string_view code, const std::set<std::string>& known_divisions) {
  if (code.empty()) return Invalid("VSIC code is empty");
  if (code.size() > 6) return Invalid("VSIC code is too long (at most a letter and 5 digits)");
  char letter = '\0';
  std::string_view digits = code;
  if (IsAsciiAlpha(code[0])) {
    letter = code[0];
    if (letter < 'A' || letter > 'U') {
      return Invalid("VSIC section must be an upper-case letter from A to U");
    }
    digits.remove_prefix(1);
  }
  if (!AllDigits(digits) || digits.size() < 2 || digits.size() > 5) {
    return Invalid("VSIC code must be 2 to 5 digits, optionally after the section letter");
  }
  const std::string division(digits.substr(0, 2));
  if (known_divisions.count(division) == 0) {
    return Invalid("VSIC division " + division + " does not exist");
  }
  if (letter != '\0' && VsicSectionOfDivision(division) != letter) {
    const char expected = VsicSectionOfDivision(division);
    return Invalid("VSIC division " + division + " belongs to section " +
                   (expected ? std::string(1, expected) : std::string("?")) + ", not " + letter);
  }
  return Status::Ok();
}

Status ValidateText(std::string_view text, size_t max_bytes, bool multiline) {
  if (text.size() > max_bytes) {
    return Invalid("is longer than " + std::to_string(max_bytes) + " bytes");
  }
  auto hex = [](uint32_t cp) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "U+";
    for (int shift = cp > 0xFFFF ? 20 : 12; shift >= 0; shift -= 4)
      out += kHex[(cp >> shift) & 0xF];
    return out;
  };
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    const auto b0 = static_cast<unsigned char>(text[i]);
    uint32_t cp;
    size_t len;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
      cp = b0 & 0x1F;
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      cp = b0 & 0x0F;
      len = 3;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      cp = b0 & 0x07;
      len = 4;
    } else {
      return Invalid("is not valid UTF-8 (bad byte at " + std::to_string(start) + ")");
    }
    if (start + len > text.size()) {
      return Invalid("is not valid UTF-8 (truncated sequence at byte " + std::to_string(start) +
                     ")");
    }
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(text[start + k]);
      if ((b & 0xC0) != 0x80) {
        return Invalid("is not valid UTF-8 (bad continuation at byte " + std::to_string(start + k) +
                       ")");
      }
      cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong 3- and 4-byte forms, UTF-16 surrogates and code points above U+10FFFF.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return Invalid("is not valid UTF-8 (bad sequence at byte " + std::to_string(start) + ")");
    }
    i = start + len;

    const bool allowed_whitespace = multiline && (cp == '\t' || cp == '\n' || cp == '\r');
    if ((cp < 0x20 && !allowed_whitespace) || (cp >= 0x7F && cp <= 0x9F)) {
      return Invalid("contains the control character " + hex(cp) + " at byte " +
                     std::to_string(start) + (cp == '\n' && !multiline ? " (line break)" : ""));
    }
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
      return Invalid("contains the bidirectional control character " + hex(cp) + " at byte " +
                     std::to_string(start));
    }
    if (!multiline && (cp == 0x2028 || cp == 0x2029)) {
      return Invalid("contains the line separator " + hex(cp) + " at byte " +
                     std::to_string(start));
    }
  }
  return Status::Ok();
}

}  // namespace stio::domain
