package dev.adjoint.compiler.codegen;

import static dev.adjoint.compiler.codegen.OptimizerUpdateTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.runtime.model.CompiledModel;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gradient clipping in the compiled training step, against clipping by hand:
 * {@code value(limit)} clamps each element as {@code torch.nn.utils.clip_grad_value_};
 * {@code global_norm(max_norm)} scales every gradient by min(1, max_norm / (‖g‖ + 1e-6)),
 * ‖g‖ over all gradients together, as {@code clip_grad_norm_}; with both, values first.
 * Clipping comes after the backward pass and before the optimizer, so coupled weight decay
 * and momentum see clipped gradients; {@code gradients()} keeps the backward pass's values.
 */
class GradientClippingTest {
  private static final double LR = 0.1;

  /** Gradients before clipping, at the test's start parameters. */
  private static Map<String, double[]> gradients() {
    return OptimizerUpdateTest.gradients(TrainingGraph.of(TrainedModels.unit("f64", "optimizer sgd").graph()),
        TrainedModels.inputs(31), copy(TrainedModels.params(31)));
  }

  private static double norm(Map<String, double[]> gradients) {
    double sum = 0;
    for (double[] g : gradients.values()) {
      for (double v : g) {
        sum += v * v;
      }
    }
    return Math.sqrt(sum);
  }

  /** One step of sgd(lr = {@link #LR}) with these train-block lines, from the start parameters. */
  private static CompiledModel step(String dtype, String lines) {
    ModelUnit unit = TrainedModels.unit(dtype, "optimizer sgd(lr = " + LR + ")\n" + lines);
    CompiledModel model = ModelCompiler.compile(unit).newModel(TrainedModels.MAX_BATCH);
    TrainedModels.load(model, TrainedModels.inputs(31), TrainedModels.params(31));
    model.trainStep(TrainedModels.BATCH);
    return model;
  }

  /** start - lr · (scale · clamp(g, ±limit)). */
  private static void assertStep(CompiledModel model, double limit, double scale, double tolerance, String where) {
    Map<String, double[]> g = gradients();
    Map<String, F64Tensor> start = TrainedModels.params(31);
    for (String name : List.of("W", "b")) {
      double[] expected = start.get(name).data().clone();
      for (int i = 0; i < expected.length; i++) {
        expected[i] -= LR * scale * Math.max(-limit, Math.min(limit, g.get(name)[i]));
      }
      assertClose(expected, TrainedModels.get(model.param(name), expected.length), tolerance, where + ": " + name);
      assertClose(g.get(name), TrainedModels.get(model.gradients().get(name), expected.length), tolerance,
          where + ": gradients() keeps the unclipped gradient of " + name);
    }
  }

  @Test
  void aGlobalNormAboveTheMaximumIsScaledDownToIt() {
    double norm = norm(gradients());
    double max = Math.rint(norm * 0.4 * 1000) / 1000;
    for (String dtype : List.of("f32", "f64")) {
      CompiledModel model = step(dtype, "clip global_norm(" + max + ")");
      assertStep(model, Double.POSITIVE_INFINITY, max / (norm + 1e-6), dtype.equals("f32") ? 1e-6 : 1e-14,
          "global_norm " + dtype);
    }
  }

  @Test
  void gradientsBelowTheThresholdsAreNotChanged() {
    Map<String, double[]> g = gradients();
    double largest = 0;
    for (double[] values : g.values()) {
      for (double v : values) {
        largest = Math.max(largest, Math.abs(v));
      }
    }
    String clips = "clip global_norm(" + (norm(g) * 1.5) + "), value(" + (largest * 1.5) + ")";
    CompiledModel clipped = step("f64", clips);
    CompiledModel plain = step("f64", "");
    for (String name : List.of("W", "b")) {
      int size = name.equals("W") ? 6 : 2;
      assertClose(TrainedModels.get(plain.param(name), size), TrainedModels.get(clipped.param(name), size), 0,
          "below both thresholds, " + name + " takes exactly the unclipped step");
    }
  }

  @Test
  void valuesAreClampedElementByElement() {
    Map<String, double[]> g = gradients();
    double limit = median(g);
    int clamped = 0;
    for (double[] values : g.values()) {
      for (double v : values) {
        clamped += Math.abs(v) > limit ? 1 : 0;
      }
    }
    assertTrue(clamped > 0 && clamped < 8, "some elements must be clamped and some not, got " + clamped);
    for (String dtype : List.of("f32", "f64")) {
      assertStep(step(dtype, "clip value(" + limit + ")"), limit, 1, dtype.equals("f32") ? 1e-6 : 1e-14,
          "value " + dtype);
    }
  }

