#include "domain/plans.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "core/crypto.h"
#include "core/strings.h"
#include "domain/indicators.h"
#include "domain/policy.h"
#include "domain/progress.h"
#include "domain/validation.h"
#include "text/normalize.h"

namespace stio::domain {
namespace {

using storage::Null;
using storage::Value;
using Kind = FieldSpec::Kind;

const FieldSpec kPlanFields[] = {
    {"code", Kind::kText, true, 60},
    {"name", Kind::kText, true, 500},
    {"issuing_decision", Kind::kText, false, 300},
    {"owner_agency", Kind::kText, false, 300},
    {"province_code", Kind::kText, false, 2},
    {"province_era", Kind::kEnum, false, 10, false, {"2025", "pre2025"}},
    {"source", Kind::kText, false, 2000, true},
    {"note", Kind::kText, false, 5000, true},
};
constexpr std::string_view kPlanExtra[] = {"period_from", "period_to", "version"};

const FieldSpec kTargetFields[] = {
    {"code", Kind::kText, false, 40},
    {"text_vi", Kind::kText, true, 2000, true},
    {"indicator", Kind::kText, false, 40},
    {"legal_basis", Kind::kText, false, 1000, true},
    {"responsible_agency", Kind::kText, false, 500},
    {"solutions", Kind::kText, false, 10000, true},
    {"data_source", Kind::kText, false, 1000, true},
    {"note", Kind::kText, false, 5000, true},
};
constexpr std::string_view kTargetExtra[] = {"baseline_value", "baseline_year", "target_value",
                                             "target_year",    "direction",     "budget_vnd",
                                             "version"};

// Numbers: real (finite) or year (1900..2100); absent -> not added; null -> Null.
Status Numbers(const Json& in, std::initializer_list<std::pair<const char*, bool>> names,
               std::vector<std::pair<std::string, Value>>& cols) {
  for (const auto& [name, is_year] : names) {
    auto it = in.find(name);
    if (it == in.end()) continue;
    if (it->is_null()) {
      cols.push_back({name, Null{}});
      continue;
    }
    // Quoted by appending: "'" + std::string(name) makes GCC 12 -O3 warn (-Wrestrict).
    const std::string quoted = std::string(1, '\'').append(name).append("'");
    if (!it->is_number()) return Status::InvalidArgument(quoted + " must be a number", name);
    const double d = it->get<double>();
    if (!std::isfinite(d)) return Status::InvalidArgument(quoted + " must be finite", name);
    if (is_year) {
      if (d != std::floor(d) || d < 1900 || d > 2100) {
        return Status::InvalidArgument(quoted + " must be a year (1900-2100)", name);
      }
      cols.push_back({name, static_cast<int64_t>(d)});
    } else {
      cols.push_back({name, d});
    }
  }
  return Status::Ok();
}

Status CheckPlanUnit(storage::Transaction& tx, const std::optional<std::string>& code,
                     const std::string& era) {
  if (!code) return Status::Ok();
  Status s = CheckUnit(tx, UnitRef{era, "province", *code}, "province_code");
  return s;
}

Status CheckPeriod(const std::vector<std::pair<std::string, Value>>& cols, const Json& stored) {
  std::optional<int64_t> from, to;
  if (stored.is_object()) {
    if (stored["period_from"].is_number()) from = stored["period_from"].get<int64_t>();
    if (stored["period_to"].is_number()) to = stored["period_to"].get<int64_t>();
  }
  for (const auto& [c, v] : cols) {
    if (c == "period_from") {
      if (!std::holds_alternative<int64_t>(v))
        return Status::InvalidArgument("'period_from' is required", "period_from");
      from = std::get<int64_t>(v);
    }
    if (c == "period_to") {
      if (!std::holds_alternative<int64_t>(v))
        return Status::InvalidArgument("'period_to' is required", "period_to");
      to = std::get<int64_t>(v);
    }
  }
  if (!from) return Status::InvalidArgument("'period_from' is required", "period_from");
  if (!to) return Status::InvalidArgument("'period_to' is required", "period_to");
  if (*to < *from)
    return Status::InvalidArgument("'period_to' is before 'period_from'", "period_to");
  return Status::Ok();
}

Result<Json> LoadPlanRow(storage::Transaction& tx, int64_t id) {
  auto r = tx.QueryOne(
      "SELECT p.*, u.full_name AS province_name FROM plans p LEFT JOIN admin_units u ON "
      "u.era = p.province_era AND u.level = 'province' AND u.code = p.province_code "
      "WHERE p.id = ? AND p.deleted_at IS NULL",
      {id});
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("plan " + std::to_string(id) + " does not exist");
  }
  if (!r.ok()) return r.status();
  Json j = RowToJson(*r);
  j.erase("deleted_at");
  return j;
}

Result<Json> LoadTarget(storage::Transaction& tx, int64_t id) {
  auto r = tx.QueryOne(
      "SELECT t.*, i.code AS indicator FROM plan_targets t LEFT JOIN indicators i "
      "ON i.id = t.indicator_id WHERE t.id = ? AND t.deleted_at IS NULL",
      {id});
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("target " + std::to_string(id) + " does not exist");
  }
  if (!r.ok()) return r.status();
  Json j = RowToJson(*r);
  j.erase("deleted_at");
  j.erase("match_key");
  return j;
}

