// Internal state of search::Index, shared by index.cc and index_io.cc. Not part of the API.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "search/index.h"
#include "search/postings.h"
#include "search/term_dict.h"
#include "text/stopwords.h"

namespace stio::search {

// Dictionary keys: an exact syllable "công", a folded one "\x01cong", an exact pair "công nghệ", a
// folded pair "\x01cong nghe". Tokens never contain spaces or U+0001, so keys cannot collide.
// Exact keys are only indexed when they differ from the folded form.
inline constexpr char kFoldedPrefix = '\x01';

struct DocRecord {
  std::string id;
  bool alive = true;
  std::vector<std::string> texts;  // per field, in IndexOptions order (cleared on delete)
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::pair<std::string, int64_t>> numbers;
};

struct Index::Impl {
  size_t nf = 0;
  std::vector<DocRecord> docs;               // by internal id
  std::vector<uint32_t> lens;                // docs.size() * nf field lengths in tokens
  std::array<double, kMaxFields> len_sum{};  // over live documents
  size_t live = 0;
  std::unordered_map<std::string, uint32_t> id_to_doc;  // live documents only
  TermDict terms;
  std::vector<PostingList> lists;
  std::map<std::string, uint32_t> folded_vocab;  // folded syllable (no prefix) → term id
  // Folded term id → exact term ids seen with that folding (syllables and pairs).
  std::unordered_map<uint32_t, std::vector<uint32_t>> variants;
  // "key\x1fvalue" → internal ids in increasing order (dead ones included; checked at query time).
  std::unordered_map<std::string, std::vector<uint32_t>> attr_docs;
  text::Stopwords stopwords;  // parsed from IndexOptions::stopwords

  std::array<float, kMaxFields> Averages() const;
  uint32_t TermId(std::string_view key, bool& inserted);  // creates if missing
};

}  // namespace stio::search
