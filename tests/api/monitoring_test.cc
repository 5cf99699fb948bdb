// Monitoring over HTTP: values and their workflow, aggregated series and lineage, plans (the two
// shipped ones), review, scorecard and the IOC feed; bad input writes nothing.
#include <map>
#include <string>

#include "api/api_fixture.h"
#include "api/topojson.h"
#include "core/clock.h"
#include "domain/registry.h"

namespace stio::apitest {
namespace {

class MonitoringTest : public ApiFixture {
 protected:
  json Post(Who who, const std::string& path, const json& body, int expect) {
    HttpResponse r = Call(who, "POST", path, body.dump());
    EXPECT_EQ(r.status, expect) << path << " " << r.body.substr(0, 400);
    return Body(r);
  }
  int64_t Plan(const std::string& province) {
    json list = Body(Call(Who::kPublic, "GET", "/api/v1/plans?province_code=" + province));
    EXPECT_EQ(list["total"], 1) << list;
    return list["items"][0]["id"];
  }
};

TEST_F(MonitoringTest, ShippedPlansCarryOverAndAreReviewed) {
  const int64_t soc = Plan("92");  // Sóc Trăng's plan is found among Cần Thơ's
  json plan = Body(Call(Who::kPublic, "GET", "/api/v1/plans/" + std::to_string(soc)));
  EXPECT_EQ(plan["province_code"], "94");
  EXPECT_EQ(plan["province_era"], "pre2025");
  EXPECT_EQ(plan["carried_over_to"]["province_code"], "92");
  EXPECT_EQ(plan["targets"].size(), 6u);
  // Sóc Trăng's data, recorded on the pre-2025 map, count in Cần Thơ's figures on the 2025 map.
  for (auto [el, v] :
       {std::pair<const char*, double>{"RESEARCHERS", 600}, {"POPULATION", 1200000}}) {
    Post(Who::kStaff, "/api/v1/data-values",
         {{"data_element", el},
          {"unit", "94"},
          {"era", "pre2025"},
          {"period", "2023"},
          {"value", v}},
         200);
  }
  json can_tho = Body(
      Call(Who::kPublic, "GET", "/api/v1/indicators/RESEARCHERS_PER_10K/series?unit=92&from=2023"));
  EXPECT_NEAR(can_tho["points"][0]["value"].get<double>(), 5.0, 1e-9);
  EXPECT_EQ(can_tho["points"][0]["parts"], 3);
  EXPECT_EQ(can_tho["points"][0]["parts_with_data"], 1);
  json soc_card =
      Body(Call(Who::kPublic, "GET", "/api/v1/plans/" + std::to_string(soc) + "/scorecard"));
  const json& st1 = soc_card["targets"][0];
  EXPECT_EQ(st1["target"]["indicator"], "RESEARCHERS_PER_10K");
  ASSERT_EQ(st1["observed"].size(), 1u) << st1;
  EXPECT_EQ(st1["observed"][0]["value"], 5.0);
  EXPECT_EQ(st1["successor_observed"][0]["year"], 2023);
  EXPECT_EQ(st1["assessment"]["status"], "no_data");  // no baseline, one observation
  const int64_t th = Plan("38");
  json review = Body(Call(Who::kPublic, "GET", "/api/v1/plans/" + std::to_string(th) + "/review"));
  EXPECT_EQ(review["targets"], 11);
  EXPECT_EQ(review["problem_counts"]["no_legal_basis"], 11);
  bool same_indicator = false;
  for (const json& d : review["duplicates"]) {
    if (d["kind"] == "same_indicator" && d["indicator"] == "ST_ENTERPRISES_N")
      same_indicator = true;
  }
  EXPECT_TRUE(same_indicator) << review["duplicates"];
  json card = Body(Call(Who::kPublic, "GET", "/api/v1/plans/" + std::to_string(th) + "/scorecard"));
  ASSERT_EQ(card["targets"].size(), 11u);
  EXPECT_EQ(card["unit"]["code"], "38");
}

TEST_F(MonitoringTest, ValueWorkflowLockAndAuditedReopen) {
  json v = Post(Who::kStaff, "/api/v1/data-values",
                {{"data_element", "RD_STAFF"}, {"unit", "38"}, {"period", "2024"}, {"value", 2500}},
                200);
  ASSERT_TRUE(v.contains("id"));
  const std::string id = std::to_string(v["id"].get<int64_t>());
  EXPECT_EQ(v["status"], "draft");
  // The public does not see drafts.
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/data-values?data_element=RD_STAFF"))["total"],
            0);
  EXPECT_EQ(Body(Call(Who::kStaff, "GET", "/api/v1/data-values?data_element=RD_STAFF"))["total"],
            1);
  EXPECT_TRUE(
      IsProblem(Call(Who::kReviewer, "POST", "/api/v1/data-values/" + id + "/submit"), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/data-values/" + id + "/lock"), 409));
  for (const char* a : {"submit", "approve", "lock"}) {
    EXPECT_EQ(Call(Who::kStaff, "POST", "/api/v1/data-values/" + id + "/" + a).status, 200) << a;
  }
  const int64_t audits = AuditCount();
  EXPECT_TRUE(IsProblem(
      Call(Who::kStaff, "POST", "/api/v1/data-values",
           json{{"data_element", "RD_STAFF"}, {"unit", "38"}, {"period", "2024"}, {"value", 2600}}
               .dump()),
      409));
  EXPECT_TRUE(
      IsProblem(Call(Who::kAdmin, "POST", "/api/v1/data-values/" + id + "/reopen"), 400, "reason"));
  EXPECT_EQ(AuditCount(), audits);
  json reopened = Post(Who::kAdmin, "/api/v1/data-values/" + id + "/reopen",
                       {{"reason", "Số liệu thống kê chính thức đã điều chỉnh"}}, 200);
  EXPECT_EQ(reopened["status"], "draft");
  json audit = Body(Call(Who::kAdmin, "GET", "/api/v1/audit?entity_type=data_value&action=reopen"));
  ASSERT_EQ(audit["total"], 1);
  EXPECT_EQ(audit["items"][0]["before"]["status"], "locked");
  EXPECT_EQ(
      Post(Who::kStaff, "/api/v1/data-values",
           {{"data_element", "RD_STAFF"}, {"unit", "38"}, {"period", "2024"}, {"value", 2600}},
           200)["value"],
      2600.0);
}

TEST_F(MonitoringTest, BadInputIsRefusedAndWritesNothing) {
  const int64_t audits = AuditCount();
  struct {
    json body;
    std::string field;
  } values[] = {
      {{{"data_element", "RD_STAFF"}, {"unit", "38"}, {"period", "2024"}, {"value", "nhiều"}},
       "value"},
      {{{"data_element", "RD_STAFF"}, {"unit", "38"}, {"period", "2024Q7"}, {"value", 1}},
       "period"},
      {{{"data_element", "RD_STAFF"}, {"unit", "38"}, {"period", "202413"}, {"value", 1}},
       "period"},
      {{{"data_element", "RD_STAFF"}, {"unit", "64"}, {"period", "2024"}, {"value", 1}}, "unit"},
      {{{"data_element", "NO_SUCH"}, {"unit", "38"}, {"period", "2024"}, {"value", 1}},
       "data_element"},
      {{{"data_element", "ST_ENTERPRISES"}, {"unit", "38"}, {"period", "2024"}, {"value", 1}},
       "data_element"},
  };
  for (const auto& v : values) {
    EXPECT_TRUE(
        IsProblem(Call(Who::kStaff, "POST", "/api/v1/data-values", v.body.dump()), 400, v.field))
        << v.body;
  }
  HttpResponse self = Call(Who::kStaff, "POST", "/api/v1/indicators",
                           R"({"code": "LOOP", "name_vi": "Vòng", "numerator": "LOOP * 2"})");
  EXPECT_TRUE(IsProblem(self, 400, "numerator"));
  EXPECT_NE(Body(self)["detail"].get<std::string>().find("LOOP -> LOOP"), std::string::npos);
  EXPECT_TRUE(
      IsProblem(Call(Who::kStaff, "GET",
                     "/api/v1/indicators/RD_STAFF_PER_10K/series?unit=38&from=2024Q1&to=2025"),
                400));
  EXPECT_EQ(AuditCount(), audits);
}

TEST_F(MonitoringTest, SeriesLineageAndKpisFromTheRegistry) {
  // Organization A (province 01) gets a certificate in 2023.
  Seeded([&](storage::Transaction& tx) {
    return domain::IssueCertificate(tx, domain::Actor::System("test"), Clock::Real(), seed().org_a,
                                    {{"number", "GCN-2023-1"}, {"issued_on", "2023-06-01"}});
  });
  json s = Body(Call(Who::kPublic, "GET",
                     "/api/v1/indicators/ST_ENTERPRISES_N/series?unit=01&from=2022&to=2024"));
  ASSERT_EQ(s["points"].size(), 3u) << s;
  EXPECT_EQ(s["points"][0]["value"], 0.0);
  EXPECT_EQ(s["points"][1]["value"], 1.0);
  json nation = Body(
      Call(Who::kPublic, "GET", "/api/v1/indicators/ST_ENTERPRISES_N/series?unit=VN&from=2024"));
  EXPECT_EQ(nation["points"][0]["value"], 1.0);
  json lin = Body(
      Call(Who::kPublic, "GET", "/api/v1/indicators/ST_ENTERPRISES_N/lineage?unit=01&period=2024"));
  ASSERT_EQ(lin["elements"].size(), 1u) << lin;
  EXPECT_EQ(lin["elements"][0]["organizations"], json::array({seed().org_a}));
  // A rate from entered values, with its lineage; recomputed for the nation.
  for (auto [el, v] : {std::pair<const char*, double>{"RD_STAFF", 1200}, {"POPULATION", 3700000}}) {
    Post(Who::kStaff, "/api/v1/data-values",
         {{"data_element", el}, {"unit", "38"}, {"period", "2024"}, {"value", v}}, 200);
  }
  json rate = Body(
      Call(Who::kPublic, "GET", "/api/v1/indicators/RD_STAFF_PER_10K/series?unit=38&from=2024"));
  EXPECT_NEAR(rate["points"][0]["value"].get<double>(), 1200.0 / 3700000 * 10000, 1e-9);
  EXPECT_TRUE(rate["points"][0]["provisional"].get<bool>());  // drafts
  HttpResponse csv = Call(Who::kPublic, "GET",
                          "/api/v1/indicators/RD_STAFF_PER_10K/series?unit=38&from=2023&to=2024&"
                          "format=csv");
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("content-type").rfind("text/csv", 0), 0u);
  EXPECT_EQ(csv.body.rfind("indicator,unit,period,value,numerator,denominator,parts,", 0), 0u);
  EXPECT_NE(csv.body.find("\r\nRD_STAFF_PER_10K,38,2024,3.2432"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("\r\nRD_STAFF_PER_10K,38,2023,,"), std::string::npos) << csv.body;
  json kpis = Body(Call(Who::kPublic, "GET",
                        "/api/v1/ioc/kpis?unit=38&indicators=RD_STAFF_PER_10K,ST_ENTERPRISES_N"));
  ASSERT_EQ(kpis["items"].size(), 2u) << kpis;
  EXPECT_EQ(kpis["items"][0]["period"], "2024");
  EXPECT_EQ(kpis["items"][0]["completeness"]["ratio"], 1.0);
  EXPECT_TRUE(kpis["items"][0]["freshness"]["days_since_update"].is_number());
  EXPECT_TRUE(kpis["items"][0]["freshness"]["period_ended"].get<bool>());
  EXPECT_TRUE(kpis["items"][1]["value"].is_null());  // the registry knows no organization in 38
}

TEST_F(MonitoringTest, FormulasThatDivideByZeroAreRefusedByField) {
  const int64_t audits = AuditCount();
  struct {
    json body;
    std::string field, detail;
  } bad[] = {
      {{{"code", "DZ1"}, {"name_vi", "Chia 0"}, {"numerator", "RD_STAFF / 0"}},
       "numerator",
       "divides by zero"},
      {{{"code", "DZ2"}, {"name_vi", "Chia 0"}, {"numerator", "RD_STAFF / (2 - 2)"}},
       "numerator",
       "divides by zero"},
      {{{"code", "DZ3"}, {"name_vi", "Mẫu 0"}, {"numerator", "RD_STAFF"}, {"denominator", "0"}},
       "denominator",
       "denominator is zero"},
      {{{"code", "DZ4"}, {"name_vi", "Mẫu 0"}, {"numerator", "RD_STAFF"}, {"denominator", "3 * 0"}},
       "denominator",
       "denominator is zero"},
      {{{"code", "DZ6"},
        {"name_vi", "Mẫu 0"},
        {"numerator", "RD_STAFF"},
        {"denominator", "POPULATION * 0"}},
       "denominator",
       "denominator is zero"},
      {{{"code", "DZ7"}, {"name_vi", "Chia 0"}, {"numerator", "RD_STAFF / (0 * POPULATION)"}},
       "numerator",
       "divides by zero"},
      {{{"code", "DZ5"},
        {"name_vi", "Mẫu 0"},
        {"numerator", "RD_STAFF"},
        {"denominator", "POPULATION / (1 - 1)"}},
       "denominator",
       "divides by zero"},
  };
  for (const auto& b : bad) {
    HttpResponse r = Call(Who::kStaff, "POST", "/api/v1/indicators", b.body.dump());
    EXPECT_TRUE(IsProblem(r, 400, b.field)) << b.body;
    EXPECT_NE(Body(r)["detail"].get<std::string>().find(b.detail), std::string::npos) << r.body;
  }
  // Editing an indicator into a division by zero is refused the same way.
  json ind = Body(Call(Who::kPublic, "GET", "/api/v1/indicators/RD_STAFF_PER_10K"));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "PATCH", "/api/v1/indicators/RD_STAFF_PER_10K",
                             json{{"version", ind["version"]}, {"denominator", "0"}}.dump()),
                        400, "denominator"));
  EXPECT_EQ(AuditCount(), audits);
  // A divisor that is zero only in the data is allowed (the figure then has no value).
  Post(Who::kStaff, "/api/v1/indicators",
       {{"code", "DZ_OK"}, {"name_vi", "Hợp lệ"}, {"numerator", "RD_STAFF / (POPULATION - 0)"}},
       201);
}

