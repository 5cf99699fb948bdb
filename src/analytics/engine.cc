#include "analytics/engine.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <sstream>
#include <tuple>

namespace stio::analytics {
namespace {

std::string Where(const Observation& o, size_t row) {
  return o.line > 0 ? "line " + std::to_string(o.line) : "row " + std::to_string(row + 1);
}

std::string Num(double v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

std::vector<double> Finite(const std::vector<double>& x) {
  std::vector<double> out;
  for (double v : x) {
    if (HasValue(v)) out.push_back(v);
  }
  return out;
}

struct Moments {
  double n = 0, mean = 0, m2 = 0, m3 = 0, m4 = 0;  // central sums
};
Moments Central(const std::vector<double>& x) {
  Moments m;
  m.n = static_cast<double>(x.size());
  if (x.empty()) return m;
  m.mean = std::accumulate(x.begin(), x.end(), 0.0) / m.n;
  for (double v : x) {
    double d = v - m.mean;
    m.m2 += d * d;
    m.m3 += d * d * d;
    m.m4 += d * d * d * d;
  }
  return m;
}

bool Outlying(const std::vector<double>& vals, const MethodOptions& o, double* skew_out) {
  double skew = SampleSkewness(vals), kurt = SampleKurtosis(vals);
  if (skew_out) *skew_out = skew;
  return HasValue(skew) && HasValue(kurt) && std::fabs(skew) > o.skew_threshold &&
         kurt > o.kurt_threshold;
}

struct Column {
  std::vector<double> values;    // stacked over the editions used for statistics
  size_t offset = 0, count = 0;  // slice belonging to the edition computed
};

// Outlier treatment of a column in place (the whole stacked column). Notes only for the slice.
void TreatOutliers(const Node& ind, Column& col, const MethodOptions& o,
                   const std::vector<std::string>& slice_units, std::vector<Note>& notes) {
  std::vector<double> vals = Finite(col.values);
  double skew = 0;
  if (vals.size() < 4 || !Outlying(vals, o, &skew)) return;
  // Order of the finite points, most extreme (on the skewed side) first.
  std::vector<size_t> order;
  for (size_t i = 0; i < col.values.size(); ++i) {
    if (HasValue(col.values[i])) order.push_back(i);
  }
  bool high = skew > 0;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return high ? col.values[a] > col.values[b] : col.values[a] < col.values[b];
  });
  std::vector<double> w = col.values;
  int max_points = std::min<int>(o.max_winsorised, static_cast<int>(order.size()) - 2);
  for (int k = 1; k <= max_points; ++k) {
    double next = col.values[order[k]];
    for (int j = 0; j < k; ++j) w[order[j]] = next;
    if (!Outlying(Finite(w), o, nullptr)) {
      for (int j = 0; j < k; ++j) {
        size_t i = order[j];
        if (i < col.offset || i >= col.offset + col.count) continue;
        if (w[i] == col.values[i]) continue;
        notes.push_back({NoteKind::kWinsorised, slice_units[i - col.offset], ind.code,
                         col.values[i], w[i],
                         "winsorised to the " + std::string(high ? "next highest" : "next lowest") +
                             " value (" + std::to_string(k) + " point(s) treated)"});
      }
      col.values = std::move(w);
      return;
    }
  }
  double lo = *std::min_element(vals.begin(), vals.end());
  double hi = *std::max_element(vals.begin(), vals.end());
  for (double& v : col.values) {
    if (!HasValue(v)) continue;
    v = high ? std::log(v - lo + 1) : -std::log(hi - v + 1);
  }
  notes.push_back({NoteKind::kLogTransformed, "", ind.code, skew, kNoValue,
                   "skewness " + Num(skew) + " and kurtosis still above the thresholds after " +
                       std::to_string(max_points) + " winsorised point(s): log-transformed (" +
                       (high ? "ln(x - min + 1)" : "-ln(max - x + 1)") + ")"});
}

// Average ranks (1-based, ascending) of the finite values; NaN stays NaN.
std::vector<double> AverageRanks(const std::vector<double>& x) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < x.size(); ++i) {
    if (HasValue(x[i])) idx.push_back(i);
  }
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size(), kNoValue);
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j + 1 < idx.size() && x[idx[j + 1]] == x[idx[i]]) ++j;
    double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2 + 1;
    for (size_t k = i; k <= j; ++k) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

