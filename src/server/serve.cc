#include "server/serve.h"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "api/api.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/strings.h"
#include "domain/accounts.h"
#include "domain/indicators.h"
#include "domain/ip.h"
#include "domain/plans.h"
#include "domain/reference.h"
#include "http/server.h"
#include "storage/schema.h"

namespace stio::server {
namespace fs = std::filesystem;

Status ParseListen(const std::string& listen, ServeOptions& o) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto port = ParseInt(listen.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) {
    return Status::InvalidArgument("the port in --listen must be a number from 0 to 65535");
  }
  o.host = host.empty() ? "0.0.0.0" : host;
  o.port = static_cast<uint16_t>(*port);
  return Status::Ok();
}

namespace {

fs::path ExeDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

std::string FirstExisting(const std::vector<fs::path>& candidates, const std::string& probe) {
  for (const fs::path& c : candidates) {
    std::error_code ec;
    if (!c.empty() && fs::exists(c / probe, ec)) return fs::weakly_canonical(c).string();
  }
  return "";
}

}  // namespace

std::string FindDataDir() {
  std::vector<fs::path> c;
  if (const char* env = std::getenv("STIO_DATA_DIR")) c.emplace_back(env);
  c.push_back(ExeDir() / ".." / "data");
  c.push_back(ExeDir() / ".." / ".." / "data");
  c.emplace_back("data");
  return FirstExisting(c, "admin-units/provinces_2025.csv");
}

std::string FindWebRoot() {
  std::vector<fs::path> c;
  if (const char* env = std::getenv("STIO_WEB_ROOT")) c.emplace_back(env);
  c.push_back(ExeDir() / ".." / "web" / "dist");
  c.push_back(ExeDir() / ".." / ".." / "web" / "dist");
  c.emplace_back("web/dist");
  return FirstExisting(c, "index.html");
}

Result<std::unique_ptr<storage::Database>> OpenDatabase(const std::string& path,
                                                        const std::string& data_dir_in, bool create,
                                                        std::ostream& log) {
  const std::string data_dir = data_dir_in.empty() ? FindDataDir() : data_dir_in;
  if (data_dir.empty()) {
    return Status::NotFound("cannot find the reference data folder (data/); pass --data DIR");
  }
  if (create) {
    std::error_code ec;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
  }
  storage::OpenOptions options;
  options.create_if_missing = create;
  STIO_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenSqlite(path, options));
  if (Status s = db->Migrate(storage::MigrationsFor(*db)); !s.ok()) {
    return s.WithContext("migrating " + path);
  }
  auto loaded = domain::LoadReferenceData(*db, data_dir, Clock::Real());
  if (!loaded.ok()) return loaded.status().WithContext("loading reference data from " + data_dir);
  auto plans = domain::LoadPlanData(*db, data_dir, Clock::Real());
  if (!plans.ok()) return plans.status().WithContext("loading data/plans from " + data_dir);
  auto ip_rules = domain::LoadIpRules(*db, data_dir, Clock::Real());
  if (!ip_rules.ok()) return ip_rules.status().WithContext("loading data/ip from " + data_dir);
  if (loaded->files_loaded > 0) {
    log << "stio: loaded " << loaded->files_loaded << " reference data set(s) from " << data_dir
        << "\n";
  }
  return db;
}

namespace {

// The first start of a new database: create an admin with a random password. Returns the
// password ("" if users already existed), to be shown once when the server is listening.
Result<std::string> EnsureAdmin(storage::Database& db, const ServeOptions& o) {
  std::string password;
  Status s = storage::WithTransaction(db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(int64_t users, domain::CountUsers(tx));
    if (users > 0) return Status::Ok();
    password = RandomToken(12);
    return domain::CreateUser(tx, domain::Actor::System("stio serve (first start)"), Clock::Real(),
                              {{"email", o.admin_email},
                               {"display_name", "Quản trị viên"},
                               {"role", "admin"},
                               {"password", password}})
        .status();
  });
  if (!s.ok()) return s;
  return password;
}

void PrintFirstAdmin(std::ostream& out, const ServeOptions& o, uint16_t port,
                     const std::string& password) {
  out << "\n  First start: created the administrator account.\n"
      << "    e-mail:   " << o.admin_email << "\n"
      << "    password: " << password << "\n"
      << "  Sign in at http://" << (o.host == "0.0.0.0" ? "127.0.0.1" : o.host) << ":" << port
      << "/#/login and change it (or: stio user add --db " << o.db_path
      << " --email you@example.vn --role admin).\n\n"
      << std::flush;
}

