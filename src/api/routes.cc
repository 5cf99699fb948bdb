// Every route of the API, with the permission that gates it. Handlers parse the request, run one
// domain call in one transaction, and shape the response; they decide nothing about rights beyond
// the gate (finer, per-organization checks live in the domain layer, through domain/policy.h).
#include <optional>
#include <set>
#include <string>

#include "api/api.h"
#include "api/handler_util.h"
#include "api/problem.h"
#include "core/strings.h"
#include "domain/accounts.h"
#include "domain/reference.h"
#include "domain/registry.h"
#include "domain/transfer.h"

namespace stio::api {

using domain::Permission;
using nlohmann::json;

namespace {

json UserWithCsrf(const json& user, const std::string& csrf) {
  return json{{"user", user}, {"csrf_token", csrf}};
}

}  // namespace

http::Response LoginHandler(Api& api, Context& ctx) {
  Result<json> body = ctx.JsonBody();
  if (!body.ok()) return Problem(body.status());
  if (!body->is_object() || !(*body)["email"].is_string() || !(*body)["password"].is_string()) {
    return Problem(Status::InvalidArgument("send {\"email\": ..., \"password\": ...}"));
  }
  const std::string email = AsciiLower(Trim((*body)["email"].get<std::string>()));
  const std::string ip_key = "ip:" + ctx.req.remote_address;
  const std::string email_key = "email:" + email;
  const auto now = std::chrono::steady_clock::now();
  for (const std::string& key : {ip_key, email_key}) {
    if (Status s = api.login_limiter_.Check(key, now); !s.ok()) return Problem(s);
  }
  Result<domain::LoginResult> login = Status::Internal("unset");
  Status s = ctx.Write([&](storage::Transaction& tx) {
    login = domain::Login(tx, ctx.clock, email, (*body)["password"].get<std::string>(),
                          ctx.req.remote_address);
    return login.ok() ? Status::Ok() : login.status();
  });
  if (!s.ok()) {
    if (s.code() == StatusCode::kUnauthenticated) {
      api.login_limiter_.RecordFailure(ip_key, now);
      api.login_limiter_.RecordFailure(email_key, now);
    }
    return Problem(s);
  }
  api.login_limiter_.RecordSuccess(email_key);
  http::Response r = JsonResponse(200, UserWithCsrf(login->user, login->csrf_token));
  std::string cookie = "stio_session=" + login->session_token +
                       "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                       std::to_string(std::chrono::seconds(domain::kSessionLifetime).count());
  if (api.options_.secure_cookies || ctx.req.tls) cookie += "; Secure";
  r.headers.Add("Set-Cookie", cookie);
  return r;
}

http::Response LogoutHandler(Api& api, Context& ctx) {
  if (auto cookie = ctx.req.Cookie("stio_session")) {
    Status s = ctx.Write([&](storage::Transaction& tx) { return domain::Logout(tx, *cookie); });
    if (!s.ok()) return Problem(s);
  }
  http::Response r;
  r.status = 204;
  std::string cookie = "stio_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
  if (api.options_.secure_cookies || ctx.req.tls) cookie += "; Secure";
  r.headers.Add("Set-Cookie", cookie);
  return r;
}

http::Response SearchHandler(Api& api, Context& ctx) {
  if (!api.search_) {
    return Problem(Status::Unavailable("search is unavailable: " + api.search_status_.message()));
  }
  domain::SearchRequest r;
  r.q = ctx.req.Query("q").value_or("");
  if (!IsValidUtf8(r.q)) return Problem(Status::InvalidArgument("q is not valid UTF-8", "q"));
  r.type = NonEmpty(ctx.req, "type");
  static const std::set<std::string> kTypes = {"organization", "person",   "offer",
                                               "need",         "ip_asset", "article"};
  if (r.type && !kTypes.count(*r.type)) {
    return Problem(Status::InvalidArgument(
        "type must be organization, person, offer, need, ip_asset or article", "type"));
  }
  r.province_code = NonEmpty(ctx.req, "province_code");
  r.kind = NonEmpty(ctx.req, "kind");
  r.field = NonEmpty(ctx.req, "field");
  auto expert = BoolParam(ctx.req, "expert");
  if (!expert.ok()) return Problem(expert.status());
  r.expert = *expert;
  auto certified = BoolParam(ctx.req, "certified");
  if (!certified.ok()) return Problem(certified.status());
  r.certified = *certified;
  auto prefix = BoolParam(ctx.req, "prefix");
  if (!prefix.ok()) return Problem(prefix.status());
  r.prefix = prefix->value_or(false);
  auto explain = BoolParam(ctx.req, "explain");
  if (!explain.ok()) return Problem(explain.status());
  r.explain = explain->value_or(false);
  auto paging = Paging(ctx.req);
  if (!paging.ok()) return Problem(paging.status());
  r.limit = ctx.req.Query("limit") ? paging->limit : 20;
  r.offset = paging->offset;
  return FromResult(api.search_->Search(ctx.db, r));
}

http::Response GeoHandler(Api& api, Context& ctx, const std::string& name) {
  (void)ctx;
  auto it = api.geo_cache_.find(name);
  if (it == api.geo_cache_.end()) {
    return Problem(Status::NotFound("the boundary file for '" + name + "' is not installed"));
  }
  http::Response r;
  r.status = 200;
  r.headers.Set("Content-Type", "application/geo+json");
  r.headers.Set("Cache-Control", "public, max-age=3600");
  r.body = it->second;
  return r;
}

void Api::AddRoutes() {
  using TxMode = storage::TxMode;
  const Permission kPublic = Permission::kReadPublic;

  // --- Auth
  Add("POST", "/api/v1/auth/login", kPublic, "Sign in; sets the session cookie",
      [this](Context& c) { return LoginHandler(*this, c); });
  Add("POST", "/api/v1/auth/logout", kPublic, "Sign out",
      [this](Context& c) { return LogoutHandler(*this, c); });
  Add("GET", "/api/v1/auth/me", Permission::kReadSelf, "The signed-in user and CSRF token",
      [](Context& c) {
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          auto row = tx.QueryOne(
              "SELECT id, email, display_name, role, organization_id, "
              "created_at, last_login_at, disabled_at FROM users WHERE id = ?",
              {c.actor.user_id});
          if (!row.ok()) return row.status();
          json user = domain::RowToJson(*row);
          user["disabled"] = !row->IsNull("disabled_at");
          user.erase("disabled_at");
          return UserWithCsrf(user, c.csrf_token);
        });
      });

  // --- Reference data
  Add("GET", "/api/v1/admin-units", kPublic, "Administrative units (2025 or pre-2025 map)",
      [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        domain::AdminUnitFilter f;
        f.level = c.req.Query("level").value_or("province");
        f.era = c.req.Query("era").value_or("2025");
        f.province_code = NonEmpty(c.req, "province_code");
        f.q = NonEmpty(c.req, "q");
        if (!c.req.Query("limit") && f.level == "province") paging->limit = 100;
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListAdminUnits(tx, f, *paging));
          return r.ToJson();
        });
      });
  Add("GET", "/api/v1/admin-units/convert", kPublic, "Where a pre-2025 unit went on the 2025 map",
      [](Context& c) {
        auto code = NonEmpty(c.req, "old_code");
        if (!code) return Problem(Status::InvalidArgument("old_code is required", "old_code"));
        std::string level = c.req.Query("level").value_or("commune");
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::ConvertAdminUnit(tx, level, *code);
        });
      });
  Add("GET", "/api/v1/admin-units/{code}", kPublic, "One administrative unit with its lineage",
      [](Context& c) {
        std::string level = c.req.Query("level").value_or(
            c.req.params["code"].size() <= 2 ? "province" : "commune");
        std::string era = c.req.Query("era").value_or("2025");
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::GetAdminUnit(tx, era, level, c.req.params["code"]);
        });
      });
  Add("GET", "/api/v1/geo/provinces", kPublic, "GeoJSON of the 34 provinces (2025)",
      [this](Context& c) { return GeoHandler(*this, c, "provinces"); });
  Add("GET", "/api/v1/geo/provinces-pre2025", kPublic, "GeoJSON of the 63 provinces (pre-2025)",
      [this](Context& c) { return GeoHandler(*this, c, "provinces-pre2025"); });
  Add("GET", "/api/v1/reference/fields-of-science", kPublic, "S&T field classification",
      [](Context& c) {
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListClassification(tx, "fos"));
          return r.ToJson();
        });
      });
  Add("GET", "/api/v1/reference/vsic", kPublic, "VSIC 2018 industry classification",
      [](Context& c) {
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListClassification(tx, "vsic"));
          return r.ToJson();
        });
      });
  Add("GET", "/api/v1/stats", kPublic, "Headline counts", [](Context& c) {
    return ReadJson(c, [&](storage::Transaction& tx) { return domain::Stats(tx); });
  });

  // --- Search
  Add("GET", "/api/v1/search", kPublic,
      "Search every registry entity, with or without diacritics, with facets and highlights",
      [this](Context& c) { return SearchHandler(*this, c); });

  // --- Organizations
  Add("GET", "/api/v1/organizations", kPublic, "List organizations", [](Context& c) {
    auto paging = Paging(c.req);
    if (!paging.ok()) return Problem(paging.status());
    auto certified = BoolParam(c.req, "certified");
    if (!certified.ok()) return Problem(certified.status());
    domain::OrganizationFilter f{NonEmpty(c.req, "q"), NonEmpty(c.req, "kind"),
                                 NonEmpty(c.req, "province_code"), NonEmpty(c.req, "vsic"),
                                 *certified};
    return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
      STIO_ASSIGN_OR_RETURN(auto r, domain::ListOrganizations(tx, c.actor, f, *paging));
      return r.ToJson();
    });
  });
  Add("POST", "/api/v1/organizations", Permission::kWriteOrganization, "Create an organization",
      [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreateOrganization(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", "/api/v1/organizations/{id}", kPublic, "One organization", [](Context& c) {
    auto id = IdParam(c.req);
    if (!id.ok()) return Problem(id.status());
    return ReadJson(
        c, [&](storage::Transaction& tx) { return domain::GetOrganization(tx, c.actor, *id); });
  });
  Add("PATCH", "/api/v1/organizations/{id}", Permission::kReadSelf,
      "Edit an organization (staff, or a member of it)", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateOrganization(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("DELETE", "/api/v1/organizations/{id}", Permission::kWriteOrganization,
      "Soft-delete an organization", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return Run(c, TxMode::kWrite, 204, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(domain::DeleteOrganization(tx, c.actor, c.clock, *id));
          return json();
        });
      });
  Add("GET", "/api/v1/organizations/{id}/certificates", kPublic,
      "S&T enterprise certificates of an organization", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(domain::GetOrganization(tx, c.actor, *id).status());
          STIO_ASSIGN_OR_RETURN(
              auto r, domain::ListCertificates(tx, *id, std::nullopt, std::nullopt, *paging));
          return r.ToJson();
        });
      });
  Add("POST", "/api/v1/organizations/{id}/certificates", Permission::kWriteOrganization,
      "Record an issued S&T enterprise certificate", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::IssueCertificate(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("GET", "/api/v1/certificates", kPublic, "S&T enterprise certificates", [](Context& c) {
    auto paging = Paging(c.req);
    if (!paging.ok()) return Problem(paging.status());
    return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
      STIO_ASSIGN_OR_RETURN(auto r,
                            domain::ListCertificates(tx, std::nullopt, NonEmpty(c.req, "status"),
                                                     NonEmpty(c.req, "province_code"), *paging));
      return r.ToJson();
    });
  });
  Add("GET", "/api/v1/certificates/{id}", kPublic, "One certificate with its history",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return ReadJson(c,
                        [&](storage::Transaction& tx) { return domain::GetCertificate(tx, *id); });
      });
  Add("POST", "/api/v1/certificates/{id}/events", Permission::kWriteOrganization,
      "Amend, suspend, reinstate or revoke a certificate", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::AddCertificateEvent(tx, c.actor, c.clock, *id, body);
        });
      });

  // --- People
  Add("GET", "/api/v1/people", kPublic, "List people and experts", [](Context& c) {
    auto paging = Paging(c.req);
    if (!paging.ok()) return Problem(paging.status());
    auto expert = BoolParam(c.req, "expert");
    if (!expert.ok()) return Problem(expert.status());
    domain::PersonFilter f;
    f.q = NonEmpty(c.req, "q");
    if (auto org = NonEmpty(c.req, "organization_id")) {
      auto n = ParseInt(*org);
      if (!n)
        return Problem(
            Status::InvalidArgument("organization_id must be an integer", "organization_id"));
      f.organization_id = *n;
    }
    f.field = NonEmpty(c.req, "field");
    f.expert = *expert;
    f.province_code = NonEmpty(c.req, "province_code");
    return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
      STIO_ASSIGN_OR_RETURN(auto r, domain::ListPeople(tx, c.actor, f, *paging));
      return r.ToJson();
    });
  });
  Add("POST", "/api/v1/people", Permission::kReadSelf,
      "Add a person (staff, or a member for their organization)", [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreatePerson(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", "/api/v1/people/{id}", kPublic, "One person", [](Context& c) {
    auto id = IdParam(c.req);
    if (!id.ok()) return Problem(id.status());
    return ReadJson(c,
                    [&](storage::Transaction& tx) { return domain::GetPerson(tx, c.actor, *id); });
  });
  Add("PATCH", "/api/v1/people/{id}", Permission::kReadSelf, "Edit a person", [](Context& c) {
    auto id = IdParam(c.req);
    if (!id.ok()) return Problem(id.status());
    return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
      return domain::UpdatePerson(tx, c.actor, c.clock, *id, body);
    });
  });
  Add("DELETE", "/api/v1/people/{id}", Permission::kReadSelf, "Soft-delete a person",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return Run(c, TxMode::kWrite, 204, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(domain::DeletePerson(tx, c.actor, c.clock, *id));
          return json();
        });
      });

  // --- Accounts
  Add("GET", "/api/v1/users", Permission::kManageUsers, "List users", [](Context& c) {
    auto paging = Paging(c.req);
    if (!paging.ok()) return Problem(paging.status());
    return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
      STIO_ASSIGN_OR_RETURN(auto r, domain::ListUsers(tx, c.actor, *paging));
      return r.ToJson();
    });
  });
  Add("POST", "/api/v1/users", Permission::kManageUsers, "Create a user", [](Context& c) {
    return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
      return domain::CreateUser(tx, c.actor, c.clock, body);
    });
  });
  Add("PATCH", "/api/v1/users/{id}", Permission::kManageUsers,
      "Change a user's role, organization, password or status", [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateUser(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("GET", "/api/v1/tokens", Permission::kReadSelf, "Own API tokens", [](Context& c) {
    return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
      STIO_ASSIGN_OR_RETURN(auto r, domain::ListTokens(tx, c.actor));
      return r.ToJson();
    });
  });
  Add("POST", "/api/v1/tokens", Permission::kReadSelf, "Create an API token (shown once)",
      [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) -> Result<json> {
          if (!body.is_object()) return Status::InvalidArgument("send {\"name\": ...}");
          for (const auto& [k, v] : body.items()) {
            (void)v;
            if (k != "name") return Status::InvalidArgument("unknown field '" + k + "'", k);
          }
          std::string name = body.value("name", json("token")).is_string()
                                 ? body.value("name", std::string("token"))
                                 : "";
          if (name.empty()) return Status::InvalidArgument("'name' must be a string", "name");
          return domain::CreateToken(tx, c.actor, c.clock, c.actor.user_id, name);
        });
      });
  Add("DELETE", "/api/v1/tokens/{id}", Permission::kReadSelf, "Revoke an API token",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return Run(c, TxMode::kWrite, 204, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(domain::RevokeToken(tx, c.actor, c.clock, *id));
          return json();
        });
      });
  Add("GET", "/api/v1/audit", Permission::kReadAudit, "The audit log", [](Context& c) {
    auto paging = Paging(c.req);
    if (!paging.ok()) return Problem(paging.status());
    domain::AuditFilter f{NonEmpty(c.req, "entity_type"), NonEmpty(c.req, "entity_id"),
                          NonEmpty(c.req, "actor"),       NonEmpty(c.req, "action"),
                          NonEmpty(c.req, "since"),       NonEmpty(c.req, "until")};
    return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
      STIO_ASSIGN_OR_RETURN(auto r, domain::ListAudit(tx, c.actor, f, *paging));
      return r.ToJson();
    });
  });

  // --- Import and export
  Add("POST", "/api/v1/import/{entity}", Permission::kImportExport,
      "Import organizations or people from CSV or JSON (all or nothing)", [](Context& c) {
        auto entity = domain::ParseEntity(c.req.params["entity"]);
        if (!entity.ok()) return Problem(entity.status());
        return ImportResponse(c, *entity);
      });
  Add("GET", "/api/v1/export/{entity}", Permission::kImportExport,
      "Export organizations or people as CSV or JSON", [](Context& c) {
        auto entity = domain::ParseEntity(c.req.params["entity"]);
        if (!entity.ok()) return Problem(entity.status());
        std::string fmt = c.req.Query("format").value_or("csv");
        auto format = domain::ParseFormat(fmt);
        if (!format.ok()) return Problem(format.status());
        std::string file;
        Status s = c.Read([&](storage::Transaction& tx) {
          STIO_ASSIGN_OR_RETURN(file, domain::Export(tx, c.actor, *entity, *format));
          return Status::Ok();
        });
        if (!s.ok()) return Problem(s);
        http::Response r;
        r.status = 200;
        r.headers.Set("Content-Type",
                      fmt == "csv" ? "text/csv; charset=utf-8" : "application/json");
        r.headers.Set("Content-Disposition",
                      "attachment; filename=\"" + c.req.params["entity"] + "." + fmt + "\"");
        r.body = std::move(file);
        return r;
      });

  // --- The API describing itself
  Add("GET", "/api/v1/openapi.json", kPublic, "This API as OpenAPI 3.1", [](Context&) {
    http::Response r;
    r.status = 200;
    r.headers.Set("Content-Type", "application/json");
    r.body = Api::OpenApiJson();
    return r;
  });

  AddMonitoringRoutes();
  AddIndexRoutes();
  AddIpRoutes();
  AddExchangeRoutes();
}

}  // namespace stio::api
