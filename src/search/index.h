// stio's full-text search engine: an in-memory inverted index over weighted fields.
//
// What it does
//   - BM25F ranking over the fields of IndexOptions (e.g. title weighs more than body).
//   - Each syllable is indexed twice: its exact form (diacritics, canonical tone placement) and its
//     folded form (no diacritics). A query syllable typed with diacritics matches both, and exact
//     matches score higher; one typed without diacritics matches the folded form.
//   - Adjacent-syllable pairs (bigrams) are indexed folded and reward documents where the query's
//     syllables stand together (exact pairs are only counted, for the diacritics suggestion);
//     "quoted phrases" must occur verbatim (verified on the stored text) and codes glued by '-',
//     ':' ... ("COVID-19") count as phrases.
//   - Postings are block-compressed (varint deltas); top-k over `MatchMode::kAny` uses MaxScore
//     dynamic pruning with block upper bounds.
//   - Filters on string attributes (same key: OR, different keys: AND) and numeric ranges; facet
//     counts over all matching documents; snippets with <mark> highlights; explanations.
//   - Search-as-you-type on the last word (prefix), one typo in syllables of 5+ letters, and a
//     diacritics-restoration suggestion learned from the indexed text.
//
// Thread-safety: all methods are safe to call concurrently. Many searches run in parallel (shared
// lock); Upsert/Delete take an exclusive lock, and their effect is visible to the next Search.
//
// Deletes and updates leave dead postings behind (skipped at query time); statistics use live
// documents. Compaction is not implemented: rebuild (or Save/Load does not compact either).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "search/postings.h"

namespace stio::search {

struct FieldSpec {
  std::string name;
  float weight = 1.0f;  // BM25F field weight
  float b = 0.75f;      // BM25 length normalisation for this field
};

struct IndexOptions {
  std::vector<FieldSpec> fields = {{"title", 3.0f, 0.5f}, {"body", 1.0f, 0.75f}};
  float k1 = 1.2f;
  // Stopword list text (one entry per line, as data/nlp-vi/stopwords_vi.txt); empty: none.
  // Stopwords are still indexed; in kAll queries they are optional rather than required.
  std::string stopwords;
};

// A document to index. Fields not named in IndexOptions are rejected; missing fields are empty.
struct Document {
  std::string id;  // the caller's id (e.g. "org:123"); non-empty
  std::vector<std::pair<std::string, std::string>> fields;      // field name → text
  std::vector<std::pair<std::string, std::string>> attributes;  // filter/facet key → value (multi)
  std::vector<std::pair<std::string, int64_t>> numbers;         // range-filter key → value
};

enum class MatchMode {
  kAll,  // every non-stopword syllable must match (exactly, folded, by prefix or with one typo)
  kAny,  // any syllable may match; ranking decides (best for long natural-language queries)
};

struct RangeFilter {
  std::string key;
  int64_t min = INT64_MIN;  // inclusive
  int64_t max = INT64_MAX;  // inclusive
};

// Relative clause weights; an exact whole-syllable match weighs 1. The defaults were tuned on
// bench/eval (docs/benchmarks.md); change them only with an evaluation run to back it.
struct RankingTuning {
  double folded_weight = 0.2;    // query typed "công", document has only "cong" (or "cống"...)
  double pair_weight = 0.4;      // an adjacent query pair found adjacent (folded) in the document
  double stopword_weight = 1.0;  // multiplier for stopword syllables and stopword-only pairs
};

struct Query {
  std::string text;  // may be empty: then every document passing the filters matches
  size_t k = 10;
  size_t offset = 0;
  MatchMode mode = MatchMode::kAll;
  std::vector<std::pair<std::string, std::string>> filters;
  std::vector<RangeFilter> ranges;
  std::vector<std::string> facets;  // attribute keys to count
  size_t max_facet_values = 20;
  bool prefix_last = false;  // treat the last word as a prefix (search-as-you-type)
  bool typos = true;         // allow one typo in syllables of 5+ letters that match nothing
  bool snippets = false;
  size_t snippet_bytes = 200;
  bool explain = false;
  bool suggest = true;  // fill SearchResult::suggestion when diacritics were left out
  RankingTuning ranking;
};

struct Hit {
  std::string id;
  double score = 0;
  // Field name → HTML-escaped excerpt with matches wrapped in <mark>…</mark> (only when asked).
  std::vector<std::pair<std::string, std::string>> snippets;
  std::string explanation;  // only when Query::explain
};

struct FacetValue {
  std::string value;
  size_t count = 0;
};

struct SearchResult {
  std::vector<Hit> hits;
  size_t total = 0;         // number of matching documents
  bool total_exact = true;  // false when pruning skipped counting (kAny without facets)
  std::vector<std::pair<std::string, std::vector<FacetValue>>> facets;  // in Query::facets order
  std::string suggestion;  // e.g. "công nghệ sinh học" for "cong nghe sinh hoc"; may be empty
};

class Index {
 public:
  explicit Index(IndexOptions options = {});
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // Validates options (1..8 fields, unique names, positive weights, b in [0,1]).
  static Result<std::unique_ptr<Index>> Create(IndexOptions options);

  // Adds the document, replacing any document with the same id.
  Status Upsert(const Document& doc);
  // Upsert of each document in order, with the same result (the same index, byte for byte), but
  // faster for many documents: with threads >= 2 a second thread analyses documents (and counts
  // their exact pairs) ahead of the one that inserts them (more than 2 threads are not used
  // yet). All or nothing for bad input: every document is checked before any is added. The
  // writer lock is taken per batch of documents, so searches run in between and see a prefix of
  // `docs`. Calls from several threads run one after another.
  Status UpsertMany(std::span<const Document> docs, size_t threads = 2);
  // Returns false if no document has this id.
  bool Delete(std::string_view id);

  Result<SearchResult> Search(const Query& query) const;

  size_t size() const;  // live documents
  // Deleted or replaced documents, whose postings stay in the index (masked) until it is rebuilt:
  // the engine does not compact, so a caller may rebuild when this grows large.
  size_t dead() const;
  const IndexOptions& options() const { return options_; }

  // Writes the whole index into `dir` (created if missing), durably (fsync of the file before it
  // replaces the old one, and of `dir` after); see src/search/index_format.md. Searches run during
  // a save; writers wait for it.
  Status Save(const std::string& dir) const;
  static Result<std::unique_ptr<Index>> Load(const std::string& dir);

  struct Impl;  // internal; public only so that the implementation files can share it

 private:
  IndexOptions options_;
  std::unique_ptr<Impl> impl_;
  mutable std::shared_mutex mu_;
};

}  // namespace stio::search
