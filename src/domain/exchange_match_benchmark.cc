// Quality and latency of the technology exchange's matching (exchange_match.cc), beside two
// baselines, on the illustrative labelled set in bench/exchange/ (docs/benchmarks.md).
//
//   exchange_match_benchmark --set bench/exchange --data data --offers 100000 --rounds 5
//       --corpus ../shared/data/corpus-vi/vntc_news_vi.jsonl.gz [--db /tmp/x.db] [--explain N15]
//
// 1. A fresh SQLite database: migrations, the reference data of data/, then the set's
//    organizations (CreateOrganization), offers and needs (CreateListing, then ListingAction
//    "publish"), all as a staff actor.
// 2. Quality, for each need, over the set's 300 offers:
//      stio       MatchListing (the public's view, experts off): 0.6 text + 0.4 structured fit
//      bm25       the same index queried the way MatchListing queries it (title, summary and
//                 keywords as an any-word query), ranked by text relevance alone
//      fts5       SQLite FTS5 (unicode61 remove_diacritics 2) over the offers' title, summary and
//                 keywords, weights 3/1/1, the need's title and summary as an OR query, bm25()
//    nDCG@10 (gain = grade 0..3), MRR@10 and recall@10 (relevant = grade >= 2).
// 3. Latency: filler offers from a Vietnamese news corpus (distractors only: headline-like first
//    sentence as title, the next sentences as summary, random field, province, TRL, price) are
//    inserted by SQL in one transaction up to --offers published offers; the index is rebuilt and
//    each need is matched --rounds times (after one warm-up round), as the API does it (CatchUp,
//    read transaction, MatchListing). The same is timed for the bare index query and for FTS5.
//    Quality is computed again at that size.
//
// The set is invented (bench/exchange/README.md); its labels were written before the matcher was
// run, and the matcher's weights are not tuned on it.
#include <sqlite3.h>
#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/strings.h"
#include "domain/actor.h"
#include "domain/exchange.h"
#include "domain/ip_deadlines.h"
#include "domain/reference.h"
#include "domain/registry.h"
#include "domain/registry_search.h"
#include "storage/database.h"
#include "storage/schema.h"
#include "text/normalize.h"

namespace {

using stio::Status;
using stio::domain::Json;
using stio::storage::Transaction;
using stio::storage::TxMode;
using stio::storage::Value;
using Steady = std::chrono::steady_clock;

double Ms(Steady::time_point since) {
  return std::chrono::duration<double, std::milli>(Steady::now() - since).count();
}

// CPU time of the calling thread: unlike wall time, not inflated by other processes on a shared
// machine (it still counts cache and memory-bandwidth contention).
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

long PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

int Fail(const std::string& what) {
  std::cerr << "exchange_match_benchmark: " << what << "\n";
  return 1;
}

std::vector<Json> ReadJsonLines(const std::string& path) {
  std::vector<Json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Json j = Json::parse(line, nullptr, false);
    if (j.is_object()) out.push_back(std::move(j));
  }
  return out;
}

// need label id -> offer label id -> grade.
using Qrels = std::map<std::string, std::map<std::string, int>>;

Qrels ReadQrels(const std::string& path) {
  Qrels q;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string need, offer, grade;
    if (!(s >> need >> offer >> grade) || need == "need_id") continue;
    q[need][offer] = std::stoi(grade);
  }
  return q;
}

// --- Metrics over one ranked list of offer labels (filler offers have no label: grade 0).

struct Metrics {
  double ndcg = 0, mrr = 0, recall = 0;
};

