// The exchange after the match (exchange.h): introductions, transfer contracts and their
// follow-up, S&T task proposals from unmet needs, and statistics.
#include <algorithm>
#include <map>

#include "core/strings.h"
#include "domain/exchange.h"
#include "domain/indicators.h"
#include "domain/ip_deadlines.h"
#include "domain/notifications.h"
#include "domain/policy.h"
#include "domain/reference.h"
#include "domain/validation.h"

namespace stio::domain {
namespace {

using storage::Null;
using storage::Value;
using Kind = FieldSpec::Kind;

std::string Today(const Clock& clock) { return FormatDate(clock.Now()); }

bool IsStaff(const Actor& a) { return Allowed(a, Permission::kWriteTransfer, std::nullopt); }

Result<storage::Row> LoadConnectionRow(storage::Transaction& tx, int64_t id) {
  auto r = tx.QueryOne(
      "SELECT c.*, l.title AS listing_title, l.kind AS listing_kind, l.organization_id AS "
      "owner_organization_id, l.contact_name, l.contact_email, l.contact_phone, o.name AS "
      "owner_organization_name, ro.name AS requester_organization_name, u.email AS "
      "requester_email, u.display_name AS requester_name FROM exchange_connections c JOIN "
      "exchange_listings l ON l.id = c.listing_id JOIN organizations o ON o.id = "
      "l.organization_id JOIN users u ON u.id = c.requester_user_id LEFT JOIN organizations ro ON "
      "ro.id = c.requester_organization_id WHERE c.id = ?",
      {id});
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("connection " + std::to_string(id) + " does not exist");
  }
  return r;
}

bool IsRequester(const Actor& a, const storage::Row& c) {
  return a.authenticated() && c.Int("requester_user_id") == a.user_id;
}
bool IsListingOwner(const Actor& a, const storage::Row& c) {
  return a.role == Role::kMember && a.organization_id &&
         *a.organization_id == c.Int("owner_organization_id");
}

// After acceptance both sides see each other's contacts; before, the owner sees who asks.
Json ConnectionJson(const Actor& actor, const storage::Row& c) {
  Json j = RowToJson(c);
  const std::string st = c.Text("status");
  const bool revealed = st != "requested" && st != "declined" && st != "cancelled";
  const bool staff = IsStaff(actor);
  if (!(revealed || staff)) {
    for (const char* k : {"contact_name", "contact_email", "contact_phone", "requester_email"}) {
      j.erase(k);
    }
    j["contacts_hidden"] = true;
  }
  return j;
}

Result<storage::Row> LoadVisibleConnection(storage::Transaction& tx, const Actor& actor,
                                           int64_t id) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  STIO_ASSIGN_OR_RETURN(storage::Row c, LoadConnectionRow(tx, id));
  if (!(IsStaff(actor) || IsRequester(actor, c) || IsListingOwner(actor, c))) {
    return Status::PermissionDenied("only the two parties and staff see a connection");
  }
  return c;
}

Status NotifyParty(storage::Transaction& tx, const Clock& clock, const storage::Row& c,
                   bool to_owner, const std::string& kind, const std::string& title,
                   const std::string& body) {
  NewNotification n;
  if (to_owner) {
    n.organization_id = c.Int("owner_organization_id");
    if (auto e = c.OptText("contact_email")) n.extra_emails.push_back(*e);
  } else {
    n.user_id = c.Int("requester_user_id");
  }
  n.kind = kind;
  n.subject_type = "connection";
  n.subject_id = std::to_string(c.Int("id"));
  n.title = title;
  n.body = body;
  return Notify(tx, clock, n).status();
}

const FieldSpec kContractFields[] = {
    {"transferor_name", Kind::kText, false, 300},
    {"transferee_name", Kind::kText, false, 300},
    {"object", Kind::kText, true, 3000, true},
    {"form",
     Kind::kEnum,
     true,
     30,
     false,
     {"independent", "investment_project", "capital_contribution", "franchise", "ip_rights",
      "equipment"}},
    {"rights", Kind::kEnum, true, 10, false, {"ownership", "use"}},
    {"direction", Kind::kEnum, false, 20, false, {"domestic", "into_vietnam", "out_of_vietnam"}},
    {"signed_date", Kind::kDate, true, 10},
    {"registration_number", Kind::kText, false, 60},
    {"registration_date", Kind::kDate, false, 10},
    {"province_code", Kind::kText, false, 2},
    {"status",
     Kind::kEnum,
     false,
     20,
     false,
     {"signed", "registered", "in_effect", "completed", "terminated"}},
    {"note", Kind::kText, false, 5000, true},
};
constexpr std::string_view kContractExtra[] = {"transferor_organization_id",
                                               "transferee_organization_id",
                                               "offer_id",
                                               "value_vnd",
                                               "state_capital",
                                               "fields",
                                               "version"};

Result<storage::Row> LoadContractRow(storage::Transaction& tx, int64_t id) {
  auto r =
      tx.QueryOne("SELECT * FROM transfer_contracts WHERE id = ? AND deleted_at IS NULL", {id});
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("transfer contract " + std::to_string(id) + " does not exist");
  }
  return r;
}

bool IsParty(const Actor& a, const storage::Row& k) {
  return Allowed(a, Permission::kWriteTransfer, k.OptInt("transferor_organization_id")) ||
         Allowed(a, Permission::kWriteTransfer, k.OptInt("transferee_organization_id"));
}

Json ContractJson(const storage::Row& k, const std::string& today) {
  Json j = RowToJson(k);
  j.erase("deleted_at");
  j["fields"] = JsonListOf(k.Text("fields", "[]"));
  j["state_capital"] = k.Int("state_capital") != 0;
  j["registration_required"] = k.Int("registration_required") != 0;
  if (k.Int("registration_required") != 0) {
    auto d = ParseCivilDate(k.Text("signed_date"));
    if (d.ok()) {
      // Decree 76/2018: the registration dossier is due within 90 days of signing.
      const int64_t due_days = DaysFromCivil(*d) + 90;
      const auto today_d = ParseCivilDate(today);
      const std::string due = FormatCivilDate(AddDays(*d, 90));
      j["registration_due"] = due;
      j["registration_overdue"] =
          k.IsNull("registration_number") && today_d.ok() && DaysFromCivil(*today_d) > due_days;
    }
  }
  return j;
}

