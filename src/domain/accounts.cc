#include "domain/accounts.h"

#include <argon2.h>

#include <cstring>

#include "core/crypto.h"
#include "core/strings.h"
#include "domain/policy.h"
#include "domain/validation.h"

namespace stio::domain {
namespace {

using storage::Null;
using storage::Value;

constexpr uint32_t kArgonTime = 2;
constexpr uint32_t kArgonMemoryKiB = 19 * 1024;
constexpr uint32_t kArgonLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

Json UserJson(const storage::Row& r) {
  return Json{{"id", r.Int("id")},
              {"email", r.Text("email")},
              {"display_name", r.Text("display_name")},
              {"role", r.Text("role")},
              {"organization_id", ToJson(r.at("organization_id"))},
              {"created_at", r.Text("created_at")},
              {"last_login_at", ToJson(r.at("last_login_at"))},
              {"disabled", !r.IsNull("disabled_at")}};
}

Result<Json> LoadUser(storage::Transaction& tx, int64_t id) {
  auto row = tx.QueryOne("SELECT * FROM users WHERE id = ?", {id});
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("user " + std::to_string(id) + " does not exist");
    }
    return row.status();
  }
  return UserJson(*row);
}

Status CheckMemberOrganization(storage::Transaction& tx, const std::string& role, const Json& org) {
  if (role == "member" && !org.is_number_integer()) {
    return Status::InvalidArgument("a member must belong to an organization", "organization_id");
  }
  if (org.is_null()) return Status::Ok();
  if (!org.is_number_integer()) {
    return Status::InvalidArgument("'organization_id' must be an integer", "organization_id");
  }
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 AS x FROM organizations WHERE id = ? AND "
                                            "deleted_at IS NULL",
                                            {org.get<int64_t>()}));
  if (rows.empty()) {
    return Status::InvalidArgument(
        "organization " + std::to_string(org.get<int64_t>()) + " does not exist",
        "organization_id");
  }
  return Status::Ok();
}

Result<std::string> StringField(const Json& in, const std::string& name, bool required) {
  auto it = in.find(name);
  if (it == in.end() || it->is_null()) {
    if (required) return Status::InvalidArgument("'" + name + "' is required", name);
    return std::string();
  }
  if (!it->is_string()) return Status::InvalidArgument("'" + name + "' must be a string", name);
  return it->get<std::string>();
}

Status OnlyKnown(const Json& in, std::initializer_list<std::string_view> known) {
  if (!in.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  for (const auto& [k, v] : in.items()) {
    (void)v;
    bool ok = false;
    for (auto n : known) ok = ok || n == k;
    if (!ok) return Status::InvalidArgument("unknown field '" + k + "'", k);
  }
  return Status::Ok();
}

// Account e-mails are compared without case (people type them both ways, and the API's sign-in
// lowercases what it is sent): they are stored lowercased.
Result<std::string> AccountEmail(std::string_view input) {
  STIO_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(input));
  return AsciiLower(email);
}

