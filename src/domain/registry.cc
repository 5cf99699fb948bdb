#include "domain/registry.h"

#include <algorithm>
#include <set>

#include "core/strings.h"
#include "domain/policy.h"
#include "domain/reference.h"
#include "domain/validation.h"
#include "text/normalize.h"

namespace stio::domain {
namespace {

using storage::Null;
using storage::Value;
using Kind = FieldSpec::Kind;

const FieldSpec kOrganizationFields[] = {
    {"kind",
     Kind::kEnum,
     true,
     40,
     false,
     {"enterprise", "research_institute", "university", "state_agency", "startup", "other"}},
    {"name", Kind::kText, true, 300},
    {"name_en", Kind::kText, false, 300},
    {"short_name", Kind::kText, false, 100},
    {"tax_code", Kind::kText, false, 20, false, {}, &NormalizeTaxCode},
    {"vsic_code", Kind::kText, false, 10},
    {"province_code", Kind::kText, false, 2},
    {"commune_code", Kind::kText, false, 5},
    {"address", Kind::kText, false, 500},
    {"website", Kind::kText, false, 300},
    {"email", Kind::kText, false, 254, false, {}, &NormalizeEmail},
    {"phone", Kind::kText, false, 30, false, {}, &NormalizePhone},
    {"founded_on", Kind::kDate, false, 10},
    {"description", Kind::kText, false, 20000, true},
};

const FieldSpec kPersonFields[] = {
    {"full_name", Kind::kText, true, 200},
    {"title", Kind::kText, false, 100},
    {"position", Kind::kText, false, 200},
    {"orcid", Kind::kText, false, 40, false, {}, &NormalizeOrcid},
    {"email", Kind::kText, false, 254, false, {}, &NormalizeEmail},
    {"phone", Kind::kText, false, 30, false, {}, &NormalizePhone},
    {"is_expert", Kind::kBool},
    {"contact_public", Kind::kBool},
    {"province_code", Kind::kText, false, 2},
    {"bio", Kind::kText, false, 20000, true},
};

constexpr std::string_view kPersonExtra[] = {"organization_id", "fields", "keywords", "version"};
constexpr std::string_view kVersionOnly[] = {"version"};

// Checks references to other tables (units, classifications) for the fields present.
Status CheckOrganizationRefs(storage::Transaction& tx, const std::vector<FieldValue>& f,
                             const std::optional<std::string>& stored_province) {
  std::optional<std::string> province = TextOf(f, "province_code");
  if (province) STIO_RETURN_IF_ERROR(CheckProvince(tx, *province));
  if (!FindField(f, "province_code")) province = stored_province;
  if (auto commune = TextOf(f, "commune_code")) {
    STIO_RETURN_IF_ERROR(CheckCommune(tx, *commune, province));
  }
  if (auto vsic = TextOf(f, "vsic_code")) {
    // VSIC 2018 codes are 1 to 5 levels: a section letter, or 2 to 5 digits whose first two are
    // a division. Only levels 1-2 ship in data/, so deeper codes are checked by their division.
    bool digits =
        vsic->size() >= 2 && vsic->size() <= 5 &&
        std::all_of(vsic->begin(), vsic->end(), [](char c) { return c >= '0' && c <= '9'; });
    bool section = vsic->size() == 1 && (*vsic)[0] >= 'A' && (*vsic)[0] <= 'U';
    if (!digits && !section) {
      return Status::InvalidArgument("a VSIC 2018 code is a section letter A-U or 2 to 5 digits",
                                     "vsic_code");
    }
    Status s = CheckClassificationCode(tx, "vsic", digits ? vsic->substr(0, 2) : *vsic);
    if (!s.ok()) return s.WithField("vsic_code");
  }
  if (auto site = TextOf(f, "website")) {
    if (Status s = ValidateUrl(*site); !s.ok()) return s.WithField("website");
  }
  return Status::Ok();
}

Status CheckTaxCodeFree(storage::Transaction& tx, const std::vector<FieldValue>& f,
                        std::optional<int64_t> self) {
  auto tax = TextOf(f, "tax_code");
  if (!tax) return Status::Ok();
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM organizations WHERE tax_code = ? AND "
                                            "deleted_at IS NULL",
                                            {*tax}));
  for (const auto& r : rows) {
    if (!self || r.Int("id") != *self) {
      return Status::AlreadyExists("an organization with tax code " + *tax +
                                       " is already registered (id " + std::to_string(r.Int("id")) +
                                       ")",
                                   "tax_code");
    }
  }
  return Status::Ok();
}