TEST_F(MonitoringTest, ValidationRulesAreListedDeletedAndCheckedByField) {
  const int64_t audits = AuditCount();
  struct {
    json body;
    std::string field;
  } bad[] = {
      {{{"code", "R1"}, {"data_element", "RD_STAFF"}, {"min_value", 10}, {"max_value", 1}},
       "max_value"},
      {{{"code", "R1"}, {"data_element", "RD_STAFF"}}, "min_value"},
      {{{"code", "R1"}, {"data_element", "RD_STAFF"}, {"operator", "<="}}, "other_element"},
      {{{"code", "R1"}, {"data_element", "RD_STAFF"}, {"other_element", "POPULATION"}}, "operator"},
      {{{"code", "R1"},
        {"data_element", "RD_STAFF"},
        {"operator", "<="},
        {"other_element", "RD_STAFF"}},
       "other_element"},
      {{{"code", "R1"},
        {"data_element", "RD_STAFF"},
        {"operator", "<="},
        {"other_element", "NO_SUCH"}},
       "other_element"},
      {{{"code", "R1"}, {"data_element", "NO_SUCH"}, {"min_value", 0}}, "data_element"},
      {{{"code", "R1"}, {"data_element", "ST_ENTERPRISES"}, {"min_value", 0}}, "data_element"},
      {{{"code", "R1"},
        {"data_element", "RD_STAFF"},
        {"operator", "<="},
        {"other_element", "TT_CONTRACTS"}},
       "other_element"},
      {{{"code", "R1"}, {"data_element", "RD_STAFF"}, {"min_value", "không"}}, "min_value"},
      {{{"code", "R1"},
        {"data_element", "RD_STAFF"},
        {"operator", "=="},
        {"other_element", "POPULATION"}},
       "operator"},
      {{{"code", "1; DROP TABLE validation_rules"}, {"data_element", "RD_STAFF"}, {"min_value", 0}},
       "code"},
  };
  for (const auto& b : bad) {
    EXPECT_TRUE(IsProblem(Call(Who::kStaff, "POST", "/api/v1/validation-rules", b.body.dump()), 400,
                          b.field))
        << b.body;
  }
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/validation-rules"))["total"], 0);
  json rule = Post(Who::kStaff, "/api/v1/validation-rules",
                   {{"code", "RD_LE_POP"},
                    {"data_element", "RD_STAFF"},
                    {"operator", "<="},
                    {"other_element", "POPULATION"},
                    {"message", "Nhân lực R&D không vượt quá dân số"}},
                   201);
  EXPECT_EQ(rule["data_element"], "RD_STAFF");
  EXPECT_EQ(rule["other_element"], "POPULATION");
  Post(Who::kStaff, "/api/v1/validation-rules",
       {{"code", "RD_RANGE"}, {"data_element", "RD_STAFF"}, {"min_value", 0}, {"max_value", 1e6}},
       201);
  EXPECT_TRUE(IsProblem(
      Call(Who::kStaff, "POST", "/api/v1/validation-rules",
           json{{"code", "RD_RANGE"}, {"data_element", "RD_STAFF"}, {"min_value", 0}}.dump()),
      409));
  json list = Body(Call(Who::kPublic, "GET", "/api/v1/validation-rules?data_element=POPULATION"));
  ASSERT_EQ(list["total"], 1) << list;
  EXPECT_EQ(list["items"][0]["code"], "RD_LE_POP");
  EXPECT_EQ(Body(Call(Who::kPublic, "GET", "/api/v1/validation-rules"))["total"], 2);
  // The rule holds: a value above the population is refused.
  Post(Who::kStaff, "/api/v1/data-values",
       {{"data_element", "POPULATION"}, {"unit", "38"}, {"period", "2024"}, {"value", 1000}}, 200);
  EXPECT_TRUE(IsProblem(
      Call(Who::kStaff, "POST", "/api/v1/data-values",
           json{{"data_element", "RD_STAFF"}, {"unit", "38"}, {"period", "2024"}, {"value", 5000}}
               .dump()),
      400));
  EXPECT_TRUE(IsProblem(Call(Who::kReviewer, "DELETE", "/api/v1/validation-rules/RD_LE_POP"), 403));
  EXPECT_TRUE(IsProblem(Call(Who::kStaff, "DELETE", "/api/v1/validation-rules/NO_SUCH"), 404));
  EXPECT_EQ(Call(Who::kStaff, "DELETE", "/api/v1/validation-rules/RD_LE_POP").status, 204);
  json audit =
      Body(Call(Who::kAdmin, "GET", "/api/v1/audit?entity_type=validation_rule&action=delete"));
  ASSERT_EQ(audit["total"], 1);
  EXPECT_EQ(audit["items"][0]["before"]["code"], "RD_LE_POP");
  Post(Who::kStaff, "/api/v1/data-values",
       {{"data_element", "RD_STAFF"}, {"unit", "38"}, {"period", "2024"}, {"value", 5000}}, 200);
}

