#include "domain/registry_search.h"

#include <set>
#include <unordered_map>

#include "core/clock.h"
#include "core/strings.h"
#include "domain/exchange.h"
#include "domain/ip_deadlines.h"
#include "text/normalize.h"

namespace stio::domain {

// The version of what is indexed: the index options below, the SQL of the *DocSelect queries, and
// the Document builders (OrganizationDoc, PersonDoc, ListingDocument, IpAssetDoc, ArticleDoc) and
// the ones they use (exchange.cc's ListingDoc). Bump it whenever any of them changes what a
// document holds (a field, an attribute, a join, a label): an index saved on disk by another
// version is then not loaded but rebuilt from the database (registry_search_store.cc).
const int RegistrySearch::kDocumentBuilderVersion = 1;

search::IndexOptions RegistrySearch::IndexOptionsFor(std::string stopwords) {
  search::IndexOptions o;
  o.fields = {{"title", 3.0f, 0.5f}, {"body", 1.0f, 0.75f}};
  o.stopwords = std::move(stopwords);
  return o;
}

namespace {

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

// The columns a search document is made of, for one or many records.
constexpr std::string_view kOrganizationDocSelect =
    "SELECT o.id, o.kind, o.name, o.short_name, o.name_en, o.description, o.address, o.tax_code, "
    "o.province_code, p.full_name AS province_name, c.name_vi AS vsic_name, "
    "EXISTS (SELECT 1 FROM st_certificates s WHERE s.organization_id = o.id AND "
    "s.status = 'active') AS certified FROM organizations o "
    "LEFT JOIN admin_units p ON p.era = '2025' AND p.level = 'province' AND "
    "p.code = o.province_code "
    "LEFT JOIN classifications c ON c.scheme = 'vsic' AND c.code = substr(o.vsic_code, 1, 2) "
    "WHERE o.deleted_at IS NULL";

constexpr std::string_view kPersonDocSelect =
    "SELECT pe.id, pe.full_name, pe.title, pe.position, pe.bio, pe.keywords, pe.is_expert, "
    "pe.province_code, o.name AS organization_name, p.full_name AS province_name "
    "FROM people pe LEFT JOIN organizations o ON o.id = pe.organization_id "
    "LEFT JOIN admin_units p ON p.era = '2025' AND p.level = 'province' "
    "AND p.code = pe.province_code WHERE pe.deleted_at IS NULL";

constexpr std::string_view kPersonFieldsSelect =
    "SELECT f.person_id, f.field_code, c.name_vi FROM person_fields f "
    "LEFT JOIN classifications c ON c.scheme = 'fos' AND c.code = f.field_code";

struct PersonField {
  std::string code;
  std::string name;
};

search::Document OrganizationDoc(const storage::Row& r) {
  search::Document d;
  d.id = "organization:" + std::to_string(r.Int("id"));
  d.fields = {
      {"title", JoinPresent({Text(r, "name"), Text(r, "short_name"), Text(r, "name_en")}, " · ")},
      {"body", JoinPresent({OrgKindVi(Text(r, "kind")), Text(r, "description"), Text(r, "address"),
                            Text(r, "province_name"), Text(r, "vsic_name"), Text(r, "tax_code")},
                           "\n")}};
  d.attributes = {{"type", "organization"}, {"kind", Text(r, "kind")}};
  if (!r.IsNull("province_code")) d.attributes.push_back({"province", Text(r, "province_code")});
  d.attributes.push_back({"certified", r.Int("certified") ? "yes" : "no"});
  return d;
}

search::Document PersonDoc(const storage::Row& r, const std::vector<PersonField>& fields) {
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
  d.id = "person:" + std::to_string(r.Int("id"));
  d.attributes = {{"type", "person"}, {"expert", r.Int("is_expert") ? "yes" : "no"}};
  std::set<std::string> codes;
  for (const PersonField& f : fields) {
    body.push_back(f.name);
    // Every level of the code (6 -> 602), so that a filter on a field finds its sectors.
    codes.insert(f.code.substr(0, 1));
    codes.insert(f.code);
  }
  for (const std::string& c : codes) d.attributes.push_back({"field", c});
  if (!r.IsNull("province_code")) d.attributes.push_back({"province", Text(r, "province_code")});
  d.fields = {{"title", Text(r, "full_name")}, {"body", JoinPresent(body, "\n")}};
  return d;
}

search::Document ListingDocument(const ListingDoc& l) {
  search::Document d;
  d.id = l.kind + ":" + std::to_string(l.id);
  d.fields = {
      {"title", l.title},
      {"body", JoinPresent({l.summary, l.keywords, l.description, l.organization_name}, "\n")}};
  d.attributes = {{"type", l.kind}};
  std::set<std::string> codes;
  for (const std::string& f : l.fields) {
    codes.insert(f.substr(0, 1));
    codes.insert(f.substr(0, 3));
    codes.insert(f);
  }
  for (const std::string& c : codes) d.attributes.push_back({"field", c});
  for (const std::string& c : l.ipc) d.attributes.push_back({"ipc", c.substr(0, 4)});
  if (!l.province_code.empty()) d.attributes.push_back({"province", l.province_code});
  d.numbers = {{"expires", l.expires_day}};
  return d;
}

// Published IP assets (a citizen looking up a patent) and published guidance articles.
constexpr std::string_view kIpAssetDocSelect =
    "SELECT a.id, a.kind, a.title, a.application_number, a.grant_number, a.classes, "
    "a.key_product, a.ocop_product, a.province_code, p.full_name AS province_name, "
    "COALESCE(o.name, pe.full_name, a.owner_name) AS holder FROM ip_assets a "
    "LEFT JOIN organizations o ON o.id = a.owner_organization_id "
    "LEFT JOIN people pe ON pe.id = a.owner_person_id "
    "LEFT JOIN admin_units p ON p.era = '2025' AND p.level = 'province' AND "
    "p.code = a.province_code WHERE a.deleted_at IS NULL AND a.published = 1";

constexpr std::string_view kArticleDocSelect =
    "SELECT id, title, summary, body, tags FROM ip_articles WHERE deleted_at IS NULL AND "
    "published = 1";

std::string IpKindVi(const std::string& kind) {
  if (kind == "patent") return "sáng chế";
  if (kind == "utility_solution") return "giải pháp hữu ích";
  if (kind == "industrial_design") return "kiểu dáng công nghiệp";
  if (kind == "trademark") return "nhãn hiệu";
  if (kind == "collective_mark") return "nhãn hiệu tập thể";
  if (kind == "certification_mark") return "nhãn hiệu chứng nhận";
  if (kind == "geographical_indication") return "chỉ dẫn địa lý";
  if (kind == "plant_variety") return "giống cây trồng";
  if (kind == "layout_design") return "thiết kế bố trí mạch tích hợp";
  return "tài sản trí tuệ";
}

std::string ListText(const std::string& json_list) {
  std::vector<std::string> parts;
  for (const Json& v : JsonListOf(json_list)) {
    if (v.is_string()) parts.push_back(v.get<std::string>());
  }
  return Join(parts, " ");
}

search::Document IpAssetDoc(const storage::Row& r) {
  search::Document d;
  d.id = "ip_asset:" + std::to_string(r.Int("id"));
  d.fields = {{"title", Text(r, "title")},
              {"body", JoinPresent({IpKindVi(Text(r, "kind")), Text(r, "holder"),
                                    Text(r, "key_product"), Text(r, "ocop_product"),
                                    Text(r, "province_name"), Text(r, "application_number"),
                                    Text(r, "grant_number"), ListText(Text(r, "classes"))},
                                   "\n")}};
  d.attributes = {{"type", "ip_asset"}, {"ip_kind", Text(r, "kind")}};
  if (!r.IsNull("province_code")) d.attributes.push_back({"province", Text(r, "province_code")});
  return d;
}

search::Document ArticleDoc(const storage::Row& r) {
  search::Document d;
  d.id = "article:" + std::to_string(r.Int("id"));
  d.fields = {{"title", Text(r, "title")},
              {"body", JoinPresent({Text(r, "summary"), ListText(Text(r, "tags")), Text(r, "body")},
                                   "\n")}};
  d.attributes = {{"type", "article"}};
  return d;
}

int64_t TodayDays() {
  auto d = ParseCivilDate(FormatDate(std::chrono::system_clock::now()));
  return d.ok() ? DaysFromCivil(*d) : 0;
}

}  // namespace

// Re-indexing after the build leaves the replaced document's postings in the index (masked: the
// engine does not compact); Index::dead() counts them, so that a saved index that has become
// mostly dead is rebuilt at start (registry_search_store.cc).
Status RegistrySearch::Reindex(const search::Document& doc) { return index_->Upsert(doc); }

void RegistrySearch::Unindex(const std::string& id) { index_->Delete(id); }

Status RegistrySearch::IndexListing(storage::Transaction& tx, int64_t id) {
  STIO_ASSIGN_OR_RETURN(auto doc, LoadListingDoc(tx, id));
  if (!doc) {
    Unindex("offer:" + std::to_string(id));
    Unindex("need:" + std::to_string(id));
    return Status::Ok();
  }
  return Reindex(ListingDocument(*doc));
}

Status RegistrySearch::IndexIpAsset(storage::Transaction& tx, int64_t id) {
  const std::string doc_id = "ip_asset:" + std::to_string(id);
  STIO_ASSIGN_OR_RETURN(auto rows,
                        tx.Query(std::string(kIpAssetDocSelect) + " AND a.id = ?", {id}));
  if (rows.empty()) {
    Unindex(doc_id);
    return Status::Ok();
  }
  return Reindex(IpAssetDoc(rows[0]));
}

Status RegistrySearch::IndexArticle(storage::Transaction& tx, int64_t id) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kArticleDocSelect) + " AND id = ?", {id}));
  if (rows.empty()) {
    Unindex("article:" + std::to_string(id));
    return Status::Ok();
  }
  return Reindex(ArticleDoc(rows[0]));
}

