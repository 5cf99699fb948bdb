#include "domain/ip.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "core/crypto.h"
#include "core/strings.h"
#include "domain/exchange.h"
#include "domain/notifications.h"
#include "domain/policy.h"
#include "domain/priorities.h"
#include "domain/reference.h"
#include "domain/validation.h"
#include "text/normalize.h"

namespace stio::domain {
namespace {

using storage::Null;
using storage::Value;
using Kind = FieldSpec::Kind;

constexpr std::string_view kKinds[] = {
    "patent",          "utility_solution",   "industrial_design",       "trademark",
    "collective_mark", "certification_mark", "geographical_indication", "plant_variety",
    "layout_design"};
constexpr std::string_view kApplicationStatuses[] = {"filed", "published", "examination_requested"};

Result<std::string> NormalizeNumber(std::string_view in) {
  std::string out;
  for (char c : in) {
    if (c == ' ') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (out.empty() || out.size() > 40 || !std::all_of(out.begin(), out.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '/' || c == '.';
      })) {
    return Status::InvalidArgument(
        "an IP office number has letters, digits, '-', '/' and '.' only (e.g. 1-2023-01234)");
  }
  return out;
}

const FieldSpec kAssetFields[] = {
    {"kind",
     Kind::kEnum,
     true,
     40,
     false,
     {"patent", "utility_solution", "industrial_design", "trademark", "collective_mark",
      "certification_mark", "geographical_indication", "plant_variety", "layout_design"}},
    {"title", Kind::kText, true, 1000},
    {"application_number", Kind::kText, true, 60, false, {}, &NormalizeNumber},
    {"grant_number", Kind::kText, false, 60, false, {}, &NormalizeNumber},
    {"filing_date", Kind::kDate, true, 10},
    {"priority_date", Kind::kDate, false, 10},
    {"publication_date", Kind::kDate, false, 10},
    {"grant_date", Kind::kDate, false, 10},
    {"owner_name", Kind::kText, false, 300},
    {"status",
     Kind::kEnum,
     false,
     40,
     false,
     {"filed", "published", "examination_requested", "granted", "refused", "withdrawn", "lapsed",
      "expired", "invalidated"}},
    {"province_code", Kind::kText, false, 2},
    {"key_product", Kind::kText, false, 300},
    {"ocop_product", Kind::kText, false, 300},
    {"published", Kind::kBool},
    {"note", Kind::kText, false, 5000, true},
};
constexpr std::string_view kAssetExtra[] = {
    "owner_organization_id", "owner_person_id", "inventors", "classes", "paid_up_to",
    "renewals_done",         "version"};

const FieldSpec kEventFields[] = {
    {"type",
     Kind::kEnum,
     true,
     40,
     false,
     {"filing", "examination_notice", "grant", "fee_payment", "renewal", "assignment", "licence",
      "lapse", "invalidation"}},
    {"date", Kind::kDate, true, 10},
    {"note", Kind::kText, false, 5000, true},
    {"document_ref", Kind::kText, false, 500},
    {"grant_number", Kind::kText, false, 60, false, {}, &NormalizeNumber},
};
constexpr std::string_view kEventExtra[] = {"paid_up_to"};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Json AssetJson(const storage::Row& r) {
  Json j = RowToJson(r);
  j.erase("match_key");
  j.erase("deleted_at");
  j["inventors"] = JsonListOf(r.Text("inventors", "[]"));
  j["classes"] = JsonListOf(r.Text("classes", "[]"));
  j["published"] = r.Int("published") != 0;
  return j;
}

Result<storage::Row> LoadAssetRow(storage::Transaction& tx, int64_t id) {
  auto row = tx.QueryOne("SELECT * FROM ip_assets WHERE id = ? AND deleted_at IS NULL", {id});
  if (!row.ok() && row.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("IP asset " + std::to_string(id) + " does not exist");
  }
  return row;
}

bool IsStaff(const Actor& a) { return Allowed(a, Permission::kReadUnpublishedIp, std::nullopt); }

// SQL condition (on alias a) for the assets `actor` may see, and its arguments.
std::string VisibleClause(const Actor& actor, std::vector<Value>& args) {
  if (IsStaff(actor)) return "1 = 1";
  if (actor.role == Role::kMember && actor.organization_id) {
    args.push_back(*actor.organization_id);
    return "(a.published = 1 OR a.owner_organization_id = ?)";
  }
  return "a.published = 1";
}

bool Visible(const Actor& actor, const storage::Row& r) {
  return r.Int("published") != 0 ||
         Allowed(actor, Permission::kReadUnpublishedIp, r.OptInt("owner_organization_id"));
}

// Loads an asset `actor` may see (NotFound otherwise: its existence is not disclosed).
Result<storage::Row> LoadVisible(storage::Transaction& tx, const Actor& actor, int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadAssetRow(tx, id));
  if (!Visible(actor, r)) {
    return Status::NotFound("IP asset " + std::to_string(id) + " does not exist");
  }
  return r;
}

std::optional<CivilDate> OptDate(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  auto d = ParseCivilDate(*s);
  return d.ok() ? std::optional<CivilDate>(*d) : std::nullopt;
}

IpFacts FactsOf(const Json& a) {
  auto text = [&](const char* k) -> std::optional<std::string> {
    return a.contains(k) && a[k].is_string() ? std::optional<std::string>(a[k].get<std::string>())
                                             : std::nullopt;
  };
  IpFacts f;
  f.kind = text("kind").value_or("");
  f.filing = OptDate(text("filing_date"));
  f.priority = OptDate(text("priority_date"));
  f.publication = OptDate(text("publication_date"));
  f.grant = OptDate(text("grant_date"));
  f.status = text("status").value_or("filed");
  f.paid_up_to = a.value("paid_up_to", 0);
  f.renewals_done = a.value("renewals_done", 0);
  return f;
}

CivilDate Today(const Clock& clock) { return *ParseCivilDate(FormatDate(clock.Now())); }

// The schedule of an asset as JSON (null if no rules are loaded).
Json ScheduleJson(const std::optional<IpRules>& rules, const Json& asset, const Clock& clock) {
  if (!rules) return nullptr;
  auto s = ComputeSchedule(*rules, FactsOf(asset), Today(clock));
  if (!s.ok()) return {{"error", s.status().message()}};
  return s->ToJson();
}

std::optional<IpRules> RulesIfLoaded(storage::Transaction& tx) {
  auto r = ReadIpRules(tx);
  return r.ok() ? std::optional<IpRules>(std::move(r).value()) : std::nullopt;
}

Result<int64_t> IntField(const Json& input, const char* name, int64_t lo, int64_t hi) {
  const Json& v = input[name];
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
    return Status::InvalidArgument("'" + std::string(name) + "' must be an integer from " +
                                       std::to_string(lo) + " to " + std::to_string(hi),
                                   name);
  }
  return v.get<int64_t>();
}