constexpr std::string_view kOrgSelect =
    "SELECT o.*, p.full_name AS province_name, c.full_name AS commune_name, "
    "(SELECT status FROM st_certificates s WHERE s.organization_id = o.id "
    " ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'suspended' THEN 1 ELSE 2 END, s.id DESC "
    " LIMIT 1) AS certificate_status "
    "FROM organizations o "
    "LEFT JOIN admin_units p ON p.era = '2025' AND p.level = 'province' AND p.code = "
    "o.province_code "
    "LEFT JOIN admin_units c ON c.era = '2025' AND c.level = 'commune' AND c.code = o.commune_code";

Json OrganizationJson(const storage::Row& r) {
  Json j = RowToJson(r);
  j.erase("match_key");
  j.erase("deleted_at");
  return j;
}

Result<Json> LoadOrganizationJson(storage::Transaction& tx, int64_t id) {
  auto row =
      tx.QueryOne(std::string(kOrgSelect) + " WHERE o.id = ? AND o.deleted_at IS NULL", {id});
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("organization " + std::to_string(id) + " does not exist");
    }
    return row.status();
  }
  return OrganizationJson(*row);
}

}  // namespace

Result<Json> CreateOrganization(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteOrganization));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kOrganizationFields, true));
  STIO_RETURN_IF_ERROR(CheckOrganizationRefs(tx, fields, std::nullopt));
  STIO_RETURN_IF_ERROR(CheckTaxCodeFree(tx, fields, std::nullopt));
  const std::string now = FormatTimestamp(clock.Now());
  STIO_ASSIGN_OR_RETURN(
      int64_t id,
      InsertRecord(tx, "organizations",
                   ToColumns(fields, {{"match_key", text::MatchKey(*TextOf(fields, "name"))},
                                      {"created_at", now},
                                      {"updated_at", now}})));
  STIO_ASSIGN_OR_RETURN(Json after, LoadOrganizationJson(tx, id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "organization", std::to_string(id), nullptr, after));
  return after;
}

Result<Json> GetOrganization(storage::Transaction& tx, const Actor& actor, int64_t id) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadPublic));
  return LoadOrganizationJson(tx, id);
}

Result<Json> UpdateOrganization(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                int64_t id, const Json& patch) {
  STIO_ASSIGN_OR_RETURN(Json before, LoadOrganizationJson(tx, id));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kEditOrganization, id));
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(patch, kOrganizationFields, false, kVersionOnly));
  std::optional<std::string> stored_province;
  if (before["province_code"].is_string()) stored_province = before["province_code"];
  STIO_RETURN_IF_ERROR(CheckOrganizationRefs(tx, fields, stored_province));
  STIO_RETURN_IF_ERROR(CheckTaxCodeFree(tx, fields, id));
  std::vector<std::pair<std::string, Value>> extra = {{"updated_at", FormatTimestamp(clock.Now())}};
  if (auto name = TextOf(fields, "name")) extra.push_back({"match_key", text::MatchKey(*name)});
  STIO_RETURN_IF_ERROR(
      UpdateRecord(tx, "organizations", id, version, ToColumns(fields, std::move(extra))));
  STIO_ASSIGN_OR_RETURN(Json after, LoadOrganizationJson(tx, id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "update", "organization", std::to_string(id), before, after));
  return after;
}

Status DeleteOrganization(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                          int64_t id) {
  STIO_ASSIGN_OR_RETURN(Json before, LoadOrganizationJson(tx, id));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteOrganization));
  STIO_RETURN_IF_ERROR(SoftDeleteRecord(tx, "organizations", id, clock));
  return RecordAudit(tx, actor, clock, "delete", "organization", std::to_string(id), before,
                     nullptr);
}

