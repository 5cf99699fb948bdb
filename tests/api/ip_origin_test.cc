// IP over HTTP, issue 7's remaining parts: the users of geographical indications and collective
// marks (who may write them, dates, places, the map of signs of origin), the province's priority
// sectors and key products and the free-to-use finder filtered by them, and IP assets and guidance
// articles in the ranked /search index.
#include <string>

#include "api/api_fixture.h"
#include "core/clock.h"
#include "domain/ip_deadlines.h"

namespace stio::apitest {
namespace {

using domain::AddYears;
using domain::CivilDate;
using domain::FormatCivilDate;

class IpOriginTest : public ApiFixture {
 protected:
  static CivilDate Today() { return *domain::ParseCivilDate(FormatDate(Clock::Real().Now())); }
  static std::string YearsAgo(int years) { return FormatCivilDate(AddYears(Today(), -years)); }
  json Post(Who who, const std::string& path, const json& body, int expect) {
    HttpResponse r = Call(who, "POST", path, body.dump());
    EXPECT_EQ(r.status, expect) << path << " " << r.body.substr(0, 500);
    return Body(r);
  }
  // A registered geographical indication held by org_a (Hà Nội), granted three years ago.
  int64_t Gi() {
    json a = Post(Who::kStaff, "/api/v1/ip/assets",
                  {{"kind", "geographical_indication"},
                   {"title", "Chỉ dẫn địa lý cho sản phẩm chè (minh họa)"},
                   {"application_number", "6-2020-00011"},
                   {"grant_number", "00099"},
                   {"filing_date", YearsAgo(5)},
                   {"grant_date", YearsAgo(3)},
                   {"owner_organization_id", seed().org_a},
                   {"key_product", "Chè"},
                   {"published", true}},
                  201);
    return a["id"].get<int64_t>();
  }
  static std::string Users(int64_t asset) {
    return "/api/v1/ip/assets/" + std::to_string(asset) + "/users";
  }
  int64_t CountUsers(int64_t asset) {
    return Body(Call(Who::kStaff, "GET", Users(asset)))["total"].get<int64_t>();
  }
};

TEST_F(IpOriginTest, HolderAuthorisesUsersOfItsSign) {
  const int64_t gi = Gi();
  // The holder's member authorises a producer in another province, with a commune there.
  json u = Post(Who::kMemberOwn, Users(gi),
                {{"organization_id", seed().org_b},
                 {"commune_code", "20242"},
                 {"products", "Chè búp khô"},
                 {"decision_number", "12/QĐ-UBND"},
                 {"authorised_on", YearsAgo(1)}},
                201);
  ASSERT_TRUE(u.contains("id")) << u;
  EXPECT_EQ(u["status"], "active");
  EXPECT_EQ(u["province_code"], "48");  // the organization's
  EXPECT_EQ(u["commune_name"], "Hải Châu");
  EXPECT_FALSE(u["name"].get<std::string>().empty());
  // A household without a registry record, by name.
  Post(
      Who::kStaff, Users(gi),
      {{"name", "Hộ sản xuất (minh họa)"}, {"province_code", "01"}, {"authorised_on", YearsAgo(2)}},
      201);
  // Everyone reads the users of a published sign.
  json list = Body(Call(Who::kPublic, "GET", Users(gi)));
  EXPECT_EQ(list["total"], 2);
  EXPECT_EQ(list["active"], 2);
  EXPECT_EQ(list["provinces"]["48"], 1);

  // The same organization twice: refused.
  EXPECT_TRUE(IsProblem(
      Call(Who::kStaff, "POST", Users(gi),
           json{{"organization_id", seed().org_b}, {"authorised_on", YearsAgo(1)}}.dump()),
      409));
  // Members of another organization and the public may not write.
  const json other = {{"name", "X"}, {"province_code", "01"}, {"authorised_on", YearsAgo(1)}};
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "POST", Users(gi), other.dump()), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", Users(gi), other.dump()), 401));

