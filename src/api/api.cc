#include "api/api.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/problem.h"
#include "core/crypto.h"
#include "core/strings.h"

namespace stio::api {
namespace {

using nlohmann::json;

constexpr double kBucketBounds[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

bool IsWrite(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

void SecurityHeaders(http::Response& r) {
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("Referrer-Policy", "same-origin");
  r.headers.Set("X-Frame-Options", "DENY");
}

std::string ContentTypeFor(const std::filesystem::path& p) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"}};
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::optional<std::string> ReadWholeFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Status Context::Read(const std::function<Status(storage::Transaction&)>& fn) {
  return storage::WithTransaction(db, storage::TxMode::kRead, fn);
}

Status Context::Write(const std::function<Status(storage::Transaction&)>& fn) {
  return storage::WithTransaction(db, storage::TxMode::kWrite, fn);
}

Result<json> Context::JsonBody() const {
  if (req.body.empty()) return Status::InvalidArgument("the request body is empty; send JSON");
  if (!IsValidUtf8(req.body)) return Status::InvalidArgument("the request body is not valid UTF-8");
  try {
    return json::parse(req.body);
  } catch (const json::parse_error& e) {
    return Status::InvalidArgument("malformed JSON at byte " + std::to_string(e.byte) + ": " +
                                   e.what());
  } catch (const json::exception& e) {  // e.g. a number too large for a double ("1e400")
    return Status::InvalidArgument(std::string("unreadable JSON: ") + e.what());
  }
}

http::Response JsonResponse(int status, const json& body) {
  return http::Response::Json(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

http::Response FromResult(const Result<json>& r, int ok_status) {
  if (!r.ok()) return Problem(r.status());
  return JsonResponse(ok_status, *r);
}

Api::Api(storage::Database& db, const Clock& clock, ApiOptions options)
    : db_(db),
      clock_(clock),
      options_(std::move(options)),
      login_limiter_(options_.login_max_failures, options_.login_window),
      duration_buckets_(std::size(kBucketBounds) + 1, 0) {
  AddRoutes();
  {
    std::string stopwords_path = options_.stopwords_path;
    if (stopwords_path.empty() && !options_.data_dir.empty()) {
      stopwords_path = options_.data_dir + "/nlp-vi/stopwords_vi.txt";
    }
    std::string stopwords;
    if (!stopwords_path.empty()) stopwords = ReadWholeFile(stopwords_path).value_or("");
    auto built = options_.search_index_dir.empty()
                     ? domain::RegistrySearch::Build(db_, std::move(stopwords))
                     : domain::RegistrySearch::Open(db_, std::move(stopwords),
                                                    options_.search_index_dir, &search_start_);
    if (built.ok()) {
      search_ = std::move(built).value();
    } else {
      search_status_ = built.status();
      std::fprintf(stderr, "stio: the search index could not be built: %s\n",
                   search_status_.ToString().c_str());
    }
  }
  if (!options_.data_dir.empty()) {
    for (const auto& [name, file] : std::map<std::string, std::string>{
             {"provinces", "geo/vn_provinces_34_2025.geojson"},
             {"provinces-pre2025", "geo/vn_provinces_63_pre2025.geojson"}}) {
      if (auto text = ReadWholeFile(std::filesystem::path(options_.data_dir) / file)) {
        geo_cache_[name] = std::move(*text);
      }
    }
    commune_shapes_ = std::make_unique<CommuneShapes>(
        (std::filesystem::path(options_.data_dir) / "geo/vn_communes_3321_2025.topojson").string());
  }
}

Api::~Api() = default;

void Api::Add(std::string method, std::string pattern, domain::Permission gate, std::string summary,
              RouteHandler handler) {
  routes_.push_back({method, pattern, gate, std::move(summary), std::move(handler)});
  // The router only tells which RouteSpec matched (by position); Dispatch does the rest.
  router_.Add(std::move(method), std::move(pattern), nullptr);
}

http::Response Api::Handle(http::Request& req) {
  const auto start = std::chrono::steady_clock::now();
  http::Response resp;
  std::string route = "other";
  try {
    if (StartsWith(req.path, "/api/") || req.path == "/healthz" || req.path == "/metrics") {
      resp = Dispatch(req, &route);
    } else {
      route = "static";
      resp = ServeStatic(req);
    }
  } catch (const std::exception& e) {
    // Handlers return Status; an exception here is a bug. Answer 500 and keep serving.
    std::fprintf(stderr, "stio: unhandled exception on %s %s: %s\n", req.method.c_str(),
                 req.path.c_str(), e.what());
    resp = Problem(Status::Internal(e.what()));
  }
  SecurityHeaders(resp);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Count(req.method, route, resp.status, seconds);
  return resp;
}

http::Response Api::Dispatch(http::Request& req, std::string* route) {
  if (req.path == "/healthz" || req.path == "/metrics") *route = req.path;
  if (req.path == "/healthz") {
    Status s = storage::WithTransaction(db_, storage::TxMode::kRead, [](storage::Transaction& tx) {
      return tx.Query("SELECT 1").status();
    });
    if (!s.ok()) return Problem(Status::Unavailable("database not reachable: " + s.message()));
    return JsonResponse(200, {{"status", "ok"}});
  }
  if (req.path == "/metrics") return Metrics();

  bool path_matched = false;
  const int index = router_.MatchIndex(req, &path_matched);
  if (index < 0) {
    if (path_matched) {
      // RFC 9110: a 405 lists the methods the resource does support.
      std::string allow;
      for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
        http::Request probe = req;
        probe.method = m;
        bool unused = false;
        if (router_.MatchIndex(probe, &unused) >= 0)
          allow += (allow.empty() ? "" : ", ") + std::string(m);
      }
      http::Response r =
          Problem(405, Status::InvalidArgument("method " + req.method + " is not allowed here"));
      r.headers.Set("Allow", allow);
      return r;
    }
    return Problem(Status::NotFound("no API route " + req.path));
  }
  const RouteSpec& spec = routes_[static_cast<size_t>(index)];
  *route = spec.pattern;

  // Who is asking.
  Context ctx{req, domain::Actor::Public(), db_, clock_, ""};
  auto auth = req.headers.Get("authorization");
  if (auth) {
    std::string_view v = Trim(*auth);
    if (AsciiLower(v.substr(0, 7)) != "bearer ") {
      return Problem(Status::Unauthenticated("use 'Authorization: Bearer <token>'"));
    }
    std::string token(Trim(v.substr(7)));
    Result<domain::Authenticated> a = Status::Internal("unset");
    Status s = ctx.Read([&](storage::Transaction& tx) {
      a = domain::AuthenticateBearer(tx, clock_, token);
      return Status::Ok();
    });
    if (!s.ok()) return Problem(s);
    if (!a.ok()) return Problem(a.status());
    ctx.actor = a->actor;
  } else if (auto cookie = req.Cookie("stio_session")) {
    Result<domain::Authenticated> a = Status::Internal("unset");
    Status s = ctx.Read([&](storage::Transaction& tx) {
      a = domain::AuthenticateSession(tx, clock_, *cookie);
      return Status::Ok();
    });
    if (!s.ok()) return Problem(s);
    if (a.ok()) {
      ctx.actor = a->actor;
      ctx.csrf_token = a->csrf_token;
      // Browser writes must prove they come from our pages.
      if (IsWrite(req.method) && spec.pattern != "/api/v1/auth/login") {
        auto sent = req.headers.Get("x-csrf-token");
        if (!sent || !ConstantTimeEquals(*sent, a->csrf_token)) {
          return Problem(Status::PermissionDenied(
              "missing or wrong X-CSRF-Token header (reload the page and try again)"));
        }
      }
    }
    // An unknown or expired cookie: continue as the public.
  }
  ctx.actor.remote_address = req.remote_address;

  if (Status s = domain::Authorize(ctx.actor, spec.gate); !s.ok()) return Problem(s);
  return spec.handler(ctx);
}

http::Response Api::ServeStatic(const http::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") {
    http::Response r = Problem(405, Status::InvalidArgument("only GET is served here"));
    r.headers.Set("Allow", "GET, HEAD");
    return r;
  }
  if (options_.web_root.empty()) {
    return http::Response::Text(404, "The web UI is not built. Run `make build`.\n");
  }
  namespace fs = std::filesystem;
  std::string rel = req.path;
  if (rel.empty() || rel == "/") rel = "/index.html";
  // No parent segments, no hidden files, nothing outside web_root.
  for (const std::string& seg : Split(rel, '/')) {
    if (seg == ".." || (!seg.empty() && seg[0] == '.')) {
      return Problem(Status::NotFound("no such file"));
    }
  }
  fs::path root = fs::weakly_canonical(options_.web_root);
  fs::path file = fs::weakly_canonical(root / rel.substr(1));
  // Inside means under root/ (a bare prefix test would let "web-private/" pass for root "web").
  const bool inside = StartsWith(file.string(), (root / "").string());
  std::error_code ec;
  const bool is_asset = StartsWith(rel, "/assets/");
  if (!inside || !fs::is_regular_file(file, ec)) {
    if (is_asset || fs::path(rel).has_extension()) return Problem(Status::NotFound("no such file"));
    file = root / "index.html";  // client-side routes
  }
  auto body = ReadWholeFile(file);
  if (!body) return http::Response::Text(404, "The web UI is not built. Run `make build`.\n");
  http::Response r;
  r.status = 200;
  r.headers.Set("Content-Type", ContentTypeFor(file));
  // Vite names assets by content hash: they can be cached for a year; the page itself never.
  r.headers.Set("Cache-Control", is_asset ? "public, max-age=31536000, immutable" : "no-cache");
  if (file.extension() == ".html") {
    r.headers.Set("Content-Security-Policy",
                  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                  "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
  }
  r.body = req.method == "HEAD" ? std::string() : std::move(*body);
  return r;
}

void Api::Count(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(metrics_mu_);
  ++request_counts_[method + " " + route + " " + std::to_string(status)];
  size_t b = 0;
  while (b < std::size(kBucketBounds) && seconds > kBucketBounds[b]) ++b;
  ++duration_buckets_[b];
  duration_sum_ += seconds;
  ++duration_count_;
}

http::Response Api::Metrics() {
  std::ostringstream out;
  {
    std::lock_guard<std::mutex> lock(metrics_mu_);
    out << "# HELP stio_http_requests_total HTTP requests by method, route and status.\n"
        << "# TYPE stio_http_requests_total counter\n";
    for (const auto& [key, n] : request_counts_) {
      auto parts = Split(key, ' ');
      out << "stio_http_requests_total{method=\"" << parts[0] << "\",route=\"" << parts[1]
          << "\",status=\"" << parts[2] << "\"} " << n << "\n";
    }
    out << "# HELP stio_http_request_duration_seconds Time to answer a request.\n"
        << "# TYPE stio_http_request_duration_seconds histogram\n";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < duration_buckets_.size(); ++i) {
      cumulative += duration_buckets_[i];
      out << "stio_http_request_duration_seconds_bucket{le=\"";
      if (i < std::size(kBucketBounds)) {
        out << kBucketBounds[i];
      } else {
        out << "+Inf";
      }
      out << "\"} " << cumulative << "\n";
    }
    out << "stio_http_request_duration_seconds_sum " << duration_sum_ << "\n"
        << "stio_http_request_duration_seconds_count " << duration_count_ << "\n";
  }
  Status s = storage::WithTransaction(db_, storage::TxMode::kRead, [&](storage::Transaction& tx) {
    auto stats = tx.QueryOne(
        "SELECT (SELECT COUNT(*) FROM organizations WHERE deleted_at IS NULL) AS organizations, "
        "(SELECT COUNT(*) FROM people WHERE deleted_at IS NULL) AS people, "
        "(SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM audit_log) AS audit");
    if (!stats.ok()) return stats.status();
    out << "# HELP stio_registry_records Live records per registry entity.\n"
        << "# TYPE stio_registry_records gauge\n"
        << "stio_registry_records{entity=\"organizations\"} " << stats->Int("organizations") << "\n"
        << "stio_registry_records{entity=\"people\"} " << stats->Int("people") << "\n"
        << "stio_registry_records{entity=\"users\"} " << stats->Int("users") << "\n"
        << "# HELP stio_audit_entries Entries in the audit log.\n"
        << "# TYPE stio_audit_entries gauge\n"
        << "stio_audit_entries " << stats->Int("audit") << "\n";
    return Status::Ok();
  });
  (void)s;  // metrics must answer even when the database cannot
  if (extra_metrics_) out << extra_metrics_();
  return http::Response::Text(200, out.str(), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace stio::api