Metrics Score(const std::vector<std::string>& ranked, const std::map<std::string, int>& grades) {
  Metrics m;
  double dcg = 0, idcg = 0;
  std::vector<int> ideal;
  size_t relevant = 0, found = 0;
  for (const auto& [offer, g] : grades) {
    if (g > 0) ideal.push_back(g);
    if (g >= 2) ++relevant;
  }
  std::sort(ideal.rbegin(), ideal.rend());
  for (size_t i = 0; i < ideal.size() && i < 10; ++i) idcg += ideal[i] / std::log2(i + 2.0);
  for (size_t i = 0; i < ranked.size() && i < 10; ++i) {
    auto it = grades.find(ranked[i]);
    const int g = it == grades.end() ? 0 : it->second;
    dcg += g / std::log2(i + 2.0);
    if (g >= 2) {
      if (m.mrr == 0) m.mrr = 1.0 / static_cast<double>(i + 1);
      ++found;
    }
  }
  m.ndcg = idcg > 0 ? dcg / idcg : 0;
  m.recall = relevant ? static_cast<double>(found) / static_cast<double>(relevant) : 0;
  return m;
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

// --- FTS5 baseline

// Words of a text for an FTS5 OR query: runs of ASCII letters and digits and of Latin letters
// (with Vietnamese marks); everything else separates.
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && seen.insert(cur).second) out.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + len > text.size()) len = 1;
    uint32_t cp = c;
    if (len == 2) cp = ((c & 0x1F) << 6) | (text[i + 1] & 0x3F);
    if (len == 3) cp = ((c & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F);
    const bool word = (cp < 0x80 && std::isalnum(static_cast<int>(cp))) ||
                      (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
                      (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1E00 && cp <= 0x1EFF);
    if (word) {
      cur.append(text, i, len);
    } else {
      flush();
    }
    i += len;
  }
  flush();
  return out;
}

std::string FtsOrQuery(const std::string& text) {
  std::string q;
  for (const std::string& w : Words(text)) q += (q.empty() ? "\"" : " OR \"") + w + "\"";
  return q;
}

class Fts {
 public:
  ~Fts() {
    if (st_) sqlite3_finalize(st_);
    if (db_) sqlite3_close(db_);
  }
  // Indexes every published offer of the database at `main_path` into a new FTS5 table in
  // `fts_path`. Returns the build time in ms, or a negative number on error.
  double Build(const std::string& main_path, const std::string& fts_path) {
    std::filesystem::remove(fts_path);
    if (sqlite3_open(main_path.c_str(), &db_) != SQLITE_OK) return -1;
    const std::string sql =
        "ATTACH '" + fts_path +
        "' AS f;"
        "CREATE VIRTUAL TABLE f.offer_fts USING fts5(title, summary, keywords, "
        "tokenize='unicode61 remove_diacritics 2');"
        "INSERT INTO f.offer_fts (rowid, title, summary, keywords) SELECT id, title, summary, "
        "(SELECT group_concat(value, ' ') FROM json_each(keywords)) FROM main.exchange_listings "
        "WHERE kind = 'offer' AND status = 'published' AND deleted_at IS NULL;"
        "INSERT INTO f.offer_fts (offer_fts) VALUES ('optimize');";
    auto t0 = Steady::now();
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::cerr << "fts5: " << (err ? err : "?") << "\n";
      return -1;
    }
    const double ms = Ms(t0);
    if (sqlite3_prepare_v2(db_,
                           "SELECT rowid FROM f.offer_fts WHERE offer_fts MATCH ? ORDER BY "
                           "bm25(offer_fts, 3.0, 1.0, 1.0) LIMIT 10",
                           -1, &st_, nullptr) != SQLITE_OK) {
      return -1;
    }
    return ms;
  }
  std::vector<int64_t> Top10(const std::string& query) {
    std::vector<int64_t> out;
    sqlite3_reset(st_);
    sqlite3_bind_text(st_, 1, query.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st_) == SQLITE_ROW) out.push_back(sqlite3_column_int64(st_, 0));
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* st_ = nullptr;
};

// --- The bare index query, built the way MatchListing builds its candidate query.

std::string MatchQueryText(const Json& l) {
  std::string q = l.value("title", "") + " " + l.value("summary", "");
  if (l.contains("keywords")) {
    for (const Json& k : l["keywords"]) q += " " + k.get<std::string>();
  }
  if (q.size() > 1500) {
    q.resize(1500);
    while (!q.empty() && (static_cast<unsigned char>(q.back()) & 0xC0) == 0x80) q.pop_back();
    if (!q.empty() && static_cast<unsigned char>(q.back()) >= 0xC0) q.pop_back();
  }
  return q;
}

int64_t TodayDays() {
  auto d = stio::domain::ParseCivilDate(stio::FormatDate(stio::Clock::Real().Now()));
  return d.ok() ? stio::domain::DaysFromCivil(*d) : 0;
}

