#include "analytics/simulate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace stio::analytics {
namespace {

// Two pillars of two indicators each; 10 units with seeded random values.
Framework Fw() {
  auto fw = ParseFramework(R"({"format": "stio-framework/1", "code": "S",
    "method": {"outliers": {"enabled": false}, "coverage": {"unit_min_share": 0.5}},
    "denominators": [{"code": "POP"}],
    "nodes": [{"code": "T"}, {"code": "P1", "parent": "T"}, {"code": "P2", "parent": "T"}],
    "indicators": [{"code": "a", "parent": "P1"}, {"code": "b", "parent": "P1", "weight": 2},
                   {"code": "c", "parent": "P2", "denominator": "POP", "factor": 1000},
                   {"code": "d", "parent": "P2", "direction": -1}]})");
  EXPECT_TRUE(fw.ok()) << fw.status().ToString();
  return *fw;
}

PreparedData Data(const Framework& fw, uint64_t seed = 3) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> v(1, 100);
  Dataset d;
  for (int u = 0; u < 10; ++u) {
    std::string unit = "u" + std::to_string(u);
    for (const char* i : {"a", "b", "c", "d"}) d.observations.push_back({unit, i, 2024, v(rng)});
    d.observations.push_back({unit, "POP", 2024, 1000 * v(rng)});
  }
  auto p = Prepare(fw, d);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return *p;
}

TEST(WhatIf, NoChangeEqualsBase) {
  Framework fw = Fw();
  PreparedData data = Data(fw);
  auto base = Compute(fw, data, 2024, fw.method);
  ASSERT_TRUE(base.ok());
  auto same = WhatIf(fw, data, 2024, fw.method, "u3", {});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->scores, base->scores);
  EXPECT_EQ(same->ranks, base->ranks);
  // Setting a value to what it already is changes nothing either.
  auto same2 = WhatIf(fw, data, 2024, fw.method, "u3", {{"a", data.Get("u3", "a", 2024)}});
  ASSERT_TRUE(same2.ok());
  EXPECT_EQ(same2->scores, base->scores);
}

TEST(WhatIf, EqualsRecomputingTheChangedData) {
  Framework fw = Fw();
  PreparedData data = Data(fw);
  auto w = WhatIf(fw, data, 2024, fw.method, "u5", {{"a", 1000}, {"d", 0.5}});
  ASSERT_TRUE(w.ok());
  PreparedData changed = data;
  changed.Set("u5", "a", 2024, 1000);
  changed.Set("u5", "d", 2024, 0.5);
  auto full = Compute(fw, changed, 2024, fw.method);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(w->scores, full->scores);
  EXPECT_EQ(changed.Source("u5", "a", 2024), "what-if");
  EXPECT_EQ(data.Source("u5", "a", 2024), "");  // the original is untouched
  EXPECT_DOUBLE_EQ(w->Score("a", "u5"), 100);
  EXPECT_DOUBLE_EQ(w->Score("d", "u5"), 100);
}

TEST(WhatIf, BadChangesAreNamed) {
  Framework fw = Fw();
  PreparedData data = Data(fw);
  auto r = WhatIf(fw, data, 2024, fw.method, "nowhere", {{"a", 1}});
  EXPECT_THAT(r.status().message(), testing::HasSubstr("unknown unit \"nowhere\""));
  r = WhatIf(fw, data, 2024, fw.method, "u1", {{"zz", 1}});
  EXPECT_THAT(r.status().message(), testing::HasSubstr("unknown indicator \"zz\""));
  r = WhatIf(fw, data, 2024, fw.method, "u1", {{"POP", -1}});
  EXPECT_THAT(r.status().message(), testing::HasSubstr("must be positive"));
}

