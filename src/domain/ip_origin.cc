#include "domain/ip_origin.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/strings.h"
#include "domain/ip.h"
#include "domain/ip_deadlines.h"
#include "domain/policy.h"
#include "domain/reference.h"

namespace stio::domain {
namespace {

using storage::Null;
using storage::Value;
using Kind = FieldSpec::Kind;

constexpr std::string_view kSignKinds[] = {"geographical_indication", "collective_mark",
                                           "certification_mark"};

const FieldSpec kUserFields[] = {
    {"name", Kind::kText, false, 300},
    {"province_code", Kind::kText, false, 2},
    {"commune_code", Kind::kText, false, 5},
    {"products", Kind::kText, false, 1000},
    {"decision_number", Kind::kText, false, 100},
    {"authorised_on", Kind::kDate, true, 10},
    {"valid_until", Kind::kDate, false, 10},
    {"status", Kind::kEnum, false, 20, false, {"active", "suspended", "revoked"}},
    {"note", Kind::kText, false, 2000, true},
};
constexpr std::string_view kUserExtra[] = {"organization_id", "version"};

CivilDate TodayIn(const Clock& clock) { return *ParseCivilDate(FormatDate(clock.Now())); }

Json UserJson(const storage::Row& r) {
  Json j = RowToJson(r);
  j.erase("deleted_at");
  return j;
}

constexpr std::string_view kUserSelect =
    "SELECT u.*, o.name AS organization_name, p.name AS province_name, c.name AS commune_name "
    "FROM ip_mark_users u LEFT JOIN organizations o ON o.id = u.organization_id "
    "LEFT JOIN admin_units p ON p.era = '2025' AND p.level = 'province' AND "
    "p.code = u.province_code "
    "LEFT JOIN admin_units c ON c.era = '2025' AND c.level = 'commune' AND c.code = "
    "u.commune_code ";

Result<Json> LoadUser(storage::Transaction& tx, int64_t asset_id, int64_t user_id) {
  STIO_ASSIGN_OR_RETURN(auto rows,
                        tx.Query(std::string(kUserSelect) + "WHERE u.id = ? AND u.asset_id = ? AND "
                                                            "u.deleted_at IS NULL",
                                 {user_id, asset_id}));
  if (rows.empty()) {
    return Status::NotFound("user " + std::to_string(user_id) + " of IP asset " +
                            std::to_string(asset_id) + " does not exist");
  }
  return UserJson(rows[0]);
}

// The asset, if the actor may write its users: a sign with users, registered, visible, and the
// actor staff or a member of its holder.
Result<Json> WritableSign(storage::Transaction& tx, const Actor& actor, int64_t asset_id) {
  STIO_ASSIGN_OR_RETURN(Json a, LoadVisibleIpAsset(tx, actor, asset_id));
  std::optional<int64_t> owner;
  if (a["owner_organization_id"].is_number_integer()) owner = a["owner_organization_id"];
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteIp, owner));
  const std::string kind = a.value("kind", "");
  if (!HasMarkUsers(kind)) {
    return Status::FailedPrecondition(
        "only geographical indications and collective and certification marks have "
        "authorised users (IP asset " +
        std::to_string(asset_id) + " is a " + kind + ")");
  }
  return a;
}

// Checks dates, places and the organization of a user record `u` (the merged state) against the
// sign `a`. Columns to write go to `cols`.
Status CheckUser(storage::Transaction& tx, const Clock& clock, const Json& a, Json& u) {
  const auto text = [&](const char* k) -> std::optional<std::string> {
    return u.contains(k) && u[k].is_string() ? std::optional<std::string>(u[k].get<std::string>())
                                             : std::nullopt;
  };
  const CivilDate authorised = *ParseCivilDate(*text("authorised_on"));
  if (authorised > TodayIn(clock)) {
    return Status::InvalidArgument("the authorisation date is in the future", "authorised_on");
  }
  if (!a["grant_date"].is_string()) {
    return Status::FailedPrecondition(
        "the sign is not registered yet (no grant date): users are authorised once it is");
  }
  if (authorised < *ParseCivilDate(a["grant_date"].get<std::string>())) {
    return Status::InvalidArgument("the authorisation date is before the sign was registered (" +
                                       a["grant_date"].get<std::string>() + ")",
                                   "authorised_on");
  }
  if (auto until = text("valid_until")) {
    if (*ParseCivilDate(*until) <= authorised) {
      return Status::InvalidArgument("'valid_until' must be after the authorisation date",
                                     "valid_until");
    }
  }
  auto province = text("province_code");
  if (!province) {
    return Status::InvalidArgument(
        "where the user produces is needed: province_code (or an organization with a province)",
        "province_code");
  }
  if (Status s = CheckProvince(tx, *province); !s.ok()) return s.WithField("province_code");
  if (auto commune = text("commune_code")) {
    STIO_RETURN_IF_ERROR(CheckCommune(tx, *commune, province));
  }
  if (!text("name")) {
    return Status::InvalidArgument("the user's name is needed (or an organization)", "name");
  }
  return Status::Ok();
}

}  // namespace