  // Revoked: no longer counted as active, and the organization may be authorised again later.
  const std::string one = Users(gi) + "/" + std::to_string(u["id"].get<int64_t>());
  json revoked = Body(Call(Who::kMemberOwn, "PATCH", one, R"({"status": "revoked"})"));
  EXPECT_EQ(revoked["status"], "revoked");
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", Users(gi)))["active"], 1);
  EXPECT_TRUE(
      IsProblem(Call(Who::kStaff, "PATCH", one, json{{"organization_id", seed().org_a}}.dump()),
                400, "organization_id"));
  // A stale version is refused.
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "PATCH", one, R"({"note": "x", "version": 1})"), 409));

  // The map: the sign held in Hà Nội, one active user there.
  json map = Body(Call(Who::kPublic, "GET", "/api/v1/ip/origin-map"));
  ASSERT_EQ(map["total"], 1) << map;
  EXPECT_EQ(map["items"][0]["holder"], "Công ty Cổ phần Công nghệ Sao Mai");
  EXPECT_EQ(map["items"][0]["active_users"], 1);
  EXPECT_EQ(map["provinces"]["01"]["signs"], 1);
  EXPECT_EQ(map["provinces"]["01"]["users"], 1);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/origin-map?province_code=48"))["total"], 0);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/ip/origin-map?province_code=99"), 400));

  // Deleting a record entered by mistake is audited and it disappears.
  ASSERT_EQ(Call(Who::kStaff, "DELETE", one).status, 204);
  EXPECT_EQ(CountUsers(gi), 1);
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "DELETE", one), 404));
}

TEST_F(IpOriginTest, BadUsersAreRefusedAndNothingIsWritten) {
  const int64_t gi = Gi();
  struct Case {
    json body;
    std::string field;
  };
  const Case cases[] = {
      {{{"name", "A"}, {"province_code", "01"}, {"authorised_on", YearsAgo(4)}}, "authorised_on"},
      {{{"name", "A"},
        {"province_code", "01"},
        {"authorised_on", FormatCivilDate(AddYears(Today(), 1))}},
       "authorised_on"},
      {{{"name", "A"}, {"province_code", "01"}, {"authorised_on", "2024-02-30"}}, "authorised_on"},
      {{{"name", "A"}, {"province_code", "99"}, {"authorised_on", YearsAgo(1)}}, "province_code"},
      {{{"name", "A"},
        {"province_code", "01"},
        {"commune_code", "20242"},
        {"authorised_on", YearsAgo(1)}},
       "commune_code"},
      {{{"name", "A"}, {"authorised_on", YearsAgo(1)}}, "province_code"},
      {{{"province_code", "01"}, {"authorised_on", YearsAgo(1)}}, "name"},
      {{{"organization_id", 99999}, {"authorised_on", YearsAgo(1)}}, "organization_id"},
      {{{"name", "A"},
        {"province_code", "01"},
        {"authorised_on", YearsAgo(1)},
        {"valid_until", YearsAgo(2)}},
       "valid_until"},
      {{{"name", "A"},
        {"province_code", "01"},
        {"authorised_on", YearsAgo(1)},
        {"status", "maybe"}},
       "status"},
      {{{"name", "A\x01"}, {"province_code", "01"}, {"authorised_on", YearsAgo(1)}}, "name"},
      {{{"name", "A"}, {"province_code", "01"}, {"authorised_on", YearsAgo(1)}, {"colour", "red"}},
       "colour"},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", Users(gi), c.body.dump()), 400, c.field))
        << c.body;
  }
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", Users(gi), "[1, 2]"), 400));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", Users(gi), "{not json"), 400));
  EXPECT_EQ(CountUsers(gi), 0);

  // A patent has no users; an unregistered sign has none yet; an unknown asset is 404.
  json patent = Post(Who::kStaff, "/api/v1/ip/assets",
                     {{"kind", "patent"},
                      {"title", "Sáng chế"},
                      {"application_number", "1-2020-00001"},
                      {"filing_date", YearsAgo(5)},
                      {"owner_organization_id", seed().org_a}},
                     201);
  const json ok = {{"name", "A"}, {"province_code", "01"}, {"authorised_on", YearsAgo(1)}};
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", Users(patent["id"]), ok.dump()), 409));
  json mark = Post(Who::kStaff, "/api/v1/ip/assets",
                   {{"kind", "collective_mark"},
                    {"title", "Nhãn hiệu tập thể (minh họa)"},
                    {"application_number", "4-2025-00001"},
                    {"filing_date", YearsAgo(1)},
                    {"owner_organization_id", seed().org_a},
                    {"classes", {"30"}}},
                   201);
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", Users(mark["id"]), ok.dump()), 409));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", Users(987654), ok.dump()), 404));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "GET", Users(987654)), 404));
}

