#include "search/index.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "text/analyzer.h"

namespace stio::search {
namespace {

Document Doc(std::string id, std::string title, std::string body,
             std::vector<std::pair<std::string, std::string>> attrs = {}) {
  Document d;
  d.id = std::move(id);
  d.fields = {{"title", std::move(title)}, {"body", std::move(body)}};
  d.attributes = std::move(attrs);
  return d;
}

std::vector<std::string> Ids(const SearchResult& r) {
  std::vector<std::string> out;
  for (const Hit& h : r.hits) out.push_back(h.id);
  return out;
}

// A ranked query as the pruning tests run it: any word may match (the mode where MaxScore runs),
// top k, no suggestion.
Query RankedQuery(std::string text, size_t k) {
  Query q;
  q.text = std::move(text);
  q.mode = MatchMode::kAny;
  q.k = k;
  q.suggest = false;
  return q;
}

// Runs q pruned (MaxScore) and exhaustively (a facet forces the exhaustive path) and checks that
// both rank the same documents with the same scores; *hits gets how many there were. Call it
// through ASSERT_NO_FATAL_FAILURE.
void ExpectPrunedEqualsExhaustive(const Index& index, Query q, size_t* hits = nullptr) {
  auto pruned = index.Search(q);
  q.facets = {"g"};
  auto full = index.Search(q);
  ASSERT_TRUE(pruned.ok() && full.ok()) << q.text;
  ASSERT_EQ(pruned->hits.size(), full->hits.size()) << q.text;
  for (size_t i = 0; i < pruned->hits.size(); ++i) {
    EXPECT_EQ(pruned->hits[i].id, full->hits[i].id) << q.text << " rank " << i;
    EXPECT_NEAR(pruned->hits[i].score, full->hits[i].score, 1e-9) << q.text << " rank " << i;
  }
  if (hits != nullptr) *hits = pruned->hits.size();
}

class IndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    IndexOptions o;
    o.stopwords = "và\ncủa\ncác\nlà\n";
    index_ = std::move(Index::Create(o)).value();
    Add(Doc("bio", "Viện Công nghệ sinh học", "Nghiên cứu công nghệ sinh học và vi sinh vật.",
            {{"type", "organization"}, {"province", "Hà Nội"}}));
    Add(Doc("it", "Trung tâm công nghệ thông tin", "Phát triển phần mềm, 5G và IoT cho tỉnh.",
            {{"type", "organization"}, {"province", "Thanh Hóa"}}));
    Add(Doc("expert", "Nguyễn Văn An", "Chuyên gia sinh học phân tử, công nghệ gen.",
            {{"type", "person"}, {"province", "Hà Nội"}}));
    Add(Doc("hoa", "Sở Khoa học Khánh Hoà", "Quản lý khoa học và công nghệ tỉnh Khánh Hoà.",
            {{"type", "organization"}, {"province", "Khánh Hòa"}}));
    Add(Doc("cong", "Cầu cong", "Một cây cầu cong bắc qua sông, không phải công nghệ.",
            {{"type", "place"}}));
  }
  void Add(const Document& d) { ASSERT_TRUE(index_->Upsert(d).ok()); }
  SearchResult Find(const std::string& text, MatchMode mode = MatchMode::kAll) {
    Query q;
    q.text = text;
    q.mode = mode;
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : SearchResult{};
  }
  std::unique_ptr<Index> index_;
};

TEST_F(IndexTest, FindsWithAndWithoutDiacritics) {
  auto with = Find("công nghệ sinh học");
  ASSERT_FALSE(with.hits.empty());
  EXPECT_EQ(with.hits[0].id, "bio");
  auto without = Find("cong nghe sinh hoc");
  ASSERT_FALSE(without.hits.empty());
  EXPECT_EQ(without.hits[0].id, "bio");
  EXPECT_EQ(without.suggestion, "công nghệ sinh học");
  EXPECT_EQ(with.suggestion, "");
}

TEST_F(IndexTest, ExactFormsRankAboveFoldedOnly) {
  // "cong" (curved) and "công" (technology) fold alike; typed with marks, "công" must win.
  auto r = Find("công", MatchMode::kAny);
  ASSERT_GE(r.hits.size(), 2u);
  EXPECT_NE(r.hits[0].id, "cong");
  auto plain = Find("cầu cong");
  ASSERT_FALSE(plain.hits.empty());
  EXPECT_EQ(plain.hits[0].id, "cong");
}

TEST_F(IndexTest, ToneStylesAndNfdMatch) {
  EXPECT_EQ(Ids(Find("khánh hòa")), std::vector<std::string>{"hoa"});
  EXPECT_EQ(Ids(Find("Kha\u0301nh Hoa\u0300")), std::vector<std::string>{"hoa"});
}

TEST_F(IndexTest, AllModeRequiresEveryWordButNotStopwords) {
  EXPECT_EQ(Find("sinh học phân tử").total, 1u);
  EXPECT_EQ(Find("sinh học và phân tử").total, 1u);  // "và" is a stopword: optional
  EXPECT_EQ(Find("sinh học xyzzy").total, 0u);
  EXPECT_GE(Find("sinh học xyzzy", MatchMode::kAny).hits.size(), 2u);
}

TEST_F(IndexTest, QuotedPhrasesAndCodes) {
  auto r = Find("\"sinh học phân tử\"");
  EXPECT_EQ(Ids(r), std::vector<std::string>{"expert"});
  EXPECT_EQ(Find("\"học sinh\"").total, 0u);
  EXPECT_EQ(Ids(Find("5G IoT")), std::vector<std::string>{"it"});
  EXPECT_EQ(Find("\"unbalanced quote").total, 0u);  // taken literally, no crash
  EXPECT_EQ(Find("công nghệ \"sinh").hits.size(), 2u);
}

