// Intellectual property over HTTP: assets and who sees and edits them, hostile input (nothing
// written), events moving the deadlines, the at-risk list, the free-to-use finder, statistics and
// the rules.
#include <set>
#include <string>

#include "api/api_fixture.h"
#include "core/clock.h"
#include "domain/ip.h"
#include "domain/ip_deadlines.h"
#include "storage/database.h"

namespace stio::apitest {
namespace {

using domain::AddMonths;
using domain::AddYears;
using domain::CivilDate;
using domain::FormatCivilDate;

class IpTest : public ApiFixture {
 protected:
  static CivilDate Today() { return *domain::ParseCivilDate(FormatDate(Clock::Real().Now())); }
  static std::string YearsAgo(int years, int extra_days = 0) {
    CivilDate d = AddYears(Today(), -years);
    const int64_t days = domain::DaysFromCivil(d) - extra_days;
    // Back to a civil date: step day by day (small offsets only).
    while (domain::DaysFromCivil(d) > days) {
      d = d.day > 1 ? CivilDate{d.year, d.month, d.day - 1}
                    : CivilDate{AddMonths(d, -1).year, AddMonths(d, -1).month,
                                domain::DaysInMonth(AddMonths(d, -1).year, AddMonths(d, -1).month)};
    }
    return FormatCivilDate(d);
  }
  json Post(Who who, const std::string& path, const json& body, int expect) {
    HttpResponse r = Call(who, "POST", path, body.dump());
    EXPECT_EQ(r.status, expect) << path << " " << r.body.substr(0, 500);
    return Body(r);
  }
  json Patent(const std::string& number, int64_t org, bool published) {
    return {{"kind", "patent"},
            {"title", "Quy trình sản xuất phân bón vi sinh từ phụ phẩm lúa"},
            {"application_number", number},
            {"filing_date", "2024-03-05"},
            {"owner_organization_id", org},
            {"classes", {"c05f 11/08", "A01B"}},
            {"inventors", {"Nguyễn Văn An"}},
            {"published", published}};
  }
  std::string Asset(int64_t id) { return "/api/v1/ip/assets/" + std::to_string(id); }
};

TEST_F(IpTest, UnpublishedApplicationsOnlyForOwnerAndStaff) {
  json a =
      Post(Who::kMemberOwn, "/api/v1/ip/assets", Patent("1-2024-00123", seed().org_a, false), 201);
  ASSERT_TRUE(a.contains("id")) << a;
  EXPECT_EQ(a["status"], "filed");
  EXPECT_EQ(a["province_code"], "01");  // the owner organization's
  EXPECT_EQ(a["classes"], json::array({"C05F 11/08", "A01B"}));
  EXPECT_EQ(a["schedule"]["status"], "application");
  const std::string path = Asset(a["id"]);
  for (Who who : {Who::kPublic, Who::kMemberOther, Who::kReviewer}) {
    EXPECT_TRUE(IsProblem(Call(who, "GET", path), 404)) << WhoName(who);
    EXPECT_TRUE(IsProblem(Call(who, "GET", path + "/events"), 404)) << WhoName(who);
    EXPECT_EQ(Body(Call(who, "GET", "/api/v1/ip/assets"))["total"], 0) << WhoName(who);
  }
  for (Who who : {Who::kMemberOwn, Who::kStaff, Who::kAdmin}) {
    EXPECT_EQ(Call(who, "GET", path).status, 200) << WhoName(who);
    EXPECT_EQ(Body(Call(who, "GET", "/api/v1/ip/assets"))["total"], 1) << WhoName(who);
  }
  json got = Body(Call(Who::kMemberOwn, "GET", path));
  // Examination must be requested within 42 months of filing.
  EXPECT_EQ(got["schedule"]["deadlines"].back()["type"], "examination_request");
  EXPECT_EQ(got["schedule"]["deadlines"].back()["due"], "2027-09-05");
  // Published, everyone sees it.
  ASSERT_EQ(Call(Who::kMemberOwn, "PATCH", path, R"({"published": true})").status, 200);
  EXPECT_EQ(Call(Who::kPublic, "GET", path).status, 200);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/assets?class=C05F"))["total"], 1);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/assets?q=phan%20bon"))["total"], 1);
  // A right with a publication or grant date is public unless said otherwise.
  json pub = Patent("1-2023-00777", seed().org_a, false);
  pub.erase("published");
  pub["publication_date"] = "2024-10-05";
  EXPECT_EQ(Post(Who::kStaff, "/api/v1/ip/assets", pub, 201)["published"], true);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/assets"))["total"], 2);
}

