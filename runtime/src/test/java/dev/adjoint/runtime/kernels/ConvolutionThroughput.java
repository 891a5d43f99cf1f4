package dev.adjoint.runtime.kernels;

import java.util.Random;

/**
 * Prints GFLOP/s of the forward, input-gradient and filter-gradient convolutions for the two
 * layers of issue 14's CNN at batch 64 (28x28x1 to 32 and 14x14x32 to 64, 3x3, padding 1);
 * not a test and not a benchmark of record. Run after compiling the tests:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes \
 *     dev.adjoint.runtime.kernels.ConvolutionThroughput
 * </pre>
 */
public final class ConvolutionThroughput {
  private ConvolutionThroughput() {}

  public static void main(String[] args) {
    layer("28x28x1 -> 32, 3x3", 64, 28, 1, 32);
    layer("14x14x32 -> 64, 3x3", 64, 14, 32, 64);
  }

  private static void layer(String name, int n, int size, int inC, int outC) {
    Random random = new Random(1);
    float[] x = fill(new float[n * size * size * inC], random);
    float[] w = fill(new float[9 * inC * outC], random);
    float[] y = fill(new float[n * size * size * outC], random);
    float[] dx = new float[x.length];
    float[] dw = new float[w.length];
    double flops = 2.0 * n * size * size * outC * 9 * inC;
    String[] kinds = {"forward", "input gradient", "filter gradient"};
    for (int kind = 0; kind < 3; kind++) {
      int runs = 0;
      long start = 0;
      for (int i = 0; i < 40; i++) {
        if (i == 10) {
          start = System.nanoTime();
        }
        switch (kind) {
          case 0 -> Convolution.forward(x, w, y, n, size, size, inC, size, size, outC, 3, 3, 1, 1, 1, 1, 1, 1, 1);
          case 1 -> Convolution.inputGradient(y, w, dx, n, size, size, inC, size, size, outC, 3, 3, 1, 1, 1, 1, 1,
              1, 1);
          default -> Convolution.filterGradient(x, y, dw, n, size, size, inC, size, size, outC, 3, 3, 1, 1, 1, 1, 1,
              1, 1);
        }
        runs += i >= 10 ? 1 : 0;
      }
      double seconds = (System.nanoTime() - start) / 1e9 / runs;
      System.out.printf("%-22s %-16s %8.3f ms  %6.2f GFLOP/s%n", name, kinds[kind], seconds * 1e3,
          flops / seconds / 1e9);
    }
  }

  private static float[] fill(float[] a, Random random) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) random.nextGaussian();
    }
    return a;
  }
}
