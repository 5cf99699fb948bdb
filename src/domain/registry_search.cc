#include "domain/registry_search.h"

#include <set>

#include "core/strings.h"

namespace stio::domain {
namespace {

constexpr int kPageSize = 1000;

search::IndexOptions Options(std::string stopwords) {
  search::IndexOptions o;
  o.fields = {{"title", 3.0f, 0.5f}, {"body", 1.0f, 0.75f}};
  o.stopwords = std::move(stopwords);
  return o;
}

std::string OrgKindVi(const std::string& kind) {
  if (kind == "enterprise") return "doanh nghiệp";
  if (kind == "research_institute") return "viện nghiên cứu";
  if (kind == "university") return "trường đại học";
  if (kind == "state_agency") return "cơ quan nhà nước";
  if (kind == "startup") return "khởi nghiệp đổi mới sáng tạo";
  return "tổ chức";
}

std::string Text(const storage::Row& r, const char* col) { return r.Text(col, ""); }

// Joins the non-empty parts (so that absent fields leave no stray separators).
std::string JoinPresent(const std::vector<std::string>& parts, std::string_view sep) {
  std::vector<std::string> present;
  for (const std::string& p : parts) {
    if (!Trim(p).empty()) present.push_back(p);
  }
  return Join(present, sep);
}

}  // namespace

Status RegistrySearch::IndexOrganization(storage::Transaction& tx, int64_t id) {
  const std::string doc_id = "organization:" + std::to_string(id);
  STIO_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT o.*, p.full_name AS province_name, c.name_vi AS vsic_name, "
               "EXISTS (SELECT 1 FROM st_certificates s WHERE s.organization_id = o.id AND "
               "s.status = 'active') AS certified FROM organizations o "
               "LEFT JOIN admin_units p ON p.era = '2025' AND p.level = 'province' AND "
               "p.code = o.province_code "
               "LEFT JOIN classifications c ON c.scheme = 'vsic' AND "
               "c.code = substr(o.vsic_code, 1, 2) WHERE o.id = ? AND o.deleted_at IS NULL",
               {id}));
  if (rows.empty()) {
    index_->Delete(doc_id);
    return Status::Ok();
  }
  const storage::Row& r = rows[0];
  search::Document d;
  d.id = doc_id;
  d.fields = {{"title", JoinPresent({Text(r, "name"), Text(r, "short_name"), Text(r, "name_en")}, " · ")},
              {"body", JoinPresent({OrgKindVi(Text(r, "kind")), Text(r, "description"),
                             Text(r, "address"), Text(r, "province_name"), Text(r, "vsic_name"),
                             Text(r, "tax_code")},
                            "\n")}};
  d.attributes = {{"type", "organization"}, {"kind", Text(r, "kind")}};
  if (!r.IsNull("province_code")) d.attributes.push_back({"province", Text(r, "province_code")});
  d.attributes.push_back({"certified", r.Int("certified") ? "yes" : "no"});
  return index_->Upsert(d);
}

