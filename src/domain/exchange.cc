#include "domain/exchange.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/crypto.h"
#include "core/strings.h"
#include "domain/ip.h"
#include "domain/ip_deadlines.h"
#include "domain/notifications.h"
#include "domain/policy.h"
#include "domain/reference.h"
#include "domain/validation.h"
#include "text/normalize.h"

namespace stio::domain {
namespace {

using storage::Null;
using storage::Value;
using Kind = FieldSpec::Kind;

constexpr std::string_view kTransferModes[] = {"licence", "assignment", "joint_development",
                                               "consulting", "equipment"};

const FieldSpec kListingFields[] = {
    {"kind", Kind::kEnum, true, 10, false, {"offer", "need"}},
    {"title", Kind::kText, true, 300},
    {"summary", Kind::kText, true, 3000, true},
    {"description", Kind::kText, false, 20000, true},
    {"deadline", Kind::kDate, false, 10},
    {"accepted_result", Kind::kText, false, 3000, true},
    {"sector_vsic", Kind::kText, false, 10},
    {"contact_name", Kind::kText, false, 200},
    {"contact_email", Kind::kText, false, 254, false, {}, &NormalizeEmail},
    {"contact_phone", Kind::kText, false, 40, false, {}, &NormalizePhone},
    {"province_code", Kind::kText, false, 2},
    {"source", Kind::kText, false, 300},
};
constexpr std::string_view kListingExtra[] = {"fields",           "ipc",
                                              "keywords",         "transfer_modes",
                                              "ip_asset_ids",     "trl",
                                              "trl_min",          "price_vnd",
                                              "price_negotiable", "budget_min_vnd",
                                              "budget_max_vnd",   "organization_id",
                                              "submit",           "version"};
// JSON-list columns of a listing.
constexpr std::string_view kListColumns[] = {"fields", "ipc", "keywords", "transfer_modes",
                                             "ip_asset_ids"};
constexpr std::string_view kContactColumns[] = {"contact_name", "contact_email", "contact_phone"};

std::string Today(const Clock& clock) { return FormatDate(clock.Now()); }

std::string AddDays(const std::string& date, int64_t days) {
  auto d = ParseCivilDate(date);
  return d.ok() ? FormatCivilDate(domain::AddDays(*d, days)) : date;
}

std::string EffectiveStatus(const storage::Row& r, const std::string& today) {
  const std::string status = r.Text("status");
  if (status == "published" && r.Text("expires_at") < today) return "expired";
  return status;
}

bool IsReviewer(const Actor& a) { return Allowed(a, Permission::kReviewListings); }
bool IsOwner(const Actor& a, const storage::Row& r) {
  return Allowed(a, Permission::kWriteListing, r.Int("organization_id"));
}

Result<storage::Row> LoadListingRow(storage::Transaction& tx, int64_t id) {
  auto row = tx.QueryOne(
      "SELECT l.*, o.name AS organization_name FROM exchange_listings l JOIN organizations o ON "
      "o.id = l.organization_id WHERE l.id = ? AND l.deleted_at IS NULL",
      {id});
  if (!row.ok() && row.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("listing " + std::to_string(id) + " does not exist");
  }
  return row;
}

// Whether `actor` has an accepted (or later) introduction to the listing.
Result<bool> HasAcceptedIntroduction(storage::Transaction& tx, const Actor& actor, int64_t id) {
  if (!actor.authenticated()) return false;
  STIO_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT id FROM exchange_connections WHERE listing_id = ? AND requester_user_id = ? "
               "AND status IN ('accepted', 'meeting', 'nda', 'contract', 'closed')",
               {id, actor.user_id}));
  return !rows.empty();
}

bool CanSee(const Actor& actor, const storage::Row& r, const std::string& today) {
  return EffectiveStatus(r, today) == "published" || IsOwner(actor, r) || IsReviewer(actor);
}

// Loads a listing `actor` may see; NotFound otherwise (its existence is not disclosed).
Result<storage::Row> LoadVisible(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadListingRow(tx, id));
  if (!CanSee(actor, r, Today(clock))) {
    return Status::NotFound("listing " + std::to_string(id) + " does not exist");
  }
  return r;
}

Json ListingJson(const storage::Row& r, const std::string& today, bool contacts) {
  Json j = RowToJson(r);
  j.erase("match_key");
  j.erase("deleted_at");
  for (auto c : kListColumns) j[std::string(c)] = JsonListOf(r.Text(c, "[]"));
  j["price_negotiable"] = r.Int("price_negotiable") != 0;
  j["status"] = EffectiveStatus(r, today);
  if (!contacts) {
    for (auto c : kContactColumns) j.erase(std::string(c));
    // Who wrote and who reviewed it, and the review's words, are internal too.
    for (const char* c : {"created_by", "reviewed_by", "review_note", "source"}) j.erase(c);
    j["contacts_hidden"] = true;
  }
  if (j["kind"] == "offer") {
    for (const char* c : {"trl_min", "budget_min_vnd", "budget_max_vnd", "deadline",
                          "accepted_result", "sector_vsic"}) {
      j.erase(c);
    }
  } else {
    for (const char* c : {"trl", "price_vnd", "price_negotiable", "ip_asset_ids"}) j.erase(c);
  }
  return j;
}

Result<bool> ShowContacts(storage::Transaction& tx, const Actor& actor, const storage::Row& r) {
  if (IsOwner(actor, r) || IsReviewer(actor)) return true;
  return HasAcceptedIntroduction(tx, actor, r.Int("id"));
}