TEST_F(IpTest, MembersWriteOnlyTheirOrganizationsAssets) {
  const int64_t audits = AuditCount();
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", "/api/v1/ip/assets",
                             Patent("1-2024-00999", seed().org_b, true).dump()),
                        403));
  EXPECT_TRUE(IsProblem(Call(Who::kReviewer, "POST", "/api/v1/ip/assets",
                             Patent("1-2024-00999", seed().org_a, true).dump()),
                        403));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", "/api/v1/ip/assets",
                             Patent("1-2024-00999", seed().org_a, true).dump()),
                        401));
  EXPECT_EQ(AuditCount(), audits);
  json b = Post(Who::kStaff, "/api/v1/ip/assets", Patent("1-2024-00500", seed().org_b, true), 201);
  const std::string path = Asset(b["id"]);
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "PATCH", path, R"({"title": "Chiếm"})"), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "DELETE", path), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", path + "/events",
                             R"({"type": "licence", "date": "2024-05-01"})"),
                        403));
  // Nor may a member hand their own asset to another organization.
  json a =
      Post(Who::kMemberOwn, "/api/v1/ip/assets", Patent("1-2024-00501", seed().org_a, true), 201);
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "PATCH", Asset(a["id"]),
                             json{{"owner_organization_id", seed().org_b}}.dump()),
                        403));
  const int64_t after = AuditCount();
  EXPECT_EQ(Call(Who::kMemberOther, "PATCH", path, R"({"note": "Đã chuyển giao"})").status, 200);
  EXPECT_EQ(Call(Who::kMemberOther, "DELETE", path).status, 204);
  EXPECT_EQ(AuditCount(), after + 2);
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "GET", path), 404));
}

TEST_F(IpTest, BadInputIsRefusedNamingTheFieldAndWritesNothing) {
  ASSERT_EQ(Call(Who::kStaff, "POST", "/api/v1/ip/assets",
                 Patent("1-2024-00001", seed().org_a, true).dump())
                .status,
            201);
  const int64_t audits = AuditCount();
  const int64_t assets = Scalar("SELECT COUNT(*) FROM ip_assets");
  auto with = [&](json changes) {
    json p = Patent("1-2024-00002", seed().org_a, true);
    for (auto& [k, v] : changes.items()) p[k] = v;
    return p;
  };
  struct {
    json body;
    int status;
    std::string field;
  } cases[] = {
      {with({{"grant_date", "2023-01-01"}, {"status", "granted"}}), 400, "grant_date"},
      {with({{"status", "granted"}}), 400, "grant_date"},
      {with({{"priority_date", "2024-06-01"}}), 400, "priority_date"},
      {with({{"filing_date", "2024-02-30"}}), 400, "filing_date"},
      {with({{"filing_date", "2999-01-01"}}), 400, "filing_date"},
      {with({{"classes", {"Z99Z 1/00"}}}), 400, "classes"},
      {with({{"classes", {"A01B 1"}}}), 400, "classes"},
      {with({{"classes", {42}}}), 400, "classes"},
      {with({{"kind", "trademark"}, {"classes", {"46"}}}), 400, "classes"},
      {with({{"kind", "industrial_design"}, {"classes", {"33-01"}}}), 400, "classes"},
      {with({{"kind", "geographical_indication"}, {"classes", {"30"}}}), 400, "classes"},
      {with({{"kind", "copyright"}}), 400, "kind"},
      {with({{"application_number", "1-2024-00001"}}), 409, "application_number"},
      {with({{"application_number", " 1-2024-00001 "}}), 409, "application_number"},
      {with({{"application_number", "<script>"}}), 400, "application_number"},
      {with({{"inventors", {999999}}}), 400, "inventors"},
      {with({{"owner_organization_id", 999999}}), 400, "owner_organization_id"},
      {with({{"owner_organization_id", nullptr}}), 400, "owner_organization_id"},
      {with({{"province_code", "99"}}), 400, "province_code"},
      {with({{"paid_up_to", -1}}), 400, "paid_up_to"},
      {with({{"renewals_done", 1}}), 400, "renewals_done"},
      {with({{"surprise", 1}}), 400, "surprise"},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(
        IsProblem(Call(Who::kStaff, "POST", "/api/v1/ip/assets", c.body.dump()), c.status, c.field))
        << c.body;
  }
  for (const char* body : {"{\"kind\": ", "[]", "\"x\"", "\xff\xfe"}) {
    EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/ip/assets", body), 400)) << body;
  }
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "GET", "/api/v1/ip/deadlines?from=2025-13-01"), 400, "from"));
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "GET", "/api/v1/ip/deadlines?at_risk=maybe"), 400, "at_risk"));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use?ipc=%27%20OR%201=1"), 400,
                        "ipc"));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/ip/assets/abc"), 404));
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM ip_assets"), assets);
}

