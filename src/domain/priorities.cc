#include "domain/priorities.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/strings.h"
#include "domain/ip.h"
#include "domain/policy.h"
#include "domain/reference.h"
#include "domain/validation.h"
#include "text/normalize.h"

namespace stio::domain {
namespace {

using Kind = FieldSpec::Kind;

const FieldSpec kPriorityFields[] = {
    {"province_code", Kind::kText, true, 2},
    {"kind", Kind::kEnum, true, 20, false, {"sector", "key_product"}},
    {"name", Kind::kText, true, 300},
    {"name_en", Kind::kText, false, 300},
    {"basis", Kind::kText, false, 500},
};
constexpr std::string_view kListFields[] = {"ipc_prefixes", "keywords", "vsic_codes", "version"};

constexpr size_t kMaxListItems = 50;

Json PriorityJson(const storage::Row& r) {
  Json j = RowToJson(r);
  j.erase("deleted_at");
  for (const char* k : {"ipc_prefixes", "keywords", "vsic_codes"}) j[k] = JsonListOf(r.Text(k));
  return j;
}

Result<storage::Row> LoadRow(storage::Transaction& tx, int64_t id) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT * FROM province_priorities WHERE id = ? AND "
                                            "deleted_at IS NULL",
                                            {id}));
  if (rows.empty()) {
    return Status::NotFound("priority " + std::to_string(id) + " does not exist");
  }
  return rows[0];
}

// A JSON list of strings, each checked and normalised by `one`; duplicates dropped.
Result<std::string> CheckList(const Json& v, const char* field,
                              const std::function<Result<std::string>(std::string_view)>& one) {
  if (!v.is_array()) {
    return Status::InvalidArgument("'" + std::string(field) + "' must be a list of strings", field);
  }
  if (v.size() > kMaxListItems) {
    return Status::InvalidArgument(
        "'" + std::string(field) + "' has more than " + std::to_string(kMaxListItems) + " items",
        field);
  }
  Json out = Json::array();
  std::set<std::string> seen;
  for (const Json& item : v) {
    if (!item.is_string()) {
      return Status::InvalidArgument("'" + std::string(field) + "' must be a list of strings",
                                     field);
    }
    auto n = one(item.get<std::string>());
    if (!n.ok()) return n.status().WithField(field);
    if (seen.insert(*n).second) out.push_back(*n);
  }
  return out.dump();
}

Result<std::string> CheckKeyword(std::string_view w) {
  const std::string_view t = Trim(w);
  STIO_RETURN_IF_ERROR(ValidateText(t, 80, false));
  if (text::MatchKey(t).size() < 2) {
    return Status::InvalidArgument("a keyword has at least two letters");
  }
  return std::string(t);
}

