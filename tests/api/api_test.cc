// Behaviour of the API over HTTP: reference data, the registry, people, hostile input, bulk import
// and export, sessions, the audit log and the system endpoints.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/api_fixture.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/strings.h"
#include "domain/accounts.h"
#include "domain/registry.h"

namespace stio::apitest {
namespace {

namespace fs = std::filesystem;

std::string UrlEncode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Id(const json& id) { return std::to_string(id.get<int64_t>()); }

// Counts that must not move when a request is refused.
struct Snapshot {
  int64_t audit, organizations, people, certificates, events, users, tokens;
  bool operator==(const Snapshot&) const = default;
};

std::ostream& operator<<(std::ostream& o, const Snapshot& s) {
  return o << "{audit " << s.audit << ", organizations " << s.organizations << ", people "
           << s.people << ", certificates " << s.certificates << ", events " << s.events
           << ", users " << s.users << ", tokens " << s.tokens << "}";
}

std::string CookieValue(const std::string& set_cookie) {
  auto start = set_cookie.find("stio_session=");
  if (start == std::string::npos) return "";
  start += 13;
  return set_cookie.substr(start, set_cookie.find(';', start) - start);
}

class ApiTest : public ApiFixture {
 protected:
  Snapshot Snap() {
    return {AuditCount(),
            Scalar("SELECT COUNT(*) FROM organizations"),
            Scalar("SELECT COUNT(*) FROM people"),
            Scalar("SELECT COUNT(*) FROM st_certificates"),
            Scalar("SELECT COUNT(*) FROM st_certificate_events"),
            Scalar("SELECT COUNT(*) FROM users"),
            Scalar("SELECT COUNT(*) FROM api_tokens")};
  }

  json Ok(const HttpResponse& res, int status = 200) {
    EXPECT_EQ(res.status, status) << res.body.substr(0, 500);
    return Body(res);
  }

  json Units(const std::string& query) {
    return Ok(Call(Who::kPublic, "GET", "/api/v1/admin-units?" + query));
  }

  // Creates an organization as staff over HTTP.
  json CreateOrg(const json& body) {
    return Ok(Call(Who::kStaff, "POST", "/api/v1/organizations", body.dump()), 201);
  }
};

// ---------------------------------------------------------------------------------------------
// Reference data

TEST_F(ApiTest, AdminUnitCountsAndListShape) {
  json p = Units("level=province");
  EXPECT_EQ(p["total"], 34);
  std::set<std::string> keys;
  for (const auto& [k, v] : p.items()) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"items", "total", "limit", "offset"}));
  EXPECT_EQ(p["items"].size(), 34u);
  EXPECT_EQ(p["offset"], 0);
  for (const char* field : {"code", "name", "full_name", "level", "era", "unit_type",
                            "province_code", "name_en", "area_km2", "population", "density"}) {
    EXPECT_TRUE(p["items"][0].contains(field)) << field << " missing: " << p["items"][0];
  }
  EXPECT_EQ(Units("level=commune")["total"], 3321);
  EXPECT_EQ(Units("level=commune&limit=500")["items"].size(), 500u);
  EXPECT_EQ(Units("level=province&era=pre2025")["total"], 63);
  EXPECT_EQ(Units("level=commune&era=pre2025")["total"], 10047);
  json hanoi = Units("level=commune&province_code=01");
  EXPECT_EQ(hanoi["total"], 126);
  for (const json& c : hanoi["items"]) EXPECT_EQ(c["province_code"], "01");
}

TEST_F(ApiTest, ProvinceLineageAndCommunePredecessors) {
  json thanh_hoa = Ok(Call(Who::kPublic, "GET", "/api/v1/admin-units/38"));
  EXPECT_EQ(thanh_hoa["full_name"], "Tỉnh Thanh Hóa");
  EXPECT_TRUE(thanh_hoa["merged_from"].is_array());
  EXPECT_GT(thanh_hoa.value("communes_total", 0), 0);

  json ba_dinh = Ok(Call(Who::kPublic, "GET", "/api/v1/admin-units/00004?level=commune"));
  EXPECT_EQ(ba_dinh["full_name"], "Phường Ba Đình");
  ASSERT_TRUE(ba_dinh["predecessors"].is_array()) << ba_dinh;
  std::set<std::string> old_codes;
  for (const json& p : ba_dinh["predecessors"]) {
    old_codes.insert(p["old_commune_code"]);
    EXPECT_TRUE(p.contains("old_district_name"));
    EXPECT_TRUE(p.contains("merge_type"));
  }
  EXPECT_TRUE(old_codes.count("00004")) << ba_dinh["predecessors"];
  EXPECT_TRUE(old_codes.count("00013")) << ba_dinh["predecessors"];

  // The old commune's side: its successors on the 2025 map.
  json truc_bach =
      Ok(Call(Who::kPublic, "GET", "/api/v1/admin-units/00004?level=commune&era=pre2025"));
  ASSERT_TRUE(truc_bach["successors"].is_array()) << truc_bach;
  EXPECT_FALSE(truc_bach["successors"].empty());

  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/admin-units/99999?level=commune"), 404));
}

TEST_F(ApiTest, ConvertOldCommune) {
  json r = Ok(Call(Who::kPublic, "GET", "/api/v1/admin-units/convert?old_code=00013"));
  ASSERT_EQ(r["items"].size(), 1u) << r;
  EXPECT_EQ(r["items"][0]["new_commune_code"], "00004");
  EXPECT_EQ(r["items"][0]["new_commune_name"], "Phường Ba Đình");
  EXPECT_EQ(r["items"][0]["new_province_code"], "01");
  EXPECT_TRUE(r["items"][0].contains("merge_type"));
  json province =
      Ok(Call(Who::kPublic, "GET", "/api/v1/admin-units/convert?old_code=02&level=province"));
  ASSERT_FALSE(province["items"].empty()) << province;
  EXPECT_EQ(province["items"][0]["new_province_code"], "08");  // Hà Giang went into Tuyên Quang
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/admin-units/convert"), 400, "old_code"));
}

TEST_F(ApiTest, NameSearchIgnoresCaseDiacriticsAndTonePlacement) {
  // "Thanh Hoá" puts the tone on the a (old style), "Thanh Hóa" on the o; NFD decomposes.
  for (const std::string q :
       {"thanh hoa", "Thanh Hoá", "THANH HÓA", "Thanh Hóa", "thanh hoa\xcc\x81"}) {
    SCOPED_TRACE(q);
    json r = Units("level=province&q=" + UrlEncode(q));
    ASSERT_GE(r["total"].get<int>(), 1) << r;
    bool found = false;
    for (const json& u : r["items"]) found = found || u["code"] == "38";
    EXPECT_TRUE(found) << r;
  }
  // Commune names too, and a query that is only punctuation or LIKE wildcards finds nothing odd.
  EXPECT_GE(Units("level=commune&q=" + UrlEncode("ba dinh"))["total"].get<int>(), 1);
  EXPECT_EQ(Units("level=province&q=" + UrlEncode("%_%"))["total"], 0);
  EXPECT_EQ(
      Ok(Call(Who::kPublic, "GET", "/api/v1/organizations?q=" + UrlEncode("' OR 1=1 --")))["total"],
      0);
}

TEST_F(ApiTest, ClassificationsGeoAndStats) {
  json fos = Ok(Call(Who::kPublic, "GET", "/api/v1/reference/fields-of-science"));
  EXPECT_GT(fos["items"].size(), 10u);
  json vsic = Ok(Call(Who::kPublic, "GET", "/api/v1/reference/vsic"));
  EXPECT_GT(vsic["items"].size(), 20u);
  HttpResponse geo = Call(Who::kPublic, "GET", "/api/v1/geo/provinces");
  EXPECT_EQ(geo.status, 200);
  EXPECT_EQ(geo.Header("content-type"), "application/geo+json");
  json fc = Body(geo);
  EXPECT_EQ(fc["type"], "FeatureCollection");
  EXPECT_EQ(fc["features"].size(), 34u);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/geo/provinces-pre2025"))["features"].size(),
            63u);
  json stats = Ok(Call(Who::kPublic, "GET", "/api/v1/stats"));
  EXPECT_EQ(stats["provinces"], 34);
  EXPECT_EQ(stats["communes"], 3321);
  EXPECT_EQ(stats["organizations"], 2);
}

