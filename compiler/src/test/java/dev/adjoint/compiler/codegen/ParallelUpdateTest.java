package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.runtime.kernels.PartedWork;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The optimizer's update is shared between threads by cutting each parameter's loop into
 * parts: whatever the number of parts and the order they run in, the parameters and the
 * optimizer state come out bit for bit the same. Checked on the MNIST example (AdamW with
 * decoupled decay and global-norm clipping; h.W has 200,704 elements, so it is cut).
 */
class ParallelUpdateTest {
  @Test
  void theUpdateGivesTheSameBitsInAnyNumberOfParts() {
    CompiledModel model = Adjoint.compile(Golden.repo().resolve("examples/mnist/mnist.nn")).newModel(8);
    assertTrue(model instanceof PartedWork, "the generated class shares its update out");
    Random random = new Random(5);
    float[] x = model.input("x").f32();
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat();
    }
    int[] y = model.input("y").i32();
    for (int i = 0; i < y.length; i++) {
      y[i] = random.nextInt(10);
    }
    model.trainStep(8);
    model.trainStep(8);
    Map<String, float[]> before = snapshot(model);
    PartedWork update = (PartedWork) model;

    update.runPart(0, 1);
    Map<String, float[]> whole = snapshot(model);
    assertFalse(Arrays.equals(before.get("h.W"), whole.get("h.W")), "the update changed h.W");

    restore(model, before);
    update.runPart(1, 2);
    update.runPart(0, 2);
    assertSame(whole, snapshot(model), "two parts, second first");

    restore(model, before);
    for (int part = 2; part >= 0; part--) {
      update.runPart(part, 3);
    }
    assertSame(whole, snapshot(model), "three parts");
  }

  private static void assertSame(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
    expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), what + ": " + name));
  }

  private static Map<String, float[]> snapshot(CompiledModel model) {
    Map<String, float[]> out = new LinkedHashMap<>();
    model.params().forEach((name, t) -> out.put(name, t.f32().clone()));
    model.optimizerState().forEach((name, t) -> out.put(name, t.f32().clone()));
    return out;
  }

  private static void restore(CompiledModel model, Map<String, float[]> values) {
    Map<String, Tensor> all = new LinkedHashMap<>(model.params());
    all.putAll(model.optimizerState());
    values.forEach((name, v) -> System.arraycopy(v, 0, all.get(name).f32(), 0, v.length));
  }
}