TEST_F(MonitoringTest, CommunesOfAProvinceInOneRequestWithRatesRecomputed) {
  // Two communes of Thanh Hóa (38) with R&D staff and population; rates per commune, and the
  // province's rate from the sums (not the mean of the two rates).
  const std::pair<const char*, std::pair<double, double>> communes[] = {{"14797", {30, 20000}},
                                                                        {"16522", {10, 80000}}};
  for (const auto& [code, v] : communes) {
    for (auto [el, x] :
         {std::pair<const char*, double>{"RD_STAFF", v.first}, {"POPULATION", v.second}}) {
      Post(Who::kStaff, "/api/v1/data-values",
           {{"data_element", el},
            {"unit", code},
            {"level", "commune"},
            {"period", "2024"},
            {"value", x}},
           200);
    }
  }
  json r = Body(Call(Who::kPublic, "GET",
                     "/api/v1/indicators/RD_STAFF_PER_10K/units?level=commune&province=38&"
                     "period=2024"));
  EXPECT_EQ(r["level"], "commune");
  EXPECT_EQ(r["province"]["code"], "38");
  EXPECT_EQ(r["total"], 166);
  EXPECT_EQ(r["items"].size(), 166u);
  EXPECT_EQ(r["with_value"], 2);
  std::map<std::string, json> by;
  for (const json& it : r["items"]) by[it["code"]] = it;
  EXPECT_NEAR(by["14797"]["value"].get<double>(), 15.0, 1e-9);
  EXPECT_NEAR(by["16522"]["value"].get<double>(), 1.25, 1e-9);
  EXPECT_EQ(by["14797"]["numerator"], 30.0);
  EXPECT_TRUE(by["14797"]["provisional"].get<bool>());  // drafts
  EXPECT_TRUE(by["14798"].is_null() || by["14798"]["value"].is_null());
  EXPECT_EQ(r["min"], 1.25);
  EXPECT_EQ(r["max"], 15.0);
  json provs =
      Body(Call(Who::kPublic, "GET", "/api/v1/indicators/RD_STAFF_PER_10K/units?period=2024"));
  EXPECT_EQ(provs["total"], 34);
  json th;
  for (const json& it : provs["items"]) {
    if (it["code"] == "38") th = it;
  }
  ASSERT_TRUE(th.is_object()) << provs;
  EXPECT_NEAR(th["value"].get<double>(), 40.0 / 100000 * 10000, 1e-9);  // 4, not (15 + 1.25) / 2
  EXPECT_EQ(th["parts"], 166);
  EXPECT_EQ(th["parts_with_data"], 2);
  // The same figure as the series of the province.
  json series = Body(
      Call(Who::kPublic, "GET", "/api/v1/indicators/RD_STAFF_PER_10K/series?unit=38&from=2024"));
  EXPECT_EQ(series["points"][0]["value"], th["value"]);
  json old = Body(Call(Who::kPublic, "GET",
                       "/api/v1/indicators/RD_STAFF_PER_10K/units?era=pre2025&period=2024"));
  EXPECT_EQ(old["total"], 63);

  // Hostile input: clear errors by field.
  const std::string base = "/api/v1/indicators/RD_STAFF_PER_10K/units?";
  const std::pair<std::string, std::string> bad[] = {
      {"level=commune&period=2024", "province"},
      {"level=commune&province=99&period=2024", "province"},
      {"level=commune&province=38'%20OR%201=1--&period=2024", "province"},
      {"level=commune&province=38&period=2024Q7", "period"},
      {"level=commune&province=38&period=nhi%E1%BB%81u", "period"},
      {"level=commune&province=38", "period"},
      {"level=district&period=2024", "level"},
      {"level=nation&period=2024", "level"},
      {"level=commune&era=pre2025&province=38&period=2024", "era"},
      {"era=1990&period=2024", "era"},
      {"province=38&period=2024", "province"},
  };
  for (const auto& [q, field] : bad) {
    EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", base + q), 400, field)) << q;
  }
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "GET", "/api/v1/indicators/NO_SUCH/units?period=2024"), 404));
}