TEST_F(IpTest, AnnuityInGraceIsAtRiskUntilPaid) {
  // Granted 5 years and 10 days ago with 5 years paid: the 6th year was due 10 days ago.
  const std::string grant = YearsAgo(5, 10);
  const std::string filing = YearsAgo(7);
  json a = Post(Who::kStaff, "/api/v1/ip/assets",
                {{"kind", "patent"},
                 {"title", "Thiết bị sấy nông sản bằng năng lượng mặt trời"},
                 {"application_number", "1-2019-04444"},
                 {"grant_number", "1-0030001"},
                 {"filing_date", filing},
                 {"grant_date", grant},
                 {"paid_up_to", 5},
                 {"owner_organization_id", seed().org_a},
                 {"classes", {"F26B 3/28"}},
                 {"published", true}},
                201);
  ASSERT_TRUE(a.contains("id")) << a;
  EXPECT_EQ(a["status"], "granted");
  EXPECT_EQ(a["schedule"]["status"], "grace");
  EXPECT_EQ(a["schedule"]["surcharge_percent_now"], 10.0);
  json risk = Body(Call(Who::kPublic, "GET", "/api/v1/ip/deadlines?at_risk=true"));
  EXPECT_EQ(risk["assets_at_risk"], 1);
  ASSERT_EQ(risk["items"].size(), 1u) << risk;
  EXPECT_EQ(risk["items"][0]["type"], "annuity");
  EXPECT_EQ(risk["items"][0]["number"], 6);
  EXPECT_EQ(risk["items"][0]["asset"]["id"], a["id"]);
  EXPECT_LE(risk["items"][0]["days_left"].get<int>(), -9);  // -10, give or take a leap day
  EXPECT_GE(risk["items"][0]["days_left"].get<int>(), -12);
  // Paying a year already paid is refused; paying the 6th year clears the risk.
  const std::string events = Asset(a["id"]) + "/events";
  EXPECT_TRUE(IsProblem(
      Call(Who::kMemberOwn, "POST", events,
           json{{"type", "fee_payment"}, {"date", FormatCivilDate(Today())}, {"paid_up_to", 4}}
               .dump()),
      400, "paid_up_to"));
  EXPECT_TRUE(IsProblem(
      Call(Who::kMemberOwn, "POST", events,
           json{{"type", "fee_payment"}, {"date", "2999-01-01"}, {"paid_up_to", 6}}.dump()),
      400, "date"));
  json paid = Post(Who::kMemberOwn, events,
                   {{"type", "fee_payment"},
                    {"date", FormatCivilDate(Today())},
                    {"paid_up_to", 6},
                    {"document_ref", "Biên lai 2026/123"}},
                   201);
  EXPECT_EQ(paid["asset"]["paid_up_to"], 6);
  EXPECT_EQ(paid["asset"]["schedule"]["status"], "in_force");
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/deadlines?at_risk=true"))["items"].size(),
            0u);
  // The calendar shows the next annuity, a year on.
  json cal = Body(Call(Who::kPublic, "GET",
                       "/api/v1/ip/deadlines?from=" + FormatCivilDate(Today()) +
                           "&to=" + FormatCivilDate(AddYears(Today(), 2))));
  ASSERT_GE(cal["items"].size(), 1u) << cal;
  EXPECT_EQ(cal["items"][0]["number"], 7);
  json ev = Body(Call(Who::kPublic, "GET", events));
  ASSERT_EQ(ev["total"], 1);
  EXPECT_EQ(ev["items"][0]["document_ref"], "Biên lai 2026/123");
  json audit = Body(Call(Who::kAdmin, "GET", "/api/v1/audit?entity_type=ip_asset"));
  EXPECT_EQ(audit["total"], 2);
}

