// Excel downloads (format=xlsx) over HTTP: the indicator series, the plan scorecard, the published
// PII figures and the exchange statistics. Each answer is a real workbook (read back with unzip)
// holding a known value; a bad format or lang is a problem naming the parameter.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "api/api_fixture.h"

namespace stio::apitest {
namespace {

constexpr const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// A downloaded workbook, its members read with `unzip -p`.
class Workbook {
 public:
  explicit Workbook(const std::string& bytes) {
    const char* t = std::getenv("TMPDIR");
    path_ = std::string(t && *t ? t : "/tmp") + "/stio-xlsx-api-XXXXXX";
    const int fd = ::mkstemp(path_.data());
    EXPECT_GE(fd, 0);
    if (fd >= 0) ::close(fd);
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~Workbook() { ::unlink(path_.c_str()); }
  std::string Member(const std::string& name) const {
    std::string out;
    FILE* p = ::popen(("unzip -p '" + path_ + "' '" + name + "' 2>&1").c_str(), "r");
    if (!p) return out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    return out;
  }
  std::string Strings() const { return Member("xl/sharedStrings.xml"); }
  std::string Sheet(int i) const {
    return Member("xl/worksheets/sheet" + std::to_string(i) + ".xml");
  }

 private:
  std::string path_;
};

class XlsxTest : public ApiFixture {
 protected:
  // GETs `path` and checks that it is a workbook download named `filename`.
  std::string Download(const std::string& path, const std::string& filename) {
    HttpResponse r = Call(Who::kPublic, "GET", path);
    EXPECT_EQ(r.status, 200) << path << " " << r.body.substr(0, 400);
    EXPECT_EQ(r.Header("content-type"), kXlsx) << path;
    EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"" + filename + "\"");
    EXPECT_EQ(r.body.substr(0, 4), std::string("PK\x03\x04", 4)) << path;
    return r.body;
  }
  void Post(Who who, const std::string& path, const json& body, int expect) {
    HttpResponse r = Call(who, "POST", path, body.is_null() ? "" : body.dump());
    EXPECT_EQ(r.status, expect) << path << " " << r.body.substr(0, 400);
  }
};

TEST_F(XlsxTest, IndicatorSeries) {
  for (auto [el, v] : {std::pair<const char*, double>{"RD_STAFF", 1200}, {"POPULATION", 3700000}}) {
    Post(Who::kStaff, "/api/v1/data-values",
         {{"data_element", el}, {"unit", "38"}, {"period", "2024"}, {"value", v}}, 200);
  }
  const std::string base = "/api/v1/indicators/RD_STAFF_PER_10K/series?unit=38&from=2023&to=2024";
  Workbook wb(Download(base + "&format=xlsx", "RD_STAFF_PER_10K-38.xlsx"));
  const std::string sheet = wb.Sheet(1);
  EXPECT_NE(sheet.find("<v>3.2432"), std::string::npos) << sheet;  // 1200 / 3.7M * 10,000
  const std::string strings = wb.Strings();
  for (const char* s : {"RD_STAFF_PER_10K", "<t>Kỳ</t>", "<t>2024</t>", "<t>Tạm tính</t>"}) {
    EXPECT_NE(strings.find(s), std::string::npos) << s << "\n" << strings;
  }
  EXPECT_NE(wb.Member("xl/workbook.xml").find("name=\"Chuỗi số liệu\""), std::string::npos);
  // English headers on request.
  Workbook en(Download(base + "&format=xlsx&lang=en", "RD_STAFF_PER_10K-38.xlsx"));
  EXPECT_NE(en.Strings().find("<t>Period</t>"), std::string::npos);
  // CSV is still there; anything else is refused.
  EXPECT_EQ(Call(Who::kPublic, "GET", base + "&format=csv").status, 200);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", base + "&format=xls"), 400, "format"));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", base + "&format=xlsx&lang=fr"), 400, "lang"));
  // Errors of the series itself stay problems.
  EXPECT_TRUE(IsProblem(
      Call(Who::kPublic, "GET", "/api/v1/indicators/NOPE/series?unit=38&from=2024&format=xlsx"),
      404));
}