TEST_F(MonitoringTest, CommuneBoundariesByProvince) {
  HttpResponse r = Call(Who::kPublic, "GET", "/api/v1/geo/communes?province=38");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.Header("content-type"), "application/geo+json");
  json fc = json::parse(r.body);
  EXPECT_EQ(fc["type"], "FeatureCollection");
  ASSERT_EQ(fc["features"].size(), 166u);
  for (const json& f : fc["features"]) {
    EXPECT_EQ(f["properties"]["province_code"], "38");
    ASSERT_TRUE(f["geometry"]["type"] == "Polygon" || f["geometry"]["type"] == "MultiPolygon");
    // Thanh Hóa lies within 19-21 N, 104-107 E; every ring is closed.
    const json& polys = f["geometry"]["type"] == "Polygon"
                            ? json::array({f["geometry"]["coordinates"]})
                            : f["geometry"]["coordinates"];
    for (const json& poly : polys) {
      for (const json& ring : poly) {
        ASSERT_GE(ring.size(), 4u);
        EXPECT_EQ(ring.front(), ring.back()) << f["properties"];
        for (const json& pt : ring) {
          EXPECT_GT(pt[0].get<double>(), 104.0);
          EXPECT_LT(pt[0].get<double>(), 107.0);
          EXPECT_GT(pt[1].get<double>(), 19.0);
          EXPECT_LT(pt[1].get<double>(), 21.0);
        }
      }
    }
  }
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/geo/communes"), 400, "province"));
  EXPECT_TRUE(IsProblem(Call(Who::kPublic, "GET", "/api/v1/geo/communes?province=99"), 404));
  EXPECT_TRUE(
      IsProblem(Call(Who::kPublic, "GET", "/api/v1/geo/communes?province=..%2F..%2Fetc"), 404));
}