TEST_F(IndexTest, FiltersAndFacets) {
  Query q;
  q.text = "công nghệ";
  q.filters = {{"type", "organization"}};
  q.facets = {"province", "type"};
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 3u);
  ASSERT_EQ(r->facets.size(), 2u);
  EXPECT_EQ(r->facets[0].first, "province");
  EXPECT_EQ(r->facets[0].second.size(), 3u);
  EXPECT_EQ(r->facets[1].second[0].value, "organization");
  EXPECT_EQ(r->facets[1].second[0].count, 3u);
  q.filters = {{"type", "organization"}, {"province", "Hà Nội"}, {"province", "Khánh Hòa"}};
  r = index_->Search(q);
  EXPECT_EQ(r->total, 2u);
  q.filters = {{"type", "nothing"}};
  EXPECT_EQ(index_->Search(q)->total, 0u);
}

TEST_F(IndexTest, EmptyQueryListsFilteredDocuments) {
  Query q;
  q.filters = {{"province", "Hà Nội"}};
  q.facets = {"type"};
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"bio", "expert"}));
}

TEST_F(IndexTest, RangeFilters) {
  Document d = Doc("dated", "Công nghệ nano", "");
  d.numbers = {{"year", 2020}};
  Add(d);
  Query q;
  q.text = "công nghệ";
  q.ranges = {{"year", 2019, 2021}};
  EXPECT_EQ(Ids(index_->Search(q).value()), std::vector<std::string>{"dated"});
  q.ranges = {{"year", 2021, 2030}};
  EXPECT_EQ(index_->Search(q)->total, 0u);
}

TEST_F(IndexTest, SnippetsHighlightAndEscape) {
  Add(Doc("html", "<b>Công nghệ</b> & \"xanh\"", "Năng lượng tái tạo."));
  Query q;
  q.text = "cong nghe";
  q.snippets = true;
  q.filters = {};
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  bool seen = false;
  for (const Hit& h : r->hits) {
    if (h.id != "html") continue;
    seen = true;
    ASSERT_FALSE(h.snippets.empty());
    EXPECT_EQ(h.snippets[0].second,
              "&lt;b&gt;<mark>Công</mark> <mark>nghệ</mark>&lt;/b&gt; &amp; &quot;xanh&quot;");
  }
  EXPECT_TRUE(seen);
  // Long bodies are cut around the best window.
  std::string body(3000, ' ');
  body += "đích đến là công nghệ sinh học";
  body = std::string(2000, 'x') + " " + body + " " + std::string(2000, 'y');
  Add(Doc("long", "Dài", body));
  q.text = "đích đến";
  r = index_->Search(q);
  ASSERT_EQ(r->hits.size(), 1u);
  ASSERT_EQ(r->hits[0].snippets.size(), 2u);
  const std::string& s = r->hits[0].snippets[1].second;
  EXPECT_NE(s.find("<mark>đích</mark> <mark>đến</mark>"), std::string::npos) << s;
  EXPECT_LT(s.size(), 400u);
}

TEST_F(IndexTest, UpdatesAndDeletesAreVisible) {
  EXPECT_EQ(Find("vi sinh vật").total, 1u);
  Add(Doc("bio", "Viện Công nghệ sinh học", "Đổi mới sáng tạo."));
  EXPECT_EQ(Find("vi sinh vật").total, 0u);
  EXPECT_EQ(Find("sáng tạo").total, 1u);
  EXPECT_TRUE(index_->Delete("bio"));
  EXPECT_FALSE(index_->Delete("bio"));
  EXPECT_EQ(Find("sáng tạo").total, 0u);
  EXPECT_EQ(index_->size(), 4u);
}

TEST_F(IndexTest, PrefixTyposAndExplain) {
  Query q;
  q.text = "công ngh";
  q.prefix_last = true;
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r->total, 3u);
  q.text = "khanh hoaf";  // one typo in a long... too short: 4 letters: no typo tolerance
  q.prefix_last = false;
  EXPECT_EQ(index_->Search(q)->total, 0u);
  q.text = "nghieen cuu";  // one extra letter in a long syllable
  r = index_->Search(q);
  EXPECT_EQ(Ids(*r), std::vector<std::string>{"bio"});
  q.text = "vi sinh";
  q.explain = true;
  r = index_->Search(q);
  ASSERT_FALSE(r->hits.empty());
  EXPECT_NE(r->hits[0].explanation.find("'~vi sinh'"), std::string::npos) << r->hits[0].explanation;
}

TEST_F(IndexTest, BadInputNeverCrashes) {
  for (std::string text :
       {std::string(""), std::string("\"\"\"\""), std::string("\xFF\xFE\x80"),
        std::string("\x01\x02 \x1F"), std::string("- : / ."), std::string(100000, 'a')}) {
    Query q;
    q.text = text;
    q.snippets = true;
    q.explain = true;
    (void)index_->Search(q);
  }
  std::string big;
  for (int i = 0; i < 10000; ++i) big += "công nghệ ";
  Query q;
  q.text = big.substr(0, 60000);
  EXPECT_TRUE(index_->Search(q).ok());
  Query bad;
  bad.k = 1000000;
  EXPECT_FALSE(index_->Search(bad).ok());
  EXPECT_FALSE(index_->Upsert(Document{}).ok());
  Document unknown = Doc("x", "a", "b");
  unknown.fields.emplace_back("nope", "c");
  EXPECT_FALSE(index_->Upsert(unknown).ok());
}

