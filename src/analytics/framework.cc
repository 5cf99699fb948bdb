#include "analytics/framework.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace stio::analytics {
namespace {

using nlohmann::json;

Status Bad(std::string msg, std::string field = {}) {
  return Status::InvalidArgument(std::move(msg), std::move(field));
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Reads an optional string member; errors if present with another type.
Status GetString(const json& j, const char* key, std::string& out, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Bad(where + ": \"" + key + "\" must be a string", where);
  out = it->get<std::string>();
  return Status::Ok();
}

Status GetNumber(const json& j, const char* key, double& out, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_number()) return Bad(where + ": \"" + key + "\" must be a number", where);
  out = it->get<double>();
  return Status::Ok();
}

Status GetBool(const json& j, const char* key, bool& out, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_boolean()) return Bad(where + ": \"" + key + "\" must be true or false", where);
  out = it->get<bool>();
  return Status::Ok();
}

Status ParseMethodJson(const json& m, MethodOptions& o) {
  if (!m.is_object()) return Bad("\"method\" must be an object", "method");
  static const std::set<std::string> kKnown = {
      "normalisation", "aggregation",    "minmax_scope",  "scale",        "outliers",
      "coverage",      "reference_unit", "rank_decimals", "minmax_lower", "imputation"};
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (!kKnown.count(it.key())) return Bad("method: unknown option " + Quote(it.key()), "method");
  }
  std::string s;
  if (m.contains("normalisation")) {
    STIO_RETURN_IF_ERROR(GetString(m, "normalisation", s, "method"));
    STIO_ASSIGN_OR_RETURN(o.normalisation, ParseNormalisation(s));
  }
  if (m.contains("aggregation")) {
    STIO_RETURN_IF_ERROR(GetString(m, "aggregation", s, "method"));
    STIO_ASSIGN_OR_RETURN(o.aggregation, ParseAggregation(s));
  }
  if (m.contains("minmax_scope")) {
    STIO_RETURN_IF_ERROR(GetString(m, "minmax_scope", s, "method"));
    if (s != "edition" && s != "pooled") {
      return Bad("method: minmax_scope must be \"edition\" or \"pooled\", not " + Quote(s),
                 "method.minmax_scope");
    }
    o.pooled_minmax = s == "pooled";
  }
  STIO_RETURN_IF_ERROR(GetNumber(m, "scale", o.scale, "method"));
  STIO_RETURN_IF_ERROR(GetNumber(m, "minmax_lower", o.minmax_lower, "method"));
  if (m.contains("imputation")) {
    STIO_RETURN_IF_ERROR(GetString(m, "imputation", s, "method"));
    if (s == "none") {
      o.imputation = Imputation::kNone;
    } else if (s == "indicator_mean") {
      o.imputation = Imputation::kIndicatorMean;
    } else if (s == "indicator_median") {
      o.imputation = Imputation::kIndicatorMedian;
    } else {
      return Bad(
          "method: imputation must be none, indicator_mean or indicator_median, not " + Quote(s),
          "method.imputation");
    }
  }
  STIO_RETURN_IF_ERROR(GetString(m, "reference_unit", o.reference_unit, "method"));
  double rd = o.rank_decimals;
  STIO_RETURN_IF_ERROR(GetNumber(m, "rank_decimals", rd, "method"));
  o.rank_decimals = static_cast<int>(rd);
  if (auto it = m.find("outliers"); it != m.end()) {
    if (!it->is_object()) return Bad("method.outliers must be an object", "method.outliers");
    STIO_RETURN_IF_ERROR(GetBool(*it, "enabled", o.treat_outliers, "method.outliers"));
    STIO_RETURN_IF_ERROR(GetNumber(*it, "skewness", o.skew_threshold, "method.outliers"));
    STIO_RETURN_IF_ERROR(GetNumber(*it, "kurtosis", o.kurt_threshold, "method.outliers"));
    double mw = o.max_winsorised;
    STIO_RETURN_IF_ERROR(GetNumber(*it, "max_winsorised", mw, "method.outliers"));
    o.max_winsorised = static_cast<int>(mw);
  }
  if (auto it = m.find("coverage"); it != m.end()) {
    if (!it->is_object()) return Bad("method.coverage must be an object", "method.coverage");
    STIO_RETURN_IF_ERROR(GetNumber(*it, "unit_min_share", o.unit_min_share, "method.coverage"));
    STIO_RETURN_IF_ERROR(GetNumber(*it, "group_min_share", o.group_min_share, "method.coverage"));
    STIO_RETURN_IF_ERROR(
        GetNumber(*it, "indicator_min_share", o.indicator_min_share, "method.coverage"));
  }
  if (!(o.scale > 0) || !std::isfinite(o.scale)) return Bad("method.scale must be > 0");
  if (!(o.minmax_lower >= 0 && o.minmax_lower < o.scale)) {
    return Bad("method.minmax_lower must lie in [0, scale)");
  }
  for (double share : {o.unit_min_share, o.group_min_share, o.indicator_min_share}) {
    if (!(share >= 0 && share <= 1)) return Bad("method.coverage shares must lie in [0, 1]");
  }
  if (o.max_winsorised < 0) return Bad("method.outliers.max_winsorised must be >= 0");
  if (o.rank_decimals < -1 || o.rank_decimals > 12) {
    return Bad("method.rank_decimals must be -1 (no rounding) or 0..12");
  }
  return Status::Ok();
}