Result<Json> FullListing(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                         const storage::Row& r) {
  STIO_ASSIGN_OR_RETURN(bool contacts, ShowContacts(tx, actor, r));
  Json j = ListingJson(r, Today(clock), contacts);
  STIO_ASSIGN_OR_RETURN(auto atts, tx.Query("SELECT id, file_name, media_type, size_bytes, sha256, "
                                            "created_at FROM exchange_attachments WHERE "
                                            "listing_id = ? AND deleted_at IS NULL ORDER BY id",
                                            {r.Int("id")}));
  j["attachments"] = Json::array();
  for (const auto& a : atts) j["attachments"].push_back(RowToJson(a));
  if (IsOwner(actor, r) || IsReviewer(actor)) {
    STIO_ASSIGN_OR_RETURN(storage::Row n,
                          tx.QueryOne("SELECT COUNT(*) AS n FROM exchange_connections WHERE "
                                      "listing_id = ?",
                                      {r.Int("id")}));
    j["introductions"] = n.Int("n");
  }
  return j;
}

// --- Input checks

Result<int64_t> IntIn(const Json& input, const char* name, int64_t lo, int64_t hi) {
  const Json& v = input[name];
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
    return Status::InvalidArgument("'" + std::string(name) + "' must be an integer from " +
                                       std::to_string(lo) + " to " + std::to_string(hi),
                                   name);
  }
  return v.get<int64_t>();
}

Result<std::vector<std::string>> StringList(const Json& v, const char* name, size_t max_items,
                                            size_t max_bytes) {
  if (!v.is_array() || v.size() > max_items) {
    return Status::InvalidArgument("'" + std::string(name) + "' must be a list of at most " +
                                       std::to_string(max_items) + " texts",
                                   name);
  }
  std::vector<std::string> out;
  for (const Json& x : v) {
    if (!x.is_string()) {
      return Status::InvalidArgument("'" + std::string(name) + "' must hold texts only", name);
    }
    std::string s(Trim(x.get_ref<const std::string&>()));
    if (s.empty()) continue;
    if (Status st = ValidateText(s, max_bytes, false); !st.ok()) return st.WithField(name);
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

std::string ToJsonText(const std::vector<std::string>& v) { return Json(v).dump(); }

// Checks the list fields present in `input`; puts their JSON text into `cols` and `l`.
Status CheckLists(storage::Transaction& tx, const Json& input, Columns& cols, Json& l) {
  if (input.contains("fields")) {
    STIO_ASSIGN_OR_RETURN(auto v, StringList(input["fields"], "fields", 10, 10));
    for (const std::string& code : v) {
      if (Status s = CheckClassificationCode(tx, "fos", code); !s.ok())
        return s.WithField("fields");
    }
    cols.push_back({"fields", ToJsonText(v)});
    l["fields"] = v;
  }
  if (input.contains("ipc")) {
    STIO_ASSIGN_OR_RETURN(auto v, StringList(input["ipc"], "ipc", 20, 40));
    std::vector<std::string> norm;
    for (const std::string& code : v) {
      Result<std::string> n = NormalizeIpClass("ipc", code);
      if (!n.ok()) return n.status().WithField("ipc");
      if (std::find(norm.begin(), norm.end(), *n) == norm.end()) norm.push_back(*n);
    }
    cols.push_back({"ipc", ToJsonText(norm)});
    l["ipc"] = norm;
  }
  if (input.contains("keywords")) {
    STIO_ASSIGN_OR_RETURN(auto v, StringList(input["keywords"], "keywords", 30, 100));
    cols.push_back({"keywords", ToJsonText(v)});
    l["keywords"] = v;
  }
  if (input.contains("transfer_modes")) {
    STIO_ASSIGN_OR_RETURN(auto v, StringList(input["transfer_modes"], "transfer_modes", 5, 40));
    for (const std::string& m : v) {
      if (std::find(std::begin(kTransferModes), std::end(kTransferModes), m) ==
          std::end(kTransferModes)) {
        return Status::InvalidArgument("'" + m.substr(0, 40) +
                                           "' is not a transfer mode (licence, assignment, "
                                           "joint_development, consulting, equipment)",
                                       "transfer_modes");
      }
    }
    cols.push_back({"transfer_modes", ToJsonText(v)});
    l["transfer_modes"] = v;
  }
  if (input.contains("ip_asset_ids")) {
    const Json& v = input["ip_asset_ids"];
    if (!v.is_array() || v.size() > 20) {
      return Status::InvalidArgument("'ip_asset_ids' must be a list of at most 20 IP asset ids",
                                     "ip_asset_ids");
    }
    Json ids = Json::array();
    for (const Json& x : v) {
      if (!x.is_number_integer() || x.get<int64_t>() <= 0) {
        return Status::InvalidArgument("an IP asset id is a positive integer", "ip_asset_ids");
      }
      STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM ip_assets WHERE id = ? AND "
                                                "deleted_at IS NULL",
                                                {x.get<int64_t>()}));
      if (rows.empty()) {
        return Status::InvalidArgument(
            "IP asset " + std::to_string(x.get<int64_t>()) + " does not exist", "ip_asset_ids");
      }
      if (std::find(ids.begin(), ids.end(), x) == ids.end()) ids.push_back(x);
    }
    cols.push_back({"ip_asset_ids", ids.dump()});
    l["ip_asset_ids"] = ids;
  }
  return Status::Ok();
}

std::string ListingMatchKey(const Json& l) {
  std::string key = l.value("title", "") + " " + l.value("summary", "");
  if (l.contains("keywords") && l["keywords"].is_array()) {
    for (const Json& k : l["keywords"]) key += " " + k.get<std::string>();
  }
  return text::MatchKey(key);
}

