#include "domain/validation.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stio::domain {
namespace {

using ::testing::HasSubstr;

const std::string kNbsp = "\xC2\xA0";  // U+00A0 NO-BREAK SPACE

// ---------------------------------------------------------------------------------------------
// Tax code

TEST(TaxCodeTest, GoldenValidCodes) {
  EXPECT_EQ(NormalizeTaxCode("0300588569").value_or(""), "0300588569");  // Vinamilk
  EXPECT_EQ(NormalizeTaxCode("0100109106").value_or(""), "0100109106");  // Viettel
}

TEST(TaxCodeTest, WrongCheckDigitSaysWhichIsExpected) {
  Result<std::string> r = NormalizeTaxCode("0100109107");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "check digit does not match (expected 6)");
  EXPECT_TRUE(r.status().field().empty());  // the caller names the field
}

TEST(TaxCodeTest, CodesWhoseCheckDigitWouldBeTenAreInvalid) {
  // 0000000000: weighted sum 0, 0 mod 11 = 0, so N10 would be 10.
  Result<std::string> r = NormalizeTaxCode("0000000000");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("no check digit exists"));
  // Every other digit in position 10 is also rejected for that prefix.
  for (char d = '0'; d <= '9'; ++d) {
    EXPECT_FALSE(NormalizeTaxCode(std::string("000000000") + d).ok()) << d;
  }
}

TEST(TaxCodeTest, BranchCodes) {
  EXPECT_EQ(NormalizeTaxCode("0100109106-001").value_or(""), "0100109106-001");
  EXPECT_EQ(NormalizeTaxCode("0100109106999").value_or(""), "0100109106-999");  // dash added
  EXPECT_EQ(NormalizeTaxCode("  0300588569-012\t").value_or(""), "0300588569-012");
  EXPECT_FALSE(NormalizeTaxCode("0100109106-000").ok());
  EXPECT_FALSE(NormalizeTaxCode("0100109107-001").ok());  // the parent must be valid
  EXPECT_FALSE(NormalizeTaxCode("0100109106-01").ok());
  EXPECT_FALSE(NormalizeTaxCode("0100109106-0001").ok());
  EXPECT_FALSE(NormalizeTaxCode("010010910-6001").ok());  // dash in the wrong place
}

TEST(TaxCodeTest, StripsSurroundingWhitespaceIncludingNoBreakSpace) {
  EXPECT_EQ(NormalizeTaxCode(" 0300588569 ").value_or(""), "0300588569");
  EXPECT_EQ(NormalizeTaxCode(kNbsp + "0300588569" + kNbsp).value_or(""), "0300588569");
}

TEST(TaxCodeTest, HostileInput) {
  EXPECT_THAT(NormalizeTaxCode("").status().message(), HasSubstr("empty"));
  EXPECT_THAT(NormalizeTaxCode("   ").status().message(), HasSubstr("empty"));
  EXPECT_THAT(NormalizeTaxCode("030058856").status().message(), HasSubstr("must be 10 digits"));
  EXPECT_THAT(NormalizeTaxCode("03005885690").status().message(), HasSubstr("must be 10 digits"));
  EXPECT_FALSE(NormalizeTaxCode("0300 588 569").ok());
  EXPECT_FALSE(NormalizeTaxCode("03005885a9").ok());
  EXPECT_FALSE(NormalizeTaxCode("-300588569").ok());
  // Full-width digits (U+FF10..) look like digits but are not accepted.
  EXPECT_THAT(NormalizeTaxCode("\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92").status().message(),
              HasSubstr("not printable ASCII"));
  EXPECT_FALSE(NormalizeTaxCode(std::string("0300588569\0", 11)).ok());
  EXPECT_FALSE(NormalizeTaxCode(std::string("03005") + '\0' + "88569").ok());
  EXPECT_FALSE(NormalizeTaxCode(std::string("\xFF\xFE") + "0300588569").ok());
  EXPECT_THAT(NormalizeTaxCode(std::string(1 << 20, '1')).status().message(),
              HasSubstr("too long"));
}

// ---------------------------------------------------------------------------------------------
// ORCID

TEST(OrcidTest, GoldenValidIds) {
  EXPECT_EQ(NormalizeOrcid("0000-0002-1825-0097").value_or(""), "0000-0002-1825-0097");
  EXPECT_EQ(NormalizeOrcid("0000-0001-5109-3700").value_or(""), "0000-0001-5109-3700");
  EXPECT_EQ(NormalizeOrcid("0000-0002-1694-233X").value_or(""), "0000-0002-1694-233X");
}

