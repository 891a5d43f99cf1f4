package dev.adjoint.benchmarks;

import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.runtime.kernels.Gemm;
import dev.adjoint.runtime.model.CompiledModel;

/**
 * Adjoint's side of the comparison: a workload's .nn model compiled in process through the
 * embedding API, its parameters set to the shared initial weights and its input buffers
 * filled with the shared batch.
 */
public final class AdjointSide {
  private AdjointSide() {}

  /**
   * Sets the number of threads of Adjoint's matrix products ({@code -Dadjoint.threads}). The
   * shared engine reads the property once, on first use, so this must run in a fresh JVM
   * before any product: JMH's forks are; with {@code -f 0} the check below fails loudly.
   */
  public static void useThreads(int threads) {
    System.setProperty("adjoint.threads", Integer.toString(threads));
    int actual = Gemm.engine().threads();
    if (actual != threads) {
      throw new IllegalStateException("Adjoint's matrix products already run on " + actual + " threads, not "
          + threads + ": set -Dadjoint.threads=" + threads + " or run each thread count in its own fork");
    }
  }

  /** The workload's model compiled in process (from the cache after the first time). */
  public static ModelFactory compile(BenchData data) {
    return ModelFiles.compileAndDelete(ModelFiles.write(data));
  }

  /** A model for the workload's batch, with the shared weights and the batch in its buffers. */
  public static CompiledModel trainer(BenchData data) {
    CompiledModel model = compile(data).newModel(data.workload().batch());
    reset(model, data);
    fillBatch(model, data);
    return model;
  }

  /**
   * Back to the start: optimizer state and step cleared (by {@code initialize}), then the
   * shared weights and biases loaded over the drawn ones.
   */
  public static void reset(CompiledModel model, BenchData data) {
    model.initialize(BenchData.SEED);
    for (int i = 0; i < data.workload().layers(); i++) {
      String layer = Workload.layerName(i);
      copy(data.weight(i), model.param(layer + ".W").f32());
      copy(data.bias(i), model.param(layer + ".b").f32());
    }
  }

  /** Writes the shared batch (as many rows as the model holds) into the model's input buffers. */
  public static void fillBatch(CompiledModel model, BenchData data) {
    Workload w = data.workload();
    int rows = Math.min(model.maxBatch(), w.batch());
    System.arraycopy(data.inputs(), 0, model.input("x").f32(), 0, rows * w.inputs());
    if (w.classifier()) {
      System.arraycopy(data.classes(), 0, model.input("y").i32(), 0, rows);
    } else {
      System.arraycopy(data.targets(), 0, model.input("y").f32(), 0, rows * w.outputs());
    }
  }

  private static void copy(float[] from, float[] to) {
    if (from.length != to.length) {
      throw new IllegalStateException("parameter of " + to.length + " floats given " + from.length);
    }
    System.arraycopy(from, 0, to, 0, from.length);
  }
}
