// Writes small valid inputs into OUT/<target>/ (the corpus seeds for `make fuzz`), using the
// project's own writers where it has them (save_checkpoint) and the documented layouts
// otherwise. Usage: make_seeds OUT
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "autograd/random.h"
#include "nn/checkpoint.h"

using namespace vgrad;
namespace fs = std::filesystem;

static void put(const fs::path& p, const std::string& bytes, bool gz = false) {
  fs::create_directories(p.parent_path());
  if (gz) {
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, bytes.data(), (unsigned)bytes.size());
    gzclose(f);
  } else {
    std::ofstream(p, std::ios::binary) << bytes;
  }
}

static std::string be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

// The bytes save_checkpoint writes for C.
static std::string saved(const fs::path& out, const Checkpoint& c) {
  const fs::path tmp = out / "checkpoint.tmp";
  save_checkpoint(tmp.string(), c);
  std::ifstream in(tmp, std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  in.close();
  fs::remove(tmp);
  return bytes;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds OUT\n");
    return 2;
  }
  const fs::path out = argv[1];

  // IDX: 2 images of 3x2 pixels and 3 labels, plain and gzipped (the readers take both).
  const std::string images = be32(2051) + be32(2) + be32(3) + be32(2) + std::string(
                                                                            "\x00\x10\x20\x80\xc0\xff"
                                                                            "\x01\x02\x03\x04\x05\x06",
                                                                            12);
  const std::string labels = be32(2049) + be32(3) + std::string("\x00\x05\x09", 3);
  put(out / "idx/images", images);
  put(out / "idx/labels", labels);
  put(out / "idx/images.gz", images, true);
  put(out / "idx/labels.gz", labels, true);

  // Edge lists: comments, blank line, CRLF, a duplicate and a self-loop (dropped, warned).
  const std::string edges = "# a triangle\n0 1\n1 2\n\n2 0\r\n1 0\n3 3\n2\t4\n";
  put(out / "edge_list/triangle.txt", edges);
  put(out / "edge_list/triangle.txt.gz", edges, true);

  // Graph folders: edges, labels, features, meta joined by 0x1E (see fuzz_graph_folder.cpp).
  const std::string rs = "\x1e";
  const std::string g_labels = "0\n1\n-1\n1\n";
  const std::string g_feats = "0 0 1.0\n1 2 0.5\n3 1 -2e-3\n";
  const std::string g_meta =
      "# notes are free-form\nname toy\nnum_nodes 4\nnum_features 3\n"
      "num_classes 2\nnum_edges_undirected 3\nnum_feature_nonzeros 3\n";
  const std::string g_edges = "0 1\n1 2\n2 3\n";
  put(out / "graph_folder/edges_only", g_edges);
  put(out / "graph_folder/labels", g_edges + rs + g_labels);
  put(out / "graph_folder/features", g_edges + rs + rs + g_feats);
  put(out / "graph_folder/all", g_edges + rs + g_labels + rs + g_feats + rs + g_meta);

  // Checkpoints through save_checkpoint; the leading byte is fuzz_checkpoint's mode byte.
  Checkpoint c;
  c.set("epoch", (int64_t)7);
  c.set("lr", 0.001);
  c.set("note", std::string("seed"));
  Rng rng(42);
  rng.normal();
  save_rng_to(c, "rng", rng);
  c.put("fc.weight", Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6}));
  c.put("fc.bias", Tensor::from({2}, {0.5f, -0.5f}));
  c.put("step", Tensor::scalar(3));
  c.put("empty", Tensor::zeros({0, 4}));
  put(out / "checkpoint/repaired", std::string(1, '\0') + saved(out, c));
  put(out / "checkpoint/raw", std::string(1, '\1') + saved(out, c));
  put(out / "checkpoint/empty", std::string(1, '\0') + saved(out, Checkpoint{}));
  return 0;
}