// ---------------------------------------------------------------------------------------------
// Organizations

TEST_F(ApiTest, OrganizationCrudVersionConflictAndSoftDelete) {
  json org = CreateOrg({{"kind", "university"},
                        {"name", "Trường Đại học Hồng Đức"},
                        {"tax_code", "0101243150"},
                        {"province_code", "38"},
                        {"website", "https://hdu.edu.vn"},
                        {"founded_on", "1997-08-24"}});
  ASSERT_TRUE(org["id"].is_number_integer()) << org;
  const std::string path = "/api/v1/organizations/" + Id(org["id"]);
  EXPECT_EQ(org["version"], 1);
  EXPECT_EQ(org["province_name"], "Tỉnh Thanh Hóa");
  EXPECT_TRUE(org["certificate_status"].is_null());
  EXPECT_FALSE(org.contains("match_key"));
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", path))["name"], "Trường Đại học Hồng Đức");

  json v2 = Ok(Call(Who::kStaff, "PATCH", path, R"({"short_name": "HDU", "version": 1})"));
  EXPECT_EQ(v2["version"], 2);
  EXPECT_EQ(v2["short_name"], "HDU");
  EXPECT_EQ(v2["name"], "Trường Đại học Hồng Đức");  // untouched by a partial PATCH

  // Someone else still holds version 1.
  const Snapshot before = Snap();
  EXPECT_TRUE(
      IsProblem(Call(Who::kAdmin, "PATCH", path, R"({"short_name": "X", "version": 1})"), 409));
  EXPECT_EQ(Snap(), before);
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", path))["short_name"], "HDU");

  // The same tax code twice is refused, naming the field.
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/organizations",
                             R"({"kind": "enterprise", "name": "Khác", "tax_code": "0101243150"})"),
                        409, "tax_code"));
  EXPECT_EQ(Snap(), before);

  // Search and filters find it.
  json found = Ok(Call(Who::kPublic, "GET", "/api/v1/organizations?q=" + UrlEncode("hong duc")));
  ASSERT_EQ(found["total"], 1);
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/organizations?kind=university"))["total"], 1);
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/organizations?province_code=38"))["total"], 1);

  EXPECT_EQ(Call(Who::kStaff, "DELETE", path).status, 204);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", path), 404));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "PATCH", path, R"({"short_name": "Y"})"), 404));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "DELETE", path), 404));
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/organizations?kind=university"))["total"], 0);
  // Soft: the row stays, and the audit log has the whole story.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM organizations WHERE id = " + Id(org["id"]) +
                   " AND deleted_at IS NOT NULL"),
            1);
  json audit = Ok(Call(Who::kAdmin, "GET",
                       "/api/v1/audit?entity_type=organization&entity_id=" + Id(org["id"])));
  ASSERT_EQ(audit["total"], 3) << audit;
  const json& items = audit["items"];  // newest first
  EXPECT_EQ(items[0]["action"], "delete");
  EXPECT_EQ(items[0]["before"]["short_name"], "HDU");
  EXPECT_TRUE(items[0]["after"].is_null());
  EXPECT_EQ(items[1]["action"], "update");
  EXPECT_TRUE(items[1]["before"]["short_name"].is_null());
  EXPECT_EQ(items[1]["after"]["short_name"], "HDU");
  EXPECT_EQ(items[2]["action"], "create");
  EXPECT_TRUE(items[2]["before"].is_null());
  EXPECT_EQ(items[2]["after"]["name"], "Trường Đại học Hồng Đức");
  for (const json& e : items) {
    EXPECT_EQ(e["actor_email"], "staff@test.stio");
    EXPECT_TRUE(e["at"].is_string());
  }
  // A deleted organization's tax code may be registered again.
  CreateOrg({{"kind", "university"}, {"name", "Đại học Hồng Đức"}, {"tax_code", "0101243150"}});
}

TEST_F(ApiTest, OrganizationReferencesAreChecked) {
  const Snapshot before = Snap();
  struct Bad {
    json body;
    std::string field;
  } cases[] = {
      {{{"kind", "enterprise"}, {"name", "A"}, {"province_code", "02"}},
       "province_code"},  // gone in 2025
      {{{"kind", "enterprise"}, {"name", "A"}, {"province_code", "38"}, {"commune_code", "00004"}},
       "commune_code"},  // a Hà Nội commune
      {{{"kind", "enterprise"}, {"name", "A"}, {"vsic_code", "04"}},
       "vsic_code"},  // no division 04
      {{{"kind", "enterprise"}, {"name", "A"}, {"vsic_code", "6201x"}}, "vsic_code"},
      {{{"kind", "enterprise"}, {"name", "A"}, {"website", "javascript:alert(1)"}}, "website"},
      {{{"kind", "enterprise"}, {"name", "A"}, {"email", "not-an-email"}}, "email"},
      {{{"kind", "enterprise"}, {"name", "A"}, {"founded_on", "2024-02-30"}}, "founded_on"},
      {{{"kind", "bakery"}, {"name", "A"}}, "kind"},
      {{{"kind", "enterprise"}, {"name", "   "}}, "name"},
      {{{"kind", "enterprise"}}, "name"},
  };
  for (const Bad& b : cases) {
    SCOPED_TRACE(b.body.dump());
    EXPECT_TRUE(
        IsProblem(Call(Who::kStaff, "POST", "/api/v1/organizations", b.body.dump()), 400, b.field));
  }
  EXPECT_EQ(Snap(), before);
}

// ---------------------------------------------------------------------------------------------
// Certificates

TEST_F(ApiTest, CertificateLifecycle) {
  json org = CreateOrg({{"kind", "enterprise"}, {"name", "Công ty TNHH Lúa Vàng"}});
  const std::string org_path = "/api/v1/organizations/" + Id(org["id"]);
  json cert = Ok(Call(Who::kStaff, "POST", org_path + "/certificates",
                      R"({"number": "01/2024/DNKHCN", "issued_on": "2024-01-10",
                          "issuer": "Sở KH&CN Thanh Hóa"})"),
                 201);
  EXPECT_EQ(cert["status"], "active");
  EXPECT_EQ(cert["status_since"], "2024-01-10");
  ASSERT_EQ(cert["events"].size(), 1u);
  EXPECT_EQ(cert["events"][0]["action"], "issue");
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", org_path))["certificate_status"], "active");
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/organizations?certified=true"))["total"], 1);

  const std::string events = "/api/v1/certificates/" + Id(cert["id"]) + "/events";
  auto event = [&](const std::string& action, const std::string& date) {
    return Call(Who::kStaff, "POST", events,
                json{{"action", action}, {"date", date}, {"decision_number", "QĐ-" + date}}.dump());
  };
  EXPECT_EQ(Ok(event("suspend", "2024-02-01"), 201)["status"], "suspended");
  Snapshot before = Snap();
  EXPECT_TRUE(IsProblem(event("suspend", "2024-02-02"), 409));            // already suspended
  EXPECT_TRUE(IsProblem(event("reinstate", "2024-01-20"), 409, "date"));  // before the last event
  EXPECT_EQ(Snap(), before);
  EXPECT_EQ(Ok(event("reinstate", "2024-03-01"), 201)["status"], "active");
  EXPECT_TRUE(IsProblem(event("reinstate", "2024-03-02"), 409));  // not suspended
  EXPECT_EQ(Ok(event("amend", "2024-03-05"), 201)["status"], "active");
  json revoked = Ok(event("revoke", "2024-04-01"), 201);
  EXPECT_EQ(revoked["status"], "revoked");
  EXPECT_EQ(revoked["status_since"], "2024-04-01");
  before = Snap();
  for (const char* action : {"revoke", "reinstate", "suspend", "amend"}) {
    SCOPED_TRACE(action);
    EXPECT_TRUE(IsProblem(event(action, "2024-05-01"), 409));
  }
  EXPECT_TRUE(IsProblem(event("annul", "2024-05-01"), 400, "action"));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/certificates/999999/events",
                             R"({"action": "revoke", "date": "2024-05-01"})"),
                        404));
  EXPECT_EQ(Snap(), before);

  json history = Ok(Call(Who::kPublic, "GET", "/api/v1/certificates/" + Id(cert["id"])));
  std::vector<std::string> actions;
  for (const json& e : history["events"]) actions.push_back(e["action"]);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"issue", "suspend", "reinstate", "amend", "revoke"}));
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", org_path))["certificate_status"], "revoked");
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/certificates?status=revoked"))["total"], 1);
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/certificates?status=active"))["total"], 0);
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "GET", "/api/v1/certificates?status=lost"), 400, "status"));
}

