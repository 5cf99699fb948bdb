#include "cli/commands.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "analytics/index_tool.h"
#include "cli/args.h"
#include "core/clock.h"
#include "core/strings.h"
#include "domain/accounts.h"
#include "domain/exchange.h"
#include "domain/ip.h"
#include "domain/notifications.h"
#include "domain/registry.h"
#include "domain/registry_search.h"
#include "domain/transfer.h"
#include "search/ir_tool.h"
#include "server/serve.h"
#include "storage/schema.h"

namespace stio::cli {
namespace {

constexpr int kUsage = 2;
constexpr int kFailure = 1;

constexpr char kMainHelp[] =
    R"(stio — the platform for provincial science, technology and innovation work

Usage: stio COMMAND [OPTIONS]

Commands:
  serve          serve the web portal and the JSON API
  migrate        create or upgrade a database
  backup         copy a live database to a file (SQLite online backup)
  restore        replace a database by a backup
  user add       create a user (password read from standard input)
  user list      list users
  token create   print a new bearer API token for a user
  org            list, show, create, update or delete organizations
  person         list, show, create, update or delete people and experts
  certificate    issue an S&T enterprise certificate, or record an event on one
  exchange       technology offers and needs: list, show, create, lifecycle actions, matches,
                 expire overdue listings (exchange list | show | create | submit | publish |
                 return | renew | withdraw | match | expire | stats)
  outbox         e-mails waiting to be sent (outbox list | sent | failed)
  housekeeping   expire overdue exchange listings and send due reminders (listings ending, IP
                 deadlines); the server also does it hourly
  import         import organizations, people or exchange listings from CSV or JSON (all or nothing)
  export         export organizations or people as CSV or JSON
  ir             build and evaluate search indexes (ir index | ir run | ir eval)
  index          compute, explain and simulate composite indices such as the PII
                 (index compute | index whatif | index robustness)
  version        print the version

Run `stio COMMAND --help` for a command's options.
)";

constexpr char kServeHelp[] = R"(Usage: stio serve [--listen HOST:PORT] [--db PATH] [options]

Serves the portal and the API. Creates and migrates the database if missing and loads the
reference data. On the first start it creates an administrator and prints how to sign in.

  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080)
  --db PATH            SQLite database (default var/stio.db)
  --data DIR           reference data folder (default: data/ of the installation)
  --web DIR            built web UI (default: web/dist of the installation)
  --workers N          request worker threads (default 4)
  --queue N            requests waiting for a worker before 503 (default 256)
  --admin-email E      e-mail of the first administrator (default admin@stio.local)
  --secure-cookies     mark cookies Secure (when served over https by a proxy)
  --quiet              no access log
  --no-warm            do not warm the monitoring figures in the background after the start
                       (by default a low-priority thread computes every indicator's yearly series
                       for the provinces and the nation, so the first dashboard requests are fast)
  --search-index DIR   where the registry search index is kept on disk (default: PATH.search
                       beside the database); `none` builds it from the database at every start.
                       A restart loads it and catches up from the audit log; if it is missing,
                       stale or damaged it is rebuilt, so the folder can be deleted safely while
                       the server is stopped
  --search-save-interval S
                       seconds between background saves of the search index when it changed
                       (default 600; it is also saved after a rebuild and at shutdown)
)";

constexpr char kMigrateHelp[] = R"(Usage: stio migrate --db PATH [--data DIR]

Creates the database if missing, applies every pending migration and loads reference data.
)";

constexpr char kBackupHelp[] = R"(Usage: stio backup --db PATH --out FILE

Writes a consistent copy of the database to FILE while it may be in use (SQLite online backup).
)";

constexpr char kRestoreHelp[] = R"(Usage: stio restore --db PATH --from FILE

Replaces the database at PATH by the backup FILE, after checking the backup's integrity.
Stop the server first.
)";

constexpr char kUserAddHelp[] =
    R"(Usage: stio user add --db PATH --email E --role ROLE [--name NAME] [--organization-id ID]

Creates a user. The password is read from standard input (one line; at least 10 characters).
ROLE is admin, staff, reviewer or member (a member needs --organization-id).
)";

constexpr char kUserListHelp[] = "Usage: stio user list --db PATH\n";

constexpr char kTokenHelp[] = R"(Usage: stio token create --db PATH --email E [--name NAME]

Prints a new bearer API token for the user with e-mail E. Send it as
`Authorization: Bearer TOKEN`. It is shown only once.
)";

constexpr char kImportHelp[] =
    R"(Usage: stio import --db PATH --entity organizations|people|listings --file FILE [--format csv|json] [--as E]

Imports every record of FILE in one transaction. If any row is wrong, every wrong row is reported
(line, column, reason) and nothing is written. CSV: UTF-8 with or without BOM, a header row with
the API's field names. The format is taken from the file name unless given.
)";

constexpr char kExportHelp[] =
    R"(Usage: stio export --db PATH --entity organizations|people [--format csv|json] [--out FILE]

Writes every live record (to standard output unless --out is given).
)";

int Fail(std::ostream& err, const std::string& cmd, const Status& s, int code = kFailure) {
  err << "stio " << cmd << ": " << (s.field().empty() ? "" : s.field() + ": ") << s.message()
      << "\n";
  return code;
}

