// Every reader and flag of the real `vgrad` binary against bad input, one row each: the row
// writes its files into a fresh folder {D}, runs `vgrad ARGS` as a child process, and checks
// the exit code (2 usage, 1 bad input, 0 accepted), that stderr is exactly one line holding
// the expected text ({D}/FILE where a file is at fault: the message names it), that no
// signal killed the child, and that no output file was left half-written (NAME.tmp.PID).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/registry.h"
#include "nn/checkpoint.h"
#include "tests/bad_input_util.h"

using namespace vgrad::testing;

namespace {

struct Row {
  const char* name;
  Make make;             // writes the bad input into {D}
  std::string args;      // after `vgrad`, split on spaces; {D} is the row's folder
  std::string expect;    // in the one line of stderr; "" when stderr must be empty
  int code;              // expected exit code
  std::string env = {};  // "NAME=value" for the child (a memory limit)
  std::string out = {};  // in stdout, for rows that succeed
};

std::string flip(std::string b, size_t at) { return b[at] ^= 1, b; }
std::string be(uint32_t v) { return be32(v); }
// A ring of n nodes with sparse ids past the node limit (1e9 + 7 k).
std::string sparse_ring(int n) {
  std::string s;
  for (int k = 0; k < n; ++k) s += std::to_string(1000000000 + 7 * k) + " " + std::to_string(1000000000 + 7 * ((k + 1) % n)) + "\n";
  return s;
}
// A ring of n nodes named "nK" + suffix, with weights, fields separated by sep.
std::string named_ring(int n, char sep = ',', const std::string& suffix = "") {
  std::string s;
  for (int k = 0; k < n; ++k) s += "n" + std::to_string(k) + suffix + sep + "n" + std::to_string((k + 1) % n) + suffix + sep + std::to_string(1 + k % 3) + ".5\n";
  return s;
}

// DIR/x.ckpt: a valid checkpoint (magic, size, CRC) whose run description is `run`.
Make checkpoint_with_run(const std::string& run) {
  return [run](const std::string& dir) {
    vgrad::Checkpoint c;
    c.set("run", run);
    vgrad::save_checkpoint(dir + "/x.ckpt", c);
  };
}

std::vector<Row> rows(const std::string& good) {  // good: a vgae checkpoint, synthetic:nodes=60
  const std::string img = "train-images-idx3-ubyte", lab = "train-labels-idx1-ubyte";
  const std::string train_gae = "train --model gae --quiet --threads 1 --epochs 1 ";
  const std::string dup_loops = ring(30) + "1 0\n0 1\n5 5\n";
  const std::string resume = "train --model vgae --dataset synthetic:nodes=60 --epochs 3 --quiet --resume {D}/x.ckpt";
  auto same = [](std::string b) { return b; };
  // One row per line reads as a table.
  // clang-format off
  return {
  // ---- IDX (MNIST) ----
  {"idx wrong magic", mnist({{img, idx_images(4, 28, 28, 2049)}}), "data mnist --data-dir {D}", "{D}/mnist/train-images-idx3-ubyte: byte 0: expected magic 2051 (IDX images), found 2049", 1},
  {"idx truncated pixels", mnist({{img, idx_images(4).substr(0, 3052)}}), "data mnist --data-dir {D}", "{D}/mnist/train-images-idx3-ubyte: byte 3052: truncated: header says 4 images (3152 bytes), found 3052 bytes", 1},
  {"idx truncated header", mnist({{img, idx_images(4).substr(0, 10)}}), "data mnist --data-dir {D}", "{D}/mnist/train-images-idx3-ubyte: byte 10: truncated header: expected 16 header bytes, found 10", 1},
  {"idx trailing bytes", mnist({{img, idx_images(4) + "xx"}}), "data mnist --data-dir {D}", "{D}/mnist/train-images-idx3-ubyte: byte 3152: expected end of file after 4 images (3152 bytes), found 3154 bytes", 1},
  {"idx label count vs image count", mnist({{lab, idx_labels({0, 1, 2, 3, 4})}}), "data mnist --data-dir {D}", "{D}/mnist/train-labels-idx1-ubyte: byte 4: expected 4 labels (as many as images in {D}/mnist/train-images-idx3-ubyte), found 5", 1},
  {"idx label count vs file length", mnist({{lab, be(2049) + be(9) + std::string(4, 1)}}), "data mnist --data-dir {D}", "{D}/mnist/train-labels-idx1-ubyte: byte 12: truncated: header says 9 labels (17 bytes), found 12 bytes", 1},
  {"idx label out of range", mnist({{lab, idx_labels({0, 12, 2, 3})}}), "data mnist --data-dir {D}", "{D}/mnist/train-labels-idx1-ubyte: byte 9: expected a label 0..9, found 12", 1},
  {"idx zero images", mnist({{img, idx_images(0)}}), "data mnist --data-dir {D}", "{D}/mnist/train-images-idx3-ubyte: byte 4: expected a positive image count, found 0", 1},
  {"idx not 28x28", mnist({{img, idx_images(4, 10, 10)}}), "data mnist --data-dir {D}", "{D}/mnist/train-images-idx3-ubyte: byte 8: expected 28x28 images, found 10x10", 1},
  {"idx gz cut short", both(mnist(), raw("mnist/t10k-images-idx3-ubyte.gz", gzip(idx_images(2)).substr(0, 40))), "data mnist --data-dir {D}", "{D}/mnist/t10k-images-idx3-ubyte.gz: byte |(uncompressed): corrupt or truncated gzip data (unexpected end of file)", 1},
  {"idx gz corrupt", both(mnist(), raw("mnist/t10k-images-idx3-ubyte.gz", flip(gzip(idx_images(2)), 20))), "data mnist --data-dir {D}", "{D}/mnist/t10k-images-idx3-ubyte.gz: byte |(uncompressed): corrupt or truncated gzip data (", 1},
  {"idx missing folder", nothing(), "data mnist --data-dir {D}", "{D}/mnist: missing dataset folder for 'mnist'; run `make data` first", 1},
  // ---- edge lists (a bare "u v" file) ----
  {"edges non-numeric", files({{"e.txt", "0 1\n1 2\n2 x\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt:3: expected an integer node id, found 'x'", 1},
  {"edges negative id", files({{"e.txt", "0 1\n1 -2\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt:2: expected a node id >= 0, found -2", 1},
  {"edges sparse ids past the node limit are renumbered", files({{"e.txt", sparse_ring(30)}}), "data edgelist:{D}/e.txt", "", 0, {}, "\"nodes\": 30,"},
  {"edges integer ids, then one too big for 64 bits", files({{"e.txt", "0 1\n0 99999999999999999999\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt:2: expected an integer node id, found '99999999999999999999' (the first edge, on line 1, has integer ids, so every id must be one)", 1},
  {"edges truncated line", files({{"e.txt", "0 1\n1\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt:2: expected 2 fields 'u v', found 1", 1},
  {"edges four fields", files({{"e.txt", "0 1 2 3\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt:1: expected 2 or 3 fields 'u v[ weight]', found 4", 1},
  {"edges weight not positive", files({{"e.txt", "0 1 2\n1 2 -1\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt:2: expected a weight that is a finite positive number, found '-1'", 1},
  {"edges weight zero", files({{"e.txt", "0 1 0\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt:1: expected a weight that is a finite positive number, found '0'", 1},
  {"edges weight infinite", files({{"e.txt", "0 1 1\n1 2 inf\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt:2: expected a weight that is a finite positive number, found 'inf'", 1},
  {"edges weight not a number", files({{"e.txt", "0 1 1\n1 2 heavy\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt:2: expected a weight, found 'heavy'", 1},
  {"edges weight beyond double", files({{"e.txt", "0 1 1\n1 2 1e999\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt:2: expected a weight, found '1e999'", 1},
  {"csv header only", files({{"e.csv", "# exported\nsource,target\n"}}), "data edgelist:{D}/e.csv", "{D}/e.csv:2: found only a header line ('source,target'), expected edges after it", 1},
  {"csv header, then a short line", files({{"e.csv", "source,target,weight\na,b,1\nb,c\n"}}), "data edgelist:{D}/e.csv", "{D}/e.csv:3: expected 3 fields 'u,v,weight', found 2 (line 1, the header, sets the column count)", 1},
  {"csv header, then a long line", files({{"e.csv", "from,to\na,b\nb,c,2\n"}}), "data edgelist:{D}/e.csv", "{D}/e.csv:3: expected 2 fields 'u,v', found 3 (line 1, the header, sets the column count)", 1},
  {"csv empty id", files({{"e.csv", "a,b\n,c\n"}}), "data edgelist:{D}/e.csv", "{D}/e.csv:2: expected a node id, found an empty field", 1},
  {"csv header, string ids and weights load", files({{"e.csv", "source,target,weight\n" + named_ring(30)}}), "data edgelist:{D}/e.csv", "", 0, {}, "\"nodes\": 30,"},
  {"--sep forced tab: a space stays inside an id", files({{"e.tsv", named_ring(30, '\t', " x")}}), "data edgelist:{D}/e.tsv --sep tab", "", 0, {}, "\"nodes\": 30,"},
  {"--sep forced comma on a tab file", files({{"e.tsv", "a\tb\nb\tc\n"}}), "data edgelist:{D}/e.tsv --sep comma", "{D}/e.tsv:1: expected 2 or 3 fields 'u,v[,weight]', found 1", 1},
  {"--sep unknown", nothing(), "data edgelist:{D}/e.txt --sep semicolon", "vgrad data: --sep: expected auto, comma, tab or space, found 'semicolon'", 2},
  {"edges empty file", files({{"e.txt", ""}}), "data edgelist:{D}/e.txt", "{D}/e.txt: empty graph: expected at least one edge between two distinct nodes, found none", 1},
  {"edges only comments", files({{"e.txt", "# nothing\n\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt: empty graph: expected at least one edge", 1},
  {"edges only self-loops", files({{"e.txt", "3 3\n4 4\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt: empty graph: expected at least one edge between two distinct nodes, found none", 1},
  {"edges: no test edge possible", files({{"e.txt", ring(5)}}), train_gae + "--dataset edgelist:{D}/e.txt", "{D}/e.txt: too few edges for a link split: expected at least 20 unique edges (1 validation and 2 test edges), found 5", 1},
  {"deepwalk: a graph with no edges", files({{"e.txt", "3 3\n4 4\n"}}), "train --model deepwalk --quiet --dataset edgelist:{D}/e.txt", "{D}/e.txt: empty graph: expected at least one edge between two distinct nodes, found none", 1},
  {"deepwalk: --window 0", nothing(), "train --model deepwalk --window 0", "vgrad train: --window: expected 1..1000, got 0 (see --help)", 2},
  {"deepwalk: --objective bogus", nothing(), "train --model deepwalk --objective softmax", "vgrad train: --objective: expected hs or neg, got 'softmax' (see --help)", 2},
  {"edges: no validation edge possible", files({{"e.txt", ring(19)}}), "data edgelist:{D}/e.txt", "{D}/e.txt: too few edges for a link split: expected at least 20 unique edges", 1},
  {"edges: too dense for negatives", files({{"e.txt", "0 1\n0 2\n0 3\n0 4\n0 5\n1 2\n1 3\n1 4\n1 5\n2 3\n2 4\n2 5\n3 4\n3 5\n4 5\n0 6\n1 6\n2 6\n3 6\n4 6\n5 6\n"}}), "data edgelist:{D}/e.txt", "{D}/e.txt: graph too dense for a link split: expected 3 non-edges for the negatives, found 0", 1},
  {"edges missing file", nothing(), "data edgelist:{D}/none.txt", "{D}/none.txt: cannot open (no such file or folder)", 1},
  {"edges gz cut short", raw("e.txt.gz", gzip(ring(40)).substr(0, 30)), "data edgelist:{D}/e.txt.gz", "{D}/e.txt.gz:|: corrupt or truncated gzip data (unexpected end of file)", 1},
  {"edges duplicates and self-loop: warned, dropped", files({{"e.txt", dup_loops}}), train_gae + "--dataset edgelist:{D}/e.txt", "warning: {D}/e.txt: dropped 2 duplicate edge(s) and 1 self-loop(s)", 0, {}, "\"edges\":30"},
  // ---- Planetoid text folders (--dataset cora --data-dir D) ----
  {"graph id out of range (meta num_nodes)", cora({{"meta.txt", "num_nodes 30\n"}, {"edges.txt", ring(30) + "3 31\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/edges.txt:31: expected a node id in 0..29, found 31", 1},
  {"graph edge count vs meta", cora({{"meta.txt", "num_edges_undirected 31\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/edges.txt: expected 31 unique undirected edges (meta.txt num_edges_undirected), found 30", 1},
  {"graph feature count vs meta", cora({{"features.txt", "0 0 1\n1 2 1\n"}, {"meta.txt", "num_feature_nonzeros 5\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/features.txt: expected 5 nonzeros (meta.txt num_feature_nonzeros), found 2", 1},
  {"graph label count vs meta", cora({{"labels.txt", repeat("0\n", 29)}, {"meta.txt", "num_nodes 30\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/labels.txt:29: expected 30 labels (one per node), found 29", 1},
  {"graph NaN feature", cora({{"features.txt", "0 0 1\n1 2 nan\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/features.txt:2: expected a finite feature value, found 'nan'", 1},
  {"graph infinite feature", cora({{"features.txt", "0 0 -inf\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/features.txt:1: expected a finite feature value, found '-inf'", 1},
  {"graph feature past float range", cora({{"features.txt", "0 0 1e39\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/features.txt:1: expected a feature value a float can hold (magnitude 1.2e-38 to 3.4e38, or 0), found '1e39'", 1},
  {"graph feature below float range", cora({{"features.txt", "0 0 1e-50\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/features.txt:1: expected a feature value a float can hold (magnitude 1.2e-38 to 3.4e38, or 0), found '1e-50'", 1},
  {"graph non-numeric feature", cora({{"features.txt", "0 0 1\n1 2 abc\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/features.txt:2: expected a feature value, found 'abc'", 1},
  {"graph negative feature index", cora({{"features.txt", "0 0 1\n1 -2 1\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/features.txt:2: expected a feature index in 0..16777215, found -2", 1},
  {"graph feature index vs meta", cora({{"features.txt", "0 7 1\n"}, {"meta.txt", "num_features 5\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/features.txt:1: expected a feature index in 0..4, found 7", 1},
  {"graph feature line truncated", cora({{"features.txt", "0 0 1\n1 2\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/features.txt:2: expected 3 fields 'node feature_index value', found 2", 1},
  {"graph features.gz cut short", both(cora(), raw("planetoid-text/cora/features.txt.gz", gzip(repeat("0 1 1\n", 500)).substr(0, 25))), "data cora --data-dir {D}", "{D}/planetoid-text/cora/features.txt.gz:|: corrupt or truncated gzip data (unexpected end of file)", 1},
  {"graph label below -1", cora({{"labels.txt", "0\n-2\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/labels.txt:2: expected a label in -1..99999, found -2", 1},
  {"graph negative num_nodes", cora({{"meta.txt", "num_nodes -3\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/meta.txt:1: expected a non-negative count for num_nodes, found -3", 1},
  {"graph non-numeric meta", cora({{"meta.txt", "num_nodes x\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/meta.txt:1: expected a non-negative count, found 'x'", 1},
  {"graph zero nodes", cora({{"meta.txt", "num_nodes 0\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/meta.txt: empty graph: expected num_nodes > 0, found 0", 1},
  {"graph empty edges.txt", cora({{"edges.txt", ""}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/edges.txt: empty graph: expected at least one edge", 1},
  {"graph missing edges.txt", files({{"planetoid-text/cora/labels.txt", "0\n"}}), "data cora --data-dir {D}", "{D}/planetoid-text/cora/edges.txt: cannot open (no such file)", 1},
  {"graph missing folder", nothing(), "data cora --data-dir {D}", "{D}/planetoid-text/cora: missing dataset folder for 'cora'; run `make data` first", 1},
  {"graph duplicates and self-loop: warned, dropped", cora({{"edges.txt", dup_loops}}), train_gae + "--dataset cora --data-dir {D}", "warning: {D}/planetoid-text/cora/edges.txt: dropped 2 duplicate edge(s) and 1 self-loop(s)", 0, {}, "\"edges\":30"},
  {"linqs unknown paper id", files({{"cora/cora.content", "p1 0 1 a\np2 1 0 b\n"}, {"cora/cora.cites", "p1 p2\np1 p9\n"}}), "data cora-linqs --data-dir {D}", "{D}/cora/cora.cites:2: expected a paper id from {D}/cora/cora.content, found 'p9'", 1},
  {"linqs NaN word flag", files({{"cora/cora.content", "p1 0 nan a\n"}, {"cora/cora.cites", "p1 p1\n"}}), "data cora-linqs --data-dir {D}", "{D}/cora/cora.content:1: expected a finite word flag, found 'nan'", 1},
  // ---- checkpoints ----
  {"checkpoint wrong magic", checkpoint_from(good, [](std::string b) { return "XGRADCKP" + b.substr(8); }), "eval --checkpoint {D}/x.ckpt", "checkpoint {D}/x.ckpt: not a vgrad checkpoint (byte 0: expected magic 'VGRADCKP', found 'XGRADCKP')", 1},
  {"checkpoint not a checkpoint (PNG)", files({{"x.ckpt", "\x89PNG\r\n\x1a\n" + std::string(40, '\0')}}), "eval --checkpoint {D}/x.ckpt", "checkpoint {D}/x.ckpt: not a vgrad checkpoint (byte 0: expected magic 'VGRADCKP', found '\\x89PNG\\x0d\\x0a\\x1a\\x0a')", 1},
  {"checkpoint truncated", checkpoint_from(good, [](std::string b) { return b.substr(0, 1000); }), "eval --checkpoint {D}/x.ckpt", "checkpoint {D}/x.ckpt: truncated: the header (byte 12) says ", 1},
  {"checkpoint shorter than a header", checkpoint_from(good, [](std::string b) { return b.substr(0, 10); }), "eval --checkpoint {D}/x.ckpt", "checkpoint {D}/x.ckpt: truncated: 10 bytes, a checkpoint has at least 24", 1},
  {"checkpoint trailing bytes", checkpoint_from(good, [](std::string b) { return b + "abc"; }), "eval --checkpoint {D}/x.ckpt", "checkpoint {D}/x.ckpt: has trailing bytes: the header (byte 12) says ", 1},
  {"checkpoint CRC mismatch", checkpoint_from(good, [](std::string b) { return flip(b, 100); }), "eval --checkpoint {D}/x.ckpt", "checkpoint {D}/x.ckpt: checksum mismatch (stored ", 1},
  {"checkpoint newer version", checkpoint_from(good, [](std::string b) { return b[8] = 2, b; }), "eval --checkpoint {D}/x.ckpt", "checkpoint {D}/x.ckpt: version 2 at byte 8, this build reads version 1", 1},
  {"checkpoint is a folder", files({{"run/metrics.jsonl", "{}\n"}}), "eval --checkpoint {D}/run", "checkpoint {D}/run: is a folder, expected a checkpoint file (such as {D}/run/checkpoint.ckpt)", 1},
  {"checkpoint missing", nothing(), "eval --checkpoint {D}/none.ckpt", "checkpoint {D}/none.ckpt: cannot open: No such file or directory", 1},
  {"checkpoint run description invalid", checkpoint_with_run(R"({"model": "xyz", "dataset": "cora"})"), "eval --checkpoint {D}/x.ckpt", "vgrad eval: error: {D}/x.ckpt: the run description's 'model' should be " + vgrad::model_names() + ", found \"xyz\"", 1},
  {"checkpoint run description not JSON", checkpoint_with_run("{model"), "eval --checkpoint {D}/x.ckpt", "vgrad eval: error: {D}/x.ckpt: the run description is not valid JSON", 1},
  {"checkpoint for another model", checkpoint_from(good, same), replace_all(resume, "vgae", "gae"), "{D}/x.ckpt: this checkpoint is for model \"vgae\", but the run asks for \"gae\"", 1},
  {"checkpoint for an image model", both(mnist(), checkpoint_from(good, same)), "train --model vae --data-dir {D} --quiet --resume {D}/x.ckpt", "{D}/x.ckpt: this checkpoint is for model \"vgae\", but the run asks for \"vae\"", 1},
  {"checkpoint for another width", checkpoint_from(good, same), resume + " --hidden 8", "{D}/x.ckpt: this checkpoint is for hidden 32, but the run asks for 8", 1},
  {"checkpoint for another dataset", checkpoint_from(good, same), replace_all(resume, "nodes=60", "nodes=80"), "{D}/x.ckpt: this checkpoint is for dataset \"synthetic:nodes=60\", but the run asks for \"synthetic:nodes=80\"", 1},
  {"checkpoint past --epochs", checkpoint_from(good, same), replace_all(resume, "--epochs 3", "--epochs 1"), "{D}/x.ckpt: the checkpoint is at epoch 2, past --epochs 1", 1},
  {"eval --iw on a graph checkpoint", checkpoint_from(good, same), "eval --checkpoint {D}/x.ckpt --iw 5", "vgrad eval: error: --iw: {D}/x.ckpt is a \"vgae\" checkpoint; the importance-sampled likelihood needs a vae (an autoencoder defines no p(x))", 1},
  {"eval --iw on an ae checkpoint", checkpoint_with_run(R"({"model": "ae", "dataset": "mnist", "seed": 1, "hidden": 4, "latent": 2, "epoch": 1})"), "eval --checkpoint {D}/x.ckpt --iw", "vgrad eval: error: --iw: {D}/x.ckpt is a \"ae\" checkpoint; the importance-sampled likelihood needs a vae (an autoencoder defines no p(x))", 1},
  {"eval --eval-negatives on an ae checkpoint", checkpoint_with_run(R"({"model": "ae", "dataset": "mnist", "seed": 1, "hidden": 4, "latent": 2, "epoch": 1})"), "eval --checkpoint {D}/x.ckpt --eval-negatives 5", "vgrad eval: error: --eval-negatives: {D}/x.ckpt is a \"ae\" checkpoint; Hits@K and MRR rank a gae or vgae's links", 1},
  {"sample from a graph checkpoint", checkpoint_from(good, same), "sample --checkpoint {D}/x.ckpt --out {D}/s.png", "{D}/x.ckpt: sampling needs a vae checkpoint, this one is \"vgae\"", 1},
  // ---- flags: usage errors, exit 2 ----
  {"unknown flag", nothing(), "train --model gae --bogus 1", "--bogus", 2},
  {"missing --model", nothing(), "train --epochs 3", "vgrad train: --model is required (see --help)", 2},
  {"--model unknown", nothing(), "train --model gan", "vgrad train: --model: expected " + vgrad::model_names() + ", got 'gan' (see --help)", 2},
  {"--epochs with sc", nothing(), "train --model sc --epochs 3", "vgrad train: --epochs does not apply to --model sc (an eigensolver's result, not trained by gradient steps) (see --help)", 2},
  {"--features with sc", nothing(), "train --model sc --features none", "vgrad train: --features does not apply to --model sc (an eigensolver's result, not trained by gradient steps): it reads the training graph only (see --help)", 2},
  {"sc --latent above the graph", nothing(), "train --model sc --quiet --dataset synthetic:nodes=60 --latent 60", "vgrad train: error: --latent: 60 is more than synthetic:nodes=60 allows: at most 59 (60 nodes, minus the trivial eigenvector)", 1},
  {"reproduce --methods unknown", nothing(), "reproduce --methods sc,gcn --out {D}/r", "vgrad reproduce: --methods: unknown name 'gcn'; expected a comma-separated list of sc, deepwalk, gae-nf, vgae-nf, gae, vgae (see --help)", 2},
  {"reproduce --datasets unknown", nothing(), "reproduce --datasets cora,reddit --out {D}/r", "vgrad reproduce: --datasets: unknown name 'reddit'; expected a comma-separated list of cora, citeseer, pubmed (see --help)", 2},
  {"--epochs 0", nothing(), "train --model gae --epochs 0", "vgrad train: --epochs: expected a positive value, got 0 (see --help)", 2},
  {"--epochs -5", nothing(), "train --model gae --epochs -5", "vgrad train: --epochs: expected a positive value, got -5 (see --help)", 2},
  {"--epochs not a number", nothing(), "train --model gae --epochs ten", "vgrad train: Could not convert: --epochs = ten (see --help)", 2},
  {"--epochs 1.5", nothing(), "train --model gae --epochs 1.5", "vgrad train: Could not convert: --epochs = 1.5 (see --help)", 2},
  {"--lr nan", nothing(), "train --model gae --lr nan", "vgrad train: --lr: expected a positive value, got nan (see --help)", 2},
  {"--lr inf", nothing(), "train --model gae --lr inf", "vgrad train: --lr: expected a value in (0, 10), got inf (see --help)", 2},
  {"--lr 0", nothing(), "train --model vae --lr 0", "vgrad train: --lr: expected a positive value, got 0 (see --help)", 2},
  {"--threads -1", nothing(), "train --model gae --threads -1", "vgrad train: --threads: expected 0 (all) .. 1024, got -1 (see --help)", 2},
  {"--batch 0", nothing(), "train --model vae --batch 0", "vgrad train: --batch: expected at least 1, got 0 (see --help)", 2},
  {"--hidden 0", nothing(), "train --model vae --hidden 0", "vgrad train: --hidden: expected a positive value, got 0 (see --help)", 2},
  {"--latent 100000", nothing(), "train --model gae --latent 100000", "vgrad train: --latent: expected 1..65536, got 100000 (see --help)", 2},
  {"--seed -1", nothing(), "train --model gae --seed -1", "vgrad train: --seed: expected a non-negative integer, got -1 (see --help)", 2},
  {"--seeds 0", nothing(), "train --model gae --seeds 0", "vgrad train: --seeds: expected 1..1000, got 0 (see --help)", 2},
  {"--decoder bogus", nothing(), "train --model gae --decoder bogus", "vgrad train: --decoder: expected fused, dense or sampled, got 'bogus' (see --help)", 2},
  {"--decoder with vae", nothing(), "train --model vae --decoder dense", "vgrad train: --decoder applies to gae and vgae only (see --help)", 2},
  {"--negatives 0", nothing(), "train --model gae --decoder sampled --negatives 0", "vgrad train: --negatives: expected at least 1, got 0 (see --help)", 2},
  {"--gemm mkl", nothing(), "train --model gae --gemm mkl", "vgrad train: --gemm: mkl not in {auto,openblas,onednn} (see --help)", 2},
  {"--dropout 1.5", nothing(), "train --model gae --dropout 1.5", "vgrad train: --dropout: expected [0, 1), got 1.5 (see --help)", 2},
  {"--dropout nan", nothing(), "train --model gae --dropout nan", "vgrad train: --dropout: expected [0, 1), got nan (see --help)", 2},
  {"--features bogus", nothing(), "train --model gae --features bogus", "vgrad train: --features: expected auto or none, got 'bogus' (see --help)", 2},
  {"--eval-every -1", nothing(), "train --model gae --eval-every -1", "vgrad train: --eval-every: expected 0 (never) or more, got -1 (see --help)", 2},
  {"--dataset unknown", nothing(), "train --model gae --dataset cifar", "vgrad train: --dataset: unknown graph dataset 'cifar' (expected cora, citeseer, pubmed, cora-linqs, synthetic[:k=v,...] or edgelist:PATH) (see --help)", 2},
  {"--dataset image for gae", nothing(), "train --model gae --dataset mnist", "vgrad train: --dataset: 'mnist' is an image dataset; gae, vgae, sc and deepwalk train on graphs", 2},
  {"--dataset graph for vae", nothing(), "train --model vae --dataset cora", "vgrad train: --dataset: 'cora' is a graph dataset; ae and vae train on images: mnist or fashion-mnist (see --help)", 2},
  {"--dataset edgelist: without path", nothing(), "train --model gae --dataset edgelist:", "vgrad train: --dataset: expected edgelist:PATH (a file or folder), found no path (see --help)", 2},
  {"--dataset synthetic bad number", nothing(), "train --model gae --dataset synthetic:nodes=abc", "vgrad train: --dataset: synthetic: expected a number for nodes, found 'abc' (see --help)", 2},
  {"--dataset synthetic bad key", nothing(), "train --model gae --dataset synthetic:size=9", "vgrad train: --dataset: synthetic: unknown key 'size'", 2},
  {"--dataset synthetic one node", nothing(), "train --model gae --dataset synthetic:nodes=1", "vgrad train: --dataset: synthetic: expected nodes >= 2, found 1 (see --help)", 2},
  {"--resume with --seeds", nothing(), "train --model gae --seeds 2 --resume {D}/x.ckpt", "vgrad train: --resume continues one run: it cannot go with --seeds (see --help)", 2},
  {"eval --iw 0", nothing(), "eval --checkpoint {D}/x.ckpt --iw 0", "vgrad eval: --iw: expected a sample count 1..1000000, got '0' (see --help)", 2},
  {"eval --iw abc", nothing(), "eval --checkpoint {D}/x.ckpt --iw abc", "vgrad eval: --iw: expected a sample count 1..1000000, got 'abc' (see --help)", 2},
  {"--recon for a graph model", nothing(), "train --model gae --recon mse", "vgrad train: --recon applies to ae and vae only (graph models reconstruct edges with their decoder) (see --help)", 2},
  {"--recon bogus", nothing(), "train --model ae --recon l1", "vgrad train: --recon: expected bce or mse, got 'l1' (see --help)", 2},
  {"--eval-negatives -1", nothing(), "train --model gae --eval-negatives -1", "vgrad train: --eval-negatives: expected 0 (the split's test negatives) or more, got -1 (see --help)", 2},
  {"--eval-negatives for an image model", nothing(), "train --model vae --eval-negatives 5", "vgrad train: --eval-negatives applies to gae and vgae only (see --help)", 2},
  {"sample --count 0", nothing(), "sample --checkpoint {D}/x.ckpt --count 0", "vgrad sample: --count: expected 1..1024, got 0 (see --help)", 2},
  {"export --out x.txt", nothing(), "export --checkpoint {D}/x.ckpt --out {D}/x.txt", "vgrad export: --out: expected a file name ending in .npy or .csv, got '{D}/x.txt' (see --help)", 2},
  {"eval without --checkpoint", nothing(), "eval", "vgrad eval: --checkpoint is required (see --help)", 2},
  {"data without a name", nothing(), "data", "vgrad data: name is required (see --help)", 2},
  {"data --seed -1", nothing(), "data synthetic --seed -1", "vgrad data: --seed: expected a non-negative integer, got -1 (see --help)", 2},
  // ---- memory limits: refused up front with the estimate ----
  {"dense decoder over the memory limit", nothing(), train_gae + "--dataset synthetic:nodes=2000 --decoder dense", "vgrad train: error: --model gae on synthetic:nodes=2000 needs about |(2000 nodes, 40119 edges; largest: --decoder dense: 4 N x N float tensors of 15 MiB), more than the 32 MiB available (VGRAD_MEMORY_LIMIT_MB=32); use --decoder fused (the same loss in tiles, O(N d) memory)", 1, "VGRAD_MEMORY_LIMIT_MB=32"},
  {"fused decoder fits the same limit", nothing(), train_gae + "--dataset synthetic:nodes=2000", "", 0, "VGRAD_MEMORY_LIMIT_MB=32", "\"nodes\":2000"},
  {"sampled negatives over memory", nothing(), train_gae + "--dataset synthetic --decoder sampled --negatives 100000000000", "--decoder sampled: 89900000000899 pairs per epoch (--negatives 100000000000)), more than the 4.0 GiB available (VGRAD_MEMORY_LIMIT_MB=4096); use fewer --negatives", 1, "VGRAD_MEMORY_LIMIT_MB=4096"},
  {"synthetic graph refused before it is drawn", nothing(), train_gae + "--dataset synthetic:nodes=100000000", "vgrad train: error: synthetic:nodes=100000000 needs about 1.42 PiB (about 99999997500000 edges expected, 16 bytes each while sorted), more than the 4.0 GiB available (VGRAD_MEMORY_LIMIT_MB=4096)", 1, "VGRAD_MEMORY_LIMIT_MB=4096"},
  {"featureless graph with 16M nodes", cora({{"meta.txt", "num_nodes 16000000\n"}}), train_gae + "--dataset cora --data-dir {D}", "vgrad train: error: --model gae on cora needs about |(16000000 nodes, 30 edges; largest: |), more than the 4.0 GiB available (VGRAD_MEMORY_LIMIT_MB=4096)", 1, "VGRAD_MEMORY_LIMIT_MB=4096"},
  {"IDX header announcing too many images", mnist({{img + ".gz", idx_images(1).substr(0, 4) + be(1000000) + be(28) + be(28)}}), "data mnist --data-dir {D}", "{D}/mnist/train-images-idx3-ubyte.gz needs about 3.7 GiB (the header at byte 4 says 1000000 images of 28x28: 1 byte + 1 float per pixel), more than the 1.0 GiB available (VGRAD_MEMORY_LIMIT_MB=1024)", 1, "VGRAD_MEMORY_LIMIT_MB=1024"},
  {"bad VGRAD_MEMORY_LIMIT_MB", nothing(), train_gae + "--dataset synthetic", "vgrad train: error: VGRAD_MEMORY_LIMIT_MB: expected a positive whole number of MiB, found 'lots'", 1, "VGRAD_MEMORY_LIMIT_MB=lots"},
  // ---- outputs are never left half-written ----
  {"bad --out folder", files({{"taken", "a file"}}), train_gae + "--dataset synthetic --out {D}/taken/run", "{D}/taken/run: cannot create the output folder", 1},
  {"checkpoint cannot be renamed into place", files({{"run/checkpoint.ckpt/keep", ""}}), train_gae + "--dataset synthetic --out {D}/run", "checkpoint {D}/run/checkpoint.ckpt: cannot rename {D}/run/checkpoint.ckpt.tmp.", 1},
  };
  // clang-format on
}

}  // namespace

TEST_CASE("bad input: every reader and flag refuses it in one line with the right exit code") {
  const std::string vgrad = vgrad_binary();
  REQUIRE_MESSAGE(std::filesystem::exists(vgrad), vgrad, " is missing: run `make` first");
  // One good checkpoint (VGAE, 2 epochs on a 60-node block model) for the checkpoint rows.
  TempDir fixture;
  const Ran made = run_binary(vgrad, split_words("train --model vgae --dataset synthetic:nodes=60 "
                                                 "--epochs 2 --quiet --threads 1 --out " +
                                                 fixture / "run"),
                              "", fixture / "capture");
  REQUIRE_MESSAGE(made.code == 0, made.err);
  for (const Row& row : rows(fixture / "run/checkpoint.ckpt")) {
    TempDir d;
    row.make(d.str());
    std::vector<std::string> args;
    for (const std::string& w : split_words(row.args)) args.push_back(replace_all(w, "{D}", d.str()));
    const Ran r = run_binary(vgrad, args, row.env, d / ".capture");
    INFO("row '", std::string(row.name), "': vgrad ", replace_all(row.args, "{D}", d.str()), "\nstderr: ", r.err);
    CHECK_FALSE(r.timed_out);
    CHECK_MESSAGE(r.signal == 0, "killed by signal ", r.signal);
    CHECK(r.code == row.code);
    if (row.expect.empty()) {
      CHECK(r.err.empty());
    } else {
      const bool one_line = std::count(r.err.begin(), r.err.end(), '\n') == 1 && r.err.back() == '\n';
      CHECK_MESSAGE(one_line, "stderr is not exactly one line");
      // "A|B": both pieces, in any order (the parts between depend on the machine or on pid).
      for (const std::string& piece : split_on_bar(replace_all(row.expect, "{D}", d.str())))
        CHECK_MESSAGE(r.err.find(piece) != std::string::npos, "expected in stderr: ", piece);
    }
    if (row.code != 0) CHECK_MESSAGE(r.out.empty(), "a failed run printed: ", r.out);
    if (!row.out.empty()) CHECK_MESSAGE(r.out.find(row.out) != std::string::npos, "stdout: ", r.out);
    const std::vector<std::string> left = leftover_temp_files(d.str());
    CHECK_MESSAGE(left.empty(), "half-written file left: ", left.empty() ? "" : left[0]);
  }
}