TEST(TopoJson, DecodesSharedArcsBothWaysAndRefusesMalformedDocuments) {
  // Two unit squares sharing the arc x = 1 (arc 1), quantized with scale 0.5 and translate 100, 10.
  const std::string doc =
      R"({"type":"Topology","transform":{"scale":[0.5,0.5],"translate":[100,10]},
    "arcs":[[[2,0],[-2,0],[0,2],[2,0]],[[2,2],[0,-2]],[[2,2],[2,0],[0,-2],[-2,0]]],
    "objects":{"communes":{"type":"GeometryCollection","geometries":[
      {"type":"Polygon","arcs":[[0,1]],"properties":{"code":"00001","full_name":"Xã A","province_code":"01"}},
      {"type":"MultiPolygon","arcs":[[[2,-2]]],"properties":{"code":"00002","full_name":"Xã B","province_code":"02"}},
      {"type":"Point","coordinates":[0,0],"properties":{"province_code":"03"}}]}}})";
  auto r = api::TopoJsonByProvince(doc, "communes");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);  // the point is skipped
  json a = json::parse(r->at("01"));
  EXPECT_EQ(a["features"][0]["properties"]["name"], "Xã A");
  EXPECT_EQ(a["features"][0]["geometry"]["coordinates"],
            json::parse("[[[101,10],[100,10],[100,11],[101,11],[101,10]]]"));
  json b = json::parse(r->at("02"));
  EXPECT_EQ(b["features"][0]["geometry"]["type"], "MultiPolygon");
  EXPECT_EQ(b["features"][0]["geometry"]["coordinates"],
            json::parse("[[[[101,11],[102,11],[102,10],[101,10],[101,11]]]]"));
  const std::string malformed[] = {
      std::string("not json"),
      std::string(R"({"arcs":[],"objects":{}})"),
      std::string(
          R"({"arcs":[[[0,0]]],"objects":{"communes":{"geometries":[{"type":"Polygon","arcs":[[5]],"properties":{"province_code":"01"}}]}}})"),
      std::string(
          R"({"arcs":[[[0,0]]],"objects":{"communes":{"geometries":[{"type":"Polygon","arcs":[[0]],"properties":{}}]}}})"),
      std::string(R"({"arcs":[["x"]],"objects":{"communes":{"geometries":[]}}})"),
      std::string(R"({"arcs":[],"objects":{"communes":[1]}})"),
      std::string(R"({"arcs":[],"objects":{"communes":{"geometries":[1]}}})"),
      std::string(
          R"({"arcs":[],"objects":{"communes":{"geometries":[{"type":"Polygon","properties":{"province_code":"01"}}]}}})"),
      std::string(
          R"({"arcs":[],"objects":{"communes":{"geometries":[{"type":"Polygon","arcs":[[0]],"properties":[1]}]}}})"),
      std::string(
          R"({"transform":{"scale":["a",1],"translate":[0,0]},"arcs":[],"objects":{"communes":{"geometries":[]}}})"),
      std::string(R"({"transform":[],"arcs":[],"objects":{"communes":{"geometries":[]}}})"),
  };
  for (const std::string& bad : malformed) {
    EXPECT_EQ(api::TopoJsonByProvince(bad, "communes").status().code(), StatusCode::kDataLoss)
        << bad;
  }
}

