#include "core/xlsx.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>

namespace stio {
namespace {

// The workbook's bytes in a temporary file, read back with `unzip` (a test-only tool).
class Unzipped {
 public:
  explicit Unzipped(const std::string& bytes) {
    const char* t = std::getenv("TMPDIR");
    std::string tmpl = std::string(t && *t ? t : "/tmp") + "/stio-xlsx-test-XXXXXX";
    const int fd = ::mkstemp(tmpl.data());
    EXPECT_GE(fd, 0);
    if (fd >= 0) ::close(fd);
    path_ = tmpl;
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~Unzipped() { ::unlink(path_.c_str()); }

  // Output of `unzip ARGS path [member]`.
  std::string Run(const std::string& args, const std::string& member = "") const {
    std::string cmd = "unzip " + args + " '" + path_ + "'";
    if (!member.empty()) cmd += " '" + member + "'";
    cmd += " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    status_ = ::pclose(p);
    return out;
  }
  std::string Member(const std::string& name) const { return Run("-p", name); }
  int status() const { return status_; }

 private:
  std::string path_;
  mutable int status_ = -1;
};

std::string MustWrite(const std::vector<XlsxSheet>& sheets) {
  Result<std::string> r = WriteXlsx(sheets);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : std::string();
}

TEST(XlsxTest, WritesAValidWorkbookWithTextNumbersAndFormats) {
  XlsxSheet s;
  s.name = "Chỉ số";
  s.header = {"Tỉnh", "Giá trị (VND)", "Tỷ lệ", "Ghi chú"};
  s.rows = {
      {std::string("Thanh Hóa"), 1234567.5, 0.25, std::string("Sở KH&CN <Thanh Hóa>")},
      {std::string("Cần Thơ"), std::monostate(), 3.0, std::monostate()},
  };
  s.number_formats = {"", "#,##0", "0.000"};
  s.widths = {30};
  const std::string bytes = MustWrite({s});
  ASSERT_GE(bytes.size(), 4u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("PK\x03\x04", 4));

  Unzipped z(bytes);
  const std::string test = z.Run("-t");
  EXPECT_EQ(z.status(), 0) << test;
  const std::string names = z.Run("-Z1");
  EXPECT_NE(names.find("xl/workbook.xml"), std::string::npos) << names;
  EXPECT_NE(names.find("xl/worksheets/sheet1.xml"), std::string::npos) << names;
  EXPECT_NE(names.find("xl/sharedStrings.xml"), std::string::npos) << names;

  EXPECT_NE(z.Member("xl/workbook.xml").find("name=\"Chỉ số\""), std::string::npos);
  const std::string strings = z.Member("xl/sharedStrings.xml");
  EXPECT_NE(strings.find("<t>Thanh Hóa</t>"), std::string::npos) << strings;
  EXPECT_NE(strings.find("<t>Cần Thơ</t>"), std::string::npos) << strings;
  EXPECT_NE(strings.find("Sở KH&amp;CN &lt;Thanh Hóa&gt;"), std::string::npos) << strings;
  EXPECT_NE(strings.find("Giá trị (VND)"), std::string::npos) << strings;

  const std::string sheet = z.Member("xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<v>1234567.5</v>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<v>0.25</v>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("state=\"frozen\""), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("ySplit=\"1\""), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:D3\""), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("width=\"30.7109375\""), std::string::npos) << sheet;  // 30 characters

