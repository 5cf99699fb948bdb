// The technology exchange over HTTP: the listing lifecycle and who sees what, matching with
// reasons, introductions and contact details, attachments judged by content, transfer contracts,
// task proposals, bulk import, statistics, the inbox and outbox, and hostile input.
#include <chrono>
#include <string>

#include "api/api_fixture.h"
#include "core/clock.h"
#include "domain/exchange.h"

namespace stio::apitest {
namespace {

class ShiftedClock : public Clock {
 public:
  explicit ShiftedClock(std::chrono::hours by) : by_(by) {}
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now() + by_;
  }

 private:
  std::chrono::hours by_;
};

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\x01');

class ExchangeTest : public ApiFixture {
 protected:
  static std::string L(int64_t id, const std::string& rest = "") {
    return "/api/v1/exchange/listings/" + std::to_string(id) + rest;
  }
  json Post(Who who, const std::string& path, const json& body, int expect) {
    HttpResponse r = Call(who, "POST", path, body.is_null() ? "" : body.dump());
    EXPECT_EQ(r.status, expect) << path << " " << r.body.substr(0, 600);
    return Body(r);
  }
  json Offer(int64_t org, const std::string& title = "Công nghệ sấy lạnh nông sản bằng bơm nhiệt") {
    return {{"kind", "offer"},
            {"title", title},
            {"summary", "Máy sấy bơm nhiệt giữ màu, hương vị và vitamin cho trái cây, thủy sản"},
            {"fields", {"402"}},
            {"ipc", {"f26b 9/06"}},
            {"trl", 7},
            {"price_vnd", 800000000},
            {"transfer_modes", {"licence", "equipment"}},
            {"contact_email", "lab@vien.example.vn"},
            {"contact_phone", "0912345678"},
            {"organization_id", org}};
  }
  json Need(int64_t org) {
    return {{"kind", "need"},
            {"title", "Cần công nghệ sấy trái cây giữ màu"},
            {"summary", "Doanh nghiệp cần dây chuyền sấy xoài, chuối công suất 2 tấn/ngày"},
            {"fields", {"402"}},
            {"trl_min", 6},
            {"budget_max_vnd", 1000000000},
            {"transfer_modes", {"equipment"}},
            {"organization_id", org}};
  }
  // Created by `who`, submitted, published by the reviewer.
  int64_t Published(Who who, json listing) {
    listing["submit"] = true;
    json l = Post(who, "/api/v1/exchange/listings", listing, 201);
    Post(Who::kReviewer, L(l["id"], "/publish"), nullptr, 200);
    return l["id"];
  }
};

TEST_F(ExchangeTest, LifecycleWithReviewAndVisibility) {
  json d = Post(Who::kMemberOwn, "/api/v1/exchange/listings", Offer(seed().org_a), 201);
  ASSERT_TRUE(d.contains("id")) << d;
  EXPECT_EQ(d["status"], "draft");
  EXPECT_EQ(d["ipc"], json::array({"F26B 9/06"}));
  EXPECT_EQ(d["province_code"], "01");  // the organization's
  const int64_t id = d["id"];
  // A draft exists only for its organization and the reviewers.
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", L(id)), 404));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "GET", L(id)), 404));
  EXPECT_EQ(Call(Who::kReviewer, "GET", L(id)).status, 200);
  // Nothing skips review: the owner cannot publish, and a draft cannot be published.
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", L(id, "/publish")), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kReviewer, "POST", L(id, "/publish")), 409));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "POST", L(id, "/submit")), 403));
  EXPECT_EQ(Post(Who::kMemberOwn, L(id, "/submit"), nullptr, 200)["status"], "submitted");
  json queue = Body(Call(Who::kReviewer, "GET", "/api/v1/exchange/review-queue"));
  ASSERT_EQ(queue["total"], 1);
  EXPECT_EQ(queue["items"][0]["id"], id);
  // Returned with reasons (required), back to the owner's inbox.
  EXPECT_TRUE(IsProblem(Call(Who::kReviewer, "POST", L(id, "/return"), "{}"), 400, "note"));
  json r =
      Post(Who::kReviewer, L(id, "/return"), {{"note", "Thiếu thông tin sở hữu trí tuệ"}}, 200);
  EXPECT_EQ(r["status"], "returned");
  EXPECT_EQ(r["review_note"], "Thiếu thông tin sở hữu trí tuệ");
  json inbox = Body(Call(Who::kMemberOwn, "GET", "/api/v1/notifications?unread=true"));
  ASSERT_GE(inbox["total"], 1);
  EXPECT_EQ(inbox["items"][0]["kind"], "exchange.returned");
  Post(Who::kMemberOwn, L(id, "/submit"), nullptr, 200);
  json p = Post(Who::kReviewer, L(id, "/publish"), nullptr, 200);
  EXPECT_EQ(p["status"], "published");
  EXPECT_FALSE(p["expires_at"].is_null());
  // The public sees it, without contact details.
  json pub = Body(Call(Who::kPublic, "GET", L(id)));
  EXPECT_EQ(pub["status"], "published");
  EXPECT_FALSE(pub.contains("contact_email"));
  EXPECT_FALSE(pub.contains("contact_phone"));
  EXPECT_EQ(pub["contacts_hidden"], true);
  for (const char* internal : {"created_by", "reviewed_by", "review_note"}) {
    EXPECT_FALSE(pub.contains(internal)) << internal;  // regression: e-mails were public
  }
  json list = Body(Call(Who::kPublic, "GET", "/api/v1/exchange/listings?kind=offer&field=4"));
  ASSERT_EQ(list["total"], 1);
  EXPECT_FALSE(list["items"][0].contains("contact_email"));
  // Editing a published listing sends it back to review.
  HttpResponse e = Call(Who::kMemberOwn, "PATCH", L(id), R"({"trl": 8})");
  ASSERT_EQ(e.status, 200) << e.body;
  EXPECT_EQ(Body(e)["status"], "submitted");
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", L(id)), 404));
  Post(Who::kReviewer, L(id, "/publish"), nullptr, 200);
  // Withdrawn for good: no edits, no second withdrawal.
  Post(Who::kMemberOwn, L(id, "/withdraw"), nullptr, 200);
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "PATCH", L(id), R"({"trl": 9})"), 409));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", L(id, "/withdraw")), 409));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", L(id, "/fly")), 404));
  // Every change is in the audit log.
  EXPECT_EQ(Scalar("SELECT COUNT(*) AS n FROM audit_log WHERE entity_type = 'listing' AND "
                   "entity_id = '" +
                   std::to_string(id) + "'"),
            8);  // create, submit, return, submit, publish, update, publish, withdraw
}