// Normalises the slice of `col`. Returns false (and fills `why`) if the indicator is constant.
Result<bool> Normalise(const Node& ind, const Column& col, const MethodOptions& o,
                       const std::vector<std::string>& slice_units, std::vector<double>& out,
                       std::vector<Note>& notes, std::string& why) {
  out.assign(col.count, kNoValue);
  std::vector<double> vals = Finite(col.values);
  if (vals.empty()) {
    why = "no values";
    return false;
  }
  const double dir = ind.direction;
  if (ind.goal_min) {
    double lo = *ind.goal_min, hi = *ind.goal_max;
    if (ind.log_transform) lo = std::log(lo), hi = std::log(hi);
    for (size_t i = 0; i < col.count; ++i) {
      double x = col.values[col.offset + i];
      if (!HasValue(x)) continue;
      double t = (x - lo) / (hi - lo);
      if (t < 0 || t > 1) {
        double c = std::clamp(t, 0.0, 1.0);
        notes.push_back({NoteKind::kClipped, slice_units[i], ind.code, x, c * (hi - lo) + lo,
                         "outside the goalposts; clipped"});
        t = c;
      }
      out[i] = o.minmax_lower + (dir > 0 ? t : 1 - t) * (o.scale - o.minmax_lower);
    }
    return true;
  }
  double lo = *std::min_element(vals.begin(), vals.end());
  double hi = *std::max_element(vals.begin(), vals.end());
  if (hi == lo && o.normalisation != Normalisation::kDistanceToReference) {
    why = "constant (every unit has " + Num(lo) + ")";
    return false;
  }
  switch (o.normalisation) {
    case Normalisation::kMinMax:
      for (size_t i = 0; i < col.count; ++i) {
        double x = col.values[col.offset + i];
        if (!HasValue(x)) continue;
        out[i] =
            o.minmax_lower + (dir > 0 ? x - lo : hi - x) / (hi - lo) * (o.scale - o.minmax_lower);
      }
      break;
    case Normalisation::kZScore: {
      Moments m = Central(vals);
      double sd = std::sqrt(m.m2 / (m.n - 1));
      if (!(sd > 0)) {
        why = "zero standard deviation";
        return false;
      }
      for (size_t i = 0; i < col.count; ++i) {
        double x = col.values[col.offset + i];
        if (HasValue(x)) out[i] = dir * (x - m.mean) / sd;
      }
      break;
    }
    case Normalisation::kRank: {
      std::vector<double> r = AverageRanks(col.values);
      double n = static_cast<double>(vals.size());
      for (size_t i = 0; i < col.count; ++i) {
        double x = r[col.offset + i];
        if (!HasValue(x)) continue;
        double t = (x - 1) / (n - 1);
        out[i] = o.minmax_lower + (dir > 0 ? t : 1 - t) * (o.scale - o.minmax_lower);
      }
      break;
    }
    case Normalisation::kDistanceToReference: {
      auto it = std::find(slice_units.begin(), slice_units.end(), o.reference_unit);
      if (o.reference_unit.empty() || it == slice_units.end()) {
        return Status::InvalidArgument(
            "distance_to_reference needs a reference unit present in "
            "the edition; got \"" +
                o.reference_unit + "\"",
            "reference_unit");
      }
      double ref = col.values[col.offset + (it - slice_units.begin())];
      if (!HasValue(ref) || ref == 0) {
        return Status::InvalidArgument("reference unit \"" + o.reference_unit +
                                           "\" has no non-zero value for indicator \"" + ind.code +
                                           "\"",
                                       ind.code);
      }
      for (size_t i = 0; i < col.count; ++i) {
        double x = col.values[col.offset + i];
        if (!HasValue(x)) continue;
        out[i] = dir > 0 ? o.scale * x / ref : (x == 0 ? kNoValue : o.scale * ref / x);
      }
      break;
    }
  }
  return true;
}