TEST(OrcidTest, AcceptedSpellings) {
  EXPECT_EQ(NormalizeOrcid("0000000218250097").value_or(""), "0000-0002-1825-0097");
  EXPECT_EQ(NormalizeOrcid("0000-0002-1694-233x").value_or(""), "0000-0002-1694-233X");
  EXPECT_EQ(NormalizeOrcid("https://orcid.org/0000-0002-1825-0097").value_or(""),
            "0000-0002-1825-0097");
  EXPECT_EQ(NormalizeOrcid("http://orcid.org/000000021694233x").value_or(""),
            "0000-0002-1694-233X");
  EXPECT_EQ(NormalizeOrcid("HTTPS://ORCID.ORG/0000-0001-5109-3700").value_or(""),
            "0000-0001-5109-3700");
  EXPECT_EQ(NormalizeOrcid(" orcid.org/0000-0001-5109-3700 ").value_or(""), "0000-0001-5109-3700");
}

TEST(OrcidTest, Rejections) {
  EXPECT_EQ(NormalizeOrcid("0000-0002-1825-0098").status().message(),
            "check character does not match (expected 7)");
  EXPECT_FALSE(NormalizeOrcid("0000-0002-1694-2330").ok());
  EXPECT_FALSE(NormalizeOrcid("0000-0002-1825-009").ok());
  EXPECT_FALSE(NormalizeOrcid("00000-002-1825-0097").ok());  // hyphens misplaced
  EXPECT_FALSE(NormalizeOrcid("X000-0002-1825-0097").ok());  // X only in the last place
  EXPECT_FALSE(NormalizeOrcid("https://example.org/0000-0002-1825-0097").ok());
  EXPECT_FALSE(NormalizeOrcid("").ok());
  EXPECT_FALSE(NormalizeOrcid(std::string("0000-0002-1825-0097\0", 20)).ok());
  EXPECT_FALSE(
      NormalizeOrcid("\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90-0002-1825-0097").ok());
  EXPECT_FALSE(NormalizeOrcid(std::string(100000, '0')).ok());
}

// ---------------------------------------------------------------------------------------------
// E-mail

TEST(EmailTest, NormalisesDomainCaseOnly) {
  EXPECT_EQ(NormalizeEmail("Nguyen.Van.A@SKHCN.HaNoi.gov.VN").value_or(""),
            "Nguyen.Van.A@skhcn.hanoi.gov.vn");
  EXPECT_EQ(NormalizeEmail("  a+tag@example.com\n").value_or(""), "a+tag@example.com");
  EXPECT_EQ(NormalizeEmail("o'brien@xn--bcher-kva.example").value_or(""),
            "o'brien@xn--bcher-kva.example");
}

TEST(EmailTest, Rejections) {
  for (const char* bad : {"",          "plainaddress", "@example.com", "a@",        "a@b",
                          "a@@b.com",  "a@b@c.com",    "a..b@c.com",   ".a@c.com",  "a.@c.com",
                          "a b@c.com", "a@-b.com",     "a@b-.com",     "a@b..com",  "a@b.com.",
                          "a@1.2.3.4", "a@[1.2.3.4]",  "\"a\"@b.com",  "a,b@c.com", "a@b_c.com"}) {
    EXPECT_FALSE(NormalizeEmail(bad).ok()) << bad;
  }
  EXPECT_THAT(NormalizeEmail("nguyễn@example.vn").status().message(), HasSubstr("ASCII"));
  EXPECT_THAT(NormalizeEmail("a@bộkhcn.vn").status().message(), HasSubstr("ASCII"));
  EXPECT_FALSE(NormalizeEmail(std::string("a@b.com\0x", 9)).ok());
  EXPECT_FALSE(NormalizeEmail(std::string(65, 'a') + "@example.com").ok());
  EXPECT_FALSE(NormalizeEmail("a@" + std::string(64, 'b') + ".com").ok());
  EXPECT_FALSE(NormalizeEmail(std::string(1 << 20, 'a')).ok());
}

// ---------------------------------------------------------------------------------------------
// Phone

