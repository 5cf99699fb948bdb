// Accounts: users and roles, password hashing (Argon2id), browser sessions with CSRF tokens, and
// bearer API tokens for scripts. Secrets are never stored: sessions and tokens are kept as SHA-256
// digests of random 256-bit values, passwords as Argon2id encoded hashes.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/common.h"

namespace stio::domain {

// Argon2id with the OWASP baseline (19 MiB, 2 passes, 1 lane), encoded with its parameters and
// salt.
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view password, const std::string& encoded);
// At least 10 bytes, at most 1024, valid UTF-8.
Status CheckPasswordPolicy(std::string_view password);

// Creates a user (admin only, or the system). input: email, display_name, role,
// organization_id (members must have one), password.
Result<Json> CreateUser(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        const Json& input);
Result<Json> UpdateUser(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t id, const Json& patch);
Result<ListResult> ListUsers(storage::Transaction& tx, const Actor& actor,
                             const ListParams& params);
Result<int64_t> CountUsers(storage::Transaction& tx);

struct LoginResult {
  Json user;
  std::string session_token;  // goes in the cookie; only its digest is stored
  std::string csrf_token;
};

constexpr std::chrono::hours kSessionLifetime{12};

// Checks the credentials and opens a session. Wrong email or password -> Unauthenticated with one
// message for both (no account enumeration).
Result<LoginResult> Login(storage::Transaction& tx, const Clock& clock, std::string_view email,
                          std::string_view password, const std::string& remote_address);
Status Logout(storage::Transaction& tx, std::string_view session_token);

struct Authenticated {
  Actor actor;
  std::string csrf_token;  // empty for bearer tokens (no CSRF check needed)
};
// Resolves a session cookie or a bearer token to its actor. Unknown, expired, revoked or disabled
// -> Unauthenticated.
Result<Authenticated> AuthenticateSession(storage::Transaction& tx, const Clock& clock,
                                          std::string_view session_token);
Result<Authenticated> AuthenticateBearer(storage::Transaction& tx, const Clock& clock,
                                         std::string_view token);

// API tokens of `actor` (own). The plaintext token is returned once, by CreateToken.
Result<Json> CreateToken(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                         int64_t user_id, std::string_view name);
Result<ListResult> ListTokens(storage::Transaction& tx, const Actor& actor);
Status RevokeToken(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id);
Result<int64_t> UserIdByEmail(storage::Transaction& tx, std::string_view email);

// Counts failed logins per key (remote address, and email) in a sliding window.
// Thread-safe.
class LoginLimiter {
 public:
  LoginLimiter(int max_failures, std::chrono::seconds window)
      : max_failures_(max_failures), window_(window) {}
  // Returns ResourceExhausted if `key` has too many recent failures.
  Status Check(const std::string& key, std::chrono::steady_clock::time_point now);
  void RecordFailure(const std::string& key, std::chrono::steady_clock::time_point now);
  void RecordSuccess(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    std::chrono::steady_clock::time_point window_start;
  };
  const int max_failures_;
  const std::chrono::seconds window_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
};

}  // namespace stio::domain