stio::search::Query IndexQuery(const Json& need) {
  stio::search::Query q;
  q.text = MatchQueryText(need);
  q.mode = stio::search::MatchMode::kAny;
  q.k = 200;
  q.filters = {{"type", "offer"}};
  q.ranges = {{"expires", TodayDays(), INT64_MAX}};
  q.suggest = false;
  q.typos = false;
  return q;
}

// --- Filler offers from the news corpus.

struct Filler {
  std::string title, summary;
};

std::vector<std::string> Sentences(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool end = i == text.size() || text[i] == '\n' ||
                     (text[i] == '.' && i + 1 < text.size() && text[i + 1] == ' ');
    if (!end) continue;
    std::string s(stio::Trim(std::string_view(text).substr(start, i - start)));
    if (s.size() >= 20) out.push_back(s);
    start = i + 1;
  }
  return out;
}

// Cuts at a space so that UTF-8 sequences stay whole.
std::string CutAtSpace(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = s.rfind(' ', max);
  return s.substr(0, cut == std::string::npos || cut == 0 ? 0 : cut);
}

std::vector<Filler> ReadFiller(const std::string& path, size_t wanted) {
  std::vector<std::vector<std::string>> docs;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return {};
  std::string line;
  std::vector<char> buf(1 << 16);
  while (gzgets(f, buf.data(), static_cast<int>(buf.size()))) {
    line += buf.data();
    if (line.empty() || line.back() != '\n') continue;
    auto j = Json::parse(line, nullptr, false);
    line.clear();
    if (!j.is_object() || !j.contains("text")) continue;
    auto s = Sentences(stio::text::ToNfc(j.value("text", "")));
    if (s.size() >= 4) docs.push_back(std::move(s));
  }
  gzclose(f);
  std::vector<Filler> out;
  // Pass r takes sentence 3r of each document as the title and the next ones as the summary, so
  // that filler offers do not repeat until the documents run out of sentences.
  for (size_t pass = 0; out.size() < wanted && pass < 8; ++pass) {
    for (const auto& d : docs) {
      if (out.size() >= wanted) break;
      const size_t at = pass * 3;
      if (at + 2 >= d.size()) continue;
      std::string summary;
      for (size_t k = at + 1; k < d.size() && summary.size() < 450; ++k) {
        summary += (summary.empty() ? "" : ". ") + d[k];
      }
      out.push_back({CutAtSpace(d[at], 200), CutAtSpace(summary, 600)});
    }
  }
  return out;
}

// --- Loading the labelled set through the domain functions.

struct Loaded {
  std::map<std::string, int64_t> id_of;     // label -> listing id
  std::map<int64_t, std::string> label_of;  // listing id -> label
};

Json ListingInput(const Json& x, const std::string& kind, int64_t org) {
  Json in = {{"kind", kind},
             {"title", x["title"]},
             {"summary", x["summary"]},
             {"organization_id", org},
             {"submit", true}};
  for (const char* k :
       {"keywords", "fields", "ipc", "transfer_modes", "province_code", "trl", "trl_min",
        "price_vnd", "price_negotiable", "budget_min_vnd", "budget_max_vnd"}) {
    if (x.contains(k)) in[k] = x[k];
  }
  return in;
}

Status LoadSet(stio::storage::Database& db, const std::vector<Json>& offers,
               const std::vector<Json>& needs, Loaded& out) {
  stio::domain::Actor staff;
  staff.role = stio::domain::Role::kStaff;
  staff.email = "exchange-benchmark@stio.invalid";
  const auto& clock = stio::Clock::Real();
  return stio::storage::WithTransaction(db, TxMode::kWrite, [&](Transaction& tx) {
    std::map<std::string, int64_t> orgs;
    auto org_of = [&](const Json& x) -> stio::Result<int64_t> {
      const std::string name = x["organization"];
      if (auto it = orgs.find(name); it != orgs.end()) return it->second;
      STIO_ASSIGN_OR_RETURN(
          Json o, stio::domain::CreateOrganization(tx, staff, clock,
                                                   {{"kind", x["organization_kind"]},
                                                    {"name", name},
                                                    {"province_code", x["province_code"]}}));
      return orgs[name] = o["id"].get<int64_t>();
    };
    for (const auto* list : {&offers, &needs}) {
      const std::string kind = list == &offers ? "offer" : "need";
      for (const Json& x : *list) {
        STIO_ASSIGN_OR_RETURN(int64_t org, org_of(x));
        auto created = stio::domain::CreateListing(tx, staff, clock, ListingInput(x, kind, org));
        if (!created.ok()) return created.status().WithContext(x["id"].get<std::string>());
        const int64_t id = (*created)["id"].get<int64_t>();
        STIO_RETURN_IF_ERROR(
            stio::domain::ListingAction(tx, staff, clock, id, "publish", Json(), nullptr).status());
        out.id_of[x["id"]] = id;
        out.label_of[id] = x["id"];
      }
    }
    return Status::Ok();
  });
}

