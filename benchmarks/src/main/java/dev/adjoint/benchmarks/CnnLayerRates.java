package dev.adjoint.benchmarks;

import dev.adjoint.runtime.kernels.Convolution;
import dev.adjoint.runtime.kernels.Gemm;
import dev.adjoint.runtime.ops.MaxPool;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * W5's training step layer by layer: each convolution's forward (with its bias and relu as
 * the epilogue), input gradient and filter gradient, each dense layer's three products, and
 * the max pooling, called as the generated {@code cnn.nn} calls them at batch 64, each
 * timed on its own; GFLOP/s beside the measured fp32 peak of one core ({@code FmaPeak}).
 * {@code benchmarks/run.sh} prints it after a run that includes W5; alone:
 * {@code java --add-modules=jdk.incubator.vector -Dadjoint.threads=N -cp benchmarks.jar
 * dev.adjoint.benchmarks.CnnLayerRates [FILE]}.
 */
public final class CnnLayerRates {
  private static final int BATCH = 64;
  private static final long MILLIS = 300;

  /** One kernel call of the step, and its floating-point operations (0: a memory-bound step). */
  private record Layer(String name, double flops, Runnable call) {}

  private CnnLayerRates() {}

  public static void main(String[] args) throws IOException {
    List<String> lines = report();
    if (args.length > 0) {
      Files.write(Path.of(args[0]), lines, StandardCharsets.UTF_8);
    }
    PrintStream out = System.out;
    lines.forEach(out::println);
  }

  /** The table, as markdown lines. */
  static List<String> report() {
    double[] measured = peak();
    boolean vector = measured != null;
    double peak = vector ? measured[0] : Double.NaN;
    int threads = Gemm.engine().threads();
    List<String> lines = new ArrayList<>();
    lines.add("W5 layer by layer, batch " + BATCH + ", " + threads + " thread" + (threads == 1 ? "" : "s") + " ("
        + Gemm.engine() + "); fp32 peak of one core: " + (vector ? String.format(Locale.ROOT, "%.1f GFLOP/s (%d-lane"
        + " FMA)", peak, (int) measured[1]) : "not measured (no jdk.incubator.vector)"));
    lines.add("");
    lines.add("| step | µs | GFLOP/s | % of " + threads + " × peak |");
    lines.add("|---|---:|---:|---:|");
    double total = 0;
    double totalFlops = 0;
    for (Layer layer : layers()) {
      double micros = time(layer.call());
      total += micros;
      totalFlops += layer.flops();
      double gflops = layer.flops() / micros / 1e3;
      lines.add(String.format(Locale.ROOT, "| %s | %.1f | %s | %s |", layer.name(), micros,
          layer.flops() > 0 ? String.format(Locale.ROOT, "%.1f", gflops) : "-",
          layer.flops() > 0 && vector ? String.format(Locale.ROOT, "%.0f %%", 100 * gflops / (peak * threads)) : "-"));
    }
    lines.add(String.format(Locale.ROOT, "| all of the above | %.1f | %.1f | |", total, totalFlops / total / 1e3));
    return lines;
  }

