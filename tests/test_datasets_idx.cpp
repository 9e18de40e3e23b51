// IDX (MNIST / Fashion-MNIST) reader: valid files plain and gzipped, each kind of broken file
// with its exact message, and the real MNIST counts when data/ holds it.
#include <doctest/doctest.h>

#include "autograd/check.h"
#include "datasets/idx.h"
#include "datasets/registry.h"
#include "tests/test_datasets_util.h"

using namespace vgrad;
using vgrad::testing::TempDir;
using vgrad::testing::write_bytes;
using vgrad::testing::write_gz;

using vgrad::testing::be32;
using vgrad::testing::idx_images;
using vgrad::testing::idx_labels;
using vgrad::testing::write_set;

TEST_CASE("dataset idx: plain and gzipped files read the same pixels and labels") {
  for (bool gz : {false, true}) {
    CAPTURE(gz);
    TempDir d;
    write_set(d.str(), "train", 12, gz);
    write_set(d.str(), "t10k", 3, gz);
    ImageDataset ds = read_mnist_dir(d.str(), "mnist");
    REQUIRE(ds.train.size() == 12);
    REQUIRE(ds.test.size() == 3);
    CHECK(ds.train.images.shape() == Shape{12, 784});
    CHECK(ds.train.rows == 28);
    CHECK(ds.train.cols == 28);
    // image 1, pixel 0 = 7 / 255; image 0, pixel 255 = 255 / 255 = 1
    CHECK(ds.train.images.at(784) == doctest::Approx(7.0f / 255.0f));
    CHECK(ds.train.images.at(255) == 1.0f);
    CHECK(ds.train.images.at(0) == 0.0f);
    CHECK(ds.train.labels[11] == 1);
    auto counts = ds.train.label_counts();
    CHECK(counts[0] == 2);
    CHECK(counts[1] == 2);
    CHECK(counts[2] == 1);
  }
}

TEST_CASE("dataset idx: wrong magic, sizes and counts are refused with the exact message") {
  TempDir d;
  const std::string im = d / "im.gz", lb = d / "lb";
  SUBCASE("images file with the labels magic") {
    write_gz(im, idx_images(2, 28, 28, 2049));
    CHECK_THROWS_WITH_AS(read_idx_images(im), (im + ": byte 0: expected magic 2051 (IDX images), found 2049").c_str(), Error);
  }
  SUBCASE("labels file with the images magic") {
    write_bytes(lb, idx_labels({1, 2}, 2051));
    CHECK_THROWS_WITH_AS(read_idx_labels(lb), (lb + ": byte 0: expected magic 2049 (IDX labels), found 2051").c_str(), Error);
  }
  SUBCASE("truncated header") {
    write_bytes(lb, be32(2049) + "\x01");
    CHECK_THROWS_WITH_AS(read_idx_labels(lb), (lb + ": byte 5: truncated header: expected 8 header bytes, found 5").c_str(), Error);
  }
  SUBCASE("truncated pixels (fewer than the header's count)") {
    std::string b = idx_images(2);
    write_gz(im, b.substr(0, b.size() - 10));
    CHECK_THROWS_WITH_AS(read_idx_images(im), (im + ": byte 1574: truncated: header says 2 images (1584 bytes), found 1574 bytes").c_str(), Error);
  }
  SUBCASE("extra bytes after the header's count") {
    write_bytes(lb, idx_labels({1, 2, 3}) + "xy");
    CHECK_THROWS_WITH_AS(read_idx_labels(lb), (lb + ": byte 11: expected end of file after 3 labels (11 bytes), found 13 bytes").c_str(), Error);
  }
  SUBCASE("label outside 0..9") {
    write_bytes(lb, idx_labels({1, 12, 3}));
    CHECK_THROWS_WITH_AS(read_idx_labels(lb), (lb + ": byte 9: expected a label 0..9, found 12").c_str(), Error);
  }
  SUBCASE("images that are not 28x28") {
    write_gz(im, idx_images(2, 32, 28));
    write_bytes(lb, idx_labels({1, 2}));
    CHECK_THROWS_WITH_AS(read_image_set(im, lb), (im + ": byte 8: expected 28x28 images, found 32x28").c_str(), Error);
  }
  SUBCASE("image and label counts disagree") {
    write_gz(im, idx_images(3));
    write_bytes(lb, idx_labels({1, 2}));
    CHECK_THROWS_WITH_AS(read_image_set(im, lb), (lb + ": byte 4: expected 3 labels (as many as images in " + im + "), found 2").c_str(), Error);
  }
  SUBCASE("zero images") {
    write_bytes(im, idx_images(0));
    CHECK_THROWS_WITH_AS(read_idx_images(im), (im + ": byte 4: expected a positive image count, found 0").c_str(), Error);
  }
  SUBCASE("gzip stream cut short") {
    write_gz(d / "full.gz", idx_images(40));
    std::string gz = vgrad::testing::read_bytes(d / "full.gz");
    write_bytes(im, gz.substr(0, gz.size() / 2));
    CHECK_THROWS_WITH_AS(read_idx_images(im), doctest::Contains((im + ": byte ").c_str()), Error);
    CHECK_THROWS_WITH_AS(read_idx_images(im), doctest::Contains("(uncompressed): corrupt or truncated gzip data (unexpected end of file)"), Error);
  }
  SUBCASE("missing file") {
    CHECK_THROWS_WITH_AS(read_idx_images(d / "nope.gz"), (d / "nope.gz" + ": cannot open (no such file); run `make data` first").c_str(), Error);
  }
}