Result<Json> FullContract(storage::Transaction& tx, const storage::Row& k, const Clock& clock) {
  Json j = ContractJson(k, Today(clock));
  STIO_ASSIGN_OR_RETURN(auto f, tx.Query("SELECT * FROM transfer_followups WHERE contract_id = ? "
                                         "ORDER BY period",
                                         {k.Int("id")}));
  j["followups"] = Json::array();
  for (const auto& r : f) j["followups"].push_back(RowToJson(r));
  return j;
}

// Checks an organization reference in `input` and returns it (nullopt if absent or null).
Result<std::optional<int64_t>> OrgRef(storage::Transaction& tx, const Json& input,
                                      const char* name) {
  if (!input.contains(name) || input[name].is_null()) return std::optional<int64_t>();
  if (!input[name].is_number_integer()) {
    return Status::InvalidArgument(std::string("'") + name + "' must be an organization id", name);
  }
  const int64_t id = input[name].get<int64_t>();
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM organizations WHERE id = ? AND "
                                            "deleted_at IS NULL",
                                            {id}));
  if (rows.empty()) {
    return Status::InvalidArgument("organization " + std::to_string(id) + " does not exist", name);
  }
  return std::optional<int64_t>(id);
}

}  // namespace

// --- Introductions

Result<Json> RequestIntroduction(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 int64_t listing_id, const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kRequestIntroduction));
  if (!input.is_object() && !input.is_null()) {
    return Status::InvalidArgument("the body is a JSON object: {\"message\": \"...\"}");
  }
  STIO_ASSIGN_OR_RETURN(Json listing, GetListing(tx, actor, clock, listing_id));
  if (listing["status"] != "published") {
    return Status::FailedPrecondition("introductions are asked for published listings only");
  }
  if (actor.organization_id && listing["organization_id"] == *actor.organization_id) {
    return Status::FailedPrecondition("this listing is your organization's own");
  }
  std::string message;
  if (input.is_object() && input.contains("message")) {
    if (!input["message"].is_string()) {
      return Status::InvalidArgument("'message' is a text", "message");
    }
    message = std::string(Trim(input["message"].get<std::string>()));
    if (Status s = ValidateText(message, 3000, true); !s.ok()) return s.WithField("message");
  }
  std::optional<int64_t> own_listing;
  if (input.is_object() && input.contains("requester_listing_id") &&
      !input["requester_listing_id"].is_null()) {
    if (!input["requester_listing_id"].is_number_integer()) {
      return Status::InvalidArgument("'requester_listing_id' is a listing id",
                                     "requester_listing_id");
    }
    own_listing = input["requester_listing_id"].get<int64_t>();
    auto mine = GetListing(tx, actor, clock, *own_listing);
    if (!mine.ok() || !actor.organization_id ||
        (*mine)["organization_id"] != *actor.organization_id) {
      return Status::InvalidArgument(
          "listing " + std::to_string(*own_listing) + " is not one of your organization's",
          "requester_listing_id");
    }
  }
  // One open request per user and listing; a daily limit per user.
  STIO_ASSIGN_OR_RETURN(
      auto open, tx.Query("SELECT id FROM exchange_connections WHERE listing_id = ? AND "
                          "requester_user_id = ? AND status NOT IN ('declined', 'cancelled', "
                          "'closed')",
                          {listing_id, actor.user_id}));
  if (!open.empty()) {
    return Status::AlreadyExists("you already asked for this introduction (connection " +
                                 std::to_string(open[0].Int("id")) + ")");
  }
  STIO_ASSIGN_OR_RETURN(int64_t per_day, SettingInt(tx, "exchange.intro_requests_per_day"));
  const auto since = clock.Now() - std::chrono::hours(24);
  STIO_ASSIGN_OR_RETURN(storage::Row n,
                        tx.QueryOne("SELECT COUNT(*) AS n FROM exchange_connections WHERE "
                                    "requester_user_id = ? AND created_at >= ?",
                                    {actor.user_id, FormatTimestamp(since)}));
  if (n.Int("n") >= per_day) {
    return Status::ResourceExhausted("at most " + std::to_string(per_day) +
                                     " introduction requests a day; try again tomorrow");
  }
  const std::string now = FormatTimestamp(clock.Now());
  STIO_ASSIGN_OR_RETURN(
      int64_t id,
      InsertRecord(tx, "exchange_connections",
                   {{"listing_id", listing_id},
                    {"requester_user_id", actor.user_id},
                    {"requester_organization_id",
                     actor.organization_id ? Value(*actor.organization_id) : Value(Null{})},
                    {"requester_listing_id", own_listing ? Value(*own_listing) : Value(Null{})},
                    {"message", message.empty() ? Value(Null{}) : Value(message)},
                    {"status", std::string("requested")},
                    {"created_at", now},
                    {"updated_at", now}}));
  STIO_ASSIGN_OR_RETURN(storage::Row c, LoadConnectionRow(tx, id));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "connection.request", "connection",
                                   std::to_string(id), nullptr, RowToJson(c)));
  STIO_RETURN_IF_ERROR(NotifyParty(
      tx, clock, c, true, "exchange.intro_requested",
      "Yêu cầu kết nối mới cho tin \"" + c.Text("listing_title") + "\" / New introduction request",
      c.Text("requester_organization_name", c.Text("requester_name")) + ": " + message));
  return ConnectionJson(actor, c);
}