// Merges checked input into `l` (the listing as JSON: stored, or {} when creating), checks the
// whole and returns the columns to write.
Result<Columns> Prepare(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        const Json& input, bool creating, Json& l) {
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kListingFields, creating, kListingExtra));
  if (!creating && FindField(fields, "kind") &&
      std::get<std::string>(*FindField(fields, "kind")) != l.value("kind", "")) {
    return Status::InvalidArgument("an offer cannot become a need or the reverse", "kind");
  }
  Columns cols;
  for (const FieldValue& f : fields) {
    cols.push_back({f.name, f.value});
    l[f.name] = ToJson(f.value);
  }
  STIO_RETURN_IF_ERROR(CheckLists(tx, input, cols, l));
  const bool offer = l.value("kind", "") == "offer";
  auto only = [&](const char* name, bool for_offer) -> Status {
    if (input.contains(name) && offer != for_offer) {
      return Status::InvalidArgument(
          std::string("'") + name + "' belongs to " + (for_offer ? "offers" : "needs"), name);
    }
    return Status::Ok();
  };
  for (const char* n : {"trl", "price_vnd", "price_negotiable", "ip_asset_ids"}) {
    STIO_RETURN_IF_ERROR(only(n, true));
  }
  for (const char* n : {"trl_min", "budget_min_vnd", "budget_max_vnd", "deadline",
                        "accepted_result", "sector_vsic"}) {
    STIO_RETURN_IF_ERROR(only(n, false));
  }
  for (const char* n : {"trl", "trl_min"}) {
    if (!input.contains(n)) continue;
    if (input[n].is_null()) {
      cols.push_back({n, Null{}});
      l[n] = nullptr;
      continue;
    }
    STIO_ASSIGN_OR_RETURN(int64_t v, IntIn(input, n, 1, 9));
    cols.push_back({n, v});
    l[n] = v;
  }
  constexpr int64_t kMaxVnd = 1'000'000'000'000'000;  // 10^18 would overflow sums; 10^15 VND
  for (const char* n : {"price_vnd", "budget_min_vnd", "budget_max_vnd"}) {
    if (!input.contains(n)) continue;
    if (input[n].is_null()) {
      cols.push_back({n, Null{}});
      l[n] = nullptr;
      continue;
    }
    STIO_ASSIGN_OR_RETURN(int64_t v, IntIn(input, n, 0, kMaxVnd));
    cols.push_back({n, v});
    l[n] = v;
  }
  if (input.contains("price_negotiable")) {
    if (!input["price_negotiable"].is_boolean()) {
      return Status::InvalidArgument("'price_negotiable' must be true or false",
                                     "price_negotiable");
    }
    const bool neg = input["price_negotiable"].get<bool>();
    cols.push_back({"price_negotiable", int64_t{neg ? 1 : 0}});
    l["price_negotiable"] = neg;
  }
  if (l.value("budget_min_vnd", Json()).is_number() &&
      l.value("budget_max_vnd", Json()).is_number() &&
      l["budget_min_vnd"].get<int64_t>() > l["budget_max_vnd"].get<int64_t>()) {
    return Status::InvalidArgument("the lowest budget is above the highest", "budget_min_vnd");
  }
  if (offer && l.value("price_vnd", Json()).is_number() && l.value("price_negotiable", false)) {
    return Status::InvalidArgument("give a price or say it is negotiable, not both",
                                   "price_negotiable");
  }
  if (auto d = FindField(fields, "deadline");
      d && std::holds_alternative<std::string>(*d) && std::get<std::string>(*d) < Today(clock)) {
    return Status::InvalidArgument("the deadline has passed", "deadline");
  }
  if (auto v = FindField(fields, "sector_vsic"); v && std::holds_alternative<std::string>(*v)) {
    if (Status s = CheckClassificationCode(tx, "vsic", std::get<std::string>(*v)); !s.ok()) {
      return s.WithField("sector_vsic");
    }
  }
  // The owner organization: a member's own; staff name one.
  if (creating) {
    std::optional<int64_t> org = actor.organization_id;
    if (input.contains("organization_id")) {
      if (!input["organization_id"].is_number_integer()) {
        return Status::InvalidArgument("'organization_id' must be an organization id",
                                       "organization_id");
      }
      org = input["organization_id"].get<int64_t>();
    }
    if (!org) {
      STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteListing, std::nullopt));
      return Status::InvalidArgument("a listing needs its organization (organization_id)",
                                     "organization_id");
    }
    STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteListing, org));
    auto o = tx.Query("SELECT province_code FROM organizations WHERE id = ? AND deleted_at IS NULL",
                      {*org});
    if (!o.ok()) return o.status();
    if (o->empty()) {
      return Status::InvalidArgument("organization " + std::to_string(*org) + " does not exist",
                                     "organization_id");
    }
    cols.push_back({"organization_id", *org});
    l["organization_id"] = *org;
    if (!l["province_code"].is_string() && (*o)[0].OptText("province_code")) {
      cols.push_back({"province_code", *(*o)[0].OptText("province_code")});
      l["province_code"] = *(*o)[0].OptText("province_code");
    }
  } else if (input.contains("organization_id")) {
    return Status::InvalidArgument("a listing's organization cannot change", "organization_id");
  }
  if (l["province_code"].is_string()) {
    if (Status s = CheckProvince(tx, l["province_code"].get<std::string>()); !s.ok()) {
      return s.WithField("province_code");
    }
  }
  cols.push_back({"match_key", ListingMatchKey(l)});
  cols.push_back({"updated_at", FormatTimestamp(clock.Now())});
  return cols;
}

Result<Json> AuditView(storage::Transaction& tx, int64_t id, const std::string& today) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadListingRow(tx, id));
  return ListingJson(r, today, true);
}

