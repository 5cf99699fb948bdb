// Every route × every role: the HTTP answer must agree with domain::Allowed().
//
// Each route is listed below with the permission that finally decides it (the route's gate, or
// the finer per-organization check its handler makes) and a realistic request against freshly
// made records. A route missing from the table, or a table entry that is no longer a route, fails
// the test: a new route must be added here.
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/api_fixture.h"
#include "core/clock.h"
#include "domain/accounts.h"
#include "domain/exchange.h"
#include "domain/indicators.h"
#include "domain/ip.h"
#include "domain/ip_advice.h"
#include "domain/ip_origin.h"
#include "domain/notifications.h"
#include "domain/plans.h"
#include "domain/policy.h"
#include "domain/priorities.h"
#include "domain/registry.h"

namespace stio::apitest {
namespace {

using domain::Permission;

// Records made fresh for every (route, role) pair, so that deletes and state changes of one pair
// do not affect the next. The member-own-org user is moved into `org` for the pair.
struct Target {
  int n = 0;           // a number unique to the pair
  int64_t org = 0;     // the member-own-org user's organization
  int64_t person = 0;  // a person of `org`
  int64_t cert = 0;    // an active certificate of `org`, issued 2024-01-15
  int64_t token = 0;   // a spare API token of the acting user (of the admin for the public)
  int64_t user = 0;    // a user to edit (the reviewer)
  // Monitoring: a data element and an indicator over it, one value in each workflow state
  // (draft, submitted, approved, locked), a plan of province 38 and one target of it.
  std::string element, indicator;
  int64_t value[4] = {0, 0, 0, 0};
  int64_t plan = 0;
  int64_t plan_target = 0;
  int64_t ip_asset = 0;  // a published, granted patent of `org`, filed 2020-01-10
  // Exchange: a published offer of `org` with one attachment, a draft of `org`, a published offer
  // and a published need of another organization, an introduction that the member-own-org user
  // asked for to that need, a transfer contract of `org`, a task proposal, an outbox e-mail.
  int64_t offer = 0, draft = 0, attachment = 0, other_offer = 0, need = 0, connection = 0;
  int64_t contract = 0, proposal = 0, outbox = 0;
  int64_t free_patent = 0;  // a patent of `org` whose term ended (free to use)
  // IP advice: a published article, an open advisory request of `org`; the current rules.
  int64_t article = 0, advice = 0;
  std::string rules_doc;
  // A registered geographical indication of `org` with one authorised user; a priority of 01.
  int64_t gi = 0, gi_user = 0, priority = 0;
};

// The smallest valid PNG header (content sniffing needs only the signature).
const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(24, '\0');

struct Case {
  std::string method;
  std::string pattern;  // exactly as in routes.cc
  Permission decided_by;
  bool per_org;  // decided on `Target::org` (the member-own-org user's organization)
  std::function<std::string(const Target&)> path;
  std::function<std::string(const Target&)> body = nullptr;
  std::string content_type = "";
};

std::string Id(int64_t id) { return std::to_string(id); }

// Three countries' HDI inputs (UNDP HDR 2019), for the index computation routes.
json HdiRows() {
  json rows = json::array();
  const std::pair<const char*, double> values[][4] = {
      {{"LE", 82.3}, {"EYS", 18.1}, {"MYS", 12.6}, {"GNIPC", 68059}},
      {{"LE", 76.9}, {"EYS", 16.3}, {"MYS", 9.0}, {"GNIPC", 11700}},
      {{"LE", 62.0}, {"EYS", 6.5}, {"MYS", 2.0}, {"GNIPC", 912}}};
  const char* units[] = {"NOR", "BRA", "NER"};
  for (int u = 0; u < 3; ++u) {
    for (const auto& [code, v] : values[u]) {
      rows.push_back({{"unit", units[u]}, {"indicator", code}, {"year", 2018}, {"value", v}});
    }
  }
  return rows;
}

std::vector<Case> Cases(const Seed& seed) {
  using T = const Target&;
  const std::string v1 = "/api/v1";
  auto fixed = [](std::string p) { return [p](T) { return p; }; };
  auto json_body = [](json j) { return [j](T) { return j.dump(); }; };
  return {
      {"POST", v1 + "/auth/login", Permission::kReadPublic, false, fixed(v1 + "/auth/login"),
       json_body({{"email", seed.email.at(Who::kReviewer)}, {"password", seed.password}})},
      {"POST", v1 + "/auth/logout", Permission::kReadPublic, false, fixed(v1 + "/auth/logout")},
      {"GET", v1 + "/auth/me", Permission::kReadSelf, false, fixed(v1 + "/auth/me")},
      {"GET", v1 + "/admin-units", Permission::kReadPublic, false,
       fixed(v1 + "/admin-units?level=commune&province_code=38")},
      {"GET", v1 + "/admin-units/convert", Permission::kReadPublic, false,
       fixed(v1 + "/admin-units/convert?old_code=00004")},
      {"GET", v1 + "/admin-units/{code}", Permission::kReadPublic, false,
       fixed(v1 + "/admin-units/38")},
      {"GET", v1 + "/geo/provinces", Permission::kReadPublic, false, fixed(v1 + "/geo/provinces")},
      {"GET", v1 + "/geo/provinces-pre2025", Permission::kReadPublic, false,
       fixed(v1 + "/geo/provinces-pre2025")},
      {"GET", v1 + "/reference/fields-of-science", Permission::kReadPublic, false,
       fixed(v1 + "/reference/fields-of-science")},
      {"GET", v1 + "/reference/vsic", Permission::kReadPublic, false,
       fixed(v1 + "/reference/vsic")},
      {"GET", v1 + "/stats", Permission::kReadPublic, false, fixed(v1 + "/stats")},
      {"GET", v1 + "/search", Permission::kReadPublic, false,
       fixed(v1 + "/search?q=sao%20mai&type=organization")},
      {"GET", v1 + "/organizations", Permission::kReadPublic, false,
       fixed(v1 + "/organizations?q=sao%20mai")},
      {"POST", v1 + "/organizations", Permission::kWriteOrganization, false,
       fixed(v1 + "/organizations"),
       [](T t) {
         return json{{"kind", "startup"}, {"name", "Khởi nghiệp Thử " + std::to_string(t.n)}}
             .dump();
       }},
      {"GET", v1 + "/organizations/{id}", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/organizations/" + Id(t.org); }},
      {"PATCH", v1 + "/organizations/{id}", Permission::kEditOrganization, true,
       [=](T t) { return v1 + "/organizations/" + Id(t.org); },
       json_body({{"description", "Mô tả cập nhật"}})},
      {"DELETE", v1 + "/organizations/{id}", Permission::kWriteOrganization, true,
       [=](T t) { return v1 + "/organizations/" + Id(t.org); }},
      {"GET", v1 + "/organizations/{id}/certificates", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/organizations/" + Id(t.org) + "/certificates"; }},
      {"POST", v1 + "/organizations/{id}/certificates", Permission::kWriteOrganization, true,
       [=](T t) { return v1 + "/organizations/" + Id(t.org) + "/certificates"; },
       [](T t) {
         return json{{"number", "GCN-B-" + std::to_string(t.n)}, {"issued_on", "2024-02-01"}}
             .dump();
       }},
      {"GET", v1 + "/certificates", Permission::kReadPublic, false,
       fixed(v1 + "/certificates?status=active")},
      {"GET", v1 + "/certificates/{id}", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/certificates/" + Id(t.cert); }},
      {"POST", v1 + "/certificates/{id}/events", Permission::kWriteOrganization, true,
       [=](T t) { return v1 + "/certificates/" + Id(t.cert) + "/events"; },
       json_body({{"action", "suspend"}, {"date", "2024-03-01"}, {"reason", "Kiểm tra"}})},
      {"GET", v1 + "/people", Permission::kReadPublic, false, fixed(v1 + "/people?expert=true")},
      {"POST", v1 + "/people", Permission::kWritePerson, true, fixed(v1 + "/people"),
       [](T t) {
         return json{{"full_name", "Trần Thị Mới"}, {"organization_id", t.org}, {"fields", {"102"}}}
             .dump();
       }},
      {"GET", v1 + "/people/{id}", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/people/" + Id(t.person); }},
      {"PATCH", v1 + "/people/{id}", Permission::kWritePerson, true,
       [=](T t) { return v1 + "/people/" + Id(t.person); },
       json_body({{"position", "Trưởng phòng"}})},
      {"DELETE", v1 + "/people/{id}", Permission::kWritePerson, true,
       [=](T t) { return v1 + "/people/" + Id(t.person); }},
      {"GET", v1 + "/users", Permission::kManageUsers, false, fixed(v1 + "/users")},
      {"POST", v1 + "/users", Permission::kManageUsers, false, fixed(v1 + "/users"),
       [](T t) {
         return json{{"email", "moi" + std::to_string(t.n) + "@test.stio"},
                     {"role", "reviewer"},
                     {"password", "mot-mat-khau-dai"}}
             .dump();
       }},
      {"PATCH", v1 + "/users/{id}", Permission::kManageUsers, false,
       [=](T t) { return v1 + "/users/" + Id(t.user); },
       json_body({{"display_name", "Người thẩm định"}})},
      {"GET", v1 + "/tokens", Permission::kReadSelf, false, fixed(v1 + "/tokens")},
      {"POST", v1 + "/tokens", Permission::kReadSelf, false, fixed(v1 + "/tokens"),
       json_body({{"name", "script"}})},
      {"DELETE", v1 + "/tokens/{id}", Permission::kReadSelf, false,
       [=](T t) { return v1 + "/tokens/" + Id(t.token); }},
      {"GET", v1 + "/audit", Permission::kReadAudit, false, fixed(v1 + "/audit?limit=5")},
      {"POST", v1 + "/import/{entity}", Permission::kImportExport, false,
       fixed(v1 + "/import/organizations?format=csv"),
       [](T t) { return "kind,name\r\nenterprise,Nhập Khẩu " + std::to_string(t.n) + "\r\n"; },
       "text/csv"},
      {"GET", v1 + "/export/{entity}", Permission::kImportExport, false,
       fixed(v1 + "/export/people?format=json")},
      {"GET", v1 + "/openapi.json", Permission::kReadPublic, false, fixed(v1 + "/openapi.json")},
      // Monitoring
      {"GET", v1 + "/data-elements", Permission::kReadPublic, false,
       fixed(v1 + "/data-elements?q=RD")},
      {"POST", v1 + "/data-elements", Permission::kManageMonitoring, false,
       fixed(v1 + "/data-elements"),
       [](T t) {
         return json{{"code", "NEW_" + std::to_string(t.n)},
                     {"name_vi", "Mới"},
                     {"aggregation", "sum"},
                     {"value_type", "integer"}}
             .dump();
       }},
      {"GET", v1 + "/data-elements/{code}", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/data-elements/" + t.element; }},
      {"PATCH", v1 + "/data-elements/{code}", Permission::kManageMonitoring, false,
       [=](T t) { return v1 + "/data-elements/" + t.element; },
       json_body({{"name_en", "Renamed"}})},
      {"GET", v1 + "/indicators", Permission::kReadPublic, false, fixed(v1 + "/indicators")},
      {"POST", v1 + "/indicators", Permission::kManageMonitoring, false, fixed(v1 + "/indicators"),
       [](T t) {
         return json{
             {"code", "NEWI_" + std::to_string(t.n)}, {"name_vi", "Mới"}, {"numerator", t.element}}
             .dump();
       }},
      {"GET", v1 + "/indicators/{code}", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/indicators/" + t.indicator; }},
      {"PATCH", v1 + "/indicators/{code}", Permission::kManageMonitoring, false,
       [=](T t) { return v1 + "/indicators/" + t.indicator; }, json_body({{"factor", 100}})},
      {"GET", v1 + "/indicators/{code}/series", Permission::kReadPublic, false,
       [=](T t) {
         return v1 + "/indicators/" + t.indicator + "/series?unit=38&from=2020&to=2024";
       }},
      {"GET", v1 + "/indicators/{code}/lineage", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/indicators/" + t.indicator + "/lineage?unit=38&period=2020"; }},
      {"POST", v1 + "/validation-rules", Permission::kManageMonitoring, false,
       fixed(v1 + "/validation-rules"),
       [](T t) {
         return json{
             {"code", "R_" + std::to_string(t.n)}, {"data_element", t.element}, {"min_value", 0}}
             .dump();
       }},
      {"GET", v1 + "/validation-rules", Permission::kReadPublic, false,
       fixed(v1 + "/validation-rules")},
      {"DELETE", v1 + "/validation-rules/{code}", Permission::kManageMonitoring, false,
       [=](T t) { return v1 + "/validation-rules/AZR_" + std::to_string(t.n); }},
      {"GET", v1 + "/indicators/{code}/units", Permission::kReadPublic, false,
       [=](T t) {
         return v1 + "/indicators/" + t.indicator + "/units?level=commune&province=38&period=2024";
       }},
      {"GET", v1 + "/geo/communes", Permission::kReadPublic, false,
       fixed(v1 + "/geo/communes?province=38")},
      {"GET", v1 + "/data-values", Permission::kReadPublic, false, fixed(v1 + "/data-values")},
      {"POST", v1 + "/data-values", Permission::kEnterData, false, fixed(v1 + "/data-values"),
       [](T t) {
         return json{{"data_element", t.element}, {"unit", "38"}, {"period", "2024"}, {"value", 5}}
             .dump();
       }},
      {"POST", v1 + "/data-values/{id}/submit", Permission::kEnterData, false,
       [=](T t) { return v1 + "/data-values/" + Id(t.value[0]) + "/submit"; }},
      {"POST", v1 + "/data-values/{id}/approve", Permission::kApproveData, false,
       [=](T t) { return v1 + "/data-values/" + Id(t.value[1]) + "/approve"; }},
      {"POST", v1 + "/data-values/{id}/lock", Permission::kApproveData, false,
       [=](T t) { return v1 + "/data-values/" + Id(t.value[2]) + "/lock"; }},
      {"POST", v1 + "/data-values/{id}/reopen", Permission::kApproveData, false,
       [=](T t) { return v1 + "/data-values/" + Id(t.value[3]) + "/reopen"; },
       json_body({{"reason", "Sửa số liệu"}})},
      {"GET", v1 + "/plans", Permission::kReadPublic, false, fixed(v1 + "/plans?province_code=92")},
      {"POST", v1 + "/plans", Permission::kManageMonitoring, false, fixed(v1 + "/plans"),
       [](T t) {
         return json{{"code", "NEWP-" + std::to_string(t.n)},
                     {"name", "Kế hoạch mới"},
                     {"period_from", 2026},
                     {"period_to", 2030},
                     {"province_code", "38"}}
             .dump();
       }},
      {"GET", v1 + "/plans/{id}", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/plans/" + Id(t.plan); }},
      {"PATCH", v1 + "/plans/{id}", Permission::kManageMonitoring, false,
       [=](T t) { return v1 + "/plans/" + Id(t.plan); }, json_body({{"owner_agency", "Sở KH&CN"}})},
      {"POST", v1 + "/plans/{id}/targets", Permission::kManageMonitoring, false,
       [=](T t) { return v1 + "/plans/" + Id(t.plan) + "/targets"; },
       json_body({{"text_vi", "Chỉ tiêu mới"}, {"target_value", 10}, {"target_year", 2030}})},
      {"PATCH", v1 + "/targets/{id}", Permission::kManageMonitoring, false,
       [=](T t) { return v1 + "/targets/" + Id(t.plan_target); }, json_body({{"budget_vnd", 1e9}})},
      {"DELETE", v1 + "/targets/{id}", Permission::kManageMonitoring, false,
       [=](T t) { return v1 + "/targets/" + Id(t.plan_target); }},
      {"GET", v1 + "/plans/{id}/review", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/plans/" + Id(t.plan) + "/review"; }},
      {"GET", v1 + "/plans/{id}/scorecard", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/plans/" + Id(t.plan) + "/scorecard"; }},
      {"GET", v1 + "/ioc/kpis", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/ioc/kpis?unit=38&indicators=" + t.indicator; }},
      // Intellectual property
      {"GET", v1 + "/ip/assets", Permission::kReadPublic, false,
       fixed(v1 + "/ip/assets?kind=patent")},
      {"POST", v1 + "/ip/assets", Permission::kWriteIp, true, fixed(v1 + "/ip/assets"),
       [](T t) {
         return json{{"kind", "trademark"},
                     {"title", "Nhãn hiệu thử"},
                     {"application_number", "4-2024-" + std::to_string(50000 + t.n)},
                     {"filing_date", "2024-01-10"},
                     {"owner_organization_id", t.org},
                     {"classes", {"30"}}}
             .dump();
       }},
      {"GET", v1 + "/ip/assets/{id}", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/ip/assets/" + Id(t.ip_asset); }},
      {"PATCH", v1 + "/ip/assets/{id}", Permission::kWriteIp, true,
       [=](T t) { return v1 + "/ip/assets/" + Id(t.ip_asset); },
       json_body({{"key_product", "Cà phê"}})},
      {"DELETE", v1 + "/ip/assets/{id}", Permission::kWriteIp, true,
       [=](T t) { return v1 + "/ip/assets/" + Id(t.ip_asset); }},
      {"GET", v1 + "/ip/assets/{id}/events", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/ip/assets/" + Id(t.ip_asset) + "/events"; }},
      {"POST", v1 + "/ip/assets/{id}/events", Permission::kWriteIp, true,
       [=](T t) { return v1 + "/ip/assets/" + Id(t.ip_asset) + "/events"; },
       json_body({{"type", "licence"}, {"date", "2024-05-01"}})},
      {"GET", v1 + "/ip/deadlines", Permission::kReadPublic, false,
       fixed(v1 + "/ip/deadlines?at_risk=true")},
      {"GET", v1 + "/ip/free-to-use", Permission::kReadPublic, false,
       fixed(v1 + "/ip/free-to-use?ipc=A01")},
      {"GET", v1 + "/ip/stats", Permission::kReadPublic, false,
       fixed(v1 + "/ip/stats?province_code=01")},
      {"GET", v1 + "/ip/assets/{id}/users", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/ip/assets/" + Id(t.gi) + "/users"; }},
      {"POST", v1 + "/ip/assets/{id}/users", Permission::kWriteIp, true,
       [=](T t) { return v1 + "/ip/assets/" + Id(t.gi) + "/users"; },
       json_body(
           {{"name", "Hộ sản xuất"}, {"province_code", "01"}, {"authorised_on", "2024-01-01"}})},
      {"PATCH", v1 + "/ip/assets/{id}/users/{user_id}", Permission::kWriteIp, true,
       [=](T t) { return v1 + "/ip/assets/" + Id(t.gi) + "/users/" + Id(t.gi_user); },
       json_body({{"status", "suspended"}})},
      {"DELETE", v1 + "/ip/assets/{id}/users/{user_id}", Permission::kWriteIp, true,
       [=](T t) { return v1 + "/ip/assets/" + Id(t.gi) + "/users/" + Id(t.gi_user); }},
      {"GET", v1 + "/ip/origin-map", Permission::kReadPublic, false, fixed(v1 + "/ip/origin-map")},
      {"GET", v1 + "/priorities", Permission::kReadPublic, false,
       fixed(v1 + "/priorities?province_code=01")},
      {"POST", v1 + "/priorities", Permission::kManageMonitoring, false, fixed(v1 + "/priorities"),
       json_body({{"province_code", "01"},
                  {"kind", "sector"},
                  {"name", "Chế biến"},
                  {"ipc_prefixes", {"A23"}}})},
      {"GET", v1 + "/priorities/{id}", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/priorities/" + Id(t.priority); }},
      {"PATCH", v1 + "/priorities/{id}", Permission::kManageMonitoring, false,
       [=](T t) { return v1 + "/priorities/" + Id(t.priority); },
       json_body({{"keywords", {"cà phê"}}})},
      {"DELETE", v1 + "/priorities/{id}", Permission::kManageMonitoring, false,
       [=](T t) { return v1 + "/priorities/" + Id(t.priority); }},
      {"GET", v1 + "/ip/rules", Permission::kReadPublic, false, fixed(v1 + "/ip/rules")},
      {"PUT", v1 + "/ip/rules", Permission::kManageSettings, false, fixed(v1 + "/ip/rules"),
       [](T t) { return t.rules_doc; }},
      {"GET", v1 + "/ip/articles", Permission::kReadPublic, false,
       fixed(v1 + "/ip/articles?q=nhan%20hieu")},
      {"POST", v1 + "/ip/articles", Permission::kAdvise, false, fixed(v1 + "/ip/articles"),
       json_body({{"title", "Bài mới"}, {"summary", "Tóm tắt"}, {"body", "Nội dung"}})},
      {"GET", v1 + "/ip/articles/{id}", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/ip/articles/" + Id(t.article); }},
      {"PATCH", v1 + "/ip/articles/{id}", Permission::kAdvise, false,
       [=](T t) { return v1 + "/ip/articles/" + Id(t.article); },
       json_body({{"summary", "Tóm tắt mới"}})},
      {"GET", v1 + "/ip/advice", Permission::kReadSelf, false, fixed(v1 + "/ip/advice")},
      {"POST", v1 + "/ip/advice", Permission::kWriteTransfer, true, fixed(v1 + "/ip/advice"),
       [](T t) {
         return json{{"subject", "Hỏi"}, {"question", "Câu hỏi"}, {"organization_id", t.org}}
             .dump();
       }},
      {"GET", v1 + "/ip/advice/{id}", Permission::kWriteTransfer, true,
       [=](T t) { return v1 + "/ip/advice/" + Id(t.advice); }},
      {"POST", v1 + "/ip/advice/{id}/messages", Permission::kWriteTransfer, true,
       [=](T t) { return v1 + "/ip/advice/" + Id(t.advice) + "/messages"; },
       json_body({{"body", "Trả lời"}})},
      {"POST", v1 + "/ip/advice/{id}/close", Permission::kWriteTransfer, true,
       [=](T t) { return v1 + "/ip/advice/" + Id(t.advice) + "/close"; },
       json_body({{"outcome", "Xong"}})},
      {"GET", v1 + "/ip/self-assessment/questions", Permission::kReadPublic, false,
       fixed(v1 + "/ip/self-assessment/questions")},
      {"POST", v1 + "/ip/self-assessment", Permission::kWriteTransfer, true,
       fixed(v1 + "/ip/self-assessment"),
       [](T t) {
         return json{{"answers", {{"has_brand", true}}}, {"organization_id", t.org}}.dump();
       }},
      {"GET", v1 + "/ip/self-assessment", Permission::kReadSelf, false,
       fixed(v1 + "/ip/self-assessment")},
      {"POST", v1 + "/ip/assets/{id}/exchange-listing", Permission::kWriteTransfer, false,
       [=](T t) { return v1 + "/ip/assets/" + Id(t.free_patent) + "/exchange-listing"; }},
      // Innovation index: public reads and pure computations (nothing is written)
      {"GET", v1 + "/index/frameworks", Permission::kReadPublic, false,
       fixed(v1 + "/index/frameworks")},
      {"GET", v1 + "/index/frameworks/{code}", Permission::kReadPublic, false,
       fixed(v1 + "/index/frameworks/PII")},
      {"GET", v1 + "/index/inputs", Permission::kReadPublic, false,
       fixed(v1 + "/index/inputs?framework=PII&year=2024")},
      {"GET", v1 + "/index/published", Permission::kReadPublic, false,
       fixed(v1 + "/index/published?edition=2025")},
      {"GET", v1 + "/index/provinces/{code}", Permission::kReadPublic, false,
       fixed(v1 + "/index/provinces/46")},
      {"POST", v1 + "/index/compute", Permission::kReadPublic, false, fixed(v1 + "/index/compute"),
       json_body({{"framework", "HDI"}, {"values", HdiRows()}})},
      {"POST", v1 + "/index/whatif", Permission::kReadPublic, false, fixed(v1 + "/index/whatif"),
       json_body({{"framework", "HDI"},
                  {"base", HdiRows()},
                  {"unit", "NER"},
                  {"changes", {{{"indicator", "MYS"}, {"value", 3.0}}}}})},
      {"POST", v1 + "/index/robustness", Permission::kReadPublic, false,
       fixed(v1 + "/index/robustness"),
       json_body({{"framework", "HDI"}, {"values", HdiRows()}, {"runs", 20}, {"seed", 7}})},
      // Technology exchange
      {"GET", v1 + "/exchange/listings", Permission::kReadPublic, false,
       fixed(v1 + "/exchange/listings?kind=offer")},
      {"POST", v1 + "/exchange/listings", Permission::kWriteListing, true,
       fixed(v1 + "/exchange/listings"),
       [](T t) {
         return json{{"kind", "need"},
                     {"title", "Cần công nghệ " + std::to_string(t.n)},
                     {"summary", "Mô tả nhu cầu"},
                     {"organization_id", t.org}}
             .dump();
       }},
      {"GET", v1 + "/exchange/listings/{id}", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/exchange/listings/" + Id(t.offer); }},
      {"PATCH", v1 + "/exchange/listings/{id}", Permission::kWriteListing, true,
       [=](T t) { return v1 + "/exchange/listings/" + Id(t.draft); },
       json_body({{"summary", "Tóm tắt mới"}})},
      {"DELETE", v1 + "/exchange/listings/{id}", Permission::kWriteListing, true,
       [=](T t) { return v1 + "/exchange/listings/" + Id(t.draft); }},
      {"POST", v1 + "/exchange/listings/{id}/{action}", Permission::kWriteListing, true,
       [=](T t) { return v1 + "/exchange/listings/" + Id(t.offer) + "/withdraw"; }},
      {"GET", v1 + "/exchange/listings/{id}/matches", Permission::kReadPublic, false,
       [=](T t) { return v1 + "/exchange/listings/" + Id(t.need) + "/matches"; }},
      {"GET", v1 + "/exchange/review-queue", Permission::kReviewListings, false,
       fixed(v1 + "/exchange/review-queue")},
      {"POST", v1 + "/exchange/listings/{id}/attachments", Permission::kWriteListing, true,
       [=](T t) {
         return v1 + "/exchange/listings/" + Id(t.offer) + "/attachments?filename=a.png";
       },
       [](T) { return kPng; }, "image/png"},
      {"GET", v1 + "/exchange/listings/{id}/attachments/{attachment}", Permission::kReadPublic,
       false,
       [=](T t) {
         return v1 + "/exchange/listings/" + Id(t.offer) + "/attachments/" + Id(t.attachment);
       }},
      {"DELETE", v1 + "/exchange/listings/{id}/attachments/{attachment}", Permission::kWriteListing,
       true,
       [=](T t) {
         return v1 + "/exchange/listings/" + Id(t.offer) + "/attachments/" + Id(t.attachment);
       }},
      {"POST", v1 + "/exchange/listings/{id}/introductions", Permission::kRequestIntroduction,
       false,
       [=](T t) { return v1 + "/exchange/listings/" + Id(t.other_offer) + "/introductions"; },
       json_body({{"message", "Xin được giới thiệu"}})},
      {"POST", v1 + "/exchange/listings/{id}/task-proposal", Permission::kWriteTransfer, false,
       [=](T t) { return v1 + "/exchange/listings/" + Id(t.need) + "/task-proposal"; }},
      {"GET", v1 + "/exchange/task-proposals", Permission::kWriteTransfer, false,
       fixed(v1 + "/exchange/task-proposals")},
      {"GET", v1 + "/exchange/task-proposals/{id}", Permission::kWriteTransfer, false,
       [=](T t) { return v1 + "/exchange/task-proposals/" + Id(t.proposal); }},
      {"GET", v1 + "/exchange/connections", Permission::kReadSelf, false,
       fixed(v1 + "/exchange/connections?box=sent")},
      {"GET", v1 + "/exchange/connections/{id}", Permission::kWriteTransfer, true,
       [=](T t) { return v1 + "/exchange/connections/" + Id(t.connection); }},
      {"POST", v1 + "/exchange/connections/{id}/{action}", Permission::kWriteTransfer, true,
       [=](T t) { return v1 + "/exchange/connections/" + Id(t.connection) + "/cancel"; }},
      {"GET", v1 + "/exchange/contracts", Permission::kReadSelf, false,
       fixed(v1 + "/exchange/contracts")},
      {"POST", v1 + "/exchange/contracts", Permission::kWriteTransfer, true,
       fixed(v1 + "/exchange/contracts"),
       [](T t) {
         return json{{"transferor_organization_id", t.org},
                     {"transferee_name", "Công ty Nhận"},
                     {"object", "Quy trình sấy"},
                     {"form", "independent"},
                     {"rights", "use"},
                     {"signed_date", "2025-01-10"},
                     {"value_vnd", 500000000}}
             .dump();
       }},
      {"GET", v1 + "/exchange/contracts/{id}", Permission::kWriteTransfer, true,
       [=](T t) { return v1 + "/exchange/contracts/" + Id(t.contract); }},
      {"PATCH", v1 + "/exchange/contracts/{id}", Permission::kWriteTransfer, true,
       [=](T t) { return v1 + "/exchange/contracts/" + Id(t.contract); },
       json_body({{"note", "Đã bàn giao"}})},
      {"POST", v1 + "/exchange/contracts/{id}/followups", Permission::kWriteTransfer, true,
       [=](T t) { return v1 + "/exchange/contracts/" + Id(t.contract) + "/followups"; },
       json_body({{"period", "2025"}, {"jobs_created", 4}})},
      {"GET", v1 + "/exchange/stats", Permission::kReadPublic, false,
       fixed(v1 + "/exchange/stats?province_code=38")},
      {"POST", v1 + "/exchange/import", Permission::kImportExport, false,
       fixed(v1 + "/exchange/import?format=csv"),
       [](T t) {
         return "kind,title,summary,organization_id\r\noffer,Nhập " + std::to_string(t.n) +
                ",Tóm tắt," + std::to_string(t.org) + "\r\n";
       },
       "text/csv"},
      {"GET", v1 + "/notifications", Permission::kReadSelf, false,
       fixed(v1 + "/notifications?unread=true")},
      {"POST", v1 + "/notifications/read", Permission::kReadSelf, false,
       fixed(v1 + "/notifications/read")},
      {"GET", v1 + "/outbox", Permission::kImportExport, false, fixed(v1 + "/outbox")},
      {"POST", v1 + "/outbox/{id}/sent", Permission::kImportExport, false,
       [=](T t) { return v1 + "/outbox/" + Id(t.outbox) + "/sent"; }},
      {"GET", v1 + "/settings", Permission::kReadPublic, false, fixed(v1 + "/settings")},
      {"PATCH", v1 + "/settings", Permission::kManageSettings, false, fixed(v1 + "/settings"),
       json_body({{"exchange.listing_days", 120}})},
  };
}

class AuthzMatrixTest : public ApiFixture {
 protected:
  Target MakeTarget(Who who, int n) {
    Target t;
    t.n = n;
    t.org = MakeOrganization("Tổ chức Thử " + std::to_string(n));
    const domain::Actor system = domain::Actor::System("api-test");
    const int64_t token_owner = seed().user_id.at(who == Who::kPublic ? Who::kAdmin : who);
    Seeded([&](storage::Transaction& tx) -> Result<json> {
      STIO_RETURN_IF_ERROR(tx.Execute("UPDATE users SET organization_id = ? WHERE id = ?",
                                      {t.org, seed().user_id.at(Who::kMemberOwn)})
                               .status());
      STIO_ASSIGN_OR_RETURN(json person, domain::CreatePerson(tx, system, Clock::Real(),
                                                              {{"full_name", "Nguyễn Văn Thử"},
                                                               {"organization_id", t.org},
                                                               {"email", "thu@example.vn"}}));
      t.person = person["id"];
      STIO_ASSIGN_OR_RETURN(
          json cert, domain::IssueCertificate(
                         tx, system, Clock::Real(), t.org,
                         {{"number", "GCN-A-" + std::to_string(n)}, {"issued_on", "2024-01-15"}}));
      t.cert = cert["id"];
      STIO_ASSIGN_OR_RETURN(json token,
                            domain::CreateToken(tx, system, Clock::Real(), token_owner, "spare"));
      t.token = token["id"];
      // Monitoring records.
      t.element = "AZ_" + std::to_string(n);
      t.indicator = "AZI_" + std::to_string(n);
      STIO_RETURN_IF_ERROR(domain::CreateDataElement(tx, system, Clock::Real(),
                                                     {{"code", t.element},
                                                      {"name_vi", "Phần tử thử"},
                                                      {"aggregation", "sum"},
                                                      {"value_type", "number"}})
                               .status());
      STIO_RETURN_IF_ERROR(
          domain::CreateIndicator(
              tx, system, Clock::Real(),
              {{"code", t.indicator}, {"name_vi", "Chỉ tiêu thử"}, {"numerator", t.element}})
              .status());
      STIO_RETURN_IF_ERROR(
          domain::CreateValidationRule(
              tx, system, Clock::Real(),
              {{"code", "AZR_" + std::to_string(n)}, {"data_element", t.element}, {"min_value", 0}})
              .status());
      const char* steps[] = {"submit", "approve", "lock"};
      for (int i = 0; i < 4; ++i) {
        STIO_ASSIGN_OR_RETURN(json v, domain::EnterValue(tx, system, Clock::Real(),
                                                         {{"data_element", t.element},
                                                          {"unit", "38"},
                                                          {"period", std::to_string(2020 + i)},
                                                          {"value", 10 + i}}));
        t.value[i] = v["id"];
        for (int s = 0; s < i; ++s) {
          STIO_RETURN_IF_ERROR(
              domain::ChangeValueStatus(tx, system, Clock::Real(), t.value[i], steps[s], nullptr)
                  .status());
        }
      }
      STIO_ASSIGN_OR_RETURN(json plan, domain::CreatePlan(tx, system, Clock::Real(),
                                                          {{"code", "AZP-" + std::to_string(n)},
                                                           {"name", "Kế hoạch thử"},
                                                           {"period_from", 2021},
                                                           {"period_to", 2025},
                                                           {"province_code", "38"}}));
      t.plan = plan["id"];
      STIO_ASSIGN_OR_RETURN(json target, domain::CreateTarget(tx, system, Clock::Real(), t.plan,
                                                              {{"text_vi", "Chỉ tiêu thử"},
                                                               {"indicator", t.indicator},
                                                               {"baseline_value", 10},
                                                               {"baseline_year", 2020},
                                                               {"target_value", 20},
                                                               {"target_year", 2025}}));
      t.plan_target = target["id"];
      STIO_ASSIGN_OR_RETURN(
          json ip, domain::CreateIpAsset(tx, system, Clock::Real(),
                                         {{"kind", "patent"},
                                          {"title", "Sáng chế thử"},
                                          {"application_number", "1-2020-" + std::to_string(n)},
                                          {"filing_date", "2020-01-10"},
                                          {"grant_date", "2022-06-01"},
                                          {"owner_organization_id", t.org},
                                          {"classes", {"A01B 1/00"}},
                                          {"published", true}}));
      t.ip_asset = ip["id"];
      STIO_ASSIGN_OR_RETURN(
          json old, domain::CreateIpAsset(tx, system, Clock::Real(),
                                          {{"kind", "patent"},
                                           {"title", "Sáng chế hết hạn"},
                                           {"application_number", "1-2000-" + std::to_string(n)},
                                           {"filing_date", "2000-01-10"},
                                           {"grant_date", "2003-05-01"},
                                           {"owner_organization_id", t.org},
                                           {"published", true}}));
      t.free_patent = old["id"];
      STIO_ASSIGN_OR_RETURN(
          json gi, domain::CreateIpAsset(tx, system, Clock::Real(),
                                         {{"kind", "geographical_indication"},
                                          {"title", "Chỉ dẫn địa lý thử"},
                                          {"application_number", "6-2019-" + std::to_string(n)},
                                          {"filing_date", "2019-01-10"},
                                          {"grant_date", "2021-05-01"},
                                          {"owner_organization_id", t.org},
                                          {"published", true}}));
      t.gi = gi["id"];
      STIO_ASSIGN_OR_RETURN(json giu, domain::AddMarkUser(tx, system, Clock::Real(), t.gi,
                                                          {{"name", "Hợp tác xã thử"},
                                                           {"province_code", "01"},
                                                           {"authorised_on", "2022-01-01"}}));
      t.gi_user = giu["id"];
      STIO_ASSIGN_OR_RETURN(json pri, domain::CreatePriority(tx, system, Clock::Real(),
                                                             {{"province_code", "01"},
                                                              {"kind", "key_product"},
                                                              {"name", "Cà phê"},
                                                              {"keywords", {"cà phê"}}}));
      t.priority = pri["id"];
      STIO_ASSIGN_OR_RETURN(json rules, domain::GetIpRulesDocument(tx));
      t.rules_doc = rules.dump();
      STIO_ASSIGN_OR_RETURN(json art, domain::CreateArticle(tx, system, Clock::Real(),
                                                            {{"title", "Nhãn hiệu"},
                                                             {"summary", "Gia hạn nhãn hiệu"},
                                                             {"body", "Nội dung"},
                                                             {"published", true}}));
      t.article = art["id"];
      STIO_ASSIGN_OR_RETURN(
          json adv, domain::CreateAdvisoryRequest(
                        tx, system, Clock::Real(),
                        {{"subject", "Hỏi"}, {"question", "Câu hỏi"}, {"organization_id", t.org}}));
      t.advice = adv["id"];
      // Exchange records.
      auto listing = [&](int64_t org, const char* kind, bool publish) -> Result<int64_t> {
        STIO_ASSIGN_OR_RETURN(json l, domain::CreateListing(tx, system, Clock::Real(),
                                                            {{"kind", kind},
                                                             {"title", "Công nghệ sấy thử"},
                                                             {"summary", "Sấy nông sản"},
                                                             {"organization_id", org},
                                                             {"submit", publish}}));
        if (publish) {
          STIO_RETURN_IF_ERROR(
              domain::ListingAction(tx, system, Clock::Real(), l["id"], "publish", json(), nullptr)
                  .status());
        }
        return l["id"].get<int64_t>();
      };
      STIO_ASSIGN_OR_RETURN(t.offer, listing(t.org, "offer", true));
      STIO_ASSIGN_OR_RETURN(t.draft, listing(t.org, "offer", false));
      STIO_ASSIGN_OR_RETURN(
          json att, domain::AddAttachment(tx, system, Clock::Real(), t.offer, "anh.png", kPng));
      t.attachment = att["id"];
      STIO_ASSIGN_OR_RETURN(
          json other, domain::CreateOrganization(
                          tx, system, Clock::Real(),
                          {{"kind", "enterprise"}, {"name", "Bên Khác " + std::to_string(n)}}));
      STIO_ASSIGN_OR_RETURN(t.other_offer, listing(other["id"], "offer", true));
      STIO_ASSIGN_OR_RETURN(t.need, listing(other["id"], "need", true));
      // Written directly: the per-user daily limit on requests would stop the domain call here.
      STIO_ASSIGN_OR_RETURN(
          storage::Row c,
          tx.QueryOne("INSERT INTO exchange_connections (listing_id, requester_user_id, "
                      "requester_organization_id, status, created_at, updated_at) VALUES (?, ?, "
                      "?, 'requested', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z') "
                      "RETURNING id",
                      {t.need, seed().user_id.at(Who::kMemberOwn), t.org}));
      t.connection = c.Int("id");
      STIO_ASSIGN_OR_RETURN(json k, domain::CreateContract(tx, system, Clock::Real(),
                                                           {{"transferor_organization_id", t.org},
                                                            {"transferee_name", "Công ty Nhận"},
                                                            {"object", "Quy trình sấy"},
                                                            {"form", "independent"},
                                                            {"rights", "use"},
                                                            {"signed_date", "2025-03-01"}}));
      t.contract = k["id"];
      STIO_ASSIGN_OR_RETURN(json need2, domain::CreateListing(tx, system, Clock::Real(),
                                                              {{"kind", "need"},
                                                               {"title", "Nhu cầu đã đề xuất"},
                                                               {"summary", "Sấy"},
                                                               {"organization_id", other["id"]},
                                                               {"submit", true}}));
      STIO_RETURN_IF_ERROR(
          domain::ListingAction(tx, system, Clock::Real(), need2["id"], "publish", json(), nullptr)
              .status());
      STIO_ASSIGN_OR_RETURN(json proposal,
                            domain::CreateTaskProposal(tx, system, Clock::Real(), need2["id"]));
      t.proposal = proposal["id"];
      domain::NewNotification note;
      note.organization_id = t.org;
      note.kind = "test";
      note.subject_type = "listing";
      note.subject_id = std::to_string(t.offer);
      note.title = "Thử";
      note.extra_emails = {"hop-thu@example.vn"};
      STIO_ASSIGN_OR_RETURN(int64_t nid, domain::Notify(tx, Clock::Real(), note));
      STIO_ASSIGN_OR_RETURN(storage::Row ob,
                            tx.QueryOne("SELECT MIN(id) AS id FROM email_outbox WHERE "
                                        "notification_id = ?",
                                        {nid}));
      t.outbox = ob.Int("id");
      return json();
    });
    t.user = seed().user_id.at(Who::kReviewer);
    return t;
  }
};

TEST_F(AuthzMatrixTest, EveryRouteAgainstEveryRole) {
  const std::vector<Case> cases = Cases(seed());

  // The table and the routes must list the same (method, pattern) pairs.
  std::set<std::pair<std::string, std::string>> routes, table;
  for (const auto& r : api().routes()) routes.insert({r.method, r.pattern});
  for (const auto& c : cases) {
    EXPECT_TRUE(table.insert({c.method, c.pattern}).second)
        << "listed twice: " << c.method << " " << c.pattern;
  }
  for (const auto& r : routes) {
    EXPECT_TRUE(table.count(r)) << "route not covered by the authorization matrix: " << r.first
                                << " " << r.second << " (add it to Cases())";
  }
  for (const auto& c : table) {
    EXPECT_TRUE(routes.count(c)) << "not a route any more: " << c.first << " " << c.second;
  }

  const json openapi = json::parse(api::Api::OpenApiJson());
  auto Lower = [](std::string m) {
    for (char& ch : m) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return m;
  };
  int n = 0;
  int checked = 0;
  for (const Case& c : cases) {
    for (Who who : kEveryone) {
      ++n;
      const Target t = MakeTarget(who, n);
      const std::string path = c.path(t);
      const std::string body = c.body ? c.body(t) : "";
      HttpHeaders extra;
      if (!c.content_type.empty()) extra["Content-Type"] = c.content_type;
      SCOPED_TRACE(c.method + " " + path + " as " + WhoName(who));
      const domain::Actor actor = ActorOf(who);
      const bool allowed = domain::Allowed(
          actor, c.decided_by, c.per_org ? std::optional<int64_t>(t.org) : std::nullopt);
      const int64_t audit_before = AuditCount();
      const HttpResponse res = Call(who, c.method, path, body, extra);
      ++checked;
      if (who == Who::kPublic && c.decided_by != Permission::kReadPublic) {
        EXPECT_TRUE(IsProblem(res, 401));
      } else if (!allowed) {
        EXPECT_TRUE(IsProblem(res, 403));
      } else {
        EXPECT_GE(res.status, 200) << res.body.substr(0, 300);
        EXPECT_LT(res.status, 300) << res.body.substr(0, 300);
      }
      // The OpenAPI document lists the status actually answered.
      const json op =
          openapi["paths"].value(c.pattern, json::object()).value(Lower(c.method), json());
      EXPECT_TRUE(op.is_object() && op["responses"].contains(std::to_string(res.status)))
          << "status " << res.status << " is not documented in openapi.json";
      if (res.status == 401 || res.status == 403) {
        EXPECT_EQ(AuditCount(), audit_before) << "a refused request wrote to the audit log";
      } else if (c.method == "GET") {
        EXPECT_EQ(AuditCount(), audit_before) << "a read wrote to the audit log";
      } else if (res.status < 300 && c.pattern != "/api/v1/auth/logout" &&
                 c.pattern != "/api/v1/notifications/read" &&  // reading mail is not audited
                 c.pattern.rfind("/api/v1/index/", 0) != 0) {  // index POSTs only compute
        EXPECT_GT(AuditCount(), audit_before) << "a write is missing from the audit log";
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(routes.size() * std::size(kEveryone)));
}

// The per-organization rules, spelled out.
TEST_F(AuthzMatrixTest, MemberEditsOwnOrganizationOnly) {
  const int64_t a = seed().org_a, b = seed().org_b;
  HttpResponse own = Call(Who::kMemberOwn, "PATCH", "/api/v1/organizations/" + Id(a),
                          R"({"website": "https://saomai.example.vn"})");
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Body(own)["website"], "https://saomai.example.vn");
  const int64_t audit = AuditCount();
  HttpResponse other = Call(Who::kMemberOwn, "PATCH", "/api/v1/organizations/" + Id(b),
                            R"({"website": "https://bien.example.vn"})");
  EXPECT_TRUE(IsProblem(other, 403));
  EXPECT_EQ(AuditCount(), audit);
  EXPECT_TRUE(
      Body(Call(Who::kPublic, "GET", "/api/v1/organizations/" + Id(b)))["website"].is_null());
  // Members never delete, not even their own organization.
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "DELETE", "/api/v1/organizations/" + Id(a)), 403));
  // Nor issue certificates to it.
  EXPECT_TRUE(
      IsProblem(Call(Who::kMemberOwn, "POST", "/api/v1/organizations/" + Id(a) + "/certificates",
                     R"({"number": "X-1", "issued_on": "2024-01-01"})"),
                403));
}

TEST_F(AuthzMatrixTest, MemberAddsAndEditsPeopleOfOwnOrganizationOnly) {
  const int64_t a = seed().org_a, b = seed().org_b;
  const int64_t people = Scalar("SELECT COUNT(*) FROM people");
  HttpResponse own = Call(Who::kMemberOwn, "POST", "/api/v1/people",
                          json{{"full_name", "Lê Văn Một"}, {"organization_id", a}}.dump());
  ASSERT_EQ(own.status, 201) << own.body;
  const int64_t id = Body(own)["id"];
  EXPECT_EQ(
      Call(Who::kMemberOwn, "PATCH", "/api/v1/people/" + Id(id), R"({"title": "TS."})").status,
      200);

  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "POST", "/api/v1/people",
                             json{{"full_name", "Lê Văn Hai"}, {"organization_id", b}}.dump()),
                        403));
  // A person of no organization is the department's to add.
  EXPECT_TRUE(IsProblem(
      Call(Who::kMemberOwn, "POST", "/api/v1/people", R"({"full_name": "Lê Văn Ba"})"), 403));
  // Someone else's person: no edit, no delete.
  EXPECT_TRUE(IsProblem(
      Call(Who::kMemberOther, "PATCH", "/api/v1/people/" + Id(id), R"({"title": "GS."})"), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOther, "DELETE", "/api/v1/people/" + Id(id)), 403));
  // Moving one's own person to another organization needs rights over that one too.
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "PATCH", "/api/v1/people/" + Id(id),
                             json{{"organization_id", b}}.dump()),
                        403));
  EXPECT_EQ(Body(Call(Who::kAdmin, "GET", "/api/v1/people/" + Id(id)))["organization_id"], a);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM people"), people + 1);
  EXPECT_EQ(Call(Who::kMemberOwn, "DELETE", "/api/v1/people/" + Id(id)).status, 204);
}

TEST_F(AuthzMatrixTest, TokensOfOthersNeedAdmin) {
  json t = Seeded([&](storage::Transaction& tx) {
    return domain::CreateToken(tx, domain::Actor::System("api-test"), Clock::Real(),
                               seed().user_id.at(Who::kStaff), "staff's");
  });
  const std::string path = "/api/v1/tokens/" + Id(t["id"].get<int64_t>());
  EXPECT_TRUE(IsProblem(Call(Who::kMemberOwn, "DELETE", path), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kReviewer, "DELETE", path), 403));
  EXPECT_EQ(Call(Who::kAdmin, "DELETE", path).status, 204);
  // Listing shows only one's own tokens.
  json mine = Body(Call(Who::kReviewer, "GET", "/api/v1/tokens"));
  ASSERT_EQ(mine["items"].size(), 1u) << mine;
  EXPECT_EQ(mine["items"][0]["name"], "test");
  EXPECT_FALSE(mine["items"][0].contains("token_hash"));
}

TEST_F(AuthzMatrixTest, BadCredentialsAre401EvenOnPublicRoutes) {
  for (const std::string auth : {"Bearer stio_not-a-token", "Basic YWRtaW46YWRtaW4=", "Bearer "}) {
    SCOPED_TRACE(auth);
    EXPECT_TRUE(
        IsProblem(Call(Who::kPublic, "GET", "/api/v1/stats", "", {{"Authorization", auth}}), 401));
  }
  // A revoked token stops working at once.
  const std::string& token = seed().token.at(Who::kStaff);
  json list = Body(Call(Who::kStaff, "GET", "/api/v1/tokens"));
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(Call(Who::kStaff, "DELETE", "/api/v1/tokens/" + Id(list["items"][0]["id"])).status,
            204);
  EXPECT_TRUE(IsProblem(
      Call(Who::kPublic, "GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + token}}),
      401));
  // So does a disabled account's.
  EXPECT_EQ(Call(Who::kAdmin, "PATCH", "/api/v1/users/" + Id(seed().user_id.at(Who::kReviewer)),
                 R"({"disabled": true})")
                .status,
            200);
  EXPECT_TRUE(IsProblem(Call(Who::kReviewer, "GET", "/api/v1/auth/me"), 401));
}

}  // namespace
}  // namespace stio::apitest