Status CheckLive(storage::Transaction& tx, const char* table, int64_t id, const char* field,
                 const char* what) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM " + std::string(table) +
                                                " WHERE id = ? AND deleted_at IS NULL",
                                            {id}));
  if (rows.empty()) {
    return Status::InvalidArgument(std::string(what) + " " + std::to_string(id) + " does not exist",
                                   field);
  }
  return Status::Ok();
}

// inventors: a list of person ids (existing people) or names.
Result<std::string> CheckInventors(storage::Transaction& tx, const Json& v) {
  if (!v.is_array() || v.size() > 100) {
    return Status::InvalidArgument(
        "'inventors' must be a list of person ids or names (at most 100)", "inventors");
  }
  Json out = Json::array();
  for (const Json& x : v) {
    if (x.is_number_integer()) {
      STIO_RETURN_IF_ERROR(CheckLive(tx, "people", x.get<int64_t>(), "inventors", "person"));
      out.push_back(x.get<int64_t>());
    } else if (x.is_string()) {
      std::string name(Trim(x.get_ref<const std::string&>()));
      if (name.empty()) return Status::InvalidArgument("an inventor's name is empty", "inventors");
      if (Status s = ValidateText(name, 200, false); !s.ok()) return s.WithField("inventors");
      out.push_back(name);
    } else {
      return Status::InvalidArgument("an inventor is a person id or a name", "inventors");
    }
  }
  return out.dump();
}

Result<std::string> CheckClasses(const std::string& scheme, const Json& v) {
  if (!v.is_array() || v.size() > 100) {
    return Status::InvalidArgument("'classes' must be a list of class codes (at most 100)",
                                   "classes");
  }
  if (scheme == "none" && !v.empty()) {
    return Status::InvalidArgument("this kind of right has no classification", "classes");
  }
  Json out = Json::array();
  for (const Json& x : v) {
    if (!x.is_string()) return Status::InvalidArgument("a class code is a string", "classes");
    Result<std::string> code = NormalizeIpClass(scheme, x.get_ref<const std::string&>());
    if (!code.ok()) return code.status().WithField("classes");
    if (std::find(out.begin(), out.end(), Json(*code)) == out.end()) out.push_back(*code);
  }
  return out.dump();
}

std::string SchemeOf(std::string_view kind) {
  if (kind == "patent" || kind == "utility_solution") return "ipc";
  if (kind == "industrial_design") return "locarno";
  if (kind == "trademark" || kind == "collective_mark" || kind == "certification_mark") {
    return "nice";
  }
  return "none";
}

// Date facts that hold whatever the rules say. Errors name the field.
Status CheckDates(const IpFacts& f, const CivilDate& today) {
  if (f.filing && *f.filing > today) {
    return Status::InvalidArgument("the filing date is in the future", "filing_date");
  }
  if (f.priority && f.filing && *f.priority > *f.filing) {
    return Status::InvalidArgument("the priority date is after the filing date", "priority_date");
  }
  if (f.publication && f.filing && *f.publication < *f.filing) {
    return Status::InvalidArgument("the publication date is before the filing date",
                                   "publication_date");
  }
  if (f.grant && f.filing && *f.grant < *f.filing) {
    return Status::InvalidArgument("the grant date is before the filing date", "grant_date");
  }
  if (f.grant && *f.grant > today) {
    return Status::InvalidArgument("the grant date is in the future", "grant_date");
  }
  const bool application =
      std::find(std::begin(kApplicationStatuses), std::end(kApplicationStatuses), f.status) !=
      std::end(kApplicationStatuses);
  if (f.status == "granted" && !f.grant) {
    return Status::InvalidArgument("a granted right needs its grant date", "grant_date");
  }
  if (application && f.grant) {
    return Status::InvalidArgument("status '" + f.status +
                                       "' is an application's, but the grant "
                                       "date is set (use status granted)",
                                   "status");
  }
  return Status::Ok();
}

Status CheckNumbersFree(storage::Transaction& tx, const Json& a, std::optional<int64_t> self) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM ip_assets WHERE application_number = ? "
                                            "AND deleted_at IS NULL",
                                            {a["application_number"].get<std::string>()}));
  for (const auto& r : rows) {
    if (!self || r.Int("id") != *self) {
      return Status::AlreadyExists(
          "application number " + a["application_number"].get<std::string>() +
              " is already registered (IP asset " + std::to_string(r.Int("id")) + ")",
          "application_number");
    }
  }
  if (a.contains("grant_number") && a["grant_number"].is_string()) {
    STIO_ASSIGN_OR_RETURN(
        auto g, tx.Query("SELECT id FROM ip_assets WHERE kind = ? AND "
                         "grant_number = ? AND deleted_at IS NULL",
                         {a["kind"].get<std::string>(), a["grant_number"].get<std::string>()}));
    for (const auto& r : g) {
      if (!self || r.Int("id") != *self) {
        return Status::AlreadyExists("grant number " + a["grant_number"].get<std::string>() +
                                         " is already registered (IP asset " +
                                         std::to_string(r.Int("id")) + ")",
                                     "grant_number");
      }
    }
  }
  return Status::Ok();
}