// The suggestion weighs forms by how often they occur alone and in adjacent pairs: "ca" and "phe"
// are each more frequent than "cà" and "phê", but only the pair "cà phê" occurs, so it wins.
TEST(IndexSuggestTest, AdjacentPairsOutweighSingleForms) {
  auto index = std::move(Index::Create({})).value();
  int id = 0;
  auto add = [&](const std::string& body, int times) {
    for (int i = 0; i < times; ++i) {
      ASSERT_TRUE(index->Upsert(Doc("d" + std::to_string(id++), "", body)).ok());
    }
  };
  add("ca sĩ hát", 5);
  add("phe phái", 3);
  add("cà phê sữa", 2);
  Query q;
  q.text = "ca phe";
  auto r = index->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->suggestion, "cà phê");
  q.text = "ca si";  // "ca" stays unmarked: it is the usual form and "ca sĩ" is a pair
  EXPECT_EQ(index->Search(q)->suggestion, "ca sĩ");
  q.text = "pha le";  // nothing known: no suggestion
  EXPECT_EQ(index->Search(q)->suggestion, "");
}

TEST(IndexOptionsTest, Validation) {
  IndexOptions o;
  o.fields = {};
  EXPECT_FALSE(Index::Create(o).ok());
  o.fields = {{"a", 1, 0.5}, {"a", 1, 0.5}};
  EXPECT_FALSE(Index::Create(o).ok());
  o.fields = {{"a", -1, 0.5}};
  EXPECT_FALSE(Index::Create(o).ok());
}

// A synthetic corpus large enough for several blocks per list: MaxScore (kAny, pruned) must return
// exactly the same ranking as exhaustive evaluation (kAny with facets forces the exhaustive path).
TEST(IndexPruningTest, MaxScoreEqualsExhaustive) {
  const std::vector<std::string> words = {"công", "nghệ", "sinh", "học",  "cong", "nghe",  "thông",
                                          "tin",  "hòa",  "bình", "khoa", "phát", "triển", "mới"};
  std::mt19937 rng(42);
  auto index = std::move(Index::Create({})).value();
  for (int i = 0; i < 3000; ++i) {
    std::string title, body;
    for (int w = 0; w < 3; ++w) title += words[rng() % words.size()] + " ";
    const int len = 5 + rng() % 40;
    for (int w = 0; w < len; ++w) body += words[rng() % (w % 3 ? words.size() : 4)] + " ";
    Document d = Doc("d" + std::to_string(i), title, body, {{"g", std::to_string(i % 3)}});
    ASSERT_TRUE(index->Upsert(d).ok());
    if (i % 7 == 0) (void)index->Delete("d" + std::to_string(i / 2));
  }
  for (const char* text : {"công nghệ", "sinh học mới", "cong nghe", "hòa bình phát triển",
                           "khoa học công nghệ thông tin"}) {
    ASSERT_NO_FATAL_FAILURE(ExpectPrunedEqualsExhaustive(*index, RankedQuery(text, 20)));
  }
}

// Windowed block-max MaxScore: more documents than one window (4096), skewed term frequencies (so
// that some windows can be skipped and some clauses become non-essential), deletes and a filter.
// The pruned top-k must equal the exhaustive one.
TEST(IndexPruningTest, WindowedMaxScoreEqualsExhaustiveAcrossWindows) {
  const std::vector<std::string> words = {"công", "nghệ", "sinh", "học",   "thông", "tin", "hòa",
                                          "bình", "khoa", "phát", "triển", "mới",   "vệ",  "tinh",
                                          "lúa",  "gạo",  "xuất", "khẩu",  "cà",    "phê"};
  std::mt19937 rng(7);
  auto index = std::move(Index::Create({})).value();
  for (int i = 0; i < 11000; ++i) {
    std::string body;
    const int len = 3 + rng() % 30;
    for (int w = 0; w < len; ++w) {
      // Zipf-like: low indexes are common, high ones rare (and clustered in a few id ranges).
      size_t k = rng() % 4 ? rng() % 6 : rng() % words.size();
      if (k >= 16 && (i / 1000) % 3 != 0) k = rng() % 6;
      body += words[k] + " ";
    }
    ASSERT_TRUE(
        index->Upsert(Doc("d" + std::to_string(i), "", body, {{"g", std::to_string(i % 4)}})).ok());
    if (i % 11 == 0) (void)index->Delete("d" + std::to_string(i / 3));
  }
  for (const char* text : {"công nghệ", "lúa gạo xuất khẩu", "cà phê sinh học", "ve tinh",
                           "khoa học công nghệ thông tin phát triển mới", "phê"}) {
    for (bool filtered : {false, true}) {
      Query q = RankedQuery(text, 10);
      if (filtered) q.filters = {{"g", "1"}, {"g", "2"}};
      ASSERT_NO_FATAL_FAILURE(ExpectPrunedEqualsExhaustive(*index, q));
    }
  }
}

// Many random queries over a larger generated corpus whose words cluster in some id ranges (so
// that, in a window, a non-essential clause has blocks in some 64-document words and none in
// others, and the per-word bounds differ from the window's), with marked and unmarked forms,
// long and short lists, deletes, a filter, and k and offset beyond 10: the pruned ranking must
// equal the exhaustive one, score for score.
TEST(IndexPruningTest, MaxScoreEqualsExhaustiveForRandomQueries) {
  const std::vector<std::string> words = {
      "công",  "nghệ", "sinh", "học",  "thông", "tin",  "hòa",  "bình", "khoa", "phát",
      "triển", "mới",  "vệ",   "tinh", "lúa",   "gạo",  "xuất", "khẩu", "cà",   "phê",
      "của",   "và",   "các",  "cống", "cộng",  "nghe", "hoa",  "binh", "tỉnh", "sở"};
  std::mt19937 rng(2026);
  auto index = std::move(Index::Create({})).value();
  const int n = 14000;
  for (int i = 0; i < n; ++i) {
    std::string title, body;
    // Words 0-9 appear everywhere; 10-19 mostly in their own ranges of ids; 20-22 (stopwords)
    // in most documents; the rest (other tone forms) rarely.
    const int len = 2 + rng() % 40;
    for (int w = 0; w < len; ++w) {
      size_t k;
      const unsigned r = rng() % 10;
      if (r < 4) {
        k = rng() % 10;
      } else if (r < 7) {
        k = 20 + rng() % 3;
      } else if (r < 9) {
        k = 10 + (i / 700 + rng() % 2) % 10;
      } else {
        k = rng() % words.size();
      }
      body += words[k] + " ";
    }
    if (rng() % 4 == 0) title = words[rng() % words.size()] + " " + words[rng() % 10];
    ASSERT_TRUE(
        index->Upsert(Doc("d" + std::to_string(i), title, body, {{"g", std::to_string(i % 5)}}))
            .ok());
    if (i % 13 == 0) (void)index->Delete("d" + std::to_string(rng() % (i + 1)));
  }
  for (int trial = 0; trial < 60; ++trial) {
    std::string text;
    const int len = 1 + rng() % 12;
    for (int w = 0; w < len; ++w) text += words[rng() % words.size()] + " ";
    // An unmatched quote is taken literally.
    Query q = RankedQuery(trial % 3 == 0 ? text + "\"" : text, trial % 4 == 0 ? 50 : 10);
    q.offset = trial % 5 == 0 ? 7 : 0;
    if (trial % 6 == 0) q.filters = {{"g", "1"}, {"g", "3"}};
    ASSERT_NO_FATAL_FAILURE(ExpectPrunedEqualsExhaustive(*index, q));
  }
}