TEST_F(ExchangeTest, ExpiresUnlessRenewed) {
  const int64_t id = Published(Who::kMemberOwn, Offer(seed().org_a));
  // 200 days later (the default period is 180): expired at once for everyone, then recorded.
  const ShiftedClock later(std::chrono::hours(24 * 200));
  json swept = Seeded([&](storage::Transaction& tx) { return domain::ExpireListings(tx, later); });
  EXPECT_EQ(swept["expired"], 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) AS n FROM exchange_listings WHERE status = 'expired'"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'listing.expire'"), 1);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", L(id)), 404));
  // Renewed by the owner: published again for a new period.
  json r = Post(Who::kMemberOwn, L(id, "/renew"), nullptr, 200);
  EXPECT_EQ(r["status"], "published");
  EXPECT_EQ(Call(Who::kPublic, "GET", L(id)).status, 200);
  // Two weeks before the end, one reminder (and only one).
  const ShiftedClock soon(std::chrono::hours(24 * 170));
  json a = Seeded([&](storage::Transaction& tx) { return domain::ExpireListings(tx, soon); });
  json b = Seeded([&](storage::Transaction& tx) { return domain::ExpireListings(tx, soon); });
  EXPECT_EQ(a["reminded"], 1);
  EXPECT_EQ(b["reminded"], 0);
}

