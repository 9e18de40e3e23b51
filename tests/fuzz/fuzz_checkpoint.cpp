// libFuzzer target: load_checkpoint, then the meta accessors a `--resume` uses.
// The CRC32 check rejects almost every mutation before the body parser runs, so by default
// the target repairs the header's file size and the trailing CRC first (a no-op on a valid
// file). An input whose first byte is odd skips the repair, to exercise those checks too;
// that byte is stripped either way.
#include <zlib.h>

#include <cstring>

#include "autograd/random.h"
#include "nn/checkpoint.h"
#include "tests/fuzz/fuzz_util.h"

using namespace vgrad;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0 && bytes.size() >= 8 + 4 + 8 + 4) {
    const uint64_t n = bytes.size();
    std::memcpy(bytes.data() + 12, &n, 8);  // little-endian, as the writer stores it
    const uint32_t crc = (uint32_t)crc32_z(0, (const Bytef*)bytes.data(), bytes.size() - 4);
    std::memcpy(bytes.data() + bytes.size() - 4, &crc, 4);
  }
  const std::string path = fuzz::write_input("input.ckpt", (const uint8_t*)bytes.data(), bytes.size());
  fuzz::run([&] {
    Checkpoint c = load_checkpoint(path);
    for (const auto& [name, t] : c.tensors)
      fuzz::expect(c.find(name) != nullptr && t.numel() >= 0, "tensors findable");
    for (const auto& entry : c.meta) {
      const std::string& key = entry.first;  // clang 14 lambdas cannot capture a binding
      fuzz::run([&] { c.get_int(key); });
      fuzz::run([&] { c.get_double(key); });
      fuzz::run([&] { Rng rng(1); load_rng_from(c, key, rng); });
    }
  });
  return 0;
}