Result<Json> TargetsOf(storage::Transaction& tx, int64_t plan_id) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM plan_targets WHERE plan_id = ? AND "
                                            "deleted_at IS NULL ORDER BY id",
                                            {plan_id}));
  Json out = Json::array();
  for (const auto& r : rows) {
    STIO_ASSIGN_OR_RETURN(Json t, LoadTarget(tx, r.Int("id")));
    out.push_back(std::move(t));
  }
  return out;
}

// Checked target columns from input (creating: text_vi required).
Result<std::vector<std::pair<std::string, Value>>> TargetColumns(storage::Transaction& tx,
                                                                 const Json& input, bool creating) {
  STIO_ASSIGN_OR_RETURN(auto f, CheckFields(input, kTargetFields, creating, kTargetExtra));
  if (creating && input.contains("version")) {
    return Status::InvalidArgument("unknown field 'version'", "version");
  }
  std::vector<std::pair<std::string, Value>> cols;
  for (const auto& fv : f) {
    if (fv.name == "indicator") continue;
    cols.push_back({fv.name, fv.value});
    if (fv.name == "text_vi" && std::holds_alternative<std::string>(fv.value)) {
      cols.push_back({"match_key", text::MatchKey(std::get<std::string>(fv.value))});
    }
  }
  if (const Value* ind = FindField(f, "indicator")) {
    if (std::holds_alternative<std::string>(*ind)) {
      Result<Json> i = GetIndicator(tx, std::get<std::string>(*ind));
      if (!i.ok()) return Status::InvalidArgument(i.status().message(), "indicator");
      cols.push_back({"indicator_id", (*i)["id"].get<int64_t>()});
      if (creating && !input.contains("direction")) {
        cols.push_back({"direction", (*i)["direction"].get<int64_t>()});
      }
    } else {
      cols.push_back({"indicator_id", Null{}});
    }
  }
  STIO_RETURN_IF_ERROR(Numbers(input,
                               {{"baseline_value", false},
                                {"baseline_year", true},
                                {"target_value", false},
                                {"target_year", true},
                                {"budget_vnd", false}},
                               cols));
  if (auto it = input.find("direction"); it != input.end()) {
    if (!it->is_number_integer() || (it->get<int64_t>() != 1 && it->get<int64_t>() != -1)) {
      return Status::InvalidArgument("'direction' must be 1 or -1", "direction");
    }
    cols.push_back({"direction", it->get<int64_t>()});
  }
  for (const auto& [c, v] : cols) {
    if (c == "budget_vnd" && std::holds_alternative<double>(v) && std::get<double>(v) < 0) {
      return Status::InvalidArgument("'budget_vnd' must not be negative", "budget_vnd");
    }
  }
  return cols;
}

