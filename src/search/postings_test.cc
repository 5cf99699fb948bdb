#include "search/postings.h"
#include "search/term_dict.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace stio::search {
namespace {

TEST(PostingsTest, VarintRoundTripAndTruncation) {
  std::vector<uint8_t> b;
  for (uint32_t v : {0u, 1u, 127u, 128u, 300u, 0xFFFFFFFFu}) PutVarint(b, v);
  const uint8_t* p = b.data();
  for (uint32_t v : {0u, 1u, 127u, 128u, 300u, 0xFFFFFFFFu}) {
    uint32_t got;
    ASSERT_TRUE(GetVarint(p, b.data() + b.size(), got));
    EXPECT_EQ(got, v);
  }
  const uint8_t bad[] = {0x80, 0x80};
  const uint8_t* q = bad;
  uint32_t v;
  EXPECT_FALSE(GetVarint(q, bad + 2, v));
}

// Builds a list with `n` postings at random increasing docs and checks cursors against it.
TEST(PostingsTest, CursorMatchesReferenceAcrossBlocks) {
  std::mt19937 rng(7);
  PostingList pl;
  std::vector<uint32_t> docs;
  uint32_t d = 0;
  for (int i = 0; i < 1000; ++i) {
    d += 1 + rng() % 50;
    docs.push_back(d);
    Posting p;
    p.doc = d;
    p.tf[0] = static_cast<uint16_t>(1 + i % 3);
    p.tf[1] = static_cast<uint16_t>(i % 5);
    if (pl.Append(p, 2)) pl.SealTail(1.0f, {1, 1});
  }
  ASSERT_EQ(pl.num_blocks(), 1000 / kBlockSize);
  Cursor c(&pl, 2);
  for (size_t i = 0; i < docs.size(); ++i, c.Next()) {
    ASSERT_EQ(c.doc(), docs[i]);
    EXPECT_EQ(c.posting().tf[0], 1 + i % 3);
    EXPECT_EQ(c.posting().tf[1], i % 5);
  }
  EXPECT_EQ(c.doc(), Cursor::kEnd);
  for (int trial = 0; trial < 200; ++trial) {
    const uint32_t target = rng() % (d + 10);
    Cursor s(&pl, 2);
    s.NextGeq(target / 2);
    s.NextGeq(target);
    auto it = std::lower_bound(docs.begin(), docs.end(), target);
    EXPECT_EQ(s.doc(), it == docs.end() ? Cursor::kEnd : *it) << target;
  }
}

// How MakeMixedList draws a list: n postings on two fields; a delta is large (big_min + [0,
// big_span)) one time in big_one_in, else 1..small; of `kinds` equally likely cases one is a
// posting in both fields, one a large frequency, the rest the usual posting (one field, tf 1..8).
struct MixedListShape {
  int n;
  uint32_t big_one_in, small, big_min, big_span, kinds;
};

// Appends such a list to `pl` (blocks sealed as they fill) and the same postings to `want`.
void MakeMixedList(std::mt19937& rng, const MixedListShape& shape, PostingList& pl,
                   std::vector<Posting>& want) {
  uint32_t d = 0;
  for (int i = 0; i < shape.n; ++i) {
    d +=
        rng() % shape.big_one_in ? 1 + rng() % shape.small : shape.big_min + rng() % shape.big_span;
    Posting p;
    p.doc = d;
    switch (rng() % shape.kinds) {
      case 0:
        p.tf = {static_cast<uint16_t>(1 + rng() % 3), static_cast<uint16_t>(1 + rng() % 3)};
        break;
      case 1:
        p.tf[rng() % 2] = static_cast<uint16_t>(9 + rng() % 300);
        break;
      default:
        p.tf[rng() % 2] = static_cast<uint16_t>(1 + rng() % 8);
        break;
    }
    want.push_back(p);
    if (pl.Append(p, 2)) pl.SealTail(1.0f, {1, 1});
  }
}

// NextGeq passes over the usual postings (one field, small frequency, one-byte delta) without
// decoding their frequencies; the posting it stops on must still carry its own frequencies and
// single field, whatever kind of posting came before (multi-field, large frequency or delta).
TEST(PostingsTest, NextGeqKeepsFrequenciesOfThePostingItStopsOn) {
  std::mt19937 rng(11);
  PostingList pl;
  std::vector<Posting> want;
  MakeMixedList(rng, {2000, 8, 4, 100, 300, 6}, pl, want);  // mostly one-byte deltas
  for (int trial = 0; trial < 300; ++trial) {
    Cursor c(&pl, 2);
    uint32_t target = 0;
    for (int step = 0; step < 20; ++step) {
      target += rng() % 200;
      c.NextGeq(target);
      auto it = std::lower_bound(want.begin(), want.end(), target,
                                 [](const Posting& p, uint32_t t) { return p.doc < t; });
      if (it == want.end()) {
        ASSERT_EQ(c.doc(), Cursor::kEnd);
        break;
      }
      ASSERT_EQ(c.doc(), it->doc) << target;
      ASSERT_EQ(c.tf()[0], it->tf[0]) << target;
      ASSERT_EQ(c.tf()[1], it->tf[1]) << target;
      const int single = it->tf[0] && it->tf[1] ? -1 : it->tf[0] ? 0 : 1;
      ASSERT_EQ(c.single_field(), single) << target;
    }
  }
}

// ScanTo hands every posting below its bound to one of its two callbacks (the usual ones read
// from the bytes, the rest from the decoded cursor), each once and in order, with the same
// document, field and frequency as a walk with Next, across blocks, large deltas, several fields
// and large frequencies; and leaves the cursor decoded on the first posting at or past the bound.
TEST(PostingsTest, ScanToVisitsWhatNextVisitsAndStopsOnTheBound) {
  std::mt19937 rng(23);
  PostingList pl;
  std::vector<Posting> want;
  MakeMixedList(rng, {3000, 6, 20, 128, 2000, 7}, pl, want);
  ASSERT_GT(pl.num_blocks(), 20u);
  size_t usual_calls = 0;
  for (int trial = 0; trial < 200; ++trial) {
    Cursor c(&pl, 2);
    std::vector<Posting> got;
    uint32_t hi = 0;
    // Bounds from inside one block to several blocks ahead; the last one is past the list.
    while (c.doc() != Cursor::kEnd) {
      hi = trial % 2 ? hi + 1 + rng() % 300 : hi + 1 + rng() % 30000;
      if (rng() % 5 == 0) c.NextGeq(hi - rng() % (hi + 1) / 2);  // mixed with probes
      const size_t from = got.size();
      const uint32_t start = c.doc();
      c.ScanTo(
          hi,
          [&](uint32_t doc, size_t f, uint16_t tf) {
            Posting p;
            p.doc = doc;
            p.tf[f] = tf;
            got.push_back(p);
            ++usual_calls;
          },
          [&](const Cursor& cur) { got.push_back(cur.posting()); });
      auto first = std::lower_bound(want.begin(), want.end(), start,
                                    [](const Posting& p, uint32_t t) { return p.doc < t; });
      auto last = std::lower_bound(want.begin(), want.end(), hi,
                                   [](const Posting& p, uint32_t t) { return p.doc < t; });
      ASSERT_EQ(got.size() - from, static_cast<size_t>(last - first)) << hi;
      for (size_t i = from; i < got.size(); ++i, ++first) {
        ASSERT_EQ(got[i].doc, first->doc);
        ASSERT_EQ(got[i].tf[0], first->tf[0]) << got[i].doc;
        ASSERT_EQ(got[i].tf[1], first->tf[1]) << got[i].doc;
      }
      if (last == want.end()) {
        ASSERT_EQ(c.doc(), Cursor::kEnd);
      } else {
        ASSERT_EQ(c.doc(), last->doc);
        ASSERT_EQ(c.tf()[0], last->tf[0]);
        ASSERT_EQ(c.tf()[1], last->tf[1]);
        const int single = last->tf[0] && last->tf[1] ? -1 : last->tf[0] ? 0 : 1;
        ASSERT_EQ(c.single_field(), single);
      }
    }
  }
  EXPECT_GT(usual_calls, 0u);  // the fast path was taken
}

TEST(PostingsTest, CorruptBytesFailToDecode) {
  PostingList pl;
  Posting p;
  for (uint32_t d = 1; d <= 10; ++d) {
    p.doc = d * 3;
    (void)pl.Append(p, 1);
  }
  std::vector<Posting> out;
  ASSERT_TRUE(DecodeBlock(pl, 0, 1, out));
  EXPECT_EQ(out.size(), 10u);
  std::vector<uint8_t> bytes = pl.CopyBytes();
  bytes.pop_back();
  pl.Assign(bytes.data(), bytes.size(), {}, 0);
  EXPECT_FALSE(DecodeBlock(pl, 0, 1, out));
  bytes.assign(20, 0x80);
  pl.Assign(bytes.data(), bytes.size(), {}, 0);
  EXPECT_FALSE(DecodeBlock(pl, 0, 1, out));
}

// Short lists keep their bytes inline; the move to the heap (and moves of the list) must keep
// every posting.
TEST(PostingsTest, InlineToHeapAndMovesKeepPostings) {
  PostingList pl;
  std::vector<uint32_t> docs;
  for (uint32_t i = 0; i < 300; ++i) {
    Posting p;
    p.doc = i * 1000 + 7;  // 2-byte deltas
    p.tf[0] = static_cast<uint16_t>(i % 4);
    p.tf[1] = static_cast<uint16_t>(300 + i);  // 2-byte frequencies
    docs.push_back(p.doc);
    if (pl.Append(p, 2)) pl.SealTail(1.0f, {1, 1});
    if (i == 0) {
      EXPECT_EQ(pl.HeapBytes(), 0u);  // inline
    }
    PostingList moved = std::move(pl);
    pl = std::move(moved);
    Cursor c(&pl, 2);
    for (uint32_t j = 0; j <= i; ++j, c.Next()) {
      ASSERT_EQ(c.doc(), docs[j]) << i;
      ASSERT_EQ(c.posting().tf[1], 300 + j);
    }
    ASSERT_EQ(c.doc(), Cursor::kEnd);
  }
  EXPECT_GT(pl.HeapBytes(), 0u);
  EXPECT_EQ(pl.num_blocks(), 2u);
}

// The frequency code: one field (small and large frequencies, first and last field), several
// fields, saturated frequencies; cursors and DecodeBlock agree.
TEST(PostingsTest, FrequencyCodesRoundTrip) {
  for (size_t nf : {size_t{1}, size_t{2}, size_t{3}, kMaxFields}) {
    PostingList pl;
    std::vector<Posting> want;
    std::mt19937 rng(static_cast<unsigned>(nf));
    for (uint32_t i = 0; i < 300; ++i) {
      Posting p;
      p.doc = i * 3 + 1;
      const uint16_t big[] = {1, 2, 31, 64, 200, 0xFFFF};
      if (i % 3 == 0) {
        p.tf[i % nf] = big[i % 6];
      } else {
        for (size_t f = 0; f < nf; ++f)
          p.tf[f] = static_cast<uint16_t>(rng() % 3 ? 0 : big[rng() % 6]);
        if (std::all_of(p.tf.begin(), p.tf.end(), [](uint16_t t) { return t == 0; }))
          p.tf[nf - 1] = 7;
      }
      want.push_back(p);
      if (pl.Append(p, nf)) pl.SealTail(1.0f, {});
    }
    Cursor c(&pl, nf);
    std::vector<Posting> got, block;
    for (size_t b = 0; b <= pl.num_blocks(); ++b) {
      ASSERT_TRUE(DecodeBlock(pl, b, nf, block));
      got.insert(got.end(), block.begin(), block.end());
    }
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i, c.Next()) {
      ASSERT_EQ(c.doc(), want[i].doc);
      for (size_t f = 0; f < nf; ++f) {
        ASSERT_EQ(c.tf()[f], want[i].tf[f]) << nf << " " << i << " " << f;
        ASSERT_EQ(got[i].tf[f], want[i].tf[f]) << nf << " " << i << " " << f;
      }
      // single_field() names the only field with a frequency, or is -1.
      size_t nonzero = 0, last = 0;
      for (size_t f = 0; f < nf; ++f) {
        if (want[i].tf[f]) ++nonzero, last = f;
      }
      ASSERT_EQ(c.single_field(), nonzero == 1 ? static_cast<int>(last) : -1) << nf << " " << i;
    }
    EXPECT_EQ(c.doc(), Cursor::kEnd);
  }
}