// Merges checked input into `a` (the asset as JSON: the stored one, or {} when creating), checks
// the whole result and returns the columns to write.
Result<std::vector<std::pair<std::string, Value>>> Prepare(storage::Transaction& tx,
                                                           const Actor& actor, const Clock& clock,
                                                           const Json& input, bool creating,
                                                           Json& a, std::optional<int64_t> self) {
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kAssetFields, creating, kAssetExtra));
  std::vector<std::pair<std::string, Value>> cols;
  for (const FieldValue& f : fields) {
    cols.push_back({f.name, f.value});
    a[f.name] = ToJson(f.value);
  }
  if (auto v = FindField(fields, "published")) a["published"] = std::get<int64_t>(*v) != 0;
  for (const char* id_field : {"owner_organization_id", "owner_person_id"}) {
    if (!input.contains(id_field)) continue;
    const Json& v = input[id_field];
    if (v.is_null()) {
      cols.push_back({id_field, Null{}});
      a[id_field] = nullptr;
      continue;
    }
    if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
      return Status::InvalidArgument("'" + std::string(id_field) + "' must be a record id",
                                     id_field);
    }
    const bool org = std::string_view(id_field) == "owner_organization_id";
    STIO_RETURN_IF_ERROR(CheckLive(tx, org ? "organizations" : "people", v.get<int64_t>(), id_field,
                                   org ? "organization" : "person"));
    cols.push_back({id_field, v.get<int64_t>()});
    a[id_field] = v.get<int64_t>();
  }
  if (input.contains("paid_up_to")) {
    STIO_ASSIGN_OR_RETURN(int64_t n, IntField(input, "paid_up_to", 0, 100));
    cols.push_back({"paid_up_to", n});
    a["paid_up_to"] = n;
  }
  if (input.contains("renewals_done")) {
    STIO_ASSIGN_OR_RETURN(int64_t n, IntField(input, "renewals_done", 0, 50));
    cols.push_back({"renewals_done", n});
    a["renewals_done"] = n;
  }
  if (input.contains("inventors")) {
    STIO_ASSIGN_OR_RETURN(std::string inv, CheckInventors(tx, input["inventors"]));
    cols.push_back({"inventors", inv});
    a["inventors"] = Json::parse(inv);
  }
  const std::string kind = a.value("kind", "");
  if (input.contains("classes") || (input.contains("kind") && !creating)) {
    const Json& classes = input.contains("classes") ? input["classes"] : a["classes"];
    STIO_ASSIGN_OR_RETURN(std::string cl, CheckClasses(SchemeOf(kind), classes));
    cols.push_back({"classes", cl});
    a["classes"] = Json::parse(cl);
  }
  // Status: inferred on creation when not given.
  if (creating && !a["status"].is_string()) {
    const std::string st = a["grant_date"].is_string()         ? "granted"
                           : a["publication_date"].is_string() ? "published"
                                                               : "filed";
    cols.push_back({"status", st});
    a["status"] = st;
  }
  // Published by the office (a publication or grant date): public unless said otherwise.
  if (creating && !input.contains("published") &&
      (a["grant_date"].is_string() || a["publication_date"].is_string())) {
    cols.push_back({"published", int64_t{1}});
    a["published"] = true;
  }
  // Owner and permission: members write only their organization's assets.
  std::optional<int64_t> owner;
  if (a["owner_organization_id"].is_number_integer()) owner = a["owner_organization_id"];
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteIp, owner));
  if (!owner && !a["owner_person_id"].is_number_integer() && !a["owner_name"].is_string()) {
    return Status::InvalidArgument(
        "an IP asset needs its owner: owner_organization_id, owner_person_id or owner_name",
        "owner_organization_id");
  }
  if (a["province_code"].is_string()) {
    Status s = CheckProvince(tx, a["province_code"].get<std::string>());
    if (!s.ok()) return s.WithField("province_code");
  } else if (owner && (creating || input.contains("owner_organization_id"))) {
    // Defaults to the owner organization's province.
    STIO_ASSIGN_OR_RETURN(
        storage::Row o,
        tx.QueryOne("SELECT province_code FROM organizations WHERE id = ?", {*owner}));
    if (auto p = o.OptText("province_code")) {
      cols.push_back({"province_code", *p});
      a["province_code"] = *p;
    }
  }
  const IpFacts facts = FactsOf(a);
  STIO_RETURN_IF_ERROR(CheckDates(facts, Today(clock)));
  if (auto rules = RulesIfLoaded(tx)) {
    STIO_RETURN_IF_ERROR(ComputeSchedule(*rules, facts, Today(clock)).status());
  }
  STIO_RETURN_IF_ERROR(CheckNumbersFree(tx, a, self));
  std::string key =
      a["title"].get<std::string>() + " " + a["application_number"].get<std::string>();
  if (a["grant_number"].is_string()) key += " " + a["grant_number"].get<std::string>();
  cols.push_back({"match_key", text::MatchKey(key)});
  cols.push_back({"updated_at", FormatTimestamp(clock.Now())});
  return cols;
}

Result<Json> LoadAssetJson(storage::Transaction& tx, int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadAssetRow(tx, id));
  return AssetJson(r);
}

// The asset's events; who recorded each (an e-mail) only for staff and the owner organization.
Result<Json> EventsOf(storage::Transaction& tx, int64_t id, bool show_actor) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT * FROM ip_events WHERE asset_id = ? ORDER BY "
                                            "date, id",
                                            {id}));
  Json out = Json::array();
  for (const auto& r : rows) {
    Json e = RowToJson(r);
    if (!show_actor) e.erase("actor_email");
    out.push_back(std::move(e));
  }
  return out;
}

Result<Json> FullAsset(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                       const storage::Row& r) {
  Json j = AssetJson(r);
  j["schedule"] = ScheduleJson(RulesIfLoaded(tx), j, clock);
  STIO_ASSIGN_OR_RETURN(j["events"], EventsOf(tx, r.Int("id"),
                                              Allowed(actor, Permission::kReadUnpublishedIp,
                                                      r.OptInt("owner_organization_id"))));
  return j;
}

}  // namespace

bool IsIpKind(std::string_view kind) {
  return std::find(std::begin(kKinds), std::end(kKinds), kind) != std::end(kKinds);
}

Result<std::string> NormalizeIpClass(std::string_view scheme, std::string_view code_in) {
  const std::string code = Upper(Trim(code_in));
  if (scheme == "nice") {
    auto n = AllDigits(code) && code.size() <= 2 ? ParseInt(code) : std::nullopt;
    if (!n || *n < 1 || *n > 45) {
      return Status::InvalidArgument("'" + code.substr(0, 40) + "' is not a Nice class (1 to 45)");
    }
    return std::to_string(*n);
  }
  if (scheme == "locarno") {
    const size_t dash = code.find('-');
    if (dash == std::string::npos || dash == 0 || dash > 2 || code.size() - dash - 1 != 2 ||
        !AllDigits(code.substr(0, dash)) || !AllDigits(code.substr(dash + 1))) {
      return Status::InvalidArgument("'" + code.substr(0, 40) +
                                     "' is not a Locarno class and subclass (NN-NN, e.g. 06-01)");
    }
    const int cls = static_cast<int>(*ParseInt(code.substr(0, dash)));
    if (cls < 1 || cls > 32) {
      return Status::InvalidArgument("Locarno classes run from 01 to 32, not " +
                                     code.substr(0, dash));
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d-%s", cls, code.substr(dash + 1).c_str());
    return std::string(buf);
  }
  if (scheme == "ipc") {
    // Section A-H, class 2 digits, subclass letter, then optionally "group/subgroup".
    auto bad = [&] {
      return Status::InvalidArgument("'" + code.substr(0, 40) +
                                     "' is not an IPC symbol (e.g. A01B or A01B 1/00)");
    };
    if (code.size() < 4 || code[0] < 'A' || code[0] > 'H' || !AllDigits(code.substr(1, 2)) ||
        !std::isupper(static_cast<unsigned char>(code[3]))) {
      return bad();
    }
    std::string rest(Trim(std::string_view(code).substr(4)));
    if (rest.empty()) return code.substr(0, 4);
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) return bad();
    const std::string group = rest.substr(0, slash), sub = rest.substr(slash + 1);
    if (!AllDigits(group) || group.size() > 4 || !AllDigits(sub) || sub.size() < 2 ||
        sub.size() > 6) {
      return bad();
    }
    return code.substr(0, 4) + " " + std::to_string(*ParseInt(group)) + "/" + sub;
  }
  return Status::InvalidArgument("this kind of right has no classification");
}