std::vector<std::string> Tokens(std::string_view text) {
  std::string key = text::MatchKey(text);
  std::vector<std::string> out;
  std::string cur;
  for (char c : key) {
    if (std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) >= 0x80)) {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

double WordingSimilarity(std::string_view a, std::string_view b) {
  auto ta = Tokens(a), tb = Tokens(b);
  std::set<std::string> sa(ta.begin(), ta.end()), sb(tb.begin(), tb.end());
  if (sa.empty() && sb.empty()) return 1.0;
  size_t inter = 0;
  for (const auto& t : sa) inter += sb.count(t);
  const size_t uni = sa.size() + sb.size() - inter;
  return uni ? static_cast<double>(inter) / uni : 0.0;
}

Result<Json> CreatePlan(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(auto f, CheckFields(input, kPlanFields, true, kPlanExtra));
  if (input.contains("version"))
    return Status::InvalidArgument("unknown field 'version'", "version");
  std::vector<std::pair<std::string, Value>> cols;
  for (const auto& fv : f) cols.push_back({fv.name, fv.value});
  STIO_RETURN_IF_ERROR(Numbers(input, {{"period_from", true}, {"period_to", true}}, cols));
  STIO_RETURN_IF_ERROR(CheckPeriod(cols, nullptr));
  const std::string era = TextOf(f, "province_era").value_or("2025");
  STIO_RETURN_IF_ERROR(CheckPlanUnit(tx, TextOf(f, "province_code"), era));
  STIO_ASSIGN_OR_RETURN(auto dup,
                        tx.Query("SELECT id FROM plans WHERE code = ?", {*TextOf(f, "code")}));
  if (!dup.empty()) return Status::AlreadyExists("a plan with this code exists", "code");
  const std::string now = FormatTimestamp(clock.Now());
  cols.push_back({"created_at", now});
  cols.push_back({"updated_at", now});
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "plans", cols));
  STIO_ASSIGN_OR_RETURN(Json after, LoadPlanRow(tx, id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "plan", std::to_string(id), nullptr, after));
  return GetPlan(tx, id);
}

Result<Json> UpdatePlan(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t id, const Json& patch) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(Json before, LoadPlanRow(tx, id));
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  STIO_ASSIGN_OR_RETURN(auto f, CheckFields(patch, kPlanFields, false, kPlanExtra));
  std::vector<std::pair<std::string, Value>> cols;
  for (const auto& fv : f) cols.push_back({fv.name, fv.value});
  STIO_RETURN_IF_ERROR(Numbers(patch, {{"period_from", true}, {"period_to", true}}, cols));
  STIO_RETURN_IF_ERROR(CheckPeriod(cols, before));
  const std::string era =
      TextOf(f, "province_era").value_or(before["province_era"].get<std::string>());
  std::optional<std::string> prov = TextOf(f, "province_code");
  if (!FindField(f, "province_code") && before["province_code"].is_string()) {
    prov = before["province_code"].get<std::string>();
  }
  STIO_RETURN_IF_ERROR(CheckPlanUnit(tx, prov, era));
  if (auto c = TextOf(f, "code"); c && *c != before["code"]) {
    STIO_ASSIGN_OR_RETURN(auto dup, tx.Query("SELECT id FROM plans WHERE code = ?", {*c}));
    if (!dup.empty()) return Status::AlreadyExists("a plan with this code exists", "code");
  }
  cols.push_back({"updated_at", FormatTimestamp(clock.Now())});
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "plans", id, version, cols));
  STIO_ASSIGN_OR_RETURN(Json after, LoadPlanRow(tx, id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "update", "plan", std::to_string(id), before, after));
  return GetPlan(tx, id);
}

Result<Json> GetPlan(storage::Transaction& tx, int64_t id) {
  STIO_ASSIGN_OR_RETURN(Json plan, LoadPlanRow(tx, id));
  plan["carried_over_to"] = nullptr;
  if (plan["province_era"] == "pre2025" && plan["province_code"].is_string()) {
    STIO_ASSIGN_OR_RETURN(
        auto rows, tx.Query("SELECT n.code, n.full_name FROM admin_units o JOIN admin_units n ON "
                            "n.era = '2025' AND n.level = 'province' AND n.code = o.successor_code "
                            "WHERE o.era = 'pre2025' AND o.level = 'province' AND o.code = ?",
                            {plan["province_code"].get<std::string>()}));
    if (!rows.empty()) {
      plan["carried_over_to"] = {
          {"province_code", rows[0].Text("code")},
          {"province_name", rows[0].Text("full_name")},
          {"since", "2025-07-01"},
          {"note",
           "The plan's targets and recorded values stay with the pre-2025 province; on "
           "the 2025 map they are part of the successor's figures (sums of numerators "
           "and denominators over its predecessor provinces)."}};
    }
  }
  STIO_ASSIGN_OR_RETURN(plan["targets"], TargetsOf(tx, id));
  return plan;
}