Result<Authenticated> ActorForUser(const storage::Row& r) {
  if (!r.IsNull("disabled_at")) return Status::Unauthenticated("the account is disabled");
  Authenticated a;
  STIO_ASSIGN_OR_RETURN(a.actor.role, ParseRole(r.Text("role")));
  a.actor.user_id = r.Int("id");
  a.actor.email = r.Text("email");
  a.actor.organization_id = r.OptInt("organization_id");
  return a;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  const std::string salt = RandomToken(kSaltBytes);  // base64url text is fine as salt bytes
  const size_t len = argon2_encodedlen(kArgonTime, kArgonMemoryKiB, kArgonLanes,
                                       static_cast<uint32_t>(salt.size()), kHashBytes, Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(kArgonTime, kArgonMemoryKiB, kArgonLanes, password.data(),
                                 password.size(), salt.data(), salt.size(), kHashBytes,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Status::Internal(std::string("password hashing failed: ") + argon2_error_message(rc));
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool VerifyPassword(std::string_view password, const std::string& encoded) {
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() < 10) {
    return Status::InvalidArgument("the password must have at least 10 characters", "password");
  }
  if (password.size() > 1024) {
    return Status::InvalidArgument("the password is too long (1024 bytes at most)", "password");
  }
  if (!IsValidUtf8(password)) {
    return Status::InvalidArgument("the password is not valid UTF-8", "password");
  }
  return Status::Ok();
}

Result<Json> CreateUser(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageUsers));
  STIO_RETURN_IF_ERROR(
      OnlyKnown(input, {"email", "display_name", "role", "organization_id", "password"}));
  STIO_ASSIGN_OR_RETURN(std::string email_in, StringField(input, "email", true));
  Result<std::string> email = AccountEmail(email_in);
  if (!email.ok()) return email.status().WithField("email");
  STIO_ASSIGN_OR_RETURN(std::string display, StringField(input, "display_name", false));
  if (Trim(display).empty()) display = *email;
  if (Status s = ValidateText(display, 200, false); !s.ok()) return s.WithField("display_name");
  STIO_ASSIGN_OR_RETURN(std::string role, StringField(input, "role", true));
  STIO_RETURN_IF_ERROR(ParseRole(role).status());
  const Json org = input.value("organization_id", Json());
  STIO_RETURN_IF_ERROR(CheckMemberOrganization(tx, role, org));
  STIO_ASSIGN_OR_RETURN(std::string password, StringField(input, "password", true));
  STIO_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  STIO_ASSIGN_OR_RETURN(auto dup, tx.Query("SELECT id FROM users WHERE email = ?", {*email}));
  if (!dup.empty()) {
    return Status::AlreadyExists("a user with e-mail " + *email + " exists", "email");
  }
  STIO_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  STIO_ASSIGN_OR_RETURN(
      storage::Row r,
      tx.QueryOne("INSERT INTO users (email, display_name, role, organization_id, password_hash, "
                  "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                  {*email, std::string(Trim(display)), role,
                   org.is_number_integer() ? Value(org.get<int64_t>()) : Value(Null{}), hash,
                   FormatTimestamp(clock.Now())}));
  STIO_ASSIGN_OR_RETURN(Json user, LoadUser(tx, r.Int("id")));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "user", std::to_string(r.Int("id")), nullptr, user));
  return user;
}

Result<Json> UpdateUser(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t id, const Json& patch) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageUsers));
  STIO_RETURN_IF_ERROR(
      OnlyKnown(patch, {"display_name", "role", "organization_id", "disabled", "password"}));
  STIO_ASSIGN_OR_RETURN(Json before, LoadUser(tx, id));
  std::string role = before["role"];
  if (patch.contains("role")) {
    STIO_ASSIGN_OR_RETURN(role, StringField(patch, "role", true));
    STIO_RETURN_IF_ERROR(ParseRole(role).status());
  }
  Json org =
      patch.contains("organization_id") ? patch["organization_id"] : before["organization_id"];
  STIO_RETURN_IF_ERROR(CheckMemberOrganization(tx, role, org));
  std::string display = before["display_name"];
  if (patch.contains("display_name")) {
    STIO_ASSIGN_OR_RETURN(display, StringField(patch, "display_name", true));
    if (Status s = ValidateText(display, 200, false); !s.ok()) return s.WithField("display_name");
  }
  Value disabled =
      before["disabled"].get<bool>() ? Value(FormatTimestamp(clock.Now())) : Value(Null{});
  if (patch.contains("disabled")) {
    if (!patch["disabled"].is_boolean()) {
      return Status::InvalidArgument("'disabled' must be true or false", "disabled");
    }
    if (patch["disabled"].get<bool>() && id == actor.user_id) {
      return Status::FailedPrecondition("you cannot disable your own account", "disabled");
    }
    disabled = patch["disabled"].get<bool>() ? Value(FormatTimestamp(clock.Now())) : Value(Null{});
  }
  if (id == actor.user_id && role != "admin") {
    return Status::FailedPrecondition("you cannot remove your own admin role", "role");
  }
  STIO_RETURN_IF_ERROR(
      tx.Execute(
            "UPDATE users SET display_name = ?, role = ?, organization_id = ?, "
            "disabled_at = CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(disabled_at, ?) END "
            "WHERE id = ?",
            {display, role, org.is_number_integer() ? Value(org.get<int64_t>()) : Value(Null{}),
             disabled, disabled, id})
          .status());
  if (patch.contains("password")) {
    STIO_ASSIGN_OR_RETURN(std::string password, StringField(patch, "password", true));
    STIO_RETURN_IF_ERROR(CheckPasswordPolicy(password));
    STIO_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
    STIO_RETURN_IF_ERROR(
        tx.Execute("UPDATE users SET password_hash = ? WHERE id = ?", {hash, id}).status());
    // A new password ends every open session of that user.
    STIO_RETURN_IF_ERROR(tx.Execute("DELETE FROM sessions WHERE user_id = ?", {id}).status());
  }
  if (!std::holds_alternative<Null>(disabled)) {
    STIO_RETURN_IF_ERROR(tx.Execute("DELETE FROM sessions WHERE user_id = ?", {id}).status());
  }
  STIO_ASSIGN_OR_RETURN(Json after, LoadUser(tx, id));
  Json audit_after = after;
  if (patch.contains("password")) audit_after["password_changed"] = true;
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "update", "user", std::to_string(id), before, audit_after));
  return after;
}