namespace {
// Replaces the stored rules by `doc` (already checked). Returns the number of kinds.
Result<int> StoreIpRules(storage::Transaction& tx, const Json& doc, const std::string& now) {
  STIO_RETURN_IF_ERROR(tx.Execute("DELETE FROM ip_rules").status());
  Json general = doc;
  general.erase("kinds");
  STIO_RETURN_IF_ERROR(tx.Execute("INSERT INTO ip_rules (kind, position, rule_json, updated_at) "
                                  "VALUES ('_general', 0, ?, ?)",
                                  {general.dump(), now})
                           .status());
  int position = 0;
  for (const Json& k : doc["kinds"]) {
    STIO_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO ip_rules (kind, position, rule_json, "
                   "updated_at) VALUES (?, ?, ?, ?)",
                   {k["kind"].get<std::string>(), int64_t{++position}, k.dump(), now})
            .status());
  }
  return position;
}
}  // namespace

Result<Json> UpdateIpRules(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           const Json& doc) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageSettings));
  if (!doc.is_object()) return Status::InvalidArgument("the rules are a JSON object");
  STIO_RETURN_IF_ERROR(ParseIpRules(doc).status());
  // Every stored asset must still get a schedule under the new rules.
  IpRules rules = *ParseIpRules(doc);
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT * FROM ip_assets WHERE deleted_at IS NULL"));
  for (const auto& r : rows) {
    if (auto sc = ComputeSchedule(rules, FactsOf(AssetJson(r)), Today(clock)); !sc.ok()) {
      return Status::InvalidArgument(
          "IP asset " + std::to_string(r.Int("id")) + " (" + r.Text("application_number") +
          ") would have no schedule under these rules: " + sc.status().message());
    }
  }
  Json before = GetIpRulesDocument(tx).value_or(Json());
  STIO_RETURN_IF_ERROR(StoreIpRules(tx, doc, FormatTimestamp(clock.Now())).status());
  STIO_ASSIGN_OR_RETURN(Json after, GetIpRulesDocument(tx));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "update", "ip_rules", "", before, after));
  return after;
}

Result<int> LoadIpRules(storage::Database& db, const std::string& data_dir, const Clock& clock) {
  const std::string path = data_dir + "/ip/deadline_rules.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return 0;  // optional data set
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const std::string checksum = Sha256Hex(text);
  const Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::DataLoss(path + " is not a JSON object");
  }
  if (auto parsed = ParseIpRules(doc); !parsed.ok()) {
    return parsed.status().WithContext(path);
  }
  int loaded = 0;
  Status s = storage::WithTransaction(db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(auto cur, tx.Query("SELECT checksum FROM reference_datasets WHERE name = "
                                             "'ip_rules'"));
    if (!cur.empty() && cur[0].Text("checksum") == checksum) return Status::Ok();
    const std::string now = FormatTimestamp(clock.Now());
    STIO_ASSIGN_OR_RETURN(int position, StoreIpRules(tx, doc, now));
    loaded = position;
    STIO_RETURN_IF_ERROR(RecordAudit(tx, Actor::System("data/ip"), clock, "load", "ip_rules", "",
                                     nullptr, Json{{"checksum", checksum}, {"kinds", position}}));
    return tx
        .Execute(
            "INSERT INTO reference_datasets (name, checksum, rows, loaded_at) VALUES "
            "('ip_rules', ?, ?, ?) ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, "
            "rows = excluded.rows, loaded_at = excluded.loaded_at",
            {checksum, int64_t{position}, now})
        .status();
  });
  if (!s.ok()) return s;
  return loaded;
}

Result<Json> GetIpRulesDocument(storage::Transaction& tx) {
  STIO_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT kind, rule_json FROM ip_rules ORDER BY position"));
  if (rows.empty()) return Status::NotFound("no IP deadline rules are loaded (data/ip)");
  Json doc = Json::object();
  Json kinds = Json::array();
  for (const auto& r : rows) {
    Json j = JsonListOf(r.Text("rule_json"));
    if (r.Text("kind") == "_general") {
      doc = j;
    } else {
      kinds.push_back(j);
    }
  }
  doc["kinds"] = std::move(kinds);
  return doc;
}

Result<IpRules> ReadIpRules(storage::Transaction& tx) {
  STIO_ASSIGN_OR_RETURN(Json doc, GetIpRulesDocument(tx));
  return ParseIpRules(doc);
}

Result<Json> CreateIpAsset(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           const Json& input) {
  if (!actor.authenticated()) return Authorize(actor, Permission::kWriteIp);
  if (!input.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  std::optional<int64_t> owner;
  if (auto it = input.find("owner_organization_id"); it != input.end() && it->is_number_integer()) {
    owner = it->get<int64_t>();
  }
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteIp, owner));
  Json a = {{"classes", Json::array()}, {"inventors", Json::array()}};
  STIO_ASSIGN_OR_RETURN(auto cols, Prepare(tx, actor, clock, input, true, a, std::nullopt));
  cols.push_back({"created_at", FormatTimestamp(clock.Now())});
  std::string names, marks;
  std::vector<Value> args;
  for (auto& [c, v] : cols) {
    names += (names.empty() ? "" : ", ") + c;
    marks += marks.empty() ? "?" : ", ?";
    args.push_back(v);
  }
  STIO_ASSIGN_OR_RETURN(storage::Row r, tx.QueryOne("INSERT INTO ip_assets (" + names +
                                                        ") VALUES (" + marks + ") RETURNING id",
                                                    args));
  const int64_t id = r.Int("id");
  STIO_ASSIGN_OR_RETURN(Json after, LoadAssetJson(tx, id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "ip_asset", std::to_string(id), nullptr, after));
  after["schedule"] = ScheduleJson(RulesIfLoaded(tx), after, clock);
  return after;
}

