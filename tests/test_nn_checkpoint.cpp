#include <doctest/doctest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "nn/nn.h"

using namespace vgrad;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("vgrad_nn_ckpt_" + std::to_string(getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string read_bytes(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_bytes(const std::string& p, const std::string& b) {
  std::ofstream(p, std::ios::binary).write(b.data(), (std::streamsize)b.size());
}

// A two-layer model with a GraphConv child, so names are dotted.
struct Net : Module {
  Net(int64_t hidden, Rng& rng) {
    gc1 = register_module("gc1", std::make_shared<GraphConv>(Csr::identity(4), 3, hidden, rng));
    fc = register_module("fc", std::make_shared<Linear>(hidden, 2, rng));
  }
  std::shared_ptr<GraphConv> gc1;
  std::shared_ptr<Linear> fc;
};
}  // namespace

TEST_CASE("checkpoint: a round trip restores bit-identical parameters, meta and Rng") {
  TempDir dir;
  Rng a_rng(1), b_rng(2);
  Net a(5, a_rng), b(5, b_rng);
  REQUIRE(a.parameter("gc1.weight").to_vector() != b.parameter("gc1.weight").to_vector());
  a.save(dir.file("net.ckpt"));
  b.load(dir.file("net.ckpt"));
  for (auto& [name, t] : a.named_parameters()) {
    INFO(name);
    const auto x = t.to_vector(), y = b.parameter(name).to_vector();
    CHECK(std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
  }
  CHECK_FALSE(fs::exists(dir.file("net.ckpt.tmp." + std::to_string(getpid()))));

  Checkpoint c;
  c.set("description", std::string("vgae cora hidden=32"));
  c.set("epoch", int64_t{17});
  c.set("lr", 0.01);
  a_rng.normal();  // leaves a spare Box-Muller normal in the state
  save_rng_to(c, "rng", a_rng);
  save_checkpoint(dir.file("run.ckpt"), c);
  Checkpoint d = load_checkpoint(dir.file("run.ckpt"));
  CHECK(d.get("description") == "vgae cora hidden=32");
  CHECK(d.get_int("epoch") == 17);
  CHECK(d.get_double("lr") == 0.01);
  Rng restored(99);
  load_rng_from(d, "rng", restored);
  for (int i = 0; i < 5; ++i) CHECK(restored.normal() == a_rng.normal());
  CHECK(restored.next_u64() == a_rng.next_u64());
  CHECK_THROWS_WITH_AS(d.get("seed"), doctest::Contains("run.ckpt has no entry 'seed'"), Error);
}

TEST_CASE("checkpoint: a shape mismatch names the parameter and both shapes, model untouched") {
  TempDir dir;
  Rng rng(3);
  Net small(5, rng), big(6, rng);
  small.save(dir.file("small.ckpt"));
  const auto before = big.parameter("gc1.weight").to_vector();
  CHECK_THROWS_WITH_AS(big.load(dir.file("small.ckpt")),
                       ("checkpoint " + dir.file("small.ckpt") +
                        ": parameter 'gc1.weight' has shape [3, 5] in the file but [3, 6] in "
                        "the model")
                           .c_str(),
                       Error);
  CHECK(big.parameter("gc1.weight").to_vector() == before);

  Linear lone(5, 2, rng);
  CHECK_THROWS_WITH_AS(lone.load(dir.file("small.ckpt")),
                       doctest::Contains("tensor 'gc1.weight' is not a parameter of this model"),
                       Error);
  Checkpoint empty;
  CHECK_THROWS_WITH_AS(lone.load_from(empty),
                       "checkpoint (in memory) has no parameter 'weight'", Error);
}

TEST_CASE("checkpoint: truncated at any length is refused, never crashes") {
  TempDir dir;
  Rng rng(4);
  Net net(3, rng);
  net.save(dir.file("good.ckpt"));
  const std::string good = read_bytes(dir.file("good.ckpt"));
  for (size_t len = 0; len < good.size(); ++len) {
    write_bytes(dir.file("cut.ckpt"), good.substr(0, len));
    CHECK_THROWS_AS(load_checkpoint(dir.file("cut.ckpt")), Error);
  }
  write_bytes(dir.file("cut.ckpt"), good.substr(0, good.size() - 10));
  CHECK_THROWS_WITH_AS(load_checkpoint(dir.file("cut.ckpt")),
                       ("checkpoint " + dir.file("cut.ckpt") +
                        ": truncated: the header (byte 12) says " +
                        std::to_string(good.size()) + " bytes, the file has " +
                        std::to_string(good.size() - 10))
                           .c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(load_checkpoint(dir.file("missing.ckpt")),
                       doctest::Contains("missing.ckpt: cannot open"), Error);
}

TEST_CASE("checkpoint: every single flipped bit is refused") {
  TempDir dir;
  Rng rng(5);
  Linear layer(2, 3, rng);
  layer.save(dir.file("good.ckpt"));
  const std::string good = read_bytes(dir.file("good.ckpt"));
  for (size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string bad = good;
      bad[byte] = (char)(bad[byte] ^ (1 << bit));
      write_bytes(dir.file("bad.ckpt"), bad);
      INFO("byte ", byte, " bit ", bit);
      CHECK_THROWS_AS(load_checkpoint(dir.file("bad.ckpt")), Error);
    }
  }
  // A flip in the float data is caught by the checksum.
  std::string bad = good;
  bad[good.size() - 8] ^= 0x10;
  write_bytes(dir.file("bad.ckpt"), bad);
  CHECK_THROWS_WITH_AS(load_checkpoint(dir.file("bad.ckpt")),
                       doctest::Contains("checksum mismatch"), Error);
}

TEST_CASE("checkpoint: wrong magic and wrong version are named") {
  TempDir dir;
  Rng rng(6);
  Linear layer(2, 2, rng);
  layer.save(dir.file("good.ckpt"));
  std::string bytes = read_bytes(dir.file("good.ckpt"));
  std::string magic = bytes;
  magic[0] = 'X';
  write_bytes(dir.file("magic.ckpt"), magic);
  CHECK_THROWS_WITH_AS(load_checkpoint(dir.file("magic.ckpt")),
                       ("checkpoint " + dir.file("magic.ckpt") +
                        ": not a vgrad checkpoint (byte 0: expected magic 'VGRADCKP', "
                        "found 'XGRADCKP')")
                           .c_str(),
                       Error);
  std::string version = bytes;
  version[8] = 2;
  write_bytes(dir.file("version.ckpt"), version);
  CHECK_THROWS_WITH_AS(load_checkpoint(dir.file("version.ckpt")),
                       ("checkpoint " + dir.file("version.ckpt") +
                        ": version 2 at byte 8, this build reads version 1")
                           .c_str(),
                       Error);
}

TEST_CASE("checkpoint: saving into a missing folder fails cleanly and leaves no file") {
  TempDir dir;
  Rng rng(7);
  Linear layer(2, 2, rng);
  const std::string path = dir.file("no/such/dir/x.ckpt");
  CHECK_THROWS_WITH_AS(layer.save(path), doctest::Contains("cannot create"), Error);
  CHECK_FALSE(fs::exists(path));
  // Overwriting an existing checkpoint replaces it whole.
  layer.save(dir.file("x.ckpt"));
  Linear other(2, 2, rng);
  other.save(dir.file("x.ckpt"));
  layer.load(dir.file("x.ckpt"));
  CHECK(layer.weight().to_vector() == other.weight().to_vector());
}
