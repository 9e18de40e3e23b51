#include "datasets/idx.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "autograd/check.h"
#include "datasets/limits.h"
#include "datasets/text_file.h"

namespace vgrad {
namespace {

constexpr uint32_t kImagesMagic = 2051;  // 0x00000803: unsigned byte, 3 dimensions
constexpr uint32_t kLabelsMagic = 2049;  // 0x00000801: unsigned byte, 1 dimension
constexpr int64_t kImageSide = 28;

// The whole decompressed file (MNIST's largest is 47 MB, read once). `on_header` sees the
// first chunk (at least `header_bytes` unless the file is shorter) before the rest is read,
// so a header that announces more than memory holds stops the read up front. It also gets
// the file's size on disk when the file is not gzipped (-1 when it is).
using HeaderCheck = std::function<void(const std::vector<uint8_t>& head, int64_t plain_size)>;

std::vector<uint8_t> read_all(const std::string& path, size_t header_bytes,
                              const HeaderCheck& on_header) {
  check_readable(path);
  gzFile gz = gzopen(path.c_str(), "rb");
  check(gz != nullptr, path, ": cannot open");
  gzbuffer(gz, 1 << 16);
  std::vector<uint8_t> out;
  bool header_seen = false;
  auto see_header = [&] {
    header_seen = true;
    std::error_code ec;
    const int64_t size = gzdirect(gz) ? (int64_t)std::filesystem::file_size(path, ec) : -1;
    try {
      on_header(out, ec ? -1 : size);
    } catch (...) {
      gzclose(gz);
      throw;
    }
  };
  // 64 KB chunks and zlib buffers: larger ones cost every small file a fresh mmap, the fuzz
  // target's bottleneck (30 files/s under ASan), while a 47 MB file reads no slower.
  std::vector<uint8_t> chunk(1 << 16);
  for (;;) {
    int n = gzread(gz, chunk.data(), (unsigned)chunk.size());
    int code = 0;
    gzerror(gz, &code);
    if (n < 0 || (code != Z_OK && code != Z_STREAM_END)) {
      const std::string msg = gz_error_text(gz, path);
      // gzread drops a chunk that ends in an error; gztell still counts what was inflated.
      const z_off_t at = std::max<z_off_t>(gztell(gz), (z_off_t)out.size());
      gzclose(gz);
      fail(path, ": byte ", at, " (uncompressed): corrupt or truncated gzip data (", msg, ")");
    }
    if (n == 0) break;
    out.insert(out.end(), chunk.begin(), chunk.begin() + n);
    if (!header_seen && out.size() >= header_bytes) see_header();
  }
  if (!header_seen) see_header();  // a file shorter than its header: on_header says so
  gzclose(gz);
  return out;
}

uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t)b[at] << 24 | (uint32_t)b[at + 1] << 16 | (uint32_t)b[at + 2] << 8 | b[at + 3];
}

void check_header(const std::string& path, const std::vector<uint8_t>& b, size_t header_bytes) {
  check(b.size() >= header_bytes, path, ": byte ", b.size(), ": truncated header: expected ",
        header_bytes, " header bytes, found ", b.size());
}

void check_length(const std::string& path, size_t found, size_t expected, int64_t count,
                  const char* what) {
  check(found >= expected, path, ": byte ", found, ": truncated: header says ", count, " ", what,
        " (", expected, " bytes), found ", found, " bytes");
  check(found == expected, path, ": byte ", expected, ": expected end of file after ", count, " ",
        what, " (", expected, " bytes), found ", found, " bytes");
}

std::string pick(const std::string& dir, const std::string& stem) {
  std::string gz = dir + "/" + stem + ".gz";
  return std::filesystem::exists(gz) || !std::filesystem::exists(dir + "/" + stem)
             ? gz
             : dir + "/" + stem;
}

}  // namespace

std::array<int64_t, 10> ImageSet::label_counts() const {
  std::array<int64_t, 10> c{};
  for (uint8_t l : labels) ++c[l];
  return c;
}