// Sets the status (and extra columns) of a listing, audits the change as `action`.
Status SetStatus(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id,
                 const std::string& action, const std::string& status, Columns extra) {
  const std::string today = Today(clock);
  STIO_ASSIGN_OR_RETURN(Json before, AuditView(tx, id, today));
  extra.push_back({"status", status});
  extra.push_back({"updated_at", FormatTimestamp(clock.Now())});
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "exchange_listings", id, -1, extra));
  STIO_ASSIGN_OR_RETURN(Json after, AuditView(tx, id, today));
  return RecordAudit(tx, actor, clock, "listing." + action, "listing", std::to_string(id), before,
                     after);
}

Status NotifyOwner(storage::Transaction& tx, const Clock& clock, const storage::Row& r,
                   const std::string& kind, const std::string& title, const std::string& body) {
  NewNotification n;
  n.organization_id = r.Int("organization_id");
  n.kind = kind;
  n.subject_type = "listing";
  n.subject_id = std::to_string(r.Int("id"));
  n.title = title;
  n.body = body;
  if (auto e = r.OptText("contact_email")) n.extra_emails.push_back(*e);
  return Notify(tx, clock, n).status();
}

// After publishing: tells the owners of the best counterparts, and the listing's owner.
Status NotifyMatches(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                     RegistrySearch& search, const storage::Row& r) {
  MatchOptions options;
  options.limit = 5;
  options.experts = false;
  STIO_ASSIGN_OR_RETURN(Json m, MatchListing(tx, search, actor, clock, r.Int("id"), options));
  const bool offer = r.Text("kind") == "offer";
  const Json& items = m[offer ? "needs" : "offers"];
  for (const Json& it : items) {
    if (it["score"].get<double>() < 0.35) continue;
    STIO_ASSIGN_OR_RETURN(storage::Row other, LoadListingRow(tx, it["id"].get<int64_t>()));
    STIO_RETURN_IF_ERROR(NotifyOwner(tx, clock, other, "exchange.match",
                                     std::string("Có ") +
                                         (offer ? "công nghệ mới phù hợp" : "nhu cầu mới phù hợp") +
                                         " với tin \"" + other.Text("title") +
                                         "\" / A new matching " + (offer ? "offer" : "need"),
                                     "\"" + r.Text("title") + "\" (" + r.Text("organization_name") +
                                         ") — /exchange/" + std::to_string(r.Int("id"))));
  }
  if (!items.empty()) {
    STIO_RETURN_IF_ERROR(
        NotifyOwner(tx, clock, r, "exchange.matches_found",
                    "Tin \"" + r.Text("title") + "\" đã đăng; có " + std::to_string(items.size()) +
                        " " + (offer ? "nhu cầu" : "công nghệ") + " phù hợp / Published with " +
                        std::to_string(items.size()) + " matches",
                    "#/exchange/" + std::to_string(r.Int("id"))));
  }
  return Status::Ok();
}

Result<Json> LoadFull(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                      int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadListingRow(tx, id));
  return FullListing(tx, actor, clock, r);
}

}  // namespace

// --- Settings

namespace {
struct SettingDef {
  const char* key;
  int64_t def, lo, hi;
};
constexpr SettingDef kSettings[] = {
    {"exchange.listing_days", 180, 30, 730},
    {"exchange.intro_requests_per_day", 10, 1, 1000},
};
// Settings that are lists of whole numbers (stored as "60,30,7").
struct ListSettingDef {
  const char* key;
  const char* def;
  int64_t lo, hi;
  size_t max_items;
};
constexpr ListSettingDef kListSettings[] = {
    {"ip.reminder_days", "60,30,7", 1, 365, 5},
};

std::vector<int64_t> ParseList(const std::string& text) {
  std::vector<int64_t> out;
  for (const std::string& part : Split(text, ',')) {
    if (auto n = ParseInt(Trim(part))) out.push_back(*n);
  }
  return out;
}
}  // namespace

Result<std::vector<int64_t>> SettingList(storage::Transaction& tx, const std::string& key) {
  for (const ListSettingDef& d : kListSettings) {
    if (key != d.key) continue;
    STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT value FROM settings WHERE key = ?", {key}));
    return ParseList(rows.empty() ? d.def : rows[0].Text("value"));
  }
  return Status::Internal("unknown list setting " + key);
}

Result<int64_t> SettingInt(storage::Transaction& tx, const std::string& key) {
  for (const SettingDef& d : kSettings) {
    if (key != d.key) continue;
    STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT value FROM settings WHERE key = ?", {key}));
    if (rows.empty()) return d.def;
    return ParseInt(rows[0].Text("value")).value_or(d.def);
  }
  return Status::Internal("unknown setting " + key);
}

Result<Json> GetSettings(storage::Transaction& tx) {
  Json out = Json::object();
  for (const SettingDef& d : kSettings) {
    STIO_ASSIGN_OR_RETURN(int64_t v, SettingInt(tx, d.key));
    out[d.key] = {{"value", v}, {"default", d.def}, {"min", d.lo}, {"max", d.hi}};
  }
  for (const ListSettingDef& d : kListSettings) {
    STIO_ASSIGN_OR_RETURN(auto v, SettingList(tx, d.key));
    out[d.key] = {{"value", v},
                  {"default", ParseList(d.def)},
                  {"min", d.lo},
                  {"max", d.hi},
                  {"max_items", d.max_items}};
  }
  return out;
}