struct EditionPrep {
  int year = 0;
  std::vector<int> units;  // unit positions in PreparedData
  std::vector<bool> included;
  std::map<std::string, std::vector<double>> denominated;  // indicator -> value per unit
  std::set<std::string> dropped;
};

// Denomination and coverage for one edition. Notes are added only if `notes` is not null.
EditionPrep PrepareEdition(const Framework& fw, const PreparedData& data, int year,
                           const MethodOptions& o, const std::set<std::string>& left_out,
                           std::vector<Note>* notes) {
  EditionPrep e;
  e.year = year;
  e.units = data.EditionUnits(year);
  const auto& unit_names = data.units();
  std::vector<int> inds = fw.Indicators();
  // Units with at least one indicator value (not only denominators such as the population).
  std::vector<bool> reporting(e.units.size(), false);
  for (int ii : inds) {
    const Node& ind = fw.nodes[ii];
    std::vector<double> v = data.Values(ind.code, year, e.units);
    std::vector<double> den;
    if (!ind.denominator.empty()) den = data.Values(ind.denominator, year, e.units);
    for (size_t u = 0; u < e.units.size(); ++u) {
      double raw = v[u];
      if (!HasValue(raw)) continue;
      reporting[u] = true;
      if (!ind.denominator.empty()) {
        if (!HasValue(den[u])) {
          if (notes) {
            notes->push_back({NoteKind::kDenominatorMissing, unit_names[e.units[u]], ind.code, raw,
                              kNoValue, "no value of denominator \"" + ind.denominator + "\""});
          }
          v[u] = kNoValue;
          continue;
        }
        raw = raw / den[u] * ind.factor;
      } else {
        raw *= ind.factor;
      }
      v[u] = raw;
    }
    e.denominated[ind.code] = std::move(v);
  }
  // Indicator coverage, over the units that report any indicator: a unit that only has
  // denominators (e.g. the population of every province, from reference data) does not make every
  // indicator look sparse; it is excluded below, and reported.
  const size_t reporting_units =
      static_cast<size_t>(std::count(reporting.begin(), reporting.end(), true));
  for (int ii : inds) {
    const Node& ind = fw.nodes[ii];
    const auto& v = e.denominated[ind.code];
    size_t have =
        v.size() - std::count_if(v.begin(), v.end(), [](double x) { return !HasValue(x); });
    double share = reporting_units == 0 ? 0 : static_cast<double>(have) / reporting_units;
    if (left_out.count(ind.code)) {
      e.dropped.insert(ind.code);
      if (notes) {
        notes->push_back(
            {NoteKind::kIndicatorDropped, "", ind.code, kNoValue, kNoValue, "left out by request"});
      }
    } else if (share < o.indicator_min_share || have == 0) {
      e.dropped.insert(ind.code);
      if (notes) {
        notes->push_back({NoteKind::kIndicatorDropped, "", ind.code, share, kNoValue,
                          "data for " + std::to_string(have) + " of " +
                              std::to_string(reporting_units) +
                              " units with indicator data, below the minimum share " +
                              Num(o.indicator_min_share)});
      }
    }
  }
  // Unit coverage.
  size_t active = inds.size() - e.dropped.size();
  e.included.assign(e.units.size(), true);
  std::vector<const std::vector<double>*> active_cols;
  for (int ii : inds) {
    if (!e.dropped.count(fw.nodes[ii].code))
      active_cols.push_back(&e.denominated[fw.nodes[ii].code]);
  }
  for (size_t u = 0; u < e.units.size(); ++u) {
    size_t have = 0;
    for (const auto* col : active_cols) have += HasValue((*col)[u]);
    double share = active == 0 ? 0 : static_cast<double>(have) / active;
    std::string why;
    if (have == 0 || share < o.unit_min_share) {
      why = "data for " + std::to_string(have) + " of " + std::to_string(active) +
            " indicators, below the minimum share " + Num(o.unit_min_share);
    } else if (o.group_min_share > 0) {
      for (const auto& [parent, kids] : fw.children) {
        size_t n = 0, h = 0;
        for (int k : kids) {
          const Node& c = fw.nodes[k];
          if (!c.is_indicator || e.dropped.count(c.code)) continue;
          ++n;
          if (HasValue(e.denominated[c.code][u])) ++h;
        }
        if (n > 0 && static_cast<double>(h) / n < o.group_min_share) {
          why = "data for " + std::to_string(h) + " of " + std::to_string(n) +
                " indicators of group \"" + parent + "\", below the minimum share " +
                Num(o.group_min_share);
          break;
        }
      }
    }
    if (!why.empty()) {
      e.included[u] = false;
      if (notes) {
        notes->push_back(
            {NoteKind::kUnitExcluded, unit_names[e.units[u]], "", share, kNoValue, why});
      }
    }
  }
  return e;
}

}  // namespace