TEST_F(IpTest, FreeToUseFinderAndStatistics) {
  // Expired: filed 21 years ago. Lapsed: its owner stopped paying. In force: not listed.
  auto make = [&](const std::string& number, const std::string& ipc, int filed_years_ago,
                  int paid) {
    json a = Post(Who::kStaff, "/api/v1/ip/assets",
                  {{"kind", "patent"},
                   {"title", "Sáng chế " + number},
                   {"application_number", number},
                   {"filing_date", YearsAgo(filed_years_ago)},
                   {"grant_date", YearsAgo(filed_years_ago - 3)},
                   {"paid_up_to", paid},
                   {"owner_organization_id", seed().org_a},
                   {"classes", {ipc}},
                   {"published", true}},
                  201);
    return a["id"].get<int64_t>();
  };
  const int64_t expired = make("1-2004-00001", "A01G 9/02", 21, 18);
  const int64_t lapsed = make("1-2015-00002", "A23L 3/40", 10, 7);
  const int64_t in_force = make("1-2016-00003", "A01G 13/00", 9, 7);
  Post(Who::kStaff, Asset(lapsed) + "/events",
       {{"type", "lapse"}, {"date", FormatCivilDate(Today())}, {"note", "Không nộp phí duy trì"}},
       201);
  json all = Body(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use"));
  ASSERT_EQ(all["total"], 2) << all;
  json a01 = Body(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use?ipc=a01"));
  ASSERT_EQ(a01["total"], 1) << a01;
  EXPECT_EQ(a01["items"][0]["id"], expired);
  EXPECT_EQ(a01["items"][0]["schedule"]["status"], "expired");
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use?province_code=48"))["total"], 0);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use?province_code=01"))["total"], 2);
  (void)in_force;
  // Events on a lapsed right are refused, but it can still be invalidated.
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", Asset(lapsed) + "/events",
                             json{{"type", "renewal"}, {"date", FormatCivilDate(Today())}}.dump()),
                        409));

  json stats = Body(Call(Who::kPublic, "GET", "/api/v1/ip/stats?province_code=01&kind=patent"));
  int64_t applications = 0, grants = 0;
  for (const json& row : stats["items"]) {
    applications += row["applications"].get<int64_t>();
    grants += row["grants"].get<int64_t>();
    EXPECT_TRUE(row["applications_per_10k"].is_number()) << row;
  }
  EXPECT_EQ(applications, 3);
  EXPECT_EQ(grants, 3);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/ip/stats?kind=copyright"), 400, "kind"));
}