Status InsertFiller(stio::storage::Database& db, const std::vector<Filler>& filler, size_t count,
                    uint32_t seed) {
  return stio::storage::WithTransaction(db, TxMode::kWrite, [&](Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(auto fos, tx.Query("SELECT code FROM classifications WHERE scheme = "
                                             "'fos' AND length(code) = 3"));
    STIO_ASSIGN_OR_RETURN(auto provs, tx.Query("SELECT code FROM admin_units WHERE era = '2025' "
                                               "AND level = 'province'"));
    if (fos.empty() || provs.empty()) return Status::Internal("reference data missing");
    std::mt19937 rng(seed);
    auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
    const auto& clock = stio::Clock::Real();
    const std::string now = stio::FormatTimestamp(clock.Now());
    const std::string today = stio::FormatDate(clock.Now());
    auto civil = stio::domain::ParseCivilDate(today);
    const std::string expires = stio::domain::FormatCivilDate(stio::domain::AddDays(*civil, 180));
    // 1,000 owner organizations for the filler.
    std::vector<int64_t> orgs;
    for (int i = 0; i < 1000; ++i) {
      const std::string name = "Đơn vị chuyển giao công nghệ số " + std::to_string(i + 1);
      const std::string prov = provs[pick(provs.size())].Text("code");
      STIO_ASSIGN_OR_RETURN(
          auto r, tx.QueryOne("INSERT INTO organizations (kind, name, province_code, match_key, "
                              "created_at, updated_at) VALUES ('enterprise', ?, ?, ?, ?, ?) "
                              "RETURNING id",
                              {name, prov, stio::text::MatchKey(name), now, now}));
      orgs.push_back(r.Int("id"));
    }
    static const std::vector<std::vector<std::string>> kModes = {
        {"licence"},           {"equipment"},
        {"consulting"},        {"licence", "consulting"},
        {"joint_development"}, {"equipment", "consulting"},
        {"assignment"}};
    for (size_t i = 0; i < count; ++i) {
      const Filler& f = filler[i % filler.size()];
      const std::string field = fos[pick(fos.size())].Text("code");
      const std::string prov = provs[pick(provs.size())].Text("code");
      const bool negotiable = pick(4) == 0;
      const int64_t price = static_cast<int64_t>(pick(200) + 1) * 25'000'000;
      std::vector<Value> args = {f.title,
                                 f.summary,
                                 Json::array({field}).dump(),
                                 Json(kModes[pick(kModes.size())]).dump(),
                                 static_cast<int64_t>(pick(9) + 1),
                                 negotiable ? Value(stio::storage::Null{}) : Value(price),
                                 int64_t{negotiable ? 1 : 0},
                                 orgs[pick(orgs.size())],
                                 prov,
                                 now,
                                 now,
                                 now,
                                 expires,
                                 stio::text::MatchKey(f.title + " " + f.summary),
                                 now,
                                 now};
      STIO_RETURN_IF_ERROR(
          tx.Execute(
                "INSERT INTO exchange_listings (kind, title, summary, fields, transfer_modes, "
                "trl, price_vnd, price_negotiable, organization_id, province_code, status, "
                "submitted_at, reviewed_at, published_at, expires_at, reviewed_by, match_key, "
                "created_by, created_at, updated_at, source) VALUES ('offer', ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, 'published', ?, ?, ?, ?, 'exchange-benchmark', ?, "
                "'exchange-benchmark', ?, ?, 'filler: VNTC news corpus')",
                args)
              .status());
    }
    return Status::Ok();
  });
}

// --- One evaluation pass