std::string_view NoteKindName(NoteKind k) {
  switch (k) {
    case NoteKind::kIndicatorDropped:
      return "indicator_dropped";
    case NoteKind::kUnitExcluded:
      return "unit_excluded";
    case NoteKind::kMissing:
      return "missing_not_imputed";
    case NoteKind::kDenominatorMissing:
      return "denominator_missing";
    case NoteKind::kWinsorised:
      return "winsorised";
    case NoteKind::kLogTransformed:
      return "log_transformed";
    case NoteKind::kClipped:
      return "clipped_to_goalpost";
    case NoteKind::kImputed:
      return "imputed";
  }
  return "?";
}

double SampleSkewness(const std::vector<double>& x) {
  Moments m = Central(x);
  if (m.n < 3 || m.m2 <= 0) return kNoValue;
  double s = std::sqrt(m.m2 / (m.n - 1));
  double sum3 = m.m3 / (s * s * s);
  return m.n / ((m.n - 1) * (m.n - 2)) * sum3;
}

double SampleKurtosis(const std::vector<double>& x) {
  Moments m = Central(x);
  if (m.n < 4 || m.m2 <= 0) return kNoValue;
  double n = m.n;
  double s2 = m.m2 / (n - 1);
  double sum4 = m.m4 / (s2 * s2);
  return n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * sum4 -
         3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3));
}

std::vector<int> RankDescending(const std::vector<double>& values, int decimals) {
  std::vector<double> r(values.size());
  std::vector<size_t> order;
  const double f = decimals < 0 ? 1 : std::pow(10.0, decimals);
  for (size_t i = 0; i < values.size(); ++i) {
    // Half away from zero; the relative nudge makes 49.365 (stored as 49.36499999...) round up.
    r[i] = decimals < 0 || !HasValue(values[i]) ? values[i]
                                                : std::round(values[i] * f * (1 + 1e-12)) / f;
    if (HasValue(r[i])) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return r[a] > r[b]; });
  std::vector<int> ranks(values.size(), 0);
  for (size_t k = 0; k < order.size(); ++k) {
    bool tie = k > 0 && r[order[k]] == r[order[k - 1]];
    ranks[order[k]] = tie ? ranks[order[k - 1]] : static_cast<int>(k) + 1;
  }
  return ranks;
}

int IndexResult::UnitIndex(std::string_view unit) const {
  for (size_t i = 0; i < units.size(); ++i) {
    if (units[i] == unit) return static_cast<int>(i);
  }
  return -1;
}

double IndexResult::Score(std::string_view node, std::string_view unit) const {
  int u = UnitIndex(unit);
  auto it = scores.find(std::string(node));
  return u < 0 || it == scores.end() ? kNoValue : it->second[u];
}

int IndexResult::Rank(std::string_view node, std::string_view unit) const {
  int u = UnitIndex(unit);
  auto it = ranks.find(std::string(node));
  return u < 0 || it == ranks.end() ? 0 : it->second[u];
}

