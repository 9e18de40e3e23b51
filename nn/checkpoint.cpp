#include "nn/checkpoint.h"

#include "nn/atomic_file.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vgrad {
namespace {

constexpr char kMagic[8] = {'V', 'G', 'R', 'A', 'D', 'C', 'K', 'P'};
constexpr size_t kHeaderBytes = 8 + 4 + 8;
// Caps that stop a corrupt length field from asking for absurd allocations before the
// checksum can be checked (the checksum needs the whole file read first anyway).
constexpr uint32_t kMaxDims = 8;

uint32_t crc_of(const std::string& bytes, size_t n) {
  return (uint32_t)crc32_z(crc32_z(0L, Z_NULL, 0), (const Bytef*)bytes.data(), n);
}

// The format is little-endian and written as raw bytes; a big-endian port must swap here.
static_assert(std::endian::native == std::endian::little, "checkpoint I/O assumes little-endian");

template <typename T>
void put_raw(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

void put_string(std::string& out, const std::string& s) {
  put_raw<uint32_t>(out, (uint32_t)s.size());
  out += s;
}

// Bounds-checked reader: every failure names the file, the byte offset and what was read.
class Reader {
 public:
  Reader(const std::string& bytes, size_t end, const std::string& path)
      : bytes_(bytes), end_(end), path_(path) {}
  template <typename T>
  T raw(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string string(const char* what) {
    const uint32_t n = raw<uint32_t>(what);
    need(n, what);
    std::string s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void floats(float* out, int64_t n, const std::string& what) {
    need((size_t)n * sizeof(float), what.c_str());
    if (n == 0) return;  // an empty tensor has no storage: memcpy(nullptr, ...) is UB
    std::memcpy(out, bytes_.data() + pos_, (size_t)n * sizeof(float));
    pos_ += (size_t)n * sizeof(float);
  }
  size_t pos() const { return pos_; }
  size_t left() const { return end_ - pos_; }
  void need(size_t n, const char* what) const {
    check(n <= left(), "checkpoint ", path_, ": truncated at byte ", pos_, " while reading ", what,
          " (needs ", n, " bytes, ", left(), " left)");
  }

 private:
  const std::string& bytes_;
  size_t end_;
  const std::string& path_;
  size_t pos_ = 0;
};

std::string serialize(const Checkpoint& ckpt) {
  std::string out(kMagic, sizeof(kMagic));
  put_raw<uint32_t>(out, kCheckpointVersion);
  put_raw<uint64_t>(out, 0);  // file size, patched below
  put_raw<uint32_t>(out, (uint32_t)ckpt.meta.size());
  for (const auto& [k, v] : ckpt.meta) {
    put_string(out, k);
    put_string(out, v);
  }
  put_raw<uint32_t>(out, (uint32_t)ckpt.tensors.size());
  for (const auto& [name, t] : ckpt.tensors) {
    put_string(out, name);
    put_raw<uint32_t>(out, (uint32_t)t.dim());
    for (int64_t d : t.shape()) put_raw<int64_t>(out, d);
    out.append((const char*)t.data(), (size_t)t.numel() * sizeof(float));
  }
  const uint64_t size = out.size() + 4;
  std::memcpy(out.data() + 12, &size, sizeof(size));
  put_raw<uint32_t>(out, crc_of(out, out.size()));
  return out;
}

std::string errno_text() { return std::strerror(errno); }

// Bytes as text for a message: printable ASCII as is, the rest as \xNN.
std::string printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += (char)c;
    } else {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    }
  }
  return out;
}

}  // namespace

void Checkpoint::put(const std::string& name, const Tensor& t) {
  for (auto& [n, existing] : tensors) {
    if (n == name) {
      existing = t.clone();
      return;
    }
  }
  tensors.emplace_back(name, t.clone());
}

const Tensor* Checkpoint::find(const std::string& name) const {
  for (const auto& [n, t] : tensors)
    if (n == name) return &t;
  return nullptr;
}

const Tensor& Checkpoint::tensor(const std::string& name) const {
  const Tensor* t = find(name);
  check(t != nullptr, "checkpoint ", where(), " has no tensor '", name, "'");
  return *t;
}

const std::string& Checkpoint::get(const std::string& key) const {
  auto it = meta.find(key);
  check(it != meta.end(), "checkpoint ", where(), " has no entry '", key, "'");
  return it->second;
}

int64_t Checkpoint::get_int(const std::string& key) const {
  const std::string& s = get(key);
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  check(errno == 0 && !s.empty() && *end == '\0', "checkpoint ", where(), ": entry '", key,
        "' is not an integer: '", s, "'");
  return v;
}

double Checkpoint::get_double(const std::string& key) const {
  const std::string& s = get(key);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  check(!s.empty() && *end == '\0', "checkpoint ", where(), ": entry '", key,
        "' is not a number: '", s, "'");
  return v;
}

void Checkpoint::set(const std::string& key, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  meta[key] = buf;
}