// The cache warm-up (domain::WarmFigureCache) on a thread of its own, started once the server
// listens: at the lowest CPU priority (nice 19; not SCHED_IDLE, which could starve it while it
// holds the cache's lock or a reader connection that requests wait for), in read transactions, so
// requests are served meanwhile (they compute what is not warm yet themselves). Destroying it asks
// the warm-up to stop and waits: it stops before its next series (one province's or the nation's
// of one indicator, tens of milliseconds), so a SIGTERM is not held up.
class CacheWarmer {
 public:
  CacheWarmer(storage::Database& db, std::ostream& out, std::mutex& out_mu)
      : thread_([this, &db, &out, &out_mu] {
          setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
          const auto t0 = std::chrono::steady_clock::now();
          auto r = domain::WarmFigureCache(db, Clock::Real(), [this] { return stop_.load(); });
          const double s =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          char took[32];
          std::snprintf(took, sizeof took, "%.1f s", s);
          std::lock_guard<std::mutex> lock(out_mu);
          if (!r.ok()) {
            out << "stio: warming the figure cache failed after " << took << ": "
                << r.status().ToString() << "\n";
          } else if (r->stopped) {
            out << "stio: warming the figure cache stopped by the shutdown after " << took << "\n";
          } else {
            out << "stio: warmed the figure cache in " << took << " (" << r->indicators
                << " indicators, " << r->series << " series";
            if (r->failed > 0) out << "; " << r->failed << " indicators skipped: their series fail";
            out << ")\n";
          }
          out << std::flush;
        }) {}
  ~CacheWarmer() {
    stop_ = true;
    thread_.join();
  }
  CacheWarmer(const CacheWarmer&) = delete;
  CacheWarmer& operator=(const CacheWarmer&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: started once stop_ exists
};

// Keeps the saved search index (domain/registry_search.h) close to the live one, on a thread of
// its own: at once if the index was built or caught up at start, then every `interval` if the
// audit id moved, and a last time when the server stops (the destructor, after SIGTERM). A failed
// save is logged and retried at the next turn; it is never fatal. The thread keeps the normal CPU
// priority (unlike the cache warmer): a save holds the index's shared lock, which every write to
// the index waits for (searches meanwhile skip applying new audit entries, but the exchange
// matcher's catch-up waits), so a save slowed down by `nice` would hold up requests.
class SearchSaver {
 public:
  SearchSaver(domain::RegistrySearch& rs, storage::Database& db, std::string dir,
              std::chrono::seconds interval, std::ostream& out, std::mutex& out_mu)
      : rs_(rs), db_(db), dir_(std::move(dir)), out_(out), out_mu_(out_mu) {
    thread_ = std::thread([this, interval] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!stop_) {
        if (Due()) {
          lock.unlock();
          SaveNow("");
          lock.lock();
        }
        cv_.wait_for(lock, interval, [this] { return stop_; });
      }
    });
  }
  ~SearchSaver() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (Due()) SaveNow(" at shutdown");
  }
  SearchSaver(const SearchSaver&) = delete;
  SearchSaver& operator=(const SearchSaver&) = delete;

 private:
  // Whether the index moved since it was saved. It is caught up first: the index applies the audit
  // log only when searched, and writes with no search since must be in the save too.
  bool Due() {
    if (Status s = rs_.CatchUp(db_); !s.ok()) {
      std::lock_guard<std::mutex> lock(out_mu_);
      out_ << "stio: catching up the search index before saving it failed: " << s.ToString() << "\n"
           << std::flush;
    }
    return rs_.audit_id() != rs_.saved_audit_id();
  }
  void SaveNow(const char* when) {
    const auto t0 = std::chrono::steady_clock::now();
    Status s = rs_.Save(db_, dir_);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    char took[32];
    std::snprintf(took, sizeof took, "%.2f s", secs);
    std::lock_guard<std::mutex> lock(out_mu_);
    if (s.ok()) {
      out_ << "stio: saved the search index" << when << " to " << dir_ << " (audit id "
           << rs_.saved_audit_id() << ", " << rs_.size() << " documents) in " << took << "\n";
    } else {
      out_ << "stio: saving the search index to " << dir_ << " failed (it will be retried; a "
           << "restart rebuilds it if needed): " << s.ToString() << "\n";
    }
    out_ << std::flush;
  }

  domain::RegistrySearch& rs_;
  storage::Database& db_;
  const std::string dir_;
  std::ostream& out_;
  std::mutex& out_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace

