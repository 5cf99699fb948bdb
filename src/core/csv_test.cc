#include "core/csv.h"

#include <gtest/gtest.h>

#include <random>

namespace stio {
namespace {

using Fields = std::vector<std::string>;

CsvTable MustParse(std::string_view text) {
  Result<CsvTable> r = ParseCsv(text);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : CsvTable{};
}

Status ParseError(std::string_view text) {
  Result<std::vector<CsvRecord>> r = ParseCsvRecords(text);
  EXPECT_FALSE(r.ok()) << "parsed: " << text;
  return r.ok() ? Status::Ok() : r.status();
}

TEST(CsvTest, ParsesExcelOutputWithBomAndCrlf) {
  CsvTable t = MustParse(
      "\xEF\xBB\xBF"
      "ma_so_thue,ten,dia_chi\r\n"
      "0100109106,Sở Khoa học và Công nghệ,\"12 Lê Lợi, P. Bến Nghé\"\r\n"
      "0312345678,\"Công ty \"\"Đất Việt\"\"\",\r\n");
  EXPECT_EQ(t.header, (Fields{"ma_so_thue", "ten", "dia_chi"}));
  EXPECT_EQ(t.header_line, 1);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].line, 2);
  EXPECT_EQ(t.rows[0].fields,
            (Fields{"0100109106", "Sở Khoa học và Công nghệ", "12 Lê Lợi, P. Bến Nghé"}));
  EXPECT_EQ(t.rows[1].line, 3);
  EXPECT_EQ(t.rows[1].fields, (Fields{"0312345678", "Công ty \"Đất Việt\"", ""}));
}

TEST(CsvTest, LineEndingsAndLineNumbers) {
  // LF, CRLF and a lone CR; a quoted field spanning two lines; blank lines skipped; no final EOL.
  auto r = ParseCsvRecords("a,b\n\"multi\r\nline\",x\r\n\r\nc,d\re,f");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0], (CsvRecord{1, {"a", "b"}}));
  EXPECT_EQ((*r)[1], (CsvRecord{2, {"multi\r\nline", "x"}}));
  EXPECT_EQ((*r)[2], (CsvRecord{5, {"c", "d"}}));
  EXPECT_EQ((*r)[3], (CsvRecord{6, {"e", "f"}}));
}