  const std::string styles = z.Member("xl/styles.xml");
  EXPECT_NE(styles.find("formatCode=\"0.000\""), std::string::npos) << styles;
  EXPECT_NE(styles.find("<b/>"), std::string::npos) << styles;  // the bold header
}

TEST(XlsxTest, FormulaLikeTextIsStoredAsAString) {
  XlsxSheet s;
  s.name = "x";
  s.header = {"=SUM(1,2)"};
  s.rows = {{std::string("=HYPERLINK(\"http://evil.example\",\"bấm vào\")")},
            {std::string("+1+2")},
            {std::string("@cmd")}};
  Unzipped z(MustWrite({s}));
  const std::string sheet = z.Member("xl/worksheets/sheet1.xml");
  EXPECT_EQ(sheet.find("<f>"), std::string::npos) << sheet;
  EXPECT_EQ(sheet.find("<f "), std::string::npos) << sheet;
  // Every cell is a shared string (t="s").
  EXPECT_NE(sheet.find("<c r=\"A2\" t=\"s\">"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<c r=\"A1\" s=\"1\" t=\"s\">"), std::string::npos) << sheet;
  const std::string strings = z.Member("xl/sharedStrings.xml");
  EXPECT_NE(strings.find("<t>=HYPERLINK("), std::string::npos) << strings;
  EXPECT_NE(strings.find("bấm vào"), std::string::npos) << strings;
  EXPECT_NE(strings.find("<t>=SUM(1,2)</t>"), std::string::npos) << strings;
}

TEST(XlsxTest, SeveralSheetsWithUniqueValidNames) {
  std::vector<XlsxSheet> sheets(4);
  sheets[0].name = "Theo tháng";
  sheets[1].name = "theo tháng";  // Excel ignores case (ASCII here)
  sheets[2].name = "a/b:c";
  sheets[3].name = "";
  for (auto& s : sheets) {
    s.header = {"n"};
    s.rows = {{1.0}};
  }
  Unzipped z(MustWrite(sheets));
  const std::string wb = z.Member("xl/workbook.xml");
  EXPECT_NE(wb.find("name=\"Theo tháng\""), std::string::npos) << wb;
  EXPECT_NE(wb.find("name=\"theo tháng (2)\""), std::string::npos) << wb;
  EXPECT_NE(wb.find("name=\"a_b_c\""), std::string::npos) << wb;
  EXPECT_NE(wb.find("name=\"Sheet4\""), std::string::npos) << wb;
  EXPECT_NE(z.Run("-Z1").find("xl/worksheets/sheet4.xml"), std::string::npos);
}

TEST(XlsxTest, SheetNames) {
  EXPECT_EQ(XlsxSheetName("Theo tỉnh [2025]: a*b?c/d\\e"), "Theo tỉnh _2025__ a_b_c_d_e");
  EXPECT_EQ(XlsxSheetName("'trích dẫn'"), "trích dẫn");
  EXPECT_EQ(XlsxSheetName(""), "Sheet");
  EXPECT_EQ(XlsxSheetName("  ", "Dữ liệu"), "Dữ liệu");
  EXPECT_EQ(XlsxSheetName("History", "Lịch sử"), "Lịch sử");
  // 31 UTF-16 code units, never cutting inside a character.
  const std::string name = XlsxSheetName("Chỉ số đổi mới sáng tạo cấp tỉnh năm 2025");
  EXPECT_EQ(name, "Chỉ số đổi mới sáng tạo cấp tỉn");
  EXPECT_EQ(XlsxSheetName("bad\xFFname"), "bad\xEF\xBF\xBDname");
  EXPECT_EQ(XlsxSheetName(std::string(40, 'a')), std::string(31, 'a'));
  EXPECT_EQ(XlsxSheetName("emoji 😀" + std::string(30, 'x')).size(),
            std::string("emoji 😀").size() + 31 - 8);
}

TEST(XlsxTest, BadTextAndNumbersAreMadeSafe) {
  XlsxSheet s;
  s.header = {"a", "b"};
  s.rows = {{std::string("x\xC3(y"), std::numeric_limits<double>::quiet_NaN()},
            {std::string("a\x01"
                         "b _x0041_ c _x12_")},
            {std::string(40000, 'z'), std::numeric_limits<double>::infinity()}};
  const std::string bytes = MustWrite({s});
  Unzipped z(bytes);
  z.Run("-t");
  EXPECT_EQ(z.status(), 0);
  const std::string strings = z.Member("xl/sharedStrings.xml");
  EXPECT_NE(strings.find("x\xEF\xBF\xBD(y"), std::string::npos) << strings;
  // A control character is escaped; a literal escape sequence keeps its meaning as text.
  EXPECT_NE(strings.find("<t>a_x0001_b _x005F_x0041_ c _x12_</t>"), std::string::npos) << strings;
  EXPECT_NE(strings.find(std::string(32767, 'z') + "</t>"), std::string::npos);
  EXPECT_EQ(strings.find(std::string(32768, 'z')), std::string::npos);
  const std::string sheet = z.Member("xl/worksheets/sheet1.xml");
  EXPECT_EQ(sheet.find("<c r=\"B2\""), std::string::npos) << sheet;  // NaN: no cell
  EXPECT_EQ(sheet.find("<c r=\"B4\""), std::string::npos) << sheet;  // infinity: no cell
  EXPECT_EQ(sheet.find("inf"), std::string::npos) << sheet;
}

TEST(XlsxTest, RefusesNoSheetAndTooManyColumns) {
  EXPECT_EQ(WriteXlsx({}).status().code(), StatusCode::kInvalidArgument);
  XlsxSheet s;
  s.header.assign(16385, "c");
  EXPECT_EQ(WriteXlsx({s}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace stio
