// Save/Load of search::Index; the format is described in index_format.md.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "search/index.h"
#include "search/index_internal.h"

namespace stio::search {
namespace {

constexpr char kMagic[8] = {'S', 'T', 'I', 'O', 'S', 'R', 'C', 'H'};
constexpr uint32_t kVersion = 4;

// Writes at an offset of a file through a 1 MiB buffer, keeping the crc32 and the length of
// everything it wrote, so Save never holds a second copy of the index in memory; two writers fill
// two parts of one file at once. With fd < 0 it only counts the bytes.
class Writer {
 public:
  Writer(int fd, uint64_t offset) : fd_(fd), offset_(offset) {
    if (fd_ >= 0) buf_.reserve(kFlushBytes + 64);
  }
  void U32(uint32_t v) {
    uint8_t b[5];
    size_t n = 0;
    while (v >= 0x80) {
      b[n++] = static_cast<uint8_t>(v | 0x80);
      v >>= 7;
    }
    b[n++] = static_cast<uint8_t>(v);
    Raw(b, n);
  }
  void Raw(const void* p, size_t n) {
    length_ += n;
    if (fd_ < 0) return;
    buf_.append(static_cast<const char*>(p), n);
    if (buf_.size() >= kFlushBytes) Flush();
  }
  void F32(float f) { Raw(&f, 4); }
  void I64(int64_t v) { Raw(&v, 8); }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    Raw(s.data(), s.size());
  }
  // Writes what is buffered; returns false if any write failed.
  bool Finish() {
    Flush();
    return ok_;
  }
  uint64_t length() const { return length_; }
  uLong crc() const { return crc_; }