TEST_F(XlsxTest, PlanScorecard) {
  json list = Body(Call(Who::kPublic, "GET", "/api/v1/plans?province_code=38"));
  ASSERT_EQ(list["total"], 1) << list;
  const std::string id = std::to_string(list["items"][0]["id"].get<int64_t>());
  json sc = Body(Call(Who::kPublic, "GET", "/api/v1/plans/" + id + "/scorecard"));
  ASSERT_GE(sc["targets"].size(), 1u) << sc;
  Workbook wb(Download("/api/v1/plans/" + id + "/scorecard?format=xlsx",
                       "scorecard-TH-KH-2021-2025-CGCN.xlsx"));
  const std::string workbook = wb.Member("xl/workbook.xml");
  EXPECT_NE(workbook.find("name=\"Bảng theo dõi\""), std::string::npos) << workbook;
  EXPECT_NE(workbook.find("name=\"Kế hoạch\""), std::string::npos) << workbook;
  const std::string strings = wb.Strings();
  // The first target's text (with its '&' escaped in XML), code and status label.
  EXPECT_NE(strings.find("Có thêm ít nhất 30 doanh nghiệp KH&amp;CN"), std::string::npos)
      << strings;
  EXPECT_NE(strings.find("<t>TH1</t>"), std::string::npos);
  EXPECT_NE(strings.find("<t>Kinh phí (đồng)</t>"), std::string::npos);
  const std::string status = sc["targets"][0]["assessment"]["status"];
  const std::map<std::string, std::string> labels = {{"achieved", "Đã đạt"},
                                                     {"on_track", "Đúng tiến độ"},
                                                     {"at_risk", "Có nguy cơ"},
                                                     {"off_track", "Chậm, khó đạt"},
                                                     {"no_data", "Chưa có số liệu"}};
  EXPECT_NE(strings.find("<t>" + labels.at(status) + "</t>"), std::string::npos) << status;
  // One row per target, under the header.
  const std::string sheet = wb.Sheet(1);
  const std::string last = "<row r=\"" + std::to_string(sc["targets"].size() + 1) + "\"";
  EXPECT_NE(sheet.find(last), std::string::npos);
  EXPECT_EQ(sheet.find("<row r=\"" + std::to_string(sc["targets"].size() + 2) + "\""),
            std::string::npos);

  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/plans/" + id + "/scorecard?format=csv"),
                        400, "format"));
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "GET", "/api/v1/plans/999999/scorecard?format=xlsx"), 404));
}

TEST_F(XlsxTest, PublishedPiiRanking) {
  Workbook wb(Download("/api/v1/index/published?edition=2025&format=xlsx", "pii-2025.xlsx"));
  const std::string workbook = wb.Member("xl/workbook.xml");
  EXPECT_NE(workbook.find("name=\"PII 2025\""), std::string::npos) << workbook;
  EXPECT_NE(workbook.find("name=\"Lưu ý\""), std::string::npos) << workbook;
  EXPECT_EQ(workbook.find("name=\"PII 2024\""), std::string::npos) << workbook;
  // Hà Nội first with 65.68 (data/pii/pii_published.csv).
  const std::string sheet = wb.Sheet(1);
  // (libxlsxwriter 1.1.4 writes 16 significant digits: 65.68000000000001, which Excel reads as
  // 65.68.)
  EXPECT_NE(sheet.find("<c r=\"G2\" s=\"2\"><v>65.68"), std::string::npos) << sheet.substr(0, 2000);
  EXPECT_NE(wb.Strings().find("<t>Hà Nội</t>"), std::string::npos);
  // Every edition, latest first.
  Workbook all(Download("/api/v1/index/published?format=xlsx", "pii.xlsx"));
  const std::string names = all.Member("xl/workbook.xml");
  EXPECT_LT(names.find("PII 2025"), names.find("PII 2024")) << names;
  EXPECT_LT(names.find("PII 2024"), names.find("PII 2023")) << names;

  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "GET", "/api/v1/index/published?format=csv"), 400, "format"));
  EXPECT_TRUE(IsProblem(
      Call(Who::kPublic, "GET", "/api/v1/index/published?format=xlsx&edition=1999"), 404));
}

