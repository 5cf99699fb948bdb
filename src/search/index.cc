#include "search/index.h"

#include <pthread.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <queue>
#include <set>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include "search/index_internal.h"
#include "text/analyzer.h"
#include "text/utf8.h"

namespace stio::search {
namespace {

constexpr size_t kMaxQueryTokens = 64;
constexpr size_t kMaxPrefixExpansions = 24;
constexpr size_t kMaxTypoExpansions = 8;
constexpr uint32_t kNoGroup = 0xFFFFFFFFu;

constexpr double kPrefixWeight = 0.7;  // completion of the last word, relative to a whole word
constexpr double kTypoWeight = 0.5;

struct QToken {
  text::Token tok;
  int phrase = -1;  // index into phrases, or -1
  bool prefix = false;
  bool stop = false;
};

struct Clause {
  const PostingList* list;
  double weight;   // clause weight × idf
  uint32_t group;  // required group, or kNoGroup for scoring-only clauses
  std::string label;
  std::vector<double> block_ub;  // score bound per block, the tail's last
};

std::string FoldedKey(std::string_view s) {
  std::string k(1, kFoldedPrefix);
  k += s;
  return k;
}

void AppendEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
}

}  // namespace

std::array<float, kMaxFields> Index::Impl::Averages() const {
  std::array<float, kMaxFields> a{};
  for (size_t f = 0; f < nf; ++f) {
    a[f] = live == 0 ? 1.0f : static_cast<float>(std::max(1.0, len_sum[f] / live));
  }
  return a;
}

uint32_t Index::Impl::InternSyllable(std::string_view exact, std::string_view folded) {
  bool inserted;
  const uint32_t sid = syllables.Insert(exact, inserted);
  if (!inserted) return sid;
  fold.push_back(sid);
  if (folded != exact) {
    // A folded form has no diacritics, so it folds to itself (and is never a marked exact form).
    const uint32_t fsid = syllables.Insert(folded, inserted);
    if (inserted) fold.push_back(fsid);
    fold[sid] = fsid;
  }
  return sid;
}

void Index::Impl::RegisterTerm(uint32_t tid) {
  const uint64_t key = terms.KeyOf(tid);
  const auto a = static_cast<uint32_t>(key >> 32);
  if (static_cast<uint32_t>(key) != kNoSyllable) return;  // pairs: nothing to derive
  if (single_term.size() <= a) {
    single_term.resize(std::max<size_t>(a + 1, fold.size()), TermTable::kNone);
  }
  single_term[a] = tid;
  if (Unmarked(a)) {
    folded_vocab.emplace(std::string(syllables.Name(a)), tid);
  } else {
    const uint32_t ftid = terms.Find(TermTable::Key(fold[a], kNoSyllable));
    if (ftid != TermTable::kNone) variants[ftid].push_back(tid);
  }
}

uint32_t Index::Impl::AddTerm(uint32_t a, uint32_t b) {
  if (b == kNoSyllable && a < single_term.size() && single_term[a] != TermTable::kNone) {
    return single_term[a];
  }
  bool inserted;
  const uint32_t tid = terms.Insert(TermTable::Key(a, b), inserted);
  if (inserted) {
    lists.emplace_back();
    RegisterTerm(tid);
  }
  return tid;
}

uint32_t Index::Impl::FindTerm(std::string_view key) const {
  if (key.empty()) return TermTable::kNone;
  const bool folded = key[0] == kFoldedPrefix;
  if (folded) key.remove_prefix(1);
  const size_t sp = key.find(' ');
  const uint32_t a = syllables.Find(key.substr(0, sp));
  if (a == TermDict::kNone) return TermTable::kNone;
  uint32_t b = kNoSyllable;
  if (sp != std::string_view::npos) {
    b = syllables.Find(key.substr(sp + 1));
    if (b == TermDict::kNone) return TermTable::kNone;
  }
  // Folded keys name unmarked syllables; exact keys are indexed only when something is marked.
  const bool unmarked = Unmarked(a) && (b == kNoSyllable || Unmarked(b));
  if (folded != unmarked) return TermTable::kNone;
  return terms.Find(TermTable::Key(a, b));
}

std::string Index::Impl::TermName(uint32_t tid) const {
  const uint64_t key = terms.KeyOf(tid);
  const auto a = static_cast<uint32_t>(key >> 32);
  const auto b = static_cast<uint32_t>(key);
  std::string out;
  if (Unmarked(a) && (b == kNoSyllable || Unmarked(b))) out.push_back(kFoldedPrefix);
  out += syllables.Name(a);
  if (b != kNoSyllable) {
    out.push_back(' ');
    out += syllables.Name(b);
  }
  return out;
}

uint32_t Index::Impl::FoldedTermOf(uint32_t tid) const {
  const uint64_t key = terms.KeyOf(tid);
  const auto a = static_cast<uint32_t>(key >> 32);
  // Pairs are always folded; only a marked single syllable has a folded term of its own.
  if (static_cast<uint32_t>(key) != kNoSyllable || Unmarked(a)) return TermTable::kNone;
  return terms.Find(TermTable::Key(fold[a], kNoSyllable));
}

Index::Index(IndexOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  impl_->nf = std::min(options_.fields.size(), kMaxFields);
  impl_->stopwords = text::Stopwords::FromText(options_.stopwords);
}

Index::~Index() = default;

Result<std::unique_ptr<Index>> Index::Create(IndexOptions options) {
  if (options.fields.empty() || options.fields.size() > kMaxFields) {
    return Status::InvalidArgument("an index needs 1 to 8 fields", "fields");
  }
  std::set<std::string> names;
  for (const FieldSpec& f : options.fields) {
    if (f.name.empty() || !names.insert(f.name).second) {
      return Status::InvalidArgument("field names must be unique and non-empty", "fields");
    }
    if (!(f.weight > 0) || !(f.b >= 0 && f.b <= 1)) {
      return Status::InvalidArgument("field " + f.name + ": weight must be > 0 and b in [0,1]",
                                     "fields");
    }
  }
  if (!(options.k1 > 0)) return Status::InvalidArgument("k1 must be > 0", "k1");
  return std::make_unique<Index>(std::move(options));
}

size_t Index::size() const {
  std::shared_lock lock(mu_);
  return impl_->live;
}

size_t Index::dead() const {
  std::shared_lock lock(mu_);
  return impl_->docs.size() - impl_->live;
}

namespace {

// Removes document `d` from the statistics (its postings stay, masked by `alive`).
void KillDoc(Index::Impl& im, uint32_t d) {
  DocRecord& rec = im.docs[d];
  im.alive[d] = 0;
  for (size_t f = 0; f < im.nf; ++f) im.len_sum[f] -= im.lens[d * im.nf + f];
  --im.live;
  im.id_to_doc.erase(rec.id);
  rec.texts.clear();
  rec.texts.shrink_to_fit();
}

// tf: one frequency per field.
double PseudoTf(const Index::Impl& im, const IndexOptions& o, uint32_t doc, const uint16_t* tf,
                const std::array<float, kMaxFields>& avg) {
  double s = 0;
  for (size_t f = 0; f < im.nf; ++f) {
    if (tf[f] == 0) continue;
    const double norm = 1.0 - o.fields[f].b + o.fields[f].b * im.lens[doc * im.nf + f] / avg[f];
    s += o.fields[f].weight * tf[f] / norm;
  }
  return s;
}

double PseudoTf(const Index::Impl& im, const IndexOptions& o, const Posting& p,
                const std::array<float, kMaxFields>& avg) {
  return PseudoTf(im, o, p.doc, p.tf.data(), avg);
}

}  // namespace

namespace {

// The terms of one document with their per-field frequencies, reused from document to document
// by one producer: single syllables by their sid in an array stamped with the document (the
// Producer's, which lives as long as the index: an Upsert of one document does not allocate
// and clear an entry per syllable of the vocabulary), pairs in a small open-addressing table
// over TermTable keys.
struct DocTerms {
  struct Entry {
    uint64_t key;
    std::array<uint16_t, kMaxFields> tf;
  };
  explicit DocTerms(Index::Impl::Producer& pr) : single(pr.single), stamp(pr.stamp) {}
  std::vector<Entry> entries;  // in order of first occurrence
  std::vector<uint32_t> slots;
  std::vector<uint64_t>& single;  // sid → stamp << 32 | index in entries
  uint32_t& stamp;

