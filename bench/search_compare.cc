// search_compare: stio vs SQLite FTS5 vs Xapian on one BEIR collection, side by side.
//
// Each engine runs in its own forked process (so peak memory, VmHWM, is its own): it loads the
// corpus and builds its index on disk (one engine at a time), then answers every query of both
// query files on one thread, --passes times (default 3), and a query's time is the median of its
// passes (latency p50/p99 over queries, wall clock and the thread's CPU time). The passes are
// interleaved across the engines (every engine's pass 1, then every engine's pass 2, ...), so a
// noisy minute on a shared machine is shared too. Then each answers them on two threads
// (throughput), and its first pass's top-10 lists are scored against the qrels (MRR@10). Build time
// is reported as wall clock and as the process's CPU time; on a shared machine the CPU times are
// the comparable ones. stio builds with Index::UpsertMany on two threads ("stio": analysis runs
// ahead on a second thread, so its CPU time is the sum of both) and on one ("stio-1t", everything
// on the calling thread); FTS5 and Xapian build on one thread (neither can split one index's
// build). A run whose MRR@10 is zero or where most queries return nothing is flagged as suspect:
// benchmarks check their own results before reporting times.
//
// usage: search_compare --corpus C.jsonl.gz --queries Q.jsonl --queries-nodiac QN.jsonl
//                       --qrels qrels.tsv --work DIR [--engines stio,stio-1t,fts5,xapian]
//                       [--build-only 1]   (the build columns only: no queries)
//                       [--build-runs N]   (build N times, report the median: for A/B runs)
//                       [--passes N]       (latency passes per engine, default 3)
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "search/index.h"
#include "text/analyzer.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Doc {
  std::string id, title, text;
};
struct Q {
  std::string id, text;
};

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::string line;
  char buf[65536];
  while (gzgets(f, buf, sizeof buf)) {
    line += buf;
    if (line.back() == '\n') {
      line.pop_back();
      out.push_back(std::move(line));
      line.clear();
    }
  }
  if (!line.empty()) out.push_back(line);
  gzclose(f);
  return out;
}

std::vector<Doc> LoadCorpus(const std::string& path) {
  std::vector<Doc> docs;
  for (const std::string& l : ReadLines(path)) {
    json j = json::parse(l);
    docs.push_back({j["_id"].get<std::string>(), j.value("title", ""), j.value("text", "")});
  }
  return docs;
}

std::vector<Q> LoadQueries(const std::string& path) {
  std::vector<Q> qs;
  for (const std::string& l : ReadLines(path)) {
    json j = json::parse(l);
    qs.push_back({j["_id"].get<std::string>(), j["text"].get<std::string>()});
  }
  return qs;
}

std::unordered_map<std::string, std::set<std::string>> LoadQrels(const std::string& path) {
  std::unordered_map<std::string, std::set<std::string>> q;
  auto lines = ReadLines(path);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::stringstream ss(lines[i]);
    std::string qid, did, score;
    std::getline(ss, qid, '\t');
    std::getline(ss, did, '\t');
    std::getline(ss, score);
    if (std::stod(score) > 0) q[qid].insert(did);
  }
  return q;
}

// CPU seconds (user + system) of this process / of the calling thread: on a shared machine they
// move much less with other people's load than wall-clock times do.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

long PeakRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