Result<Json> GetConnection(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t id) {
  (void)clock;
  STIO_ASSIGN_OR_RETURN(storage::Row c, LoadVisibleConnection(tx, actor, id));
  Json j = ConnectionJson(actor, c);
  STIO_ASSIGN_OR_RETURN(auto history,
                        tx.Query("SELECT at, actor_email, action FROM audit_log WHERE "
                                 "entity_type = 'connection' AND entity_id = ? ORDER BY id",
                                 {std::to_string(id)}));
  j["history"] = Json::array();
  for (const auto& h : history) j["history"].push_back(RowToJson(h));
  return j;
}

Result<ListResult> ListConnections(storage::Transaction& tx, const Actor& actor,
                                   const std::string& box, const std::optional<std::string>& status,
                                   const ListParams& params) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  std::vector<Value> args;
  std::string where = " WHERE 1 = 1";
  const std::string org_clause = "l.organization_id = ?";
  if (box == "sent") {
    where += " AND c.requester_user_id = ?";
    args.push_back(actor.user_id);
  } else if (box == "received") {
    if (!actor.organization_id) return ListResult{Json::array(), 0, params.limit, params.offset};
    where += " AND " + org_clause;
    args.push_back(*actor.organization_id);
  } else if (box.empty()) {
    if (!IsStaff(actor)) {
      where += " AND (c.requester_user_id = ?";
      args.push_back(actor.user_id);
      if (actor.organization_id) {
        where += " OR " + org_clause;
        args.push_back(*actor.organization_id);
      }
      where += ")";
    }
  } else {
    return Status::InvalidArgument("box is sent or received", "box");
  }
  if (status) {
    where += " AND c.status = ?";
    args.push_back(*status);
  }
  return PagedList(
      tx, "c.id", "exchange_connections c JOIN exchange_listings l ON l.id = c.listing_id" + where,
      std::move(args), "c.id DESC", params, [&](const storage::Row& r) -> Result<Json> {
        STIO_ASSIGN_OR_RETURN(storage::Row c, LoadConnectionRow(tx, r.Int("id")));
        return ConnectionJson(actor, c);
      });
}

Result<Json> ConnectionAction(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                              int64_t id, const std::string& action, const Json& body) {
  STIO_ASSIGN_OR_RETURN(storage::Row c, LoadVisibleConnection(tx, actor, id));
  const std::string status = c.Text("status");
  const bool owner = IsListingOwner(actor, c) || IsStaff(actor);
  const bool party = owner || IsRequester(actor, c);
  if (!body.is_null() && !body.is_object()) {
    return Status::InvalidArgument("the body is a JSON object");
  }
  auto text = [&](const char* name, size_t max) -> Result<std::optional<std::string>> {
    if (!body.is_object() || !body.contains(name) || body[name].is_null()) {
      return std::optional<std::string>();
    }
    if (!body[name].is_string()) {
      return Status::InvalidArgument(std::string("'") + name + "' is a text", name);
    }
    std::string v(Trim(body[name].get<std::string>()));
    if (Status s = ValidateText(v, max, true); !s.ok()) return s.WithField(name);
    return std::optional<std::string>(v);
  };
  auto refuse = [&](const std::string& from) {
    return Status::FailedPrecondition("cannot " + action + " a connection that is " + status +
                                      " (only from " + from + ")");
  };
  // The steps after acceptance, in order: none may be skipped.
  static const std::map<std::string, std::string> kNext = {
      {"meeting", "accepted"}, {"nda", "meeting"}, {"contract", "nda"}, {"close", "contract"}};
  Columns cols;
  std::string next;
  bool to_owner = false;
  if (action == "accept" || action == "decline") {
    if (!owner) {
      return Status::PermissionDenied("only the listing's organization answers an introduction");
    }
    if (status != "requested") return refuse("requested");
    if (action == "accept") {
      next = "accepted";
    } else {
      STIO_ASSIGN_OR_RETURN(auto reason, text("reason", 20));
      static const std::vector<std::string> kReasons = {"price", "stage", "fit", "timing", "other"};
      if (!reason || std::find(kReasons.begin(), kReasons.end(), *reason) == kReasons.end()) {
        return Status::InvalidArgument("say why: reason is price, stage, fit, timing or other",
                                       "reason");
      }
      STIO_ASSIGN_OR_RETURN(auto note, text("note", 3000));
      if (*reason == "other" && (!note || note->empty())) {
        return Status::InvalidArgument("with reason 'other', explain in note", "note");
      }
      cols.push_back({"decline_reason", *reason});
      cols.push_back({"decline_note", note ? Value(*note) : Value(Null{})});
      next = "declined";
    }
  } else if (action == "cancel") {
    if (!IsRequester(actor, c) && !IsStaff(actor)) {
      return Status::PermissionDenied("only the requester cancels a request");
    }
    if (status != "requested" && status != "accepted" && status != "meeting" && status != "nda") {
      return refuse("requested, accepted, meeting or nda");
    }
    next = "cancelled";
    to_owner = true;
  } else if (auto it = kNext.find(action); it != kNext.end()) {
    if (!party) return Status::PermissionDenied("only the two parties move a connection on");
    if (status != it->second) return refuse(it->second);
    next = action == "close" ? "closed" : action;
    to_owner = IsRequester(actor, c);
    if (action == "contract") {
      int64_t contract_id = 0;
      if (body.is_object() && body.contains("contract_id")) {
        if (!body["contract_id"].is_number_integer()) {
          return Status::InvalidArgument("'contract_id' is a contract id", "contract_id");
        }
        contract_id = body["contract_id"].get<int64_t>();
        STIO_ASSIGN_OR_RETURN(storage::Row k, LoadContractRow(tx, contract_id));
        if (!IsParty(actor, k) && !IsStaff(actor)) {
          return Status::InvalidArgument(
              "contract " + std::to_string(contract_id) + " is not one of your organization's",
              "contract_id");
        }
      } else if (body.is_object() && body.contains("contract") && body["contract"].is_object()) {
        Json k = body["contract"];
        k["connection_id"] = id;
        // The parties default to the connection's: for an offer its owner transfers to the
        // requester; for a need the requester transfers to its owner.
        const bool offer = c.Text("listing_kind") == "offer";
        const std::optional<int64_t> owner = c.Int("owner_organization_id");
        const std::optional<int64_t> requester = c.OptInt("requester_organization_id");
        auto fill = [&](const char* id_key, const char* name_key, std::optional<int64_t> org) {
          if (!k.contains(id_key) && !k.contains(name_key) && org) k[id_key] = *org;
        };
        fill("transferor_organization_id", "transferor_name", offer ? owner : requester);
        fill("transferee_organization_id", "transferee_name", offer ? requester : owner);
        STIO_ASSIGN_OR_RETURN(Json created, CreateContract(tx, actor, clock, k));
        contract_id = created["id"].get<int64_t>();
      } else {
        return Status::InvalidArgument(
            "a connection reaches the contract step with its contract: {\"contract\": {...}} or "
            "{\"contract_id\": n}",
            "contract");
      }
      cols.push_back({"contract_id", contract_id});
    }
  } else {
    return Status::NotFound("unknown connection action '" + action.substr(0, 40) +
                            "' (accept, decline, meeting, nda, contract, close, cancel)");
  }
  Json before = RowToJson(c);
  cols.push_back({"status", next});
  cols.push_back({"updated_at", FormatTimestamp(clock.Now())});
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "exchange_connections", id, -1, cols));
  STIO_ASSIGN_OR_RETURN(storage::Row after, LoadConnectionRow(tx, id));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "connection." + action, "connection",
                                   std::to_string(id), before, RowToJson(after)));
  std::string title =
      "Kết nối \"" + c.Text("listing_title") + "\": " + next + " / Connection " + next;
  std::string note =
      next == "declined" ? after.Text("decline_reason") + ". " + after.Text("decline_note") : "";
  STIO_RETURN_IF_ERROR(
      NotifyParty(tx, clock, after, to_owner, "exchange.connection_" + next, title, note));
  return ConnectionJson(actor, after);
}