TEST(PhoneTest, MobileFormsAllGiveE164) {
  for (const char* in : {"0912345678", "0912 345 678", "0912.345.678", "0912-345-678",
                         "+84912345678", "+84 912 345 678", "+84 (0) 912 345 678", "0084912345678",
                         "84912345678", " (+84) 912345678 "}) {
    EXPECT_EQ(NormalizePhone(in).value_or(std::string("error: ") + in), "+84912345678") << in;
  }
  EXPECT_EQ(NormalizePhone("0389999999").value_or(""), "+84389999999");
  EXPECT_EQ(NormalizePhone("0586123456").value_or(""), "+84586123456");
  EXPECT_EQ(NormalizePhone("0701234567").value_or(""), "+84701234567");
  EXPECT_EQ(NormalizePhone("0812345678").value_or(""), "+84812345678");
}

TEST(PhoneTest, Landlines) {
  EXPECT_EQ(NormalizePhone("024 3825 1234").value_or(""), "+842438251234");    // Hà Nội
  EXPECT_EQ(NormalizePhone("(028) 3829 5555").value_or(""), "+842838295555");  // TP HCM
  EXPECT_EQ(NormalizePhone("0237 385 2345").value_or(""), "+842373852345");    // Thanh Hóa
  EXPECT_EQ(NormalizePhone("+84 237 385 2345").value_or(""), "+842373852345");
}

TEST(PhoneTest, Rejections) {
  EXPECT_THAT(NormalizePhone("091234567").status().message(), HasSubstr("10 digits"));
  EXPECT_THAT(NormalizePhone("09123456789").status().message(), HasSubstr("10 digits"));
  EXPECT_THAT(NormalizePhone("043825123").status().message(), HasSubstr("not a Vietnamese"));
  EXPECT_THAT(NormalizePhone("024 3825 123").status().message(), HasSubstr("11 digits"));
  EXPECT_THAT(NormalizePhone("1900 1234").status().message(), HasSubstr("1800/1900"));
  EXPECT_THAT(NormalizePhone("+1 202 555 0100").status().message(), HasSubstr("+84"));
  EXPECT_FALSE(NormalizePhone("0612345678").ok());
  EXPECT_FALSE(NormalizePhone("0112345678").ok());
  EXPECT_FALSE(NormalizePhone("+84").ok());
  EXPECT_FALSE(NormalizePhone("").ok());
  EXPECT_FALSE(NormalizePhone("0912345678 ext 12").ok());
  EXPECT_FALSE(NormalizePhone("09+12345678").ok());
  EXPECT_FALSE(NormalizePhone("++84912345678").ok());
  EXPECT_FALSE(NormalizePhone("\xEF\xBC\x90\xEF\xBC\x99\xEF\xBC\x91\xEF\xBC\x92").ok());
  EXPECT_FALSE(NormalizePhone(std::string("0912345678\0", 11)).ok());
  EXPECT_FALSE(NormalizePhone(std::string(1000, '9')).ok());
  EXPECT_FALSE(NormalizePhone(std::string(200, '9')).ok());
}

// ---------------------------------------------------------------------------------------------
// Date

TEST(DateTest, RealCalendarDates) {
  EXPECT_TRUE(ValidateDate("2025-07-01").ok());
  EXPECT_TRUE(ValidateDate("2024-02-29").ok());  // leap year
  EXPECT_TRUE(ValidateDate("2000-02-29").ok());  // divisible by 400
  EXPECT_TRUE(ValidateDate("0001-01-01").ok());
  EXPECT_TRUE(ValidateDate("9999-12-31").ok());
  EXPECT_TRUE(ValidateDate("2025-04-30").ok());
}

TEST(DateTest, Rejections) {
  EXPECT_EQ(ValidateDate("2023-02-29").message(), "day must be between 01 and 28 in 2023-02");
  EXPECT_FALSE(ValidateDate("1900-02-29").ok());  // divisible by 100, not 400
  EXPECT_FALSE(ValidateDate("2025-04-31").ok());
  EXPECT_FALSE(ValidateDate("2025-13-01").ok());
  EXPECT_FALSE(ValidateDate("2025-00-10").ok());
  EXPECT_FALSE(ValidateDate("2025-01-00").ok());
  EXPECT_FALSE(ValidateDate("0000-01-01").ok());
  for (const char* bad : {"", "2025-7-1", "2025/07/01", "01-07-2025", "2025-07-01T00:00",
                          " 2025-07-01", "2025-07-01 ", "20250701", "2025-07-0a", "+025-07-01"}) {
    EXPECT_FALSE(ValidateDate(bad).ok()) << bad;
  }
  EXPECT_FALSE(ValidateDate(std::string("\xEF\xBC\x92") + "025-07-01").ok());
  EXPECT_FALSE(ValidateDate(std::string("2025-07") + '\0' + "01").ok());
}

