#include "analytics/framework.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>

namespace stio::analytics {
namespace {

using testing::HasSubstr;

std::string Fw(const std::string& nodes, const std::string& indicators,
               const std::string& extra = "") {
  return R"({"format": "stio-framework/1", "code": "T", )" + extra + R"("nodes": [)" + nodes +
         R"(], "indicators": [)" + indicators + "]}";
}

std::string Error(const std::string& json) {
  auto fw = ParseFramework(json);
  EXPECT_FALSE(fw.ok()) << json;
  return fw.ok() ? "" : fw.status().message();
}

const std::string kRoot = R"({"code": "R"}, {"code": "P", "parent": "R"})";
const std::string kInd = R"({"code": "i1", "parent": "P"})";

TEST(Framework, MinimalIsValid) {
  auto fw = ParseFramework(Fw(kRoot, kInd));
  ASSERT_TRUE(fw.ok()) << fw.status().ToString();
  EXPECT_EQ(fw->root, "R");
  EXPECT_EQ(fw->Indicators().size(), 1u);
  // post_order: children before parents.
  ASSERT_EQ(fw->post_order.size(), 2u);
  EXPECT_EQ(fw->nodes[fw->post_order[0]].code, "P");
}

TEST(Framework, ValidatorNamesTheCulprit) {
  EXPECT_THAT(Error("{"), HasSubstr("not valid JSON"));
  EXPECT_THAT(Error(R"({"format": "x"})"), HasSubstr("unknown framework format"));
  EXPECT_THAT(Error(Fw(kRoot, kInd + R"(, {"code": "i1", "parent": "P"})")),
              HasSubstr("duplicate code \"i1\""));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "Q"})")),
              HasSubstr("\"i1\" has unknown parent \"Q\""));
  EXPECT_THAT(Error(Fw(kRoot + R"(, {"code": "S"})", kInd)), HasSubstr("two roots"));
  EXPECT_THAT(
      Error(Fw(kRoot + R"(, {"code": "A", "parent": "B"}, {"code": "B", "parent": "A"})", kInd)),
      HasSubstr("cycle"));
  EXPECT_THAT(Error(Fw(R"({"code": "A", "parent": "A"})", R"({"code": "i", "parent": "A"})")),
              HasSubstr("no root"));
  EXPECT_THAT(Error(Fw(kRoot + R"(, {"code": "Empty", "parent": "R", "level": "pillar"})", kInd)),
              HasSubstr("\"Empty\" (pillar) has no children"));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "weight": 0})")),
              HasSubstr("weight of \"i1\" must be a positive number"));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "weight": -2})")),
              HasSubstr("weight of \"i1\""));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "weight": "heavy"})")),
              HasSubstr("\"weight\" must be a number"));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "weight": 0.6},
                                 {"code": "i2", "parent": "P", "weight": 0.3})",
                       R"("weights_sum_to": 1, )")),
              HasSubstr("weights of the children of \"P\" sum to 0.9, not 1"));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1"})")), HasSubstr("indicator \"i1\" has no parent"));
  EXPECT_THAT(Error(Fw(kRoot, kInd + R"(, {"code": "i2", "parent": "i1"})")),
              HasSubstr("which is an indicator"));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "direction": 2})")),
              HasSubstr("direction must be 1 or -1"));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "denominator": "POP"})")),
              HasSubstr("unknown denominator \"POP\""));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "goalposts": [5, 5]})")),
              HasSubstr("goalposts need min < max"));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "goalposts": [0, 5],
                                  "transform": "log"})")),
              HasSubstr("log transform needs goalposts > 0"));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "valid_range": [5, 1]})")),
              HasSubstr("valid_range needs min <= max"));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "valid_range": [0]})")),
              HasSubstr("valid_range must be"));
  EXPECT_THAT(Error(Fw(kRoot, R"({"code": "i1", "parent": "P", "transform": "sqrt"})")),
              HasSubstr("transform must be"));
  EXPECT_THAT(Error(Fw(kRoot, kInd, R"("method": {"normalization": "minmax"}, )")),
              HasSubstr("unknown option \"normalization\""));
  EXPECT_THAT(Error(Fw(kRoot, kInd, R"("method": {"normalisation": "softmax"}, )")),
              HasSubstr("unknown normalisation \"softmax\""));
  EXPECT_THAT(Error(Fw(kRoot, kInd, R"("method": {"coverage": {"unit_min_share": 2}}, )")),
              HasSubstr("coverage shares"));
  EXPECT_THAT(Error(Fw(kRoot, kInd, R"("efficiency": {"numerator": "P", "denominator": "i1"}, )")),
              HasSubstr("\"i1\", which is not a node"));
  EXPECT_THAT(Error(Fw(kRoot + R"(, {"code": "H", "parent": "R", "placeholder": true})",
                       kInd + R"(, {"code": "i2", "parent": "H"})")),
              HasSubstr("placeholder but has children"));
}

