#include "analytics/index_tool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace stio::analytics {
namespace {

using testing::HasSubstr;

std::string Src(const std::string& rel) {
  const char* dir = std::getenv("STIO_SOURCE_DIR");
  return std::string(dir ? dir : STIO_SOURCE_DIR) + "/" + rel;
}

class IndexToolTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("stio_index_tool_" + std::to_string(getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunIndexCommand(args, out_, err_);
  }
  // Four provinces, the PII framework, indicators of three pillars.
  std::string PiiValues(const std::string& extra = "") {
    std::string csv = "unit_code,indicator_code,year,value,source\n";
    const char* units[] = {"01", "79", "38", "46"};
    double base[] = {9, 8, 4, 6};
    for (int u = 0; u < 4; ++u) {
      for (const char* ind : {"1.1.1", "1.1.2", "1.2.1", "2.1.1", "6.1.1", "7.1.1"}) {
        csv += std::string(units[u]) + "," + ind + ",2024," + std::to_string(base[u] + u * 0.5) +
               ",test\n";
      }
      csv += std::string(units[u]) + ",POP,2024," + std::to_string(1000000 * (u + 1)) + ",NSO\n";
    }
    return Write("values.csv", csv + extra);
  }

  std::filesystem::path dir_;
  std::ostringstream out_, err_;
};

TEST_F(IndexToolTest, HelpAndUsage) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("compute"));
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(Run({"compute", "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("--framework F --values V.csv"));
  EXPECT_EQ(Run({"whatif", "--help"}), 0);
  EXPECT_EQ(Run({"robustness", "--help"}), 0);
  EXPECT_EQ(Run({"frobnicate"}), 2);
  EXPECT_EQ(Run({"compute", "--bogus", "1"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("unknown option --bogus"));
  EXPECT_EQ(Run({"compute", "--values", "x.csv"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--framework is required"));
}

TEST_F(IndexToolTest, ComputeHdiPrintsAndWritesFiles) {
  std::string fw = Src("data/frameworks/hdi.json");
  std::string values = Src("data/frameworks/hdi_inputs.csv");
  ASSERT_EQ(Run({"compute", "--framework", fw, "--values", values, "--edition", "2019"}), 0)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("1\tNOR\t0.957\t"));
  std::string json_path = (dir_ / "r.json").string();
  ASSERT_EQ(Run({"compute", "--framework", fw, "--values", values, "--out", json_path}), 0)
      << err_.str();
  std::ifstream in(json_path);
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["edition"], 2019);  // latest by default
  EXPECT_EQ(j["units"][0]["unit"], "NOR");
  EXPECT_NEAR(j["units"][0]["scores"]["HDI"].get<double>(), 0.957, 0.0005);
  std::string csv_path = (dir_ / "r.csv").string();
  ASSERT_EQ(Run({"compute", "--framework", fw, "--values", values, "--out", csv_path}), 0);
  std::ifstream csv(csv_path);
  std::string header;
  std::getline(csv, header);
  EXPECT_THAT(header, HasSubstr("edition,unit_code,level,code,score,rank,included"));
  ASSERT_EQ(Run({"compute", "--framework", fw, "--values", values, "--relative-to", "NOR",
                 "--reference-year", "2018"}),
            0)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\trelative\n"));
  // 100 * 0.95704 / 0.95422
  EXPECT_THAT(out_.str(), HasSubstr("\t100.30\n"));
  ASSERT_EQ(Run({"compute", "--framework", fw, "--values", values, "--unit", "VNM"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("index\tHDI\t0.704\t2\t"));
  EXPECT_THAT(out_.str(), HasSubstr("indicator\tGNIPC\t0.651\t2\t"));
  ASSERT_EQ(
      Run({"compute", "--framework", fw, "--values", values, "--unit", "VNM", "--format", "json"}),
      0);
  auto profile = nlohmann::json::parse(out_.str());
  EXPECT_EQ(profile["nodes"][0]["code"], "HDI");
  EXPECT_EQ(profile["nodes"][0]["rank"], 2);
  EXPECT_TRUE(profile["weaknesses"].is_array());
  EXPECT_EQ(profile["values"][3]["indicator"], "GNIPC");
  EXPECT_EQ(profile["values"][3]["raw"], 7433);
  EXPECT_EQ(profile["values"][3]["source"], "UNDP HDR 2020 Table 1");
  EXPECT_EQ(Run({"compute", "--framework", fw, "--values", values, "--relative-to", "XYZ"}), 1);
  EXPECT_EQ(Run({"compute", "--framework", fw, "--values", values, "--out", "r.txt"}), 2);
  // History: every edition.
  ASSERT_EQ(Run({"compute", "--framework", fw, "--values", values, "--edition", "all"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("edition 2018 of HDI"));
  EXPECT_THAT(out_.str(), HasSubstr("edition 2019 of HDI"));
  std::string all_csv = (dir_ / "all.csv").string();
  ASSERT_EQ(
      Run({"compute", "--framework", fw, "--values", values, "--edition", "all", "--out", all_csv}),
      0);
  std::ifstream all(all_csv);
  std::string line;
  int headers = 0, rows_2018 = 0;
  while (std::getline(all, line)) {
    headers += line.rfind("edition,", 0) == 0;
    rows_2018 += line.rfind("2018,", 0) == 0;
  }
  EXPECT_EQ(headers, 1);
  EXPECT_GT(rows_2018, 0);
  std::string all_json = (dir_ / "all.json").string();
  ASSERT_EQ(Run({"compute", "--framework", fw, "--values", values, "--edition", "all", "--out",
                 all_json}),
            0);
  std::ifstream aj(all_json);
  auto arr = nlohmann::json::parse(aj);
  ASSERT_EQ(arr.size(), 2u);
  EXPECT_EQ(arr[0]["edition"], 2018);
  EXPECT_EQ(Run({"compute", "--framework", fw, "--values", values, "--edition", "1990"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("no values for edition 1990"));
}

TEST_F(IndexToolTest, BadValuesNameTheRow) {
  std::string fw = Src("data/frameworks/pii.json");
  struct Case {
    std::string extra, message;
  } cases[] = {
      {"01,9.9.9,2024,1,x\n", "line 30: unknown indicator \"9.9.9\""},
      {"01,1.1.1,2024,3,x\n", "line 30: duplicate value for unit \"01\", indicator \"1.1.1\""},
      {"01,POP,2023,-4,x\n", "line 30: denominator \"POP\" must be positive"},
      {"01,1.1.1,2023,abc,x\n", "line 30: value \"abc\" is not a number"},
      {"01,1.1.1,2023,\"1,5\",x\n", "line 30: value \"1,5\" is not a number"},
      {"01,1.1.1,20x3,1,x\n", "line 30: year \"20x3\" is not a year"},
      {"01,6.1.1,2023,-3,x\n",
       "line 30: value -3 of indicator \"6.1.1\" for unit \"01\" is "
       "outside its valid range [0, inf] (wrong sign or unit?)"},
      {"01,5.1.1,2023,250,x\n", "valid range [0, 100]"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Run({"compute", "--framework", fw, "--values", PiiValues(c.extra)}), 1) << c.extra;
    EXPECT_THAT(err_.str(), HasSubstr(c.message)) << c.extra;
  }
  std::string no_col = Write("nocol.csv", "unit_code,indicator_code,value\n01,1.1.1,3\n");
  EXPECT_EQ(Run({"compute", "--framework", fw, "--values", no_col}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("lacks column \"year\""));
  std::string bad_fw = Write("fw.json", R"({"format": "stio-framework/1", "nodes": [{"code":
    "R"}, {"code": "P", "parent": "R"}], "indicators": [{"code": "i", "parent": "X"}]})");
  EXPECT_EQ(Run({"compute", "--framework", bad_fw, "--values", no_col}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("\"i\" has unknown parent \"X\""));
}

TEST_F(IndexToolTest, ComputePiiWhatIfAndGain) {
  std::string fw = Src("data/frameworks/pii.json");
  std::string values = PiiValues();
  ASSERT_EQ(Run({"compute", "--framework", fw, "--values", values}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("rank\tunit\tPII\tIN\tOUT\tefficiency"));
  EXPECT_THAT(out_.str(), HasSubstr("1\t01\t"));
  ASSERT_EQ(Run({"whatif", "--framework", fw, "--values", values, "--unit", "38", "--set",
                 "1.1.1=9.9", "--set", "6.1.1=40"}),
            0)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("what-if for 38"));
  EXPECT_THAT(out_.str(), HasSubstr("1.1.1\t0.00\t4\t100.00\t1"));
  ASSERT_EQ(Run({"whatif", "--framework", fw, "--values", values, "--unit", "38", "--gain", "1"}),
            0)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("target reached: rank 3"));
  ASSERT_EQ(Run({"whatif", "--framework", fw, "--values", values, "--unit", "38", "--set",
                 "1.1.1=9.9", "--gain", "1", "--format", "json"}),
            0)
      << err_.str();
  auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["whatif"]["unit"], "38");
  EXPECT_EQ(j["whatif"]["nodes"][0]["code"], "PII");
  EXPECT_TRUE(j["gain_plan"]["reached"].get<bool>());
  EXPECT_EQ(Run({"whatif", "--framework", fw, "--values", values, "--unit", "38", "--gain", "1",
                 "--format", "xml"}),
            2);
  EXPECT_EQ(Run({"whatif", "--framework", fw, "--values", values, "--unit", "99", "--gain", "1"}),
            1);
  EXPECT_THAT(err_.str(), HasSubstr("unknown unit \"99\""));
  EXPECT_EQ(
      Run({"whatif", "--framework", fw, "--values", values, "--unit", "38", "--set", "1.1.1"}), 2);
  EXPECT_EQ(
      Run({"whatif", "--framework", fw, "--values", values, "--unit", "38", "--set", "nope=1"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("unknown indicator \"nope\""));
  EXPECT_EQ(
      Run({"whatif", "--framework", fw, "--values", values, "--unit", "38", "--set", "1.1.1=50"}),
      1);  // PCI sub-indices lie in [0, 10]
  EXPECT_THAT(err_.str(), HasSubstr("outside its valid range"));
}

TEST_F(IndexToolTest, MergeMapReexpressesOnTheNewMap) {
  std::string fw = Src("data/frameworks/pii.json");
  std::string map = Src("data/admin-units/provinces_pre2025.csv");
  ASSERT_EQ(Run({"compute", "--framework", fw, "--values", PiiValues(), "--merge-map", map}), 0)
      << err_.str();
  // New 79 = old 79 + 74 + 77: only 79 has data, so its values are left missing and reported.
  EXPECT_THAT(out_.str(), HasSubstr("merge: 79 2024 1.1.1: left missing, no value for old unit(s) "
                                    "74, 77"));
  EXPECT_THAT(out_.str(), HasSubstr("1\t01\t"));
  EXPECT_EQ(Run({"compute", "--framework", fw, "--values", PiiValues(), "--merge-map",
                 Src("data/frameworks/pii.json")}),
            1);
}

TEST_F(IndexToolTest, RobustnessIsReproducible) {
  std::string fw = Src("data/frameworks/pii.json");
  std::string values = PiiValues();
  ASSERT_EQ(
      Run({"robustness", "--framework", fw, "--values", values, "--runs", "50", "--seed", "9"}), 0)
      << err_.str();
  std::string first = out_.str();
  EXPECT_THAT(first, HasSubstr("50 runs, seed 9"));
  ASSERT_EQ(
      Run({"robustness", "--framework", fw, "--values", values, "--runs", "50", "--seed", "9"}), 0);
  EXPECT_EQ(out_.str(), first);
  EXPECT_EQ(Run({"robustness", "--framework", fw, "--values", values, "--runs", "0"}), 2);
  EXPECT_EQ(Run({"robustness", "--framework", fw, "--values", values, "--edition", "all"}), 2);
  ASSERT_EQ(Run({"robustness", "--framework", fw, "--values", values, "--runs", "20", "--format",
                 "json"}),
            0);
  auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["runs"], 20);
  ASSERT_EQ(
      Run({"robustness", "--framework", fw, "--values", values, "--runs", "20", "--aggregations",
           "arithmetic", "--normalisations", "minmax,rank", "--spread", "0"}),
      0)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("normalisation\t"));
  EXPECT_EQ(Run({"robustness", "--framework", fw, "--values", values, "--normalisations",
                 "minmax,softmax"}),
            2);
  EXPECT_EQ(j["units"].size(), 4u);
}

}  // namespace
}  // namespace stio::analytics