// MaxScore estimates each list's postings in a window from its blocks, the tail included, to
// choose which clauses to leave non-essential; a list whose count is a multiple of the block size
// has an empty tail that ends where its last block does (skipped explicitly: the estimate must not
// divide by its empty range; these queries reach that case ~40 times, counted in a scratch build).
// Many clauses (more than std::sort sorts by insertion), some with exactly 128 or 256 postings
// ending inside later windows, others dense: the pruned top k must equal the exhaustive one.
TEST(IndexPruningTest, MaxScoreEqualsExhaustiveWithListsOfWholeBlocks) {
  auto index = std::move(Index::Create({})).value();
  const std::vector<std::string> dense = {"công", "nghệ", "sinh", "học", "phát",  "triển",
                                          "khoa", "mới",  "tỉnh", "sở",  "thông", "tin"};
  const std::vector<std::string> whole = {"lúa", "gạo", "cà", "phê", "vệ", "tinh", "xuất", "khẩu"};
  std::mt19937 rng(128);
  const int n = 12000;
  for (int i = 0; i < n; ++i) {
    std::string body;
    for (int w = 0; w < 6; ++w) body += dense[rng() % dense.size()] + " ";
    // Word k appears in exactly 128 * (1 + k % 2) documents, spread over the first 2,000 + 1,000k.
    for (size_t k = 0; k < whole.size(); ++k) {
      const int count = 128 * static_cast<int>(1 + k % 2);
      const int span = 2000 + 1000 * static_cast<int>(k);
      if (i < span && i % (span / count) == 0 && i / (span / count) < count) body += whole[k] + " ";
    }
    ASSERT_TRUE(index->Upsert(Doc("d" + std::to_string(i), "", body)).ok());
  }
  std::string all_words;
  for (const auto& w : whole) all_words += w + " ";
  for (const auto& w : dense) all_words += w + " ";
  for (const std::string& text : std::vector<std::string>{
           all_words, "lúa gạo cà phê vệ tinh xuất khẩu công nghệ sinh học", "gạo " + all_words}) {
    ASSERT_NO_FATAL_FAILURE(ExpectPrunedEqualsExhaustive(*index, RankedQuery(text, 10)));
  }
}

// MaxScore scores the clauses of one posting list as one clause (a word typed twice, words with
// one folded form: "cống", "cộng" and "công" all have the clause "cong"), and skips the
// per-candidate test when nothing is deleted or filtered out. On an index with no deletes, queries
// made of repeated words and of tone variants must rank as the exhaustive path does, which scores
// every clause on its own; and repeating a word must weigh it more (the clauses' weights add up).
TEST(IndexPruningTest, MaxScoreEqualsExhaustiveForRepeatedWordsWithoutDeletes) {
  const std::vector<std::string> words = {"công", "cống", "cộng", "cong", "nghệ", "nghe", "sinh",
                                          "học",  "lúa",  "gạo",  "xuất", "khẩu", "cà",   "phê",
                                          "của",  "và",   "tỉnh", "sở",   "hoà",  "bình"};
  std::mt19937 rng(99);
  auto index = std::move(Index::Create({})).value();
  for (int i = 0; i < 9000; ++i) {
    std::string body;
    const int len = 2 + rng() % 30;
    for (int w = 0; w < len; ++w) {
      // Common words everywhere, the rest clustered in ranges of ids.
      const size_t k = rng() % 3 ? rng() % 8 : 8 + (i / 900 + rng() % 3) % 12;
      body += words[k] + " ";
    }
    ASSERT_TRUE(index->Upsert(Doc("d" + std::to_string(i), "", body, {{"g", "x"}})).ok());
  }
  ASSERT_EQ(index->dead(), 0u);
  std::vector<std::string> texts = {"công công nghệ",         "cống cộng công",
                                    "cong cong cong",         "lúa gạo lúa gạo xuất khẩu",
                                    "cà phê cà phê của tỉnh", "sở hoà bình công nghệ công"};
  for (int trial = 0; trial < 40; ++trial) {
    std::string text;
    const int len = 2 + rng() % 10;
    for (int w = 0; w < len; ++w)
      text += words[rng() % 6] + " " + words[rng() % words.size()] + " ";
    texts.push_back(text);
  }
  for (const std::string& text : texts) {
    const Query q = RankedQuery(text, 10);
    size_t hits = 0;
    ASSERT_NO_FATAL_FAILURE(ExpectPrunedEqualsExhaustive(*index, q, &hits));
    ASSERT_GT(hits, 0u) << text;
  }
  // "lúa" typed twice: its clauses count twice. A document with "lúa" and without "gạo" gains
  // exactly the "lúa" clauses' score once more (no pair "lua lua" in it to blur the comparison).
  Query once, twice;
  once.text = "lúa gạo";
  twice.text = "lúa gạo lúa";
  once.k = twice.k = 9000;
  once.mode = twice.mode = MatchMode::kAny;
  once.suggest = twice.suggest = false;
  auto r1 = index->Search(once), r2 = index->Search(twice),
       rl = index->Search(RankedQuery("lúa", 9000));
  ASSERT_TRUE(r1.ok() && r2.ok() && rl.ok());
  std::map<std::string, double> s1, s2, sl;
  for (const Hit& h : r1->hits) s1[h.id] = h.score;
  for (const Hit& h : r2->hits) s2[h.id] = h.score;
  for (const Hit& h : rl->hits) sl[h.id] = h.score;
  size_t checked = 0;
  for (const auto& [id, score] : sl) {
    if (!s1.count(id) || !s2.count(id) || std::abs(s1[id] - score) > 1e-9) continue;  // has "gạo"
    EXPECT_NEAR(s2[id], s1[id] + score, 1e-9) << id;
    ++checked;
  }
  EXPECT_GT(checked, 100u);
}

