// Intellectual property routes (issue 7): assets and their events, the deadline calendar and the
// at-risk list, the free-to-use finder, statistics and the deadline rules. Same rules as
// routes.cc: each route has a gate permission; finer checks (the owner organization, unpublished
// applications) are made by domain/ip.cc; one domain call in one transaction.
#include <algorithm>
#include <optional>
#include <string>

#include "api/api.h"
#include "api/handler_util.h"
#include "api/problem.h"
#include "core/strings.h"
#include "domain/ip.h"
#include "domain/ip_advice.h"
#include "domain/ip_origin.h"
#include "domain/priorities.h"

namespace stio::api {

using domain::Permission;
using nlohmann::json;

void Api::AddIpRoutes() {
  const Permission kPublic = Permission::kReadPublic;
  // Writes are gated on being signed in; domain/ip.cc decides on the owner organization.
  const Permission kSignedIn = Permission::kReadSelf;

  Add("GET", "/api/v1/ip/assets", kPublic,
      "IP assets (unpublished applications only for staff and the owner organization)",
      [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        auto owner = IntQuery(c.req, "owner_organization_id");
        if (!owner.ok()) return Problem(owner.status());
        domain::IpAssetFilter f{NonEmpty(c.req, "q"),
                                NonEmpty(c.req, "kind"),
                                NonEmpty(c.req, "status"),
                                *owner,
                                NonEmpty(c.req, "province_code"),
                                NonEmpty(c.req, "class")};
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListIpAssets(tx, c.actor, c.clock, f, *paging));
          return r.ToJson();
        });
      });
  Add("POST", "/api/v1/ip/assets", kSignedIn,
      "Register an IP asset (staff, or a member for their organization)", [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreateIpAsset(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", "/api/v1/ip/assets/{id}", kPublic, "One IP asset with its deadlines and events",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::GetIpAsset(tx, c.actor, c.clock, *id);
        });
      });
  Add("PATCH", "/api/v1/ip/assets/{id}", kSignedIn,
      "Edit an IP asset (staff, or a member of the owner organization)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateIpAsset(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("DELETE", "/api/v1/ip/assets/{id}", kSignedIn,
      "Soft-delete an IP asset (staff, or a member of the owner organization)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return Run(c, storage::TxMode::kWrite, 204, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(domain::DeleteIpAsset(tx, c.actor, c.clock, *id));
          return json();
        });
      });
  Add("GET", "/api/v1/ip/assets/{id}/events", kPublic, "An IP asset's events", [](Context& c) {
    auto id = IdParam(c.req);
    if (!id.ok()) return Problem(id.status());
    return ReadJson(
        c, [&](storage::Transaction& tx) { return domain::ListIpEvents(tx, c.actor, *id); });
  });
  Add("POST", "/api/v1/ip/assets/{id}/events", kSignedIn,
      "Record an event (grant, fee payment, renewal, lapse...) and update the asset",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::AddIpEvent(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("GET", "/api/v1/ip/deadlines", kPublic,
      "Deadline calendar over a date range; at_risk=true for the assets at risk of lapsing",
      [](Context& c) {
        domain::IpDeadlineQuery q;
        q.from = NonEmpty(c.req, "from");
        q.to = NonEmpty(c.req, "to");
        auto at_risk = BoolParam(c.req, "at_risk");
        if (!at_risk.ok()) return Problem(at_risk.status());
        q.at_risk_only = at_risk->value_or(false);
        auto days = IntQuery(c.req, "at_risk_days");
        if (!days.ok()) return Problem(days.status());
        if (*days) q.at_risk_days = static_cast<int>(std::clamp<int64_t>(**days, -1, 100000));
        auto owner = IntQuery(c.req, "owner_organization_id");
        if (!owner.ok()) return Problem(owner.status());
        q.owner_organization_id = *owner;
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::ListIpDeadlines(tx, c.actor, c.clock, q);
        });
      });
  Add("GET", "/api/v1/ip/free-to-use", kPublic,
      "Patents and utility solutions whose term ended or that lapsed (free to use in Vietnam)",
      [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        auto priority = IntQuery(c.req, "priority");
        if (!priority.ok()) return Problem(priority.status());
        domain::FreeToUseQuery q{NonEmpty(c.req, "ipc"), NonEmpty(c.req, "province_code"),
                                 *priority, NonEmpty(c.req, "priorities_of")};
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::FindFreeToUse(tx, c.actor, c.clock, q, *paging));
          return r.ToJson();
        });
      });
  Add("GET", "/api/v1/ip/stats", kPublic,
      "Applications and grants per kind, year and province, per 10,000 inhabitants",
      [](Context& c) {
        auto from = IntQuery(c.req, "year_from");
        if (!from.ok()) return Problem(from.status());
        auto to = IntQuery(c.req, "year_to");
        if (!to.ok()) return Problem(to.status());
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::IpStatistics(tx, NonEmpty(c.req, "province_code"), NonEmpty(c.req, "kind"),
                                      *from, *to);
        });
      });
  Add("POST", "/api/v1/ip/assets/{id}/exchange-listing", Permission::kWriteTransfer,
      "List a free-to-use patent on the technology exchange (an offer submitted for review; staff)",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(
            c, 201,
            [&](storage::Transaction& tx, const json& body) {
              return domain::ListFreeToUseOnExchange(tx, c.actor, c.clock, *id, body);
            },
            /*optional_body=*/true);
      });
  Add("PUT", "/api/v1/ip/rules", Permission::kManageSettings,
      "Replace the deadline rules (admin): checked like the data file; every asset must still "
      "get a schedule",
      [](Context& c) {
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateIpRules(tx, c.actor, c.clock, body);
        });
      });

  // --- Advice: articles, advisory requests, self-assessment
  Add("GET", "/api/v1/ip/articles", kPublic, "IP guidance articles (q: words, kind: kind of right)",
      [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListArticles(tx, c.actor, NonEmpty(c.req, "q"),
                                                             NonEmpty(c.req, "kind"), *paging));
          return r.ToJson();
        });
      });
  Add("POST", "/api/v1/ip/articles", Permission::kAdvise, "Write a guidance article (staff)",
      [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreateArticle(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", "/api/v1/ip/articles/{id}", kPublic, "One guidance article", [](Context& c) {
    auto id = IdParam(c.req);
    if (!id.ok()) return Problem(id.status());
    return ReadJson(c,
                    [&](storage::Transaction& tx) { return domain::GetArticle(tx, c.actor, *id); });
  });
  Add("PATCH", "/api/v1/ip/articles/{id}", Permission::kAdvise, "Edit a guidance article (staff)",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateArticle(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("GET", "/api/v1/ip/advice", kSignedIn,
      "Advisory requests (members: their organization's; staff: all)", [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListAdvisoryRequests(
                                            tx, c.actor, NonEmpty(c.req, "status"), *paging));
          return r.ToJson();
        });
      });
  Add("POST", "/api/v1/ip/advice", Permission::kAskAdvice, "Ask the department an IP question",
      [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreateAdvisoryRequest(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", "/api/v1/ip/advice/{id}", kSignedIn, "An advisory request with its thread",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::GetAdvisoryRequest(tx, c.actor, *id);
        });
      });
  Add("POST", "/api/v1/ip/advice/{id}/messages", kSignedIn,
      "Reply in a request's thread (a staff reply answers it)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::PostAdvisoryMessage(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("POST", "/api/v1/ip/advice/{id}/close", kSignedIn, "Close a request with its outcome",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::CloseAdvisoryRequest(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("GET", "/api/v1/ip/self-assessment/questions", kPublic,
      "The IP self-assessment questionnaire", [](Context& c) {
        (void)c;
        return JsonResponse(200, {{"questions", domain::AssessmentQuestions()}});
      });
  Add("POST", "/api/v1/ip/self-assessment", Permission::kAskAdvice,
      "Answer the questionnaire: a report of what is owned, what to protect, deadlines ahead",
      [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::RunAssessment(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", "/api/v1/ip/self-assessment", kSignedIn,
      "Past self-assessments (members: their organization's; staff: all)", [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListAssessments(tx, c.actor, *paging));
          return r.ToJson();
        });
      });
  // --- Users of geographical indications and collective and certification marks
  Add("GET", "/api/v1/ip/assets/{id}/users", kPublic,
      "Who is authorised to use a geographical indication or a collective or certification mark",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return ReadJson(
            c, [&](storage::Transaction& tx) { return domain::ListMarkUsers(tx, c.actor, *id); });
      });
  Add("POST", "/api/v1/ip/assets/{id}/users", kSignedIn,
      "Authorise a user of a sign (staff, or a member of its holder)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::AddMarkUser(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("PATCH", "/api/v1/ip/assets/{id}/users/{user_id}", kSignedIn,
      "Edit, suspend or revoke a user's authorisation (staff, or a member of the holder)",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        auto user = IdParam(c.req, "user_id");
        if (!user.ok()) return Problem(user.status());
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateMarkUser(tx, c.actor, c.clock, *id, *user, body);
        });
      });
  Add("DELETE", "/api/v1/ip/assets/{id}/users/{user_id}", kSignedIn,
      "Delete a user record entered by mistake (staff, or a member of the holder)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        auto user = IdParam(c.req, "user_id");
        if (!user.ok()) return Problem(user.status());
        return Run(c, storage::TxMode::kWrite, 204, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(domain::DeleteMarkUser(tx, c.actor, c.clock, *id, *user));
          return json();
        });
      });
  Add("GET", "/api/v1/ip/origin-map", kPublic,
      "Geographical indications and collective and certification marks with holders and users "
      "per province and commune",
      [](Context& c) {
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::OriginMap(tx, c.actor, NonEmpty(c.req, "province_code"));
        });
      });

  // --- The province's priority sectors and key products
  Add("GET", "/api/v1/priorities", kPublic,
      "A province's priority sectors and key products (what the free-to-use finder matches)",
      [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(
              auto r, domain::ListPriorities(tx, NonEmpty(c.req, "province_code"), *paging));
          return r.ToJson();
        });
      });
  Add("POST", "/api/v1/priorities", Permission::kManageMonitoring,
      "Add a priority sector or key product with its IPC prefixes and keywords (staff)",
      [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreatePriority(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", "/api/v1/priorities/{id}", kPublic, "One priority sector or key product",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return ReadJson(c, [&](storage::Transaction& tx) { return domain::GetPriority(tx, *id); });
      });
  Add("PATCH", "/api/v1/priorities/{id}", Permission::kManageMonitoring, "Edit a priority (staff)",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdatePriority(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("DELETE", "/api/v1/priorities/{id}", Permission::kManageMonitoring,
      "Delete a priority (staff)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return Run(c, storage::TxMode::kWrite, 204, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(domain::DeletePriority(tx, c.actor, c.clock, *id));
          return json();
        });
      });
  Add("GET", "/api/v1/ip/rules", kPublic,
      "The deadline rules per kind of right, with their legal sources", [](Context& c) {
        return ReadJson(c,
                        [&](storage::Transaction& tx) { return domain::GetIpRulesDocument(tx); });
      });
}

}  // namespace stio::api