TEST_F(ApiTest, DeletedOrganizationsCertificatesAreReadOnly) {
  json org = CreateOrg({{"kind", "enterprise"}, {"name", "Công ty Giải thể"}});
  json cert =
      Ok(Call(Who::kStaff, "POST", "/api/v1/organizations/" + Id(org["id"]) + "/certificates",
              R"({"number": "5/2022", "issued_on": "2022-05-05"})"),
         201);
  EXPECT_EQ(Call(Who::kStaff, "DELETE", "/api/v1/organizations/" + Id(org["id"])).status, 204);
  const Snapshot before = Snap();
  EXPECT_TRUE(
      IsProblem(Call(Who::kStaff, "POST", "/api/v1/certificates/" + Id(cert["id"]) + "/events",
                     R"({"action": "suspend", "date": "2023-01-01"})"),
                404));
  EXPECT_EQ(Snap(), before);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/certificates/" + Id(cert["id"])), 404));
  EXPECT_TRUE(IsProblem(
      Call(Who::kPublic, "GET", "/api/v1/organizations/" + Id(org["id"]) + "/certificates"), 404));
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/certificates"))["total"], 0);
}

TEST_F(ApiTest, CertificateIssueChecks) {
  json org =
      CreateOrg({{"kind", "enterprise"}, {"name", "Công ty Mới"}, {"founded_on", "2020-05-01"}});
  const std::string path = "/api/v1/organizations/" + Id(org["id"]) + "/certificates";
  Ok(Call(Who::kStaff, "POST", path, R"({"number": "7/2023", "issued_on": "2023-01-01"})"), 201);
  const Snapshot before = Snap();
  EXPECT_TRUE(IsProblem(
      Call(Who::kStaff, "POST", path, R"({"number": "7/2023", "issued_on": "2023-02-01"})"), 409,
      "number"));
  EXPECT_TRUE(IsProblem(
      Call(Who::kStaff, "POST", path, R"({"number": "8/2019", "issued_on": "2019-01-01"})"), 400,
      "issued_on"));  // before the founding
  EXPECT_TRUE(IsProblem(
      Call(Who::kStaff, "POST", path, R"({"number": "9/2999", "issued_on": "2999-01-01"})"), 400,
      "issued_on"));  // in the future
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/organizations/999999/certificates",
                             R"({"number": "10", "issued_on": "2023-01-01"})"),
                        404));
  EXPECT_EQ(Snap(), before);
}

// ---------------------------------------------------------------------------------------------
// People

TEST_F(ApiTest, PersonOrcidIsChecked) {
  json p = Ok(Call(Who::kStaff, "POST", "/api/v1/people",
                   json{{"full_name", "Josiah Carberry"},
                        {"orcid", "https://orcid.org/0000-0002-1825-0097"},
                        {"fields", {"102"}},
                        {"keywords", {"trí tuệ nhân tạo", "học máy"}},
                        {"is_expert", true}}
                       .dump()),
              201);
  EXPECT_EQ(p["orcid"], "0000-0002-1825-0097");
  EXPECT_EQ(p["fields"], json({"102"}));
  const Snapshot before = Snap();
  for (const char* bad : {"0000-0002-1825-0098", "0000-0002-1825-009", "abcd-efgh-ijkl-mnop"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/people",
                               json{{"full_name", "X"}, {"orcid", bad}}.dump()),
                          400, "orcid"));
  }
  // The same ORCID iD twice.
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/people",
                             R"({"full_name": "Y", "orcid": "0000-0002-1825-0097"})"),
                        409, "orcid"));
  EXPECT_TRUE(IsProblem(
      Call(Who::kStaff, "POST", "/api/v1/people", R"({"full_name": "Y", "fields": ["999"]})"), 400,
      "fields"));
  EXPECT_EQ(Snap(), before);
  // Experts are found by keyword and by field.
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/people?expert=true&field=1"))["total"], 1);
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/people?q=" + UrlEncode("học máy")))["total"], 1);
}

