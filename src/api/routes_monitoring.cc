// Monitoring routes (issue 5): data elements, indicators, values and their approval workflow,
// aggregated series and lineage, plans, targets, plan review and scorecard, and the IOC KPI feed.
// Same rules as routes.cc: each route has a gate permission; one domain call in one transaction.
#include <optional>
#include <string>
#include <vector>

#include "api/api.h"
#include "api/exports.h"
#include "api/handler_util.h"
#include "api/problem.h"
#include "core/csv.h"
#include "core/strings.h"
#include "domain/indicators.h"
#include "domain/plans.h"

namespace stio::api {

using domain::Permission;
using nlohmann::json;

namespace {

// unit=CODE[&level=&era=] (unit required unless `fallback` is given).
Result<domain::UnitRef> UnitParam(const http::Request& req, std::optional<std::string> fallback) {
  auto code = NonEmpty(req, "unit");
  if (!code) code = fallback;
  if (!code) return Status::InvalidArgument("unit is required", "unit");
  return domain::MakeUnit(*code, NonEmpty(req, "level"), NonEmpty(req, "era"));
}

// A series as CSV (one row per period), for spreadsheets.
http::Response SeriesCsv(const json& series) {
  auto num = [](const json& v) { return v.is_number() ? v.dump() : std::string(); };
  std::string out = WriteCsvRow({"indicator", "unit", "period", "value", "numerator", "denominator",
                                 "parts", "parts_with_data", "provisional", "reason"});
  const std::string code = series["indicator"]["code"];
  const std::string unit = series["unit"]["code"];
  for (const json& p : series["points"]) {
    out += WriteCsvRow({code, unit, p["period"].get<std::string>(), num(p["value"]),
                        num(p["numerator"]), num(p["denominator"]), num(p["parts"]),
                        num(p["parts_with_data"]), p["provisional"].get<bool>() ? "true" : "false",
                        CsvGuardFormula(p.value("reason", ""))});
  }
  http::Response r;
  r.status = 200;
  r.headers.Set("Content-Type", "text/csv; charset=utf-8");
  r.headers.Set("Content-Disposition", "attachment; filename=\"" + code + "-" + unit + ".csv\"");
  r.body = std::move(out);
  return r;
}

}  // namespace

void Api::AddMonitoringRoutes() {
  using TxMode = storage::TxMode;
  const Permission kPublic = Permission::kReadPublic;

  // --- Data elements
  Add("GET", "/api/v1/data-elements", kPublic, "Data elements (raw measures)", [](Context& c) {
    auto paging = Paging(c.req);
    if (!paging.ok()) return Problem(paging.status());
    return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
      STIO_ASSIGN_OR_RETURN(auto r, domain::ListDataElements(tx, NonEmpty(c.req, "q"), *paging));
      return r.ToJson();
    });
  });
  Add("POST", "/api/v1/data-elements", Permission::kManageMonitoring, "Create a data element",
      [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreateDataElement(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", "/api/v1/data-elements/{code}", kPublic, "One data element", [](Context& c) {
    return ReadJson(c, [&](storage::Transaction& tx) {
      return domain::GetDataElement(tx, c.req.params["code"]);
    });
  });
  Add("PATCH", "/api/v1/data-elements/{code}", Permission::kManageMonitoring, "Edit a data element",
      [](Context& c) {
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateDataElement(tx, c.actor, c.clock, c.req.params["code"], body);
        });
      });

  // --- Indicators
  Add("GET", "/api/v1/indicators", kPublic, "Indicators (formulas over data elements)",
      [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListIndicators(tx, NonEmpty(c.req, "q"), *paging));
          return r.ToJson();
        });
      });
  Add("POST", "/api/v1/indicators", Permission::kManageMonitoring, "Create an indicator",
      [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreateIndicator(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", "/api/v1/indicators/{code}", kPublic, "One indicator", [](Context& c) {
    return ReadJson(c, [&](storage::Transaction& tx) {
      return domain::GetIndicator(tx, c.req.params["code"]);
    });
  });
  Add("PATCH", "/api/v1/indicators/{code}", Permission::kManageMonitoring, "Edit an indicator",
      [](Context& c) {
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateIndicator(tx, c.actor, c.clock, c.req.params["code"], body);
        });
      });
  Add("GET", "/api/v1/indicators/{code}/series", kPublic,
      "An indicator for one unit over periods, aggregated from the levels below", [](Context& c) {
        auto unit = UnitParam(c.req, std::nullopt);
        if (!unit.ok()) return Problem(unit.status());
        auto from = NonEmpty(c.req, "from");
        auto to = NonEmpty(c.req, "to");
        if (!from) return Problem(Status::InvalidArgument("from is required", "from"));
        auto format = FormatParam(c.req, {"json", "csv", "xlsx"});
        if (!format.ok()) return Problem(format.status());
        auto lang = LangParam(c.req);
        if (!lang.ok()) return Problem(lang.status());
        if (*format == "json") {
          return ReadJson(c, [&](storage::Transaction& tx) {
            return domain::IndicatorSeries(tx, c.req.params["code"], *unit, *from,
                                           to.value_or(*from));
          });
        }
        json series;
        Status s = c.Read([&](storage::Transaction& tx) {
          STIO_ASSIGN_OR_RETURN(series, domain::IndicatorSeries(tx, c.req.params["code"], *unit,
                                                                *from, to.value_or(*from)));
          return Status::Ok();
        });
        if (!s.ok()) return Problem(s);
        if (*format == "xlsx") {
          return XlsxDownload(SeriesSheets(series, *lang),
                              series["indicator"]["code"].get<std::string>() + "-" +
                                  series["unit"]["code"].get<std::string>());
        }
        return SeriesCsv(series);
      });
  Add("GET", "/api/v1/indicators/{code}/lineage", kPublic,
      "The values and registry records behind one figure", [](Context& c) {
        auto unit = UnitParam(c.req, std::nullopt);
        if (!unit.ok()) return Problem(unit.status());
        auto period = NonEmpty(c.req, "period");
        if (!period) return Problem(Status::InvalidArgument("period is required", "period"));
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::IndicatorLineage(tx, c.req.params["code"], *unit, *period);
        });
      });
  Add("GET", "/api/v1/indicators/{code}/units", kPublic,
      "One indicator for all provinces, or all communes of a province, in one period",
      [](Context& c) {
        domain::UnitsQuery q;
        q.level = NonEmpty(c.req, "level").value_or("province");
        q.era = NonEmpty(c.req, "era").value_or("2025");
        q.province = NonEmpty(c.req, "province");
        auto period = NonEmpty(c.req, "period");
        if (!period) return Problem(Status::InvalidArgument("period is required", "period"));
        q.period = *period;
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::IndicatorByUnits(tx, c.req.params["code"], q);
        });
      });
  Add("GET", "/api/v1/validation-rules", kPublic,
      "Validation rules (all, or those involving one data element)", [](Context& c) {
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::ListValidationRules(tx, NonEmpty(c.req, "data_element"));
        });
      });
  Add("DELETE", "/api/v1/validation-rules/{code}", Permission::kManageMonitoring,
      "Remove a validation rule", [](Context& c) {
        return Run(c, storage::TxMode::kWrite, 204, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(
              domain::DeleteValidationRule(tx, c.actor, c.clock, c.req.params["code"]));
          return json();
        });
      });
  Add("POST", "/api/v1/validation-rules", Permission::kManageMonitoring,
      "Create a validation rule (range or comparison)", [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreateValidationRule(tx, c.actor, c.clock, body);
        });
      });

  // --- Values
  Add("GET", "/api/v1/data-values", kPublic,
      "Recorded values (drafts and submitted ones only for data entry staff)", [](Context& c) {
        auto paging = Paging(c.req);
        if (!paging.ok()) return Problem(paging.status());
        domain::ValueFilter f{NonEmpty(c.req, "data_element"), NonEmpty(c.req, "unit"),
                              NonEmpty(c.req, "period"), NonEmpty(c.req, "status")};
        return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(auto r, domain::ListValues(tx, c.actor, f, *paging));
          return r.ToJson();
        });
      });
  Add("POST", "/api/v1/data-values", Permission::kEnterData,
      "Enter a value (a draft; validated, outliers flagged)", [](Context& c) {
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::EnterValue(tx, c.actor, c.clock, body);
        });
      });
  const struct {
    const char* action;
    Permission gate;
    const char* summary;
  } actions[] = {
      {"submit", Permission::kEnterData, "Submit a draft value for approval"},
      {"approve", Permission::kApproveData, "Approve a submitted value"},
      {"lock", Permission::kApproveData, "Lock an approved value"},
      {"reopen", Permission::kApproveData, "Reopen a value (back to draft; a reason is required)"},
  };
  for (const auto& a : actions) {
    const std::string action = a.action;
    Add("POST", "/api/v1/data-values/{id}/" + action, a.gate, a.summary, [action](Context& c) {
      auto id = IdParam(c.req);
      if (!id.ok()) return Problem(id.status());
      return WriteJson(
          c, 200,
          [&](storage::Transaction& tx, const json& body) {
            return domain::ChangeValueStatus(tx, c.actor, c.clock, *id, action, body);
          },
          /*optional_body=*/true);
    });
  }

  // --- Plans and targets
  Add("GET", "/api/v1/plans", kPublic, "Action plans", [](Context& c) {
    auto paging = Paging(c.req);
    if (!paging.ok()) return Problem(paging.status());
    return ReadJson(c, [&](storage::Transaction& tx) -> Result<json> {
      STIO_ASSIGN_OR_RETURN(auto r,
                            domain::ListPlans(tx, NonEmpty(c.req, "province_code"), *paging));
      return r.ToJson();
    });
  });
  Add("POST", "/api/v1/plans", Permission::kManageMonitoring, "Create an action plan",
      [](Context& c) {
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreatePlan(tx, c.actor, c.clock, body);
        });
      });
  Add("GET", "/api/v1/plans/{id}", kPublic, "One plan with its targets", [](Context& c) {
    auto id = IdParam(c.req);
    if (!id.ok()) return Problem(id.status());
    return ReadJson(c, [&](storage::Transaction& tx) { return domain::GetPlan(tx, *id); });
  });
  Add("PATCH", "/api/v1/plans/{id}", Permission::kManageMonitoring, "Edit a plan", [](Context& c) {
    auto id = IdParam(c.req);
    if (!id.ok()) return Problem(id.status());
    return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
      return domain::UpdatePlan(tx, c.actor, c.clock, *id, body);
    });
  });
  Add("POST", "/api/v1/plans/{id}/targets", Permission::kManageMonitoring, "Add a target to a plan",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 201, [&](storage::Transaction& tx, const json& body) {
          return domain::CreateTarget(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("PATCH", "/api/v1/targets/{id}", Permission::kManageMonitoring, "Edit a target",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return WriteJson(c, 200, [&](storage::Transaction& tx, const json& body) {
          return domain::UpdateTarget(tx, c.actor, c.clock, *id, body);
        });
      });
  Add("DELETE", "/api/v1/targets/{id}", Permission::kManageMonitoring, "Remove a target",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return Run(c, TxMode::kWrite, 204, [&](storage::Transaction& tx) -> Result<json> {
          STIO_RETURN_IF_ERROR(domain::DeleteTarget(tx, c.actor, c.clock, *id));
          return json();
        });
      });
  Add("GET", "/api/v1/plans/{id}/review", kPublic, "What the plan's targets lack, and duplicates",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        return ReadJson(c, [&](storage::Transaction& tx) { return domain::ReviewPlan(tx, *id); });
      });
  Add("GET", "/api/v1/plans/{id}/scorecard", kPublic, "Progress and feasibility of every target",
      [](Context& c) {
        auto id = IdParam(c.req);
        if (!id.ok()) return Problem(id.status());
        auto format = FormatParam(c.req, {"json", "xlsx"});
        if (!format.ok()) return Problem(format.status());
        auto lang = LangParam(c.req);
        if (!lang.ok()) return Problem(lang.status());
        if (*format == "json") {
          return ReadJson(
              c, [&](storage::Transaction& tx) { return domain::PlanScorecard(tx, c.clock, *id); });
        }
        json sc;
        Status s = c.Read([&](storage::Transaction& tx) {
          STIO_ASSIGN_OR_RETURN(sc, domain::PlanScorecard(tx, c.clock, *id));
          return Status::Ok();
        });
        if (!s.ok()) return Problem(s);
        std::string name = sc["plan"].value("code", "");
        return XlsxDownload(ScorecardSheets(sc, *lang),
                            "scorecard-" + (name.empty() ? std::to_string(*id) : name));
      });

  // --- Commune boundaries for the commune maps (the 34 and 63 provinces are in routes.cc)
  Add("GET", "/api/v1/geo/communes", kPublic,
      "GeoJSON of the communes of one province (2025), for commune maps", [this](Context& c) {
        auto province = NonEmpty(c.req, "province");
        if (!province) return Problem(Status::InvalidArgument("province is required", "province"));
        if (!commune_shapes_) {
          return Problem(Status::NotFound("the commune boundary file is not installed"));
        }
        auto text = commune_shapes_->Province(*province);
        if (!text.ok()) return Problem(text.status());
        http::Response r;
        r.status = 200;
        r.headers.Set("Content-Type", "application/geo+json");
        r.headers.Set("Cache-Control", "public, max-age=3600");
        r.body = std::move(text).value();
        return r;
      });

  // --- The provincial operations centre
  Add("GET", "/api/v1/ioc/kpis", kPublic,
      "Latest values of chosen indicators with freshness and completeness", [](Context& c) {
        auto unit = UnitParam(c.req, std::string("VN"));
        if (!unit.ok()) return Problem(unit.status());
        std::vector<std::string> codes;
        if (auto list = NonEmpty(c.req, "indicators")) {
          for (const std::string& s : Split(*list, ',')) {
            if (!Trim(s).empty()) codes.emplace_back(Trim(s));
          }
        }
        return ReadJson(c, [&](storage::Transaction& tx) {
          return domain::KpiFeed(tx, c.clock, codes, *unit);
        });
      });
}

}  // namespace stio::api