Result<Json> GetIpAsset(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadVisible(tx, actor, id));
  return FullAsset(tx, actor, clock, r);
}

Result<Json> LoadVisibleIpAsset(storage::Transaction& tx, const Actor& actor, int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadVisible(tx, actor, id));
  return AssetJson(r);
}

Result<Json> UpdateIpAsset(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t id, const Json& patch) {
  STIO_ASSIGN_OR_RETURN(storage::Row row, LoadVisible(tx, actor, id));
  const Json before = AssetJson(row);
  // The current owner must allow it (and the new one too: checked in Prepare).
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteIp, row.OptInt("owner_organization_id")));
  int64_t version = -1;
  if (patch.is_object() && patch.contains("version")) {
    if (!patch["version"].is_number_integer()) {
      return Status::InvalidArgument("'version' must be an integer", "version");
    }
    version = patch["version"].get<int64_t>();
  }
  Json a = before;
  STIO_ASSIGN_OR_RETURN(auto cols, Prepare(tx, actor, clock, patch, false, a, id));
  std::string sets;
  std::vector<Value> args;
  for (auto& [c, v] : cols) {
    sets += c + " = ?, ";
    args.push_back(v);
  }
  std::string sql = "UPDATE ip_assets SET " + sets + "version = version + 1 WHERE id = ?";
  args.push_back(id);
  if (version >= 0) {
    sql += " AND version = ?";
    args.push_back(version);
  }
  STIO_ASSIGN_OR_RETURN(int64_t changed, tx.Execute(sql, args));
  if (changed == 0) {
    return Status::Aborted("the record was changed by someone else (version " +
                           std::to_string(version) + " is stale); reload and retry");
  }
  STIO_ASSIGN_OR_RETURN(Json after, LoadAssetJson(tx, id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "update", "ip_asset", std::to_string(id), before, after));
  after["schedule"] = ScheduleJson(RulesIfLoaded(tx), after, clock);
  return after;
}

Status DeleteIpAsset(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row row, LoadVisible(tx, actor, id));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteIp, row.OptInt("owner_organization_id")));
  STIO_RETURN_IF_ERROR(SoftDeleteRecord(tx, "ip_assets", id, clock));
  return RecordAudit(tx, actor, clock, "delete", "ip_asset", std::to_string(id), AssetJson(row),
                     nullptr);
}

Result<ListResult> ListIpAssets(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                const IpAssetFilter& f, const ListParams& params) {
  static constexpr SortKey kSorts[] = {{"filing_date", "a.filing_date"},
                                       {"grant_date", "a.grant_date"},
                                       {"title", "a.match_key"},
                                       {"application_number", "a.application_number"}};
  // Paging before the sort, as in the other lists (PagedList checks it again).
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  STIO_ASSIGN_OR_RETURN(std::string order, OrderBy(params, kSorts, "a.filing_date DESC"));
  std::vector<Value> args;
  std::string where = "a.deleted_at IS NULL AND " + VisibleClause(actor, args);
  if (f.q) {
    where += " AND a.match_key LIKE ?";
    args.push_back("%" + text::MatchKey(*f.q) + "%");
  }
  auto eq = [&](const char* col, const std::optional<std::string>& v) {
    if (!v) return;
    where += std::string(" AND a.") + col + " = ?";
    args.push_back(*v);
  };
  eq("kind", f.kind);
  eq("status", f.status);
  eq("province_code", f.province_code);
  if (f.owner_organization_id) {
    where += " AND a.owner_organization_id = ?";
    args.push_back(*f.owner_organization_id);
  }
  if (f.class_prefix) {
    // classes is a JSON list of strings: match '"PREFIX' anywhere.
    where += " AND a.classes LIKE ?";
    args.push_back("%\"" + Upper(Trim(*f.class_prefix)) + "%");
  }
  const auto rules = RulesIfLoaded(tx);
  return PagedList(tx, "a.*", "ip_assets a WHERE " + where, std::move(args), order + ", a.id",
                   params, [&](const storage::Row& r) -> Result<Json> {
                     Json j = AssetJson(r);
                     j["schedule"] = ScheduleJson(rules, j, clock);
                     return j;
                   });
}