TEST_CASE("dataset idx: missing dataset folder says to run make data") {
  TempDir d;
  CHECK_THROWS_WITH_AS(load_image_dataset("mnist", d.str()), (d / "mnist" + ": missing dataset folder for 'mnist'; run `make data` first (or `tools/scripts/fetch_data.sh mnist`)").c_str(), Error);
  CHECK_THROWS_WITH_AS(load_image_dataset("svhn", d.str()), "unknown image dataset 'svhn' (expected mnist, fashion-mnist)", Error);
}

TEST_CASE("dataset idx: real MNIST has 60,000 / 10,000 images with the known label counts") {
  const std::string dir = vgrad::testing::real_data("mnist");
  if (dir.empty()) {
    MESSAGE("data/mnist absent: run `make data` to include this test");
    return;
  }
  ImageDataset ds = load_image_dataset("mnist", dir);
  CHECK(ds.train.size() == 60000);
  CHECK(ds.test.size() == 10000);
  CHECK(ds.train.images.shape() == Shape{60000, 784});
  const std::array<int64_t, 10> train{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
  const std::array<int64_t, 10> test{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
  CHECK(ds.train.label_counts() == train);
  CHECK(ds.test.label_counts() == test);
  float lo = 1, hi = 0;
  for (int64_t i = 0; i < ds.test.images.numel(); ++i)
    lo = std::min(lo, ds.test.images.at(i)), hi = std::max(hi, ds.test.images.at(i));
  CHECK(lo == 0.0f);
  CHECK(hi == 1.0f);
}

TEST_CASE("dataset idx: Fashion-MNIST loads through the same reader when installed") {
  const bool local = !vgrad::testing::real_data("fashion-mnist").empty();
  if (!local && !std::filesystem::exists("/usr/share/datasets/fashion-mnist")) {
    MESSAGE("Fashion-MNIST absent (apt-get install dataset-fashion-mnist to include this test)");
    return;
  }
  ImageDataset ds = load_image_dataset("fashion-mnist", local ? vgrad::testing::real_data("fashion-mnist") : "data");
  CHECK(ds.train.size() == 60000);
  CHECK(ds.test.size() == 10000);
  for (int64_t c : ds.test.label_counts()) CHECK(c == 1000);  // Fashion-MNIST is balanced
}
