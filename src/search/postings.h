// Compressed posting lists with per-field term frequencies, and cursors over them.
//
// A list is one byte stream of postings in increasing document order: for each posting a varint
// document delta and a varint frequency code: ((tf - 1) << 4 | field << 1) when only one field has
// the term (one byte for frequencies up to 8), else (field_mask << 1 | 1) followed by one varint
// frequency per field in the mask. (No division by the number of fields when decoding.) Every
// kBlockSize postings form a block with a skip entry (BlockMeta: last document, byte offset, score
// upper bound); the postings after the last full block are the "tail", which absorbs appends
// (documents always get increasing internal ids, so an add only ever appends).
//
// Memory: an index holds millions of lists, most of them with one or two postings (rare syllable
// pairs), so a PostingList is 32 bytes and keeps up to kInlineBytes of postings inside itself; a
// longer list moves its bytes to the heap (growing by 1.5×), and only lists with at least one full
// block allocate the block table.
// Thread-safety: none here; Index guards lists with its own lock.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace stio::search {

inline constexpr size_t kBlockSize = 128;
inline constexpr size_t kMaxFields = 8;

struct Posting {
  uint32_t doc = 0;
  std::array<uint16_t, kMaxFields> tf{};  // per field, saturating
};

struct BlockMeta {
  uint32_t last_doc = 0;
  uint32_t offset = 0;  // into the list's bytes
  // Max over the block of sum_f w_f * tf_f / norm_f, where norm_f = 1 - b_f + b_f * len / avg_f was
  // computed with the average field lengths of the moment (`avg`). When averages change later the
  // bound stays safe after scaling by max_f max(1, avg_now_f / avg_f) (norm is monotone in avg).
  float max_pseudo_tf = 0;
  std::array<float, kMaxFields> avg{};
};

class PostingList {
 public:
  static constexpr size_t kInlineBytes = 16;

  PostingList() = default;
  ~PostingList() { Free(); }
  PostingList(const PostingList&) = delete;
  PostingList& operator=(const PostingList&) = delete;
  PostingList(PostingList&& o) noexcept { *this = std::move(o); }
  PostingList& operator=(PostingList&& o) noexcept;

  uint32_t count = 0;     // postings, including ones of deleted documents
  uint32_t last_doc = 0;  // of the last posting (valid if count > 0)

  const uint8_t* data() const { return cap_ == 0 ? u_.small : u_.big.ptr; }
  size_t size() const { return size_; }
  size_t num_blocks() const { return cap_ == 0 || !u_.big.ext ? 0 : u_.big.ext->blocks.size(); }
  const BlockMeta& block(size_t b) const { return u_.big.ext->blocks[b]; }
  // Where the tail starts in the bytes.
  uint32_t tail_offset() const { return cap_ == 0 || !u_.big.ext ? 0 : u_.big.ext->tail_offset; }
  uint32_t tail_count() const { return count - static_cast<uint32_t>(num_blocks() * kBlockSize); }
  // Heap bytes owned by this list (beyond sizeof(PostingList)).
  size_t HeapBytes() const;

  // Appends a posting; REQUIRES: p.doc > last_doc or count == 0. Returns true when the tail is
  // full and the caller must seal it with SealTail.
  bool Append(const Posting& p, size_t num_fields);
  void SealTail(float max_pseudo_tf, const std::array<float, kMaxFields>& avg);

  // Replaces the whole content (Load, tests). Nothing is validated here.
  void Assign(const uint8_t* bytes, size_t n, std::vector<BlockMeta> blocks, uint32_t tail_offset);
  std::vector<uint8_t> CopyBytes() const { return {data(), data() + size_}; }

 private:
  struct Ext {
    std::vector<BlockMeta> blocks;
    uint32_t tail_offset = 0;
  };
  void Free();
  void Reserve(size_t n);
  Ext& ext();

  uint32_t size_ = 0;
  uint32_t cap_ = 0;  // heap capacity; 0 while the bytes are inline
  union U {
    uint8_t small[kInlineBytes];
    struct {
      uint8_t* ptr;
      Ext* ext;  // null until the first block is sealed
    } big;
  } u_{};
};
static_assert(sizeof(PostingList) == 32);

