#!/usr/bin/env python3
"""NumPy reference of MLPerf Tiny KWS's MFCC front end, written from the
formulas of the benchmark's training code (get_dataset.py: tf.signal.stft
with a periodic Hann window, |STFT|, tf.signal.linear_to_mel_weight_matrix,
log(mel + 1e-6), tf.signal.mfccs_from_log_mel_spectrograms), in float64.

Usage: mfcc_reference.py CLIP.wav  -> 49 lines of 10 coefficients on stdout.
The clip is read as 16-bit PCM (channels averaged), cut or padded to 1 s the
same way tinykg does (the caller passes a 1 s clip)."""
import struct
import sys
import wave

import numpy as np


def read_clip(path):
    with wave.open(path, "rb") as w:
        channels = w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int32)
    data = data.reshape(-1, channels)
    return np.trunc(data.sum(axis=1) / channels).astype(np.float64)


def hz_to_mel(hz):
    return 1127.0 * np.log1p(hz / 700.0)


def mel_matrix(mel_bins=40, bins=257, rate=16000, lo=20.0, hi=4000.0):
    freqs = np.linspace(0.0, rate / 2.0, bins)[1:]
    mel = hz_to_mel(freqs)[:, None]
    edges = np.linspace(hz_to_mel(lo), hz_to_mel(hi), mel_bins + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    rising = (mel - lower) / (center - lower)
    falling = (upper - mel) / (upper - center)
    w = np.maximum(0.0, np.minimum(rising, falling))
    return np.vstack([np.zeros((1, mel_bins)), w])


def mfcc(clip, frame=480, step=320, fft=512, coefficients=10):
    clip = clip[:16000]
    clip = np.pad(clip, (0, 16000 - len(clip)))
    x = clip / np.max(clip)
    n = np.arange(frame)
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * n / frame)
    frames = 1 + (len(x) - frame) // step
    out = np.zeros((frames, coefficients))
    weights = mel_matrix()
    mel_bins = weights.shape[1]
    k = np.arange(mel_bins)[:, None]
    dct = 2.0 * np.cos(np.pi * np.arange(mel_bins)[None, :] * (2 * k + 1) / (2 * mel_bins))
    dct /= np.sqrt(2.0 * mel_bins)
    for f in range(frames):
        spectrum = np.abs(np.fft.rfft(x[f * step:f * step + frame] * window, fft))
        log_mel = np.log(spectrum @ weights + 1e-6)
        out[f] = (log_mel @ dct)[:coefficients]
    return out


if __name__ == "__main__":
    for row in mfcc(read_clip(sys.argv[1])):
        print(" ".join("%.6f" % v for v in row))