// Needs whose ranked offers are printed with grades, scores and reasons (--explain N15,N24).
std::set<std::string> g_explain;

void Explain(const std::string& need, const Json& m, const Loaded& loaded,
             const std::map<std::string, int>& grades) {
  std::printf("-- %s: the matcher's top 10 (grade, score = 0.6 text + 0.4 fit, reasons)\n",
              need.c_str());
  for (const Json& it : m["offers"]) {
    auto l = loaded.label_of.find(it["id"].get<int64_t>());
    const std::string label = l == loaded.label_of.end() ? "filler" : l->second;
    auto g = grades.find(label);
    std::string codes;
    for (const Json& r : it["reasons"]) codes += " " + r["code"].get<std::string>();
    std::printf("   %-6s g%d  %.3f = text %.3f, fit %.3f  [%s ]  %s\n", label.c_str(),
                g == grades.end() ? 0 : g->second, it["score"].get<double>(),
                it["text_score"].get<double>(), it["fit_score"].get<double>(), codes.c_str(),
                it["title"].get<std::string>().c_str());
  }
}

struct SystemResult {
  std::string name;
  Metrics sum;
  // Pairs (grade-3 offer, constraint near-miss) of one need where the near-miss ranks above.
  size_t near_miss_pairs = 0, near_miss_above = 0;
  std::vector<Metrics> per_need;
  std::vector<double> latency_ms;
};

struct Evaluation {
  SystemResult stio{"stio matcher"}, bm25{"stio index, text only"}, fts{"SQLite FTS5 bm25"};
  double candidate_recall = 0;  // grade >= 2 offers among MatchListing's 200 candidates
  std::vector<double> index_query_ms, snippet_query_ms;
  std::vector<double> stio_cpu_ms, fts_cpu_ms;
};

// A constraint near-miss: labelled 1 and its TRL is below the need's minimum, or its price above
// 1.5 times the need's budget (the set's "right topic, wrong terms" offers).
bool NearMiss(const Json& need, const Json& offer, int grade) {
  if (grade != 1) return false;
  if (offer.contains("trl") && need.contains("trl_min") && offer["trl"] < need["trl_min"]) {
    return true;
  }
  return offer.contains("price_vnd") && need.contains("budget_max_vnd") &&
         offer["price_vnd"].get<double>() > 1.5 * need["budget_max_vnd"].get<double>();
}

void CountNearMisses(const std::vector<std::string>& ranked, const Json& need,
                     const std::map<std::string, int>& grades,
                     const std::map<std::string, Json>& offers, SystemResult& sys) {
  auto rank = [&](const std::string& o) {
    auto it = std::find(ranked.begin(), ranked.end(), o);
    return it == ranked.end() ? ranked.size() + 1 : static_cast<size_t>(it - ranked.begin());
  };
  for (const auto& [top, g3] : grades) {
    if (g3 != 3) continue;
    for (const auto& [miss, g1] : grades) {
      if (!NearMiss(need, offers.at(miss), g1)) continue;
      ++sys.near_miss_pairs;
      if (rank(miss) < rank(top)) ++sys.near_miss_above;
    }
  }
}

