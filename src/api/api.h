// The JSON API under /api/v1, plus /healthz, /metrics and the web UI's static files.
//
// Api::Handle is the whole request path after HTTP parsing: authenticate (session cookie or
// bearer token), check CSRF for cookie-authenticated writes, find the route, check the route's
// gate permission, run the handler in one database transaction, and turn any Status into
// problem+json. Routes and their permissions are declared in routes.cc; the OpenAPI document in
// openapi.json must list exactly those routes (api_test checks it).
//
// Thread-safety: Handle may be called from many threads at once.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/topojson.h"
#include "core/clock.h"
#include "domain/accounts.h"
#include "domain/actor.h"
#include "domain/policy.h"
#include "domain/registry_search.h"
#include "http/message.h"
#include "http/router.h"
#include "storage/database.h"

namespace stio::api {

struct ApiOptions {
  std::string web_root;         // built web UI (web/dist); empty: no static files
  std::string data_dir;         // repository data/ (GeoJSON is served from here)
  bool secure_cookies = false;  // set the Secure attribute (when served over TLS / behind https)
  int login_max_failures = 10;  // per remote address and per e-mail, in login_window
  std::chrono::seconds login_window{15 * 60};
  std::string stopwords_path;  // for the search index; empty: data_dir/nlp-vi/stopwords_vi.txt
  // Where the search index is kept on disk (domain/registry_search.h): loaded at start if valid,
  // else built and left for the caller to save (Api::registry_search()->Save). Empty: built from
  // the database at every start and never saved.
  std::string search_index_dir;
};

// Everything a route handler needs for one request.
struct Context {
  http::Request& req;
  domain::Actor actor;
  storage::Database& db;
  const Clock& clock;
  std::string csrf_token;  // of the session, if cookie-authenticated

  // Runs `fn` in one transaction (committed if it returns OK).
  Status Read(const std::function<Status(storage::Transaction&)>& fn);
  Status Write(const std::function<Status(storage::Transaction&)>& fn);
  // The request body as a JSON value; 400 on invalid UTF-8 or malformed JSON.
  Result<nlohmann::json> JsonBody() const;
};

using RouteHandler = std::function<http::Response(Context&)>;

struct RouteSpec {
  std::string method;
  std::string pattern;      // "/api/v1/organizations/{id}"
  domain::Permission gate;  // checked before the handler; finer (per-organization) checks inside
  std::string summary;
  RouteHandler handler;
};

class Api {
 public:
  Api(storage::Database& db, const Clock& clock, ApiOptions options);
  ~Api();

  http::Response Handle(http::Request& req);

  const std::vector<RouteSpec>& routes() const { return routes_; }
  // Extra Prometheus lines (e.g. the HTTP server's counters), appended to /metrics.
  void SetExtraMetrics(std::function<std::string()> fn) { extra_metrics_ = std::move(fn); }
  static const char* OpenApiJson();
  // The registry search (null if it could not be built) and how it started, for its saver
  // (server/serve.cc).
  domain::RegistrySearch* registry_search() { return search_.get(); }
  const domain::SearchStartReport& search_start() const { return search_start_; }

 private:
  void AddRoutes();            // routes.cc
  void AddMonitoringRoutes();  // routes_monitoring.cc
  void AddIndexRoutes();       // routes_index.cc
  void AddIpRoutes();          // routes_ip.cc
  void AddExchangeRoutes();    // routes_exchange.cc
  // Expires overdue exchange listings and sends due reminders, at most once an hour, from
  // requests (routes_exchange.cc).
  void Housekeeping();
  void Add(std::string method, std::string pattern, domain::Permission gate, std::string summary,
           RouteHandler handler);
  // Sets *route to the matched pattern (for metrics).
  http::Response Dispatch(http::Request& req, std::string* route);
  http::Response ServeStatic(const http::Request& req);
  http::Response Metrics();
  void Count(const std::string& method, const std::string& route, int status, double seconds);

  storage::Database& db_;
  const Clock& clock_;
  ApiOptions options_;
  std::vector<RouteSpec> routes_;
  http::Router router_;
  domain::LoginLimiter login_limiter_;
  std::function<std::string()> extra_metrics_;
  std::map<std::string, std::string> geo_cache_;    // name -> GeoJSON text, filled at start
  std::unique_ptr<CommuneShapes> commune_shapes_;   // commune boundaries by province (lazy)
  std::unique_ptr<domain::RegistrySearch> search_;  // null if it could not be built
  Status search_status_;                            // why, if so
  domain::SearchStartReport search_start_;
  std::atomic<int64_t> last_housekeeping_{0};  // unix seconds of the last Housekeeping

  std::mutex metrics_mu_;
  std::map<std::string, uint64_t> request_counts_;  // GUARDED_BY(metrics_mu_) "method route status"
  std::vector<uint64_t> duration_buckets_;          // GUARDED_BY(metrics_mu_)
  double duration_sum_ = 0;                         // GUARDED_BY(metrics_mu_)
  uint64_t duration_count_ = 0;                     // GUARDED_BY(metrics_mu_)

  friend http::Response LoginHandler(Api& api, Context& ctx);
  friend http::Response LogoutHandler(Api& api, Context& ctx);
  friend http::Response SearchHandler(Api& api, Context& ctx);
  friend http::Response GeoHandler(Api& api, Context& ctx, const std::string& name);
};

// Helpers for route handlers (routes.cc).
http::Response JsonResponse(int status, const nlohmann::json& body);
http::Response FromResult(const Result<nlohmann::json>& r, int ok_status = 200);

}  // namespace stio::api