// Index::Load builds the term table in one pass (BuildIndex); it must answer exactly as a table
// built key by key, including keys whose probe runs wrap past the last slot, and refuse duplicates.
TEST(TermTableTest, BulkBuildMatchesIncrementalAndRejectsDuplicates) {
  std::mt19937_64 rng(11);
  for (size_t n : {size_t{0}, size_t{1}, size_t{500}, size_t{767}, size_t{20000}}) {
    TermTable inc, bulk;
    std::vector<uint64_t> keys;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t k = rng();
      bool inserted;
      if (inc.Insert(k, inserted) != keys.size()) continue;  // a repeated random key: skip
      keys.push_back(k);
      bulk.AppendUnindexed(k);
    }
    ASSERT_TRUE(bulk.BuildIndex()) << n;
    for (uint32_t id = 0; id < keys.size(); ++id) {
      ASSERT_EQ(bulk.Find(keys[id]), id) << n;
      ASSERT_EQ(bulk.KeyOf(id), keys[id]);
    }
    for (int i = 0; i < 1000; ++i) {
      const uint64_t k = rng();
      ASSERT_EQ(bulk.Find(k), inc.Find(k));
    }
    // The table still grows by Insert after a bulk build.
    bool inserted;
    const uint32_t id = bulk.Insert(42, inserted);
    EXPECT_EQ(bulk.Find(42), id);
  }
  TermTable dup;
  dup.AppendUnindexed(TermTable::Key(1, 2));
  dup.AppendUnindexed(TermTable::Key(3, 4));
  dup.AppendUnindexed(TermTable::Key(1, 2));
  EXPECT_FALSE(dup.BuildIndex());
}