  @Test
  void withBothValuesAreClampedFirstAndTheNormIsTheirs() {
    Map<String, double[]> g = gradients();
    double limit = median(g);
    double clampedSquares = 0;
    for (double[] values : g.values()) {
      for (double v : values) {
        double c = Math.max(-limit, Math.min(limit, v));
        clampedSquares += c * c;
      }
    }
    double clampedNorm = Math.sqrt(clampedSquares);
    double max = Math.rint(clampedNorm * 0.5 * 1000) / 1000;
    // the order in the train block does not matter: values, then the norm
    CompiledModel model = step("f64", "clip global_norm(max_norm = " + max + "), value(limit = " + limit + ")");
    assertStep(model, limit, max / (clampedNorm + 1e-6), 1e-14, "value then global_norm");
  }

  @Test
  void clippingComesBeforeCoupledWeightDecayAndMomentum() {
    Map<String, double[]> g = gradients();
    double limit = median(g);
    double squares = 0;
    for (double[] values : g.values()) {
      for (double v : values) {
        squares += Math.pow(Math.max(-limit, Math.min(limit, v)), 2);
      }
    }
    double max = Math.rint(Math.sqrt(squares) * 0.3 * 1000) / 1000;
    ModelUnit unit = TrainedModels.unit("f64",
        "optimizer sgd(lr = 0.1, momentum = 0.9, weight_decay = 0.5)\nclip value(" + limit + "), global_norm(" + max
            + ")");
    CompiledModel model = ModelCompiler.compile(unit).newModel(TrainedModels.MAX_BATCH);
    Map<String, F64Tensor> inputs = TrainedModels.inputs(31);
    TrainedModels.load(model, inputs, TrainedModels.params(31));
    Map<String, double[]> expected = copy(TrainedModels.params(31));
    OptimizerUpdateTest.Sgd reference = new OptimizerUpdateTest.Sgd(0.9, 0, false, 0.5, false);
    for (int step = 1; step <= 3; step++) {
      model.trainStep(TrainedModels.BATCH);
      Map<String, double[]> raw = new LinkedHashMap<>();
      raw.put("W", TrainedModels.get(model.gradients().get("W"), 6));
      raw.put("b", TrainedModels.get(model.gradients().get("b"), 2));
      double sum = 0;
      for (double[] values : raw.values()) {
        for (int i = 0; i < values.length; i++) {
          values[i] = Math.max(-limit, Math.min(limit, values[i]));
          sum += values[i] * values[i];
        }
      }
      double scale = Math.min(1, max / (Math.sqrt(sum) + 1e-6));
      assertTrue(step > 1 || scale < 1, "the norm must clip at the first step");
      for (String name : List.of("W", "b")) {
        double[] clipped = raw.get(name);
        for (int i = 0; i < clipped.length; i++) {
          clipped[i] *= scale;
        }
        reference.update(name, expected.get(name), clipped, name.equals("W"), step, 0.1);
        assertClose(expected.get(name), TrainedModels.get(model.param(name), clipped.length), 1e-13,
            "step " + step + ": " + name);
      }
    }
  }

  @Test
  void theEmittedStepClipsInMethodsOfItsOwnAndAllocatesNothing() {
    ModelUnit unit = TrainedModels.unit("f32", "optimizer adam\nclip global_norm(1.0), value(0.5)");
    String source = ModelCompiler.generate(unit, "p", "Clipped").source();
    assertTrue(source.contains("private void clip(int B) {\n    // clip value(0.5), then global_norm(1.0)\n"),
        source);
    assertTrue(source.contains("squares_W(B);") && source.contains("squares_b(B);"), source);
    assertTrue(source.contains("float scale = (float) this.clipScale;"), source);
    assertTrue(source.contains("float g = Math.max((-0.5f), Math.min(0.5f, this.") && source.contains("[i])) * scale;"),
        source);
    // f64: plain-loop products, so that only the generated code is measured, not the JIT
    // state of the Vector API kernels that f32 products call
    CompiledModel model = ModelCompiler.compile(TrainedModels.unit("f64",
        "optimizer adam\nclip global_norm(1.0), value(0.5)")).newModel(TrainedModels.MAX_BATCH);
    TrainedModels.load(model, TrainedModels.inputs(31), TrainedModels.params(31));
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    // measure windows until the JIT has compiled every path
    long allocated = -1;
    for (int window = 0; window < 40 && allocated != 0; window++) {
      for (int i = 0; i < 1000; i++) {
        model.trainStep(TrainedModels.BATCH);
      }
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 100; i++) {
        model.trainStep(TrainedModels.BATCH);
      }
      allocated = threads.getThreadAllocatedBytes(thread) - before;
    }
    assertEquals(0, allocated, "bytes allocated by 100 clipped steps in a steady state");
  }

  /** The median of the gradients' absolute values. */
  private static double median(Map<String, double[]> gradients) {
    double[] all = new double[8];
    int k = 0;
    for (double[] values : gradients.values()) {
      for (double v : values) {
        all[k++] = Math.abs(v);
      }
    }
    java.util.Arrays.sort(all);
    return Math.rint((all[3] + all[4]) / 2 * 1e6) / 1e6;
  }

  private static Map<String, double[]> copy(Map<String, F64Tensor> tensors) {
    Map<String, double[]> out = new LinkedHashMap<>();
    tensors.forEach((name, t) -> out.put(name, t.data().clone()));
    return out;
  }
}
