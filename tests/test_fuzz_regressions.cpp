// Inputs the fuzz targets (fuzz/) found crashing or misreading, fed back byte for byte: each
// must now fail with a vgrad::Error that names the file and says what is wrong.
#include <doctest/doctest.h>

#include <string>

#include "datasets/graph.h"
#include "datasets/idx.h"
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
                               "34078720x536870912 (over 2^64 bytes), found 16 bytes").c_str(),
                       Error);
}
