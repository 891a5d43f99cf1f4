package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What generated code promises whatever the model: no method near HotSpot's 8,000-byte
 * limit for JIT compilation (HugeMethodLimit), a class far under the class-file limits,
 * and no allocation in a steady-state training step or prediction.
 */
class GeneratedLimitsTest {
  /** HotSpot does not JIT-compile methods larger than this (-XX:HugeMethodLimit). */
  private static final int HUGE_METHOD_LIMIT = 8000;

  private static final String DEEP = """
      model deep(width = 16, depth = 100) {
        input  x: f32[B, 16]
        target y: class[B] of 4
        h = x
        repeat depth {
          h = dense(h, width, act = relu)
          h = dropout(h, 0.1)
        }
        output probs = softmax(dense(h, 4))
        loss = cross_entropy(probs, y, label_smoothing = 0.05)
      }
      """;

  private static final String MLP = """
      model mlp {
        input  x: f32[B, 32]
        target y: class[B] of 10
        h = dense(x, 64, act = relu)
        h = dropout(h, 0.2)
        g = batch_norm(dense(h, 32))
        e = layer_norm(gelu(g))
        output probs = softmax(dense(e, 10))
        loss = cross_entropy(probs, y, label_smoothing = 0.1)
      }
      """;

  @Test
  void everyMethodOfAHundredLayerModelStaysUnderTheJitLimit() {
    Compilation c = Frontend.compile(SourceFile.of("deep.nn", DEEP));
    assertTrue(c.ok(), c.diagnostics().format());
    ModelFactory factory = ModelCompiler.compile(c.models().get(0));
    Map<String, Integer> sizes = factory.methodSizes();
    assertTrue(sizes.size() > 1000, "a 100-layer model should take many small methods, got " + sizes.size());
    sizes.forEach((method, size) -> assertTrue(size < HUGE_METHOD_LIMIT,
        method + " is " + size + " bytes of bytecode, over the JIT's " + HUGE_METHOD_LIMIT));
    int largest = sizes.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertTrue(largest < 2000, "the largest method is " + largest + " bytes");
    CompiledModel model = factory.newModel(4);
    double loss = model.trainStep(4);
    assertTrue(Double.isFinite(loss), "loss " + loss);
  }

  @Test
  void aSteadyStateTrainingStepAndPredictionAllocateNothing() {
    CompiledModel model = ModelCompiler.compile(Frontend.compile(SourceFile.of("mlp.nn", MLP)).models().get(0))
        .newModel(32);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    // warm up until C2 has compiled every path, the Vector API's edge tiles too (interpreted and
    // C1-compiled vector code allocates); a different batch size takes other paths
    for (int i = 0; i < 3000; i++) {
      model.trainStep(32);
      model.predict(32);
      model.evaluate(7);
    }
    // Steady state: an allocation on every step shows in every window of 100 steps; a one-time
    // JIT event (a deoptimization and recompilation) shows in one window only.
    List<Long> windows = new ArrayList<>();
    for (int window = 0; window < 5; window++) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 100; i++) {
        model.trainStep(32);
        model.predict(32);
        model.evaluate(7);
      }
      windows.add(threads.getThreadAllocatedBytes(thread) - before);
      if (windows.get(window) == 0) {
        break;
      }
    }
    long allocated = windows.stream().mapToLong(Long::longValue).min().orElseThrow();
    assertEquals(0, allocated, "bytes allocated by windows of 100 steps, predictions and evaluations: " + windows);
  }
}