TEST_F(ExchangeTest, MatchesRankTheRightOfferAndExplainWhy) {
  const int64_t good = Published(Who::kMemberOwn, Offer(seed().org_a));
  json far = Offer(seed().org_a, "Máy sấy trái cây công nghiệp giá cao");
  far["price_vnd"] = 5000000000;  // five times the budget
  far["trl"] = 3;
  const int64_t pricey = Published(Who::kMemberOwn, far);
  json other = Offer(seed().org_a, "Phần mềm quản lý bệnh viện");
  other["summary"] = "Hệ thống thông tin bệnh viện, hồ sơ bệnh án điện tử";
  other["fields"] = {"301"};
  Published(Who::kMemberOwn, other);
  const int64_t need = Published(Who::kMemberOther, Need(seed().org_b));
  json m = Body(Call(Who::kPublic, "GET", L(need, "/matches")));
  ASSERT_TRUE(m["offers"].is_array()) << m;
  ASSERT_GE(m["offers"].size(), 2u) << m;
  EXPECT_EQ(m["offers"][0]["id"], good);
  EXPECT_EQ(m["offers"][1]["id"], pricey);
  std::set<std::string> codes;
  for (const json& r : m["offers"][0]["reasons"]) {
    codes.insert(r["code"]);
    EXPECT_FALSE(r["vi"].get<std::string>().empty());
    EXPECT_FALSE(r["en"].get<std::string>().empty());
  }
  for (const char* c : {"text", "field_same", "trl_ok", "price_ok", "mode", "distance"}) {
    EXPECT_TRUE(codes.count(c)) << c << " missing from " << m["offers"][0]["reasons"];
  }
  std::set<std::string> weak;
  for (const json& r : m["offers"][1]["reasons"]) weak.insert(r["code"]);
  EXPECT_TRUE(weak.count("trl_low"));
  EXPECT_TRUE(weak.count("price_high"));
  // The offer's side: the need, and the publication told the offer's owner.
  json back = Body(Call(Who::kPublic, "GET", L(good, "/matches")));
  ASSERT_FALSE(back["needs"].empty()) << back;
  EXPECT_EQ(back["needs"][0]["id"], need);
  EXPECT_GE(Scalar("SELECT COUNT(*) AS n FROM notifications WHERE kind = 'exchange.match' AND "
                   "organization_id = " +
                   std::to_string(seed().org_a)),
            1);
  EXPECT_GE(Scalar("SELECT COUNT(*) AS n FROM email_outbox WHERE to_address = "
                   "'lab@vien.example.vn'"),
            1);
  // The global search finds published listings too.
  json s = Body(Call(Who::kPublic, "GET", "/api/v1/search?q=say%20lanh&type=offer"));
  ASSERT_GE(s["total"], 1);
  EXPECT_EQ(s["items"][0]["id"], good);
}

TEST_F(ExchangeTest, IntroductionsRevealContactsOnlyAfterAcceptance) {
  const int64_t offer = Published(Who::kMemberOwn, Offer(seed().org_a));
  // Not to one's own listing, not by the public.
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", L(offer, "/introductions")), 409));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", L(offer, "/introductions")), 401));
  json c = Post(Who::kMemberOther, L(offer, "/introductions"),
                {{"message", "Chúng tôi muốn mua thiết bị"}}, 201);
  ASSERT_EQ(c["status"], "requested") << c;
  EXPECT_FALSE(c.contains("contact_email"));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "POST", L(offer, "/introductions")), 409));
  const std::string cp = "/api/v1/exchange/connections/" + std::to_string(c["id"].get<int64_t>());
  EXPECT_FALSE(Body(Call(Who::kMemberOther, "GET", L(offer))).contains("contact_email"));
  // Only the owner answers; a decline needs a reason; no step is skipped.
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "POST", cp + "/accept"), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kReviewer, "GET", cp), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", cp + "/decline", R"({"reason":"cheap"})"),
                        400, "reason"));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", cp + "/nda"), 409));
  json a = Post(Who::kMemberOwn, cp + "/accept", nullptr, 200);
  EXPECT_EQ(a["status"], "accepted");
  EXPECT_EQ(a["contact_email"], "lab@vien.example.vn");
  EXPECT_EQ(Body(Call(Who::kMemberOther, "GET", L(offer)))["contact_email"], "lab@vien.example.vn");
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "POST", cp + "/nda"), 409));
  Post(Who::kMemberOther, cp + "/meeting", nullptr, 200);
  Post(Who::kMemberOwn, cp + "/nda", nullptr, 200);
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", cp + "/contract", "{}"), 400, "contract"));
  json k = Post(Who::kMemberOwn, cp + "/contract",
                {{"contract",
                  {// The parties come from the connection (regression: they had to be given).
                   {"object", "Dây chuyền sấy bơm nhiệt 2 tấn/ngày"},
                   {"form", "equipment"},
                   {"rights", "use"},
                   {"signed_date", FormatDate(Clock::Real().Now())},
                   {"value_vnd", 750000000}}}},
                200);
  EXPECT_EQ(k["status"], "contract");
  ASSERT_TRUE(k["contract_id"].is_number_integer()) << k;
  json kc =
      Body(Call(Who::kMemberOther, "GET",
                "/api/v1/exchange/contracts/" + std::to_string(k["contract_id"].get<int64_t>())));
  EXPECT_EQ(kc["transferor_organization_id"], seed().org_a);
  EXPECT_EQ(kc["transferee_organization_id"], seed().org_b);
  json g = Body(Call(Who::kMemberOther, "GET", cp));
  EXPECT_GE(g["history"].size(), 5u);
  json stats = Body(Call(Who::kPublic, "GET", "/api/v1/exchange/stats"));
  EXPECT_EQ(stats["totals"]["introductions"], 1);
  EXPECT_EQ(stats["totals"]["introductions_accepted"], 1);
  EXPECT_EQ(stats["totals"]["contracts"], 1);
  EXPECT_EQ(stats["totals"]["contract_value_vnd"], 750000000);
}

