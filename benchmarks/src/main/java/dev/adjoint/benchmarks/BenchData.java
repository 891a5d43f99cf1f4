package dev.adjoint.benchmarks;

import java.util.SplittableRandom;

/**
 * The initial weights and the training batch of a workload, drawn from one seeded generator.
 * Adjoint and PyTorch load exactly these numbers, so both start from the same weights and
 * train on the same batch: their first losses must agree, and they do the same work.
 *
 * <p>Weights and biases are uniform in ±1/√in (PyTorch's {@code nn.Linear} default); inputs
 * and regression targets uniform in [-1, 1); classes uniform. Weights are kept as Adjoint
 * stores them, [in, out] row-major; {@link #weightOutIn} gives PyTorch's [out, in].
 */
public final class BenchData {
  /** The seed of every workload's generator (offset by the workload's ordinal). */
  public static final long SEED = 6_2024L;

  private final Workload workload;
  private final float[][] weights;
  private final float[][] biases;
  private final float[] inputs;
  private final int[] classes;
  private final float[] targets;

  private BenchData(Workload workload) {
    this.workload = workload;
    SplittableRandom random = new SplittableRandom(SEED + workload.ordinal());
    int[] widths = workload.widths();
    weights = new float[workload.layers()][];
    biases = new float[workload.layers()][];
    for (int i = 0; i < workload.layers(); i++) {
      double bound = 1 / Math.sqrt(widths[i]);
      weights[i] = uniform(random, widths[i] * widths[i + 1], bound);
      biases[i] = uniform(random, widths[i + 1], bound);
    }
    int batch = workload.batch();
    inputs = uniform(random, batch * workload.inputs(), 1);
    classes = workload.classifier() ? classes(random, batch, workload.outputs()) : null;
    targets = workload.classifier() ? null : uniform(random, batch * workload.outputs(), 1);
  }

  /** The workload's weights and batch; the same numbers on every call. */
  public static BenchData of(Workload workload) {
    return new BenchData(workload);
  }

  public Workload workload() {
    return workload;
  }

  /** Layer {@code i}'s weight as Adjoint stores it: [in, out] row-major. */
  public float[] weight(int i) {
    return weights[i];
  }

  /** Layer {@code i}'s weight transposed to [out, in] row-major, as PyTorch's nn.Linear stores it. */
  public float[] weightOutIn(int i) {
    int in = workload.widths()[i];
    int out = workload.widths()[i + 1];
    float[] w = weights[i];
    float[] t = new float[w.length];
    for (int r = 0; r < in; r++) {
      for (int c = 0; c < out; c++) {
        t[c * in + r] = w[r * out + c];
      }
    }
    return t;
  }

  /** Layer {@code i}'s bias. */
  public float[] bias(int i) {
    return biases[i];
  }

  /** The batch's inputs, batch × inputs row-major. */
  public float[] inputs() {
    return inputs;
  }

  /** The batch's class indices, or null for a regression. */
  public int[] classes() {
    return classes;
  }

  /** The batch's regression targets, batch × outputs row-major, or null for a classifier. */
  public float[] targets() {
    return targets;
  }

  /**
   * Clears a model's optimizer state and step (initialize with {@link #SEED}), then writes the
   * shared weights, by parameter name, over the drawn ones: both sides of a workload start alike.
   */
  public static void loadWeights(dev.adjoint.runtime.model.CompiledModel model, String[] names, float[][] values) {
    model.initialize(SEED);
    for (int i = 0; i < names.length; i++) {
      float[] to = model.param(names[i]).f32();
      if (to.length != values[i].length) {
        throw new IllegalStateException(names[i] + " holds " + to.length + " floats, given " + values[i].length);
      }
      System.arraycopy(values[i], 0, to, 0, to.length);
    }
  }

  /** {@code n} values uniform in [-bound, bound). */
  public static float[] uniform(SplittableRandom random, int n, double bound) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) ((2 * random.nextDouble() - 1) * bound);
    }
    return out;
  }

  /** {@code n} class indices uniform in [0, count). */
  public static int[] classes(SplittableRandom random, int n, int count) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = random.nextInt(count);
    }
    return out;
  }
}
