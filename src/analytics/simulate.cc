#include "analytics/simulate.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace stio::analytics {
namespace {

Status CheckChange(const Framework& fw, const PreparedData& data, const std::string& unit,
                   const ValueChange& c) {
  if (!data.HasCode(c.indicator)) {
    return Status::InvalidArgument("unknown indicator \"" + c.indicator + "\"", c.indicator);
  }
  if (!HasValue(c.value)) return Status::Ok();  // removal
  if (!std::isfinite(c.value)) {
    return Status::InvalidArgument("value for \"" + c.indicator + "\" is not finite", c.indicator);
  }
  const Node* n = fw.Find(c.indicator);
  if (n &&
      ((n->valid_min && c.value < *n->valid_min) || (n->valid_max && c.value > *n->valid_max))) {
    return Status::InvalidArgument(
        "value for \"" + c.indicator + "\" is outside its valid range (wrong sign or unit?)",
        c.indicator);
  }
  if ((n && n->log_transform) || fw.IsDenominator(c.indicator)) {
    if (!(c.value > 0)) {
      return Status::InvalidArgument(
          "\"" + c.indicator + "\" must be positive for unit \"" + unit + "\"", c.indicator);
    }
  }
  return Status::Ok();
}

double RootScore(const Framework& fw, const IndexResult& r, int u) {
  return r.scores.at(fw.root)[u];
}

}  // namespace

Result<IndexResult> WhatIf(const Framework& fw, const PreparedData& data, int edition,
                           const MethodOptions& opts, const std::string& unit,
                           const std::vector<ValueChange>& changes) {
  if (!data.HasUnit(unit)) return Status::InvalidArgument("unknown unit \"" + unit + "\"", unit);
  if (!data.HasEdition(edition)) {
    return Status::NotFound("no data for edition " + std::to_string(edition));
  }
  for (const auto& c : changes) STIO_RETURN_IF_ERROR(CheckChange(fw, data, unit, c));
  if (changes.empty()) return Compute(fw, data, edition, opts);
  PreparedData copy = data;
  for (const auto& c : changes) copy.Set(unit, c.indicator, edition, c.value);
  return Compute(fw, copy, edition, opts);
}

Result<GainPlan> GainPlaces(const Framework& fw, const PreparedData& data, int edition,
                            const MethodOptions& opts, const std::string& unit, int places,
                            int max_steps) {
  if (places < 1) return Status::InvalidArgument("--gain must be at least 1", "gain");
  if (!data.HasUnit(unit)) return Status::InvalidArgument("unknown unit \"" + unit + "\"", unit);
  STIO_ASSIGN_OR_RETURN(IndexResult cur, Compute(fw, data, edition, opts));
  int u = cur.UnitIndex(unit);
  if (u < 0 || cur.Rank(fw.root, unit) == 0) {
    return Status::FailedPrecondition("unit \"" + unit + "\" has no rank in edition " +
                                      std::to_string(edition));
  }
  GainPlan plan;
  plan.rank_before = plan.rank_after = cur.Rank(fw.root, unit);
  plan.score_before = plan.score_after = RootScore(fw, cur, u);
  plan.target_rank = std::max(1, plan.rank_before - places);
  PreparedData state = data;
  for (int step = 0; step < max_steps && plan.rank_after > plan.target_rank; ++step) {
    struct Best {
      double ratio = 0;
      GainStep s;
      double new_raw = 0;
      std::optional<IndexResult> result;
    } best;
    for (int ii : fw.Indicators()) {
      const Node& ind = fw.nodes[ii];
      if (std::find(cur.dropped_indicators.begin(), cur.dropped_indicators.end(), ind.code) !=
          cur.dropped_indicators.end()) {
        continue;
      }
      const auto& den_vals = cur.raw.at(ind.code);  // denominated values
      double x = den_vals[u];
      std::vector<double> others;
      for (size_t v = 0; v < den_vals.size(); ++v) {
        if (static_cast<int>(v) != u && HasValue(den_vals[v])) others.push_back(den_vals[v]);
      }
      if (others.empty()) continue;
      std::sort(others.begin(), others.end());
      double range = others.back() - others.front();
      // Candidate targets, nearest first: the next better distinct values of other units. The
      // nearest can bring no gain (a unit at the minimum that reaches the next value is still
      // the minimum), so further ones are tried until one raises the score.
      std::vector<double> targets;
      if (!HasValue(x)) {
        targets.push_back(others[others.size() / 2]);
      } else {
        for (double o : others) {
          if (ind.direction > 0 ? o > x : o < x) targets.push_back(o);
        }
        if (ind.direction < 0) std::reverse(targets.begin(), targets.end());
        targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
      }
      double eps = std::max(0.01 * range, 1e-12);
      for (double target : targets) {
        double cost = HasValue(x) ? std::fabs(target - x) / std::max(std::fabs(x), eps) : 1.0;
        double new_raw = target / ind.factor;
        if (!ind.denominator.empty()) {
          double d = state.Get(unit, ind.denominator, edition);
          if (!HasValue(d)) break;
          new_raw *= d;
        }
        if (ind.log_transform && !(new_raw > 0)) continue;
        PreparedData trial = state;
        trial.Set(unit, ind.code, edition, new_raw);
        auto r = Compute(fw, trial, edition, opts);
        if (!r.ok()) break;
        double gain = RootScore(fw, *r, u) - plan.score_after;
        if (!(gain > 0) || cost <= 0) continue;
        double ratio = gain / cost;
        if (ratio > best.ratio) {
          best.ratio = ratio;
          best.s = {ind.code,
                    state.Get(unit, ind.code, edition),
                    new_raw,
                    cost,
                    RootScore(fw, *r, u),
                    r->Rank(fw.root, unit)};
          best.new_raw = new_raw;
          best.result = std::move(*r);
        }
        break;  // the nearest target with a gain is this indicator's step
      }
    }
    if (!best.result) break;
    state.Set(unit, best.s.indicator, edition, best.new_raw);
    cur = std::move(*best.result);
    plan.steps.push_back(best.s);
    plan.total_cost += best.s.cost;
    plan.score_after = best.s.score_after;
    plan.rank_after = best.s.rank_after;
  }
  plan.reached = plan.rank_after <= plan.target_rank;
  return plan;
}