  /**
   * The core's peak GFLOP/s and the lanes of its vectors, from {@link FmaPeak} (loaded by name,
   * as it needs the Vector API module: javac would otherwise compile it without), or null
   * when this JVM runs without the module.
   */
  private static double[] peak() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      Class<?> c = Class.forName("dev.adjoint.benchmarks.FmaPeak");
      java.lang.reflect.Method gflops = c.getDeclaredMethod("gflops", int.class, long.class);
      java.lang.reflect.Method lanes = c.getDeclaredMethod("lanes");
      return new double[] {(Double) gflops.invoke(null, 3, MILLIS), (Integer) lanes.invoke(null)};
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot measure the fp32 peak", e);
    }
  }

  /** Microseconds per call: the best mean of three runs of about {@link #MILLIS} ms after a warm-up. */
  private static double time(Runnable call) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 4; round++) {
      long start = System.nanoTime();
      int calls = 0;
      while (System.nanoTime() - start < MILLIS * 1_000_000L) {
        call.run();
        calls++;
      }
      if (round > 0) {
        best = Math.min(best, (System.nanoTime() - start) / 1e3 / calls);
      }
    }
    return best;
  }

  private static List<Layer> layers() {
    Random r = new Random(5);
    List<Layer> layers = new ArrayList<>();
    // c1 = conv2d(x, 32, 3, act = relu): 28x28x1 to 26x26x32; the input needs no gradient
    float[] x = random(r, BATCH * 28 * 28);
    float[] w1 = random(r, 9 * 32);
    float[] b1 = random(r, 32);
    float[] y1 = new float[BATCH * 26 * 26 * 32];
    float[] dw1 = new float[w1.length];
    double c1 = 2.0 * BATCH * 26 * 26 * 32 * 9;
    layers.add(new Layer("c1 forward (bias, relu)", c1, () -> Convolution.forwardBiasRelu(x, w1, b1, y1, BATCH, 28,
        28, 1, 26, 26, 32, 3, 3, 1, 1, 0, 0, 1, 1, 1)));
    layers.add(new Layer("c1 filter gradient", c1, () -> Convolution.filterGradient(x, y1, dw1, BATCH, 28, 28, 1, 26,
        26, 32, 3, 3, 1, 1, 0, 0, 1, 1, 1)));
    // p1 = max_pool2d(c1, 2): its argmax and the values at it
    int[] at1 = new int[BATCH * 13 * 13 * 32];
    float[] p1 = random(r, at1.length);
    layers.add(new Layer("p1 max pool (argmax, take)", 0, () -> {
      MaxPool.argmax(y1, 26, 26, 32, 2, 2, 2, 2, 0, 0, 13, 13, at1.length, at1);
      MaxPool.take(y1, 26 * 26, 32, at1, 13 * 13, at1.length, p1);
    }));
    layers.add(new Layer("p1 max pool backward (put)", 0, () -> MaxPool.put(at1, p1, 13 * 13, 32, at1.length,
        26 * 26, y1)));
    // c2 = conv2d(p1, 64, 3, act = relu): 13x13x32 to 11x11x64
    float[] w2 = random(r, 9 * 32 * 64);
    float[] b2 = random(r, 64);
    float[] y2 = new float[BATCH * 11 * 11 * 64];
    float[] dx2 = new float[p1.length];
    float[] dw2 = new float[w2.length];
    double c2 = 2.0 * BATCH * 11 * 11 * 64 * 9 * 32;
    layers.add(new Layer("c2 forward (bias, relu)", c2, () -> Convolution.forwardBiasRelu(p1, w2, b2, y2, BATCH, 13,
        13, 32, 11, 11, 64, 3, 3, 1, 1, 0, 0, 1, 1, 1)));
    layers.add(new Layer("c2 input gradient", c2, () -> Convolution.inputGradient(y2, w2, dx2, BATCH, 13, 13, 32, 11,
        11, 64, 3, 3, 1, 1, 0, 0, 1, 1, 1)));
    layers.add(new Layer("c2 filter gradient", c2, () -> Convolution.filterGradient(p1, y2, dw2, BATCH, 13, 13, 32,
        11, 11, 64, 3, 3, 1, 1, 0, 0, 1, 1, 1)));
    // l1 = dense(flatten(p2), 128, act = relu) and l2 = dense(l1, 10)
    dense(layers, r, "l1", 1600, 128);
    dense(layers, r, "l2", 128, 10);
    return layers;
  }

  /** A dense layer's forward product (bias and relu as its epilogue) and its two gradient products. */
  private static void dense(List<Layer> layers, Random r, String name, int in, int out) {
    float[] a = random(r, BATCH * in);
    float[] w = random(r, in * out);
    float[] bias = random(r, out);
    float[] y = new float[BATCH * out];
    float[] dx = new float[a.length];
    float[] dw = new float[w.length];
    double flops = 2.0 * BATCH * in * out;
    layers.add(new Layer(name + " forward (bias)", flops,
        () -> Gemm.multiplyBias(false, false, BATCH, out, in, a, 0, w, 0, y, 0, bias, 0, false)));
    layers.add(new Layer(name + " input gradient", flops,
        () -> Gemm.multiply(false, true, BATCH, in, out, y, 0, w, 0, dx, 0, false)));
    layers.add(new Layer(name + " weight gradient", flops,
        () -> Gemm.multiply(true, false, in, out, BATCH, a, 0, y, 0, dw, 0, false)));
  }

  private static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