Result<Json> AddIpEvent(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t asset_id, const Json& input) {
  STIO_ASSIGN_OR_RETURN(storage::Row row, LoadVisible(tx, actor, asset_id));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteIp, row.OptInt("owner_organization_id")));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kEventFields, true, kEventExtra));
  const Json before = AssetJson(row);
  Json a = before;
  const std::string type = std::get<std::string>(*FindField(fields, "type"));
  const std::string date = std::get<std::string>(*FindField(fields, "date"));
  const CivilDate when = *ParseCivilDate(date);
  const CivilDate today = Today(clock);
  if (when > today) return Status::InvalidArgument("the event date is in the future", "date");
  if (when < *ParseCivilDate(before["filing_date"].get<std::string>())) {
    return Status::InvalidArgument("the event date is before the filing date", "date");
  }
  const std::string status = before["status"].get<std::string>();
  const bool terminal = status == "refused" || status == "withdrawn" || status == "invalidated" ||
                        status == "expired";
  if (terminal && type != "invalidation") {
    return Status::FailedPrecondition("IP asset " + std::to_string(asset_id) + " is " + status);
  }
  std::vector<std::pair<std::string, Value>> cols;
  std::optional<int64_t> paid;
  if (input.contains("paid_up_to")) {
    STIO_ASSIGN_OR_RETURN(int64_t p, IntField(input, "paid_up_to", 1, 100));
    paid = p;
  }
  if (paid && type != "fee_payment") {
    return Status::InvalidArgument("'paid_up_to' belongs to a fee_payment", "paid_up_to");
  }
  const Value* grant_number = FindField(fields, "grant_number");
  if (grant_number && type != "grant") {
    return Status::InvalidArgument("'grant_number' belongs to a grant", "grant_number");
  }
  const bool granted = before["grant_date"].is_string();
  if (type == "grant") {
    if (granted) return Status::FailedPrecondition("the right was already granted");
    cols = {{"grant_date", date}, {"status", std::string("granted")}};
    a["grant_date"] = date;
    a["status"] = "granted";
    if (grant_number && std::holds_alternative<std::string>(*grant_number)) {
      cols.push_back({"grant_number", *grant_number});
      a["grant_number"] = std::get<std::string>(*grant_number);
    }
  } else if (type == "fee_payment" || type == "renewal") {
    if (!granted || status == "lapsed") {
      return Status::FailedPrecondition("fees and renewals are paid on a granted right in force");
    }
    if (type == "fee_payment") {
      if (!paid) return Status::InvalidArgument("a fee_payment needs 'paid_up_to'", "paid_up_to");
      if (*paid <= before.value("paid_up_to", 0)) {
        return Status::InvalidArgument(
            "years up to " + std::to_string(before.value("paid_up_to", 0)) + " are already paid",
            "paid_up_to");
      }
      cols = {{"paid_up_to", *paid}};
      a["paid_up_to"] = *paid;
    } else {
      const int64_t n = before.value("renewals_done", 0) + 1;
      cols = {{"renewals_done", n}};
      a["renewals_done"] = n;
    }
  } else if (type == "lapse") {
    cols = {{"status", std::string("lapsed")}};
    a["status"] = "lapsed";
  } else if (type == "invalidation") {
    cols = {{"status", std::string("invalidated")}};
    a["status"] = "invalidated";
  }
  // Validate the asset as it will be before writing anything.
  if (auto rules = RulesIfLoaded(tx)) {
    STIO_RETURN_IF_ERROR(ComputeSchedule(*rules, FactsOf(a), today).status());
  }
  if (type == "grant") STIO_RETURN_IF_ERROR(CheckNumbersFree(tx, a, asset_id));
  const std::string now = FormatTimestamp(clock.Now());
  STIO_ASSIGN_OR_RETURN(
      storage::Row ev,
      tx.QueryOne(
          "INSERT INTO ip_events (asset_id, type, date, note, document_ref, paid_up_to, "
          "actor_email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {asset_id, type, date,
           FindField(fields, "note") ? *FindField(fields, "note") : Value(Null{}),
           FindField(fields, "document_ref") ? *FindField(fields, "document_ref") : Value(Null{}),
           storage::OptionalInt(paid), actor.email, now}));
  if (!cols.empty()) {
    std::string sets;
    std::vector<Value> args;
    for (auto& [c, v] : cols) {
      sets += c + " = ?, ";
      args.push_back(v);
    }
    args.push_back(now);
    args.push_back(asset_id);
    STIO_RETURN_IF_ERROR(tx.Execute("UPDATE ip_assets SET " + sets +
                                        "updated_at = ?, version = version + 1 WHERE id = ?",
                                    args)
                             .status());
  }
  STIO_ASSIGN_OR_RETURN(storage::Row evrow,
                        tx.QueryOne("SELECT * FROM ip_events WHERE id = ?", {ev.Int("id")}));
  const Json event = RowToJson(evrow);
  STIO_ASSIGN_OR_RETURN(Json after, LoadAssetJson(tx, asset_id));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "event:" + type, "ip_asset",
                                   std::to_string(asset_id), before,
                                   Json{{"event", event}, {"asset", after}}));
  after["schedule"] = ScheduleJson(RulesIfLoaded(tx), after, clock);
  return Json{{"event", event}, {"asset", after}};
}

Result<Json> ListIpEvents(storage::Transaction& tx, const Actor& actor, int64_t asset_id) {
  STIO_ASSIGN_OR_RETURN(storage::Row row, LoadVisible(tx, actor, asset_id));
  STIO_ASSIGN_OR_RETURN(Json items, EventsOf(tx, row.Int("id"),
                                             Allowed(actor, Permission::kReadUnpublishedIp,
                                                     row.OptInt("owner_organization_id"))));
  return Json{{"items", items}, {"total", items.size()}};
}

Result<Json> ListIpDeadlines(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                             const IpDeadlineQuery& q) {
  const CivilDate today = Today(clock);
  CivilDate from = today, to = AddYears(today, 1);
  if (q.from) {
    auto d = ParseCivilDate(*q.from);
    if (!d.ok()) return d.status().WithField("from");
    from = *d;
    if (!q.to) to = AddYears(from, 1);
  }
  if (q.to) {
    auto d = ParseCivilDate(*q.to);
    if (!d.ok()) return d.status().WithField("to");
    to = *d;
  }
  if (to < from) return Status::InvalidArgument("'to' is before 'from'", "to");
  if (DaysBetween(from, to) > 366 * 30) {
    return Status::InvalidArgument("the range is at most 30 years", "to");
  }
  if (q.at_risk_days < 0 || q.at_risk_days > 3660) {
    return Status::InvalidArgument("at_risk_days must be 0 to 3660", "at_risk_days");
  }
  STIO_ASSIGN_OR_RETURN(IpRules rules, ReadIpRules(tx));
  std::vector<Value> args;
  std::string where = "a.deleted_at IS NULL AND " + VisibleClause(actor, args) +
                      " AND a.status NOT IN ('refused', 'withdrawn', 'invalidated', 'lapsed', "
                      "'expired')";
  if (q.owner_organization_id) {
    where += " AND a.owner_organization_id = ?";
    args.push_back(*q.owner_organization_id);
  }
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT a.* FROM ip_assets a WHERE " + where, args));
  Json items = Json::array();
  int64_t at_risk = 0;
  for (const auto& r : rows) {
    const Json asset = AssetJson(r);
    auto s = ComputeSchedule(rules, FactsOf(asset), today, q.at_risk_days);
    if (!s.ok()) continue;  // stored before the rules changed; shown on the asset itself
    if (s->at_risk) ++at_risk;
    if (q.at_risk_only && !s->at_risk) continue;
    for (const IpDeadline& d : s->deadlines) {
      const CivilDate last = d.grace_ends.value_or(d.due);
      if (last < from || d.due > to) continue;
      Json item = d.ToJson();
      item["asset"] = {{"id", asset["id"]},
                       {"kind", asset["kind"]},
                       {"title", asset["title"]},
                       {"application_number", asset["application_number"]},
                       {"grant_number", asset["grant_number"]},
                       {"owner_organization_id", asset["owner_organization_id"]}};
      item["asset_status"] = s->status;
      item["at_risk"] = s->at_risk;
      item["days_left"] = DaysBetween(today, d.due);
      items.push_back(std::move(item));
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const Json& x, const Json& y) {
    return x["due"].get<std::string>() < y["due"].get<std::string>();
  });
  return Json{{"from", FormatCivilDate(from)},   {"to", FormatCivilDate(to)},
              {"today", FormatCivilDate(today)}, {"at_risk_days", q.at_risk_days},
              {"assets_at_risk", at_risk},       {"items", std::move(items)}};
}