bool HasMarkUsers(std::string_view kind) {
  return std::find(std::begin(kSignKinds), std::end(kSignKinds), kind) != std::end(kSignKinds);
}

Result<Json> AddMarkUser(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                         int64_t asset_id, const Json& input) {
  STIO_ASSIGN_OR_RETURN(Json a, WritableSign(tx, actor, asset_id));
  const std::string st = a.value("status", "");
  if (st != "granted") {
    return Status::FailedPrecondition("IP asset " + std::to_string(asset_id) + " is " + st +
                                      ": users are authorised for a sign in force");
  }
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kUserFields, true, kUserExtra));
  Json u = Json::object();
  for (const FieldValue& f : fields) u[f.name] = ToJson(f.value);
  Columns cols = ToColumns(fields);
  if (input.contains("organization_id") && !input["organization_id"].is_null()) {
    const Json& v = input["organization_id"];
    if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
      return Status::InvalidArgument("'organization_id' must be a record id", "organization_id");
    }
    const int64_t org = v.get<int64_t>();
    STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT name, province_code FROM organizations "
                                              "WHERE id = ? AND deleted_at IS NULL",
                                              {org}));
    if (rows.empty()) {
      return Status::InvalidArgument("organization " + std::to_string(org) + " does not exist",
                                     "organization_id");
    }
    STIO_ASSIGN_OR_RETURN(auto dup, tx.Query("SELECT id FROM ip_mark_users WHERE asset_id = ? AND "
                                             "organization_id = ? AND deleted_at IS NULL AND "
                                             "status <> 'revoked'",
                                             {asset_id, org}));
    if (!dup.empty()) {
      return Status::AlreadyExists("organization " + std::to_string(org) +
                                   " is already authorised to use this sign (user " +
                                   std::to_string(dup[0].Int("id")) + ")");
    }
    cols.push_back({"organization_id", org});
    if (!u.contains("name")) {
      u["name"] = rows[0].Text("name");
      cols.push_back({"name", rows[0].Text("name")});
    }
    if (!u.contains("province_code") && !rows[0].IsNull("province_code")) {
      u["province_code"] = rows[0].Text("province_code");
      cols.push_back({"province_code", rows[0].Text("province_code")});
    }
  }
  STIO_RETURN_IF_ERROR(CheckUser(tx, clock, a, u));
  if (!u.contains("status")) cols.push_back({"status", std::string("active")});
  const std::string now = FormatTimestamp(clock.Now());
  cols.push_back({"asset_id", asset_id});
  cols.push_back({"created_at", now});
  cols.push_back({"updated_at", now});
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "ip_mark_users", cols));
  STIO_ASSIGN_OR_RETURN(Json out, LoadUser(tx, asset_id, id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "ip_mark_user", std::to_string(id), nullptr, out));
  return out;
}

Result<Json> UpdateMarkUser(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            int64_t asset_id, int64_t user_id, const Json& patch) {
  STIO_ASSIGN_OR_RETURN(Json a, WritableSign(tx, actor, asset_id));
  STIO_ASSIGN_OR_RETURN(Json before, LoadUser(tx, asset_id, user_id));
  if (patch.is_object() && patch.contains("organization_id")) {
    return Status::InvalidArgument(
        "the organization of an authorisation cannot change: revoke it and authorise the other",
        "organization_id");
  }
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(patch, kUserFields, false, kUserExtra));
  Json u = before;
  for (const FieldValue& f : fields) u[f.name] = ToJson(f.value);
  STIO_RETURN_IF_ERROR(CheckUser(tx, clock, a, u));
  STIO_RETURN_IF_ERROR(
      UpdateRecord(tx, "ip_mark_users", user_id, version,
                   ToColumns(fields, {{"updated_at", FormatTimestamp(clock.Now())}})));
  STIO_ASSIGN_OR_RETURN(Json after, LoadUser(tx, asset_id, user_id));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "update", "ip_mark_user",
                                   std::to_string(user_id), before, after));
  return after;
}

Status DeleteMarkUser(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                      int64_t asset_id, int64_t user_id) {
  STIO_RETURN_IF_ERROR(WritableSign(tx, actor, asset_id).status());
  STIO_ASSIGN_OR_RETURN(Json before, LoadUser(tx, asset_id, user_id));
  STIO_RETURN_IF_ERROR(SoftDeleteRecord(tx, "ip_mark_users", user_id, clock));
  return RecordAudit(tx, actor, clock, "delete", "ip_mark_user", std::to_string(user_id), before,
                     nullptr);
}

