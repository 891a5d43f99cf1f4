package dev.adjoint.examples;

import dev.adjoint.runtime.model.CompiledModel;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The MNIST digits of {@code examples/mnist/data} read by hand (IDX: a magic number, the
 * dimensions, then one byte per pixel or label), pixels scaled to [0, 1] as mnist.nn's train
 * block scales them, and a few epochs of the perceptron's compiled training step over them:
 * what the saliency and curvature examples start from.
 *
 * @param pixels {@code count × 784} values in [0, 1], row by row
 * @param labels the digit of each image
 */
record MnistDigits(float[][] pixels, int[] labels) {
  static final int PIXELS = 784;
  static final int SIDE = 28;

  static MnistDigits read(Path mnistFolder) throws IOException {
    byte[] images = idx(mnistFolder.resolve("data/mnist-images.idx.gz"), 3);
    byte[] labelBytes = idx(mnistFolder.resolve("data/mnist-labels.idx.gz"), 1);
    int count = labelBytes.length;
    float[][] pixels = new float[count][PIXELS];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = labelBytes[i];
      for (int p = 0; p < PIXELS; p++) {
        pixels[i][p] = (images[i * PIXELS + p] & 0xff) / 255f;
      }
    }
    return new MnistDigits(pixels, labels);
  }

  int count() {
    return labels.length;
  }

  /** {@code epochs} passes of the model's training step over the first {@code trainCount} digits, in batches. */
  void train(CompiledModel model, int trainCount, int epochs, int batch) {
    float[] x = model.input("x").f32();
    int[] y = model.input("y").i32();
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (int from = 0; from + batch <= trainCount; from += batch) {
        for (int i = 0; i < batch; i++) {
          System.arraycopy(pixels[from + i], 0, x, i * PIXELS, PIXELS);
          y[i] = labels[from + i];
        }
        model.trainStep(batch);
      }
    }
  }

  /** The share of digits {@code from .. from + count - 1} the model classifies right. */
  double accuracy(CompiledModel model, int from, int count) {
    float[] x = model.input("x").f32();
    int correct = 0;
    for (int i = from; i < from + count; i++) {
      System.arraycopy(pixels[i], 0, x, 0, PIXELS);
      model.predict(1);
      correct += argmax(model.output("probs").f32(), 10) == labels[i] ? 1 : 0;
    }
    return (double) correct / count;
  }

  static int argmax(float[] values, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /** The payload of a gzipped IDX file with {@code rank} dimensions. */
  private static byte[] idx(Path file, int rank) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
        DataInputStream data = new DataInputStream(in)) {
      int magic = data.readInt();
      if (magic != (0x0800 | rank)) {
        throw new IOException(file + ": not an IDX file of unsigned bytes with " + rank + " dimensions");
      }
      long size = 1;
      for (int i = 0; i < rank; i++) {
        size *= data.readInt();
      }
      byte[] out = new byte[Math.toIntExact(size)];
      data.readFully(out);
      return out;
    }
  }
}