Status ParseNode(const json& j, bool is_indicator, size_t pos, Node& n) {
  std::string where =
      std::string(is_indicator ? "indicators" : "nodes") + "[" + std::to_string(pos) + "]";
  if (!j.is_object()) return Bad(where + " must be an object", where);
  STIO_RETURN_IF_ERROR(GetString(j, "code", n.code, where));
  if (n.code.empty()) return Bad(where + ": missing \"code\"", where);
  where += " (" + n.code + ")";
  n.is_indicator = is_indicator;
  n.level = is_indicator ? "indicator" : "";
  STIO_RETURN_IF_ERROR(GetString(j, "name", n.name, where));
  STIO_RETURN_IF_ERROR(GetString(j, "parent", n.parent, where));
  STIO_RETURN_IF_ERROR(GetString(j, "level", n.level, where));
  STIO_RETURN_IF_ERROR(GetNumber(j, "weight", n.weight, where));
  STIO_RETURN_IF_ERROR(GetString(j, "weight_basis", n.weight_basis, where));
  STIO_RETURN_IF_ERROR(GetString(j, "unit", n.unit, where));
  STIO_RETURN_IF_ERROR(GetString(j, "source", n.source, where));
  STIO_RETURN_IF_ERROR(GetString(j, "definition", n.definition, where));
  STIO_RETURN_IF_ERROR(GetString(j, "note", n.note, where));
  if (!is_indicator) {
    STIO_RETURN_IF_ERROR(GetBool(j, "placeholder", n.placeholder, where));
    if (j.contains("aggregation")) {
      std::string s;
      STIO_RETURN_IF_ERROR(GetString(j, "aggregation", s, where));
      auto a = ParseAggregation(s);
      if (!a.ok()) return a.status().WithContext(where);
      n.aggregation = *a;
    }
    if (auto it = j.find("rescale"); it != j.end() && !it->is_null()) {
      if (!it->is_array() || it->size() != 2 || !(*it)[0].is_number() || !(*it)[1].is_number() ||
          !((*it)[1].get<double>() > (*it)[0].get<double>())) {
        return Bad(where + ": rescale must be [low, high] with low < high", where);
      }
      n.rescale = std::pair((*it)[0].get<double>(), (*it)[1].get<double>());
    }
    for (const char* k : {"direction", "denominator", "goalposts", "transform"}) {
      if (j.contains(k)) return Bad(where + ": \"" + k + "\" applies to indicators only", where);
    }
    return Status::Ok();
  }
  double dir = 1;
  STIO_RETURN_IF_ERROR(GetNumber(j, "direction", dir, where));
  if (dir != 1 && dir != -1) return Bad(where + ": direction must be 1 or -1", where);
  n.direction = static_cast<int>(dir);
  STIO_RETURN_IF_ERROR(GetString(j, "denominator", n.denominator, where));
  STIO_RETURN_IF_ERROR(GetNumber(j, "factor", n.factor, where));
  STIO_RETURN_IF_ERROR(GetBool(j, "treat_outliers", n.treat_outliers, where));
  std::string merge;
  STIO_RETURN_IF_ERROR(GetString(j, "merge", merge, where));
  if (!merge.empty() && merge != "sum" && merge != "mean") {
    return Bad(where + ": merge must be \"sum\" or \"mean\", not " + Quote(merge), where);
  }
  n.merge_sum = merge == "sum";
  std::string transform;
  STIO_RETURN_IF_ERROR(GetString(j, "transform", transform, where));
  if (!transform.empty() && transform != "log" && transform != "none") {
    return Bad(where + ": transform must be \"log\" or \"none\", not " + Quote(transform), where);
  }
  n.log_transform = transform == "log";
  if (auto it = j.find("goalposts"); it != j.end() && !it->is_null()) {
    if (!it->is_array() || it->size() != 2 || !(*it)[0].is_number() || !(*it)[1].is_number()) {
      return Bad(where + ": goalposts must be [min, max]", where);
    }
    n.goal_min = (*it)[0].get<double>();
    n.goal_max = (*it)[1].get<double>();
  }
  if (auto it = j.find("valid_range"); it != j.end() && !it->is_null()) {
    if (!it->is_array() || it->size() != 2 || !((*it)[0].is_number() || (*it)[0].is_null()) ||
        !((*it)[1].is_number() || (*it)[1].is_null())) {
      return Bad(where + ": valid_range must be [min or null, max or null]", where);
    }
    if ((*it)[0].is_number()) n.valid_min = (*it)[0].get<double>();
    if ((*it)[1].is_number()) n.valid_max = (*it)[1].get<double>();
    if (n.valid_min && n.valid_max && !(*n.valid_min <= *n.valid_max)) {
      return Bad(where + ": valid_range needs min <= max", where);
    }
  }
  if (j.contains("aggregation")) return Bad(where + ": indicators have no aggregation", where);
  return Status::Ok();
}

}  // namespace

