"""numpy reference for Strata's trainer benchmark (`make bench`).

The same MLP as StrataLearning (784-128-10, ReLU, softmax cross-entropy, float32), the same
mini-batch SGD (batch 32, lr 0.05, a fresh shuffle per epoch, rows gathered per batch, the last
batch short), on the same data (Fashion-MNIST train, 60,000 rows, pixels / 255). numpy is the
PyPI wheel with its bundled OpenBLAS, pinned in the Makefile; run it with OPENBLAS_NUM_THREADS=1.
Prints one JSON object: samples per second per epoch, loss, peak RSS and the BLAS in use.
"""

import argparse
import gzip
import json
import os
import resource
import sys
import time

import numpy as np


def read_idx(path, rank):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[:3] != b"\x00\x00\x08" or data[3] != rank:
        sys.exit(f"{path}: not an unsigned-byte IDX file of rank {rank}")
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    return [
        {k: v for k, v in pool.items() if k in ("internal_api", "version", "architecture", "num_threads", "prefix")}
        for pool in threadpool_info() if pool.get("user_api") == "blas"
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    folder = os.path.join(args.data_dir, "fashion-mnist")
    x = read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz"), 3).reshape(-1, 784).astype(np.float32) / np.float32(255)
    y = read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"), 1).astype(np.int64)
    n = x.shape[0]

    rng = np.random.default_rng(args.seed)
    w1 = rng.uniform(-1 / 28, 1 / 28, (784, 128)).astype(np.float32)
    b1 = rng.uniform(-1 / 28, 1 / 28, 128).astype(np.float32)
    bound2 = 1 / np.sqrt(128)
    w2 = rng.uniform(-bound2, bound2, (128, 10)).astype(np.float32)
    b2 = rng.uniform(-bound2, bound2, 10).astype(np.float32)
    lr = np.float32(args.lr)

    epoch_rates, losses = [], []
    for _ in range(args.epochs):
        order = rng.permutation(n)
        total_loss = 0.0
        start = time.perf_counter()
        for s in range(0, n, args.batch):
            idx = order[s:s + args.batch]
            xb, yb = x[idx], y[idx]
            rows = xb.shape[0]
            h = xb @ w1 + b1
            np.maximum(h, 0, out=h)
            z = h @ w2 + b2
            z -= z.max(axis=1, keepdims=True)
            np.exp(z, out=z)
            total = z.sum(axis=1, keepdims=True)
            p = z / total
            total_loss += float(-np.log(p[np.arange(rows), yb]).sum())
            delta = p
            delta[np.arange(rows), yb] -= 1
            delta /= np.float32(rows)
            dh = delta @ w2.T
            dh[h <= 0] = 0
            w2 -= lr * (h.T @ delta)
            b2 -= lr * delta.sum(axis=0)
            w1 -= lr * (xb.T @ dh)
            b1 -= lr * dh.sum(axis=0)
        epoch_rates.append(n / (time.perf_counter() - start))
        losses.append(total_loss / n)

    print(json.dumps({
        "samples_per_second": epoch_rates,
        "loss": losses,
        "samples": n,
        "dtype": str(w1.dtype),
        "numpy": np.__version__,
        "blas": blas_info(),
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()
