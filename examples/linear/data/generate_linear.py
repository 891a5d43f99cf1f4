#!/usr/bin/env python3
"""Writes linear.csv: 200 samples of y = 3 x1 - 2 x2 + 0.5 x3 + 1 + N(0, 0.1²), x uniform in [-2, 2]."""
import random

rng = random.Random(7)
with open("linear.csv", "w") as f:
    f.write("x1,x2,x3,y\n")
    for _ in range(200):
        x = [round(rng.uniform(-2, 2), 4) for _ in range(3)]
        y = 3 * x[0] - 2 * x[1] + 0.5 * x[2] + 1 + rng.gauss(0, 0.1)
        f.write(",".join(str(v) for v in x) + f",{y:.4f}\n")