Status RegistrySearch::IndexOrganization(storage::Transaction& tx, int64_t id) {
  STIO_ASSIGN_OR_RETURN(auto rows,
                        tx.Query(std::string(kOrganizationDocSelect) + " AND o.id = ?", {id}));
  if (rows.empty()) {
    Unindex("organization:" + std::to_string(id));
    return Status::Ok();
  }
  return Reindex(OrganizationDoc(rows[0]));
}

Status RegistrySearch::IndexPerson(storage::Transaction& tx, int64_t id) {
  STIO_ASSIGN_OR_RETURN(auto rows,
                        tx.Query(std::string(kPersonDocSelect) + " AND pe.id = ?", {id}));
  if (rows.empty()) {
    Unindex("person:" + std::to_string(id));
    return Status::Ok();
  }
  STIO_ASSIGN_OR_RETURN(
      auto frows, tx.Query(std::string(kPersonFieldsSelect) + " WHERE f.person_id = ?", {id}));
  std::vector<PersonField> fields;
  for (const auto& f : frows) fields.push_back({f.Text("field_code"), f.Text("name_vi", "")});
  return Reindex(PersonDoc(rows[0], fields));
}

void RegistrySearch::SetStopwords(const std::string& stopwords) {
  for (const std::string& line : Split(stopwords, '\n')) {
    std::string_view w = Trim(line);
    if (!w.empty() && w[0] != '#') stopword_keys_.insert(text::MatchKey(w));
  }
}

