// A stopword set loaded from a file (one entry per line, '#' comments, multi-syllable entries
// with spaces). Entries are normalised with the analyser, so lookups work for NFC/NFD input and
// either tone-placement style.
// Thread-safety: immutable after construction; safe for concurrent readers.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include "core/status.h"

namespace stio::text {

class Stopwords {
 public:
  Stopwords() = default;
  static Result<Stopwords> LoadFile(const std::string& path);
  static Stopwords FromText(std::string_view text);
  // The default list: data/nlp-vi/stopwords_vi.txt under `source_dir`.
  static Result<Stopwords> LoadDefault(const std::string& source_dir);

  // `exact_phrase`: exact token forms joined by single spaces (e.g. "bao giờ").
  bool Contains(std::string_view exact_phrase) const {
    return set_.count(std::string(exact_phrase)) != 0;
  }
  size_t size() const { return set_.size(); }

 private:
  std::unordered_set<std::string> set_;
};

}  // namespace stio::text
