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

void SealBlock(PostingList& list, size_t num_fields, float max_pseudo_tf,
               const std::array<float, kMaxFields>& avg) {
  BlockMeta meta;
  meta.offset = static_cast<uint32_t>(list.bytes.size());
  uint32_t prev = list.blocks.empty() ? 0 : list.blocks.back().last_doc;
  for (const Posting& p : list.tail) {
    PutVarint(list.bytes, p.doc - prev);
    prev = p.doc;
    for (size_t f = 0; f < num_fields; ++f) PutVarint(list.bytes, p.tf[f]);
  }
  meta.last_doc = prev;
  meta.max_pseudo_tf = max_pseudo_tf;
  meta.avg = avg;
  list.blocks.push_back(meta);
  list.tail.clear();
}

bool DecodeBlock(const PostingList& list, size_t block, size_t num_fields,
                 std::vector<Posting>& out) {
  out.resize(kBlockSize);
  const uint8_t* p = list.bytes.data() + list.blocks[block].offset;
  const uint8_t* end = block + 1 < list.blocks.size()
                           ? list.bytes.data() + list.blocks[block + 1].offset
                           : list.bytes.data() + list.bytes.size();
  uint32_t prev = block == 0 ? 0 : list.blocks[block - 1].last_doc;
  for (size_t i = 0; i < kBlockSize; ++i) {
    uint32_t delta;
    if (!GetVarint(p, end, delta)) return false;
    out[i].doc = prev + delta;
    prev = out[i].doc;
    for (size_t f = 0; f < num_fields; ++f) {
      uint32_t tf;
      if (!GetVarint(p, end, tf)) return false;
      out[i].tf[f] = static_cast<uint16_t>(tf);
    }
  }
  return true;
}

Cursor::Cursor(const PostingList* list, size_t num_fields)
    : list_(list), num_fields_(num_fields) {
  buf_.reserve(kBlockSize);
  LoadBlock(0);
}

void Cursor::LoadBlock(size_t b) {
  block_ = b;
  i_ = 0;
  if (b < list_->blocks.size()) {
    // Lists are validated when loaded from disk, so a decode failure is a programmer error; treat
    // the rest of the list as empty rather than reading garbage.
    if (!DecodeBlock(*list_, b, num_fields_, buf_)) {
      doc_ = kEnd;
      block_ = list_->blocks.size() + 1;
      return;
    }
  } else if (b > list_->blocks.size()) {
    doc_ = kEnd;
    return;
  }
  doc_ = cur().empty() ? kEnd : cur()[0].doc;
}

void Cursor::Next() {
  if (doc_ == kEnd) return;
  if (++i_ < cur().size()) {
    doc_ = cur()[i_].doc;
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