TEST_F(XlsxTest, ExchangeStatistics) {
  json offer = {{"kind", "offer"},
                {"title", "Công nghệ sấy lạnh nông sản bằng bơm nhiệt"},
                {"summary", "Máy sấy bơm nhiệt giữ màu, hương vị và vitamin cho trái cây"},
                {"fields", {"402"}},
                {"trl", 7},
                {"transfer_modes", {"licence"}},
                {"organization_id", seed().org_a},
                {"submit", true}};
  HttpResponse created = Call(Who::kMemberOwn, "POST", "/api/v1/exchange/listings", offer.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t id = Body(created)["id"];
  Post(Who::kReviewer, "/api/v1/exchange/listings/" + std::to_string(id) + "/publish", nullptr,
       200);

  Workbook wb(Download("/api/v1/exchange/stats?format=xlsx", "exchange-stats.xlsx"));
  const std::string workbook = wb.Member("xl/workbook.xml");
  for (const char* name : {"Theo tháng", "Theo lĩnh vực", "Theo tỉnh", "Tổng số"}) {
    EXPECT_NE(workbook.find("name=\"" + std::string(name) + "\""), std::string::npos)
        << name << "\n"
        << workbook;
  }
  const std::string strings = wb.Strings();
  EXPECT_NE(strings.find("<t>Hà Nội</t>"), std::string::npos) << strings;  // organization A's
  EXPECT_NE(strings.find("<t>Khoa học nông nghiệp</t>"), std::string::npos) << strings;
  EXPECT_NE(strings.find("<t>Công nghệ được đăng</t>"), std::string::npos) << strings;
  // One offer published this month, in field 4, in province 01.
  EXPECT_NE(wb.Sheet(1).find("<v>1</v>"), std::string::npos);
  EXPECT_NE(wb.Sheet(3).find("<v>1</v>"), std::string::npos);

  Download("/api/v1/exchange/stats?format=xlsx&province_code=01&from=2020-01",
           "exchange-stats-01-2020-01.xlsx");
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "GET", "/api/v1/exchange/stats?format=csv"), 400, "format"));
  EXPECT_TRUE(IsProblem(
      Call(Who::kPublic, "GET", "/api/v1/exchange/stats?format=xlsx&from=2024-13"), 400, "from"));
}

// A computed index as a workbook: scores and ranks per unit and node, the notes, and the input
// values with their sources (POST /index/compute?format=xlsx).
TEST_F(XlsxTest, ComputedIndex) {
  json values = json::array();
  const char* units[] = {"01", "79", "46"};
  for (int u = 0; u < 3; ++u) {
    for (const char* ind : {"1.1.1", "1.1.2", "2.1.1"}) {
      values.push_back({{"unit", units[u]},
                        {"indicator", ind},
                        {"year", 2025},
                        {"value", 3.0 + u * 2 + (ind[2] - '0')},
                        {"source", "Sở KH&CN nhập"}});
    }
  }
  HttpResponse r = Call(Who::kPublic, "POST", "/api/v1/index/compute?format=xlsx&lang=en",
                        json{{"values", values}}.dump());
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 400);
  EXPECT_EQ(r.Header("content-type"), kXlsx);
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"pii-2025.xlsx\"");
  Workbook wb(r.body);
  const std::string names = wb.Member("xl/workbook.xml");
  EXPECT_NE(names.find("name=\"Scores and ranks\""), std::string::npos) << names;
  EXPECT_NE(names.find("name=\"Notes\""), std::string::npos) << names;
  EXPECT_NE(names.find("name=\"Input values\""), std::string::npos) << names;
  const std::string strings = wb.Strings();
  EXPECT_NE(strings.find("<t>Sở KH&amp;CN nhập</t>"), std::string::npos) << "sources kept";
  EXPECT_NE(strings.find("<t>PII</t>"), std::string::npos);
  // The index row of the first unit: a score and rank 1..3.
  EXPECT_NE(wb.Sheet(1).find("<c r=\"G2\""), std::string::npos) << wb.Sheet(1).substr(0, 1500);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", "/api/v1/index/compute?format=pdf",
                             json{{"values", values}}.dump()),
                        400, "format"));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", "/api/v1/index/compute?format=xlsx&lang=fr",
                             json{{"values", values}}.dump()),
                        400, "lang"));
}

}  // namespace
}  // namespace stio::apitest