Status RegistrySearch::IndexPerson(storage::Transaction& tx, int64_t id) {
  const std::string doc_id = "person:" + std::to_string(id);
  STIO_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT pe.*, o.name AS organization_name, p.full_name AS province_name "
                          "FROM people pe LEFT JOIN organizations o ON o.id = pe.organization_id "
                          "LEFT JOIN admin_units p ON p.era = '2025' AND p.level = 'province' "
                          "AND p.code = pe.province_code WHERE pe.id = ? AND "
                          "pe.deleted_at IS NULL",
                          {id}));
  if (rows.empty()) {
    index_->Delete(doc_id);
    return Status::Ok();
  }
  const storage::Row& r = rows[0];
  STIO_ASSIGN_OR_RETURN(auto fields, tx.Query("SELECT f.field_code, c.name_vi FROM person_fields f "
                                              "LEFT JOIN classifications c ON c.scheme = 'fos' "
                                              "AND c.code = f.field_code WHERE f.person_id = ?",
                                              {id}));
  std::vector<std::string> body = {Text(r, "title"), Text(r, "position"),
                                   Text(r, "organization_name"), Text(r, "province_name"),
                                   Text(r, "bio")};
  Json keywords = Json::parse(r.Text("keywords", "[]"), nullptr, false);
  if (keywords.is_array()) {
    for (const Json& k : keywords) {
      if (k.is_string()) body.push_back(k.get<std::string>());
    }
  }
  search::Document d;
  d.id = doc_id;
  d.attributes = {{"type", "person"}, {"expert", r.Int("is_expert") ? "yes" : "no"}};
  std::set<std::string> field_codes;
  for (const auto& f : fields) {
    body.push_back(f.Text("name_vi", ""));
    std::string code = f.Text("field_code");
    // Index every level of the code (6 → 602 → ...), so a filter on a field finds its sectors.
    field_codes.insert(code.substr(0, 1));
    field_codes.insert(code);
  }
  for (const std::string& c : field_codes) d.attributes.push_back({"field", c});
  if (!r.IsNull("province_code")) d.attributes.push_back({"province", Text(r, "province_code")});
  d.fields = {{"title", Text(r, "full_name")}, {"body", JoinPresent(body, "\n")}};
  return index_->Upsert(d);
}

Result<std::unique_ptr<RegistrySearch>> RegistrySearch::Build(storage::Database& db,
                                                              std::string stopwords) {
  std::unique_ptr<RegistrySearch> rs(new RegistrySearch());
  STIO_ASSIGN_OR_RETURN(rs->index_, search::Index::Create(Options(std::move(stopwords))));
  Status s = storage::WithTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
    // The audit position first: anything written after it is caught up later.
    STIO_ASSIGN_OR_RETURN(storage::Row last,
                          tx.QueryOne("SELECT COALESCE(MAX(id), 0) AS id FROM audit_log"));
    rs->last_audit_id_ = last.Int("id");
    for (const char* table : {"organizations", "people"}) {
      int64_t after = 0;
      while (true) {
        STIO_ASSIGN_OR_RETURN(auto ids, tx.Query("SELECT id FROM " + std::string(table) +
                                                     " WHERE deleted_at IS NULL AND id > ? "
                                                     "ORDER BY id LIMIT ?",
                                                 {after, int64_t{kPageSize}}));
        if (ids.empty()) break;
        for (const auto& r : ids) {
          after = r.Int("id");
          STIO_RETURN_IF_ERROR(std::string(table) == "organizations"
                                   ? rs->IndexOrganization(tx, after)
                                   : rs->IndexPerson(tx, after));
        }
      }
    }
    return Status::Ok();
  });
  STIO_RETURN_IF_ERROR(s);
  return rs;
}

Status RegistrySearch::CatchUp(storage::Database& db) {
  std::lock_guard<std::mutex> lock(catch_up_mu_);
  return storage::WithTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
    const int64_t since = last_audit_id_.load();
    STIO_ASSIGN_OR_RETURN(auto rows,
                          tx.Query("SELECT id, entity_type, entity_id FROM audit_log WHERE id > ? "
                                   "ORDER BY id",
                                   {since}));
    if (rows.empty()) return Status::Ok();
    std::set<int64_t> orgs, people;
    for (const auto& r : rows) {
      const std::string type = r.Text("entity_type");
      auto id = ParseInt(r.Text("entity_id", ""));
      if (!id) continue;
      if (type == "organization") orgs.insert(*id);
      if (type == "person") people.insert(*id);
      if (type == "certificate") {
        // A certificate changes its organization's "certified" facet.
        auto org = tx.Query("SELECT organization_id FROM st_certificates WHERE id = ?", {*id});
        if (org.ok() && !org->empty()) orgs.insert((*org)[0].Int("organization_id"));
      }
    }
    for (int64_t id : orgs) {
      STIO_RETURN_IF_ERROR(IndexOrganization(tx, id));
      // People carry their organization's name.
      STIO_ASSIGN_OR_RETURN(auto members, tx.Query("SELECT id FROM people WHERE organization_id "
                                                   "= ?",
                                                   {id}));
      for (const auto& m : members) people.insert(m.Int("id"));
    }
    for (int64_t id : people) STIO_RETURN_IF_ERROR(IndexPerson(tx, id));
    last_audit_id_ = rows.back().Int("id");
    return Status::Ok();
  });
}

