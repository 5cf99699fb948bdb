// The composite-index pipeline: denomination -> coverage -> (imputation) -> transforms and
// outlier treatment -> normalisation -> aggregation -> scores and ranks at every level, efficiency
// ratio, relative scores.
//
// Compute() never drops data silently: every unit or indicator left out, every missing value
// (by default NOT imputed: the parent's weights are renormalised over what the unit has), every
// imputed value, winsorised point, log transform, goalpost clip and constant indicator is listed
// in IndexResult::notes.
//
// Steps for one edition (year) and every indicator column:
//  1. Denomination: value = raw / denominator * factor (denominator series from the same data).
//  2. Coverage: indicators with data for fewer than indicator_min_share of the units that have any
//     indicator value are dropped (a unit with only denominators, e.g. the population every
//     province has in reference data, does not count here; it is excluded and reported);
//     then units with fewer than unit_min_share of the remaining indicators (or, if
//     group_min_share > 0, fewer than that share in any group = node whose children are
//     indicators) are excluded and get no score or rank.
//  3. Imputation (MethodOptions::imputation, default none): the indicator's mean or median over
//     the included units fills a missing value.
//  4. Fixed log transform (framework "transform": "log"), goalposts transformed alike.
//  5. Outliers (indicators without goalposts): with Excel's SKEW and KURT (bias-corrected sample
//     skewness and excess kurtosis), while |skew| > skew_threshold and kurt > kurt_threshold,
//     the most extreme value on the skewed side is set to the next one (winsorised), up to
//     max_winsorised points. If the rule still holds, the winsorisation is undone and the column
//     is log-transformed instead: ln(x - min + 1) for positive skew, -ln(max - x + 1) for
//     negative skew (COINr's "log_CT"; monotone, so ranks within the indicator are kept).
//  6. Normalisation to [minmax_lower, scale]: with goalposts, (x - lo) / (hi - lo) clipped to
//     [0, 1]; else the selected method (see Normalisation). Direction -1 reverses. Min/max come
//     from the edition, or from all editions in the data (pooled_minmax; treatment is then pooled
//     too). An indicator constant over the units is dropped (reported).
//  7. Aggregation, children before parents: the weighted arithmetic or geometric mean (or sum)
//     over the children that have a score, weights renormalised over them. A node without any
//     scored child has no score. Geometric means need non-negative scores (zero gives zero). A
//     node with "rescale" is then min-max rescaled over the included units.
//  8. Ranks at every node: descending, on scores rounded half away from zero to rank_decimals;
//     ties share the best rank (1, 2, 2, 4), as the GII ranks equal published scores.
//
// Cost: O(units x indicators) per edition plus sorting; about 0.5 ms for 63 units and 21
// indicators (optimised build), so what-if recomputes in full rather than incrementally.
//
// Thread-safety: pure functions over values.
#pragma once

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "analytics/framework.h"
#include "core/status.h"

namespace stio::analytics {

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();
inline bool HasValue(double v) { return !std::isnan(v); }

// One raw value: an indicator or denominator series for a unit in a year.
struct Observation {
  std::string unit;
  std::string indicator;  // an indicator or a denominator code of the framework
  int year = 0;
  double value = 0;
  std::string source;
  int line = 0;  // line in the file it came from, for messages (0 if none)
};

// Raw values, validated against a framework (see CheckDataset) so that each (unit, code, year)
// occurs once.
struct Dataset {
  std::vector<Observation> observations;
  // Units in display order; if empty, the units present in the data (sorted by code).
  std::vector<std::string> units;
};

// Checks a dataset against a framework: unknown codes, non-finite values, duplicate
// (unit, code, year), negative values of a log-transformed indicator or of a denominator, zero
// denominators, values outside an indicator's valid_range, unknown units if Dataset::units is set.
// Errors name the line (or the row index).
[[nodiscard]] Status CheckDataset(const Framework& fw, const Dataset& data);

enum class NoteKind {
  kIndicatorDropped,    // coverage below indicator_min_share, or constant in the edition
  kUnitExcluded,        // coverage below unit_min_share / group_min_share
  kMissing,             // no value: not imputed, weights renormalised over the unit's data
  kDenominatorMissing,  // the raw value exists but its denominator does not
  kWinsorised,          // value replaced by the next value inward
  kLogTransformed,      // the whole indicator was log-transformed (outlier rule)
  kClipped,             // value outside fixed goalposts, clipped to the goalpost
  kImputed,             // missing value filled (MethodOptions::imputation)
};
std::string_view NoteKindName(NoteKind k);

struct Note {
  NoteKind kind;
  std::string unit;       // empty for a whole indicator
  std::string indicator;  // empty for a whole unit
  double before = kNoValue, after = kNoValue;
  std::string detail;
};

// Scores of one edition. Vectors indexed like `units`; kNoValue / rank 0 where there is none.
struct IndexResult {
  int edition = 0;
  std::vector<std::string> units;                      // every unit of the data, display order
  std::vector<bool> included;                          // false for units excluded by coverage
  std::map<std::string, std::vector<double>> raw;      // indicator -> denominated value
  std::map<std::string, std::vector<double>> treated;  // after outlier treatment / log
  std::map<std::string, std::vector<double>> scores;   // node or indicator -> score
  std::map<std::string, std::vector<int>> ranks;       // node or indicator -> rank
  std::vector<std::string> dropped_indicators;
  std::vector<double> efficiency;  // numerator score / denominator score (if defined)
  std::vector<int> efficiency_ranks;
  std::vector<Note> notes;