TEST_F(ExchangeTest, IntroductionRequestsAreRateLimited) {
  HttpResponse set =
      Call(Who::kAdmin, "PATCH", "/api/v1/settings", R"({"exchange.intro_requests_per_day": 2})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_TRUE(IsProblem(
      Call(Who::kAdmin, "PATCH", "/api/v1/settings", R"({"exchange.intro_requests_per_day": 0})"),
      400, "exchange.intro_requests_per_day"));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "PATCH", "/api/v1/settings", R"({"x": 1})"), 403));
  int64_t ids[3];
  for (int i = 0; i < 3; ++i) {
    ids[i] = Published(Who::kMemberOwn, Offer(seed().org_a, "Công nghệ số " + std::to_string(i)));
  }
  Post(Who::kMemberOther, L(ids[0], "/introductions"), nullptr, 201);
  Post(Who::kMemberOther, L(ids[1], "/introductions"), nullptr, 201);
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "POST", L(ids[2], "/introductions")), 429));
}

TEST_F(ExchangeTest, AttachmentsAreJudgedByContent) {
  const int64_t id = Published(Who::kMemberOwn, Offer(seed().org_a));
  const std::string up = L(id, "/attachments?filename=");
  // An HTML page named .png, a script named .pdf, an empty file: refused, nothing written.
  const int64_t before = Scalar("SELECT COUNT(*) AS n FROM exchange_attachments");
  for (const std::string& bytes : {std::string("<html><script>alert(1)</script></html>"),
                                   std::string("#!/bin/sh\nrm -rf /"), std::string()}) {
    EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", up + "anh.png", bytes), 400));
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) AS n FROM exchange_attachments"), before);
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "POST", up + "x.png", kPng), 403));
  // A real PNG named like a path and an executable: kept, renamed by its content.
  HttpResponse ok = Call(Who::kMemberOwn, "POST", up + "..%2F..%2Fetc%2Fpasswd.exe", kPng);
  ASSERT_EQ(ok.status, 201) << ok.body;
  json att = Body(ok);
  EXPECT_EQ(att["media_type"], "image/png");
  EXPECT_EQ(att["file_name"].get<std::string>().find('/'), std::string::npos);
  EXPECT_EQ(
      att["file_name"].get<std::string>().substr(att["file_name"].get<std::string>().size() - 4),
      ".png");
  HttpResponse dl =
      Call(Who::kPublic, "GET", L(id, "/attachments/" + std::to_string(att["id"].get<int64_t>())));
  ASSERT_EQ(dl.status, 200);
  EXPECT_EQ(dl.body, kPng);
  EXPECT_EQ(dl.Header("content-type"), "image/png");
  EXPECT_EQ(dl.Header("content-disposition").rfind("attachment;", 0), 0u);
  EXPECT_EQ(dl.Header("x-content-type-options"), "nosniff");
}

