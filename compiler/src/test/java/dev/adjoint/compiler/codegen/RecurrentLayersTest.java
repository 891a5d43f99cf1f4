package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recurrent layers as PyTorch defines them: each cell's outputs against the gate
 * equations written out step by step over PyTorch's parameter layout; padded steps (at or
 * after a sample's length) change neither outputs, loss nor gradients of compiled code; and
 * the generated class does not grow with the number of steps.
 */
class RecurrentLayersTest {
  private static final int BATCH = 3;
  private static final int STEPS = 5;
  private static final int K = 3;
  private static final int H = 4;

  private static ModelUnit compile(String source) {
    Compilation c = Frontend.compile(SourceFile.of("recurrent.nn", source));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  private static String program(String cell, String dtype, int steps, String options) {
    return "model m {\n"
        + "  input  x: " + dtype + "[B, " + steps + ", " + K + "]\n"
        + "  input  len: i32[B]\n"
        + "  target y: " + dtype + "[B, " + H + "]\n"
        + "  h = " + cell + "(x, " + H + ", return_sequences = true" + options + ")\n"
        + "  output seq = h\n"
        + "  output last = " + cell + "(x, " + H + options + ")\n"
        + "  loss = mse(mean(h, axis = 1), y)\n"
        + "}\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"rnn", "lstm", "gru"})
  void cellsFollowPyTorchsEquationsAndLayout(String cell) {
    ModelUnit unit = compile(program(cell, "f64", STEPS, ", lengths = len"));
    Random random = new Random(cell.hashCode());
    Map<String, F64Tensor> inputs = RandomFeeds.inputs(unit.graph(), BATCH, random);
    inputs.put("len", F64Tensor.vector(5, 2, 0));
    Map<String, F64Tensor> params = RandomFeeds.params(unit.graph(), random, 0.5);
    var eval = new Interpreter(unit.graph()).evaluate(Feed.of(inputs, params).withMode(Mode.INFERENCE));
    double[][][] expected = reference(cell, inputs.get("x"), params, "h.", new int[] {5, 2, 0});
    double[][][] lastLayer = reference(cell, inputs.get("x"), params, "last.", new int[] {5, 2, 0});
    F64Tensor seq = eval.output("seq");
    F64Tensor last = eval.output("last");
    for (int b = 0; b < BATCH; b++) {
      for (int t = 0; t < STEPS; t++) {
        for (int j = 0; j < H; j++) {
          assertEquals(expected[b][t + 1][j] * (t < new int[] {5, 2, 0}[b] ? 1 : 0), seq.get(b, t, j), 1e-12,
              cell + " h[" + b + "," + t + "," + j + "]");
        }
      }
      int length = new int[] {5, 2, 0}[b];
      for (int j = 0; j < H; j++) {
        // the last state is the state at the sample's length (zeros for an empty sample)
        assertEquals(lastLayer[b][length][j], last.get(b, j), 1e-12, cell + " last[" + b + "," + j + "]");
      }
    }
  }

  /**
   * The states h_0 (zeros) .. h_T of each sample by PyTorch's documented equations, over
   * weight_ih [G·H, K], weight_hh [G·H, H] and both biases (gates i, f, g, o; r, z, n).
   */
  private static double[][][] reference(String cell, F64Tensor x, Map<String, F64Tensor> p, String layer, int[] lengths) {
    F64Tensor wih = p.get(layer + "weight_ih");
    F64Tensor whh = p.get(layer + "weight_hh");
    F64Tensor bih = p.get(layer + "bias_ih");
    F64Tensor bhh = p.get(layer + "bias_hh");
    int gates = wih.dim(0) / H;
    double[][][] out = new double[BATCH][STEPS + 1][H];
    for (int b = 0; b < BATCH; b++) {
      double[] h = new double[H];
      double[] c = new double[H];
      for (int t = 0; t < STEPS; t++) {
        double[] gi = new double[gates * H];
        double[] gh = new double[gates * H];
        for (int r = 0; r < gates * H; r++) {
          gi[r] = bih.get(r);
          gh[r] = bhh.get(r);
          for (int k = 0; k < K; k++) {
            gi[r] += wih.get(r, k) * x.get(b, t, k);
          }
          for (int k = 0; k < H; k++) {
            gh[r] += whh.get(r, k) * h[k];
          }
        }
        double[] next = new double[H];
        for (int j = 0; j < H; j++) {
          switch (cell) {
            case "rnn" -> next[j] = Math.tanh(gi[j] + gh[j]);
            case "lstm" -> {
              double i = sigmoid(gi[j] + gh[j]);
              double f = sigmoid(gi[H + j] + gh[H + j]);
              double g = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
              double o = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
              c[j] = t < lengths[b] ? f * c[j] + i * g : c[j];
              next[j] = o * Math.tanh(c[j]);
            }
            default -> {
              double r = sigmoid(gi[j] + gh[j]);
              double z = sigmoid(gi[H + j] + gh[H + j]);
              double n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
              next[j] = (1 - z) * n + z * h[j];
            }
          }
        }
        if (t < lengths[b]) {
          h = next;
        }
        out[b][t + 1] = h.clone();
      }
    }
    return out;
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rnn", "lstm", "gru"})
  void paddedStepsChangeNeitherOutputsLossNorGradients(String cell) {
    ModelUnit unit = compile(program(cell, "f32", STEPS, ", lengths = len"));
    CompiledModel model = ModelCompiler.compile(unit).newModel(BATCH);
    int[] lengths = {5, 2, 3};
    Random random = new Random(1);
    float[] x = model.input("x").f32();
    for (int i = 0; i < BATCH * STEPS * K; i++) {
      x[i] = (float) random.nextGaussian();
    }
    System.arraycopy(lengths, 0, model.input("len").i32(), 0, BATCH);
    for (int i = 0; i < BATCH * H; i++) {
      model.input("y").f32()[i] = (float) random.nextGaussian();
    }
    model.setLearningRate(0);
    Run before = Run.of(model);
    // garbage, even infinities, at every padded step
    for (int b = 0; b < BATCH; b++) {
      for (int t = lengths[b]; t < STEPS; t++) {
        for (int k = 0; k < K; k++) {
          x[(b * STEPS + t) * K + k] = k == 0 ? 1e30f : (float) random.nextGaussian() * 100;
        }
      }
    }
    Run after = Run.of(model);
    assertEquals(before.loss, after.loss, 0, cell + " loss");
    assertArrayEquals(before.seq, after.seq, 0, cell + " every step's state");
    assertArrayEquals(before.last, after.last, 0, cell + " last state");
    for (String name : before.gradients.keySet()) {
      assertArrayEquals(before.gradients.get(name), after.gradients.get(name), 0, cell + " gradient of " + name);
    }
  }

  /** What one training step (learning rate 0) of a model computes. */
  private record Run(double loss, float[] seq, float[] last, Map<String, float[]> gradients) {
    static Run of(CompiledModel model) {
      double loss = model.trainStep(BATCH);
      model.predict(BATCH);
      Map<String, float[]> gradients = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> g : model.gradients().entrySet()) {
        int size = model.param(g.getKey()).capacity();
        gradients.put(g.getKey(), java.util.Arrays.copyOf(g.getValue().f32(), size));
      }
      return new Run(loss, model.output("seq").f32().clone(), model.output("last").f32().clone(), gradients);
    }
  }

  /**
   * An LSTM over 10 and over 1,000 steps: the generated classes differ by the digits of the
   * step count only, and Janino compiles the long one about as fast as the short one.
   */
  @Test
  void generatedClassSizeAndCompileTimeDoNotGrowWithTheSteps() {
    ModelUnit short10 = compile(program("lstm", "f32", 10, ""));
    ModelUnit long1000 = compile(program("lstm", "f32", 1000, ""));
    String small = ModelCompiler.generate(short10, ModelCompiler.DEFAULT_PACKAGE, "Short").source();
    String large = ModelCompiler.generate(long1000, ModelCompiler.DEFAULT_PACKAGE, "Short").source();
    assertTrue(Math.abs(large.length() - small.length()) < 0.01 * small.length(),
        "T = 10: " + small.length() + " characters, T = 1000: " + large.length());
    ModelCompiler.compileUncached(short10); // warm Janino up
    long t10 = time(() -> ModelCompiler.compileUncached(short10));
    long t1000 = time(() -> ModelCompiler.compileUncached(long1000));
    assertTrue(t1000 < 3 * t10 + 500, "compile times: T = 10 " + t10 + " ms, T = 1000 " + t1000 + " ms");
    CompiledModel model = ModelCompiler.compile(long1000).newModel(2);
    assertTrue(Double.isFinite(model.trainStep(2)));
  }

  /**
   * A training step through its loops (forward, and the backward ones) allocates nothing once
   * warm. Warm takes longer than for a feed-forward step: its hundreds of small methods, and
   * the Vector API's edge tiles of the products inside the loops, allocate until C2 has
   * compiled each (2,000 steps still allocate 142 KB a step, 20,000 nothing).
   */
  @Test
  void aTrainingStepThroughTheLoopsAllocatesNothing() {
    ModelUnit unit = compile(program("lstm", "f32", 3, ", lengths = len"));
    CompiledModel model = ModelCompiler.compile(unit).newModel(2);
    model.input("len").i32()[0] = 2;
    model.input("len").i32()[1] = 3;
    model.setLearningRate(0);
    SteadyState.assertAllocatesNothing(20000, () -> model.trainStep(2), "an LSTM's training step");
    SteadyState.assertAllocatesNothing(20000, () -> model.predict(2), "an LSTM's prediction");
  }

  private static long time(Runnable r) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      r.run();
      best = Math.min(best, (System.nanoTime() - start) / 1_000_000);
    }
    return best;
  }
}
