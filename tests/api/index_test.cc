// The innovation index over HTTP: frameworks, published PII figures on both maps, a province's
// history, and compute / what-if / robustness on values in the body, with hostile input.
#include <map>
#include <set>
#include <string>

#include "api/api_fixture.h"
#include "core/clock.h"
#include "domain/ip.h"

namespace stio::apitest {
namespace {

// Synthetic PII values for `n` provinces (2025 codes): every public indicator and denominator,
// all within the framework's valid ranges, varied so that ranks differ.
json PiiRows(int n = 8, int year = 2025) {
  static const char* kUnits[] = {"01", "79", "22", "31", "46", "75", "25", "86", "52", "48"};
  static const char* kIndicators[] = {"1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.2.1", "1.2.2",
                                      "1.2.3", "2.1.1", "4.1.1", "4.2.1", "4.2.2", "4.3.1",
                                      "5.1.1", "6.1.1", "6.1.2", "6.1.3", "6.2.1", "6.2.2",
                                      "6.2.3", "6.3.1", "7.1.1"};
  json rows = json::array();
  for (int u = 0; u < n; ++u) {
    int i = 0;
    for (const char* code : kIndicators) {
      double v = ((u * 7 + i * 3) % 10) + 1 + 0.1 * u;  // 1..10.9; [0, 10] indicators capped
      if (v > 10) v = 10;
      rows.push_back({{"unit", kUnits[u]},
                      {"indicator", code},
                      {"year", year},
                      {"value", v},
                      {"source", "test"}});
      ++i;
    }
    rows.push_back(
        {{"unit", kUnits[u]}, {"indicator", "POP"}, {"year", year}, {"value", 1e6 * (u + 1)}});
    rows.push_back(
        {{"unit", kUnits[u]}, {"indicator", "GRDP"}, {"year", year}, {"value", 1e5 * (u + 1)}});
    rows.push_back({{"unit", kUnits[u]},
                    {"indicator", "ENTERPRISES"},
                    {"year", year},
                    {"value", 1e3 * (u + 1)}});
  }
  return rows;
}

class IndexTest : public ApiFixture {
 protected:
  HttpResponse Post(const std::string& path, const json& body) {
    return Call(Who::kPublic, "POST", path, body.dump());
  }
};

TEST_F(IndexTest, FrameworksListAndTreeWithSourcesAndAssumptions) {
  json list = Body(Call(Who::kPublic, "GET", "/api/v1/index/frameworks"));
  bool pii = false;
  for (const json& f : list["items"]) {
    if (f["code"] == "PII") {
      pii = true;
      EXPECT_EQ(f["indicators"], 21);
    }
  }
  EXPECT_TRUE(pii) << list;
  EXPECT_TRUE(list["load_errors"].empty()) << list["load_errors"];
  json fw = Body(Call(Who::kPublic, "GET", "/api/v1/index/frameworks/PII"));
  EXPECT_EQ(fw["root"], "PII");
  ASSERT_TRUE(fw["tree"].is_array());
  int indicators = 0;
  for (const json& n : fw["tree"]) {
    if (n["is_indicator"]) {
      ++indicators;
      EXPECT_FALSE(n["source"].get<std::string>().empty()) << n;
    }
  }
  EXPECT_EQ(indicators, 21);
  EXPECT_FALSE(fw["assumed"].empty());
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/index/frameworks/NOPE"), 404));
}

TEST_F(IndexTest, PublishedFiguresOnBothMapsWithSources) {
  json all = Body(Call(Who::kPublic, "GET", "/api/v1/index/published"));
  EXPECT_EQ(all["editions"], json({2023, 2024, 2025}));
  EXPECT_FALSE(all["caveat"].get<std::string>().empty());
  bool map63 = false, map34 = false;
  for (const json& f : all["figures"]) {
    EXPECT_EQ(f["source_url"].get<std::string>().rfind("http", 0), 0u) << f;
    map63 = map63 || f["map"] == 63;
    map34 = map34 || f["map"] == 34;
  }
  EXPECT_TRUE(map63 && map34);
  ASSERT_EQ(all["provinces_2025"].size(), 34u);
  json y2025 = Body(Call(Who::kPublic, "GET", "/api/v1/index/published?edition=2025"));
  for (const json& f : y2025["figures"]) EXPECT_EQ(f["edition"], 2025);
  // Huế 2025: 49.37, rank 5, input 51.50, output 47.23.
  bool hue = false;
  for (const json& p : y2025["provinces_2025"]) {
    if (p["code"] == "46") {
      hue = true;
      EXPECT_EQ(p["latest"]["score"], 49.37);
      EXPECT_EQ(p["latest"]["rank"], 5);
      EXPECT_EQ(p["latest"]["input_score"], 51.5);
    }
  }
  EXPECT_TRUE(hue);
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/index/published?edition=1999"), 404));
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "GET", "/api/v1/index/published?edition=abc"), 400, "edition"));
}

