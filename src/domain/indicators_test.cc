// Indicators, values, aggregation, lineage, plans and the progress arithmetic.
#include "domain/indicators.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "domain/plans.h"
#include "domain/progress.h"
#include "domain/reference.h"
#include "domain/registry.h"
#include "storage/schema.h"

namespace stio::domain {
namespace {

// ---------------------------------------------------------------------------------------------
// Pure functions

TEST(ProgressTest, CagrStatusGolden) {
  // Base 30 (2020), latest 42 (2023), target 60 (2025).
  TargetInput in{30.0, 2020, 60.0, 2025, 1, {{2021, 33}, {2022, 37}, {2023, 42}}};
  Assessment a = AssessTarget(in);
  EXPECT_EQ(a.method, "cagr");
  EXPECT_NEAR(*a.rate_observed, 0.1186889, 1e-6);  // 1.4^(1/3) - 1
  EXPECT_NEAR(*a.rate_required, 0.1486984, 1e-6);  // 2^(1/5) - 1
  EXPECT_NEAR(*a.ratio, 0.798186, 1e-5);
  EXPECT_EQ(a.status, "at_risk");
  EXPECT_NEAR(*a.progress, 0.4, 1e-12);
  EXPECT_NEAR(*a.yearly_effort, 9.0, 1e-12);  // (60 - 42) / 2
  // Projection: OLS over 2020..2023 = 30, 33, 37, 42 -> slope 4, value 49.5 in 2025,
  // s^2 = 1/2, half-width t(0.975, 2) * s * sqrt(1 + 1/4 + 3.5^2 / 5).
  ASSERT_TRUE(a.projection);
  EXPECT_NEAR(a.projection->slope, 4.0, 1e-12);
  EXPECT_NEAR(a.projection->value, 49.5, 1e-9);
  const double half = 4.302653 * std::sqrt(0.5) * std::sqrt(3.7);
  EXPECT_NEAR(*a.projection->upper - 49.5, half, 1e-6);
  EXPECT_NEAR(49.5 - *a.projection->lower, half, 1e-6);
}

TEST(ProgressTest, StatusesAndLowerIsBetter) {
  EXPECT_EQ(AssessTarget({30.0, 2020, 60.0, 2025, 1, {{2023, 61}}}).status, "achieved");
  EXPECT_EQ(AssessTarget({30.0, 2020, 60.0, 2025, 1, {{2023, 50}}}).status, "on_track");
  EXPECT_EQ(AssessTarget({30.0, 2020, 60.0, 2025, 1, {{2023, 33}}}).status, "off_track");
  Assessment worse = AssessTarget({30.0, 2020, 60.0, 2025, 1, {{2023, 25}}});
  EXPECT_EQ(worse.status, "off_track");
  EXPECT_TRUE(worse.deterioration);
  EXPECT_EQ(AssessTarget({30.0, 2020, 60.0, 2025, 1, {}}).status, "no_data");
  EXPECT_EQ(AssessTarget({30.0, 2020, std::nullopt, std::nullopt, 1, {{2023, 40}}}).status,
            "no_data");
  // Lower is better: 10 -> 5 by 2025. 7 in 2023: R = ((0.7)^(1/3)-1) / ((0.5)^(1/5)-1) = 0.866;
  // 8 in 2023: R = 0.554.
  Assessment low = AssessTarget({10.0, 2020, 5.0, 2025, -1, {{2023, 7}}});
  EXPECT_NEAR(*low.ratio, (std::pow(0.7, 1.0 / 3) - 1) / (std::pow(0.5, 0.2) - 1), 1e-9);
  EXPECT_NEAR(*low.ratio, 0.8660, 1e-4);
  EXPECT_EQ(low.status, "at_risk");
  EXPECT_EQ(AssessTarget({10.0, 2020, 5.0, 2025, -1, {{2023, 8}}}).status, "off_track");
  EXPECT_EQ(AssessTarget({10.0, 2020, 5.0, 2025, -1, {{2023, 4.9}}}).status, "achieved");
  EXPECT_TRUE(AssessTarget({10.0, 2020, 5.0, 2025, -1, {{2023, 12}}}).deterioration);
  // Zero base: linear rates.
  Assessment lin = AssessTarget({0.0, 2020, 10.0, 2025, 1, {{2022, 4}}});
  EXPECT_EQ(lin.method, "linear");
  EXPECT_NEAR(*lin.ratio, 1.0, 1e-12);
  EXPECT_EQ(lin.status, "on_track");
  // Target year passed.
  EXPECT_EQ(AssessTarget({30.0, 2020, 60.0, 2022, 1, {{2023, 50}}}).status, "off_track");
}

TEST(ProgressTest, StudentT) {
  EXPECT_NEAR(StudentT975(1), 12.706, 1e-3);
  EXPECT_NEAR(StudentT975(10), 2.228, 1e-3);
  EXPECT_NEAR(StudentT975(1000), 1.96, 1e-2);
  EXPECT_FALSE(ProjectLinear({{2020, 1}}, 2025));
  auto two = ProjectLinear({{2020, 1}, {2022, 5}}, 2025);
  ASSERT_TRUE(two);
  EXPECT_NEAR(two->value, 11, 1e-12);
  EXPECT_FALSE(two->lower);
}

TEST(PeriodTest, ParseAndReject) {
  EXPECT_EQ(ParsePeriod("2024")->EndDate(), "2024-12-31");
  EXPECT_EQ(ParsePeriod("2024Q1")->EndDate(), "2024-03-31");
  EXPECT_EQ(ParsePeriod("202402")->EndDate(), "2024-02-29");
  EXPECT_EQ(ParsePeriod("2023q4")->ToString(), "2023Q4");
  for (const char* bad :
       {"2024Q5", "202413", "202400", "20245", "24", "abcd", "1800", "2024-01", ""}) {
    EXPECT_FALSE(ParsePeriod(bad).ok()) << bad;
  }
}

TEST(FormulaTest, Codes) {
  auto c = FormulaCodes("(RESEARCHERS + R_D_STAFF) * 2 / POP");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, (std::vector<std::string>{"RESEARCHERS", "R_D_STAFF", "POP"}));
  EXPECT_FALSE(FormulaCodes("A +").ok());
  EXPECT_FALSE(FormulaCodes("(A").ok());
  EXPECT_FALSE(FormulaCodes("A ; DROP").ok());
  EXPECT_FALSE(FormulaCodes("").ok());
}

TEST(PlanReviewTest, WordingSimilarity) {
  EXPECT_DOUBLE_EQ(
      WordingSimilarity("Có ít nhất 30 doanh nghiệp KH&CN", "có ít nhất 30 Doanh Nghiep KH&CN"),
      1.0);
  EXPECT_LT(WordingSimilarity("12 nhà nghiên cứu trên 1 vạn dân", "100% xã có băng rộng"), 0.2);
}

// ---------------------------------------------------------------------------------------------
// With a database

struct FixedClock : Clock {
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::sys_days{std::chrono::year{2026} / 11 / 22};
  }
};

class MonitoringTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("stio-monitoring-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    auto db = storage::OpenSqlite((*dir_ / "m.db").string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = db->release();
    ASSERT_TRUE(db_->Migrate(storage::MigrationsFor(*db_)).ok());
    auto report = LoadReferenceData(*db_, STIO_SOURCE_DIR "/data", Clock::Real());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
  }
  static void TearDownTestSuite() {
    delete db_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  // Every test works in one write transaction that is rolled back.
  void SetUp() override {
    auto tx = db_->Begin(storage::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    tx_ = std::move(tx).value();
  }
  void TearDown() override { tx_.reset(); }

  Json Ok(Result<Json> r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Json();
  }
  Json Element(const std::string& code, const std::string& agg = "sum",
               const std::string& type = "number") {
    return Ok(CreateDataElement(
        *tx_, admin_, clock_,
        {{"code", code}, {"name_vi", code}, {"aggregation", agg}, {"value_type", type}}));
  }
  Json Value(const std::string& el, const std::string& unit, const std::string& period, double v,
             const std::string& era = "2025") {
    return Ok(EnterValue(
        *tx_, admin_, clock_,
        {{"data_element", el}, {"unit", unit}, {"period", period}, {"value", v}, {"era", era}}));
  }
  int64_t Audits() { return tx_->QueryOne("SELECT COUNT(*) AS n FROM audit_log")->Int("n"); }

  static std::filesystem::path* dir_;
  static storage::Database* db_;
  std::unique_ptr<storage::Transaction> tx_;
  FixedClock clock_;
  Actor admin_ = Actor::System("test");
};
std::filesystem::path* MonitoringTest::dir_ = nullptr;
storage::Database* MonitoringTest::db_ = nullptr;

TEST_F(MonitoringTest, RatesAreRecomputedFromSumsAcrossMapsAndLevels) {
  Element("RES");
  Element("POP");
  Ok(CreateIndicator(*tx_, admin_, clock_,
                     {{"code", "RES_PER_10K"},
                      {"name_vi", "Nhà nghiên cứu / 1 vạn dân"},
                      {"numerator", "RES"},
                      {"denominator", "POP"},
                      {"factor", 10000}}));
  // Pre-2025: Cần Thơ (92), Hậu Giang (93) and Sóc Trăng (94) became Cần Thơ (92).
  Value("RES", "92", "2023", 1200, "pre2025");
  Value("POP", "92", "2023", 1250000, "pre2025");
  Value("RES", "94", "2023", 300, "pre2025");
  Value("POP", "94", "2023", 1200000, "pre2025");
  auto s = Ok(IndicatorSeries(*tx_, "RES_PER_10K", {"2025", "province", "92"}, "2023", "2023"));
  const Json& p = s["points"][0];
  EXPECT_NEAR(p["value"].get<double>(), 1500.0 / 2450000 * 10000, 1e-9);  // not the mean of rates
  EXPECT_EQ(p["parts"], 3);
  EXPECT_EQ(p["parts_with_data"], 2);
  EXPECT_TRUE(p["provisional"].get<bool>());
  // The pre-2025 province itself keeps its own figure.
  auto st = Ok(IndicatorSeries(*tx_, "RES_PER_10K", {"pre2025", "province", "94"}, "2023", "2023"));
  EXPECT_NEAR(st["points"][0]["value"].get<double>(), 2.5, 1e-9);
  // Communes sum to their province; quarters to the year.
  auto communes = tx_->Query(
      "SELECT code FROM admin_units WHERE era = '2025' AND level = "
      "'commune' AND province_code = '38' ORDER BY code LIMIT 2");
  ASSERT_TRUE(communes.ok());
  const std::string c1 = (*communes)[0].Text("code"), c2 = (*communes)[1].Text("code");
  Value("RES", c1, "2024Q1", 10);
  Value("RES", c1, "2024Q2", 5);
  Value("RES", c2, "2024", 20);
  Value("POP", c1, "2024", 10000);
  Value("POP", c2, "2024", 30000);
  auto th = Ok(IndicatorSeries(*tx_, "RES_PER_10K", {"2025", "province", "38"}, "2024", "2024"));
  EXPECT_NEAR(th["points"][0]["value"].get<double>(), 35.0 / 40000 * 10000, 1e-9);
  EXPECT_EQ(th["points"][0]["parts_with_data"], 2);
  // The nation sums the provinces that have data.
  auto vn = Ok(IndicatorSeries(*tx_, "RES_PER_10K", {"2025", "nation", "VN"}, "2023", "2024"));
  EXPECT_NEAR(vn["points"][0]["value"].get<double>(), 1500.0 / 2450000 * 10000, 1e-9);
  EXPECT_EQ(vn["points"][0]["parts"], 34);
  // Lineage lists the values behind the figure.
  auto lin = Ok(IndicatorLineage(*tx_, "RES_PER_10K", {"2025", "province", "92"}, "2023"));
  ASSERT_EQ(lin["elements"].size(), 2u);
  EXPECT_EQ(lin["elements"][0]["values"].size(), 2u);
  EXPECT_EQ(lin["elements"][0]["values"][0]["era"], "pre2025");
}

// Aggregated figures are cached across requests (FigureCache): every way of changing a value, or
// the element's aggregation, must show at once in the province's and the nation's figures.
TEST_F(MonitoringTest, AggregatesFollowEveryWrite) {
  Element("NUM");
  Element("DEN");
  Ok(CreateIndicator(*tx_, admin_, clock_,
                     {{"code", "SHARE"},
                      {"name_vi", "Tỷ lệ"},
                      {"numerator", "NUM"},
                      {"denominator", "DEN"},
                      {"factor", 100}}));
  Ok(CreateIndicator(*tx_, admin_, clock_,
                     {{"code", "NUM_ONLY"}, {"name_vi", "Tổng"}, {"numerator", "NUM"}}));
  auto communes = tx_->Query(
      "SELECT code FROM admin_units WHERE era = '2025' AND level = 'commune' AND province_code = "
      "'38' ORDER BY code LIMIT 3");
  ASSERT_TRUE(communes.ok());
  ASSERT_EQ(communes->size(), 3u);
  const std::string c1 = (*communes)[0].Text("code"), c2 = (*communes)[1].Text("code"),
                    c3 = (*communes)[2].Text("code");
  Value("NUM", c1, "2024", 10);
  Value("NUM", c2, "2024", 20);
  Value("DEN", c1, "2024", 100);
  Value("DEN", c2, "2024", 100);
  auto share = [&](const std::string& unit) {
    auto s = Ok(IndicatorSeries(*tx_, "SHARE", *MakeUnit(unit, std::nullopt, std::nullopt), "2024",
                                "2024"));
    return s["points"][0];
  };
  EXPECT_NEAR(share("38")["value"].get<double>(), 15.0, 1e-12);
  EXPECT_NEAR(share("VN")["value"].get<double>(), 15.0, 1e-12);
  EXPECT_NEAR(share("38")["value"].get<double>(), 15.0, 1e-12);  // asked again

  // A value changed through EnterValue.
  Value("NUM", c1, "2024", 30);
  EXPECT_NEAR(share("38")["value"].get<double>(), 25.0, 1e-12);
  EXPECT_NEAR(share("VN")["value"].get<double>(), 25.0, 1e-12);
  // A new commune.
  Value("NUM", c3, "2024", 50);
  Value("DEN", c3, "2024", 200);
  EXPECT_NEAR(share("38")["value"].get<double>(), 25.0, 1e-12);  // 100 / 400
  EXPECT_EQ(share("38")["parts_with_data"], 3);
  EXPECT_EQ(share("VN")["parts_with_data"], 1);
  // Written by another path than the domain (SQL from another program): triggers still see it.
  ASSERT_TRUE(tx_->Execute("UPDATE data_values SET value = 150 WHERE unit_code = ? AND "
                           "period = '2024' AND data_element_id = (SELECT id FROM data_elements "
                           "WHERE code = 'NUM')",
                           {c3})
                  .ok());
  EXPECT_NEAR(share("38")["value"].get<double>(), 50.0, 1e-12);  // 200 / 400
  EXPECT_NEAR(share("VN")["value"].get<double>(), 50.0, 1e-12);
  ASSERT_TRUE(tx_->Execute("DELETE FROM data_values WHERE unit_code = ? AND data_element_id IN "
                           "(SELECT id FROM data_elements WHERE code IN ('NUM', 'DEN'))",
                           {c3})
                  .ok());
  EXPECT_NEAR(share("38")["value"].get<double>(), 25.0, 1e-12);  // 50 / 200
  EXPECT_EQ(share("VN")["parts_with_data"], 1);
  EXPECT_EQ(share("38")["parts_with_data"], 2);
  // The element's aggregation changed: sum -> average over the communes.
  auto sum = Ok(IndicatorSeries(*tx_, "NUM_ONLY", {"2025", "province", "38"}, "2024", "2024"));
  EXPECT_NEAR(sum["points"][0]["value"].get<double>(), 50.0, 1e-12);
  Ok(UpdateDataElement(*tx_, admin_, clock_, "NUM", {{"aggregation", "average"}}));
  auto avg = Ok(IndicatorSeries(*tx_, "NUM_ONLY", {"2025", "province", "38"}, "2024", "2024"));
  EXPECT_NEAR(avg["points"][0]["value"].get<double>(), 25.0, 1e-12);
  // Lineage still lists the values behind a figure that was served from the cache.
  auto lin = Ok(IndicatorLineage(*tx_, "SHARE", {"2025", "province", "38"}, "2024"));
  ASSERT_EQ(lin["elements"].size(), 2u);
  EXPECT_EQ(lin["elements"][0]["values"].size(), 2u);
  EXPECT_EQ(lin["elements"][1]["values"].size(), 2u);
}

// Cached figures are kept per province: a write in one province changes that province and the
// nation, not the others; a pre-2025 value reaches the 2025 province it became part of.
TEST_F(MonitoringTest, WritesInvalidateTheirProvinceAndTheNation) {
  Element("K");
  Ok(CreateIndicator(*tx_, admin_, clock_,
                     {{"code", "K_I"}, {"name_vi", "K"}, {"numerator", "K"}}));
  auto commune_of = [&](const std::string& province) {
    return tx_
        ->QueryOne(
            "SELECT code FROM admin_units WHERE era = '2025' AND level = 'commune' AND "
            "province_code = ? ORDER BY code LIMIT 1",
            {province})
        ->Text("code");
  };
  const std::string hanoi = commune_of("01"), thanh_hoa = commune_of("38");
  auto value = [&](const std::string& unit, const std::string& period) {
    auto s = Ok(
        IndicatorSeries(*tx_, "K_I", *MakeUnit(unit, std::nullopt, std::nullopt), period, period));
    return s["points"][0]["value"];
  };
  Value("K", hanoi, "2024", 1);
  Value("K", thanh_hoa, "2024", 2);
  Value("K", "94", "2023", 5, "pre2025");  // Sóc Trăng, now part of Cần Thơ (92)
  EXPECT_EQ(value("01", "2024"), 1.0);
  EXPECT_EQ(value("38", "2024"), 2.0);
  EXPECT_EQ(value("VN", "2024"), 3.0);
  EXPECT_EQ(value("92", "2023"), 5.0);
  EXPECT_EQ(value("VN", "2023"), 5.0);
  Value("K", thanh_hoa, "2024", 7);
  EXPECT_EQ(value("01", "2024"), 1.0);
  EXPECT_EQ(value("38", "2024"), 7.0);
  EXPECT_EQ(value("VN", "2024"), 8.0);
  Value("K", "94", "2023", 6, "pre2025");
  EXPECT_EQ(value("92", "2023"), 6.0);
  EXPECT_EQ(value("VN", "2023"), 6.0);
  // A value recorded for the nation itself wins over the sum of provinces.
  Value("K", "VN", "2024", 100);
  EXPECT_EQ(value("VN", "2024"), 100.0);
  EXPECT_EQ(value("38", "2024"), 7.0);
}

// The figure of a province with every commune approved is final; reopening one value makes it
// provisional again at once (a status change is a write like any other).
TEST_F(MonitoringTest, StatusChangesReachCachedFigures) {
  Element("OPEN");
  Ok(CreateIndicator(*tx_, admin_, clock_,
                     {{"code", "OPEN_I"}, {"name_vi", "Mở"}, {"numerator", "OPEN"}}));
  auto communes = tx_->Query(
      "SELECT code FROM admin_units WHERE era = '2025' AND level = 'commune' AND province_code = "
      "'38'");
  ASSERT_TRUE(communes.ok());
  std::vector<int64_t> ids;
  for (const auto& c : *communes) ids.push_back(Value("OPEN", c.Text("code"), "2024", 1)["id"]);
  auto provisional = [&] {
    auto s = Ok(IndicatorSeries(*tx_, "OPEN_I", {"2025", "province", "38"}, "2024", "2024"));
    return s["points"][0]["provisional"].get<bool>();
  };
  EXPECT_TRUE(provisional());  // drafts
  for (int64_t id : ids) {
    Ok(ChangeValueStatus(*tx_, admin_, clock_, id, "submit", nullptr));
    Ok(ChangeValueStatus(*tx_, admin_, clock_, id, "approve", nullptr));
  }
  EXPECT_FALSE(provisional());
  Ok(ChangeValueStatus(*tx_, admin_, clock_, ids[0], "reopen", {{"reason", "sửa số liệu"}}));
  EXPECT_TRUE(provisional());
}

// `stio serve` warms the cache after a start (WarmFigureCache): the first requests after the
// warm-up, for the nation or a province, take every figure from the cache; a write after it still
// shows at once; a warm-up asked to stop computes nothing more.
TEST_F(MonitoringTest, WarmUpFillsTheCacheAndWritesStillInvalidate) {
  tx_.reset();  // the warm-up reads committed data, in read transactions of its own
  using storage::TxMode;
  std::string c38, c01;
  auto write = [&](const std::function<Status(storage::Transaction&)>& fn) {
    Status s = storage::WithTransaction(*db_, TxMode::kWrite, fn);
    ASSERT_TRUE(s.ok()) << s.ToString();
  };
  auto enter = [&](storage::Transaction& tx, const std::string& el, const std::string& unit,
                   const std::string& period, double v) {
    return EnterValue(tx, admin_, clock_,
                      {{"data_element", el}, {"unit", unit}, {"period", period}, {"value", v}})
        .status();
  };
  write([&](storage::Transaction& tx) {
    for (const char* code : {"WARM_N", "WARM_D"}) {
      STIO_RETURN_IF_ERROR(
          CreateDataElement(
              tx, admin_, clock_,
              {{"code", code}, {"name_vi", code}, {"aggregation", "sum"}, {"value_type", "number"}})
              .status());
    }
    STIO_RETURN_IF_ERROR(CreateIndicator(tx, admin_, clock_,
                                         {{"code", "WARM_SHARE"},
                                          {"name_vi", "Tỷ lệ (kiểm thử)"},
                                          {"numerator", "WARM_N"},
                                          {"denominator", "WARM_D"},
                                          {"factor", 100}})
                             .status());
    const char* first_commune =
        "SELECT code FROM admin_units WHERE era = '2025' AND level = 'commune' AND "
        "province_code = ? ORDER BY code LIMIT 1";
    STIO_ASSIGN_OR_RETURN(auto r38, tx.QueryOne(first_commune, {std::string("38")}));
    STIO_ASSIGN_OR_RETURN(auto r01, tx.QueryOne(first_commune, {std::string("01")}));
    c38 = r38.Text("code");
    c01 = r01.Text("code");
    STIO_RETURN_IF_ERROR(enter(tx, "WARM_N", c38, "2020", 10));
    STIO_RETURN_IF_ERROR(enter(tx, "WARM_D", c38, "2020", 40));
    STIO_RETURN_IF_ERROR(enter(tx, "WARM_N", c01, "2024", 5));
    return enter(tx, "WARM_D", c01, "2024", 50);
  });

  ClearFigureCache();  // as at a start
  auto report = WarmFigureCache(*db_, clock_, nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->stopped);
  EXPECT_EQ(report->failed, 0);
  EXPECT_GE(report->indicators, 1);
  EXPECT_EQ(report->series, report->indicators * 35);  // 34 provinces and the nation
  const FigureCacheStats warm = GetFigureCacheStats();
  EXPECT_GE(warm.figures, 2 * 11 * 35);  // 2 elements, 2016-2026, 35 places

  auto series = [&](const std::string& unit) {
    Json s;
    Status st = storage::WithTransaction(*db_, TxMode::kRead, [&](storage::Transaction& tx) {
      STIO_ASSIGN_OR_RETURN(UnitRef u, MakeUnit(unit, std::nullopt, std::nullopt));
      STIO_ASSIGN_OR_RETURN(s, IndicatorSeries(tx, "WARM_SHARE", u, "2016", "2026"));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s["points"];
  };
  // First requests after the warm-up: 2 elements x 11 years from the cache, nothing computed.
  Json vn = series("VN");
  FigureCacheStats now = GetFigureCacheStats();
  EXPECT_EQ(now.misses, warm.misses);
  EXPECT_EQ(now.hits - warm.hits, 22);
  ASSERT_EQ(vn.size(), 11u);
  EXPECT_NEAR(vn[4]["value"].get<double>(), 25.0, 1e-12);  // 2020: 10 / 40
  EXPECT_NEAR(vn[8]["value"].get<double>(), 10.0, 1e-12);  // 2024: 5 / 50
  EXPECT_TRUE(vn[0]["value"].is_null());
  Json th = series("38");
  EXPECT_EQ(GetFigureCacheStats().misses, warm.misses);
  EXPECT_EQ(GetFigureCacheStats().hits - now.hits, 22);
  EXPECT_NEAR(th[4]["value"].get<double>(), 25.0, 1e-12);

  // A write after the warm-up shows at once, in the province and the nation.
  write([&](storage::Transaction& tx) { return enter(tx, "WARM_N", c38, "2020", 30); });
  now = GetFigureCacheStats();
  vn = series("VN");
  EXPECT_GT(GetFigureCacheStats().misses, now.misses);
  EXPECT_NEAR(vn[4]["value"].get<double>(), 75.0, 1e-12);
  EXPECT_NEAR(vn[8]["value"].get<double>(), 10.0, 1e-12);
  EXPECT_NEAR(series("38")[4]["value"].get<double>(), 75.0, 1e-12);
  EXPECT_NEAR(series("01")[8]["value"].get<double>(), 10.0, 1e-12);

  // Asked to stop (a shutdown), the warm-up returns before computing anything.
  ClearFigureCache();
  const FigureCacheStats cleared = GetFigureCacheStats();
  EXPECT_EQ(cleared.figures, 0);
  auto stopped = WarmFigureCache(*db_, clock_, [] { return true; });
  ASSERT_TRUE(stopped.ok());
  EXPECT_TRUE(stopped->stopped);
  EXPECT_EQ(stopped->series, 0);
  EXPECT_EQ(GetFigureCacheStats().figures, 0);
  EXPECT_EQ(GetFigureCacheStats().misses, cleared.misses);

  // The other tests of the suite share the database: remove what this one committed.
  write([&](storage::Transaction& tx) {
    STIO_RETURN_IF_ERROR(
        tx.Execute("DELETE FROM value_approvals WHERE data_value_id IN (SELECT v.id FROM "
                   "data_values v JOIN data_elements e ON e.id = v.data_element_id WHERE "
                   "e.code LIKE 'WARM_%')")
            .status());
    STIO_RETURN_IF_ERROR(tx.Execute("DELETE FROM data_values WHERE data_element_id IN (SELECT id "
                                    "FROM data_elements WHERE code LIKE 'WARM_%')")
                             .status());
    STIO_RETURN_IF_ERROR(
        tx.Execute("DELETE FROM data_value_generations WHERE data_element_id IN (SELECT id FROM "
                   "data_elements WHERE code LIKE 'WARM_%')")
            .status());
    STIO_RETURN_IF_ERROR(tx.Execute("DELETE FROM indicators WHERE code = 'WARM_SHARE'").status());
    return tx.Execute("DELETE FROM data_elements WHERE code LIKE 'WARM_%'").status();
  });
}

TEST_F(MonitoringTest, FormulaSafety) {
  Element("A");
  Element("Z");
  Ok(CreateIndicator(
      *tx_, admin_, clock_,
      {{"code", "RATIO"}, {"name_vi", "r"}, {"numerator", "A"}, {"denominator", "Z"}}));
  Value("A", "38", "2024", 5);
  Value("Z", "38", "2024", 0);
  auto s = Ok(IndicatorSeries(*tx_, "RATIO", {"2025", "province", "38"}, "2024", "2024"));
  EXPECT_TRUE(s["points"][0]["value"].is_null());
  EXPECT_EQ(s["points"][0]["reason"], "the denominator is zero");
  // Self-reference and cycles are refused, naming the chain.
  auto self = CreateIndicator(*tx_, admin_, clock_,
                              {{"code", "SELF"}, {"name_vi", "s"}, {"numerator", "SELF + 1"}});
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.status().message().find("SELF -> SELF"), std::string::npos);
  Ok(CreateIndicator(*tx_, admin_, clock_, {{"code", "B"}, {"name_vi", "b"}, {"numerator", "A"}}));
  Ok(CreateIndicator(*tx_, admin_, clock_,
                     {{"code", "C"}, {"name_vi", "c"}, {"numerator", "B * 2"}}));
  auto cycle = UpdateIndicator(*tx_, admin_, clock_, "B", {{"numerator", "C + A"}});
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(cycle.status().message().find("B -> C -> B"), std::string::npos)
      << cycle.status().message();
  auto unknown = CreateIndicator(*tx_, admin_, clock_,
                                 {{"code", "U"}, {"name_vi", "u"}, {"numerator", "NOPE"}});
  EXPECT_EQ(unknown.status().field(), "numerator");
}

TEST_F(MonitoringTest, BadValuesWriteNothing) {
  Element("N", "sum", "integer");
  Element("PCT", "average", "percent");
  const int64_t audits = Audits();
  struct Bad {
    Json input;
    std::string field;
  } bad[] = {
      {{{"data_element", "N"}, {"unit", "38"}, {"period", "2024"}, {"value", "12"}}, "value"},
      {{{"data_element", "N"}, {"unit", "38"}, {"period", "2024"}, {"value", 1.5}}, "value"},
      {{{"data_element", "PCT"}, {"unit", "38"}, {"period", "2024"}, {"value", 101}}, "value"},
      {{{"data_element", "N"}, {"unit", "38"}, {"period", "2024Q5"}, {"value", 1}}, "period"},
      {{{"data_element", "N"}, {"unit", "38"}, {"period", "2031"}, {"value", 1}}, "period"},
      {{{"data_element", "N"}, {"unit", "99"}, {"period", "2024"}, {"value", 1}}, "unit"},
      {{{"data_element", "N"}, {"unit", "94"}, {"period", "2024"}, {"value", 1}}, "unit"},
      {{{"data_element", "N"},
        {"unit", "94"},
        {"era", "pre2025"},
        {"period", "2026"},
        {"value", 1}},
       "period"},
      {{{"data_element", "NOPE"}, {"unit", "38"}, {"period", "2024"}, {"value", 1}},
       "data_element"},
  };
  for (const auto& b : bad) {
    auto r = EnterValue(*tx_, admin_, clock_, b.input);
    ASSERT_FALSE(r.ok()) << b.input;
    EXPECT_EQ(r.status().field(), b.field) << b.input << " " << r.status().ToString();
  }
  EXPECT_EQ(Audits(), audits);
  // Validation rule: researchers <= population.
  Element("POP");
  Ok(CreateValidationRule(*tx_, admin_, clock_,
                          {{"code", "N_LE_POP"},
                           {"data_element", "N"},
                           {"operator", "<="},
                           {"other_element", "POP"},
                           {"message", "N must not exceed POP"}}));
  Value("POP", "38", "2024", 100);
  auto r = EnterValue(*tx_, admin_, clock_,
                      {{"data_element", "N"}, {"unit", "38"}, {"period", "2024"}, {"value", 101}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("N must not exceed POP"), std::string::npos);
}

TEST_F(MonitoringTest, WorkflowLocksAndReopensWithAudit) {
  Element("N");
  Value("N", "38", "2020", 10);
  Value("N", "38", "2021", 11);
  Json v = Value("N", "38", "2022", 12);
  const int64_t id = v["id"];
  Actor staff;
  staff.role = Role::kStaff;
  staff.email = "staff@x";
  Actor reviewer;
  reviewer.role = Role::kReviewer;
  reviewer.email = "r@x";
  EXPECT_EQ(ChangeValueStatus(*tx_, reviewer, clock_, id, "submit", nullptr).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ChangeValueStatus(*tx_, staff, clock_, id, "approve", nullptr).status().code(),
            StatusCode::kFailedPrecondition);
  for (const char* a : {"submit", "approve", "lock"}) {
    Ok(ChangeValueStatus(*tx_, staff, clock_, id, a, nullptr));
  }
  auto change =
      EnterValue(*tx_, staff, clock_,
                 {{"data_element", "N"}, {"unit", "38"}, {"period", "2022"}, {"value", 13}});
  EXPECT_EQ(change.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ChangeValueStatus(*tx_, staff, clock_, id, "reopen", nullptr).status().field(),
            "reason");
  Json reopened =
      Ok(ChangeValueStatus(*tx_, staff, clock_, id, "reopen", {{"reason", "Sai số liệu"}}));
  EXPECT_EQ(reopened["status"], "draft");
  EXPECT_EQ(reopened["approvals"].size(), 4u);
  EXPECT_EQ(tx_->QueryOne("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'reopen'")->Int("n"),
            1);
  Json changed = Value("N", "38", "2022", 13);
  EXPECT_EQ(changed["value"], 13.0);
  // An outlier is flagged, not refused.
  Json out = Value("N", "38", "2023", 100);
  EXPECT_TRUE(out["outlier"].get<bool>());
  EXPECT_TRUE(out.contains("warnings"));
}

TEST_F(MonitoringTest, RegistryDerivedCountsWithLineage) {
  Ok(CreateDataElement(*tx_, admin_, clock_,
                       {{"code", "STE"},
                        {"name_vi", "DN KH&CN"},
                        {"aggregation", "last"},
                        {"value_type", "integer"},
                        {"derived_from", "registry:st_enterprises_active"}}));
  Ok(CreateIndicator(*tx_, admin_, clock_,
                     {{"code", "STE_N"}, {"name_vi", "n"}, {"numerator", "STE"}}));
  auto org = [&](const std::string& name) {
    return Ok(CreateOrganization(
        *tx_, admin_, clock_,
        {{"kind", "enterprise"}, {"name", name}, {"province_code", "38"}}))["id"]
        .get<int64_t>();
  };
  const int64_t a = org("Công ty A"), b = org("Công ty B");
  Json ca = Ok(
      IssueCertificate(*tx_, admin_, clock_, a, {{"number", "T-1"}, {"issued_on", "2022-03-01"}}));
  Json cb = Ok(
      IssueCertificate(*tx_, admin_, clock_, b, {{"number", "T-2"}, {"issued_on", "2023-05-01"}}));
  Ok(AddCertificateEvent(*tx_, admin_, clock_, cb["id"],
                         {{"action", "revoke"}, {"date", "2024-02-01"}}));
  auto s = Ok(IndicatorSeries(*tx_, "STE_N", {"2025", "province", "38"}, "2021", "2024"));
  EXPECT_EQ(s["points"][0]["value"], 0.0);
  EXPECT_EQ(s["points"][1]["value"], 1.0);
  EXPECT_EQ(s["points"][2]["value"], 2.0);
  EXPECT_EQ(s["points"][3]["value"], 1.0);
  // A province of which the registry knows nothing has no figure, not a zero.
  auto empty = Ok(IndicatorSeries(*tx_, "STE_N", {"2025", "province", "01"}, "2024", "2024"));
  EXPECT_TRUE(empty["points"][0]["value"].is_null());
  EXPECT_NE(empty["points"][0]["reason"].get<std::string>().find("no organizations"),
            std::string::npos);
  auto lin = Ok(IndicatorLineage(*tx_, "STE_N", {"2025", "province", "38"}, "2023"));
  EXPECT_EQ(lin["elements"][0]["organizations"], Json({a, b}));
  EXPECT_EQ(lin["elements"][0]["certificates"].size(), 2u);
  auto entered =
      EnterValue(*tx_, admin_, clock_,
                 {{"data_element", "STE"}, {"unit", "38"}, {"period", "2024"}, {"value", 3}});
  EXPECT_EQ(entered.status().field(), "data_element");
}

TEST_F(MonitoringTest, PlanReviewScorecardAndSeedPlans) {
  Element("E");
  Ok(CreateIndicator(*tx_, admin_, clock_,
                     {{"code", "E_N"}, {"name_vi", "e"}, {"numerator", "E"}}));
  Json plan = Ok(CreatePlan(*tx_, admin_, clock_,
                            {{"code", "P1"},
                             {"name", "Kế hoạch thử"},
                             {"period_from", 2021},
                             {"period_to", 2025},
                             {"province_code", "38"}}));
  const int64_t pid = plan["id"];
  Json t1 = Ok(CreateTarget(*tx_, admin_, clock_, pid,
                            {{"text_vi", "Có ít nhất 60 doanh nghiệp KH&CN"},
                             {"indicator", "E_N"},
                             {"baseline_value", 30},
                             {"baseline_year", 2020},
                             {"target_value", 60},
                             {"target_year", 2025},
                             {"legal_basis", "QĐ x"},
                             {"solutions", "y"},
                             {"budget_vnd", 1e9},
                             {"data_source", "Sở KH&CN"}}));
  Ok(CreateTarget(*tx_, admin_, clock_, pid,
                  {{"text_vi", "Có ít nhất 60 doanh nghiệp KH&CN."}, {"indicator", "E_N"}}));
  Json review = Ok(ReviewPlan(*tx_, pid));
  ASSERT_EQ(review["issues"].size(), 1u);
  EXPECT_EQ(review["issues"][0]["problems"][0], "no_legal_basis");
  ASSERT_EQ(review["duplicates"].size(), 2u);
  Value("E", "38", "2021", 33);
  Value("E", "38", "2022", 37);
  Value("E", "38", "2023", 42);
  Json card = Ok(PlanScorecard(*tx_, clock_, pid));
  const Json& as = card["targets"][0]["assessment"];
  EXPECT_EQ(as["status"], "at_risk");
  EXPECT_NEAR(as["ratio"].get<double>(), 0.798186, 1e-5);
  EXPECT_NEAR(as["yearly_effort"].get<double>(), 9.0, 1e-9);
}

TEST_F(MonitoringTest, ShippedPlansLoadAndSocTrangCarriesOverToCanTho) {
  tx_.reset();  // LoadPlanData runs its own transaction
  auto n = LoadPlanData(*db_, STIO_SOURCE_DIR "/data", Clock::Real());
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);
  auto again = LoadPlanData(*db_, STIO_SOURCE_DIR "/data", Clock::Real());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  auto tx = db_->Begin(storage::TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto list = ListPlans(**tx, std::string("92"), ListParams{});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->total, 1);
  Json soc = *GetPlan(**tx, list->items[0]["id"]);
  EXPECT_EQ(soc["province_code"], "94");
  EXPECT_EQ(soc["carried_over_to"]["province_code"], "92");
  Json soc_card = *PlanScorecard(**tx, Clock::Real(), soc["id"]);
  EXPECT_TRUE(soc_card["targets"][0]["successor_observed"].is_array()) << soc_card["targets"][0];
  auto th = ListPlans(**tx, std::string("38"), ListParams{});
  ASSERT_EQ(th->total, 1);
  Json review = *ReviewPlan(**tx, th->items[0]["id"]);
  EXPECT_GE(review["targets"].get<int>(), 9);
  Json card = *PlanScorecard(**tx, Clock::Real(), th->items[0]["id"]);
  EXPECT_EQ(card["targets"].size(), review["targets"].get<size_t>());
}

}  // namespace
}  // namespace stio::domain