// ---------------------------------------------------------------------------------------------
// URL

TEST(UrlTest, Accepted) {
  for (const char* ok : {"https://skhcn.hanoi.gov.vn", "http://example.com/",
                         "https://mst.gov.vn/bo-khcn-ban-hanh-197251108230632216.htm",
                         "HTTPS://Example.COM/path?q=1&r=%C4%90#frag", "https://example.com:8443/x",
                         "http://192.168.1.10/report.pdf", "http://[2001:db8::1]:8080/",
                         "https://xn--bcher-kva.example/"}) {
    EXPECT_TRUE(ValidateUrl(ok).ok()) << ok << ": " << ValidateUrl(ok).message();
  }
}

TEST(UrlTest, Rejections) {
  EXPECT_THAT(ValidateUrl("ftp://example.com").message(), HasSubstr("http:// or https://"));
  EXPECT_THAT(ValidateUrl("javascript:alert(1)").message(), HasSubstr("http:// or https://"));
  EXPECT_THAT(ValidateUrl("https://skhcn.gov.vn@evil.example/").message(),
              HasSubstr("user name or password"));
  EXPECT_THAT(ValidateUrl("https://example.com/đường-dẫn").message(), HasSubstr("percent-encoded"));
  for (const char* bad :
       {"", "example.com", "//example.com", "https://", "https:///path", "https://localhost/",
        "https://intranet/", "https://exa mple.com", "https://example.com:0/",
        "https://example.com:65536/", "https://example.com:x/", "https://-bad.com/",
        "https://a..b.com/", "http://999.1.1.1/", "http://1.2.3/", "https://[zz::1]/"}) {
    EXPECT_FALSE(ValidateUrl(bad).ok()) << bad;
  }
  EXPECT_FALSE(ValidateUrl(std::string("https://example.com/\0", 21)).ok());
  EXPECT_FALSE(ValidateUrl("https://example.com/\r\nSet-Cookie:x").ok());
  EXPECT_FALSE(ValidateUrl("https://example.com/" + std::string(3000, 'a')).ok());
}

// ---------------------------------------------------------------------------------------------
// Free text

TEST(TextTest, AcceptsVietnameseAndOtherScripts) {
  EXPECT_TRUE(ValidateText("", 10, false).ok());
  EXPECT_TRUE(ValidateText("Sở Khoa học và Công nghệ tỉnh Thanh Hóa", 200, false).ok());
  EXPECT_TRUE(ValidateText("日本語 😀 Ελληνικά", 200, false).ok());
  EXPECT_TRUE(ValidateText("dòng 1\ndòng 2\r\n\tthụt lề", 200, true).ok());
  // Combining marks (non-NFC Vietnamese) are valid text; normalisation is the indexer's job.
  EXPECT_TRUE(ValidateText(std::string("Ho\xCC\x80") + "a", 200, false).ok());
}

TEST(TextTest, LengthIsInBytes) {
  EXPECT_TRUE(ValidateText("ệệ", 6, false).ok());  // 3 bytes each
  EXPECT_EQ(ValidateText("ệệ", 5, false).message(), "is longer than 5 bytes");
  EXPECT_FALSE(ValidateText(std::string(10 << 20, 'a'), 1 << 20, true).ok());
}

TEST(TextTest, ControlCharacters) {
  EXPECT_EQ(ValidateText("a\nb", 100, false).message(),
            "contains the control character U+000A at byte 1 (line break)");
  EXPECT_FALSE(ValidateText("a\tb", 100, false).ok());
  EXPECT_FALSE(ValidateText("a\rb", 100, false).ok());
  EXPECT_EQ(ValidateText(std::string("ab\0c", 4), 100, true).message(),
            "contains the control character U+0000 at byte 2");
  EXPECT_FALSE(ValidateText("a\x1B[31mred", 100, true).ok());  // ANSI escape
  EXPECT_FALSE(ValidateText("a\x7F", 100, true).ok());
  EXPECT_FALSE(ValidateText("a\xC2\x85", 100, true).ok());  // U+0085 NEL (C1)
  EXPECT_FALSE(ValidateText("a\xC2\x9B", 100, true).ok());  // U+009B CSI (C1)
  EXPECT_THAT(
      ValidateText(std::string("abc\xE2\x80\xAE") + "cba", 100, true).message(),  // U+202E RLO
      HasSubstr("bidirectional"));
  EXPECT_FALSE(ValidateText("\xE2\x81\xA6x", 100, true).ok());                      // U+2066 LRI
  EXPECT_FALSE(ValidateText(std::string("a\xE2\x80\xA8") + "b", 100, false).ok());  // U+2028
  EXPECT_TRUE(ValidateText(std::string("a\xE2\x80\xA8") + "b", 100, true).ok());
}

