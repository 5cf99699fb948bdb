#include "domain/indicators.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include "core/strings.h"
#include "domain/ip.h"
#include "domain/policy.h"
#include "domain/progress.h"
#include "domain/reference.h"
#include "domain/validation.h"
#include "text/normalize.h"

namespace stio::domain {
namespace {

using storage::Null;
using storage::Value;
using Kind = FieldSpec::Kind;

// ---------------------------------------------------------------------------------------------
// Small helpers

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Ymd(int y, int m, int d) {
  char buf[48];  // room for any int, so that -Wformat-truncation has nothing to say
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

// A code: a letter, then letters, digits, '_' or '.'; at most 40 characters.
Result<std::string> NormalizeCode(std::string_view s) {
  bool ok = !s.empty() && s.size() <= 40 && std::isalpha(static_cast<unsigned char>(s[0]));
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') ok = false;
  }
  if (!ok) {
    return Status::InvalidArgument(
        "a code starts with a letter and has only letters, digits, '_' and '.' (at most 40)");
  }
  return std::string(s);
}

// A JSON number field: absent -> nullopt; null -> Null; otherwise a finite double.
Result<std::optional<Value>> NumberField(const Json& input, const std::string& name) {
  auto it = input.find(name);
  if (it == input.end()) return std::optional<Value>();
  if (it->is_null()) return std::optional<Value>(Value(Null{}));
  if (!it->is_number()) return Status::InvalidArgument("'" + name + "' must be a number", name);
  double d = it->get<double>();
  if (!std::isfinite(d)) return Status::InvalidArgument("'" + name + "' must be finite", name);
  return std::optional<Value>(Value(d));
}

// ---------------------------------------------------------------------------------------------
// Formulas

struct Node {
  enum class Op { kNum, kRef, kAdd, kSub, kMul, kDiv, kNeg } op = Op::kNum;
  double num = 0;
  std::string ref;
  std::unique_ptr<Node> a, b;
};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<std::unique_ptr<Node>> Parse() {
    STIO_ASSIGN_OR_RETURN(auto n, Sum());
    Skip();
    if (pos_ != s_.size()) return Error("unexpected '" + std::string(1, s_[pos_]) + "'");
    return n;
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("formula '" + std::string(s_) + "': " + what + " at position " +
                                   std::to_string(pos_ + 1));
  }
  void Skip() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  Result<std::unique_ptr<Node>> Sum() {
    STIO_ASSIGN_OR_RETURN(auto left, Product());
    for (;;) {
      Skip();
      if (pos_ >= s_.size() || (s_[pos_] != '+' && s_[pos_] != '-')) return left;
      auto n = std::make_unique<Node>();
      n->op = s_[pos_++] == '+' ? Node::Op::kAdd : Node::Op::kSub;
      n->a = std::move(left);
      STIO_ASSIGN_OR_RETURN(n->b, Product());
      left = std::move(n);
    }
  }
  Result<std::unique_ptr<Node>> Product() {
    STIO_ASSIGN_OR_RETURN(auto left, Unary());
    for (;;) {
      Skip();
      if (pos_ >= s_.size() || (s_[pos_] != '*' && s_[pos_] != '/')) return left;
      auto n = std::make_unique<Node>();
      n->op = s_[pos_++] == '*' ? Node::Op::kMul : Node::Op::kDiv;
      n->a = std::move(left);
      STIO_ASSIGN_OR_RETURN(n->b, Unary());
      left = std::move(n);
    }
  }
  Result<std::unique_ptr<Node>> Unary() {
    Skip();
    if (pos_ < s_.size() && s_[pos_] == '-') {
      ++pos_;
      auto n = std::make_unique<Node>();
      n->op = Node::Op::kNeg;
      STIO_ASSIGN_OR_RETURN(n->a, Unary());
      return n;
    }
    return Atom();
  }
  Result<std::unique_ptr<Node>> Atom() {
    Skip();
    if (pos_ >= s_.size()) return Error("unexpected end");
    if (++depth_ > 50) return Error("too deeply nested");
    const char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      STIO_ASSIGN_OR_RETURN(auto n, Sum());
      Skip();
      if (pos_ >= s_.size() || s_[pos_] != ')') return Error("missing ')'");
      ++pos_;
      --depth_;
      return n;
    }
    auto n = std::make_unique<Node>();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      size_t start = pos_;
      while (pos_ < s_.size() &&
             (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) {
        ++pos_;
      }
      auto d = ParseDouble(s_.substr(start, pos_ - start));
      if (!d) return Error("bad number");
      n->num = *d;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t start = pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                  s_[pos_] == '_' || s_[pos_] == '.')) {
        ++pos_;
      }
      n->op = Node::Op::kRef;
      n->ref = std::string(s_.substr(start, pos_ - start));
    } else {
      return Error("unexpected '" + std::string(1, c) + "'");
    }
    --depth_;
    return n;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
};

void CollectRefs(const Node& n, std::vector<std::string>& out) {
  if (n.op == Node::Op::kRef && std::find(out.begin(), out.end(), n.ref) == out.end()) {
    out.push_back(n.ref);
  }
  if (n.a) CollectRefs(*n.a, out);
  if (n.b) CollectRefs(*n.b, out);
}

// ---------------------------------------------------------------------------------------------
// Field specs

const FieldSpec kElementFields[] = {
    {"code", Kind::kText, true, 40, false, {}, &NormalizeCode},
    {"name_vi", Kind::kText, true, 300},
    {"name_en", Kind::kText, false, 300},
    {"unit", Kind::kText, false, 50},
    {"aggregation", Kind::kEnum, true, 10, false, {"sum", "average", "last"}},
    {"value_type", Kind::kEnum, true, 10, false, {"number", "integer", "percent"}},
    {"description", Kind::kText, false, 5000, true},
    {"derived_from", Kind::kText, false, 100},
};

const FieldSpec kIndicatorFields[] = {
    {"code", Kind::kText, true, 40, false, {}, &NormalizeCode},
    {"name_vi", Kind::kText, true, 300},
    {"name_en", Kind::kText, false, 300},
    {"numerator", Kind::kText, true, 1000},
    {"denominator", Kind::kText, false, 1000},
    {"unit", Kind::kText, false, 50},
    {"definition", Kind::kText, false, 5000, true},
    {"source", Kind::kText, false, 1000, true},
};
constexpr std::string_view kIndicatorExtra[] = {"factor", "direction", "version"};
constexpr std::string_view kVersionOnly[] = {"version"};

const std::set<std::string>& RegistryKinds() {
  static const std::set<std::string> kinds = {
      "enterprise", "research_institute", "university", "state_agency", "startup", "other"};
  return kinds;
}