TEST_F(ApiTest, ContactDetailsShownOnlyToThoseAllowed) {
  json p = Ok(Call(Who::kMemberOwn, "POST", "/api/v1/people",
                   json{{"full_name", "Phạm Thị Liên"},
                        {"organization_id", seed().org_a},
                        {"email", "lien@saomai.example.vn"},
                        {"phone", "0912 345 678"}}
                       .dump()),
              201);
  const std::string path = "/api/v1/people/" + Id(p["id"]);
  EXPECT_EQ(p["email"], "lien@saomai.example.vn");  // the member sees what they wrote
  for (Who who : kEveryone) {
    SCOPED_TRACE(WhoName(who));
    json got = Ok(Call(who, "GET", path));
    json listed =
        Ok(Call(who, "GET", "/api/v1/people?organization_id=" + std::to_string(seed().org_a)));
    ASSERT_EQ(listed["items"].size(), 1u);
    const bool sees = who == Who::kStaff || who == Who::kAdmin || who == Who::kMemberOwn;
    for (const json& j : {got, listed["items"][0]}) {
      if (sees) {
        EXPECT_EQ(j["email"], "lien@saomai.example.vn");
        EXPECT_TRUE(j["phone"].is_string());
        EXPECT_FALSE(j.value("contact_hidden", false));
      } else {
        EXPECT_FALSE(j.contains("email")) << j;
        EXPECT_FALSE(j.contains("phone")) << j;
        EXPECT_EQ(j["contact_hidden"], true);
      }
    }
  }
  // Nor does the export leak them (it is staff-only anyway) or the audit (admin-only).
  Ok(Call(Who::kMemberOwn, "PATCH", path, R"({"contact_public": true})"));
  for (Who who : {Who::kPublic, Who::kMemberOther, Who::kReviewer}) {
    SCOPED_TRACE(WhoName(who));
    EXPECT_EQ(Ok(Call(who, "GET", path))["email"], "lien@saomai.example.vn");
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile input: every refusal is a problem naming the field, and nothing is written.

TEST_F(ApiTest, BadInputIsRefusedAndNothingIsWritten) {
  const Snapshot before = Snap();
  const std::string orgs = "/api/v1/organizations";
  const std::string a = orgs + "/" + std::to_string(seed().org_a);
  struct Bad {
    std::string method, path, body, field;
    int status;
  } cases[] = {
      {"POST", orgs, R"({"kind": "enterprise", "name": )", "", 400},
      {"POST", orgs, R"({"kind": "enterprise", "name": "A"} trailing)", "", 400},
      {"POST", orgs, "", "", 400},
      {"POST", orgs, R"(["kind", "enterprise"])", "", 400},
      {"POST", orgs, R"("just a string")", "", 400},
      {"POST", orgs, R"({"kind": "enterprise", "name": 123})", "name", 400},
      {"POST", orgs, R"({"kind": "enterprise", "name": ["A"]})", "name", 400},
      {"POST", orgs, R"({"kind": "enterprise", "name": {"vi": "A"}})", "name", 400},
      {"POST", orgs, R"({"kind": true, "name": "A"})", "kind", 400},
      {"POST", orgs, R"({"kind": "enterprise", "name": "A", "ceo": "B"})", "ceo", 400},
      {"POST", orgs, R"({"kind": "enterprise", "name": "A", "id": 5})", "id", 400},
      {"POST", orgs, "{\"kind\": \"enterprise\", \"name\": \"A\xff\xfe\"}", "", 400},
      {"POST", orgs, "{\"kind\": \"enterprise\", \"name\": \"\xc3\x28\"}", "", 400},
      {"POST", orgs, "{\"kind\": \"enterprise\", \"name\": \"\xed\xa0\x80\"}", "", 400},
      {"POST", orgs, R"({"kind": "enterprise", "name": "A\u0000B"})", "name", 400},
      {"POST", orgs, R"({"kind": "enterprise", "name": "A\u0007B"})", "name", 400},
      {"POST", orgs, R"({"kind": "enterprise", "name": "A", "tax_code": "0100109107"})", "tax_code",
       400},
      {"POST", orgs, R"({"kind": "enterprise", "name": "A", "tax_code": "01001091"})", "tax_code",
       400},
      {"POST", orgs, R"({"kind": "enterprise", "name": "A", "tax_code": 100109106})", "tax_code",
       400},
      {"POST", orgs, json{{"kind", "enterprise"}, {"name", std::string(301, 'x')}}.dump(), "name",
       400},
      {"PATCH", a, R"({"version": "1"})", "version", 400},
      {"PATCH", a, R"({"name": null})", "name", 400},
      {"PATCH", a, R"({"name": ""})", "name", 400},
      {"PATCH", a, R"({"kind": "enterprise", "unknown": 1})", "unknown", 400},
      {"PATCH", a, R"({"version": 99})", "", 409},
      {"POST", "/api/v1/people", R"({"full_name": "A", "orcid": "0000-0002-1825-0098"})", "orcid",
       400},
      {"POST", "/api/v1/people", R"({"full_name": "A", "is_expert": "yes"})", "is_expert", 400},
      {"POST", "/api/v1/people", R"({"full_name": "A", "fields": "102"})", "fields", 400},
      {"POST", "/api/v1/people", R"({"full_name": "A", "organization_id": "1"})", "organization_id",
       400},
      {"POST", "/api/v1/people", R"({"full_name": "A", "organization_id": 999999})",
       "organization_id", 400},
      {"POST", "/api/v1/people", R"({"full_name": "A", "phone": "call me"})", "phone", 400},
      {"POST", "/api/v1/users", R"({"email": "x@y.vn", "role": "god", "password": "0123456789"})",
       "role", 400},
      {"POST", "/api/v1/users", R"({"email": "x@y.vn", "role": "staff", "password": "short"})",
       "password", 400},
      {"POST", "/api/v1/users",
       R"({"email": "x@y.vn", "role": "member", "password": "0123456789"})", "organization_id",
       400},
      {"POST", "/api/v1/users",
       R"({"email": "admin@test.stio", "role": "staff", "password": "0123456789"})", "email", 409},
      {"POST", "/api/v1/tokens", R"({"name": "a", "scope": "all"})", "scope", 400},
      {"PATCH", "/api/v1/users/" + std::to_string(seed().user_id.at(Who::kAdmin)),
       R"({"role": "staff"})", "role", 409},
      {"PATCH", "/api/v1/users/" + std::to_string(seed().user_id.at(Who::kAdmin)),
       R"({"disabled": true})", "disabled", 409},
      {"GET", orgs + "?limit=abc", "", "limit", 400},
      {"GET", orgs + "?limit=0", "", "limit", 400},
      {"GET", orgs + "?limit=501", "", "limit", 400},
      {"GET", orgs + "?offset=-1", "", "offset", 400},
      {"GET", orgs + "?sort=password_hash", "", "sort", 400},
      {"GET", orgs + "?certified=maybe", "", "certified", 400},
      {"GET", "/api/v1/people?organization_id=x", "", "organization_id", 400},
      {"GET", orgs + "/abc", "", "", 404},
      {"GET", orgs + "/-1", "", "", 404},
      {"GET", orgs + "/99999999999999999999999", "", "", 404},
      {"GET", "/api/v1/nope", "", "", 404},
      {"GET", "/api/v2/organizations", "", "", 404},
      {"PUT", orgs, R"({"kind": "enterprise", "name": "A"})", "", 405},
      {"DELETE", orgs, "", "", 405},
      {"POST", "/api/v1/stats", "{}", "", 405},
      {"POST", "/api/v1/import/users?format=csv", "email\r\nx@y.vn\r\n", "entity", 400},
      {"POST", "/api/v1/import/organizations?format=xml", "<x/>", "format", 400},
      {"GET", "/api/v1/export/users", "", "entity", 400},
  };
  for (const Bad& b : cases) {
    SCOPED_TRACE(b.method + " " + b.path + " " + b.body.substr(0, 80));
    const Who who = StartsWith(b.path, "/api/v1/users") ? Who::kAdmin : Who::kStaff;
    EXPECT_TRUE(IsProblem(Call(who, b.method, b.path, b.body), b.status, b.field));
  }
  EXPECT_EQ(Snap(), before);
  // Still alive and well.
  EXPECT_EQ(Call(Who::kPublic, "GET", "/healthz").status, 200);
}

TEST_F(ApiTest, OversizedBodyIs413) {
  const Snapshot before = Snap();
  std::string big = R"({"kind": "enterprise", "name": "A", "description": ")";
  big += std::string(9 << 20, 'x');
  big += "\"}";
  auto res = http().Post("/api/v1/organizations", big, As(Who::kStaff));
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_TRUE(IsProblem(*res, 413));
  EXPECT_EQ(Snap(), before);
  // Just under the limit reaches the handler, which refuses the overlong field instead.
  std::string large = R"({"kind": "enterprise", "name": "A", "description": ")";
  large += std::string(1 << 20, 'x');
  large += "\"}";
  EXPECT_TRUE(
      IsProblem(Call(Who::kStaff, "POST", "/api/v1/organizations", large), 400, "description"));
  EXPECT_EQ(Snap(), before);
}

TEST_F(ApiTest, DeeplyNestedAndOddJsonIsRefused) {
  const Snapshot before = Snap();
  const int depth = 200000;
  std::string nested = std::string(depth, '[') + std::string(depth, ']');
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/organizations", nested), 400));
  std::string objects;
  for (int i = 0; i < depth / 10; ++i) objects += "{\"a\":";
  objects += "1" + std::string(depth / 10, '}');
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/organizations", objects), 400));
  EXPECT_TRUE(
      IsProblem(Call(Who::kStaff, "POST", "/api/v1/organizations", std::string(depth, '[')), 400));
  const std::string a = "/api/v1/organizations/" + std::to_string(seed().org_a);
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "PATCH", a, R"({"version": 1e400})"), 400));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "PATCH", a, R"({"version": 1.5})"), 400, "version"));
  EXPECT_TRUE(IsProblem(
      Call(Who::kStaff, "POST", "/api/v1/import/people?format=json", R"([{"full_name": 1e400}])"),
      400));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/import/people?format=json", nested),
                        422));  // an item that is not an object
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/people",
                             R"({"full_name": "A", "organization_id": 18446744073709551615})"),
                        400, "organization_id"));
  EXPECT_TRUE(IsProblem(
      Call(Who::kStaff, "POST", "/api/v1/people", R"({"full_name": "A", "keywords": [1, 2]})"), 400,
      "keywords"));
  EXPECT_EQ(Snap(), before);
  EXPECT_EQ(Call(Who::kPublic, "GET", "/healthz").status, 200);
}

