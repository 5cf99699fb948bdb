// TermDict: the term dictionary, string → dense id, as an open-addressing hash table over an arena
// of term bytes (1 MiB chunks). Compared with std::unordered_map<std::string, uint32_t> it needs
// one allocation per 1 MiB of terms instead of one per term, and a lookup touches one slot and one
// arena range, which is what matters with millions of syllable pairs. Thread-safety: none; Index
// guards it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace stio::search {

class TermDict {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

  TermDict() { slots_.assign(1024, Slot{0, kNone}); }

  uint32_t Find(std::string_view key) const {
    const uint64_t h = Hash(key);
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.id == kNone) return kNone;
      if (s.hash == static_cast<uint32_t>(h) && Name(s.id) == key) return s.id;
    }
  }

  // Returns the id of `key`, adding it if missing; `inserted` tells which.
  uint32_t Insert(std::string_view key, bool& inserted) {
    if ((spans_.size() + 1) * 2 > slots_.size()) Grow();
    const uint64_t h = Hash(key);
    size_t i = h & (slots_.size() - 1);
    for (;; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.id == kNone) break;
      if (s.hash == static_cast<uint32_t>(h) && Name(s.id) == key) {
        inserted = false;
        return s.id;
      }
    }
    const auto id = static_cast<uint32_t>(spans_.size());
    // Chunks never move once allocated (no copying of the arena as it grows).
    if (chunks_.empty() || chunks_.back().size() + key.size() > chunks_.back().capacity()) {
      chunks_.emplace_back();
      chunks_.back().reserve(std::max(kChunkBytes, key.size()));
    }
    spans_.push_back({static_cast<uint32_t>(chunks_.size() - 1),
                      static_cast<uint32_t>(chunks_.back().size()),
                      static_cast<uint32_t>(key.size())});
    chunks_.back().append(key);
    slots_[i] = Slot{static_cast<uint32_t>(h), id};
    inserted = true;
    return id;
  }

  std::string_view Name(uint32_t id) const {
    const Span& s = spans_[id];
    return std::string_view(chunks_[s.chunk]).substr(s.offset, s.size);
  }
  size_t size() const { return spans_.size(); }
  size_t MemoryBytes() const {
    return chunks_.size() * kChunkBytes + spans_.capacity() * sizeof(Span) +
           slots_.capacity() * sizeof(Slot);
  }

 private:
  struct Slot {
    uint32_t hash;
    uint32_t id;
  };
  static constexpr size_t kChunkBytes = 1 << 20;
  struct Span {
    uint32_t chunk;
    uint32_t offset;
    uint32_t size;
  };
  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>()(key); }
  void Grow() {
    std::vector<Slot> old(slots_.size() * 2, Slot{0, kNone});
    old.swap(slots_);
    for (uint32_t id = 0; id < spans_.size(); ++id) {
      const uint64_t h = Hash(Name(id));
      size_t i = h & (slots_.size() - 1);
      while (slots_[i].id != kNone) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = Slot{static_cast<uint32_t>(h), id};
    }
  }

  std::vector<std::string> chunks_;
  std::vector<Span> spans_;
  std::vector<Slot> slots_;
};

}  // namespace stio::search