Result<ListResult> ListPlans(storage::Transaction& tx, const std::optional<std::string>& province,
                             const ListParams& params) {
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  static constexpr SortKey kSorts[] = {{"code", "p.code"}, {"name", "p.name"}, {"id", "p.id"}};
  STIO_ASSIGN_OR_RETURN(std::string order, OrderBy(params, kSorts, "p.code ASC"));
  std::string where = " WHERE p.deleted_at IS NULL";
  std::vector<Value> args;
  if (province) {
    // A 2025 province finds its own plans and those of its predecessors.
    where +=
        " AND (p.province_code = ? OR (p.province_era = 'pre2025' AND p.province_code IN "
        "(SELECT code FROM admin_units WHERE era = 'pre2025' AND level = 'province' AND "
        "successor_code = ?)))";
    args.push_back(*province);
    args.push_back(*province);
  }
  return PagedList(tx,
                   "p.id, (SELECT COUNT(*) FROM plan_targets t WHERE t.plan_id = p.id AND "
                   "t.deleted_at IS NULL) AS targets",
                   "plans p" + where, std::move(args), order + ", p.id", params,
                   [&](const storage::Row& r) -> Result<Json> {
                     STIO_ASSIGN_OR_RETURN(Json p, LoadPlanRow(tx, r.Int("id")));
                     p["targets"] = r.Int("targets");
                     return p;
                   });
}

Result<Json> CreateTarget(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                          int64_t plan_id, const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_RETURN_IF_ERROR(LoadPlanRow(tx, plan_id).status());
  STIO_ASSIGN_OR_RETURN(auto cols, TargetColumns(tx, input, true));
  const std::string now = FormatTimestamp(clock.Now());
  cols.push_back({"plan_id", plan_id});
  cols.push_back({"created_at", now});
  cols.push_back({"updated_at", now});
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "plan_targets", cols));
  STIO_ASSIGN_OR_RETURN(Json after, LoadTarget(tx, id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "plan_target", std::to_string(id), nullptr, after));
  return after;
}

Result<Json> UpdateTarget(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                          int64_t id, const Json& patch) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(Json before, LoadTarget(tx, id));
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  STIO_ASSIGN_OR_RETURN(auto cols, TargetColumns(tx, patch, false));
  cols.push_back({"updated_at", FormatTimestamp(clock.Now())});
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "plan_targets", id, version, cols));
  STIO_ASSIGN_OR_RETURN(Json after, LoadTarget(tx, id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "update", "plan_target", std::to_string(id), before, after));
  return after;
}

Status DeleteTarget(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(Json before, LoadTarget(tx, id));
  STIO_RETURN_IF_ERROR(SoftDeleteRecord(tx, "plan_targets", id, clock));
  return RecordAudit(tx, actor, clock, "delete", "plan_target", std::to_string(id), before,
                     nullptr);
}

Result<Json> ReviewPlan(storage::Transaction& tx, int64_t plan_id) {
  STIO_RETURN_IF_ERROR(LoadPlanRow(tx, plan_id).status());
  STIO_ASSIGN_OR_RETURN(Json targets, TargetsOf(tx, plan_id));
  Json issues = Json::array();
  auto blank = [](const Json& v) {
    return v.is_null() || (v.is_string() && Trim(v.get<std::string>()).empty());
  };
  for (const Json& t : targets) {
    Json problems = Json::array();
    if (blank(t["legal_basis"])) problems.push_back("no_legal_basis");
    if (blank(t["solutions"])) problems.push_back("no_solution");
    if (blank(t["budget_vnd"])) problems.push_back("no_budget");
    if (blank(t["data_source"])) problems.push_back("no_data_source");
    if (t["indicator"].is_null()) problems.push_back("no_indicator");
    if (t["target_value"].is_null() || t["target_year"].is_null())
      problems.push_back("no_target_value");
    if (t["baseline_value"].is_null() || t["baseline_year"].is_null())
      problems.push_back("no_baseline");
    if (!problems.empty()) {
      issues.push_back({{"target_id", t["id"]}, {"code", t["code"]}, {"problems", problems}});
    }
  }
  Json dups = Json::array();
  for (size_t i = 0; i < targets.size(); ++i) {
    for (size_t j = i + 1; j < targets.size(); ++j) {
      const Json &a = targets[i], &b = targets[j];
      if (a["indicator"].is_string() && a["indicator"] == b["indicator"]) {
        dups.push_back({{"kind", "same_indicator"},
                        {"indicator", a["indicator"]},
                        {"target_ids", {a["id"], b["id"]}}});
      }
      const double sim =
          WordingSimilarity(a["text_vi"].get<std::string>(), b["text_vi"].get<std::string>());
      if (sim >= 0.8) {
        dups.push_back({{"kind", "similar_wording"},
                        {"similarity", std::round(sim * 1000) / 1000},
                        {"target_ids", {a["id"], b["id"]}}});
      }
    }
  }
  Json counts = Json::object();
  for (const Json& i : issues) {
    for (const Json& p : i["problems"])
      counts[p.get<std::string>()] = counts.value(p.get<std::string>(), 0) + 1;
  }
  return Json{{"plan_id", plan_id},
              {"targets", targets.size()},
              {"issues", issues},
              {"problem_counts", counts},
              {"duplicates", dups}};
}

