// Internal state of search::Index, shared by index.cc and index_io.cc. Not part of the API.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "search/index.h"
#include "search/postings.h"
#include "search/term_dict.h"
#include "text/stopwords.h"

namespace stio::search {

// Terms. Every distinct syllable form (exact "công", folded "cong") gets a syllable id (sid) once;
// fold[sid] is the sid of its folded form (itself when the form has no diacritics). A term is a
// syllable or an adjacent pair of syllables, keyed by their sids (TermTable). Which kind of term a
// key is follows from the sids, so the two kinds cannot collide:
//   - (s):      the folded syllable when s is unmarked (fold[s] == s), else the exact syllable;
//   - (a, b):   the folded pair; both a and b are unmarked. Exact pairs ("công nghệ") are not
//               terms: the folded pair finds where the syllables stand together and the exact
//               syllables rank the documents. Only how many documents hold each exact pair is
//               kept (exact_pairs), for the diacritics suggestion.
// Exact single-syllable terms are only indexed when they differ from the folded form, exactly as
// with the string keys of the query side and of the on-disk format: "công", "\x01cong",
// "\x01cong nghe" (FindTerm/TermName translate). Tokens never contain spaces or U+0001.
inline constexpr char kFoldedPrefix = '\x01';
inline constexpr uint32_t kNoSyllable = 0xFFFFFFFFu;

struct DocRecord {
  std::string id;
  std::vector<std::string> texts;  // per field, in IndexOptions order (cleared on delete)
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::pair<std::string, int64_t>> numbers;
};

struct Index::Impl {
  size_t nf = 0;
  // By internal id. In chunks, so that adding a document never moves the others: a vector,
  // loaded at its exact size, moved every record on the first Upsert after a Load (0.3-0.5 s at
  // a million; bench/search_startup).
  ChunkedVector<DocRecord, 1 << 14> docs;
  std::vector<uint8_t> alive;                // by internal id (dense: read for every candidate)
  std::vector<uint32_t> lens;                // docs.size() * nf field lengths in tokens
  std::array<double, kMaxFields> len_sum{};  // over live documents
  size_t live = 0;
  std::unordered_map<std::string, uint32_t> id_to_doc;  // live documents only
  TermDict syllables;                                   // syllable form → sid
  std::vector<uint32_t> fold;                           // sid → sid of its folded form
  TermTable terms;                                      // (sid[, sid]) → term id
  std::vector<uint32_t> single_term;  // sid → term id of (sid) alone, or kNone (a fast path)
  ChunkedVector<PostingList> lists;   // by term id
  // Exact pairs (a side marked) → how many documents hold each (deleted ones included, as a
  // list's count), in two halves by ExactPairPart (each saved in order of first occurrence):
  // exact_pair_docs[part][exact_pairs[part] id].
  // Written by UpsertMany's analysing thread, which does not hold the index lock: readers hold
  // exact_mu shared, that thread holds it exclusively while it counts one document's pairs.
  std::array<TermTable, 2> exact_pairs;
  std::array<std::vector<uint32_t>, 2> exact_pair_docs;
  mutable std::shared_mutex exact_mu;
  static size_t ExactPairPart(uint64_t key) { return (key * 0x9E3779B97F4A7C15ULL) >> 63; }
  std::map<std::string, uint32_t> folded_vocab;  // folded syllable → term id (prefixes, typos)
  // Folded syllable term id → exact syllable term ids seen with that folding.
  std::unordered_map<uint32_t, std::vector<uint32_t>> variants;
  // "key\x1fvalue" → internal ids in increasing order (dead ones included; checked at query time).
  std::unordered_map<std::string, std::vector<uint32_t>> attr_docs;
  text::Stopwords stopwords;  // parsed from IndexOptions::stopwords

  // The syllable dictionary of the thread that analyses documents for UpsertMany (Prepare in
  // index.cc): a private copy of syllables/fold, kept in step with them. A syllable new to it is
  // new to the index, and Commit interns it there in the same order, so its ids are the index's
  // sids: the analysing thread, which runs without the index lock, turns text into the index's
  // term keys and exact pairs by itself. `raw` maps a token's bytes as written to the sid of its
  // exact form (most tokens repeat a spelling already seen: no normalisation, no copy of forms).
  // Made from syllables/fold when first needed (after Load, or after an UpsertMany that failed
  // half-way: it may have run ahead of the index). Guarded by upsert_mu.
  struct Producer {
    TermDict dict;
    std::vector<uint32_t> fold;
    TermDict raw;
    std::vector<uint32_t> raw_sid;
    // For the terms of the document being analysed (DocTerms in index.cc): sid → the document's
    // stamp << 32 | its entry for that syllable.
    std::vector<uint64_t> single;
    uint32_t stamp = 0;
  };
  std::unique_ptr<Producer> producer;
  std::mutex upsert_mu;  // one UpsertMany at a time

  std::array<float, kMaxFields> Averages() const;

  bool Unmarked(uint32_t sid) const { return fold[sid] == sid; }
  // Adds a syllable form (and its folded form) if missing; returns its sid.
  uint32_t InternSyllable(std::string_view exact, std::string_view folded);
  // Returns the term id of (a, b), creating the term (and its list) if missing. A new exact
  // single-syllable term is registered under its folded term, which must exist already.
  uint32_t AddTerm(uint32_t a, uint32_t b);
  // Derives folded_vocab, variants and single_term for a term just added.
  void RegisterTerm(uint32_t tid);
  // The string key ("công", "\x01cong", "công nghệ", "\x01cong nghe") ↔ term id.
  uint32_t FindTerm(std::string_view key) const;  // TermTable::kNone if not indexed
  std::string TermName(uint32_t tid) const;
  // For an exact (single-syllable) term, the folded term it belongs to (kNone for folded terms
  // and pairs, or when missing).
  uint32_t FoldedTermOf(uint32_t tid) const;
  // Documents holding the exact pair (a, b) (0 if none; a or b must be marked).
  // REQUIRES: exact_mu held (shared).
  uint32_t ExactPairDocs(uint32_t a, uint32_t b) const {
    const uint64_t key = TermTable::Key(a, b);
    const size_t part = ExactPairPart(key);
    const uint32_t id = exact_pairs[part].Find(key);
    return id == TermTable::kNone ? 0 : exact_pair_docs[part][id];
  }
};

}  // namespace stio::search