std::string_view NormalisationName(Normalisation n) {
  switch (n) {
    case Normalisation::kMinMax:
      return "minmax";
    case Normalisation::kZScore:
      return "zscore";
    case Normalisation::kRank:
      return "rank";
    case Normalisation::kDistanceToReference:
      return "distance_to_reference";
  }
  return "?";
}

std::string_view AggregationName(Aggregation a) {
  switch (a) {
    case Aggregation::kArithmetic:
      return "arithmetic";
    case Aggregation::kGeometric:
      return "geometric";
    case Aggregation::kSum:
      return "sum";
  }
  return "?";
}

Result<Normalisation> ParseNormalisation(std::string_view s) {
  for (auto n : {Normalisation::kMinMax, Normalisation::kZScore, Normalisation::kRank,
                 Normalisation::kDistanceToReference}) {
    if (s == NormalisationName(n)) return n;
  }
  return Bad("unknown normalisation " + Quote(s) +
                 " (expected minmax, zscore, rank or distance_to_reference)",
             "normalisation");
}

Result<Aggregation> ParseAggregation(std::string_view s) {
  if (s == "arithmetic") return Aggregation::kArithmetic;
  if (s == "geometric") return Aggregation::kGeometric;
  if (s == "sum") return Aggregation::kSum;
  return Bad("unknown aggregation " + Quote(s) + " (expected arithmetic, geometric or sum)",
             "aggregation");
}