Result<std::unique_ptr<storage::Database>> Open(const Args& a, bool create, std::ostream& log) {
  // A missing --db is a usage error; FailOpen reports it with exit code 2.
  STIO_ASSIGN_OR_RETURN(std::string db, a.Require("db"));
  if (!create && !std::filesystem::exists(db)) {
    return Status::NotFound("no database at '" + db + "' (run `stio migrate --db " + db + "`)");
  }
  return server::OpenDatabase(db, a.Get("data").value_or(""), create, log);
}

// Reports a failure to open the database: usage errors (a missing --db) exit 2, the rest 1.
int FailOpen(std::ostream& err, const std::string& cmd, const Status& s) {
  return Fail(err, cmd, s, s.code() == StatusCode::kInvalidArgument ? kUsage : kFailure);
}

int Serve(const Args& a, std::ostream& out, std::ostream& err) {
  if (Status s =
          a.Only({"listen", "db", "data", "web", "workers", "queue", "admin-email",
                  "secure-cookies", "quiet", "no-warm", "search-index", "search-save-interval"});
      !s.ok()) {
    return Fail(err, "serve", s, kUsage);
  }
  server::ServeOptions o;
  if (auto v = a.Get("listen")) {
    if (Status s = server::ParseListen(*v, o); !s.ok()) return Fail(err, "serve", s, kUsage);
  }
  o.db_path = a.Get("db").value_or(o.db_path);
  o.data_dir = a.Get("data").value_or("");
  o.web_root = a.Get("web").value_or("");
  for (auto [name, target] : {std::pair{"workers", &o.workers}, std::pair{"queue", &o.queue}}) {
    if (auto v = a.Get(name)) {
      auto n = ParseInt(*v);
      if (!n || *n < 1 || *n > 4096) {
        return Fail(err, "serve",
                    Status::InvalidArgument("--" + std::string(name) + " must be 1..4096"), kUsage);
      }
      *target = static_cast<int>(*n);
    }
  }
  o.admin_email = a.Get("admin-email").value_or(o.admin_email);
  o.secure_cookies = a.Has("secure-cookies");
  o.quiet_access_log = a.Has("quiet");
  o.warm_cache = !a.Has("no-warm");
  if (auto v = a.Get("search-index")) {
    if (Trim(*v).empty()) {
      return Fail(err, "serve",
                  Status::InvalidArgument("--search-index must be a folder or `none`"), kUsage);
    }
    o.search_index = *v;
  }
  if (auto v = a.Get("search-save-interval")) {
    auto n = ParseInt(*v);
    if (!n || *n < 1 || *n > 7 * 24 * 3600) {
      return Fail(err, "serve",
                  Status::InvalidArgument("--search-save-interval must be 1..604800 seconds"),
                  kUsage);
    }
    o.search_save_interval_s = static_cast<int>(*n);
  }
  return server::RunServe(o, out, err);
}

int Migrate(const Args& a, std::ostream& out, std::ostream& err) {
  if (Status s = a.Only({"db", "data"}); !s.ok()) return Fail(err, "migrate", s, kUsage);
  auto db = Open(a, /*create=*/true, out);
  if (!db.ok()) return FailOpen(err, "migrate", db.status());
  auto v = (*db)->SchemaVersion();
  if (!v.ok()) return Fail(err, "migrate", v.status());
  out << "stio: database " << *a.Get("db") << " is at schema version " << *v << "\n";
  return 0;
}

int Backup(const Args& a, std::ostream& out, std::ostream& err) {
  if (Status s = a.Only({"db", "out"}); !s.ok()) return Fail(err, "backup", s, kUsage);
  auto target = a.Require("out");
  if (!target.ok()) return Fail(err, "backup", target.status(), kUsage);
  auto path = a.Require("db");
  if (!path.ok()) return Fail(err, "backup", path.status(), kUsage);
  if (!std::filesystem::exists(*path)) {
    return Fail(err, "backup", Status::NotFound("no database at '" + *path + "'"));
  }
  storage::OpenOptions options;
  options.create_if_missing = false;
  auto db = storage::OpenSqlite(*path, options);
  if (!db.ok()) return FailOpen(err, "backup", db.status());
  if (Status s = (*db)->Backup(*target); !s.ok()) return Fail(err, "backup", s);
  out << "stio: backed up " << *path << " to " << *target << "\n";
  return 0;
}

int Restore(const Args& a, std::ostream& out, std::ostream& err) {
  if (Status s = a.Only({"db", "from"}); !s.ok()) return Fail(err, "restore", s, kUsage);
  auto from = a.Require("from");
  if (!from.ok()) return Fail(err, "restore", from.status(), kUsage);
  auto path = a.Require("db");
  if (!path.ok()) return Fail(err, "restore", path.status(), kUsage);
  if (Status s = storage::RestoreSqlite(*from, *path); !s.ok()) return Fail(err, "restore", s);
  out << "stio: restored " << *path << " from " << *from << "\n";
  return 0;
}

