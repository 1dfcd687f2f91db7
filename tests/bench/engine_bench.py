"""The engine benchmark's training steps written with NumPy (vectorised over
the batch): same shapes, same loss (softmax cross-entropy), same SGD update.
Prints "<case> <steps_per_second>" lines like engine_bench."""
import time

import numpy as np

rng = np.random.default_rng(1)


def softmax_ce_grad(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1.0
    return p / len(labels)


def dense_case(n_in, n_hidden, n_out, batch):
    w1 = rng.uniform(-0.1, 0.1, (n_hidden, n_in)).astype(np.float32)
    b1 = np.zeros(n_hidden, np.float32)
    w2 = rng.uniform(-0.1, 0.1, (n_out, n_hidden)).astype(np.float32)
    b2 = np.zeros(n_out, np.float32)
    x = rng.uniform(-1, 1, (batch, n_in)).astype(np.float32)
    y = rng.integers(0, n_out, batch)

    def step():
        nonlocal w1, b1, w2, b2
        h = np.maximum(x @ w1.T + b1, 0)
        g = softmax_ce_grad(h @ w2.T + b2, y)
        gw2 = g.T @ h
        gb2 = g.sum(0)
        gh = (g @ w2) * (h > 0)
        gw1 = gh.T @ x
        gb1 = gh.sum(0)
        w1 -= 0.01 * gw1
        b1 -= 0.01 * gb1
        w2 -= 0.01 * gw2
        b2 -= 0.01 * gb2
    return step


def im2col(x, k, stride):
    # x: (n, h, w, c) already padded
    n, h, w, c = x.shape
    oh = (h - k) // stride + 1
    ow = (w - k) // stride + 1
    s = x.strides
    cols = np.lib.stride_tricks.as_strided(
        x, (n, oh, ow, k, k, c), (s[0], s[1] * stride, s[2] * stride, s[1], s[2], s[3]))
    return cols.reshape(n, oh, ow, k * k * c), oh, ow


def pad_same(x, k, stride):
    h = x.shape[1]
    out = (h + stride - 1) // stride
    total = max((out - 1) * stride + k - h, 0)
    before = total // 2
    return np.pad(x, ((0, 0), (before, total - before), (before, total - before), (0, 0)))


def col2im_add(dcols, shape, k, stride, pad_shape):
    n, h, w, c = pad_shape
    dx = np.zeros(pad_shape, np.float32)
    oh, ow = dcols.shape[1], dcols.shape[2]
    d = dcols.reshape(n, oh, ow, k, k, c)
    for ky in range(k):
        for kx in range(k):
            dx[:, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride, :] += d[:, :, :, ky, kx, :]
    return dx


def conv_case(batch):
    k = 3
    w1 = rng.uniform(-0.1, 0.1, (8, k * k * 4)).astype(np.float32)
    b1 = np.zeros(8, np.float32)
    w2 = rng.uniform(-0.1, 0.1, (8, k * k * 8)).astype(np.float32)
    b2 = np.zeros(8, np.float32)
    w3 = rng.uniform(-0.1, 0.1, (10, 8 * 8 * 8)).astype(np.float32)
    b3 = np.zeros(10, np.float32)
    x = rng.uniform(-1, 1, (batch, 16, 16, 4)).astype(np.float32)
    y = rng.integers(0, 10, batch)

    def step():
        nonlocal w1, b1, w2, b2, w3, b3
        xp = pad_same(x, k, 1)
        c1, oh1, ow1 = im2col(xp, k, 1)
        h1 = np.maximum(c1 @ w1.T + b1, 0)
        h1p = pad_same(h1, k, 2)
        c2, oh2, ow2 = im2col(h1p, k, 2)
        h2 = np.maximum(c2 @ w2.T + b2, 0)
        flat = h2.reshape(batch, -1)
        g = softmax_ce_grad(flat @ w3.T + b3, y)
        gw3 = g.T @ flat
        gb3 = g.sum(0)
        gh2 = (g @ w3).reshape(h2.shape) * (h2 > 0)
        gw2 = gh2.reshape(-1, 8).T @ c2.reshape(-1, k * k * 8)
        gb2 = gh2.sum((0, 1, 2))
        dc2 = gh2 @ w2
        dh1p = col2im_add(dc2, None, k, 2, h1p.shape)
        off = (h1p.shape[1] - 16) // 2
        gh1 = dh1p[:, off:off + 16, off:off + 16, :] * (h1 > 0)
        gw1 = gh1.reshape(-1, 8).T @ c1.reshape(-1, k * k * 4)
        gb1 = gh1.sum((0, 1, 2))
        for p, gp in ((w1, gw1), (b1, gb1), (w2, gw2), (b2, gb2), (w3, gw3), (b3, gb3)):
            p -= 0.01 * gp
    return step


def measure(step, seconds=1.0):
    for _ in range(3):
        step()
    start = time.perf_counter()
    steps = 0
    while time.perf_counter() - start < seconds:
        for _ in range(10):
            step()
        steps += 10
    return steps / (time.perf_counter() - start)


print("dense_64x128x10_b32 %.1f" % measure(dense_case(64, 128, 10, 32)))
print("dense_5x16x2_b16 %.1f" % measure(dense_case(5, 16, 2, 16)))
print("conv_16x16x4_b8 %.1f" % measure(conv_case(8)))