Status Evaluate(stio::storage::Database& db, stio::domain::RegistrySearch& search, Fts& fts,
                const std::vector<Json>& needs, const Qrels& qrels, const Loaded& loaded,
                const std::map<std::string, Json>& offers, int rounds, bool time_it,
                Evaluation& ev) {
  const stio::domain::Actor pub = stio::domain::Actor::Public();
  const auto& clock = stio::Clock::Real();
  auto labels = [&](const std::vector<int64_t>& ids) {
    std::vector<std::string> out;
    for (int64_t id : ids) {
      auto it = loaded.label_of.find(id);
      out.push_back(it == loaded.label_of.end() ? "filler" : it->second);
    }
    return out;
  };
  for (int round = 0; round <= rounds; ++round) {
    const bool measure = time_it && round > 0;  // round 0 warms up (and gives the quality)
    for (const Json& need : needs) {
      const std::string label = need["id"];
      const int64_t id = loaded.id_of.at(label);
      static const std::map<std::string, int> kNone;
      auto qit = qrels.find(label);
      const auto& grades = qit == qrels.end() ? kNone : qit->second;

      // stio: as the API's GET /exchange/listings/{id}/matches does it.
      std::vector<int64_t> ranked;
      double cpu0 = ThreadCpuMs();
      auto t0 = Steady::now();
      STIO_RETURN_IF_ERROR(search.CatchUp(db));
      Status s = stio::storage::WithTransaction(db, TxMode::kRead, [&](Transaction& tx) {
        stio::domain::MatchOptions o;
        o.limit = 10;
        o.experts = false;
        STIO_ASSIGN_OR_RETURN(Json m, stio::domain::MatchListing(tx, search, pub, clock, id, o));
        for (const Json& it : m["offers"]) ranked.push_back(it["id"].get<int64_t>());
        if (round == 0 && g_explain.count(label)) Explain(label, m, loaded, grades);
        return Status::Ok();
      });
      const double stio_ms = Ms(t0);
      const double stio_cpu = ThreadCpuMs() - cpu0;
      STIO_RETURN_IF_ERROR(s);

      // The bare index query (the matcher's candidates, in text order).
      t0 = Steady::now();
      STIO_ASSIGN_OR_RETURN(auto hits, search.Query(IndexQuery(need)));
      const double index_ms = Ms(t0);
      // The same with the snippets MatchListing asks for (its "text in common" reason).
      double snippet_ms = 0;
      if (time_it) {
        auto sq = IndexQuery(need);
        sq.snippets = true;
        sq.snippet_bytes = 160;
        t0 = Steady::now();
        STIO_RETURN_IF_ERROR(search.Query(sq).status());
        snippet_ms = Ms(t0);
      }
      std::vector<int64_t> bm25, cands;
      for (const auto& h : hits.hits) {
        auto cid = stio::ParseInt(h.id.substr(h.id.find(':') + 1));
        if (!cid) continue;
        cands.push_back(*cid);
        if (bm25.size() < 10) bm25.push_back(*cid);
      }

      // FTS5.
      cpu0 = ThreadCpuMs();
      t0 = Steady::now();
      std::vector<int64_t> fts_ranked = fts.Top10(
          FtsOrQuery(need["title"].get<std::string>() + " " + need["summary"].get<std::string>()));
      const double fts_ms = Ms(t0);
      const double fts_cpu = ThreadCpuMs() - cpu0;

      if (measure) {
        ev.stio.latency_ms.push_back(stio_ms);
        ev.index_query_ms.push_back(index_ms);
        ev.snippet_query_ms.push_back(snippet_ms);
        ev.fts.latency_ms.push_back(fts_ms);
        ev.stio_cpu_ms.push_back(stio_cpu);
        ev.fts_cpu_ms.push_back(fts_cpu);
      }
      if (round == 0) {
        for (auto [sys, ids] : {std::pair{&ev.stio, &ranked}, std::pair{&ev.bm25, &bm25},
                                std::pair{&ev.fts, &fts_ranked}}) {
          Metrics m = Score(labels(*ids), grades);
          CountNearMisses(labels(*ids), need, grades, offers, *sys);
          sys->per_need.push_back(m);
          sys->sum.ndcg += m.ndcg;
          sys->sum.mrr += m.mrr;
          sys->sum.recall += m.recall;
        }
        size_t rel = 0, in = 0;
        const auto cl = labels(cands);
        for (const auto& [o, g] : grades) {
          if (g < 2) continue;
          ++rel;
          if (std::find(cl.begin(), cl.end(), o) != cl.end()) ++in;
        }
        ev.candidate_recall += rel ? static_cast<double>(in) / static_cast<double>(rel) : 0;
      }
    }
  }
  return Status::Ok();
}