int UserAdd(const Args& a, std::istream& in, std::ostream& out, std::ostream& err) {
  if (Status s = a.Only({"db", "data", "email", "role", "name", "organization-id"}); !s.ok()) {
    return Fail(err, "user add", s, kUsage);
  }
  for (const char* req : {"email", "role"}) {
    if (auto r = a.Require(req); !r.ok()) return Fail(err, "user add", r.status(), kUsage);
  }
  std::string password;
  if (!std::getline(in, password)) {
    return Fail(err, "user add",
                Status::InvalidArgument("no password on standard input (e.g. `echo '...' | stio "
                                        "user add ...`)"),
                kUsage);
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto db = Open(a, /*create=*/true, err);
  if (!db.ok()) return FailOpen(err, "user add", db.status());
  domain::Json input = {{"email", *a.Get("email")},
                        {"role", *a.Get("role")},
                        {"display_name", a.Get("name").value_or("")},
                        {"password", password}};
  if (auto org = a.Get("organization-id")) {
    auto n = ParseInt(*org);
    if (!n) {
      return Fail(err, "user add", Status::InvalidArgument("--organization-id must be a number"),
                  kUsage);
    }
    input["organization_id"] = *n;
  }
  domain::Json user;
  Status s = storage::WithTransaction(**db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(
        user, domain::CreateUser(tx, domain::Actor::System("cli"), Clock::Real(), input));
    return Status::Ok();
  });
  if (!s.ok()) return Fail(err, "user add", s);
  out << "stio: created user " << user["id"] << " <" << user["email"].get<std::string>()
      << "> with role " << user["role"].get<std::string>() << "\n";
  return 0;
}

int UserList(const Args& a, std::ostream& out, std::ostream& err) {
  if (Status s = a.Only({"db", "data"}); !s.ok()) return Fail(err, "user list", s, kUsage);
  auto db = Open(a, /*create=*/false, err);
  if (!db.ok()) return FailOpen(err, "user list", db.status());
  domain::ListParams p;
  p.limit = 500;
  Status s = storage::WithTransaction(**db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(auto users, domain::ListUsers(tx, domain::Actor::System("cli"), p));
    for (const auto& u : users.items) {
      out << u["id"] << "\t" << u["email"].get<std::string>() << "\t"
          << u["role"].get<std::string>() << (u["disabled"].get<bool>() ? "\tdisabled" : "")
          << "\n";
    }
    return Status::Ok();
  });
  return s.ok() ? 0 : Fail(err, "user list", s);
}

int TokenCreate(const Args& a, std::ostream& out, std::ostream& err) {
  if (Status s = a.Only({"db", "data", "email", "name"}); !s.ok()) {
    return Fail(err, "token create", s, kUsage);
  }
  auto email = a.Require("email");
  if (!email.ok()) return Fail(err, "token create", email.status(), kUsage);
  auto db = Open(a, /*create=*/false, err);
  if (!db.ok()) return FailOpen(err, "token create", db.status());
  std::string token;
  Status s = storage::WithTransaction(**db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(int64_t uid, domain::UserIdByEmail(tx, *email));
    STIO_ASSIGN_OR_RETURN(auto t,
                          domain::CreateToken(tx, domain::Actor::System("cli"), Clock::Real(), uid,
                                              a.Get("name").value_or("cli")));
    token = t["token"];
    return Status::Ok();
  });
  if (!s.ok()) return Fail(err, "token create", s);
  out << token << "\n";
  return 0;
}

// The actor for bulk commands: a named user if --as is given, else the system.
Result<domain::Actor> ActorFor(storage::Database& db, const Args& a) {
  domain::Actor actor = domain::Actor::System("cli");
  auto as = a.Get("as");
  if (!as) return actor;
  Status s = storage::WithTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, email, role, organization_id FROM users "
                                              "WHERE email = ? AND disabled_at IS NULL",
                                              {AsciiLower(*as)}));
    if (rows.empty()) return Status::NotFound("no active user " + *as);
    STIO_ASSIGN_OR_RETURN(actor.role, domain::ParseRole(rows[0].Text("role")));
    actor.user_id = rows[0].Int("id");
    actor.email = rows[0].Text("email");
    actor.organization_id = rows[0].OptInt("organization_id");
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return actor;
}

int Import(const Args& a, std::ostream& out, std::ostream& err) {
  if (Status s = a.Only({"db", "data", "entity", "file", "format", "as"}); !s.ok()) {
    return Fail(err, "import", s, kUsage);
  }
  auto entity_name = a.Require("entity");
  if (!entity_name.ok()) return Fail(err, "import", entity_name.status(), kUsage);
  auto entity = domain::ParseEntity(*entity_name);
  if (!entity.ok()) return Fail(err, "import", entity.status(), kUsage);
  auto file = a.Require("file");
  if (!file.ok()) return Fail(err, "import", file.status(), kUsage);
  std::string fmt = a.Get("format").value_or(
      std::filesystem::path(*file).extension() == ".json" ? "json" : "csv");
  auto format = domain::ParseFormat(fmt);
  if (!format.ok()) return Fail(err, "import", format.status(), kUsage);
  std::ifstream f(*file, std::ios::binary);
  if (!f) return Fail(err, "import", Status::NotFound("cannot read '" + *file + "'"));
  std::ostringstream ss;
  ss << f.rdbuf();
  const std::string data = ss.str();
  auto db = Open(a, /*create=*/false, err);
  if (!db.ok()) return FailOpen(err, "import", db.status());
  auto actor = ActorFor(**db, a);
  if (!actor.ok()) return Fail(err, "import", actor.status());
  domain::ImportReport report;
  Status s = storage::WithTransaction(**db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(report,
                          domain::Import(tx, *actor, Clock::Real(), *entity, *format, data));
    return report.errors.empty() ? Status::Ok() : Status::InvalidArgument("rows rejected");
  });
  if (!report.errors.empty()) {
    for (const auto& e : report.errors) {
      err << *file << ":" << e.line << ": " << (e.column.empty() ? "" : e.column + ": ")
          << e.message << "\n";
    }
    err << "stio import: " << report.errors.size() << " row(s) rejected; nothing was imported\n";
    return kFailure;
  }
  if (!s.ok()) return Fail(err, "import", s);
  out << "stio: imported " << report.inserted << " " << *entity_name << "\n";
  return 0;
}