Result<ListResult> ListOrganizations(storage::Transaction& tx, const Actor& actor,
                                     const OrganizationFilter& f, const ListParams& params) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadPublic));
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  static constexpr SortKey kSorts[] = {{"name", "o.match_key"},
                                       {"created_at", "o.created_at"},
                                       {"updated_at", "o.updated_at"},
                                       {"province", "o.province_code"},
                                       {"kind", "o.kind"},
                                       {"id", "o.id"}};
  STIO_ASSIGN_OR_RETURN(std::string order, OrderBy(params, kSorts, "o.match_key ASC"));
  std::string where = " WHERE o.deleted_at IS NULL";
  std::vector<Value> args;
  if (f.q && !Trim(*f.q).empty()) {
    std::string q(Trim(*f.q));
    where += " AND (o.match_key LIKE ? ESCAPE '\\' OR o.tax_code = ? OR o.short_name = ?)";
    args.push_back(LikeContains(text::MatchKey(q)));
    args.push_back(q);
    args.push_back(q);
  }
  if (f.kind) {
    where += " AND o.kind = ?";
    args.push_back(*f.kind);
  }
  if (f.province_code) {
    where += " AND o.province_code = ?";
    args.push_back(*f.province_code);
  }
  if (f.vsic) {
    where += " AND o.vsic_code LIKE ? ESCAPE '\\'";
    std::string prefix = LikeContains(*f.vsic).substr(1);  // "prefix%"
    args.push_back(prefix);
  }
  if (f.certified) {
    where += std::string(" AND ") + (*f.certified ? "" : "NOT ") +
             "EXISTS (SELECT 1 FROM st_certificates s WHERE s.organization_id = o.id AND "
             "s.status = 'active')";
  }
  ListResult out;
  out.limit = params.limit;
  out.offset = params.offset;
  STIO_ASSIGN_OR_RETURN(storage::Row n,
                        tx.QueryOne("SELECT COUNT(*) AS n FROM organizations o" + where, args));
  out.total = n.Int("n");
  args.push_back(params.limit);
  args.push_back(params.offset);
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kOrgSelect) + where + " ORDER BY " + order +
                                                ", o.id LIMIT ? OFFSET ?",
                                            args));
  for (const auto& r : rows) out.items.push_back(OrganizationJson(r));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Certificates

namespace {

const FieldSpec kCertificateFields[] = {
    {"number", Kind::kText, true, 100},
    {"issued_on", Kind::kDate, true, 10},
    {"issuer", Kind::kText, false, 300},
    {"note", Kind::kText, false, 5000, true},
};

const FieldSpec kCertificateEventFields[] = {
    {"action", Kind::kEnum, true, 20, false, {"amend", "suspend", "reinstate", "revoke"}},
    {"date", Kind::kDate, true, 10},
    {"reason", Kind::kText, false, 5000, true},
    {"decision_number", Kind::kText, false, 100},
};

}  // namespace

Result<Json> GetCertificate(storage::Transaction& tx, int64_t certificate_id) {
  auto row = tx.QueryOne(
      "SELECT c.*, o.name AS organization_name FROM st_certificates c "
      "JOIN organizations o ON o.id = c.organization_id "
      "WHERE c.id = ? AND o.deleted_at IS NULL",
      {certificate_id});
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("certificate " + std::to_string(certificate_id) + " does not exist");
    }
    return row.status();
  }
  Json j = RowToJson(*row);
  Json events = Json::array();
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, action, date, reason, decision_number, "
                                            "actor_email, created_at FROM st_certificate_events "
                                            "WHERE certificate_id = ? ORDER BY date, id",
                                            {certificate_id}));
  for (const auto& r : rows) events.push_back(RowToJson(r));
  j["events"] = events;
  return j;
}

