#!/usr/bin/env python3
"""Writes partial.csv: 240 samples of y = 3 x1 - 2 x2 + 0.5 x3 + 1 + N(0, 0.1²), x uniform in
[-2, 2], with about a third of the targets missing. Data files hold only finite numbers, so a
missing target is written as the placeholder 0 with observed = 0; observed = 1 marks a measured one."""
import random

rng = random.Random(11)
with open("partial.csv", "w") as f:
    f.write("x1,x2,x3,y,observed\n")
    for _ in range(240):
        x = [round(rng.uniform(-2, 2), 4) for _ in range(3)]
        y = 3 * x[0] - 2 * x[1] + 0.5 * x[2] + 1 + rng.gauss(0, 0.1)
        observed = rng.random() >= 1 / 3
        f.write(",".join(str(v) for v in x) + (f",{y:.4f},1\n" if observed else ",0,0\n"))
