// word2vec's Huffman tree over node frequencies, for hierarchical softmax: leaf v's path from
// the root lists the inner nodes (0 .. N-2, root N-2) and, at each, the code bit of the
// branch taken. Built as word2vec.c's CreateBinaryTree (two queues over counts sorted from
// most to least frequent; the second-smallest child gets bit 1), ties broken by node id.
#pragma once
#include <cstdint>
#include <vector>

namespace vgrad {

struct HuffmanTree {
  int64_t leaves = 0;
  std::vector<int64_t> path_start;  // leaves + 1: leaf v's path is [path_start[v], path_start[v+1])
  std::vector<int32_t> inner;       // inner node at each step, root first
  std::vector<float> sign;          // 1 - 2 code: the term is log sigmoid(sign * u . v_inner)
  int64_t inner_nodes() const { return leaves > 1 ? leaves - 1 : 0; }
};

// counts: how often each node occurs in the walks (>= 0). At least 2 leaves.
HuffmanTree huffman_tree(const std::vector<int64_t>& counts);

}  // namespace vgrad
