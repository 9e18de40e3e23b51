// libFuzzer target: the IDX readers (MNIST images and labels), plain or gzipped input.
// Both readers see every input; the magic decides which one gets past the header.
#include "datasets/idx.h"
#include "tests/fuzz/fuzz_util.h"

using namespace vgrad;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input("input.idx", data, size);
  fuzz::run([&] {
    IdxImages im = read_idx_images(path);
    // The pixel count must be what the header promises, or read_image_set reads past it.
    fuzz::expect(im.count > 0 && im.rows > 0 && im.cols > 0, "positive sizes");
    const unsigned __int128 want = (unsigned __int128)im.count * im.rows * im.cols;  // no wrap
    fuzz::expect(want == im.pixels.size(), "pixels.size() == count * rows * cols");
  });
  fuzz::run([&] {
    std::vector<uint8_t> labels = read_idx_labels(path);
    fuzz::expect(!labels.empty(), "at least one label");
    for (uint8_t l : labels) fuzz::expect(l <= 9, "labels in 0..9");
  });
  return 0;
}
