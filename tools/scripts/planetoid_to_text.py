#!/usr/bin/env python3
"""Planetoid pickles (ind.NAME.{x,y,tx,ty,allx,ally,graph,test.index}) -> vgrad's text layout.

    python3 tools/scripts/planetoid_to_text.py PICKLE_DIR NAME OUT_DIR

Used only by tools/scripts/fetch_data.sh when no data mirror is available; nothing that `make test`
runs depends on Python. Needs python3-numpy and python3-scipy (Debian).

Node order follows tkipf/gae's input_data.py: allx rows, then tx rows, with the test rows
moved to the ids listed in test.index; for citeseer the test range min..max(test.index) is
filled, so the ids missing from test.index get zero features and no label (-1).
Output: edges.txt ("u v", u < v, unique, no self-loops, sorted), features.txt ("node index
value" per nonzero, float32 printed as the shortest decimal that reads back the same;
gzipped as features.txt.gz when larger than 5 MB), labels.txt, test_index.txt, meta.txt.
"""
import gzip
import os
import pickle
import shutil
import sys
import warnings

import numpy as np
import scipy.sparse as sp


def load(pickle_dir, name, part):
    # The pickles name scipy.sparse.csr, a module path newer scipy only keeps as an alias.
    warnings.simplefilter("ignore", DeprecationWarning)
    with open(os.path.join(pickle_dir, "ind.%s.%s" % (name, part)), "rb") as f:
        return pickle.load(f, encoding="latin1")  # written by Python 2


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: planetoid_to_text.py PICKLE_DIR NAME OUT_DIR")
    pickle_dir, name, out = sys.argv[1:]
    x, y, tx, ty, allx, ally, graph = (load(pickle_dir, name, p)
                                       for p in ("x", "y", "tx", "ty", "allx", "ally", "graph"))
    index_path = os.path.join(pickle_dir, "ind.%s.test.index" % name)
    test_idx = [int(line) for line in open(index_path)]
    test_range = np.sort(test_idx)

    missing = []
    if name == "citeseer":
        # Isolated test nodes are absent from tx/ty: pad the full test range with zero rows.
        full = range(min(test_idx), max(test_idx) + 1)
        tx_ext = sp.lil_matrix((len(full), tx.shape[1]), dtype=tx.dtype)
        tx_ext[test_range - min(test_range), :] = tx
        tx = tx_ext
        ty_ext = np.zeros((len(full), ty.shape[1]), dtype=ty.dtype)
        ty_ext[test_range - min(test_range), :] = ty
        ty = ty_ext
        missing = sorted(set(full) - set(test_idx))

    features = sp.vstack((allx, tx)).tolil()
    features[test_idx, :] = features[test_range, :]
    features = features.tocsr().astype(np.float32)
    features.sort_indices()
    labels_1hot = np.vstack((ally, ty))
    labels_1hot[test_idx, :] = labels_1hot[test_range, :]
    labels = np.where(labels_1hot.sum(1) > 0, labels_1hot.argmax(1), -1)
    n, f = features.shape

    edges, loops, entries = set(), set(), 0
    for u, nbrs in graph.items():
        for v in nbrs:
            entries += 1
            if u == v:
                loops.add(u)
            else:
                edges.add((min(u, v), max(u, v)))
    edges = sorted(edges)
    degree = np.zeros(n, dtype=np.int64)
    for u, v in edges:
        degree[u] += 1
        degree[v] += 1

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "edges.txt"), "w") as fo:
        fo.writelines("%d %d\n" % e for e in edges)
    lines = []
    for i in range(n):
        for k in range(features.indptr[i], features.indptr[i + 1]):
            value = np.format_float_positional(features.data[k], trim="-")
            lines.append("%d %d %s\n" % (i, features.indices[k], value))
    text = "".join(lines).encode()
    features_file = "features.txt"
    if len(text) > 5 * 1024 * 1024:
        features_file = "features.txt.gz"
        with open(os.path.join(out, features_file), "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as fo:
                fo.write(text)
    else:
        with open(os.path.join(out, features_file), "wb") as fo:
            fo.write(text)
    with open(os.path.join(out, "labels.txt"), "w") as fo:
        fo.writelines("%d\n" % l for l in labels)
    shutil.copyfile(index_path, os.path.join(out, "test_index.txt"))

    k = labels_1hot.shape[1]
    meta = [
        ("name", name), ("num_nodes", n), ("num_features", f), ("num_classes", k),
        ("num_edges_undirected", len(edges)), ("num_self_loops_dropped", len(loops)),
        ("num_graph_dict_entries", entries), ("num_feature_nonzeros", features.nnz),
        ("num_isolated_nodes", int((degree == 0).sum())),
        ("num_unlabeled_nodes", int((labels < 0).sum())), ("num_allx_rows", allx.shape[0]),
        ("num_train_nodes_y", y.shape[0]), ("num_test_nodes", len(test_idx)),
        ("citeseer_isolated_test_nodes_zero_features",
         " ".join(map(str, missing)) if missing else "none"),
        ("label_counts", " ".join(str(int((labels == c).sum())) for c in range(k))),
        ("features_exact", "yes"),
        ("node_order", "tkipf/gae input_data.py: allx rows, then tx rows with "
                       "features[test_idx_reorder]=features[test_idx_range]"),
        ("edges_file", "edges.txt"), ("features_file", features_file),
        ("features_format", "node feature_index value (one nonzero per line, sorted, 0-based)"),
        ("labels_file", "labels.txt"),
        ("labels_format", "line i = class of node i (argmax of one-hot ally/ty, reordered like "
                          "features); -1 = none"),
        ("test_index_file", "test_index.txt"),
    ]
    with open(os.path.join(out, "meta.txt"), "w") as fo:
        fo.writelines("%s %s\n" % kv for kv in meta)


if __name__ == "__main__":
    main()