TEST(IndexPersistenceTest, SaveLoadRoundTripAndCorruption) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("stio_index_test_" + std::to_string(getpid())))
          .string();
  IndexOptions o;
  o.stopwords = "và\n";
  auto index = std::move(Index::Create(o)).value();
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(index
                    ->Upsert(Doc("d" + std::to_string(i), "Công nghệ " + std::to_string(i),
                                 i % 2 ? "sinh học và môi trường" : "thông tin",
                                 {{"odd", i % 2 ? "yes" : "no"}}))
                    .ok());
  }
  ASSERT_TRUE(index->Delete("d5"));
  ASSERT_TRUE(index->Save(dir).ok());
  auto loaded = Index::Load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->size(), 299u);
  Query q;
  q.text = "sinh hoc";
  q.filters = {{"odd", "yes"}};
  q.snippets = true;
  auto a = index->Search(q);
  auto b = (*loaded)->Search(q);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->total, 149u);
  EXPECT_EQ(Ids(*a), Ids(*b));
  EXPECT_EQ(a->hits[0].snippets, b->hits[0].snippets);
  EXPECT_EQ(a->suggestion, b->suggestion);
  // The loaded index keeps accepting writes.
  ASSERT_TRUE((*loaded)->Upsert(Doc("new", "Robot", "")).ok());
  q = Query{};
  q.text = "robot";
  EXPECT_EQ((*loaded)->Search(q)->total, 1u);
  // Flip a byte: a clean DataLoss error, never a crash.
  const std::string path = dir + "/index.stio";
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (size_t pos : {size_t{3}, bytes.size() / 2, bytes.size() - 2}) {
    std::string bad = bytes;
    bad[pos] ^= 0x5A;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
    auto r = Index::Load(dir);
    EXPECT_FALSE(r.ok());
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(0, 10);
  EXPECT_FALSE(Index::Load(dir).ok());
  EXPECT_EQ(Index::Load(dir + "/missing").status().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

// Format 2 stores syllables and terms as ids; everything derived from the term names (prefix
// completion, typo candidates, diacritics variants, explanations) must survive Save/Load, and files
// of earlier versions must be refused cleanly.
TEST(IndexPersistenceTest, DerivedVocabularySurvivesLoadAndOldVersionsAreRefused) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("stio_index_v2_" + std::to_string(getpid())))
          .string();
  auto index = std::move(Index::Create({})).value();
  ASSERT_TRUE(index->Upsert(Doc("a", "Công nghệ sinh học", "hòa bình, thuỷ lợi")).ok());
  ASSERT_TRUE(index->Upsert(Doc("b", "Cống nghe", "chuyển đổi số quốc gia")).ok());
  ASSERT_TRUE(index->Upsert(Doc("c", "", "công nghệ thông tin")).ok());
  ASSERT_TRUE(index->Save(dir).ok());
  auto loaded = Index::Load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  for (const char* text : {"côn", "cong nghe sinh hoc", "chuyen doii", "\"công nghệ\"", "hoà bình",
                           "thủy", "quoc gi"}) {
    Query q;
    q.text = text;
    q.prefix_last = true;
    q.explain = true;
    q.mode = MatchMode::kAny;
    auto a = index->Search(q);
    auto b = (*loaded)->Search(q);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_FALSE(a->hits.empty()) << text;
    EXPECT_EQ(Ids(*a), Ids(*b)) << text;
    EXPECT_EQ(a->suggestion, b->suggestion) << text;
    for (size_t i = 0; i < a->hits.size() && i < b->hits.size(); ++i) {
      EXPECT_EQ(a->hits[i].explanation, b->hits[i].explanation) << text;
      EXPECT_EQ(a->hits[i].score, b->hits[i].score) << text;
    }
  }
  Query q;
  q.text = "cong nghe sinh hoc";
  EXPECT_EQ((*loaded)->Search(q)->suggestion, "công nghệ sinh học");
  // Well-formed headers of earlier versions (valid checksum) are refused, not misread.
  for (char version : {'\x01', '\x02'}) {
    std::string v = std::string("STIOSRCH") + version;
    const auto crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(v.data()), static_cast<uInt>(v.size())));
    v.append(reinterpret_cast<const char*>(&crc), 4);
    std::ofstream(dir + "/index.stio", std::ios::binary | std::ios::trunc) << v;
    auto old = Index::Load(dir);
    ASSERT_FALSE(old.ok());
    EXPECT_EQ(old.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(old.status().message().find("unsupported version"), std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

// A save that cannot write (the disk is full: the temporary file is /dev/full) reports it and
// leaves the index saved before untouched.
TEST(IndexPersistenceTest, FailedSaveKeepsThePreviousFile) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("stio_index_full_" + std::to_string(getpid())))
          .string();
  auto index = std::move(Index::Create({})).value();
  ASSERT_TRUE(index->Upsert(Doc("a", "Công nghệ", "sinh học")).ok());
  ASSERT_TRUE(index->Save(dir).ok());
  std::string before;
  {
    std::ifstream in(dir + "/index.stio", std::ios::binary);
    before.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_TRUE(index->Upsert(Doc("b", "Lúa gạo", std::string(3 << 20, 'x'))).ok());
  std::filesystem::create_symlink("/dev/full", dir + "/index.stio.tmp");
  const Status st = index->Save(dir);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cannot write"), std::string::npos) << st.message();
  std::filesystem::remove(dir + "/index.stio.tmp");
  std::string after;
  {
    std::ifstream in(dir + "/index.stio", std::ios::binary);
    after.assign(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_EQ(after, before);
  auto loaded = Index::Load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->size(), 1u);
  std::filesystem::remove_all(dir);
}

// A damaged count (with a valid checksum) is refused before anything is sized by it.
TEST(IndexPersistenceTest, HugeExactPairCountIsRefusedNotAllocated) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("stio_index_pairs_" + std::to_string(getpid())))
          .string();
  auto index = std::move(Index::Create({})).value();
  ASSERT_TRUE(index->Upsert(Doc("a", "robot", "abc def")).ok());  // no marks: no exact pairs
  ASSERT_TRUE(index->Save(dir).ok());
  std::string bytes;
  {
    std::ifstream in(dir + "/index.stio", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // The file ends with the exact pair count (varint 0) and the crc32.
  ASSERT_GE(bytes.size(), 5u);
  ASSERT_EQ(bytes[bytes.size() - 5], '\0');
  std::string bad = bytes.substr(0, bytes.size() - 5) + "\xFF\xFF\xFF\xFF\x0F";
  const auto crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bad.data()), static_cast<uInt>(bad.size())));
  bad.append(reinterpret_cast<const char*>(&crc), 4);
  std::ofstream(dir + "/index.stio", std::ios::binary | std::ios::trunc) << bad;
  auto r = Index::Load(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("exact pair count"), std::string::npos)
      << r.status().message();
  std::filesystem::remove_all(dir);
}

