#include "search/postings.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace stio::search {

void* AllocateLarge(size_t bytes) {
  constexpr size_t kHuge = size_t{2} << 20;
  if (bytes < kHuge) return ::operator new(bytes);
  const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
  void* p = std::aligned_alloc(kHuge, rounded);
  if (p == nullptr) throw std::bad_alloc();
  (void)madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure leaves normal pages
  return p;
}

void FreeLarge(void* p, size_t bytes) {
  if (bytes < (size_t{2} << 20)) {
    ::operator delete(p);
  } else {
    std::free(p);
  }
}

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

PostingList& PostingList::operator=(PostingList&& o) noexcept {
  if (this == &o) return *this;
  Free();
  count = o.count;
  last_doc = o.last_doc;
  size_ = o.size_;
  cap_ = o.cap_;
  u_ = o.u_;
  o.count = o.last_doc = o.size_ = o.cap_ = 0;
  o.u_ = U{};
  return *this;
}

void PostingList::Free() {
  if (cap_ != 0) {
    std::free(u_.big.ptr);
    delete u_.big.ext;
  }
  cap_ = 0;
  size_ = 0;
  u_ = U{};
}

size_t PostingList::HeapBytes() const {
  if (cap_ == 0) return 0;
  size_t n = cap_;
  if (u_.big.ext) n += sizeof(Ext) + u_.big.ext->blocks.capacity() * sizeof(BlockMeta);
  return n;
}

void PostingList::Reserve(size_t n) {
  if (n <= (cap_ == 0 ? kInlineBytes : cap_)) return;
  size_t cap = cap_ == 0 ? 32 : cap_ + cap_ / 2;
  while (cap < n) cap += cap / 2;
  if (cap > 0xFFFFFFFFu) throw std::bad_alloc();
  if (cap_ == 0) {
    auto* p = static_cast<uint8_t*>(std::malloc(cap));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, u_.small, size_);
    u_.big.ptr = p;
    u_.big.ext = nullptr;
  } else {
    auto* p = static_cast<uint8_t*>(std::realloc(u_.big.ptr, cap));
    if (!p) throw std::bad_alloc();
    u_.big.ptr = p;
  }
  cap_ = static_cast<uint32_t>(cap);
}

PostingList::Ext& PostingList::ext() {
  Reserve(kInlineBytes + 1);  // blocks live only on heap lists
  if (!u_.big.ext) u_.big.ext = new Ext;
  return *u_.big.ext;
}

