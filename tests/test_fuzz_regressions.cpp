// Inputs the fuzz targets (tests/fuzz/) found crashing or misreading, fed back byte for byte: each
// must now fail with a vgrad::Error that names the file and says what is wrong.
#include <doctest/doctest.h>

#include <string>

#include "datasets/graph.h"
#include "datasets/idx.h"
#include "nn/checkpoint.h"
#include "tests/test_datasets_util.h"

using namespace vgrad;
using vgrad::testing::TempDir;
using vgrad::testing::write_bytes;

TEST_CASE("fuzz regression: IDX image sizes whose product wraps to 0 (fuzz_idx)") {
  // 131072 images of 34078720 x 536870912 pixels: 2^71 + 2^65 bytes, which is 0 mod 2^64, so
  // the bare 16-byte header passed the length check and read_image_set read past the pixels.
  TempDir d;
  const std::string path = d / "images";
  write_bytes(path, std::string("\x00\x00\x08\x03\x00\x02\x00\x00\x02\x08\x00\x00\x20\x00\x00\x00", 16));
  CHECK_THROWS_WITH_AS(read_idx_images(path),
                       (path + ": byte 16: truncated: header says 131072 images of "
                               "34078720x536870912 (over 2^64 bytes), found 16 bytes")
                           .c_str(),
                       Error);
}

TEST_CASE("fuzz regression: graph folder with num_classes past int (fuzz_graph_folder)") {
  // (int)4294967296 is 0: label 5 passed "< num_classes" and the graph said 0 classes.
  TempDir d;
  write_bytes(d / "edges.txt", "0 1\n");
  write_bytes(d / "labels.txt", "5\n0\n");
  write_bytes(d / "meta.txt", "num_classes 4294967296\n");
  CHECK_THROWS_WITH_AS(read_graph_folder(d.str()),
                       (d / "meta.txt" + ": expected num_classes up to 100000, found 4294967296").c_str(),
                       Error);
}

TEST_CASE("fuzz regression: one huge node id in features.txt (fuzz_graph_folder)") {
  // N came from the largest id, so 20 bytes asked Csr::from_coo for 2^31 row pointers (16 GB).
  TempDir d;
  write_bytes(d / "edges.txt", "0 1\n");
  write_bytes(d / "features.txt", "2147483646 0 1\n");
  CHECK_THROWS_WITH_AS(read_graph_folder(d.str()),
                       (d / "features.txt" + ":1: expected a node id below 16777216 (the node limit), found 2147483646").c_str(),
                       Error);
}

TEST_CASE("fuzz regression: checkpoint with an empty tensor (fuzz_checkpoint, UBSan)") {
  // A [0] tensor has no storage, and memcpy(nullptr, src, 0) is undefined behaviour: only
  // `make sanitize` can fail here. Bytes: header, 0 meta, 1 tensor "e" of shape [0], CRC.
  TempDir d;
  const std::string path = d / "empty.ckpt";
  write_bytes(path, std::string("VGRADCKP\x01\x00\x00\x00\x31\x00\x00\x00\x00\x00\x00\x00"
                                "\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x65"
                                "\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                                "\x36\xb6\x28\x43",
                                49));
  Checkpoint c = load_checkpoint(path);
  REQUIRE(c.tensors.size() == 1);
  CHECK(c.tensor("e").shape() == Shape{0});
}
