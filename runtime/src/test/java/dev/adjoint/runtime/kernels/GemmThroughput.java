package dev.adjoint.runtime.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Prints GFLOP/s of the products, for tuning the blocking by hand; not a test and not a
 * benchmark of record (those are JMH, in benchmarks/). Run after {@code mvn install}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes \
 *     dev.adjoint.runtime.kernels.GemmThroughput [sizes...] [--scalar] [--vector] [--shapes]
 * </pre>
 */
public final class GemmThroughput {
  private GemmThroughput() {}

  public static void main(String[] args) {
    List<Integer> sizes = new ArrayList<>();
    boolean scalar = true;
    boolean vector = true;
    boolean shapes = false;
    for (String arg : args) {
      if ("--scalar".equals(arg)) {
        vector = false;
      } else if ("--vector".equals(arg)) {
        scalar = false;
      } else if ("--shapes".equals(arg)) {
        shapes = true;
      } else {
        sizes.add(Integer.parseInt(arg));
      }
    }
    if (sizes.isEmpty() && !shapes) {
      sizes = List.of(512, 1024, 2048);
    }
    List<MicroKernel> kernels = new ArrayList<>();
    if (vector && Kernels.vector() != null) {
      kernels.add(Kernels.vector());
    }
    if (scalar) {
      kernels.add(Kernels.scalar());
    }
    for (MicroKernel kernel : kernels) {
      System.out.printf("%s: kc=%d mc=%d nc=%d%n", kernel.describe(), kernel.kc, kernel.mc,
          kernel.nc);
      for (int threads = 1; threads <= 2; threads++) {
        try (GemmEngine engine = GemmEngine.create(threads, kernel, GemmEngine.PARALLEL_FLOPS)) {
          for (int size : sizes) {
            report(engine, false, false, size, size, size);
          }
          if (shapes) {
            // W1 784-256-256-10, batch 64: forward, dX = dY·Wᵀ, dW = Xᵀ·dY.
            report(engine, false, false, 64, 256, 784);
            report(engine, false, true, 64, 784, 256);
            report(engine, true, false, 784, 256, 64);
            report(engine, false, false, 64, 256, 256);
            report(engine, false, false, 64, 10, 256);
            // W3 1024-4096-4096-1024, batch 256.
            report(engine, false, false, 256, 4096, 1024);
            report(engine, false, false, 256, 4096, 4096);
            report(engine, false, true, 256, 4096, 4096);
            report(engine, true, false, 4096, 4096, 256);
          }
        }
      }
    }
  }

  private static void report(GemmEngine engine, boolean ta, boolean tb, int m, int n, int k) {
    Random random = new Random(1);
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    float[] c = new float[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = random.nextFloat() - 0.5f;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = random.nextFloat() - 0.5f;
    }
    double flops = 2.0 * m * n * k;
    long warmUntil = System.nanoTime() + 700_000_000L;
    while (System.nanoTime() < warmUntil) {
      engine.multiply(ta, tb, m, n, k, a, 0, b, 0, c, 0, false);
    }
    double best = Double.MAX_VALUE;
    long end = System.nanoTime() + 1_000_000_000L;
    int reps = 0;
    while (reps < 3 || System.nanoTime() < end) {
      long t0 = System.nanoTime();
      engine.multiply(ta, tb, m, n, k, a, 0, b, 0, c, 0, false);
      best = Math.min(best, System.nanoTime() - t0);
      reps++;
    }
    System.out.printf("%-36s %s%s %5d x %5d x %5d  %8.1f GFLOP/s  (%.1f us)%n", engine,
        ta ? "T" : "N", tb ? "T" : "N", m, n, k, flops / best, best / 1e3);
  }
}
