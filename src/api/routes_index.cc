// Innovation index routes (issue 6): the composite-index frameworks shipped in data/frameworks,
// the published PII figures (data/pii) by province on both maps, and computations on values sent
// in the request (compute, what-if, robustness). Nothing here touches the database: the reference
// data is read once when the routes are added, and computations are pure functions of the body.
//
// Bounds: bodies above kMaxBodyBytes, more than kMaxRows value rows, more than kMaxRuns Monte
// Carlo runs or more than kMaxGain places are refused with a problem naming the field.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analytics/data_io.h"
#include "analytics/engine.h"
#include "analytics/framework.h"
#include "analytics/simulate.h"
#include "api/api.h"
#include "api/exports.h"
#include "api/problem.h"
#include "core/csv.h"
#include "core/strings.h"
#include "domain/indicators.h"

namespace stio::api {

using domain::Permission;
using nlohmann::json;

namespace {

constexpr size_t kMaxBodyBytes = 2 << 20;  // 2 MiB
constexpr size_t kMaxRows = 20000;
constexpr size_t kMaxChanges = 200;
constexpr int kMaxRuns = 2000;
constexpr int kMaxGain = 40;
constexpr int kStrengthGap = 5;  // places between an indicator's rank and the overall rank

constexpr const char* kPublishedCaveat =
    "Published PII figures are partial: they are collected from press reports and provincial "
    "pages (each with its source); the official 52-indicator inputs are not public.";
constexpr const char* kMapChange =
    "On 2025-07-01 the 63 provinces were merged into 34. The 2023 and 2024 editions were published "
    "on the 63-province map; the 2025 edition on the 34-province map. Figures of a former province "
    "are shown under the province it became part of, marked with the former name; they are not "
    "recomputed on the new map (the official inputs are not public).";

struct Province {
  std::string code, name;
};

// Everything the routes read, loaded once.
struct IndexData {
  std::map<std::string, analytics::Framework> frameworks;  // code -> framework
  std::vector<std::string> load_errors;                    // files that could not be read
  std::vector<analytics::PublishedPii> published;
  Status published_status;
  std::map<std::string, Province> provinces_2025;     // code -> name (34)
  std::map<std::string, Province> provinces_pre2025;  // code -> name (63)
  std::map<std::string, std::string> old_to_new;      // pre-2025 code -> 2025 code
  // framework code -> indicator or denominator code -> where stio holds its value: a monitoring
  // indicator code, or "reference:population" (the `stio_indicator` keys of the framework file).
  std::map<std::string, std::map<std::string, std::string>> stio_sources;
};

std::map<std::string, Province> LoadProvinces(const std::string& path,
                                              std::map<std::string, std::string>* old_to_new) {
  std::map<std::string, Province> out;
  auto text = analytics::ReadFile(path);
  if (!text.ok()) return out;
  auto table = ParseCsv(*text);
  if (!table.ok()) return out;
  auto col = [&](const std::string& name) -> int {
    for (size_t i = 0; i < table->header.size(); ++i) {
      if (table->header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  const int code = col("code"), name = col("name"), next = col("new_code_2025");
  if (code < 0 || name < 0) return out;
  for (const CsvRecord& rec : table->rows) {
    const auto& f = rec.fields;
    if (static_cast<int>(f.size()) <= std::max({code, name, next})) continue;
    out[f[code]] = {f[code], f[name]};
    if (old_to_new && next >= 0 && !f[next].empty()) (*old_to_new)[f[code]] = f[next];
  }
  return out;
}

std::shared_ptr<const IndexData> LoadIndexData(const std::string& data_dir) {
  auto d = std::make_shared<IndexData>();
  if (data_dir.empty()) return d;
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(data_dir) / "frameworks", ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    auto fw = analytics::LoadFramework(p.string());
    if (!fw.ok()) {
      d->load_errors.push_back(p.filename().string() + ": " + fw.status().message());
      continue;
    }
    std::string code = fw->code;
    if (auto text = analytics::ReadFile(p.string()); text.ok()) {
      const json doc = json::parse(*text, nullptr, false);
      for (const char* list : {"indicators", "denominators"}) {
        if (!doc.is_object() || !doc.contains(list) || !doc[list].is_array()) continue;
        for (const json& i : doc[list]) {
          if (i.contains("stio_indicator") && i["stio_indicator"].is_string() &&
              i.contains("code") && i["code"].is_string()) {
            d->stio_sources[code][i["code"].get<std::string>()] = i["stio_indicator"];
          }
        }
      }
    }
    d->frameworks.emplace(code, std::move(*fw));
  }
  auto pub = analytics::LoadPublishedPii(data_dir + "/pii/pii_published.csv");
  if (pub.ok()) {
    d->published = std::move(*pub);
  } else {
    d->published_status = pub.status();
  }
  d->provinces_2025 = LoadProvinces(data_dir + "/admin-units/provinces_2025.csv", nullptr);
  d->provinces_pre2025 =
      LoadProvinces(data_dir + "/admin-units/provinces_pre2025.csv", &d->old_to_new);
  return d;
}

json Num(double v) { return analytics::HasValue(v) ? json(v) : json(nullptr); }

bool Assumed(const analytics::Node& n) {
  auto has = [](const std::string& s) { return s.find("[assumed]") != std::string::npos; };
  return has(n.weight_basis) || has(n.note) || has(n.source) || has(n.definition);
}

json NodeJson(const analytics::Node& n) {
  json j = {{"code", n.code},
            {"name", n.name},
            {"parent", n.parent.empty() ? json(nullptr) : json(n.parent)},
            {"level", n.level},
            {"weight", n.weight},
            {"weight_basis", n.weight_basis},
            {"is_indicator", n.is_indicator},
            {"assumed", Assumed(n)},
            {"source", n.source},
            {"note", n.note}};
  if (n.is_indicator) {
    j["direction"] = n.direction;
    j["unit"] = n.unit;
    j["definition"] = n.definition;
    j["denominator"] = n.denominator.empty() ? json(nullptr) : json(n.denominator);
    j["factor"] = n.factor;
    j["valid_range"] = {n.valid_min ? json(*n.valid_min) : json(nullptr),
                        n.valid_max ? json(*n.valid_max) : json(nullptr)};
  } else {
    j["placeholder"] = n.placeholder;
  }
  return j;
}

json FrameworkSummary(const analytics::Framework& fw) {
  int indicators = 0, placeholders = 0;
  for (const auto& n : fw.nodes) {
    indicators += n.is_indicator ? 1 : 0;
    placeholders += n.placeholder ? 1 : 0;
  }
  return {{"code", fw.code},
          {"name", fw.name},
          {"version", fw.version},
          {"levels", fw.levels},
          {"nodes", static_cast<int>(fw.nodes.size()) - indicators},
          {"indicators", indicators},
          {"placeholders", placeholders}};
}

json FrameworkJson(const analytics::Framework& fw) {
  json j = FrameworkSummary(fw);
  j["description"] = fw.description;
  j["root"] = fw.root;
  const auto& m = fw.method;
  j["method"] = {{"normalisation", analytics::NormalisationName(m.normalisation)},
                 {"aggregation", analytics::AggregationName(m.aggregation)},
                 {"pooled_minmax", m.pooled_minmax},
                 {"scale", m.scale},
                 {"treat_outliers", m.treat_outliers},
                 {"unit_min_share", m.unit_min_share},
                 {"indicator_min_share", m.indicator_min_share},
                 {"rank_decimals", m.rank_decimals}};
  json dens = json::array();
  for (const auto& d : fw.denominators) {
    dens.push_back({{"code", d.code}, {"name", d.name}, {"unit", d.unit}, {"source", d.source}});
  }
  j["denominators"] = std::move(dens);
  json tree = json::array();
  json assumed = json::array();
  for (const auto& n : fw.nodes) {
    tree.push_back(NodeJson(n));
    if (Assumed(n)) assumed.push_back(n.code);
  }
  j["tree"] = std::move(tree);
  j["assumed"] = std::move(assumed);
  j["efficiency"] = fw.efficiency_numerator.empty()
                        ? json(nullptr)
                        : json{{"numerator", fw.efficiency_numerator},
                               {"denominator", fw.efficiency_denominator}};
  return j;
}

// The 2025 province a published figure belongs to (its own code on the 34 map).
std::string Code2025(const IndexData& d, const analytics::PublishedPii& p) {
  if (p.province_code.empty()) return "";
  if (p.map == 34) return p.province_code;
  auto it = d.old_to_new.find(p.province_code);
  return it == d.old_to_new.end() ? "" : it->second;
}

json PublishedJson(const IndexData& d, const analytics::PublishedPii& p) {
  return {{"edition", p.edition_year},
          {"map", p.map},
          {"province_code", p.province_code.empty() ? json(nullptr) : json(p.province_code)},
          {"province_name", p.province_name_vi},
          {"province_code_2025", Code2025(d, p).empty() ? json(nullptr) : json(Code2025(d, p))},
          {"score", Num(p.overall_score)},
          {"rank", p.overall_rank > 0 ? json(p.overall_rank) : json(nullptr)},
          {"input_score", Num(p.input_score)},
          {"output_score", Num(p.output_score)},
          {"source_url", p.source_url},
          {"note", p.note}};
}

std::optional<std::string> NonEmpty(const http::Request& req, const std::string& name) {
  auto v = req.Query(name);
  if (!v || Trim(*v).empty()) return std::nullopt;
  return std::string(Trim(*v));
}

// --- Computations on values in the body.

struct Request {
  const analytics::Framework* fw = nullptr;
  analytics::PreparedData data;
  analytics::MethodOptions opts;
  int edition = 0;
};

Status BodyTooLarge(const http::Request& req) {
  if (req.body.size() > kMaxBodyBytes) {
    return Status::InvalidArgument("the request body is larger than " +
                                   std::to_string(kMaxBodyBytes >> 20) + " MiB");
  }
  return Status::Ok();
}

// Reads the rows of `field` ({unit, indicator, year, value, source}) into a dataset, checks the
// units (for the PII: province codes of either map) and the values against the framework.
Result<analytics::Dataset> ReadRows(const IndexData& d, const analytics::Framework& fw,
                                    const json& rows, const std::string& field) {
  if (!rows.is_array()) return Status::InvalidArgument(field + " must be an array of rows", field);
  if (rows.size() > kMaxRows) {
    return Status::InvalidArgument(field + " has " + std::to_string(rows.size()) +
                                       " rows; at most " + std::to_string(kMaxRows) +
                                       " are accepted",
                                   field);
  }
  analytics::Dataset ds;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string where = field + "[" + std::to_string(i) + "]";
    const json& r = rows[i];
    if (!r.is_object()) return Status::InvalidArgument(where + " must be an object", where);
    analytics::Observation o;
    auto str = [&](const char* key, std::string& out, bool required) -> Status {
      auto it = r.find(key);
      if (it == r.end() || it->is_null()) {
        if (required) return Status::InvalidArgument(where + "." + key + " is required", where);
        return Status::Ok();
      }
      if (!it->is_string()) {
        return Status::InvalidArgument(where + "." + key + " must be a string", where);
      }
      out = std::string(Trim(it->get<std::string>()));
      if (required && out.empty()) {
        return Status::InvalidArgument(where + "." + key + " is empty", where);
      }
      return Status::Ok();
    };
    STIO_RETURN_IF_ERROR(str("unit", o.unit, true));
    STIO_RETURN_IF_ERROR(str("indicator", o.indicator, true));
    STIO_RETURN_IF_ERROR(str("source", o.source, false));
    auto year = r.find("year");
    if (year == r.end() || !year->is_number_integer() || year->get<int64_t>() < 1900 ||
        year->get<int64_t>() > 2100) {
      return Status::InvalidArgument(where + ".year must be an integer year (1900-2100)", where);
    }
    o.year = year->get<int>();
    auto value = r.find("value");
    if (value == r.end() || !value->is_number()) {
      return Status::InvalidArgument(
          where + ".value must be a number (not " +
              (value == r.end() ? std::string("missing") : std::string(value->type_name())) + ")",
          where);
    }
    o.value = value->get<double>();
    if (!fw.Find(o.indicator) && !fw.IsDenominator(o.indicator)) {
      return Status::InvalidArgument(
          where + ": unknown indicator '" + o.indicator + "' in framework " + fw.code, where);
    }
    if (fw.code == "PII" && !d.provinces_2025.count(o.unit) && !d.provinces_pre2025.count(o.unit)) {
      return Status::InvalidArgument(where + ": unknown unit '" + o.unit +
                                         "' (PII units are province codes, e.g. 01 for Hà Nội)",
                                     where);
    }
    ds.observations.push_back(std::move(o));
  }
  if (ds.observations.empty()) {
    return Status::InvalidArgument(field + " is empty; send at least one row", field);
  }
  // CheckDataset names rows 1-based ("row 3"); say which array.
  Status s = analytics::CheckDataset(fw, ds);
  if (!s.ok()) return Status::InvalidArgument(field + ": " + s.message(), field);
  return ds;
}

Result<Request> ReadRequest(const IndexData& d, const json& body, const std::string& rows_field) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  Request r;
  std::string code = "PII";
  if (auto it = body.find("framework"); it != body.end()) {
    if (!it->is_string()) return Status::InvalidArgument("framework must be a string", "framework");
    code = it->get<std::string>();
  }
  auto fw = d.frameworks.find(code);
  if (fw == d.frameworks.end()) {
    return Status::InvalidArgument("unknown framework '" + code + "'", "framework");
  }
  r.fw = &fw->second;
  r.opts = r.fw->method;
  if (auto it = body.find("method"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return Status::InvalidArgument("method must be an object", "method");
    Status s = analytics::ParseMethodOptions(it->dump(), r.opts);
    if (!s.ok()) return Status::InvalidArgument("method: " + s.message(), "method");
  }
  auto rows = body.find(rows_field);
  if (rows == body.end()) {
    return Status::InvalidArgument(rows_field + " is required", rows_field);
  }
  STIO_ASSIGN_OR_RETURN(auto ds, ReadRows(d, *r.fw, *rows, rows_field));
  std::set<int> years;
  for (const auto& o : ds.observations) years.insert(o.year);
  r.edition = *years.rbegin();
  if (auto it = body.find("edition"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || !years.count(it->get<int>())) {
      return Status::InvalidArgument("edition must be one of the years in " + rows_field,
                                     "edition");
    }
    r.edition = it->get<int>();
  }
  auto prepared = analytics::Prepare(*r.fw, ds);
  if (!prepared.ok()) {
    return Status::InvalidArgument(rows_field + ": " + prepared.status().message(), rows_field);
  }
  r.data = std::move(*prepared);
  return r;
}

// The result of one edition, with the notes (imputed, treated, left out) spelled out.
json ResultJson(const analytics::Framework& fw, const analytics::IndexResult& r) {
  json j = json::parse(analytics::ResultToJson(fw, r));
  j["root"] = fw.root;
  return j;
}

Result<std::string> UnitField(const json& body, const Request& r) {
  auto it = body.find("unit");
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Status::InvalidArgument("unit is required (a unit code present in the values)", "unit");
  }
  std::string unit = it->get<std::string>();
  if (!r.data.HasUnit(unit)) {
    return Status::InvalidArgument("unit '" + unit + "' has no values in base", "unit");
  }
  return unit;
}

// Nodes as the results list them: the index first, then sub-indices, pillars, groups (the reverse
// of the aggregation order), then the indicators.
std::vector<const analytics::Node*> NodeOrder(const analytics::Framework& fw) {
  std::vector<const analytics::Node*> out;
  for (auto it = fw.post_order.rbegin(); it != fw.post_order.rend(); ++it) {
    out.push_back(&fw.nodes[*it]);
  }
  for (int i : fw.Indicators()) out.push_back(&fw.nodes[i]);
  return out;
}

std::string CsvNum(const json& v) { return v.is_number() ? v.dump() : ""; }

// A computation as CSV, in the layout of `stio index compute --format csv` (data_io.h): one row
// per unit and node, then one per note. Text that came from the request (unit codes, details) is
// guarded against spreadsheet formulas.
std::string ComputeCsv(const analytics::Framework& fw, const json& out) {
  std::string csv =
      WriteCsvRow({"edition", "unit_code", "level", "code", "score", "rank", "included"});
  const std::string ed = std::to_string(out["edition"].get<int>());
  const auto order = NodeOrder(fw);
  for (const json& u : out["units"]) {
    const std::string unit = CsvGuardFormula(u["unit"].get<std::string>());
    const std::string included = u["included"].get<bool>() ? "yes" : "no";
    for (const analytics::Node* n : order) {
      csv += WriteCsvRow({ed, unit, n->level, n->code, CsvNum(u["scores"].value(n->code, json())),
                          CsvNum(u["ranks"].value(n->code, json())), included});
    }
    if (u.contains("efficiency")) {
      csv += WriteCsvRow({ed, unit, "efficiency",
                          fw.efficiency_numerator + "/" + fw.efficiency_denominator,
                          CsvNum(u["efficiency"]), CsvNum(u["efficiency_rank"]), included});
    }
  }
  for (const json& n : out["notes"]) {
    csv += WriteCsvRow(
        {ed, CsvGuardFormula(n["unit"].get<std::string>()), "note",
         CsvGuardFormula(n["indicator"].get<std::string>()), CsvNum(n["before"]),
         CsvNum(n["after"]),
         CsvGuardFormula(n["kind"].get<std::string>() + ": " + n["detail"].get<std::string>())});
  }
  return csv;
}

http::Response CsvDownload(std::string body, const std::string& file) {
  http::Response r;
  r.status = 200;
  r.headers.Set("Content-Type", "text/csv; charset=utf-8");
  r.headers.Set("Content-Disposition", "attachment; filename=\"" + file + ".csv\"");
  r.body = std::move(body);
  return r;
}

template <typename Fn>
http::Response Computation(const IndexData& d, Context& c, const std::string& rows_field, Fn fn) {
  if (Status s = BodyTooLarge(c.req); !s.ok()) return Problem(413, s);
  Result<json> body = c.JsonBody();
  if (!body.ok()) return Problem(body.status());
  auto req = ReadRequest(d, *body, rows_field);
  if (!req.ok()) return Problem(req.status());
  Result<json> out = fn(*body, *req);
  if (!out.ok()) return Problem(out.status());
  return JsonResponse(200, *out);
}

}  // namespace

void Api::AddIndexRoutes() {
  const Permission kPublic = Permission::kReadPublic;
  std::shared_ptr<const IndexData> d = LoadIndexData(options_.data_dir);

  Add("GET", "/api/v1/index/frameworks", kPublic, "Composite-index frameworks", [d](Context&) {
    json items = json::array();
    for (const auto& [code, fw] : d->frameworks) items.push_back(FrameworkSummary(fw));
    return JsonResponse(200, {{"items", items}, {"load_errors", d->load_errors}});
  });

  Add("GET", "/api/v1/index/frameworks/{code}", kPublic,
      "One framework: its tree with weights, sources and what is assumed", [d](Context& c) {
        auto it = d->frameworks.find(c.req.params["code"]);
        if (it == d->frameworks.end()) {
          return Problem(Status::NotFound("no framework '" + c.req.params["code"] + "'"));
        }
        return JsonResponse(200, FrameworkJson(it->second));
      });

  Add("GET", "/api/v1/index/published", kPublic,
      "Published PII figures with their sources, by province, on both maps", [d](Context& c) {
        if (!d->published_status.ok()) return Problem(d->published_status);
        auto format = FormatParam(c.req, {"json", "xlsx"});
        if (!format.ok()) return Problem(format.status());
        auto lang = LangParam(c.req);
        if (!lang.ok()) return Problem(lang.status());
        std::optional<int> edition;
        if (auto v = NonEmpty(c.req, "edition")) {
          auto n = ParseInt(*v);
          if (!n) return Problem(Status::InvalidArgument("edition must be a year", "edition"));
          edition = static_cast<int>(*n);
        }
        std::set<int> editions;
        for (const auto& p : d->published) editions.insert(p.edition_year);
        if (edition && !editions.count(*edition)) {
          return Problem(
              Status::NotFound("no published PII figures for edition " + std::to_string(*edition)));
        }
        json figures = json::array();
        // Latest figure on the 34-province map with a score, per 2025 province (for the map).
        std::map<std::string, const analytics::PublishedPii*> latest;
        for (const auto& p : d->published) {
          if (edition && p.edition_year != *edition) continue;
          figures.push_back(PublishedJson(*d, p));
          if (p.map == 34 && analytics::HasValue(p.overall_score) && !p.province_code.empty()) {
            auto& slot = latest[p.province_code];
            if (!slot || slot->edition_year < p.edition_year) slot = &p;
          }
        }
        if (*format == "xlsx") {
          return XlsxDownload(PublishedPiiSheets(figures, {kPublishedCaveat, kMapChange}, *lang),
                              edition ? "pii-" + std::to_string(*edition) : "pii");
        }
        json provinces = json::array();
        for (const auto& [code, prov] : d->provinces_2025) {
          auto it = latest.find(code);
          json row = {{"code", code}, {"name", prov.name}, {"latest", nullptr}};
          if (it != latest.end()) row["latest"] = PublishedJson(*d, *it->second);
          provinces.push_back(std::move(row));
        }
        return JsonResponse(200, {{"editions", editions},
                                  {"edition", edition ? json(*edition) : json(nullptr)},
                                  {"caveat", kPublishedCaveat},
                                  {"map_change", kMapChange},
                                  {"figures", figures},
                                  {"provinces_2025", provinces}});
      });

  Add("GET", "/api/v1/index/provinces/{code}", kPublic,
      "A province's published PII history across editions (both maps)", [d](Context& c) {
        const std::string code = c.req.params["code"];
        std::string code2025;
        std::string name;
        if (auto it = d->provinces_2025.find(code); it != d->provinces_2025.end()) {
          code2025 = code;
          name = it->second.name;
        } else if (auto old = d->old_to_new.find(code); old != d->old_to_new.end()) {
          code2025 = old->second;  // a former province: answer for the province it became
          if (auto it2 = d->provinces_2025.find(code2025); it2 != d->provinces_2025.end()) {
            name = it2->second.name;
          }
        } else {
          return Problem(Status::NotFound("no province '" + code + "'"));
        }
        json predecessors = json::array();
        for (const auto& [old, next] : d->old_to_new) {
          if (next != code2025) continue;
          auto p = d->provinces_pre2025.find(old);
          predecessors.push_back(
              {{"code", old}, {"name", p == d->provinces_pre2025.end() ? "" : p->second.name}});
        }
        json history = json::array();
        for (const auto& p : d->published) {
          if (Code2025(*d, p) != code2025) continue;
          json h = PublishedJson(*d, p);
          h["former_province"] = p.map == 63 && p.province_code != code2025;
          history.push_back(std::move(h));
        }
        json out = {{"code", code2025},
                    {"requested_code", code},
                    {"name", name},
                    {"predecessors", predecessors},
                    {"history", history},
                    {"map_change", {{"year", 2025}, {"note", kMapChange}}},
                    {"caveat", kPublishedCaveat},
                    {"strengths", json::array()},
                    {"weaknesses", json::array()},
                    {"strengths_note",
                     "Strengths and weaknesses need indicator values; none are public for the PII. "
                     "Send values to POST /api/v1/index/compute to see them."}};
        return JsonResponse(200, out);
      });

  Add("GET", "/api/v1/index/inputs", kPublic,
      "The framework's raw values that stio holds itself (IP registry, registry, monitoring, "
      "reference population) for one year, as rows for compute, each with its source",
      [d](Context& c) {
        const std::string code = c.req.Query("framework").value_or("PII");
        auto fw = d->frameworks.find(code);
        if (fw == d->frameworks.end()) {
          return Problem(Status::NotFound("framework '" + code.substr(0, 40) + "' is not loaded"));
        }
        auto year_text = NonEmpty(c.req, "year");
        auto year = year_text ? ParseInt(*year_text) : std::nullopt;
        if (!year || *year < 2000 || *year > 2100) {
          return Problem(Status::InvalidArgument("year is required (2000..2100)", "year"));
        }
        const auto sources = d->stio_sources.count(code) ? d->stio_sources.at(code)
                                                         : std::map<std::string, std::string>();
        json out;
        Status read = c.Read([&](storage::Transaction& tx) -> Status {
          json values = json::array(), missing = json::array();
          for (const auto& [indicator, source] : sources) {
            for (const auto& [unit, province] : d->provinces_2025) {
              std::optional<double> v;
              std::string where;
              if (source == "reference:population") {
                STIO_ASSIGN_OR_RETURN(
                    auto rows, tx.Query("SELECT population FROM admin_units WHERE era = '2025' "
                                        "AND level = 'province' AND code = ?",
                                        {unit}));
                if (!rows.empty() && !rows[0].IsNull("population")) {
                  v = static_cast<double>(rows[0].Int("population"));
                }
                where =
                    "stio reference data (data/population: resident population, about the "
                    "end of 2024, whatever the year asked)";
              } else {
                domain::UnitRef u;
                u.code = unit;
                auto points = domain::YearlyValues(tx, source, u, static_cast<int>(*year),
                                                   static_cast<int>(*year));
                if (!points.ok()) return points.status().WithContext(indicator);
                if (!points->empty()) v = points->front().second;
                where = "stio indicator " + source + " (" + "/api/v1/indicators/" + source +
                        "/lineage?unit=" + unit + "&period=" + std::to_string(*year) + ")";
              }
              if (v) {
                values.push_back({{"unit", unit},
                                  {"indicator", indicator},
                                  {"year", *year},
                                  {"value", *v},
                                  {"source", where}});
              } else {
                missing.push_back({{"unit", unit}, {"indicator", indicator}});
              }
            }
          }
          // What the user must import: every indicator and denominator stio does not hold.
          json to_import = json::array();
          for (const auto& n : fw->second.nodes) {
            if (n.is_indicator && !sources.count(n.code)) to_import.push_back(n.code);
          }
          for (const auto& den : fw->second.denominators) {
            if (!sources.count(den.code)) to_import.push_back(den.code);
          }
          out = json{{"framework", code},
                     {"year", *year},
                     {"mapped", sources},
                     {"to_import", to_import},
                     {"values", values},
                     {"missing", missing},
                     {"note",
                      "Only the indicators whose data stio holds; import the others (index "
                      "compute takes both). A unit without data is listed in missing, never "
                      "zero."}};
          return Status::Ok();
        });
        if (!read.ok()) return Problem(read);
        return JsonResponse(200, out);
      });

  Add("POST", "/api/v1/index/compute", kPublic,
      "Compute an index from values: scores and ranks at every level, with notes "
      "(format=csv|xlsx: a download)",
      [d](Context& c) {
        auto format = FormatParam(c.req, {"json", "csv", "xlsx"});
        if (!format.ok()) return Problem(format.status());
        auto lang = LangParam(c.req);
        if (!lang.ok()) return Problem(lang.status());
        if (Status s = BodyTooLarge(c.req); !s.ok()) return Problem(413, s);
        Result<json> body = c.JsonBody();
        if (!body.ok()) return Problem(body.status());
        auto req = ReadRequest(*d, *body, "values");
        if (!req.ok()) return Problem(req.status());
        Request& r = *req;
        auto res = analytics::Compute(*r.fw, r.data, r.edition, r.opts);
        if (!res.ok()) return Problem(res.status());
        json out = ResultJson(*r.fw, *res);
        std::string file;  // e.g. pii-2025: ASCII letters, digits and '-' only
        for (char ch : r.fw->code) {
          if (std::isalnum(static_cast<unsigned char>(ch))) {
            file += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          }
        }
        file += "-" + std::to_string(r.edition);
        if (*format == "csv") return CsvDownload(ComputeCsv(*r.fw, out), file);
        if (*format == "xlsx") {
          json nodes = json::array();
          for (const analytics::Node* n : NodeOrder(*r.fw)) {
            nodes.push_back({{"code", n->code}, {"level", n->level}, {"name", n->name}});
          }
          return XlsxDownload(ComputedIndexSheets(out, nodes, (*body)["values"], *lang), file);
        }
        if (auto it = body->find("unit"); it != body->end() && it->is_string()) {
          const std::string unit = it->get<std::string>();
          if (res->UnitIndex(unit) < 0) {
            return Problem(Status::InvalidArgument("unit '" + unit + "' has no values", "unit"));
          }
          out["profile"] =
              json::parse(analytics::ProfileToJson(*r.fw, *res, unit, kStrengthGap, &r.data));
        }
        return JsonResponse(200, out);
      });

  Add("POST", "/api/v1/index/whatif", kPublic,
      "What-if: a unit's values changed, new scores and ranks, cheapest changes to gain N places",
      [d](Context& c) {
        return Computation(*d, c, "base", [&](const json& body, Request& r) -> Result<json> {
          STIO_ASSIGN_OR_RETURN(std::string unit, UnitField(body, r));
          std::vector<analytics::ValueChange> changes;
          if (auto it = body.find("changes"); it != body.end() && !it->is_null()) {
            if (!it->is_array()) {
              return Status::InvalidArgument("changes must be an array", "changes");
            }
            if (it->size() > kMaxChanges) {
              return Status::InvalidArgument(
                  "at most " + std::to_string(kMaxChanges) + " changes are accepted", "changes");
            }
            std::set<std::string> seen;
            for (size_t i = 0; i < it->size(); ++i) {
              const json& ch = (*it)[i];
              const std::string where = "changes[" + std::to_string(i) + "]";
              if (!ch.is_object() || !ch.contains("indicator") || !ch["indicator"].is_string()) {
                return Status::InvalidArgument(where + ".indicator is required", where);
              }
              analytics::ValueChange vc;
              vc.indicator = ch["indicator"].get<std::string>();
              if (!r.fw->Find(vc.indicator) && !r.fw->IsDenominator(vc.indicator)) {
                return Status::InvalidArgument(where + ": unknown indicator '" + vc.indicator + "'",
                                               where);
              }
              if (!seen.insert(vc.indicator).second) {
                return Status::InvalidArgument(
                    where + ": indicator '" + vc.indicator + "' is changed twice", where);
              }
              if (!ch.contains("value") || !(ch["value"].is_number() || ch["value"].is_null())) {
                return Status::InvalidArgument(where + ".value must be a number (or null)", where);
              }
              vc.value = ch["value"].is_null() ? analytics::kNoValue : ch["value"].get<double>();
              // The new value must pass the same checks as a value in base (sign, range).
              if (!ch["value"].is_null()) {
                analytics::Dataset one;
                one.observations.push_back({unit, vc.indicator, r.edition, vc.value, "", 0});
                Status s = analytics::CheckDataset(*r.fw, one);
                if (!s.ok()) return Status::InvalidArgument(where + ": " + s.message(), where);
              }
              changes.push_back(std::move(vc));
            }
          }
          int gain = 0;
          if (auto it = body.find("gain"); it != body.end() && !it->is_null()) {
            if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
                it->get<int64_t>() > kMaxGain) {
              return Status::InvalidArgument(
                  "gain must be an integer from 1 to " + std::to_string(kMaxGain), "gain");
            }
            gain = it->get<int>();
          }
          STIO_ASSIGN_OR_RETURN(auto before, analytics::Compute(*r.fw, r.data, r.edition, r.opts));
          STIO_ASSIGN_OR_RETURN(auto after,
                                analytics::WhatIf(*r.fw, r.data, r.edition, r.opts, unit, changes));
          json out = json::parse(analytics::WhatIfToJson(*r.fw, before, after, unit));
          out["root"] = r.fw->root;
          out["units"] = static_cast<int>(before.units.size());
          out["score_before"] = Num(before.Score(r.fw->root, unit));
          out["rank_before"] = before.Rank(r.fw->root, unit);
          out["score_after"] = Num(after.Score(r.fw->root, unit));
          out["rank_after"] = after.Rank(r.fw->root, unit);
          out["notes"] = ResultJson(*r.fw, after)["notes"];
          if (gain > 0) {
            if (before.Rank(r.fw->root, unit) <= 1) {
              out["gain"] = nullptr;
              out["gain_note"] = "the unit already ranks first";
            } else {
              // Plans start from the changed values, so the what-if and the plan add up.
              analytics::PreparedData changed = r.data;
              for (const auto& ch : changes) {
                if (changed.HasCode(ch.indicator)) {
                  changed.Set(unit, ch.indicator, r.edition, ch.value);
                }
              }
              STIO_ASSIGN_OR_RETURN(
                  auto plan, analytics::GainPlaces(*r.fw, changed, r.edition, r.opts, unit, gain));
              out["gain"] = json::parse(analytics::GainPlanToJson(plan));
            }
          }
          return out;
        });
      });