TEST(TextTest, InvalidUtf8) {
  for (const std::string& bad : std::vector<std::string>{
           "\x80",               // lone continuation byte
           "\xC3",               // truncated 2-byte sequence
           "\xE1\xBB",           // truncated 3-byte sequence (ệ is E1 BB 87)
           "\xC0\xAF",           // overlong '/'
           "\xC1\xBF",           // overlong
           "\xE0\x80\xAF",       // overlong 3-byte
           "\xF0\x80\x80\xAF",   // overlong 4-byte
           "\xED\xA0\x80",       // UTF-16 surrogate U+D800
           "\xF4\x90\x80\x80",   // above U+10FFFF
           "\xF5\x80\x80\x80",   // invalid lead byte
           "\xFF",               //
           "\xC3\x28",           // bad continuation
           "Vi\xE1\xBB\x74 Nam"  // bad continuation in the middle of a word
       }) {
    Status s = ValidateText(bad, 100, true);
    EXPECT_FALSE(s.ok()) << testing::PrintToString(bad);
    EXPECT_THAT(s.message(), HasSubstr("UTF-8")) << testing::PrintToString(bad);
  }
  EXPECT_TRUE(ValidateText("\xF4\x8F\xBF\xBF", 100, true).ok());  // U+10FFFF is the maximum
}

// ---------------------------------------------------------------------------------------------
// Reference data in data/classifications, and VSIC codes checked against it.

