#include "api/api_fixture.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/clock.h"
#include "core/crypto.h"
#include "domain/accounts.h"
#include "domain/registry.h"
#include "server/serve.h"

namespace stio::apitest {
namespace fs = std::filesystem;

std::string WhoName(Who who) {
  switch (who) {
    case Who::kPublic:
      return "public";
    case Who::kMemberOwn:
      return "member-own-org";
    case Who::kMemberOther:
      return "member-other-org";
    case Who::kReviewer:
      return "reviewer";
    case Who::kStaff:
      return "staff";
    case Who::kAdmin:
      return "admin";
  }
  return "?";
}

std::string DataDir() {
  if (const char* env = std::getenv("STIO_SOURCE_DIR")) return std::string(env) + "/data";
  return STIO_SOURCE_DIR "/data";
}

namespace {

constexpr char kPassword[] = "mat-khau-du-dai-1";

// What the seed depends on: this binary (schema, domain code) and every reference data file.
std::string SeedKey() {
  std::ostringstream k;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  auto stamp = [&](const fs::path& p) {
    std::error_code e;
    k << p.string() << ":" << fs::file_size(p, e) << ":"
      << fs::last_write_time(p, e).time_since_epoch().count() << "\n";
  };
  stamp(exe);
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(DataDir(), ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) stamp(f);
  return exe.filename().string() + "-" + Sha256Hex(k.str()).substr(0, 16);
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "api_fixture: %s: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

// Builds a seed database in `dir` and writes its manifest.
void BuildSeed(const fs::path& dir) {
  fs::create_directories(dir);
  std::ostringstream log;
  auto opened = server::OpenDatabase((dir / "seed.db").string(), DataDir(), true, log);
  Check(opened.status(), "opening the seed database");
  std::unique_ptr<storage::Database> db = std::move(opened).value();
  db.reset();  // checkpoints the WAL into seed.db
  fs::copy_file(dir / "seed.db", dir / "empty.db");
  opened = server::OpenDatabase((dir / "seed.db").string(), DataDir(), false, log);
  Check(opened.status(), "reopening the seed database");
  db = std::move(opened).value();
  const domain::Actor system = domain::Actor::System("api-test seed");
  json manifest = {{"password", kPassword}};
  Status s = storage::WithTransaction(*db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(json a,
                          domain::CreateOrganization(tx, system, Clock::Real(),
                                                     {{"kind", "enterprise"},
                                                      {"name", "Công ty Cổ phần Công nghệ Sao Mai"},
                                                      {"tax_code", "0100109106"},
                                                      {"province_code", "01"}}));
    STIO_ASSIGN_OR_RETURN(json b, domain::CreateOrganization(tx, system, Clock::Real(),
                                                             {{"kind", "research_institute"},
                                                              {"name", "Viện Nghiên cứu Biển"},
                                                              {"province_code", "48"}}));
    manifest["org_a"] = a["id"];
    manifest["org_b"] = b["id"];
    const struct {
      Who who;
      const char* email;
      const char* role;
      json org;
    } users[] = {{Who::kAdmin, "admin@test.stio", "admin", nullptr},
                 {Who::kStaff, "staff@test.stio", "staff", nullptr},
                 {Who::kReviewer, "reviewer@test.stio", "reviewer", nullptr},
                 {Who::kMemberOwn, "member.a@test.stio", "member", a["id"]},
                 {Who::kMemberOther, "member.b@test.stio", "member", b["id"]}};
    for (const auto& u : users) {
      json input = {{"email", u.email},
                    {"display_name", WhoName(u.who)},
                    {"role", u.role},
                    {"password", kPassword}};
      if (!u.org.is_null()) input["organization_id"] = u.org;
      STIO_ASSIGN_OR_RETURN(json user, domain::CreateUser(tx, system, Clock::Real(), input));
      STIO_ASSIGN_OR_RETURN(json token, domain::CreateToken(tx, system, Clock::Real(),
                                                            user["id"].get<int64_t>(), "test"));
      const std::string key = std::to_string(static_cast<int>(u.who));
      manifest["users"][key] = {{"id", user["id"]}, {"email", u.email}, {"token", token["token"]}};
    }
    return Status::Ok();
  });
  Check(s, "seeding");
  db.reset();  // checkpoints the WAL into seed.db
  std::ofstream(dir / "manifest.json") << manifest.dump(2);
}

Seed LoadSeed() {
  const fs::path base = fs::path(STIO_BINARY_DIR) / "tests" / "api-seed";
  const std::string key = SeedKey();
  const fs::path dir = base / key;
  std::error_code ec;
  if (!fs::exists(dir / "manifest.json", ec)) {
    const std::string prefix = key.substr(0, key.rfind('-') + 1);
    for (const auto& entry : fs::directory_iterator(base, ec)) {  // seeds of older builds
      std::string name = entry.path().filename().string();
      if (name.rfind(prefix, 0) == 0 && name != key && name.find(".tmp.") == std::string::npos) {
        fs::remove_all(entry.path(), ec);
      }
    }
    const fs::path tmp = base / (key + ".tmp." + std::to_string(getpid()));
    fs::remove_all(tmp, ec);
    BuildSeed(tmp);
    // Another process may have won the race: then its seed is as good as ours.
    fs::rename(tmp, dir, ec);
    if (ec) fs::remove_all(tmp, ec);
  }
  std::ifstream in(dir / "manifest.json");
  json m = json::parse(in, nullptr, false);
  if (m.is_discarded()) {
    std::fprintf(stderr, "api_fixture: bad seed manifest in %s\n", dir.c_str());
    std::abort();
  }
  Seed seed;
  seed.dir = dir.string();
  seed.db_file = "seed.db";
  seed.empty_file = "empty.db";
  seed.org_a = m["org_a"];
  seed.org_b = m["org_b"];
  seed.password = m["password"];
  for (Who who : kEveryone) {
    if (who == Who::kPublic) continue;
    const json& u = m["users"][std::to_string(static_cast<int>(who))];
    seed.user_id[who] = u["id"];
    seed.email[who] = u["email"];
    seed.token[who] = u["token"];
  }
  return seed;
}

}  // namespace

const Seed& GetSeed() {
  static const Seed seed = LoadSeed();
  return seed;
}

Status ServedApi::Start(const std::string& seed_db, const std::string& dir,
                        api::ApiOptions options) {
  const fs::path dst = fs::path(dir) / "stio.db";
  std::error_code ec;
  fs::copy_file(seed_db, dst, ec);
  if (ec) return Status::Internal("copying the seed: " + ec.message());
  if (fs::exists(seed_db + "-wal", ec)) fs::copy_file(seed_db + "-wal", dst.string() + "-wal", ec);
  std::ostringstream log;
  auto opened = server::OpenDatabase(dst.string(), DataDir(), false, log);
  if (!opened.ok()) return opened.status();
  db_ = std::move(opened).value();
  api_ = std::make_unique<api::Api>(*db_, Clock::Real(), std::move(options));
  http::ServerOptions so;
  so.host = "127.0.0.1";
  so.port = 0;
  so.worker_threads = 2;
  server_ =
      std::make_unique<http::Server>(so, [this](http::Request& req) { return api_->Handle(req); });
  STIO_RETURN_IF_ERROR(server_->Listen());
  port_ = server_->port();
  api_->SetExtraMetrics([this] {
    return "stio_http_server_requests_total " + std::to_string(server_->requests_total()) + "\n";
  });
  thread_ = std::thread([this] {
    Status s = server_->Run();
    if (!s.ok()) std::fprintf(stderr, "api_fixture: server: %s\n", s.ToString().c_str());
  });
  return Status::Ok();
}

void ServedApi::Stop() {
  if (server_) server_->Shutdown();
  if (thread_.joinable()) thread_.join();
  server_.reset();
  api_.reset();
  db_.reset();
}

void ApiFixture::SetUp() {
  seed_ = &GetSeed();
  char tmpl[] = "/tmp/stio-apitest-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  dir_ = tmpl;
  api::ApiOptions options;
  options.data_dir = DataDir();
  Tune(options);
  Status s = served_.Start((fs::path(seed_->dir) / seed_->db_file).string(), dir_, options);
  ASSERT_TRUE(s.ok()) << s.ToString();
  client_ = std::make_unique<HttpClient>("127.0.0.1", port());
}

void ApiFixture::TearDown() {
  client_.reset();
  served_.Stop();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

HttpHeaders ApiFixture::As(Who who, HttpHeaders extra) const {
  if (who != Who::kPublic) extra.emplace("Authorization", "Bearer " + seed_->token.at(who));
  return extra;
}

HttpResponse ApiFixture::Call(Who who, const std::string& method, const std::string& path,
                              const std::string& body, HttpHeaders extra) {
  auto res = client_->Send(method, path, body, As(who, std::move(extra)));
  EXPECT_TRUE(res.ok()) << method << " " << path << ": " << res.status().ToString();
  if (!res.ok()) return HttpResponse{};
  return *res;
}

domain::Actor ApiFixture::ActorOf(Who who) {
  if (who == Who::kPublic) return domain::Actor::Public();
  domain::Actor a;
  Status s = storage::WithTransaction(db(), storage::TxMode::kRead, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(storage::Row r,
                          tx.QueryOne("SELECT id, email, role, organization_id FROM users "
                                      "WHERE id = ?",
                                      {seed_->user_id.at(who)}));
    STIO_ASSIGN_OR_RETURN(a.role, domain::ParseRole(r.Text("role")));
    a.user_id = r.Int("id");
    a.email = r.Text("email");
    a.organization_id = r.OptInt("organization_id");
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return a;
}

int64_t ApiFixture::Scalar(storage::Database& db, const std::string& sql) {
  int64_t n = -1;
  Status s = storage::WithTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(auto rows, tx.Query(sql));
    if (rows.empty() || rows[0].size() == 0) return Status::NotFound("no row");
    n = std::get<int64_t>(rows[0].at(0));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
  return n;
}

json ApiFixture::Seeded(const std::function<Result<json>(storage::Transaction&)>& fn) {
  json out;
  Status s = storage::WithTransaction(db(), storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(out, fn(tx));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

int64_t ApiFixture::MakeOrganization(const std::string& name, const json& extra) {
  json input = {{"kind", "enterprise"}, {"name", name}};
  for (const auto& [k, v] : extra.items()) input[k] = v;
  json org = Seeded([&](storage::Transaction& tx) {
    return domain::CreateOrganization(tx, domain::Actor::System("api-test"), Clock::Real(), input);
  });
  return org.value("id", int64_t{0});
}

json Body(const HttpResponse& res) {
  json j = json::parse(res.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON (" << res.status << "): " << res.body.substr(0, 300);
  return j.is_discarded() ? json() : j;
}

::testing::AssertionResult IsProblem(const HttpResponse& res, int status,
                                     const std::string& field) {
  if (res.status != status) {
    return ::testing::AssertionFailure()
           << "status " << res.status << ", expected " << status << ": " << res.body.substr(0, 400);
  }
  if (res.Header("content-type").rfind("application/problem+json", 0) != 0) {
    return ::testing::AssertionFailure()
           << "content-type '" << res.Header("content-type") << "': " << res.body.substr(0, 200);
  }
  json j = json::parse(res.body, nullptr, false);
  if (!j.is_object()) return ::testing::AssertionFailure() << "body is not a JSON object";
  if (j.value("status", 0) != status || !j["type"].is_string() || !j["title"].is_string() ||
      !j["detail"].is_string()) {
    return ::testing::AssertionFailure() << "incomplete problem: " << res.body;
  }
  if (!field.empty() && j.value("field", std::string()) != field) {
    return ::testing::AssertionFailure() << "field '" << j.value("field", std::string())
                                         << "', expected '" << field << "': " << res.body;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace stio::apitest
