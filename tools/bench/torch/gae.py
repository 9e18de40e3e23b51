#!/usr/bin/python3
"""Plain PyTorch reference for vgrad's GAE / VGAE (Kipf & Welling 2016).

Written the way the popular PyTorch ports of tkipf/gae are: a two-layer GCN
encoder (32 -> 16, Glorot uniform, no bias, dropout 0) and a dense
inner-product decoder over all N x N pairs with a weighted BCE loss, Adam
lr 0.01, 200 epochs. A_hat and the node features are torch sparse (COO)
tensors; the logits and the labels (A_train + I) are dense N x N float32.
Progress goes to stderr; the last stdout line is one JSON object.

    /usr/bin/python3 tools/bench/torch/gae.py --model vgae --dataset cora --threads 2
"""
import argparse
import gzip
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data

def read_meta(path):
    meta = {}
    with open(path) as f:
        for line in f:
            parts = line.split(None, 1)
            if len(parts) == 2:
                meta[parts[0]] = parts[1].strip()
    return meta


def read_numbers(path, cols):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        arr = np.array(f.read().split(), dtype=np.float64)
    return arr.reshape(-1, cols)


def load_planetoid_text(data_dir, name):
    d = os.path.join(data_dir, "planetoid-text", name)
    meta = read_meta(os.path.join(d, "meta.txt"))
    n = int(meta["num_nodes"])
    nf = int(meta["num_features"])
    edges = read_numbers(os.path.join(d, "edges.txt"), 2).astype(np.int64)
    if not (edges[:, 0] < edges[:, 1]).all():
        raise ValueError("edges.txt: expected u < v on every line")
    fpath = os.path.join(d, "features.txt")
    if not os.path.exists(fpath):
        fpath += ".gz"
    feats = read_numbers(fpath, 3)
    return n, nf, edges, feats


# ---------------------------------------------------------------- split

def mask_test_edges(n, edges, rng):
    """tkipf/gae's mask_test_edges: floor(E/10) test and floor(E/20) val
    positives from one shuffle of the upper-triangle edges (val first, then
    test), the rest train; as many uniformly sampled negatives (i != j, no
    repeats in either direction). Test negatives are not graph edges; val
    negatives are not graph edges nor test negatives (the reference only
    excludes train/val edges there), so all sets are disjoint."""
    e = edges.shape[0]
    num_test = int(np.floor(e / 10.0))
    num_val = int(np.floor(e / 20.0))
    idx = np.arange(e)
    rng.shuffle(idx)
    val_edges = edges[idx[:num_val]]
    test_edges = edges[idx[num_val:num_val + num_test]]
    train_edges = edges[idx[num_val + num_test:]]

    def key(i, j):
        return (i, j) if i < j else (j, i)

    all_edges = {key(int(u), int(v)) for u, v in edges}

    def sample(count, forbidden):
        out, seen = [], set()
        while len(out) < count:
            i = int(rng.integers(0, n))
            j = int(rng.integers(0, n))
            if i == j:
                continue
            k = key(i, j)
            if k in all_edges or k in forbidden or k in seen:
                continue
            seen.add(k)
            out.append((i, j))
        return np.array(out, dtype=np.int64).reshape(-1, 2), seen

    test_false, test_false_set = sample(num_test, set())
    val_false, _ = sample(num_val, test_false_set)
    return train_edges, val_edges, val_false, test_edges, test_false


def sparse_coo(rows, cols, vals, shape):
    i = torch.from_numpy(np.vstack([rows, cols]).astype(np.int64))
    v = torch.from_numpy(np.asarray(vals, dtype=np.float32))
    return torch.sparse_coo_tensor(i, v, shape).coalesce()


def normalized_adjacency(n, train_edges):
    """D^-1/2 (A_train + I) D^-1/2 as a sparse COO tensor."""
    u, v = train_edges[:, 0], train_edges[:, 1]
    loops = np.arange(n)
    rows = np.concatenate([u, v, loops])
    cols = np.concatenate([v, u, loops])
    deg = np.bincount(rows, minlength=n).astype(np.float64)  # incl. self-loop
    dinv = 1.0 / np.sqrt(deg)
    vals = dinv[rows] * dinv[cols]
    return sparse_coo(rows, cols, vals, (n, n))


# ---------------------------------------------------------------- metrics