Result<Json> IssueCertificate(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                              int64_t organization_id, const Json& input) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteOrganization));
  STIO_ASSIGN_OR_RETURN(Json org, LoadOrganizationJson(tx, organization_id));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kCertificateFields, true));
  const std::string number = *TextOf(fields, "number");
  const std::string issued_on = *TextOf(fields, "issued_on");
  STIO_ASSIGN_OR_RETURN(auto dup,
                        tx.Query("SELECT id FROM st_certificates WHERE number = ?", {number}));
  if (!dup.empty()) {
    return Status::AlreadyExists("certificate number " + number + " is already recorded", "number");
  }
  if (issued_on > FormatDate(clock.Now())) {
    return Status::InvalidArgument("a certificate cannot be issued in the future", "issued_on");
  }
  if (org["founded_on"].is_string() && issued_on < org["founded_on"].get<std::string>()) {
    return Status::InvalidArgument("the certificate predates the organization's founding",
                                   "issued_on");
  }
  const std::string now = FormatTimestamp(clock.Now());
  STIO_ASSIGN_OR_RETURN(int64_t id,
                        InsertRecord(tx, "st_certificates",
                                     ToColumns(fields, {{"organization_id", organization_id},
                                                        {"status", std::string("active")},
                                                        {"status_since", issued_on},
                                                        {"created_at", now}})));
  STIO_RETURN_IF_ERROR(
      tx.Execute("INSERT INTO st_certificate_events (certificate_id, action, date, reason, "
                 "decision_number, actor_email, created_at) VALUES (?, 'issue', ?, NULL, ?, ?, ?)",
                 {id, issued_on, number, actor.email, now})
          .status());
  STIO_ASSIGN_OR_RETURN(Json after, GetCertificate(tx, id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "issue", "certificate", std::to_string(id), nullptr, after));
  return after;
}

Result<Json> AddCertificateEvent(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 int64_t certificate_id, const Json& input) {
  STIO_ASSIGN_OR_RETURN(Json before, GetCertificate(tx, certificate_id));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWriteOrganization));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kCertificateEventFields, true));
  const std::string action = *TextOf(fields, "action");
  const std::string date = *TextOf(fields, "date");
  const std::string status = before["status"];
  std::string next = status;
  if (action == "suspend") {
    if (status != "active") {
      return Status::FailedPrecondition("only an active certificate can be suspended (it is " +
                                        status + ")");
    }
    next = "suspended";
  } else if (action == "reinstate") {
    if (status != "suspended") {
      return Status::FailedPrecondition("only a suspended certificate can be reinstated (it is " +
                                        status + ")");
    }
    next = "active";
  } else if (action == "revoke") {
    if (status == "revoked")
      return Status::FailedPrecondition("the certificate is already revoked");
    next = "revoked";
  } else if (action == "amend") {
    if (status == "revoked") {
      return Status::FailedPrecondition("a revoked certificate cannot be amended");
    }
  }
  std::string last_date = before["issued_on"];
  for (const Json& e : before["events"])
    last_date = std::max(last_date, e["date"].get<std::string>());
  if (date < last_date) {
    return Status::FailedPrecondition(
        "the date " + date + " precedes the last event (" + last_date + ")", "date");
  }
  if (date > FormatDate(clock.Now())) {
    return Status::InvalidArgument("an event cannot be dated in the future", "date");
  }
  const std::string now = FormatTimestamp(clock.Now());
  STIO_RETURN_IF_ERROR(
      tx.Execute("INSERT INTO st_certificate_events (certificate_id, action, date, reason, "
                 "decision_number, actor_email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 {certificate_id, action, date, storage::OptionalText(TextOf(fields, "reason")),
                  storage::OptionalText(TextOf(fields, "decision_number")), actor.email, now})
          .status());
  if (next != status) {
    STIO_RETURN_IF_ERROR(tx.Execute("UPDATE st_certificates SET status = ?, status_since = ? "
                                    "WHERE id = ?",
                                    {next, date, certificate_id})
                             .status());
  }
  STIO_ASSIGN_OR_RETURN(Json after, GetCertificate(tx, certificate_id));
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, action, "certificate",
                                   std::to_string(certificate_id), before, after));
  return after;
}

