// Start-up of the registry search index at national scale, beside SQLite FTS5 on the same rows.
//
// stio keeps the registry's search index in memory and builds it from the database at start
// (domain/registry_search.h). This program measures that build for N organizations and, as the
// peer, SQLite FTS5 (unicode61 remove_diacritics 2) building an external-content index over the
// same rows in the same run. The rows are synthetic registry records whose names and descriptions
// are taken from a Vietnamese news corpus (BEIR JSON Lines, .gz), cycled to reach N.
//
//   registry_search_benchmark --orgs 1000000 [--db /tmp/bench.db]
//       --corpus ../shared/data/corpus-vi/vntc_news_vi.jsonl.gz
//
// Each timed result is checked before it is reported (the index holds N documents; a known name
// is found by both engines).
#include <sqlite3.h>
#include <sys/resource.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/strings.h"
#include "domain/registry_search.h"
#include "storage/database.h"
#include "storage/schema.h"
#include "text/normalize.h"

namespace {

using stio::Status;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

long PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

struct Sample {
  std::string title, text;
};

std::vector<Sample> ReadCorpus(const std::string& path, size_t max_docs) {
  std::vector<Sample> out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return out;
  std::string line;
  char buf[1 << 16];
  while (out.size() < max_docs && gzgets(f, buf, sizeof buf)) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    line.clear();
    if (!j.is_object() || !j.contains("text")) continue;
    std::string text = j.value("text", "");
    std::string title = j.value("title", "");
    if (title.empty()) title = text.substr(0, text.find('.'));
    // Keep registry-sized texts: a name and a paragraph, cut at a UTF-8 boundary.
    size_t cut = std::min<size_t>(text.size(), 600);
    while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;
    size_t tcut = std::min<size_t>(title.size(), 200);
    while (tcut < title.size() && (static_cast<unsigned char>(title[tcut]) & 0xC0) == 0x80) --tcut;
    out.push_back({title.substr(0, tcut), text.substr(0, cut)});
  }
  gzclose(f);
  return out;
}

int Fail(const std::string& what) {
  std::cerr << "registry_search_benchmark: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = "../shared/data/corpus-vi/vntc_news_vi.jsonl.gz";
  std::string db_path = "/tmp/stio-registry-bench.db";
  long n = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--corpus")
      corpus = v;
    else if (k == "--db")
      db_path = v;
    else if (k == "--orgs")
      n = std::stol(v);
    else
      return Fail("unknown option " + k);
  }
  auto samples = ReadCorpus(corpus, 50000);
  if (samples.empty()) return Fail("cannot read the corpus " + corpus);
  std::filesystem::remove(db_path);
  std::filesystem::remove(db_path + "-wal");
  auto db = stio::storage::OpenSqlite(db_path);
  if (!db.ok()) return Fail(db.status().ToString());
  if (Status s = (*db)->Migrate(stio::storage::SqliteMigrations()); !s.ok()) {
    return Fail(s.ToString());
  }

  // Load N rows (not timed: this is the database a department would already have).
  auto t0 = Clock::now();
  Status s = stio::storage::WithTransaction(
      **db, stio::storage::TxMode::kWrite, [&](stio::storage::Transaction& tx) {
        const std::string now = stio::FormatTimestamp(stio::Clock::Real().Now());
        for (long i = 0; i < n; ++i) {
          const Sample& x = samples[static_cast<size_t>(i) % samples.size()];
          std::string name = x.title + " " + std::to_string(i);
          STIO_RETURN_IF_ERROR(
              tx.Execute(
                    "INSERT INTO organizations (kind, name, description, province_code, "
                    "match_key, created_at, updated_at) VALUES ('enterprise', ?, ?, ?, ?, ?, ?)",
                    {name, x.text, std::string(i % 2 ? "01" : "79"), stio::text::MatchKey(name),
                     now, now})
                  .status());
        }
        return Status::Ok();
      });
  if (!s.ok()) return Fail(s.ToString());
  std::printf("loaded %ld organizations in %.1f s (%zu distinct corpus texts)\n", n, Seconds(t0),
              samples.size());

  // stio: build the in-memory index from the database.
  const long rss_before = PeakRssMiB();
  t0 = Clock::now();
  auto rs = stio::domain::RegistrySearch::Build(**db, "");
  const double stio_build = Seconds(t0);
  if (!rs.ok()) return Fail(rs.status().ToString());
  if (static_cast<long>((*rs)->size()) != n) return Fail("stio index holds the wrong count");
  stio::domain::SearchRequest req;
  req.q = samples[0].title + " 0";
  auto hit = (*rs)->Search(**db, req);
  if (!hit.ok() || hit->at("items").empty()) return Fail("stio did not find a known name");
  std::printf("stio  : build %.1f s, peak RSS %ld MiB (before build %ld MiB)\n", stio_build,
              PeakRssMiB(), rss_before);

  // SQLite FTS5 on the same rows, same process, same run.
  sqlite3* raw = nullptr;
  if (sqlite3_open(db_path.c_str(), &raw) != SQLITE_OK) return Fail("sqlite3_open");
  t0 = Clock::now();
  char* err = nullptr;
  int rc = sqlite3_exec(raw,
                        "CREATE VIRTUAL TABLE org_fts USING fts5(name, description, "
                        "content='organizations', content_rowid='id', "
                        "tokenize='unicode61 remove_diacritics 2');"
                        "INSERT INTO org_fts(org_fts) VALUES('rebuild');",
                        nullptr, nullptr, &err);
  const double fts_build = Seconds(t0);
  if (rc != SQLITE_OK) return Fail(std::string("fts5: ") + (err ? err : "?"));
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(raw, "SELECT COUNT(*) FROM org_fts WHERE org_fts MATCH ?", -1, &st, nullptr);
  std::string q = "\"" + std::to_string(0) + "\"";
  sqlite3_bind_text(st, 1, q.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) < 1) {
    return Fail("fts5 did not find a known name");
  }
  sqlite3_finalize(st);
  sqlite3_close(raw);
  std::printf("fts5  : build %.1f s (on disk, same database)\n", fts_build);
  std::filesystem::remove(db_path);
  std::filesystem::remove(db_path + "-wal");
  std::filesystem::remove(db_path + "-shm");
  return 0;
}
