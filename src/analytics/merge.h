// Re-expressing raw values on a new map of units (e.g. the 63 provinces of 2023-2024 on the 34 of
// 2025), so that past editions can be recomputed on today's map from raw numerators and
// denominators.
//
// For every new unit and year, the old units that map to it are combined code by code:
//  - denominator series (population, GRDP, enterprises) and indicators with a denominator: the
//    raw values (numerators) are summed, so the rate is recomputed from summed numerators and
//    denominators;
//  - indicators marked "merge": "sum" in the framework: summed;
//  - other indicators (scores, rates without a published numerator): the mean weighted by the
//    framework's "merge_weight" series (e.g. POP) when every part has it, else the plain mean
//    (reported).
// A new value needs every part: if one old unit lacks the value, the new value is left missing
// and reported (a partial sum would understate it). Rows whose year is at or after `before_year`
// (0: none) are kept as they are.
//
// Thread-safety: pure function.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analytics/engine.h"
#include "analytics/framework.h"

namespace stio::analytics {

struct MergeResult {
  Dataset data;
  std::vector<std::string> report;  // one line per value left missing or averaged unweighted
};

// `old_to_new`: old unit code -> new unit code. Every unit of a row being merged must be mapped
// (InvalidArgument naming the row otherwise).
[[nodiscard]] Result<MergeResult> MergeUnits(const Framework& fw, const Dataset& data,
                                             const std::map<std::string, std::string>& old_to_new,
                                             int before_year = 0);

// Reads a mapping CSV with columns `code` and `new_code_2025` (data/admin-units/
// provinces_pre2025.csv) or `old_code` and `new_code`.
[[nodiscard]] Result<std::map<std::string, std::string>> ParseUnitMapping(std::string_view text);

}  // namespace stio::analytics