Result<ListResult> ListCertificates(storage::Transaction& tx,
                                    std::optional<int64_t> organization_id,
                                    std::optional<std::string> status,
                                    std::optional<std::string> province_code,
                                    const ListParams& params) {
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  std::string where = " WHERE o.deleted_at IS NULL";
  std::vector<Value> args;
  if (organization_id) {
    where += " AND c.organization_id = ?";
    args.push_back(*organization_id);
  }
  if (status) {
    if (*status != "active" && *status != "suspended" && *status != "revoked") {
      return Status::InvalidArgument("status must be active, suspended or revoked", "status");
    }
    where += " AND c.status = ?";
    args.push_back(*status);
  }
  if (province_code) {
    where += " AND o.province_code = ?";
    args.push_back(*province_code);
  }
  return PagedList(tx, "c.id",
                   "st_certificates c JOIN organizations o ON o.id = c.organization_id" + where,
                   std::move(args), "c.issued_on DESC, c.id DESC", params,
                   [&](const storage::Row& r) { return GetCertificate(tx, r.Int("id")); });
}

// ---------------------------------------------------------------------------------------------
// People

namespace {

Result<std::optional<int64_t>> OrganizationIdOf(storage::Transaction& tx, const Json& input) {
  auto it = input.find("organization_id");
  if (it == input.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number_integer()) {
    return Status::InvalidArgument("'organization_id' must be an integer", "organization_id");
  }
  int64_t id = it->get<int64_t>();
  auto org = LoadOrganizationJson(tx, id);
  if (!org.ok()) {
    return Status::InvalidArgument("organization " + std::to_string(id) + " does not exist",
                                   "organization_id");
  }
  return std::optional<int64_t>(id);
}

Result<std::vector<std::string>> StringList(const Json& input, const std::string& name,
                                            size_t max_items, size_t max_bytes) {
  std::vector<std::string> out;
  auto it = input.find(name);
  if (it == input.end() || it->is_null()) return out;
  if (!it->is_array()) return Status::InvalidArgument("'" + name + "' must be a list", name);
  if (it->size() > max_items) {
    return Status::InvalidArgument(
        "'" + name + "' has more than " + std::to_string(max_items) + " entries", name);
  }
  std::set<std::string> seen;
  for (const Json& v : *it) {
    if (!v.is_string()) return Status::InvalidArgument("'" + name + "' must hold strings", name);
    std::string s(Trim(v.get<std::string>()));
    if (Status st = ValidateText(s, max_bytes, false); !st.ok()) return st.WithField(name);
    if (s.empty() || !seen.insert(s).second) continue;
    out.push_back(s);
  }
  return out;
}

Result<Json> LoadPersonJson(storage::Transaction& tx, const Actor& actor, int64_t id) {
  auto row = tx.QueryOne(
      "SELECT pe.*, o.name AS organization_name, p.full_name AS province_name "
      "FROM people pe LEFT JOIN organizations o ON o.id = pe.organization_id "
      "LEFT JOIN admin_units p ON p.era = '2025' AND p.level = 'province' "
      "AND p.code = pe.province_code WHERE pe.id = ? AND pe.deleted_at IS NULL",
      {id});
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("person " + std::to_string(id) + " does not exist");
    }
    return row.status();
  }
  Json j = RowToJson(*row);
  j.erase("match_key");
  j.erase("deleted_at");
  j["is_expert"] = row->Int("is_expert") != 0;
  j["contact_public"] = row->Int("contact_public") != 0;
  j["keywords"] = Json::parse(row->Text("keywords", "[]"), nullptr, false);
  if (j["keywords"].is_discarded()) j["keywords"] = Json::array();
  Json fields = Json::array();
  STIO_ASSIGN_OR_RETURN(auto frows, tx.Query("SELECT f.field_code, c.name_vi, c.name_en FROM "
                                             "person_fields f LEFT JOIN classifications c ON "
                                             "c.scheme = 'fos' AND c.code = f.field_code WHERE "
                                             "f.person_id = ? ORDER BY f.field_code",
                                             {id}));
  Json field_names = Json::array();
  for (const auto& f : frows) {
    fields.push_back(f.Text("field_code"));
    field_names.push_back({{"code", f.Text("field_code")},
                           {"name_vi", ToJson(f.at("name_vi"))},
                           {"name_en", ToJson(f.at("name_en"))}});
  }
  j["fields"] = fields;
  j["field_names"] = field_names;
  std::optional<int64_t> org = row->OptInt("organization_id");
  if (!j["contact_public"].get<bool>() && !Allowed(actor, Permission::kReadContact, org)) {
    const bool had = !j["email"].is_null() || !j["phone"].is_null();
    j.erase("email");
    j.erase("phone");
    j["contact_hidden"] = had;
  }
  return j;
}