 private:
  static constexpr size_t kFlushBytes = 1 << 20;
  void Flush() {
    crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(buf_.data()), static_cast<uInt>(buf_.size()));
    for (size_t done = 0; done < buf_.size() && ok_;) {
      const ssize_t n =
          ::pwrite(fd_, buf_.data() + done, buf_.size() - done, static_cast<off_t>(offset_ + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) ok_ = false;
      done += n > 0 ? static_cast<size_t>(n) : 0;
    }
    offset_ += buf_.size();
    buf_.clear();
  }
  const int fd_;
  uint64_t offset_;
  uint64_t length_ = 0;
  bool ok_ = true;
  std::string buf_;
  uLong crc_ = crc32(0, nullptr, 0);
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
  // Returns a pointer to the next n bytes and skips them, or null if there are fewer.
  const uint8_t* Skip(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) return nullptr;
    const uint8_t* q = p_;
    p_ += n;
    return q;
  }
  bool done() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace

Status Index::Save(const std::string& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Internal("cannot create " + dir + ": " + ec.message());
  const std::string tmp = dir + "/index.stio.tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Internal("cannot write " + tmp);
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } closer{fd};
  // Readers go on while the file is written; writers wait (the index is streamed from memory).
  std::shared_lock lock(mu_);
  const Impl& im = *impl_;
  std::shared_lock exact_lock(im.exact_mu);  // an UpsertMany may be counting exact pairs
  // Two parts written at once, each by its own thread: the header, documents and syllables; then
  // the terms with their lists and the exact pairs. The first part's length is counted first
  // (cheap: sizes only), so the second knows where it starts; the file's crc32 is combined
  // from the parts'.
  auto head = [&](Writer& w) {
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
      const bool alive = im.alive[d] != 0;
      w.U32(alive ? 1 : 0);
      for (size_t f = 0; f < im.nf; ++f) {
        w.Str(alive ? std::string_view(r.texts[f]) : std::string_view());
        w.U32(im.lens[d * im.nf + f]);
      }
      w.U32(static_cast<uint32_t>(r.attributes.size()));
      for (const auto& [k, v] : r.attributes) w.Str(k), w.Str(v);
      w.U32(static_cast<uint32_t>(r.numbers.size()));
      for (const auto& [k, v] : r.numbers) w.Str(k), w.I64(v);
    }
    w.U32(static_cast<uint32_t>(im.syllables.size()));
    for (uint32_t sid = 0; sid < im.syllables.size(); ++sid) {
      w.Str(im.syllables.Name(sid));
      w.U32(im.fold[sid]);
    }
  };
  auto body = [&](Writer& w) {
    w.U32(static_cast<uint32_t>(im.terms.size()));
    for (uint32_t t = 0; t < im.terms.size(); ++t) {
      const PostingList& pl = im.lists[t];
      const uint64_t key = im.terms.KeyOf(t);
      const auto second = static_cast<uint32_t>(key);
      w.U32(static_cast<uint32_t>(key >> 32));
      w.U32(second == kNoSyllable ? 0 : second + 1);
      w.U32(pl.count);
      w.U32(static_cast<uint32_t>(pl.num_blocks()));
      for (size_t i = 0; i < pl.num_blocks(); ++i) {
        const BlockMeta& b = pl.block(i);
        w.U32(b.last_doc);
        w.U32(b.offset);
        w.F32(b.max_pseudo_tf);
        for (size_t f = 0; f < im.nf; ++f) w.F32(b.avg[f]);
      }
      w.U32(pl.last_doc);
      w.U32(pl.tail_offset());
      w.U32(static_cast<uint32_t>(pl.size()));
      w.Raw(pl.data(), pl.size());
    }
    w.U32(static_cast<uint32_t>(im.exact_pairs[0].size() + im.exact_pairs[1].size()));
    for (size_t part = 0; part < 2; ++part) {
      for (uint32_t id = 0; id < im.exact_pairs[part].size(); ++id) {
        const uint64_t key = im.exact_pairs[part].KeyOf(id);
        w.U32(static_cast<uint32_t>(key >> 32));
        w.U32(static_cast<uint32_t>(key));
        w.U32(im.exact_pair_docs[part][id]);
      }
    }
  };
  Writer count(-1, 0);
  head(count);
  Writer wh(fd, 0), wb(fd, count.length());
  bool body_ok = false;
  std::exception_ptr error;
  std::thread other([&] {
    try {
      body(wb);
      body_ok = wb.Finish();
    } catch (...) {
      error = std::current_exception();
    }
  });
  bool head_ok = false;
  try {
    head(wh);
    head_ok = wh.Finish();
  } catch (...) {
    other.join();
    throw;
  }
  other.join();
  if (error) std::rethrow_exception(error);
  const auto crc =
      static_cast<uint32_t>(crc32_combine(wh.crc(), wb.crc(), static_cast<z_off_t>(wb.length())));
  const bool written = head_ok && body_ok && wh.length() == count.length() &&
                       ::pwrite(fd, &crc, 4, static_cast<off_t>(wh.length() + wb.length())) == 4;
  exact_lock.unlock();
  lock.unlock();
  closer.fd = -1;
  if (::close(fd) != 0 || !written) return Status::Internal("cannot write " + tmp);
  // Durable before it replaces the old file, and the rename durable too (fsync of a descriptor
  // opened read-only is allowed on Linux).
  auto sync = [](const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
  };
  if (!sync(tmp, 0)) return Status::Internal("cannot sync " + tmp);
  std::filesystem::rename(tmp, dir + "/index.stio", ec);
  if (ec) return Status::Internal("cannot rename " + tmp + ": " + ec.message());
  if (!sync(dir, O_DIRECTORY)) return Status::Internal("cannot sync " + dir);
  return Status::Ok();
}

