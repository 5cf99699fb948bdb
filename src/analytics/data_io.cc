#include "analytics/data_io.h"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/csv.h"
#include "core/strings.h"

namespace stio::analytics {
namespace {

std::string Fmt(double v, int precision = 10) {
  if (!HasValue(v)) return "";
  std::ostringstream os;
  os.precision(precision);
  os << v;
  return os.str();
}

Result<std::map<std::string, size_t>> Columns(const CsvTable& t,
                                              const std::vector<std::string>& required) {
  std::map<std::string, size_t> cols;
  for (size_t i = 0; i < t.header.size(); ++i) cols[std::string(Trim(t.header[i]))] = i;
  for (const auto& r : required) {
    if (!cols.count(r)) {
      return Status::InvalidArgument(
          "line " + std::to_string(t.header_line) + ": the header lacks column \"" + r + "\"", r);
    }
  }
  return cols;
}

std::string Field(const CsvRecord& rec, size_t i) {
  return i < rec.fields.size() ? std::string(Trim(rec.fields[i])) : std::string();
}

// Ordered list of (level, code) for output: nodes in post-order reversed (root first), then
// indicators in file order.
std::vector<const Node*> OutputOrder(const Framework& fw) {
  std::vector<const Node*> out;
  for (auto it = fw.post_order.rbegin(); it != fw.post_order.rend(); ++it) {
    out.push_back(&fw.nodes[*it]);
  }
  for (int i : fw.Indicators()) out.push_back(&fw.nodes[i]);
  return out;
}

}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<Dataset> ParseValuesCsv(const Framework& fw, std::string_view text) {
  STIO_ASSIGN_OR_RETURN(CsvTable t, ParseCsv(text));
  STIO_ASSIGN_OR_RETURN(auto cols, Columns(t, {"unit_code", "indicator_code", "year", "value"}));
  auto source = cols.find("source");
  Dataset d;
  for (const auto& rec : t.rows) {
    std::string where = "line " + std::to_string(rec.line);
    Observation o;
    o.line = rec.line;
    o.unit = Field(rec, cols["unit_code"]);
    o.indicator = Field(rec, cols["indicator_code"]);
    std::string year = Field(rec, cols["year"]);
    std::string value = Field(rec, cols["value"]);
    if (source != cols.end()) o.source = Field(rec, source->second);
    auto y = ParseInt(year);
    if (!y || *y < 1900 || *y > 2200) {
      return Status::InvalidArgument(where + ": year \"" + year + "\" is not a year", where);
    }
    o.year = static_cast<int>(*y);
    auto v = ParseDouble(value);
    if (!v) {
      return Status::InvalidArgument(
          where + ": value \"" + value + "\" is not a number (use a decimal point, no separators)",
          where);
    }
    o.value = *v;
    d.observations.push_back(std::move(o));
  }
  STIO_RETURN_IF_ERROR(CheckDataset(fw, d));
  return d;
}

Result<Dataset> LoadValuesCsv(const Framework& fw, const std::string& path) {
  STIO_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto d = ParseValuesCsv(fw, text);
  if (!d.ok()) return d.status().WithContext(path);
  return d;
}

std::string ResultToCsv(const Framework& fw, const IndexResult& r) {
  std::string out =
      WriteCsvRow({"edition", "unit_code", "level", "code", "score", "rank", "included"});
  std::string ed = std::to_string(r.edition);
  auto order = OutputOrder(fw);
  for (size_t u = 0; u < r.units.size(); ++u) {
    for (const Node* n : order) {
      double s = r.scores.at(n->code)[u];
      int rank = r.ranks.at(n->code)[u];
      out += WriteCsvRow({ed, r.units[u], n->level, n->code, Fmt(s),
                          rank ? std::to_string(rank) : "", r.included[u] ? "yes" : "no"});
    }
    if (!r.efficiency.empty()) {
      out += WriteCsvRow(
          {ed, r.units[u], "efficiency", fw.efficiency_numerator + "/" + fw.efficiency_denominator,
           Fmt(r.efficiency[u]), r.efficiency_ranks[u] ? std::to_string(r.efficiency_ranks[u]) : "",
           r.included[u] ? "yes" : "no"});
    }
  }
  for (const Note& n : r.notes) {
    out += WriteCsvRow({ed, n.unit, "note", n.indicator, Fmt(n.before), Fmt(n.after),
                        std::string(NoteKindName(n.kind)) + ": " + n.detail});
  }
  return out;
}

std::string ResultToJson(const Framework& fw, const IndexResult& r) {
  using nlohmann::json;
  auto num = [](double v) { return HasValue(v) ? json(v) : json(nullptr); };
  json j;
  j["framework"] = fw.code;
  j["edition"] = r.edition;
  json units = json::array();
  auto order = OutputOrder(fw);
  for (size_t u = 0; u < r.units.size(); ++u) {
    json ju;
    ju["unit"] = r.units[u];
    ju["included"] = static_cast<bool>(r.included[u]);
    json scores = json::object(), ranks = json::object();
    for (const Node* n : order) {
      scores[n->code] = num(r.scores.at(n->code)[u]);
      int rank = r.ranks.at(n->code)[u];
      ranks[n->code] = rank ? json(rank) : json(nullptr);
    }
    ju["scores"] = std::move(scores);
    ju["ranks"] = std::move(ranks);
    if (!r.efficiency.empty()) {
      ju["efficiency"] = num(r.efficiency[u]);
      ju["efficiency_rank"] = r.efficiency_ranks[u] ? json(r.efficiency_ranks[u]) : json(nullptr);
    }
    units.push_back(std::move(ju));
  }
  j["units"] = std::move(units);
  j["dropped_indicators"] = r.dropped_indicators;
  json notes = json::array();
  for (const Note& n : r.notes) {
    notes.push_back({{"kind", NoteKindName(n.kind)},
                     {"unit", n.unit},
                     {"indicator", n.indicator},
                     {"before", num(n.before)},
                     {"after", num(n.after)},
                     {"detail", n.detail}});
  }
  j["notes"] = std::move(notes);
  return j.dump(2) + "\n";
}

namespace {
nlohmann::json Num(double v) { return HasValue(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
nlohmann::json RankJson(int r) { return r ? nlohmann::json(r) : nlohmann::json(nullptr); }
}  // namespace

std::string ProfileToJson(const Framework& fw, const IndexResult& r, const std::string& unit,
                          int min_gap, const PreparedData* data) {
  nlohmann::json j;
  j["unit"] = unit;
  j["edition"] = r.edition;
  nlohmann::json nodes = nlohmann::json::array();
  for (const Node* n : OutputOrder(fw)) {
    if (n->placeholder) continue;
    nodes.push_back({{"code", n->code},
                     {"level", n->level},
                     {"name", n->name},
                     {"score", Num(r.Score(n->code, unit))},
                     {"rank", RankJson(r.Rank(n->code, unit))}});
  }
  j["nodes"] = std::move(nodes);
  Profile p = StrengthsAndWeaknesses(fw, r, unit, min_gap);
  for (auto [key, list] : {std::pair{"strengths", &p.strengths}, {"weaknesses", &p.weaknesses}}) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : *list) {
      arr.push_back({{"indicator", s.indicator},
                     {"indicator_rank", s.indicator_rank},
                     {"overall_rank", s.overall_rank}});
    }
    j[key] = std::move(arr);
  }
  nlohmann::json notes = nlohmann::json::array();
  for (const Note& n : r.notes) {
    if (n.unit != unit) continue;
    notes.push_back({{"kind", NoteKindName(n.kind)},
                     {"indicator", n.indicator},
                     {"before", Num(n.before)},
                     {"after", Num(n.after)},
                     {"detail", n.detail}});
  }
  j["notes"] = std::move(notes);
  if (data) {
    nlohmann::json values = nlohmann::json::array();
    for (int i : fw.Indicators()) {
      const std::string& code = fw.nodes[i].code;
      values.push_back({{"indicator", code},
                        {"raw", Num(data->Get(unit, code, r.edition))},
                        {"source", data->Source(unit, code, r.edition)}});
    }
    j["values"] = std::move(values);
  }
  return j.dump(2) + "\n";
}

std::string WhatIfToJson(const Framework& fw, const IndexResult& before, const IndexResult& after,
                         const std::string& unit) {
  nlohmann::json j;
  j["unit"] = unit;
  j["edition"] = after.edition;
  nlohmann::json nodes = nlohmann::json::array();
  for (const Node* n : OutputOrder(fw)) {
    nodes.push_back({{"code", n->code},
                     {"level", n->level},
                     {"score_before", Num(before.Score(n->code, unit))},
                     {"rank_before", RankJson(before.Rank(n->code, unit))},
                     {"score_after", Num(after.Score(n->code, unit))},
                     {"rank_after", RankJson(after.Rank(n->code, unit))}});
  }
  j["nodes"] = std::move(nodes);
  return j.dump(2) + "\n";
}

std::string GainPlanToJson(const GainPlan& p) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : p.steps) {
    steps.push_back({{"indicator", s.indicator},
                     {"from", Num(s.from)},
                     {"to", Num(s.to)},
                     {"cost", s.cost},
                     {"score_after", Num(s.score_after)},
                     {"rank_after", RankJson(s.rank_after)}});
  }
  nlohmann::json j = {{"rank_before", p.rank_before},
                      {"target_rank", p.target_rank},
                      {"rank_after", p.rank_after},
                      {"score_before", Num(p.score_before)},
                      {"score_after", Num(p.score_after)},
                      {"total_cost", p.total_cost},
                      {"reached", p.reached},
                      {"steps", std::move(steps)}};
  return j.dump(2) + "\n";
}

