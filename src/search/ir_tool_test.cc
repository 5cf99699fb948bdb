#include "search/ir_tool.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace stio::search {
namespace {

class IrToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / ("stio_ir_test_" + std::to_string(getpid())))
               .string();
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << content;
  }
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunIrCommand(args, out_, err_);
  }
  std::string dir_;
  std::ostringstream out_, err_;
};

TEST_F(IrToolTest, IndexRunEvalEndToEndWithGzip) {
  const std::string corpus =
      "{\"_id\": \"d1\", \"title\": \"Công nghệ sinh học\", \"text\": \"Vi sinh vật và gen.\"}\n"
      "{\"_id\": \"d2\", \"title\": \"Thông tin\", \"text\": \"Mạng 5G và IoT.\"}\n"
      "{\"_id\": \"d 3 (x)\", \"title\": \"\", \"text\": \"Bóng đá Việt Nam thắng lớn.\"}\n";
  gzFile gz = gzopen((dir_ + "/corpus.jsonl.gz").c_str(), "wb");
  gzwrite(gz, corpus.data(), static_cast<unsigned>(corpus.size()));
  gzclose(gz);
  Write("queries.jsonl",
        "{\"_id\": \"q1\", \"text\": \"cong nghe sinh hoc\"}\n"
        "{\"_id\": \"q2\", \"text\": \"mạng 5G\"}\n"
        "{\"_id\": \"q3\", \"text\": \"bong da\"}\n");
  Write("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td 3 (x)\t1\n");
  ASSERT_EQ(Run({"index", "--corpus", dir_ + "/corpus.jsonl.gz", "--out", dir_ + "/idx"}), 0)
      << err_.str();
  EXPECT_NE(out_.str().find("indexed 3 documents"), std::string::npos);
  ASSERT_EQ(Run({"run", "--index", dir_ + "/idx", "--queries", dir_ + "/queries.jsonl", "--k", "10",
                 "--out", dir_ + "/run.trec"}),
            0)
      << err_.str();
  std::ifstream run(dir_ + "/run.trec");
  std::string first;
  std::getline(run, first);
  EXPECT_EQ(first.substr(0, 11), "q1 Q0 d1 1 ");
  ASSERT_EQ(Run({"eval", "--qrels", dir_ + "/qrels.tsv", "--run", dir_ + "/run.trec"}), 0)
      << err_.str();
  EXPECT_NE(out_.str().find("MRR@10\t1.0000"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("nDCG@10\t1.0000"), std::string::npos);
  EXPECT_NE(out_.str().find("Recall@100\t1.0000"), std::string::npos);
}

TEST_F(IrToolTest, MalformedCorpusLineNamesTheLine) {
  Write("bad.jsonl", "{\"_id\": \"a\", \"text\": \"x\"}\n{not json\n");
  EXPECT_EQ(Run({"index", "--corpus", dir_ + "/bad.jsonl", "--out", dir_ + "/idx"}), 1);
  EXPECT_NE(err_.str().find("bad.jsonl:2:"), std::string::npos) << err_.str();
  Write("noid.jsonl", "{\"text\": \"x\"}\n");
  EXPECT_EQ(Run({"index", "--corpus", dir_ + "/noid.jsonl", "--out", dir_ + "/idx"}), 1);
  EXPECT_NE(err_.str().find(":1: missing"), std::string::npos) << err_.str();
}

TEST_F(IrToolTest, HelpAndUsageErrors) {
  EXPECT_EQ(Run({"--help"}), 0);
  for (const char* cmd : {"index", "run", "eval"}) {
    EXPECT_EQ(Run({cmd, "--help"}), 0);
    EXPECT_NE(out_.str().find(std::string("stio ir ") + cmd), std::string::npos);
    EXPECT_EQ(Run({cmd}), 2);
  }
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(Run({"frobnicate"}), 2);
  EXPECT_EQ(Run({"run", "--bogus", "1"}), 2);
  EXPECT_EQ(Run({"run", "--index", dir_ + "/none", "--queries", "q", "--out", "r"}), 1);
}

TEST_F(IrToolTest, EvalComputesGradedMetrics) {
  Write("qrels.tsv", "query-id\tcorpus-id\tscore\nq\ta\t2\nq\tb\t1\nr\tc\t1\n");
  // q: b at rank 1, a at rank 3. r: c absent.
  Write("run", "q Q0 b 1 3 t\nq Q0 x 2 2 t\nq Q0 a 3 1 t\nr Q0 y 1 1 t\n");
  ASSERT_EQ(Run({"eval", "--qrels", dir_ + "/qrels.tsv", "--run", dir_ + "/run"}), 0);
  // MRR: (1 + 0) / 2. nDCG(q) = (1/1 + 2/2) / (2/1 + 1/log2(3)) = 2 / 2.6309 = 0.7602; r = 0.
  EXPECT_NE(out_.str().find("MRR@10\t0.5000"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("nDCG@10\t0.3801"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("Recall@100\t0.5000"), std::string::npos) << out_.str();
}

}  // namespace
}  // namespace stio::search
