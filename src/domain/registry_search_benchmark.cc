// Start-up of the registry search at national scale, both ways, beside SQLite FTS5 on the same
// rows.
//
// `stio serve` keeps the registry's search index on disk beside the database and, at start, loads
// it and catches up from the audit log; without a usable saved index it builds it from the
// database (domain/registry_search.h). This program measures both for N organizations, and, as
// the peer, SQLite FTS5 (unicode61 remove_diacritics 2) building an external-content index over
// the same rows and answering a first query, in the same run. The rows are synthetic registry
// records whose names and descriptions are taken from a Vietnamese news corpus (BEIR JSON Lines,
// .gz), cycled to reach N.
//
//   registry_search_benchmark --orgs 1000000 [--db /tmp/bench.db] [--while-down 1000]
//       --corpus ../shared/data/corpus-vi/vntc_news_vi.jsonl.gz
//       [--stopwords data/nlp-vi/stopwords_vi.txt]
//
// Steps, each in its own forked process (so that CPU time and peak memory, VmHWM, are its own):
//   1. rebuild: RegistrySearch::Open with no saved index (what every start did before), which
//      builds from the database; then Save (what the server does next, in the background).
//   2. (in the parent, not timed) --while-down organizations created through the domain, with
//      their audit entries, as the CLI would while the server is down.
//   3. restart: RegistrySearch::Open again: loads the saved index and catches up those entries.
//   4. FTS5 build, 5. FTS5 open and answer the first query.
// Each timed result is checked before it is reported (the index holds the right count; it was
// built, or loaded; a known name, and one written while down, are found by stio; FTS5 finds one).
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "core/clock.h"
#include "core/strings.h"
#include "domain/common.h"
#include "domain/registry.h"
#include "domain/registry_search.h"
#include "storage/database.h"
#include "storage/schema.h"
#include "text/normalize.h"

namespace {

using stio::bench::Check;
using stio::bench::CpuSeconds;
using stio::bench::DiskMiB;
using stio::bench::InChild;
using stio::bench::PeakRssMiB;
using stio::bench::Sample;

using stio::Status;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

int Fail(const std::string& what) {
  std::cerr << "registry_search_benchmark: " << what << "\n";
  return 1;
}

std::unique_ptr<stio::storage::Database> OpenDb(const std::string& path) {
  auto db = stio::storage::OpenSqlite(path);
  if (!db.ok()) throw std::runtime_error(db.status().ToString());
  return std::move(db).value();
}

// The ids of the search's hits for `q` ("type:id").
std::vector<std::string> Find(stio::domain::RegistrySearch& rs, stio::storage::Database& db,
                              const std::string& q) {
  stio::domain::SearchRequest req;
  req.q = q;
  auto r = rs.Search(db, req);
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  std::vector<std::string> ids;
  for (const auto& item : r->at("items")) {
    ids.push_back(item.at("type").get<std::string>() + ":" +
                  std::to_string(item.at("id").get<int64_t>()));
  }
  return ids;
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = "../shared/data/corpus-vi/vntc_news_vi.jsonl.gz";
  std::string db_path = "/tmp/stio-registry-bench.db";
  std::string stopwords_path;
  long n = 1000000;
  long while_down = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--corpus")
      corpus = v;
    else if (k == "--db")
      db_path = v;
    else if (k == "--orgs")
      n = std::stol(v);
    else if (k == "--while-down")
      while_down = std::stol(v);
    else if (k == "--stopwords")
      stopwords_path = v;
    else
      return Fail("unknown option " + k);
  }
  std::string stopwords;
  if (!stopwords_path.empty()) {
    std::ifstream in(stopwords_path, std::ios::binary);
    if (!in) return Fail("cannot read the stopwords " + stopwords_path);
    std::ostringstream ss;
    ss << in.rdbuf();
    stopwords = ss.str();
  }
  auto samples = stio::bench::ReadRegistrySamples(corpus, 50000);
  if (samples.empty()) return Fail("cannot read the corpus " + corpus);
  const std::string index_dir = db_path + ".search";
  const std::string result_file = db_path + ".step.json";
  for (const std::string& f : {db_path, db_path + "-wal", db_path + "-shm"}) {
    std::filesystem::remove(f);
  }
  std::filesystem::remove_all(index_dir);