namespace {
std::string DeadlineVi(const std::string& type) {
  if (type == "annuity") return "Nộp phí duy trì hiệu lực";
  if (type == "renewal") return "Gia hạn hiệu lực";
  if (type == "examination_request") return "Yêu cầu thẩm định nội dung";
  if (type == "expiry") return "Hết thời hạn bảo hộ";
  if (type == "opposition_end") return "Hết hạn phản đối đơn";
  if (type == "publication") return "Công bố đơn";
  return type;
}
}  // namespace

Result<Json> RemindIpDeadlines(storage::Transaction& tx, const Clock& clock) {
  auto rules = ReadIpRules(tx);
  if (!rules.ok()) return Json{{"reminded", 0}};  // no rules loaded: nothing to compute
  const Actor system = Actor::System("system");
  IpDeadlineQuery q;
  const CivilDate today = Today(clock);
  q.from = FormatCivilDate(AddMonths(today, -12));  // graces that began within a year
  STIO_ASSIGN_OR_RETURN(std::vector<int64_t> leads, SettingList(tx, "ip.reminder_days"));
  std::sort(leads.begin(), leads.end());  // ascending: the first lead that covers days_left
  if (leads.empty()) return Json{{"reminded", 0}};
  q.to = FormatCivilDate(AddDays(today, leads.back()));
  STIO_ASSIGN_OR_RETURN(Json cal, ListIpDeadlines(tx, system, clock, q));
  int64_t reminded = 0;
  for (const Json& d : cal["items"]) {
    const Json& asset = d["asset"];
    if (!asset["owner_organization_id"].is_number_integer()) continue;
    const std::string type = d["type"];
    // Actions the owner takes; the end of the term or of an opposition is not one.
    if (type != "annuity" && type != "renewal" && type != "examination_request") continue;
    const int64_t days = d["days_left"];
    std::string step;
    if (days < 0) {
      if (!d.contains("grace_ends") || !d["grace_ends"].is_string() ||
          d["grace_ends"].get<std::string>() < FormatCivilDate(today)) {
        continue;  // past the grace too: the right is lapsing, the at-risk list shows it
      }
      step = "grace";
    } else {
      for (int64_t lead : leads) {
        if (days <= lead) {
          step = std::to_string(lead);
          break;
        }
      }
      if (step.empty()) continue;
    }
    const std::string key = "ip:" + std::to_string(asset["id"].get<int64_t>()) + ":" + type + ":" +
                            std::to_string(d.value("number", 0)) + ":" +
                            d["due"].get<std::string>() + ":" + step;
    STIO_ASSIGN_OR_RETURN(auto sent, tx.Query("SELECT 1 FROM reminders_sent WHERE key = ?", {key}));
    if (!sent.empty()) continue;
    const std::string what = DeadlineVi(type) + " — " + asset["title"].get<std::string>() + " (" +
                             asset["application_number"].get<std::string>() + ")";
    NewNotification n;
    n.organization_id = asset["owner_organization_id"].get<int64_t>();
    n.kind = "ip.deadline";
    n.subject_type = "ip_asset";
    n.subject_id = std::to_string(asset["id"].get<int64_t>());
    if (step == "grace") {
      n.title =
          "Đã quá hạn, đang trong thời gian ân hạn: " + what + " / Overdue, in the grace period";
      n.body = "Hạn / Due " + d["due"].get<std::string>() + "; ân hạn đến / grace until " +
               d["grace_ends"].get<std::string>() + " (phí nộp muộn / late surcharge).";
    } else {
      n.title = "Còn " + std::to_string(days) + " ngày: " + what + " / " + std::to_string(days) +
                " days left";
      n.body = "Hạn / Due " + d["due"].get<std::string>() + ".";
    }
    if (d.contains("source") && d["source"].is_string()) {
      n.body += " " + d["source"].get<std::string>();
    }
    STIO_ASSIGN_OR_RETURN(int64_t nid, Notify(tx, clock, n));
    STIO_RETURN_IF_ERROR(tx.Execute("INSERT INTO reminders_sent (key, notification_id, sent_at) "
                                    "VALUES (?, ?, ?)",
                                    {key, nid, FormatTimestamp(clock.Now())})
                             .status());
    ++reminded;
  }
  return Json{{"reminded", reminded}};
}

Result<Json> ListFreeToUseOnExchange(storage::Transaction& tx, const Actor& actor,
                                     const Clock& clock, int64_t asset_id, const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteTransfer, std::nullopt));
  if (!input.is_null() && !input.is_object()) {
    return Status::InvalidArgument("the body is a JSON object: {\"organization_id\": n}");
  }
  STIO_ASSIGN_OR_RETURN(Json asset, GetIpAsset(tx, actor, clock, asset_id));
  if (!asset["schedule"].is_object() || !asset["schedule"].value("free_to_use", false)) {
    return Status::FailedPrecondition(
        "only a patent or utility solution whose protection ended is free to use");
  }
  const std::string number = asset["grant_number"].is_string()
                                 ? asset["grant_number"].get<std::string>()
                                 : asset["application_number"].get<std::string>();
  Json listing = {
      {"kind", "offer"},
      {"title", "Sáng chế tự do sử dụng: " + asset["title"].get<std::string>()},
      {"summary",
       "Văn bằng " + number +
           " đã hết hiệu lực bảo hộ tại Việt Nam: ai cũng được khai thác, không phải trả phí "
           "li-xăng. / The Vietnamese right has ended: anyone may use the invention, no licence "
           "fee."},
      {"ipc", asset["classes"]},
      {"ip_asset_ids", {asset_id}},
      {"price_vnd", 0},
      {"transfer_modes", {"consulting"}},
      {"keywords", {"tự do sử dụng", "hết hiệu lực"}},
      {"source", "ip_asset:" + std::to_string(asset_id)},
      {"submit", true}};
  if (input.is_object() && input.contains("organization_id")) {
    listing["organization_id"] = input["organization_id"];
  } else if (asset["owner_organization_id"].is_number_integer()) {
    listing["organization_id"] = asset["owner_organization_id"];
  } else {
    return Status::InvalidArgument(
        "the asset has no owner organization: name the listing's organization (organization_id)",
        "organization_id");
  }
  if (asset["province_code"].is_string()) listing["province_code"] = asset["province_code"];
  // Once per asset.
  STIO_ASSIGN_OR_RETURN(auto existing,
                        tx.Query("SELECT id FROM exchange_listings WHERE source = ? AND "
                                 "deleted_at IS NULL AND status != 'withdrawn'",
                                 {"ip_asset:" + std::to_string(asset_id)}));
  if (!existing.empty()) {
    return Status::AlreadyExists("this asset is already listed (listing " +
                                 std::to_string(existing[0].Int("id")) + ")");
  }
  return CreateListing(tx, actor, clock, listing);
}