  // For a document of at most max_pairs pairs and sids below num_sids.
  void Reset(size_t max_pairs, size_t num_sids) {
    entries.clear();
    size_t n = 64;
    while (n < 2 * max_pairs) n *= 2;
    slots.assign(n, 0xFFFFFFFFu);
    if (++stamp == 0) {  // wrapped: no entry may look current
      std::fill(single.begin(), single.end(), 0);
      stamp = 1;
    }
    if (single.size() < num_sids) single.resize(std::max(num_sids, 2 * single.size()), 0);
  }
  // REQUIRES: sid < the num_sids of Reset.
  void BumpSingle(uint32_t sid, size_t f) {
    uint64_t& s = single[sid];
    if (s >> 32 != stamp) {
      s = static_cast<uint64_t>(stamp) << 32 | entries.size();
      Entry& e = entries.emplace_back();
      e.key = TermTable::Key(sid, kNoSyllable);
      e.tf[f] = 1;
      return;
    }
    uint16_t& tf = entries[static_cast<uint32_t>(s)].tf[f];
    if (tf < 0xFFFF) ++tf;
  }
  void Bump(uint64_t key, size_t f) {
    uint64_t h = key * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
    for (size_t i = h & (slots.size() - 1);; i = (i + 1) & (slots.size() - 1)) {
      uint32_t& s = slots[i];
      if (s == 0xFFFFFFFFu) {
        s = static_cast<uint32_t>(entries.size());
        // Built in place (a temporary Entry copied in was stored in pieces and reloaded whole:
        // a stalled store forward per new term).
        Entry& e = entries.emplace_back();
        e.key = key;
        e.tf[f] = 1;
        return;
      }
      if (entries[s].key == key) {
        uint16_t& tf = entries[s].tf[f];
        if (tf < 0xFFFF) ++tf;
        return;
      }
    }
  }
};

// Upsert in two stages, so that the expensive half can run on another thread without the index
// lock: Prepare analyses a document and turns it into terms over the analysing thread's copy of
// the syllable dictionary (Impl::Producer), and counts its exact pairs; Commit, under the writer
// lock, interns the syllables that were new in the document (in order of first occurrence, as
// Upsert of one document at a time would: the sids are the same as the copy's) and appends the
// postings. Upsert and UpsertMany give the same index byte for byte (tested).

// A syllable form new to the index, first seen in this document.
struct FreshSyllable {
  uint32_t sid = 0;
  uint32_t folded_sid = 0;
  std::string exact, folded;
};

struct PreparedDoc {
  DocRecord rec;
  std::array<uint32_t, kMaxFields> lens{};
  std::vector<DocTerms::Entry> terms;  // in order of first occurrence
  std::vector<FreshSyllable> fresh;    // in order of first occurrence
};

Status CheckDocument(const Document& doc, const IndexOptions& o, size_t nf) {
  if (doc.id.empty()) return Status::InvalidArgument("document id is empty", "id");
  for (const auto& field : doc.fields) {
    size_t f = 0;
    while (f < nf && o.fields[f].name != field.first) ++f;
    if (f == nf) return Status::InvalidArgument("unknown field " + field.first, "fields");
  }
  return Status::Ok();
}

// REQUIRES: CheckDocument(doc) is ok.
void Prepare(const Document& doc, const IndexOptions& o, Index::Impl& im, DocTerms& dt,
             PreparedDoc& out) {
  const size_t nf = im.nf;
  Index::Impl::Producer& pr = *im.producer;
  DocRecord& rec = out.rec;
  rec.id = doc.id;
  rec.texts.assign(nf, {});
  for (const auto& [name, value] : doc.fields) {
    size_t f = 0;
    while (o.fields[f].name != name) ++f;
    if (!rec.texts[f].empty()) rec.texts[f].push_back('\n');
    rec.texts[f] += value;
  }
  rec.attributes = doc.attributes;
  rec.numbers = doc.numbers;
  thread_local std::array<std::vector<text::TokenSpan>, kMaxFields> spans;
  size_t ntoks = 0;
  for (size_t f = 0; f < nf; ++f) {
    text::ScanTokens(rec.texts[f], spans[f]);
    out.lens[f] = static_cast<uint32_t>(spans[f].size());
    ntoks += spans[f].size();
  }
  // Syllables to sids, then the document's terms (folded before exact, so that a new exact
  // syllable finds its folded term already created).
  out.fresh.clear();
  // Each token adds at most two new syllables to the dictionary.
  dt.Reset(2 * ntoks, pr.dict.size() + 2 * ntoks);
  std::string exact, folded;
  thread_local std::vector<uint64_t> hashes;
  for (size_t f = 0; f < nf; ++f) {
    const std::string_view text = rec.texts[f];
    // The spellings table outgrows the caches: hash every token first, then look each up with
    // the slot of the one kAhead later already on its way.
    constexpr size_t kAhead = 8;
    const std::vector<text::TokenSpan>& sp = spans[f];
    hashes.resize(sp.size());
    for (size_t k = 0; k < sp.size(); ++k) {
      hashes[k] = TermDict::Hash(text.substr(sp[k].begin, sp[k].end - sp[k].begin));
      if (k < kAhead) pr.raw.Prefetch(hashes[k]);
    }
    uint32_t prev = kNoSyllable, prev_fold = kNoSyllable;
    for (size_t k = 0; k < sp.size(); ++k) {
      if (k + kAhead < sp.size()) pr.raw.Prefetch(hashes[k + kAhead]);
      const std::string_view bytes = text.substr(sp[k].begin, sp[k].end - sp[k].begin);
      bool inserted;
      const uint32_t raw = pr.raw.Insert(bytes, hashes[k], inserted);
      if (inserted) {
        // A spelling not seen before: its forms, and their sids.
        text::TokenForms(bytes, exact, folded);
        const uint32_t sid = pr.dict.Insert(exact, inserted);
        if (inserted) {
          pr.fold.push_back(sid);
          if (folded != exact) {
            const uint32_t fsid = pr.dict.Insert(folded, inserted);
            if (inserted) pr.fold.push_back(fsid);
            pr.fold[sid] = fsid;
          }
          out.fresh.push_back({sid, pr.fold[sid], exact, folded});
        }
        pr.raw_sid.push_back(sid);
      }
      const uint32_t sid = pr.raw_sid[raw];
      const uint32_t fsid = pr.fold[sid];
      dt.BumpSingle(fsid, f);
      if (sid != fsid) dt.BumpSingle(sid, f);
      if (prev != kNoSyllable) {
        dt.Bump(TermTable::Key(prev_fold, fsid), f);
        if (prev != prev_fold || sid != fsid) dt.Bump(TermTable::Key(prev, sid), f);
      }
      prev = sid;
      prev_fold = fsid;
    }
  }
  // Exact pairs are counted (once per document), not indexed; the rest are the document's terms.
  // The counts tables are large: their slots are prefetched 2 * kAhead pairs ahead, then the keys
  // the slots point at (and their counts) kAhead ahead.
  out.terms.clear();
  thread_local std::vector<uint64_t> pairs;
  pairs.clear();
  out.terms.reserve(dt.entries.size());
  for (const DocTerms::Entry& e : dt.entries) {
    const auto b = static_cast<uint32_t>(e.key);
    if (b != kNoSyllable && (pr.fold[b] != b || pr.fold[e.key >> 32] != e.key >> 32)) {
      pairs.push_back(e.key);
    } else {
      out.terms.push_back(e);
    }
  }
  // (The loop is short: 16 pairs ahead rather than Commit's 8, or the lines arrive too late.)
  constexpr size_t kAhead = 16;
  std::unique_lock lock(im.exact_mu);
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i + 2 * kAhead < pairs.size()) {
      const uint64_t key = pairs[i + 2 * kAhead];
      im.exact_pairs[Index::Impl::ExactPairPart(key)].PrefetchSlot(key);
    }
    if (i + kAhead < pairs.size()) {
      const uint64_t key = pairs[i + kAhead];
      const size_t part = Index::Impl::ExactPairPart(key);
      const uint32_t g = im.exact_pairs[part].PrefetchKey(key);
      if (g < im.exact_pair_docs[part].size()) __builtin_prefetch(&im.exact_pair_docs[part][g]);
    }
    const size_t part = Index::Impl::ExactPairPart(pairs[i]);
    bool inserted;
    const uint32_t id = im.exact_pairs[part].Insert(pairs[i], inserted);
    std::vector<uint32_t>& docs = im.exact_pair_docs[part];
    if (inserted) docs.push_back(0);
    ++docs[id];
  }
}