TEST_F(IndexTest, ProvinceHistoryAcrossTheMapChange) {
  // Hải Phòng (31) on the 34 map includes the former Hải Dương (30).
  json hp = Body(Call(Who::kPublic, "GET", "/api/v1/index/provinces/31"));
  EXPECT_EQ(hp["code"], "31");
  bool y2023 = false, y2025 = false;
  for (const json& h : hp["history"]) {
    if (h["edition"] == 2023 && h["province_code"] == "31") y2023 = true;
    if (h["edition"] == 2025) {
      y2025 = true;
      EXPECT_EQ(h["map"], 34);
    }
  }
  EXPECT_TRUE(y2023 && y2025) << hp["history"];
  EXPECT_EQ(hp["map_change"]["year"], 2025);
  bool hai_duong = false;
  for (const json& p : hp["predecessors"]) hai_duong = hai_duong || p["code"] == "30";
  EXPECT_TRUE(hai_duong) << hp["predecessors"];
  // A former province's code answers for the province it became part of.
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/index/provinces/30"))["code"], "31");
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/index/provinces/99"), 404));
}

TEST_F(IndexTest, ComputeGivesScoresRanksAndNotes) {
  json rows = PiiRows();
  rows.erase(rows.begin());  // 01 has no 1.1.1: reported as missing, not silently dropped
  HttpResponse r = Post("/api/v1/index/compute", {{"values", rows}, {"unit", "46"}});
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 400);
  json out = Body(r);
  EXPECT_EQ(out["edition"], 2025);
  ASSERT_EQ(out["units"].size(), 8u);
  std::set<int> ranks;
  for (const json& u : out["units"]) {
    EXPECT_TRUE(u["scores"].contains("PII")) << u;
    EXPECT_TRUE(u["scores"].contains("IN"));
    EXPECT_TRUE(u["scores"].contains("P1"));
    ranks.insert(u["ranks"]["PII"].get<int>());
  }
  EXPECT_EQ(*ranks.begin(), 1);
  bool missing = false;
  for (const json& n : out["notes"]) {
    missing = missing || (n["kind"] == "missing_not_imputed" && n["unit"] == "01" &&
                          n["indicator"] == "1.1.1");
  }
  EXPECT_TRUE(missing) << out["notes"];
  EXPECT_EQ(out["profile"]["unit"], "46");
  // The same with the HDI framework reproduces its published value for Norway (2018: 0.954).
  json hdi = json::array();
  for (auto [code, v] : {std::pair<const char*, double>{"LE", 82.3},
                         {"EYS", 18.1},
                         {"MYS", 12.6},
                         {"GNIPC", 68059}}) {
    hdi.push_back({{"unit", "NOR"}, {"indicator", code}, {"year", 2018}, {"value", v}});
  }
  json h = Body(Post("/api/v1/index/compute", {{"framework", "HDI"}, {"values", hdi}}));
  ASSERT_EQ(h["units"].size(), 1u) << h;
  EXPECT_NEAR(h["units"][0]["scores"]["HDI"].get<double>(), 0.954, 0.0006);
}