TEST_F(MonitoringTest, KpisCarryTheirTargetStatusAndStaleness) {
  const int64_t plan = Post(Who::kStaff, "/api/v1/plans",
                            {{"code", "KPI-38"},
                             {"name", "Kế hoạch thử nghiệm"},
                             {"period_from", 2020},
                             {"period_to", 2035},
                             {"province_code", "38"}},
                            201)["id"];
  Post(Who::kStaff, "/api/v1/plans/" + std::to_string(plan) + "/targets",
       {{"text_vi", "Đạt 10 nhân lực R&D trên 1 vạn dân năm 2035"},
        {"indicator", "RD_STAFF_PER_10K"},
        {"baseline_value", 1},
        {"baseline_year", 2020},
        {"target_value", 10},
        {"target_year", 2035}},
       201);
  for (auto [el, v] : {std::pair<const char*, double>{"RD_STAFF", 100}, {"POPULATION", 100000}}) {
    Post(Who::kStaff, "/api/v1/data-values",
         {{"data_element", el}, {"unit", "38"}, {"period", "2020"}, {"value", v}}, 200);
  }
  json kpis = Body(Call(Who::kPublic, "GET",
                        "/api/v1/ioc/kpis?unit=38&indicators=RD_STAFF_PER_10K,ST_ENTERPRISES_N"));
  const json& k = kpis["items"][0];
  EXPECT_EQ(k["period"], "2020");
  EXPECT_TRUE(k["freshness"]["stale"].get<bool>()) << k;  // years ago
  ASSERT_TRUE(k["target"].is_object()) << k;
  EXPECT_EQ(k["target"]["target_year"], 2035);
  EXPECT_EQ(k["target"]["target_value"], 10.0);
  EXPECT_EQ(k["target"]["plan_code"], "KPI-38");
  EXPECT_TRUE(k["target"]["status"].is_string());
  EXPECT_TRUE(kpis["items"][1]["target"].is_object());  // the shipped plan of Thanh Hóa
  json nation = Body(Call(Who::kPublic, "GET", "/api/v1/ioc/kpis?indicators=RD_STAFF_PER_10K"));
  EXPECT_TRUE(nation["items"][0]["target"].is_null());  // no national plan
}

}  // namespace
}  // namespace stio::apitest
