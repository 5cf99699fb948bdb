#include "domain/ip_advice.h"

#include <algorithm>
#include <map>

#include "core/strings.h"
#include "domain/ip.h"
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

Result<std::string> TextList(const Json& v, const char* name, size_t max_items, bool kinds) {
  if (!v.is_array() || v.size() > max_items) {
    return Status::InvalidArgument(std::string("'") + name + "' must be a list of at most " +
                                       std::to_string(max_items) + " texts",
                                   name);
  }
  Json out = Json::array();
  for (const Json& x : v) {
    if (!x.is_string())
      return Status::InvalidArgument(std::string("'") + name + "' holds texts", name);
    std::string t(Trim(x.get<std::string>()));
    if (t.empty()) continue;
    if (Status s = ValidateText(t, 100, false); !s.ok()) return s.WithField(name);
    if (kinds && !IsIpKind(t)) {
      return Status::InvalidArgument("'" + t.substr(0, 40) + "' is not a kind of right", name);
    }
    out.push_back(t);
  }
  return out.dump();
}

// --- Articles

const FieldSpec kArticleFields[] = {
    {"title", Kind::kText, true, 300},
    {"summary", Kind::kText, true, 2000, true},
    {"body", Kind::kText, true, 100000, true},
    {"published", Kind::kBool},
};
constexpr std::string_view kArticleExtra[] = {"tags", "kinds", "version"};

// Who wrote an article (a staff member's e-mail) is for staff only, as events' authors are.
Json ArticleJson(const storage::Row& r, bool staff) {
  Json j = RowToJson(r);
  j.erase("match_key");
  j.erase("deleted_at");
  if (!staff) j.erase("created_by");
  j["tags"] = JsonListOf(r.Text("tags", "[]"));
  j["kinds"] = JsonListOf(r.Text("kinds", "[]"));
  j["published"] = r.Int("published") != 0;
  return j;
}

Result<storage::Row> LoadArticle(storage::Transaction& tx, int64_t id) {
  auto r = tx.QueryOne("SELECT * FROM ip_articles WHERE id = ? AND deleted_at IS NULL", {id});
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("article " + std::to_string(id) + " does not exist");
  }
  return r;
}

std::string ArticleKey(const Json& a) {
  std::string key = a.value("title", "") + " " + a.value("summary", "") + " " + a.value("body", "");
  for (const Json& t : a.value("tags", Json::array())) key += " " + t.get<std::string>();
  return text::MatchKey(key);
}

// --- Advisory requests

bool IsStaff(const Actor& a) { return Allowed(a, Permission::kAdvise); }

Result<storage::Row> LoadRequest(storage::Transaction& tx, const Actor& actor, int64_t id) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  auto r = tx.QueryOne(
      "SELECT r.*, o.name AS organization_name FROM advisory_requests r JOIN organizations o ON "
      "o.id = r.organization_id WHERE r.id = ?",
      {id});
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("advisory request " + std::to_string(id) + " does not exist");
    }
    return r.status();
  }
  if (!IsStaff(actor) &&
      !(actor.organization_id && *actor.organization_id == r->Int("organization_id"))) {
    return Status::PermissionDenied("only the organization that asked and staff see a request");
  }
  return r;
}

Result<Json> RequestJson(storage::Transaction& tx, const storage::Row& r) {
  Json j = RowToJson(r);
  j["asset_ids"] = JsonListOf(r.Text("asset_ids", "[]"));
  STIO_ASSIGN_OR_RETURN(auto msgs, tx.Query("SELECT id, author_email, from_staff, body, created_at "
                                            "FROM advisory_messages WHERE request_id = ? ORDER BY "
                                            "id",
                                            {r.Int("id")}));
  j["messages"] = Json::array();
  for (const auto& m : msgs) {
    Json mj = RowToJson(m);
    mj["from_staff"] = m.Int("from_staff") != 0;
    j["messages"].push_back(std::move(mj));
  }
  return j;
}