TEST_F(IndexTest, ComputeRejectsHostileInputNamingTheRow) {
  const std::string path = "/api/v1/index/compute";
  auto with = [](json row, size_t at = 3) {
    json rows = PiiRows();
    rows[at] = std::move(row);
    return json{{"values", rows}};
  };
  // Unknown indicator and unit.
  HttpResponse r =
      Post(path, with({{"unit", "01"}, {"indicator", "9.9.9"}, {"year", 2025}, {"value", 1}}));
  EXPECT_TRUE(IsProblem(r, 400, "values[3]"));
  EXPECT_NE(r.body.find("9.9.9"), std::string::npos);
  r = Post(path, with({{"unit", "XX"}, {"indicator", "1.1.1"}, {"year", 2025}, {"value", 1}}));
  EXPECT_TRUE(IsProblem(r, 400, "values[3]"));
  EXPECT_NE(r.body.find("XX"), std::string::npos);
  // Non-numeric value, missing year.
  EXPECT_TRUE(IsProblem(
      Post(path, with({{"unit", "01"}, {"indicator", "1.1.1"}, {"year", 2025}, {"value", "5,2"}})),
      400, "values[3]"));
  EXPECT_TRUE(IsProblem(Post(path, with({{"unit", "01"}, {"indicator", "1.1.1"}, {"value", 1}})),
                        400, "values[3]"));
  // Wrong sign (a count below zero) and out of range (a 0-10 score of 55).
  r = Post(path, with({{"unit", "01"}, {"indicator", "1.1.4"}, {"year", 2025}, {"value", -3}}));
  EXPECT_TRUE(IsProblem(r, 400, "values"));
  EXPECT_NE(r.body.find("row 4"), std::string::npos) << r.body;
  EXPECT_TRUE(IsProblem(
      Post(path, with({{"unit", "01"}, {"indicator", "1.1.1"}, {"year", 2025}, {"value", 55}})),
      400, "values"));
  // Duplicate (unit, indicator, year).
  json dup = PiiRows();
  dup.push_back(dup[0]);
  r = Post(path, {{"values", dup}});
  EXPECT_TRUE(IsProblem(r, 400, "values"));
  EXPECT_NE(r.body.find("1.1.1"), std::string::npos) << r.body;
  // Not an array, empty, unknown framework, malformed JSON.
  EXPECT_TRUE(IsProblem(Post(path, {{"values", "01,1.1.1,2025,3"}}), 400, "values"));
  EXPECT_TRUE(IsProblem(Post(path, {{"values", json::array()}}), 400, "values"));
  EXPECT_TRUE(
      IsProblem(Post(path, {{"framework", "GII"}, {"values", PiiRows()}}), 400, "framework"));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", path, "{\"values\": ["), 400));
  // Too many rows.
  json many = json::array();
  for (int i = 0; i < 20001; ++i) many.push_back(json::object());
  EXPECT_TRUE(IsProblem(Post(path, {{"values", many}}), 400, "values"));
}

TEST_F(IndexTest, WhatIfMovesTheUnitAndPlansCheapestChanges) {
  const std::string path = "/api/v1/index/whatif";
  json base = PiiRows();
  // Find the worst unit first.
  json computed = Body(Post("/api/v1/index/compute", {{"values", base}}));
  std::string worst;
  int worst_rank = 0;
  for (const json& u : computed["units"]) {
    if (u["ranks"]["PII"].get<int>() > worst_rank) {
      worst_rank = u["ranks"]["PII"];
      worst = u["unit"];
    }
  }
  ASSERT_GT(worst_rank, 1);
  json changes = json::array();
  for (const char* code : {"1.1.1", "1.2.1", "1.2.2", "1.2.3"}) {
    changes.push_back({{"indicator", code}, {"value", 10}});
  }
  HttpResponse r = Post(path, {{"base", base}, {"unit", worst}, {"changes", changes}, {"gain", 2}});
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 400);
  json out = Body(r);
  EXPECT_EQ(out["rank_before"], worst_rank);
  EXPECT_GT(out["score_after"].get<double>(), out["score_before"].get<double>());
  EXPECT_LE(out["rank_after"].get<int>(), worst_rank);
  ASSERT_TRUE(out["gain"].is_object()) << out;
  EXPECT_FALSE(out["gain"]["steps"].empty());
  // Hostile: unknown unit, unknown indicator, twice the same indicator, wrong sign, gain too big.
  EXPECT_TRUE(IsProblem(Post(path, {{"base", base}, {"unit", "99"}}), 400, "unit"));
  EXPECT_TRUE(IsProblem(
      Post(path,
           {{"base", base}, {"unit", worst}, {"changes", {{{"indicator", "X"}, {"value", 1}}}}}),
      400, "changes[0]"));
  EXPECT_TRUE(IsProblem(Post(path, {{"base", base},
                                    {"unit", worst},
                                    {"changes",
                                     {{{"indicator", "1.1.3"}, {"value", 1}},
                                      {{"indicator", "1.1.3"}, {"value", 2}}}}}),
                        400, "changes[1]"));
  EXPECT_TRUE(IsProblem(Post(path, {{"base", base},
                                    {"unit", worst},
                                    {"changes", {{{"indicator", "1.1.3"}, {"value", -1}}}}}),
                        400, "changes[0]"));
  EXPECT_TRUE(IsProblem(Post(path, {{"base", base},
                                    {"unit", worst},
                                    {"changes", {{{"indicator", "1.1.3"}, {"value", "a"}}}}}),
                        400, "changes[0]"));
  EXPECT_TRUE(
      IsProblem(Post(path, {{"base", base}, {"unit", worst}, {"gain", 1000}}), 400, "gain"));
}