Status CheckDataset(const Framework& fw, const Dataset& data) {
  std::set<std::string> allowed_units(data.units.begin(), data.units.end());
  std::set<std::tuple<std::string, std::string, int>> seen;
  for (size_t r = 0; r < data.observations.size(); ++r) {
    const Observation& o = data.observations[r];
    std::string where = Where(o, r);
    if (o.unit.empty()) return Status::InvalidArgument(where + ": empty unit code", where);
    if (!allowed_units.empty() && !allowed_units.count(o.unit)) {
      return Status::InvalidArgument(where + ": unknown unit \"" + o.unit + "\"", where);
    }
    const Node* n = fw.Find(o.indicator);
    bool is_den = fw.IsDenominator(o.indicator);
    if ((!n || !n->is_indicator) && !is_den) {
      return Status::InvalidArgument(where + ": unknown indicator \"" + o.indicator +
                                         "\" (not an indicator or denominator of framework " +
                                         fw.code + ")",
                                     where);
    }
    if (!std::isfinite(o.value)) {
      return Status::InvalidArgument(where + ": value is not a finite number", where);
    }
    if (is_den && !(o.value > 0)) {
      return Status::InvalidArgument(
          where + ": denominator \"" + o.indicator + "\" must be positive, got " + Num(o.value),
          where);
    }
    if (n && n->log_transform && !(o.value > 0)) {
      return Status::InvalidArgument(where + ": indicator \"" + o.indicator +
                                         "\" is log-transformed and must be positive, got " +
                                         Num(o.value),
                                     where);
    }
    if (n &&
        ((n->valid_min && o.value < *n->valid_min) || (n->valid_max && o.value > *n->valid_max))) {
      return Status::InvalidArgument(
          where + ": value " + Num(o.value) + " of indicator \"" + o.indicator + "\" for unit \"" +
              o.unit + "\" is outside its valid range [" +
              (n->valid_min ? Num(*n->valid_min) : std::string("-inf")) + ", " +
              (n->valid_max ? Num(*n->valid_max) : std::string("inf")) + "] (wrong sign or unit?)",
          where);
    }
    if (!seen.insert({o.unit, o.indicator, o.year}).second) {
      return Status::InvalidArgument(where + ": duplicate value for unit \"" + o.unit +
                                         "\", indicator \"" + o.indicator + "\", year " +
                                         std::to_string(o.year),
                                     where);
    }
  }
  return Status::Ok();
}

int PreparedData::YearIndex(int year) const {
  auto it = std::lower_bound(years_.begin(), years_.end(), year);
  return it != years_.end() && *it == year ? static_cast<int>(it - years_.begin()) : -1;
}

std::vector<int> PreparedData::EditionUnits(int edition) const {
  std::vector<int> out;
  int y = YearIndex(edition);
  if (y < 0) return out;
  for (size_t u = 0; u < units_.size(); ++u) {
    bool any = fixed_units_;
    for (size_t c = 0; !any && c < values_[y].size(); ++c) any = HasValue(values_[y][c][u]);
    if (any) out.push_back(static_cast<int>(u));
  }
  return out;
}

double PreparedData::Get(std::string_view unit, std::string_view code, int edition) const {
  int y = YearIndex(edition);
  auto u = unit_index_.find(std::string(unit));
  auto c = code_index_.find(std::string(code));
  if (y < 0 || u == unit_index_.end() || c == code_index_.end()) return kNoValue;
  return values_[y][c->second][u->second];
}

std::vector<double> PreparedData::Values(std::string_view code, int edition,
                                         const std::vector<int>& unit_positions) const {
  std::vector<double> out(unit_positions.size(), kNoValue);
  int y = YearIndex(edition);
  auto c = code_index_.find(std::string(code));
  if (y < 0 || c == code_index_.end()) return out;
  const auto& col = values_[y][c->second];
  for (size_t i = 0; i < unit_positions.size(); ++i) out[i] = col[unit_positions[i]];
  return out;
}

void PreparedData::Set(std::string_view unit, std::string_view code, int edition, double value) {
  int y = YearIndex(edition), c = code_index_.at(std::string(code)),
      u = unit_index_.at(std::string(unit));
  values_[y][c][u] = value;
  edited_.insert({y, c, u});
}