// "collective_mark,certification_mark" -> both kinds (an element may count several IP kinds).
std::vector<std::string> IpKindsOf(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    out.emplace_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Status CheckDerivedFrom(const std::optional<std::string>& d) {
  if (!d) return Status::Ok();
  if (*d == "registry:st_enterprises_active" || *d == "registry:organizations" ||
      *d == "registry:transfer_contracts" || *d == "registry:transfer_contracts_value") {
    return Status::Ok();
  }
  const std::string prefix = "registry:organizations:";
  if (d->rfind(prefix, 0) == 0 && RegistryKinds().count(d->substr(prefix.size()))) {
    return Status::Ok();
  }
  for (const std::string ip : {"registry:ip_applications", "registry:ip_grants"}) {
    if (*d == ip) return Status::Ok();
    if (d->rfind(ip + ":", 0) == 0) {
      const auto kinds = IpKindsOf(d->substr(ip.size() + 1));
      if (!kinds.empty() && std::all_of(kinds.begin(), kinds.end(),
                                        [](const std::string& k) { return IsIpKind(k); })) {
        return Status::Ok();
      }
    }
  }
  return Status::InvalidArgument(
      "derived_from must be registry:st_enterprises_active, registry:organizations, "
      "registry:organizations:<kind>, registry:transfer_contracts, "
      "registry:transfer_contracts_value, registry:ip_applications[:<kind>[,<kind>...]] or "
      "registry:ip_grants[:<kind>[,<kind>...]]",
      "derived_from");
}

Result<storage::Row> LoadByCode(storage::Transaction& tx, std::string_view table,
                                const std::string& code, std::string_view what) {
  auto row = tx.QueryOne("SELECT * FROM " + std::string(table) + " WHERE code = ?", {code});
  if (!row.ok() && row.status().code() == StatusCode::kNotFound) {
    return Status::NotFound(std::string(what) + " '" + code + "' does not exist");
  }
  return row;
}

Json IndicatorJson(const storage::Row& r) {
  Json j = RowToJson(r);
  return j;
}

// The value of a subexpression whatever its codes' values: a number, or a product with a constant
// zero factor (nullopt if it depends on the data).
std::optional<double> ConstantValue(const Node& n) {
  using Op = Node::Op;
  if (n.op == Op::kNum) return n.num;
  if (n.op == Op::kRef) return std::nullopt;
  auto a = ConstantValue(*n.a);
  if (n.op == Op::kNeg) return a ? std::optional<double>(-*a) : std::nullopt;
  auto b = ConstantValue(*n.b);
  if (n.op == Op::kMul && ((a && *a == 0) || (b && *b == 0))) return 0.0;
  if (!a || !b) return std::nullopt;
  switch (n.op) {
    case Op::kAdd:
      return *a + *b;
    case Op::kSub:
      return *a - *b;
    case Op::kMul:
      return *a * *b;
    default:
      if (*b == 0) return std::nullopt;
      return *a / *b;
  }
}

// A division whose divisor is a constant zero ("X / 0", "X / (2 - 2)") anywhere in `n`.
bool DividesByConstantZero(const Node& n) {
  if (n.op == Node::Op::kDiv) {
    if (auto b = ConstantValue(*n.b); b && *b == 0) return true;
  }
  if (n.a && DividesByConstantZero(*n.a)) return true;
  if (n.b && DividesByConstantZero(*n.b)) return true;
  return false;
}

// Every code of `expr` is a data element or an indicator; and following indicators never leads
// back to `self`; no division by a constant zero, and a denominator is not a constant zero.
Status CheckFormula(storage::Transaction& tx, const std::string& self, const std::string& expr,
                    const std::string& field) {
  Result<std::vector<std::string>> codes = FormulaCodes(expr);
  if (!codes.ok()) return codes.status().WithField(field);
  {
    Parser parser(expr);
    STIO_ASSIGN_OR_RETURN(auto node, parser.Parse());
    if (DividesByConstantZero(*node)) {
      return Status::InvalidArgument("the formula divides by zero: '" + expr + "'", field);
    }
    if (field == "denominator") {
      if (auto c = ConstantValue(*node); c && *c == 0) {
        return Status::InvalidArgument("the denominator is zero: '" + expr + "'", field);
      }
    }
  }
  for (const std::string& c : *codes) {
    STIO_ASSIGN_OR_RETURN(auto de, tx.Query("SELECT id FROM data_elements WHERE code = ?", {c}));
    if (!de.empty()) continue;
    if (c == self) {
      return Status::InvalidArgument("the formula refers to itself: " + self + " -> " + self,
                                     field);
    }
    STIO_ASSIGN_OR_RETURN(auto ind, tx.Query("SELECT id FROM indicators WHERE code = ?", {c}));
    if (ind.empty()) {
      return Status::InvalidArgument("'" + c + "' is neither a data element nor an indicator",
                                     field);
    }
  }
  // Depth-first search through indicators, looking for `self`.
  std::vector<std::string> chain = {self};
  std::set<std::string> done;
  std::function<Status(const std::vector<std::string>&)> visit =
      [&](const std::vector<std::string>& refs) -> Status {
    for (const std::string& c : refs) {
      if (c == self) {
        std::string path;
        for (const auto& p : chain) path += p + " -> ";
        return Status::InvalidArgument("the formula refers to itself: " + path + self, field);
      }
      if (done.count(c)) continue;
      STIO_ASSIGN_OR_RETURN(
          auto rows, tx.Query("SELECT numerator, denominator FROM indicators WHERE code = ?", {c}));
      if (rows.empty()) continue;  // a data element
      std::vector<std::string> next;
      for (const char* col : {"numerator", "denominator"}) {
        if (auto e = rows[0].OptText(col)) {
          if (auto n = FormulaCodes(*e); n.ok()) next.insert(next.end(), n->begin(), n->end());
        }
      }
      chain.push_back(c);
      STIO_RETURN_IF_ERROR(visit(next));
      chain.pop_back();
      done.insert(c);
    }
    return Status::Ok();
  };
  return visit(*codes);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Periods

std::string Period::ToString() const {
  char buf[16];
  if (quarter) {
    std::snprintf(buf, sizeof buf, "%04dQ%d", year, quarter);
  } else if (month) {
    std::snprintf(buf, sizeof buf, "%04d%02d", year, month);
  } else {
    std::snprintf(buf, sizeof buf, "%04d", year);
  }
  return buf;
}

std::string Period::StartDate() const {
  if (quarter) return Ymd(year, 3 * quarter - 2, 1);
  if (month) return Ymd(year, month, 1);
  return Ymd(year, 1, 1);
}

std::string Period::EndDate() const {
  if (quarter) return Ymd(year, 3 * quarter, DaysInMonth(year, 3 * quarter));
  if (month) return Ymd(year, month, DaysInMonth(year, month));
  return Ymd(year, 12, 31);
}

Result<Period> ParsePeriod(std::string_view t) {
  auto bad = [&](const std::string& why) {
    // Appended rather than "'" + std::string(t): GCC 12 at -O3 warns (-Wrestrict) on the latter.
    std::string msg(1, '\'');
    msg.append(t).append("' is not a period (YYYY, YYYYQn or YYYYMM): ").append(why);
    return Status::InvalidArgument(msg, "period");
  };
  if (t.size() < 4 || !IsDigits(t.substr(0, 4))) return bad("it must start with a year");
  Period p;
  p.year = static_cast<int>(*ParseInt(t.substr(0, 4)));
  if (p.year < 1900 || p.year > 2100) return bad("the year must be between 1900 and 2100");
  if (t.size() == 4) return p;
  if (t.size() == 6 && (t[4] == 'Q' || t[4] == 'q') && t[5] >= '1' && t[5] <= '4') {
    p.quarter = t[5] - '0';
    return p;
  }
  if (t.size() == 6 && (t[4] == 'Q' || t[4] == 'q')) return bad("quarters are Q1 to Q4");
  if (t.size() == 6 && IsDigits(t.substr(4))) {
    p.month = static_cast<int>(*ParseInt(t.substr(4)));
    if (p.month < 1 || p.month > 12) return bad("months are 01 to 12");
    return p;
  }
  return bad("unknown form");
}

Result<std::vector<std::string>> FormulaCodes(std::string_view expression) {
  if (Trim(expression).empty()) return Status::InvalidArgument("the formula is empty");
  if (expression.size() > 1000) return Status::InvalidArgument("the formula is too long");
  Parser p(expression);
  STIO_ASSIGN_OR_RETURN(auto node, p.Parse());
  std::vector<std::string> out;
  CollectRefs(*node, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Data elements

Result<Json> CreateDataElement(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                               const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(auto f, CheckFields(input, kElementFields, true));
  STIO_RETURN_IF_ERROR(CheckDerivedFrom(TextOf(f, "derived_from")));
  const std::string code = *TextOf(f, "code");
  STIO_ASSIGN_OR_RETURN(auto dup, tx.Query("SELECT 1 FROM data_elements WHERE code = ? UNION ALL "
                                           "SELECT 1 FROM indicators WHERE code = ?",
                                           {code, code}));
  if (!dup.empty()) {
    return Status::AlreadyExists("the code '" + code + "' is already used", "code");
  }
  const std::string now = FormatTimestamp(clock.Now());
  std::vector<std::pair<std::string, Value>> cols;
  for (const auto& fv : f) cols.push_back({fv.name, fv.value});
  cols.push_back({"created_at", now});
  cols.push_back({"updated_at", now});
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "data_elements", cols));
  STIO_ASSIGN_OR_RETURN(Json after, GetDataElement(tx, code));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "data_element", std::to_string(id), nullptr, after));
  return after;
}

Result<Json> UpdateDataElement(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                               const std::string& code, const Json& patch) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(Json before, GetDataElement(tx, code));
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  STIO_ASSIGN_OR_RETURN(auto f, CheckFields(patch, kElementFields, false, kVersionOnly));
  if (auto c = TextOf(f, "code"); c && *c != code) {
    return Status::InvalidArgument("a code cannot be changed (formulas refer to it)", "code");
  }
  STIO_RETURN_IF_ERROR(CheckDerivedFrom(TextOf(f, "derived_from")));
  std::vector<std::pair<std::string, Value>> cols;
  for (const auto& fv : f) cols.push_back({fv.name, fv.value});
  cols.push_back({"updated_at", FormatTimestamp(clock.Now())});
  const int64_t id = before["id"];
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "data_elements", id, version, cols));
  STIO_ASSIGN_OR_RETURN(Json after, GetDataElement(tx, code));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "update", "data_element", std::to_string(id), before, after));
  return after;
}

Result<Json> GetDataElement(storage::Transaction& tx, const std::string& code) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadByCode(tx, "data_elements", code, "data element"));
  return RowToJson(r);
}

Result<ListResult> ListDataElements(storage::Transaction& tx, const std::optional<std::string>& q,
                                    const ListParams& params) {
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  static constexpr SortKey kSorts[] = {{"code", "code"}, {"name", "name_vi"}, {"id", "id"}};
  STIO_ASSIGN_OR_RETURN(std::string order, OrderBy(params, kSorts, "code ASC"));
  std::string where = " WHERE 1=1";
  std::vector<Value> args;
  if (q && !Trim(*q).empty()) {
    where +=
        " AND (code LIKE ? ESCAPE '\\' OR name_vi LIKE ? ESCAPE '\\' OR "
        "name_en LIKE ? ESCAPE '\\')";
    const std::string like = LikeContains(std::string(Trim(*q)));
    args.insert(args.end(), {like, like, like});
  }
  return PagedList(tx, "*", "data_elements" + where, std::move(args), order + ", id", params,
                   [](const storage::Row& r) -> Result<Json> { return RowToJson(r); });
}

// ---------------------------------------------------------------------------------------------
// Indicators

namespace {

// factor (> 0) and direction (1 or -1) from the input; absent -> not set.
Status NumericIndicatorFields(const Json& input, std::vector<std::pair<std::string, Value>>& cols) {
  STIO_ASSIGN_OR_RETURN(auto factor, NumberField(input, "factor"));
  if (factor) {
    if (std::holds_alternative<Null>(*factor) || std::get<double>(*factor) <= 0) {
      return Status::InvalidArgument("'factor' must be a positive number", "factor");
    }
    cols.push_back({"factor", *factor});
  }
  auto it = input.find("direction");
  if (it != input.end()) {
    if (!it->is_number_integer() || (it->get<int64_t>() != 1 && it->get<int64_t>() != -1)) {
      return Status::InvalidArgument(
          "'direction' must be 1 (higher is better) or -1 (lower is "
          "better)",
          "direction");
    }
    cols.push_back({"direction", it->get<int64_t>()});
  }
  return Status::Ok();
}

}  // namespace

Result<Json> CreateIndicator(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                             const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(auto f, CheckFields(input, kIndicatorFields, true, kIndicatorExtra));
  if (input.contains("version"))
    return Status::InvalidArgument("unknown field 'version'", "version");
  std::vector<std::pair<std::string, Value>> cols;
  for (const auto& fv : f) cols.push_back({fv.name, fv.value});
  STIO_RETURN_IF_ERROR(NumericIndicatorFields(input, cols));
  if (!input.contains("direction")) cols.push_back({"direction", int64_t{1}});
  const std::string code = *TextOf(f, "code");
  STIO_ASSIGN_OR_RETURN(auto dup, tx.Query("SELECT 1 FROM data_elements WHERE code = ? UNION ALL "
                                           "SELECT 1 FROM indicators WHERE code = ?",
                                           {code, code}));
  if (!dup.empty()) {
    return Status::AlreadyExists("the code '" + code + "' is already used", "code");
  }
  STIO_RETURN_IF_ERROR(CheckFormula(tx, code, *TextOf(f, "numerator"), "numerator"));
  if (auto d = TextOf(f, "denominator")) {
    STIO_RETURN_IF_ERROR(CheckFormula(tx, code, *d, "denominator"));
  }
  const std::string now = FormatTimestamp(clock.Now());
  cols.push_back({"created_at", now});
  cols.push_back({"updated_at", now});
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "indicators", cols));
  STIO_ASSIGN_OR_RETURN(Json after, GetIndicator(tx, code));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "indicator", std::to_string(id), nullptr, after));
  return after;
}

Result<Json> UpdateIndicator(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                             const std::string& code, const Json& patch) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(Json before, GetIndicator(tx, code));
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  STIO_ASSIGN_OR_RETURN(auto f, CheckFields(patch, kIndicatorFields, false, kIndicatorExtra));
  if (auto c = TextOf(f, "code"); c && *c != code) {
    return Status::InvalidArgument("a code cannot be changed (formulas refer to it)", "code");
  }
  std::vector<std::pair<std::string, Value>> cols;
  for (const auto& fv : f) cols.push_back({fv.name, fv.value});
  STIO_RETURN_IF_ERROR(NumericIndicatorFields(patch, cols));
  if (auto n = TextOf(f, "numerator"))
    STIO_RETURN_IF_ERROR(CheckFormula(tx, code, *n, "numerator"));
  if (auto d = TextOf(f, "denominator")) {
    STIO_RETURN_IF_ERROR(CheckFormula(tx, code, *d, "denominator"));
  }
  cols.push_back({"updated_at", FormatTimestamp(clock.Now())});
  const int64_t id = before["id"];
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "indicators", id, version, cols));
  STIO_ASSIGN_OR_RETURN(Json after, GetIndicator(tx, code));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "update", "indicator", std::to_string(id), before, after));
  return after;
}