  Add("POST", "/api/v1/index/robustness", kPublic,
      "Monte Carlo over weights and methods: rank intervals and sensitivity", [d](Context& c) {
        return Computation(*d, c, "values", [&](const json& body, Request& r) -> Result<json> {
          analytics::RobustnessOptions ro;
          ro.runs = 200;
          if (auto it = body.find("runs"); it != body.end() && !it->is_null()) {
            if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
                it->get<int64_t>() > kMaxRuns) {
              return Status::InvalidArgument(
                  "runs must be an integer from 1 to " + std::to_string(kMaxRuns), "runs");
            }
            ro.runs = it->get<int>();
          }
          if (auto it = body.find("seed"); it != body.end() && !it->is_null()) {
            if (!it->is_number_integer() || it->get<int64_t>() < 0) {
              return Status::InvalidArgument("seed must be a non-negative integer", "seed");
            }
            ro.seed = it->get<uint64_t>();
          }
          if (auto it = body.find("spread"); it != body.end() && !it->is_null()) {
            if (!it->is_number() || it->get<double>() < 0 || it->get<double>() >= 1) {
              return Status::InvalidArgument("spread must be a number in [0, 1)", "spread");
            }
            ro.weight_spread = it->get<double>();
          }
          STIO_ASSIGN_OR_RETURN(auto rep,
                                analytics::Robustness(*r.fw, r.data, r.edition, r.opts, ro));
          json out = json::parse(analytics::RobustnessToJson(rep));
          out["edition"] = r.edition;
          return out;
        });
      });
}

}  // namespace stio::api