// Garbage in query strings never makes a server error.
TEST_F(ApiTest, HostileQueryStringsAreNever5xx) {
  const std::string garbage[] = {"%FF%FE",
                                 "%C3",
                                 "%ED%A0%80",
                                 "%00",
                                 "%25%5F%5C",
                                 "'%3B%20DROP%20TABLE%20organizations%3B--",
                                 std::string(3000, 'a')};
  const std::string lists[] = {"/api/v1/organizations?q=",
                               "/api/v1/organizations?kind=",
                               "/api/v1/organizations?vsic=",
                               "/api/v1/organizations?sort=",
                               "/api/v1/people?q=",
                               "/api/v1/people?field=",
                               "/api/v1/admin-units?q=",
                               "/api/v1/admin-units?level=",
                               "/api/v1/admin-units?era=",
                               "/api/v1/admin-units/convert?old_code=",
                               "/api/v1/certificates?province_code=",
                               "/api/v1/search?q=",
                               "/api/v1/audit?since=",
                               "/api/v1/audit?entity_id="};
  for (const std::string& list : lists) {
    for (const std::string& g : garbage) {
      SCOPED_TRACE(list + g.substr(0, 40));
      HttpResponse r = Call(Who::kAdmin, "GET", list + g);
      EXPECT_GT(r.status, 0);
      EXPECT_LT(r.status, 500) << r.body.substr(0, 300);
      if (r.status >= 400) {
        EXPECT_TRUE(IsProblem(r, r.status));
      }
    }
  }
  for (const std::string& g : garbage) {
    HttpResponse r = Call(Who::kPublic, "GET", "/api/v1/admin-units/" + g);
    EXPECT_LT(r.status, 500) << g.substr(0, 40) << ": " << r.body.substr(0, 300);
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM organizations"), 2);
}

TEST_F(ApiTest, PagingAndSorting) {
  for (const char* name : {"Bình Minh", "An Phát", "Cường Thịnh"}) {
    CreateOrg({{"kind", "startup"}, {"name", name}});
  }
  auto names = [&](const std::string& query) {
    std::vector<std::string> out;
    json r = Ok(Call(Who::kPublic, "GET", "/api/v1/organizations?kind=startup&" + query));
    for (const json& o : r["items"]) out.push_back(o["name"]);
    EXPECT_EQ(r["total"], 3);
    return out;
  };
  EXPECT_EQ(names("sort=name"), (std::vector<std::string>{"An Phát", "Bình Minh", "Cường Thịnh"}));
  EXPECT_EQ(names("sort=-name"), (std::vector<std::string>{"Cường Thịnh", "Bình Minh", "An Phát"}));
  EXPECT_EQ(names("sort=name&limit=1&offset=1"), (std::vector<std::string>{"Bình Minh"}));
  EXPECT_EQ(names("sort=name&offset=5"), (std::vector<std::string>{}));
  json page = Ok(Call(Who::kPublic, "GET", "/api/v1/organizations?limit=2&offset=1"));
  EXPECT_EQ(page["limit"], 2);
  EXPECT_EQ(page["offset"], 1);
}

// ---------------------------------------------------------------------------------------------
// Import and export

TEST_F(ApiTest, CsvImportRejectsTheWholeFileAndReportsEveryBadRow) {
  const Snapshot before = Snap();
  const std::string csv =
      "kind,name,tax_code,province_code\r\n"
      "enterprise,Công ty Một,,01\r\n"
      "enterprise,Công ty Hai,0100109107,01\r\n"  // line 3: bad check digit
      "university,\"Trường Ba, Cơ sở 2\",,38\r\n"
      "bakery,Tiệm Bốn,,01\r\n"  // line 5: unknown kind
      "startup,Công ty Năm,,\r\n";
  HttpResponse res = Call(Who::kStaff, "POST", "/api/v1/import/organizations?format=csv", csv,
                          {{"Content-Type", "text/csv"}});
  ASSERT_TRUE(IsProblem(res, 422));
  json body = Body(res);
  EXPECT_EQ(body["inserted"], 0);
  ASSERT_EQ(body["errors"].size(), 2u) << body;
  EXPECT_EQ(body["errors"][0]["line"], 3);
  EXPECT_EQ(body["errors"][0]["column"], "tax_code");
  EXPECT_FALSE(body["errors"][0]["message"].get<std::string>().empty());
  EXPECT_EQ(body["errors"][1]["line"], 5);
  EXPECT_EQ(body["errors"][1]["column"], "kind");
  EXPECT_EQ(Snap(), before);

  // A wrong header, or a short row, is reported too.
  res = Call(Who::kStaff, "POST", "/api/v1/import/organizations",
             "kind,name,ceo\r\nenterprise,A,B\r\n", {{"Content-Type", "text/csv"}});
  ASSERT_TRUE(IsProblem(res, 422));
  EXPECT_EQ(Body(res)["errors"][0]["column"], "ceo");
  res = Call(Who::kStaff, "POST", "/api/v1/import/organizations",
             "kind,name\r\nenterprise,A\r\nenterprise\r\n", {{"Content-Type", "text/csv"}});
  ASSERT_TRUE(IsProblem(res, 422));
  EXPECT_EQ(Body(res)["errors"][0]["line"], 3);
  // Not even CSV: an unterminated quote, invalid UTF-8.
  for (const std::string bad :
       {"kind,name\r\nenterprise,\"open", "kind,name\r\nenterprise,\xff\r\n"}) {
    SCOPED_TRACE(bad);
    HttpResponse r = Call(Who::kStaff, "POST", "/api/v1/import/organizations", bad,
                          {{"Content-Type", "text/csv"}});
    EXPECT_TRUE(IsProblem(r, 400) || IsProblem(r, 422)) << r.status << " " << r.body;
  }
  EXPECT_EQ(Snap(), before);
}

// Regression: an empty upload was answered 200 {"inserted": 0}; it is a mistake, not an import.
TEST_F(ApiTest, EmptyImportIsRefused) {
  const Snapshot before = Snap();
  for (const std::string body : {"", "  \r\n", "\xEF\xBB\xBF"}) {
    HttpResponse res = Call(Who::kStaff, "POST", "/api/v1/import/organizations?format=csv", body,
                            {{"Content-Type", "text/csv"}});
    EXPECT_TRUE(IsProblem(res, 400)) << res.status << " " << res.body;
  }
  EXPECT_EQ(Snap(), before);
}

// Regression: 405 answers lacked the Allow header that RFC 9110 requires.
TEST_F(ApiTest, MethodNotAllowedListsTheAllowedMethods) {
  HttpResponse res = Call(Who::kPublic, "DELETE", "/api/v1/stats");
  ASSERT_TRUE(IsProblem(res, 405));
  EXPECT_EQ(res.headers["allow"], "GET");
  res = Call(Who::kStaff, "PUT", "/api/v1/organizations/1", "{}");
  ASSERT_TRUE(IsProblem(res, 405));
  EXPECT_EQ(res.headers["allow"], "GET, PATCH, DELETE");
}

TEST_F(ApiTest, CsvImportAsExcelSavesIt) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "kind,name,tax_code,province_code,description\r\n"
      "enterprise,Công ty Một,0101243150,01,\"Dòng một\r\nDòng hai\"\r\n"
      "university,\"Trường Ba, Cơ sở 2\",,38,\"Có \"\"ngoặc kép\"\"\"\r\n"
      "startup,Công ty Năm,,,\r\n";
  const int64_t audit = AuditCount();
  json r = Ok(Call(Who::kStaff, "POST", "/api/v1/import/organizations?format=csv", csv,
                   {{"Content-Type", "text/csv"}}));
  EXPECT_EQ(r["inserted"], 3);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM organizations WHERE deleted_at IS NULL"), 5);
  EXPECT_EQ(AuditCount(), audit + 3);  // each row is audited like a single create
  json one = Ok(Call(Who::kPublic, "GET", "/api/v1/organizations?q=" + UrlEncode("cong ty mot")));
  ASSERT_EQ(one["total"], 1);
  EXPECT_EQ(one["items"][0]["kind"], "enterprise");  // not "\xEF\xBB\xBFkind"
  EXPECT_EQ(one["items"][0]["description"], "Dòng một\r\nDòng hai");
  json three = Ok(Call(Who::kPublic, "GET", "/api/v1/organizations?q=" + UrlEncode("co so 2")));
  ASSERT_EQ(three["total"], 1);
  EXPECT_EQ(three["items"][0]["name"], "Trường Ba, Cơ sở 2");
  EXPECT_EQ(three["items"][0]["description"], "Có \"ngoặc kép\"");
}

