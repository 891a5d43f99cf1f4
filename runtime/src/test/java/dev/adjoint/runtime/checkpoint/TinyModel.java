package dev.adjoint.runtime.checkpoint;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;

/**
 * A hand-written stand-in for a generated model: one dense layer's parameters, momentum (and
 * with Adam a second moment), a running mean whose buffer is longer than its shape, and a
 * scalar counter. Only what checkpoints touch works; the entry points throw.
 */
final class TinyModel extends CompiledModel {
  private final String name;
  final float[] w;
  final float[] b;
  final float[] wM;
  final float[] bM;
  final float[] wV;
  final double[] mean;
  final int[] count;

  /** Whether the model trains (a loss and optimizer state), or only predicts as a generated predictor does. */
  private final boolean trains;

  TinyModel(String name, int in, int hidden, boolean adam) {
    this(name, in, hidden, adam, true);
  }

  private TinyModel(String name, int in, int hidden, boolean adam, boolean trains) {
    super(8);
    this.name = name;
    this.trains = trains;
    registerInput(new TensorSpec("x", DType.F32, TensorSpec.BATCH, in), new float[8 * in]);
    w = registerParam(new TensorSpec("h.W", DType.F32, in, hidden), new float[in * hidden]);
    b = registerParam(new TensorSpec("h.b", DType.F32, hidden), new float[hidden]);
    wM = trains ? registerOptimizerState(new TensorSpec("h.W/m", DType.F32, in, hidden), new float[in * hidden])
        : null;
    bM = trains ? registerOptimizerState(new TensorSpec("h.b/m", DType.F32, hidden), new float[hidden]) : null;
    wV = adam ? registerOptimizerState(new TensorSpec("h.W/v", DType.F32, in, hidden), new float[in * hidden]) : null;
    mean = registerState(new TensorSpec("bn.mean", DType.F64, hidden), new double[hidden + 3]);
    count = registerState(new TensorSpec("bn.count", DType.I32), new int[1]);
  }

  TinyModel(int in, int hidden) {
    this("tiny", in, hidden, false);
  }

  /** The same model as a predictor: no loss, no optimizer state. */
  static TinyModel predictor(int in, int hidden) {
    return new TinyModel("tiny", in, hidden, false, false);
  }

  @Override
  public String modelName() {
    return name;
  }

  @Override
  public boolean hasLoss() {
    return trains;
  }

  @Override
  public double trainStep(int batch) {
    throw new UnsupportedOperationException();
  }

  @Override
  public double evaluate(int batch) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void predict(int batch) {
    throw new UnsupportedOperationException();
  }

  /** Deterministic values that differ by seed and by tensor. */
  @Override
  public void initialize(long newSeed) {
    seed = newSeed;
    step = 0;
    learningRate = 0.01;
    fill(w, newSeed, 1);
    fill(b, newSeed, 2);
    if (trains) {
      fill(wM, newSeed, 3);
      fill(bM, newSeed, 4);
    }
    if (wV != null) {
      fill(wV, newSeed, 5);
    }
    for (int i = 0; i < mean.length; i++) {
      mean[i] = Math.sin(newSeed * 31 + i) / 3.0;
    }
    count[0] = (int) newSeed * 7;
  }

  private static void fill(float[] a, long seed, int salt) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) Math.cos(seed * 17 + salt * 1000 + i);
    }
  }
}