void PrintQuality(const char* heading, const Evaluation& ev, const std::vector<Json>& needs) {
  const double n = static_cast<double>(needs.size());
  std::printf("\n%s\n", heading);
  std::printf("| system | nDCG@10 | MRR@10 | recall@10 |\n|---|---|---|---|\n");
  for (const SystemResult* s : {&ev.stio, &ev.bm25, &ev.fts}) {
    std::printf("| %s | %.3f | %.3f | %.3f |\n", s->name.c_str(), s->sum.ndcg / n, s->sum.mrr / n,
                s->sum.recall / n);
  }
  std::printf("candidate recall (grade >= 2 among the matcher's 200 index candidates): %.3f\n",
              ev.candidate_recall / n);
  std::printf(
      "constraint near-misses (TRL below the minimum or price > 1.5x budget) ranked above "
      "a grade-3 offer of the same need, of %zu pairs: stio %zu, text only %zu, fts5 "
      "%zu\n",
      ev.stio.near_miss_pairs, ev.stio.near_miss_above, ev.bm25.near_miss_above,
      ev.fts.near_miss_above);
  // By kind of need.
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < needs.size(); ++i) {
    bool any = false;
    for (const Json& h : needs[i]["hard"]) {
      groups[h.get<std::string>()].push_back(i);
      any = true;
    }
    if (!any) groups["plain"].push_back(i);
  }
  std::printf("nDCG@10 by kind of need (stio / text only / fts5):\n");
  for (const auto& [g, idx] : groups) {
    double a = 0, b = 0, c = 0;
    for (size_t i : idx) {
      a += ev.stio.per_need[i].ndcg;
      b += ev.bm25.per_need[i].ndcg;
      c += ev.fts.per_need[i].ndcg;
    }
    const double k = static_cast<double>(idx.size());
    std::printf("  %-14s (%2zu needs)  %.3f / %.3f / %.3f\n", g.c_str(), idx.size(), a / k, b / k,
                c / k);
  }
  std::printf("per need nDCG@10 (stio / text only / fts5):\n");
  for (size_t i = 0; i < needs.size(); ++i) {
    std::printf("  %s  %.3f / %.3f / %.3f  %s\n", needs[i]["id"].get<std::string>().c_str(),
                ev.stio.per_need[i].ndcg, ev.bm25.per_need[i].ndcg, ev.fts.per_need[i].ndcg,
                CutAtSpace(needs[i]["title"].get<std::string>(), 70).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when redirected to a file
  std::string set_dir = "bench/exchange", data_dir = "data";
  std::string corpus = "../shared/data/corpus-vi/vntc_news_vi.jsonl.gz";
  std::string db_path = "/tmp/stio-exchange-bench.db";
  long total_offers = 100000;
  int rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--set")
      set_dir = v;
    else if (k == "--data")
      data_dir = v;
    else if (k == "--corpus")
      corpus = v;
    else if (k == "--db")
      db_path = v;
    else if (k == "--offers")
      total_offers = std::stol(v);
    else if (k == "--rounds")
      rounds = std::stoi(v);
    else if (k == "--explain")
      for (const std::string& n : stio::Split(v, ',')) g_explain.insert(n);
    else
      return Fail("unknown option " + k);
  }
  const auto offers = ReadJsonLines(set_dir + "/offers.jsonl");
  const auto needs = ReadJsonLines(set_dir + "/needs.jsonl");
  const Qrels qrels = ReadQrels(set_dir + "/qrels.tsv");
  std::map<std::string, Json> offer_of;
  for (const Json& o : offers) offer_of[o["id"]] = o;
  if (offers.empty() || needs.empty() || qrels.empty()) {
    return Fail("cannot read the labelled set in " + set_dir);
  }
  std::string stopwords;
  {
    std::ifstream in(data_dir + "/nlp-vi/stopwords_vi.txt");
    std::stringstream ss;
    ss << in.rdbuf();
    stopwords = ss.str();
  }
  if (stopwords.empty()) return Fail("cannot read " + data_dir + "/nlp-vi/stopwords_vi.txt");

  for (const char* suffix : {"", "-wal", "-shm", ".fts", ".fts-journal"}) {
    std::filesystem::remove(db_path + suffix);
  }
  auto db = stio::storage::OpenSqlite(db_path);
  if (!db.ok()) return Fail(db.status().ToString());
  if (Status s = (*db)->Migrate(stio::storage::MigrationsFor(**db)); !s.ok()) {
    return Fail(s.ToString());
  }
  auto ref = stio::domain::LoadReferenceData(**db, data_dir, stio::Clock::Real());
  if (!ref.ok()) return Fail(ref.status().ToString());

  auto t0 = Steady::now();
  Loaded loaded;
  if (Status s = LoadSet(**db, offers, needs, loaded); !s.ok()) return Fail(s.ToString());
  std::printf("loaded %zu offers and %zu needs through CreateListing + publish in %.1f s\n",
              offers.size(), needs.size(), Ms(t0) / 1000);

  // --- Quality on the labelled set alone.
  auto search = stio::domain::RegistrySearch::Build(**db, stopwords);
  if (!search.ok()) return Fail(search.status().ToString());
  Fts fts_small;
  if (fts_small.Build(db_path, db_path + ".fts") < 0) return Fail("fts5 build failed");
  Evaluation small;
  if (Status s =
          Evaluate(**db, **search, fts_small, needs, qrels, loaded, offer_of, 0, false, small);
      !s.ok()) {
    return Fail(s.ToString());
  }
  PrintQuality("== Quality, 300 labelled offers (40 needs) ==", small, needs);

  if (total_offers <= static_cast<long>(offers.size())) return 0;

  // --- Scale: filler offers up to `total_offers`, index rebuilt, latency.
  const size_t filler_count = static_cast<size_t>(total_offers) - offers.size();
  t0 = Steady::now();
  auto filler = ReadFiller(corpus, filler_count);
  if (filler.empty()) return Fail("cannot read the corpus " + corpus);
  if (Status s = InsertFiller(**db, filler, filler_count, 20261122); !s.ok()) {
    return Fail(s.ToString());
  }
  std::printf("\ninserted %zu filler offers (%zu distinct texts) by SQL in %.1f s\n", filler_count,
              filler.size(), Ms(t0) / 1000);
  search->reset();
  const long rss_before = PeakRssMiB();
  t0 = Steady::now();
  auto big_search = stio::domain::RegistrySearch::Build(**db, stopwords);
  if (!big_search.ok()) return Fail(big_search.status().ToString());
  const double build_s = Ms(t0) / 1000;
  Fts fts_big;
  const double fts_build_ms = fts_big.Build(db_path, db_path + ".fts2");
  if (fts_build_ms < 0) return Fail("fts5 build failed");
  {
    auto n = stio::storage::WithTransaction(**db, TxMode::kRead, [&](Transaction& tx) {
      STIO_ASSIGN_OR_RETURN(auto r, tx.QueryOne("SELECT COUNT(*) AS n FROM exchange_listings "
                                                "WHERE kind = 'offer' AND status = 'published'"));
      std::printf("published offers: %lld; index documents: %zu\n",
                  static_cast<long long>(r.Int("n")), (*big_search)->size());
      return Status::Ok();
    });
    if (!n.ok()) return Fail(n.ToString());
  }
  std::printf("index build: stio %.1f s (peak RSS %ld MiB, %ld MiB before), FTS5 %.1f s\n", build_s,
              PeakRssMiB(), rss_before, fts_build_ms / 1000);

  std::printf("load average before the latency runs: %s\n", LoadAverage().c_str());
  Evaluation big;
  if (Status s =
          Evaluate(**db, **big_search, fts_big, needs, qrels, loaded, offer_of, rounds, true, big);
      !s.ok()) {
    return Fail(s.ToString());
  }
  char heading[160];
  std::snprintf(heading, sizeof heading, "== Quality with %ld published offers ==", total_offers);
  PrintQuality(heading, big, needs);
  std::printf(
      "\n== Latency, %ld published offers, %zu needs x %d rounds (ms); load average "
      "after: %s ==\n",
      total_offers, needs.size(), rounds, LoadAverage().c_str());
  std::printf("| | p50 | p95 | p99 | max |\n|---|---|---|---|---|\n");
  auto row = [](const char* name, const std::vector<double>& v) {
    std::printf("| %s | %.1f | %.1f | %.1f | %.1f |\n", name, Percentile(v, 0.5),
                Percentile(v, 0.95), Percentile(v, 0.99), Percentile(v, 1.0));
  };
  row("stio MatchListing (CatchUp + read tx + match)", big.stio.latency_ms);
  row("  alone: its candidate index query (k=200, no snippets)", big.index_query_ms);
  row("  alone: the same query with 160-byte snippets", big.snippet_query_ms);
  row("SQLite FTS5 OR query, top 10", big.fts.latency_ms);
  row("stio MatchListing, CPU time of the thread", big.stio_cpu_ms);
  row("SQLite FTS5 query, CPU time of the thread", big.fts_cpu_ms);
  return 0;
}