void save_checkpoint(const std::string& path, const Checkpoint& ckpt) {
  const std::string bytes = serialize(ckpt);
  try {
    write_file_atomically(path, bytes);
  } catch (const Error& e) {
    fail("checkpoint ", e.what());
  }
}

Checkpoint load_checkpoint(const std::string& path) {
  std::error_code ec;
  check(!std::filesystem::is_directory(path, ec), "checkpoint ", path,
        ": is a folder, expected a checkpoint file (such as ", path, "/checkpoint.ckpt)");
  std::ifstream in(path, std::ios::binary);
  check(in.good(), "checkpoint ", path, ": cannot open: ", errno_text());
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string bytes = buf.str();

  check(bytes.size() >= kHeaderBytes + 4, "checkpoint ", path, ": truncated: ", bytes.size(),
        " bytes, a checkpoint has at least ", kHeaderBytes + 4);
  check(std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) == 0, "checkpoint ", path,
        ": not a vgrad checkpoint (byte 0: expected magic 'VGRADCKP', found '",
        printable(bytes.substr(0, sizeof(kMagic))), "')");
  Reader header(bytes, kHeaderBytes, path);
  header.raw<uint64_t>("magic");
  const uint32_t version = header.raw<uint32_t>("version");
  check(version == kCheckpointVersion, "checkpoint ", path, ": version ", version,
        " at byte 8, this build reads version ", kCheckpointVersion);
  const uint64_t size = header.raw<uint64_t>("file size");
  check(size == bytes.size(), "checkpoint ", path, ": ",
        size > bytes.size() ? "truncated" : "has trailing bytes", ": the header (byte 12) says ",
        size, " bytes, the file has ", bytes.size());
  const size_t body = bytes.size() - 4;
  uint32_t stored;
  std::memcpy(&stored, bytes.data() + body, 4);
  const uint32_t computed = crc_of(bytes, body);
  check(stored == computed, "checkpoint ", path, ": checksum mismatch (stored ", stored,
        " at byte ", body, ", computed ", computed, "): the file is corrupt");

  // The checksum passed, so the bounds checks below guard only against a writer bug.
  Checkpoint ckpt;
  ckpt.source = path;
  Reader r(bytes, body, path);
  r.raw<uint64_t>("magic");
  r.raw<uint32_t>("version");
  r.raw<uint64_t>("file size");
  const uint32_t n_meta = r.raw<uint32_t>("meta count");
  for (uint32_t i = 0; i < n_meta; ++i) {
    std::string key = r.string("meta key");
    ckpt.meta[key] = r.string("meta value");
  }
  const uint32_t n_tensors = r.raw<uint32_t>("tensor count");
  for (uint32_t i = 0; i < n_tensors; ++i) {
    const size_t at = r.pos();
    std::string name = r.string("tensor name");
    const uint32_t ndim = r.raw<uint32_t>("tensor rank");
    check(ndim <= kMaxDims, "checkpoint ", path, ": tensor '", name, "' at byte ", at, " has rank ",
          ndim);
    Shape shape(ndim);
    int64_t numel = 1;
    for (uint32_t d = 0; d < ndim; ++d) {
      shape[d] = r.raw<int64_t>("tensor shape");
      check(shape[d] >= 0 && (shape[d] == 0 || numel <= (int64_t)(r.left() / 4) / shape[d]),
            "checkpoint ", path, ": tensor '", name, "' at byte ", at, " has impossible shape");
      numel *= shape[d];
    }
    Tensor t = Tensor::empty(shape);
    r.floats(t.data(), numel, "tensor '" + name + "'");
    ckpt.tensors.emplace_back(std::move(name), std::move(t));
  }
  check(r.left() == 0, "checkpoint ", path, ": ", r.left(), " unexpected bytes at byte ", r.pos());
  return ckpt;
}

void save_rng_to(Checkpoint& ckpt, const std::string& key, const Rng& rng) {
  const Rng::State st = rng.state();
  uint32_t spare_bits;  // the spare normal's bit pattern: a decimal float might not round-trip
  std::memcpy(&spare_bits, &st.spare, 4);
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d %" PRIu32,
                st.s[0], st.s[1], st.s[2], st.s[3], st.has_spare ? 1 : 0, spare_bits);
  ckpt.meta[key] = buf;
}

void load_rng_from(const Checkpoint& ckpt, const std::string& key, Rng& rng) {
  const std::string& s = ckpt.get(key);
  Rng::State st{};
  int has_spare = 0;
  uint32_t spare_bits = 0;
  const int got =
      std::sscanf(s.c_str(), "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %d %" SCNu32,
                  &st.s[0], &st.s[1], &st.s[2], &st.s[3], &has_spare, &spare_bits);
  check(got == 6, "checkpoint ", ckpt.where(), ": entry '", key, "' is not a generator state: '", s,
        "'");
  st.has_spare = has_spare != 0;
  std::memcpy(&st.spare, &spare_bits, 4);
  rng.set_state(st);
}

}  // namespace vgrad