// The organization the actor acts for: a member's own, or the one staff name.
Result<int64_t> OrganizationFor(storage::Transaction& tx, const Actor& actor, const Json& input,
                                Permission p) {
  STIO_RETURN_IF_ERROR(Authorize(actor, p));
  std::optional<int64_t> org = actor.organization_id;
  if (input.contains("organization_id")) {
    if (!input["organization_id"].is_number_integer()) {
      return Status::InvalidArgument("'organization_id' is an organization id", "organization_id");
    }
    const int64_t asked = input["organization_id"].get<int64_t>();
    if (!IsStaff(actor) && org != asked) {
      return Status::PermissionDenied("members act for their own organization only");
    }
    org = asked;
  }
  if (!org) {
    return Status::InvalidArgument("name the organization (organization_id)", "organization_id");
  }
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM organizations WHERE id = ? AND "
                                            "deleted_at IS NULL",
                                            {*org}));
  if (rows.empty()) {
    return Status::InvalidArgument("organization " + std::to_string(*org) + " does not exist",
                                   "organization_id");
  }
  return *org;
}

Result<std::string> MessageBody(const Json& input, const char* name, size_t max) {
  if (!input.is_object() || !input.contains(name) || !input[name].is_string()) {
    return Status::InvalidArgument(std::string("'") + name + "' is required", name);
  }
  std::string body(Trim(input[name].get<std::string>()));
  if (body.empty()) return Status::InvalidArgument(std::string("'") + name + "' is empty", name);
  if (Status s = ValidateText(body, max, true); !s.ok()) return s.WithField(name);
  return body;
}

// --- Self-assessment

struct Question {
  const char* id;
  const char* vi;
  const char* en;
};
constexpr Question kQuestions[] = {
    {"has_brand", "Doanh nghiệp có tên thương mại, logo dùng cho sản phẩm hoặc dịch vụ không?",
     "Do you use a trade name or logo on your products or services?"},
    {"exports", "Doanh nghiệp đang hoặc sắp xuất khẩu sản phẩm không?",
     "Do you export, or plan to export, your products?"},
    {"technical_innovation",
     "Doanh nghiệp có tự tạo ra giải pháp kỹ thuật mới (sản phẩm, quy trình, thiết bị) không?",
     "Have you created a new technical solution (product, process, device)?"},
    {"product_design", "Sản phẩm hoặc bao bì có kiểu dáng riêng do doanh nghiệp thiết kế không?",
     "Do your products or packaging have a design of your own?"},
    {"regional_product",
     "Sản phẩm gắn với địa danh, vùng trồng hoặc nghề truyền thống của địa phương không?",
     "Is your product tied to a place, growing area or local craft?"},
    {"ocop", "Sản phẩm đã được công nhận OCOP không?", "Is the product OCOP-certified?"},
    {"software", "Doanh nghiệp có phần mềm hoặc nội dung số tự phát triển không?",
     "Have you developed software or digital content?"},
    {"plant_variety", "Doanh nghiệp có giống cây trồng mới tự chọn tạo không?",
     "Have you bred a new plant variety?"},
    {"uses_others_ip",
     "Doanh nghiệp có dùng công nghệ, nhãn hiệu hoặc phần mềm của người khác không?",
     "Do you use someone else's technology, brand or software?"},
    {"trade_secrets", "Doanh nghiệp có bí quyết, công thức cần giữ bí mật không?",
     "Do you have know-how or recipes you keep secret?"},
};

bool Yes(const Json& answers, const char* id) {
  return answers.contains(id) && answers[id].is_boolean() && answers[id].get<bool>();
}

}  // namespace

// --- Articles