TEST_F(IpTest, RulesAreReadableWithTheirSources) {
  json rules = Body(Call(Who::kPublic, "GET", "/api/v1/ip/rules"));
  ASSERT_EQ(rules["kinds"].size(), 9u) << rules;
  EXPECT_EQ(rules["grace_months"], 6);
  EXPECT_EQ(rules["kinds"][0]["kind"], "patent");
  EXPECT_EQ(rules["kinds"][0]["term"]["years"], 20);
  EXPECT_NE(rules["kinds"][0]["term"]["source"].get<std::string>().find("93"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM ip_rules"), 10);
}

// The IP registry feeds the province's indicators: applications by filing year, with lineage.
TEST_F(IpTest, ApplicationsFeedIndicators) {
  json a =
      Post(Who::kMemberOwn, "/api/v1/ip/assets", Patent("1-2024-00777", seed().org_a, true), 201);
  Post(Who::kStaff, "/api/v1/indicators",
       {{"code", "PAT_APPS"}, {"name_vi", "Đơn sáng chế"}, {"numerator", "IP_PATENT_APPS"}}, 201);
  json s = Body(
      Call(Who::kPublic, "GET", "/api/v1/indicators/PAT_APPS/series?unit=01&from=2023&to=2024"));
  ASSERT_EQ(s["points"].size(), 2u) << s;
  EXPECT_EQ(s["points"][0]["value"], 0.0);
  EXPECT_EQ(s["points"][1]["value"], 1.0);
  json lin =
      Body(Call(Who::kPublic, "GET", "/api/v1/indicators/PAT_APPS/lineage?unit=01&period=2024"));
  EXPECT_EQ(lin["elements"][0]["ip_assets"], json::array({a["id"]}));
  // A province without any asset has no figure (not zero).
  json none = Body(
      Call(Who::kPublic, "GET", "/api/v1/indicators/PAT_APPS/series?unit=38&from=2024&to=2024"));
  ASSERT_EQ(none["points"].size(), 1u) << none;
  EXPECT_TRUE(none["points"][0]["value"].is_null()) << none;
}

// Owners are reminded of their deadlines once per step (60, 30, 7 days), in-app and by e-mail.
TEST_F(IpTest, DeadlineRemindersAreSentOnce) {
  json p = Patent("1-2020-00999", seed().org_a, true);
  p["filing_date"] = YearsAgo(3);
  p["grant_date"] = YearsAgo(1, -20);  // the grant's anniversary is 20 days away
  p["paid_up_to"] = 1;
  json a = Post(Who::kMemberOwn, "/api/v1/ip/assets", p, 201);
  ASSERT_TRUE(a.contains("id")) << a;
  bool soon = false;
  for (const json& d : a["schedule"]["deadlines"]) {
    if (d["type"] == "annuity" && d["due"].get<std::string>() <= YearsAgo(0, -60) &&
        d["due"].get<std::string>() >= YearsAgo(0)) {
      soon = true;
    }
  }
  ASSERT_TRUE(soon) << a["schedule"];
  json first = Seeded(
      [&](storage::Transaction& tx) { return domain::RemindIpDeadlines(tx, Clock::Real()); });
  json again = Seeded(
      [&](storage::Transaction& tx) { return domain::RemindIpDeadlines(tx, Clock::Real()); });
  EXPECT_GE(first["reminded"], 1);
  EXPECT_EQ(again["reminded"], 0);
  json inbox = Body(Call(Who::kMemberOwn, "GET", "/api/v1/notifications"));
  bool found = false;
  for (const json& n : inbox["items"]) {
    if (n["kind"] == "ip.deadline" && n["subject_id"] == std::to_string(a["id"].get<int64_t>())) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << inbox;
  EXPECT_GE(Scalar("SELECT COUNT(*) AS n FROM email_outbox o JOIN notifications n ON n.id = "
                   "o.notification_id WHERE n.kind = 'ip.deadline'"),
            1);
}

// A patent whose protection ended is listed on the exchange in one step (staff), once.
TEST_F(IpTest, FreeToUsePatentGoesOnTheExchange) {
  json p = Patent("1-2000-00042", seed().org_a, true);
  p["filing_date"] = "2000-01-10";
  p["grant_date"] = "2003-05-01";
  json a = Post(Who::kStaff, "/api/v1/ip/assets", p, 201);
  ASSERT_EQ(a["schedule"]["free_to_use"], true) << a["schedule"];
  const std::string url = Asset(a["id"]) + "/exchange-listing";
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", url), 403));
  json l = Post(Who::kStaff, url, nullptr, 201);
  EXPECT_EQ(l["kind"], "offer");
  EXPECT_EQ(l["status"], "submitted");
  EXPECT_EQ(l["price_vnd"], 0);
  EXPECT_EQ(l["ip_asset_ids"], json::array({a["id"]}));
  EXPECT_EQ(l["ipc"], json::array({"C05F 11/08", "A01B"}));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", url), 409));
  // One still protected is not free to use.
  json live =
      Post(Who::kStaff, "/api/v1/ip/assets", Patent("1-2024-00043", seed().org_a, true), 201);
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", Asset(live["id"]) + "/exchange-listing"), 409));
}

// An IP office's export imports as it is (Vietnamese headings, kind names, day-first dates), all or
// nothing, with every bad row reported.
TEST_F(IpTest, ImportsAnIpOfficeExport) {
  const std::string head =
      "Loại,Số đơn,Ngày nộp đơn,Số bằng,Ngày cấp,Tên,Chủ đơn,Phân loại IPC,Tác giả\r\n";
  const std::string good1 =
      "Sáng chế,1-2019-01234,05/03/2019,1-0030001,12/08/2021,Quy trình ủ phân hữu cơ,Công ty A,"
      "\"C05F 11/08, A01B\",Nguyễn Văn An; Trần Thị Bình\r\n";
  const std::string good2 =
      "Nhãn hiệu tập thể,4-2020-05678,01/02/2020,,,Gạo ST25 Sóc Trăng,Hội Nông dân,30,\r\n";
  const std::string bad = "Bằng lạ,1-2019-09999,31/02/2019,,,X,Y,,\r\n";
  const int64_t before = Scalar("SELECT COUNT(*) AS n FROM ip_assets");
  HttpResponse r = Call(Who::kStaff, "POST", "/api/v1/import/ip-assets?format=csv",
                        head + good1 + bad + good2, {{"Content-Type", "text/csv"}});
  ASSERT_TRUE(IsProblem(r, 422)) << r.body;
  json errors = Body(r)["errors"];
  ASSERT_EQ(errors.size(), 1u) << errors;
  EXPECT_EQ(errors[0]["line"], 3);
  EXPECT_EQ(Scalar("SELECT COUNT(*) AS n FROM ip_assets"), before);
  HttpResponse ok = Call(Who::kStaff, "POST", "/api/v1/import/ip-assets?format=csv",
                         head + good1 + good2, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok)["inserted"], 2);
  json list = Body(Call(Who::kStaff, "GET", "/api/v1/ip/assets?q=1-2019-01234"));
  ASSERT_EQ(list["total"], 1) << list;
  const json& a = list["items"][0];
  EXPECT_EQ(a["kind"], "patent");
  EXPECT_EQ(a["filing_date"], "2019-03-05");
  EXPECT_EQ(a["grant_date"], "2021-08-12");
  EXPECT_EQ(a["status"], "granted");
  EXPECT_EQ(a["classes"], json::array({"C05F 11/08", "A01B"}));
  EXPECT_EQ(a["inventors"], json::array({"Nguyễn Văn An", "Trần Thị Bình"}));
  json marks = Body(Call(Who::kStaff, "GET", "/api/v1/ip/assets?kind=collective_mark"));
  ASSERT_EQ(marks["total"], 1);
  EXPECT_EQ(marks["items"][0]["classes"], json::array({"30"}));
}

// Advice: staff write articles that everyone can search once published; an enterprise asks, staff
// answer, the thread and outcome are kept; the self-assessment reports gaps and deadlines.
TEST_F(IpTest, KnowledgeBaseAdvisoryThreadAndSelfAssessment) {
  json art = {{"title", "Gia hạn hiệu lực văn bằng bảo hộ nhãn hiệu"},
              {"summary", "Nhãn hiệu được bảo hộ 10 năm và gia hạn nhiều lần, mỗi lần 10 năm."},
              {"body", "Chủ văn bằng nộp đơn gia hạn trong 6 tháng trước ngày hết hạn..."},
              {"tags", {"gia hạn", "nhãn hiệu"}},
              {"kinds", {"trademark"}}};
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", "/api/v1/ip/articles", art.dump()), 403));
  json bad = art;
  bad["kinds"] = {"copyright"};
  EXPECT_TRUE(
      IsProblem(Call(Who::kStaff, "POST", "/api/v1/ip/articles", bad.dump()), 400, "kinds"));
  json a = Post(Who::kStaff, "/api/v1/ip/articles", art, 201);
  const std::string ap = "/api/v1/ip/articles/" + std::to_string(a["id"].get<int64_t>());
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", ap), 404));  // a draft
  ASSERT_EQ(Call(Who::kStaff, "PATCH", ap, R"({"published": true})").status, 200);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", ap))["title"], art["title"]);
  json found = Body(Call(Who::kPublic, "GET", "/api/v1/ip/articles?q=gia%20han%20nhan%20hieu"));
  ASSERT_EQ(found["total"], 1) << found;
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/articles?kind=patent"))["total"], 0);

  // An advisory thread.
  EXPECT_TRUE(IsProblem(
      Call(Who::kReviewer, "POST", "/api/v1/ip/advice", R"({"subject": "x", "question": "y"})"),
      403));
  EXPECT_TRUE(IsProblem(
      Call(Who::kMemberOwn, "POST", "/api/v1/ip/advice", R"({"subject": "Hỏi", "question": ""})"),
      400, "question"));
  json r = Post(Who::kMemberOwn, "/api/v1/ip/advice",
                {{"subject", "Đăng ký nhãn hiệu ở Nhật Bản"},
                 {"question", "Chúng tôi xuất khẩu gạo sang Nhật, cần đăng ký nhãn hiệu thế nào?"},
                 {"topic", "trademark"}},
                201);
  ASSERT_EQ(r["status"], "open") << r;
  const std::string rp = "/api/v1/ip/advice/" + std::to_string(r["id"].get<int64_t>());
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "GET", rp), 403));
  json answered =
      Post(Who::kStaff, rp + "/messages",
           {{"body", "Có thể nộp đơn quốc tế theo Hệ thống Madrid, chỉ định Nhật Bản."}}, 201);
  EXPECT_EQ(answered["status"], "answered");
  ASSERT_EQ(answered["messages"].size(), 2u);
  EXPECT_EQ(answered["messages"][1]["from_staff"], true);
  json inbox = Body(Call(Who::kMemberOwn, "GET", "/api/v1/notifications?unread=true"));
  ASSERT_GE(inbox["total"], 1);
  EXPECT_EQ(inbox["items"][0]["kind"], "ip.advice_answered");
  json closed = Post(Who::kMemberOwn, rp + "/close", {{"outcome", "Đã nộp đơn Madrid"}}, 200);
  EXPECT_EQ(closed["status"], "closed");
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", rp + "/messages", R"({"body": "thêm"})"), 409));
  EXPECT_EQ(Body(Call(Who::kMemberOther, "GET", "/api/v1/ip/advice"))["total"], 0);
  EXPECT_EQ(Body(Call(Who::kStaff, "GET", "/api/v1/ip/advice"))["total"], 1);

  // The self-assessment: a brand without a mark, a new process without a patent; an annuity ahead.
  json questions = Body(Call(Who::kPublic, "GET", "/api/v1/ip/self-assessment/questions"));
  ASSERT_GE(questions["questions"].size(), 10u);
  json p = Patent("1-2023-00555", seed().org_a, true);
  p["kind"] = "industrial_design";
  p["classes"] = {"09-01"};
  Post(Who::kMemberOwn, "/api/v1/ip/assets", p, 201);
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", "/api/v1/ip/self-assessment",
                             R"({"answers": {"has_brand": "yes"}})"),
                        400, "has_brand"));
  EXPECT_TRUE(IsProblem(
      Call(Who::kMemberOwn, "POST", "/api/v1/ip/self-assessment", R"({"answers": {"what": true}})"),
      400, "what"));
  EXPECT_TRUE(
      IsProblem(Call(Who::kMemberOwn, "POST", "/api/v1/ip/self-assessment",
                     json{{"answers", json::object()}, {"organization_id", seed().org_b}}.dump()),
                403));
  json rep = Post(Who::kMemberOwn, "/api/v1/ip/self-assessment",
                  {{"answers",
                    {{"has_brand", true},
                     {"exports", true},
                     {"markets", "Nhật Bản"},
                     {"technical_innovation", true},
                     {"product_design", true},
                     {"trade_secrets", false}}}},
                  201);
  std::set<std::string> kinds;
  for (const json& x : rep["recommendations"]) kinds.insert(x["kind"]);
  EXPECT_TRUE(kinds.count("trademark")) << rep;
  EXPECT_TRUE(kinds.count("patent")) << rep;
  EXPECT_FALSE(kinds.count("industrial_design")) << "already owned: " << rep;
  ASSERT_FALSE(rep["owned"].empty());
  EXPECT_EQ(rep["owned"][0]["kind"], "industrial_design");
  EXPECT_EQ(Body(Call(Who::kMemberOwn, "GET", "/api/v1/ip/self-assessment"))["total"], 1);
}