Result<Json> RegistrySearch::Search(storage::Database& db, const SearchRequest& req) {
  if (req.limit < 1 || req.limit > 100) {
    return Status::InvalidArgument("limit must be between 1 and 100", "limit");
  }
  if (req.offset < 0 || req.offset > 10000) {
    return Status::InvalidArgument("offset must be between 0 and 10000", "offset");
  }
  if (req.q.size() > 2000) {
    return Status::InvalidArgument("the query is too long (2,000 bytes at most)", "q");
  }
  STIO_RETURN_IF_ERROR(CatchUp(db));
  search::Query q;
  q.text = req.q;
  q.k = static_cast<size_t>(req.limit);
  q.offset = static_cast<size_t>(req.offset);
  q.mode = search::MatchMode::kAll;
  q.prefix_last = req.prefix;
  q.snippets = true;
  q.explain = req.explain;
  q.facets = {"type", "province", "kind", "field", "expert", "certified"};
  if (req.type) q.filters.push_back({"type", *req.type});
  if (req.province_code) q.filters.push_back({"province", *req.province_code});
  if (req.kind) q.filters.push_back({"kind", *req.kind});
  if (req.field) q.filters.push_back({"field", *req.field});
  if (req.expert) q.filters.push_back({"expert", *req.expert ? "yes" : "no"});
  STIO_ASSIGN_OR_RETURN(search::SearchResult r, index_->Search(q));
  if (r.total == 0 && !Trim(req.q).empty()) {
    // Nothing has every word: fall back to ranked any-word matching.
    q.mode = search::MatchMode::kAny;
    STIO_ASSIGN_OR_RETURN(r, index_->Search(q));
  }

  Json items = Json::array();
  Status s = storage::WithTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
    for (const search::Hit& h : r.hits) {
      const size_t colon = h.id.find(':');
      const std::string type = h.id.substr(0, colon);
      auto id = ParseInt(h.id.substr(colon + 1));
      if (!id) continue;
      Json item = {{"type", type}, {"id", *id}, {"score", h.score}};
      if (type == "organization") {
        auto row = tx.QueryOne("SELECT o.name, o.kind, p.full_name AS province_name FROM "
                               "organizations o LEFT JOIN admin_units p ON p.era = '2025' AND "
                               "p.level = 'province' AND p.code = o.province_code WHERE o.id = ?",
                               {*id});
        if (!row.ok()) continue;
        item["title"] = row->Text("name");
        item["subtitle"] = JoinPresent({OrgKindVi(row->Text("kind")), row->Text("province_name", "")}, " · ");
        item["url"] = "#/organizations/" + std::to_string(*id);
      } else {
        auto row = tx.QueryOne("SELECT pe.full_name, pe.title, o.name AS organization_name FROM "
                               "people pe LEFT JOIN organizations o ON o.id = pe.organization_id "
                               "WHERE pe.id = ?",
                               {*id});
        if (!row.ok()) continue;
        item["title"] = row->Text("full_name");
        item["subtitle"] = JoinPresent({row->Text("title", ""), row->Text("organization_name", "")}, " · ");
        item["url"] = "#/people/" + std::to_string(*id);
      }
      Json snippets = Json::object();
      for (const auto& [field, text] : h.snippets) snippets[field] = text;
      item["snippets"] = snippets;
      if (req.explain) item["explanation"] = h.explanation;
      items.push_back(std::move(item));
    }
    return Status::Ok();
  });
  STIO_RETURN_IF_ERROR(s);
  Json facets = Json::object();
  for (const auto& [key, values] : r.facets) {
    Json list = Json::array();
    for (const auto& v : values) list.push_back({{"value", v.value}, {"count", v.count}});
    facets[key] = list;
  }
  return Json{{"items", items},          {"total", r.total},        {"total_exact", r.total_exact},
              {"limit", req.limit},      {"offset", req.offset},    {"facets", facets},
              {"suggestion", r.suggestion}};
}

}  // namespace stio::domain