Result<Json> CreateArticle(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kAdvise));
  if (!input.is_object()) return Status::InvalidArgument("an article is a JSON object");
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kArticleFields, true, kArticleExtra));
  Columns cols = ToColumns(fields);
  Json a = Json::object();
  for (const FieldValue& f : fields) a[f.name] = ToJson(f.value);
  for (const char* list : {"tags", "kinds"}) {
    if (!input.contains(list)) continue;
    STIO_ASSIGN_OR_RETURN(std::string v,
                          TextList(input[list], list, 20, std::string_view(list) == "kinds"));
    cols.push_back({list, v});
    a[list] = Json::parse(v);
  }
  const std::string now = FormatTimestamp(clock.Now());
  cols.push_back({"match_key", ArticleKey(a)});
  cols.push_back({"created_by", actor.email});
  cols.push_back({"created_at", now});
  cols.push_back({"updated_at", now});
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "ip_articles", cols));
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadArticle(tx, id));
  Json j = ArticleJson(r, true);
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "article", std::to_string(id), nullptr, j));
  return j;
}

Result<Json> UpdateArticle(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t id, const Json& patch) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kAdvise));
  if (!patch.is_object()) return Status::InvalidArgument("an article is a JSON object");
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadArticle(tx, id));
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(patch, kArticleFields, false, kArticleExtra));
  Json before = ArticleJson(r, true);
  Json a = before;
  Columns cols = ToColumns(fields);
  for (const FieldValue& f : fields) a[f.name] = ToJson(f.value);
  for (const char* list : {"tags", "kinds"}) {
    if (!patch.contains(list)) continue;
    STIO_ASSIGN_OR_RETURN(std::string v,
                          TextList(patch[list], list, 20, std::string_view(list) == "kinds"));
    cols.push_back({list, v});
    a[list] = Json::parse(v);
  }
  cols.push_back({"match_key", ArticleKey(a)});
  cols.push_back({"updated_at", FormatTimestamp(clock.Now())});
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "ip_articles", id, version, cols));
  STIO_ASSIGN_OR_RETURN(storage::Row after, LoadArticle(tx, id));
  Json j = ArticleJson(after, true);
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "update", "article", std::to_string(id), before, j));
  return j;
}

Result<Json> GetArticle(storage::Transaction& tx, const Actor& actor, int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadArticle(tx, id));
  if (r.Int("published") == 0 && !IsStaff(actor)) {
    return Status::NotFound("article " + std::to_string(id) + " does not exist");
  }
  return ArticleJson(r, IsStaff(actor));
}

Result<ListResult> ListArticles(storage::Transaction& tx, const Actor& actor,
                                const std::optional<std::string>& q,
                                const std::optional<std::string>& kind, const ListParams& params) {
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  std::vector<Value> args;
  std::string where = " WHERE deleted_at IS NULL";
  if (!IsStaff(actor)) where += " AND published = 1";
  if (q) {
    // Every word, accent-insensitive.
    for (const std::string& w : Split(text::MatchKey(*q), ' ')) {
      if (w.empty()) continue;
      where += " AND match_key LIKE ? ESCAPE '\\'";
      args.push_back(LikeContains(w));
    }
  }
  if (kind) {
    where += " AND EXISTS (SELECT 1 FROM json_each(kinds) j WHERE j.value = ?)";
    args.push_back(*kind);
  }
  return PagedList(tx, "*", "ip_articles" + where, std::move(args), "updated_at DESC, id DESC",
                   params, [staff = IsStaff(actor)](const storage::Row& r) -> Result<Json> {
                     Json j = ArticleJson(r, staff);
                     j.erase("body");
                     return j;
                   });
}

// --- Advisory requests