Result<ListResult> ListUsers(storage::Transaction& tx, const Actor& actor,
                             const ListParams& params) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageUsers));
  return PagedList(tx, "*", "users", {}, "email", params,
                   [](const storage::Row& r) -> Result<Json> { return UserJson(r); });
}

Result<int64_t> CountUsers(storage::Transaction& tx) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, tx.QueryOne("SELECT COUNT(*) AS n FROM users"));
  return r.Int("n");
}

Result<LoginResult> Login(storage::Transaction& tx, const Clock& clock, std::string_view email,
                          std::string_view password, const std::string& remote_address) {
  const Status wrong = Status::Unauthenticated("wrong e-mail or password");
  Result<std::string> normalized = AccountEmail(email);
  if (!normalized.ok() || password.size() > 1024) return wrong;
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT * FROM users WHERE email = ?", {*normalized}));
  if (rows.empty()) {
    // Spend the same time as a real check so that timing does not reveal which e-mails exist.
    static const std::string kDummy = HashPassword("timing-equaliser").value_or("");
    VerifyPassword(password, kDummy);
    return wrong;
  }
  const storage::Row& r = rows[0];
  if (!VerifyPassword(password, r.Text("password_hash"))) return wrong;
  STIO_ASSIGN_OR_RETURN(Authenticated a, ActorForUser(r));
  LoginResult out;
  out.user = UserJson(r);
  out.session_token = RandomToken(32);
  out.csrf_token = RandomToken(32);
  const auto now = clock.Now();
  STIO_RETURN_IF_ERROR(
      tx.Execute("INSERT INTO sessions (token_hash, user_id, csrf_token, "
                 "created_at, expires_at, remote_address) "
                 "VALUES (?, ?, ?, ?, ?, ?)",
                 {Sha256Hex(out.session_token), r.Int("id"), out.csrf_token, FormatTimestamp(now),
                  FormatTimestamp(now + kSessionLifetime), remote_address})
          .status());
  STIO_RETURN_IF_ERROR(tx.Execute("UPDATE users SET last_login_at = ? WHERE id = ?",
                                  {FormatTimestamp(now), r.Int("id")})
                           .status());
  STIO_RETURN_IF_ERROR(
      tx.Execute("DELETE FROM sessions WHERE expires_at < ?", {FormatTimestamp(now)}).status());
  a.actor.remote_address = remote_address;
  STIO_RETURN_IF_ERROR(RecordAudit(tx, a.actor, clock, "login", "user", std::to_string(r.Int("id")),
                                   nullptr, nullptr));
  return out;
}

Status Logout(storage::Transaction& tx, std::string_view session_token) {
  return tx.Execute("DELETE FROM sessions WHERE token_hash = ?", {Sha256Hex(session_token)})
      .status();
}

