// A whole API on a real (temporary) SQLite database, served over HTTP on 127.0.0.1, for the API
// test binaries.
//
// The expensive part (migrating, loading ~5 MB of reference data, hashing passwords) is done once
// into a seed database cached in the build tree, tests/api-seed/ (keyed on the test binary and the
// data files), because CTest runs every test case in its own process. Each test gets a private
// copy of the seed, its own Api and http::Server on port 0, and a HttpClient.
//
// The seed holds two organizations (A and B) and one user of every role, each with a bearer
// token: admin, staff, reviewer, a member of organization A and a member of organization B.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "domain/actor.h"
#include "http/server.h"
#include "storage/database.h"
#include "support/http_client.h"

namespace stio::apitest {

using nlohmann::json;
using stio::testing::HttpClient;
using stio::testing::HttpHeaders;
using stio::testing::HttpResponse;

// Who sends a request. kMemberOwn is the member of organization A; kMemberOther of B.
enum class Who { kPublic, kMemberOwn, kMemberOther, kReviewer, kStaff, kAdmin };
inline constexpr Who kEveryone[] = {Who::kPublic,   Who::kMemberOwn, Who::kMemberOther,
                                    Who::kReviewer, Who::kStaff,     Who::kAdmin};
std::string WhoName(Who who);

struct Seed {
  std::string dir;         // folder holding the seed databases (read-only: copied per test)
  std::string db_file;     // the seeded database inside `dir`
  std::string empty_file;  // migrated, with reference data, but no records and no users
  int64_t org_a = 0;
  int64_t org_b = 0;
  std::string password;  // the same for every seeded user
  std::map<Who, int64_t> user_id;
  std::map<Who, std::string> email;
  std::map<Who, std::string> token;
};

// Builds the seed (once per build of the test binary) or reuses the cached one.
const Seed& GetSeed();

// The repository's data/ folder.
std::string DataDir();

// One database copied from the seed, with its Api served on 127.0.0.1:0.
class ServedApi {
 public:
  // Copies `seed_db` into `dir` (which must exist) and serves it. Status of the first failure.
  Status Start(const std::string& seed_db, const std::string& dir, api::ApiOptions options);
  void Stop();
  ~ServedApi() { Stop(); }

  storage::Database& db() { return *db_; }
  api::Api& api() { return *api_; }
  uint16_t port() const { return port_; }

 private:
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Override to change the Api's options (called by SetUp).
  virtual void Tune(api::ApiOptions& options) { (void)options; }

  const Seed& seed() const { return *seed_; }
  storage::Database& db() { return served_.db(); }
  api::Api& api() { return served_.api(); }
  uint16_t port() const { return served_.port(); }
  HttpClient& http() { return *client_; }
  const std::string& dir() const { return dir_; }

  // Authorization header for `who` (none for the public).
  HttpHeaders As(Who who, HttpHeaders extra = {}) const;
  // Sends one request as `who`; fails the test (and returns status 0) if it could not be sent.
  HttpResponse Call(Who who, const std::string& method, const std::string& path,
                    const std::string& body = "", HttpHeaders extra = {});
  // The actor a request by `who` is authenticated as (read from the database now).
  domain::Actor ActorOf(Who who);

  // Runs `sql` (one row, first column an integer) against the test's database.
  int64_t Scalar(const std::string& sql) { return Scalar(db(), sql); }
  static int64_t Scalar(storage::Database& db, const std::string& sql);
  int64_t AuditCount() { return Scalar("SELECT COUNT(*) AS n FROM audit_log"); }
  // A database write as the system, failing the test on error.
  json Seeded(const std::function<Result<json>(storage::Transaction&)>& fn);
  // Creates an organization (as the system) and returns its id.
  int64_t MakeOrganization(const std::string& name, const json& extra = json::object());

 private:
  const Seed* seed_ = nullptr;
  std::string dir_;
  ServedApi served_;
  std::unique_ptr<HttpClient> client_;
};

// Parses a JSON response body (a failed expectation and null if it is not JSON).
json Body(const HttpResponse& res);
// Expects an RFC 9457 problem with `status` (and `field`, if not empty) and returns it.
::testing::AssertionResult IsProblem(const HttpResponse& res, int status,
                                     const std::string& field = "");

}  // namespace stio::apitest