Result<Json> PlanScorecard(storage::Transaction& tx, const Clock& clock, int64_t plan_id) {
  STIO_ASSIGN_OR_RETURN(Json plan, GetPlan(tx, plan_id));
  const int this_year = static_cast<int>(*ParseInt(FormatTimestamp(clock.Now()).substr(0, 4)));
  std::optional<UnitRef> unit;
  if (plan["province_code"].is_string()) {
    unit = UnitRef{plan["province_era"], "province", plan["province_code"]};
  }
  Json rows = Json::array();
  Json summary = Json::object();
  for (const Json& t : plan["targets"]) {
    TargetInput in;
    if (t["baseline_value"].is_number()) in.baseline = t["baseline_value"].get<double>();
    if (t["baseline_year"].is_number()) in.baseline_year = t["baseline_year"].get<int>();
    if (t["target_value"].is_number()) in.target = t["target_value"].get<double>();
    if (t["target_year"].is_number()) in.target_year = t["target_year"].get<int>();
    in.direction = t["direction"].get<int>();
    Json observed = Json::array();
    Json successor = nullptr;
    if (unit && t["indicator"].is_string()) {
      const int from = std::min(in.baseline_year.value_or(plan["period_from"].get<int>()),
                                plan["period_from"].get<int>());
      const int to = std::min(
          this_year, std::max(in.target_year.value_or(this_year), plan["period_to"].get<int>()));
      STIO_ASSIGN_OR_RETURN(auto ys, YearlyValues(tx, t["indicator"], *unit, from - 5, to));
      for (const auto& [y, v] : ys) {
        in.observed.push_back({y, v});
        observed.push_back({{"year", y}, {"value", v}});
      }
      if (plan["carried_over_to"].is_object()) {
        // The same indicator on the successor (2025) province: its figures include this
        // province's pre-2025 values, and go on after the merger.
        const UnitRef next{"2025", "province", plan["carried_over_to"]["province_code"]};
        STIO_ASSIGN_OR_RETURN(auto ns, YearlyValues(tx, t["indicator"], next, from - 5, to));
        Json succ = Json::array();
        for (const auto& [y, v] : ns) succ.push_back({{"year", y}, {"value", v}});
        successor = std::move(succ);
      }
    }
    Assessment a = AssessTarget(in);
    auto opt = [](const auto& v) { return v ? Json(*v) : Json(); };
    Json proj = nullptr;
    if (a.projection) {
      proj = {{"year", a.projection->year},        {"value", a.projection->value},
              {"slope", a.projection->slope},      {"points", a.projection->points},
              {"lower", opt(a.projection->lower)}, {"upper", opt(a.projection->upper)}};
    }
    Json as = {{"status", a.status},
               {"method", a.method.empty() ? Json() : Json(a.method)},
               {"base_value", opt(a.base_value)},
               {"base_year", opt(a.base_year)},
               {"latest_value", opt(a.latest_value)},
               {"latest_year", opt(a.latest_year)},
               {"progress", opt(a.progress)},
               {"rate_observed", opt(a.rate_observed)},
               {"rate_required", opt(a.rate_required)},
               {"ratio", opt(a.ratio)},
               {"deterioration", a.deterioration},
               {"yearly_effort", opt(a.yearly_effort)},
               {"projection", proj},
               {"notes", a.notes}};
    summary[a.status] = summary.value(a.status, 0) + 1;
    Json row = {{"target", t}, {"observed", observed}, {"assessment", as}};
    if (plan["carried_over_to"].is_object()) {
      row["successor_observed"] = successor;
      as["notes"].push_back(
          "the target was set for the pre-2025 province; the successor's figures "
          "(successor_observed) cover a larger area: rates compare, counts do not");
      row["assessment"] = as;
    }
    rows.push_back(std::move(row));
  }
  plan.erase("targets");
  return Json{{"plan", plan},
              {"unit", unit ? Json{{"era", unit->era}, {"level", "province"}, {"code", unit->code}}
                            : Json()},
              {"year", this_year},
              {"targets", rows},
              {"summary", summary}};
}