TEST_F(IndexTest, RobustnessIsBoundedAndReproducible) {
  const std::string path = "/api/v1/index/robustness";
  json body = {{"values", PiiRows(6)}, {"runs", 30}, {"seed", 11}};
  HttpResponse a = Post(path, body);
  ASSERT_EQ(a.status, 200) << a.body.substr(0, 400);
  json out = Body(a);
  EXPECT_EQ(out["runs"], 30);
  EXPECT_EQ(out["units"].size(), 6u);
  for (const json& u : out["units"]) {
    EXPECT_LE(u["p5_rank"].get<int>(), u["p95_rank"].get<int>());
  }
  EXPECT_EQ(Post(path, body).body, a.body);  // same seed, same answer
  body["runs"] = 100000;
  EXPECT_TRUE(IsProblem(Post(path, body), 400, "runs"));
  body["runs"] = 0;
  EXPECT_TRUE(IsProblem(Post(path, body), 400, "runs"));
  body["runs"] = "many";
  EXPECT_TRUE(IsProblem(Post(path, body), 400, "runs"));
  body["runs"] = 10;
  body["seed"] = -1;
  EXPECT_TRUE(IsProblem(Post(path, body), 400, "seed"));
  // A body above the bound is refused before parsing.
  std::string huge = "{\"values\": [" + std::string(3 << 20, ' ') + "]}";
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", path, huge), 413));
}

// Values stio holds itself feed the index: patent applications from the IP registry and the
// population from the reference data, each with its source; a province without data is listed as
// missing, never zero; and the rows compute as they are.
TEST_F(IndexTest, InputsFromStioKeepTheirSource) {
  Seeded([&](storage::Transaction& tx) -> Result<json> {
    return domain::CreateIpAsset(tx, domain::Actor::System("test"), Clock::Real(),
                                 {{"kind", "patent"},
                                  {"title", "Quy trình chiết xuất tinh dầu"},
                                  {"application_number", "1-2024-07777"},
                                  {"filing_date", "2024-05-06"},
                                  {"owner_organization_id", seed().org_a},
                                  {"published", true}});
  });
  json in = Body(Call(Who::kPublic, "GET", "/api/v1/index/inputs?framework=PII&year=2024"));
  ASSERT_TRUE(in["values"].is_array()) << in;
  EXPECT_EQ(in["mapped"]["6.1.1"], "IP_PATENT_APPS_N");
  EXPECT_EQ(in["mapped"]["POP"], "reference:population");
  json patents, pop;
  int pop_rows = 0;
  for (const json& v : in["values"]) {
    if (v["indicator"] == "6.1.1" && v["unit"] == "01") patents = v;
    if (v["indicator"] == "POP") ++pop_rows;
    if (v["indicator"] == "POP" && v["unit"] == "01") pop = v;
  }
  EXPECT_EQ(patents["value"], 1.0) << in;
  EXPECT_NE(patents["source"].get<std::string>().find("IP_PATENT_APPS_N"), std::string::npos);
  EXPECT_EQ(pop_rows, 34);
  EXPECT_GT(pop["value"].get<double>(), 8e6);  // Hà Nội
  bool listed_missing = false;
  for (const json& m : in["missing"]) {
    if (m["indicator"] == "6.1.1" && m["unit"] == "38") listed_missing = true;
  }
  EXPECT_TRUE(listed_missing) << "a province with no IP asset has no value";
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/index/inputs?year=abc"), 400, "year"));
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "GET", "/api/v1/index/inputs?framework=NOPE&year=2024"), 404));
}