// Rules are data an admin can replace; a document that breaks stored assets is refused.
TEST_F(IpTest, AdminReplacesTheRules) {
  json doc = Body(Call(Who::kPublic, "GET", "/api/v1/ip/rules"));
  ASSERT_TRUE(doc["kinds"].is_array());
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "PUT", "/api/v1/ip/rules", doc.dump()), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kAdmin, "PUT", "/api/v1/ip/rules", R"({"kinds": 3})"), 400));
  json changed = doc;
  changed["note_from_admin"] = "checked against Circular 2025";
  HttpResponse r = Call(Who::kAdmin, "PUT", "/api/v1/ip/rules", changed.dump());
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/rules"))["note_from_admin"],
            "checked against Circular 2025");
  EXPECT_EQ(Scalar("SELECT COUNT(*) AS n FROM audit_log WHERE entity_type = 'ip_rules' AND "
                   "action = 'update'"),
            1);
}

// Regression: who recorded an event (an e-mail) was public.
TEST_F(IpTest, EventAuthorsAreNotPublic) {
  json a =
      Post(Who::kMemberOwn, "/api/v1/ip/assets", Patent("1-2024-00888", seed().org_a, true), 201);
  Post(Who::kMemberOwn, Asset(a["id"]) + "/events",
       {{"type", "examination_notice"}, {"date", "2024-06-01"}}, 201);
  for (const std::string& path : {Asset(a["id"]), Asset(a["id"]) + "/events"}) {
    json pub = Body(Call(Who::kPublic, "GET", path));
    const json& events = pub.contains("events") ? pub["events"] : pub["items"];
    ASSERT_FALSE(events.empty()) << pub;
    for (const json& e : events) EXPECT_FALSE(e.contains("actor_email")) << path;
    json own = Body(Call(Who::kMemberOwn, "GET", path));
    const json& mine = own.contains("events") ? own["events"] : own["items"];
    EXPECT_TRUE(mine[0].contains("actor_email")) << path;
  }
}

