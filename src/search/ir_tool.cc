#include "search/ir_tool.h"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>

#include "search/index.h"

namespace stio::search {
namespace {

constexpr const char* kIndexHelp =
    "usage: stio ir index --corpus FILE --out DIR [--stopwords FILE] [--title-weight W]\n"
    "  Indexes a BEIR corpus (JSON Lines {\"_id\",\"title\",\"text\"}, plain or .gz) into DIR.\n"
    "  --stopwords defaults to data/nlp-vi/stopwords_vi.txt when that file exists.\n";
constexpr const char* kRunHelp =
    "usage: stio ir run --index DIR --queries FILE --out RUN [--k 100] [--mode any|all] "
    "[--tag NAME]\n"
    "  Runs BEIR queries (JSON Lines {\"_id\",\"text\"}) and writes a TREC run file\n"
    "  (qid Q0 docid rank score tag). --mode any (default) ranks every document sharing a word.\n"
    "  Ranking knobs (see search::RankingTuning): --folded-weight W --pair-weight W\n"
    "  --stopword-weight W.\n";
constexpr const char* kEvalHelp =
    "usage: stio ir eval --qrels FILE --run RUN\n"
    "  Scores a TREC run against BEIR qrels (TSV query-id, corpus-id, score; header line).\n"
    "  Prints MRR@10, nDCG@10 and Recall@100 averaged over the queries in the qrels.\n";
constexpr const char* kHelp =
    "usage: stio ir <index|run|eval> [options]   (stio ir <command> --help for details)\n";

// Reads lines from a plain or gzip file (zlib reads plain files transparently).
class LineReader {
 public:
  explicit LineReader(const std::string& path) : f_(gzopen(path.c_str(), "rb")) {}
  ~LineReader() {
    if (f_) gzclose(f_);
  }
  bool ok() const { return f_ != nullptr; }
  bool Next(std::string& line) {
    line.clear();
    char buf[65536];
    while (gzgets(f_, buf, sizeof buf)) {
      line += buf;
      if (!line.empty() && line.back() == '\n') {
        line.pop_back();
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
    }
    return !line.empty();
  }
  bool failed() {
    int errnum = 0;
    gzerror(f_, &errnum);
    return errnum != Z_OK && errnum != Z_STREAM_END;
  }

 private:
  gzFile f_;
};

struct Args {
  std::map<std::string, std::string> kv;
  bool help = false;
  std::string error;
};

Args ParseArgs(const std::vector<std::string>& args, size_t from,
               const std::set<std::string>& known) {
  Args a;
  for (size_t i = from; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s == "--help" || s == "-h") {
      a.help = true;
    } else if (known.count(s)) {
      if (i + 1 >= args.size()) {
        a.error = s + " needs a value";
        return a;
      }
      a.kv[s] = args[++i];
    } else {
      a.error = "unknown argument " + s;
      return a;
    }
  }
  return a;
}

std::string IdOf(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return std::to_string(j.get<int64_t>());
  return {};
}

int IndexCmd(const Args& a, std::ostream& out, std::ostream& err) {
  if (!a.kv.count("--corpus") || !a.kv.count("--out")) {
    err << kIndexHelp;
    return 2;
  }
  IndexOptions options;
  if (a.kv.count("--title-weight")) {
    try {
      options.fields[0].weight = std::stof(a.kv.at("--title-weight"));
    } catch (const std::exception&) {
      err << "error: --title-weight must be a number\n";
      return 2;
    }
  }
  std::string sw_path =
      a.kv.count("--stopwords") ? a.kv.at("--stopwords") : "data/nlp-vi/stopwords_vi.txt";
  {
    std::ifstream sw(sw_path, std::ios::binary);
    if (sw) {
      std::stringstream ss;
      ss << sw.rdbuf();
      options.stopwords = ss.str();
    } else if (a.kv.count("--stopwords")) {
      err << "error: cannot read stopwords " << sw_path << "\n";
      return 1;
    }
  }
  auto created = Index::Create(options);
  if (!created.ok()) {
    err << "error: " << created.status().ToString() << "\n";
    return 1;
  }
  std::unique_ptr<Index> index = std::move(created).value();
  const std::string& path = a.kv.at("--corpus");
  LineReader reader(path);
  if (!reader.ok()) {
    err << "error: cannot open " << path << "\n";
    return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::string line;
  size_t lineno = 0, docs = 0;
  // Documents go to the index in batches, analysed on a second thread (UpsertMany).
  std::vector<Document> batch;
  auto flush = [&]() -> bool {
    if (Status s = index->UpsertMany(batch); !s.ok()) {
      err << "error: " << path << ": up to line " << lineno << ": " << s.ToString() << "\n";
      return false;
    }
    docs += batch.size();
    batch.clear();
    return true;
  };
  while (reader.Next(line)) {
    ++lineno;
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      err << "error: " << path << ":" << lineno << ": not a JSON object\n";
      return 1;
    }
    Document doc;
    doc.id = j.contains("_id") ? IdOf(j["_id"]) : std::string();
    if (doc.id.empty()) {
      err << "error: " << path << ":" << lineno << ": missing or empty \"_id\"\n";
      return 1;
    }
    for (const char* key : {"title", "text"}) {
      if (!j.contains(key) || j[key].is_null()) continue;
      if (!j[key].is_string()) {
        err << "error: " << path << ":" << lineno << ": \"" << key << "\" is not a string\n";
        return 1;
      }
      doc.fields.emplace_back(key == std::string("title") ? "title" : "body",
                              j[key].get<std::string>());
    }
    batch.push_back(std::move(doc));
    if (batch.size() == 8192 && !flush()) return 1;
  }
  if (!flush()) return 1;
  if (reader.failed()) {
    err << "error: " << path << ": read error after line " << lineno << "\n";
    return 1;
  }
  const auto t1 = std::chrono::steady_clock::now();
  if (Status s = index->Save(a.kv.at("--out")); !s.ok()) {
    err << "error: " << s.ToString() << "\n";
    return 1;
  }
  const auto t2 = std::chrono::steady_clock::now();
  out << "indexed " << docs << " documents in " << std::chrono::duration<double>(t1 - t0).count()
      << " s; saved in " << std::chrono::duration<double>(t2 - t1).count() << " s to "
      << a.kv.at("--out") << "\n";
  return 0;
}

int RunCmd(const Args& a, std::ostream& out, std::ostream& err) {
  if (!a.kv.count("--index") || !a.kv.count("--queries") || !a.kv.count("--out")) {
    err << kRunHelp;
    return 2;
  }
  size_t k = 100;
  if (a.kv.count("--k")) {
    try {
      k = std::stoul(a.kv.at("--k"));
    } catch (const std::exception&) {
      err << "error: --k must be a positive integer\n";
      return 2;
    }
  }
  MatchMode mode = MatchMode::kAny;
  if (a.kv.count("--mode")) {
    const std::string& m = a.kv.at("--mode");
    if (m == "all") {
      mode = MatchMode::kAll;
    } else if (m != "any") {
      err << "error: --mode must be any or all\n";
      return 2;
    }
  }
  const std::string tag = a.kv.count("--tag") ? a.kv.at("--tag") : "stio";
  RankingTuning ranking;
  try {
    if (a.kv.count("--folded-weight"))
      ranking.folded_weight = std::stod(a.kv.at("--folded-weight"));
    if (a.kv.count("--pair-weight")) ranking.pair_weight = std::stod(a.kv.at("--pair-weight"));
    if (a.kv.count("--stopword-weight")) {
      ranking.stopword_weight = std::stod(a.kv.at("--stopword-weight"));
    }
  } catch (const std::exception&) {
    err << "error: weights must be numbers\n";
    return 2;
  }
  auto loaded = Index::Load(a.kv.at("--index"));
  if (!loaded.ok()) {
    err << "error: " << loaded.status().ToString() << "\n";
    return 1;
  }
  const std::string& qpath = a.kv.at("--queries");
  LineReader reader(qpath);
  if (!reader.ok()) {
    err << "error: cannot open " << qpath << "\n";
    return 1;
  }
  std::ofstream run(a.kv.at("--out"), std::ios::trunc);
  if (!run) {
    err << "error: cannot write " << a.kv.at("--out") << "\n";
    return 1;
  }
  std::string line;
  size_t lineno = 0, queries = 0;
  std::vector<double> ms;
  while (reader.Next(line)) {
    ++lineno;
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("_id") || !j.contains("text") ||
        !j["text"].is_string() || IdOf(j["_id"]).empty()) {
      err << "error: " << qpath << ":" << lineno << ": expected {\"_id\", \"text\"}\n";
      return 1;
    }
    Query q;
    q.text = j["text"].get<std::string>();
    q.k = k;
    q.mode = mode;
    q.suggest = false;
    q.ranking = ranking;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = (*loaded)->Search(q);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!r.ok()) {
      err << "warning: " << qpath << ":" << lineno << ": " << r.status().ToString() << "\n";
      continue;
    }
    const std::string qid = IdOf(j["_id"]);
    for (size_t i = 0; i < r->hits.size(); ++i) {
      run << qid << " Q0 " << r->hits[i].id << " " << (i + 1) << " " << r->hits[i].score << " "
          << tag << "\n";
    }
    ++queries;
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
  };
  out << "ran " << queries << " queries; latency ms p50 " << pct(0.5) << " p99 " << pct(0.99)
      << "\n";
  return 0;
}