int Export(const Args& a, std::ostream& out, std::ostream& err) {
  if (Status s = a.Only({"db", "data", "entity", "format", "out", "as"}); !s.ok()) {
    return Fail(err, "export", s, kUsage);
  }
  auto entity_name = a.Require("entity");
  if (!entity_name.ok()) return Fail(err, "export", entity_name.status(), kUsage);
  auto entity = domain::ParseEntity(*entity_name);
  if (!entity.ok()) return Fail(err, "export", entity.status(), kUsage);
  auto format = domain::ParseFormat(a.Get("format").value_or("csv"));
  if (!format.ok()) return Fail(err, "export", format.status(), kUsage);
  auto db = Open(a, /*create=*/false, err);
  if (!db.ok()) return FailOpen(err, "export", db.status());
  auto actor = ActorFor(**db, a);
  if (!actor.ok()) return Fail(err, "export", actor.status());
  std::string file;
  Status s = storage::WithTransaction(**db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(file, domain::Export(tx, *actor, *entity, *format));
    return Status::Ok();
  });
  if (!s.ok()) return Fail(err, "export", s);
  if (auto path = a.Get("out")) {
    std::ofstream o(*path, std::ios::binary);
    o << file;
    if (!o.good()) return Fail(err, "export", Status::Internal("cannot write '" + *path + "'"));
    err << "stio: wrote " << *path << "\n";
  } else {
    out << file;
  }
  return 0;
}

constexpr char kRecordHelp[] = R"(Usage: stio org|person COMMAND --db PATH [options]

  list    [--q TEXT] [--kind K] [--province CODE] [--limit N] [--offset N] [--sort KEY] [--output json]
  show    --id ID
  create  --json '{...}' | --file FILE.json
  update  --id ID --json '{...}' | --file FILE.json     (only the fields given change)
  delete  --id ID                                         (soft delete; kept in the audit log)

Fields are those of the API (docs/api.md). Writes are checked exactly as through the API and
recorded in the audit log as done by the CLI (or by --as EMAIL).
)";

constexpr char kCertificateHelp[] =
    R"(Usage: stio certificate issue --db PATH --org ID --json '{"number": ..., "issued_on": "YYYY-MM-DD"}'
       stio certificate event --db PATH --id ID --json '{"action": "suspend", "date": "YYYY-MM-DD", "reason": ...}'

Actions: amend, suspend, reinstate, revoke. Illegal transitions are refused.
)";