Result<Json> GetIndicator(storage::Transaction& tx, const std::string& code) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadByCode(tx, "indicators", code, "indicator"));
  return IndicatorJson(r);
}

Result<ListResult> ListIndicators(storage::Transaction& tx, const std::optional<std::string>& q,
                                  const ListParams& params) {
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  static constexpr SortKey kSorts[] = {{"code", "code"}, {"name", "name_vi"}, {"id", "id"}};
  STIO_ASSIGN_OR_RETURN(std::string order, OrderBy(params, kSorts, "code ASC"));
  std::string where = " WHERE 1=1";
  std::vector<Value> args;
  if (q && !Trim(*q).empty()) {
    where +=
        " AND (code LIKE ? ESCAPE '\\' OR name_vi LIKE ? ESCAPE '\\' OR "
        "name_en LIKE ? ESCAPE '\\')";
    const std::string like = LikeContains(std::string(Trim(*q)));
    args.insert(args.end(), {like, like, like});
  }
  return PagedList(tx, "*", "indicators" + where, std::move(args), order + ", id", params,
                   [](const storage::Row& r) -> Result<Json> { return IndicatorJson(r); });
}

// ---------------------------------------------------------------------------------------------
// Validation rules

namespace {

constexpr std::string_view kRuleSelect =
    "SELECT r.*, a.code AS data_element, b.code AS other_element FROM validation_rules r "
    "JOIN data_elements a ON a.id = r.data_element_id "
    "LEFT JOIN data_elements b ON b.id = r.other_element_id";

Json RuleJson(const storage::Row& r) { return RowToJson(r); }

Result<Json> LoadRule(storage::Transaction& tx, const std::string& where, Value key) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kRuleSelect) + " WHERE " + where, {key}));
  if (rows.empty()) return Status::NotFound("validation rule does not exist");
  return RuleJson(rows[0]);
}

}  // namespace

Result<Json> CreateValidationRule(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                  const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  static const FieldSpec kRuleFields[] = {
      {"code", Kind::kText, true, 40, false, {}, &NormalizeCode},
      {"data_element", Kind::kText, true, 40},
      {"operator", Kind::kEnum, false, 2, false, {"<=", "<", ">=", ">"}},
      {"other_element", Kind::kText, false, 40},
      {"message", Kind::kText, false, 500},
  };
  static constexpr std::string_view kNumbers[] = {"min_value", "max_value"};
  STIO_ASSIGN_OR_RETURN(auto f, CheckFields(input, kRuleFields, true, kNumbers));
  Result<Json> el = GetDataElement(tx, *TextOf(f, "data_element"));
  if (!el.ok()) return Status::InvalidArgument(el.status().message(), "data_element");
  auto derived = [](const Json& e) {
    return e["derived_from"].is_string() && !e["derived_from"].get<std::string>().empty();
  };
  if (derived(*el)) {
    return Status::InvalidArgument(
        "rules check entered values; this data element is derived from the registry",
        "data_element");
  }
  std::vector<std::pair<std::string, Value>> cols = {
      {"code", *TextOf(f, "code")}, {"data_element_id", (*el)["id"].get<int64_t>()}};
  std::optional<double> bounds[2];
  for (int i = 0; i < 2; ++i) {
    const std::string name(kNumbers[i]);
    STIO_ASSIGN_OR_RETURN(auto v, NumberField(input, name));
    if (v) cols.push_back({name, *v});
    if (v && std::holds_alternative<double>(*v)) bounds[i] = std::get<double>(*v);
  }
  if (bounds[0] && bounds[1] && *bounds[0] > *bounds[1]) {
    return Status::InvalidArgument("'max_value' is below 'min_value'", "max_value");
  }
  auto op = TextOf(f, "operator");
  auto other = TextOf(f, "other_element");
  if (op.has_value() != other.has_value()) {
    return Status::InvalidArgument("'operator' and 'other_element' go together",
                                   op ? "other_element" : "operator");
  }
  if (!bounds[0] && !bounds[1] && !op) {
    return Status::InvalidArgument(
        "a rule needs a range (min_value, max_value) or a comparison (operator, other_element)",
        "min_value");
  }
  if (other) {
    if (*other == *TextOf(f, "data_element")) {
      return Status::InvalidArgument("a data element is not compared with itself", "other_element");
    }
    Result<Json> o = GetDataElement(tx, *other);
    if (!o.ok()) return Status::InvalidArgument(o.status().message(), "other_element");
    if (derived(*o)) {
      return Status::InvalidArgument(
          "rules check entered values; this data element is derived from the registry",
          "other_element");
    }
    cols.push_back({"operator", *op});
    cols.push_back({"other_element_id", (*o)["id"].get<int64_t>()});
  }
  if (auto m = TextOf(f, "message")) cols.push_back({"message", *m});
  STIO_ASSIGN_OR_RETURN(
      auto dup, tx.Query("SELECT id FROM validation_rules WHERE code = ?", {*TextOf(f, "code")}));
  if (!dup.empty()) return Status::AlreadyExists("the rule code is already used", "code");
  cols.push_back({"created_at", FormatTimestamp(clock.Now())});
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "validation_rules", cols));
  STIO_ASSIGN_OR_RETURN(Json after, LoadRule(tx, "r.id = ?", id));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "create", "validation_rule",
                                   std::to_string(id), nullptr, after));
  return after;
}

Result<Json> ListValidationRules(storage::Transaction& tx,
                                 const std::optional<std::string>& data_element) {
  std::string where = data_element ? " WHERE a.code = ? OR b.code = ?" : "";
  std::vector<Value> args;
  if (data_element) args = {*data_element, *data_element};
  STIO_ASSIGN_OR_RETURN(auto rows,
                        tx.Query(std::string(kRuleSelect) + where + " ORDER BY r.code", args));
  Json items = Json::array();
  for (const auto& r : rows) items.push_back(RuleJson(r));
  return Json{{"items", items}, {"total", items.size()}};
}

Status DeleteValidationRule(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            const std::string& code) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kManageMonitoring));
  STIO_ASSIGN_OR_RETURN(Json before, LoadRule(tx, "r.code = ?", code));
  STIO_RETURN_IF_ERROR(
      tx.Execute("DELETE FROM validation_rules WHERE id = ?", {before["id"].get<int64_t>()})
          .status());
  return RecordAudit(tx, actor, clock, "delete", "validation_rule",
                     std::to_string(before["id"].get<int64_t>()), before, nullptr);
}

// ---------------------------------------------------------------------------------------------
// Units

Result<UnitRef> MakeUnit(std::string code, std::optional<std::string> level,
                         std::optional<std::string> era) {
  UnitRef u;
  u.code = std::string(Trim(code));
  if (u.code.empty()) return Status::InvalidArgument("unit is required", "unit");
  if (level) {
    u.level = *level;
  } else {
    u.level = u.code == "VN" ? "nation" : u.code.size() <= 2 ? "province" : "commune";
  }
  if (u.level != "nation" && u.level != "province" && u.level != "commune") {
    return Status::InvalidArgument("level must be nation, province or commune", "level");
  }
  u.era = era.value_or("2025");
  if (u.era != "2025" && u.era != "pre2025") {
    return Status::InvalidArgument("era must be 2025 or pre2025", "era");
  }
  return u;
}