Status WriteFields(storage::Transaction& tx, int64_t person_id,
                   const std::vector<std::string>& codes) {
  STIO_RETURN_IF_ERROR(
      tx.Execute("DELETE FROM person_fields WHERE person_id = ?", {person_id}).status());
  for (const std::string& c : codes) {
    STIO_RETURN_IF_ERROR(tx.Execute("INSERT INTO person_fields (person_id, field_code) "
                                    "VALUES (?, ?)",
                                    {person_id, c})
                             .status());
  }
  return Status::Ok();
}

Status CheckPersonRefs(storage::Transaction& tx, const std::vector<FieldValue>& f,
                       const std::vector<std::string>& field_codes, std::optional<int64_t> self) {
  if (auto p = TextOf(f, "province_code")) STIO_RETURN_IF_ERROR(CheckProvince(tx, *p));
  for (const std::string& c : field_codes) {
    Status s = CheckClassificationCode(tx, "fos", c);
    if (!s.ok()) return s.WithField("fields");
  }
  if (auto orcid = TextOf(f, "orcid")) {
    STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM people WHERE orcid = ? AND "
                                              "deleted_at IS NULL",
                                              {*orcid}));
    for (const auto& r : rows) {
      if (!self || r.Int("id") != *self) {
        return Status::AlreadyExists(
            "ORCID iD " + *orcid + " belongs to person " + std::to_string(r.Int("id")), "orcid");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Json> CreatePerson(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                          const Json& input) {
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(input, kPersonFields, true, kPersonExtra));
  STIO_ASSIGN_OR_RETURN(std::optional<int64_t> org, OrganizationIdOf(tx, input));
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWritePerson, org));
  STIO_ASSIGN_OR_RETURN(auto codes, StringList(input, "fields", 20, 20));
  STIO_ASSIGN_OR_RETURN(auto keywords, StringList(input, "keywords", 50, 100));
  STIO_RETURN_IF_ERROR(CheckPersonRefs(tx, fields, codes, std::nullopt));
  const std::string now = FormatTimestamp(clock.Now());
  STIO_ASSIGN_OR_RETURN(
      int64_t id,
      InsertRecord(tx, "people",
                   ToColumns(fields, {{"organization_id", org ? Value(*org) : Value(Null{})},
                                      {"keywords", Json(keywords).dump()},
                                      {"match_key", text::MatchKey(*TextOf(fields, "full_name"))},
                                      {"created_at", now},
                                      {"updated_at", now}})));
  STIO_RETURN_IF_ERROR(WriteFields(tx, id, codes));
  STIO_ASSIGN_OR_RETURN(Json after, LoadPersonJson(tx, Actor::System(), id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "create", "person", std::to_string(id), nullptr, after));
  return LoadPersonJson(tx, actor, id);
}

Result<Json> GetPerson(storage::Transaction& tx, const Actor& actor, int64_t id) {
  return LoadPersonJson(tx, actor, id);
}