// The same for the document and syllable counts: in a saved empty index the file ends with the
// four counts (documents, syllables, terms, exact pairs: varint 0 each) and the crc32; a huge
// document or syllable count with a valid crc32 is refused before anything is sized by it.
TEST(IndexPersistenceTest, HugeDocumentAndSyllableCountsAreRefusedNotAllocated) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("stio_index_counts_" + std::to_string(getpid())))
          .string();
  auto index = std::move(Index::Create({})).value();
  ASSERT_TRUE(index->Save(dir).ok());
  std::string bytes;
  {
    std::ifstream in(dir + "/index.stio", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GE(bytes.size(), 8u);
  ASSERT_EQ(bytes.substr(bytes.size() - 8, 4), std::string(4, '\0'));
  const std::string head = bytes.substr(0, bytes.size() - 8);
  const std::string huge = "\xFF\xFF\xFF\xFF\x0F";
  for (const auto& [body, what] :
       {std::pair{huge + std::string(3, '\0'), "document count"},
        std::pair{'\0' + huge + std::string(2, '\0'), "syllable count"}}) {
    std::string bad = head + body;
    const auto crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(bad.data()), static_cast<uInt>(bad.size())));
    bad.append(reinterpret_cast<const char*>(&crc), 4);
    std::ofstream(dir + "/index.stio", std::ios::binary | std::ios::trunc) << bad;
    auto r = Index::Load(dir);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status().message();
  }
  std::filesystem::remove_all(dir);
}

// The bytes of a saved index (every file of the directory, in name order).
std::string SavedBytes(const Index& index, const std::string& dir) {
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(index.Save(dir).ok());
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    out += f.filename().string() + "\n";
    out.append(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::remove_all(dir);
  return out;
}

TEST(IndexBulkTest, UpsertManyBuildsTheSameIndexAsUpsertOneByOne) {
  // Enough documents for the two-thread pipeline (several batches), with repeated ids (a later
  // one replaces an earlier one, also within one call), marked and unmarked forms of the same
  // syllables, NFD input, codes, attributes, numbers, and a document replaced from before.
  const std::vector<std::string> words = {"công", "cong", "nghệ", "nghe",     "sinh",     "học",
                                          "hoà",  "hòa",  "thuỷ", "COVID-19", "ISO 9001", "Đà",
                                          "da",   "Nẵng", "5G",   "e\xcc\x81"};
  std::mt19937 rng(11);
  std::vector<Document> docs;
  for (int i = 0; i < 700; ++i) {
    std::string title, body;
    for (int w = 0; w < 3; ++w) title += words[rng() % words.size()] + " ";
    for (int w = 0; w < 5 + static_cast<int>(rng() % 60); ++w)
      body += words[rng() % words.size()] + " ";
    Document d = Doc("d" + std::to_string(i % 520), title, body, {{"g", std::to_string(i % 3)}});
    d.numbers = {{"year", 2000 + i % 25}};
    docs.push_back(std::move(d));
  }
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("stio_bulk_test_" + std::to_string(getpid())))
          .string();
  IndexOptions o;
  o.stopwords = "và\ncủa\n";
  auto one = std::move(Index::Create(o)).value();
  ASSERT_TRUE(one->Upsert(Doc("d5", "cũ", "tài liệu cũ")).ok());
  for (const Document& d : docs) ASSERT_TRUE(one->Upsert(d).ok());
  for (size_t threads : {1, 2}) {
    auto many = std::move(Index::Create(o)).value();
    ASSERT_TRUE(many->Upsert(Doc("d5", "cũ", "tài liệu cũ")).ok());
    // In two calls, so that the second starts from an index with syllables already in it.
    ASSERT_TRUE(many->UpsertMany(std::span(docs).first(300), threads).ok());
    ASSERT_TRUE(many->UpsertMany(std::span(docs).subspan(300), threads).ok());
    EXPECT_EQ(many->size(), one->size());
    EXPECT_EQ(SavedBytes(*many, dir), SavedBytes(*one, dir)) << threads << " threads";
  }
}