Result<Json> CreateAdvisoryRequest(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                   const Json& input) {
  if (!input.is_object()) {
    STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kAskAdvice));
    return Status::InvalidArgument("a request is a JSON object");
  }
  STIO_ASSIGN_OR_RETURN(int64_t org, OrganizationFor(tx, actor, input, Permission::kAskAdvice));
  STIO_ASSIGN_OR_RETURN(std::string subject, MessageBody(input, "subject", 300));
  STIO_ASSIGN_OR_RETURN(std::string question, MessageBody(input, "question", 20000));
  std::string topic = "other";
  if (input.contains("topic")) {
    if (!input["topic"].is_string() ||
        (input["topic"] != "other" && !IsIpKind(input["topic"].get<std::string>()))) {
      return Status::InvalidArgument("'topic' is a kind of right or \"other\"", "topic");
    }
    topic = input["topic"];
  }
  Json assets = Json::array();
  if (input.contains("asset_ids")) {
    const Json& v = input["asset_ids"];
    if (!v.is_array() || v.size() > 20) {
      return Status::InvalidArgument("'asset_ids' is a list of IP asset ids", "asset_ids");
    }
    for (const Json& x : v) {
      if (!x.is_number_integer()) {
        return Status::InvalidArgument("an IP asset id is a number", "asset_ids");
      }
      STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM ip_assets WHERE id = ? AND "
                                                "owner_organization_id = ? AND deleted_at IS NULL",
                                                {x.get<int64_t>(), org}));
      if (rows.empty()) {
        return Status::InvalidArgument(
            "IP asset " + std::to_string(x.get<int64_t>()) + " is not the organization's",
            "asset_ids");
      }
      assets.push_back(x);
    }
  }
  for (const auto& [k, v] : input.items()) {
    (void)v;
    if (k != "subject" && k != "question" && k != "topic" && k != "asset_ids" &&
        k != "organization_id") {
      return Status::InvalidArgument("unknown field '" + k.substr(0, 40) + "'", k);
    }
  }
  const std::string now = FormatTimestamp(clock.Now());
  STIO_ASSIGN_OR_RETURN(
      int64_t id,
      InsertRecord(tx, "advisory_requests",
                   {{"organization_id", org},
                    {"requester_user_id", actor.user_id ? Value(actor.user_id) : Value(Null{})},
                    {"subject", subject},
                    {"topic", topic},
                    {"asset_ids", assets.dump()},
                    {"status", std::string("open")},
                    {"created_at", now},
                    {"updated_at", now}}));
  STIO_RETURN_IF_ERROR(
      tx.Execute("INSERT INTO advisory_messages (request_id, author_user_id, "
                 "author_email, from_staff, body, created_at) VALUES (?, ?, ?, "
                 "?, ?, ?)",
                 {id, actor.user_id, actor.email, int64_t{IsStaff(actor) ? 1 : 0}, question, now})
          .status());
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadRequest(tx, actor, id));
  STIO_ASSIGN_OR_RETURN(Json j, RequestJson(tx, r));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "advisory_request", std::to_string(id), nullptr, j));
  return j;
}

Result<Json> GetAdvisoryRequest(storage::Transaction& tx, const Actor& actor, int64_t id) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadRequest(tx, actor, id));
  return RequestJson(tx, r);
}

Result<ListResult> ListAdvisoryRequests(storage::Transaction& tx, const Actor& actor,
                                        const std::optional<std::string>& status,
                                        const ListParams& params) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  std::vector<Value> args;
  std::string where = " WHERE 1 = 1";
  if (!IsStaff(actor)) {
    if (!actor.organization_id) return ListResult{Json::array(), 0, params.limit, params.offset};
    where += " AND r.organization_id = ?";
    args.push_back(*actor.organization_id);
  }
  if (status) {
    if (*status != "open" && *status != "answered" && *status != "closed") {
      return Status::InvalidArgument("'status' is open, answered or closed", "status");
    }
    where += " AND r.status = ?";
    args.push_back(*status);
  }
  return PagedList(tx, "r.*, o.name AS organization_name",
                   "advisory_requests r JOIN organizations o ON o.id = r.organization_id" + where,
                   std::move(args), "r.updated_at DESC, r.id DESC", params,
                   [](const storage::Row& r) -> Result<Json> {
                     Json j = RowToJson(r);
                     j["asset_ids"] = JsonListOf(r.Text("asset_ids", "[]"));
                     return j;
                   });
}