namespace {

// The frequencies of one posting (see postings.h) into tf[0..num_fields); writes zeros up to
// tf[kMaxFields - 1]. False if corrupt.
inline bool DecodeTfs(const uint8_t*& p, const uint8_t* end, size_t num_fields, uint16_t* tf) {
  uint32_t code;
  if (p < end && *p < 0x80) {
    code = *p++;
  } else if (!GetVarint(p, end, code)) {
    return false;
  }
  // Clear kMaxFields entries (a constant size: two stores, not a memset call per posting); the
  // caller's buffer has room for them.
  std::memset(tf, 0, kMaxFields * sizeof(uint16_t));
  if (!(code & 1)) {
    const uint32_t f = code >> 1 & 7, t = (code >> 4) + 1;
    if (f >= num_fields || t > 0xFFFF) return false;
    tf[f] = static_cast<uint16_t>(t);
    return true;
  }
  const uint32_t mask = code >> 1;
  if (mask >> num_fields) return false;
  for (size_t f = 0; f < num_fields; ++f) {
    if (!(mask >> f & 1)) continue;
    uint32_t t;
    if (!GetVarint(p, end, t) || t > 0xFFFF) return false;
    tf[f] = static_cast<uint16_t>(t);
  }
  return true;
}

uint8_t* EncodeVarint(uint8_t* p, uint32_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

}  // namespace

bool PostingList::Append(const Posting& p, size_t num_fields) {
  uint8_t buf[5 * (kMaxFields + 2)];
  uint8_t* e = EncodeVarint(buf, count == 0 ? p.doc : p.doc - last_doc);
  // Frequencies: one code; a single field f with frequency t (the usual case) is all in it.
  uint32_t mask = 0, single = 0;
  for (size_t f = 0; f < num_fields; ++f) {
    if (p.tf[f] == 0) continue;
    mask |= 1u << f;
    single = static_cast<uint32_t>((p.tf[f] - 1) << 3 | f);
  }
  if (mask != 0 && (mask & (mask - 1)) == 0) {
    e = EncodeVarint(e, single << 1);
  } else {
    e = EncodeVarint(e, mask << 1 | 1);
    for (size_t f = 0; f < num_fields; ++f) {
      if (mask >> f & 1) e = EncodeVarint(e, p.tf[f]);
    }
  }
  const auto n = static_cast<size_t>(e - buf);
  Reserve(size_ + n);
  uint8_t* dst = (cap_ == 0 ? u_.small : u_.big.ptr) + size_;
  for (size_t i = 0; i < n; ++i) dst[i] = buf[i];  // a few bytes: no memcpy call
  size_ += static_cast<uint32_t>(n);
  last_doc = p.doc;
  ++count;
  // Blocks hold kBlockSize postings each, so the tail can only be full at a multiple of it; the
  // exact test reads the block table, another cache miss, so it runs only then.
  return count % kBlockSize == 0 && tail_count() == kBlockSize;
}

void PostingList::SealTail(float max_pseudo_tf, const std::array<float, kMaxFields>& avg) {
  Ext& e = ext();
  BlockMeta meta;
  meta.offset = e.tail_offset;
  meta.last_doc = last_doc;
  meta.max_pseudo_tf = max_pseudo_tf;
  meta.avg = avg;
  e.blocks.push_back(meta);
  e.tail_offset = size_;
}

void PostingList::Assign(const uint8_t* bytes, size_t n, std::vector<BlockMeta> blocks,
                         uint32_t tail_offset) {
  const uint32_t c = count, l = last_doc;
  Free();
  count = c;
  last_doc = l;
  if (n > kInlineBytes || !blocks.empty()) {
    Reserve(std::max(n, kInlineBytes + 1));
  }
  if (n) std::memcpy(cap_ == 0 ? u_.small : u_.big.ptr, bytes, n);
  size_ = static_cast<uint32_t>(n);
  if (!blocks.empty()) {
    Ext& e = ext();
    e.blocks = std::move(blocks);
    e.tail_offset = tail_offset;
  }
}

int DecodeBlockInto(const PostingList& list, size_t block, size_t num_fields, uint32_t* docs,
                    uint16_t* tfs) {
  const size_t nb = list.num_blocks();
  if (block > nb) return -1;
  const bool tail = block == nb;
  const size_t n = tail ? list.tail_count() : kBlockSize;
  if (n > kBlockSize) return -1;
  const uint32_t begin = tail ? list.tail_offset() : list.block(block).offset;
  const size_t end_off = tail             ? list.size()
                         : block + 1 < nb ? list.block(block + 1).offset
                                          : list.tail_offset();
  if (begin > end_off || end_off > list.size()) return -1;
  const uint8_t* p = list.data() + begin;
  const uint8_t* end = list.data() + end_off;
  uint32_t prev = block == 0 ? 0 : list.block(block - 1).last_doc;
  for (size_t i = 0; i < n; ++i) {
    uint32_t delta;
    if (p < end && *p < 0x80) {
      delta = *p++;
    } else if (!GetVarint(p, end, delta)) {
      return -1;
    }
    if (delta == 0 && (block > 0 || i > 0)) return -1;  // documents strictly increase
    if (prev + delta < prev) return -1;                 // overflow
    prev += delta;
    docs[i] = prev;
    if (!DecodeTfs(p, end, num_fields, tfs + i * num_fields)) return -1;
  }
  return p == end ? static_cast<int>(n) : -1;
}

bool DecodeBlock(const PostingList& list, size_t block, size_t num_fields,
                 std::vector<Posting>& out) {
  std::array<uint32_t, kBlockSize> docs;
  std::array<uint16_t, kBlockSize * kMaxFields> tfs;
  const int n = DecodeBlockInto(list, block, num_fields, docs.data(), tfs.data());
  if (n < 0) return false;
  out.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    out[i].doc = docs[i];
    out[i].tf.fill(0);
    for (size_t f = 0; f < num_fields; ++f) out[i].tf[f] = tfs[i * num_fields + f];
  }
  return true;
}

Cursor::Cursor(const PostingList* list, size_t num_fields) : list_(list), num_fields_(num_fields) {
  EnterBlock(0, 0);
}

void Cursor::EnterBlock(size_t b, uint32_t base) {
  const size_t nb = list_->num_blocks();
  if (b > nb) return End();
  const uint32_t begin = b == nb ? list_->tail_offset() : list_->block(b).offset;
  const size_t end = b == nb      ? list_->size()
                     : b + 1 < nb ? list_->block(b + 1).offset
                                  : list_->tail_offset();
  // Lists are validated when loaded from disk, so bad offsets would be a bug; end the list rather
  // than read garbage.
  if (begin >= end || end > list_->size()) return End();
  block_ = b;
  block_last_ = b == nb ? list_->last_doc : list_->block(b).last_doc;
  p_ = list_->data() + begin;
  end_ = list_->data() + end;
  doc_ = base;
  Decode();
}

void Cursor::DecodeSlow() {
  uint32_t delta;
  if (*p_ < 0x80) {
    delta = *p_++;
  } else if (!GetVarint(p_, end_, delta)) {
    return End();
  }
  if (doc_ + delta < doc_) return End();
  doc_ += delta;
  if (!DecodeTfs(p_, end_, num_fields_, tf_.data())) return End();
  single_ = -1;
  for (size_t f = 0; f < num_fields_; ++f) {
    if (tf_[f] == 0) continue;
    if (single_ >= 0) {
      single_ = -1;
      break;
    }
    single_ = static_cast<int>(f);
  }
}

void Cursor::SkipTo(uint32_t target) {
  const size_t nb = list_->num_blocks();
  if (block_ >= nb) return End();  // in the tail, past the list's last document
  size_t b = block_ + 1;
  if (shallow_ > b && list_->block(shallow_ - 1).last_doc < target) b = shallow_;
  while (b < nb && list_->block(b).last_doc < target) ++b;
  EnterBlock(b, list_->block(b - 1).last_doc);
}

}  // namespace stio::search
