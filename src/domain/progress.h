// Progress and feasibility of a target: pure functions, no database.
//
// Method (after Open SDG, open-sdg/open-sdg docs/progress-methodology.md):
//   base (y0, t0): the target's baseline, or else the first observation.
//   latest (yi, ti): the last observation.
//   CAGR_obs = (yi / y0)^(1 / (ti - t0)) - 1   growth observed so far
//   CAGR_req = (yT / y0)^(1 / (T - t0)) - 1    growth needed to reach target yT in year T
//   R = CAGR_obs / CAGR_req.
// Status: achieved (the latest value meets the target, in the target's direction); on track
// (R >= 0.95); at risk (0.60 <= R < 0.95, Open SDG's "acceleration needed"); off track (R < 0.60,
// which includes deterioration, R < 0, and a target year passed without the target met); no data
// (no observation after the base year). Lower-is-better targets (direction -1) need no special
// case: both rates are then negative and R is positive when the value falls.
// When a value is zero or negative, compound growth is undefined and the same ratio is taken of
// linear rates ((yi - y0) / (ti - t0) against (yT - y0) / (T - t0)); `method` says which.
//
// Projection: ordinary least squares y = a + b t over the observations (with the baseline, if its
// year is not observed), evaluated at T, with the 95 % prediction interval
//   y(T) +/- t(0.975, n - 2) * s * sqrt(1 + 1/n + (T - mean(t))^2 / Sxx),  s^2 = SSE / (n - 2),
// given for n >= 3 points (n = 2 gives the line without an interval).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace stio::domain {

struct Observation {
  int year = 0;
  double value = 0;
};

struct Projection {
  int year = 0;
  double value = 0;
  double slope = 0;  // per year
  int points = 0;
  std::optional<double> lower;  // 95 % prediction interval
  std::optional<double> upper;
};

// OLS line through `points` (at least two distinct years), evaluated at `year`.
std::optional<Projection> ProjectLinear(const std::vector<Observation>& points, int year);

// Two-sided 95 % quantile of Student's t with `df` degrees of freedom (df >= 1).
double StudentT975(int df);

struct TargetInput {
  std::optional<double> baseline;
  std::optional<int> baseline_year;
  std::optional<double> target;
  std::optional<int> target_year;
  int direction = 1;                  // +1 higher is better, -1 lower is better
  std::vector<Observation> observed;  // any order; one value per year
};

struct Assessment {
  std::string status;  // achieved | on_track | at_risk | off_track | no_data
  std::string method;  // cagr | linear | "" (no rates)
  std::optional<double> base_value;
  std::optional<int> base_year;
  std::optional<double> latest_value;
  std::optional<int> latest_year;
  std::optional<double> progress;       // (latest - base) / (target - base), 1 = reached
  std::optional<double> rate_observed;  // CAGR_obs (fraction a year) or linear (units a year)
  std::optional<double> rate_required;
  std::optional<double> ratio;  // R
  bool deterioration = false;
  std::optional<double> yearly_effort;   // (target - latest) / (T - latest year), units a year
  std::optional<Projection> projection;  // at the target year
  std::vector<std::string> notes;
};

Assessment AssessTarget(const TargetInput& in);

}  // namespace stio::domain