Status CheckUnit(storage::Transaction& tx, const UnitRef& u, std::string_view field) {
  const std::string f(field);
  if (u.level == "nation") {
    if (u.code != "VN" || u.era != "2025") {
      return Status::InvalidArgument("the nation is unit 'VN' (era 2025)", f);
    }
    return Status::Ok();
  }
  if (u.level == "commune" && u.era != "2025") {
    return Status::InvalidArgument("pre-2025 values are recorded per province", f);
  }
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM admin_units WHERE era = ? AND level = ? "
                                            "AND code = ?",
                                            {u.era, u.level, u.code}));
  if (rows.empty()) {
    return Status::InvalidArgument("there is no " + u.level + " '" + u.code + "' on the " +
                                       (u.era == "2025" ? "2025" : "pre-2025") + " map",
                                   f);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Values

namespace {

const FieldSpec kValueFields[] = {
    {"data_element", Kind::kText, true, 40},
    {"unit", Kind::kText, true, 10},
    {"level", Kind::kEnum, false, 10, false, {"nation", "province", "commune"}},
    {"era", Kind::kEnum, false, 10, false, {"2025", "pre2025"}},
    {"period", Kind::kText, true, 10},
    {"source", Kind::kText, false, 1000},
    {"note", Kind::kText, false, 2000, true},
};
constexpr std::string_view kValueExtra[] = {"value"};

Result<Json> LoadValue(storage::Transaction& tx, int64_t id) {
  auto r = tx.QueryOne(
      "SELECT v.*, e.code AS data_element FROM data_values v JOIN data_elements e "
      "ON e.id = v.data_element_id WHERE v.id = ?",
      {id});
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("value " + std::to_string(id) + " does not exist");
  }
  if (!r.ok()) return r.status();
  Json j = RowToJson(*r);
  j["outlier"] = r->Int("outlier") != 0;
  return j;
}

bool Compare(double a, const std::string& op, double b) {
  if (op == "<=") return a <= b;
  if (op == "<") return a < b;
  if (op == ">=") return a >= b;
  return a > b;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

Result<Json> EnterValue(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kEnterData));
  STIO_ASSIGN_OR_RETURN(auto f, CheckFields(input, kValueFields, true, kValueExtra));
  // The value: a JSON number, finite.
  auto vit = input.find("value");
  if (vit == input.end() || vit->is_null()) {
    return Status::InvalidArgument("'value' is required", "value");
  }
  if (!vit->is_number()) {
    return Status::InvalidArgument(
        "'value' must be a number (not text such as \"" +
            (vit->is_string() ? vit->get<std::string>().substr(0, 20) : vit->dump().substr(0, 20)) +
            "\")",
        "value");
  }
  const double value = vit->get<double>();
  if (!std::isfinite(value)) return Status::InvalidArgument("'value' must be finite", "value");
  Result<Json> el = GetDataElement(tx, *TextOf(f, "data_element"));
  if (!el.ok()) {
    return Status::InvalidArgument(el.status().message(), "data_element");
  }
  if ((*el)["derived_from"].is_string()) {
    return Status::InvalidArgument(
        "'" + (*el)["code"].get<std::string>() + "' is computed from the registry, not entered",
        "data_element");
  }
  const std::string type = (*el)["value_type"];
  if (type == "integer" && value != std::floor(value)) {
    return Status::InvalidArgument("'value' must be a whole number for this data element", "value");
  }
  if (type == "percent" && (value < 0 || value > 100)) {
    return Status::InvalidArgument("'value' is a percentage: 0 to 100", "value");
  }
  STIO_ASSIGN_OR_RETURN(UnitRef unit,
                        MakeUnit(*TextOf(f, "unit"), TextOf(f, "level"), TextOf(f, "era")));
  STIO_RETURN_IF_ERROR(CheckUnit(tx, unit, "unit"));
  STIO_ASSIGN_OR_RETURN(Period period, ParsePeriod(*TextOf(f, "period")));
  const std::string today = FormatTimestamp(clock.Now()).substr(0, 10);
  if (period.StartDate() > today) {
    return Status::InvalidArgument("the period " + period.ToString() + " has not begun yet",
                                   "period");
  }
  if (unit.era == "pre2025" && period.StartDate() >= "2025-07-01") {
    return Status::InvalidArgument("pre-2025 units no longer exist in " + period.ToString() +
                                       " (the new map applies from 2025-07-01)",
                                   "period");
  }
  const int64_t element_id = (*el)["id"];
  const std::string pstr = period.ToString();
  // Validation rules: ranges, and comparisons with other elements of the same unit and period.
  STIO_ASSIGN_OR_RETURN(
      auto rules, tx.Query("SELECT r.*, a.code AS a_code, b.code AS b_code FROM validation_rules r "
                           "JOIN data_elements a ON a.id = r.data_element_id "
                           "LEFT JOIN data_elements b ON b.id = r.other_element_id "
                           "WHERE r.data_element_id = ? OR r.other_element_id = ?",
                           {element_id, element_id}));
  for (const auto& r : rules) {
    const std::string msg = r.Text("message", "rule " + r.Text("code"));
    if (r.Int("data_element_id") == element_id) {
      if (auto lo = r.OptReal("min_value"); lo && value < *lo) {
        return Status::InvalidArgument(msg + ": " + Num(value) + " is below " + Num(*lo), "value");
      }
      if (auto hi = r.OptReal("max_value"); hi && value > *hi) {
        return Status::InvalidArgument(msg + ": " + Num(value) + " is above " + Num(*hi), "value");
      }
    }
    if (r.IsNull("other_element_id")) continue;
    const bool left = r.Int("data_element_id") == element_id;
    const int64_t other_id = left ? r.Int("other_element_id") : r.Int("data_element_id");
    STIO_ASSIGN_OR_RETURN(auto other,
                          tx.Query("SELECT value FROM data_values WHERE data_element_id = ? AND "
                                   "era = ? AND level = ? AND unit_code = ? AND period = ?",
                                   {other_id, unit.era, unit.level, unit.code, pstr}));
    if (other.empty()) continue;
    const double o = other[0].Real("value");
    const bool ok =
        left ? Compare(value, r.Text("operator"), o) : Compare(o, r.Text("operator"), value);
    if (!ok) {
      return Status::InvalidArgument(
          msg + ": " + r.Text("a_code") + " " + r.Text("operator") + " " + r.Text("b_code") +
              " fails (" + Num(left ? value : o) + " against " + Num(left ? o : value) + ")",
          "value");
    }
  }
  // Outlier: more than 3x, or under a third of, the median of up to 5 earlier values.
  bool outlier = false;
  std::vector<std::string> warnings;
  {
    STIO_ASSIGN_OR_RETURN(
        auto prev, tx.Query("SELECT value FROM data_values WHERE data_element_id = ? AND era = ? "
                            "AND level = ? AND unit_code = ? AND LENGTH(period) = ? AND period < ? "
                            "ORDER BY period DESC LIMIT 5",
                            {element_id, unit.era, unit.level, unit.code,
                             static_cast<int64_t>(pstr.size()), pstr}));
    std::vector<double> xs;
    for (const auto& r : prev) xs.push_back(r.Real("value"));
    if (xs.size() >= 2) {
      std::sort(xs.begin(), xs.end());
      const double med =
          xs.size() % 2 ? xs[xs.size() / 2] : (xs[xs.size() / 2 - 1] + xs[xs.size() / 2]) / 2;
      if (med > 0 && (value > 3 * med || value < med / 3)) {
        outlier = true;
        warnings.push_back("outlier: " + Num(value) + " against a median of " + Num(med) +
                           " over the " + std::to_string(xs.size()) + " previous periods");
      }
    }
  }
  const std::string now = FormatTimestamp(clock.Now());
  STIO_ASSIGN_OR_RETURN(auto existing,
                        tx.Query("SELECT id, status FROM data_values WHERE data_element_id = ? AND "
                                 "era = ? AND level = ? AND unit_code = ? AND period = ?",
                                 {element_id, unit.era, unit.level, unit.code, pstr}));
  const Value source = storage::OptionalText(TextOf(f, "source"));
  const Value note = storage::OptionalText(TextOf(f, "note"));
  int64_t id = 0;
  Json before = nullptr;
  if (!existing.empty()) {
    id = existing[0].Int("id");
    const std::string status = existing[0].Text("status");
    if (status == "approved" || status == "locked") {
      return Status::FailedPrecondition("value " + std::to_string(id) + " is " + status +
                                        "; reopen it before changing it");
    }
    STIO_ASSIGN_OR_RETURN(before, LoadValue(tx, id));
    STIO_RETURN_IF_ERROR(tx.Execute("UPDATE data_values SET value = ?, source = ?, note = ?, "
                                    "outlier = ?, status = 'draft', entered_by = ?, "
                                    "updated_at = ?, version = version + 1 WHERE id = ?",
                                    {value, source, note, int64_t{outlier}, actor.email, now, id})
                             .status());
  } else {
    STIO_ASSIGN_OR_RETURN(
        id, InsertRecord(tx, "data_values",
                         {{"data_element_id", element_id},
                          {"era", unit.era},
                          {"level", unit.level},
                          {"unit_code", unit.code},
                          {"period", pstr},
                          {"value", value},
                          {"source", source},
                          {"note", note},
                          {"outlier", int64_t{outlier}},
                          {"status", "draft"},
                          {"entered_by", actor.email.empty() ? "system" : actor.email},
                          {"created_at", now},
                          {"updated_at", now}}));
  }
  STIO_ASSIGN_OR_RETURN(Json after, LoadValue(tx, id));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, before.is_null() ? "create" : "update",
                                   "data_value", std::to_string(id), before, after));
  if (!warnings.empty()) after["warnings"] = warnings;
  return after;
}

Result<Json> ChangeValueStatus(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                               int64_t value_id, const std::string& action, const Json& input) {
  const bool entering = action == "submit";
  STIO_RETURN_IF_ERROR(
      Authorize(actor, entering ? Permission::kEnterData : Permission::kApproveData));
  if (!input.is_object() && !input.is_null()) {
    return Status::InvalidArgument("the body must be a JSON object");
  }
  std::optional<std::string> reason;
  if (input.is_object()) {
    for (const auto& [k, v] : input.items()) {
      if (k != "reason") return Status::InvalidArgument("unknown field '" + k + "'", k);
      if (!v.is_string()) return Status::InvalidArgument("'reason' must be a string", "reason");
      std::string r(Trim(v.get<std::string>()));
      if (Status s = ValidateText(r, 2000, true); !s.ok()) return s.WithField("reason");
      if (!r.empty()) reason = r;
    }
  }
  STIO_ASSIGN_OR_RETURN(Json before, LoadValue(tx, value_id));
  const std::string from = before["status"];
  std::string to;
  if (action == "submit" && from == "draft") {
    to = "submitted";
  } else if (action == "approve" && from == "submitted") {
    to = "approved";
  } else if (action == "lock" && from == "approved") {
    to = "locked";
  } else if (action == "reopen" && from != "draft") {
    if (!reason) return Status::InvalidArgument("reopening needs a 'reason'", "reason");
    to = "draft";
  } else if (action != "submit" && action != "approve" && action != "lock" && action != "reopen") {
    return Status::NotFound("unknown action '" + action + "'");
  } else {
    return Status::FailedPrecondition("cannot " + action + " a value that is " + from);
  }
  const std::string now = FormatTimestamp(clock.Now());
  STIO_RETURN_IF_ERROR(tx.Execute("UPDATE data_values SET status = ?, updated_at = ?, "
                                  "version = version + 1 WHERE id = ?",
                                  {to, now, value_id})
                           .status());
  STIO_RETURN_IF_ERROR(tx.Execute("INSERT INTO value_approvals (data_value_id, action, "
                                  "from_status, to_status, reason, actor_email, at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  {value_id, action, from, to, storage::OptionalText(reason),
                                   actor.email.empty() ? std::string("system") : actor.email, now})
                           .status());
  STIO_ASSIGN_OR_RETURN(Json after, LoadValue(tx, value_id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, action, "data_value", std::to_string(value_id), before, after));
  STIO_ASSIGN_OR_RETURN(auto log, tx.Query("SELECT action, from_status, to_status, reason, "
                                           "actor_email, at FROM value_approvals WHERE "
                                           "data_value_id = ? ORDER BY id",
                                           {value_id}));
  after["approvals"] = Json::array();
  for (const auto& r : log) after["approvals"].push_back(RowToJson(r));
  return after;
}

Result<ListResult> ListValues(storage::Transaction& tx, const Actor& actor, const ValueFilter& f,
                              const ListParams& params) {
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  std::string where = " WHERE 1=1";
  std::vector<Value> args;
  if (!Allowed(actor, Permission::kEnterData)) {
    where += " AND v.status IN ('approved', 'locked')";
  }
  if (f.data_element) {
    where += " AND e.code = ?";
    args.push_back(*f.data_element);
  }
  if (f.unit) {
    where += " AND v.unit_code = ?";
    args.push_back(*f.unit);
  }
  if (f.period) {
    where += " AND v.period = ?";
    args.push_back(*f.period);
  }
  if (f.status) {
    where += " AND v.status = ?";
    args.push_back(*f.status);
  }
  static constexpr SortKey kSorts[] = {{"period", "v.period"},
                                       {"unit", "v.unit_code"},
                                       {"updated_at", "v.updated_at"},
                                       {"id", "v.id"}};
  STIO_ASSIGN_OR_RETURN(std::string order, OrderBy(params, kSorts, "v.id ASC"));
  return PagedList(tx, "v.*, e.code AS data_element",
                   "data_values v JOIN data_elements e ON e.id = v.data_element_id" + where,
                   std::move(args), order + ", v.id", params,
                   [](const storage::Row& r) -> Result<Json> {
                     Json j = RowToJson(r);
                     j["outlier"] = r.Int("outlier") != 0;
                     return j;
                   });
}

// ---------------------------------------------------------------------------------------------
// Aggregation

