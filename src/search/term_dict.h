// TermDict: string → dense id, as an open-addressing hash table over an arena of bytes (1 MiB
// chunks); the index keeps its syllable forms in one. Compared with
// std::unordered_map<std::string, uint32_t> it needs one allocation per 1 MiB of strings instead of
// one per string, and a lookup touches one slot and one arena range. Thread-safety: none; Index
// guards it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"
#include "search/postings.h"

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
  uint32_t Insert(std::string_view key, bool& inserted) { return Insert(key, Hash(key), inserted); }
  // The same with h = Hash(key), for callers that prefetch (PrefetchSlot) a few keys ahead.
  uint32_t Insert(std::string_view key, uint64_t h, bool& inserted) {
    if ((spans_.size() + 1) * 2 > slots_.size()) Grow();
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
      // The first chunks are small (a dictionary of one document's syllables is common), then
      // they double up to kChunkBytes.
      const size_t want =
          chunks_.empty() ? kFirstChunkBytes : std::min(kChunkBytes, 2 * chunks_.back().capacity());
      chunks_.emplace_back();
      chunks_.back().reserve(std::max(want, key.size()));
    }
    spans_.push_back({static_cast<uint32_t>(chunks_.size() - 1),
                      static_cast<uint32_t>(chunks_.back().size()),
                      static_cast<uint32_t>(key.size())});
    chunks_.back().append(key);
    slots_[i] = Slot{static_cast<uint32_t>(h), id};
    inserted = true;
    return id;
  }

  static uint64_t Hash(std::string_view key) { return HashShortBytes(key); }
  // Fetches the slot where a lookup of the key with hash h starts (and, if it is taken, the
  // bytes of the key there).
  void Prefetch(uint64_t h) const {
    const Slot& s = slots_[h & (slots_.size() - 1)];
    __builtin_prefetch(&s);
  }

  std::string_view Name(uint32_t id) const {
    const Span& s = spans_[id];
    return std::string_view(chunks_[s.chunk]).substr(s.offset, s.size);
  }
  size_t size() const { return spans_.size(); }
  size_t MemoryBytes() const {
    size_t bytes = 0;
    for (const std::string& c : chunks_) bytes += c.capacity();
    return bytes + spans_.capacity() * sizeof(Span) + slots_.capacity() * sizeof(Slot);
  }

 private:
  struct Slot {
    uint32_t hash;
    uint32_t id;
  };
  static constexpr size_t kFirstChunkBytes = 1 << 12;
  static constexpr size_t kChunkBytes = 1 << 20;
  struct Span {
    uint32_t chunk;
    uint32_t offset;
    uint32_t size;
  };
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

namespace stio::search {

// TermTable: the dictionary of terms as integer keys, key → dense id. A term is a syllable id and,
// for an adjacent pair, the id of the second syllable: key = a << 32 | b, b = kNoSyllable for a
// single syllable (see index_internal.h). Open addressing over 8-byte slots holding an id and a
// 32-bit hash of the key, whose low bits choose the home slot: a probe reads the key (in a chunked
// array by id, which is also what KeyOf reads) only when the stored hash matches, so a collision
// chain costs no cache miss per step (with slots of ids alone, every step read a key at random:
// two thirds of the build's term-table time), and growing moves slots in order without reading
// a key (the new home is in the stored hash).
// Thread-safety: none; Index guards it.
class TermTable {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

  TermTable() { slots_.assign(1024, Slot{}); }

  static uint64_t Key(uint32_t a, uint32_t b) { return static_cast<uint64_t>(a) << 32 | b; }

  uint32_t Find(uint64_t key) const {
    const uint32_t h = Hash(key);
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot s = slots_[i];
      if (s.id == kNone) return kNone;
      if (s.hash == h && keys_[s.id] == key) return s.id;
    }
  }

