// Save/Load of search::Index; the format is described in index_format.md.
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "search/index.h"
#include "search/index_internal.h"

namespace stio::search {
namespace {

constexpr char kMagic[8] = {'S', 'T', 'I', 'O', 'S', 'R', 'C', 'H'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kNoParent = 0;

class Writer {
 public:
  void U32(uint32_t v) {
    std::vector<uint8_t> b;
    PutVarint(b, v);
    out_.append(reinterpret_cast<const char*>(b.data()), b.size());
  }
  void Raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  void F32(float f) { Raw(&f, 4); }
  void I64(int64_t v) { Raw(&v, 8); }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}
  bool U32(uint32_t& v) { return GetVarint(p_, end_, v); }
  bool Raw(void* dst, size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    std::memcpy(dst, p_, n);
    p_ += n;
    return true;
  }
  bool F32(float& f) { return Raw(&f, 4); }
  bool I64(int64_t& v) { return Raw(&v, 8); }
  bool Str(std::string& s) {
    uint32_t n;
    if (!U32(n) || static_cast<size_t>(end_ - p_) < n) return false;
    s.assign(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }
  bool done() const { return p_ == end_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace

Status Index::Save(const std::string& dir) const {
  std::shared_lock lock(mu_);
  const Impl& im = *impl_;
  Writer w;
  w.Raw(kMagic, 8);
  w.U32(kVersion);
  w.F32(options_.k1);
  w.U32(static_cast<uint32_t>(im.nf));
  for (size_t f = 0; f < im.nf; ++f) {
    w.Str(options_.fields[f].name);
    w.F32(options_.fields[f].weight);
    w.F32(options_.fields[f].b);
  }
  w.Str(options_.stopwords);
  w.U32(static_cast<uint32_t>(im.docs.size()));
  for (size_t d = 0; d < im.docs.size(); ++d) {
    const DocRecord& r = im.docs[d];
    w.Str(r.id);
    w.U32(r.alive ? 1 : 0);
    for (size_t f = 0; f < im.nf; ++f) {
      w.Str(r.alive ? std::string_view(r.texts[f]) : std::string_view());
      w.U32(im.lens[d * im.nf + f]);
    }
    w.U32(static_cast<uint32_t>(r.attributes.size()));
    for (const auto& [k, v] : r.attributes) w.Str(k), w.Str(v);
    w.U32(static_cast<uint32_t>(r.numbers.size()));
    for (const auto& [k, v] : r.numbers) w.Str(k), w.I64(v);
  }
  // Parent (folded) term of each exact term, +1; 0 for none.
  std::vector<uint32_t> parent(im.terms.size(), kNoParent);
  for (const auto& [folded, exacts] : im.variants) {
    for (uint32_t e : exacts) parent[e] = folded + 1;
  }
  w.U32(static_cast<uint32_t>(im.terms.size()));
  for (uint32_t t = 0; t < im.terms.size(); ++t) {
    const PostingList& pl = im.lists[t];
    w.Str(im.terms.Name(t));
    w.U32(parent[t]);
    w.U32(pl.count);
    w.U32(static_cast<uint32_t>(pl.blocks.size()));
    for (const BlockMeta& b : pl.blocks) {
      w.U32(b.last_doc);
      w.U32(b.offset);
      w.F32(b.max_pseudo_tf);
      for (size_t f = 0; f < im.nf; ++f) w.F32(b.avg[f]);
    }
    w.U32(pl.last_doc);
    w.U32(pl.tail_offset);
    w.U32(static_cast<uint32_t>(pl.bytes.size()));
    w.Raw(pl.bytes.data(), pl.bytes.size());
  }
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(w.out().data()), static_cast<uInt>(w.out().size())));
  w.Raw(&crc, 4);
  lock.unlock();

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Internal("cannot create " + dir + ": " + ec.message());
  const std::string tmp = dir + "/index.stio.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(w.out().data(), static_cast<std::streamsize>(w.out().size()));
    if (!out.flush()) return Status::Internal("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, dir + "/index.stio", ec);
  if (ec) return Status::Internal("cannot rename " + tmp + ": " + ec.message());
  return Status::Ok();
}

Result<std::unique_ptr<Index>> Index::Load(const std::string& dir) {
  const std::string path = dir + "/index.stio";
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("no index at " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  auto corrupt = [&](const std::string& what) {
    return Status::DataLoss("corrupt index " + path + ": " + what);
  };
  if (data.size() < 12 || std::memcmp(data.data(), kMagic, 8) != 0) return corrupt("bad magic");
  uint32_t stored_crc;
  std::memcpy(&stored_crc, data.data() + data.size() - 4, 4);
  const auto crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size() - 4)));
  if (crc != stored_crc) return corrupt("checksum mismatch");
  const auto* base = reinterpret_cast<const uint8_t*>(data.data());
  Reader r(base + 8, base + data.size() - 4);
  uint32_t version, nf;
  IndexOptions o;
  o.fields.clear();
  if (!r.U32(version) || version != kVersion) return corrupt("unsupported version");
  if (!r.F32(o.k1) || !r.U32(nf) || nf == 0 || nf > kMaxFields) return corrupt("header");
  for (uint32_t f = 0; f < nf; ++f) {
    FieldSpec fs;
    if (!r.Str(fs.name) || !r.F32(fs.weight) || !r.F32(fs.b)) return corrupt("fields");
    o.fields.push_back(fs);
  }
  if (!r.Str(o.stopwords)) return corrupt("stopwords");
  auto created = Create(o);
  if (!created.ok()) return corrupt(created.status().message());
  std::unique_ptr<Index> index = std::move(created).value();
  Impl& im = *index->impl_;
  uint32_t ndocs;
  if (!r.U32(ndocs)) return corrupt("document count");
  im.docs.resize(ndocs);
  im.lens.resize(static_cast<size_t>(ndocs) * nf);
  for (uint32_t d = 0; d < ndocs; ++d) {
    DocRecord& rec = im.docs[d];
    uint32_t alive, n;
    if (!r.Str(rec.id) || !r.U32(alive)) return corrupt("document");
    rec.alive = alive != 0;
    rec.texts.resize(nf);
    for (uint32_t f = 0; f < nf; ++f) {
      if (!r.Str(rec.texts[f]) || !r.U32(im.lens[d * nf + f])) return corrupt("document text");
    }
    if (!r.U32(n)) return corrupt("attributes");
    for (uint32_t i = 0; i < n; ++i) {
      std::string k, v;
      if (!r.Str(k) || !r.Str(v)) return corrupt("attributes");
      im.attr_docs[k + '\x1f' + v].push_back(d);
      rec.attributes.emplace_back(std::move(k), std::move(v));
    }
    if (!r.U32(n)) return corrupt("numbers");
    for (uint32_t i = 0; i < n; ++i) {
      std::string k;
      int64_t v;
      if (!r.Str(k) || !r.I64(v)) return corrupt("numbers");
      rec.numbers.emplace_back(std::move(k), v);
    }
    if (rec.alive) {
      if (!im.id_to_doc.emplace(rec.id, d).second) return corrupt("duplicate live id");
      ++im.live;
      for (uint32_t f = 0; f < nf; ++f) im.len_sum[f] += im.lens[d * nf + f];
    }
  }
  uint32_t nterms;
  if (!r.U32(nterms)) return corrupt("term count");
  im.lists.resize(nterms);
  std::vector<Posting> buf;
  for (uint32_t t = 0; t < nterms; ++t) {
    PostingList& pl = im.lists[t];
    uint32_t parent, nblocks, nbytes;
    std::string name;
    if (!r.Str(name) || name.empty() || !r.U32(parent) || !r.U32(pl.count) || !r.U32(nblocks)) {
      return corrupt("term");
    }
    if (parent > nterms) return corrupt("term parent");
    if (parent != kNoParent) im.variants[parent - 1].push_back(t);
    bool inserted;
    if (im.terms.Insert(name, inserted) != t || !inserted) return corrupt("duplicate term");
    if (name[0] == kFoldedPrefix && name.find(' ') == std::string::npos) {
      im.folded_vocab.emplace(name.substr(1), t);
    }
    pl.blocks.resize(nblocks);
    for (BlockMeta& b : pl.blocks) {
      if (!r.U32(b.last_doc) || !r.U32(b.offset) || !r.F32(b.max_pseudo_tf))
        return corrupt("block");
      for (uint32_t f = 0; f < nf; ++f) {
        if (!r.F32(b.avg[f]) || !(b.avg[f] > 0)) return corrupt("block");
      }
    }
    if (!r.U32(pl.last_doc) || !r.U32(pl.tail_offset) || !r.U32(nbytes)) {
      return corrupt("postings");
    }
    pl.bytes.resize(nbytes);
    if (!r.Raw(pl.bytes.data(), nbytes)) return corrupt("postings");
    if (pl.count < nblocks * kBlockSize || pl.tail_count() >= kBlockSize || pl.count == 0 ||
        pl.tail_offset > nbytes) {
      return corrupt("posting count of " + name);
    }
    // Validate: every block decodes, documents increase and exist, skip entries agree.
    for (size_t b = 0; b <= nblocks; ++b) {
      if (!DecodeBlock(pl, b, nf, buf)) return corrupt("postings of " + name);
      if (buf.empty()) continue;
      if (buf.back().doc >= ndocs) return corrupt("postings of " + name);
      if (b < nblocks && buf.back().doc != pl.blocks[b].last_doc)
        return corrupt("skips of " + name);
      if (b == nblocks && buf.back().doc != pl.last_doc) return corrupt("last doc of " + name);
    }
    if (pl.tail_count() == 0 && pl.last_doc != pl.blocks.back().last_doc) {
      return corrupt("last doc of " + name);
    }
  }
  if (!r.done()) return corrupt("trailing bytes");
  return index;
}

}  // namespace stio::search