// Regression: who wrote a guidance article (a staff member's e-mail) was public, in the article
// and in the list.
TEST_F(IpTest, ArticleAuthorsAreNotPublic) {
  json a = Post(Who::kStaff, "/api/v1/ip/articles",
                {{"title", "Nộp đơn sáng chế trước khi công bố"},
                 {"summary", "Công bố trước khi nộp đơn làm mất tính mới."},
                 {"body", "Nộp đơn trước khi trình diễn, chào bán."},
                 {"published", true}},
                201);
  EXPECT_TRUE(a.contains("created_by")) << a;
  const std::string ap = "/api/v1/ip/articles/" + std::to_string(a["id"].get<int64_t>());
  for (Who who : {Who::kPublic, Who::kMemberOwn}) {
    json one = Body(Call(who, "GET", ap));
    EXPECT_EQ(one["title"], a["title"]);
    EXPECT_FALSE(one.contains("created_by")) << one;
    json list = Body(Call(who, "GET", "/api/v1/ip/articles"));
    ASSERT_EQ(list["total"], 1) << list;
    EXPECT_FALSE(list["items"][0].contains("created_by")) << list;
  }
  EXPECT_TRUE(Body(Call(Who::kStaff, "GET", ap)).contains("created_by"));
  EXPECT_TRUE(
      Body(Call(Who::kStaff, "GET", "/api/v1/ip/articles"))["items"][0].contains("created_by"));
}