struct Counted {
  static inline int alive = 0;
  int value = 7;
  Counted() { ++alive; }
  ~Counted() { --alive; }
};

TEST(ChunkedVectorTest, ConstructsEachElementOnceAndDestroysThemAll) {
  {
    ChunkedVector<Counted, 4> v;
    std::vector<Counted*> addresses;
    for (int i = 0; i < 10; ++i) {
      Counted& c = v.emplace_back();
      EXPECT_EQ(c.value, 7);
      c.value = i;
      addresses.push_back(&c);
    }
    EXPECT_EQ(Counted::alive, 10);  // constructed as added, not a whole chunk at a time
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ(&v[static_cast<size_t>(i)], addresses[static_cast<size_t>(i)]);  // never moved
      EXPECT_EQ(v[static_cast<size_t>(i)].value, i);
    }
  }
  EXPECT_EQ(Counted::alive, 0);
  // Lists own heap bytes: a chunked vector of them frees them (ASan's leak check in CI).
  ChunkedVector<PostingList, 2> lists;
  for (uint32_t i = 0; i < 5; ++i) {
    PostingList& pl = lists.emplace_back();
    for (uint32_t d = 0; d < 300; ++d) {
      Posting p;
      p.doc = d;
      p.tf[0] = 1;
      if (pl.Append(p, 1)) pl.SealTail(1.0f, {});
    }
  }
  EXPECT_EQ(lists[4].count, 300u);
}