namespace {

struct ValueRow {
  int64_t id;
  std::string era, level, unit, period, status, source, updated_at;
  double value;
};

struct ElementDef {
  int64_t id = 0;
  std::string code, aggregation, derived_from;
  // Scope (a 2025 province, 'pre2025:CODE', 'VN') -> a generation that changes whenever a value
  // of the element there is written (data_value_generations, kept by triggers). Empty: the
  // element has no values.
  std::map<std::string, int64_t> generations;
  // Values are loaded per unit, as figures need them: (era|level|unit) -> period -> row.
  std::map<std::string, std::map<std::string, const ValueRow*>> by_unit;
  std::set<std::string> loaded;  // units (era|level|unit) whose values are in `rows`
  std::deque<ValueRow> rows;     // a deque: rows do not move as more are loaded
};

struct Figure {
  std::optional<double> value;
  std::string reason;  // why there is no value
  std::vector<int64_t> value_ids;
  std::set<int64_t> organizations, certificates, contracts, ip_assets;
  int parts = 1;
  int parts_with_data = 0;
  bool provisional = false;
  std::string newest;  // newest updated_at behind the figure
};

// Figures aggregated over places (a 2025 province, the nation) for entered data elements, kept
// across requests. An entry is valid for one state of the values it sums (the generations of its
// scopes: the province, plus any pre-2025 province; every scope for the nation), the element's
// aggregation and the reference data (the map of communes and provinces). Triggers change a
// generation in the writer's transaction, so a reader's snapshot and the generations it reads
// always agree. Generations are random, so a database restored from a backup, or another database
// in the same process, never meets an entry that is not its own. Lineage (the values behind a
// figure) is not kept here: it is computed each time.
struct CachedFigure {
  std::optional<double> value;
  std::string reason;
  int parts = 1;
  int parts_with_data = 0;
  bool provisional = false;
  std::string newest;
};

class FigureCache {
 public:
  static FigureCache& Instance() {
    static FigureCache* cache = new FigureCache();  // never destroyed: used until exit
    return *cache;
  }
  // `place`: element id and unit; `stamp`: what the figures depend on; `period`: the figure's.
  std::optional<CachedFigure> Get(const std::string& place, const std::string& stamp,
                                  const std::string& period) {
    std::lock_guard<std::mutex> lock(mu_);
    auto e = places_.find(place);
    if (e == places_.end() || e->second.stamp != stamp) {
      ++misses_;
      return std::nullopt;
    }
    auto f = e->second.figures.find(period);
    if (f == e->second.figures.end()) {
      ++misses_;
      return std::nullopt;
    }
    ++hits_;
    return f->second;
  }
  void Put(const std::string& place, const std::string& stamp, const std::string& period,
           const CachedFigure& figure) {
    std::lock_guard<std::mutex> lock(mu_);
    if (size_ >= kMaxFigures) {
      places_.clear();
      size_ = 0;
    }
    Entry& e = places_[place];
    if (e.stamp != stamp) {
      size_ -= e.figures.size();
      e.figures.clear();
      e.stamp = stamp;
    }
    if (e.figures.emplace(period, figure).second) ++size_;
  }
  FigureCacheStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    return {hits_, misses_, static_cast<int64_t>(size_)};
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    places_.clear();
    size_ = 0;
  }

 private:
  static constexpr size_t kMaxFigures = 500000;  // about 100 MB at most
  struct Entry {
    std::string stamp;
    std::unordered_map<std::string, CachedFigure> figures;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> places_;
  size_t size_ = 0;
  int64_t hits_ = 0, misses_ = 0;
};

void Absorb(Figure& into, const Figure& f) {
  into.value_ids.insert(into.value_ids.end(), f.value_ids.begin(), f.value_ids.end());
  into.organizations.insert(f.organizations.begin(), f.organizations.end());
  into.certificates.insert(f.certificates.begin(), f.certificates.end());
  into.contracts.insert(f.contracts.begin(), f.contracts.end());
  into.ip_assets.insert(f.ip_assets.begin(), f.ip_assets.end());
  into.provisional = into.provisional || f.provisional;
  into.newest = std::max(into.newest, f.newest);
}

std::string Key(const std::string& era, const std::string& level, const std::string& code) {
  return era + "|" + level + "|" + code;
}

Json OptNum(const std::optional<double>& v) { return v ? Json(*v) : Json(); }

class Engine {
 public:
  // With `lineage`, figures keep the ids of the values behind them (and nothing is taken from
  // the figure cache, which does not keep them).
  explicit Engine(storage::Transaction& tx, bool lineage = false) : tx_(tx), lineage_(lineage) {}

  Result<Figure> IndicatorAt(const std::string& code, const UnitRef& u, const Period& p,
                             int depth = 0) {
    if (depth > 20) return Status::InvalidArgument("indicators nest too deeply at " + code);
    STIO_ASSIGN_OR_RETURN(storage::Row ind, LoadByCode(tx_, "indicators", code, "indicator"));
    Figure out;
    out.parts = 0;
    STIO_ASSIGN_OR_RETURN(auto num, Eval(ind.Text("numerator"), u, p, depth, out, "numerator"));
    std::optional<double> den = 1.0;
    if (auto d = ind.OptText("denominator")) {
      STIO_ASSIGN_OR_RETURN(den, Eval(*d, u, p, depth, out, "denominator"));
    }
    if (out.parts == 0) out.parts = 1;
    numerator_ = num;
    denominator_ = den;
    if (!num || !den) return out;
    if (*den == 0) {
      out.reason = "the denominator is zero";
      return out;
    }
    out.value = *num / *den * ind.Real("factor", 1);
    return out;
  }

  // The element's figure for one unit and period.
  Result<Figure> ElementAt(const std::string& code, const UnitRef& u, const Period& p) {
    STIO_ASSIGN_OR_RETURN(ElementDef * el, Element(code));
    if (!el->derived_from.empty()) return Derived(*el, u, p);
    return Place(*el, u, p);
  }

  std::optional<double> numerator_, denominator_;

  // An indicator figure just computed by IndicatorAt, as the series and the units list show it
  // (with the numerator and denominator it was computed from, and why it has no value).
  Json FigureJson(const Figure& f) const {
    Json j = {{"value", OptNum(f.value)},
              {"numerator", OptNum(numerator_)},
              {"denominator", OptNum(denominator_)},
              {"parts", f.parts},
              {"parts_with_data", f.parts_with_data},
              {"provisional", f.provisional}};
    if (!f.value) j["reason"] = f.reason;
    return j;
  }

  Result<const ValueRow*> Row(int64_t id) {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }

 private:
  Result<std::optional<double>> Eval(const std::string& expr, const UnitRef& u, const Period& p,
                                     int depth, Figure& acc, const std::string& what) {
    Parser parser(expr);
    STIO_ASSIGN_OR_RETURN(auto node, parser.Parse());
    int worst_parts = 0, worst_with = 0;
    std::string reason;
    std::function<Result<std::optional<double>>(const Node&)> eval =
        [&](const Node& n) -> Result<std::optional<double>> {
      using Op = Node::Op;
      switch (n.op) {
        case Op::kNum:
          return std::optional<double>(n.num);
        case Op::kRef: {
          Figure f;
          STIO_ASSIGN_OR_RETURN(auto de,
                                tx_.Query("SELECT id FROM data_elements WHERE code = ?", {n.ref}));
          if (!de.empty()) {
            STIO_ASSIGN_OR_RETURN(f, ElementAt(n.ref, u, p));
          } else {
            Engine inner(tx_);
            STIO_ASSIGN_OR_RETURN(f, inner.IndicatorAt(n.ref, u, p, depth + 1));
          }
          Absorb(acc, f);
          if (worst_parts == 0 || f.parts_with_data * static_cast<int64_t>(worst_parts) <
                                      static_cast<int64_t>(worst_with) * f.parts) {
            worst_parts = f.parts;
            worst_with = f.parts_with_data;
          }
          if (!f.value && reason.empty()) {
            reason = f.reason.empty() ? "no value of " + n.ref : f.reason;
          }
          return f.value;
        }
        case Op::kNeg: {
          STIO_ASSIGN_OR_RETURN(auto a, eval(*n.a));
          if (!a) return a;
          return std::optional<double>(-*a);
        }
        default: {
          STIO_ASSIGN_OR_RETURN(auto a, eval(*n.a));
          STIO_ASSIGN_OR_RETURN(auto b, eval(*n.b));
          if (!a || !b) return std::optional<double>();
          if (n.op == Op::kAdd) return std::optional<double>(*a + *b);
          if (n.op == Op::kSub) return std::optional<double>(*a - *b);
          if (n.op == Op::kMul) return std::optional<double>(*a * *b);
          if (*b == 0) {
            if (reason.empty()) reason = "division by zero in the " + what;
            return std::optional<double>();
          }
          return std::optional<double>(*a / *b);
        }
      }
    };
    STIO_ASSIGN_OR_RETURN(auto v, eval(*node));
    if (worst_parts > 0 &&
        (acc.parts == 0 || static_cast<int64_t>(worst_with) * acc.parts <
                               static_cast<int64_t>(acc.parts_with_data) * worst_parts)) {
      acc.parts = worst_parts;
      acc.parts_with_data = worst_with;
    }
    if (!v && acc.reason.empty()) acc.reason = reason.empty() ? "no value" : reason;
    return v;
  }

  Result<ElementDef*> Element(const std::string& code) {
    auto it = elements_.find(code);
    if (it != elements_.end()) return it->second.get();
    STIO_ASSIGN_OR_RETURN(storage::Row r, LoadByCode(tx_, "data_elements", code, "data element"));
    auto el = std::make_unique<ElementDef>();
    el->id = r.Int("id");
    el->code = code;
    el->aggregation = r.Text("aggregation");
    el->derived_from = r.Text("derived_from");
    if (el->derived_from.empty()) {
      STIO_ASSIGN_OR_RETURN(auto gen, tx_.Query("SELECT scope, generation FROM "
                                                "data_value_generations WHERE data_element_id = ?",
                                                {el->id}));
      for (const auto& g : gen) el->generations[g.Text("scope")] = g.Int("generation");
    }
    ElementDef* raw = el.get();
    elements_[code] = std::move(el);
    return raw;
  }

  // Combines values of several parts (places or sub-periods) by the element's aggregation.
  static std::optional<double> Combine(const std::string& aggregation,
                                       const std::vector<double>& xs, bool over_time) {
    if (xs.empty()) return std::nullopt;
    if (aggregation == "average") {
      double s = 0;
      for (double x : xs) s += x;
      return s / xs.size();
    }
    if (aggregation == "last" && over_time) return xs.back();
    double s = 0;
    for (double x : xs) s += x;
    return s;
  }

  void Use(Figure& f, const ValueRow& v) {
    if (lineage_) f.value_ids.push_back(v.id);
    if (v.status != "approved" && v.status != "locked") f.provisional = true;
    f.newest = std::max(f.newest, v.updated_at);
  }

  // The value of one unit (as recorded, no spatial aggregation) for a period, from the period
  // itself or its quarters or months.
  std::optional<Figure> Recorded(const ElementDef& el, const std::string& era,
                                 const std::string& level, const std::string& code,
                                 const Period& p) {
    auto it = el.by_unit.find(Key(era, level, code));
    if (it == el.by_unit.end()) return std::nullopt;
    const auto& periods = it->second;
    Figure f;
    if (auto e = periods.find(p.ToString()); e != periods.end()) {
      f.value = e->second->value;
      f.parts_with_data = 1;
      Use(f, *e->second);
      return f;
    }
    if (p.month) return std::nullopt;
    for (const auto& names : SubPeriods(p)) {
      std::vector<double> xs;
      for (const auto& n : names) {
        if (auto e = periods.find(n); e != periods.end()) {
          xs.push_back(e->second->value);
          Use(f, *e->second);
        }
      }
      if (!xs.empty()) {
        f.value = Combine(el.aggregation, xs, true);
        f.parts_with_data = 1;
        if (xs.size() < names.size()) f.provisional = true;  // part of the year only
        return f;
      }
    }
    return std::nullopt;
  }

