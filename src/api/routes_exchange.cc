// Technology exchange routes (issue 4): listings and their lifecycle, attachments, matching,
// introductions, transfer contracts and follow-up, task proposals, statistics and bulk import;
// plus the notifications inbox, the e-mail outbox and settings, which every module shares.
// Same rules as routes.cc: a gate permission per route, finer checks in domain/exchange*.cc, one
// domain call in one transaction.
#include <optional>
#include <string>

#include "api/api.h"
#include "api/exports.h"
#include "api/handler_util.h"
#include "api/problem.h"
#include "core/strings.h"
#include "domain/exchange.h"
#include "domain/ip.h"
#include "domain/notifications.h"
#include "domain/transfer.h"

namespace stio::api {

using domain::Permission;
using nlohmann::json;

void Api::Housekeeping() {
  // At most once an hour, from whichever request comes first: overdue listings become expired
  // (audited, owners told), owners are reminded of listings ending and of IP deadlines.
  const int64_t now = UnixSeconds(clock_.Now());
  int64_t last = last_housekeeping_.load();
  if (now - last < 3600 || !last_housekeeping_.compare_exchange_strong(last, now)) return;
  Status s = storage::WithTransaction(db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_RETURN_IF_ERROR(domain::ExpireListings(tx, clock_).status());
    return domain::RemindIpDeadlines(tx, clock_).status();
  });
  if (!s.ok()) last_housekeeping_ = last;  // try again with the next request
}