// The index's documents: push_back moves a record in, and adding more never moves those before
// (a std::vector did, all of them, on the first add after a Load).
TEST(ChunkedVectorTest, PushBackMovesInAndNeverMovesTheOthers) {
  ChunkedVector<std::vector<std::string>, 4> v;
  std::vector<const std::string*> texts;
  for (int i = 0; i < 11; ++i) {
    std::vector<std::string> rec = {"văn bản " + std::to_string(i) + std::string(40, 'x')};
    const std::string* heap = rec.data();
    v.push_back(std::move(rec));
    EXPECT_EQ(v[static_cast<size_t>(i)].data(), heap);  // moved in: the same buffer, not a copy
    texts.push_back(&v[static_cast<size_t>(i)][0]);
  }
  ASSERT_EQ(v.size(), 11u);
  for (size_t i = 0; i < 11; ++i) {
    EXPECT_EQ(&v[i][0], texts[i]);
    EXPECT_EQ(v[i][0], "văn bản " + std::to_string(i) + std::string(40, 'x'));
  }
  v.resize(13);
  EXPECT_TRUE(v[12].empty());
  EXPECT_EQ(&v[3][0], texts[3]);
}

TEST(LargeAllocatorTest, LargeBlocksAreAlignedForHugePagesSmallOnesAreNot) {
  constexpr size_t kHuge = size_t{2} << 20;
  LargeAllocator<uint64_t> a;
  const size_t n = (3 * kHuge) / sizeof(uint64_t) + 5;
  uint64_t* big = a.allocate(n);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big) % kHuge, 0u);
  for (size_t i = 0; i < n; i += 4096) big[i] = i;
  big[n - 1] = 1;
  EXPECT_EQ(big[4096], 4096u);
  a.deallocate(big, n);
  uint64_t* small = a.allocate(16);
  small[15] = 3;
  EXPECT_EQ(small[15], 3u);
  a.deallocate(small, 16);
  // As a vector's allocator, through growth.
  std::vector<uint32_t, LargeAllocator<uint32_t>> v;
  for (uint32_t i = 0; i < 1'000'000; ++i) v.push_back(i);
  EXPECT_EQ(v[999'999], 999'999u);
}

TEST(PostingsTest, EmptyListIsExhausted) {
  PostingList pl;
  Cursor c(&pl, 1);
  EXPECT_EQ(c.doc(), Cursor::kEnd);
  c.NextGeq(5);
  EXPECT_EQ(c.doc(), Cursor::kEnd);
}

}  // namespace
}  // namespace stio::search