  // Load N rows (not timed: this is the database a department would already have), and one audit
  // entry for the import that brought them (as `stio import` records).
  auto t0 = Clock::now();
  {
    auto db = OpenDb(db_path);
    if (Status s = db->Migrate(stio::storage::SqliteMigrations()); !s.ok()) {
      return Fail(s.ToString());
    }
    Status s = stio::storage::WithTransaction(
        *db, stio::storage::TxMode::kWrite, [&](stio::storage::Transaction& tx) {
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
          return stio::domain::RecordAudit(tx, stio::domain::Actor::System("benchmark"),
                                           stio::Clock::Real(), "import", "organization", "",
                                           nullptr, {{"rows", n}});
        });
    if (!s.ok()) return Fail(s.ToString());
  }
  std::printf("loaded %ld organizations in %.1f s (%zu distinct corpus texts)\n", n, Seconds(t0),
              samples.size());
  std::fflush(stdout);
  const std::string known = samples[0].title + " 0";
  const std::string known_id = "organization:1";

  try {
    // 1. No saved index: built from the database, then saved.
    auto rebuild = InChild("stio rebuild", result_file, [&] {
      auto db = OpenDb(db_path);
      stio::domain::SearchStartReport report;
      auto rs = stio::domain::RegistrySearch::Open(*db, stopwords, index_dir, &report);
      Check(rs.ok(), "open");
      Check(!report.loaded, "built, not loaded");
      Check(static_cast<long>(report.documents) == n, "the index holds N documents");
      Check(Contains(Find(**rs, *db, known), known_id), "stio finds a known name");
      const double cpu = CpuSeconds();
      const auto t = Clock::now();
      Status saved = (*rs)->Save(*db, index_dir);
      Check(saved.ok(), "save: " + saved.ToString());
      return nlohmann::json{{"start_wall_s", report.seconds},
                            {"start_cpu_s", report.cpu_seconds},
                            {"save_wall_s", Seconds(t)},
                            {"save_cpu_s", CpuSeconds() - cpu},
                            {"disk_mib", DiskMiB(index_dir)}};
    });

    // 2. Written while the server is down, through the domain (with their audit entries).
    std::vector<int64_t> written;
    {
      auto db = OpenDb(db_path);
      Status s = stio::storage::WithTransaction(
          *db, stio::storage::TxMode::kWrite, [&](stio::storage::Transaction& tx) {
            for (long i = 0; i < while_down; ++i) {
              STIO_ASSIGN_OR_RETURN(
                  auto j, stio::domain::CreateOrganization(
                              tx, stio::domain::Actor::System("benchmark"), stio::Clock::Real(),
                              {{"kind", "startup"},
                               {"name", "Khởi nghiệp Hạt điều Bình Phước " + std::to_string(i)}}));
              written.push_back(j.at("id").get<int64_t>());
            }
            return Status::Ok();
          });
      if (!s.ok()) return Fail(s.ToString());
    }

    // 3. Restart: load the saved index and catch up.
    auto restart = InChild("stio restart", result_file, [&] {
      auto db = OpenDb(db_path);
      stio::domain::SearchStartReport report;
      auto rs = stio::domain::RegistrySearch::Open(*db, stopwords, index_dir, &report);
      Check(rs.ok(), "open");
      Check(report.loaded, "loaded, not rebuilt: " + report.rebuild_reason);
      Check(static_cast<long>(report.documents) == n + while_down, "the index holds N + K");
      Check(Contains(Find(**rs, *db, known), known_id), "stio finds a known name");
      if (!written.empty()) {
        Check(Contains(Find(**rs, *db, "Hạt điều Bình Phước " + std::to_string(written.size() - 1)),
                       "organization:" + std::to_string(written.back())),
              "stio finds an organization written while down");
      }
      return nlohmann::json{{"start_wall_s", report.seconds},
                            {"start_cpu_s", report.cpu_seconds},
                            {"caught_up_entries", report.audit_id - report.saved_audit_id}};
    });

    // 4-5. SQLite FTS5 on the same rows.
    auto fts_build = InChild("fts5 build", result_file, [&] {
      sqlite3* raw = nullptr;
      Check(sqlite3_open(db_path.c_str(), &raw) == SQLITE_OK, "sqlite3_open");
      const double cpu = CpuSeconds();
      const auto t = Clock::now();
      char* err = nullptr;
      int rc = sqlite3_exec(raw,
                            "CREATE VIRTUAL TABLE org_fts USING fts5(name, description, "
                            "content='organizations', content_rowid='id', "
                            "tokenize='unicode61 remove_diacritics 2');"
                            "INSERT INTO org_fts(org_fts) VALUES('rebuild');",
                            nullptr, nullptr, &err);
      Check(rc == SQLITE_OK, std::string("fts5: ") + (err ? err : "?"));
      const double wall = Seconds(t);
      sqlite3_close(raw);
      return nlohmann::json{{"wall_s", wall}, {"cpu_s", CpuSeconds() - cpu}};
    });
    auto fts_open = InChild("fts5 open", result_file, [&] {
      const double cpu = CpuSeconds();
      const auto t = Clock::now();
      sqlite3* raw = nullptr;
      Check(sqlite3_open(db_path.c_str(), &raw) == SQLITE_OK, "sqlite3_open");
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(raw, "SELECT rowid FROM org_fts WHERE org_fts MATCH ? LIMIT 20", -1, &st,
                         nullptr);
      const std::string q =
          "\"" + samples[0].title.substr(0, samples[0].title.find(' ')) + "\" AND \"0\"";
      sqlite3_bind_text(st, 1, q.c_str(), -1, SQLITE_TRANSIENT);
      bool found = false;
      while (sqlite3_step(st) == SQLITE_ROW) found = found || sqlite3_column_int64(st, 0) == 1;
      sqlite3_finalize(st);
      sqlite3_close(raw);
      Check(found, "fts5 finds a known name");
      return nlohmann::json{{"wall_s", Seconds(t)}, {"cpu_s", CpuSeconds() - cpu}};
    });

    std::printf("\n%ld organizations (+%ld written while down)   CPU s / wall s / peak MiB\n", n,
                while_down);
    std::printf("stio start, no saved index (build)     %7.1f / %7.1f / %6.0f\n",
                rebuild["start_cpu_s"].get<double>(), rebuild["start_wall_s"].get<double>(),
                rebuild["peak_rss_mib"].get<double>());
    std::printf("stio save (background, after a build)  %7.1f / %7.1f   (%.0f MiB on disk)\n",
                rebuild["save_cpu_s"].get<double>(), rebuild["save_wall_s"].get<double>(),
                rebuild["disk_mib"].get<double>());
    std::printf("stio start, load + catch up %5lld     %7.1f / %7.1f / %6.0f\n",
                static_cast<long long>(restart["caught_up_entries"].get<int64_t>()),
                restart["start_cpu_s"].get<double>(), restart["start_wall_s"].get<double>(),
                restart["peak_rss_mib"].get<double>());
    std::printf("fts5 build (rebuild)                   %7.1f / %7.1f / %6.0f\n",
                fts_build["cpu_s"].get<double>(), fts_build["wall_s"].get<double>(),
                fts_build["peak_rss_mib"].get<double>());
    std::printf("fts5 open + first query                %7.3f / %7.3f / %6.0f\n",
                fts_open["cpu_s"].get<double>(), fts_open["wall_s"].get<double>(),
                fts_open["peak_rss_mib"].get<double>());
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
  for (const std::string& f : {db_path, db_path + "-wal", db_path + "-shm", result_file}) {
    std::filesystem::remove(f);
  }
  std::filesystem::remove_all(index_dir);
  return 0;
}