// --- Transfer contracts

Result<Json> CreateContract(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  if (!input.is_object()) return Status::InvalidArgument("a contract is a JSON object");
  std::vector<std::string_view> extra(std::begin(kContractExtra), std::end(kContractExtra));
  extra.push_back("connection_id");
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kContractFields, true, extra));
  Columns cols = ToColumns(fields);
  STIO_ASSIGN_OR_RETURN(auto from_org, OrgRef(tx, input, "transferor_organization_id"));
  STIO_ASSIGN_OR_RETURN(auto to_org, OrgRef(tx, input, "transferee_organization_id"));
  if (!Allowed(actor, Permission::kWriteTransfer, from_org) &&
      !Allowed(actor, Permission::kWriteTransfer, to_org)) {
    STIO_RETURN_IF_ERROR(
        Authorize(actor, Permission::kWriteTransfer, from_org ? from_org : to_org));
  }
  auto org_name = [&](std::optional<int64_t> id, const char* name_field) -> Result<std::string> {
    if (auto t = TextOf(fields, name_field)) return *t;
    if (!id) {
      return Status::InvalidArgument(std::string("name the party: ") + name_field +
                                         " or its "
                                         "organization id",
                                     name_field);
    }
    STIO_ASSIGN_OR_RETURN(storage::Row o,
                          tx.QueryOne("SELECT name FROM organizations WHERE id = ?", {*id}));
    return o.Text("name");
  };
  STIO_ASSIGN_OR_RETURN(std::string from_name, org_name(from_org, "transferor_name"));
  STIO_ASSIGN_OR_RETURN(std::string to_name, org_name(to_org, "transferee_name"));
  if (!TextOf(fields, "transferor_name")) cols.push_back({"transferor_name", from_name});
  if (!TextOf(fields, "transferee_name")) cols.push_back({"transferee_name", to_name});
  if (from_org) cols.push_back({"transferor_organization_id", *from_org});
  if (to_org) cols.push_back({"transferee_organization_id", *to_org});
  const std::string signed_date = *TextOf(fields, "signed_date");
  if (signed_date > Today(clock)) {
    return Status::InvalidArgument("the signing date is in the future", "signed_date");
  }
  const std::string direction = TextOf(fields, "direction").value_or("domestic");
  if (!TextOf(fields, "direction")) cols.push_back({"direction", direction});
  bool state_capital = false;
  if (input.contains("state_capital")) {
    if (!input["state_capital"].is_boolean()) {
      return Status::InvalidArgument("'state_capital' is true or false", "state_capital");
    }
    state_capital = input["state_capital"].get<bool>();
  }
  cols.push_back({"state_capital", int64_t{state_capital ? 1 : 0}});
  // Law 07/2017/QH14, art. 31: registration is mandatory for transfers into and out of Vietnam
  // and for domestic transfers using state capital.
  const bool must_register = direction != "domestic" || state_capital;
  cols.push_back({"registration_required", int64_t{must_register ? 1 : 0}});
  if (input.contains("value_vnd") && !input["value_vnd"].is_null()) {
    const Json& v = input["value_vnd"];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 ||
        v.get<int64_t>() > 1'000'000'000'000'000) {
      return Status::InvalidArgument("'value_vnd' is a whole number of dong, 0 to 10^15",
                                     "value_vnd");
    }
    cols.push_back({"value_vnd", v.get<int64_t>()});
  }
  if (input.contains("fields")) {
    const Json& v = input["fields"];
    if (!v.is_array() || v.size() > 10) {
      return Status::InvalidArgument("'fields' is a list of field-of-science codes", "fields");
    }
    for (const Json& f : v) {
      if (!f.is_string()) return Status::InvalidArgument("a field code is a text", "fields");
      if (Status s = CheckClassificationCode(tx, "fos", f.get<std::string>()); !s.ok()) {
        return s.WithField("fields");
      }
    }
    cols.push_back({"fields", v.dump()});
  }
  if (input.contains("offer_id") && !input["offer_id"].is_null()) {
    if (!input["offer_id"].is_number_integer()) {
      return Status::InvalidArgument("'offer_id' is a listing id", "offer_id");
    }
    STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM exchange_listings WHERE id = ? AND "
                                              "kind = 'offer' AND deleted_at IS NULL",
                                              {input["offer_id"].get<int64_t>()}));
    if (rows.empty()) return Status::InvalidArgument("no such offer", "offer_id");
    cols.push_back({"offer_id", input["offer_id"].get<int64_t>()});
  }
  if (input.contains("connection_id")) {
    if (!input["connection_id"].is_number_integer()) {
      return Status::InvalidArgument("'connection_id' is a connection id", "connection_id");
    }
    STIO_ASSIGN_OR_RETURN(storage::Row c,
                          LoadVisibleConnection(tx, actor, input["connection_id"].get<int64_t>()));
    cols.push_back({"connection_id", c.Int("id")});
    if (!input.contains("offer_id") && c.Text("listing_kind") == "offer") {
      cols.push_back({"offer_id", c.Int("listing_id")});
    }
  }
  const std::string status = TextOf(fields, "status").value_or("signed");
  if (!TextOf(fields, "status")) cols.push_back({"status", status});
  const bool registered = TextOf(fields, "registration_number").has_value();
  if ((status == "registered" ||
       (must_register && (status == "in_effect" || status == "completed"))) &&
      !registered) {
    return Status::InvalidArgument(
        "a contract that must be registered takes effect only once registered: give "
        "registration_number and registration_date",
        "registration_number");
  }
  if (registered != TextOf(fields, "registration_date").has_value()) {
    return Status::InvalidArgument("give the registration number and date together",
                                   "registration_date");
  }
  if (auto rd = TextOf(fields, "registration_date")) {
    if (*rd > Today(clock)) {
      return Status::InvalidArgument("the registration date is in the future", "registration_date");
    }
    if (*rd < signed_date) {
      return Status::InvalidArgument("the registration date is before the signing",
                                     "registration_date");
    }
  }
  if (!TextOf(fields, "province_code") && (to_org || from_org)) {
    STIO_ASSIGN_OR_RETURN(storage::Row o, tx.QueryOne("SELECT province_code FROM organizations "
                                                      "WHERE id = ?",
                                                      {to_org ? *to_org : *from_org}));
    if (auto p = o.OptText("province_code")) cols.push_back({"province_code", *p});
  } else if (auto p = TextOf(fields, "province_code")) {
    if (Status s = CheckProvince(tx, *p); !s.ok()) return s.WithField("province_code");
  }
  const std::string now = FormatTimestamp(clock.Now());
  cols.push_back({"created_by", actor.email});
  cols.push_back({"created_at", now});
  cols.push_back({"updated_at", now});
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "transfer_contracts", cols));
  STIO_ASSIGN_OR_RETURN(storage::Row k, LoadContractRow(tx, id));
  Json j = ContractJson(k, Today(clock));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "contract.create", "contract", std::to_string(id), nullptr, j));
  return FullContract(tx, k, clock);
}