TEST(Framework, DeclaredLevelsCatchIndicatorsWithoutAPillar) {
  const std::string levels = R"("levels": ["index", "pillar", "indicator"], )";
  const std::string nodes =
      R"({"code": "R", "level": "index"}, {"code": "P", "parent": "R", "level": "pillar"})";
  auto ok = ParseFramework(Fw(nodes, kInd, levels));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_THAT(Error(Fw(nodes, kInd + R"(, {"code": "i2", "parent": "R"})", levels)),
              HasSubstr("\"i2\" (indicator) hangs on \"R\" (index); expected a parent at level "
                        "\"pillar\""));
  EXPECT_THAT(
      Error(Fw(nodes + R"(, {"code": "G", "parent": "P", "level": "grp", "placeholder": true})",
               kInd, levels)),
      HasSubstr("\"G\" has level \"grp\", which is not one of the declared levels"));
}

TEST(Framework, PlaceholderNodesMayBeEmpty) {
  auto fw =
      ParseFramework(Fw(kRoot + R"(, {"code": "H", "parent": "R", "placeholder": true})", kInd));
  ASSERT_TRUE(fw.ok()) << fw.status().ToString();
  EXPECT_TRUE(fw->Find("H")->placeholder);
}

std::string DataPath(const std::string& rel) {
  const char* dir = std::getenv("STIO_SOURCE_DIR");
  return std::string(dir ? dir : STIO_SOURCE_DIR) + "/" + rel;
}

TEST(ShippedFrameworks, PiiStructureAsPublished) {
  auto fw = LoadFramework(DataPath("data/frameworks/pii.json"));
  ASSERT_TRUE(fw.ok()) << fw.status().ToString();
  std::map<std::string, int> levels;
  std::set<std::string> input_pillars, output_pillars;
  for (const auto& n : fw->nodes) {
    ++levels[n.level];
    if (n.level == "pillar") (n.parent == "IN" ? input_pillars : output_pillars).insert(n.code);
    if (n.is_indicator) {
      EXPECT_FALSE(n.source.empty()) << n.code << " has no source";
    } else if (n.code != fw->root) {
      EXPECT_FALSE(n.weight_basis.empty()) << n.code << " does not say where its weight is from";
    }
  }
  EXPECT_EQ(levels["sub-index"], 2);
  EXPECT_EQ(levels["pillar"], 7);
  EXPECT_EQ(input_pillars.size(), 5u);
  EXPECT_EQ(output_pillars.size(), 2u);
  EXPECT_EQ(levels["group"], 18);
  EXPECT_LE(levels["indicator"], 52);
  EXPECT_EQ(fw->efficiency_numerator, "OUT");
  EXPECT_EQ(fw->efficiency_denominator, "IN");
  // Institutions: 2 groups and 7 indicators are published.
  int institutions = 0;
  for (int k : fw->children.at("P1")) {
    for (int i : fw->children.at(fw->nodes[k].code)) institutions += fw->nodes[i].is_indicator;
  }
  EXPECT_EQ(fw->children.at("P1").size(), 2u);
  EXPECT_EQ(institutions, 7);
}

// Hostile input: truncations and byte flips of a real framework give a framework or an error,
// never a crash or an exception.
TEST(Framework, MangledFilesNeverCrash) {
  std::ifstream in(DataPath("data/frameworks/pii.json"), std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(text.size(), 1000u);
  for (size_t n = 0; n < text.size(); n += 331) {
    EXPECT_NO_THROW({ auto r = ParseFramework(text.substr(0, n)); });
  }
  std::mt19937 rng(11);
  const std::string kBytes = "{}[]\",:0123456789-.eE truefalsnul\\";
  for (int i = 0; i < 80; ++i) {
    std::string t = text;
    for (int k = 0; k < 3; ++k) t[rng() % t.size()] = kBytes[rng() % kBytes.size()];
    EXPECT_NO_THROW({ auto r = ParseFramework(t); });
  }
}

TEST(ShippedFrameworks, HdiLoads) {
  auto fw = LoadFramework(DataPath("data/frameworks/hdi.json"));
  ASSERT_TRUE(fw.ok()) << fw.status().ToString();
  EXPECT_EQ(fw->Find("HDI")->aggregation, Aggregation::kGeometric);
  EXPECT_TRUE(fw->Find("GNIPC")->log_transform);
  EXPECT_EQ(fw->method.scale, 1);
}

}  // namespace
}  // namespace stio::analytics