Result<Json> ListMarkUsers(storage::Transaction& tx, const Actor& actor, int64_t asset_id) {
  STIO_RETURN_IF_ERROR(LoadVisibleIpAsset(tx, actor, asset_id).status());
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kUserSelect) +
                                                "WHERE u.asset_id = ? AND u.deleted_at IS NULL "
                                                "ORDER BY u.status, u.province_code, u.name, u.id",
                                            {asset_id}));
  Json items = Json::array();
  Json provinces = Json::object();
  int64_t active = 0;
  for (const auto& r : rows) {
    if (r.Text("status") == "active") {
      ++active;
      const std::string p = r.Text("province_code");
      provinces[p] = provinces.value(p, 0) + 1;
    }
    items.push_back(UserJson(r));
  }
  return Json{{"items", items},
              {"total", static_cast<int64_t>(items.size())},
              {"active", active},
              {"provinces", provinces}};
}

Result<Json> OriginMap(storage::Transaction& tx, const Actor& actor,
                       const std::optional<std::string>& province_code) {
  if (province_code) {
    if (Status s = CheckProvince(tx, *province_code); !s.ok()) return s.WithField("province_code");
  }
  // Visibility as for the asset list: registered signs are published; staff and the holder's
  // members also see applications.
  std::vector<Value> args;
  std::string visible = "a.published = 1";
  if (Allowed(actor, Permission::kReadUnpublishedIp, std::nullopt)) {
    visible = "1 = 1";
  } else if (actor.role == Role::kMember && actor.organization_id) {
    visible = "(a.published = 1 OR a.owner_organization_id = ?)";
    args.push_back(*actor.organization_id);
  }
  STIO_ASSIGN_OR_RETURN(
      auto signs,
      tx.Query("SELECT a.id, a.kind, a.title, a.status, a.province_code, a.grant_number, "
               "a.grant_date, a.key_product, a.owner_organization_id, "
               "COALESCE(o.name, pe.full_name, a.owner_name) AS holder FROM ip_assets a "
               "LEFT JOIN organizations o ON o.id = a.owner_organization_id "
               "LEFT JOIN people pe ON pe.id = a.owner_person_id "
               "WHERE a.deleted_at IS NULL AND a.kind IN ('geographical_indication', "
               "'collective_mark', 'certification_mark') AND a.status NOT IN ('refused', "
               "'withdrawn', 'invalidated') AND " +
                   visible + " ORDER BY a.province_code, a.title, a.id",
               args));
  STIO_ASSIGN_OR_RETURN(
      auto users, tx.Query("SELECT u.asset_id, u.province_code, u.commune_code, COUNT(*) AS n "
                           "FROM ip_mark_users u WHERE u.deleted_at IS NULL AND u.status = "
                           "'active' GROUP BY 1, 2, 3"));
  std::map<int64_t, std::vector<const storage::Row*>> users_of;
  for (const auto& u : users) users_of[u.Int("asset_id")].push_back(&u);

  Json items = Json::array();
  std::map<std::string, std::pair<int64_t, int64_t>> per_province;  // signs held, users there
  for (const auto& s : signs) {
    const int64_t id = s.Int("id");
    const std::string home = s.Text("province_code", "");
    Json by_province = Json::object();
    Json by_commune = Json::object();
    int64_t n_users = 0;
    std::set<std::string> touched = {home};
    for (const storage::Row* u : users_of[id]) {
      const std::string p = u->Text("province_code");
      const int64_t n = u->Int("n");
      n_users += n;
      by_province[p] = by_province.value(p, int64_t{0}) + n;
      if (!u->IsNull("commune_code")) {
        by_commune[u->Text("commune_code")] = by_commune.value(u->Text("commune_code"), 0) + n;
      }
      touched.insert(p);
    }
    if (province_code && !touched.count(*province_code)) continue;
    if (!home.empty()) ++per_province[home].first;
    for (auto& [p, n] : by_province.items()) per_province[p].second += n.get<int64_t>();
    Json item = {{"id", id},
                 {"kind", s.Text("kind")},
                 {"title", s.Text("title")},
                 {"status", s.Text("status")},
                 {"province_code", ToJson(s.at("province_code"))},
                 {"grant_number", ToJson(s.at("grant_number"))},
                 {"grant_date", ToJson(s.at("grant_date"))},
                 {"key_product", ToJson(s.at("key_product"))},
                 {"holder", ToJson(s.at("holder"))},
                 {"owner_organization_id", ToJson(s.at("owner_organization_id"))},
                 {"active_users", n_users},
                 {"users_by_province", by_province},
                 {"users_by_commune", by_commune}};
    items.push_back(std::move(item));
  }
  Json provinces = Json::object();
  for (const auto& [p, c] : per_province) {
    provinces[p] = {{"signs", c.first}, {"users", c.second}};
  }
  return Json{
      {"items", items}, {"total", static_cast<int64_t>(items.size())}, {"provinces", provinces}};
}

}  // namespace stio::domain