uintmax_t DiskBytes(const std::string& path) {
  uintmax_t n = 0;
  if (std::filesystem::is_regular_file(path)) return std::filesystem::file_size(path);
  for (auto& e : std::filesystem::recursive_directory_iterator(path)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

// One engine: Build() then a searcher factory (one searcher per thread).
struct Engine {
  virtual ~Engine() = default;
  virtual void Build(const std::vector<Doc>& docs) = 0;
  // Frees what a previous Build holds (outside the timed part, before building again).
  virtual void Clear() {}
  // Returns a function answering a query with the top-10 document ids; one per thread.
  virtual std::function<std::vector<std::string>(const std::string&)> Searcher() = 0;
  virtual std::string Path() = 0;
};

struct StioEngine : Engine {
  std::string dir;
  size_t threads;  // for the build (Index::UpsertMany); queries always run on one thread
  std::unique_ptr<stio::search::Index> index;
  StioEngine(std::string d, size_t t) : dir(std::move(d)), threads(t) {}
  void Clear() override { index.reset(); }
  void Build(const std::vector<Doc>& docs) override {
    stio::search::IndexOptions o;
    std::ifstream sw("data/nlp-vi/stopwords_vi.txt");
    std::stringstream ss;
    ss << sw.rdbuf();
    o.stopwords = ss.str();
    index = std::move(stio::search::Index::Create(o)).value();
    // In batches of 4,096, as `stio ir index` and the registry search build (a batch holds copies
    // of its texts).
    std::vector<stio::search::Document> batch;
    for (size_t i = 0; i < docs.size(); ++i) {
      stio::search::Document& doc = batch.emplace_back();
      doc.id = docs[i].id;
      doc.fields = {{"title", docs[i].title}, {"body", docs[i].text}};
      if (batch.size() == 4096 || i + 1 == docs.size()) {
        if (!index->UpsertMany(batch, threads).ok()) throw std::runtime_error("upsert failed");
        batch.clear();
      }
    }
    if (!index->Save(dir).ok()) throw std::runtime_error("save failed");
  }
  std::function<std::vector<std::string>(const std::string&)> Searcher() override {
    return [this](const std::string& text) {
      stio::search::Query q;
      q.text = text;
      q.k = 10;
      q.mode = stio::search::MatchMode::kAny;
      q.suggest = false;
      std::vector<std::string> out;
      auto r = index->Search(q);
      if (r.ok()) {
        for (auto& h : r->hits) out.push_back(h.id);
      }
      return out;
    };
  }
  std::string Path() override { return dir; }
};

struct Fts5Engine : Engine {
  std::string path;
  explicit Fts5Engine(std::string p) : path(std::move(p)) {}
  static void Exec(sqlite3* db, const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string e = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error("sqlite: " + e);
    }
  }
  void Build(const std::vector<Doc>& docs) override {
    std::filesystem::remove(path);
    sqlite3* db;
    sqlite3_open(path.c_str(), &db);
    Exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
    Exec(db,
         "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
         "tokenize = 'unicode61 remove_diacritics 2')");
    Exec(db, "BEGIN");
    sqlite3_stmt* st;
    sqlite3_prepare_v2(db, "INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", -1, &st, nullptr);
    for (const Doc& d : docs) {
      sqlite3_bind_text(st, 1, d.id.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 2, d.title.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 3, d.text.c_str(), -1, SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_DONE) throw std::runtime_error("insert failed");
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    Exec(db, "COMMIT");
    Exec(db, "INSERT INTO docs(docs) VALUES('optimize')");
    sqlite3_close(db);
  }
  std::function<std::vector<std::string>(const std::string&)> Searcher() override {
    sqlite3* db;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    sqlite3_stmt* st;
    // Same title weight as stio (3:1); bm25() ranks best first when ordered ascending.
    sqlite3_prepare_v2(db,
                       "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, 3.0, 1.0) "
                       "LIMIT 10",
                       -1, &st, nullptr);
    auto holder = std::shared_ptr<sqlite3_stmt>(st, [db](sqlite3_stmt* s) {
      sqlite3_finalize(s);
      sqlite3_close(db);
    });
    return [holder](const std::string& text) {
      // Each token as a quoted string, OR-ed: a bag-of-words BM25 query like stio's kAny.
      std::string m;
      for (const auto& t : stio::text::Analyze(text)) {
        if (!m.empty()) m += " OR ";
        m += "\"" + t.exact + "\"";
      }
      std::vector<std::string> out;
      if (m.empty()) return out;
      sqlite3_stmt* s = holder.get();
      sqlite3_bind_text(s, 1, m.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(s) == SQLITE_ROW) {
        out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
      }
      sqlite3_reset(s);
      return out;
    };
  }
  std::string Path() override { return path; }
};

struct XapianEngine : Engine {
  std::string dir;
  explicit XapianEngine(std::string d) : dir(std::move(d)) {}
  void Build(const std::vector<Doc>& docs) override {
    std::filesystem::remove_all(dir);
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    db.begin_transaction(false);
    for (const Doc& d : docs) {
      Xapian::Document doc;
      tg.set_document(doc);
      tg.index_text(d.title, 3);  // title weight 3, as stio and FTS5 here
      tg.increase_termpos();
      tg.index_text(d.text);
      doc.set_data(d.id);
      db.add_document(doc);
    }
    db.commit_transaction();
    db.close();
  }
  std::function<std::vector<std::string>(const std::string&)> Searcher() override {
    auto db = std::make_shared<Xapian::Database>(dir);
    auto enquire = std::make_shared<Xapian::Enquire>(*db);
    auto qp = std::make_shared<Xapian::QueryParser>();
    qp->set_database(*db);
    qp->set_default_op(Xapian::Query::OP_OR);
    return [db, enquire, qp](const std::string& text) {
      std::vector<std::string> out;
      try {
        enquire->set_query(qp->parse_query(text, 0));
        Xapian::MSet m = enquire->get_mset(0, 10);
        for (auto it = m.begin(); it != m.end(); ++it) out.push_back(it.get_document().get_data());
      } catch (const Xapian::Error&) {
      }
      return out;
    };
  }
  std::string Path() override { return dir; }
};

double Mrr(const std::vector<Q>& qs, const std::vector<std::vector<std::string>>& res,
           const std::unordered_map<std::string, std::set<std::string>>& qrels) {
  double s = 0;
  for (size_t i = 0; i < qs.size(); ++i) {
    auto it = qrels.find(qs[i].id);
    if (it == qrels.end()) continue;
    for (size_t r = 0; r < res[i].size() && r < 10; ++r) {
      if (it->second.count(res[i][r])) {
        s += 1.0 / (r + 1);
        break;
      }
    }
  }
  return s / qs.size();
}

// One engine's run, in its own process: Build, then latency passes (the parent interleaves them
// with the other engines' passes), then Throughput, then Finish.
class EngineRun {
 public:
  EngineRun(Engine& e, const std::vector<Q>& qd, const std::vector<Q>& qn,
            const std::unordered_map<std::string, std::set<std::string>>& qrels)
      : e_(e), qd_(qd), qn_(qn), qrels_(qrels) {}

  void Build(const std::string& corpus, int build_runs) {
    std::vector<Doc> docs = LoadCorpus(corpus);
    rss_loaded_ = PeakRssKb();
    // With build_runs > 1 the index is built that many times (each replaces the last) and the
    // median run is reported, each run's times listed; memory is the peak over all runs.
    std::vector<std::pair<double, double>> runs;  // wall, CPU
    for (int i = 0; i < build_runs; ++i) {
      e_.Clear();
      auto t0 = Clock::now();
      const double cpu0 = ProcessCpuSeconds();
      e_.Build(docs);
      runs.emplace_back(std::chrono::duration<double>(Clock::now() - t0).count(),
                        ProcessCpuSeconds() - cpu0);
    }
    if (build_runs > 1) {
      r_["build_s_runs"] = json::array();
      r_["build_cpu_s_runs"] = json::array();
      for (auto [wall, cpu] : runs)
        r_["build_s_runs"].push_back(wall), r_["build_cpu_s_runs"].push_back(cpu);
    }
    std::sort(runs.begin(), runs.end());
    r_["build_s"] = runs[runs.size() / 2].first;
    r_["build_cpu_s"] = runs[runs.size() / 2].second;
    r_["peak_rss_mb_build"] = (PeakRssKb() - rss_loaded_) / 1024.0;
    r_["index_mb"] = DiskBytes(e_.Path()) / 1048576.0;
  }

  // Answers every query of both files once on this thread, timing each; the first pass's top-10
  // lists are the ones scored.
  void LatencyPass() {
    if (!search_) search_ = e_.Searcher();
    const size_t n = qd_.size() + qn_.size();
    wall_.resize(n);
    cpu_.resize(n);
    const bool first = res_.empty();
    for (size_t i = 0; i < n; ++i) {
      const Q& q = i < qd_.size() ? qd_[i] : qn_[i - qd_.size()];
      auto a = Clock::now();
      const double c = ThreadCpuMs();
      std::vector<std::string> top = search_(q.text);
      cpu_[i].push_back(ThreadCpuMs() - c);
      wall_[i].push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
      if (first) res_.push_back(std::move(top));
    }
  }

  // Both query files, split over two threads, each with its own searcher.
  void Throughput() {
    std::vector<const Q*> all;
    for (const Q& q : qd_) all.push_back(&q);
    for (const Q& q : qn_) all.push_back(&q);
    std::atomic<size_t> next{0};
    auto t1 = Clock::now();
    std::vector<std::thread> th;
    for (int t = 0; t < 2; ++t) {
      th.emplace_back([&, s = e_.Searcher()]() mutable {
        for (size_t i; (i = next++) < all.size();) (void)s(all[i]->text);
      });
    }
    for (auto& t : th) t.join();
    r_["qps_2_threads"] = all.size() / std::chrono::duration<double>(Clock::now() - t1).count();
  }

  json Finish() {
    if (!res_.empty()) {
      // A query's time is the median of its passes; p50/p99 are over queries.
      const size_t passes = wall_[0].size();
      r_["latency_passes"] = passes;
      std::vector<double> lat, cpu, half_cpu[2];
      for (size_t i = 0; i < wall_.size(); ++i) {
        lat.push_back(Median(wall_[i]));
        cpu.push_back(Median(cpu_[i]));
        half_cpu[i < qd_.size() ? 0 : 1].push_back(cpu.back());
      }
      for (int h = 0; h < 2; ++h) {
        const std::vector<Q>& qs = h == 0 ? qd_ : qn_;
        const std::vector<std::vector<std::string>> res(
            res_.begin() + (h == 0 ? 0 : static_cast<std::ptrdiff_t>(qd_.size())),
            res_.begin() + static_cast<std::ptrdiff_t>(h == 0 ? qd_.size() : res_.size()));
        size_t empty = 0;
        for (const auto& r : res) empty += r.empty();
        const double mrr = Mrr(qs, res, qrels_);
        r_[h == 0 ? "mrr10_diacritics" : "mrr10_no_diacritics"] = mrr;
        r_[h == 0 ? "empty_diacritics" : "empty_no_diacritics"] = empty;
        // The median of each query set too: the two halves can differ widely (an engine that
        // does not fold finds little for queries typed without marks, and finds it fast).
        r_[h == 0 ? "p50_cpu_ms_diacritics" : "p50_cpu_ms_no_diacritics"] = Median(half_cpu[h]);
        if (mrr == 0 || empty * 2 > qs.size()) r_["suspect"] = true;
      }
      std::sort(lat.begin(), lat.end());
      r_["p50_ms"] = lat[lat.size() / 2];
      r_["p99_ms"] = lat[lat.size() * 99 / 100];
      std::sort(cpu.begin(), cpu.end());
      r_["p50_cpu_ms"] = cpu[cpu.size() / 2];
      r_["p99_cpu_ms"] = cpu[cpu.size() * 99 / 100];
    }
    r_["peak_rss_mb"] = (PeakRssKb() - rss_loaded_) / 1024.0;
    return r_;
  }

 private:
  static double Median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  Engine& e_;
  const std::vector<Q>& qd_;
  const std::vector<Q>& qn_;
  const std::unordered_map<std::string, std::set<std::string>>& qrels_;
  json r_;
  long rss_loaded_ = 0;
  std::function<std::vector<std::string>(const std::string&)> search_;
  std::vector<std::vector<std::string>> res_;    // first pass, qd then qn
  std::vector<std::vector<double>> wall_, cpu_;  // per query, one entry per pass
};

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> a;
  for (int i = 1; i + 1 < argc; i += 2) a[argv[i]] = argv[i + 1];
  for (const char* k : {"--corpus", "--queries", "--queries-nodiac", "--qrels", "--work"}) {
    if (!a.count(k)) {
      std::cerr << "usage: search_compare --corpus C --queries Q --queries-nodiac QN --qrels R "
                   "--work DIR [--engines stio,stio-1t,fts5,xapian] [--build-only 1] "
                   "[--build-runs N] [--passes N]\n";
      return 2;
    }
  }
  const std::string engines = a.count("--engines") ? a["--engines"] : "stio,stio-1t,fts5,xapian";
  // Build columns only (no queries): the quick loop when working on the build.
  const bool build_only = a.count("--build-only") && a["--build-only"] == "1";
  // Builds per engine (the median is reported): to see a build change through the machine's noise.
  const int build_runs = a.count("--build-runs") ? std::max(1, std::stoi(a["--build-runs"])) : 1;
  // Latency passes over all the queries (each query's time is the median of its passes).
  const int passes = a.count("--passes") ? std::max(1, std::stoi(a["--passes"])) : 3;
  std::filesystem::create_directories(a["--work"]);
  const auto qd = LoadQueries(a["--queries"]);
  const auto qn = LoadQueries(a["--queries-nodiac"]);
  const auto qrels = LoadQrels(a["--qrels"]);
  // The engines run as forked children, one at a time, directed by this process over pipes: each
  // builds in turn (alone on the machine), then the latency passes go round the engines (pass p
  // of every engine before pass p + 1 of any, the order reversed every other pass), so that a
  // noisy minute on a shared machine falls on all of them, not on whichever ran then; then each
  // measures its throughput in turn.
  struct Child {
    std::string name;
    pid_t pid = -1;
    int cmd = -1, ack = -1;  // parent -> child, child -> parent
    bool ok = false;
  };
  std::vector<Child> children;
  signal(SIGPIPE, SIG_IGN);  // a command to a child that died fails instead of killing us
  std::stringstream es(engines);
  for (std::string name; std::getline(es, name, ',');) {
    Child c{name};
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0) throw std::runtime_error("pipe failed");
    c.pid = fork();
    if (c.pid == 0) {
      close(down[1]);
      close(up[0]);
      for (const Child& o : children) close(o.cmd), close(o.ack);
      try {
        std::unique_ptr<Engine> e;
        if (name == "stio") e = std::make_unique<StioEngine>(a["--work"] + "/stio", 2);
        if (name == "stio-1t") e = std::make_unique<StioEngine>(a["--work"] + "/stio-1t", 1);
        if (name == "fts5") e = std::make_unique<Fts5Engine>(a["--work"] + "/fts5.db");
        if (name == "xapian") e = std::make_unique<XapianEngine>(a["--work"] + "/xapian");
        if (!e) _exit(3);
        EngineRun run(*e, qd, qn, qrels);
        run.Build(a["--corpus"], build_runs);
        // Commands: 'L' one latency pass, 'T' throughput, 'F' finish (write the result, exit).
        for (char cmd = 'B';;) {
          if (write(up[1], &cmd, 1) != 1 || read(down[0], &cmd, 1) != 1) _exit(4);
          if (cmd == 'L') run.LatencyPass();
          if (cmd == 'T') run.Throughput();
          if (cmd == 'F') break;
        }
        std::ofstream(a["--work"] + "/" + name + ".result.json") << run.Finish().dump();
        _exit(0);
      } catch (const std::exception& ex) {
        std::cerr << name << ": " << ex.what() << "\n";
        _exit(1);
      } catch (const Xapian::Error& ex) {
        std::cerr << name << ": " << ex.get_description() << "\n";
        _exit(1);
      }
    }
    close(down[0]);
    close(up[1]);
    c.cmd = down[1];
    c.ack = up[0];
    char b = 0;
    c.ok = c.pid > 0 && read(c.ack, &b, 1) == 1 && b == 'B';  // built
    children.push_back(c);
  }
  // Sends a command and waits for the child to finish it (a child that dies is dropped).
  auto order = [](Child& c, char cmd) {
    if (!c.ok) return;
    char b = 0;
    c.ok = write(c.cmd, &cmd, 1) == 1 && (cmd == 'F' || read(c.ack, &b, 1) == 1);
  };
  if (!build_only) {
    for (int p = 0; p < passes; ++p) {
      for (size_t i = 0; i < children.size(); ++i) {
        order(children[p % 2 ? children.size() - 1 - i : i], 'L');
      }
    }
    for (Child& c : children) order(c, 'T');
  }
  json all;
  for (Child& c : children) {
    order(c, 'F');
    int status = 0;
    if (c.pid > 0) waitpid(c.pid, &status, 0);
    close(c.cmd);
    close(c.ack);
    if (!c.ok || c.pid <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::cerr << c.name << " failed\n";
      continue;
    }
    std::ifstream in(a["--work"] + "/" + c.name + ".result.json");
    all[c.name] = json::parse(in);
    std::cerr << c.name << ": " << all[c.name].dump() << "\n";
  }
  std::cout << all.dump(2) << "\n";
  return 0;
}
