#include "datasets/idx.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>

#include "autograd/check.h"
#include "datasets/text_file.h"

namespace vgrad {
namespace {

constexpr uint32_t kImagesMagic = 2051;  // 0x00000803: unsigned byte, 3 dimensions
constexpr uint32_t kLabelsMagic = 2049;  // 0x00000801: unsigned byte, 1 dimension
constexpr int64_t kImageSide = 28;

// The whole decompressed file: MNIST's largest is 47 MB, read once.
std::vector<uint8_t> read_all(const std::string& path) {
  check_readable(path);
  gzFile gz = gzopen(path.c_str(), "rb");
  check(gz != nullptr, path, ": cannot open");
  gzbuffer(gz, 1 << 16);
  std::vector<uint8_t> out;
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
  }
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
  return std::filesystem::exists(gz) || !std::filesystem::exists(dir + "/" + stem) ? gz
                                                                                 : dir + "/" + stem;
}

}  // namespace

std::array<int64_t, 10> ImageSet::label_counts() const {
  std::array<int64_t, 10> c{};
  for (uint8_t l : labels) ++c[l];
  return c;
}

IdxImages read_idx_images(const std::string& path) {
  std::vector<uint8_t> b = read_all(path);
  check_header(path, b, 16);
  uint32_t magic = be32(b, 0);
  check(magic == kImagesMagic, path, ": byte 0: expected magic 2051 (IDX images), found ", magic);
  IdxImages out;
  out.count = be32(b, 4);
  out.rows = be32(b, 8);
  out.cols = be32(b, 12);
  check(out.count > 0, path, ": byte 4: expected a positive image count, found 0");
  check(out.rows > 0 && out.cols > 0, path, ": byte 8: expected positive image sides, found ",
        out.rows, "x", out.cols);
  // Each size is below 2^32, so rows*cols fits in 64 bits but count*rows*cols can wrap (65536
  // images of 2^24 x 2^24 is 2^64 == 0, so a bare 16-byte header passed the length check).
  const uint64_t per_image = (uint64_t)out.rows * (uint64_t)out.cols;
  check((uint64_t)out.count <= (UINT64_MAX - 16) / per_image, path, ": byte ", b.size(),
        ": truncated: header says ", out.count, " images of ", out.rows, "x", out.cols,
        " (over 2^64 bytes), found ", b.size(), " bytes");
  size_t expected = 16 + (size_t)out.count * per_image;
  check_length(path, b.size(), expected, out.count, "images");
  out.pixels.assign(b.begin() + 16, b.end());
  return out;
}

std::vector<uint8_t> read_idx_labels(const std::string& path) {
  std::vector<uint8_t> b = read_all(path);
  check_header(path, b, 8);
  uint32_t magic = be32(b, 0);
  check(magic == kLabelsMagic, path, ": byte 0: expected magic 2049 (IDX labels), found ", magic);
  int64_t count = be32(b, 4);
  check(count > 0, path, ": byte 4: expected a positive label count, found 0");
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
  ds.train = read_image_set(pick(dir, "train-images-idx3-ubyte"), pick(dir, "train-labels-idx1-ubyte"));
  ds.test = read_image_set(pick(dir, "t10k-images-idx3-ubyte"), pick(dir, "t10k-labels-idx1-ubyte"));
  return ds;
}

}  // namespace vgrad