Result<std::unique_ptr<Index>> Index::Load(const std::string& dir) {
  const std::string path = dir + "/index.stio";
  // The file is mapped rather than read into a buffer: no copy, and its pages are the page cache's
  // (dropped under memory pressure) rather than the process's own.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound("no index at " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::Internal("cannot read " + path);
  }
  const auto file_size = static_cast<size_t>(st.st_size);
  void* map = file_size == 0 ? nullptr : ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return Status::Internal("cannot map " + path);
  std::unique_ptr<void, std::function<void(void*)>> unmap(
      map, [file_size](void* p) { ::munmap(p, file_size); });
  if (map) ::madvise(map, file_size, MADV_SEQUENTIAL);
  const std::string_view data(static_cast<const char*>(map), file_size);
  auto corrupt = [&](const std::string& what) {
    return Status::DataLoss("corrupt index " + path + ": " + what);
  };
  if (data.size() < 12 || std::memcmp(data.data(), kMagic, 8) != 0) return corrupt("bad magic");
  uint32_t stored_crc;
  std::memcpy(&stored_crc, data.data() + data.size() - 4, 4);
  // crc32_z takes a 64-bit length (crc32's uInt would cut files over 4 GiB).
  const auto crc = static_cast<uint32_t>(
      crc32_z(0, reinterpret_cast<const Bytef*>(data.data()), data.size() - 4));
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
  // Each takes at least 4 + 2 * nf bytes (id, alive, per field a text and a length, two counts):
  // a damaged count must not size anything.
  if (ndocs > r.remaining() / (4 + 2 * nf)) return corrupt("document count");
  im.docs.resize(ndocs);
  im.alive.resize(ndocs);
  im.lens.resize(static_cast<size_t>(ndocs) * nf);
  for (uint32_t d = 0; d < ndocs; ++d) {
    DocRecord& rec = im.docs[d];
    uint32_t alive, n;
    if (!r.Str(rec.id) || !r.U32(alive)) return corrupt("document");
    im.alive[d] = alive != 0;
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
    if (im.alive[d]) {
      if (!im.id_to_doc.emplace(rec.id, d).second) return corrupt("duplicate live id");
      ++im.live;
      for (uint32_t f = 0; f < nf; ++f) im.len_sum[f] += im.lens[d * nf + f];
    }
  }
  uint32_t nsyl;
  if (!r.U32(nsyl)) return corrupt("syllable count");
  // Each takes at least 3 bytes (a name of one byte or more, its folded form).
  if (nsyl > r.remaining() / 3) return corrupt("syllable count");
  im.fold.resize(nsyl);
  for (uint32_t sid = 0; sid < nsyl; ++sid) {
    std::string name;
    if (!r.Str(name) || name.empty() || !r.U32(im.fold[sid]) || im.fold[sid] >= nsyl) {
      return corrupt("syllable");
    }
    if (name.find(' ') != std::string::npos || name[0] == kFoldedPrefix) return corrupt("syllable");
    bool inserted;
    if (im.syllables.Insert(name, inserted) != sid || !inserted)
      return corrupt("duplicate syllable");
  }
  for (uint32_t sid = 0; sid < nsyl; ++sid) {
    if (!im.Unmarked(im.fold[sid])) return corrupt("syllable folding");
  }
  uint32_t nterms;
  if (!r.U32(nterms)) return corrupt("term count");
  // The term's name is built only for an error message (a string per term would cost seconds).
  auto corrupt_term = [&](const char* what, uint32_t t) {
    return corrupt(std::string(what) + " of " + im.TermName(t));
  };
  std::array<uint32_t, kBlockSize> vdocs;
  std::array<uint16_t, kBlockSize * kMaxFields> vtfs;
  for (uint32_t t = 0; t < nterms; ++t) {
    PostingList& pl = im.lists.emplace_back();
    uint32_t a, b, nblocks, nbytes, tail_offset;
    if (!r.U32(a) || !r.U32(b) || !r.U32(pl.count) || !r.U32(nblocks)) return corrupt("term");
    if (a >= nsyl || b > nsyl) return corrupt("term syllables");
    // Pairs are folded: both syllables unmarked (exact pairs are counted, not indexed).
    if (b != 0 && (!im.Unmarked(a) || !im.Unmarked(b - 1))) return corrupt("exact pair term");
    im.terms.AppendUnindexed(TermTable::Key(a, b == 0 ? kNoSyllable : b - 1));
    if (nblocks > pl.count / kBlockSize) return corrupt_term("posting count", t);
    std::vector<BlockMeta> blocks(nblocks);
    for (BlockMeta& bm : blocks) {
      if (!r.U32(bm.last_doc) || !r.U32(bm.offset) || !r.F32(bm.max_pseudo_tf))
        return corrupt("block");
      for (uint32_t f = 0; f < nf; ++f) {
        if (!r.F32(bm.avg[f]) || !(bm.avg[f] > 0)) return corrupt("block");
      }
    }
    if (!r.U32(pl.last_doc) || !r.U32(tail_offset) || !r.U32(nbytes)) {
      return corrupt("postings");
    }
    const uint8_t* bytes = r.Skip(nbytes);
    if (!bytes) return corrupt("postings");
    if (nblocks == 0 && tail_offset != 0) return corrupt_term("tail", t);
    pl.Assign(bytes, nbytes, std::move(blocks), tail_offset);
    if (pl.count < nblocks * kBlockSize || pl.tail_count() >= kBlockSize || pl.count == 0 ||
        tail_offset > nbytes) {
      return corrupt_term("posting count", t);
    }
    // Validate: every block decodes, documents increase and exist, skip entries agree.
    for (size_t bl = 0; bl <= nblocks; ++bl) {
      const int n = DecodeBlockInto(pl, bl, nf, vdocs.data(), vtfs.data());
      if (n < 0) return corrupt_term("postings", t);
      if (n == 0) continue;
      const uint32_t last = vdocs[static_cast<size_t>(n) - 1];
      if (last >= ndocs) return corrupt_term("postings", t);
      if (bl < nblocks && last != pl.block(bl).last_doc) return corrupt_term("skips", t);
      if (bl == nblocks && last != pl.last_doc) return corrupt_term("last doc", t);
    }
    if (pl.tail_count() == 0 && pl.last_doc != pl.block(nblocks - 1).last_doc) {
      return corrupt_term("last doc", t);
    }
  }
  if (!im.terms.BuildIndex()) return corrupt("duplicate term");
  // Prefix/typo vocabulary and diacritics variants, in term id order (as when building).
  for (uint32_t t = 0; t < nterms; ++t) {
    const uint64_t key = im.terms.KeyOf(t);
    if (static_cast<uint32_t>(key) != kNoSyllable) continue;  // pairs: nothing derived
    if (!im.Unmarked(static_cast<uint32_t>(key >> 32)) && im.FoldedTermOf(t) == TermTable::kNone) {
      return corrupt("exact term without folded term");
    }
    im.RegisterTerm(t);
  }
  uint32_t npairs;
  if (!r.U32(npairs)) return corrupt("exact pair count");
  // Each takes at least 3 bytes: a damaged count must not size anything.
  if (npairs > r.remaining() / 3) return corrupt("exact pair count");
  for (uint32_t i = 0; i < npairs; ++i) {
    uint32_t a, b, n;
    if (!r.U32(a) || !r.U32(b) || !r.U32(n) || a >= nsyl || b >= nsyl || n == 0 ||
        (im.Unmarked(a) && im.Unmarked(b))) {
      return corrupt("exact pair");
    }
    const uint64_t key = TermTable::Key(a, b);
    const size_t part = Impl::ExactPairPart(key);
    im.exact_pairs[part].AppendUnindexed(key);
    im.exact_pair_docs[part].push_back(n);
  }
  if (!im.exact_pairs[0].BuildIndex() || !im.exact_pairs[1].BuildIndex()) {
    return corrupt("duplicate exact pair");
  }
  if (!r.done()) return corrupt("trailing bytes");
  return index;
}

}  // namespace stio::search