TEST_F(IpOriginTest, FreeToUseFinderFollowsTheProvincesPriorities) {
  auto patent = [&](const std::string& number, const std::string& title, const std::string& ipc,
                    int filed_years_ago) {
    return Post(Who::kStaff, "/api/v1/ip/assets",
                {{"kind", "patent"},
                 {"title", title},
                 {"application_number", number},
                 {"filing_date", YearsAgo(filed_years_ago)},
                 {"grant_date", YearsAgo(filed_years_ago - 3)},
                 {"paid_up_to", 18},
                 {"owner_organization_id", seed().org_b},
                 {"classes", {ipc}},
                 {"published", true}},
                201)["id"]
        .get<int64_t>();
  };
  // Three expired patents (filed 21 years ago): coffee processing, a biogas digester, a circuit.
  const int64_t coffee = patent("1-2004-00010", "Phương pháp lên men hạt cà phê", "A23F 5/02", 21);
  const int64_t biogas =
      patent("1-2004-00011", "Hầm biogas xử lý nước thải chăn nuôi", "C02F 11/04", 21);
  patent("1-2004-00012", "Mạch khuếch đại tín hiệu", "H03F 3/00", 21);
  ASSERT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use"))["total"], 3);

  // Priorities of Hà Nội (illustrative, not from a plan): food processing by IPC prefix, and a
  // key product recognised by a word. Staff write, others may not.
  json food = Post(Who::kStaff, "/api/v1/priorities",
                   {{"province_code", "01"},
                    {"kind", "sector"},
                    {"name", "Chế biến nông sản (minh họa)"},
                    {"ipc_prefixes", {"a23"}},
                    {"vsic_codes", {"10"}},
                    {"basis", "Ví dụ minh họa"}},
                   201);
  ASSERT_TRUE(food.contains("id")) << food;
  EXPECT_EQ(food["ipc_prefixes"], json::array({"A23"}));
  json env = Post(Who::kStaff, "/api/v1/priorities",
                  {{"province_code", "01"},
                   {"kind", "key_product"},
                   {"name", "Xử lý môi trường chăn nuôi (minh họa)"},
                   {"keywords", {"nuoc thai chan nuoi"}}},
                  201);
  Post(Who::kStaff, "/api/v1/priorities",
       {{"province_code", "48"},
        {"kind", "sector"},
        {"name", "Điện tử"},
        {"ipc_prefixes", {"H03F 3/00"}}},
       201);
  EXPECT_TRUE(IsProblem(
      Call(Who::kMemberOwn, "POST", "/api/v1/priorities",
           json{{"province_code", "01"}, {"kind", "sector"}, {"name", "X"}, {"keywords", {"abc"}}}
               .dump()),
      403));

  json mine = Body(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use?priorities_of=01"));
  ASSERT_EQ(mine["total"], 2) << mine;
  for (const json& item : mine["items"]) {
    ASSERT_EQ(item["priorities"].size(), 1u) << item;
    const json& p = item["priorities"][0];
    if (item["id"] == coffee) {
      EXPECT_EQ(p["id"], food["id"]);
      EXPECT_EQ(p["by"], json::array({"ipc A23"}));
    } else {
      EXPECT_EQ(item["id"], biogas);
      EXPECT_EQ(p["id"], env["id"]);
      EXPECT_EQ(p["by"], json::array({"keyword nuoc thai chan nuoi"}));  // accent-insensitive
    }
  }
  json one =
      Body(Call(Who::kPublic, "GET",
                "/api/v1/ip/free-to-use?priority=" + std::to_string(food["id"].get<int64_t>())));
  ASSERT_EQ(one["total"], 1);
  EXPECT_EQ(one["items"][0]["id"], coffee);
  // A main group covers its subgroups; Đà Nẵng's electronics finds the circuit.
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use?priorities_of=48"))["total"], 1);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/priorities?province_code=01"))["total"], 2);

  // Bad input: named, nothing written.
  const struct {
    json body;
    std::string field;
  } bad[] = {
      {{{"province_code", "01"}, {"kind", "sector"}, {"name", "X"}}, "ipc_prefixes"},
      {{{"province_code", "01"}, {"kind", "sector"}, {"name", "X"}, {"ipc_prefixes", {"Z99"}}},
       "ipc_prefixes"},
      {{{"province_code", "01"}, {"kind", "sector"}, {"name", "X"}, {"ipc_prefixes", "A23"}},
       "ipc_prefixes"},
      {{{"province_code", "01"}, {"kind", "sector"}, {"name", "X"}, {"keywords", {"a"}}},
       "keywords"},
      {{{"province_code", "01"},
        {"kind", "sector"},
        {"name", "X"},
        {"keywords", {"ok"}},
        {"vsic_codes", {"999"}}},
       "vsic_codes"},
      {{{"province_code", "99"}, {"kind", "sector"}, {"name", "X"}, {"keywords", {"ok"}}},
       "province_code"},
      {{{"province_code", "01"}, {"kind", "dream"}, {"name", "X"}, {"keywords", {"ok"}}}, "kind"},
  };
  for (const auto& c : bad) {
    EXPECT_TRUE(
        IsProblem(Call(Who::kStaff, "POST", "/api/v1/priorities", c.body.dump()), 400, c.field))
        << c.body;
  }
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/priorities"))["total"], 3);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use?priority=abc"), 400));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use?priority=424242"), 404));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/ip/free-to-use?priorities_of=99"), 400));

  // Edit (a keyword added), then delete.
  const std::string path = "/api/v1/priorities/" + std::to_string(food["id"].get<int64_t>());
  json edited = Body(Call(Who::kStaff, "PATCH", path, R"({"keywords": ["biogas"]})"));
  EXPECT_EQ(edited["keywords"], json::array({"biogas"}));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "PATCH", path, R"({"ipc_prefixes": [], "keywords": []})"),
                        400, "ipc_prefixes"));
  ASSERT_EQ(Call(Who::kStaff, "DELETE", path).status, 204);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", path), 404));
}