Result<std::unique_ptr<RegistrySearch>> RegistrySearch::Build(storage::Database& db,
                                                              std::string stopwords) {
  std::unique_ptr<RegistrySearch> rs(new RegistrySearch());
  rs->SetStopwords(stopwords);
  STIO_ASSIGN_OR_RETURN(rs->index_, search::Index::Create(IndexOptionsFor(std::move(stopwords))));
  Status s = storage::WithTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
    // The audit position first: anything written after it is caught up later.
    STIO_ASSIGN_OR_RETURN(storage::Row last,
                          tx.QueryOne("SELECT COALESCE(MAX(id), 0) AS id FROM audit_log"));
    rs->last_audit_id_ = last.Int("id");
    // Documents go to the index in batches: UpsertMany analyses them on a second thread while
    // this one inserts (and reads the database).
    std::vector<search::Document> batch;
    auto flush = [&]() -> Status {
      Status st = rs->index_->UpsertMany(batch);
      batch.clear();
      return st;
    };
    auto add = [&](search::Document d) -> Status {
      batch.push_back(std::move(d));
      return batch.size() >= 4096 ? flush() : Status::Ok();
    };
    // One pass per entity: a query per record would make start-up slow at national scale.
    STIO_RETURN_IF_ERROR(tx.ForEach(kOrganizationDocSelect, {}, [&](const storage::Row& r) {
      return add(OrganizationDoc(r));
    }));
    std::unordered_map<int64_t, std::vector<PersonField>> fields;
    STIO_RETURN_IF_ERROR(tx.ForEach(kPersonFieldsSelect, {}, [&](const storage::Row& r) {
      fields[r.Int("person_id")].push_back({r.Text("field_code"), r.Text("name_vi", "")});
      return Status::Ok();
    }));
    static const std::vector<PersonField> kNone;
    STIO_RETURN_IF_ERROR(tx.ForEach(kPersonDocSelect, {}, [&](const storage::Row& r) {
      auto it = fields.find(r.Int("id"));
      return add(PersonDoc(r, it == fields.end() ? kNone : it->second));
    }));
    STIO_RETURN_IF_ERROR(
        ForEachListingDoc(tx, [&](const ListingDoc& l) { return add(ListingDocument(l)); }));
    STIO_RETURN_IF_ERROR(tx.ForEach(kIpAssetDocSelect, {},
                                    [&](const storage::Row& r) { return add(IpAssetDoc(r)); }));
    STIO_RETURN_IF_ERROR(tx.ForEach(kArticleDocSelect, {},
                                    [&](const storage::Row& r) { return add(ArticleDoc(r)); }));
    return flush();
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
    std::set<int64_t> orgs, people, listings, ip_assets, articles;
    for (const auto& r : rows) {
      const std::string type = r.Text("entity_type");
      auto id = ParseInt(r.Text("entity_id", ""));
      if (!id) continue;
      if (type == "organization") orgs.insert(*id);
      if (type == "person") people.insert(*id);
      if (type == "listing") listings.insert(*id);
      if (type == "ip_asset") ip_assets.insert(*id);
      if (type == "article") articles.insert(*id);
      if (type == "certificate") {
        // A certificate changes its organization's "certified" facet.
        auto org = tx.Query("SELECT organization_id FROM st_certificates WHERE id = ?", {*id});
        if (org.ok() && !org->empty()) orgs.insert((*org)[0].Int("organization_id"));
      }
    }
    if (!people.empty()) {
      // IP assets carry their holder's name, which may be a person's (one scan of the published
      // assets held by people, not a query per person: there is no index on owner_person_id).
      STIO_RETURN_IF_ERROR(
          tx.ForEach("SELECT id, owner_person_id FROM ip_assets WHERE "
                     "owner_person_id IS NOT NULL AND published = 1",
                     {}, [&](const storage::Row& r) {
                       if (people.count(r.Int("owner_person_id"))) ip_assets.insert(r.Int("id"));
                       return Status::Ok();
                     }));
    }
    for (int64_t id : orgs) {
      STIO_RETURN_IF_ERROR(IndexOrganization(tx, id));
      // People carry their organization's name.
      STIO_ASSIGN_OR_RETURN(auto members, tx.Query("SELECT id FROM people WHERE organization_id "
                                                   "= ?",
                                                   {id}));
      for (const auto& m : members) people.insert(m.Int("id"));
      // Listings carry it too.
      STIO_ASSIGN_OR_RETURN(auto owned, tx.Query("SELECT id FROM exchange_listings WHERE "
                                                 "organization_id = ? AND status = 'published'",
                                                 {id}));
      for (const auto& m : owned) listings.insert(m.Int("id"));
      // And IP assets their holder's name.
      STIO_ASSIGN_OR_RETURN(auto held, tx.Query("SELECT id FROM ip_assets WHERE "
                                                "owner_organization_id = ? AND published = 1",
                                                {id}));
      for (const auto& m : held) ip_assets.insert(m.Int("id"));
    }
    for (int64_t id : people) STIO_RETURN_IF_ERROR(IndexPerson(tx, id));
    for (int64_t id : listings) STIO_RETURN_IF_ERROR(IndexListing(tx, id));
    for (int64_t id : ip_assets) STIO_RETURN_IF_ERROR(IndexIpAsset(tx, id));
    for (int64_t id : articles) STIO_RETURN_IF_ERROR(IndexArticle(tx, id));
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
  // Not while a save writes the index file: catching up would wait for it (see Save).
  if (!writing_file_.load()) STIO_RETURN_IF_ERROR(CatchUp(db));
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
  // Offers and needs are shown until their expiry date; other entities have no such date.
  const int64_t today = TodayDays();
  if (req.province_code) q.filters.push_back({"province", *req.province_code});
  if (req.kind) q.filters.push_back({"kind", *req.kind});
  if (req.field) q.filters.push_back({"field", *req.field});
  if (req.expert) q.filters.push_back({"expert", *req.expert ? "yes" : "no"});
  if (req.certified) q.filters.push_back({"certified", *req.certified ? "yes" : "no"});
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
      if (type == "offer" || type == "need") {
        auto row = tx.QueryOne(
            "SELECT l.title, l.expires_at, l.status, o.name AS organization_name, p.full_name AS "
            "province_name FROM exchange_listings l JOIN organizations o ON o.id = "
            "l.organization_id LEFT JOIN admin_units p ON p.era = '2025' AND p.level = "
            "'province' AND p.code = l.province_code WHERE l.id = ?",
            {*id});
        if (!row.ok() || row->Text("status") != "published") continue;
        auto expires = ParseCivilDate(row->Text("expires_at"));
        if (!expires.ok() || DaysFromCivil(*expires) < today) continue;
        item["title"] = row->Text("title");
        item["subtitle"] =
            JoinPresent({type == "offer" ? "công nghệ chào bán" : "nhu cầu công nghệ",
                         row->Text("organization_name"), row->Text("province_name", "")},
                        " · ");
        item["url"] = "#/exchange/" + std::to_string(*id);
      } else if (type == "ip_asset") {
        auto row = tx.QueryOne(std::string(kIpAssetDocSelect) + " AND a.id = ?", {*id});
        if (!row.ok()) continue;
        item["title"] = row->Text("title");
        item["subtitle"] = JoinPresent({IpKindVi(row->Text("kind")), row->Text("grant_number", ""),
                                        row->Text("holder", ""), row->Text("province_name", "")},
                                       " · ");
        item["url"] = "#/ip/" + std::to_string(*id);
      } else if (type == "article") {
        auto row = tx.QueryOne(std::string(kArticleDocSelect) + " AND id = ?", {*id});
        if (!row.ok()) continue;
        item["title"] = row->Text("title");
        item["subtitle"] = "hướng dẫn sở hữu trí tuệ";
        item["url"] = "#/ip/articles/" + std::to_string(*id);
      } else if (type == "organization") {
        auto row = tx.QueryOne(
            "SELECT o.name, o.kind, p.full_name AS province_name FROM "
            "organizations o LEFT JOIN admin_units p ON p.era = '2025' AND "
            "p.level = 'province' AND p.code = o.province_code WHERE o.id = ?",
            {*id});
        if (!row.ok()) continue;
        item["title"] = row->Text("name");
        item["subtitle"] =
            JoinPresent({OrgKindVi(row->Text("kind")), row->Text("province_name", "")}, " · ");
        item["url"] = "#/organizations/" + std::to_string(*id);
      } else {
        auto row = tx.QueryOne(
            "SELECT pe.full_name, pe.title, o.name AS organization_name FROM "
            "people pe LEFT JOIN organizations o ON o.id = pe.organization_id "
            "WHERE pe.id = ?",
            {*id});
        if (!row.ok()) continue;
        item["title"] = row->Text("full_name");
        item["subtitle"] =
            JoinPresent({row->Text("title", ""), row->Text("organization_name", "")}, " · ");
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
  return Json{{"items", items},
              {"total", r.total},
              {"total_exact", r.total_exact},
              {"limit", req.limit},
              {"offset", req.offset},
              {"facets", facets},
              {"suggestion", r.suggestion}};
}

}  // namespace stio::domain