  // Returns the id of `key`, adding it if missing; `inserted` tells which.
  uint32_t Insert(uint64_t key, bool& inserted) {
    if ((keys_.size() + 1) * 4 > slots_.size() * 3) Rehash(slots_.size() * 2);
    const uint32_t h = Hash(key);
    size_t i = h & (slots_.size() - 1);
    for (;; i = (i + 1) & (slots_.size() - 1)) {
      const Slot s = slots_[i];
      if (s.id == kNone) break;
      if (s.hash == h && keys_[s.id] == key) {
        inserted = false;
        return s.id;
      }
    }
    const auto id = static_cast<uint32_t>(keys_.size());
    keys_.emplace_back() = key;
    slots_[i] = Slot{h, id};
    inserted = true;
    return id;
  }

  // Prefetching for batches of lookups (one document's terms): stage 1 fetches the slot of `key`;
  // stage 2, some lookups later, the key (and returns the id) the first slot of the chain with
  // the same hash points at, if any (a later miss of the chain can only be another slot).
  void PrefetchSlot(uint64_t key) const {
    __builtin_prefetch(&slots_[Hash(key) & (slots_.size() - 1)]);
  }
  uint32_t PrefetchKey(uint64_t key) const {
    const uint32_t h = Hash(key);
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot s = slots_[i];
      if (s.id == kNone) return kNone;
      if (s.hash == h) {
        __builtin_prefetch(&keys_[s.id]);
        return s.id;
      }
    }
  }

  // Bulk loading (Index::Load): append every key with AppendUnindexed, then BuildIndex places them
  // all at once, in slot order (sequential writes instead of a cache miss per key). BuildIndex
  // returns false if a key was appended twice.
  void AppendUnindexed(uint64_t key) { keys_.emplace_back() = key; }
  bool BuildIndex() {
    size_t want = 1024;
    while (keys_.size() * 4 > want * 3) want *= 2;
    slots_.assign(want, Slot{});
    const size_t mask = want - 1;
    std::vector<Slot> order(keys_.size());
    for (uint32_t id = 0; id < keys_.size(); ++id) order[id] = Slot{Hash(keys_[id]), id};
    // By home slot, then by hash and key (equal keys end up side by side).
    std::sort(order.begin(), order.end(), [&](const Slot& x, const Slot& y) {
      const size_t hx = x.hash & mask, hy = y.hash & mask;
      if (hx != hy) return hx < hy;
      return x.hash != y.hash ? x.hash < y.hash : keys_[x.id] < keys_[y.id];
    });
    size_t next = 0;  // first slot not yet known to be taken, for homes in increasing order
    std::vector<Slot> wrapped;
    for (size_t i = 0; i < order.size(); ++i) {
      const Slot s = order[i];
      if (i > 0 && order[i - 1].hash == s.hash && keys_[order[i - 1].id] == keys_[s.id]) {
        return false;
      }
      const size_t pos = std::max<size_t>(s.hash & mask, next);
      if (pos > mask) {
        wrapped.push_back(s);  // runs past the end: probes continue at slot 0
        continue;
      }
      slots_[pos] = s;
      next = pos + 1;
    }
    for (const Slot& s : wrapped) Place(s);
    return true;
  }

  uint64_t KeyOf(uint32_t id) const { return keys_[id]; }
  size_t size() const { return keys_.size(); }
  size_t MemoryBytes() const { return keys_.MemoryBytes() + slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    uint32_t hash = 0;  // Hash(key); its low bits are the home slot
    uint32_t id = kNone;
  };
  static uint32_t Hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return static_cast<uint32_t>(k >> 32);
  }
  void Place(Slot s) {
    size_t i = s.hash & (slots_.size() - 1);
    while (slots_[i].id != kNone) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = s;
  }
  // Moves every slot to a table of n slots, in the old slots' order: their new homes come nearly
  // in order too (a home h becomes h or h + the old size), so the writes stream.
  void Rehash(size_t n) {
    std::vector<Slot, LargeAllocator<Slot>> old(n, Slot{});
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.id != kNone) Place(s);
    }
  }

  ChunkedVector<uint64_t> keys_;
  std::vector<Slot, LargeAllocator<Slot>> slots_;
};

}  // namespace stio::search