TEST_F(ApiTest, JsonImport) {
  json people =
      json::array({{{"full_name", "Hoàng Văn An"}, {"organization_id", seed().org_a}},
                   {{"full_name", "Đỗ Thị Bình"}, {"is_expert", true}, {"fields", {"1"}}}});
  json r = Ok(Call(Who::kStaff, "POST", "/api/v1/import/people?format=json", people.dump()));
  EXPECT_EQ(r["inserted"], 2);
  json wrapped = {{"items", json::array({{{"full_name", "Vũ Văn Cường"}}, {{"full_name", 5}}})}};
  const Snapshot before = Snap();
  HttpResponse bad = Call(Who::kStaff, "POST", "/api/v1/import/people?format=json", wrapped.dump());
  ASSERT_TRUE(IsProblem(bad, 422));
  ASSERT_EQ(Body(bad)["errors"].size(), 1u);
  EXPECT_EQ(Body(bad)["errors"][0]["line"], 2);
  EXPECT_EQ(Body(bad)["errors"][0]["column"], "full_name");
  EXPECT_TRUE(
      IsProblem(Call(Who::kStaff, "POST", "/api/v1/import/people?format=json", "{\"x\": 1}"), 400));
  EXPECT_EQ(Snap(), before);
}

TEST_F(ApiTest, ExportRoundTripsThroughImportOnAFreshDatabase) {
  CreateOrg({{"kind", "enterprise"},
             {"name", "Công ty \"Ngoặc\", Dấu phẩy"},
             {"tax_code", "0101243150-001"},
             {"province_code", "38"},
             {"phone", "+84 912 345 678"},
             {"email", "lh@example.vn"},
             {"founded_on", "2001-02-03"},
             {"description", "=SUM(A1:A2)\nDòng hai; có chấm phẩy"}});
  HttpResponse csv = Call(Who::kStaff, "GET", "/api/v1/export/organizations?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("content-type").rfind("text/csv", 0), 0u);
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF", 0), 0u) << "no BOM for Excel";
  HttpResponse exported_json = Call(Who::kStaff, "GET", "/api/v1/export/organizations?format=json");
  ASSERT_EQ(exported_json.status, 200);
  json original = Body(exported_json);
  ASSERT_EQ(original.size(), 3u);

  // A second, empty database with its own API.
  const std::string dir2 = dir() + "/fresh";
  fs::create_directories(dir2);
  ServedApi fresh;
  api::ApiOptions options;
  options.data_dir = DataDir();
  ASSERT_TRUE(fresh.Start(seed().dir + "/" + seed().empty_file, dir2, options).ok());
  json token;
  Status s =
      storage::WithTransaction(fresh.db(), storage::TxMode::kWrite, [&](storage::Transaction& tx) {
        const domain::Actor system = domain::Actor::System("api-test");
        STIO_ASSIGN_OR_RETURN(json u, domain::CreateUser(tx, system, Clock::Real(),
                                                         {{"email", "staff@fresh.stio"},
                                                          {"role", "staff"},
                                                          {"password", "mat-khau-du-dai"}}));
        STIO_ASSIGN_OR_RETURN(token, domain::CreateToken(tx, system, Clock::Real(), u["id"], "t"));
        return Status::Ok();
      });
  ASSERT_TRUE(s.ok()) << s.ToString();
  HttpClient client2("127.0.0.1", fresh.port());
  const HttpHeaders auth = {{"Authorization", "Bearer " + token["token"].get<std::string>()},
                            {"Content-Type", "text/csv"}};
  auto imported = client2.Post("/api/v1/import/organizations?format=csv", csv.body, auth);
  ASSERT_TRUE(imported.ok());
  ASSERT_EQ(imported->status, 200) << imported->body;
  EXPECT_EQ(Body(*imported)["inserted"], 3);
  auto again = client2.Get("/api/v1/export/organizations?format=json", auth);
  ASSERT_TRUE(again.ok());
  json copy = Body(*again);
  ASSERT_EQ(copy.size(), original.size());
  for (size_t i = 0; i < copy.size(); ++i) {
    for (const char* f :
         {"kind", "name", "name_en", "short_name", "tax_code", "vsic_code", "province_code",
          "commune_code", "address", "website", "email", "phone", "founded_on", "description"}) {
      EXPECT_EQ(copy[i][f], original[i][f]) << f << " of " << original[i]["name"];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sessions

TEST_F(ApiTest, SessionCookieCsrfAndLogout) {
  const std::string login =
      json{{"email", seed().email.at(Who::kMemberOwn)}, {"password", seed().password}}.dump();
  HttpResponse res = Call(Who::kPublic, "POST", "/api/v1/auth/login", login);
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string set_cookie = res.Header("set-cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("Path=/"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain http: no Secure";
  const std::string session = CookieValue(set_cookie);
  ASSERT_GE(session.size(), 32u);
  json body = Body(res);
  const std::string csrf = body["csrf_token"];
  EXPECT_GE(csrf.size(), 32u);
  EXPECT_EQ(body["user"]["email"], seed().email.at(Who::kMemberOwn));
  EXPECT_FALSE(body["user"].contains("password_hash"));
  EXPECT_EQ(res.body.find(session), std::string::npos) << "the session token is only in the cookie";

  const HttpHeaders cookie = {{"Cookie", "stio_session=" + session}};
  json me = Ok(Call(Who::kPublic, "GET", "/api/v1/auth/me", "", cookie));
  EXPECT_EQ(me["user"]["role"], "member");
  EXPECT_EQ(me["csrf_token"], csrf);

  const std::string patch = "/api/v1/organizations/" + std::to_string(seed().org_a);
  const Snapshot before = Snap();
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "PATCH", patch, R"({"short_name": "SM"})", cookie), 403));
  HttpHeaders wrong = cookie;
  wrong["X-CSRF-Token"] = csrf.substr(1) + "x";
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "PATCH", patch, R"({"short_name": "SM"})", wrong), 403));
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "POST", "/api/v1/tokens", R"({"name": "x"})", cookie), 403));
  EXPECT_EQ(Snap(), before);
  HttpHeaders right = cookie;
  right["X-CSRF-Token"] = csrf;
  EXPECT_EQ(Ok(Call(Who::kPublic, "PATCH", patch, R"({"short_name": "SM"})", right))["short_name"],
            "SM");
  // Bearer tokens need no CSRF token.
  EXPECT_EQ(Call(Who::kMemberOwn, "PATCH", patch, R"({"short_name": "SM2"})").status, 200);

  // Logout ends the session, and the old cookie is worth nothing.
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", "/api/v1/auth/logout", "{}", cookie), 403))
      << "logout is a write: CSRF applies";
  HttpResponse out = Call(Who::kPublic, "POST", "/api/v1/auth/logout", "{}", right);
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/auth/me", "", cookie), 401));
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "PATCH", patch, R"({"short_name": "SM3"})", right), 401));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sessions"), 0);
}