Result<Json> PostAdvisoryMessage(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 int64_t id, const Json& input) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadRequest(tx, actor, id));
  STIO_ASSIGN_OR_RETURN(std::string body, MessageBody(input, "body", 20000));
  if (r.Text("status") == "closed") {
    return Status::FailedPrecondition("the request is closed; open a new one");
  }
  const bool staff = IsStaff(actor);
  const std::string now = FormatTimestamp(clock.Now());
  STIO_RETURN_IF_ERROR(
      tx.Execute("INSERT INTO advisory_messages (request_id, author_user_id, "
                 "author_email, from_staff, body, created_at) VALUES (?, ?, ?, "
                 "?, ?, ?)",
                 {id, actor.user_id, actor.email, int64_t{staff ? 1 : 0}, body, now})
          .status());
  Json before = RowToJson(r);
  STIO_RETURN_IF_ERROR(
      UpdateRecord(tx, "advisory_requests", id, -1,
                   {{"status", std::string(staff ? "answered" : "open")}, {"updated_at", now}}));
  if (staff) {
    NewNotification n;
    n.organization_id = r.Int("organization_id");
    n.kind = "ip.advice_answered";
    n.subject_type = "advisory_request";
    n.subject_id = std::to_string(id);
    n.title = "Sở KH&CN đã trả lời: " + r.Text("subject") + " / Your IP question was answered";
    n.body = body.substr(0, 500);
    STIO_RETURN_IF_ERROR(Notify(tx, clock, n).status());
  }
  STIO_ASSIGN_OR_RETURN(storage::Row after, LoadRequest(tx, actor, id));
  STIO_ASSIGN_OR_RETURN(Json j, RequestJson(tx, after));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "message", "advisory_request",
                                   std::to_string(id), before, RowToJson(after)));
  return j;
}

Result<Json> CloseAdvisoryRequest(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                  int64_t id, const Json& input) {
  STIO_ASSIGN_OR_RETURN(storage::Row r, LoadRequest(tx, actor, id));
  STIO_ASSIGN_OR_RETURN(std::string outcome, MessageBody(input, "outcome", 5000));
  if (r.Text("status") == "closed") return Status::FailedPrecondition("already closed");
  Json before = RowToJson(r);
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "advisory_requests", id, -1,
                                    {{"status", std::string("closed")},
                                     {"outcome", outcome},
                                     {"updated_at", FormatTimestamp(clock.Now())}}));
  STIO_ASSIGN_OR_RETURN(storage::Row after, LoadRequest(tx, actor, id));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "close", "advisory_request",
                                   std::to_string(id), before, RowToJson(after)));
  return RequestJson(tx, after);
}

// --- Self-assessment

Json AssessmentQuestions() {
  Json out = Json::array();
  for (const Question& q : kQuestions) {
    out.push_back({{"id", q.id}, {"type", "yes_no"}, {"vi", q.vi}, {"en", q.en}});
  }
  out.push_back({{"id", "markets"},
                 {"type", "text"},
                 {"vi", "Thị trường xuất khẩu (nếu có)"},
                 {"en", "Export markets, if any"}});
  return out;
}