// Adds a prepared document. Under the writer lock; REQUIRES: the index has room for one more
// document.
void Commit(Index::Impl& im, const IndexOptions& o, PreparedDoc& p) {
  for (const FreshSyllable& fs : p.fresh) {
    const uint32_t sid = im.InternSyllable(fs.exact, fs.folded);
    // The analysing thread's dictionary and the index's take new syllables in the same order.
    if (sid != fs.sid || im.fold[sid] != fs.folded_sid) {
      throw std::logic_error("search index: syllable dictionaries out of step");
    }
  }
  DocRecord& rec = p.rec;
  if (auto it = im.id_to_doc.find(rec.id); it != im.id_to_doc.end()) KillDoc(im, it->second);
  const auto d = static_cast<uint32_t>(im.docs.size());
  for (const auto& [k, v] : rec.attributes) {
    std::string key = k;
    key.push_back('\x1f');
    key += v;
    im.attr_docs[key].push_back(d);
  }
  im.id_to_doc[rec.id] = d;
  im.docs.push_back(std::move(rec));
  im.alive.push_back(1);
  for (size_t f = 0; f < im.nf; ++f) {
    im.lens.push_back(p.lens[f]);
    im.len_sum[f] += p.lens[f];
  }
  ++im.live;
  const std::array<float, kMaxFields> avg = im.Averages();
  thread_local std::vector<Posting> sealed;
  // The term table and the lists are far larger than the caches: look the terms up as a pipeline
  // with prefetches (slot, then key and list), so the misses overlap instead of queueing.
  // Stages, kAhead terms apart: slot; key and list; the list's last bytes; the append itself.
  constexpr size_t kAhead = 8;
  const size_t nterms = p.terms.size();
  thread_local std::vector<uint32_t> guess;
  guess.assign(nterms, TermTable::kNone);
  // Single syllables are found through single_term (small, cached); pairs through the table.
  auto single = [&](uint64_t key) -> uint32_t {
    const auto a = static_cast<uint32_t>(key >> 32);
    return a < im.single_term.size() ? im.single_term[a] : TermTable::kNone;
  };
  for (size_t i = 0; i < nterms + 3 * kAhead; ++i) {
    if (i < nterms && static_cast<uint32_t>(p.terms[i].key) != kNoSyllable) {
      im.terms.PrefetchSlot(p.terms[i].key);
    }
    if (i >= kAhead && i - kAhead < nterms) {
      const size_t j = i - kAhead;
      const uint64_t key = p.terms[j].key;
      const uint32_t g =
          static_cast<uint32_t>(key) == kNoSyllable ? single(key) : im.terms.PrefetchKey(key);
      if (g < im.lists.size()) {
        guess[j] = g;
        __builtin_prefetch(&im.lists[g]);
      }
    }
    if (i >= 2 * kAhead && i - 2 * kAhead < nterms && guess[i - 2 * kAhead] != TermTable::kNone) {
      const PostingList& gl = im.lists[guess[i - 2 * kAhead]];
      __builtin_prefetch(gl.data() + gl.size());
    }
    if (i < 3 * kAhead) continue;
    const DocTerms::Entry& e = p.terms[i - 3 * kAhead];
    const uint32_t tid =
        im.AddTerm(static_cast<uint32_t>(e.key >> 32), static_cast<uint32_t>(e.key));
    PostingList& pl = im.lists[tid];
    Posting posting;
    posting.doc = d;
    posting.tf = e.tf;
    if (pl.Append(posting, im.nf)) {
      double mx = 0;
      if (DecodeBlock(pl, pl.num_blocks(), im.nf, sealed)) {
        for (const Posting& q : sealed) mx = std::max(mx, PseudoTf(im, o, q, avg));
      }
      pl.SealTail(static_cast<float>(mx * 1.0001), avg);
    }
  }
}

}  // namespace

Status Index::Upsert(const Document& doc) { return UpsertMany(std::span(&doc, 1), 1); }

Status Index::UpsertMany(std::span<const Document> docs, size_t threads) {
  for (const Document& doc : docs) {
    if (Status s = CheckDocument(doc, options_, impl_->nf); !s.ok()) return s;
  }
  std::lock_guard upsert(impl_->upsert_mu);
  Index::Impl& im = *impl_;
  {
    std::shared_lock lock(mu_);
    if (im.docs.size() + docs.size() >= Cursor::kEnd - 1) {
      return Status::ResourceExhausted("index is full");
    }
  }
  if (!im.producer) {
    // The analysing thread's dictionary: a copy of the index's (a copy of its arrays, not a
    // million inserts, after a Load at national scale).
    auto pr = std::make_unique<Index::Impl::Producer>();
    std::shared_lock lock(mu_);
    pr->dict = im.syllables;
    pr->fold = im.fold;
    im.producer = std::move(pr);
  }
  // If this call fails half-way, the dictionary may hold syllables that the index never got: it
  // is made again from the index's by the next call.
  struct Resync {
    Index::Impl& im;
    bool done = false;
    ~Resync() {
      if (!done) im.producer.reset();
    }
  } resync{im};
  // Few documents: not worth a thread.
  constexpr size_t kBatch = 64;
  if (threads < 2 || docs.size() < 2 * kBatch) {
    DocTerms dt(*im.producer);
    PreparedDoc p;
    for (const Document& doc : docs) {
      Prepare(doc, options_, im, dt, p);  // analysis before taking the lock
      std::unique_lock lock(mu_);
      Commit(im, options_, p);
    }
    resync.done = true;
    return Status::Ok();
  }
  // A producer thread prepares batches of kBatch documents, at most kInFlight batches ahead; this
  // thread commits them, one writer lock per batch.
  constexpr size_t kInFlight = 8;
  std::mutex qm;
  std::condition_variable cv;
  std::deque<std::vector<PreparedDoc>> queue;
  bool produced = false, stop = false;
  std::exception_ptr error;
  std::thread producer([&] {
    pthread_setname_np(pthread_self(), "stio-prepare");  // for top and perf; failure is harmless
    try {
      DocTerms dt(*im.producer);
      // The first batches are small (8, 16, 32 documents): the committing thread starts sooner.
      for (size_t i = 0, size = 8; i < docs.size(); i += size, size = std::min(kBatch, 2 * size)) {
        std::vector<PreparedDoc> batch(std::min(size, docs.size() - i));
        for (size_t j = 0; j < batch.size(); ++j) {
          Prepare(docs[i + j], options_, im, dt, batch[j]);
        }
        std::unique_lock l(qm);
        cv.wait(l, [&] { return queue.size() < kInFlight || stop; });
        if (stop) break;
        queue.push_back(std::move(batch));
        cv.notify_all();
      }
    } catch (...) {
      std::lock_guard l(qm);
      error = std::current_exception();
    }
    std::lock_guard l(qm);
    produced = true;
    cv.notify_all();
  });
  // Stops and joins the producer however this thread leaves (an allocation failure throws).
  struct Joiner {
    std::thread& t;
    std::mutex& m;
    std::condition_variable& cv;
    bool& stop;
    void Join() {
      if (!t.joinable()) return;
      {
        std::lock_guard l(m);
        stop = true;
      }
      cv.notify_all();
      t.join();
    }
    ~Joiner() { Join(); }
  } joiner{producer, qm, cv, stop};
  for (;;) {
    std::vector<PreparedDoc> batch;
    {
      std::unique_lock l(qm);
      cv.wait(l, [&] { return !queue.empty() || produced; });
      if (queue.empty()) break;
      batch = std::move(queue.front());
      queue.pop_front();
      cv.notify_all();
    }
    std::unique_lock lock(mu_);
    for (PreparedDoc& p : batch) Commit(im, options_, p);
  }
  joiner.Join();
  if (error) std::rethrow_exception(error);
  resync.done = true;
  return Status::Ok();
}

bool Index::Delete(std::string_view id) {
  std::unique_lock lock(mu_);
  auto it = impl_->id_to_doc.find(std::string(id));
  if (it == impl_->id_to_doc.end()) return false;
  KillDoc(*impl_, it->second);
  return true;
}

namespace {

// Everything a search needs, computed once per query under the shared lock.
class Searcher {
 public:
  Searcher(const Index::Impl& im, const IndexOptions& o, const Query& q)
      : im_(im), o_(o), q_(q), avg_(im.Averages()), inv_norm_(NormTable(im.nf, o, avg_)) {}

  Result<SearchResult> Run();