// Over 100,000 distinct exact pairs in one call (450 marked syllables, 223,500 adjacent pairs
// drawn at random from 202,500 possible: about 135,000 distinct), counted by the analysing thread
// into the index's tables (both halves, their tables growing) while the other thread adds the
// documents: the index must still be the one Upsert builds one document at a time.
TEST(IndexBulkTest, UpsertManyCountsManyExactPairsAsOneByOne) {
  const std::vector<std::string> onsets = {"b", "c",  "d",  "đ", "g", "h",  "k",  "l", "m",
                                           "n", "ph", "qu", "s", "t", "th", "tr", "v", "x"};
  const std::vector<std::string> rimes = {"à", "á", "ả", "ã", "ạ", "ề", "ế", "ể", "ễ",
                                          "ệ", "ò", "ó", "ỏ", "õ", "ọ", "ù", "ú", "ủ",
                                          "ũ", "ụ", "ì", "í", "ỉ", "ĩ", "ị"};
  std::mt19937 rng(17);
  std::vector<Document> docs;
  for (int i = 0; i < 1500; ++i) {
    std::string body;
    for (int w = 0; w < 150; ++w)
      body += onsets[rng() % onsets.size()] + rimes[rng() % rimes.size()] + " ";
    docs.push_back(Doc("d" + std::to_string(i), "", body));
  }
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("stio_bulk_pairs_" + std::to_string(getpid())))
          .string();
  auto one = std::move(Index::Create({})).value();
  for (const Document& d : docs) ASSERT_TRUE(one->Upsert(d).ok());
  auto many = std::move(Index::Create({})).value();
  ASSERT_TRUE(many->UpsertMany(docs, 2).ok());
  EXPECT_EQ(SavedBytes(*many, dir), SavedBytes(*one, dir));
}

// The analysing thread keeps its own copy of the syllable dictionary from call to call; after
// Load it makes it from the loaded index. Documents added after a Save/Load must give the index
// that adding them all at once gives (same sids, terms, exact pair counts: same bytes).
TEST(IndexBulkTest, UpsertManyAfterLoadContinuesTheSameIndex) {
  const std::vector<std::string> words = {"công", "cong", "nghệ", "nghe", "sinh", "học", "hoà",
                                          "hòa",  "thuỷ", "Đà",   "da",   "Nẵng", "5G",  "mới"};
  std::mt19937 rng(23);
  std::vector<Document> docs;
  for (int i = 0; i < 600; ++i) {
    std::string body;
    // Later documents bring syllables the first ones never had.
    for (int w = 0; w < 20; ++w) body += words[rng() % words.size()] + " ";
    if (i >= 300) body += "sáng tạo đổi mới " + std::to_string(i % 7);
    docs.push_back(Doc("d" + std::to_string(i % 450), "tiêu đề", body));
  }
  const std::string base =
      (std::filesystem::temp_directory_path() / ("stio_bulk_load_" + std::to_string(getpid())))
          .string();
  auto whole = std::move(Index::Create({})).value();
  ASSERT_TRUE(whole->UpsertMany(docs, 2).ok());
  auto first = std::move(Index::Create({})).value();
  ASSERT_TRUE(first->UpsertMany(std::span(docs).first(300), 2).ok());
  ASSERT_TRUE(first->Save(base + "/a").ok());
  auto loaded = std::move(Index::Load(base + "/a")).value();
  ASSERT_TRUE(loaded->UpsertMany(std::span(docs).subspan(300), 2).ok());
  EXPECT_EQ(SavedBytes(*loaded, base + "/b"), SavedBytes(*whole, base + "/c"));
  std::filesystem::remove_all(base);
}

TEST(IndexBulkTest, UpsertManyChecksEveryDocumentBeforeAddingAny) {
  auto index = std::move(Index::Create({})).value();
  std::vector<Document> docs;
  for (int i = 0; i < 300; ++i) docs.push_back(Doc("d" + std::to_string(i), "công nghệ", "x"));
  Document bad = Doc("bad", "a", "b");
  bad.fields.emplace_back("nope", "c");
  docs.push_back(bad);
  Status s = index->UpsertMany(docs);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  docs.back() = Doc("", "a", "b");
  EXPECT_EQ(index->UpsertMany(docs).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->size(), 0u);
  docs.pop_back();
  ASSERT_TRUE(index->UpsertMany(docs).ok());
  EXPECT_EQ(index->size(), 300u);
  ASSERT_TRUE(index->UpsertMany({}).ok());
}

TEST(IndexConcurrencyTest, ReadersWhileUpsertManyWrites) {
  auto index = std::move(Index::Create({})).value();
  std::vector<Document> docs;
  for (int i = 0; i < 3000; ++i) {
    docs.push_back(Doc("d" + std::to_string(i), "công nghệ " + std::to_string(i), "sinh học"));
  }
  std::atomic<bool> done{false};
  std::thread writer([&] {
    EXPECT_TRUE(index->UpsertMany(docs, 2).ok());
    done = true;
  });
  size_t last = 0;
  while (!done) {
    Query q;
    q.text = "cong nghe";
    q.k = 5;
    q.suggest = true;  // reads the exact pair counts the writer's analysing thread updates
    auto r = index->Search(q);
    ASSERT_TRUE(r.ok());
    EXPECT_GE(r->total, last);  // a growing prefix of the documents
    last = r->total;
  }
  writer.join();
  EXPECT_EQ(index->size(), 3000u);
}