const Node* Framework::Find(std::string_view code) const {
  auto it = index.find(std::string(code));
  return it == index.end() ? nullptr : &nodes[it->second];
}

std::vector<int> Framework::Indicators() const {
  std::vector<int> out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].is_indicator) out.push_back(static_cast<int>(i));
  }
  return out;
}

bool Framework::IsDenominator(std::string_view code) const {
  for (const auto& d : denominators) {
    if (d.code == code) return true;
  }
  return false;
}

Status ValidateFramework(Framework& fw) {
  fw.index.clear();
  fw.children.clear();
  fw.post_order.clear();
  fw.root.clear();
  if (fw.nodes.empty()) return Bad("the framework has no nodes");
  std::set<std::string> denominators;
  for (const auto& d : fw.denominators) {
    if (d.code.empty()) return Bad("a denominator has no code", "denominators");
    if (!denominators.insert(d.code).second) {
      return Bad("duplicate denominator code " + Quote(d.code), "denominators");
    }
  }
  for (size_t i = 0; i < fw.nodes.size(); ++i) {
    const Node& n = fw.nodes[i];
    if (n.code.empty()) return Bad("node " + std::to_string(i) + " has no code");
    if (!fw.index.emplace(n.code, static_cast<int>(i)).second) {
      return Bad("duplicate code " + Quote(n.code), n.code);
    }
    if (denominators.count(n.code)) {
      return Bad(Quote(n.code) + " is both a node and a denominator", n.code);
    }
  }
  for (size_t i = 0; i < fw.nodes.size(); ++i) {
    const Node& n = fw.nodes[i];
    if (!std::isfinite(n.weight) || n.weight <= 0) {
      std::ostringstream os;
      os << "weight of " << Quote(n.code) << " must be a positive number, not " << n.weight;
      return Bad(os.str(), n.code);
    }
    if (n.parent.empty()) {
      if (n.is_indicator) return Bad("indicator " + Quote(n.code) + " has no parent", n.code);
      if (!fw.root.empty()) {
        return Bad("two roots: " + Quote(fw.root) + " and " + Quote(n.code) +
                       " have no parent (exactly one node may have none)",
                   n.code);
      }
      fw.root = n.code;
      continue;
    }
    auto p = fw.index.find(n.parent);
    if (p == fw.index.end()) {
      return Bad(Quote(n.code) + " has unknown parent " + Quote(n.parent), n.code);
    }
    if (fw.nodes[p->second].is_indicator) {
      return Bad(Quote(n.code) + " has parent " + Quote(n.parent) +
                     ", which is an indicator (indicators are leaves)",
                 n.code);
    }
    fw.children[n.parent].push_back(static_cast<int>(i));
    if (n.is_indicator) {
      if (!n.denominator.empty() && !denominators.count(n.denominator)) {
        return Bad(
            "indicator " + Quote(n.code) + " has unknown denominator " + Quote(n.denominator),
            n.code);
      }
      if (!std::isfinite(n.factor) || n.factor == 0) {
        return Bad("indicator " + Quote(n.code) + " has a zero or non-finite factor", n.code);
      }
      if (n.goal_min.has_value() != n.goal_max.has_value() ||
          (n.goal_min && !(*n.goal_max > *n.goal_min))) {
        return Bad("indicator " + Quote(n.code) + ": goalposts need min < max", n.code);
      }
      if (n.log_transform && n.goal_min && !(*n.goal_min > 0)) {
        return Bad("indicator " + Quote(n.code) + ": a log transform needs goalposts > 0", n.code);
      }
    }
  }
  if (fw.root.empty()) return Bad("no root: every node has a parent, so the tree has a cycle");
  // Cycles: walk up from every node; a path longer than the node count loops.
  for (const Node& n : fw.nodes) {
    std::string at = n.code;
    std::set<std::string> seen;
    while (!at.empty()) {
      if (!seen.insert(at).second) return Bad("cycle through " + Quote(at), at);
      at = fw.nodes[fw.index[at]].parent;
    }
  }
  for (const Node& n : fw.nodes) {
    if (n.is_indicator) continue;
    const auto& kids = fw.children[n.code];
    if (n.placeholder) {
      if (!kids.empty()) {
        return Bad(Quote(n.code) + " is a placeholder but has children", n.code);
      }
      continue;
    }
    if (kids.empty()) {
      return Bad(Quote(n.code) + " (" + (n.level.empty() ? "node" : n.level) +
                     ") has no children: every pillar and group needs indicators (or mark it a "
                     "placeholder)",
                 n.code);
    }
    if (fw.weights_sum_to) {
      double sum = 0;
      for (int k : kids) sum += fw.nodes[k].weight;
      if (std::fabs(sum - *fw.weights_sum_to) > 1e-6 * std::max(1.0, *fw.weights_sum_to)) {
        std::ostringstream os;
        os << "weights of the children of " << Quote(n.code) << " sum to " << sum << ", not "
           << *fw.weights_sum_to;
        return Bad(os.str(), n.code);
      }
    }
  }
  if (!fw.levels.empty()) {
    std::map<std::string, size_t> depth;
    for (size_t i = 0; i < fw.levels.size(); ++i) {
      if (!depth.emplace(fw.levels[i], i).second) {
        return Bad("level " + Quote(fw.levels[i]) + " is declared twice", "levels");
      }
    }
    for (const Node& n : fw.nodes) {
      auto d = depth.find(n.level);
      if (d == depth.end()) {
        return Bad(Quote(n.code) + " has level " + Quote(n.level) +
                       ", which is not one of the declared levels",
                   n.code);
      }
      if (n.is_indicator && d->second != fw.levels.size() - 1) {
        return Bad("indicator " + Quote(n.code) + " must be at the last declared level", n.code);
      }
      if (n.parent.empty()) {
        if (d->second != 0) {
          return Bad("the root " + Quote(n.code) + " must be at level " + Quote(fw.levels[0]),
                     n.code);
        }
        continue;
      }
      const Node& p = fw.nodes[fw.index[n.parent]];
      size_t pd = depth.count(p.level) ? depth[p.level] : 0;
      if (d->second != pd + 1) {
        return Bad(Quote(n.code) + " (" + n.level + ") hangs on " + Quote(p.code) + " (" + p.level +
                       "); expected a parent at level " +
                       Quote(d->second == 0 ? std::string("-") : fw.levels[d->second - 1]),
                   n.code);
      }
    }
  }
  // Post-order over nodes (children before parents), iterative.
  std::vector<std::pair<int, size_t>> stack = {{fw.index[fw.root], 0}};
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    const auto& kids = fw.children[fw.nodes[node].code];
    if (next < kids.size()) {
      int k = kids[next++];
      if (!fw.nodes[k].is_indicator) stack.push_back({k, 0});
    } else {
      fw.post_order.push_back(node);
      stack.pop_back();
    }
  }
  for (const std::string* code : {&fw.efficiency_numerator, &fw.efficiency_denominator}) {
    if (code->empty()) continue;
    const Node* n = fw.Find(*code);
    if (!n || n->is_indicator) {
      return Bad("efficiency refers to " + Quote(*code) + ", which is not a node", "efficiency");
    }
  }
  if (!fw.merge_weight.empty() && !denominators.count(fw.merge_weight)) {
    return Bad("merge_weight " + Quote(fw.merge_weight) + " is not a denominator", "merge_weight");
  }
  if (fw.efficiency_numerator.empty() != fw.efficiency_denominator.empty()) {
    return Bad("efficiency needs both numerator and denominator", "efficiency");
  }
  return Status::Ok();
}