void PutVarint(std::vector<uint8_t>& out, uint32_t v);
// Returns false on truncated or over-long input.
bool GetVarint(const uint8_t*& p, const uint8_t* end, uint32_t& v);

// Decodes block `block` (block == num_blocks() means the tail) into `out`. Returns false if the
// bytes are corrupt.
bool DecodeBlock(const PostingList& list, size_t block, size_t num_fields,
                 std::vector<Posting>& out);

// Decodes block `block` (as DecodeBlock) into docs[0..n) and tfs[i * num_fields + f]; returns the
// number of postings, or -1 if the bytes are corrupt. docs must hold kBlockSize entries and tfs
// kBlockSize * kMaxFields.
int DecodeBlockInto(const PostingList& list, size_t block, size_t num_fields, uint32_t* docs,
                    uint16_t* tfs);

// A forward cursor. doc() == kEnd when exhausted. It decodes one posting at a time (no block
// buffer): a probe that lands in a block decodes only up to its target, and a Cursor is small.
// The per-posting path (Next, NextGeq within a block) is inline; entering a block is not.
class Cursor {
 public:
  static constexpr uint32_t kEnd = 0xFFFFFFFFu;
  Cursor(const PostingList* list, size_t num_fields);
  uint32_t doc() const { return doc_; }
  // Term frequencies of the current posting, one per field.
  const uint16_t* tf() const { return tf_.data(); }
  // The field of the current posting when the term occurs in one field only (the usual case),
  // else -1; then tf()[single_field()] is its frequency and every other entry is 0.
  int single_field() const { return single_; }
  Posting posting() const {
    Posting p;
    p.doc = doc_;
    for (size_t f = 0; f < num_fields_; ++f) p.tf[f] = tf_[f];
    return p;
  }
  void Next() {
    if (p_ == end_) {
      if (doc_ != kEnd) EnterBlock(block_ + 1, doc_);
      return;
    }
    Decode();
  }
  // Moves to the first posting with doc >= target.
  void NextGeq(uint32_t target) {
    if (doc_ >= target) return;  // also when exhausted (kEnd)
    if (target > block_last_) SkipTo(target);
    // Postings before the target are passed over without decoding their frequencies (the usual
    // two-byte posting; any other is decoded whole).
    // (In locals: the cursor is written back only when the walk ends or decodes a posting.)
    const uint8_t* p = p_;
    uint32_t d = doc_;
    while (d < target) {
      if (end_ - p >= 2 && p[0] < 0x80 && p[1] < 0x80 && !(p[1] & 1) && d + p[0] < target) {
        d += p[0];
        p += 2;
        continue;
      }
      p_ = p;
      doc_ = d;
      Next();
      p = p_;
      d = doc_;
    }
    p_ = p;
    doc_ = d;
  }
  // Calls one(cursor) for every posting from the current one up to (not including) `hi`, and
  // leaves the cursor on the first posting >= hi (or exhausted). The usual two-byte postings
  // (see Decode) go to usual(doc, field, tf) instead, read straight from the bytes without
  // updating the cursor between them.
  template <class Usual, class One>
  void ScanTo(uint32_t hi, Usual&& usual, One&& one) {
    while (doc_ < hi) {
      one(*this);
      const uint8_t* p = p_;
      uint32_t d = doc_;
      while (end_ - p >= 2 && p[0] < 0x80 && p[1] < 0x80 && !(p[1] & 1) &&
             static_cast<size_t>(p[1] >> 1 & 7) < num_fields_) {
        const uint32_t next = d + p[0];
        if (next >= hi) break;
        usual(next, static_cast<size_t>(p[1] >> 1 & 7), static_cast<uint16_t>((p[1] >> 4) + 1));
        d = next;
        p += 2;
      }
      p_ = p;
      doc_ = d;
      Next();
    }
  }
  // The block the cursor is in (num_blocks() for the tail).
  size_t block() const { return block_; }
  // The block that would hold `target` (num_blocks() for the tail), found from the skip entries
  // without decoding anything; later NextGeq calls start their skipping there.
  size_t ShallowAdvance(uint32_t target) {
    const size_t nb = list_->num_blocks();
    if (shallow_ < block_) shallow_ = block_;
    while (shallow_ < nb && list_->block(shallow_).last_doc < target) ++shallow_;
    return shallow_;
  }
  const PostingList* list() const { return list_; }