std::string SearchIndexDir(const ServeOptions& o) {
  if (o.search_index == "none") return "";
  if (!o.search_index.empty()) return o.search_index;
  return o.db_path + ".search";
}

int RunServe(const ServeOptions& o, std::ostream& out, std::ostream& err) {
  const std::string data_dir = o.data_dir.empty() ? FindDataDir() : o.data_dir;
  const std::string web_root = o.web_root.empty() ? FindWebRoot() : o.web_root;
  if (data_dir.empty()) {
    err << "stio serve: cannot find the reference data folder (data/); pass --data DIR\n";
    return 2;
  }
  auto db = OpenDatabase(o.db_path, data_dir, /*create=*/true, out);
  if (!db.ok()) {
    err << "stio serve: " << db.status().ToString() << "\n";
    return 1;
  }
  auto first_admin_password = EnsureAdmin(**db, o);
  if (!first_admin_password.ok()) {
    err << "stio serve: creating the first admin: " << first_admin_password.status().ToString()
        << "\n";
    return 1;
  }
  if (web_root.empty()) {
    err << "stio serve: warning: the web UI is not built (web/dist); serving the API only\n";
  }

  api::ApiOptions api_options;
  api_options.web_root = web_root;
  api_options.data_dir = data_dir;
  api_options.secure_cookies = o.secure_cookies;
  api_options.search_index_dir = SearchIndexDir(o);
  api::Api api(**db, Clock::Real(), api_options);
  if (api.registry_search() && !api_options.search_index_dir.empty()) {
    out << "stio: " << api.search_start().ToString() << "\n" << std::flush;
  }

  http::ServerOptions so;
  so.host = o.host;
  so.port = o.port;
  so.worker_threads = o.workers;
  so.queue_capacity = o.queue;
  std::mutex log_mu;
  http::Server server(
      so, [&api](http::Request& req) { return api.Handle(req); },
      [&](const http::AccessLogEntry& e) {
        if (o.quiet_access_log) return;
        std::lock_guard<std::mutex> lock(log_mu);
        err << FormatTimestamp(Clock::Real().Now()) << " " << e.remote_address << " " << e.method
            << " " << e.target << " " << e.status << " " << e.response_bytes << " "
            << static_cast<int64_t>(e.duration_ms * 1000) / 1000.0 << "ms\n";
      });
  api.SetExtraMetrics([&server] {
    return "# HELP stio_http_server_requests_total Requests read by the HTTP server.\n"
           "# TYPE stio_http_server_requests_total counter\n"
           "stio_http_server_requests_total " +
           std::to_string(server.requests_total()) +
           "\n# HELP stio_http_rejected_busy_total Requests answered 503 because the worker pool "
           "was full.\n# TYPE stio_http_rejected_busy_total counter\n"
           "stio_http_rejected_busy_total " +
           std::to_string(server.rejected_busy_total()) +
           "\n# HELP stio_http_in_flight Requests being handled now.\n"
           "# TYPE stio_http_in_flight gauge\nstio_http_in_flight " +
           std::to_string(server.in_flight()) + "\n";
  });
  if (Status s = server.Listen(); !s.ok()) {
    err << "stio serve: " << s.ToString() << "\n";
    return 1;
  }
  server.InstallSignalHandlers();
  if (!first_admin_password->empty()) PrintFirstAdmin(out, o, server.port(), *first_admin_password);
  out << "stio: serving http://" << o.host << ":" << server.port() << " (database " << o.db_path
      << ")\n"
      << std::flush;
  std::mutex out_mu;
  std::optional<CacheWarmer> warmer;
  if (o.warm_cache) warmer.emplace(**db, out, out_mu);
  std::optional<SearchSaver> saver;
  if (api.registry_search() && !api_options.search_index_dir.empty()) {
    saver.emplace(*api.registry_search(), **db, api_options.search_index_dir,
                  std::chrono::seconds(o.search_save_interval_s), out, out_mu);
  }
  if (Status s = server.Run(); !s.ok()) {
    err << "stio serve: " << s.ToString() << "\n";
    return 1;
  }
  warmer.reset();  // stops the warm-up before the database closes
  saver.reset();   // a last save of the search index if it moved
  std::lock_guard<std::mutex> lock(out_mu);
  out << "stio: stopped\n";
  return 0;
}

}  // namespace stio::server