std::string PreparedData::Source(std::string_view unit, std::string_view code, int edition) const {
  int y = YearIndex(edition);
  auto c = code_index_.find(std::string(code));
  auto u = unit_index_.find(std::string(unit));
  if (y < 0 || c == code_index_.end() || u == unit_index_.end()) return "";
  Key key{y, c->second, u->second};
  if (edited_.count(key)) return "what-if";
  if (!sources_) return "";
  auto it = sources_->find(key);
  return it == sources_->end() ? "" : it->second;
}

Result<PreparedData> Prepare(const Framework& fw, const Dataset& data) {
  STIO_RETURN_IF_ERROR(CheckDataset(fw, data));
  PreparedData p;
  std::set<int> years;
  std::set<std::string> units;
  for (const auto& o : data.observations) {
    years.insert(o.year);
    units.insert(o.unit);
  }
  p.years_.assign(years.begin(), years.end());
  if (!data.units.empty()) {
    p.units_ = data.units;
    p.fixed_units_ = true;
  } else {
    p.units_.assign(units.begin(), units.end());
  }
  for (size_t i = 0; i < p.units_.size(); ++i) p.unit_index_[p.units_[i]] = static_cast<int>(i);
  int codes = 0;
  for (const auto& n : fw.nodes) {
    if (n.is_indicator) p.code_index_[n.code] = codes++;
  }
  for (const auto& d : fw.denominators) p.code_index_[d.code] = codes++;
  p.values_.assign(p.years_.size(), std::vector<std::vector<double>>(
                                        codes, std::vector<double>(p.units_.size(), kNoValue)));
  auto sources = std::make_shared<std::map<PreparedData::Key, std::string>>();
  for (const auto& o : data.observations) {
    int y = p.YearIndex(o.year), c = p.code_index_[o.indicator], u = p.unit_index_[o.unit];
    p.values_[y][c][u] = o.value;
    if (!o.source.empty()) (*sources)[{y, c, u}] = o.source;
  }
  p.sources_ = std::move(sources);
  return p;
}

