// Compressed posting lists with per-field term frequencies, and cursors over them.
//
// A list is a sequence of blocks of kBlockSize postings in increasing document order, plus an
// uncompressed tail that absorbs appends (documents always get increasing internal ids, so an add
// only ever appends). Each full block is stored as varint deltas and varint per-field frequencies,
// with its last document (for skipping) and an upper bound of its BM25F pseudo-frequency (for
// dynamic pruning; see BlockMeta).
// Thread-safety: none here; Index guards lists with its own lock.
#pragma once

#include <array>
#include <cstdint>
#include <string>
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
  uint32_t offset = 0;  // into PostingList::bytes
  // Max over the block of sum_f w_f * tf_f / norm_f, where norm_f = 1 - b_f + b_f * len / avg_f was
  // computed with the average field lengths of the moment (`avg`). When averages change later the
  // bound stays safe after scaling by max_f max(1, avg_now_f / avg_f) (norm is monotone in avg).
  float max_pseudo_tf = 0;
  std::array<float, kMaxFields> avg{};
};

struct PostingList {
  std::vector<uint8_t> bytes;
  std::vector<BlockMeta> blocks;
  std::vector<Posting> tail;
  uint32_t count = 0;  // postings, including ones of deleted documents

  uint32_t last_doc() const {
    return !tail.empty() ? tail.back().doc : (blocks.empty() ? 0 : blocks.back().last_doc);
  }
};

void PutVarint(std::vector<uint8_t>& out, uint32_t v);
// Returns false on truncated or over-long input.
bool GetVarint(const uint8_t*& p, const uint8_t* end, uint32_t& v);

// Encodes `tail` (exactly kBlockSize postings) as a new block of `list` and clears the tail.
void SealBlock(PostingList& list, size_t num_fields, float max_pseudo_tf,
               const std::array<float, kMaxFields>& avg);

// Decodes one block into `out` (size kBlockSize). Returns false if the bytes are corrupt.
bool DecodeBlock(const PostingList& list, size_t block, size_t num_fields,
                 std::vector<Posting>& out);

// A forward cursor. doc() == kEnd when exhausted.
class Cursor {
 public:
  static constexpr uint32_t kEnd = 0xFFFFFFFFu;
  Cursor(const PostingList* list, size_t num_fields);
  uint32_t doc() const { return doc_; }
  const Posting& posting() const { return cur()[i_]; }
  void Next();
  // Moves to the first posting with doc >= target.
  void NextGeq(uint32_t target);

 private:
  void LoadBlock(size_t b);
  // The decoded current block, or the list's tail. (A function, not a pointer, so that cursors
  // stay valid when moved, e.g. inside a std::vector.)
  const std::vector<Posting>& cur() const {
    return block_ < list_->blocks.size() ? buf_ : list_->tail;
  }
  const PostingList* list_;
  size_t num_fields_;
  size_t block_ = 0;  // current block; blocks.size() means the tail
  std::vector<Posting> buf_;
  size_t i_ = 0;
  uint32_t doc_ = kEnd;
};

}  // namespace stio::search