std::string RobustnessToJson(const RobustnessReport& rep) {
  nlohmann::json units = nlohmann::json::array(), inds = nlohmann::json::array();
  for (const auto& u : rep.units) {
    units.push_back({{"unit", u.unit},
                     {"nominal_rank", u.nominal_rank},
                     {"median_rank", u.median_rank},
                     {"p5_rank", u.p5_rank},
                     {"p95_rank", u.p95_rank}});
  }
  for (const auto& s : rep.indicators) {
    inds.push_back({{"indicator", s.indicator},
                    {"mean_abs_shift", s.mean_abs_shift},
                    {"max_abs_shift", s.max_abs_shift}});
  }
  nlohmann::json factors = nlohmann::json::array();
  for (const auto& f : rep.factors) {
    factors.push_back({{"factor", f.factor}, {"first_order", f.first_order}});
  }
  nlohmann::json j = {{"runs", rep.runs},
                      {"seed", rep.seed},
                      {"units", std::move(units)},
                      {"indicators", std::move(inds)},
                      {"factors", std::move(factors)}};
  return j.dump(2) + "\n";
}

Result<std::vector<PublishedPii>> ParsePublishedPii(std::string_view text) {
  STIO_ASSIGN_OR_RETURN(CsvTable t, ParseCsv(text));
  STIO_ASSIGN_OR_RETURN(
      auto cols, Columns(t, {"edition_year", "province_name_vi", "province_code_if_known", "map",
                             "overall_score", "overall_rank", "input_score", "output_score",
                             "source_url", "note"}));
  std::vector<PublishedPii> out;
  for (const auto& rec : t.rows) {
    std::string where = "line " + std::to_string(rec.line);
    PublishedPii p;
    p.line = rec.line;
    auto year = ParseInt(Field(rec, cols["edition_year"]));
    auto map = ParseInt(Field(rec, cols["map"]));
    if (!year || !map || (*map != 63 && *map != 34)) {
      return Status::InvalidArgument(where + ": bad edition_year or map", where);
    }
    p.edition_year = static_cast<int>(*year);
    p.map = static_cast<int>(*map);
    p.province_name_vi = Field(rec, cols["province_name_vi"]);
    p.province_code = Field(rec, cols["province_code_if_known"]);
    p.source_url = Field(rec, cols["source_url"]);
    p.note = Field(rec, cols["note"]);
    for (auto [name, dst] :
         {std::pair{"overall_score", &p.overall_score}, std::pair{"input_score", &p.input_score},
          std::pair{"output_score", &p.output_score}}) {
      std::string f = Field(rec, cols[name]);
      if (f.empty()) continue;
      auto v = ParseDouble(f);
      if (!v || *v < 0 || *v > 100) {
        return Status::InvalidArgument(where + ": " + name + " \"" + f + "\" is not in 0..100",
                                       where);
      }
      *dst = *v;
    }
    std::string rank = Field(rec, cols["overall_rank"]);
    if (!rank.empty()) {
      auto v = ParseInt(rank);
      if (!v || *v < 1 || *v > p.map) {
        return Status::InvalidArgument(where + ": overall_rank \"" + rank + "\" out of range",
                                       where);
      }
      p.overall_rank = static_cast<int>(*v);
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<PublishedPii>> LoadPublishedPii(const std::string& path) {
  STIO_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto r = ParsePublishedPii(text);
  if (!r.ok()) return r.status().WithContext(path);
  return r;
}

}  // namespace stio::analytics