 private:
  // Positions the cursor on the first posting of block b (base: the document before it).
  void EnterBlock(size_t b, uint32_t base);
  // Enters the block holding `target` (target > the current block's last document).
  void SkipTo(uint32_t target);
  // Decodes the posting at p_ (relative to doc_); the rare cases go to DecodeSlow.
  void Decode() {
    // The usual posting: a one-byte delta and a one-byte code for one field with tf <= 8.
    if (end_ - p_ >= 2 && p_[0] < 0x80 && p_[1] < 0x80 && !(p_[1] & 1)) {
      const uint32_t code = p_[1];
      const int f = static_cast<int>(code >> 1 & 7);
      if (static_cast<size_t>(f) < num_fields_) {
        doc_ += p_[0];
        p_ += 2;
        if (single_ >= 0) {
          tf_[static_cast<size_t>(single_)] = 0;
        } else {
          tf_.fill(0);
        }
        single_ = f;
        tf_[static_cast<size_t>(f)] = static_cast<uint16_t>((code >> 4) + 1);
        return;
      }
    }
    DecodeSlow();
  }
  void DecodeSlow();
  void End() {
    doc_ = kEnd;
    p_ = end_ = nullptr;
    block_last_ = kEnd;
  }
  const PostingList* list_;
  size_t num_fields_;
  size_t block_ = 0;            // current block; num_blocks() means the tail
  size_t shallow_ = 0;          // every block before it ends before the last ShallowAdvance target
  const uint8_t* p_ = nullptr;  // next posting in the current block
  const uint8_t* end_ = nullptr;  // end of the current block's bytes
  uint32_t doc_ = kEnd;
  uint32_t block_last_ = kEnd;  // last document of the current block
  int single_ = -1;
  std::array<uint16_t, kMaxFields> tf_{};
};

// Memory for the index's large tables (term slots, lists): blocks of 2 MiB or more are 2 MiB
// aligned and offered to the kernel as huge pages (madvise; where transparent huge pages are off
// this is plain memory). A build or a query touches these tables at random: with 4 KiB pages
// nearly every access also missed the TLB. Smaller blocks come from operator new.
void* AllocateLarge(size_t bytes);
void FreeLarge(void* p, size_t bytes);

template <class T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <class U>
  LargeAllocator(const LargeAllocator<U>&) noexcept {}
  T* allocate(size_t n) { return static_cast<T*>(AllocateLarge(n * sizeof(T))); }
  void deallocate(T* p, size_t n) noexcept { FreeLarge(p, n * sizeof(T)); }
  friend bool operator==(const LargeAllocator&, const LargeAllocator&) { return true; }
};

// A fixed-size-chunk vector: elements never move once created and growth never copies (lists and
// term keys number in the millions; a doubling std::vector would briefly hold 3× their size).
template <class T, size_t kChunk = 1 << 16>
class ChunkedVector {
 public:
  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector&) = delete;
  ChunkedVector& operator=(const ChunkedVector&) = delete;
  ~ChunkedVector() {
    for (size_t i = 0; i < size_; ++i) (*this)[i].~T();
  }

  T& operator[](size_t i) { return chunks_[i / kChunk].get()[i % kChunk]; }
  const T& operator[](size_t i) const { return chunks_[i / kChunk].get()[i % kChunk]; }
  size_t size() const { return size_; }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    // Chunks are raw memory, each element constructed as it is added: a chunk's pages are touched
    // only as it fills (a small table does not pay for a whole chunk).
    if (size_ == chunks_.size() * kChunk) {
      chunks_.push_back(Chunk(static_cast<T*>(AllocateLarge(kChunk * sizeof(T)))));
    }
    T* e = new (&(*this)[size_]) T(std::forward<Args>(args)...);
    ++size_;
    return *e;
  }
  void push_back(T&& v) { emplace_back(std::move(v)); }
  void resize(size_t n) {
    while (size_ < n) emplace_back();
  }
  size_t MemoryBytes() const { return chunks_.size() * kChunk * sizeof(T); }

 private:
  struct FreeChunk {
    void operator()(T* p) const { FreeLarge(p, kChunk * sizeof(T)); }
  };
  using Chunk = std::unique_ptr<T, FreeChunk>;
  std::vector<Chunk> chunks_;
  size_t size_ = 0;
};

}  // namespace stio::search