Result<Json> UpdateSettings(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            const Json& patch) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageSettings));
  if (!patch.is_object() || patch.empty()) {
    return Status::InvalidArgument(
        "send an object of settings, e.g. {\"exchange.listing_days\": 90}");
  }
  STIO_ASSIGN_OR_RETURN(Json before, GetSettings(tx));
  for (const auto& [key, value] : patch.items()) {
    const ListSettingDef* list = nullptr;
    for (const ListSettingDef& d : kListSettings) {
      if (key == d.key) list = &d;
    }
    if (list) {
      const std::string bounds = "a list of 1 to " + std::to_string(list->max_items) +
                                 " whole numbers from " + std::to_string(list->lo) + " to " +
                                 std::to_string(list->hi);
      if (!value.is_array() || value.empty() || value.size() > list->max_items) {
        return Status::InvalidArgument("'" + key + "' must be " + bounds, key);
      }
      std::vector<int64_t> v;
      for (const Json& x : value) {
        if (!x.is_number_integer() || x.get<int64_t>() < list->lo || x.get<int64_t>() > list->hi) {
          return Status::InvalidArgument("'" + key + "' must be " + bounds, key);
        }
        v.push_back(x.get<int64_t>());
      }
      std::sort(v.rbegin(), v.rend());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      std::vector<std::string> parts;
      for (int64_t n : v) parts.push_back(std::to_string(n));
      STIO_RETURN_IF_ERROR(tx.Execute("INSERT INTO settings (key, value, updated_at) VALUES (?, "
                                      "?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                                      "excluded.value, updated_at = excluded.updated_at",
                                      {key, Join(parts, ","), FormatTimestamp(clock.Now())})
                               .status());
      continue;
    }
    const SettingDef* def = nullptr;
    for (const SettingDef& d : kSettings) {
      if (key == d.key) def = &d;
    }
    if (!def) return Status::InvalidArgument("unknown setting '" + key.substr(0, 60) + "'", key);
    if (!value.is_number_integer() || value.get<int64_t>() < def->lo ||
        value.get<int64_t>() > def->hi) {
      return Status::InvalidArgument("'" + key + "' must be an integer from " +
                                         std::to_string(def->lo) + " to " + std::to_string(def->hi),
                                     key);
    }
    STIO_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                   "updated_at = excluded.updated_at",
                   {key, std::to_string(value.get<int64_t>()), FormatTimestamp(clock.Now())})
            .status());
  }
  STIO_ASSIGN_OR_RETURN(Json after, GetSettings(tx));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "settings.update", "settings", "", before, after));
  return after;
}

// --- Listings

Result<Json> CreateListing(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  if (!input.is_object()) return Status::InvalidArgument("a listing is a JSON object");
  bool submit = false;
  if (input.contains("submit")) {
    if (!input["submit"].is_boolean()) {
      return Status::InvalidArgument("'submit' must be true or false", "submit");
    }
    submit = input["submit"].get<bool>();
  }
  Json l = Json::object();
  STIO_ASSIGN_OR_RETURN(Columns cols, Prepare(tx, actor, clock, input, true, l));
  const std::string now = FormatTimestamp(clock.Now());
  cols.push_back({"status", std::string(submit ? "submitted" : "draft")});
  if (submit) cols.push_back({"submitted_at", now});
  cols.push_back({"created_by", actor.email});
  cols.push_back({"created_at", now});
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "exchange_listings", cols));
  STIO_ASSIGN_OR_RETURN(Json after, AuditView(tx, id, Today(clock)));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "listing.create", "listing",
                                   std::to_string(id), nullptr, after));
  return LoadFull(tx, actor, clock, id);
}

Result<Json> GetListing(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadVisible(tx, actor, clock, id));
  return FullListing(tx, actor, clock, r);
}

Result<Json> UpdateListing(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t id, const Json& patch) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadListingRow(tx, id));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteListing, r.Int("organization_id")));
  if (!patch.is_object()) return Status::InvalidArgument("a listing is a JSON object");
  if (patch.contains("submit")) {
    return Status::InvalidArgument("submit with POST /exchange/listings/{id}/submit", "submit");
  }
  const std::string today = Today(clock);
  const std::string status = EffectiveStatus(r, today);
  if (status == "withdrawn") {
    return Status::FailedPrecondition("a withdrawn listing cannot be edited; create a new one");
  }
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  Json before = ListingJson(r, today, true);
  Json l = before;
  STIO_ASSIGN_OR_RETURN(Columns cols, Prepare(tx, actor, clock, patch, false, l));
  // A change to a listing that the public sees (or saw) needs a new review.
  if (status == "published" || status == "expired") {
    cols.push_back({"status", std::string("submitted")});
    cols.push_back({"submitted_at", FormatTimestamp(clock.Now())});
  }
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "exchange_listings", id, version, cols));
  STIO_ASSIGN_OR_RETURN(Json after, AuditView(tx, id, today));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "listing.update", "listing",
                                   std::to_string(id), before, after));
  return LoadFull(tx, actor, clock, id);
}

Status DeleteListing(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadListingRow(tx, id));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteListing, r.Int("organization_id")));
  if (r.Text("status") != "draft") {
    return Status::FailedPrecondition("only drafts are deleted; withdraw a listing instead");
  }
  Json before = ListingJson(r, Today(clock), true);
  STIO_RETURN_IF_ERROR(tx.Execute("UPDATE exchange_listings SET deleted_at = ? WHERE id = ?",
                                  {FormatTimestamp(clock.Now()), id})
                           .status());
  return RecordAudit(tx, actor, clock, "listing.delete", "listing", std::to_string(id), before,
                     nullptr);
}

