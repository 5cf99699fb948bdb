// search_latency: stio's query CPU time on a saved index, and a check of its pruning.
//
//   search_latency --index DIR --queries FILE [--queries FILE ...] [--runs 3] [--k 10]
//                  [--suggest] [--check]
//
// Loads the index once (`stio ir index` writes it), then for each query file (BEIR JSON Lines,
// {"_id", "text"}) runs every query --runs times and prints p50 / mean / p90 / p99 over the
// queries of the per-query median CPU time of the calling thread (kAny, top k, no snippets;
// the suggestion only with --suggest). With --check, instead, each query is also run with a
// facet requested (which forces exhaustive scoring of every matching document) and the top k of
// the pruned search (MaxScore) is compared with it, id by id and score by score; differing
// queries are printed with both lists. Used for the before/after figures of docs/benchmarks.md
// (the side-by-side comparison with other engines is bench/search_compare).
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/index.h"

namespace {

using stio::search::Index;
using stio::search::MatchMode;
using stio::search::Query;

double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

bool ReadQueries(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "error: cannot open " << path << "\n";
    return false;
  }
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j["text"].is_string()) {
      std::cerr << "error: " << path << ":" << lineno << ": expected {\"_id\", \"text\"}\n";
      return false;
    }
    out.push_back(j["text"].get<std::string>());
  }
  return true;
}

int Usage() {
  std::cerr << "usage: search_latency --index DIR --queries FILE [--queries FILE ...] [--runs 3]"
               " [--k 10] [--suggest] [--check]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string index_dir;
  std::vector<std::string> files;
  int runs = 3;
  size_t k = 10;
  bool suggest = false, check = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--index" && has_value) {
      index_dir = argv[++i];
    } else if (a == "--queries" && has_value) {
      files.push_back(argv[++i]);
    } else if (a == "--runs" && has_value) {
      runs = std::atoi(argv[++i]);
    } else if (a == "--k" && has_value) {
      k = static_cast<size_t>(std::atol(argv[++i]));
    } else if (a == "--suggest") {
      suggest = true;
    } else if (a == "--check") {
      check = true;
    } else {
      return Usage();
    }
  }
  if (index_dir.empty() || files.empty() || runs < 1 || runs > 1000 || k < 1 || k > 10000) {
    return Usage();
  }
  auto loaded = Index::Load(index_dir);
  if (!loaded.ok()) {
    std::cerr << "error: " << loaded.status().ToString() << "\n";
    return 1;
  }
  const Index& index = **loaded;
  auto make_query = [&](const std::string& text) {
    Query q;
    q.text = text;
    q.k = k;
    q.mode = MatchMode::kAny;
    q.suggest = suggest;
    return q;
  };
  int status = 0;
  for (const std::string& path : files) {
    std::vector<std::string> qs;
    if (!ReadQueries(path, qs)) return 1;
    if (qs.empty()) {
      std::cerr << "error: " << path << ": no queries\n";
      return 1;
    }
    if (check) {
      size_t differ = 0, score_differ = 0;
      for (const std::string& text : qs) {
        Query q = make_query(text);
        auto pruned = index.Search(q);
        q.facets = {"\x1f"};  // any facet forces the exhaustive path
        auto full = index.Search(q);
        if (!pruned.ok() || !full.ok()) {
          std::cerr << "error: search failed for: " << text << "\n";
          return 1;
        }
        bool ids = pruned->hits.size() != full->hits.size(), scores = false;
        for (size_t i = 0; !ids && i < pruned->hits.size(); ++i) {
          ids = pruned->hits[i].id != full->hits[i].id;
          scores |= std::abs(pruned->hits[i].score - full->hits[i].score) > 1e-9;
        }
        differ += ids;
        score_differ += scores;
        if (!ids) continue;
        std::printf("differs: %s\n", text.c_str());
        for (size_t i = 0; i < std::max(pruned->hits.size(), full->hits.size()); ++i) {
          const bool p = i < pruned->hits.size(), f = i < full->hits.size();
          std::printf("  %2zu  %s %.9f | %s %.9f\n", i + 1, p ? pruned->hits[i].id.c_str() : "-",
                      p ? pruned->hits[i].score : 0.0, f ? full->hits[i].id.c_str() : "-",
                      f ? full->hits[i].score : 0.0);
        }
      }
      std::printf(
          "%s: %zu queries; top %zu differs from exhaustive scoring in ids for %zu, in "
          "scores for %zu\n",
          path.c_str(), qs.size(), k, differ, score_differ);
      if (score_differ) status = 1;
      continue;
    }
    std::vector<std::vector<double>> ms(qs.size());
    for (int r = 0; r < runs; ++r) {
      for (size_t i = 0; i < qs.size(); ++i) {
        const Query q = make_query(qs[i]);
        const double t0 = ThreadCpuMs();
        auto res = index.Search(q);
        ms[i].push_back(ThreadCpuMs() - t0);
        if (!res.ok()) {
          std::cerr << "error: search failed for: " << qs[i] << "\n";
          return 1;
        }
      }
    }
    std::vector<double> med;
    double sum = 0;
    for (auto& v : ms) {
      std::sort(v.begin(), v.end());
      med.push_back(v[v.size() / 2]);
      sum += med.back();
    }
    std::sort(med.begin(), med.end());
    auto pct = [&](double p) {
      return med[std::min(med.size() - 1,
                          static_cast<size_t>(p * static_cast<double>(med.size())))];
    };
    std::printf(
        "%s: %zu queries, CPU ms per query (median of %d runs): p50 %.4f mean %.4f p90 "
        "%.4f p99 %.4f\n",
        path.c_str(), qs.size(), runs, pct(0.5), sum / static_cast<double>(med.size()), pct(0.9),
        pct(0.99));
  }
  return status;
}