Result<IndexResult> Compute(const Framework& fw, const PreparedData& data, int edition,
                            const MethodOptions& o, const Overrides& overrides) {
  if (!data.HasEdition(edition)) {
    return Status::NotFound("no data for edition " + std::to_string(edition));
  }
  std::map<std::string, double> weights;
  for (const auto& n : fw.nodes) weights[n.code] = n.weight;
  for (const auto& [code, w] : overrides.weights) {
    if (!weights.count(code)) {
      return Status::InvalidArgument("weight override for unknown code \"" + code + "\"", code);
    }
    if (!std::isfinite(w) || w < 0) {
      return Status::InvalidArgument("weight override for \"" + code + "\" must be >= 0", code);
    }
    weights[code] = w;
  }
  std::set<std::string> left_out(overrides.left_out.begin(), overrides.left_out.end());
  for (const auto& code : left_out) {
    const Node* n = fw.Find(code);
    if (!n || !n->is_indicator) {
      return Status::InvalidArgument("cannot leave out \"" + code + "\": not an indicator", code);
    }
  }

  IndexResult r;
  r.edition = edition;
  EditionPrep e = PrepareEdition(fw, data, edition, o, left_out, &r.notes);
  for (int u : e.units) r.units.push_back(data.units()[u]);
  r.included = e.included;
  const size_t n_units = r.units.size();

  std::vector<EditionPrep> others;  // other editions, for pooled min/max
  if (o.pooled_minmax) {
    for (int y : data.editions()) {
      if (y != edition) others.push_back(PrepareEdition(fw, data, y, o, left_out, nullptr));
    }
  }

  for (int ii : fw.Indicators()) {
    const Node& ind = fw.nodes[ii];
    std::vector<double> raw = e.denominated[ind.code];
    for (size_t u = 0; u < n_units; ++u) {
      if (!e.included[u]) raw[u] = kNoValue;
    }
    r.raw[ind.code] = raw;
    if (e.dropped.count(ind.code)) {
      r.scores[ind.code].assign(n_units, kNoValue);
      r.dropped_indicators.push_back(ind.code);
      continue;
    }
    double fill = kNoValue;
    if (o.imputation != Imputation::kNone) {
      std::vector<double> have = Finite(raw);
      if (!have.empty()) {
        if (o.imputation == Imputation::kIndicatorMean) {
          fill = std::accumulate(have.begin(), have.end(), 0.0) / have.size();
        } else {
          std::sort(have.begin(), have.end());
          size_t n = have.size();
          fill = (have[(n - 1) / 2] + have[n / 2]) / 2;
        }
      }
    }
    std::vector<double> filled = raw;
    for (size_t u = 0; u < n_units; ++u) {
      if (!e.included[u] || HasValue(raw[u])) continue;
      if (HasValue(fill)) {
        filled[u] = fill;
        r.notes.push_back({NoteKind::kImputed, r.units[u], ind.code, kNoValue, fill,
                           o.imputation == Imputation::kIndicatorMean
                               ? "imputed with the indicator's mean over the included units"
                               : "imputed with the indicator's median over the included units"});
      } else {
        r.notes.push_back({NoteKind::kMissing, r.units[u], ind.code, kNoValue, kNoValue,
                           "no value; not imputed, the parent's weights are renormalised"});
      }
    }
    Column col;
    for (const auto& oe : others) {
      const auto& v = oe.denominated.at(ind.code);
      for (size_t u = 0; u < v.size(); ++u) col.values.push_back(oe.included[u] ? v[u] : kNoValue);
    }
    col.offset = col.values.size();
    col.count = n_units;
    col.values.insert(col.values.end(), filled.begin(), filled.end());
    if (ind.log_transform) {
      for (double& v : col.values) {
        if (HasValue(v)) v = std::log(v);
      }
    }
    if (o.treat_outliers && ind.treat_outliers && !ind.goal_min) {
      TreatOutliers(ind, col, o, r.units, r.notes);
    }
    r.treated[ind.code].assign(col.values.begin() + col.offset, col.values.end());
    std::vector<double> norm;
    std::string why;
    STIO_ASSIGN_OR_RETURN(bool usable, Normalise(ind, col, o, r.units, norm, r.notes, why));
    if (!usable) {
      r.notes.push_back({NoteKind::kIndicatorDropped, "", ind.code, kNoValue, kNoValue, why});
      r.dropped_indicators.push_back(ind.code);
      norm.assign(n_units, kNoValue);
    }
    r.scores[ind.code] = std::move(norm);
  }

  // Aggregation, children first.
  for (int ni : fw.post_order) {
    const Node& node = fw.nodes[ni];
    Aggregation agg = node.aggregation.value_or(o.aggregation);
    std::vector<double> s(n_units, kNoValue);
    const auto& kids = fw.children.at(node.code);
    std::vector<const std::vector<double>*> kid_scores;
    std::vector<double> kid_weights;
    for (int k : kids) {
      kid_scores.push_back(&r.scores[fw.nodes[k].code]);
      kid_weights.push_back(weights[fw.nodes[k].code]);
    }
    for (size_t u = 0; u < n_units; ++u) {
      if (!r.included[u]) continue;
      double wsum = 0, acc = 0;
      bool zero = false;
      for (size_t ki = 0; ki < kids.size(); ++ki) {
        const std::string& kc = fw.nodes[kids[ki]].code;
        double w = kid_weights[ki];
        double x = (*kid_scores[ki])[u];
        if (!HasValue(x) || w <= 0) continue;
        wsum += w;
        if (agg != Aggregation::kGeometric) {
          acc += w * x;
        } else if (x < 0) {
          return Status::InvalidArgument(
              "geometric mean at \"" + node.code + "\" needs non-negative scores, but \"" + kc +
                  "\" is " + Num(x) + " for unit \"" + r.units[u] + "\" (use minmax or rank)",
              node.code);
        } else if (x == 0) {
          zero = true;
        } else {
          acc += w * std::log(x);
        }
      }
      if (wsum == 0) continue;
      if (agg == Aggregation::kArithmetic) {
        s[u] = acc / wsum;
      } else if (agg == Aggregation::kSum) {
        s[u] = acc;
      } else {
        s[u] = zero ? 0 : std::exp(acc / wsum);
      }
    }
    if (node.rescale) {
      std::vector<double> have = Finite(s);
      if (!have.empty()) {
        auto [lo, hi] = std::minmax_element(have.begin(), have.end());
        double a = *lo, b = *hi;
        for (double& x : s) {
          if (!HasValue(x)) continue;
          x = b > a ? node.rescale->first +
                          (x - a) / (b - a) * (node.rescale->second - node.rescale->first)
                    : node.rescale->second;
        }
      }
    }
    r.scores[node.code] = std::move(s);
  }
  for (const auto& [code, s] : r.scores) r.ranks[code] = RankDescending(s, o.rank_decimals);
  if (!fw.efficiency_numerator.empty()) {
    r.efficiency.assign(n_units, kNoValue);
    const auto& num = r.scores[fw.efficiency_numerator];
    const auto& den = r.scores[fw.efficiency_denominator];
    for (size_t u = 0; u < n_units; ++u) {
      if (HasValue(num[u]) && HasValue(den[u]) && den[u] > 0) r.efficiency[u] = num[u] / den[u];
    }
    r.efficiency_ranks = RankDescending(r.efficiency, o.rank_decimals < 0 ? -1 : 4);
  }
  return r;
}