std::string SourceDir() {
  if (const char* env = std::getenv("STIO_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  return STIO_SOURCE_DIR;
}

// Minimal RFC 4180 reader: quoted fields may contain commas, "" and newlines.
std::vector<std::map<std::string, std::string>> ReadCsv(const std::string& relative_path) {
  std::ifstream in(SourceDir() + "/" + relative_path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << SourceDir() << "/" << relative_path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      records.back().push_back(std::move(field));
      field.clear();
      records.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !records.back().empty()) {
    records.back().push_back(std::move(field));
  } else {
    records.pop_back();
  }
  std::vector<std::map<std::string, std::string>> rows;
  if (records.empty()) return rows;
  const std::vector<std::string>& header = records.front();
  for (size_t r = 1; r < records.size(); ++r) {
    EXPECT_EQ(records[r].size(), header.size()) << relative_path << " record " << r;
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < header.size() && k < records[r].size(); ++k) {
      row[header[k]] = records[r][k];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void ExpectCommonColumnsValid(const std::map<std::string, std::string>& row) {
  for (const char* col : {"code", "level", "name_vi", "name_en", "source"}) {
    EXPECT_FALSE(row.at(col).empty()) << col << " empty in row " << row.at("code");
  }
  for (const char* col : {"name_vi", "name_en", "source"}) {
    EXPECT_TRUE(ValidateText(row.at(col), 400, false).ok()) << row.at("code") << " " << col;
  }
}

TEST(ClassificationDataTest, FieldsOfScienceHas6FieldsAndConsistentSectors) {
  const auto rows = ReadCsv("data/classifications/fields_of_science.csv");
  std::set<std::string> fields;
  std::set<std::string> codes;
  int sectors = 0;
  for (const auto& row : rows) {
    ExpectCommonColumnsValid(row);
    EXPECT_TRUE(codes.insert(row.at("code")).second) << "duplicate " << row.at("code");
    const std::string& code = row.at("code");
    if (row.at("level") == "1") {
      EXPECT_EQ(code.size(), 1u);
      EXPECT_TRUE(row.at("parent_code").empty());
      EXPECT_EQ(row.at("oecd_fos_2007"), code);
      fields.insert(code);
    }
  }
  EXPECT_EQ(fields, (std::set<std::string>{"1", "2", "3", "4", "5", "6"}));
  for (const auto& row : rows) {
    if (row.at("level") != "2") {
      EXPECT_EQ(row.at("level"), "1") << row.at("code");
      continue;
    }
    ++sectors;
    const std::string& code = row.at("code");
    ASSERT_EQ(code.size(), 3u) << code;
    const int n = std::stoi(code.substr(1));
    EXPECT_TRUE((n >= 1 && n <= 11) || n == 99) << code;  // x01..x11 and x99 ("other")
    EXPECT_EQ(row.at("parent_code"), code.substr(0, 1)) << code;
    EXPECT_EQ(fields.count(row.at("parent_code")), 1u) << code;
    // The OECD class lies in the same field: "2.11" for 2xx.
    EXPECT_EQ(row.at("oecd_fos_2007").substr(0, 2), code.substr(0, 1) + ".") << code;
  }
  // 7 natural, 12 engineering, 6 medical, 7 agricultural, 9 social, 5 humanities.
  EXPECT_EQ(sectors, 46);
  EXPECT_EQ(rows.size(), 6u + 46u);
  // Each field has its "other" sector x99.
  for (const std::string& f : fields) EXPECT_EQ(codes.count(f + "99"), 1u) << f;
}

TEST(ClassificationDataTest, Vsic2018Has21SectionsAnd88Divisions) {
  const auto rows = ReadCsv("data/classifications/vsic_2018.csv");
  std::set<std::string> sections;
  std::set<std::string> divisions;
  for (const auto& row : rows) {
    ExpectCommonColumnsValid(row);
    if (row.at("level") == "1") {
      EXPECT_TRUE(row.at("parent_code").empty());
      EXPECT_TRUE(sections.insert(row.at("code")).second) << row.at("code");
    }
  }
  std::set<std::string> expected_sections;
  for (char c = 'A'; c <= 'U'; ++c) expected_sections.insert(std::string(1, c));
  EXPECT_EQ(sections, expected_sections);
  for (const auto& row : rows) {
    if (row.at("level") != "2") {
      EXPECT_EQ(row.at("level"), "1") << row.at("code");
      continue;
    }
    const std::string& code = row.at("code");
    EXPECT_EQ(code.size(), 2u) << code;
    EXPECT_TRUE(divisions.insert(code).second) << "duplicate " << code;
    EXPECT_EQ(sections.count(row.at("parent_code")), 1u) << code;
    // The section in the data agrees with the ISIC structure that ValidateVsicCode uses.
    EXPECT_EQ(row.at("parent_code"), std::string(1, VsicSectionOfDivision(code))) << code;
  }
  EXPECT_EQ(sections.size(), 21u);
  EXPECT_EQ(divisions.size(), 88u);
  EXPECT_EQ(rows.size(), 21u + 88u);
  // And the other way round: every code VsicSectionOfDivision knows is in the data.
  for (int n = 0; n <= 99; ++n) {
    const std::string d = (n < 10 ? "0" : "") + std::to_string(n);
    EXPECT_EQ(VsicSectionOfDivision(d) != '\0', divisions.count(d) == 1) << d;
  }
}

class VsicCodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& row : ReadCsv("data/classifications/vsic_2018.csv")) {
      if (row.at("level") == "2") divisions_.insert(row.at("code"));
    }
    ASSERT_EQ(divisions_.size(), 88u);
  }
  std::set<std::string> divisions_;
};

TEST_F(VsicCodeTest, AcceptsLevels2To5WithOptionalSection) {
  for (const char* ok : {"62", "620", "6201", "62010", "J62", "J6201", "01", "A01110", "99", "U99",
                         "C10", "M72", "M7210"}) {
    EXPECT_TRUE(ValidateVsicCode(ok, divisions_).ok())
        << ok << ": " << ValidateVsicCode(ok, divisions_).message();
  }
}

TEST_F(VsicCodeTest, Rejections) {
  EXPECT_EQ(ValidateVsicCode("04", divisions_).message(), "VSIC division 04 does not exist");
  EXPECT_EQ(ValidateVsicCode("3400", divisions_).message(), "VSIC division 34 does not exist");
  EXPECT_EQ(ValidateVsicCode("C62", divisions_).message(),
            "VSIC division 62 belongs to section J, not C");
  EXPECT_FALSE(ValidateVsicCode("j62", divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode("V62", divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode("6", divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode("620100", divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode("J", divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode("", divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode("62-01", divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode(" 62", divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode("JJ62", divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode("\xEF\xBC\x96\xEF\xBC\x92", divisions_).ok());  // "６２"
  EXPECT_FALSE(ValidateVsicCode(std::string("62\0", 3), divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode(std::string(1 << 16, '6'), divisions_).ok());
  EXPECT_FALSE(ValidateVsicCode("62", {}).ok());  // nothing is known without the data
}

}  // namespace
}  // namespace stio::domain