Result<ListResult> ListListings(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                const ListingFilter& f, const ListParams& params) {
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  static constexpr SortKey kSort[] = {{"title", "l.title"},
                                      {"created_at", "l.created_at"},
                                      {"published_at", "l.published_at"},
                                      {"expires_at", "l.expires_at"},
                                      {"trl", "l.trl"}};
  STIO_ASSIGN_OR_RETURN(std::string order, OrderBy(params, kSort, "l.id DESC"));
  const std::string today = Today(clock);
  // Effective status as SQL, so that filters and counts agree with what is shown.
  const std::string eff = "(CASE WHEN l.status = 'published' AND l.expires_at < '" + today +
                          "' THEN 'expired' ELSE l.status END)";
  std::vector<Value> args;
  std::string where = " WHERE l.deleted_at IS NULL";
  if (!IsReviewer(actor)) {
    if (actor.role == Role::kMember && actor.organization_id) {
      where += " AND (" + eff + " = 'published' OR l.organization_id = ?)";
      args.push_back(*actor.organization_id);
    } else {
      where += " AND " + eff + " = 'published'";
    }
  }
  if (f.kind) {
    if (*f.kind != "offer" && *f.kind != "need") {
      return Status::InvalidArgument("kind is offer or need", "kind");
    }
    where += " AND l.kind = ?";
    args.push_back(*f.kind);
  }
  if (f.status) {
    where += " AND " + eff + " = ?";
    args.push_back(*f.status);
  }
  if (f.q) {
    where += " AND l.match_key LIKE ? ESCAPE '\\'";
    args.push_back(LikeContains(text::MatchKey(*f.q)));
  }
  if (f.field) {
    where += " AND EXISTS (SELECT 1 FROM json_each(l.fields) j WHERE j.value LIKE ? ESCAPE '\\')";
    args.push_back(LikeContains(*f.field).substr(1));
  }
  if (f.province_code) {
    where += " AND l.province_code = ?";
    args.push_back(*f.province_code);
  }
  if (f.organization_id) {
    where += " AND l.organization_id = ?";
    args.push_back(*f.organization_id);
  }
  if (f.trl_min) {
    where += " AND l.trl >= ?";
    args.push_back(*f.trl_min);
  }
  if (f.transfer_mode) {
    where += " AND EXISTS (SELECT 1 FROM json_each(l.transfer_modes) j WHERE j.value = ?)";
    args.push_back(*f.transfer_mode);
  }
  return PagedList(tx, "l.*, o.name AS organization_name",
                   "exchange_listings l JOIN organizations o ON o.id = l.organization_id" + where,
                   std::move(args), order, params, [&](const storage::Row& r) -> Result<Json> {
                     Json j = ListingJson(r, today, IsOwner(actor, r) || IsReviewer(actor));
                     j.erase("description");
                     return j;
                   });
}

Result<Json> ListingAction(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t id, const std::string& action, const Json& body,
                           RegistrySearch* search) {
  // Authorization is decided per action below, before visibility or state.
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadListingRow(tx, id));
  const std::string today = Today(clock);
  const std::string status = EffectiveStatus(r, today);
  const std::string now = FormatTimestamp(clock.Now());
  std::optional<std::string> note;
  if (body.is_object() && body.contains("note")) {
    if (!body["note"].is_string()) return Status::InvalidArgument("'note' is a text", "note");
    note = std::string(Trim(body["note"].get<std::string>()));
    if (Status s = ValidateText(*note, 3000, true); !s.ok()) return s.WithField("note");
  } else if (!body.is_null() && !body.is_object()) {
    return Status::InvalidArgument("the body is a JSON object, e.g. {\"note\": \"...\"}");
  }
  auto refuse = [&](const std::string& allowed) {
    return Status::FailedPrecondition("cannot " + action + " a listing that is " + status +
                                      " (only from " + allowed + ")");
  };
  const int64_t org = r.Int("organization_id");
  if (action == "submit") {
    STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteListing, org));
    if (status != "draft" && status != "returned") return refuse("draft or returned");
    STIO_RETURN_IF_ERROR(
        SetStatus(tx, actor, clock, id, action, "submitted", {{"submitted_at", now}}));
  } else if (action == "publish" || action == "return") {
    STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReviewListings));
    if (status != "submitted") return refuse("submitted");
    if (action == "return") {
      if (!note || note->empty()) {
        return Status::InvalidArgument("say why the listing is returned (note)", "note");
      }
      STIO_RETURN_IF_ERROR(
          SetStatus(tx, actor, clock, id, action, "returned",
                    {{"review_note", *note}, {"reviewed_by", actor.email}, {"reviewed_at", now}}));
      STIO_RETURN_IF_ERROR(NotifyOwner(
          tx, clock, r, "exchange.returned",
          "Tin \"" + r.Text("title") + "\" cần chỉnh sửa / Listing returned for changes", *note));
    } else {
      STIO_ASSIGN_OR_RETURN(int64_t days, SettingInt(tx, "exchange.listing_days"));
      Columns cols = {{"reviewed_by", actor.email},
                      {"reviewed_at", now},
                      {"published_at", now},
                      {"expires_at", AddDays(today, days)},
                      {"review_note", note ? Value(*note) : Value(Null{})}};
      STIO_RETURN_IF_ERROR(SetStatus(tx, actor, clock, id, action, "published", cols));
      STIO_ASSIGN_OR_RETURN(storage::Row fresh, LoadListingRow(tx, id));
      if (search) STIO_RETURN_IF_ERROR(NotifyMatches(tx, actor, clock, *search, fresh));
    }
  } else if (action == "renew") {
    STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteListing, org));
    if (status != "published" && status != "expired") return refuse("published or expired");
    STIO_ASSIGN_OR_RETURN(int64_t days, SettingInt(tx, "exchange.listing_days"));
    STIO_RETURN_IF_ERROR(SetStatus(tx, actor, clock, id, action, "published",
                                   {{"expires_at", AddDays(today, days)}}));
  } else if (action == "withdraw") {
    STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteListing, org));
    if (status == "withdrawn") return refuse("any other state");
    STIO_RETURN_IF_ERROR(
        SetStatus(tx, actor, clock, id, action, "withdrawn", {{"withdrawn_at", now}}));
  } else {
    return Status::NotFound("unknown listing action '" + action.substr(0, 40) +
                            "' (submit, publish, return, renew, withdraw)");
  }
  return LoadFull(tx, actor, clock, id);
}

