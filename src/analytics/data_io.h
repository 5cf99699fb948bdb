// Files of the index engine: values CSV in, results CSV/JSON out, and the published PII figures.
//
// Values CSV (UTF-8, header required, columns in any order, extra columns ignored):
//   unit_code,indicator_code,year,value,source
//   01,PII.6.1.1,2023,2.41,"NOIP annual report 2023"
// `indicator_code` is an indicator or denominator code of the framework; `year` the edition; value
// a decimal with a point ("1234.5"; no thousands separators); `source` free text (may be empty).
// Errors are InvalidArgument naming the line: missing columns, empty unit, non-numeric year or
// value, unknown indicator, duplicate (unit, indicator, year), wrong sign (see CheckDataset).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analytics/engine.h"
#include "analytics/framework.h"
#include "analytics/simulate.h"

namespace stio::analytics {

// Parses a values CSV and checks it against `fw` (CheckDataset).
[[nodiscard]] Result<Dataset> ParseValuesCsv(const Framework& fw, std::string_view text);
[[nodiscard]] Result<Dataset> LoadValuesCsv(const Framework& fw, const std::string& path);

// Results as CSV: one row per unit and node (index, sub-indices, pillars, groups, indicators):
//   edition,unit_code,level,code,score,rank,included
// then one row per note: edition,unit_code,"note",indicator,before,after,kind: detail
std::string ResultToCsv(const Framework& fw, const IndexResult& r);
// Results as JSON: {"edition", "framework", "units": [{"unit", "included", "scores": {code:
// score}, "ranks": {code: rank}, "efficiency"}], "dropped_indicators", "notes": [...]}.
std::string ResultToJson(const Framework& fw, const IndexResult& r);

// One unit's profile as JSON: {"unit", "edition", "nodes": [{"code", "level", "name", "score",
// "rank"}] (index first, indicators last; placeholders left out), "strengths" and "weaknesses":
// [{"indicator", "indicator_rank", "overall_rank"}] (StrengthsAndWeaknesses with `min_gap`),
// "notes": [...] about this unit, and, if `data` is given, "values": [{"indicator", "raw",
// "source"}] (raw values as entered, with their source)}.
std::string ProfileToJson(const Framework& fw, const IndexResult& r, const std::string& unit,
                          int min_gap, const PreparedData* data = nullptr);

// What-if as JSON: {"unit", "edition", "nodes": [{"code", "level", "score_before", "rank_before",
// "score_after", "rank_after"}] for every node and indicator}.
std::string WhatIfToJson(const Framework& fw, const IndexResult& before, const IndexResult& after,
                         const std::string& unit);
// {"rank_before", "target_rank", "rank_after", "score_before", "score_after", "total_cost",
//  "reached", "steps": [{"indicator", "from", "to", "cost", "score_after", "rank_after"}]}
std::string GainPlanToJson(const GainPlan& plan);
// {"runs", "seed", "units": [{"unit", "nominal_rank", "median_rank", "p5_rank", "p95_rank"}],
//  "indicators": [{"indicator", "mean_abs_shift", "max_abs_shift"}],
//  "factors": [{"factor", "first_order"}]}
std::string RobustnessToJson(const RobustnessReport& rep);

// One published PII figure (data/pii/pii_published.csv, see its PROVENANCE.md).
struct PublishedPii {
  int edition_year = 0;
  std::string province_name_vi, province_code;
  int map = 0;  // 63 or 34
  double overall_score = kNoValue, input_score = kNoValue, output_score = kNoValue;
  int overall_rank = 0;
  std::string source_url, note;
  int line = 0;
};
[[nodiscard]] Result<std::vector<PublishedPii>> ParsePublishedPii(std::string_view text);
[[nodiscard]] Result<std::vector<PublishedPii>> LoadPublishedPii(const std::string& path);

// Reads a whole file; NotFound if it cannot be opened.
[[nodiscard]] Result<std::string> ReadFile(const std::string& path);

}  // namespace stio::analytics
