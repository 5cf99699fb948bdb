// What-if analysis and robustness of a composite index.
//
// What-if: change raw indicator values of one unit and recompute the edition. The computation is
// exact, not approximated: because min/max, outlier treatment and coverage depend on every unit,
// a change can move every score. It is fast because PreparedData is reused (no re-parsing or
// re-validation) and one edition of the PII size recomputes in about a millisecond (0.5 ms for 63
// units x 21 indicators in an optimised build).
//
// Cheapest changes to gain N places (GainPlaces), greedy:
//   For the unit, every indicator it could improve is a candidate step: move its raw value to the
//   next better distinct value held by another unit in the edition (or the one after, if that
//   brings no gain, e.g. when the unit was the minimum; where the unit already leads, nothing). The
//   cost of a step is the relative change |new - old| / max(|old|, eps), eps = 1% of the
//   indicator's observed range (so a missing or zero value is not free). A missing value is a
//   candidate too: it is set to the median of the other units, at cost 1. Each round applies the
//   step with the largest gain in the index score per unit of cost (gain measured by recomputing),
//   until the target rank is reached, no step raises the score, or `max_steps` rounds. The result
//   lists every step (an indicator may be raised in several steps), its cost, and the rank reached.
//   Greedy is not optimal; it is a transparent heuristic that only proposes values other units
//   already achieve.
//
// Robustness (Monte Carlo): each run multiplies every weight (nodes and indicators) by an
// independent factor uniform in [1 - weight_spread, 1 + weight_spread] (renormalisation is
// implicit: weights are relative within a parent), and picks the aggregation (for nodes that do
// not fix their own) and the normalisation uniformly from the given choices; geometric means over
// min-max scores use [scale/100, scale] so that a minimum does not zero the mean. Reports per unit
// the nominal rank, the median and the 5th and 95th percentiles of its rank (nearest-rank method).
// Sensitivity: for every indicator, the mean and largest absolute rank shift of the units when that
// indicator alone is left out. Random numbers: std::mt19937_64 seeded with `seed`, converted to
// uniforms by hand (53-bit), so results are identical on every platform and library version.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analytics/engine.h"

namespace stio::analytics {

struct ValueChange {
  std::string indicator;  // an indicator or denominator code
  double value = 0;       // new raw value (kNoValue removes it)
};

// Recomputes `edition` with `unit`'s raw values changed. Errors name unknown units or codes.
[[nodiscard]] Result<IndexResult> WhatIf(const Framework& fw, const PreparedData& data, int edition,
                                         const MethodOptions& opts, const std::string& unit,
                                         const std::vector<ValueChange>& changes);

struct GainStep {
  std::string indicator;
  double from = 0, to = 0;  // raw values (from is kNoValue if the value was missing)
  double cost = 0;          // relative change of this step
  double score_after = 0;
  int rank_after = 0;
};
struct GainPlan {
  int rank_before = 0, target_rank = 0, rank_after = 0;
  double score_before = 0, score_after = 0;
  double total_cost = 0;
  bool reached = false;
  std::vector<GainStep> steps;
};

// Greedy plan for `unit` to gain `places` ranks on the index (see above). Error if the unit has
// no rank in the edition or places < 1.
[[nodiscard]] Result<GainPlan> GainPlaces(const Framework& fw, const PreparedData& data,
                                          int edition, const MethodOptions& opts,
                                          const std::string& unit, int places, int max_steps = 30);

struct RobustnessOptions {
  int runs = 1000;
  uint64_t seed = 1;
  double weight_spread = 0.25;
  std::vector<Aggregation> aggregations = {Aggregation::kArithmetic, Aggregation::kGeometric};
  std::vector<Normalisation> normalisations = {Normalisation::kMinMax};
  bool indicator_sensitivity = true;
};

struct UnitRobustness {
  std::string unit;
  int nominal_rank = 0;
  double median_rank = 0;
  int p5_rank = 0, p95_rank = 0;
};
struct IndicatorSensitivity {
  std::string indicator;
  double mean_abs_shift = 0;
  int max_abs_shift = 0;
};
// First-order (main-effect) variance share of one uncertain input of the Monte Carlo:
// S = Var(E[rank | factor]) / Var(rank), averaged over the units whose rank varies. Estimated from
// the runs themselves: discrete factors (aggregation, normalisation) by category, weights by ten
// equal-count bins, minus nothing for bias, so with few runs small factors read slightly above 0.
// Factors: "aggregation", "normalisation" (when more than one choice) and "weight:CODE".
struct FactorSensitivity {
  std::string factor;
  double first_order = 0;
};
struct RobustnessReport {
  int runs = 0;
  uint64_t seed = 0;
  std::vector<UnitRobustness> units;             // included units, nominal rank order
  std::vector<IndicatorSensitivity> indicators;  // largest mean shift first
  std::vector<FactorSensitivity> factors;        // largest first-order index first
};

[[nodiscard]] Result<RobustnessReport> Robustness(const Framework& fw, const PreparedData& data,
                                                  int edition, const MethodOptions& opts,
                                                  const RobustnessOptions& ro);

}  // namespace stio::analytics
