// MNIST / Fashion-MNIST in the IDX format (big-endian header, then unsigned bytes), read
// gzipped or plain through zlib.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "autograd/tensor.h"

namespace vgrad {

struct ImageSet {
  Tensor images;                // N x (rows*cols), floats in [0, 1]
  std::vector<uint8_t> labels;  // N values 0..9
  int64_t rows = 0, cols = 0;
  int64_t size() const { return (int64_t)labels.size(); }
  std::array<int64_t, 10> label_counts() const;
};

struct ImageDataset {
  std::string name;  // "mnist", "fashion-mnist"
  ImageSet train, test;
};

// Raw readers; each checks magic (2051 / 2049), sizes and exact file length.
struct IdxImages {
  int64_t count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels;
};
IdxImages read_idx_images(const std::string& path);
std::vector<uint8_t> read_idx_labels(const std::string& path);

// Pairs an images file with a labels file: counts must agree, images must be 28x28.
ImageSet read_image_set(const std::string& images_path, const std::string& labels_path);

// DIR holds train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-... (the .gz
// name is preferred when both exist).
ImageDataset read_mnist_dir(const std::string& dir, const std::string& name);

}  // namespace vgrad