Result<Json> ExpireListings(storage::Transaction& tx, const Clock& clock) {
  const std::string today = Today(clock);
  const Actor system = Actor::System("system");
  STIO_ASSIGN_OR_RETURN(
      auto overdue,
      tx.Query("SELECT l.*, o.name AS organization_name FROM exchange_listings l JOIN "
               "organizations o ON o.id = l.organization_id WHERE l.status = 'published' AND "
               "l.expires_at < ? AND l.deleted_at IS NULL",
               {today}));
  for (const auto& r : overdue) {
    STIO_RETURN_IF_ERROR(SetStatus(tx, system, clock, r.Int("id"), "expire", "expired", {}));
    STIO_RETURN_IF_ERROR(
        NotifyOwner(tx, clock, r, "exchange.expired",
                    "Tin \"" + r.Text("title") + "\" đã hết hạn / Your listing expired",
                    "Gia hạn để tin tiếp tục hiển thị / Renew it to show it again: #/exchange/" +
                        std::to_string(r.Int("id"))));
  }
  // Reminders 14 days ahead, once per listing and expiry date.
  STIO_ASSIGN_OR_RETURN(
      auto soon,
      tx.Query("SELECT l.*, o.name AS organization_name FROM exchange_listings l JOIN "
               "organizations o ON o.id = l.organization_id WHERE l.status = 'published' AND "
               "l.expires_at >= ? AND l.expires_at <= ? AND l.deleted_at IS NULL AND NOT EXISTS "
               "(SELECT 1 FROM notifications n WHERE n.kind = 'exchange.expiring' AND "
               "n.subject_type = 'listing' AND n.subject_id = CAST(l.id AS TEXT) AND "
               "n.body LIKE '%' || l.expires_at || '%')",
               {today, AddDays(today, 14)}));
  for (const auto& r : soon) {
    STIO_RETURN_IF_ERROR(
        NotifyOwner(tx, clock, r, "exchange.expiring",
                    "Tin \"" + r.Text("title") + "\" sắp hết hạn / Your listing expires soon",
                    "Hết hạn ngày / Expires on " + r.Text("expires_at") + ": #/exchange/" +
                        std::to_string(r.Int("id"))));
  }
  return Json{{"expired", overdue.size()}, {"reminded", soon.size()}};
}

Result<std::map<int64_t, Json>> PublishedListings(storage::Transaction& tx, const Clock& clock,
                                                  const std::vector<int64_t>& ids) {
  std::map<int64_t, Json> out;
  const std::string today = Today(clock);
  for (size_t start = 0; start < ids.size(); start += 200) {
    const size_t n = std::min<size_t>(200, ids.size() - start);
    std::string marks;
    std::vector<Value> args(n + 1);
    args[0] = today;
    for (size_t i = 0; i < n; ++i) {
      marks += i ? ", ?" : "?";
      args[i + 1] = ids[start + i];
    }
    STIO_ASSIGN_OR_RETURN(
        auto rows, tx.Query("SELECT l.*, o.name AS organization_name FROM exchange_listings l JOIN "
                            "organizations o ON o.id = l.organization_id WHERE l.deleted_at IS "
                            "NULL AND l.status = 'published' AND l.expires_at >= ? AND l.id IN (" +
                                marks + ")",
                            args));
    for (const auto& r : rows) out[r.Int("id")] = ListingJson(r, today, false);
  }
  return out;
}

// --- Attachments

std::string SniffMediaType(std::string_view b) {
  auto starts = [&](std::string_view p) { return b.substr(0, p.size()) == p; };
  if (starts("%PDF-")) return "application/pdf";
  if (starts(std::string_view("\x89PNG\r\n\x1a\n", 8))) return "image/png";
  if (starts(std::string_view("\xFF\xD8\xFF", 3))) return "image/jpeg";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (b.size() >= 12 && starts("RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  return "";
}

namespace {
constexpr size_t kMaxAttachmentBytes = 5 << 20;
constexpr int kMaxAttachments = 10;

std::string SafeFileName(const std::string& name, const std::string& media_type) {
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == '/' || c == '\\' || c == '"' || c == '<' || c == '>' || c == ':' ||
        c == '*' || c == '?' || c == '|' || c == 0x7F) {
      out += '_';
    } else {
      out += static_cast<char>(c);
    }
  }
  if (!IsValidUtf8(out)) out.clear();
  while (!out.empty() && (out[0] == '.' || out[0] == ' ')) out.erase(0, 1);
  if (out.size() > 150) out = out.substr(out.size() - 150);
  if (!IsValidUtf8(out)) out.clear();
  const std::string ext = media_type == "application/pdf" ? ".pdf"
                          : media_type == "image/png"     ? ".png"
                          : media_type == "image/jpeg"    ? ".jpg"
                          : media_type == "image/gif"     ? ".gif"
                                                          : ".webp";
  // The extension follows the content, whatever the name said.
  const size_t dot = out.rfind('.');
  if (dot != std::string::npos) out.erase(dot);
  if (out.empty()) out = "file";
  return out + ext;
}
}  // namespace