Result<Json> UpdatePerson(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                          int64_t id, const Json& patch) {
  STIO_ASSIGN_OR_RETURN(Json before, LoadPersonJson(tx, Actor::System(), id));
  std::optional<int64_t> old_org;
  if (before["organization_id"].is_number_integer()) old_org = before["organization_id"];
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWritePerson, old_org));
  STIO_ASSIGN_OR_RETURN(int64_t version, VersionOf(patch));
  STIO_ASSIGN_OR_RETURN(auto fields, CheckFields(patch, kPersonFields, false, kPersonExtra));
  std::vector<std::pair<std::string, Value>> extra = {{"updated_at", FormatTimestamp(clock.Now())}};
  if (patch.contains("organization_id")) {
    STIO_ASSIGN_OR_RETURN(std::optional<int64_t> org, OrganizationIdOf(tx, patch));
    // Moving a person to another organization needs rights over the new one too.
    STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWritePerson, org));
    extra.push_back({"organization_id", org ? Value(*org) : Value(Null{})});
  }
  STIO_ASSIGN_OR_RETURN(auto codes, StringList(patch, "fields", 20, 20));
  STIO_RETURN_IF_ERROR(CheckPersonRefs(tx, fields, codes, id));
  if (patch.contains("keywords")) {
    STIO_ASSIGN_OR_RETURN(auto keywords, StringList(patch, "keywords", 50, 100));
    extra.push_back({"keywords", Json(keywords).dump()});
  }
  if (auto name = TextOf(fields, "full_name"))
    extra.push_back({"match_key", text::MatchKey(*name)});
  STIO_RETURN_IF_ERROR(
      UpdateRecord(tx, "people", id, version, ToColumns(fields, std::move(extra))));
  if (patch.contains("fields")) STIO_RETURN_IF_ERROR(WriteFields(tx, id, codes));
  STIO_ASSIGN_OR_RETURN(Json after, LoadPersonJson(tx, Actor::System(), id));
  STIO_RETURN_IF_ERROR(
      RecordAudit(tx, actor, clock, "update", "person", std::to_string(id), before, after));
  return LoadPersonJson(tx, actor, id);
}

Status DeletePerson(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id) {
  STIO_ASSIGN_OR_RETURN(Json before, LoadPersonJson(tx, Actor::System(), id));
  std::optional<int64_t> org;
  if (before["organization_id"].is_number_integer()) org = before["organization_id"];
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kWritePerson, org));
  STIO_RETURN_IF_ERROR(SoftDeleteRecord(tx, "people", id, clock));
  return RecordAudit(tx, actor, clock, "delete", "person", std::to_string(id), before, nullptr);
}

Result<ListResult> ListPeople(storage::Transaction& tx, const Actor& actor, const PersonFilter& f,
                              const ListParams& params) {
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  static constexpr SortKey kSorts[] = {{"name", "pe.match_key"},
                                       {"created_at", "pe.created_at"},
                                       {"updated_at", "pe.updated_at"},
                                       {"id", "pe.id"}};
  STIO_ASSIGN_OR_RETURN(std::string order, OrderBy(params, kSorts, "pe.match_key ASC"));
  std::string where = " WHERE pe.deleted_at IS NULL";
  std::vector<Value> args;
  if (f.q && !Trim(*f.q).empty()) {
    std::string key = LikeContains(text::MatchKey(*f.q));
    // Names, and expertise keywords folded the same way, both match.
    where += " AND (pe.match_key LIKE ? ESCAPE '\\' OR pe.keywords LIKE ? ESCAPE '\\')";
    args.push_back(key);
    args.push_back(LikeContains(std::string(Trim(*f.q))));
  }
  if (f.organization_id) {
    where += " AND pe.organization_id = ?";
    args.push_back(*f.organization_id);
  }
  if (f.expert) {
    where += " AND pe.is_expert = ?";
    args.push_back(int64_t{*f.expert ? 1 : 0});
  }
  if (f.province_code) {
    where += " AND pe.province_code = ?";
    args.push_back(*f.province_code);
  }
  if (f.field) {
    where +=
        " AND EXISTS (SELECT 1 FROM person_fields pf WHERE pf.person_id = pe.id AND "
        "pf.field_code LIKE ? ESCAPE '\\')";
    args.push_back(LikeContains(*f.field).substr(1));
  }
  return PagedList(tx, "pe.id", "people pe" + where, std::move(args), order + ", pe.id", params,
                   [&](const storage::Row& r) { return LoadPersonJson(tx, actor, r.Int("id")); });
}

}  // namespace stio::domain