Status ParseMethodOptions(std::string_view json_text, MethodOptions& opts) {
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return Bad("method options are not valid JSON", "method");
  return ParseMethodJson(j, opts);
}

Result<Framework> ParseFramework(std::string_view json_text) {
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return Bad("the framework is not valid JSON");
  if (!j.is_object()) return Bad("the framework must be a JSON object");
  Framework fw;
  std::string format;
  STIO_RETURN_IF_ERROR(GetString(j, "format", format, "framework"));
  if (format != "stio-framework/1") {
    return Bad("unknown framework format " + Quote(format) + " (expected \"stio-framework/1\")",
               "format");
  }
  STIO_RETURN_IF_ERROR(GetString(j, "code", fw.code, "framework"));
  STIO_RETURN_IF_ERROR(GetString(j, "name", fw.name, "framework"));
  STIO_RETURN_IF_ERROR(GetString(j, "version", fw.version, "framework"));
  STIO_RETURN_IF_ERROR(GetString(j, "description", fw.description, "framework"));
  STIO_RETURN_IF_ERROR(GetString(j, "merge_weight", fw.merge_weight, "framework"));
  if (auto it = j.find("levels"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Bad("\"levels\" must be an array of strings", "levels");
    for (const auto& l : *it) {
      if (!l.is_string()) return Bad("\"levels\" must be an array of strings", "levels");
      fw.levels.push_back(l.get<std::string>());
    }
  }
  if (j.contains("weights_sum_to") && !j["weights_sum_to"].is_null()) {
    double w = 0;
    STIO_RETURN_IF_ERROR(GetNumber(j, "weights_sum_to", w, "framework"));
    fw.weights_sum_to = w;
  }
  if (auto it = j.find("method"); it != j.end()) {
    STIO_RETURN_IF_ERROR(ParseMethodJson(*it, fw.method));
  }
  if (auto it = j.find("denominators"); it != j.end()) {
    if (!it->is_array()) return Bad("\"denominators\" must be an array", "denominators");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& d = (*it)[i];
      std::string where = "denominators[" + std::to_string(i) + "]";
      if (!d.is_object()) return Bad(where + " must be an object", where);
      Denominator den;
      STIO_RETURN_IF_ERROR(GetString(d, "code", den.code, where));
      STIO_RETURN_IF_ERROR(GetString(d, "name", den.name, where));
      STIO_RETURN_IF_ERROR(GetString(d, "unit", den.unit, where));
      STIO_RETURN_IF_ERROR(GetString(d, "source", den.source, where));
      fw.denominators.push_back(std::move(den));
    }
  }
  for (const char* key : {"nodes", "indicators"}) {
    auto it = j.find(key);
    if (it == j.end()) return Bad(std::string("the framework has no \"") + key + "\"", key);
    if (!it->is_array()) return Bad(std::string("\"") + key + "\" must be an array", key);
    for (size_t i = 0; i < it->size(); ++i) {
      Node n;
      STIO_RETURN_IF_ERROR(ParseNode((*it)[i], std::string_view(key) == "indicators", i, n));
      fw.nodes.push_back(std::move(n));
    }
  }
  if (auto it = j.find("efficiency"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return Bad("\"efficiency\" must be an object", "efficiency");
    STIO_RETURN_IF_ERROR(GetString(*it, "numerator", fw.efficiency_numerator, "efficiency"));
    STIO_RETURN_IF_ERROR(GetString(*it, "denominator", fw.efficiency_denominator, "efficiency"));
  }
  STIO_RETURN_IF_ERROR(ValidateFramework(fw));
  return fw;
}

Result<Framework> LoadFramework(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open framework file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto fw = ParseFramework(ss.str());
  if (!fw.ok()) return fw.status().WithContext(path);
  return fw;
}

}  // namespace stio::analytics