Result<domain::Json> JsonInput(const Args& a) {
  std::string text;
  if (auto j = a.Get("json")) {
    text = *j;
  } else if (auto f = a.Get("file")) {
    std::ifstream in(*f, std::ios::binary);
    if (!in) return Status::NotFound("cannot read '" + *f + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  } else {
    return Status::InvalidArgument("give the record as --json '{...}' or --file FILE.json");
  }
  domain::Json j = domain::Json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("the input is not valid JSON");
  return j;
}

Result<int64_t> IdOption(const Args& a, const std::string& name = "id") {
  STIO_ASSIGN_OR_RETURN(std::string v, a.Require(name));
  auto n = ParseInt(v);
  if (!n || *n <= 0) return Status::InvalidArgument("--" + name + " must be a positive number");
  return *n;
}

int Records(const std::string& kind, const std::string& verb, const Args& a, std::ostream& out,
            std::ostream& err) {
  const std::string cmd = kind + " " + verb;
  if (Status s = a.Only({"db", "data", "as", "id", "json", "file", "q", "kind", "province", "limit",
                         "offset", "sort", "output", "org"});
      !s.ok()) {
    return Fail(err, cmd, s, kUsage);
  }
  auto db = Open(a, /*create=*/false, err);
  if (!db.ok()) return FailOpen(err, cmd, db.status());
  auto actor = ActorFor(**db, a);
  if (!actor.ok()) return Fail(err, cmd, actor.status());
  const Clock& clock = Clock::Real();
  const bool org = kind == "org";
  domain::Json result;
  bool is_list = false;
  Status s;
  if (verb == "list") {
    is_list = true;
    domain::ListParams p;
    for (auto [name, target] : {std::pair{"limit", &p.limit}, std::pair{"offset", &p.offset}}) {
      if (auto v = a.Get(name)) {
        auto n = ParseInt(*v);
        if (!n)
          return Fail(err, cmd,
                      Status::InvalidArgument("--" + std::string(name) + " must be a number"),
                      kUsage);
        *target = *n;
      }
    }
    p.sort = a.Get("sort").value_or("");
    s = storage::WithTransaction(**db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
      Result<domain::ListResult> r = Status::Internal("unset");
      if (org) {
        domain::OrganizationFilter f;
        f.q = a.Get("q");
        f.kind = a.Get("kind");
        f.province_code = a.Get("province");
        r = domain::ListOrganizations(tx, *actor, f, p);
      } else {
        domain::PersonFilter f;
        f.q = a.Get("q");
        f.province_code = a.Get("province");
        r = domain::ListPeople(tx, *actor, f, p);
      }
      if (!r.ok()) return r.status();
      result = r->ToJson();
      return Status::Ok();
    });
  } else if (verb == "show") {
    auto id = IdOption(a);
    if (!id.ok()) return Fail(err, cmd, id.status(), kUsage);
    s = storage::WithTransaction(**db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
      STIO_ASSIGN_OR_RETURN(result, org ? domain::GetOrganization(tx, *actor, *id)
                                        : domain::GetPerson(tx, *actor, *id));
      return Status::Ok();
    });
  } else if (verb == "create" || verb == "update") {
    auto input = JsonInput(a);
    if (!input.ok()) return Fail(err, cmd, input.status(), kUsage);
    std::optional<int64_t> id;
    if (verb == "update") {
      auto n = IdOption(a);
      if (!n.ok()) return Fail(err, cmd, n.status(), kUsage);
      id = *n;
    }
    s = storage::WithTransaction(**db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
      if (id) {
        STIO_ASSIGN_OR_RETURN(result,
                              org ? domain::UpdateOrganization(tx, *actor, clock, *id, *input)
                                  : domain::UpdatePerson(tx, *actor, clock, *id, *input));
      } else {
        STIO_ASSIGN_OR_RETURN(result, org ? domain::CreateOrganization(tx, *actor, clock, *input)
                                          : domain::CreatePerson(tx, *actor, clock, *input));
      }
      return Status::Ok();
    });
  } else if (verb == "delete") {
    auto id = IdOption(a);
    if (!id.ok()) return Fail(err, cmd, id.status(), kUsage);
    s = storage::WithTransaction(**db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
      return org ? domain::DeleteOrganization(tx, *actor, clock, *id)
                 : domain::DeletePerson(tx, *actor, clock, *id);
    });
    if (s.ok()) out << "stio: deleted " << kind << " " << *id << "\n";
  } else {
    err << "stio " << kind << ": unknown command '" << verb
        << "' (list, show, create, update, delete)\n";
    return kUsage;
  }
  if (!s.ok()) return Fail(err, cmd, s);
  if (result.is_null()) return 0;
  if (is_list && a.Get("output").value_or("table") != "json") {
    for (const auto& item : result["items"]) {
      out << item["id"] << "\t" << (org ? item["name"] : item["full_name"]).get<std::string>();
      const auto& p = item["province_name"];
      out << "\t" << (p.is_string() ? p.get<std::string>() : "") << "\n";
    }
    err << result["items"].size() << " of " << result["total"] << "\n";
    return 0;
  }
  out << result.dump(2, ' ', false, domain::Json::error_handler_t::replace) << "\n";
  return 0;
}

int Certificate(const std::string& verb, const Args& a, std::ostream& out, std::ostream& err) {
  const std::string cmd = "certificate " + verb;
  if (Status s = a.Only({"db", "data", "as", "id", "org", "json", "file"}); !s.ok()) {
    return Fail(err, cmd, s, kUsage);
  }
  if (verb != "issue" && verb != "event") {
    err << "stio certificate: use `stio certificate issue|event` (see --help)\n";
    return kUsage;
  }
  auto id = IdOption(a, verb == "issue" ? "org" : "id");
  if (!id.ok()) return Fail(err, cmd, id.status(), kUsage);
  auto input = JsonInput(a);
  if (!input.ok()) return Fail(err, cmd, input.status(), kUsage);
  auto db = Open(a, /*create=*/false, err);
  if (!db.ok()) return FailOpen(err, cmd, db.status());
  auto actor = ActorFor(**db, a);
  if (!actor.ok()) return Fail(err, cmd, actor.status());
  domain::Json result;
  Status s = storage::WithTransaction(**db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(
        result, verb == "issue"
                    ? domain::IssueCertificate(tx, *actor, Clock::Real(), *id, *input)
                    : domain::AddCertificateEvent(tx, *actor, Clock::Real(), *id, *input));
    return Status::Ok();
  });
  if (!s.ok()) return Fail(err, cmd, s);
  out << result.dump(2, ' ', false, domain::Json::error_handler_t::replace) << "\n";
  return 0;
}

constexpr char kExchangeHelp[] = R"(Usage: stio exchange COMMAND --db PATH [options]