// Every `stio_indicator` of the PII framework names a monitoring indicator stio ships (or the
// reference population), so GET /index/inputs never points at nothing; and the ones stio cannot
// hold (the count of all active enterprises, PCI, PAPI, ...) are left to import.
TEST_F(IndexTest, EveryStioMappingNamesAShippedIndicator) {
  json in = Body(Call(Who::kPublic, "GET", "/api/v1/index/inputs?framework=PII&year=2024"));
  const json& mapped = in["mapped"];
  const std::map<std::string, std::string> expected = {{"6.1.1", "IP_PATENT_APPS_N"},
                                                       {"6.1.2", "IP_UTILITY_APPS_N"},
                                                       {"6.1.3", "IP_PLANT_VARIETY_APPS_N"},
                                                       {"6.2.1", "IP_MARK_APPS_N"},
                                                       {"6.2.2", "IP_GI_APPS_N"},
                                                       {"6.2.3", "IP_COLLECTIVE_CERT_MARK_APPS_N"},
                                                       {"7.1.1", "LABOUR_PRODUCTIVITY_GROWTH"},
                                                       {"POP", "reference:population"},
                                                       {"GRDP", "GRDP_VALUE"}};
  EXPECT_EQ(mapped.size(), expected.size()) << mapped;
  for (const auto& [code, source] : expected) {
    ASSERT_TRUE(mapped.contains(code)) << code;
    EXPECT_EQ(mapped[code], source) << code;
    if (source.rfind("reference:", 0) == 0) continue;
    EXPECT_EQ(Call(Who::kPublic, "GET", "/api/v1/indicators/" + source).status, 200) << source;
  }
  std::set<std::string> to_import;
  for (const json& c : in["to_import"]) to_import.insert(c.get<std::string>());
  for (const char* code : {"1.1.1", "2.1.1", "4.2.1", "5.1.1", "6.3.1", "ENTERPRISES"}) {
    EXPECT_TRUE(to_import.count(code)) << code << " must be imported";
  }
  for (const auto& [code, source] : expected) EXPECT_FALSE(to_import.count(code)) << code;
  EXPECT_EQ(to_import.size() + mapped.size(), 21u + 3u);  // 21 indicators, 3 denominators
}

// The new mappings carry values: plant varieties, geographical indications, collective and
// certification marks (two kinds counted together) from the IP registry; labour-productivity
// growth and GRDP from values entered in monitoring. Each row names its source.
TEST_F(IndexTest, InputsFromIpRegistryAndMonitoring) {
  auto asset = [&](const std::string& kind, const std::string& number) {
    Seeded([&](storage::Transaction& tx) -> Result<json> {
      return domain::CreateIpAsset(tx, domain::Actor::System("test"), Clock::Real(),
                                   {{"kind", kind},
                                    {"title", "Tài sản " + kind},
                                    {"application_number", number},
                                    {"filing_date", "2024-03-04"},
                                    {"owner_organization_id", seed().org_a},
                                    {"published", true}});
    });
  };
  asset("plant_variety", "PV-2024-001");
  asset("geographical_indication", "6-2024-00011");
  asset("collective_mark", "4-2024-10001");
  asset("certification_mark", "4-2024-10002");
  asset("trademark", "4-2024-10003");  // not a collective or certification mark
  for (auto [el, v] :
       {std::pair<const char*, double>{"LABOUR_PRODUCTIVITY_GROWTH_PCT", 6.5}, {"GRDP", 1450000}}) {
    ASSERT_EQ(
        Call(Who::kStaff, "POST", "/api/v1/data-values",
             json{{"data_element", el}, {"unit", "01"}, {"period", "2024"}, {"value", v}}.dump())
            .status,
        200)
        << el;
  }
  json in = Body(Call(Who::kPublic, "GET", "/api/v1/index/inputs?framework=PII&year=2024"));
  std::map<std::string, json> hanoi;
  for (const json& v : in["values"]) {
    if (v["unit"] == "01") hanoi[v["indicator"].get<std::string>()] = v;
  }
  EXPECT_EQ(hanoi["6.1.3"]["value"], 1.0) << in;
  EXPECT_EQ(hanoi["6.2.2"]["value"], 1.0);
  EXPECT_EQ(hanoi["6.2.3"]["value"], 2.0) << "collective + certification, not the trademark";
  EXPECT_EQ(hanoi["6.2.1"]["value"], 1.0);
  EXPECT_EQ(hanoi["7.1.1"]["value"], 6.5);
  EXPECT_EQ(hanoi["GRDP"]["value"], 1450000.0);
  for (const char* code : {"6.1.3", "6.2.2", "6.2.3", "7.1.1", "GRDP"}) {
    EXPECT_NE(hanoi[code]["source"].get<std::string>().find("stio indicator"), std::string::npos)
        << code;
  }
  // A filing in another year does not count; a province without those assets is missing.
  json other = Body(Call(Who::kPublic, "GET", "/api/v1/index/inputs?framework=PII&year=2023"));
  json earlier;
  for (const json& v : other["values"]) {
    if (v["unit"] == "01" && v["indicator"] == "6.2.3") earlier = v;
  }
  EXPECT_EQ(earlier["value"], 0.0) << "the registry knows the kinds, none filed in 2023";
  bool missing = false;
  for (const json& m : in["missing"]) {
    if (m["unit"] == "38" && m["indicator"] == "6.2.3") missing = true;
  }
  EXPECT_TRUE(missing);
  // The values compute as they are, with imported rows for the rest.
  json rows = PiiRows(8, 2024);
  json merged = json::array();
  for (const json& r : rows) {
    if (r["unit"] == "01" && hanoi.count(r["indicator"].get<std::string>())) continue;
    merged.push_back(r);
  }
  for (const auto& [code, v] : hanoi) merged.push_back(v);
  json out = Body(Post("/api/v1/index/compute", {{"values", merged}, {"unit", "01"}}));
  ASSERT_TRUE(out.contains("profile")) << out;
  bool stio_source = false;
  for (const json& v : out["profile"]["values"]) {
    if (v["indicator"] == "6.2.3") {
      stio_source = v["source"].get<std::string>().find("stio indicator") != std::string::npos;
    }
  }
  EXPECT_TRUE(stio_source) << out["profile"];
}

