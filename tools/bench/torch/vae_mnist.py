#!/usr/bin/python3
"""Plain PyTorch reference for vgrad's MNIST VAE.

This is the classic pytorch/examples vae/main.py (784-400-20 VAE) written
plainly, without torchvision: MNIST is read from the IDX .gz files with
gzip + numpy. Progress goes to stderr; the last stdout line is one JSON object.

    /usr/bin/python3 tools/bench/torch/vae_mnist.py --epochs 10 --threads 2
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
from torch import nn, optim


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        buf = f.read()
    magic, n, rows, cols = np.frombuffer(buf, dtype=">u4", count=4, offset=0)
    if magic != 2051:
        raise ValueError(f"{path}: bad IDX image magic {magic}")
    data = np.frombuffer(buf, dtype=np.uint8, count=n * rows * cols, offset=16)
    return (data.reshape(n, rows * cols).astype(np.float32) / 255.0)


def read_idx_labels(path):
    with gzip.open(path, "rb") as f:
        buf = f.read()
    magic, n = np.frombuffer(buf, dtype=">u4", count=2, offset=0)
    if magic != 2049:
        raise ValueError(f"{path}: bad IDX label magic {magic}")
    return np.frombuffer(buf, dtype=np.uint8, count=n, offset=8).astype(np.int64)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=0,
                   help="torch.set_num_threads (0 = torch's default)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data-dir", default="data")
    p.add_argument("--train-limit", type=int, default=0,
                   help="use only the first N training images (0 = all)")
    args = p.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    torch.manual_seed(args.seed)

    d = os.path.join(args.data_dir, "mnist")
    train_x = read_idx_images(os.path.join(d, "train-images-idx3-ubyte.gz"))
    test_x = read_idx_images(os.path.join(d, "t10k-images-idx3-ubyte.gz"))
    # Labels are unused by the VAE; read them anyway to check the files.
    read_idx_labels(os.path.join(d, "train-labels-idx1-ubyte.gz"))
    read_idx_labels(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))
    if args.train_limit > 0:
        train_x = train_x[: args.train_limit]
    train_x = torch.from_numpy(train_x)
    test_x = torch.from_numpy(test_x)
    n_train, n_test = train_x.shape[0], test_x.shape[0]
    log(f"torch {torch.__version__}, threads {threads}, "
        f"train {n_train}, test {n_test}, batch {args.batch}")

    model = VAE()
    optimizer = optim.Adam(model.parameters(), lr=1e-3)

    epoch_secs = []
    train_loss = float("nan")
    test_loss = float("nan")
    for epoch in range(1, args.epochs + 1):
        # --- train (timed) ---
        t0 = time.perf_counter()
        model.train()
        total = 0.0
        perm = torch.randperm(n_train)
        for start in range(0, n_train, args.batch):
            data = train_x[perm[start:start + args.batch]]
            optimizer.zero_grad()
            recon, mu, logvar = model(data)
            loss = loss_function(recon, data, mu, logvar)
            loss.backward()
            total += loss.item()
            optimizer.step()
        dt = time.perf_counter() - t0
        epoch_secs.append(dt)
        train_loss = total / n_train

        # --- test (not timed), z sampled as in the example ---
        model.eval()
        ttotal = 0.0
        with torch.no_grad():
            for start in range(0, n_test, args.batch):
                data = test_x[start:start + args.batch]
                recon, mu, logvar = model(data)
                ttotal += loss_function(recon, data, mu, logvar).item()
        test_loss = ttotal / n_test
        log(f"epoch {epoch}: train loss {train_loss:.4f}  "
            f"test loss {test_loss:.4f}  {dt:.2f}s")

    print(json.dumps({
        "model": "vae",
        "framework": "pytorch",
        "epochs": args.epochs,
        "threads": threads,
        "train_loss": train_loss,
        "test_loss": test_loss,
        "sec_per_epoch": statistics.median(epoch_secs) if epoch_secs else None,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "seed": args.seed,
        "torch_version": torch.__version__,
    }), flush=True)


if __name__ == "__main__":
    main()