void Api::AddExchangeRoutes() {
  const Permission kPublic = Permission::kReadPublic;
  const Permission kSignedIn = Permission::kReadSelf;
  const std::string x = "/api/v1/exchange";

  Add("GET", x + "/listings", kPublic,
      "Technology offers and needs (the public sees published ones; members also their own)",
      [this](Context& c) {
        Housekeeping();
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        auto org = IntQuery(c.req, "organization_id");
        if (!org.ok()) return Problem(org.status());
        auto trl = IntQuery(c.req, "trl_min");
        if (!trl.ok()) return Problem(trl.status());
        domain::ListingFilter f{NonEmpty(c.req, "kind"),
                                NonEmpty(c.req, "status"),
                                NonEmpty(c.req, "q"),
                                NonEmpty(c.req, "field"),
                                NonEmpty(c.req, "province_code"),
                                *org,
                                *trl,
                                NonEmpty(c.req, "transfer_mode")};
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListListings(tx, c.actor, c.clock, f, *paging));
          return r.ToJson();
        });
      });
  Add("POST", x + "/listings", kSignedIn,
      "Create an offer or a need (a draft, or submitted for review with submit: true)",
      [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreateListing(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", x + "/listings/{id}", kPublic, "One listing with its attachments", [](Context& c) {
    auto id = IdParam(c.req);
    if (!id.ok()) return Problem(id.status());
    return ReadJson(
        c, [&](storage::Transaction& tx) { return domain::GetListing(tx, c.actor, c.clock, *id); });
  });
  Add("PATCH", x + "/listings/{id}", kSignedIn,
      "Edit a listing (a published one goes back to review)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateListing(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("DELETE", x + "/listings/{id}", kSignedIn, "Delete a draft (withdraw anything else)",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return Run(c, storage::TxMode::kWrite, 204, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(domain::DeleteListing(tx, c.actor, c.clock, *id));
          return json();
        });
      });
  Add("POST", x + "/listings/{id}/{action}", kSignedIn,
      "Lifecycle: submit, publish or return (reviewers), renew, withdraw", [this](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        const std::string action = c.req.params["action"];
        if (search_) (void)search_->CatchUp(c.db);
        return WriteJson(
            c, 200,
            [&](storage::Transaction& tx, const json& body) {
              return domain::ListingAction(tx, c.actor, c.clock, *id, action, body, search_.get());
            },
            /*optional_body=*/true);
      });
  Add("GET", x + "/listings/{id}/matches", kPublic,
      "Ranked matches: offers and experts for a need, needs for an offer, with reasons",
      [this](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        if (!search_) {
          return Problem(Status::Unavailable("search is unavailable: " + search_status_.message()));
        }
        domain::MatchOptions o;
        auto limit = IntQuery(c.req, "limit");
        if (!limit.ok()) return Problem(limit.status());
        if (*limit) o.limit = **limit;
        auto experts = BoolParam(c.req, "experts");
        if (!experts.ok()) return Problem(experts.status());
        if (*experts) o.experts = **experts;
        Status caught = search_->CatchUp(c.db);
        if (!caught.ok()) return Problem(caught);
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::MatchListing(tx, *search_, c.actor, c.clock, *id, o);
        });
      });
  Add("GET", x + "/review-queue", Permission::kReviewListings,
      "Listings waiting for review, oldest first", [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        if (paging->sort.empty()) paging->sort = "created_at";
        domain::ListingFilter f;
        f.kind = NonEmpty(c.req, "kind");
        f.status = "submitted";
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListListings(tx, c.actor, c.clock, f, *paging));
          return r.ToJson();
        });
      });
  Add("POST", x + "/listings/{id}/attachments", kSignedIn,
      "Attach a PDF or image (the body is the file; ?filename=); judged by content, 5 MiB at most",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        const std::string name = c.req.Query("filename").value_or("file");
        return Run(c, storage::TxMode::kWrite, 201, [&](storage::Transaction& tx) {
          return domain::AddAttachment(tx, c.actor, c.clock, *id, name, c.req.body);
        });
      });
  Add("GET", x + "/listings/{id}/attachments/{attachment}", kPublic,
      "Download an attachment (always as a download, never shown inline)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        auto aid = IdParam(c.req, "attachment");
        if (!aid.ok()) return Problem(aid.status());
        domain::Attachment a;
        Status s = c.Read([&](storage::Transaction& tx) {
          STIO_ASSIGN_OR_RETURN(a, domain::GetAttachment(tx, c.actor, c.clock, *id, *aid));
          return Status::Ok();
        });
        if (!s.ok()) return Problem(s);
        http::Response r;
        r.status = 200;
        r.headers.Set("Content-Type", a.media_type);
        // The name is ASCII-safe in filename= and exact (UTF-8) in filename*=.
        std::string ascii;
        for (unsigned char ch : a.file_name) ascii += ch < 0x80 && ch != '"' ? char(ch) : '_';
        std::string encoded;
        for (unsigned char ch : a.file_name) {
          if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') {
            encoded += static_cast<char>(ch);
          } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", ch);
            encoded += buf;
          }
        }
        r.headers.Set("Content-Disposition",
                      "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded);
        r.headers.Set("Content-Security-Policy", "default-src 'none'; sandbox");
        r.body = std::move(a.bytes);
        return r;
      });
  Add("DELETE", x + "/listings/{id}/attachments/{attachment}", kSignedIn, "Remove an attachment",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        auto aid = IdParam(c.req, "attachment");
        if (!aid.ok()) return Problem(aid.status());
        return Run(c, storage::TxMode::kWrite, 204, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(domain::DeleteAttachment(tx, c.actor, c.clock, *id, *aid));
          return json();
        });
      });
  Add("POST", x + "/listings/{id}/introductions", Permission::kRequestIntroduction,
      "Ask the listing's owner for an introduction (rate-limited)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(
            c, 201,
            [&](storage::Transaction& tx, const json& body) {
              return domain::RequestIntroduction(tx, c.actor, c.clock, *id, body);
            },
            /*optional_body=*/true);
      });
  Add("POST", x + "/listings/{id}/task-proposal", Permission::kWriteTransfer,
      "Turn an unmet need into a draft S&T task order proposal (staff)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return Run(c, storage::TxMode::kWrite, 201, [&](storage::Transaction& tx) {
          return domain::CreateTaskProposal(tx, c.actor, c.clock, *id);
        });
      });
  Add("GET", x + "/task-proposals", Permission::kWriteTransfer, "Task proposals (staff)",
      [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        auto need = IntQuery(c.req, "need_id");
        if (!need.ok()) return Problem(need.status());
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListTaskProposals(tx, c.actor, *need, *paging));
          return r.ToJson();
        });
      });
  Add("GET", x + "/task-proposals/{id}", Permission::kWriteTransfer,
      "One task proposal, as the document exported to the task process", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return ReadJson(
            c, [&](storage::Transaction& tx) { return domain::GetTaskProposal(tx, c.actor, *id); });
      });

  // --- Introductions
  Add("GET", x + "/connections", kSignedIn,
      "Introductions I asked for (box=sent) or that my organization received (box=received)",
      [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        const std::string box = c.req.Query("box").value_or("");
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListConnections(
                                            tx, c.actor, box, NonEmpty(c.req, "status"), *paging));
          return r.ToJson();
        });
      });
  Add("GET", x + "/connections/{id}", kSignedIn, "One introduction with its history",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::GetConnection(tx, c.actor, c.clock, *id);
        });
      });
  Add("POST", x + "/connections/{id}/{action}", kSignedIn,
      "accept, decline (with a reason), meeting, nda, contract, close, cancel", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        const std::string action = c.req.params["action"];
        return WriteJson(
            c, 200,
            [&](storage::Transaction& tx, const json& body) {
              return domain::ConnectionAction(tx, c.actor, c.clock, *id, action, body);
            },
            /*optional_body=*/true);
      });

  // --- Transfer contracts
  Add("GET", x + "/contracts", kSignedIn,
      "Technology transfer contracts (staff: all; members: their organization's)", [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(
              auto r, domain::ListContracts(tx, c.actor, c.clock, NonEmpty(c.req, "province_code"),
                                            NonEmpty(c.req, "status"), *paging));
          return r.ToJson();
        });
      });
  Add("POST", x + "/contracts", kSignedIn,
      "Record a technology transfer contract (registration duty worked out)", [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreateContract(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", x + "/contracts/{id}", kSignedIn, "One contract with its follow-up", [](Context& c) {
    auto id = IdParam(c.req);
    if (!id.ok()) return Problem(id.status());
    return ReadJson(c, [&](storage::Transaction& tx) {
      return domain::GetContract(tx, c.actor, c.clock, *id);
    });
  });
  Add("PATCH", x + "/contracts/{id}", kSignedIn,
      "Edit a contract; status moves forward only, registration before effect", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateContract(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("POST", x + "/contracts/{id}/followups", kSignedIn,
      "Report the effect of a transfer for a period (revenue, productivity, jobs)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::AddFollowup(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("GET", x + "/stats", kPublic,
      "Exchange statistics by month, field and province (listings, introductions, contracts)",
      [](Context& c) {
        domain::ExchangeStatsQuery q{NonEmpty(c.req, "province_code"), NonEmpty(c.req, "from"),
                                     NonEmpty(c.req, "to")};
        auto format = FormatParam(c.req, {"json", "xlsx"});
        if (!format.ok()) return Problem(format.status());
        auto lang = LangParam(c.req);
        if (!lang.ok()) return Problem(lang.status());
        if (*format == "xlsx") return ExchangeStatsXlsx(c, q, *lang);
        return ReadJson(
            c, [&](storage::Transaction& tx) { return domain::ExchangeStats(tx, c.clock, q); });
      });
  Add("POST", x + "/import", Permission::kImportExport,
      "Import offers and needs from a CSV or JSON catalogue (all or nothing, every bad row "
      "reported)",
      [](Context& c) { return ImportResponse(c, domain::Entity::kListings); });

  // --- Shared: inbox, outbox, settings
  Add("GET", "/api/v1/notifications", kSignedIn,
      "My notifications and my organization's, newest first (unread=true for unread only)",
      [this](Context& c) {
        Housekeeping();
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        auto unread = BoolParam(c.req, "unread");
        if (!unread.ok()) return Problem(unread.status());
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(
              auto r, domain::ListNotifications(tx, c.actor, unread->value_or(false), *paging));
          json j = r.ToJson();
          STIO_ASSIGN_OR_RETURN(j["unread"], domain::UnreadCount(tx, c.actor));
          return j;
        });
      });
  Add("POST", "/api/v1/notifications/read", kSignedIn,
      "Mark one notification ({\"id\": n}) or all of them read", [](Context& c) {
        return WriteJson(
            c, 200,
            [&](storage::Transaction& tx, const json& body) -> Result<json> {
              std::optional<int64_t> id;
              if (body.is_object() && body.contains("id")) {
                if (!body["id"].is_number_integer()) {
                  return Status::InvalidArgument("'id' is a notification id", "id");
                }
                id = body["id"].get<int64_t>();
              } else if (!body.is_null() && !(body.is_object() && body.empty())) {
                return Status::InvalidArgument("send {\"id\": n}, or nothing to mark all read");
              }
              return domain::MarkRead(tx, c.actor, c.clock, id);
            },
            /*optional_body=*/true);
      });
  Add("GET", "/api/v1/outbox", Permission::kImportExport,
      "E-mails waiting to be sent (pending=false for all), for the mail relay", [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        auto pending = BoolParam(c.req, "pending");
        if (!pending.ok()) return Problem(pending.status());
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r,
                                domain::ListOutbox(tx, c.actor, pending->value_or(true), *paging));
          return r.ToJson();
        });
      });
  Add("POST", "/api/v1/outbox/{id}/sent", Permission::kImportExport,
      "Record a delivery: sent, or failed with {\"error\": \"...\"}", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(
            c, 200,
            [&](storage::Transaction& tx, const json& body) -> Result<json> {
              std::optional<std::string> error;
              if (body.is_object() && body.contains("error")) {
                if (!body["error"].is_string()) {
                  return Status::InvalidArgument("'error' is a text", "error");
                }
                error = body["error"].get<std::string>();
              }
              return domain::MarkOutbox(tx, c.actor, c.clock, *id, error);
            },
            /*optional_body=*/true);
      });
  Add("GET", "/api/v1/settings", kPublic, "Settings with their defaults and bounds",
      [](Context& c) {
        return ReadJson(c, [&](storage::Transaction& tx) { return domain::GetSettings(tx); });
      });
  Add("PATCH", "/api/v1/settings", Permission::kManageSettings,
      "Change settings (admin), e.g. {\"exchange.listing_days\": 90}", [](Context& c) {
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateSettings(tx, c.actor, c.clock, body);
        });
      });
}

}  // namespace stio::api
