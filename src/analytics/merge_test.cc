#include "analytics/merge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "analytics/data_io.h"

namespace stio::analytics {
namespace {

using testing::HasSubstr;

Framework Fw() {
  auto fw = ParseFramework(R"({"format": "stio-framework/1", "code": "M", "merge_weight": "POP",
    "denominators": [{"code": "POP"}],
    "nodes": [{"code": "T"}, {"code": "P", "parent": "T"}],
    "indicators": [{"code": "rate", "parent": "P", "denominator": "POP", "factor": 10000},
                   {"code": "score", "parent": "P"},
                   {"code": "count", "parent": "P", "merge": "sum"}]})");
  EXPECT_TRUE(fw.ok()) << fw.status().ToString();
  return *fw;
}

double Value(const Dataset& d, const std::string& unit, const std::string& code, int year) {
  for (const auto& o : d.observations) {
    if (o.unit == unit && o.indicator == code && o.year == year) return o.value;
  }
  return kNoValue;
}

TEST(MergeUnits, SumsNumeratorsAndWeightsScores) {
  Framework fw = Fw();
  Dataset d;
  d.observations = {
      {"a", "rate", 2024, 30},   {"a", "POP", 2024, 100000}, {"a", "score", 2024, 60},
      {"a", "count", 2024, 2},   {"b", "rate", 2024, 10},    {"b", "POP", 2024, 300000},
      {"b", "score", 2024, 40},  {"b", "count", 2024, 5},    {"c", "rate", 2024, 7},
      {"c", "POP", 2024, 70000}, {"c", "score", 2024, 50},   {"c", "count", 2024, 1},
      {"a", "score", 2025, 99}};
  auto m = MergeUnits(fw, d, {{"a", "N"}, {"b", "N"}, {"c", "c"}}, 2025);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_DOUBLE_EQ(Value(m->data, "N", "rate", 2024), 40);
  EXPECT_DOUBLE_EQ(Value(m->data, "N", "POP", 2024), 400000);
  EXPECT_DOUBLE_EQ(Value(m->data, "N", "score", 2024), (60 * 1 + 40 * 3) / 4.0);
  EXPECT_DOUBLE_EQ(Value(m->data, "N", "count", 2024), 7);
  EXPECT_DOUBLE_EQ(Value(m->data, "c", "score", 2024), 50);
  EXPECT_DOUBLE_EQ(Value(m->data, "a", "score", 2025), 99);  // at or after before_year: kept
  EXPECT_TRUE(m->report.empty());
  // The merged rate is recomputed from summed numerators and denominators: 40 / 400000 * 1e4.
  auto r = Compute(fw, m->data, 2024);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->raw["rate"][r->UnitIndex("N")], 1.0);
  for (const auto& o : m->data.observations) {
    if (o.unit == "N") {
      EXPECT_THAT(o.source, HasSubstr("merged from a b"));
    }
  }
}

TEST(MergeUnits, MissingPartsAreReportedNotPartiallySummed) {
  Framework fw = Fw();
  Dataset d;
  d.observations = {{"a", "count", 2024, 2}, {"a", "score", 2024, 60}, {"b", "score", 2024, 40}};
  auto m = MergeUnits(fw, d, {{"a", "N"}, {"b", "N"}});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(std::isnan(Value(m->data, "N", "count", 2024)));
  EXPECT_DOUBLE_EQ(Value(m->data, "N", "score", 2024), 50);  // no POP: plain mean, reported
  ASSERT_EQ(m->report.size(), 2u);
  EXPECT_THAT(m->report[0], HasSubstr("N 2024 count: left missing, no value for old unit(s) b"));
  EXPECT_THAT(m->report[1], HasSubstr("plain mean of 2 old units (no POP"));
  Dataset bad;
  bad.observations = {{"z", "score", 2024, 1, "", 17}};
  auto e = MergeUnits(fw, bad, {{"a", "N"}});
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.status().message(), HasSubstr("line 17: unit \"z\" has no new code"));
}

TEST(MergeUnits, ShippedProvinceMappingHas63OldAnd34NewUnits) {
  const char* dir = std::getenv("STIO_SOURCE_DIR");
  auto text = ReadFile(std::string(dir ? dir : STIO_SOURCE_DIR) +
                       "/data/admin-units/provinces_pre2025.csv");
  ASSERT_TRUE(text.ok());
  auto m = ParseUnitMapping(*text);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->size(), 63u);
  std::set<std::string> fresh;
  for (const auto& [o, n] : *m) fresh.insert(n);
  EXPECT_EQ(fresh.size(), 34u);
  EXPECT_FALSE(ParseUnitMapping("a,b\n1,2\n").ok());
  EXPECT_THAT(ParseUnitMapping("old_code,new_code\n1,2\n1,3\n").status().message(),
              HasSubstr("line 3: unit \"1\" mapped twice"));
}

}  // namespace
}  // namespace stio::analytics