TEST_F(ApiTest, WrongPasswordAndTooManyFailures) {
  const std::string email = seed().email.at(Who::kReviewer);
  auto login = [&](const std::string& password) {
    return Call(Who::kPublic, "POST", "/api/v1/auth/login",
                json{{"email", email}, {"password", password}}.dump());
  };
  HttpResponse wrong = login("not-the-password");
  EXPECT_TRUE(IsProblem(wrong, 401));
  HttpResponse nobody = Call(Who::kPublic, "POST", "/api/v1/auth/login",
                             R"({"email": "nobody@test.stio", "password": "whatever-1"})");
  EXPECT_TRUE(IsProblem(nobody, 401));
  EXPECT_EQ(Body(wrong)["detail"], Body(nobody)["detail"]) << "no account enumeration";
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", "/api/v1/auth/login", R"({"email": 1})"), 400));
  // Failures count per address (and per e-mail): 2 so far, 8 more are still answered 401.
  for (int i = 3; i <= 10; ++i)
    EXPECT_TRUE(IsProblem(login("wrong-" + std::to_string(i)), 401)) << i;
  // Past 10 failures every attempt is refused before the password is checked, right or wrong.
  EXPECT_TRUE(IsProblem(login("wrong-11"), 429));
  EXPECT_TRUE(IsProblem(login(seed().password), 429));
  EXPECT_TRUE(IsProblem(
      Call(Who::kPublic, "POST", "/api/v1/auth/login",
           json{{"email", seed().email.at(Who::kStaff)}, {"password", seed().password}}.dump()),
      429));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sessions"), 0);
}

TEST_F(ApiTest, AccountEmailsIgnoreCase) {
  json u = Ok(Call(Who::kAdmin, "POST", "/api/v1/users",
                   R"({"email": "Tran.Thi.Mai@SoKHCN.Example.VN", "role": "reviewer",
                       "display_name": "Trần Thị Mai", "password": "mat-khau-cua-mai"})"),
              201);
  EXPECT_EQ(u["email"], "tran.thi.mai@sokhcn.example.vn");
  EXPECT_FALSE(u.contains("password_hash"));
  // She signs in however she types it.
  HttpResponse in =
      Call(Who::kPublic, "POST", "/api/v1/auth/login",
           R"({"email": "Tran.Thi.Mai@SoKHCN.Example.VN", "password": "mat-khau-cua-mai"})");
  EXPECT_EQ(in.status, 200) << in.body;
  // And there is only one of her.
  EXPECT_TRUE(IsProblem(Call(Who::kAdmin, "POST", "/api/v1/users",
                             R"({"email": "tran.thi.mai@sokhcn.example.vn", "role": "staff",
                                 "password": "mat-khau-khac-1"})"),
                        409, "email"));
}

TEST_F(ApiTest, NewPasswordOrDisablingEndsSessions) {
  const std::string email = seed().email.at(Who::kStaff);
  HttpResponse in = Call(Who::kPublic, "POST", "/api/v1/auth/login",
                         json{{"email", email}, {"password", seed().password}}.dump());
  ASSERT_EQ(in.status, 200);
  const HttpHeaders cookie = {{"Cookie", "stio_session=" + CookieValue(in.Header("set-cookie"))}};
  EXPECT_EQ(Call(Who::kPublic, "GET", "/api/v1/auth/me", "", cookie).status, 200);
  // Signing in again while holding a cookie needs no CSRF token (login is exempt).
  EXPECT_EQ(Call(Who::kPublic, "POST", "/api/v1/auth/login",
                 json{{"email", email}, {"password", seed().password}}.dump(), cookie)
                .status,
            200);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sessions"), 2);
  Ok(Call(Who::kAdmin, "PATCH", "/api/v1/users/" + std::to_string(seed().user_id.at(Who::kStaff)),
          R"({"password": "mot-mat-khau-moi"})"));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sessions"), 0);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/auth/me", "", cookie), 401));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", "/api/v1/auth/login",
                             json{{"email", email}, {"password", seed().password}}.dump()),
                        401));
  // A role change takes effect at the next request, for tokens too.
  EXPECT_EQ(Call(Who::kStaff, "GET", "/api/v1/export/people").status, 200);
  Ok(Call(Who::kAdmin, "PATCH", "/api/v1/users/" + std::to_string(seed().user_id.at(Who::kStaff)),
          R"({"role": "reviewer"})"));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "GET", "/api/v1/export/people"), 403));
}

// ---------------------------------------------------------------------------------------------
// Audit

TEST_F(ApiTest, AuditLogIsAdminOnlyAndAppendOnly) {
  for (Who who : {Who::kPublic, Who::kMemberOwn, Who::kReviewer, Who::kStaff}) {
    SCOPED_TRACE(WhoName(who));
    EXPECT_TRUE(IsProblem(Call(who, "GET", "/api/v1/audit"), who == Who::kPublic ? 401 : 403));
  }
  json p = Ok(Call(Who::kStaff, "POST", "/api/v1/people", R"({"full_name": "Bùi Văn Dũng"})"), 201);
  Ok(Call(Who::kStaff, "PATCH", "/api/v1/people/" + Id(p["id"]), R"({"title": "PGS.TS."})"));
  json token = Ok(Call(Who::kReviewer, "POST", "/api/v1/tokens", R"({"name": "ci"})"), 201);
  json audit = Ok(Call(Who::kAdmin, "GET", "/api/v1/audit?limit=3"));
  ASSERT_EQ(audit["items"].size(), 3u);
  EXPECT_EQ(audit["items"][0]["entity_type"], "api_token");
  EXPECT_EQ(audit["items"][0]["actor_email"], "reviewer@test.stio");
  EXPECT_EQ(audit["items"][0]["after"]["name"], "ci");
  EXPECT_EQ(audit["items"][0].dump().find(token["token"].get<std::string>()), std::string::npos)
      << "the token itself is never logged";
  EXPECT_EQ(audit["items"][1]["action"], "update");
  EXPECT_TRUE(audit["items"][1]["before"]["title"].is_null());
  EXPECT_EQ(audit["items"][1]["after"]["title"], "PGS.TS.");
  EXPECT_EQ(audit["items"][2]["action"], "create");
  EXPECT_EQ(Ok(Call(Who::kAdmin, "GET", "/api/v1/audit?actor=staff@test.stio"))["total"], 2);
  EXPECT_EQ(Ok(Call(Who::kAdmin, "GET", "/api/v1/audit?entity_type=person&action=update"))["total"],
            1);
  // User changes are audited without the password.
  Ok(Call(Who::kAdmin, "PATCH", "/api/v1/users/" + std::to_string(seed().user_id.at(Who::kStaff)),
          R"({"password": "mot-mat-khau-moi"})"));
  json u = Ok(Call(Who::kAdmin, "GET", "/api/v1/audit?entity_type=user&limit=1"));
  EXPECT_EQ(u["items"][0]["after"]["password_changed"], true);
  EXPECT_EQ(u["items"][0].dump().find("argon2"), std::string::npos);
  EXPECT_EQ(u["items"][0].dump().find("mot-mat-khau-moi"), std::string::npos);

  // The table itself refuses to be rewritten.
  const int64_t n = AuditCount();
  for (const char* sql : {"UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log",
                          "DELETE FROM audit_log WHERE id = 1"}) {
    SCOPED_TRACE(sql);
    Status s = storage::WithTransaction(
        db(), storage::TxMode::kWrite,
        [&](storage::Transaction& tx) { return tx.Execute(sql).status(); });
    EXPECT_FALSE(s.ok());
  }
  EXPECT_EQ(AuditCount(), n);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'nothing'"), 0);
}