  // The sub-periods a period's value may be made of, in the order tried: a year's quarters, then
  // its months; a quarter's months. Kept per period: a figure asks for them once per place.
  const std::vector<std::vector<std::string>>& SubPeriods(const Period& p) {
    auto [it, fresh] = sub_periods_.try_emplace(p.ToString());
    if (fresh) {
      if (!p.quarter) {
        std::vector<std::string> qs;
        for (int q = 1; q <= 4; ++q) qs.push_back(Period{p.year, q, 0}.ToString());
        it->second.push_back(qs);
      }
      std::vector<std::string> ms;
      for (int m = 1; m <= 12; ++m) {
        if (p.quarter && (m - 1) / 3 + 1 != p.quarter) continue;
        ms.push_back(Period{p.year, 0, m}.ToString());
      }
      it->second.push_back(ms);
    }
    return it->second;
  }

  // Loads the values of the given units (of one era and level) that are not loaded yet.
  Status LoadUnits(ElementDef& el, const std::string& era, const std::string& level,
                   const std::vector<std::string>& codes) {
    if (el.generations.empty()) return Status::Ok();  // the element has no values
    std::vector<std::string> todo;
    for (const std::string& c : codes) {
      if (el.loaded.insert(Key(era, level, c)).second) todo.push_back(c);
    }
    constexpr size_t kChunk = 200;
    for (size_t start = 0; start < todo.size(); start += kChunk) {
      const size_t n = std::min(kChunk, todo.size() - start);
      std::string sql =
          "SELECT id, era, level, unit_code, period, value, status, source, updated_at FROM "
          "data_values WHERE data_element_id = ? AND era = ? AND level = ? AND unit_code IN (?";
      for (size_t k = 1; k < n; ++k) sql += ", ?";
      sql += ")";
      std::vector<Value> args = {el.id, era, level};
      for (size_t k = 0; k < n; ++k) args.push_back(todo[start + k]);
      // Rows come grouped by unit (the unique index): the unit's map is looked up once per unit.
      std::map<std::string, const ValueRow*>* periods = nullptr;
      std::string unit;
      auto text = [](const Value& v) {
        const std::string* t = std::get_if<std::string>(&v);
        return t ? *t : std::string();
      };
      STIO_RETURN_IF_ERROR(tx_.ForEach(sql, args, [&](const storage::Row& v) {
        // Columns by position, as selected above (by name costs a search per column).
        el.rows.push_back({std::get<int64_t>(v.at(0)), era, level, text(v.at(3)), text(v.at(4)),
                           text(v.at(6)), lineage_ ? text(v.at(7)) : std::string(), text(v.at(8)),
                           v.Real("value")});
        const ValueRow& row = el.rows.back();
        if (!periods || row.unit != unit) {
          unit = row.unit;
          periods = &el.by_unit[Key(era, level, unit)];
        }
        (*periods)[row.period] = &row;
        if (lineage_) by_id_[row.id] = &row;
        return Status::Ok();
      }));
    }
    return Status::Ok();
  }

  // What a cached figure of the element for the unit (a 2025 province or the nation) depends on
  // besides the period: the generations of the values it may sum, the aggregation, the map.
  Result<std::string> Stamp(const ElementDef& el, const UnitRef& u) {
    if (!ref_token_) {
      STIO_ASSIGN_OR_RETURN(auto rows, tx_.Query("SELECT name, checksum FROM reference_datasets "
                                                 "ORDER BY name"));
      std::string t;
      for (const auto& r : rows) t += r.Text("name") + ":" + r.Text("checksum") + ";";
      ref_token_ = t;
    }
    std::string stamp = el.aggregation + "|" + *ref_token_ + "|";
    for (const auto& [scope, generation] : el.generations) {
      if (u.level == "nation" || scope == u.code || scope.rfind("pre2025:", 0) == 0) {
        stamp += scope + "=" + std::to_string(generation) + ";";
      }
    }
    return stamp;
  }

  Result<Figure> Place(ElementDef& el, const UnitRef& u, const Period& p) {
    // Aggregates over places come from the cache when they can.
    const bool aggregate = u.level == "nation" || (u.level == "province" && u.era == "2025");
    const bool cached = aggregate && !lineage_ && !el.generations.empty();
    std::string stamp, place;
    if (cached) {
      STIO_ASSIGN_OR_RETURN(stamp, Stamp(el, u));
      place = std::to_string(el.id) + "|" + Key(u.era, u.level, u.code);
      if (auto c = FigureCache::Instance().Get(place, stamp, p.ToString())) {
        Figure f;
        f.value = c->value;
        f.reason = c->reason;
        f.parts = c->parts;
        f.parts_with_data = c->parts_with_data;
        f.provisional = c->provisional;
        f.newest = c->newest;
        return f;
      }
    }
    STIO_ASSIGN_OR_RETURN(Figure f, PlaceUncached(el, u, p));
    if (cached) {
      FigureCache::Instance().Put(
          place, stamp, p.ToString(),
          CachedFigure{f.value, f.reason, f.parts, f.parts_with_data, f.provisional, f.newest});
    }
    return f;
  }

  Result<Figure> PlaceUncached(ElementDef& el, const UnitRef& u, const Period& p) {
    STIO_RETURN_IF_ERROR(LoadUnits(el, u.era, u.level, {u.code}));
    if (auto direct = Recorded(el, u.era, u.level, u.code, p)) return *direct;
    Figure f;
    f.reason = "no value of " + el.code + " for " + u.code + " in " + p.ToString();
    if (el.generations.empty()) return f;  // the element has no values
    if (u.level == "nation") {
      STIO_RETURN_IF_ERROR(LoadMaps());
      std::vector<double> xs;
      f.parts = static_cast<int>(provinces_.size());
      for (const std::string& prov : provinces_) {
        STIO_ASSIGN_OR_RETURN(Figure pf, Place(el, UnitRef{"2025", "province", prov}, p));
        if (pf.value) {
          xs.push_back(*pf.value);
          ++f.parts_with_data;
          if (pf.parts_with_data < pf.parts) f.provisional = true;
          Absorb(f, pf);
        }
      }
      if (!xs.empty()) f.value = Combine(el.aggregation, xs, false);
      if (f.value && f.parts_with_data < f.parts) f.provisional = true;
      return f;
    }
    if (u.level == "province" && u.era == "2025") {
      STIO_RETURN_IF_ERROR(LoadMaps());
      // Its communes, if any has data.
      std::vector<double> xs;
      Figure cf;
      const auto& communes = communes_[u.code];
      STIO_RETURN_IF_ERROR(LoadUnits(el, "2025", "commune", communes));
      for (const std::string& c : communes) {
        if (auto r = Recorded(el, "2025", "commune", c, p)) {
          xs.push_back(*r->value);
          Absorb(cf, *r);
          ++cf.parts_with_data;
        }
      }
      if (!xs.empty()) {
        cf.parts = static_cast<int>(communes.size());
        cf.value = Combine(el.aggregation, xs, false);
        if (cf.parts_with_data < cf.parts) cf.provisional = true;
        return cf;
      }
      // The pre-2025 provinces it was made from.
      const auto& olds = predecessors_[u.code];
      STIO_RETURN_IF_ERROR(LoadUnits(el, "pre2025", "province", olds));
      Figure of;
      for (const std::string& old : olds) {
        if (auto r = Recorded(el, "pre2025", "province", old, p)) {
          xs.push_back(*r->value);
          Absorb(of, *r);
          ++of.parts_with_data;
        }
      }
      if (!xs.empty()) {
        of.parts = static_cast<int>(olds.size());
        of.value = Combine(el.aggregation, xs, false);
        if (of.parts_with_data < of.parts) of.provisional = true;
        return of;
      }
    }
    return f;
  }

  // Counts from the registry at the end of the period.
  Result<Figure> Derived(const ElementDef& el, const UnitRef& u, const Period& p) {
    Figure f;
    if (u.era != "2025") {
      f.reason = "registry records are placed on the 2025 map only";
      return f;
    }
    const std::string end = p.EndDate();
    if (el.derived_from.rfind("registry:transfer_contracts", 0) == 0) return Contracts(el, u, p);
    if (el.derived_from.rfind("registry:ip_", 0) == 0) return IpFlow(el, u, p);
    std::string where = " WHERE o.deleted_at IS NULL";
    std::vector<Value> args;
    if (u.level == "province") {
      where += " AND o.province_code = ?";
      args.push_back(u.code);
    } else if (u.level == "commune") {
      where += " AND o.commune_code = ?";
      args.push_back(u.code);
    }
    // A unit of which the registry knows no organization at all has no data (rather than a
    // count of zero that would only measure how far the registry has been filled in).
    STIO_ASSIGN_OR_RETURN(storage::Row known,
                          tx_.QueryOne("SELECT COUNT(*) AS n FROM organizations o" + where, args));
    if (known.Int("n") == 0) {
      f.reason = "the registry holds no organizations for " + u.code;
      return f;
    }
    f.parts_with_data = 1;
    if (el.derived_from == "registry:st_enterprises_active") {
      std::vector<Value> a = {end};
      a.insert(a.end(), args.begin(), args.end());
      STIO_ASSIGN_OR_RETURN(
          auto rows,
          tx_.Query("SELECT c.id AS cert, c.organization_id AS org, e.action FROM "
                    "st_certificate_events e JOIN st_certificates c ON c.id = e.certificate_id "
                    "JOIN organizations o ON o.id = c.organization_id" +
                        where.substr(0, 6) + " e.date <= ? AND" + where.substr(6) +
                        " ORDER BY c.id, e.date, e.id",
                    a));
      std::map<int64_t, std::pair<int64_t, std::string>> status;  // cert -> (org, status)
      for (const auto& r : rows) {
        const std::string action = r.Text("action");
        auto& s = status[r.Int("cert")];
        s.first = r.Int("org");
        if (action == "issue" || action == "reinstate") s.second = "active";
        if (action == "suspend") s.second = "suspended";
        if (action == "revoke") s.second = "revoked";
      }
      for (const auto& [cert, s] : status) {
        if (s.second == "active") {
          f.certificates.insert(cert);
          f.organizations.insert(s.first);
        }
      }
      f.value = static_cast<double>(f.organizations.size());
      return f;
    }
    const std::string prefix = "registry:organizations:";
    if (el.derived_from.rfind(prefix, 0) == 0) {
      where += " AND o.kind = ?";
      args.push_back(el.derived_from.substr(prefix.size()));
    }
    where += " AND (o.founded_on IS NULL OR o.founded_on <= ?)";
    args.push_back(end);
    STIO_ASSIGN_OR_RETURN(auto rows, tx_.Query("SELECT o.id FROM organizations o" + where, args));
    for (const auto& r : rows) f.organizations.insert(r.Int("id"));
    f.value = static_cast<double>(f.organizations.size());
    return f;
  }