Result<Json> RunAssessment(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           const Json& input) {
  if (!input.is_object()) {
    STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kAskAdvice));
    return Status::InvalidArgument("send {\"answers\": {...}}");
  }
  STIO_ASSIGN_OR_RETURN(int64_t org, OrganizationFor(tx, actor, input, Permission::kAskAdvice));
  if (!input.contains("answers") || !input["answers"].is_object()) {
    return Status::InvalidArgument("'answers' is an object of question id -> answer", "answers");
  }
  const Json& answers = input["answers"];
  int answered = 0;
  for (const auto& [k, v] : answers.items()) {
    bool known = k == "markets";
    for (const Question& q : kQuestions) known = known || k == q.id;
    if (!known) return Status::InvalidArgument("unknown question '" + k.substr(0, 40) + "'", k);
    if (k == "markets") {
      if (!v.is_string()) return Status::InvalidArgument("'markets' is a text", "markets");
      if (Status s = ValidateText(v.get<std::string>(), 500, false); !s.ok()) {
        return s.WithField("markets");
      }
    } else if (!v.is_boolean()) {
      return Status::InvalidArgument("'" + k + "' is answered true or false", k);
    }
    ++answered;
  }
  // What the organization owns, by kind and status.
  STIO_ASSIGN_OR_RETURN(auto owned_rows,
                        tx.Query("SELECT kind, status, COUNT(*) AS n FROM ip_assets WHERE "
                                 "owner_organization_id = ? AND deleted_at IS NULL GROUP BY kind, "
                                 "status ORDER BY kind, status",
                                 {org}));
  std::map<std::string, int64_t> live;  // kind -> assets filed or in force
  Json owned = Json::array();
  for (const auto& r : owned_rows) {
    owned.push_back(
        {{"kind", r.Text("kind")}, {"status", r.Text("status")}, {"count", r.Int("n")}});
    const std::string st = r.Text("status");
    if (st != "lapsed" && st != "expired" && st != "refused" && st != "withdrawn" &&
        st != "invalidated") {
      live[r.Text("kind")] += r.Int("n");
    }
  }
  // What to protect: one recommendation per gap between the answers and the portfolio.
  Json recs = Json::array();
  auto rec = [&](const char* kind, const char* priority, std::string vi, std::string en,
                 const char* basis) {
    recs.push_back(
        {{"kind", kind}, {"priority", priority}, {"vi", vi}, {"en", en}, {"basis", basis}});
  };
  const bool marks =
      live.count("trademark") || live.count("collective_mark") || live.count("certification_mark");
  if (Yes(answers, "has_brand") && !marks) {
    rec("trademark", "high",
        "Đăng ký nhãn hiệu cho tên, logo đang dùng: quyền chỉ phát sinh khi được cấp văn bằng "
        "(nguyên tắc nộp đơn đầu tiên).",
        "Register the trade name or logo you use as a trademark: rights arise only from "
        "registration (first to file).",
        "Luật SHTT 2005 (sửa đổi 2022), Điều 6, 87");
  }
  if (Yes(answers, "exports") && (Yes(answers, "has_brand") || marks)) {
    std::string markets = answers.value("markets", "");
    rec("trademark", "high",
        "Bảo hộ nhãn hiệu tại thị trường xuất khẩu" +
            (markets.empty() ? "" : " (" + markets + ")") +
            " qua Hệ thống Madrid hoặc nộp đơn trực tiếp, trước khi xuất hàng.",
        "Protect the mark in the export markets" + (markets.empty() ? "" : " (" + markets + ")") +
            " through the Madrid System or national filings, before shipping.",
        "Nghị định thư Madrid; Luật SHTT Điều 120");
  }
  if (Yes(answers, "technical_innovation") && !live.count("patent") &&
      !live.count("utility_solution")) {
    rec("patent", "high",
        "Nộp đơn sáng chế hoặc giải pháp hữu ích trước khi công bố, chào bán hay trình diễn giải "
        "pháp kỹ thuật (để không mất tính mới).",
        "File a patent or utility solution before disclosing, selling or showing the technical "
        "solution (novelty would be lost).",
        "Luật SHTT Điều 58, 60");
  }
  if (Yes(answers, "product_design") && !live.count("industrial_design")) {
    rec("industrial_design", "medium",
        "Đăng ký kiểu dáng công nghiệp cho hình dáng sản phẩm hoặc bao bì.",
        "Register the product or packaging design as an industrial design.", "Luật SHTT Điều 63");
  }
  if (Yes(answers, "regional_product") || Yes(answers, "ocop")) {
    if (!live.count("collective_mark") && !live.count("certification_mark") &&
        !live.count("geographical_indication")) {
      rec("collective_mark", "medium",
          "Cùng hội, hợp tác xã địa phương đăng ký nhãn hiệu tập thể hoặc chứng nhận; nếu chất "
          "lượng do điều kiện địa lý quyết định, đề nghị tỉnh đăng ký chỉ dẫn địa lý.",
          "With the local association or cooperative, register a collective or certification "
          "mark; where quality comes from the place, ask the province to register a geographical "
          "indication.",
          "Luật SHTT Điều 4, 79, 88");
    }
  }
  if (Yes(answers, "software")) {
    rec("other", "medium",
        "Đăng ký quyền tác giả cho phần mềm tại Cục Bản quyền tác giả (không bắt buộc nhưng là "
        "chứng cứ); bảo vệ mã nguồn bằng hợp đồng.",
        "Register the software's copyright with the Copyright Office (optional, but evidence); "
        "protect the source code by contract.",
        "Luật SHTT Điều 14, 49");
  }
  if (Yes(answers, "plant_variety") && !live.count("plant_variety")) {
    rec("plant_variety", "medium", "Đăng ký bảo hộ giống cây trồng mới.",
        "Apply for plant variety protection.", "Luật SHTT Điều 157, 158");
  }
  if (Yes(answers, "uses_others_ip")) {
    rec("other", "medium",
        "Rà soát hợp đồng li-xăng, chuyển giao công nghệ; đăng ký hợp đồng khi luật yêu cầu.",
        "Review your licence and technology transfer contracts; register them where the law "
        "requires.",
        "Luật SHTT Điều 141-148; Luật Chuyển giao công nghệ 2017");
  }
  if (Yes(answers, "trade_secrets")) {
    rec("other", "low",
        "Giữ bí mật kinh doanh: thỏa thuận bảo mật với nhân viên, đối tác; hạn chế quyền tiếp "
        "cận.",
        "Keep trade secrets: confidentiality agreements with staff and partners; restrict "
        "access.",
        "Luật SHTT Điều 84, 127");
  }
  // The deadlines it faces within a year.
  IpDeadlineQuery q;
  q.owner_organization_id = org;
  Json deadlines = Json::array();
  size_t deadlines_total = 0;
  std::optional<std::string> deadlines_error;
  auto cal = ListIpDeadlines(tx, Actor::System("assessment"), clock, q);
  if (!cal.ok()) {
    // Without rules (data/ip not loaded) the deadlines are unknown, not absent: say so.
    if (cal.status().code() != StatusCode::kNotFound) return cal.status();
    deadlines_error = cal.status().message();
  } else {
    deadlines_total = (*cal)["items"].size();
    for (const Json& d : (*cal)["items"]) {
      Json item = {{"asset", d["asset"]},
                   {"type", d["type"]},
                   {"due", d["due"]},
                   {"days_left", d["days_left"]},
                   {"at_risk", d["at_risk"]}};
      // Which annuity or renewal it is ("the 3rd year's fee"), as the calendar says.
      if (d.contains("number")) item["number"] = d["number"];
      deadlines.push_back(std::move(item));
      if (deadlines.size() >= 20) break;
    }
  }
  Json report = {{"organization_id", org},
                 {"owned", owned},
                 {"recommendations", recs},
                 {"deadlines", deadlines},
                 {"deadlines_total", deadlines_total},
                 {"questions_answered", answered}};
  if (deadlines_error) report["deadlines_error"] = *deadlines_error;
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "ip_assessments",
                                                 {{"organization_id", org},
                                                  {"user_id", actor.user_id},
                                                  {"answers_json", answers.dump()},
                                                  {"report_json", report.dump()},
                                                  {"created_at", FormatTimestamp(clock.Now())}}));
  report["id"] = id;
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "create", "ip_assessment", std::to_string(id),
                                   nullptr, Json{{"organization_id", org}}));
  return report;
}

Result<ListResult> ListAssessments(storage::Transaction& tx, const Actor& actor,
                                   const ListParams& params) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  std::vector<Value> args;
  std::string where;
  if (!IsStaff(actor)) {
    if (!actor.organization_id) return ListResult{Json::array(), 0, params.limit, params.offset};
    where = " WHERE organization_id = ?";
    args.push_back(*actor.organization_id);
  }
  return PagedList(tx, "*", "ip_assessments" + where, std::move(args), "id DESC", params,
                   [](const storage::Row& r) -> Result<Json> {
                     Json j = Json::parse(r.Text("report_json", "{}"), nullptr, false);
                     if (j.is_discarded()) j = Json::object();
                     j["id"] = r.Int("id");
                     j["answers"] = Json::parse(r.Text("answers_json", "{}"), nullptr, false);
                     j["created_at"] = r.Text("created_at");
                     return j;
                   });
}

}  // namespace stio::domain
