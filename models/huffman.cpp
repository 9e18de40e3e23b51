#include "models/huffman.h"

#include <algorithm>
#include <numeric>

#include "autograd/check.h"

namespace vgrad {

HuffmanTree huffman_tree(const std::vector<int64_t>& counts) {
  const int64_t v = (int64_t)counts.size();
  check(v >= 2, "huffman_tree: a tree needs at least 2 leaves, got ", v);
  // Leaves by count, most frequent first (word2vec sorts its vocabulary so).
  std::vector<int64_t> by_count(v);
  std::iota(by_count.begin(), by_count.end(), 0);
  std::stable_sort(by_count.begin(), by_count.end(),
                   [&](int64_t a, int64_t b) { return counts[a] > counts[b]; });
  // Slots 0..v-1 are the sorted leaves, v..2v-2 the inner nodes in creation order: word2vec's
  // two queues are the leaves from the back (pos1) and the new inner nodes from the front (pos2).
  const size_t slots = 2 * (size_t)v - 1;
  std::vector<int64_t> count(slots, INT64_MAX), parent(slots, 0);
  std::vector<uint8_t> bit(slots, 0);
  for (int64_t k = 0; k < v; ++k) count[k] = counts[by_count[k]];
  int64_t pos1 = v - 1, pos2 = v;
  auto take_min = [&] { return pos1 >= 0 && count[pos1] < count[pos2] ? pos1-- : pos2++; };
  for (int64_t a = 0; a < v - 1; ++a) {
    const int64_t min1 = take_min(), min2 = take_min();
    count[v + a] = count[min1] + count[min2];
    parent[min1] = parent[min2] = v + a;
    bit[min2] = 1;
  }
  // Each leaf's path, read upwards, then reversed so the root comes first. Inner slot v + a
  // is inner node a; the root is the last created, a = v - 2.
  HuffmanTree tree;
  tree.leaves = v;
  std::vector<std::vector<int32_t>> inner(v);
  std::vector<std::vector<float>> sign(v);
  const int64_t root = 2 * v - 2;
  for (int64_t k = 0; k < v; ++k) {
    std::vector<int32_t>& in = inner[by_count[k]];
    std::vector<float>& sg = sign[by_count[k]];
    for (int64_t b = k; b != root; b = parent[b]) {
      in.push_back((int32_t)(parent[b] - v));
      sg.push_back(bit[b] ? -1.0f : 1.0f);
    }
    std::reverse(in.begin(), in.end());
    std::reverse(sg.begin(), sg.end());
  }
  tree.path_start.assign(v + 1, 0);
  for (int64_t u = 0; u < v; ++u) {
    tree.path_start[u + 1] = tree.path_start[u] + (int64_t)inner[u].size();
    tree.inner.insert(tree.inner.end(), inner[u].begin(), inner[u].end());
    tree.sign.insert(tree.sign.end(), sign[u].begin(), sign[u].end());
  }
  return tree;
}

}  // namespace vgrad