 private:
  void Parse();
  void BuildClauses();
  void AddClause(const std::string& key, double weight, uint32_t group, std::string label);
  double Idf(uint32_t count) const {
    const double n = std::max<double>(1, im_.live);
    const double df = std::min<double>(count, n);
    return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
  }
  // 1 / (1 - b + b * len / avg) for field f of document doc, from the per-query table.
  double InvNorm(size_t f, uint32_t doc) const {
    const uint32_t len = im_.lens[doc * im_.nf + f];
    if (len >= kNormTable) return 1.0 / (1.0 - o_.fields[f].b + o_.fields[f].b * len / avg_[f]);
    double& e = inv_norm_[f * kNormTable + len];
    if (e == 0) e = 1.0 / (1.0 - o_.fields[f].b + o_.fields[f].b * len / avg_[f]);
    return e;
  }
  // PseudoTf with the per-query length normalisation table.
  double Tf(uint32_t doc, const uint16_t* tf) const {
    double s = 0;
    for (size_t f = 0; f < im_.nf; ++f) {
      if (tf[f] == 0) continue;
      s += o_.fields[f].weight * tf[f] * InvNorm(f, doc);
    }
    return s;
  }
  double ClauseScore(const Clause& c, const Cursor& cur) const {
    const int f = cur.single_field();
    // One field (the usual posting): the same value as Tf, without the loop.
    const double t = f >= 0 ? o_.fields[f].weight * cur.tf()[f] * InvNorm(f, cur.doc())
                            : Tf(cur.doc(), cur.tf());
    return c.weight * t * (o_.k1 + 1) / (t + o_.k1);
  }
  // MaxScore's essential phase for one clause: adds its score of every document in [cur.doc(),
  // hi) to acc[doc - lo] and marks the document in `seen` (ClauseScore, with the constants and
  // tables held in locals rather than read again after every store to acc; the usual two-byte
  // postings are read straight from the bytes by Cursor::ScanTo, without a store to the cursor
  // between them: -6% CPU per vntc-mid-kw query).
  void ScoreRange(const Clause& c, Cursor& cur, uint32_t lo, uint32_t hi, double* acc,
                  uint64_t* seen) const;
  void Bound(Clause& c) const;  // fills block_ub
  bool Allowed(uint32_t d) const { return im_.alive[d] && (allowed_.empty() || allowed_[d]); }
  void BuildFilter();
  bool PhrasesMatch(uint32_t d) const;
  std::vector<uint32_t> GroupDocs(uint32_t group) const;
  void Exhaustive(std::vector<std::pair<double, uint32_t>>& top, SearchResult& r);
  void MaxScore(std::vector<std::pair<double, uint32_t>>& top);
  std::string Snippet(uint32_t d, size_t f, bool& matched) const;
  std::string Explain(uint32_t d) const;
  std::string Suggest() const;
  std::vector<std::string> TypoCandidates(const std::string& folded) const;

  const Index::Impl& im_;
  const IndexOptions& o_;
  const Query& q_;
  const std::array<float, kMaxFields> avg_;
  std::vector<QToken> toks_;
  std::vector<std::vector<size_t>> phrases_;  // token indexes
  std::vector<Clause> clauses_;
  uint32_t num_groups_ = 0;
  std::vector<uint32_t> required_groups_;
  std::vector<char> allowed_;  // empty: no filter
  // 1 / (1 - b + b * len / avg) by field and length (len < kNormTable), filled on first use.
  static constexpr uint32_t kNormTable = 4096;
  // The table depends only on the fields' b and average lengths, so a thread keeps it from query
  // to query while those stay the same (no 64 KiB to clear per query).
  static double* NormTable(size_t nf, const IndexOptions& o,
                           const std::array<float, kMaxFields>& avg) {
    struct Table {
      std::vector<double> v;
      std::array<float, kMaxFields> b{}, avg{};
      size_t nf = 0;
    };
    thread_local Table t;
    std::array<float, kMaxFields> b{};
    for (size_t f = 0; f < nf; ++f) b[f] = o.fields[f].b;
    if (t.nf != nf || t.b != b || t.avg != avg) {
      t.v.assign(nf * kNormTable, 0.0);
      t.nf = nf;
      t.b = b;
      t.avg = avg;
    }
    return t.v.data();
  }
  double* const inv_norm_;
  size_t need_ = 0;  // offset + k
};

void Searcher::Parse() {
  // Quotes: an unmatched last quote is ignored (the text is taken literally).
  const std::string& s = q_.text;
  size_t quotes = std::count(s.begin(), s.end(), '"');
  size_t seen = 0;
  bool in_quote = false;
  size_t start = 0;
  auto flush = [&](size_t end, bool quoted) {
    std::string_view seg(s.data() + start, end - start);
    std::vector<text::Token> toks = text::Analyze(seg);
    int phrase = -1;
    if (quoted && toks.size() > 1) {
      phrase = static_cast<int>(phrases_.size());
      phrases_.emplace_back();
    }
    for (size_t i = 0; i < toks.size() && toks_.size() < kMaxQueryTokens; ++i) {
      QToken qt;
      qt.tok = std::move(toks[i]);
      qt.tok.begin += static_cast<uint32_t>(start);
      qt.tok.end += static_cast<uint32_t>(start);
      if (!quoted && qt.tok.glued && !toks_.empty() && q_.mode == MatchMode::kAll) {
        // Codes such as "COVID-19": the parts form a phrase with the previous token.
        QToken& prev = toks_.back();
        if (prev.phrase < 0) {
          prev.phrase = static_cast<int>(phrases_.size());
          phrases_.push_back({toks_.size() - 1});
        }
        qt.phrase = prev.phrase;
      } else {
        qt.phrase = phrase;
      }
      if (qt.phrase >= 0) phrases_[qt.phrase].push_back(toks_.size());
      toks_.push_back(std::move(qt));
    }
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '"') continue;
    if (!in_quote && seen + 1 == quotes) break;  // unmatched
    flush(i, in_quote);
    in_quote = !in_quote;
    ++seen;
    start = i + 1;
  }
  flush(s.size(), in_quote);
  // Drop one-token phrases (nothing to verify).
  for (auto& p : phrases_) {
    if (p.size() < 2) {
      for (size_t i : p) toks_[i].phrase = -1;
      p.clear();
    }
  }
  if (q_.prefix_last && !toks_.empty() && !s.empty()) {
    const char last = s.back();
    const bool ends_word = last == ' ' || last == '\t' || last == '"' || last == '\n';
    if (!ends_word && toks_.back().tok.end == s.size()) toks_.back().prefix = true;
  }
  for (QToken& t : toks_) t.stop = im_.stopwords.Contains(t.tok.exact);
}

void Searcher::ScoreRange(const Clause& c, Cursor& cur, uint32_t lo, uint32_t hi,
                          double* __restrict acc, uint64_t* __restrict seen) const {
  // The same arithmetic, in the same types and order, as ClauseScore (float field weight × tf,
  // then double), so that scores do not depend on the path that computed them.
  const double weight = c.weight;
  const float k1 = o_.k1, k1p = o_.k1 + 1;
  const uint32_t* __restrict lens = im_.lens.data();
  const size_t nf = im_.nf;
  const double* __restrict table = inv_norm_;
  std::array<float, kMaxFields> fw{};
  for (size_t f = 0; f < nf; ++f) fw[f] = o_.fields[f].weight;
  auto usual = [&](uint32_t d, size_t f, uint16_t tf) {
    const uint32_t len = lens[d * nf + f];
    double inv = len < kNormTable ? table[f * kNormTable + len] : 0;
    if (inv == 0) inv = InvNorm(f, d);  // fills the table
    const double t = fw[f] * tf * inv;
    const uint32_t off = d - lo;
    acc[off] += weight * t * k1p / (t + k1);
    seen[off >> 6] |= uint64_t{1} << (off & 63);
  };
  auto one = [&](const Cursor& c) {
    const int f = c.single_field();
    if (f >= 0) return usual(c.doc(), static_cast<size_t>(f), c.tf()[f]);
    const double t = Tf(c.doc(), c.tf());
    const uint32_t off = c.doc() - lo;
    acc[off] += weight * t * k1p / (t + k1);
    seen[off >> 6] |= uint64_t{1} << (off & 63);
  };
  cur.ScanTo(hi, usual, one);
}

void Searcher::Bound(Clause& c) const {
  auto score = [&](double t) { return c.weight * t * (o_.k1 + 1) / (t + o_.k1); };
  const size_t nb = c.list->num_blocks();
  c.block_ub.resize(nb + 1);
  for (size_t i = 0; i < nb; ++i) {
    const BlockMeta& b = c.list->block(i);
    float scale = 1;
    for (size_t f = 0; f < im_.nf; ++f) scale = std::max(scale, avg_[f] / b.avg[f]);
    const double t = static_cast<double>(b.max_pseudo_tf) * scale;
    c.block_ub[i] = score(t);
  }
  double tail_mx = 0;
  std::array<uint32_t, kBlockSize> docs;
  std::array<uint16_t, kBlockSize * kMaxFields> tfs;
  const int nt = DecodeBlockInto(*c.list, nb, im_.nf, docs.data(), tfs.data());
  for (int i = 0; i < nt; ++i) tail_mx = std::max(tail_mx, Tf(docs[i], &tfs[i * im_.nf]));
  c.block_ub[nb] = score(tail_mx);
}