Commands:
  list      [--kind offer|need] [--status S] [--q TEXT] [--province CODE] [--limit N]
            [--offset N] [--output json]
  show      --id N
  create    --json '{...}' | --file FILE.json      (a draft; "submit": true submits it)
  submit | publish | renew | withdraw   --id N [--note TEXT]
  return    --id N --note TEXT                     (back to the owner with the reasons)
  match     --id N [--limit N]                     (ranked counterparts and experts, with reasons)
  expire                                           (mark overdue listings expired, remind owners)
  stats     [--province CODE]
  intro     --id N [--note MESSAGE]                (ask the listing's owner for an introduction)
  connections [--status S]                         (introductions asked and received)
  connection  --id N [--action accept|decline|meeting|nda|contract|close|cancel] [--json '{...}']
                                                   (show one, or move it on; decline needs
                                                   {"reason": ...}, contract {"contract": {...}})
  contracts [--province CODE] [--status S]
  contract  --json '{...}' | --id N [--json '{...}']  (record, show or update a transfer contract)
  followup  --id N --json '{...}'                  (a contract's effect for a period)
  task-proposal --id N                             (a draft S&T task order from an unmet need)

Acts as the system unless --as E names a user (whose permissions then apply).
)";

constexpr char kOutboxHelp[] = R"(Usage: stio outbox COMMAND --db PATH [options]

Commands:
  list      [--all] [--limit N]      e-mails not yet sent (with --all: every e-mail), as JSON
  sent      --id N                   record that e-mail N was delivered
  failed    --id N --error TEXT      record a failed delivery attempt

stio does not send mail itself: a relay reads this outbox, sends and marks each e-mail.
)";

int Exchange(const std::string& verb, const Args& a, std::ostream& out, std::ostream& err) {
  const std::string cmd = "exchange " + verb;
  if (Status s = a.Only({"db", "data", "as", "id", "json", "file", "q", "kind", "status",
                         "province", "limit", "offset", "output", "note", "action"});
      !s.ok()) {
    return Fail(err, cmd, s, kUsage);
  }
  static const std::set<std::string> kActions = {"submit", "publish", "return", "renew",
                                                 "withdraw"};
  static const std::set<std::string> kVerbs = {
      "list",        "show",       "create",    "match",    "expire",   "stats",
      "submit",      "publish",    "return",    "renew",    "withdraw", "intro",
      "connections", "connection", "contracts", "contract", "followup", "task-proposal"};
  if (!kVerbs.count(verb)) {
    err << "stio exchange: unknown command '" << verb << "' (see `stio exchange --help`)\n";
    return kUsage;
  }
  domain::ListParams p;
  for (auto [name, target] : {std::pair{"limit", &p.limit}, std::pair{"offset", &p.offset}}) {
    if (auto v = a.Get(name)) {
      auto n = ParseInt(*v);
      if (!n) {
        return Fail(err, cmd,
                    Status::InvalidArgument("--" + std::string(name) + " must be a number"),
                    kUsage);
      }
      *target = *n;
    }
  }
  std::optional<int64_t> id;
  if (verb == "show" || verb == "match" || kActions.count(verb) || verb == "intro" ||
      verb == "connection" || verb == "followup" || verb == "task-proposal" ||
      (verb == "contract" && a.Get("id"))) {
    auto n = IdOption(a);
    if (!n.ok()) return Fail(err, cmd, n.status(), kUsage);
    id = *n;
  }
  std::optional<domain::Json> input;
  if (verb == "create" || verb == "followup" || (verb == "contract" && !id) ||
      ((verb == "contract" || verb == "connection") && (a.Get("json") || a.Get("file")))) {
    auto j = JsonInput(a);
    if (!j.ok()) return Fail(err, cmd, j.status(), kUsage);
    input = *j;
  }
  auto db = Open(a, /*create=*/false, err);
  if (!db.ok()) return FailOpen(err, cmd, db.status());
  auto actor = ActorFor(**db, a);
  if (!actor.ok()) return Fail(err, cmd, actor.status());
  const Clock& clock = Clock::Real();
  std::unique_ptr<domain::RegistrySearch> search;
  if (verb == "match" || verb == "publish") {
    const std::string data = a.Get("data").value_or(server::FindDataDir());
    std::ifstream sw(data + "/nlp-vi/stopwords_vi.txt", std::ios::binary);
    std::ostringstream ss;
    ss << sw.rdbuf();
    // The index `stio serve` keeps beside the database, if it is there and still matches (read
    // only: the server saves it); else built from the database.
    auto built = domain::RegistrySearch::Open(**db, ss.str(), *a.Get("db") + ".search");
    if (!built.ok()) return Fail(err, cmd, built.status());
    search = std::move(built).value();
  }
  domain::Json result;
  bool is_list = false;
  const bool write = verb == "create" || verb == "expire" || kActions.count(verb) ||
                     verb == "intro" || verb == "followup" || verb == "task-proposal" ||
                     ((verb == "contract" && (input || !id))) ||
                     (verb == "connection" && a.Get("action"));
  Status s = storage::WithTransaction(
      **db, write ? storage::TxMode::kWrite : storage::TxMode::kRead,
      [&](storage::Transaction& tx) -> Status {
        if (verb == "list") {
          is_list = true;
          domain::ListingFilter f;
          f.kind = a.Get("kind");
          f.status = a.Get("status");
          f.q = a.Get("q");
          f.province_code = a.Get("province");
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListListings(tx, *actor, clock, f, p));
          result = r.ToJson();
        } else if (verb == "show") {
          STIO_ASSIGN_OR_RETURN(result, domain::GetListing(tx, *actor, clock, *id));
        } else if (verb == "create") {
          STIO_ASSIGN_OR_RETURN(result, domain::CreateListing(tx, *actor, clock, *input));
        } else if (verb == "match") {
          domain::MatchOptions o;
          if (a.Get("limit")) o.limit = p.limit;
          STIO_ASSIGN_OR_RETURN(result, domain::MatchListing(tx, *search, *actor, clock, *id, o));
        } else if (verb == "expire") {
          STIO_ASSIGN_OR_RETURN(result, domain::ExpireListings(tx, clock));
        } else if (verb == "stats") {
          domain::ExchangeStatsQuery q;
          q.province_code = a.Get("province");
          STIO_ASSIGN_OR_RETURN(result, domain::ExchangeStats(tx, clock, q));
        } else if (verb == "intro") {
          domain::Json body = domain::Json::object();
          if (auto n = a.Get("note")) body["message"] = *n;
          STIO_ASSIGN_OR_RETURN(result, domain::RequestIntroduction(tx, *actor, clock, *id, body));
        } else if (verb == "connections") {
          STIO_ASSIGN_OR_RETURN(auto r,
                                domain::ListConnections(tx, *actor, "", a.Get("status"), p));
          result = r.ToJson();
        } else if (verb == "connection") {
          if (auto action = a.Get("action")) {
            STIO_ASSIGN_OR_RETURN(result, domain::ConnectionAction(tx, *actor, clock, *id, *action,
                                                                   input.value_or(domain::Json())));
          } else {
            STIO_ASSIGN_OR_RETURN(result, domain::GetConnection(tx, *actor, clock, *id));
          }
        } else if (verb == "contracts") {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListContracts(tx, *actor, clock, a.Get("province"),
                                                              a.Get("status"), p));
          result = r.ToJson();
        } else if (verb == "contract") {
          if (!id) {
            STIO_ASSIGN_OR_RETURN(result, domain::CreateContract(tx, *actor, clock, *input));
          } else if (input) {
            STIO_ASSIGN_OR_RETURN(result, domain::UpdateContract(tx, *actor, clock, *id, *input));
          } else {
            STIO_ASSIGN_OR_RETURN(result, domain::GetContract(tx, *actor, clock, *id));
          }
        } else if (verb == "followup") {
          STIO_ASSIGN_OR_RETURN(result, domain::AddFollowup(tx, *actor, clock, *id, *input));
        } else if (verb == "task-proposal") {
          STIO_ASSIGN_OR_RETURN(result, domain::CreateTaskProposal(tx, *actor, clock, *id));
        } else {
          domain::Json body = domain::Json::object();
          if (auto n = a.Get("note")) body["note"] = *n;
          STIO_ASSIGN_OR_RETURN(
              result, domain::ListingAction(tx, *actor, clock, *id, verb, body, search.get()));
        }
        return Status::Ok();
      });
  if (!s.ok()) return Fail(err, cmd, s);
  if (is_list && a.Get("output").value_or("table") != "json") {
    for (const auto& item : result["items"]) {
      out << item["id"] << "\t" << item["kind"].get<std::string>() << "\t"
          << item["status"].get<std::string>() << "\t" << item["title"].get<std::string>() << "\n";
    }
    err << result["items"].size() << " of " << result["total"] << "\n";
    return 0;
  }
  out << result.dump(2, ' ', false, domain::Json::error_handler_t::replace) << "\n";
  return 0;
}