TEST_F(IpOriginTest, PublishedAssetsAndArticlesAreInTheSearchIndex) {
  json pub = Post(Who::kStaff, "/api/v1/ip/assets",
                  {{"kind", "patent"},
                   {"title", "Thiết bị sấy thanh long bằng năng lượng mặt trời"},
                   {"application_number", "1-2019-00500"},
                   {"filing_date", YearsAgo(6)},
                   {"grant_date", YearsAgo(2)},
                   {"owner_organization_id", seed().org_a},
                   {"classes", {"F26B 3/28"}}},
                  201);
  ASSERT_TRUE(pub["published"].get<bool>()) << pub;
  Post(Who::kMemberOwn, "/api/v1/ip/assets",
       {{"kind", "patent"},
        {"title", "Thiết bị chưng cất tinh dầu quế"},
        {"application_number", "1-2026-00001"},
        {"filing_date", YearsAgo(0)},
        {"owner_organization_id", seed().org_a},
        {"published", false}},
       201);
  json found = Body(Call(Who::kPublic, "GET", "/api/v1/search?q=say%20thanh%20long&type=ip_asset"));
  ASSERT_EQ(found["total"], 1) << found;
  EXPECT_EQ(found["items"][0]["id"], pub["id"]);
  EXPECT_EQ(found["items"][0]["url"], "#/ip/" + std::to_string(pub["id"].get<int64_t>()));
  // The unpublished application is not searchable, not even by staff (the index is public).
  EXPECT_EQ(Body(Call(Who::kStaff, "GET", "/api/v1/search?q=tinh%20dau%20que"))["total"], 0);

  // Articles: published ones only; an edit that unpublishes removes it.
  json art = Post(Who::kStaff, "/api/v1/ip/articles",
                  {{"title", "Đăng ký chỉ dẫn địa lý cho đặc sản địa phương"},
                   {"summary", "Các bước và hồ sơ"},
                   {"body", "Hồ sơ gồm tờ khai, bản mô tả tính chất đặc thù của sản phẩm."},
                   {"published", true}},
                  201);
  json hits = Body(Call(Who::kPublic, "GET", "/api/v1/search?q=chi%20dan%20dia%20ly&type=article"));
  ASSERT_EQ(hits["total"], 1) << hits;
  EXPECT_EQ(hits["items"][0]["url"], "#/ip/articles/" + std::to_string(art["id"].get<int64_t>()));
  ASSERT_EQ(
      Call(Who::kStaff, "PATCH", "/api/v1/ip/articles/" + std::to_string(art["id"].get<int64_t>()),
           R"({"published": false})")
          .status,
      200);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET",
                      "/api/v1/search?q=chi%20dan%20dia%20ly&type=article"))["total"],
            0);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/search?q=x&type=patent"), 400, "type"));
}

}  // namespace
}  // namespace stio::apitest
