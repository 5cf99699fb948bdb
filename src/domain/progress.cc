#include "domain/progress.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace stio::domain {

double StudentT975(int df) {
  static constexpr double kTable[] = {12.706204, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912,
                                      2.364624,  2.306004, 2.262157, 2.228139, 2.200985, 2.178813,
                                      2.160369,  2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
                                      2.093024,  2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
                                      2.059539,  2.055529, 2.051831, 2.048407, 2.045230, 2.042272};
  if (df < 1) return NAN;
  if (df <= 30) return kTable[df - 1];
  if (df <= 60) return 2.042272 + (2.000298 - 2.042272) * (df - 30) / 30.0;
  if (df <= 120) return 2.000298 + (1.979930 - 2.000298) * (df - 60) / 60.0;
  return 1.959964;
}

std::optional<Projection> ProjectLinear(const std::vector<Observation>& points, int year) {
  const int n = static_cast<int>(points.size());
  if (n < 2) return std::nullopt;
  double mt = 0, my = 0;
  for (const auto& p : points) {
    mt += p.year;
    my += p.value;
  }
  mt /= n;
  my /= n;
  double sxx = 0, sxy = 0;
  for (const auto& p : points) {
    sxx += (p.year - mt) * (p.year - mt);
    sxy += (p.year - mt) * (p.value - my);
  }
  if (sxx <= 0) return std::nullopt;
  Projection out;
  out.year = year;
  out.points = n;
  out.slope = sxy / sxx;
  out.value = my + out.slope * (year - mt);
  if (n >= 3) {
    double sse = 0;
    for (const auto& p : points) {
      const double r = p.value - (my + out.slope * (p.year - mt));
      sse += r * r;
    }
    const double s = std::sqrt(sse / (n - 2));
    const double half =
        StudentT975(n - 2) * s * std::sqrt(1.0 + 1.0 / n + (year - mt) * (year - mt) / sxx);
    out.lower = out.value - half;
    out.upper = out.value + half;
  }
  return out;
}

Assessment AssessTarget(const TargetInput& in) {
  Assessment a;
  const int dir = in.direction < 0 ? -1 : 1;
  std::map<int, double> obs;
  for (const auto& o : in.observed) {
    if (std::isfinite(o.value)) obs[o.year] = o.value;
  }
  if (in.baseline && in.baseline_year) {
    a.base_value = in.baseline;
    a.base_year = in.baseline_year;
  } else if (!obs.empty()) {
    a.base_year = obs.begin()->first;
    a.base_value = obs.begin()->second;
    a.notes.push_back("no baseline in the plan: the first observation is used");
  }
  if (!obs.empty()) {
    a.latest_year = obs.rbegin()->first;
    a.latest_value = obs.rbegin()->second;
  }
  // Observations after the base year (the baseline itself is not progress).
  const bool has_after = a.base_year && a.latest_year && *a.latest_year > *a.base_year;
  if (!in.target || !in.target_year) {
    a.status = "no_data";
    a.notes.push_back("the target has no value or no year");
    return a;
  }
  const double target = *in.target;
  const int T = *in.target_year;
  // Projection over the observations and the baseline.
  {
    std::map<int, double> pts = obs;
    if (a.base_year && !pts.count(*a.base_year)) pts[*a.base_year] = *a.base_value;
    std::vector<Observation> v;
    for (const auto& [y, x] : pts) v.push_back({y, x});
    a.projection = ProjectLinear(v, T);
  }
  if (!a.latest_value || !a.base_value) {
    a.status = "no_data";
    a.notes.push_back("no observed value");
    return a;
  }
  const double base = *a.base_value, latest = *a.latest_value;
  if (target != base) a.progress = (latest - base) / (target - base);
  if (T > *a.latest_year) a.yearly_effort = (target - latest) / (T - *a.latest_year);
  if (dir * (latest - target) >= 0 && (has_after || obs.count(*a.base_year))) {
    a.status = "achieved";
    return a;
  }
  if (!has_after) {
    a.status = "no_data";
    a.notes.push_back("no observation after the base year " + std::to_string(*a.base_year));
    return a;
  }
  const int t0 = *a.base_year, ti = *a.latest_year;
  if (T <= t0) {
    a.status = "off_track";
    a.notes.push_back("the target year is not after the base year");
    return a;
  }
  if (base > 0 && latest > 0 && target > 0) {
    a.method = "cagr";
    a.rate_observed = std::pow(latest / base, 1.0 / (ti - t0)) - 1.0;
    a.rate_required = std::pow(target / base, 1.0 / (T - t0)) - 1.0;
  } else {
    a.method = "linear";
    a.rate_observed = (latest - base) / (ti - t0);
    a.rate_required = (target - base) / (T - t0);
  }
  a.deterioration = dir * *a.rate_observed < 0;
  if (T <= ti) {
    a.status = "off_track";
    a.notes.push_back("the target year has passed without the target met");
    return a;
  }
  if (*a.rate_required == 0) {
    // Target equal to the base and not met: the value has moved the wrong way.
    a.status = "off_track";
    return a;
  }
  a.ratio = *a.rate_observed / *a.rate_required;
  if (*a.ratio >= 0.95) {
    a.status = "on_track";
  } else if (*a.ratio >= 0.60) {
    a.status = "at_risk";
  } else {
    a.status = "off_track";
  }
  return a;
}

}  // namespace stio::domain
