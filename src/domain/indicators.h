// Indicator monitoring in the manner of DHIS2: data elements (raw measures per administrative unit
// and period), indicators (numerator / denominator x factor over data elements), values with a
// draft -> submitted -> approved -> locked workflow, validation rules, and aggregation.
//
// Aggregation. A figure for (unit, period) is, for each data element of the formula:
//   - period: a value recorded for the period itself, else its quarters, else its months, combined
//     by the element's aggregation (sum, average, or last);
//   - place: a value recorded for the unit itself, else the unit's parts: a 2025 province sums its
//     2025 communes, else the pre-2025 provinces that became part of it (admin_unit_conversion,
//     old province -> new province); the nation sums the 34 provinces. Parts without data are
//     counted (`parts`, `parts_with_data`), so an incomplete sum is never passed off as complete.
// The indicator is then computed from the aggregated numerator and denominator: rates are
// recomputed at every level, never averaged.
// Values are read per unit as a figure needs them, and the aggregates of entered elements over
// 2025 provinces and the nation are cached in the process across requests, valid for one
// generation of the values they sum (data_value_generations, per element and province, changed by
// triggers on every write, whoever writes), the element's aggregation and the reference data.
// Data elements may be derived from the registry instead of entered (`derived_from`):
//   registry:st_enterprises_active   organizations with an S&T enterprise certificate active at the
//                                    end of the period (replaying the certificate events)
//   registry:organizations[:KIND]    organizations (of one kind), founded by the end of the period
//                                    or with no founding date
//   registry:transfer_contracts      technology transfer contracts signed in the period (exchange)
//   registry:transfer_contracts_value  their total value in VND
//   registry:ip_applications[:KIND[,KIND...]]  IP applications filed in the period (of one kind
//                                    or several, e.g. collective_mark,certification_mark), by the
//                                    asset's province
//   registry:ip_grants[:KIND]        IP rights granted in the period
// and every figure can list the records behind it (lineage). A unit of which the registry holds no
// organization at all has no value (not zero).
//
// Every write checks permissions (policy.h), validates before writing, and is audited.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/common.h"