TEST_F(ExchangeTest, HostileListingInputIsRefusedAndNothingWritten) {
  const int64_t before = Scalar("SELECT COUNT(*) AS n FROM exchange_listings");
  const int64_t audit = AuditCount();
  const std::string url = "/api/v1/exchange/listings";
  struct Bad {
    json patch;
    std::string field;
  };
  const Bad cases[] = {
      {{{"trl", 0}}, "trl"},
      {{{"trl", 10}}, "trl"},
      {{{"trl", "7"}}, "trl"},
      {{{"price_vnd", -1}}, "price_vnd"},
      {{{"price_negotiable", true}}, "price_negotiable"},  // with a price
      {{{"transfer_modes", {"steal"}}}, "transfer_modes"},
      {{{"fields", {"999"}}}, "fields"},
      {{{"ipc", {"Z99Q"}}}, "ipc"},
      {{{"province_code", "99"}}, "province_code"},
      {{{"title", std::string(400, 'a')}}, "title"},
      {{{"title", "a\x01b"}}, "title"},
      {{{"trl_min", 5}}, "trl_min"},  // a need's field on an offer
      {{{"organization_id", seed().org_b}}, ""},
      {{{"contact_email", "not an email"}}, "contact_email"},
      {{{"kind", "gift"}}, "kind"},
      {{{"surprise", 1}}, "surprise"},
  };
  for (const Bad& b : cases) {
    json body = Offer(seed().org_a);
    body.update(b.patch);
    HttpResponse r = Call(Who::kMemberOwn, "POST", url, body.dump());
    SCOPED_TRACE(b.patch.dump().substr(0, 80));
    if (b.patch.contains("organization_id")) {
      EXPECT_TRUE(IsProblem(r, 403));
    } else {
      EXPECT_TRUE(IsProblem(r, 400, b.field));
    }
  }
  json need = Need(seed().org_a);
  need["budget_min_vnd"] = 2000000000;  // above the max
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", url, need.dump()), 400, "budget_min_vnd"));
  need = Need(seed().org_a);
  need["deadline"] = "2001-01-01";
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", url, need.dump()), 400, "deadline"));
  // Invalid UTF-8 in a title (sent raw: the JSON library would refuse to write it).
  std::string raw = Offer(seed().org_a).dump();
  raw.replace(raw.find("Công nghệ sấy"), 3, "\xC3\x28");
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", url, raw), 400));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", url, "[1,2]"), 400));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", url, "{\"kind\":"), 400));
  EXPECT_EQ(Scalar("SELECT COUNT(*) AS n FROM exchange_listings"), before);
  EXPECT_EQ(AuditCount(), audit);
  // Markup is data: stored and returned as the text it is.
  json x = Offer(seed().org_a, "<script>alert('x')</script> Sấy <b>lạnh</b>");
  json made = Post(Who::kMemberOwn, url, x, 201);
  EXPECT_EQ(made["title"], "<script>alert('x')</script> Sấy <b>lạnh</b>");
}