Result<IndexResult> Compute(const Framework& fw, const Dataset& data, int edition) {
  STIO_ASSIGN_OR_RETURN(PreparedData p, Prepare(fw, data));
  return Compute(fw, p, edition, fw.method);
}

Result<std::vector<double>> RelativeScores(const IndexResult& result, const IndexResult& reference,
                                           const std::string& node,
                                           const std::string& reference_unit) {
  auto it = result.scores.find(node);
  auto rt = reference.scores.find(node);
  if (it == result.scores.end() || rt == reference.scores.end()) {
    return Status::InvalidArgument("unknown node \"" + node + "\"", node);
  }
  double ref = kNoValue;
  if (reference_unit.empty()) {
    double sum = 0;
    int n = 0;
    for (double v : rt->second) {
      if (HasValue(v)) sum += v, ++n;
    }
    if (n > 0) ref = sum / n;
  } else {
    ref = reference.Score(node, reference_unit);
  }
  if (!HasValue(ref) || ref == 0) {
    return Status::InvalidArgument(
        "reference score of \"" + node + "\" for " +
            (reference_unit.empty() ? std::string("the mean") : "unit \"" + reference_unit + "\"") +
            " in edition " + std::to_string(reference.edition) + " is missing or zero",
        "reference_unit");
  }
  std::vector<double> out(it->second.size(), kNoValue);
  for (size_t i = 0; i < out.size(); ++i) {
    if (HasValue(it->second[i])) out[i] = 100 * it->second[i] / ref;
  }
  return out;
}

Profile StrengthsAndWeaknesses(const Framework& fw, const IndexResult& r, std::string_view unit,
                               int min_gap) {
  Profile p;
  int overall = r.Rank(fw.root, unit);
  if (overall == 0) return p;
  for (int ii : fw.Indicators()) {
    const std::string& code = fw.nodes[ii].code;
    int ir = r.Rank(code, unit);
    if (ir == 0) continue;
    if (overall - ir >= min_gap) p.strengths.push_back({code, ir, overall});
    if (ir - overall >= min_gap) p.weaknesses.push_back({code, ir, overall});
  }
  auto by_gap = [](const StrengthWeakness& a, const StrengthWeakness& b) {
    return std::abs(a.indicator_rank - a.overall_rank) >
           std::abs(b.indicator_rank - b.overall_rank);
  };
  std::stable_sort(p.strengths.begin(), p.strengths.end(), by_gap);
  std::stable_sort(p.weaknesses.begin(), p.weaknesses.end(), by_gap);
  return p;
}

}  // namespace stio::analytics