void Searcher::AddClause(const std::string& key, double weight, uint32_t group, std::string label) {
  const uint32_t tid = im_.FindTerm(key);
  if (tid == TermTable::kNone) return;
  const PostingList& pl = im_.lists[tid];
  if (pl.count == 0) return;
  // The bounds (Bound) are computed by MaxScore, the only user, once per distinct list.
  clauses_.push_back(Clause{&pl, weight * Idf(pl.count), group, std::move(label), {}});
}

std::vector<std::string> Searcher::TypoCandidates(const std::string& folded) const {
  // Edit distance 1 over ASCII letters and digits (folded syllables are ASCII in Vietnamese):
  // deletions, transpositions, substitutions, insertions, in that order; the first
  // kMaxTypoExpansions distinct ones that are indexed syllables without marks (the keys of
  // folded_vocab), each looked up in the syllable dictionary's hash table rather than the
  // ordered map, in one reused buffer (a query with an unknown long word tries ~500 strings).
  std::vector<std::string> out;
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string t;
  t.reserve(folded.size() + 1);
  auto consider = [&] {
    const uint32_t sid = im_.syllables.Find(t);
    if (sid == TermDict::kNone || !im_.Unmarked(sid) || sid >= im_.single_term.size() ||
        im_.single_term[sid] == TermTable::kNone) {
      return;
    }
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  const size_t n = folded.size();
  for (size_t i = 0; i < n && out.size() < kMaxTypoExpansions; ++i) {
    t.assign(folded, 0, i).append(folded, i + 1);
    consider();
  }
  for (size_t i = 0; i + 1 < n && out.size() < kMaxTypoExpansions; ++i) {
    t = folded;
    std::swap(t[i], t[i + 1]);
    consider();
  }
  for (size_t i = 0; i < n; ++i) {
    t = folded;
    for (char c : kAlphabet) {
      if (out.size() >= kMaxTypoExpansions) return out;
      t[i] = c;
      consider();
    }
  }
  for (size_t i = 0; i <= n; ++i) {
    t.assign(folded, 0, i).push_back(' ');
    t.append(folded, i);
    for (char c : kAlphabet) {
      if (out.size() >= kMaxTypoExpansions) return out;
      t[i] = c;
      consider();
    }
  }
  return out;
}

void Searcher::BuildClauses() {
  const bool all_stop = std::all_of(toks_.begin(), toks_.end(), [](auto& t) { return t.stop; });
  for (size_t i = 0; i < toks_.size(); ++i) {
    const QToken& qt = toks_[i];
    const uint32_t group = num_groups_++;
    const bool required =
        q_.mode == MatchMode::kAll ? (!qt.stop || all_stop || qt.phrase >= 0) : qt.phrase >= 0;
    if (required) required_groups_.push_back(group);
    const size_t before = clauses_.size();
    const bool marks = qt.tok.has_diacritics();
    const double w = qt.stop ? q_.ranking.stopword_weight : 1.0;
    if (marks) AddClause(qt.tok.exact, w, group, qt.tok.exact);
    if (qt.prefix) {
      std::vector<std::pair<uint32_t, uint32_t>> cands;  // count, term
      for (auto it = im_.folded_vocab.lower_bound(qt.tok.folded);
           it != im_.folded_vocab.end() &&
           it->first.compare(0, qt.tok.folded.size(), qt.tok.folded) == 0;
           ++it) {
        cands.emplace_back(im_.lists[it->second].count, it->second);
      }
      std::sort(cands.rbegin(), cands.rend());
      if (cands.size() > kMaxPrefixExpansions) cands.resize(kMaxPrefixExpansions);
      for (auto [count, tid] : cands) {
        const std::string key = im_.TermName(tid);
        const bool whole = key.compare(1, std::string::npos, qt.tok.folded) == 0;
        double pw = w * (whole ? 1.0 : kPrefixWeight);
        if (marks) pw *= q_.ranking.folded_weight;
        AddClause(key, pw, group, "~" + key.substr(1) + (whole ? "" : " (prefix)"));
      }
    } else {
      AddClause(FoldedKey(qt.tok.folded), w * (marks ? q_.ranking.folded_weight : 1.0), group,
                "~" + qt.tok.folded);
    }
    if (clauses_.size() == before && q_.typos && !qt.prefix && qt.tok.folded.size() >= 5) {
      for (const std::string& cand : TypoCandidates(qt.tok.folded)) {
        AddClause(FoldedKey(cand), kTypoWeight, group, "~" + cand + " (typo)");
      }
    }
  }
  // Phrases: each adjacent pair must be present (a cheap filter on pair postings before the
  // verification on stored text). Weight 0: these clauses select, the ones below score.
  for (const auto& phrase : phrases_) {
    for (size_t j = 1; j < phrase.size(); ++j) {
      const text::Token& a = toks_[phrase[j - 1]].tok;
      const text::Token& b = toks_[phrase[j]].tok;
      const uint32_t group = num_groups_++;
      required_groups_.push_back(group);
      // Pairs are indexed folded: the folded pair is the filter, and the verification on the
      // stored text checks the marks.
      AddClause(FoldedKey(a.folded + " " + b.folded), 0.0, group, "phrase");
    }
  }
  // Adjacent pairs: scoring only.
  for (size_t i = 1; i < toks_.size(); ++i) {
    const QToken& a = toks_[i - 1];
    const QToken& b = toks_[i];
    if (b.prefix) continue;
    // Pairs made only of stopwords ("của các") say little. Pairs are indexed folded only (the
    // exact syllables already rank exact forms higher): one clause with or without marks.
    const double pair_w =
        q_.ranking.pair_weight * (a.stop && b.stop ? q_.ranking.stopword_weight : 1.0);
    AddClause(FoldedKey(a.tok.folded + " " + b.tok.folded), pair_w, kNoGroup,
              "~" + a.tok.folded + " " + b.tok.folded);
  }
}

void Searcher::BuildFilter() {
  if (q_.filters.empty() && q_.ranges.empty()) return;
  const size_t n = im_.docs.size();
  allowed_.assign(n, 1);
  std::map<std::string, std::vector<std::string>> by_key;
  for (const auto& [k, v] : q_.filters) by_key[k].push_back(v);
  for (const auto& [k, values] : by_key) {
    std::vector<char> any(n, 0);
    for (const std::string& v : values) {
      auto it = im_.attr_docs.find(k + '\x1f' + v);
      if (it == im_.attr_docs.end()) continue;
      for (uint32_t d : it->second) any[d] = 1;
    }
    for (size_t d = 0; d < n; ++d) allowed_[d] &= any[d];
  }
  for (size_t d = 0; d < n; ++d) {
    if (!allowed_[d]) continue;
    for (const RangeFilter& r : q_.ranges) {
      bool ok = false;
      for (const auto& [k, v] : im_.docs[d].numbers) {
        if (k == r.key && v >= r.min && v <= r.max) ok = true;
      }
      if (!ok) {
        allowed_[d] = 0;
        break;
      }
    }
  }
}

bool Searcher::PhrasesMatch(uint32_t d) const {
  for (const auto& phrase : phrases_) {
    if (phrase.empty()) continue;
    bool found = false;
    for (size_t f = 0; f < im_.nf && !found; ++f) {
      const std::vector<text::Token> toks = text::Analyze(im_.docs[d].texts[f]);
      for (size_t s = 0; s + phrase.size() <= toks.size() && !found; ++s) {
        bool all = true;
        for (size_t j = 0; j < phrase.size() && all; ++j) {
          const text::Token& qt = toks_[phrase[j]].tok;
          const text::Token& dt = toks[s + j];
          all = qt.has_diacritics() ? dt.exact == qt.exact : dt.folded == qt.folded;
        }
        found = all;
      }
    }
    if (!found) return false;
  }
  return true;
}

std::vector<uint32_t> Searcher::GroupDocs(uint32_t group) const {
  std::vector<uint32_t> out;
  for (const Clause& c : clauses_) {
    if (c.group != group) continue;
    for (Cursor cur(c.list, im_.nf); cur.doc() != Cursor::kEnd; cur.Next()) {
      out.push_back(cur.doc());
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void Searcher::Exhaustive(std::vector<std::pair<double, uint32_t>>& top, SearchResult& r) {
  std::vector<uint32_t> cands;
  if (toks_.empty()) {
    for (uint32_t d = 0; d < im_.docs.size(); ++d) cands.push_back(d);
  } else if (!required_groups_.empty()) {
    std::vector<std::vector<uint32_t>> sets;
    for (uint32_t g : required_groups_) sets.push_back(GroupDocs(g));
    std::sort(sets.begin(), sets.end(), [](auto& a, auto& b) { return a.size() < b.size(); });
    cands = std::move(sets[0]);
    for (size_t i = 1; i < sets.size() && !cands.empty(); ++i) {
      std::vector<uint32_t> next;
      std::set_intersection(cands.begin(), cands.end(), sets[i].begin(), sets[i].end(),
                            std::back_inserter(next));
      cands = std::move(next);
    }
  } else {
    std::vector<char> any(im_.docs.size(), 0);
    for (const Clause& c : clauses_) {
      for (Cursor cur(c.list, im_.nf); cur.doc() != Cursor::kEnd; cur.Next()) any[cur.doc()] = 1;
    }
    for (uint32_t d = 0; d < any.size(); ++d) {
      if (any[d]) cands.push_back(d);
    }
  }
  std::vector<uint32_t> matched;
  for (uint32_t d : cands) {
    if (Allowed(d) && (phrases_.empty() || PhrasesMatch(d))) matched.push_back(d);
  }
  r.total = matched.size();
  // Score in document order so each clause cursor only moves forward.
  std::vector<Cursor> curs;
  curs.reserve(clauses_.size());
  for (const Clause& c : clauses_) curs.emplace_back(c.list, im_.nf);
  std::priority_queue<std::pair<double, uint32_t>, std::vector<std::pair<double, uint32_t>>,
                      std::greater<>>
      heap;
  for (uint32_t d : matched) {
    double s = 0;
    for (size_t i = 0; i < clauses_.size(); ++i) {
      curs[i].NextGeq(d);
      if (curs[i].doc() == d) s += ClauseScore(clauses_[i], curs[i]);
    }
    // Ties keep insertion order: the key is (score, -doc) so that earlier documents win.
    if (need_ == 0) continue;
    if (heap.size() < need_) {
      heap.emplace(s, Cursor::kEnd - d);
    } else if (std::pair(s, Cursor::kEnd - d) > heap.top()) {
      heap.pop();
      heap.emplace(s, Cursor::kEnd - d);
    }
  }
  while (!heap.empty()) {
    top.emplace_back(heap.top().first, Cursor::kEnd - heap.top().second);
    heap.pop();
  }
  std::reverse(top.begin(), top.end());
  // Facets over every matching document.
  for (const std::string& key : q_.facets) {
    std::map<std::string, size_t> counts;
    for (uint32_t d : matched) {
      for (const auto& [k, v] : im_.docs[d].attributes) {
        if (k == key) ++counts[v];
      }
    }
    std::vector<FacetValue> values;
    for (auto& [v, c] : counts) values.push_back({v, c});
    std::stable_sort(values.begin(), values.end(),
                     [](auto& a, auto& b) { return a.count > b.count; });
    if (values.size() > q_.max_facet_values) values.resize(q_.max_facet_values);
    r.facets.emplace_back(key, std::move(values));
  }
}

void Searcher::MaxScore(std::vector<std::pair<double, uint32_t>>& top) {
  // Block-max MaxScore over windows of kWindow documents. In each window each clause has an upper
  // bound within the window (from the block skip entries); a set of clauses whose bounds together
  // cannot beat the current threshold is left "non-essential" (see `cheapest`). The essential
  // clauses are scored term-at-a-time into a window accumulator; each document they reach is then
  // completed by probing the non-essential clauses, most promising first, while it can still enter
  // the top; "can still enter" is judged with the non-essential clauses' bounds over the 64
  // documents around it (from the skip entries of the blocks there), and a clause whose list has no
  // block there is not probed at all.
  // A window where no document can beat the threshold is skipped without decoding anything.
  // 4096 was the fastest of 1024-8192 on the VNTC sets (smaller windows: more bookkeeping; larger:
  // looser bounds). The first window has no threshold yet, so every clause is essential there:
  // windows start at 256 documents and double up to 4096 (5-8% less CPU per query than 4096 from
  // the start, once decoding got cheaper; 128-2048 first windows were all within noise of it).
  constexpr uint32_t kWindow = 4096;
  constexpr uint32_t kFirstWindow = 256;
  // The non-essential clauses are chosen among those whose window bounds sum to at most this share
  // of the threshold (1 would be plain MaxScore; which ones, see `cheapest` below). Fewer of them
  // cost more essential postings but leave a candidate less to hope for from them, so far fewer
  // candidates are probed: 0.75 was the fastest of 0.5-1 on the three VNTC sets (-10% CPU per query
  // on vntc-mid-kw against 1), and 0.65 once essential postings got cheaper (Cursor::ScanTo): -2 to
  // -5% against 0.75 on all three, 0.5 and 0.6 no better (docs/benchmarks.md); still 0.65 with the
  // choice by postings per bound (0.5 / 0.8 / 0.95 slower).
  // Any value in (0, 1] gives the same top k.
  constexpr double kNonEssentialShare = 0.65;
  // Clauses on the same posting list (a word typed twice, two words with one folded form) are
  // scored here as one clause with the sum of their weights, since a clause's score is linear in
  // its weight: one cursor and one bound instead of several. (In kAny, where MaxScore runs,
  // groups do not matter. Scores equal the per-clause sums up to rounding in the last bits.)
  std::vector<Clause> clauses;
  clauses.reserve(clauses_.size());
  {
    std::vector<std::pair<const PostingList*, size_t>> by_list;  // list, index in `clauses`
    by_list.reserve(clauses_.size());
    for (const Clause& c : clauses_) {
      auto it = std::find_if(by_list.begin(), by_list.end(),
                             [&](const auto& e) { return e.first == c.list; });
      if (it != by_list.end()) {
        clauses[it->second].weight += c.weight;
        continue;
      }
      by_list.emplace_back(c.list, clauses.size());
      clauses.push_back(Clause{c.list, c.weight, kNoGroup, {}, {}});
    }
  }
  for (Clause& c : clauses) Bound(c);
  const size_t n = clauses.size();
  std::vector<Cursor> curs;
  curs.reserve(n);
  for (const Clause& c : clauses) curs.emplace_back(c.list, im_.nf);
  std::priority_queue<std::pair<double, uint32_t>, std::vector<std::pair<double, uint32_t>>,
                      std::greater<>>
      heap;
  double threshold = 0;
  // Window accumulators, reused by the thread from query to query: every window leaves them zero
  // (`dirty` covers a query that stopped half-way, e.g. on an allocation failure).
  thread_local std::vector<double> acc(kWindow, 0.0);
  thread_local std::vector<uint64_t> seen(kWindow / 64, 0);
  thread_local bool dirty = false;
  if (dirty) {
    std::fill(acc.begin(), acc.end(), 0.0);
    std::fill(seen.begin(), seen.end(), 0);
  }
  dirty = true;
  std::vector<double> wub(n);
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  thread_local std::vector<double> rest;
  thread_local std::vector<double> word_ub(kWindow / 64);
  // A clause's bound over [lo, hi), the largest of its blocks' there, and (in `postings`) an
  // estimate of its postings there: each overlapping block's count times the share of its
  // document range inside the window.
  std::vector<double> postings(n);
  auto window_bound = [&](size_t i, uint32_t lo, uint32_t hi) {
    Cursor& c = curs[i];
    const PostingList& pl = *c.list();
    const size_t nb = pl.num_blocks();
    double mx = 0, count = 0;
    const size_t b0 = c.ShallowAdvance(lo);
    for (size_t b = b0; b <= nb; ++b) {
      const uint32_t start = b == 0 ? 0 : pl.block(b - 1).last_doc + 1;
      if (b > b0 && start >= hi) break;
      mx = std::max(mx, clauses[i].block_ub[b]);
      const uint32_t last = b < nb ? pl.block(b).last_doc : pl.last_doc;
      if (last < start) continue;  // an empty tail (the count a multiple of kBlockSize)
      const double in = std::min<double>(last, hi - 1.0) - std::max(start, lo) + 1;
      const double per_doc = (b < nb ? kBlockSize : pl.tail_count()) / (last - start + 1.0);
      count += std::max(0.0, in) * per_doc;
    }
    postings[i] = count;
    return mx;
  };
  // Which clauses to leave non-essential: any set whose window bounds sum to at most the budget
  // gives the same top k, and the best leaves out the most postings for the least bound. Greedy
  // on postings per unit of bound (a list with nothing in the window costs no budget), then the
  // chosen ones first in `order`, each part by bound ascending (the probes go from the strongest
  // non-essential clause down). Against "the weakest bounds first" this scores 22-24% fewer
  // essential postings and makes 5-12% fewer probes on the three VNTC sets (a counting build;
  // -4 to -5% CPU per query on vntc-lead and vntc-mid-kw, level on vntc-short): a dense list
  // with a middling bound (a common syllable, the folded twin of a marked word) is left to the
  // probes, and a short list with a higher bound (a pair) is scored instead.
  std::vector<double> ratio(n);
  std::vector<size_t> by_ratio(n), chosen_first(n);
  std::vector<char> chosen(n);
  auto cheapest = [&](double budget) {
    for (size_t i = 0; i < n; ++i) {
      by_ratio[i] = i;
      ratio[i] = wub[i] > 0 ? postings[i] / wub[i] : std::numeric_limits<double>::infinity();
    }
    std::sort(by_ratio.begin(), by_ratio.end(), [&](size_t a, size_t b) {
      return ratio[a] > ratio[b] || (ratio[a] == ratio[b] && a < b);
    });
    double sum = 0;
    for (size_t i : by_ratio) {
      chosen[i] = sum + wub[i] <= budget;
      if (chosen[i]) sum += wub[i];
    }
    size_t k = 0;
    for (size_t j = 0; j < n; ++j) {
      if (chosen[order[j]]) chosen_first[k++] = order[j];
    }
    const size_t first_essential = k;
    for (size_t j = 0; j < n; ++j) {
      if (!chosen[order[j]]) chosen_first[k++] = order[j];
    }
    order.swap(chosen_first);
    return first_essential;
  };
  // Every document may be returned (no filter, none deleted): no test per candidate.
  const bool all_allowed = allowed_.empty() && im_.live == im_.docs.size();
  uint32_t lo = Cursor::kEnd, window = kFirstWindow;
  for (const Cursor& c : curs) lo = std::min(lo, c.doc());
  while (lo != Cursor::kEnd) {
    const uint32_t hi = lo > Cursor::kEnd - window ? Cursor::kEnd : lo + window;
    for (size_t i = 0; i < n; ++i) {
      wub[i] = 0;
      postings[i] = 0;
      if (curs[i].doc() < hi) wub[i] = window_bound(i, lo, hi);
    }
    // From the previous window's order, which mostly still holds: an insertion sort.
    for (size_t j = 1; j < n; ++j) {
      const size_t i = order[j];
      size_t k = j;
      for (; k > 0 && wub[order[k - 1]] > wub[i]; --k) order[k] = order[k - 1];
      order[k] = i;
    }
    const bool full = heap.size() == need_;
    const size_t first_essential = full ? cheapest(kNonEssentialShare * threshold) : 0;
    // Essential clauses, term at a time.
    for (size_t j = first_essential; j < n; ++j) {
      const size_t i = order[j];
      curs[i].NextGeq(lo);
      ScoreRange(clauses[i], curs[i], lo, hi, acc.data(), seen.data());
    }
    // Bounds of the non-essential clauses per word of `seen` (64 documents), from the skip
    // entries of the blocks that overlap the word: rest[w * stride + j + 1] is the sum of the
    // bounds of order[0..j] over word w (rest[w * stride] = 0). A document is ruled out, or a
    // probe skipped, by these much tighter bounds than the window's.
    const size_t words = (std::min<uint64_t>(hi, uint64_t{lo} + window) - lo + 63) / 64;
    const size_t stride = first_essential + 1;
    if (rest.size() < words * stride) rest.resize(words * stride);
    for (size_t w = 0; w < words; ++w) rest[w * stride] = 0;
    for (size_t j = 0; j < first_essential; ++j) {
      for (size_t w = 0; w < words; ++w) word_ub[w] = 0;
      Cursor& c = curs[order[j]];
      if (c.doc() < hi) {
        const PostingList& pl = *c.list();
        const std::vector<double>& bub = clauses[order[j]].block_ub;
        const size_t nb = pl.num_blocks();
        uint32_t from = std::max(lo, c.doc());  // no posting of the list in [lo, c.doc())
        for (size_t b = c.ShallowAdvance(lo); b <= nb && from < hi; ++b) {
          const uint32_t last = std::min(hi - 1, b < nb ? pl.block(b).last_doc : pl.last_doc);
          for (size_t w = (from - lo) / 64; w <= (last - lo) / 64; ++w) {
            word_ub[w] = std::max(word_ub[w], bub[b]);
          }
          if (last == Cursor::kEnd) break;
          from = last + 1;
        }
      }
      for (size_t w = 0; w < words; ++w)
        rest[w * stride + j + 1] = rest[w * stride + j] + word_ub[w];
    }
    // Then word by word: the documents that may still enter the top (with the threshold at the
    // start of the word) are completed clause by clause, most promising clause first, dropping
    // those that can no longer enter after each; the survivors go to the heap in document order.
    for (size_t w = 0; w < seen.size(); ++w) {
      if (seen[w] == 0) continue;
      const double* wrest = rest.data() + w * stride;
      const double thr =
          heap.size() == need_ ? threshold : -std::numeric_limits<double>::infinity();
      std::array<uint32_t, 64> cd;  // documents, as offsets in the window
      std::array<double, 64> cs;    // their scores so far
      size_t m = 0;
      for (uint64_t bits = seen[w]; bits; bits &= bits - 1) {
        const uint32_t off = static_cast<uint32_t>(w * 64 + std::countr_zero(bits));
        cd[m] = off;
        cs[m] = acc[off];
        acc[off] = 0;
        // No branch on either test (`&`, not `&&`): both are about as likely.
        m += (cs[m] + wrest[first_essential] > thr) & (all_allowed || Allowed(lo + off));
      }
      seen[w] = 0;
      for (size_t j = first_essential; j-- > 0 && m > 0;) {
        if (wrest[j + 1] == wrest[j]) continue;  // the list has nothing in these 64 documents
        size_t k = 0;
        for (size_t x = 0; x < m; ++x) {
          cd[k] = cd[x];
          cs[k] = cs[x];
          k += cs[x] + wrest[j + 1] > thr;
        }
        m = k;
        Cursor& c = curs[order[j]];
        const Clause& cl = clauses[order[j]];
        for (size_t x = 0; x < m; ++x) {
          const uint32_t d = lo + cd[x];
          c.NextGeq(d);
          if (c.doc() == d) cs[x] += ClauseScore(cl, c);
        }
      }
      for (size_t x = 0; x < m; ++x) {
        // Ties keep insertion order: the key is (score, -doc) so that earlier documents win.
        const std::pair<double, uint32_t> key(cs[x], Cursor::kEnd - (lo + cd[x]));
        if (heap.size() < need_) {
          heap.push(key);
        } else if (key > heap.top()) {
          heap.pop();
          heap.push(key);
        } else {
          continue;
        }
        if (heap.size() == need_) threshold = heap.top().first;
      }
    }
    window = std::min(kWindow, 2 * window);
    lo = Cursor::kEnd;
    for (Cursor& c : curs) {
      if (c.doc() >= hi) {
        lo = std::min(lo, c.doc());
      } else if (c.list()->last_doc >= hi) {
        // Left where it is (non-essential here): the next probe, or the scoring when it is
        // essential, moves it, skipping whole blocks from the skip entries; moving every one to
        // hi walked ~6,000 postings per vntc-mid-kw query that no probe needed (-1 to -6% CPU).
        // The window bounds find its blocks from lo (ShallowAdvance), not from where it stands.
        lo = std::min(lo, hi);
      } else {
        c.NextGeq(hi);  // exhausted
      }
    }
  }
  dirty = false;
  while (!heap.empty()) {
    top.emplace_back(heap.top().first, Cursor::kEnd - heap.top().second);
    heap.pop();
  }
  std::reverse(top.begin(), top.end());
}

std::string Searcher::Snippet(uint32_t d, size_t f, bool& matched) const {
  const std::string& text = im_.docs[d].texts[f];
  const std::vector<text::Token> toks = text::Analyze(text);
  std::vector<size_t> hits;
  for (size_t i = 0; i < toks.size(); ++i) {
    for (const QToken& qt : toks_) {
      const bool m = qt.prefix ? toks[i].folded.compare(0, qt.tok.folded.size(), qt.tok.folded) == 0
                               : toks[i].folded == qt.tok.folded;
      if (m) {
        hits.push_back(i);
        break;
      }
    }
  }
  matched = !hits.empty();
  size_t from = 0, to = text.size();
  if (text.size() > q_.snippet_bytes) {
    // The window starting at a hit that covers the most hits.
    size_t best = 0, best_count = 0;
    for (size_t a = 0; a < hits.size(); ++a) {
      size_t c = 0;
      for (size_t b = a;
           b < hits.size() && toks[hits[b]].end - toks[hits[a]].begin <= q_.snippet_bytes; ++b) {
        ++c;
      }
      if (c > best_count) best_count = c, best = a;
    }
    size_t first = hits.empty() ? 0 : hits[best];
    // Start up to three tokens before the first hit, for context, within a quarter of the budget.
    if (!toks.empty()) {
      const uint32_t hit_begin = toks[first].begin;
      for (int back = 0;
           back < 3 && first > 0 && hit_begin - toks[first - 1].begin <= q_.snippet_bytes / 4;
           ++back) {
        --first;
      }
      from = toks[first].begin;
    }
    to = from;
    for (size_t i = first; i < toks.size() && toks[i].end - from <= q_.snippet_bytes; ++i) {
      to = toks[i].end;
    }
    if (to == from) {
      // One huge token: cut it, on a UTF-8 character boundary.
      to = std::min(text.size(), from + q_.snippet_bytes);
      while (to > from && to < text.size() &&
             (static_cast<unsigned char>(text[to]) & 0xC0) == 0x80) {
        --to;
      }
    }
  }
  std::string out;
  if (from > 0) out += "…";
  size_t pos = from;
  for (size_t h : hits) {
    const text::Token& t = toks[h];
    if (t.begin < from || t.end > to) continue;
    AppendEscaped(out, std::string_view(text).substr(pos, t.begin - pos));
    out += "<mark>";
    AppendEscaped(out, std::string_view(text).substr(t.begin, t.end - t.begin));
    out += "</mark>";
    pos = t.end;
  }
  AppendEscaped(out, std::string_view(text).substr(pos, to - pos));
  if (to < text.size()) out += "…";
  return out;
}

std::string Searcher::Explain(uint32_t d) const {
  std::string out;
  char buf[64];
  for (const Clause& c : clauses_) {
    Cursor cur(c.list, im_.nf);
    cur.NextGeq(d);
    if (cur.doc() != d) continue;
    if (!out.empty()) out += "; ";
    std::snprintf(buf, sizeof buf, "%.3f", ClauseScore(c, cur));
    out += "'" + c.label + "' " + buf + " (";
    for (size_t f = 0; f < im_.nf; ++f) {
      if (f) out += " ";
      out += o_.fields[f].name + ":" + std::to_string(cur.posting().tf[f]);
    }
    out += ")";
  }
  return out;
}

std::string Searcher::Suggest() const {
  // Viterbi over the exact forms seen in the index for each folded syllable, scored by how often
  // the forms and their adjacent pairs occur. Forms are handled by syllable id (kNoSyllable when
  // the index has never seen one): a pair is one lookup in the term table, no string is built.
  if (toks_.empty() || toks_.size() > 12) return {};
  std::shared_lock exact_lock(im_.exact_mu);  // for ExactPairDocs
  struct Form {
    std::string_view name;
    uint32_t sid;
    double log_count;
  };
  auto sid_of = [&](std::string_view name) {
    const uint32_t sid = im_.syllables.Find(name);
    return sid == TermDict::kNone ? kNoSyllable : sid;
  };
  bool any_plain = false;
  std::vector<std::vector<Form>> forms;
  forms.reserve(toks_.size());
  for (const QToken& qt : toks_) {
    std::vector<Form> f;
    if (qt.tok.has_diacritics() || qt.prefix) {
      f.push_back({qt.tok.exact, sid_of(qt.tok.exact), 0});
    } else {
      any_plain = true;
      const uint32_t fsid = sid_of(qt.tok.folded);
      // The folded syllable's own term: it exists when some document has a form of it.
      const uint32_t ftid = fsid == kNoSyllable || !im_.Unmarked(fsid)
                                ? TermTable::kNone
                                : im_.terms.Find(TermTable::Key(fsid, kNoSyllable));
      if (ftid != TermTable::kNone) {
        double rest = im_.lists[ftid].count;
        std::vector<std::pair<double, uint32_t>> vs;
        if (auto v = im_.variants.find(ftid); v != im_.variants.end()) {
          for (uint32_t tid : v->second) {
            vs.emplace_back(im_.lists[tid].count, tid);
            rest -= im_.lists[tid].count;
          }
        }
        std::sort(vs.rbegin(), vs.rend());
        if (vs.size() > 5) vs.resize(5);
        for (auto [c, tid] : vs) {
          // A variant is an exact single-syllable term: its key is (sid, none).
          const auto sid = static_cast<uint32_t>(im_.terms.KeyOf(tid) >> 32);
          f.push_back({im_.syllables.Name(sid), sid, std::log1p(c)});
        }
        if (rest > 0) f.push_back({qt.tok.folded, fsid, std::log1p(rest)});
      }
      if (f.empty()) f.push_back({qt.tok.folded, fsid, 0});
    }
    forms.push_back(std::move(f));
  }
  if (!any_plain) return {};
  // How many documents hold "a b" as an exact pair (a pair of two unmarked forms counts 0, as
  // before exact pairs were counted rather than indexed).
  auto pair_count = [&](const Form& a, const Form& b) {
    if (a.sid == kNoSyllable || b.sid == kNoSyllable) return 0.0;
    if (im_.Unmarked(a.sid) && im_.Unmarked(b.sid)) return 0.0;
    return std::log1p(im_.ExactPairDocs(a.sid, b.sid));
  };
  std::vector<std::vector<double>> score(forms.size());
  std::vector<std::vector<size_t>> back(forms.size());
  for (size_t j = 0; j < forms[0].size(); ++j) score[0].push_back(0.3 * forms[0][j].log_count);
  back[0].assign(forms[0].size(), 0);
  for (size_t i = 1; i < forms.size(); ++i) {
    for (size_t j = 0; j < forms[i].size(); ++j) {
      double best = -1e300;
      size_t arg = 0;
      for (size_t p = 0; p < forms[i - 1].size(); ++p) {
        const double s = score[i - 1][p] + pair_count(forms[i - 1][p], forms[i][j]);
        if (s > best) best = s, arg = p;
      }
      score[i].push_back(best + 0.3 * forms[i][j].log_count);
      back[i].push_back(arg);
    }
  }
  size_t j = std::max_element(score.back().begin(), score.back().end()) - score.back().begin();
  std::vector<std::string_view> words(forms.size());
  for (size_t i = forms.size(); i-- > 0;) {
    words[i] = forms[i][j].name;
    j = back[i][j];
  }
  std::string out, plain;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += " ", plain += " ";
    out += words[i];
    plain += toks_[i].tok.has_diacritics() ? toks_[i].tok.exact : toks_[i].tok.folded;
  }
  return out == plain ? std::string() : out;
}

Result<SearchResult> Searcher::Run() {
  if (q_.k > 10000 || q_.offset > 100000) {
    return Status::InvalidArgument("k must be <= 10000 and offset <= 100000", "k");
  }
  if (q_.text.size() > 64 * 1024) return Status::InvalidArgument("query text too long", "q");
  need_ = q_.offset + q_.k;
  Parse();
  BuildClauses();
  BuildFilter();
  SearchResult r;
  std::vector<std::pair<double, uint32_t>> top;
  if (need_ > 0 || !q_.facets.empty()) {
    const bool has_phrases =
        std::any_of(phrases_.begin(), phrases_.end(), [](auto& p) { return !p.empty(); });
    if (toks_.empty() || q_.mode == MatchMode::kAll || !q_.facets.empty() || has_phrases) {
      Exhaustive(top, r);
    } else {
      MaxScore(top);
      r.total = top.size();
      r.total_exact = false;
    }
  }
  for (size_t i = q_.offset; i < top.size(); ++i) {
    const uint32_t d = top[i].second;
    Hit h;
    h.id = im_.docs[d].id;
    h.score = top[i].first;
    if (q_.snippets) {
      for (size_t f = 0; f < im_.nf; ++f) {
        if (im_.docs[d].texts[f].empty()) continue;
        bool matched = false;
        std::string s = Snippet(d, f, matched);
        if (matched || f == 0) h.snippets.emplace_back(o_.fields[f].name, std::move(s));
      }
    }
    if (q_.explain) h.explanation = Explain(d);
    r.hits.push_back(std::move(h));
  }
  if (q_.suggest) r.suggestion = Suggest();
  return r;
}

}  // namespace

Result<SearchResult> Index::Search(const Query& query) const {
  std::shared_lock lock(mu_);
  Searcher s(*impl_, options_, query);
  return s.Run();
}

}  // namespace stio::search