// Checks the whole record `p` (the merged state) and returns the list columns to write.
Result<Columns> CheckPriority(storage::Transaction& tx, const Json& input, Json& p) {
  Columns cols;
  if (input.contains("ipc_prefixes")) {
    STIO_ASSIGN_OR_RETURN(std::string v,
                          CheckList(input["ipc_prefixes"], "ipc_prefixes", NormalizeIpcPrefix));
    cols.push_back({"ipc_prefixes", v});
    p["ipc_prefixes"] = Json::parse(v);
  }
  if (input.contains("keywords")) {
    STIO_ASSIGN_OR_RETURN(std::string v, CheckList(input["keywords"], "keywords", CheckKeyword));
    cols.push_back({"keywords", v});
    p["keywords"] = Json::parse(v);
  }
  if (input.contains("vsic_codes")) {
    STIO_ASSIGN_OR_RETURN(
        std::string v, CheckList(input["vsic_codes"], "vsic_codes",
                                 [&](std::string_view c) -> Result<std::string> {
                                   const std::string code(Trim(c));
                                   STIO_RETURN_IF_ERROR(CheckClassificationCode(tx, "vsic", code));
                                   return code;
                                 }));
    cols.push_back({"vsic_codes", v});
    p["vsic_codes"] = Json::parse(v);
  }
  if (Status s = CheckProvince(tx, p["province_code"].get<std::string>()); !s.ok()) {
    return s.WithField("province_code");
  }
  const auto count = [&](const char* k) { return p.contains(k) ? p[k].size() : 0; };
  if (count("ipc_prefixes") == 0 && count("keywords") == 0) {
    return Status::InvalidArgument(
        "a priority needs IPC prefixes or keywords, or no patent could ever match it",
        "ipc_prefixes");
  }
  return cols;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether `ipc_class` (normalised, e.g. "A23L 3/00" or "A23L") falls under `prefix` (normalised).
bool UnderPrefix(std::string_view ipc_class, std::string_view prefix) {
  if (prefix.size() <= 4) return StartsWith(ipc_class, prefix);
  if (ipc_class == prefix) return true;
  // A main group ("A23L 3/00") covers its subgroups ("A23L 3/34").
  if (prefix.size() > 3 && prefix.substr(prefix.size() - 3) == "/00") {
    const std::string_view group = prefix.substr(0, prefix.size() - 2);  // "A23L 3/"
    return StartsWith(ipc_class, group);
  }
  return false;
}

// " key " for whole-word containment tests.
std::string Padded(std::string_view s) { return " " + text::MatchKey(s) + " "; }

}  // namespace

Result<std::string> NormalizeIpcPrefix(std::string_view in) {
  std::string code(Trim(in));
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto bad = [&] {
    return Status::InvalidArgument("'" + code.substr(0, 40) +
                                   "' is not an IPC prefix (A, A23, A23L or A23L 3/00)");
  };
  if (code.empty() || code[0] < 'A' || code[0] > 'H') return bad();
  if (code.size() == 1) return code;
  if (code.size() == 3) return AllDigits(code.substr(1, 2)) ? Result<std::string>(code) : bad();
  if (code.size() == 4) {
    return AllDigits(code.substr(1, 2)) && std::isupper(static_cast<unsigned char>(code[3]))
               ? Result<std::string>(code)
               : bad();
  }
  auto full = NormalizeIpClass("ipc", code);
  if (!full.ok()) return bad();
  return full;
}

Result<Json> CreatePriority(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kPriorityFields, true, kListFields));
  Json p = Json::object();
  for (const FieldValue& f : fields) p[f.name] = ToJson(f.value);
  STIO_ASSIGN_OR_RETURN(Columns lists, CheckPriority(tx, input, p));
  const std::string now = FormatTimestamp(clock.Now());
  Columns cols = ToColumns(fields, {{"created_at", now}, {"updated_at", now}});
  cols.insert(cols.end(), lists.begin(), lists.end());
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "province_priorities", cols));
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadRow(tx, id));
  Json out = PriorityJson(r);
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "create", "province_priority",
                                   std::to_string(id), nullptr, out));
  return out;
}

Result<Json> UpdatePriority(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            int64_t id, const Json& patch) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(storage::Row row, LoadRow(tx, id));
  const Json before = PriorityJson(row);
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(patch, kPriorityFields, false, kListFields));
  Json p = before;
  for (const FieldValue& f : fields) p[f.name] = ToJson(f.value);
  STIO_ASSIGN_OR_RETURN(Columns lists, CheckPriority(tx, patch, p));
  Columns cols = ToColumns(fields, {{"updated_at", FormatTimestamp(clock.Now())}});
  cols.insert(cols.end(), lists.begin(), lists.end());
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "province_priorities", id, version, cols));
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadRow(tx, id));
  Json after = PriorityJson(r);
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "update", "province_priority",
                                   std::to_string(id), before, after));
  return after;
}

Status DeletePriority(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                      int64_t id) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(storage::Row row, LoadRow(tx, id));
  STIO_RETURN_IF_ERROR(SoftDeleteRecord(tx, "province_priorities", id, clock));
  return RecordAudit(tx, actor, clock, "delete", "province_priority", std::to_string(id),
                     PriorityJson(row), nullptr);
}