TEST_F(ExchangeTest, ContractsFollowTheLawOnRegistration) {
  const std::string url = "/api/v1/exchange/contracts";
  json k = {{"transferor_name", "Fraunhofer IKTS"},
            {"transferee_organization_id", seed().org_a},
            {"object", "Công nghệ gốm lọc nước"},
            {"form", "independent"},
            {"rights", "use"},
            {"direction", "into_vietnam"},
            {"signed_date", "2025-01-10"},
            {"value_vnd", 3000000000}};
  // Registered status without a registration number: refused.
  json bad = k;
  bad["status"] = "in_effect";
  EXPECT_TRUE(
      IsProblem(Call(Who::kMemberOwn, "POST", url, bad.dump()), 400, "registration_number"));
  json c = Post(Who::kMemberOwn, url, k, 201);
  EXPECT_EQ(c["registration_required"], true);
  EXPECT_EQ(c["registration_due"], "2025-04-10");  // 90 days after signing
  EXPECT_EQ(c["registration_overdue"], true);
  const std::string cp = url + "/" + std::to_string(c["id"].get<int64_t>());
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "PATCH", cp, R"({"status": "in_effect"})"), 400,
                        "registration_number"));
  HttpResponse r = Call(Who::kMemberOwn, "PATCH", cp,
                        R"({"status": "registered", "registration_number": "123/GCN-BKHCN",
                            "registration_date": "2025-03-01"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["registration_overdue"], false);
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "PATCH", cp, R"({"status": "signed"})"), 409));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "GET", cp), 403));
  // Follow-up after the transfer: one per period, not before signing.
  Post(Who::kMemberOwn, cp + "/followups",
       {{"period", "2025"}, {"revenue_change_vnd", 1200000000}, {"jobs_created", 12}}, 201);
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", cp + "/followups", R"({"period": "2025",
                        "jobs_created": 1})"),
                        409, "period"));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", cp + "/followups", R"({"period": "2024",
                        "jobs_created": 1})"),
                        400, "period"));
  EXPECT_TRUE(
      IsProblem(Call(Who::kMemberOwn, "POST", cp + "/followups", R"({"period": "2025Q1"})"), 400));
  // Regressions: a period is stored in its one spelling; registration dates are checked.
  Post(Who::kMemberOwn, cp + "/followups", {{"period", "2025q2"}, {"jobs_created", 2}}, 201);
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", cp + "/followups",
                             R"({"period": "2025Q2", "jobs_created": 1})"),
                        409, "period"));
  EXPECT_TRUE(
      IsProblem(Call(Who::kMemberOwn, "PATCH", cp, R"({"registration_date": "2024-12-31"})"), 400,
                "registration_date"));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "PATCH", cp, R"({"value_vnd": 9000000000000000000})"),
                        400, "value_vnd"));
  json full = Body(Call(Who::kStaff, "GET", cp));
  ASSERT_EQ(full["followups"].size(), 2u);
  EXPECT_EQ(full["followups"][0]["jobs_created"], 12);
  // A domestic contract without state capital needs no registration.
  json d = k;
  d["direction"] = "domestic";
  EXPECT_EQ(Post(Who::kMemberOwn, url, d, 201)["registration_required"], false);
  // Contracts feed the province's indicators (data elements derived from the exchange).
  Post(Who::kStaff, "/api/v1/indicators",
       {{"code", "TTC_VALUE"}, {"name_vi", "Giá trị CGCN"}, {"numerator", "TT_CONTRACT_VALUE"}},
       201);
  json series = Body(
      Call(Who::kPublic, "GET", "/api/v1/indicators/TTC_VALUE/series?unit=01&from=2024&to=2025"));
  ASSERT_TRUE(series["points"].is_array()) << series;
  json y2025;
  for (const json& pt : series["points"]) {
    if (pt["period"] == "2025") y2025 = pt;
  }
  EXPECT_EQ(y2025["value"], 6000000000.0) << series;
  json lineage =
      Body(Call(Who::kPublic, "GET", "/api/v1/indicators/TTC_VALUE/lineage?unit=01&period=2025"));
  ASSERT_EQ(lineage["elements"][0]["contracts"].size(), 2u) << lineage;
}

TEST_F(ExchangeTest, UnmetNeedBecomesATaskProposal) {
  const int64_t need = Published(Who::kMemberOther, Need(seed().org_b));
  const int64_t offer = Published(Who::kMemberOwn, Offer(seed().org_a));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "POST", L(need, "/task-proposal")), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", L(offer, "/task-proposal")), 409));
  json p = Post(Who::kStaff, L(need, "/task-proposal"), nullptr, 201);
  EXPECT_EQ(p["proposal"]["ten_nhiem_vu"], "Cần công nghệ sấy trái cây giữ màu");
  EXPECT_EQ(p["proposal"]["nguon"]["listing_id"], need);
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", L(need, "/task-proposal")), 409));
  EXPECT_EQ(Body(Call(Who::kStaff, "GET", "/api/v1/exchange/task-proposals"))["total"], 1);
  EXPECT_EQ(Body(Call(Who::kStaff, "GET",
                      "/api/v1/exchange/task-proposals?need_id=" + std::to_string(need)))["total"],
            1);
  EXPECT_EQ(Body(Call(Who::kStaff, "GET",
                      "/api/v1/exchange/task-proposals?need_id=" + std::to_string(offer)))["total"],
            0);
}

