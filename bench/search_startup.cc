// search_startup: start-up of stio's search index with N documents (default 1,000,000), beside
// SQLite FTS5 on the same documents, in one run.
//
// The documents are synthetic registry records built from a Vietnamese news corpus (BEIR JSON
// Lines, .gz), exactly as src/domain/registry_search_benchmark.cc builds them: the name is the
// text up to its first '.' (at most 200 bytes) followed by the row number, the description the
// first 600 bytes of the text; the corpus texts are cycled to reach N (VNTC has 39,946, so each
// text appears about 25 times, under different names and ids).
//
// Steps, each in its own forked process so that peak memory (VmHWM) is its own:
//   1. stio build: every document through Index::UpsertMany in batches of 4,096 (two threads:
//                  analysis runs ahead on the second), then Save to --work/stio.
//   2. stio load:  Index::Load of that directory (what a restart does when the index is kept on
//                  disk), then one query for a known name, then the first writes: one
//                  Upsert of a new document, then 100 more (each timed).
//   3. FTS5 build: the same documents into an FTS5 table (unicode61 remove_diacritics 2) in one
//                  transaction, then 'optimize'.
//   4. FTS5 open:  open the database and answer the same query (FTS5 is on disk: its start-up is
//                  opening the file).
// Every step checks its result (document count; the known name is found) before it is reported.
// Times: wall clock and the process's CPU time (user + system), which moves much less with other
// load on a shared machine.
//
// usage: search_startup --corpus C.jsonl.gz --work DIR [--docs N]
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
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "search/index.h"

