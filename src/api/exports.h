// Spreadsheet downloads of API results (format=xlsx): the `format` and `lang` query parameters,
// the download response, and the workbooks of the indicator series, the plan scorecard, the
// published PII figures and the exchange statistics, built from the same JSON the API answers
// with. Column headers are Vietnamese, or English with lang=en; codes and values are as in JSON.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "core/xlsx.h"
#include "domain/exchange.h"

namespace stio::api {

inline constexpr std::string_view kXlsxContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

enum class Lang { kVi, kEn };

// The `format` query parameter: one of `allowed`, the first when absent or blank; anything else is
// 400 naming the parameter ("format must be json, csv or xlsx").
Result<std::string> FormatParam(const http::Request& req, const std::vector<std::string>& allowed);
// The `lang` query parameter of a download: vi (default) or en; anything else is 400.
Result<Lang> LangParam(const http::Request& req);

// A JSON value as a cell: a number stays a number, a string is text, null is empty, true/false
// and arrays or objects are their JSON text.
XlsxCell Cell(const nlohmann::json& v);

// A workbook as a download: 200 with the spreadsheetml content type and Content-Disposition
// attachment; `filename` keeps its ASCII letters, digits, '.', '-' and '_' (others become '_') and
// gets ".xlsx". A workbook that cannot be written is a problem.
http::Response XlsxDownload(const std::vector<XlsxSheet>& sheets, std::string_view filename);

// GET /indicators/{code}/series: the points, and the indicator and unit.
std::vector<XlsxSheet> SeriesSheets(const nlohmann::json& series, Lang lang);
// GET /plans/{id}/scorecard: one row per target (status and figures), and the plan with counts.
std::vector<XlsxSheet> ScorecardSheets(const nlohmann::json& scorecard, Lang lang);
// GET /index/published: `figures` (PublishedJson rows), one sheet per edition (latest first,
// by rank), and the caveats.
std::vector<XlsxSheet> PublishedPiiSheets(const nlohmann::json& figures,
                                          const std::vector<std::string>& notes, Lang lang);
// POST /index/compute?format=xlsx: the computation `result` (ResultJson: units with scores and
// ranks, notes), one row per unit and node in the order of `nodes` ([{code, level, name}]); the
// notes (missing, imputed, treated, left out); and the input `values` rows with their sources.
std::vector<XlsxSheet> ComputedIndexSheets(const nlohmann::json& result,
                                           const nlohmann::json& nodes,
                                           const nlohmann::json& values, Lang lang);
// GET /exchange/stats: reads the statistics (and the names of fields and provinces) in one
// transaction and answers with the workbook: by month, by field, by province, totals.
http::Response ExchangeStatsXlsx(Context& c, const domain::ExchangeStatsQuery& q, Lang lang);

}  // namespace stio::api