int EvalCmd(const Args& a, std::ostream& out, std::ostream& err) {
  if (!a.kv.count("--qrels") || !a.kv.count("--run")) {
    err << kEvalHelp;
    return 2;
  }
  // qrels: query → doc → grade
  std::unordered_map<std::string, std::unordered_map<std::string, double>> qrels;
  {
    const std::string& path = a.kv.at("--qrels");
    LineReader reader(path);
    if (!reader.ok()) {
      err << "error: cannot open " << path << "\n";
      return 1;
    }
    std::string line;
    size_t lineno = 0;
    while (reader.Next(line)) {
      ++lineno;
      if (lineno == 1 || line.empty()) continue;  // header
      std::stringstream ss(line);
      std::string q, d, g;
      if (!std::getline(ss, q, '\t') || !std::getline(ss, d, '\t') || !std::getline(ss, g)) {
        err << "error: " << path << ":" << lineno
            << ": expected query-id<TAB>corpus-id<TAB>score\n";
        return 1;
      }
      try {
        qrels[q][d] = std::stod(g);
      } catch (const std::exception&) {
        err << "error: " << path << ":" << lineno << ": score is not a number\n";
        return 1;
      }
    }
  }
  std::unordered_map<std::string, std::vector<std::pair<int, std::string>>> run;
  {
    const std::string& path = a.kv.at("--run");
    std::ifstream in(path);
    if (!in) {
      err << "error: cannot open " << path << "\n";
      return 1;
    }
    std::string line;
    size_t lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      if (line.empty()) continue;
      // Fields are space-separated; a document id may itself contain spaces (VNTC ids do), so
      // take qid and Q0 from the left and rank, score, tag from the right.
      std::vector<std::string> f;
      std::stringstream ss(line);
      for (std::string w; ss >> w;) f.push_back(w);
      int rank = 0;
      try {
        if (f.size() < 6) throw std::invalid_argument("fields");
        rank = std::stoi(f[f.size() - 3]);
      } catch (const std::exception&) {
        err << "error: " << path << ":" << lineno << ": expected qid Q0 docid rank score tag\n";
        return 1;
      }
      std::string d = f[2];
      for (size_t i = 3; i + 3 < f.size(); ++i) d += " " + f[i];
      run[f[0]].emplace_back(rank, d);
    }
  }
  double mrr = 0, ndcg = 0, recall = 0;
  size_t n = 0;
  for (const auto& [q, rels] : qrels) {
    size_t num_rel = 0;
    std::vector<double> ideal;
    for (const auto& [d, g] : rels) {
      if (g > 0) ++num_rel, ideal.push_back(g);
    }
    if (num_rel == 0) continue;
    ++n;
    auto it = run.find(q);
    if (it == run.end()) continue;
    auto ranked = it->second;
    std::sort(ranked.begin(), ranked.end());
    double dcg = 0, idcg = 0;
    size_t found100 = 0;
    bool first = true;
    for (size_t i = 0; i < ranked.size() && i < 100; ++i) {
      auto g = rels.find(ranked[i].second);
      const double gain = g == rels.end() ? 0 : g->second;
      if (gain > 0) {
        ++found100;
        if (i < 10 && first) mrr += 1.0 / (i + 1);
        first = false;
        if (i < 10) dcg += gain / std::log2(i + 2.0);
      }
    }
    std::sort(ideal.rbegin(), ideal.rend());
    for (size_t i = 0; i < ideal.size() && i < 10; ++i) idcg += ideal[i] / std::log2(i + 2.0);
    ndcg += idcg > 0 ? dcg / idcg : 0;
    recall += static_cast<double>(found100) / num_rel;
  }
  if (n == 0) {
    err << "error: the qrels hold no relevant judgements\n";
    return 1;
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "queries\t%zu\nMRR@10\t%.4f\nnDCG@10\t%.4f\nRecall@100\t%.4f\n", n,
                mrr / n, ndcg / n, recall / n);
  out << buf;
  return 0;
}

}  // namespace

int RunIrCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << kHelp;
    return args.empty() ? 2 : 0;
  }
  const std::string& cmd = args[0];
  struct Spec {
    const char* help;
    std::set<std::string> known;
    int (*fn)(const Args&, std::ostream&, std::ostream&);
  };
  const std::map<std::string, Spec> specs = {
      {"index", {kIndexHelp, {"--corpus", "--out", "--stopwords", "--title-weight"}, &IndexCmd}},
      {"run",
       {kRunHelp,
        {"--index", "--queries", "--out", "--k", "--mode", "--tag", "--folded-weight",
         "--pair-weight", "--stopword-weight"},
        &RunCmd}},
      {"eval", {kEvalHelp, {"--qrels", "--run"}, &EvalCmd}},
  };
  auto it = specs.find(cmd);
  if (it == specs.end()) {
    err << "error: unknown command " << cmd << "\n" << kHelp;
    return 2;
  }
  Args a = ParseArgs(args, 1, it->second.known);
  if (a.help) {
    out << it->second.help;
    return 0;
  }
  if (!a.error.empty()) {
    err << "error: " << a.error << "\n" << it->second.help;
    return 2;
  }
  try {
    return it->second.fn(a, out, err);
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace stio::search
