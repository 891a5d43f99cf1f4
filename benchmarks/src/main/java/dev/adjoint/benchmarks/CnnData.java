package dev.adjoint.benchmarks;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.runtime.model.CompiledModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * W5's network (issue 14) and its shared start: conv(32 3x3, relu), max_pool 2, conv(64 3x3,
 * relu), max_pool 2, dense(128, relu), dense(10), softmax cross-entropy, Adam(lr 1e-3),
 * 28x28x1 images, batch 64. Weights and biases are uniform in ±1/√fan_in (PyTorch's
 * {@code nn.Conv2d} and {@code nn.Linear} defaults, fan_in = C_in·kh·kw for a
 * convolution); images uniform in [0, 1); classes uniform.
 *
 * <p>Values are kept as Adjoint stores them (channels-last: filters [kh, kw, C_in, C_out],
 * dense weights [in, out], the flattened features in H, W, C order); {@link #pytorch} gives
 * PyTorch's layouts (filters [C_out, C_in, kh, kw], dense [out, in], features in C, H, W
 * order). A grey-scale image is the same 784 numbers in both layouts.
 */
public final class CnnData {
  /** Samples per training step. */
  public static final int BATCH = 64;
  /** Pixels of one image: 28 x 28 x 1. */
  public static final int PIXELS = 28 * 28;
  /** Classes of the output. */
  public static final int CLASSES = 10;
  /** Adam's learning rate. */
  public static final double LEARNING_RATE = 1e-3;
  /** The parameters, in the order of {@link #values}: two convolutions, then two dense layers. */
  public static final String[] NAMES = {"c1.W", "c1.b", "c2.W", "c2.b", "l1.W", "l1.b", "l2.W", "l2.b"};

  private static final int K = 3;
  private static final int C1 = 32;
  private static final int C2 = 64;
  /** Side of the second pooling's output: 28 -conv-> 26 -pool-> 13 -conv-> 11 -pool-> 5. */
  private static final int S2 = 5;
  private static final int HIDDEN = 128;

  private final float[][] values = new float[NAMES.length][];
  private final float[] inputs;
  private final int[] classes;

  private CnnData() {
    SplittableRandom random = new SplittableRandom(BenchData.SEED + 5);
    int[][] sizes = {{K * K * 1, C1}, {K * K * C1, C2}, {S2 * S2 * C2, HIDDEN}, {HIDDEN, CLASSES}};
    for (int i = 0; i < sizes.length; i++) {
      double bound = 1 / Math.sqrt(sizes[i][0]);
      values[2 * i] = BenchData.uniform(random, sizes[i][0] * sizes[i][1], bound);
      values[2 * i + 1] = BenchData.uniform(random, sizes[i][1], bound);
    }
    inputs = new float[BATCH * PIXELS];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = (float) random.nextDouble();
    }
    classes = BenchData.classes(random, BATCH, CLASSES);
  }

  /** The shared weights and batch; the same numbers on every call. */
  public static CnnData create() {
    return new CnnData();
  }

  /** Parameter {@code i} of {@link #NAMES} in Adjoint's layout. */
  public float[] values(int i) {
    return values[i];
  }

  /** Parameter {@code i} of {@link #NAMES} in PyTorch's layout. */
  public float[] pytorch(int i) {
    return switch (i) {
      case 0 -> filtersOutInHw(values[0], 1, C1);
      case 2 -> filtersOutInHw(values[2], C1, C2);
      case 4 -> flattenedDense(values[4]);
      case 6 -> transpose(values[6], HIDDEN, CLASSES);
      default -> values[i];
    };
  }

  /** The batch's images, 64 x 784, row-major (H, W, C with C = 1, which is also C, H, W). */
  public float[] inputs() {
    return inputs;
  }

  /** The batch's class indices. */
  public int[] classes() {
    return classes;
  }

  /** The network's .nn file compiled in process (from the cache after the first time). */
  public ModelFactory compile() {
    Path file = ModelFiles.write("cnn", text(), inputs, PIXELS, classes);
    try {
      return Adjoint.compile(file);
    } finally {
      ModelFiles.deleteFolder(file.getParent());
    }
  }

  /** A training model for the batch, with the shared weights and the batch in its buffers. */
  public CompiledModel trainer() {
    CompiledModel model = compile().newModel(BATCH);
    reset(model);
    fillBatch(model);
    return model;
  }

  /** Optimizer state and step cleared, then the shared weights loaded over the drawn ones. */
  public void reset(CompiledModel model) {
    BenchData.loadWeights(model, NAMES, values);
  }

  /** Writes the batch (as many samples as the model holds) into the model's inputs. */
  public void fillBatch(CompiledModel model) {
    int rows = Math.min(model.maxBatch(), BATCH);
    System.arraycopy(inputs, 0, model.input("x").f32(), 0, rows * PIXELS);
    System.arraycopy(classes, 0, model.input("y").i32(), 0, rows);
  }

  /** Floating-point operations of one training step: 3 x 2 x the multiply-adds of the four products. */
  public static double flopsPerStep() {
    double macs = 26.0 * 26 * K * K * 1 * C1 + 11.0 * 11 * K * K * C1 * C2 + S2 * S2 * C2 * HIDDEN
        + (double) HIDDEN * CLASSES;
    return 6.0 * BATCH * macs;
  }

  /** [kh, kw, in, out] to [out, in, kh, kw]. */
  private static float[] filtersOutInHw(float[] w, int in, int out) {
    float[] t = new float[w.length];
    for (int h = 0; h < K; h++) {
      for (int x = 0; x < K; x++) {
        for (int c = 0; c < in; c++) {
          for (int o = 0; o < out; o++) {
            t[((o * in + c) * K + h) * K + x] = w[((h * K + x) * in + c) * out + o];
          }
        }
      }
    }
    return t;
  }

  /** l1.W [(h, w, c), out] to PyTorch's [out, (c, h, w)]: NCHW flattens the channels first. */
  private static float[] flattenedDense(float[] w) {
    int in = S2 * S2 * C2;
    float[] t = new float[w.length];
    for (int h = 0; h < S2; h++) {
      for (int x = 0; x < S2; x++) {
        for (int c = 0; c < C2; c++) {
          int row = (h * S2 + x) * C2 + c;
          int column = (c * S2 + h) * S2 + x;
          for (int o = 0; o < HIDDEN; o++) {
            t[o * in + column] = w[row * HIDDEN + o];
          }
        }
      }
    }
    return t;
  }

  /** [in, out] to [out, in]. */
  private static float[] transpose(float[] w, int in, int out) {
    float[] t = new float[w.length];
    for (int r = 0; r < in; r++) {
      for (int c = 0; c < out; c++) {
        t[c * in + r] = w[r * out + c];
      }
    }
    return t;
  }

  private static String text() {
    try (InputStream in = CnnData.class.getResourceAsStream("cnn.nn")) {
      if (in == null) {
        throw new IllegalStateException("resource cnn.nn is missing from the benchmarks jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