Result<Authenticated> AuthenticateSession(storage::Transaction& tx, const Clock& clock,
                                          std::string_view session_token) {
  STIO_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT u.*, s.csrf_token, s.expires_at FROM sessions s JOIN "
                                 "users u ON u.id = s.user_id WHERE s.token_hash = ?",
                                 {Sha256Hex(session_token)}));
  if (rows.empty()) return Status::Unauthenticated("the session has ended; sign in again");
  if (rows[0].Text("expires_at") < FormatTimestamp(clock.Now())) {
    return Status::Unauthenticated("the session has expired; sign in again");
  }
  STIO_ASSIGN_OR_RETURN(Authenticated a, ActorForUser(rows[0]));
  a.csrf_token = rows[0].Text("csrf_token");
  return a;
}

Result<Authenticated> AuthenticateBearer(storage::Transaction& tx, const Clock& clock,
                                         std::string_view token) {
  (void)clock;
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT u.*, t.revoked_at AS token_revoked_at FROM "
                                            "api_tokens t JOIN users u ON u.id = t.user_id "
                                            "WHERE t.token_hash = ?",
                                            {Sha256Hex(token)}));
  if (rows.empty() || !rows[0].IsNull("token_revoked_at")) {
    return Status::Unauthenticated("the API token is unknown or revoked");
  }
  return ActorForUser(rows[0]);
}

Result<Json> CreateToken(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                         int64_t user_id, std::string_view name) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  if (user_id != actor.user_id) STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageUsers));
  std::string n(Trim(name));
  if (n.empty()) n = "token";
  if (Status s = ValidateText(n, 100, false); !s.ok()) return s.WithField("name");
  const std::string token = "stio_" + RandomToken(32);
  STIO_ASSIGN_OR_RETURN(
      storage::Row r,
      tx.QueryOne(
          "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) "
          "VALUES (?, ?, ?, ?, ?) RETURNING id",
          {user_id, n, Sha256Hex(token), token.substr(0, 9), FormatTimestamp(clock.Now())}));
  Json out = {{"id", r.Int("id")}, {"name", n}, {"prefix", token.substr(0, 9)}};
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "create", "api_token",
                                   std::to_string(r.Int("id")), nullptr, out));
  out["token"] = token;
  return out;
}

Result<ListResult> ListTokens(storage::Transaction& tx, const Actor& actor) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, name, prefix, created_at, last_used_at, "
                                            "revoked_at FROM api_tokens WHERE user_id = ? "
                                            "ORDER BY id",
                                            {actor.user_id}));
  ListResult out;
  for (const auto& r : rows) out.items.push_back(RowToJson(r));
  out.total = static_cast<int64_t>(rows.size());
  out.limit = out.total;
  return out;
}

Status RevokeToken(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT user_id, revoked_at FROM api_tokens WHERE "
                                            "id = ?",
                                            {id}));
  if (rows.empty()) return Status::NotFound("token " + std::to_string(id) + " does not exist");
  if (rows[0].Int("user_id") != actor.user_id) {
    STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageUsers));
  }
  STIO_RETURN_IF_ERROR(tx.Execute("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) "
                                  "WHERE id = ?",
                                  {FormatTimestamp(clock.Now()), id})
                           .status());
  return RecordAudit(tx, actor, clock, "revoke", "api_token", std::to_string(id), nullptr, nullptr);
}

Result<int64_t> UserIdByEmail(storage::Transaction& tx, std::string_view email) {
  Result<std::string> e = AccountEmail(email);
  if (!e.ok()) return e.status().WithField("email");
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM users WHERE email = ?", {*e}));
  if (rows.empty()) return Status::NotFound("no user with e-mail " + *e);
  return rows[0].Int("id");
}

Status LoginLimiter::Check(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return Status::Ok();
  if (now - it->second.window_start > window_) {
    entries_.erase(it);
    return Status::Ok();
  }
  if (it->second.failures >= max_failures_) {
    return Status::ResourceExhausted("too many failed sign-in attempts; try again in " +
                                     std::to_string(window_.count() / 60) + " minutes");
  }
  return Status::Ok();
}

void LoginLimiter::RecordFailure(const std::string& key,
                                 std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = entries_[key];
  if (e.failures == 0 || now - e.window_start > window_) {
    e.failures = 0;
    e.window_start = now;
  }
  ++e.failures;
  // Bound memory under a flood of distinct keys: forget the whole table past a large size.
  if (entries_.size() > 100000) entries_.clear();
}

void LoginLimiter::RecordSuccess(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(key);
}

}  // namespace stio::domain
