#include "analytics/index_tool.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>

#include "analytics/data_io.h"
#include "analytics/merge.h"
#include "analytics/simulate.h"
#include "core/strings.h"

namespace stio::analytics {
namespace {

constexpr const char* kHelp =
    "usage: stio index <compute|whatif|robustness> [options]   (stio index <command> --help)\n"
    "  compute     scores and ranks of every unit at every level, with what was left out\n"
    "  whatif      change a unit's values and see its new scores and rank; --gain N plans\n"
    "              the cheapest changes to gain N places\n"
    "  robustness  Monte Carlo rank intervals over weights and methods; indicator sensitivity\n"
    "Files: --framework F.json (data/frameworks/README.md); --values V.csv with columns\n"
    "  unit_code,indicator_code,year,value,source (one value per unit, indicator and year).\n";
constexpr const char* kComputeHelp =
    "usage: stio index compute --framework F --values V.csv [--edition Y]\n"
    "         [--out FILE.csv|FILE.json] [--normalisation minmax|zscore|rank|"
    "distance_to_reference]\n"
    "         [--reference-unit U] [--aggregation arithmetic|geometric|sum] [--pooled]\n"
    "         [--relative-to UNIT|mean [--reference-year Y]] [--unit CODE [--format json]]\n"
    "  Prints the ranking, or writes every score, rank and note to FILE (by extension).\n"
    "  --relative-to adds 100 * score / the reference unit's (or the mean) score in the\n"
    "  reference year; --unit prints that unit's profile (every level, strengths, weaknesses).\n"
    "  --edition defaults to the latest year in V.csv; --edition all computes every year (the\n"
    "  history; JSON output is then an array); --pooled takes min/max over all years.\n"
    "  --merge-map MAP.csv [--merge-before 2025] re-expresses older rows on a new map of units\n"
    "  (MAP: code,new_code_2025 as data/admin-units/provinces_pre2025.csv; all commands).\n";
constexpr const char* kWhatIfHelp =
    "usage: stio index whatif --framework F --values V.csv --unit CODE\n"
    "         [--set INDICATOR=VALUE ...] [--gain N] [--edition Y] [--format text|json]\n"
    "  Recomputes with the unit's raw values changed (VALUE 'none' removes a value) and prints\n"
    "  the scores and ranks before and after. --gain N lists the cheapest changes (greedy;\n"
    "  cost = relative change of the raw value) that lift the unit N places.\n";
constexpr const char* kRobustnessHelp =
    "usage: stio index robustness --framework F --values V.csv [--edition Y] [--runs 1000]\n"
    "         [--seed 1] [--spread 0.25] [--aggregations arithmetic,geometric]\n"
    "         [--normalisations minmax[,rank,zscore]] [--format text|json]\n"
    "  Monte Carlo over weights (each x U[1-spread, 1+spread]), aggregation and normalisation\n"
    "  (each run picks one of the listed choices): each unit's nominal rank, median rank and\n"
    "  5-95% interval; the first-order share of rank variance due to each choice and weight;\n"
    "  then the mean and largest rank shift when each indicator is left out.\n"
    "  Same seed, same output.\n";

struct Args {
  std::map<std::string, std::string> opts;
  std::vector<std::string> sets;
  bool help = false;
  bool pooled = false;
};

Result<Args> ParseArgs(const std::vector<std::string>& args, size_t start) {
  static const std::vector<std::string> kValued = {
      "--framework",      "--values",      "--edition",        "--out",
      "--normalisation",  "--aggregation", "--unit",           "--set",
      "--gain",           "--runs",        "--seed",           "--spread",
      "--reference-unit", "--relative-to", "--reference-year", "--merge-map",
      "--merge-before",   "--format",      "--aggregations",   "--normalisations"};
  Args a;
  for (size_t i = start; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s == "--help" || s == "-h") {
      a.help = true;
      continue;
    }
    if (s == "--pooled") {
      a.pooled = true;
      continue;
    }
    if (std::find(kValued.begin(), kValued.end(), s) == kValued.end()) {
      return Status::InvalidArgument("unknown option " + s);
    }
    if (i + 1 >= args.size()) return Status::InvalidArgument(s + " needs a value");
    const std::string& v = args[++i];
    if (s == "--set") {
      a.sets.push_back(v);
    } else {
      a.opts[s.substr(2)] = v;
    }
  }
  return a;
}

struct Loaded {
  std::vector<std::string> merge_report;
  bool all_editions = false;  // --edition all (compute only)
  Framework fw;
  PreparedData data;
  int edition = 0;
  MethodOptions opts;
};

// Loads framework and values; `usage` is set for errors that are the caller's usage.
Result<Loaded> Load(const Args& a, bool& usage) {
  usage = true;
  if (!a.opts.count("framework")) return Status::InvalidArgument("--framework is required");
  if (!a.opts.count("values")) return Status::InvalidArgument("--values is required");
  usage = false;
  Loaded l;
  STIO_ASSIGN_OR_RETURN(l.fw, LoadFramework(a.opts.at("framework")));
  STIO_ASSIGN_OR_RETURN(Dataset d, LoadValuesCsv(l.fw, a.opts.at("values")));
  if (auto mm = a.opts.find("merge-map"); mm != a.opts.end()) {
    int before = 0;
    if (auto mb = a.opts.find("merge-before"); mb != a.opts.end()) {
      auto y = ParseInt(mb->second);
      if (!y) return Status::InvalidArgument("--merge-before is not a year");
      before = static_cast<int>(*y);
    }
    STIO_ASSIGN_OR_RETURN(std::string text, ReadFile(mm->second));
    auto mapping = ParseUnitMapping(text);
    if (!mapping.ok()) return mapping.status().WithContext(mm->second);
    auto merged = MergeUnits(l.fw, d, *mapping, before);
    if (!merged.ok()) return merged.status().WithContext(a.opts.at("values"));
    d = std::move(merged->data);
    l.merge_report = std::move(merged->report);
  }
  STIO_ASSIGN_OR_RETURN(l.data, Prepare(l.fw, d));
  if (l.data.editions().empty()) {
    return Status::InvalidArgument(a.opts.at("values") + ": no values");
  }
  l.edition = l.data.editions().back();
  l.opts = l.fw.method;
  usage = true;
  if (auto it = a.opts.find("edition"); it != a.opts.end() && it->second == "all") {
    l.all_editions = true;
  } else if (it != a.opts.end()) {
    auto y = ParseInt(it->second);
    if (!y) return Status::InvalidArgument("--edition \"" + it->second + "\" is not a year");
    l.edition = static_cast<int>(*y);
    if (!l.data.HasEdition(l.edition)) {
      usage = false;
      return Status::NotFound("no values for edition " + it->second + " in " + a.opts.at("values"));
    }
  }
  if (auto it = a.opts.find("normalisation"); it != a.opts.end()) {
    STIO_ASSIGN_OR_RETURN(l.opts.normalisation, ParseNormalisation(it->second));
  }
  if (auto it = a.opts.find("aggregation"); it != a.opts.end()) {
    STIO_ASSIGN_OR_RETURN(l.opts.aggregation, ParseAggregation(it->second));
  }
  if (auto it = a.opts.find("reference-unit"); it != a.opts.end()) {
    l.opts.reference_unit = it->second;
  }
  if (a.pooled) l.opts.pooled_minmax = true;
  usage = false;
  return l;
}

std::string Fx(double v, int decimals) {
  if (!HasValue(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
std::string F2(double v) { return Fx(v, 2); }
// Decimals for scores: the framework's rank rounding (3 for the HDI), at least 2.
int Dec(const Framework& fw) { return std::max(2, fw.method.rank_decimals); }

std::string RankStr(int r) { return r ? std::to_string(r) : "-"; }

// Children of the root (sub-indices), for the summary tables.
std::vector<std::string> TopNodes(const Framework& fw) {
  std::vector<std::string> out;
  for (int k : fw.children.at(fw.root)) out.push_back(fw.nodes[k].code);
  return out;
}

void PrintRanking(const Framework& fw, const IndexResult& r, const std::vector<double>* relative,
                  std::ostream& out) {
  std::vector<size_t> order(r.units.size());
  std::iota(order.begin(), order.end(), 0);
  const auto& rk = r.ranks.at(fw.root);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    int ra = rk[a] ? rk[a] : 1 << 30, rb = rk[b] ? rk[b] : 1 << 30;
    return ra < rb;
  });
  auto top = TopNodes(fw);
  out << "edition " << r.edition << " of " << fw.code << "\nrank\tunit\t" << fw.root;
  for (const auto& t : top) out << "\t" << t;
  if (!r.efficiency.empty()) out << "\tefficiency";
  if (relative) out << "\trelative";
  out << "\n";
  for (size_t u : order) {
    out << RankStr(rk[u]) << "\t" << r.units[u] << "\t" << Fx(r.scores.at(fw.root)[u], Dec(fw));
    for (const auto& t : top) out << "\t" << Fx(r.scores.at(t)[u], Dec(fw));
    if (!r.efficiency.empty()) out << "\t" << F2(r.efficiency[u]);
    if (relative) out << "\t" << F2((*relative)[u]);
    if (!r.included[u]) out << "\t(excluded: coverage)";
    out << "\n";
  }
  std::map<std::string_view, int> counts;
  for (const Note& n : r.notes) ++counts[NoteKindName(n.kind)];
  if (!counts.empty()) {
    out << "notes:";
    for (const auto& [k, c] : counts) out << " " << k << "=" << c;
    out << " (write --out FILE for the details)\n";
  }
}

// Scores and ranks of one unit at every node, then its strengths and weaknesses.
void PrintProfile(const Framework& fw, const IndexResult& r, const std::string& unit,
                  std::ostream& out) {
  out << "profile of " << unit << ", " << fw.code << " edition " << r.edition
      << "\nlevel\tcode\tscore\trank\tname\n";
  for (auto it = fw.post_order.rbegin(); it != fw.post_order.rend(); ++it) {
    const Node& n = fw.nodes[*it];
    if (n.placeholder) continue;
    out << n.level << "\t" << n.code << "\t" << Fx(r.Score(n.code, unit), Dec(fw)) << "\t"
        << RankStr(r.Rank(n.code, unit)) << "\t" << n.name << "\n";
  }
  for (int i : fw.Indicators()) {
    const Node& n = fw.nodes[i];
    out << "indicator\t" << n.code << "\t" << Fx(r.Score(n.code, unit), Dec(fw)) << "\t"
        << RankStr(r.Rank(n.code, unit)) << "\t" << n.name << "\n";
  }
  int units = 0;
  for (bool inc : r.included) units += inc;
  Profile p = StrengthsAndWeaknesses(fw, r, unit, std::max(1, units / 5));
  out << "strengths (indicator rank at least " << std::max(1, units / 5)
      << " places above the overall rank):";
  for (const auto& s : p.strengths) out << " " << s.indicator << " (" << s.indicator_rank << ")";
  out << "\nweaknesses:";
  for (const auto& s : p.weaknesses) out << " " << s.indicator << " (" << s.indicator_rank << ")";
  out << "\n";
  for (const Note& n : r.notes) {
    if (n.unit == unit)
      out << "note: " << NoteKindName(n.kind) << " " << n.indicator << ": " << n.detail << "\n";
  }
}

// --format text (default) or json.
Result<bool> JsonFormat(const Args& a) {
  auto it = a.opts.find("format");
  if (it == a.opts.end() || it->second == "text") return false;
  if (it->second == "json") return true;
  return Status::InvalidArgument("--format must be text or json");
}

int Fail(std::ostream& err, const Status& s, bool usage) {
  err << "stio index: " << s.message() << "\n";
  return usage ? 2 : 1;
}

int Compute(const Args& a, std::ostream& out, std::ostream& err) {
  bool usage = false;
  auto l = Load(a, usage);
  if (!l.ok()) return Fail(err, l.status(), usage);
  for (const auto& line : l->merge_report) out << "merge: " << line << "\n";
  std::string path;
  bool json = false;
  if (auto it = a.opts.find("out"); it != a.opts.end()) {
    path = it->second;
    json = path.size() > 5 && path.substr(path.size() - 5) == ".json";
    bool csv = path.size() > 4 && path.substr(path.size() - 4) == ".csv";
    if (!json && !csv) {
      return Fail(err, Status::InvalidArgument("--out must end in .csv or .json"), true);
    }
  }
  auto format = JsonFormat(a);
  if (!format.ok()) return Fail(err, format.status(), true);
  const bool profile_json = *format;
  std::vector<int> editions = {l->edition};
  if (l->all_editions) editions = l->data.editions();
  std::string file_text;
  nlohmann::json file_json = nlohmann::json::array();
  size_t units_written = 0;
  for (int edition : editions) {
    auto r = analytics::Compute(l->fw, l->data, edition, l->opts);
    if (!r.ok())
      return Fail(err, r.status().WithContext("edition " + std::to_string(edition)), false);
    std::optional<std::vector<double>> relative;
    if (auto rt = a.opts.find("relative-to"); rt != a.opts.end()) {
      int ref_year = edition;
      if (auto yt = a.opts.find("reference-year"); yt != a.opts.end()) {
        auto y = ParseInt(yt->second);
        if (!y) return Fail(err, Status::InvalidArgument("--reference-year is not a year"), true);
        ref_year = static_cast<int>(*y);
      }
      auto ref = analytics::Compute(l->fw, l->data, ref_year, l->opts);
      if (!ref.ok()) return Fail(err, ref.status(), false);
      auto rel = RelativeScores(*r, *ref, l->fw.root, rt->second == "mean" ? "" : rt->second);
      if (!rel.ok()) return Fail(err, rel.status(), false);
      relative = std::move(*rel);
    }
    if (auto ut = a.opts.find("unit"); ut != a.opts.end()) {
      if (r->UnitIndex(ut->second) < 0) {
        if (l->all_editions) continue;  // not on the map of this edition
        return Fail(err, Status::InvalidArgument("unknown unit \"" + ut->second + "\""), false);
      }
      if (profile_json) {
        int included = 0;
        for (bool inc : r->included) included += inc;
        out << ProfileToJson(l->fw, *r, ut->second, std::max(1, included / 5), &l->data);
      } else {
        PrintProfile(l->fw, *r, ut->second, out);
      }
      continue;
    }
    if (path.empty()) {
      PrintRanking(l->fw, *r, relative ? &*relative : nullptr, out);
      continue;
    }
    units_written += r->units.size();
    if (json) {
      file_json.push_back(nlohmann::json::parse(ResultToJson(l->fw, *r)));
    } else {
      std::string csv = ResultToCsv(l->fw, *r);
      if (!file_text.empty()) csv = csv.substr(csv.find("\r\n") + 2);  // header once
      file_text += csv;
    }
  }
  if (path.empty() || a.opts.count("unit")) return 0;
  std::ofstream f(path, std::ios::binary);
  if (json) {
    f << (l->all_editions ? file_json.dump(2) + "\n" : file_json[0].dump(2) + "\n");
  } else {
    f << file_text;
  }
  f.close();
  if (!f) return Fail(err, Status::Unavailable("cannot write " + path), false);
  out << "wrote " << path << " (" << editions.size() << " edition(s), " << units_written
      << " unit rows)\n";
  return 0;
}

int WhatIfCmd(const Args& a, std::ostream& out, std::ostream& err) {
  bool usage = false;
  auto l = Load(a, usage);
  if (!l.ok()) return Fail(err, l.status(), usage);
  if (l->all_editions) {
    return Fail(err, Status::InvalidArgument("--edition all applies to compute only"), true);
  }
  auto uit = a.opts.find("unit");
  if (uit == a.opts.end()) return Fail(err, Status::InvalidArgument("--unit is required"), true);
  const std::string& unit = uit->second;
  if (!l->data.HasUnit(unit)) {
    return Fail(err, Status::InvalidArgument("unknown unit \"" + unit + "\""), false);
  }
  std::vector<ValueChange> changes;
  for (const auto& s : a.sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(err, Status::InvalidArgument("--set \"" + s + "\" is not INDICATOR=VALUE"), true);
    }
    ValueChange c;
    c.indicator = s.substr(0, eq);
    std::string v = s.substr(eq + 1);
    if (v == "none") {
      c.value = kNoValue;
    } else {
      auto d = ParseDouble(v);
      if (!d) {
        return Fail(
            err,
            Status::InvalidArgument("--set " + c.indicator + ": \"" + v + "\" is not a number"),
            true);
      }
      c.value = *d;
    }
    changes.push_back(c);
  }
  int gain = 0;
  if (auto it = a.opts.find("gain"); it != a.opts.end()) {
    auto g = ParseInt(it->second);
    if (!g || *g < 1) return Fail(err, Status::InvalidArgument("--gain must be >= 1"), true);
    gain = static_cast<int>(*g);
  }
  if (changes.empty() && gain == 0) {
    return Fail(err, Status::InvalidArgument("give --set INDICATOR=VALUE and/or --gain N"), true);
  }
  auto json_format = JsonFormat(a);
  if (!json_format.ok()) return Fail(err, json_format.status(), true);
  const bool json = *json_format;
  nlohmann::json jout = nlohmann::json::object();
  auto base = analytics::Compute(l->fw, l->data, l->edition, l->opts);
  if (!base.ok()) return Fail(err, base.status(), false);
  PreparedData data = l->data;
  if (!changes.empty()) {
    auto after = WhatIf(l->fw, l->data, l->edition, l->opts, unit, changes);
    if (!after.ok()) return Fail(err, after.status(), false);
    for (const auto& c : changes) data.Set(unit, c.indicator, l->edition, c.value);
    if (json) {
      jout["whatif"] = nlohmann::json::parse(WhatIfToJson(l->fw, *base, *after, unit));
    } else {
      out << "what-if for " << unit << ", edition " << l->edition << "\ncode\tscore before\trank "
          << "before\tscore after\trank after\n";
      std::vector<std::string> codes = {l->fw.root};
      for (const auto& t : TopNodes(l->fw)) codes.push_back(t);
      for (const auto& c : changes) codes.push_back(c.indicator);
      for (const auto& c : codes) {
        if (!base->scores.count(c)) continue;  // a denominator
        out << c << "\t" << F2(base->Score(c, unit)) << "\t" << RankStr(base->Rank(c, unit)) << "\t"
            << F2(after->Score(c, unit)) << "\t" << RankStr(after->Rank(c, unit)) << "\n";
      }
    }
  }
  if (gain > 0) {
    auto plan = GainPlaces(l->fw, data, l->edition, l->opts, unit, gain);
    if (!plan.ok()) return Fail(err, plan.status(), false);
    if (json) {
      jout["gain_plan"] = nlohmann::json::parse(GainPlanToJson(*plan));
      out << jout.dump(2) << "\n";
      return 0;
    }
    out << "cheapest changes to gain " << gain << " place(s): rank " << plan->rank_before
        << " -> target " << plan->target_rank << "\nstep\tindicator\tfrom\tto\tcost\tscore\trank\n";
    int i = 0;
    for (const auto& s : plan->steps) {
      out << ++i << "\t" << s.indicator << "\t" << F2(s.from) << "\t" << F2(s.to) << "\t"
          << F2(s.cost) << "\t" << F2(s.score_after) << "\t" << s.rank_after << "\n";
    }
    out << (plan->reached ? "target reached" : "target NOT reached") << ": rank "
        << plan->rank_after << ", score " << F2(plan->score_before) << " -> "
        << F2(plan->score_after) << ", total cost " << F2(plan->total_cost) << "\n";
  }
  if (json) out << jout.dump(2) << "\n";
  return 0;
}

int RobustnessCmd(const Args& a, std::ostream& out, std::ostream& err) {
  bool usage = false;
  auto l = Load(a, usage);
  if (!l.ok()) return Fail(err, l.status(), usage);
  if (l->all_editions) {
    return Fail(err, Status::InvalidArgument("--edition all applies to compute only"), true);
  }
  RobustnessOptions ro;
  if (auto it = a.opts.find("runs"); it != a.opts.end()) {
    auto v = ParseInt(it->second);
    if (!v || *v < 1 || *v > 1000000) {
      return Fail(err, Status::InvalidArgument("--runs must be 1..1000000"), true);
    }
    ro.runs = static_cast<int>(*v);
  }
  if (auto it = a.opts.find("seed"); it != a.opts.end()) {
    auto v = ParseInt(it->second);
    if (!v || *v < 0) return Fail(err, Status::InvalidArgument("--seed must be >= 0"), true);
    ro.seed = static_cast<uint64_t>(*v);
  }
  if (auto it = a.opts.find("spread"); it != a.opts.end()) {
    auto v = ParseDouble(it->second);
    if (!v || !(*v >= 0 && *v < 1)) {
      return Fail(err, Status::InvalidArgument("--spread must lie in [0, 1)"), true);
    }
    ro.weight_spread = *v;
  }
  if (auto it = a.opts.find("aggregations"); it != a.opts.end()) {
    ro.aggregations.clear();
    for (const auto& name : Split(it->second, ',')) {
      auto agg = ParseAggregation(Trim(name));
      if (!agg.ok()) return Fail(err, agg.status(), true);
      ro.aggregations.push_back(*agg);
    }
  }
  if (auto it = a.opts.find("normalisations"); it != a.opts.end()) {
    ro.normalisations.clear();
    for (const auto& name : Split(it->second, ',')) {
      auto norm = ParseNormalisation(Trim(name));
      if (!norm.ok()) return Fail(err, norm.status(), true);
      ro.normalisations.push_back(*norm);
    }
  }
  auto json_format = JsonFormat(a);
  if (!json_format.ok()) return Fail(err, json_format.status(), true);
  auto rep = Robustness(l->fw, l->data, l->edition, l->opts, ro);
  if (!rep.ok()) return Fail(err, rep.status(), false);
  if (*json_format) {
    out << RobustnessToJson(*rep);
    return 0;
  }
  out << "robustness of " << l->fw.code << " edition " << l->edition << ": " << rep->runs
      << " runs, seed " << rep->seed << ", weights x U[" << 1 - ro.weight_spread << ", "
      << 1 + ro.weight_spread << "]\nunit\trank\tmedian\tp5\tp95\n";
  for (const auto& u : rep->units) {
    out << u.unit << "\t" << u.nominal_rank << "\t" << u.median_rank << "\t" << u.p5_rank << "\t"
        << u.p95_rank << "\n";
  }
  out << "factor\tfirst-order share of rank variance (top 10)\n";
  for (size_t i = 0; i < rep->factors.size() && i < 10; ++i) {
    out << rep->factors[i].factor << "\t" << F2(rep->factors[i].first_order) << "\n";
  }
  out << "indicator\tmean |rank shift| when left out\tmax\n";
  for (const auto& s : rep->indicators) {
    out << s.indicator << "\t" << F2(s.mean_abs_shift) << "\t" << s.max_abs_shift << "\n";
  }
  return 0;
}

}  // namespace

int RunIndexCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << kHelp;
    return args.empty() ? 2 : 0;
  }
  const std::string& cmd = args[0];
  const char* help = cmd == "compute"      ? kComputeHelp
                     : cmd == "whatif"     ? kWhatIfHelp
                     : cmd == "robustness" ? kRobustnessHelp
                                           : nullptr;
  if (!help) {
    err << "stio index: unknown command \"" << cmd << "\"\n" << kHelp;
    return 2;
  }
  auto a = ParseArgs(args, 1);
  if (!a.ok()) {
    err << "stio index " << cmd << ": " << a.status().message() << "\n" << help;
    return 2;
  }
  if (a->help) {
    out << help;
    return 0;
  }
  if (cmd == "compute") return Compute(*a, out, err);
  if (cmd == "whatif") return WhatIfCmd(*a, out, err);
  return RobustnessCmd(*a, out, err);
}

}  // namespace stio::analytics
