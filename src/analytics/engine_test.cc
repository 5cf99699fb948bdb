#include "analytics/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace stio::analytics {
namespace {

// index X <- group G (arithmetic unless told) <- indicators A, B, C (weights 1, 1, 2).
Framework Toy(const std::string& method = "{}", const std::string& extra_ind = "") {
  std::string json = R"({"format": "stio-framework/1", "code": "TOY", "method": )" + method +
                     R"(, "denominators": [{"code": "POP"}],
    "nodes": [{"code": "X"}, {"code": "G1", "parent": "X"}, {"code": "G2", "parent": "X"}],
    "indicators": [{"code": "A", "parent": "G1"}, {"code": "B", "parent": "G1"},
                   {"code": "C", "parent": "G1", "weight": 2},
                   {"code": "D", "parent": "G2")" +
                     extra_ind + "}]}";
  auto fw = ParseFramework(json);
  EXPECT_TRUE(fw.ok()) << fw.status().ToString();
  return *fw;
}

Dataset Data(const std::vector<std::tuple<std::string, std::string, double>>& rows,
             int year = 2024) {
  Dataset d;
  for (const auto& [u, i, v] : rows) d.observations.push_back({u, i, year, v, "", 0});
  return d;
}

MethodOptions NoTreat() {
  MethodOptions o;
  o.treat_outliers = false;
  o.unit_min_share = 0;
  o.indicator_min_share = 0;
  return o;
}

IndexResult RunEd(const Framework& fw, const Dataset& d, const MethodOptions& o, int year = 2024) {
  auto p = Prepare(fw, d);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  auto r = Compute(fw, *p, year, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

int CountNotes(const IndexResult& r, NoteKind k) {
  int n = 0;
  for (const auto& note : r.notes) n += note.kind == k;
  return n;
}

TEST(Moments, MatchExcelDocumentationExamples) {
  // Microsoft's documentation examples for SKEW and KURT.
  std::vector<double> x = {3, 4, 5, 2, 3, 4, 5, 6, 4, 7};
  EXPECT_NEAR(SampleSkewness(x), 0.359543, 1e-6);
  EXPECT_NEAR(SampleKurtosis(x), -0.151799637, 1e-9);
  EXPECT_TRUE(std::isnan(SampleSkewness({1, 1, 1, 1})));
  EXPECT_TRUE(std::isnan(SampleKurtosis({1, 2, 3})));
}

TEST(Normalisation, MinMaxAndDirection) {
  Framework fw = Toy("{}", R"(, "direction": -1)");
  Dataset d = Data({{"u1", "A", 10},
                    {"u2", "A", 20},
                    {"u3", "A", 40},
                    {"u1", "D", 10},
                    {"u2", "D", 20},
                    {"u3", "D", 40}});
  IndexResult r = RunEd(fw, d, NoTreat());
  EXPECT_DOUBLE_EQ(r.Score("A", "u1"), 0);
  EXPECT_NEAR(r.Score("A", "u2"), 100.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(r.Score("A", "u3"), 100);
  EXPECT_DOUBLE_EQ(r.Score("D", "u1"), 100);  // less is better
  EXPECT_NEAR(r.Score("D", "u2"), 200.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(r.Score("D", "u3"), 0);
  // B and C are missing for everyone: dropped and reported, not silently ignored.
  EXPECT_THAT(r.dropped_indicators, testing::UnorderedElementsAre("B", "C"));
  EXPECT_EQ(CountNotes(r, NoteKind::kIndicatorDropped), 2);
}

TEST(Normalisation, ZScoreRankAndDistanceToReference) {
  Framework fw = Toy();
  Dataset d = Data({{"u1", "A", 1},
                    {"u2", "A", 2},
                    {"u3", "A", 3},
                    {"u4", "A", 3},
                    {"u1", "D", 1},
                    {"u2", "D", 2},
                    {"u3", "D", 4},
                    {"u4", "D", 8}});
  MethodOptions o = NoTreat();
  o.normalisation = Normalisation::kZScore;
  IndexResult z = RunEd(fw, d, o);
  // mean 2.25, sample sd sqrt(0.9166...)
  EXPECT_NEAR(z.Score("A", "u1"), (1 - 2.25) / std::sqrt(2.75 / 3), 1e-12);
  o.normalisation = Normalisation::kRank;
  IndexResult rk = RunEd(fw, d, o);
  EXPECT_DOUBLE_EQ(rk.Score("A", "u1"), 0);
  EXPECT_NEAR(rk.Score("A", "u3"), 250.0 / 3, 1e-12);  // tied: average rank 3.5 of 4
  EXPECT_DOUBLE_EQ(rk.Score("A", "u3"), rk.Score("A", "u4"));
  o.normalisation = Normalisation::kDistanceToReference;
  o.reference_unit = "u2";
  IndexResult dr = RunEd(fw, d, o);
  EXPECT_DOUBLE_EQ(dr.Score("D", "u4"), 400);
  EXPECT_DOUBLE_EQ(dr.Score("D", "u2"), 100);
  o.reference_unit = "nobody";
  auto p = Prepare(fw, d);
  ASSERT_TRUE(p.ok());
  auto bad = Compute(fw, *p, 2024, o);
  EXPECT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), testing::HasSubstr("nobody"));
}

TEST(Outliers, OneOutlierIsWinsorisedGiiRule) {
  Framework fw = Toy();
  std::vector<std::tuple<std::string, std::string, double>> rows;
  for (int i = 1; i <= 19; ++i) rows.push_back({"u" + std::to_string(i), "A", i});
  rows.push_back({"u20", "A", 1000});  // skew 4.47, kurtosis 19.97
  for (int i = 1; i <= 20; ++i) rows.push_back({"u" + std::to_string(i), "D", i});
  MethodOptions o = NoTreat();
  o.treat_outliers = true;
  IndexResult r = RunEd(fw, Data(rows), o);
  ASSERT_EQ(CountNotes(r, NoteKind::kWinsorised), 1);
  const Note* n = nullptr;
  for (const auto& x : r.notes) {
    if (x.kind == NoteKind::kWinsorised) n = &x;
  }
  EXPECT_EQ(n->unit, "u20");
  EXPECT_EQ(n->before, 1000);
  EXPECT_EQ(n->after, 19);
  EXPECT_DOUBLE_EQ(r.Score("A", "u20"), 100);
  EXPECT_DOUBLE_EQ(r.Score("A", "u19"), 100);
  EXPECT_NEAR(r.Score("A", "u10"), 50, 1e-12);  // (10-1)/(19-1)
  // Thresholds are options: a higher skewness threshold leaves the point alone.
  o.skew_threshold = 5;
  IndexResult r2 = RunEd(fw, Data(rows), o);
  EXPECT_EQ(CountNotes(r2, NoteKind::kWinsorised), 0);
  EXPECT_NEAR(r2.Score("A", "u19"), 18.0 / 999 * 100, 1e-9);
}

TEST(Outliers, FallsBackToLogWhenWinsorisingIsNotEnough) {
  Framework fw = Toy();
  std::vector<std::tuple<std::string, std::string, double>> rows;
  for (int i = 1; i <= 18; ++i) rows.push_back({"u" + std::to_string(i), "A", i});
  rows.push_back({"u19", "A", 1000});
  rows.push_back({"u20", "A", 1000});  // skew 2.89, kurtosis 7.03
  for (int i = 1; i <= 20; ++i) rows.push_back({"u" + std::to_string(i), "D", i});
  MethodOptions o = NoTreat();
  o.treat_outliers = true;
  o.max_winsorised = 1;  // one point cannot fix two equal outliers
  IndexResult r = RunEd(fw, Data(rows), o);
  EXPECT_EQ(CountNotes(r, NoteKind::kWinsorised), 0);
  EXPECT_EQ(CountNotes(r, NoteKind::kLogTransformed), 1);
  EXPECT_DOUBLE_EQ(r.treated["A"][r.UnitIndex("u1")], 0);  // ln(1 - 1 + 1)
  EXPECT_DOUBLE_EQ(r.treated["A"][r.UnitIndex("u19")], std::log(1000.0));
  EXPECT_NEAR(r.Score("A", "u10"), std::log(10.0) / std::log(1000.0) * 100, 1e-9);
  // With two winsorised points allowed the rule is met by winsorising.
  o.max_winsorised = 2;
  IndexResult r2 = RunEd(fw, Data(rows), o);
  EXPECT_EQ(CountNotes(r2, NoteKind::kWinsorised), 2);
  EXPECT_EQ(CountNotes(r2, NoteKind::kLogTransformed), 0);
}

TEST(Aggregation, GeometricVersusArithmeticAndReweighting) {
  Framework fw = Toy();
  // A: u1 0 .. u3 100 ; B: u2 missing; C (weight 2).
  Dataset d = Data({{"u1", "A", 0},
                    {"u2", "A", 1},
                    {"u3", "A", 4},
                    {"u1", "B", 4},
                    {"u3", "B", 0},
                    {"u1", "C", 1},
                    {"u2", "C", 2},
                    {"u3", "C", 3},
                    {"u1", "D", 2},
                    {"u2", "D", 1},
                    {"u3", "D", 3}});
  MethodOptions o = NoTreat();
  IndexResult r = RunEd(fw, d, o);
  // u2: A 25, B missing, C 50 (w2) -> (25 + 2*50) / 3
  EXPECT_NEAR(r.Score("G1", "u2"), 125.0 / 3, 1e-12);
  EXPECT_EQ(CountNotes(r, NoteKind::kMissing), 1);
  // u3: A 100, B 0, C 100 (w2) -> 75 ; G2 D 100 ; X = (75 + 100) / 2
  EXPECT_NEAR(r.Score("G1", "u3"), 75, 1e-12);
  EXPECT_NEAR(r.Score("X", "u3"), 87.5, 1e-12);
  o.aggregation = Aggregation::kGeometric;
  IndexResult g = RunEd(fw, d, o);
  // u2: 25^(1/3) * 50^(2/3)
  EXPECT_NEAR(g.Score("G1", "u2"), std::pow(25, 1.0 / 3) * std::pow(50, 2.0 / 3), 1e-9);
  EXPECT_DOUBLE_EQ(g.Score("G1", "u3"), 0);  // a zero makes the geometric mean zero
  o.aggregation = Aggregation::kSum;
  IndexResult sum = RunEd(fw, d, o);
  EXPECT_NEAR(sum.Score("G1", "u2"), 25 + 2 * 50, 1e-12);  // B missing adds nothing
  // AM >= GM at every node.
  for (const auto& unit : {"u1", "u2", "u3"}) {
    for (const auto& node : {"G1", "G2", "X"}) {
      EXPECT_GE(r.Score(node, unit) + 1e-9, g.Score(node, unit)) << unit << " " << node;
    }
  }
}

TEST(Imputation, MeanOrMedianIsReported) {
  Framework fw = Toy();
  Dataset d = Data({{"u1", "A", 1},
                    {"u2", "A", 2},
                    {"u3", "A", 9},
                    {"u1", "D", 1},
                    {"u2", "D", 2},
                    {"u3", "D", 3},
                    {"u4", "D", 4}});
  MethodOptions o = NoTreat();
  o.imputation = Imputation::kIndicatorMean;
  IndexResult r = RunEd(fw, d, o);
  EXPECT_DOUBLE_EQ(r.treated["A"][r.UnitIndex("u4")], 4);
  EXPECT_TRUE(std::isnan(r.raw["A"][r.UnitIndex("u4")]));  // raw keeps the gap
  EXPECT_EQ(CountNotes(r, NoteKind::kImputed), 1);
  EXPECT_EQ(NoteKindName(NoteKind::kImputed), "imputed");
  EXPECT_EQ(CountNotes(r, NoteKind::kMissing), 0);
  o.imputation = Imputation::kIndicatorMedian;
  IndexResult m = RunEd(fw, d, o);
  EXPECT_DOUBLE_EQ(m.treated["A"][m.UnitIndex("u4")], 2);
  EXPECT_NEAR(m.Score("A", "u4"), 12.5, 1e-12);
}

TEST(Scaling, PciStyleRangeAndNodeRescale) {
  // PCI-style: min-max to 1..10; goalposts honour the same range.
  auto fw = ParseFramework(R"({"format": "stio-framework/1", "code": "R",
    "method": {"scale": 10, "minmax_lower": 1, "outliers": {"enabled": false}},
    "nodes": [{"code": "T", "rescale": [0, 100]}, {"code": "P", "parent": "T"}],
    "indicators": [{"code": "a", "parent": "P"},
                   {"code": "g", "parent": "P", "goalposts": [0, 10]}]})");
  ASSERT_TRUE(fw.ok()) << fw.status().ToString();
  Dataset d = Data({{"u1", "a", 0},
                    {"u2", "a", 5},
                    {"u3", "a", 10},
                    {"u1", "g", 0},
                    {"u2", "g", 10},
                    {"u3", "g", 5}});
  IndexResult r = RunEd(*fw, d, fw->method);
  EXPECT_DOUBLE_EQ(r.Score("a", "u1"), 1);
  EXPECT_DOUBLE_EQ(r.Score("a", "u2"), 5.5);
  EXPECT_DOUBLE_EQ(r.Score("g", "u2"), 10);
  // P: u1 1, u2 7.75, u3 7.75 -> T rescaled to 0..100.
  EXPECT_DOUBLE_EQ(r.Score("P", "u2"), 7.75);
  EXPECT_DOUBLE_EQ(r.Score("T", "u1"), 0);
  EXPECT_DOUBLE_EQ(r.Score("T", "u3"), 100);
  EXPECT_EQ(r.Rank("T", "u2"), 1);
}

TEST(Ranks, TiesShareTheBestRankAfterRounding) {
  EXPECT_THAT(RankDescending({50, 60, 60, 40}, 2), testing::ElementsAre(3, 1, 1, 4));
  EXPECT_THAT(RankDescending({49.994, 49.996}, 2), testing::ElementsAre(2, 1));
  EXPECT_THAT(RankDescending({49.996, 50.004}, 2), testing::ElementsAre(1, 1));
  EXPECT_THAT(RankDescending({49.996, 50.004}, -1), testing::ElementsAre(2, 1));
  EXPECT_THAT(RankDescending({kNoValue, 1}, 2), testing::ElementsAre(0, 1));
}

TEST(Coverage, UnitsAndIndicatorsLeftOutAreReported) {
  Framework fw = Toy();
  Dataset d = Data({{"u1", "A", 1},
                    {"u2", "A", 2},
                    {"u3", "A", 3},
                    {"u4", "A", 4},
                    {"u1", "B", 1},
                    {"u2", "B", 2},
                    {"u3", "B", 3},
                    {"u1", "C", 1},
                    {"u2", "C", 5},
                    {"u3", "C", 2},
                    {"u1", "D", 1}});  // D: 1 of 4 units
  MethodOptions o = NoTreat();
  o.indicator_min_share = 0.5;
  o.unit_min_share = 0.66;
  IndexResult r = RunEd(fw, d, o);
  EXPECT_THAT(r.dropped_indicators, testing::ElementsAre("D"));
  // u4 has 1 of 3 remaining indicators.
  EXPECT_FALSE(r.included[r.UnitIndex("u4")]);
  EXPECT_TRUE(std::isnan(r.Score("X", "u4")));
  EXPECT_EQ(r.Rank("X", "u4"), 0);
  EXPECT_EQ(CountNotes(r, NoteKind::kUnitExcluded), 1);
  EXPECT_EQ(CountNotes(r, NoteKind::kIndicatorDropped), 1);
  // The excluded unit does not set the min/max of A.
  EXPECT_DOUBLE_EQ(r.Score("A", "u3"), 100);
  // Group rule: every group needs half its indicators.
  Dataset d2 = Data({{"u1", "A", 1},
                     {"u2", "A", 2},
                     {"u1", "B", 1},
                     {"u2", "B", 2},
                     {"u1", "C", 1},
                     {"u2", "C", 2},
                     {"u2", "D", 1},
                     {"u3", "D", 3},
                     {"u3", "A", 5},
                     {"u3", "B", 5},
                     {"u3", "C", 5}});
  o.unit_min_share = 0;
  o.group_min_share = 0.5;
  IndexResult r2 = RunEd(fw, d2, o);
  EXPECT_FALSE(r2.included[r2.UnitIndex("u1")]);  // no D in group G2
  EXPECT_TRUE(r2.included[r2.UnitIndex("u2")]);
}

// Regression (issue 6, compute from stio + import): stio supplies the population of all 34
// provinces while the import covers a few; the provinces with only a population must not make every
// indicator fall below the coverage share. They are excluded and reported instead.
TEST(Coverage, UnitsWithOnlyDenominatorsDoNotThinIndicators) {
  Framework fw = Toy("{}", R"(, "denominator": "POP", "factor": 10000)");
  Dataset d = Data({{"u1", "A", 1},
                    {"u2", "A", 2},
                    {"u1", "B", 3},
                    {"u2", "B", 1},
                    {"u1", "C", 2},
                    {"u2", "C", 2.5},
                    {"u1", "D", 50},
                    {"u2", "D", 30},
                    {"u1", "POP", 1000000},
                    {"u2", "POP", 300000},
                    {"u3", "POP", 500000},
                    {"u4", "POP", 700000},
                    {"u5", "POP", 900000}});
  MethodOptions o = NoTreat();
  o.indicator_min_share = 0.5;
  o.unit_min_share = 0.66;
  IndexResult r = RunEd(fw, d, o);
  EXPECT_TRUE(r.dropped_indicators.empty()) << "2 of 2 reporting units, not 2 of 5";
  EXPECT_TRUE(r.included[r.UnitIndex("u1")]);
  EXPECT_TRUE(r.included[r.UnitIndex("u2")]);
  for (const char* u : {"u3", "u4", "u5"}) {
    EXPECT_FALSE(r.included[r.UnitIndex(u)]) << u;
    EXPECT_EQ(r.Rank("X", u), 0) << u;
  }
  EXPECT_EQ(CountNotes(r, NoteKind::kUnitExcluded), 3);
  EXPECT_EQ(CountNotes(r, NoteKind::kIndicatorDropped), 0);
  // A unit that reports an indicator counts: u3 reports A, so B, C and D have 2 of 3 reporting
  // units (kept at 0.5, dropped at 0.7).
  d.observations.push_back({"u3", "A", 2024, 4, "", 0});
  IndexResult r2 = RunEd(fw, d, o);
  EXPECT_THAT(r2.dropped_indicators, testing::ElementsAre());
  o.indicator_min_share = 0.7;
  IndexResult r3 = RunEd(fw, d, o);
  EXPECT_THAT(r3.dropped_indicators, testing::ElementsAre("B", "C", "D"));
}

TEST(Denomination, PerTenThousandInhabitants) {
  Framework fw = Toy("{}", R"(, "denominator": "POP", "factor": 10000)");
  Dataset d = Data({{"u1", "A", 1},
                    {"u2", "A", 2},
                    {"u1", "D", 50},
                    {"u2", "D", 30},
                    {"u1", "POP", 1000000},
                    {"u2", "POP", 300000}});
  IndexResult r = RunEd(fw, d, NoTreat());
  EXPECT_DOUBLE_EQ(r.raw["D"][r.UnitIndex("u1")], 0.5);
  EXPECT_DOUBLE_EQ(r.raw["D"][r.UnitIndex("u2")], 1.0);
  EXPECT_DOUBLE_EQ(r.Score("D", "u2"), 100);
  Dataset d2 = Data(
      {{"u1", "A", 1}, {"u2", "A", 2}, {"u1", "D", 50}, {"u2", "D", 30}, {"u1", "POP", 1000000}});
  IndexResult r2 = RunEd(fw, d2, NoTreat());
  EXPECT_EQ(CountNotes(r2, NoteKind::kDenominatorMissing), 1);
}

TEST(Editions, PooledMinMaxComparesOverTimeAndRelativeScores) {
  Framework fw = Toy();
  Dataset d = Data({{"u1", "A", 10}, {"u2", "A", 20}, {"u1", "D", 1}, {"u2", "D", 2}}, 2023);
  for (auto o : Data({{"u1", "A", 30}, {"u2", "A", 40}, {"u1", "D", 3}, {"u2", "D", 4}}, 2024)
                    .observations) {
    d.observations.push_back(o);
  }
  MethodOptions o = NoTreat();
  IndexResult e24 = RunEd(fw, d, o, 2024);
  EXPECT_DOUBLE_EQ(e24.Score("A", "u1"), 0);  // within the edition
  o.pooled_minmax = true;
  IndexResult p24 = RunEd(fw, d, o, 2024);
  IndexResult p23 = RunEd(fw, d, o, 2023);
  EXPECT_NEAR(p24.Score("A", "u1"), 100.0 * 20 / 30, 1e-12);
  EXPECT_DOUBLE_EQ(p23.Score("A", "u1"), 0);
  EXPECT_DOUBLE_EQ(p24.Score("A", "u2"), 100);
  // Relative to the 2023 mean = 100.
  auto rel = RelativeScores(p24, p23, "X", "");
  ASSERT_TRUE(rel.ok());
  double mean23 = (p23.Score("X", "u1") + p23.Score("X", "u2")) / 2;
  EXPECT_NEAR((*rel)[p24.UnitIndex("u2")], 100 * p24.Score("X", "u2") / mean23, 1e-9);
  auto rel_u = RelativeScores(p23, p23, "X", "u2");
  ASSERT_TRUE(rel_u.ok());
  EXPECT_DOUBLE_EQ((*rel_u)[p23.UnitIndex("u2")], 100);
  EXPECT_FALSE(RelativeScores(p23, p23, "X", "u1").ok());  // u1 scores 0 in 2023
}

TEST(Efficiency, OutputOverInput) {
  auto fw = ParseFramework(R"({"format": "stio-framework/1", "code": "E",
    "nodes": [{"code": "T"}, {"code": "IN", "parent": "T"}, {"code": "OUT", "parent": "T"}],
    "indicators": [{"code": "i", "parent": "IN"}, {"code": "o", "parent": "OUT"}],
    "efficiency": {"numerator": "OUT", "denominator": "IN"}})");
  ASSERT_TRUE(fw.ok()) << fw.status().ToString();
  Dataset d = Data(
      {{"a", "i", 0}, {"b", "i", 2}, {"c", "i", 4}, {"a", "o", 0}, {"b", "o", 3}, {"c", "o", 4}});
  IndexResult r = RunEd(*fw, d, NoTreat());
  EXPECT_TRUE(std::isnan(r.efficiency[r.UnitIndex("a")]));  // input 0
  EXPECT_DOUBLE_EQ(r.efficiency[r.UnitIndex("b")], 1.5);
  EXPECT_DOUBLE_EQ(r.efficiency[r.UnitIndex("c")], 1.0);
  EXPECT_EQ(r.efficiency_ranks[r.UnitIndex("b")], 1);
}

TEST(Dataset, BadInputNamesTheRow) {
  Framework fw = Toy("{}", R"(, "denominator": "POP")");
  auto check = [&](Dataset d) { return CheckDataset(fw, d).message(); };
  EXPECT_THAT(check(Data({{"u1", "Z", 1}})), testing::HasSubstr("row 1: unknown indicator \"Z\""));
  EXPECT_THAT(check(Data({{"u1", "A", 1}, {"u1", "A", 2}})),
              testing::HasSubstr("row 2: duplicate"));
  EXPECT_THAT(check(Data({{"u1", "POP", -5}})), testing::HasSubstr("must be positive"));
  EXPECT_THAT(check(Data({{"u1", "A", kNoValue}})), testing::HasSubstr("not a finite number"));
  Dataset d = Data({{"u9", "A", 1}});
  d.units = {"u1"};
  EXPECT_THAT(check(d), testing::HasSubstr("unknown unit \"u9\""));
}

TEST(Profile, StrengthsAndWeaknessesAgainstTheOverallRank) {
  Framework fw = Toy();
  // G1 (A, B, C): 100, 40, 30, 20, 10, 0; G2 (D): 20, 40, 60, 80, 100, 0.
  // X: u1 60, u2 40, u3 45, u4 50, u5 55, u6 0 -> ranks 1, 5, 4, 3, 2, 6.
  const double abc[] = {10, 4, 3, 2, 1, 0};
  const double d[] = {1, 2, 3, 4, 5, 0};
  std::vector<std::tuple<std::string, std::string, double>> rows;
  for (int u = 0; u < 6; ++u) {
    std::string unit = "u" + std::to_string(u + 1);
    for (const char* i : {"A", "B", "C"}) rows.push_back({unit, i, abc[u]});
    rows.push_back({unit, "D", d[u]});
  }
  IndexResult r = RunEd(fw, Data(rows), NoTreat());
  ASSERT_EQ(r.Rank("X", "u1"), 1);
  ASSERT_EQ(r.Rank("X", "u5"), 2);
  Profile p = StrengthsAndWeaknesses(fw, r, "u1", 2);
  EXPECT_TRUE(p.strengths.empty());
  ASSERT_EQ(p.weaknesses.size(), 1u);
  EXPECT_EQ(p.weaknesses[0].indicator, "D");
  EXPECT_EQ(p.weaknesses[0].indicator_rank, 5);
  Profile q = StrengthsAndWeaknesses(fw, r, "u5", 1);
  ASSERT_EQ(q.strengths.size(), 1u);
  EXPECT_EQ(q.strengths[0].indicator, "D");
  EXPECT_EQ(q.weaknesses.size(), 3u);  // A, B, C at rank 5
  EXPECT_TRUE(StrengthsAndWeaknesses(fw, r, "nobody", 1).strengths.empty());
}

// Property: min-max, z-score and rank scores do not change when an indicator is rescaled by
// a positive affine map (units of measure), and flip with the direction.
TEST(Property, NormalisationIsInvariantToUnitsOfMeasure) {
  Framework fw = Toy();
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> val(-50, 50);
  for (auto norm : {Normalisation::kMinMax, Normalisation::kZScore, Normalisation::kRank}) {
    Dataset a, b;
    for (int u = 0; u < 9; ++u) {
      std::string unit = "u" + std::to_string(u);
      double x = val(rng), y = val(rng);
      a.observations.push_back({unit, "A", 2024, x, "", 0});
      b.observations.push_back({unit, "A", 2024, 1000 * x + 7, "", 0});
      a.observations.push_back({unit, "D", 2024, y, "", 0});
      b.observations.push_back({unit, "D", 2024, y, "", 0});
    }
    MethodOptions o = NoTreat();
    o.normalisation = norm;
    IndexResult ra = RunEd(fw, a, o), rb = RunEd(fw, b, o);
    for (const auto& unit : ra.units) {
      EXPECT_NEAR(ra.Score("A", unit), rb.Score("A", unit), 1e-9) << unit;
      EXPECT_NEAR(ra.Score("X", unit), rb.Score("X", unit), 1e-9) << unit;
    }
  }
}

// Property: with outlier treatment off, raising a unit's value on a positive indicator never
// lowers its own score, and arithmetic scores stay within [0, 100].
TEST(Property, MonotoneAndBounded) {
  Framework fw = Toy();
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> val(0, 100);
  for (int trial = 0; trial < 30; ++trial) {
    Dataset d;
    for (int u = 0; u < 8; ++u) {
      for (const char* i : {"A", "B", "C", "D"}) {
        if (val(rng) < 10) continue;  // some missing values
        d.observations.push_back({"u" + std::to_string(u), i, 2024, val(rng), "", 0});
      }
    }
    MethodOptions o = NoTreat();
    auto p = Prepare(fw, d);
    ASSERT_TRUE(p.ok());
    auto base = Compute(fw, *p, 2024, o);
    ASSERT_TRUE(base.ok());
    for (const auto& [code, s] : base->scores) {
      for (double x : s) {
        if (HasValue(x)) {
          EXPECT_TRUE(x >= -1e-9 && x <= 100 + 1e-9) << code << " " << x;
        }
      }
    }
    const std::string unit = "u" + std::to_string(trial % 8);
    double a = p->Get(unit, "A", 2024);
    if (!HasValue(a)) continue;
    PreparedData q = *p;
    q.Set(unit, "A", 2024, a + val(rng));
    auto after = Compute(fw, q, 2024, o);
    ASSERT_TRUE(after.ok());
    if (HasValue(base->Score("X", unit))) {
      EXPECT_GE(after->Score("X", unit) + 1e-9, base->Score("X", unit));
    }
  }
}

}  // namespace
}  // namespace stio::analytics
