// Composite-index frameworks (GII / COINr family) as data: the tree of indicators, groups, pillars,
// sub-indices and the index, with weights, directions, denominators and method options.
//
// A framework is read from a JSON file (format documented in data/frameworks/README.md):
//
//   {"format": "stio-framework/1", "code": "PII", "name": "...", "scale": 100,
//    "method": {...MethodOptions, see below...},
//    "denominators": [{"code": "POP", "name": "Population"}],
//    "nodes": [{"code": "PII", "level": "index"},
//              {"code": "IN", "parent": "PII", "level": "sub-index", "weight": 1}, ...],
//    "indicators": [{"code": "1.1.1", "parent": "1.1", "weight": 1, "direction": 1,
//                    "denominator": "POP", "factor": 10000, "goalposts": [0, 100],
//                    "transform": "log", "source": "..."}],
//    "efficiency": {"numerator": "OUT", "denominator": "IN"}}
//
// Weights are relative within a parent (they are renormalised over the children a unit has), so
// only their ratios matter; "weights_sum_to" (optional) makes the validator check each parent's
// children sum to that value. A missing weight means 1 (equal within parent).
//
// ValidateFramework() checks the tree and names the culprit in every error. Thread-safety: values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace stio::analytics {

enum class Normalisation {
  kMinMax,               // (x - min) / (max - min) * scale; min/max from the edition or pooled
  kZScore,               // (x - mean) / sd (sample sd), times direction; not bounded
  kRank,                 // (rank - 1) / (n - 1) * scale, ties take their average rank
  kDistanceToReference,  // scale * x / x_ref (direction -1: scale * x_ref / x)
};
// kArithmetic / kGeometric: weighted means over the children a unit has (weights renormalised);
// kSum: weighted sum of the children a unit has (missing children add nothing; for indices that
// publish points rather than means).
enum class Aggregation { kArithmetic, kGeometric, kSum };
// Missing values: kNone leaves them out and renormalises the parent's weights over what the unit
// has (the GII's practice); the others fill them with the indicator's mean or median over the
// included units of the edition (after denomination) and report each filled value.
enum class Imputation { kNone, kIndicatorMean, kIndicatorMedian };

std::string_view NormalisationName(Normalisation n);
std::string_view AggregationName(Aggregation a);
Result<Normalisation> ParseNormalisation(std::string_view s);
Result<Aggregation> ParseAggregation(std::string_view s);

// Method choices. Defaults follow the GII: min-max 0-100 within the edition, arithmetic means,
// winsorisation of up to 5 points when |skewness| > 2.25 and kurtosis > 3.5, else a log transform.
struct MethodOptions {
  Normalisation normalisation = Normalisation::kMinMax;
  Aggregation aggregation = Aggregation::kArithmetic;  // default for nodes that do not set theirs
  bool pooled_minmax = false;  // min/max over all editions in the data instead of the edition
  double scale = 100;          // normalised scores lie in [0, scale] (min-max, rank, goalposts)
  double minmax_lower = 0;     // min-max, rank and goalposts map to [minmax_lower, scale]; 1 suits
                               // geometric means, 1..10 (with scale 10) is the PCI's range

  bool treat_outliers = true;
  double skew_threshold = 2.25;  // |skewness| above this ...
  double kurt_threshold = 3.5;   // ... and excess kurtosis above this flag an indicator
  int max_winsorised = 5;        // points winsorised at most before falling back to a log

  double unit_min_share = 0.66;      // a unit needs data for this share of the indicators
  double group_min_share = 0.0;      // ... and this share within every group (0 = no rule)
  double indicator_min_share = 0.5;  // an indicator needs data for this share of the units

  Imputation imputation = Imputation::kNone;
  std::string reference_unit;  // for kDistanceToReference
  int rank_decimals = 2;       // scores are rounded to this many decimals before ranking; -1: no
};

struct Node {
  std::string code;
  std::string name;
  std::string parent;  // empty for the root
  std::string level;   // "index", "sub-index", "pillar", "group", "indicator" (free text)
  double weight = 1;
  std::string weight_basis;  // "published", "assumed: equal within parent", ...
  bool is_indicator = false;
  // Nodes only: part of the official framework but its content is not public; may have no
  // children and then has no score (its parent reweights over the rest).
  bool placeholder = false;
  std::optional<Aggregation> aggregation;  // nodes only; default MethodOptions::aggregation
  // Nodes only: after aggregation, min-max rescale the node's scores over the included units to
  // [first, second] (some indices rescale their final score, e.g. to 0..100).
  std::optional<std::pair<double, double>> rescale;
  // Indicators only:
  int direction = 1;                         // +1: more is better; -1: less is better
  std::string denominator;                   // code of a denominator series, or empty
  double factor = 1;                         // value = raw / denominator * factor
  bool log_transform = false;                // ln(value) before anything else (HDI income)
  std::optional<double> goal_min, goal_max;  // fixed goalposts (in raw units, before the log)
  // Plausible raw values ("valid_range": [min or null, max or null]): values outside are rejected
  // as input errors (wrong sign or unit), e.g. [0, null] for counts, [0, 100] for percentages.
  std::optional<double> valid_min, valid_max;
  bool treat_outliers = true;
  bool merge_sum = false;  // "merge": "sum": additive when units merge (see merge.h)
  std::string unit, source, definition, note;
};

struct Denominator {
  std::string code, name, unit, source;
};

struct Framework {
  std::string code, name, version, description;
  std::optional<double> weights_sum_to;
  // Optional declared levels, top first, e.g. {"index", "sub-index", "pillar", "group",
  // "indicator"}: every node must then use one of them and sit exactly one level below its parent
  // (so an indicator hung on a sub-index, i.e. without a pillar and group, is an error).
  std::vector<std::string> levels;
  MethodOptions method;
  std::vector<Denominator> denominators;
  std::vector<Node> nodes;                                   // nodes and indicators, in file order
  std::string efficiency_numerator, efficiency_denominator;  // node codes, or empty
  std::string merge_weight;  // denominator weighting means when units merge (merge.h), or empty

  // Filled by ValidateFramework():
  std::string root;
  std::map<std::string, int> index;                  // code -> position in nodes
  std::map<std::string, std::vector<int>> children;  // code -> children positions, file order
  std::vector<int> post_order;                       // nodes (not indicators), children first

  const Node* Find(std::string_view code) const;
  std::vector<int> Indicators() const;  // positions of indicators, file order
  // True if `code` is a denominator series of this framework.
  bool IsDenominator(std::string_view code) const;
};

// Checks the framework and fills its derived fields. Errors are InvalidArgument and name the
// culprit: duplicate codes, unknown parents, cycles, more than one root, nodes without children
// (unless placeholders),
// indicators with children or without a parent, non-positive or non-finite weights, weights that
// do not sum to weights_sum_to, bad directions, unknown denominators, goalposts with max <= min,
// log transforms with non-positive goalposts, unknown efficiency nodes, bad method options, and
// with declared levels, nodes at an unknown level or not one level below their parent.
[[nodiscard]] Status ValidateFramework(Framework& fw);

// Parses and validates a framework from JSON text / a file.
[[nodiscard]] Result<Framework> ParseFramework(std::string_view json_text);
[[nodiscard]] Result<Framework> LoadFramework(const std::string& path);

// Reads "method" options from a JSON object into `opts` (only the keys present are changed).
// Used for the framework's defaults and for API overrides.
[[nodiscard]] Status ParseMethodOptions(std::string_view json_text, MethodOptions& opts);

}  // namespace stio::analytics