Result<Json> GetContract(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                         int64_t id) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  STIO_ASSIGN_OR_RETURN(storage::Row k, LoadContractRow(tx, id));
  if (!IsParty(actor, k) && !IsStaff(actor)) {
    return Status::PermissionDenied("only the parties and staff see a transfer contract");
  }
  return FullContract(tx, k, clock);
}

Result<Json> UpdateContract(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            int64_t id, const Json& patch) {
  if (!patch.is_object()) return Status::InvalidArgument("a contract is a JSON object");
  STIO_ASSIGN_OR_RETURN(storage::Row k, LoadContractRow(tx, id));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  if (!IsParty(actor, k) && !IsStaff(actor)) {
    return Status::PermissionDenied("only the parties and staff edit a transfer contract");
  }
  for (const char* fixed : {"transferor_organization_id", "transferee_organization_id", "offer_id",
                            "state_capital", "direction", "connection_id"}) {
    if (patch.contains(fixed)) {
      return Status::InvalidArgument(
          std::string("'") + fixed + "' cannot change; record a new contract instead", fixed);
    }
  }
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(patch, kContractFields, false, kContractExtra));
  Columns cols = ToColumns(fields);
  Json before = ContractJson(k, Today(clock));
  Json merged = before;
  for (const FieldValue& f : fields) merged[f.name] = ToJson(f.value);
  if (patch.contains("value_vnd")) {
    const Json& v = patch["value_vnd"];
    if (!v.is_null() && (!v.is_number_integer() || v.get<int64_t>() < 0 ||
                         v.get<int64_t>() > 1'000'000'000'000'000)) {
      return Status::InvalidArgument("'value_vnd' is a whole number of dong, 0 to 10^15",
                                     "value_vnd");
    }
    cols.push_back({"value_vnd", v.is_null() ? Value(Null{}) : Value(v.get<int64_t>())});
  }
  // Status moves forward only: signed -> registered -> in_effect -> completed; terminated from any.
  static const std::vector<std::string> kOrder = {"signed", "registered", "in_effect", "completed"};
  const std::string from = before["status"], to = merged["status"];
  if (from != to) {
    if (from == "terminated" || from == "completed") {
      return Status::FailedPrecondition("a " + from + " contract does not change status");
    }
    if (to != "terminated") {
      auto pos = [&](const std::string& s) {
        return std::find(kOrder.begin(), kOrder.end(), s) - kOrder.begin();
      };
      if (pos(to) < pos(from)) {
        return Status::FailedPrecondition("a contract's status moves forward only (" + from +
                                          " -> " + to + ")");
      }
    }
  }
  const bool registered = merged["registration_number"].is_string();
  if (registered != merged["registration_date"].is_string()) {
    return Status::InvalidArgument("give the registration number and date together",
                                   "registration_date");
  }
  if ((to == "registered" ||
       (before["registration_required"] == true && (to == "in_effect" || to == "completed"))) &&
      !registered) {
    return Status::InvalidArgument(
        "a contract that must be registered takes effect only once registered: give "
        "registration_number and registration_date",
        "registration_number");
  }
  if (merged["signed_date"].get<std::string>() > Today(clock)) {
    return Status::InvalidArgument("the signing date is in the future", "signed_date");
  }
  if (merged["registration_date"].is_string()) {
    const std::string rd = merged["registration_date"];
    if (rd > Today(clock)) {
      return Status::InvalidArgument("the registration date is in the future", "registration_date");
    }
    if (rd < merged["signed_date"].get<std::string>()) {
      return Status::InvalidArgument("the registration date is before the signing",
                                     "registration_date");
    }
  }
  cols.push_back({"updated_at", FormatTimestamp(clock.Now())});
  STIO_RETURN_IF_ERROR(UpdateRecord(tx, "transfer_contracts", id, version, cols));
  STIO_ASSIGN_OR_RETURN(storage::Row after, LoadContractRow(tx, id));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "contract.update", "contract",
                                   std::to_string(id), before, ContractJson(after, Today(clock))));
  return FullContract(tx, after, clock);
}