  // Technology transfer contracts signed in the period (a flow, unlike the registry's stocks):
  // their number, or their total value in VND. Terminated and deleted contracts do not count; a
  // unit with no contract ever recorded has no data rather than zero.
  Result<Figure> Contracts(const ElementDef& el, const UnitRef& u, const Period& p) {
    Figure f;
    std::string where = " WHERE k.deleted_at IS NULL";
    std::vector<Value> args;
    if (u.level == "province") {
      where += " AND k.province_code = ?";
      args.push_back(u.code);
    } else if (u.level == "commune") {
      f.reason = "transfer contracts are recorded per province";
      return f;
    }
    STIO_ASSIGN_OR_RETURN(
        storage::Row known,
        tx_.QueryOne("SELECT COUNT(*) AS n FROM transfer_contracts k" + where, args));
    if (known.Int("n") == 0) {
      f.reason = "no technology transfer contract is recorded for " + u.code;
      return f;
    }
    f.parts_with_data = 1;
    args.push_back(p.StartDate());
    args.push_back(p.EndDate());
    STIO_ASSIGN_OR_RETURN(auto rows,
                          tx_.Query("SELECT k.id, k.value_vnd, k.updated_at FROM "
                                    "transfer_contracts k" +
                                        where +
                                        " AND k.status != 'terminated' AND k.signed_date >= ? "
                                        "AND k.signed_date <= ?",
                                    args));
    double value = 0;
    for (const auto& r : rows) {
      f.contracts.insert(r.Int("id"));
      value += static_cast<double>(r.Int("value_vnd"));
      f.newest = std::max(f.newest, r.Text("updated_at"));
    }
    f.value = el.derived_from == "registry:transfer_contracts_value"
                  ? value
                  : static_cast<double>(rows.size());
    return f;
  }

  // IP applications filed (by filing date) or rights granted (by grant date) in the period, of one
  // kind, several ("collective_mark,certification_mark") or all, counted where the asset is placed
  // (its province). A unit with no asset of those kinds ever recorded has no data rather than zero.
  Result<Figure> IpFlow(const ElementDef& el, const UnitRef& u, const Period& p) {
    Figure f;
    const bool grants = el.derived_from.rfind("registry:ip_grants", 0) == 0;
    const std::string base = grants ? "registry:ip_grants" : "registry:ip_applications";
    std::string where = " WHERE a.deleted_at IS NULL";
    std::vector<Value> args;
    if (u.level == "province") {
      where += " AND a.province_code = ?";
      args.push_back(u.code);
    } else if (u.level == "commune") {
      f.reason = "IP assets are placed per province";
      return f;
    }
    if (el.derived_from.size() > base.size()) {
      const auto kinds = IpKindsOf(el.derived_from.substr(base.size() + 1));
      where += " AND a.kind IN (";
      for (size_t i = 0; i < kinds.size(); ++i) {
        where += i ? ", ?" : "?";
        args.push_back(kinds[i]);
      }
      where += ")";
    }
    STIO_ASSIGN_OR_RETURN(storage::Row known,
                          tx_.QueryOne("SELECT COUNT(*) AS n FROM ip_assets a" + where, args));
    if (known.Int("n") == 0) {
      f.reason = "no IP asset of this kind is recorded for " + u.code;
      return f;
    }
    f.parts_with_data = 1;
    const std::string date = grants ? "a.grant_date" : "a.filing_date";
    args.push_back(p.StartDate());
    args.push_back(p.EndDate());
    STIO_ASSIGN_OR_RETURN(
        auto rows, tx_.Query("SELECT a.id, a.updated_at FROM ip_assets a" + where + " AND " + date +
                                 " >= ? AND " + date + " <= ?",
                             args));
    for (const auto& r : rows) {
      f.ip_assets.insert(r.Int("id"));
      f.newest = std::max(f.newest, r.Text("updated_at"));
    }
    f.value = static_cast<double>(rows.size());
    return f;
  }

  Status LoadMaps() {
    if (maps_loaded_) return Status::Ok();
    STIO_ASSIGN_OR_RETURN(auto provs, tx_.Query("SELECT code FROM admin_units WHERE era = '2025' "
                                                "AND level = 'province' ORDER BY code"));
    for (const auto& r : provs) provinces_.push_back(r.Text("code"));
    STIO_ASSIGN_OR_RETURN(auto comms, tx_.Query("SELECT code, province_code FROM admin_units "
                                                "WHERE era = '2025' AND level = 'commune'"));
    for (const auto& r : comms) communes_[r.Text("province_code")].push_back(r.Text("code"));
    // Old province -> the new province most of its communes went to.
    STIO_ASSIGN_OR_RETURN(auto conv,
                          tx_.Query("SELECT old_province_code AS old, new_province_code AS new, "
                                    "COUNT(*) AS n FROM admin_unit_conversion GROUP BY "
                                    "old_province_code, new_province_code ORDER BY old, n DESC"));
    std::set<std::string> seen;
    for (const auto& r : conv) {
      if (seen.insert(r.Text("old")).second) predecessors_[r.Text("new")].push_back(r.Text("old"));
    }
    maps_loaded_ = true;
    return Status::Ok();
  }

  storage::Transaction& tx_;
  const bool lineage_;
  std::optional<std::string> ref_token_;
  std::map<std::string, std::unique_ptr<ElementDef>> elements_;
  std::map<int64_t, const ValueRow*> by_id_;  // for lineage only
  std::map<std::string, std::vector<std::vector<std::string>>> sub_periods_;
  bool maps_loaded_ = false;
  std::vector<std::string> provinces_;
  std::map<std::string, std::vector<std::string>> communes_;
  std::map<std::string, std::vector<std::string>> predecessors_;
};

Result<std::vector<Period>> Periods(const std::string& from, const std::string& to) {
  STIO_ASSIGN_OR_RETURN(Period a, ParsePeriod(from));
  Result<Period> b = ParsePeriod(to);
  if (!b.ok()) return b.status().WithField("to");
  if ((a.quarter != 0) != (b->quarter != 0) || (a.month != 0) != (b->month != 0)) {
    return Status::InvalidArgument("from and to must be periods of the same kind", "to");
  }
  std::vector<Period> out;
  for (Period p = a; p.ToString() <= b->ToString();) {
    out.push_back(p);
    if (out.size() > 240) return Status::InvalidArgument("at most 240 periods at once", "to");
    if (p.quarter) {
      if (++p.quarter > 4) {
        p.quarter = 1;
        ++p.year;
      }
    } else if (p.month) {
      if (++p.month > 12) {
        p.month = 1;
        ++p.year;
      }
    } else {
      ++p.year;
    }
  }
  if (out.empty()) return Status::InvalidArgument("'from' is after 'to'", "from");
  return out;
}

Json UnitJson(const UnitRef& u) {
  return Json{{"era", u.era}, {"level", u.level}, {"code", u.code}};
}

}  // namespace

Result<Json> IndicatorSeries(storage::Transaction& tx, const std::string& code, const UnitRef& unit,
                             const std::string& from, const std::string& to) {
  STIO_ASSIGN_OR_RETURN(Json ind, GetIndicator(tx, code));
  STIO_RETURN_IF_ERROR(CheckUnit(tx, unit));
  Result<std::vector<Period>> periods = Periods(from, to);
  if (!periods.ok()) {
    return periods.status().field().empty() ? periods.status().WithField("from") : periods.status();
  }
  Engine engine(tx);
  Json points = Json::array();
  for (const Period& p : *periods) {
    STIO_ASSIGN_OR_RETURN(Figure f, engine.IndicatorAt(code, unit, p));
    Json pt = {{"period", p.ToString()}};
    pt.update(engine.FigureJson(f));
    points.push_back(std::move(pt));
  }
  return Json{{"indicator", ind}, {"unit", UnitJson(unit)}, {"points", points}};
}

FigureCacheStats GetFigureCacheStats() { return FigureCache::Instance().Stats(); }

void ClearFigureCache() { FigureCache::Instance().Clear(); }

Result<WarmUpReport> WarmFigureCache(storage::Database& db, const Clock& clock,
                                     const std::function<bool()>& stop) {
  WarmUpReport report;
  const int64_t this_year = ParseInt(FormatTimestamp(clock.Now()).substr(0, 4)).value_or(2025);
  const std::string from = std::to_string(this_year - 10), to = std::to_string(this_year);
  std::vector<std::string> indicators, provinces;
  STIO_RETURN_IF_ERROR(
      storage::WithTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
        STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT code FROM indicators ORDER BY code"));
        for (const auto& r : rows) indicators.push_back(r.Text("code"));
        STIO_ASSIGN_OR_RETURN(rows, tx.Query("SELECT code FROM admin_units WHERE era = '2025' "
                                             "AND level = 'province' ORDER BY code"));
        for (const auto& r : rows) provinces.push_back(r.Text("code"));
        return Status::Ok();
      }));
  // The provinces first, each one series (a province's communes, ~1/34 of the nation's work),
  // then the nation, which sums the provinces just cached: `stop` is asked between two short
  // series, never in the middle of the whole nation's.
  std::vector<UnitRef> units;
  for (const std::string& p : provinces) units.push_back({"2025", "province", p});
  units.push_back({"2025", "nation", "VN"});
  for (const std::string& code : indicators) {
    bool failed = false;
    for (const UnitRef& unit : units) {
      if (stop && stop()) {
        report.stopped = true;
        return report;
      }
      Status s =
          storage::WithTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
            return IndicatorSeries(tx, code, unit, from, to).status();
          });
      if (!s.ok()) {  // e.g. a formula naming an element deleted since: the request will say so
        failed = true;
        break;
      }
      ++report.series;
    }
    ++(failed ? report.failed : report.indicators);
  }
  return report;
}

