#include "search/postings.h"

namespace stio::search {

void PutVarint(std::vector<uint8_t>& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

bool GetVarint(const uint8_t*& p, const uint8_t* end, uint32_t& v) {
  v = 0;
  for (int shift = 0; shift <= 28; shift += 7) {
    if (p == end) return false;
    const uint8_t b = *p++;
    v |= static_cast<uint32_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

bool PostingList::Append(const Posting& p, size_t num_fields) {
  PutVarint(bytes, count == 0 ? p.doc : p.doc - last_doc);
  for (size_t f = 0; f < num_fields; ++f) PutVarint(bytes, p.tf[f]);
  last_doc = p.doc;
  ++count;
  return tail_count() == kBlockSize;
}

void PostingList::SealTail(float max_pseudo_tf, const std::array<float, kMaxFields>& avg) {
  BlockMeta meta;
  meta.offset = tail_offset;
  meta.last_doc = last_doc;
  meta.max_pseudo_tf = max_pseudo_tf;
  meta.avg = avg;
  blocks.push_back(meta);
  tail_offset = static_cast<uint32_t>(bytes.size());
}

bool DecodeBlock(const PostingList& list, size_t block, size_t num_fields,
                 std::vector<Posting>& out) {
  const bool tail = block == list.blocks.size();
  const size_t n = tail ? list.tail_count() : kBlockSize;
  const uint32_t begin = tail ? list.tail_offset : list.blocks[block].offset;
  const uint32_t end_off = tail                             ? list.bytes.size()
                           : block + 1 < list.blocks.size() ? list.blocks[block + 1].offset
                                                            : list.tail_offset;
  if (begin > end_off || end_off > list.bytes.size()) return false;
  out.resize(n);
  const uint8_t* p = list.bytes.data() + begin;
  const uint8_t* end = list.bytes.data() + end_off;
  uint32_t prev = block == 0 ? 0 : list.blocks[block - 1].last_doc;
  for (size_t i = 0; i < n; ++i) {
    uint32_t delta;
    if (!GetVarint(p, end, delta)) return false;
    if (delta == 0 && (block > 0 || i > 0)) return false;  // documents strictly increase
    if (prev + delta < prev) return false;                 // overflow
    out[i].doc = prev + delta;
    prev = out[i].doc;
    for (size_t f = 0; f < num_fields; ++f) {
      uint32_t tf;
      if (!GetVarint(p, end, tf)) return false;
      out[i].tf[f] = static_cast<uint16_t>(tf);
    }
  }
  return p == end;
}

Cursor::Cursor(const PostingList* list, size_t num_fields) : list_(list), num_fields_(num_fields) {
  buf_.reserve(kBlockSize);
  LoadBlock(0);
}

void Cursor::LoadBlock(size_t b) {
  block_ = b;
  i_ = 0;
  // Lists are validated when loaded from disk, so a decode failure would be a bug; end the list
  // rather than read garbage.
  if (b > list_->blocks.size() || !DecodeBlock(*list_, b, num_fields_, buf_) || buf_.empty()) {
    block_ = list_->blocks.size();
    buf_.clear();
    doc_ = kEnd;
    return;
  }
  doc_ = buf_[0].doc;
}

void Cursor::Next() {
  if (doc_ == kEnd) return;
  if (++i_ < buf_.size()) {
    doc_ = buf_[i_].doc;
  } else if (block_ < list_->blocks.size()) {
    LoadBlock(block_ + 1);
  } else {
    doc_ = kEnd;
  }
}

void Cursor::NextGeq(uint32_t target) {
  if (doc_ == kEnd || doc_ >= target) return;
  if (block_ < list_->blocks.size() && list_->blocks[block_].last_doc < target) {
    size_t b = block_ + 1;
    while (b < list_->blocks.size() && list_->blocks[b].last_doc < target) ++b;
    LoadBlock(b);
    if (doc_ == kEnd) return;
  }
  while (doc_ != kEnd && doc_ < target) Next();
}

}  // namespace stio::search