def roc_auc(scores, labels):
    """Probability that a random positive outscores a random negative, a tie
    counting one half (= sklearn's roc_auc_score)."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels).astype(bool)
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s), dtype=np.float64)
    # average 1-based ranks over runs of equal scores
    starts = np.r_[0, np.flatnonzero(np.diff(s)) + 1]
    ends = np.r_[starts[1:], len(s)]
    avg = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(avg, ends - starts)
    npos = labels.sum()
    nneg = len(labels) - npos
    return float((ranks[labels].sum() - npos * (npos + 1) / 2.0) / (npos * nneg))


def average_precision(scores, labels):
    """sklearn's average_precision_score: sum_n (R_n - R_{n-1}) P_n over the
    distinct score thresholds, highest first."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels).astype(np.float64)
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], labels[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # end of each tie run
    tps = np.cumsum(y)[last]
    fps = (last + 1) - tps
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def link_scores(emb, pos, neg):
    """Inner products z_u . z_v (the decoder's logits; sigmoid is monotone so
    it does not change AUC or AP, and skipping it avoids float ties)."""
    e = emb.detach().double()
    pairs = torch.from_numpy(np.vstack([pos, neg]))
    s = (e[pairs[:, 0]] * e[pairs[:, 1]]).sum(1).numpy()
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    return roc_auc(s, y), average_precision(s, y)


# ---------------------------------------------------------------- model

def glorot(fan_in, fan_out):
    w = torch.empty(fan_in, fan_out)
    nn.init.xavier_uniform_(w)  # U(-r, r), r = sqrt(6 / (in + out))
    return nn.Parameter(w)


class GCNEncoder(nn.Module):
    def __init__(self, in_dim, hidden=32, out=16, variational=False):
        super().__init__()
        self.variational = variational
        self.w1 = glorot(in_dim, hidden)
        self.w_mu = glorot(hidden, out)
        if variational:
            self.w_logstd = glorot(hidden, out)

    def forward(self, x, adj):
        # GraphConvolutionSparse: A_hat (X W1), relu
        h = F.relu(torch.sparse.mm(adj, torch.sparse.mm(x, self.w1)))
        mu = torch.sparse.mm(adj, h @ self.w_mu)
        if not self.variational:
            return mu, None
        logstd = torch.sparse.mm(adj, h @ self.w_logstd)
        return mu, logstd


class GAE(nn.Module):
    def __init__(self, in_dim, variational):
        super().__init__()
        self.encoder = GCNEncoder(in_dim, variational=variational)
        self.variational = variational

    def forward(self, x, adj):
        mu, logstd = self.encoder(x, adj)
        if self.variational and self.training:
            z = mu + torch.randn_like(mu) * torch.exp(logstd)
        else:
            z = mu
        logits = z @ z.t()  # dense N x N inner-product decoder
        return logits, mu, logstd


# ---------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    p.add_argument("--model", choices=["gae", "vgae"], default="gae")
    p.add_argument("--dataset", choices=["cora", "citeseer", "pubmed"],
                   default="cora")
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--threads", type=int, default=0,
                   help="torch.set_num_threads (0 = torch's default)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data-dir", default="data")
    p.add_argument("--features", choices=["data", "none"], default="data",
                   help="'none' uses the identity matrix as features")
    p.add_argument("--val-every", type=int, default=0,
                   help="log val AUC/AP every K epochs (not timed; 0 = off)")
    args = p.parse_args()

    t_start = time.perf_counter()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    n, nf, edges, feats = load_planetoid_text(args.data_dir, args.dataset)
    train_e, val_e, val_f, test_e, test_f = mask_test_edges(n, edges, rng)
    log(f"torch {torch.__version__}, threads {threads}, {args.dataset}: "
        f"N={n} F={nf} edges={len(edges)} train={len(train_e)} "
        f"val={len(val_e)} test={len(test_e)}")

    adj_norm = normalized_adjacency(n, train_e)
    if args.features == "none":
        ar = np.arange(n)
        x = sparse_coo(ar, ar, np.ones(n), (n, n))
    else:
        x = sparse_coo(feats[:, 0].astype(np.int64),
                       feats[:, 1].astype(np.int64), feats[:, 2], (n, nf))

    # targets: A_train + I, dense N x N
    labels = torch.zeros(n, n)
    tu = torch.from_numpy(train_e[:, 0])
    tv = torch.from_numpy(train_e[:, 1])
    labels[tu, tv] = 1.0
    labels[tv, tu] = 1.0
    labels.fill_diagonal_(1.0)
    num_ones = 2.0 * len(train_e)  # E: ones of A_train, both directions
    nn2 = float(n) * float(n)
    pos_weight = torch.tensor((nn2 - num_ones) / num_ones)
    norm = nn2 / (2.0 * (nn2 - num_ones))

    model = GAE(x.shape[1], variational=(args.model == "vgae"))
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    epoch_secs = []
    t_train = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        optimizer.zero_grad()
        logits, mu, logstd = model(x, adj_norm)
        loss = norm * F.binary_cross_entropy_with_logits(
            logits, labels, pos_weight=pos_weight)
        if model.variational:
            kl = (0.5 / n) * torch.mean(torch.sum(
                1 + 2 * logstd - mu.pow(2) - torch.exp(logstd).pow(2), 1))
            loss = loss - kl
        loss.backward()
        optimizer.step()
        dt = time.perf_counter() - t0
        epoch_secs.append(dt)
        del logits
        msg = f"epoch {epoch}: loss {loss.item():.5f}  {dt:.3f}s"
        if args.val_every and epoch % args.val_every == 0:
            model.eval()
            with torch.no_grad():
                mu_eval, _ = model.encoder(x, adj_norm)
            vauc, vap = link_scores(mu_eval, val_e, val_f)
            msg += f"  val auc {vauc:.4f} ap {vap:.4f}"
        log(msg)
    train_wall = time.perf_counter() - t_train

    model.eval()
    with torch.no_grad():
        mu_eval, _ = model.encoder(x, adj_norm)
    val_auc, val_ap = link_scores(mu_eval, val_e, val_f)
    test_auc, test_ap = link_scores(mu_eval, test_e, test_f)
    t_end = time.perf_counter()
    total = t_end - t_train        # training + evaluation
    setup = t_train - t_start      # loading, split, A_hat, labels
    log(f"val auc {val_auc:.4f} ap {val_ap:.4f} | test auc {test_auc:.4f} "
        f"ap {test_ap:.4f} | setup {setup:.2f}s train {train_wall:.2f}s "
        f"train+eval {total:.2f}s")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({
        "model": args.model,
        "dataset": args.dataset,
        "framework": "pytorch",
        "epochs": args.epochs,
        "threads": threads,
        "seed": args.seed,
        "features": args.features,
        "test_auc": test_auc,
        "test_ap": test_ap,
        "val_auc": val_auc,
        "val_ap": val_ap,
        "sec_per_epoch": statistics.median(epoch_secs) if epoch_secs else None,
        "total_seconds": total,
        "setup_seconds": setup,
        "peak_rss_mib": peak,
        "torch_version": torch.__version__,
    }), flush=True)


if __name__ == "__main__":
    main()
