// Monitoring over HTTP: values and their workflow, aggregated series and lineage, plans (the two
// shipped ones), review, scorecard and the IOC feed; bad input writes nothing.
#include <string>

#include "api/api_fixture.h"
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

}  // namespace
}  // namespace stio::apitest
