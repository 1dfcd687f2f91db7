#!/usr/bin/env python3
"""Writes the shared datasets as CSV rows of a model's inputs, the form
`tinykg train --model M.tflite --data TRAIN.csv --label label` takes (on the
host and with --on emulator). Python standard library only; deterministic.

  scripts/model_datasets.py imu OUT_DIR     magic_wand_model.tflite inputs
      imu_gestures/train/*.csv: 119 IMU samples (aX aY aZ gX gY gZ) per
      gesture -> one row of 714 values, scaled as the model was trained
      (acceleration (a + 4) / 8, gyroscope (g + 2000) / 4000); label = the
      gesture file's index in name order. Every 4th gesture of a file goes to
      OUT_DIR/imu_test.csv, the rest, classes interleaved, to imu_train.csv.
  scripts/model_datasets.py person OUT_DIR [--train N] [--test N]
      person_detect.tflite inputs from person_detection/{no_person,person}.bmp
      (label 0, 1): shifted (+-6 px), mirrored and noisy (+-8) copies, the
      8-bit pixel bytes taken as the int8 input (as TFLite Micro's test does)
      and written as real values scale * (q - zero_point).
"""
import argparse
import csv
import os
import random
import struct

DATA = os.environ.get("TINYKG_SHARED_DATA", "/work/shared/data")
WINDOW = 119


def imu(out_dir):
    root = os.path.join(DATA, "datasets/imu_gestures/train")
    names = sorted(f for f in os.listdir(root) if f.endswith(".csv"))
    per_class = []
    for label, name in enumerate(names):
        with open(os.path.join(root, name), newline="") as f:
            rows = [[float(v) for v in r] for r in list(csv.reader(f))[1:] if r]
        gestures = []
        for g in range(len(rows) // WINDOW):
            values = []
            for a_x, a_y, a_z, g_x, g_y, g_z in rows[g * WINDOW:(g + 1) * WINDOW]:
                values += [(a_x + 4) / 8, (a_y + 4) / 8, (a_z + 4) / 8,
                           (g_x + 2000) / 4000, (g_y + 2000) / 4000, (g_z + 2000) / 4000]
            gestures.append((values, label))
        per_class.append(gestures)
    train_per_class = [[g for i, g in enumerate(gs) if i % 4 != 3] for gs in per_class]
    test = [g for gs in per_class for i, g in enumerate(gs) if i % 4 == 3]
    # Classes interleaved round-robin, as a stream of gestures would come.
    train = [gs[i] for i in range(max(map(len, train_per_class))) for gs in train_per_class if i < len(gs)]
    header = ["x%d" % i for i in range(WINDOW * 6)] + ["label"]
    for name, rows in (("imu_train.csv", train), ("imu_test.csv", test)):
        with open(os.path.join(out_dir, name), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for values, label in rows:
                w.writerow(["%.9g" % v for v in values] + [label])
        print("%s: %d rows, %d classes" % (name, len(rows), len(names)))


def read_bmp_gray(path):
    data = open(path, "rb").read()
    offset = struct.unpack("<I", data[10:14])[0]
    width, height, _, bits = struct.unpack("<iiHH", data[18:30])
    assert bits == 8, path
    stride = (width + 3) & ~3
    rows = []
    for y in range(abs(height)):
        src = abs(height) - 1 - y if height > 0 else y  # top row first
        rows.append(data[offset + src * stride: offset + src * stride + width])
    return width, b"".join(rows)


def person(out_dir, n_train, n_test):
    scale, zero_point = 0.007843137718737125, -1  # person_detect.tflite's input
    images = [read_bmp_gray(os.path.join(DATA, "datasets/person_detection", f))[1]
              for f in ("no_person.bmp", "person.bmp")]
    rng = random.Random(5)

    def augmented(label):
        img = images[label]
        dx, dy = rng.randrange(13) - 6, rng.randrange(13) - 6
        flip = rng.randrange(2) == 1
        values = []
        for y in range(96):
            for x in range(96):
                sx, sy = min(max(x + dx, 0), 95), min(max(y + dy, 0), 95)
                if flip:
                    sx = 95 - sx
                p = min(max(img[sy * 96 + sx] + rng.randrange(17) - 8, 0), 255)
                q = p - 256 if p > 127 else p
                values.append(scale * (q - zero_point))
        return values

    header = ["p%d" % i for i in range(96 * 96)] + ["label"]
    for name, count in (("person_train.csv", n_train), ("person_test.csv", n_test)):
        with open(os.path.join(out_dir, name), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for i in range(count):
                w.writerow(["%.9g" % v for v in augmented(i % 2)] + [i % 2])
        print("%s: %d rows" % (name, count))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dataset", choices=["imu", "person"])
    p.add_argument("out_dir")
    p.add_argument("--train", type=int, default=30)
    p.add_argument("--test", type=int, default=20)
    a = p.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    if a.dataset == "imu":
        imu(a.out_dir)
    else:
        person(a.out_dir, a.train, a.test)


if __name__ == "__main__":
    main()
