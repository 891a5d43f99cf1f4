package dev.adjoint.benchmarks;

import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.SplittableRandom;

/**
 * W7's network (issue 16) and its shared start: an LSTM of 256 units over 50 one-hot
 * characters of a 256-symbol vocabulary, the last state through dense(256) into softmax
 * cross-entropy against the next character, Adam(lr 1e-3), batch 32. Every weight is uniform
 * in ±1/√256 (PyTorch's {@code nn.LSTM} and {@code nn.Linear} defaults); characters and
 * classes uniform. The LSTM's parameters are in PyTorch's layout on both sides (gates i, f,
 * g, o; weight_ih [1024, 256]); the dense weight is [in, out] here, [out, in] for PyTorch.
 */
public final class LstmData {
  public static final int BATCH = 32;
  public static final int STEPS = 50;
  public static final int VOCABULARY = 256;
  public static final int HIDDEN = 256;
  public static final double LEARNING_RATE = 1e-3;
  /** The parameters, in the order of {@link #values}. */
  public static final String[] NAMES = {"h.weight_ih", "h.weight_hh", "h.bias_ih", "h.bias_hh", "l1.W", "l1.b"};

  private final float[][] values = new float[NAMES.length][];
  private final float[] inputs;
  private final int[] classes;

  private LstmData() {
    SplittableRandom random = new SplittableRandom(BenchData.SEED + 7);
    double bound = 1 / Math.sqrt(HIDDEN);
    int[] sizes = {4 * HIDDEN * VOCABULARY, 4 * HIDDEN * HIDDEN, 4 * HIDDEN, 4 * HIDDEN, HIDDEN * VOCABULARY,
        VOCABULARY};
    for (int i = 0; i < sizes.length; i++) {
      values[i] = BenchData.uniform(random, sizes[i], bound);
    }
    inputs = new float[BATCH * STEPS * VOCABULARY];
    for (int i = 0; i < BATCH * STEPS; i++) {
      inputs[i * VOCABULARY + random.nextInt(VOCABULARY)] = 1;
    }
    classes = BenchData.classes(random, BATCH, VOCABULARY);
  }

  /** The shared weights and batch; the same numbers on every call. */
  public static LstmData create() {
    return new LstmData();
  }

  /** Parameter {@code i} of {@link #NAMES} in PyTorch's layout. */
  public float[] pytorch(int i) {
    if (i != 4) {
      return values[i];
    }
    float[] w = values[4];
    float[] t = new float[w.length];
    for (int r = 0; r < HIDDEN; r++) {
      for (int c = 0; c < VOCABULARY; c++) {
        t[c * HIDDEN + r] = w[r * VOCABULARY + c];
      }
    }
    return t;
  }

  /** The batch's one-hot characters, [32, 50, 256] row-major. */
  public float[] inputs() {
    return inputs;
  }

  public int[] classes() {
    return classes;
  }

  /** The network's .nn file compiled in process. */
  public ModelFactory compile() {
    return ModelFiles.compileAndDelete(ModelFiles.write("lstm", text(), inputs, STEPS * VOCABULARY, classes));
  }

  /** A training model with the shared weights and the batch in its buffers. */
  public CompiledModel trainer() {
    CompiledModel model = compile().newModel(BATCH);
    reset(model);
    System.arraycopy(inputs, 0, model.input("x").f32(), 0, inputs.length);
    System.arraycopy(classes, 0, model.input("y").i32(), 0, BATCH);
    return model;
  }

  /** Optimizer state and step cleared, then the shared weights loaded over the drawn ones. */
  public void reset(CompiledModel model) {
    BenchData.loadWeights(model, NAMES, values);
  }

  /** Floating-point operations of one step: 3 x 2 x the multiply-adds of the products (both LSTM ones per step). */
  public static double flopsPerStep() {
    double macs = (double) STEPS * 4 * HIDDEN * (VOCABULARY + HIDDEN) + HIDDEN * VOCABULARY;
    return 6.0 * BATCH * macs;
  }

  private static String text() {
    return ModelFiles.resource("lstm");
  }
}