namespace stio::domain {

// --- Periods: "YYYY", "YYYYQn", "YYYYMM".
struct Period {
  int year = 0;
  int quarter = 0;  // 1..4 for a quarter
  int month = 0;    // 1..12 for a month
  std::string ToString() const;
  std::string EndDate() const;    // last day, YYYY-MM-DD
  std::string StartDate() const;  // first day
};
// InvalidArgument (field "period") for anything else, or a year outside 1900..2100.
Result<Period> ParsePeriod(std::string_view text);

// --- Formulas: numbers, codes of data elements or indicators, + - * / and parentheses.
// Returns the codes the expression refers to (each once, in order), or InvalidArgument.
Result<std::vector<std::string>> FormulaCodes(std::string_view expression);

// --- Data elements
Result<Json> CreateDataElement(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                               const Json& input);
Result<Json> UpdateDataElement(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                               const std::string& code, const Json& patch);
Result<Json> GetDataElement(storage::Transaction& tx, const std::string& code);
Result<ListResult> ListDataElements(storage::Transaction& tx, const std::optional<std::string>& q,
                                    const ListParams& params);

// --- Indicators. A formula that refers to an unknown code, or to itself through any chain of
// indicators, is refused (the error names the chain: "A -> B -> A").
Result<Json> CreateIndicator(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                             const Json& input);
Result<Json> UpdateIndicator(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                             const std::string& code, const Json& patch);
Result<Json> GetIndicator(storage::Transaction& tx, const std::string& code);
Result<ListResult> ListIndicators(storage::Transaction& tx, const std::optional<std::string>& q,
                                  const ListParams& params);

// --- Validation rules (range of one element, or a comparison with another on the same unit and
// period, e.g. researchers <= population). Input: {code, data_element, min_value?, max_value?,
// operator?, other_element?, message?}.
Result<Json> CreateValidationRule(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                  const Json& input);
// -> {items: [rule with data_element and other_element codes], total}; all rules, or those that
// involve one data element.
Result<Json> ListValidationRules(storage::Transaction& tx,
                                 const std::optional<std::string>& data_element);
// Removes a rule (audited with the rule as it was). Values already entered keep their warnings.
Status DeleteValidationRule(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            const std::string& code);

// --- Values. Input: {data_element, unit, level?: province|commune|nation (default by the code's
// length), era?: 2025|pre2025, period, value: number, source?, note?}. Creates a draft, or updates
// a draft or submitted value (back to draft); an approved or locked value must be reopened first
// (FailedPrecondition). The answer carries `outlier` and, if so, `warnings`.
Result<Json> EnterValue(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        const Json& input);
// action: submit (draft -> submitted), approve (submitted -> approved), lock (approved -> locked),
// reopen (submitted | approved | locked -> draft; a reason is required). Audited and logged.
Result<Json> ChangeValueStatus(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                               int64_t value_id, const std::string& action, const Json& input);
struct ValueFilter {
  std::optional<std::string> data_element;
  std::optional<std::string> unit;
  std::optional<std::string> period;
  std::optional<std::string> status;
};
// Drafts and submitted values are listed only for those who may enter data.
Result<ListResult> ListValues(storage::Transaction& tx, const Actor& actor,
                              const ValueFilter& filter, const ListParams& params);

// --- Figures
struct UnitRef {
  std::string era = "2025";
  std::string level = "province";  // nation | province | commune
  std::string code;                // "VN" for the nation
};
// Checks that the unit exists (InvalidArgument naming `field` otherwise).
Status CheckUnit(storage::Transaction& tx, const UnitRef& unit, std::string_view field = "unit");
// level defaults from the code: "VN" nation, 2 characters province, 5 commune.
Result<UnitRef> MakeUnit(std::string code, std::optional<std::string> level,
                         std::optional<std::string> era);

// An indicator for one unit over periods (years from..to, or quarters/months if from/to are).
// -> {indicator, unit, points: [{period, value|null, numerator, denominator, reason?,
//     parts, parts_with_data, provisional}]}
Result<Json> IndicatorSeries(storage::Transaction& tx, const std::string& code, const UnitRef& unit,
                             const std::string& from, const std::string& to);
// The figures of provinces and the nation are cached across requests and transactions (process
// wide; each figure valid for one generation of the values it sums). Counters since the start:
// lookups answered from the cache (hits) or computed (misses), and figures held now.
struct FigureCacheStats {
  int64_t hits = 0;
  int64_t misses = 0;
  int64_t figures = 0;
};
FigureCacheStats GetFigureCacheStats();
// Empties the cache (benchmarks and tests: a process as it starts).
void ClearFigureCache();
// Warms the cache as `stio serve` does after a start, so that the first dashboard requests do not
// pay for it: the yearly series of every indicator, this year - 10 .. this year (what the series
// page asks by default), for each 2025 province and then the nation, each through IndicatorSeries
// in its own read transaction. `stop` is asked before each series (one province's or the
// nation's); when it says true the warm-up returns at once with `stopped`. An indicator whose
// series fails (e.g. a formula that no longer resolves) is counted in `failed` and skipped.
struct WarmUpReport {
  int indicators = 0;  // warmed
  int failed = 0;
  int series = 0;
  bool stopped = false;
};
Result<WarmUpReport> WarmFigureCache(storage::Database& db, const Clock& clock,
                                     const std::function<bool()>& stop);
// The records behind one figure: values (id, unit, period, status, source) or registry records.
Result<Json> IndicatorLineage(storage::Transaction& tx, const std::string& code,
                              const UnitRef& unit, const std::string& period);
// Observed yearly values of an indicator for a unit (for plans).
Result<std::vector<std::pair<int, double>>> YearlyValues(storage::Transaction& tx,
                                                         const std::string& code,
                                                         const UnitRef& unit, int from, int to);

// One indicator for many units at once (maps and rankings), each computed as IndicatorSeries
// would (rates from that unit's aggregated numerator and denominator):
//   level=province: the 34 provinces (era 2025) or the 63 (era pre2025);
//   level=commune: the communes of one 2025 province (`province` required).
// -> {indicator, level, era, province, period, total, with_value, min, max,
//     items: [{code, name, value|null, numerator, denominator, parts, parts_with_data,
//              provisional, reason?}]}
struct UnitsQuery {
  std::string level = "province";
  std::string era = "2025";
  std::optional<std::string> province;
  std::string period;
};
Result<Json> IndicatorByUnits(storage::Transaction& tx, const std::string& code,
                              const UnitsQuery& query);

// The IOC feed: for each indicator (all, if `codes` is empty), its latest value for the unit with
// period, freshness (days since the figure's newest value was updated; whether the period has
// ended and how long ago: a registry count for the current year is "so far") and completeness
// (parts with data / parts); `freshness.stale` when the latest figure is for a year before last
// year. `target`: the plan target of the unit for the indicator (the nearest target year not yet
// past), with its status and progress, or null.
Result<Json> KpiFeed(storage::Transaction& tx, const Clock& clock,
                     const std::vector<std::string>& codes, const UnitRef& unit);

}  // namespace stio::domain