// Regression: the self-assessment's deadlines did not say which annuity is due (the calendar
// does), and an unknown status filter of the advisory queue answered an empty list as if there
// were no requests.
TEST_F(IpTest, AssessmentDeadlinesNameTheYearAndQueueFilterIsChecked) {
  json p = Patent("1-2023-00777", seed().org_a, true);
  p["filing_date"] = YearsAgo(3);
  p["grant_date"] = YearsAgo(0, 90);
  p["grant_number"] = "1-0040777";
  json a = Post(Who::kMemberOwn, "/api/v1/ip/assets", p, 201);
  json rep = Post(Who::kMemberOwn, "/api/v1/ip/self-assessment",
                  {{"answers", {{"technical_innovation", true}}}}, 201);
  ASSERT_FALSE(rep["deadlines"].empty()) << rep;
  const json& d = rep["deadlines"][0];
  EXPECT_EQ(d["asset"]["id"], a["id"]);
  EXPECT_EQ(d["type"], "annuity");
  EXPECT_EQ(d["number"], 2) << d;

  Post(Who::kMemberOwn, "/api/v1/ip/advice", {{"subject", "Hỏi"}, {"question", "Phí năm 2?"}}, 201);
  EXPECT_EQ(Body(Call(Who::kStaff, "GET", "/api/v1/ip/advice?status=open"))["total"], 1);
  for (const char* bad : {"opened", "OPEN", "closed%27--"}) {
    EXPECT_TRUE(IsProblem(Call(Who::kStaff, "GET", std::string("/api/v1/ip/advice?status=") + bad),
                          400, "status"))
        << bad;
  }
}

// Regression: without deadline rules the self-assessment said "no deadlines" instead of saying
// that they could not be computed.
TEST_F(IpTest, AssessmentSaysWhenDeadlinesAreUnknown) {
  json p = Patent("1-2023-00888", seed().org_a, true);
  p["grant_date"] = YearsAgo(0, 90);
  p["grant_number"] = "1-0040888";
  Post(Who::kMemberOwn, "/api/v1/ip/assets", p, 201);
  json known =
      Post(Who::kMemberOwn, "/api/v1/ip/self-assessment", {{"answers", json::object()}}, 201);
  EXPECT_FALSE(known.contains("deadlines_error")) << known;
  EXPECT_GE(known["deadlines_total"], 1);
  EXPECT_EQ(known["deadlines_total"], known["deadlines"].size());
  ASSERT_TRUE(storage::WithTransaction(db(), storage::TxMode::kWrite, [](storage::Transaction& tx) {
                return tx.Execute("DELETE FROM ip_rules").status();
              }).ok());
  json unknown =
      Post(Who::kMemberOwn, "/api/v1/ip/self-assessment", {{"answers", json::object()}}, 201);
  EXPECT_TRUE(unknown["deadlines"].empty());
  EXPECT_EQ(unknown["deadlines_total"], 0);
  ASSERT_TRUE(unknown.contains("deadlines_error")) << unknown;
  EXPECT_NE(unknown["deadlines_error"].get<std::string>().find("rules"), std::string::npos);
}

}  // namespace
}  // namespace stio::apitest