Result<ListResult> ListContracts(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 const std::optional<std::string>& province_code,
                                 const std::optional<std::string>& status,
                                 const ListParams& params) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  std::vector<Value> args;
  std::string where = " WHERE deleted_at IS NULL";
  if (!IsStaff(actor)) {
    if (!actor.organization_id) return ListResult{Json::array(), 0, params.limit, params.offset};
    where += " AND (transferor_organization_id = ? OR transferee_organization_id = ?)";
    args.push_back(*actor.organization_id);
    args.push_back(*actor.organization_id);
  }
  if (province_code) {
    where += " AND province_code = ?";
    args.push_back(*province_code);
  }
  if (status) {
    where += " AND status = ?";
    args.push_back(*status);
  }
  const std::string today = Today(clock);
  return PagedList(tx, "*", "transfer_contracts" + where, std::move(args),
                   "signed_date DESC, id DESC", params,
                   [&](const storage::Row& r) -> Result<Json> { return ContractJson(r, today); });
}

Result<Json> AddFollowup(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                         int64_t contract_id, const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  STIO_ASSIGN_OR_RETURN(storage::Row k, LoadContractRow(tx, contract_id));
  if (!IsParty(actor, k) && !IsStaff(actor)) {
    return Status::PermissionDenied("only the parties and staff report a contract's follow-up");
  }
  if (!input.is_object()) return Status::InvalidArgument("a follow-up is a JSON object");
  static const FieldSpec kFollowupFields[] = {
      {"period", Kind::kText, true, 7},
      {"products", Kind::kText, false, 3000, true},
      {"note", Kind::kText, false, 5000, true},
  };
  static constexpr std::string_view kExtra[] = {"revenue_change_vnd", "productivity_change_pct",
                                                "jobs_created"};
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kFollowupFields, true, kExtra));
  Result<Period> p = ParsePeriod(*TextOf(fields, "period"));
  if (!p.ok()) return p.status().WithField("period");
  const std::string period = p->ToString();  // "2026q1" and "2026Q1" are one period
  if (p->EndDate() < k.Text("signed_date")) {
    return Status::InvalidArgument("the period ends before the contract was signed", "period");
  }
  if (p->StartDate() > Today(clock)) {
    return Status::InvalidArgument("the period has not started yet", "period");
  }
  Columns cols = ToColumns(fields);
  for (auto& [name, value] : cols) {
    if (name == "period") value = period;
  }
  bool any = false;
  if (input.contains("revenue_change_vnd") && !input["revenue_change_vnd"].is_null()) {
    if (!input["revenue_change_vnd"].is_number_integer()) {
      return Status::InvalidArgument(
          "'revenue_change_vnd' is a whole number of dong (may be "
          "negative)",
          "revenue_change_vnd");
    }
    cols.push_back({"revenue_change_vnd", input["revenue_change_vnd"].get<int64_t>()});
    any = true;
  }
  if (input.contains("productivity_change_pct") && !input["productivity_change_pct"].is_null()) {
    const Json& v = input["productivity_change_pct"];
    if (!v.is_number() || v.get<double>() < -100 || v.get<double>() > 10000) {
      return Status::InvalidArgument("'productivity_change_pct' is a percentage from -100",
                                     "productivity_change_pct");
    }
    cols.push_back({"productivity_change_pct", v.get<double>()});
    any = true;
  }
  if (input.contains("jobs_created") && !input["jobs_created"].is_null()) {
    const Json& v = input["jobs_created"];
    if (!v.is_number_integer() || v.get<int64_t>() < -1000000 || v.get<int64_t>() > 1000000) {
      return Status::InvalidArgument("'jobs_created' is a whole number", "jobs_created");
    }
    cols.push_back({"jobs_created", v.get<int64_t>()});
    any = true;
  }
  if (!any && !TextOf(fields, "products") && !TextOf(fields, "note")) {
    return Status::InvalidArgument(
        "report at least one effect: revenue_change_vnd, productivity_change_pct, jobs_created, "
        "products or note");
  }
  if (k.Text("status") == "terminated") {
    return Status::FailedPrecondition("the contract was terminated: no follow-up");
  }
  STIO_ASSIGN_OR_RETURN(auto dup, tx.Query("SELECT id FROM transfer_followups WHERE contract_id = "
                                           "? AND period = ?",
                                           {contract_id, period}));
  if (!dup.empty()) {
    return Status::AlreadyExists("a follow-up for " + period + " is already recorded", "period");
  }
  cols.push_back({"contract_id", contract_id});
  cols.push_back({"created_by", actor.email});
  cols.push_back({"created_at", FormatTimestamp(clock.Now())});
  STIO_ASSIGN_OR_RETURN(int64_t fid, InsertRecord(tx, "transfer_followups", cols));
  STIO_ASSIGN_OR_RETURN(storage::Row f,
                        tx.QueryOne("SELECT * FROM transfer_followups WHERE id = ?", {fid}));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "contract.followup", "contract",
                                   std::to_string(contract_id), nullptr, RowToJson(f)));
  return RowToJson(f);
}