  int UnitIndex(std::string_view unit) const;  // -1 if absent
  double Score(std::string_view node, std::string_view unit) const;
  int Rank(std::string_view node, std::string_view unit) const;
};

// Raw values indexed densely for repeated computation (what-if, Monte Carlo): build once with
// Prepare(), then Compute() as often as needed. Set() changes one raw value in place.
class PreparedData {
 public:
  const std::vector<int>& editions() const { return years_; }
  const std::vector<std::string>& units() const { return units_; }
  // Units taking part in `edition` (Dataset::units if given, else those with data that year).
  std::vector<int> EditionUnits(int edition) const;
  // kNoValue if absent or the codes are unknown.
  double Get(std::string_view unit, std::string_view code, int edition) const;
  // Values of `code` in `edition` for the given unit positions (kNoValue where absent).
  std::vector<double> Values(std::string_view code, int edition,
                             const std::vector<int>& unit_positions) const;
  // REQUIRES: unit, code and edition known (see Has*). kNoValue clears the value. The value's
  // source becomes "what-if".
  void Set(std::string_view unit, std::string_view code, int edition, double value);
  // The `source` column of the raw value ("what-if" after Set, empty if none).
  std::string Source(std::string_view unit, std::string_view code, int edition) const;
  bool HasUnit(std::string_view unit) const { return unit_index_.count(std::string(unit)) > 0; }
  bool HasCode(std::string_view code) const { return code_index_.count(std::string(code)) > 0; }
  bool HasEdition(int edition) const { return YearIndex(edition) >= 0; }

 private:
  friend Result<PreparedData> Prepare(const Framework& fw, const Dataset& data);
  int YearIndex(int year) const;
  std::vector<int> years_;
  std::vector<std::string> units_;
  bool fixed_units_ = false;
  std::map<std::string, int> unit_index_, code_index_;
  std::vector<std::vector<std::vector<double>>> values_;       // [year][code][unit]
  using Key = std::tuple<int, int, int>;                       // year, code, unit positions
  std::shared_ptr<const std::map<Key, std::string>> sources_;  // shared by copies
  std::set<Key> edited_;
};

// Checks the data (CheckDataset) and indexes it.
[[nodiscard]] Result<PreparedData> Prepare(const Framework& fw, const Dataset& data);

// Changes for sensitivity runs: weight overrides (node or indicator code -> weight; unknown codes
// are an error) and indicators left out of the computation.
struct Overrides {
  std::map<std::string, double> weights;
  std::vector<std::string> left_out;
};

// Computes one edition. `opts` replaces the framework's method options.
[[nodiscard]] Result<IndexResult> Compute(const Framework& fw, const PreparedData& data,
                                          int edition, const MethodOptions& opts,
                                          const Overrides& overrides = {});
// Convenience: Prepare + Compute with the framework's own options.
[[nodiscard]] Result<IndexResult> Compute(const Framework& fw, const Dataset& data, int edition);

// Ranks `values` descending after rounding to `decimals` (-1: none); ties share the best rank;
// NaN gets 0.
std::vector<int> RankDescending(const std::vector<double>& values, int decimals);

// Scores of `node` relative to a reference: 100 * score / reference, where the reference is the
// score of `reference_unit` in `reference` (or, if reference_unit is empty, the mean over the
// included units of `reference`). Error if the reference is missing or zero.
[[nodiscard]] Result<std::vector<double>> RelativeScores(const IndexResult& result,
                                                         const IndexResult& reference,
                                                         const std::string& node,
                                                         const std::string& reference_unit);

// Indicators where `unit` ranks far better (strengths) or worse (weaknesses) than on the index:
// rank difference of at least `min_gap` places, sorted by the gap.
struct StrengthWeakness {
  std::string indicator;
  int indicator_rank = 0;
  int overall_rank = 0;
};
struct Profile {
  std::vector<StrengthWeakness> strengths, weaknesses;
};
Profile StrengthsAndWeaknesses(const Framework& fw, const IndexResult& r, std::string_view unit,
                               int min_gap);

// Excel's SKEW and KURT (bias-corrected sample skewness and excess kurtosis); NaN if n < 3 / 4
// or the values are constant.
double SampleSkewness(const std::vector<double>& x);
double SampleKurtosis(const std::vector<double>& x);

}  // namespace stio::analytics