// UpsertMany calls from two threads at once (with a search and a save going on): one runs after
// the other, and every document of both ends up in the index.
TEST(IndexConcurrencyTest, TwoUpsertManyCallsAtOnce) {
  auto index = std::move(Index::Create({})).value();
  std::vector<std::vector<Document>> sets(2);
  for (int t = 0; t < 2; ++t) {
    for (int i = 0; i < 1500; ++i) {
      sets[t].push_back(Doc("t" + std::to_string(t) + "-" + std::to_string(i),
                            t == 0 ? "công nghệ sinh học" : "đổi mới sáng tạo",
                            "tài liệu số " + std::to_string(i)));
    }
  }
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] { EXPECT_TRUE(index->UpsertMany(sets[t], 2).ok()); });
  }
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("stio_two_writers_" + std::to_string(getpid())))
          .string();
  Query q;
  q.text = "doi moi sang tao";
  q.suggest = true;
  ASSERT_TRUE(index->Search(q).ok());
  ASSERT_TRUE(index->Save(dir).ok());
  for (auto& w : writers) w.join();
  EXPECT_EQ(index->size(), 3000u);
  auto r = index->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 1500u);
  EXPECT_EQ(r->suggestion, "đổi mới sáng tạo");
  std::filesystem::remove_all(dir);
}

TEST(IndexConcurrencyTest, ReadersWhileOneWriterWrites) {
  auto index = std::move(Index::Create({})).value();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 400; ++i) {
      (void)index->Upsert(
          Doc("d" + std::to_string(i % 150), "công nghệ " + std::to_string(i), "sinh học"));
      if (i % 10 == 0) index->Delete("d" + std::to_string(i % 50));
    }
    done = true;
  });
  std::vector<std::thread> readers;
  std::atomic<int> searches{0};
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        Query q;
        q.text = "cong nghe";
        q.snippets = true;
        auto r = index->Search(q);
        ASSERT_TRUE(r.ok());
        for (const Hit& h : r->hits) ASSERT_FALSE(h.id.empty());
        ++searches;
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_LE(index->size(), 150u);
}

// The typo candidates of an unknown long syllable are the first kMaxTypoExpansions (8) distinct
// indexed syllables without marks at edit distance 1, in the order deletions, transpositions,
// substitutions, insertions: the same as the generator as first written (every candidate built
// as a new string, deduplicated in a std::set, looked up among the folded syllables), which is
// the reference here. Explain lists the clauses in that order.
TEST(IndexTypoTest, CandidatesAreTheFirstEightIndexedAtEditDistanceOneInOrder) {
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  auto reference = [&](const std::string& folded, const std::set<std::string>& vocab) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    auto consider = [&](const std::string& cand) {
      if (out.size() >= 8 || !seen.insert(cand).second) return;
      if (vocab.count(cand)) out.push_back(cand);
    };
    for (size_t i = 0; i < folded.size(); ++i) consider(folded.substr(0, i) + folded.substr(i + 1));
    for (size_t i = 0; i + 1 < folded.size(); ++i) {
      std::string t = folded;
      std::swap(t[i], t[i + 1]);
      consider(t);
    }
    for (size_t i = 0; i < folded.size(); ++i) {
      for (char c : alphabet) {
        std::string t = folded;
        t[i] = c;
        consider(t);
      }
    }
    for (size_t i = 0; i <= folded.size(); ++i) {
      for (char c : alphabet) consider(folded.substr(0, i) + c + folded.substr(i));
    }
    return out;
  };
  std::mt19937 rng(5);
  size_t checked = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const std::string word = trial % 2 ? "nghieng" : "truong";
    // Some of the word's neighbours (letters only, so that each stays one token), a marked
    // syllable whose folded form is one of them or not, and unrelated syllables.
    std::set<std::string> vocab = {"cong", "nghe"};
    std::string body = "công nghệ";
    const std::string letters = alphabet.substr(0, 26);
    for (int i = 0; i < 60; ++i) {
      std::string t = word;
      const size_t at = rng() % t.size();
      switch (rng() % 4) {
        case 0:
          t.erase(at, 1);
          break;
        case 1:
          if (at + 1 < t.size()) std::swap(t[at], t[at + 1]);
          break;
        case 2:
          t[at] = letters[rng() % 26];
          break;
        default:
          t.insert(t.begin() + static_cast<std::ptrdiff_t>(at), letters[rng() % 26]);
          break;
      }
      if (t == word || rng() % (1 + trial % 4) != 0) continue;
      vocab.insert(t);
      body += " " + t;
    }
    if (trial % 3 == 0) {
      body += " nghiêng";  // folds to "nghieng": for that word it is known, no typos
      vocab.insert("nghieng");
    }
    IndexOptions o;
    o.stopwords = "";
    auto index = std::move(Index::Create(o)).value();
    ASSERT_TRUE(index->Upsert(Doc("d", "", body)).ok());
    Query q;
    q.text = word;
    q.explain = true;
    auto r = index->Search(q);
    ASSERT_TRUE(r.ok());
    std::vector<std::string> got;
    if (!r->hits.empty()) {
      const std::string& e = r->hits[0].explanation;
      for (size_t p = e.find("'~"); p != std::string::npos; p = e.find("'~", p + 1)) {
        const size_t close = e.find('\'', p + 1);
        const std::string label = e.substr(p + 2, close - p - 2);
        const size_t typo = label.find(" (typo)");
        if (typo != std::string::npos) got.push_back(label.substr(0, typo));
      }
    }
    const std::vector<std::string> want =
        vocab.count(word) ? std::vector<std::string>{} : reference(word, vocab);
    EXPECT_EQ(got, want) << word << " in " << body;
    checked += want.size();
  }
  EXPECT_GT(checked, 40u);  // the cases held candidates, up to the limit of 8
}

}  // namespace
}  // namespace stio::search