// An element may count several IP kinds ("collective_mark,certification_mark"); an unknown or
// empty kind in the list is refused, naming derived_from.
TEST_F(IndexTest, DerivedFromSeveralIpKindsIsChecked) {
  auto create = [&](const std::string& code, const std::string& derived) {
    return Call(Who::kAdmin, "POST", "/api/v1/data-elements",
                json{{"code", code},
                     {"name_vi", "Đơn"},
                     {"aggregation", "sum"},
                     {"value_type", "integer"},
                     {"derived_from", derived}}
                    .dump());
  };
  EXPECT_EQ(create("IP_TWO", "registry:ip_applications:patent,utility_solution").status, 201);
  for (const char* bad :
       {"registry:ip_applications:patent,nonsense",
        "registry:ip_applications:", "registry:ip_applications:patent,,trademark",
        "registry:ip_grants:patent,", "registry:ip_applications:patent;DROP TABLE ip_assets"}) {
    EXPECT_TRUE(IsProblem(create("IP_BAD", bad), 400, "derived_from")) << bad;
  }
}

// The computation as CSV, in the layout of `stio index compute`; text from the request that a
// spreadsheet would run as a formula is defused (a unit code of a framework without unit checks).
TEST_F(IndexTest, ComputeAsCsvDownload) {
  HttpResponse r = Call(Who::kPublic, "POST", "/api/v1/index/compute?format=csv",
                        json{{"values", PiiRows(6)}}.dump());
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 400);
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"pii-2025.csv\"");
  EXPECT_EQ(r.body.substr(0, r.body.find("\r\n")),
            "edition,unit_code,level,code,score,rank,included");
  EXPECT_NE(r.body.find("2025,01,index,PII,"), std::string::npos) << r.body.substr(0, 400);
  EXPECT_NE(r.body.find(",indicator,6.1.1,"), std::string::npos);
  // The HDI takes any unit code: a formula-looking one is prefixed with an apostrophe.
  json hdi = json::array();
  for (const char* unit : {"=HYPERLINK(\"http://x\")", "NOR"}) {
    for (auto [ind, v] :
         {std::pair<const char*, double>{"LE", 80}, {"EYS", 15}, {"MYS", 10}, {"GNIPC", 30000}}) {
      hdi.push_back({{"unit", unit}, {"indicator", ind}, {"year", 2019}, {"value", v}});
    }
  }
  HttpResponse h = Call(Who::kPublic, "POST", "/api/v1/index/compute?format=csv",
                        json{{"framework", "HDI"}, {"values", hdi}}.dump());
  ASSERT_EQ(h.status, 200) << h.body.substr(0, 400);
  EXPECT_EQ(h.Header("content-disposition"), "attachment; filename=\"hdi-2019.csv\"");
  EXPECT_EQ(h.body.find("\n=HYPERLINK"), std::string::npos);
  EXPECT_EQ(h.body.find(",=HYPERLINK"), std::string::npos);
  EXPECT_EQ(h.body.find("\"=HYPERLINK"), std::string::npos);
  EXPECT_NE(h.body.find("'=HYPERLINK"), std::string::npos) << h.body.substr(0, 400);
  // Bad values stay a problem whatever the format.
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "POST", "/api/v1/index/compute?format=csv",
                             json{{"values", json::array()}}.dump()),
                        400, "values"));
}

}  // namespace
}  // namespace stio::apitest