namespace {

using stio::bench::Check;
using stio::bench::CpuSeconds;
using stio::bench::DiskMiB;
using stio::bench::InChild;
using stio::bench::PeakRssMiB;
using stio::bench::Sample;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

std::string Name(const std::vector<Sample>& s, size_t i) {
  return s[i % s.size()].title + " " + std::to_string(i);
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> a;
  for (int i = 1; i + 1 < argc; i += 2) a[argv[i]] = argv[i + 1];
  if (!a.count("--corpus") || !a.count("--work")) {
    std::cerr << "usage: search_startup --corpus C.jsonl.gz --work DIR [--docs N]\n";
    return 2;
  }
  const size_t n = a.count("--docs") ? std::stoul(a["--docs"]) : 1000000;
  const std::string work = a["--work"];
  std::filesystem::create_directories(work);
  try {
    const std::vector<Sample> samples = stio::bench::ReadRegistrySamples(a["--corpus"]);
    Check(!samples.empty(), "the corpus has documents");
    // A known document near the end, so that no engine can find it by luck of order.
    const size_t known = n - 1;
    const std::string known_name = Name(samples, known);
    json all;
    all["documents"] = n;
    all["distinct_texts"] = samples.size();

    const std::string stio_dir = work + "/stio";
    all["stio_build"] = InChild("stio build", work + "/stio_build.json", [&] {
      stio::search::IndexOptions o;
      std::ifstream sw("data/nlp-vi/stopwords_vi.txt");
      std::stringstream ss;
      ss << sw.rdbuf();
      o.stopwords = ss.str();
      auto index = std::move(stio::search::Index::Create(o)).value();
      const double rss0 = PeakRssMiB();
      const auto t0 = Clock::now();
      const double c0 = CpuSeconds();
      // In batches of 4,096 through UpsertMany (analysis on a second thread), as the registry
      // search builds its index.
      std::vector<stio::search::Document> batch;
      for (size_t i = 0; i < n; ++i) {
        stio::search::Document& doc = batch.emplace_back();
        doc.id = "org:" + std::to_string(i);
        doc.fields = {{"title", Name(samples, i)}, {"body", samples[i % samples.size()].text}};
        if (batch.size() == 4096 || i + 1 == n) {
          if (!index->UpsertMany(batch).ok()) throw std::runtime_error("upsert failed");
          batch.clear();
        }
      }
      json r;
      r["build_wall_s"] = std::chrono::duration<double>(Clock::now() - t0).count();
      r["build_cpu_s"] = CpuSeconds() - c0;
      const auto t1 = Clock::now();
      const double c1 = CpuSeconds();
      Check(index->Save(stio_dir).ok(), "stio saves");
      r["save_wall_s"] = std::chrono::duration<double>(Clock::now() - t1).count();
      r["save_cpu_s"] = CpuSeconds() - c1;
      r["index_mib"] = DiskMiB(stio_dir);
      r["rss_before_build_mib"] = rss0;
      Check(index->size() == n, "stio holds every document");
      return r;
    });

    all["stio_load"] = InChild("stio load", work + "/stio_load.json", [&] {
      const double rss0 = PeakRssMiB();
      const auto t0 = Clock::now();
      const double c0 = CpuSeconds();
      auto loaded = stio::search::Index::Load(stio_dir);
      json r;
      r["load_wall_s"] = std::chrono::duration<double>(Clock::now() - t0).count();
      r["load_cpu_s"] = CpuSeconds() - c0;
      r["rss_before_load_mib"] = rss0;
      Check(loaded.ok(), "stio loads: " + (loaded.ok() ? "" : loaded.status().ToString()));
      Check((*loaded)->size() == n, "the loaded index holds every document");
      stio::search::Query q;
      q.text = known_name;
      q.k = 10;
      auto res = (*loaded)->Search(q);
      Check(res.ok() && !res->hits.empty() && res->hits[0].id == "org:" + std::to_string(known),
            "stio finds the known name first");
      // The first writes after the start: a new document (the first Upsert after a Load also
      // makes the analysing thread's dictionary again from the index's), then 100 more, each
      // timed; the last one must be found.
      auto upsert = [&](size_t i) {
        stio::search::Document doc;
        doc.id = "org:" + std::to_string(n + i);
        doc.fields = {{"title", Name(samples, n + i)},
                      {"body", samples[(n + i) % samples.size()].text}};
        const auto u0 = Clock::now();
        Check((*loaded)->Upsert(doc).ok(), "stio upserts after the load");
        return std::chrono::duration<double, std::milli>(Clock::now() - u0).count();
      };
      r["first_upsert_after_load_ms"] = upsert(0);
      std::vector<double> next;
      for (size_t i = 1; i <= 100; ++i) next.push_back(upsert(i));
      std::sort(next.begin(), next.end());
      r["next_100_upserts_median_ms"] = next[next.size() / 2];
      r["next_100_upserts_max_ms"] = next.back();
      q.text = Name(samples, n + 100);
      res = (*loaded)->Search(q);
      Check(res.ok() && !res->hits.empty() && res->hits[0].id == "org:" + std::to_string(n + 100),
            "stio finds the last document upserted");
      return r;
    });

    const std::string db = work + "/fts5.db";
    all["fts5_build"] = InChild("fts5 build", work + "/fts5_build.json", [&] {
      std::filesystem::remove(db);
      sqlite3* h = nullptr;
      Check(sqlite3_open(db.c_str(), &h) == SQLITE_OK, "sqlite opens");
      auto exec = [&](const char* sql) {
        Check(sqlite3_exec(h, sql, nullptr, nullptr, nullptr) == SQLITE_OK, sql);
      };
      const auto t0 = Clock::now();
      const double c0 = CpuSeconds();
      exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
      exec(
          "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
          "tokenize = 'unicode61 remove_diacritics 2')");
      exec("BEGIN");
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(h, "INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", -1, &st, nullptr);
      for (size_t i = 0; i < n; ++i) {
        const std::string id = "org:" + std::to_string(i), name = Name(samples, i);
        sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, name.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, samples[i % samples.size()].text.c_str(), -1, SQLITE_STATIC);
        Check(sqlite3_step(st) == SQLITE_DONE, "fts5 insert");
        sqlite3_reset(st);
      }
      sqlite3_finalize(st);
      exec("COMMIT");
      exec("INSERT INTO docs(docs) VALUES('optimize')");
      sqlite3_close(h);
      json r;
      r["build_wall_s"] = std::chrono::duration<double>(Clock::now() - t0).count();
      r["build_cpu_s"] = CpuSeconds() - c0;
      r["index_mib"] = DiskMiB(db);
      return r;
    });

    all["fts5_open"] = InChild("fts5 open", work + "/fts5_open.json", [&] {
      const auto t0 = Clock::now();
      const double c0 = CpuSeconds();
      sqlite3* h = nullptr;
      Check(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK,
            "sqlite opens");
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(h, "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs)", -1, &st,
                         nullptr);
      // The row number is in the known document's name (a few news texts contain the same
      // number, so it is looked for among all the matches).
      const std::string m = "\"" + std::to_string(known) + "\"";
      sqlite3_bind_text(st, 1, m.c_str(), -1, SQLITE_TRANSIENT);
      bool found = false;
      while (sqlite3_step(st) == SQLITE_ROW) {
        found |= std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) ==
                 "org:" + std::to_string(known);
      }
      Check(found, "fts5 finds the known document");
      sqlite3_finalize(st);
      sqlite3_close(h);
      json r;
      r["open_and_first_query_wall_s"] = std::chrono::duration<double>(Clock::now() - t0).count();
      r["open_and_first_query_cpu_s"] = CpuSeconds() - c0;
      return r;
    });
    std::cout << all.dump(2) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "search_startup: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