IdxImages read_idx_images(const std::string& path) {
  IdxImages out;
  uint64_t expected = 0;
  std::vector<uint8_t> b = read_all(path, 16,
                                    [&](const std::vector<uint8_t>& h, int64_t plain_size) {
    check_header(path, h, 16);
    uint32_t magic = be32(h, 0);
    check(magic == kImagesMagic, path, ": byte 0: expected magic 2051 (IDX images), found ", magic);
    out.count = be32(h, 4);
    out.rows = be32(h, 8);
    out.cols = be32(h, 12);
    check(out.count > 0, path, ": byte 4: expected a positive image count, found 0");
    check(out.rows > 0 && out.cols > 0, path, ": byte 8: expected positive image sides, found ",
          out.rows, "x", out.cols);
    // Each size is below 2^32, so rows*cols fits in 64 bits but count*rows*cols can wrap (65536
    // images of 2^24 x 2^24 is 2^64 == 0, so a bare 16-byte header passed the length check).
    const uint64_t per_image = (uint64_t)out.rows * (uint64_t)out.cols;
    const size_t found = plain_size >= 0 ? (size_t)plain_size : h.size();
    check((uint64_t)out.count <= (UINT64_MAX - 16) / per_image, path, ": byte ", found,
          ": truncated: header says ", out.count, " images of ", out.rows, "x", out.cols,
          " (over 2^64 bytes), found ", found, " bytes");
    expected = 16 + (uint64_t)out.count * per_image;
    // On disk the length is known now; a gzipped file is measured once it is inflated.
    if (plain_size >= 0) check_length(path, (size_t)plain_size, expected, out.count, "images");
    // The bytes, then one float per pixel (read_image_set): 5 bytes a pixel at the peak.
    check_memory(5.0 * (double)(expected - 16), path,
                 cat("the header at byte 4 says ", out.count, " images of ", out.rows, "x",
                     out.cols, ": 1 byte + 1 float per pixel"));
  });
  check_length(path, b.size(), expected, out.count, "images");
  b.erase(b.begin(), b.begin() + 16);  // in place: no second copy of the pixels
  out.pixels = std::move(b);
  return out;
}

std::vector<uint8_t> read_idx_labels(const std::string& path) {
  int64_t count = 0;
  std::vector<uint8_t> b = read_all(path, 8,
                                    [&](const std::vector<uint8_t>& h, int64_t plain_size) {
    check_header(path, h, 8);
    uint32_t magic = be32(h, 0);
    check(magic == kLabelsMagic, path, ": byte 0: expected magic 2049 (IDX labels), found ", magic);
    count = be32(h, 4);
    check(count > 0, path, ": byte 4: expected a positive label count, found 0");
    if (plain_size >= 0) check_length(path, (size_t)plain_size, 8 + (size_t)count, count, "labels");
  });
  check_length(path, b.size(), 8 + (size_t)count, count, "labels");
  for (size_t i = 8; i < b.size(); ++i)
    check(b[i] <= 9, path, ": byte ", i, ": expected a label 0..9, found ", (int)b[i]);
  return std::vector<uint8_t>(b.begin() + 8, b.end());
}

ImageSet read_image_set(const std::string& images_path, const std::string& labels_path) {
  IdxImages im = read_idx_images(images_path);
  check(im.rows == kImageSide && im.cols == kImageSide, images_path,
        ": byte 8: expected 28x28 images, found ", im.rows, "x", im.cols);
  ImageSet set;
  set.labels = read_idx_labels(labels_path);
  check((int64_t)set.labels.size() == im.count, labels_path, ": byte 4: expected ", im.count,
        " labels (as many as images in ", images_path, "), found ", set.labels.size());
  set.rows = im.rows;
  set.cols = im.cols;
  const int64_t d = im.rows * im.cols;
  set.images = Tensor::empty({im.count, d});
  float* x = set.images.data();
  const uint8_t* p = im.pixels.data();
  const int64_t n = im.count * d;
  for (int64_t i = 0; i < n; ++i) x[i] = p[i] * (1.0f / 255.0f);
  return set;
}

ImageDataset read_mnist_dir(const std::string& dir, const std::string& name) {
  ImageDataset ds;
  ds.name = name;
  ds.train =
      read_image_set(pick(dir, "train-images-idx3-ubyte"), pick(dir, "train-labels-idx1-ubyte"));
  ds.test =
      read_image_set(pick(dir, "t10k-images-idx3-ubyte"), pick(dir, "t10k-labels-idx1-ubyte"));
  return ds;
}

}  // namespace vgrad