Result<ListResult> FindFreeToUse(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 const FreeToUseQuery& query, const ListParams& params) {
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  STIO_ASSIGN_OR_RETURN(IpRules rules, ReadIpRules(tx));
  const auto& ipc_prefix = query.ipc_prefix;
  const auto& province_code = query.province_code;
  STIO_ASSIGN_OR_RETURN(PriorityMatcher priorities,
                        PriorityMatcher::Load(tx, query.priority_id, query.priorities_of));
  const bool by_priority = query.priority_id || query.priorities_of;
  std::vector<Value> args;
  std::string where = "a.deleted_at IS NULL AND " + VisibleClause(actor, args) +
                      " AND a.kind IN ('patent', 'utility_solution') AND a.grant_date IS NOT NULL"
                      " AND a.status IN ('granted', 'lapsed', 'expired')";
  if (province_code) {
    STIO_RETURN_IF_ERROR(CheckProvince(tx, *province_code).WithField("province_code"));
    where += " AND a.province_code = ?";
    args.push_back(*province_code);
  }
  std::string prefix;
  if (ipc_prefix) {
    prefix = Upper(Trim(*ipc_prefix));
    if (prefix.empty() || prefix.size() > 20 || prefix[0] < 'A' || prefix[0] > 'H') {
      return Status::InvalidArgument("an IPC prefix starts with a section letter A-H (e.g. A01)",
                                     "ipc");
    }
    where += " AND a.classes LIKE ?";
    args.push_back("%\"" + prefix + "%");
  }
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT a.* FROM ip_assets a WHERE " + where +
                                                " ORDER BY a.grant_date, a.id",
                                            args));
  const CivilDate today = Today(clock);
  std::vector<Json> found;
  for (const auto& r : rows) {
    Json j = AssetJson(r);
    auto s = ComputeSchedule(rules, FactsOf(j), today);
    if (!s.ok() || !s->free_to_use) continue;
    if (by_priority) {
      Json matched = priorities.Match(j);
      if (matched.empty()) continue;
      j["priorities"] = std::move(matched);
    }
    j["schedule"] = s->ToJson();
    found.push_back(std::move(j));
  }
  ListResult out;
  out.total = static_cast<int64_t>(found.size());
  out.limit = params.limit;
  out.offset = params.offset;
  for (int64_t i = params.offset; i < out.total && i < params.offset + params.limit; ++i) {
    out.items.push_back(std::move(found[static_cast<size_t>(i)]));
  }
  return out;
}

Result<Json> IpStatistics(storage::Transaction& tx, const std::optional<std::string>& province_code,
                          const std::optional<std::string>& kind,
                          const std::optional<int64_t>& year_from,
                          const std::optional<int64_t>& year_to) {
  if (province_code) {
    STIO_RETURN_IF_ERROR(CheckProvince(tx, *province_code).WithField("province_code"));
  }
  if (kind && !IsIpKind(*kind)) {
    return Status::InvalidArgument("unknown kind '" + kind->substr(0, 40) + "'", "kind");
  }
  for (const auto& [y, name] : {std::pair{year_from, "year_from"}, std::pair{year_to, "year_to"}}) {
    if (y && (*y < 1900 || *y > 2200)) {
      return Status::InvalidArgument(std::string(name) + " must be a year", name);
    }
  }
  // Counts: applications by filing year, grants by grant year (all assets, published or not:
  // aggregates disclose no application).
  std::map<std::tuple<std::string, std::string, int64_t>, std::pair<int64_t, int64_t>> cells;
  for (const char* measure : {"filing_date", "grant_date"}) {
    std::vector<Value> args;
    std::string where = std::string("deleted_at IS NULL AND ") + measure + " IS NOT NULL";
    if (province_code) {
      where += " AND province_code = ?";
      args.push_back(*province_code);
    }
    if (kind) {
      where += " AND kind = ?";
      args.push_back(*kind);
    }
    STIO_ASSIGN_OR_RETURN(
        auto rows, tx.Query("SELECT kind, COALESCE(province_code, '') AS province, CAST(substr(" +
                                std::string(measure) +
                                ", 1, 4) AS INTEGER) AS year, COUNT(*) AS n FROM ip_assets WHERE " +
                                where + " GROUP BY 1, 2, 3",
                            args));
    for (const auto& r : rows) {
      const int64_t year = r.Int("year");
      if ((year_from && year < *year_from) || (year_to && year > *year_to)) continue;
      auto& c = cells[{r.Text("kind"), r.Text("province"), year}];
      (std::string_view(measure) == "filing_date" ? c.first : c.second) += r.Int("n");
    }
  }
  STIO_ASSIGN_OR_RETURN(auto pops, tx.Query("SELECT code, full_name, population FROM admin_units "
                                            "WHERE era = '2025' AND level = 'province'"));
  std::map<std::string, std::pair<std::string, std::optional<int64_t>>> province;
  for (const auto& p : pops)
    province[p.Text("code")] = {p.Text("full_name"), p.OptInt("population")};
  Json items = Json::array();
  for (const auto& [key, counts] : cells) {
    const auto& [k, prov, year] = key;
    Json item = {{"kind", k},
                 {"province_code", prov.empty() ? Json(nullptr) : Json(prov)},
                 {"year", year},
                 {"applications", counts.first},
                 {"grants", counts.second},
                 {"population", nullptr},
                 {"applications_per_10k", nullptr},
                 {"grants_per_10k", nullptr}};
    if (auto it = province.find(prov); it != province.end()) {
      item["province_name"] = it->second.first;
      if (it->second.second && *it->second.second > 0) {
        const double pop = static_cast<double>(*it->second.second);
        item["population"] = *it->second.second;
        item["applications_per_10k"] = counts.first * 10000.0 / pop;
        item["grants_per_10k"] = counts.second * 10000.0 / pop;
      }
    }
    items.push_back(std::move(item));
  }
  return Json{{"items", std::move(items)},
              {"note",
               "applications counted by filing year, grants by grant year; rates per 10,000 "
               "inhabitants use the province's current population (admin_units, 2025 map)"}};
}

}  // namespace stio::domain