Result<Json> IndicatorLineage(storage::Transaction& tx, const std::string& code,
                              const UnitRef& unit, const std::string& period) {
  STIO_ASSIGN_OR_RETURN(Json ind, GetIndicator(tx, code));
  STIO_RETURN_IF_ERROR(CheckUnit(tx, unit));
  STIO_ASSIGN_OR_RETURN(Period p, ParsePeriod(period));
  Engine engine(tx, /*lineage=*/true);
  STIO_ASSIGN_OR_RETURN(Figure total, engine.IndicatorAt(code, unit, p));
  Json elements = Json::array();
  std::vector<std::string> codes;
  for (const char* col : {"numerator", "denominator"}) {
    if (ind[col].is_string()) {
      STIO_ASSIGN_OR_RETURN(auto c, FormulaCodes(ind[col].get<std::string>()));
      for (auto& x : c) {
        if (std::find(codes.begin(), codes.end(), x) == codes.end()) codes.push_back(x);
      }
    }
  }
  for (const std::string& c : codes) {
    STIO_ASSIGN_OR_RETURN(auto de, tx.Query("SELECT id FROM data_elements WHERE code = ?", {c}));
    Figure f;
    if (de.empty()) {
      Engine inner(tx);
      STIO_ASSIGN_OR_RETURN(f, inner.IndicatorAt(c, unit, p));
      elements.push_back({{"code", c}, {"kind", "indicator"}, {"value", OptNum(f.value)}});
      continue;
    }
    STIO_ASSIGN_OR_RETURN(f, engine.ElementAt(c, unit, p));
    Json values = Json::array();
    for (int64_t id : f.value_ids) {
      STIO_ASSIGN_OR_RETURN(const ValueRow* v, engine.Row(id));
      if (!v) continue;
      values.push_back({{"id", v->id},
                        {"era", v->era},
                        {"level", v->level},
                        {"unit", v->unit},
                        {"period", v->period},
                        {"value", v->value},
                        {"status", v->status},
                        {"source", v->source.empty() ? Json() : Json(v->source)}});
    }
    Json e = {
        {"code", c},
        {"kind", "data_element"},
        {"value", OptNum(f.value)},
        {"parts", f.parts},
        {"parts_with_data", f.parts_with_data},
        {"values", values},
        {"organizations",
         Json(std::vector<int64_t>(f.organizations.begin(), f.organizations.end()))},
        {"certificates", Json(std::vector<int64_t>(f.certificates.begin(), f.certificates.end()))},
        {"contracts", Json(std::vector<int64_t>(f.contracts.begin(), f.contracts.end()))},
        {"ip_assets", Json(std::vector<int64_t>(f.ip_assets.begin(), f.ip_assets.end()))}};
    if (!f.value) e["reason"] = f.reason;
    elements.push_back(std::move(e));
  }
  Json out = {{"indicator", ind},
              {"unit", UnitJson(unit)},
              {"period", p.ToString()},
              {"value", OptNum(total.value)},
              {"provisional", total.provisional},
              {"elements", elements}};
  if (!total.value) out["reason"] = total.reason;
  return out;
}

Result<std::vector<std::pair<int, double>>> YearlyValues(storage::Transaction& tx,
                                                         const std::string& code,
                                                         const UnitRef& unit, int from, int to) {
  Engine engine(tx);
  std::vector<std::pair<int, double>> out;
  for (int y = from; y <= to; ++y) {
    STIO_ASSIGN_OR_RETURN(Figure f, engine.IndicatorAt(code, unit, Period{y, 0, 0}));
    if (f.value) out.push_back({y, *f.value});
  }
  return out;
}

namespace {

// The plan target the IOC compares a KPI with: a target of this indicator with a value and year,
// in a plan of the unit itself (a province on the same map; for the nation, a plan without a
// province); the nearest target year not yet past, else the latest. With its status (progress.h).
Result<Json> KpiTarget(storage::Transaction& tx, const std::string& code, const UnitRef& unit,
                       int this_year) {
  if (unit.level == "commune") return Json();
  std::string where =
      "i.code = ? AND t.deleted_at IS NULL AND p.deleted_at IS NULL AND t.target_value IS NOT "
      "NULL AND t.target_year IS NOT NULL";
  std::vector<Value> args = {code};
  if (unit.level == "nation") {
    where += " AND p.province_code IS NULL";
  } else {
    where += " AND p.province_code = ? AND p.province_era = ?";
    args.push_back(unit.code);
    args.push_back(unit.era);
  }
  args.push_back(int64_t{this_year});
  STIO_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT t.id, t.code, t.text_vi, t.baseline_value, t.baseline_year, "
               "t.target_value, t.target_year, t.direction, p.id AS plan_id, p.code AS plan_code, "
               "p.name AS plan_name FROM plan_targets t JOIN plans p ON p.id = t.plan_id JOIN "
               "indicators i ON i.id = t.indicator_id WHERE " +
                   where + " ORDER BY (t.target_year < ?), t.target_year, t.id LIMIT 1",
               args));
  if (rows.empty()) return Json();
  const storage::Row& r = rows[0];
  TargetInput in;
  if (!r.IsNull("baseline_value")) in.baseline = r.Real("baseline_value");
  if (!r.IsNull("baseline_year")) in.baseline_year = static_cast<int>(r.Int("baseline_year"));
  in.target = r.Real("target_value");
  in.target_year = static_cast<int>(r.Int("target_year"));
  in.direction = static_cast<int>(r.Int("direction"));
  const int from = std::min(in.baseline_year.value_or(*in.target_year), *in.target_year) - 5;
  STIO_ASSIGN_OR_RETURN(auto ys, YearlyValues(tx, code, unit, from, this_year));
  for (const auto& [y, v] : ys) in.observed.push_back({y, v});
  const Assessment a = AssessTarget(in);
  Json j = RowToJson(r);
  j["status"] = a.status;
  j["progress"] = a.progress ? Json(*a.progress) : Json();
  return j;
}

}  // namespace

Result<Json> KpiFeed(storage::Transaction& tx, const Clock& clock,
                     const std::vector<std::string>& codes_in, const UnitRef& unit) {
  STIO_RETURN_IF_ERROR(CheckUnit(tx, unit));
  std::vector<std::string> codes = codes_in;
  if (codes.empty()) {
    STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT code FROM indicators ORDER BY code"));
    for (const auto& r : rows) codes.push_back(r.Text("code"));
  }
  if (codes.size() > 100) return Status::InvalidArgument("at most 100 indicators", "indicators");
  const std::string now = FormatTimestamp(clock.Now());
  const int this_year = static_cast<int>(*ParseInt(now.substr(0, 4)));
  auto days_between = [](const std::string& a, const std::string& b) -> int64_t {
    auto to_days = [](const std::string& d) {
      std::tm tm{};
      tm.tm_year = static_cast<int>(*ParseInt(d.substr(0, 4))) - 1900;
      tm.tm_mon = static_cast<int>(*ParseInt(d.substr(5, 2))) - 1;
      tm.tm_mday = static_cast<int>(*ParseInt(d.substr(8, 2)));
      return static_cast<int64_t>(timegm(&tm) / 86400);
    };
    return to_days(b) - to_days(a);
  };
  Engine engine(tx);
  Json items = Json::array();
  for (const std::string& code : codes) {
    STIO_ASSIGN_OR_RETURN(Json ind, GetIndicator(tx, code));
    Json item = {
        {"code", code},        {"name_vi", ind["name_vi"]},     {"name_en", ind["name_en"]},
        {"unit", ind["unit"]}, {"direction", ind["direction"]}, {"value", nullptr},
        {"period", nullptr}};
    for (int y = this_year; y >= this_year - 10; --y) {
      STIO_ASSIGN_OR_RETURN(Figure f, engine.IndicatorAt(code, unit, Period{y, 0, 0}));
      if (!f.value) continue;
      const Period p{y, 0, 0};
      item["value"] = *f.value;
      item["period"] = p.ToString();
      item["provisional"] = f.provisional;
      item["completeness"] =
          Json{{"parts", f.parts},
               {"parts_with_data", f.parts_with_data},
               {"ratio", f.parts ? static_cast<double>(f.parts_with_data) / f.parts : 1.0}};
      item["freshness"] = {
          {"stale", y < this_year - 1},
          {"updated_at", f.newest.empty() ? Json() : Json(f.newest)},
          {"days_since_update",
           f.newest.empty() ? Json()
                            : Json(days_between(f.newest.substr(0, 10), now.substr(0, 10)))},
          {"period_ended", p.EndDate() < now.substr(0, 10)},
          {"days_since_period_end", p.EndDate() < now.substr(0, 10)
                                        ? Json(days_between(p.EndDate(), now.substr(0, 10)))
                                        : Json()}};
      break;
    }
    STIO_ASSIGN_OR_RETURN(item["target"], KpiTarget(tx, code, unit, this_year));
    items.push_back(std::move(item));
  }
  return Json{{"generated_at", now}, {"unit", UnitJson(unit)}, {"items", items}};
}

Result<Json> IndicatorByUnits(storage::Transaction& tx, const std::string& code,
                              const UnitsQuery& q) {
  STIO_ASSIGN_OR_RETURN(Json ind, GetIndicator(tx, code));
  if (q.level != "province" && q.level != "commune") {
    return Status::InvalidArgument("level must be province or commune", "level");
  }
  if (q.era != "2025" && q.era != "pre2025") {
    return Status::InvalidArgument("era must be 2025 or pre2025", "era");
  }
  Result<Period> period = ParsePeriod(q.period);
  if (!period.ok()) return period.status().WithField("period");
  Json province = nullptr;
  std::vector<storage::Row> units;
  if (q.level == "commune") {
    if (q.era != "2025") {
      return Status::InvalidArgument("communes are on the 2025 map only", "era");
    }
    if (!q.province) {
      return Status::InvalidArgument("province is required for communes", "province");
    }
    STIO_ASSIGN_OR_RETURN(auto p, tx.Query("SELECT code, name, full_name FROM admin_units WHERE "
                                           "era = '2025' AND level = 'province' AND code = ?",
                                           {*q.province}));
    if (p.empty()) {
      return Status::InvalidArgument("there is no province '" + *q.province + "' on the 2025 map",
                                     "province");
    }
    province = {{"code", p[0].Text("code")}, {"name", p[0].Text("full_name")}};
    STIO_ASSIGN_OR_RETURN(units, tx.Query("SELECT code, name, full_name FROM admin_units WHERE "
                                          "era = '2025' AND level = 'commune' AND "
                                          "province_code = ? ORDER BY code",
                                          {*q.province}));
  } else {
    if (q.province) {
      return Status::InvalidArgument("province applies to level=commune only", "province");
    }
    STIO_ASSIGN_OR_RETURN(units, tx.Query("SELECT code, name, full_name FROM admin_units WHERE "
                                          "era = ? AND level = 'province' ORDER BY code",
                                          {q.era}));
  }
  Engine engine(tx);
  Json items = Json::array();
  int with_value = 0;
  std::optional<double> lo, hi;
  for (const auto& r : units) {
    const UnitRef u{q.era, q.level, r.Text("code")};
    STIO_ASSIGN_OR_RETURN(Figure f, engine.IndicatorAt(code, u, *period));
    Json it = {{"code", u.code}, {"name", r.Text("full_name")}};
    it.update(engine.FigureJson(f));
    if (f.value) {
      ++with_value;
      lo = lo ? std::min(*lo, *f.value) : *f.value;
      hi = hi ? std::max(*hi, *f.value) : *f.value;
    }
    items.push_back(std::move(it));
  }
  return Json{{"indicator", ind},
              {"level", q.level},
              {"era", q.era},
              {"province", province},
              {"period", period->ToString()},
              {"total", items.size()},
              {"with_value", with_value},
              {"min", OptNum(lo)},
              {"max", OptNum(hi)},
              {"items", items}};
}

}  // namespace stio::domain