// ---------------------------------------------------------------------------------------------
// System

TEST_F(ApiTest, HealthAndMetrics) {
  json health = Ok(Call(Who::kPublic, "GET", "/healthz"));
  EXPECT_EQ(health["status"], "ok");
  Call(Who::kPublic, "GET", "/api/v1/stats");
  Call(Who::kPublic, "GET", "/api/v1/organizations/123456");
  HttpResponse m = Call(Who::kPublic, "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.Header("content-type").rfind("text/plain", 0), 0u);
  EXPECT_NE(m.body.find("# TYPE stio_http_requests_total counter"), std::string::npos);
  EXPECT_NE(
      m.body.find(
          "stio_http_requests_total{method=\"GET\",route=\"/api/v1/stats\",status=\"200\"} 1"),
      std::string::npos)
      << m.body;
  // Routes are labelled by pattern, not by the raw path (bounded label cardinality).
  EXPECT_NE(m.body.find("route=\"/api/v1/organizations/{id}\",status=\"404\""), std::string::npos);
  EXPECT_EQ(m.body.find("123456"), std::string::npos);
  EXPECT_NE(m.body.find("stio_http_request_duration_seconds_count"), std::string::npos);
  EXPECT_NE(m.body.find("stio_registry_records{entity=\"organizations\"} 2"), std::string::npos);
  EXPECT_EQ(m.Header("x-content-type-options"), "nosniff");
}

TEST_F(ApiTest, AuditDateFilters) {
  CreateOrg({{"kind", "other"}, {"name", "Hội Khoa học"}});
  const int64_t all = Ok(Call(Who::kAdmin, "GET", "/api/v1/audit"))["total"];
  ASSERT_GT(all, 0);
  const std::string today = FormatDate(Clock::Real().Now());
  // `until` is an inclusive date: today's entries are in.
  EXPECT_EQ(Ok(Call(Who::kAdmin, "GET", "/api/v1/audit?until=" + today))["total"], all);
  EXPECT_EQ(Ok(Call(Who::kAdmin, "GET", "/api/v1/audit?since=" + today))["total"], all);
  EXPECT_EQ(Ok(Call(Who::kAdmin, "GET", "/api/v1/audit?until=2000-01-01"))["total"], 0);
  EXPECT_EQ(Ok(Call(Who::kAdmin, "GET", "/api/v1/audit?since=2999-01-01"))["total"], 0);
}

// The web UI's files: served from web_root and nothing outside it.
class StaticFilesTest : public ApiTest {
 protected:
  void Tune(api::ApiOptions& options) override {
    const fs::path web = fs::path(dir()) / "web";
    fs::create_directories(web / "assets");
    fs::create_directories(fs::path(dir()) / "web-private");
    std::ofstream(web / "index.html") << "<!doctype html><title>stio</title>";
    std::ofstream(web / "assets" / "app-1a2b.js") << "console.log(1)";
    std::ofstream(web / ".env") << "SECRET=1";
    std::ofstream(fs::path(dir()) / "secret.txt") << "SECRET";
    std::ofstream(fs::path(dir()) / "web-private" / "secret.txt") << "SECRET";
    fs::create_directory_symlink("../web-private", web / "docs");
    options.web_root = web.string();
  }
};

TEST_F(StaticFilesTest, ServesTheAppAndNothingElse) {
  HttpResponse index = Call(Who::kPublic, "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(index.Header("content-security-policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(index.Header("cache-control"), "no-cache");
  HttpResponse js = Call(Who::kPublic, "GET", "/assets/app-1a2b.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_NE(js.Header("cache-control").find("immutable"), std::string::npos);
  // Client-side routes get the app; missing files do not.
  EXPECT_EQ(Call(Who::kPublic, "GET", "/organizations/12").body, index.body);
  EXPECT_EQ(Call(Who::kPublic, "GET", "/assets/missing.js").status, 404);
  for (const std::string path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt", "/.env", "/%2eenv",
        "/docs/secret.txt", "/web-private/secret.txt", "/..%2fsecret.txt", "//etc/passwd"}) {
    SCOPED_TRACE(path);
    HttpResponse r = Call(Who::kPublic, "GET", path);
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << r.status;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << r.status;
  }
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", "/", "{}"), 405));
  EXPECT_EQ(Call(Who::kPublic, "HEAD", "/").status, 200);
}

// ---------------------------------------------------------------------------------------------
// Concurrency (no timing: only outcomes are checked)

TEST_F(ApiTest, ConcurrentEditsOfOneVersionLetExactlyOneWin) {
  const std::string path = "/api/v1/organizations/" + std::to_string(seed().org_a);
  const int64_t version = Ok(Call(Who::kPublic, "GET", path))["version"];
  constexpr int kThreads = 6;
  std::vector<int> status(kThreads, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c("127.0.0.1", port());
      auto r =
          c.Patch(path, json{{"short_name", "T" + std::to_string(i)}, {"version", version}}.dump(),
                  As(Who::kStaff));
      status[i] = r.ok() ? r->status : -1;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(status.begin(), status.end(), 200), 1);
  EXPECT_EQ(std::count(status.begin(), status.end(), 409), kThreads - 1);
  json now = Ok(Call(Who::kPublic, "GET", path));
  EXPECT_EQ(now["version"], version + 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'update'"), 1);
}

TEST_F(ApiTest, ConcurrentCreatesAreAllKeptAndAudited) {
  const Snapshot before = Snap();
  constexpr int kThreads = 4, kEach = 5;
  std::vector<int> created(kThreads, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c("127.0.0.1", port());
      c.set_keep_alive(true);
      for (int j = 0; j < kEach; ++j) {
        auto r = c.Post("/api/v1/people",
                        json{{"full_name", "Người " + std::to_string(i) + "-" + std::to_string(j)},
                             {"organization_id", seed().org_a}}
                            .dump(),
                        As(Who::kMemberOwn));
        if (r.ok() && r->status == 201) ++created[i];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int n : created) EXPECT_EQ(n, kEach);
  const Snapshot after = Snap();
  EXPECT_EQ(after.people, before.people + kThreads * kEach);
  EXPECT_EQ(after.audit, before.audit + kThreads * kEach);
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/people?limit=500"))["total"], kThreads * kEach);
}

TEST_F(ApiTest, ApiTokensOverHttp) {
  json t = Ok(Call(Who::kReviewer, "POST", "/api/v1/tokens", R"({"name": "báo cáo"})"), 201);
  const std::string token = t["token"];
  EXPECT_EQ(token.rfind("stio_", 0), 0u);
  const HttpHeaders bearer = {{"Authorization", "Bearer " + token}};
  EXPECT_EQ(Ok(Call(Who::kPublic, "GET", "/api/v1/auth/me", "", bearer))["user"]["email"],
            seed().email.at(Who::kReviewer));
  json list = Ok(Call(Who::kReviewer, "GET", "/api/v1/tokens"));
  EXPECT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list.dump().find(token), std::string::npos) << "shown once, at creation";
  // Stored as a digest only.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '" + Sha256Hex(token) + "'"),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '" + token + "'"), 0);
  EXPECT_EQ(Call(Who::kReviewer, "DELETE", "/api/v1/tokens/" + Id(t["id"])).status, 204);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/auth/me", "", bearer), 401));
  EXPECT_TRUE(IsProblem(Call(Who::kReviewer, "DELETE", "/api/v1/tokens/999999"), 404));
  EXPECT_TRUE(
      IsProblem(Call(Who::kReviewer, "POST", "/api/v1/tokens", R"({"name": 5})"), 400, "name"));
}

}  // namespace
}  // namespace stio::apitest