Result<RobustnessReport> Robustness(const Framework& fw, const PreparedData& data, int edition,
                                    const MethodOptions& opts, const RobustnessOptions& ro) {
  if (ro.runs < 1) return Status::InvalidArgument("--runs must be at least 1", "runs");
  if (!(ro.weight_spread >= 0 && ro.weight_spread < 1)) {
    return Status::InvalidArgument("weight spread must lie in [0, 1)", "weight_spread");
  }
  if (ro.aggregations.empty() || ro.normalisations.empty()) {
    return Status::InvalidArgument("robustness needs at least one aggregation and normalisation");
  }
  STIO_ASSIGN_OR_RETURN(IndexResult nominal, Compute(fw, data, edition, opts));
  const std::vector<int>& nominal_ranks = nominal.ranks.at(fw.root);
  std::vector<int> units;
  for (size_t u = 0; u < nominal.units.size(); ++u) {
    if (nominal_ranks[u] > 0) units.push_back(static_cast<int>(u));
  }
  std::mt19937_64 rng(ro.seed);
  auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  auto pick = [&](size_t n) { return std::min(n - 1, static_cast<size_t>(uniform() * n)); };
  std::vector<std::vector<int>> ranks(units.size());
  // Factor values per run: [factor][run]; factor names alongside.
  std::vector<std::string> factor_names;
  std::vector<bool> factor_discrete;
  if (ro.aggregations.size() > 1)
    factor_names.push_back("aggregation"), factor_discrete.push_back(true);
  if (ro.normalisations.size() > 1) {
    factor_names.push_back("normalisation"), factor_discrete.push_back(true);
  }
  const size_t n_method_factors = factor_names.size();
  if (ro.weight_spread > 0) {
    for (const auto& n : fw.nodes) {
      if (n.code != fw.root)
        factor_names.push_back("weight:" + n.code), factor_discrete.push_back(false);
    }
  }
  std::vector<std::vector<double>> factor_values(factor_names.size());
  for (int run = 0; run < ro.runs; ++run) {
    Overrides ov;
    size_t f = n_method_factors;
    for (const auto& n : fw.nodes) {
      if (n.code == fw.root) continue;
      double x = 2 * uniform() - 1;
      ov.weights[n.code] = n.weight * (1 + ro.weight_spread * x);
      if (ro.weight_spread > 0) factor_values[f++].push_back(x);
    }
    MethodOptions m = opts;
    size_t ai = pick(ro.aggregations.size());
    size_t ni = pick(ro.normalisations.size());
    m.aggregation = ro.aggregations[ai];
    m.normalisation = ro.normalisations[ni];
    f = 0;
    if (ro.aggregations.size() > 1) factor_values[f++].push_back(static_cast<double>(ai));
    if (ro.normalisations.size() > 1) factor_values[f++].push_back(static_cast<double>(ni));
    if (m.aggregation == Aggregation::kGeometric && m.normalisation == Normalisation::kMinMax &&
        m.minmax_lower == 0) {
      m.minmax_lower = m.scale / 100;  // [1, 100] as COINr does for geometric means
    }
    auto r = Compute(fw, data, edition, m, ov);
    if (!r.ok()) return r.status().WithContext("run " + std::to_string(run + 1));
    const auto& rk = r->ranks.at(fw.root);
    for (size_t i = 0; i < units.size(); ++i) ranks[i].push_back(rk[units[i]]);
  }
  RobustnessReport rep;
  rep.runs = ro.runs;
  rep.seed = ro.seed;
  for (size_t i = 0; i < units.size(); ++i) {
    std::vector<int> v;
    for (int x : ranks[i]) {
      if (x > 0) v.push_back(x);
    }
    UnitRobustness ur;
    ur.unit = nominal.units[units[i]];
    ur.nominal_rank = nominal_ranks[units[i]];
    if (!v.empty()) {
      std::sort(v.begin(), v.end());
      size_t n = v.size();
      ur.median_rank = (v[(n - 1) / 2] + v[n / 2]) / 2.0;
      auto pct = [&](double p) {
        size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(n)));
        return v[std::clamp<size_t>(k, 1, n) - 1];
      };
      ur.p5_rank = pct(0.05);
      ur.p95_rank = pct(0.95);
    }
    rep.units.push_back(ur);
  }
  std::stable_sort(rep.units.begin(), rep.units.end(),
                   [](const UnitRobustness& a, const UnitRobustness& b) {
                     return a.nominal_rank < b.nominal_rank;
                   });
  // First-order indices by binning (categories for discrete factors).
  for (size_t f = 0; f < factor_names.size(); ++f) {
    const auto& x = factor_values[f];
    std::vector<int> bin(x.size());
    int n_bins = 0;
    if (factor_discrete[f]) {
      for (size_t r = 0; r < x.size(); ++r) bin[r] = static_cast<int>(x[r]);
      n_bins = static_cast<int>(*std::max_element(x.begin(), x.end())) + 1;
    } else {
      std::vector<size_t> order(x.size());
      for (size_t r = 0; r < order.size(); ++r) order[r] = r;
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
      n_bins = std::max(1, std::min(10, static_cast<int>(x.size()) / 10));
      for (size_t k = 0; k < order.size(); ++k) {
        bin[order[k]] = static_cast<int>(k * n_bins / order.size());
      }
    }
    double total = 0;
    int counted = 0;
    for (size_t i = 0; i < units.size(); ++i) {
      const auto& y = ranks[i];
      double mean = 0;
      for (int v : y) mean += v;
      mean /= static_cast<double>(y.size());
      double var = 0;
      for (int v : y) var += (v - mean) * (v - mean);
      var /= static_cast<double>(y.size());
      if (var <= 0) continue;
      std::vector<double> sum(n_bins, 0), cnt(n_bins, 0);
      for (size_t r = 0; r < y.size(); ++r) sum[bin[r]] += y[r], cnt[bin[r]] += 1;
      double between = 0;
      for (int b = 0; b < n_bins; ++b) {
        if (cnt[b] > 0) between += cnt[b] * std::pow(sum[b] / cnt[b] - mean, 2);
      }
      between /= static_cast<double>(y.size());
      total += between / var;
      ++counted;
    }
    rep.factors.push_back({factor_names[f], counted ? total / counted : 0});
  }
  std::stable_sort(rep.factors.begin(), rep.factors.end(),
                   [](const FactorSensitivity& a, const FactorSensitivity& b) {
                     return a.first_order > b.first_order;
                   });
  if (ro.indicator_sensitivity) {
    for (int ii : fw.Indicators()) {
      const std::string& code = fw.nodes[ii].code;
      if (std::find(nominal.dropped_indicators.begin(), nominal.dropped_indicators.end(), code) !=
          nominal.dropped_indicators.end()) {
        continue;
      }
      Overrides ov;
      ov.left_out = {code};
      auto r = Compute(fw, data, edition, opts, ov);
      if (!r.ok()) return r.status().WithContext("leaving out " + code);
      const auto& rk = r->ranks.at(fw.root);
      IndicatorSensitivity s{code, 0, 0};
      int n = 0;
      for (int u : units) {
        if (rk[u] == 0) continue;
        int d = std::abs(rk[u] - nominal_ranks[u]);
        s.mean_abs_shift += d;
        s.max_abs_shift = std::max(s.max_abs_shift, d);
        ++n;
      }
      if (n > 0) s.mean_abs_shift /= n;
      rep.indicators.push_back(s);
    }
    std::stable_sort(rep.indicators.begin(), rep.indicators.end(),
                     [](const IndicatorSensitivity& a, const IndicatorSensitivity& b) {
                       return a.mean_abs_shift > b.mean_abs_shift;
                     });
  }
  return rep;
}

}  // namespace stio::analytics