Result<Json> AddAttachment(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t listing_id, const std::string& file_name,
                           const std::string& bytes) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadListingRow(tx, listing_id));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteListing, r.Int("organization_id")));
  if (EffectiveStatus(r, Today(clock)) == "withdrawn") {
    return Status::FailedPrecondition("a withdrawn listing takes no attachments");
  }
  if (bytes.empty()) return Status::InvalidArgument("the file is empty");
  if (bytes.size() > kMaxAttachmentBytes) {
    return Status::InvalidArgument("a file may have at most 5 MiB");
  }
  const std::string type = SniffMediaType(bytes);
  if (type.empty()) {
    return Status::InvalidArgument(
        "only PDF, PNG, JPEG, GIF and WebP files are accepted (judged by their content, not "
        "their name)");
  }
  STIO_ASSIGN_OR_RETURN(storage::Row n,
                        tx.QueryOne("SELECT COUNT(*) AS n FROM exchange_attachments WHERE "
                                    "listing_id = ? AND deleted_at IS NULL",
                                    {listing_id}));
  if (n.Int("n") >= kMaxAttachments) {
    return Status::FailedPrecondition("a listing has at most 10 attachments");
  }
  const std::string name = SafeFileName(file_name, type);
  STIO_ASSIGN_OR_RETURN(
      storage::Row row,
      tx.QueryOne("INSERT INTO exchange_attachments (listing_id, file_name, media_type, "
                  "size_bytes, sha256, content, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, "
                  "?, ?) RETURNING id, listing_id, file_name, media_type, size_bytes, sha256, "
                  "created_at",
                  {listing_id, name, type, static_cast<int64_t>(bytes.size()), Sha256Hex(bytes),
                   storage::Blob{bytes}, actor.email, FormatTimestamp(clock.Now())}));
  Json j = RowToJson(row);
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "listing.attach", "listing",
                                   std::to_string(listing_id), nullptr, j));
  return j;
}

Result<Attachment> GetAttachment(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 int64_t listing_id, int64_t attachment_id) {
  STIO_RETURN_IF_ERROR(LoadVisible(tx, actor, clock, listing_id).status());
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT file_name, media_type, content FROM "
                                            "exchange_attachments WHERE id = ? AND listing_id = ? "
                                            "AND deleted_at IS NULL",
                                            {attachment_id, listing_id}));
  if (rows.empty()) {
    return Status::NotFound("attachment " + std::to_string(attachment_id) + " does not exist");
  }
  Attachment a;
  a.file_name = rows[0].Text("file_name");
  a.media_type = rows[0].Text("media_type");
  const Value& v = rows[0].at("content");
  if (const auto* blob = std::get_if<storage::Blob>(&v)) a.bytes = blob->bytes;
  return a;
}

Status DeleteAttachment(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t listing_id, int64_t attachment_id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadListingRow(tx, listing_id));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteListing, r.Int("organization_id")));
  STIO_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT id, file_name, media_type, size_bytes, sha256 FROM "
                                 "exchange_attachments WHERE id = ? AND listing_id = ? AND "
                                 "deleted_at IS NULL",
                                 {attachment_id, listing_id}));
  if (rows.empty()) {
    return Status::NotFound("attachment " + std::to_string(attachment_id) + " does not exist");
  }
  STIO_RETURN_IF_ERROR(tx.Execute("UPDATE exchange_attachments SET deleted_at = ? WHERE id = ?",
                                  {FormatTimestamp(clock.Now()), attachment_id})
                           .status());
  return RecordAudit(tx, actor, clock, "listing.detach", "listing", std::to_string(listing_id),
                     RowToJson(rows[0]), nullptr);
}

// --- Index documents

namespace {
constexpr std::string_view kListingDocSelect =
    "SELECT l.id, l.kind, l.title, l.summary, l.description, l.keywords, l.fields, l.ipc, "
    "l.province_code, l.expires_at, o.name AS organization_name FROM exchange_listings l JOIN "
    "organizations o ON o.id = l.organization_id WHERE l.deleted_at IS NULL AND "
    "l.status = 'published'";

ListingDoc DocOf(const storage::Row& r) {
  ListingDoc d;
  d.id = r.Int("id");
  d.kind = r.Text("kind");
  d.title = r.Text("title");
  d.summary = r.Text("summary");
  d.description = r.Text("description");
  d.province_code = r.Text("province_code");
  d.organization_name = r.Text("organization_name");
  for (const Json& k : JsonListOf(r.Text("keywords", "[]"))) {
    if (k.is_string()) d.keywords += k.get<std::string>() + " ";
  }
  for (const Json& k : JsonListOf(r.Text("fields", "[]"))) {
    if (k.is_string()) d.fields.push_back(k.get<std::string>());
  }
  for (const Json& k : JsonListOf(r.Text("ipc", "[]"))) {
    if (k.is_string()) d.ipc.push_back(k.get<std::string>());
  }
  if (auto e = ParseCivilDate(r.Text("expires_at")); e.ok()) d.expires_day = DaysFromCivil(*e);
  return d;
}
}  // namespace

Result<std::optional<ListingDoc>> LoadListingDoc(storage::Transaction& tx, int64_t id) {
  STIO_ASSIGN_OR_RETURN(auto rows,
                        tx.Query(std::string(kListingDocSelect) + " AND l.id = ?", {id}));
  if (rows.empty()) return std::optional<ListingDoc>();
  return std::optional<ListingDoc>(DocOf(rows[0]));
}

Status ForEachListingDoc(storage::Transaction& tx,
                         const std::function<Status(const ListingDoc&)>& fn) {
  return tx.ForEach(kListingDocSelect, {}, [&](const storage::Row& r) { return fn(DocOf(r)); });
}

}  // namespace stio::domain