Result<int> LoadPlanData(storage::Database& db, const std::string& data_dir, const Clock& clock) {
  const std::string path = data_dir + "/plans/plans.json";
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
  int loaded = 0;
  const Actor system = Actor::System("data/plans");
  Status s = storage::WithTransaction(db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(auto cur, tx.Query("SELECT checksum FROM reference_datasets WHERE name = "
                                             "'plans'"));
    if (!cur.empty() && cur[0].Text("checksum") == checksum) return Status::Ok();
    for (const Json& e : doc.value("data_elements", Json::array())) {
      STIO_ASSIGN_OR_RETURN(auto have, tx.Query("SELECT id FROM data_elements WHERE code = ?",
                                                {e.value("code", "")}));
      if (!have.empty()) continue;
      Result<Json> r = CreateDataElement(tx, system, clock, e);
      if (!r.ok()) return r.status().WithContext("data element " + e.value("code", "?"));
    }
    for (const Json& i : doc.value("indicators", Json::array())) {
      STIO_ASSIGN_OR_RETURN(
          auto have, tx.Query("SELECT id FROM indicators WHERE code = ?", {i.value("code", "")}));
      if (!have.empty()) continue;
      Result<Json> r = CreateIndicator(tx, system, clock, i);
      if (!r.ok()) return r.status().WithContext("indicator " + i.value("code", "?"));
    }
    for (const Json& p : doc.value("plans", Json::array())) {
      const std::string code = p.value("code", "");
      STIO_ASSIGN_OR_RETURN(auto have, tx.Query("SELECT id FROM plans WHERE code = ?", {code}));
      const std::string now = FormatTimestamp(clock.Now());
      if (!have.empty()) {
        // Replaced: the old one is retired (soft-deleted, code freed) and its targets with it.
        const int64_t old = have[0].Int("id");
        STIO_RETURN_IF_ERROR(tx.Execute("UPDATE plan_targets SET deleted_at = ? WHERE plan_id = ? "
                                        "AND deleted_at IS NULL",
                                        {now, old})
                                 .status());
        STIO_RETURN_IF_ERROR(tx.Execute("UPDATE plans SET deleted_at = ?, code = ? WHERE id = ?",
                                        {now, code + "~" + std::to_string(old), old})
                                 .status());
      }
      Json head = p;
      head.erase("targets");
      Result<Json> plan = CreatePlan(tx, system, clock, head);
      if (!plan.ok()) return plan.status().WithContext("plan " + code);
      for (const Json& t : p.value("targets", Json::array())) {
        Result<Json> r = CreateTarget(tx, system, clock, (*plan)["id"].get<int64_t>(), t);
        if (!r.ok())
          return r.status().WithContext("plan " + code + " target " + t.value("code", "?"));
      }
      ++loaded;
    }
    return tx
        .Execute(
            "INSERT INTO reference_datasets (name, checksum, rows, loaded_at) VALUES "
            "('plans', ?, ?, ?) ON CONFLICT (name) DO UPDATE SET checksum = "
            "excluded.checksum, rows = excluded.rows, loaded_at = excluded.loaded_at",
            {checksum, int64_t{loaded}, FormatTimestamp(clock.Now())})
        .status();
  });
  STIO_RETURN_IF_ERROR(s);
  return loaded;
}

}  // namespace stio::domain