// --- Task proposals

Result<Json> CreateTaskProposal(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                int64_t need_id) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteTransfer, std::nullopt));
  STIO_ASSIGN_OR_RETURN(Json need, GetListing(tx, actor, clock, need_id));
  if (need["kind"] != "need") {
    return Status::FailedPrecondition("task proposals are made from needs, not offers");
  }
  if (need["status"] != "published" && need["status"] != "expired") {
    return Status::FailedPrecondition("only a published (or expired) need becomes a proposal");
  }
  STIO_ASSIGN_OR_RETURN(auto done,
                        tx.Query("SELECT id FROM exchange_connections WHERE (listing_id = ? OR "
                                 "requester_listing_id = ?) AND status IN ('contract', 'closed')",
                                 {need_id, need_id}));
  if (!done.empty()) {
    return Status::FailedPrecondition("this need was met by a transfer (connection " +
                                      std::to_string(done[0].Int("id")) + ")");
  }
  STIO_ASSIGN_OR_RETURN(auto existing,
                        tx.Query("SELECT id FROM task_proposals WHERE need_id = ?", {need_id}));
  if (!existing.empty()) {
    return Status::AlreadyExists("need " + std::to_string(need_id) + " already has proposal " +
                                 std::to_string(existing[0].Int("id")));
  }
  // The fields of a provincial S&T task order (đặt hàng): name, urgency, objectives, expected
  // results, users of the results, duration and budget, filled from the need.
  Json p = {
      {"ten_nhiem_vu", need["title"]},
      {"tinh_cap_thiet", need["summary"]},
      {"muc_tieu", need.value("accepted_result", Json())},
      {"mo_ta", need.value("description", Json())},
      {"yeu_cau_ket_qua", need.value("accepted_result", Json())},
      {"trl_toi_thieu", need.value("trl_min", Json())},
      {"linh_vuc", need["fields"]},
      {"kinh_phi_du_kien_vnd",
       {{"min", need.value("budget_min_vnd", Json())},
        {"max", need.value("budget_max_vnd", Json())}}},
      {"thoi_han", need.value("deadline", Json())},
      {"don_vi_de_xuat", need["organization_name"]},
      {"dia_chi_ung_dung", need.value("province_code", Json())},
      {"nguon", {{"listing_id", need_id}, {"url", "#/exchange/" + std::to_string(need_id)}}},
      {"ghi_chu",
       "Đề xuất đặt hàng lập từ nhu cầu công nghệ chưa được đáp ứng trên sàn; cần Hội đồng tư "
       "vấn xác định nhiệm vụ. / Draft order proposal made from an unmet technology need; to be "
       "examined by the advisory council."}};
  const std::string now = FormatTimestamp(clock.Now());
  STIO_ASSIGN_OR_RETURN(int64_t id, InsertRecord(tx, "task_proposals",
                                                 {{"need_id", need_id},
                                                  {"title", need["title"].get<std::string>()},
                                                  {"proposal_json", p.dump()},
                                                  {"status", std::string("draft")},
                                                  {"created_by", actor.email},
                                                  {"created_at", now},
                                                  {"updated_at", now}}));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, "task_proposal.create", "task_proposal",
                                   std::to_string(id), nullptr, p));
  return GetTaskProposal(tx, actor, id);
}

Result<Json> GetTaskProposal(storage::Transaction& tx, const Actor& actor, int64_t id) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteTransfer, std::nullopt));
  auto r = tx.QueryOne("SELECT * FROM task_proposals WHERE id = ?", {id});
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("task proposal " + std::to_string(id) + " does not exist");
    }
    return r.status();
  }
  Json j = RowToJson(*r);
  j["proposal"] = JsonListOf(r->Text("proposal_json", "{}"));
  j.erase("proposal_json");
  return j;
}

Result<ListResult> ListTaskProposals(storage::Transaction& tx, const Actor& actor,
                                     std::optional<int64_t> need_id, const ListParams& params) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteTransfer, std::nullopt));
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  std::vector<Value> args;
  if (need_id) args.emplace_back(*need_id);
  return PagedList(tx, "id", need_id ? "task_proposals WHERE need_id = ?" : "task_proposals",
                   std::move(args), "id DESC", params,
                   [&](const storage::Row& r) { return GetTaskProposal(tx, actor, r.Int("id")); });
}

// --- Statistics