TEST(CsvTest, EmptyFieldsAndRecords) {
  auto r = ParseCsvRecords(",,\n\"\"\n x , y \n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].fields, (Fields{"", "", ""}));
  EXPECT_EQ((*r)[1].fields, (Fields{""}));
  EXPECT_EQ((*r)[2].fields, (Fields{" x ", " y "}));  // spaces are data, as in Excel

  CsvTable empty = MustParse("");
  EXPECT_TRUE(empty.header.empty());
  EXPECT_TRUE(empty.rows.empty());
  EXPECT_TRUE(MustParse("\xEF\xBB\xBF\r\n\r\n").header.empty());
}

TEST(CsvTest, MalformedRecordsNameTheLine) {
  Status s = ParseError("a,b\nc,\"never closed\nd,e\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("line 2"), std::string::npos) << s.message();

  s = ParseError("a,b\n\"x\",y\nab\"c,d\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("line 3, column 3"), std::string::npos) << s.message();

  s = ParseError("\"closed\"junk,b\n");
  EXPECT_NE(s.message().find("line 1, column 9"), std::string::npos) << s.message();

  // The line counts physical lines, including those inside an earlier multi-line field.
  s = ParseError("h\n\"1\n2\n3\"\nx\"\n");
  EXPECT_NE(s.message().find("line 5"), std::string::npos) << s.message();
}

TEST(CsvTest, InvalidEncodingIsReportedWithPosition) {
  // Windows-1258 / Latin-1 bytes instead of UTF-8 on line 2, after "Hà N" (4 characters).
  Status s = ParseError("ten\nH\xC3\xA0 N\xF4i\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("line 2, column 5"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("UTF-8"), std::string::npos);

  EXPECT_FALSE(ParseCsvRecords("a\xC0\xAF").ok());          // overlong '/'
  EXPECT_FALSE(ParseCsvRecords("a\xED\xA0\x80").ok());      // surrogate
  EXPECT_FALSE(ParseCsvRecords("a\xF4\x90\x80\x80").ok());  // above U+10FFFF
  EXPECT_FALSE(ParseCsvRecords("a\xE1\xBA").ok());          // truncated
  EXPECT_FALSE(ParseCsvRecords(std::string("a,\0b", 4)).ok());
  Status utf16 = ParseError("\xFF\xFEt\0e\0n\0");
  EXPECT_NE(utf16.message().find("UTF-16"), std::string::npos);
  EXPECT_TRUE(ParseCsvRecords("\xF0\x9F\x8C\xBE,\xE1\xBB\x87").ok());  // 4- and 3-byte forms
}

TEST(CsvTest, EscapeQuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvEscape("plain"), "plain");
  EXPECT_EQ(CsvEscape("Công nghệ"), "Công nghệ");
  EXPECT_EQ(CsvEscape(""), "");
  EXPECT_EQ(CsvEscape("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvEscape("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvEscape("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvEscape(" padded"), "\" padded\"");
  EXPECT_EQ(WriteCsvRow({"1", "Hà Nội, Việt Nam", ""}), "1,\"Hà Nội, Việt Nam\",\r\n");
  EXPECT_EQ(WriteCsvRow({""}), "\"\"\r\n");
}

TEST(CsvTest, GuardFormula) {
  EXPECT_EQ(CsvGuardFormula("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(CsvGuardFormula("+84 912"), "'+84 912");
  EXPECT_EQ(CsvGuardFormula("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvGuardFormula("Sở KH&CN"), "Sở KH&CN");
  EXPECT_EQ(CsvGuardFormula(""), "");
}

// Property: whatever fields we write, reading gives them back with the right line numbers.
TEST(CsvTest, WriteThenParseRoundTrips) {
  const std::vector<std::string> pieces = {"a", ",", "\"", "\r\n", "\n",   "\r",
                                           " ", "ệ", "đ",  "🌾",    "=1+1", ""};
  std::mt19937 rng(20261122);
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<Fields> table;
    std::string text(kUtf8Bom);
    for (int r = 0; r < 1 + static_cast<int>(rng() % 5); ++r) {
      Fields fields;
      for (int f = 0; f < 1 + static_cast<int>(rng() % 4); ++f) {
        std::string field;
        for (int k = 0; k < static_cast<int>(rng() % 6); ++k)
          field += pieces[rng() % pieces.size()];
        fields.push_back(field);
      }
      text += WriteCsvRow(fields);
      table.push_back(fields);
    }
    auto parsed = ParseCsvRecords(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    ASSERT_EQ(parsed->size(), table.size());
    int line = 1;
    for (size_t r = 0; r < table.size(); ++r) {
      EXPECT_EQ((*parsed)[r].fields, table[r]);
      EXPECT_EQ((*parsed)[r].line, line);
      for (const std::string& f : table[r]) {
        for (size_t k = 0; k < f.size(); ++k) {
          if (f[k] == '\n' || (f[k] == '\r' && (k + 1 == f.size() || f[k + 1] != '\n'))) ++line;
        }
      }
      ++line;
    }
  }
}

// Hostile input: random bytes and random CSV-ish soup must give a result or an error, never a
// crash or a hang (run under ASan/UBSan too).
TEST(CsvTest, RandomInputNeverCrashes) {
  std::mt19937 rng(4180);
  const std::string alphabet =
      std::string("\",\r\n a\xC3\xA1\xE1\xBB\x87\xFF\x80\xEF\xBB\xBF") + std::string(1, '\0');
  int ok = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text;
    const int n = static_cast<int>(rng() % 64);
    for (int k = 0; k < n; ++k) {
      text.push_back(iter % 2 ? static_cast<char>(rng() & 0xFF)
                              : alphabet[rng() % alphabet.size()]);
    }
    auto r = ParseCsv(text);
    if (r.ok()) {
      ++ok;
      for (const CsvRecord& rec : r->rows) EXPECT_GE(rec.line, r->header_line);
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_FALSE(r.status().message().empty());
    }
  }
  EXPECT_GT(ok, 0);
}

TEST(CsvTest, LargeInputIsLinear) {
  std::string text = "id,ten\r\n";
  for (int k = 0; k < 20000; ++k)
    text += WriteCsvRow({std::to_string(k), "Tên, \"số\" " + std::to_string(k)});
  CsvTable t = MustParse(text);
  ASSERT_EQ(t.rows.size(), 20000u);
  EXPECT_EQ(t.rows.back().line, 20001);
  EXPECT_EQ(t.rows.back().fields[1], "Tên, \"số\" 19999");
  // One unterminated quote at the start: an error, not quadratic rescanning.
  EXPECT_FALSE(ParseCsvRecords("\"" + text).ok());
}

}  // namespace
}  // namespace stio