constexpr char kHousekeepingHelp[] = R"(Usage: stio housekeeping --db PATH

Marks overdue exchange listings expired, reminds owners of listings ending within two weeks and
of IP deadlines (60, 30 and 7 days ahead, and when the grace period begins), each once. The
server does the same at most hourly; run this from cron when the server is not running.
)";

int Housekeeping(const Args& a, std::ostream& out, std::ostream& err) {
  if (Status s = a.Only({"db", "data"}); !s.ok()) return Fail(err, "housekeeping", s, kUsage);
  auto db = Open(a, /*create=*/false, err);
  if (!db.ok()) return FailOpen(err, "housekeeping", db.status());
  domain::Json result;
  Status s = storage::WithTransaction(**db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(result["listings"], domain::ExpireListings(tx, Clock::Real()));
    STIO_ASSIGN_OR_RETURN(result["ip_deadlines"], domain::RemindIpDeadlines(tx, Clock::Real()));
    return Status::Ok();
  });
  if (!s.ok()) return Fail(err, "housekeeping", s);
  out << result.dump(2) << "\n";
  return 0;
}

int Outbox(const std::string& verb, const Args& a, std::ostream& out, std::ostream& err) {
  const std::string cmd = "outbox " + verb;
  if (Status s = a.Only({"db", "data", "as", "id", "all", "limit", "error"}); !s.ok()) {
    return Fail(err, cmd, s, kUsage);
  }
  if (verb != "list" && verb != "sent" && verb != "failed") {
    err << "stio outbox: unknown command '" << verb << "' (list, sent, failed)\n";
    return kUsage;
  }
  std::optional<int64_t> id;
  std::optional<std::string> error;
  if (verb != "list") {
    auto n = IdOption(a);
    if (!n.ok()) return Fail(err, cmd, n.status(), kUsage);
    id = *n;
  }
  if (verb == "failed") {
    auto e = a.Require("error");
    if (!e.ok()) return Fail(err, cmd, e.status(), kUsage);
    error = *e;
  }
  domain::ListParams p;
  p.limit = 500;
  if (auto v = a.Get("limit")) {
    auto n = ParseInt(*v);
    if (!n) return Fail(err, cmd, Status::InvalidArgument("--limit must be a number"), kUsage);
    p.limit = *n;
  }
  auto db = Open(a, /*create=*/false, err);
  if (!db.ok()) return FailOpen(err, cmd, db.status());
  auto actor = ActorFor(**db, a);
  if (!actor.ok()) return Fail(err, cmd, actor.status());
  domain::Json result;
  Status s = storage::WithTransaction(
      **db, verb == "list" ? storage::TxMode::kRead : storage::TxMode::kWrite,
      [&](storage::Transaction& tx) -> Status {
        if (verb == "list") {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListOutbox(tx, *actor, !a.Has("all"), p));
          result = r.ToJson();
        } else {
          STIO_ASSIGN_OR_RETURN(result, domain::MarkOutbox(tx, *actor, Clock::Real(), *id, error));
        }
        return Status::Ok();
      });
  if (!s.ok()) return Fail(err, cmd, s);
  out << result.dump(2, ' ', false, domain::Json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace

int Main(const std::vector<std::string>& argv, std::istream& in, std::ostream& out,
         std::ostream& err) {
  auto parsed = Args::Parse(argv, {"secure-cookies", "quiet", "all", "no-warm"});
  if (!parsed.ok()) return Fail(err, "", parsed.status(), kUsage);
  const Args& a = *parsed;
  const auto& w = a.words();
  const bool help = a.Has("help");
  if (w.empty()) {
    (help ? out : err) << kMainHelp;
    return help ? 0 : kUsage;
  }
  const std::string& cmd = w[0];
  auto with_help = [&](const char* text, auto fn) -> int {
    if (help) {
      out << text;
      return 0;
    }
    return fn();
  };
  if (cmd == "ir") {
    std::vector<std::string> rest(argv.begin() + 1, argv.end());
    return search::RunIrCommand(rest, out, err);
  }
  if (cmd == "index") {
    std::vector<std::string> rest(argv.begin() + 1, argv.end());
    return analytics::RunIndexCommand(rest, out, err);
  }
  if (cmd == "help") {
    out << kMainHelp;
    return 0;
  }
  if (cmd == "version") {
    out << "stio 0.1.0\n";
    return 0;
  }
  const bool two_words = cmd == "user" || cmd == "token" || cmd == "org" || cmd == "person" ||
                         cmd == "certificate" || cmd == "exchange" || cmd == "outbox";
  if (w.size() > 2 || (w.size() == 2 && !two_words)) {
    err << "stio: unexpected argument '" << w.back() << "'\n";
    return kUsage;
  }
  if (cmd == "serve") return with_help(kServeHelp, [&] { return Serve(a, out, err); });
  if (cmd == "migrate") return with_help(kMigrateHelp, [&] { return Migrate(a, out, err); });
  if (cmd == "backup") return with_help(kBackupHelp, [&] { return Backup(a, out, err); });
  if (cmd == "restore") return with_help(kRestoreHelp, [&] { return Restore(a, out, err); });
  if (cmd == "import") return with_help(kImportHelp, [&] { return Import(a, out, err); });
  if (cmd == "export") return with_help(kExportHelp, [&] { return Export(a, out, err); });
  if (cmd == "housekeeping") {
    return with_help(kHousekeepingHelp, [&] { return Housekeeping(a, out, err); });
  }
  if (cmd == "user" && w.size() == 2 && w[1] == "add") {
    return with_help(kUserAddHelp, [&] { return UserAdd(a, in, out, err); });
  }
  if (cmd == "user" && w.size() == 2 && w[1] == "list") {
    return with_help(kUserListHelp, [&] { return UserList(a, out, err); });
  }
  if (cmd == "token" && w.size() == 2 && w[1] == "create") {
    return with_help(kTokenHelp, [&] { return TokenCreate(a, out, err); });
  }
  if (cmd == "org" || cmd == "person") {
    if (help || w.size() < 2) {
      (help ? out : err) << kRecordHelp;
      return help ? 0 : kUsage;
    }
    return Records(cmd, w[1], a, out, err);
  }
  if (cmd == "exchange" || cmd == "outbox") {
    const char* text = cmd == "exchange" ? kExchangeHelp : kOutboxHelp;
    if (help || w.size() < 2) {
      (help ? out : err) << text;
      return help ? 0 : kUsage;
    }
    return cmd == "exchange" ? Exchange(w[1], a, out, err) : Outbox(w[1], a, out, err);
  }
  if (cmd == "certificate") {
    if (help || w.size() < 2) {
      (help ? out : err) << kCertificateHelp;
      return help ? 0 : kUsage;
    }
    return Certificate(w[1], a, out, err);
  }
  if (cmd == "user" || cmd == "token") {
    err << "stio: use `stio " << cmd << (cmd == "user" ? " add|list" : " create") << "`\n";
    return kUsage;
  }
  err << "stio: unknown command '" << cmd << "' (see `stio --help`)\n";
  return kUsage;
}

}  // namespace stio::cli
