// Compressed posting lists with per-field term frequencies, and cursors over them.
//
// A list is one byte stream of postings in increasing document order: for each posting a varint
// document delta and one varint frequency per field. Every kBlockSize postings form a block with a
// skip entry (BlockMeta: last document, byte offset, score upper bound); the postings after the
// last full block are the "tail", which absorbs appends (documents always get increasing internal
// ids, so an add only ever appends).
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
  uint32_t count = 0;        // postings, including ones of deleted documents
  uint32_t last_doc = 0;     // of the last posting (valid if count > 0)
  uint32_t tail_offset = 0;  // where the tail starts in `bytes`

  uint32_t tail_count() const { return count - static_cast<uint32_t>(blocks.size() * kBlockSize); }
  // Appends a posting; REQUIRES: p.doc > last_doc or count == 0. Returns true when the tail is
  // full and the caller must seal it with SealTail.
  bool Append(const Posting& p, size_t num_fields);
  void SealTail(float max_pseudo_tf, const std::array<float, kMaxFields>& avg);
};

void PutVarint(std::vector<uint8_t>& out, uint32_t v);
// Returns false on truncated or over-long input.
bool GetVarint(const uint8_t*& p, const uint8_t* end, uint32_t& v);

// Decodes block `block` (block == blocks.size() means the tail) into `out`. Returns false if the
// bytes are corrupt.
bool DecodeBlock(const PostingList& list, size_t block, size_t num_fields,
                 std::vector<Posting>& out);

// A forward cursor. doc() == kEnd when exhausted. Safe to move (e.g. in a std::vector).
class Cursor {
 public:
  static constexpr uint32_t kEnd = 0xFFFFFFFFu;
  Cursor(const PostingList* list, size_t num_fields);
  uint32_t doc() const { return doc_; }
  const Posting& posting() const { return buf_[i_]; }
  void Next();
  // Moves to the first posting with doc >= target.
  void NextGeq(uint32_t target);

 private:
  void LoadBlock(size_t b);
  const PostingList* list_;
  size_t num_fields_;
  size_t block_ = 0;  // current block; blocks.size() means the tail
  std::vector<Posting> buf_;
  size_t i_ = 0;
  uint32_t doc_ = kEnd;
};

}  // namespace stio::search
