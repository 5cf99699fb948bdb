// `stio index ...`: compute, explain and simulate a composite index from the command line.
//
//   compute --framework F --values V.csv [--edition Y] [--out FILE.csv|FILE.json]
//           [--normalisation minmax|zscore|rank|distance_to_reference] [--reference-unit U]
//           [--aggregation arithmetic|geometric] [--pooled]
//           [--relative-to UNIT|mean [--reference-year Y]] [--unit CODE [--format json]]
//       Prints the ranking (or writes all scores, ranks and notes to FILE); with --unit, that
//       unit's profile: scores and ranks at every level, strengths and weaknesses, notes.
//   whatif --framework F --values V.csv --unit CODE [--set INDICATOR=VALUE ...] [--gain N]
//          [--edition Y] [--format text|json]
//       Recomputes with the unit's values changed and prints old and new scores and ranks; with
//       --gain, the greedy cheapest changes to gain N places (see analytics/simulate.h).
//   robustness --framework F --values V.csv [--edition Y] [--runs 1000] [--seed 1]
//              [--spread 0.25] [--aggregations arithmetic,geometric]
//              [--normalisations minmax,rank] [--format text|json]
//       Monte Carlo rank intervals and the indicators the ranking is most sensitive to.
//
// Every command also takes --merge-map MAP.csv [--merge-before YEAR] to re-express older rows on
// a new map of units before computing (analytics/merge.h).
//
// compute takes --edition all for every year in V.csv (history; JSON output is then an array).
//
// F is a framework JSON (data/frameworks/README.md); V.csv is
// unit_code,indicator_code,year,value,source (analytics/data_io.h). The edition defaults to the
// latest year in V.csv.
//
// RunIndexCommand takes the arguments after "index", writes results to `out` and errors (one clear
// line naming the culprit) to `err`, and returns a process exit code: 0 ok, 1 bad data or files,
// 2 usage error. Thread-safety: reentrant.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace stio::analytics {

int RunIndexCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace stio::analytics