Result<Json> ExchangeStats(storage::Transaction& tx, const Clock& clock,
                           const ExchangeStatsQuery& q) {
  auto month_ok = [](const std::optional<std::string>& m) {
    return !m || (m->size() == 7 && (*m)[4] == '-' && ParseInt(m->substr(0, 4)) &&
                  ParseInt(m->substr(5, 2)) && *ParseInt(m->substr(5, 2)) >= 1 &&
                  *ParseInt(m->substr(5, 2)) <= 12);
  };
  if (!month_ok(q.from)) return Status::InvalidArgument("from is a month, YYYY-MM", "from");
  if (!month_ok(q.to)) return Status::InvalidArgument("to is a month, YYYY-MM", "to");
  if (q.province_code) {
    if (Status s = CheckProvince(tx, *q.province_code); !s.ok()) {
      return s.WithField("province_code");
    }
  }
  const std::string from = q.from.value_or("0000-00"), to = q.to.value_or("9999-99");
  const std::string today = Today(clock);
  std::vector<Value> pargs;
  std::string prov;
  if (q.province_code) {
    prov = " AND l.province_code = ?";
    pargs.push_back(*q.province_code);
  }
  auto args = [&](std::vector<Value> head) {
    head.insert(head.end(), pargs.begin(), pargs.end());
    return head;
  };
  Json out;
  // Listings published, by month and kind (publication month), and current totals.
  STIO_ASSIGN_OR_RETURN(
      auto pub,
      tx.Query("SELECT substr(l.published_at, 1, 7) AS month, l.kind, COUNT(*) AS n FROM "
               "exchange_listings l WHERE l.deleted_at IS NULL AND l.published_at IS NOT NULL AND "
               "substr(l.published_at, 1, 7) BETWEEN ? AND ?" +
                   prov + " GROUP BY month, l.kind ORDER BY month",
               args({from, to})));
  STIO_ASSIGN_OR_RETURN(
      auto intro,
      tx.Query("SELECT substr(c.created_at, 1, 7) AS month, COUNT(*) AS requested, "
               "SUM(CASE WHEN c.status IN ('accepted', 'meeting', 'nda', 'contract', 'closed') "
               "THEN 1 ELSE 0 END) AS accepted FROM exchange_connections c JOIN exchange_listings "
               "l ON l.id = c.listing_id WHERE substr(c.created_at, 1, 7) BETWEEN ? AND ?" +
                   prov + " GROUP BY month ORDER BY month",
               args({from, to})));
  std::string kprov = q.province_code ? " AND k.province_code = ?" : "";
  STIO_ASSIGN_OR_RETURN(
      auto contracts,
      tx.Query("SELECT substr(k.signed_date, 1, 7) AS month, COUNT(*) AS n, "
               "COALESCE(SUM(k.value_vnd), 0) AS value_vnd FROM transfer_contracts k WHERE "
               "k.deleted_at IS NULL AND k.status != 'terminated' AND substr(k.signed_date, 1, 7) "
               "BETWEEN ? AND ?" +
                   kprov + " GROUP BY month ORDER BY month",
               args({from, to})));
  std::map<std::string, Json> months;
  auto month = [&](const std::string& m) -> Json& {
    Json& j = months[m];
    if (j.is_null()) {
      j = {{"month", m},
           {"offers_published", 0},
           {"needs_published", 0},
           {"introductions", 0},
           {"introductions_accepted", 0},
           {"contracts", 0},
           {"contract_value_vnd", 0}};
    }
    return j;
  };
  for (const auto& r : pub) {
    month(r.Text("month"))[r.Text("kind") == "offer" ? "offers_published" : "needs_published"] =
        r.Int("n");
  }
  for (const auto& r : intro) {
    month(r.Text("month"))["introductions"] = r.Int("requested");
    month(r.Text("month"))["introductions_accepted"] = r.Int("accepted");
  }
  for (const auto& r : contracts) {
    month(r.Text("month"))["contracts"] = r.Int("n");
    month(r.Text("month"))["contract_value_vnd"] = r.Int("value_vnd");
  }
  out["by_month"] = Json::array();
  for (auto& [m, j] : months) out["by_month"].push_back(j);
  // Current listings by field (level 1) and by province.
  STIO_ASSIGN_OR_RETURN(
      auto by_field,
      tx.Query("SELECT substr(j.value, 1, 1) AS field, l.kind, COUNT(DISTINCT l.id) AS n FROM "
               "exchange_listings l, json_each(l.fields) j WHERE l.deleted_at IS NULL AND "
               "l.status = 'published' AND l.expires_at >= ?" +
                   prov + " GROUP BY field, l.kind ORDER BY field",
               args({today})));
  std::map<std::string, Json> fields;
  for (const auto& r : by_field) {
    Json& j = fields[r.Text("field")];
    if (j.is_null()) j = {{"field", r.Text("field")}, {"offers", 0}, {"needs", 0}};
    j[r.Text("kind") == "offer" ? "offers" : "needs"] = r.Int("n");
  }
  out["by_field"] = Json::array();
  for (auto& [f, j] : fields) out["by_field"].push_back(j);
  STIO_ASSIGN_OR_RETURN(
      auto by_prov,
      tx.Query("SELECT l.province_code, SUM(CASE WHEN l.kind = 'offer' THEN 1 ELSE 0 END) AS "
               "offers, SUM(CASE WHEN l.kind = 'need' THEN 1 ELSE 0 END) AS needs FROM "
               "exchange_listings l WHERE l.deleted_at IS NULL AND l.status = 'published' AND "
               "l.expires_at >= ? AND l.province_code IS NOT NULL" +
                   prov + " GROUP BY l.province_code ORDER BY l.province_code",
               args({today})));
  out["by_province"] = Json::array();
  for (const auto& r : by_prov) {
    out["by_province"].push_back({{"province_code", r.Text("province_code")},
                                  {"offers", r.Int("offers")},
                                  {"needs", r.Int("needs")}});
  }
  // Totals.
  STIO_ASSIGN_OR_RETURN(
      storage::Row t,
      tx.QueryOne("SELECT SUM(CASE WHEN l.kind = 'offer' THEN 1 ELSE 0 END) AS offers, "
                  "SUM(CASE WHEN l.kind = 'need' THEN 1 ELSE 0 END) AS needs FROM "
                  "exchange_listings l WHERE l.deleted_at IS NULL AND l.status = 'published' AND "
                  "l.expires_at >= ?" +
                      prov,
                  args({today})));
  int64_t intros = 0, accepted = 0, ncontracts = 0, value = 0;
  for (const auto& r : intro) {
    intros += r.Int("requested");
    accepted += r.Int("accepted");
  }
  for (const auto& r : contracts) {
    ncontracts += r.Int("n");
    value += r.Int("value_vnd");
  }
  out["totals"] = {{"offers_published", t.Int("offers")},
                   {"needs_published", t.Int("needs")},
                   {"introductions", intros},
                   {"introductions_accepted", accepted},
                   {"contracts", ncontracts},
                   {"contract_value_vnd", value}};
  return out;
}

}  // namespace stio::domain