Result<Json> GetPriority(storage::Transaction& tx, int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadRow(tx, id));
  return PriorityJson(r);
}

Result<ListResult> ListPriorities(storage::Transaction& tx,
                                  const std::optional<std::string>& province_code,
                                  const ListParams& params) {
  std::string where = "province_priorities WHERE deleted_at IS NULL";
  std::vector<storage::Value> args;
  if (province_code) {
    if (Status s = CheckProvince(tx, *province_code); !s.ok()) return s.WithField("province_code");
    where += " AND province_code = ?";
    args.push_back(*province_code);
  }
  return PagedList(tx, "*", where, std::move(args), "province_code, kind, name, id", params,
                   [](const storage::Row& r) -> Result<Json> { return PriorityJson(r); });
}

Result<PriorityMatcher> PriorityMatcher::Load(storage::Transaction& tx, std::optional<int64_t> id,
                                              const std::optional<std::string>& province_code) {
  PriorityMatcher m;
  if (!id && !province_code) return m;
  std::string sql = "SELECT * FROM province_priorities WHERE deleted_at IS NULL";
  std::vector<storage::Value> args;
  if (id) {
    STIO_RETURN_IF_ERROR(LoadRow(tx, *id).status().WithField("priority"));
    sql += " AND id = ?";
    args.push_back(*id);
  }
  if (province_code) {
    if (Status s = CheckProvince(tx, *province_code); !s.ok()) {
      return s.WithField("priorities_of");
    }
    sql += " AND province_code = ?";
    args.push_back(*province_code);
  }
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query(sql + " ORDER BY kind, name, id", args));
  for (const auto& r : rows) {
    Priority p;
    p.id = r.Int("id");
    p.name = r.Text("name");
    p.kind = r.Text("kind");
    p.name_key = Padded(p.name);
    for (const Json& v : JsonListOf(r.Text("ipc_prefixes"))) p.ipc.push_back(v.get<std::string>());
    for (const Json& v : JsonListOf(r.Text("keywords"))) {
      p.keywords.push_back(v.get<std::string>());
      p.keyword_keys.push_back(Padded(v.get<std::string>()));
    }
    m.priorities_.push_back(std::move(p));
  }
  return m;
}

Json PriorityMatcher::Match(const Json& asset) const {
  Json out = Json::array();
  if (priorities_.empty()) return out;
  const auto text = [&](const char* k) {
    return asset.contains(k) && asset[k].is_string() ? asset[k].get<std::string>() : std::string();
  };
  std::vector<std::string> classes;
  if (asset.contains("classes") && asset["classes"].is_array()) {
    for (const Json& c : asset["classes"]) {
      if (c.is_string()) classes.push_back(c.get<std::string>());
    }
  }
  const std::string words = Padded(text("title") + " " + text("key_product") + " " +
                                   text("ocop_product") + " " + text("note"));
  const std::string products = Padded(text("key_product") + " " + text("ocop_product"));
  for (const Priority& p : priorities_) {
    Json by = Json::array();
    for (const std::string& prefix : p.ipc) {
      if (std::any_of(classes.begin(), classes.end(),
                      [&](const std::string& c) { return UnderPrefix(c, prefix); })) {
        by.push_back("ipc " + prefix);
      }
    }
    for (size_t i = 0; i < p.keywords.size(); ++i) {
      if (words.find(p.keyword_keys[i]) != std::string::npos)
        by.push_back("keyword " + p.keywords[i]);
    }
    if (p.kind == "key_product" && products.size() > 2 &&
        products.find(p.name_key) != std::string::npos) {
      by.push_back("key product");
    }
    if (!by.empty()) {
      out.push_back({{"id", p.id}, {"name", p.name}, {"kind", p.kind}, {"by", by}});
    }
  }
  return out;
}

}  // namespace stio::domain