TEST_F(ExchangeTest, ImportIsAllOrNothingWithEveryBadRow) {
  const std::string org = std::to_string(seed().org_a);
  const std::string bad =
      "kind,title,summary,organization_id,trl,fields,price_vnd\r\n"
      "offer,Công nghệ A,Tóm tắt A," +
      org +
      ",7,402,1.500.000.000\r\n"
      "offer,Công nghệ B,Tóm tắt B," +
      org +
      ",12,402,\r\n"
      "need,,Tóm tắt C," +
      org + ",,,\r\n";
  const int64_t before = Scalar("SELECT COUNT(*) AS n FROM exchange_listings");
  HttpResponse r = Call(Who::kStaff, "POST", "/api/v1/exchange/import?format=csv", bad,
                        {{"Content-Type", "text/csv"}});
  ASSERT_TRUE(IsProblem(r, 422));
  json errors = Body(r)["errors"];
  ASSERT_EQ(errors.size(), 2u) << errors;
  EXPECT_EQ(errors[0]["line"], 3);
  EXPECT_EQ(errors[0]["column"], "trl");
  EXPECT_EQ(errors[1]["line"], 4);
  EXPECT_EQ(errors[1]["column"], "title");
  EXPECT_EQ(Scalar("SELECT COUNT(*) AS n FROM exchange_listings"), before);
  const std::string good =
      "kind,title,summary,organization_id,trl,fields,price_vnd,submit\r\n"
      "offer,Công nghệ A,Tóm tắt A," +
      org + ",7,402;401,1.500.000.000,có\r\n";
  HttpResponse ok = Call(Who::kStaff, "POST", "/api/v1/exchange/import?format=csv", good,
                         {{"Content-Type", "text/csv"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok)["inserted"], 1);
  json q = Body(Call(Who::kReviewer, "GET", "/api/v1/exchange/review-queue"));
  ASSERT_EQ(q["total"], 1);
  EXPECT_EQ(q["items"][0]["price_vnd"], 1500000000);
  EXPECT_EQ(q["items"][0]["fields"], json::array({"402", "401"}));
}

TEST_F(ExchangeTest, InboxAndOutbox) {
  const int64_t id = Published(Who::kMemberOwn, Offer(seed().org_a));
  Post(Who::kMemberOther, L(id, "/introductions"), {{"message", "Xin chào"}}, 201);
  json inbox = Body(Call(Who::kMemberOwn, "GET", "/api/v1/notifications?unread=true"));
  ASSERT_GE(inbox["unread"], 1);
  EXPECT_EQ(inbox["items"][0]["kind"], "exchange.intro_requested");
  // Someone else's notification cannot be marked.
  const int64_t nid = inbox["items"][0]["id"];
  EXPECT_TRUE(IsProblem(
      Call(Who::kMemberOther, "POST", "/api/v1/notifications/read", json{{"id", nid}}.dump()),
      404));
  json m = Post(Who::kMemberOwn, "/api/v1/notifications/read", nullptr, 200);
  EXPECT_EQ(m["unread"], 0);
  // The outbox has the e-mail to the listing's contact address, for the relay.
  json out = Body(Call(Who::kStaff, "GET", "/api/v1/outbox"));
  ASSERT_GE(out["total"], 1);
  int64_t mail = 0;
  for (const json& o : out["items"]) {
    if (o["to_address"] == "lab@vien.example.vn") mail = o["id"];
  }
  ASSERT_GT(mail, 0) << out;
  const std::string sent = "/api/v1/outbox/" + std::to_string(mail) + "/sent";
  Post(Who::kStaff, sent, {{"error", "mailbox full"}}, 200);
  json done = Post(Who::kStaff, sent, nullptr, 200);
  EXPECT_EQ(done["attempts"], 2);
  EXPECT_FALSE(done["sent_at"].is_null());
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", sent), 409));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "GET", "/api/v1/outbox"), 403));
}

}  // namespace
}  // namespace stio::apitest
