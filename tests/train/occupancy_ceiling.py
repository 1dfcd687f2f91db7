#!/usr/bin/env python3
"""How far static models get on the UCI occupancy split that `tinykg train
--data datatraining.txt --eval datatest.txt --label Occupancy` uses: the
ceiling against which the one-pass online learner's 0.9707 is read.

Pure Python (no NumPy), about a minute. Prints, for each model, the accuracy
on datatraining.txt and on datatest.txt:
  - one threshold on Light, chosen on the training rows;
  - the same, chosen on the test rows themselves (an oracle, not a model);
  - logistic regression on the five sensor columns, trained to convergence
    (SGD, 60 shuffled epochs, decaying step) on training-set standardised
    features; then with the time of day added (sin and cos of the timestamp's
    seconds since midnight), then also a weekend flag: the timestamp features
    Candanedo and Feldheim (2016) report as usually helping.

Usage: occupancy_ceiling.py [DIR]   (DIR holds datatraining.txt and datatest.txt;
default ../shared/data/datasets/occupancy from the repository root)."""
import csv
import datetime
import math
import os
import random
import sys

SENSORS = 5  # Temperature, Humidity, Light, CO2, HumidityRatio
LIGHT = 2


def load(path):
    rows = []
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for x in reader:
            when = datetime.datetime.strptime(x[1], "%Y-%m-%d %H:%M:%S")
            day = (when.hour * 3600 + when.minute * 60 + when.second) / 86400.0
            sensors = [float(v) for v in x[2:2 + SENSORS]]
            clock = [math.sin(2 * math.pi * day), math.cos(2 * math.pi * day)]
            weekend = [1.0 if when.weekday() >= 5 else 0.0]
            rows.append((sensors, clock, weekend, int(x[2 + SENSORS])))
    return rows


def accuracy(predict, rows):
    return sum(predict(r) == r[3] for r in rows) / len(rows)


def best_light_threshold(rows):
    values = sorted({r[0][LIGHT] for r in rows})
    best = (0.0, 0.0)
    for lo, hi in zip(values, values[1:]):
        t = (lo + hi) / 2
        a = accuracy(lambda r: int(r[0][LIGHT] > t), rows)
        best = max(best, (a, t))
    return best[1]


def logistic(train, features):
    xs = [features(r) for r in train]
    ys = [r[3] for r in train]
    n = len(xs[0])
    mean = [sum(x[i] for x in xs) / len(xs) for i in range(n)]
    sd = [max(1e-9, math.sqrt(sum((x[i] - mean[i]) ** 2 for x in xs) / len(xs))) for i in range(n)]
    zs = [[(x[i] - mean[i]) / sd[i] for i in range(n)] for x in xs]
    w, b = [0.0] * n, 0.0
    rng = random.Random(1)
    order = list(range(len(zs)))
    for epoch in range(60):
        rng.shuffle(order)
        lr = 0.05 / (1 + 0.2 * epoch)
        for k in order:
            z = sum(w[i] * zs[k][i] for i in range(n)) + b
            g = 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))) - ys[k]
            for i in range(n):
                w[i] -= lr * g * zs[k][i]
            b -= lr * g

    def predict(r):
        x = features(r)
        return int(sum(w[i] * (x[i] - mean[i]) / sd[i] for i in range(n)) + b > 0)

    return predict


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "..", "shared", "data", "datasets", "occupancy")
    folder = sys.argv[1] if len(sys.argv) > 1 else default
    train = load(os.path.join(folder, "datatraining.txt"))
    test = load(os.path.join(folder, "datatest.txt"))
    models = []
    t = best_light_threshold(train)
    models.append(("Light > %.1f (chosen on training)" % t, lambda r, t=t: int(r[0][LIGHT] > t)))
    t = best_light_threshold(test)
    models.append(("Light > %.1f (chosen on test: oracle)" % t, lambda r, t=t: int(r[0][LIGHT] > t)))
    models.append(("logistic, 5 sensors", logistic(train, lambda r: r[0])))
    models.append(("logistic, + time of day", logistic(train, lambda r: r[0] + r[1])))
    models.append(("logistic, + time of day + weekend", logistic(train, lambda r: r[0] + r[1] + r[2])))
    print("%-40s %9s %9s" % ("model", "training", "test"))
    for name, predict in models:
        print("%-40s %9.4f %9.4f" % (name, accuracy(predict, train), accuracy(predict, test)))


if __name__ == "__main__":
    main()