TEST(GainPlaces, GreedyPlanReachesTargetAndIsConsistent) {
  Framework fw = Fw();
  PreparedData data = Data(fw);
  auto base = Compute(fw, data, 2024, fw.method);
  ASSERT_TRUE(base.ok());
  // The unit ranked last.
  std::string last;
  for (const auto& u : base->units) {
    if (base->Rank("T", u) == 10) last = u;
  }
  ASSERT_FALSE(last.empty());
  auto plan = GainPlaces(fw, data, 2024, fw.method, last, 3);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->rank_before, 10);
  EXPECT_EQ(plan->target_rank, 7);
  EXPECT_TRUE(plan->reached);
  EXPECT_LE(plan->rank_after, 7);
  ASSERT_FALSE(plan->steps.empty());
  double cost = 0;
  for (const auto& s : plan->steps) {
    EXPECT_GT(s.cost, 0);
    cost += s.cost;
  }
  EXPECT_NEAR(cost, plan->total_cost, 1e-12);
  // Applying the plan with WhatIf gives the plan's final rank and score.
  std::vector<ValueChange> changes;
  for (const auto& s : plan->steps) changes.push_back({s.indicator, s.to});
  auto check = WhatIf(fw, data, 2024, fw.method, last, changes);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->Rank("T", last), plan->rank_after);
  EXPECT_NEAR(check->Score("T", last), plan->score_after, 1e-9);
  EXPECT_FALSE(GainPlaces(fw, data, 2024, fw.method, last, 0).ok());
}

TEST(Robustness, ReproducibleWithASeed) {
  Framework fw = Fw();
  PreparedData data = Data(fw);
  RobustnessOptions ro;
  ro.runs = 200;
  ro.seed = 42;
  auto a = Robustness(fw, data, 2024, fw.method, ro);
  auto b = Robustness(fw, data, 2024, fw.method, ro);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(a->units.size(), 10u);
  bool any_width = false;
  for (size_t i = 0; i < a->units.size(); ++i) {
    const auto& x = a->units[i];
    const auto& y = b->units[i];
    EXPECT_EQ(x.unit, y.unit);
    EXPECT_EQ(x.median_rank, y.median_rank);
    EXPECT_EQ(x.p5_rank, y.p5_rank);
    EXPECT_EQ(x.p95_rank, y.p95_rank);
    EXPECT_LE(x.p5_rank, x.median_rank);
    EXPECT_LE(x.median_rank, x.p95_rank);
    any_width |= x.p95_rank > x.p5_rank;
  }
  EXPECT_TRUE(any_width);
  EXPECT_EQ(a->indicators.size(), 4u);
  for (size_t i = 1; i < a->indicators.size(); ++i) {
    EXPECT_GE(a->indicators[i - 1].mean_abs_shift, a->indicators[i].mean_abs_shift);
  }
}

TEST(Robustness, FirstOrderIndicesFindTheFactorThatMatters) {
  Framework fw = Fw();
  PreparedData data = Data(fw);
  RobustnessOptions ro;
  ro.runs = 300;
  ro.indicator_sensitivity = false;
  ro.weight_spread = 0;  // only the aggregation varies: it explains all the rank variance
  auto a = Robustness(fw, data, 2024, fw.method, ro);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->factors.size(), 1u);
  EXPECT_EQ(a->factors[0].factor, "aggregation");
  EXPECT_NEAR(a->factors[0].first_order, 1.0, 1e-9);
  ro.weight_spread = 0.5;
  ro.aggregations = {Aggregation::kArithmetic};
  auto w = Robustness(fw, data, 2024, fw.method, ro);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->factors.size(), 6u);  // weights of P1, P2, a, b, c, d
  for (const auto& f : w->factors) {
    EXPECT_TRUE(f.first_order >= 0 && f.first_order <= 1) << f.factor;
    EXPECT_EQ(f.factor.rfind("weight:", 0), 0u);
  }
}

TEST(Robustness, NoPerturbationGivesTheNominalRank) {
  Framework fw = Fw();
  PreparedData data = Data(fw);
  RobustnessOptions ro;
  ro.runs = 20;
  ro.weight_spread = 0;
  ro.aggregations = {Aggregation::kArithmetic};
  ro.indicator_sensitivity = false;
  auto a = Robustness(fw, data, 2024, fw.method, ro);
  ASSERT_TRUE(a.ok());
  for (const auto& u : a->units) {
    EXPECT_EQ(u.p5_rank, u.nominal_rank) << u.unit;
    EXPECT_EQ(u.p95_rank, u.nominal_rank) << u.unit;
    EXPECT_EQ(u.median_rank, u.nominal_rank) << u.unit;
  }
  EXPECT_TRUE(a->factors.empty());  // nothing varied
  ro.runs = 0;
  EXPECT_FALSE(Robustness(fw, data, 2024, fw.method, ro).ok());
}

}  // namespace
}  // namespace stio::analytics
