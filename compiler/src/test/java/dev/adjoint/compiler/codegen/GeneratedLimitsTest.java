package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
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

  /**
   * Written as one class, 1,000 layers (about 9,000 fields, each read by name from the
   * entry points' calls) would need more than the 65,535 constant-pool entries a class file
   * may have (800 needed 56,000): only part classes make it compile.
   */
  private static final String VERY_DEEP = """
      model very_deep(width = 4, depth = 1000) {
        input  x: f32[B, 4]
        target y: class[B] of 3
        h = x
        repeat depth {
          h = dense(h, width, act = relu)
          h = dropout(h, 0.1)
        }
        output probs = softmax(dense(h, 3))
        loss = cross_entropy(probs, y)
      }
      """;

  /** The JVM's limit of constant-pool entries per class file. */
  private static final int CONSTANT_POOL_LIMIT = 65_535;

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
    // the layers share their kernel methods; the entry points' calls are split into parts of 50
    assertTrue(sizes.size() > 300, "a 100-layer model should take many small methods, got " + sizes.size());
    sizes.forEach((method, size) -> assertTrue(size < HUGE_METHOD_LIMIT,
        method + " is " + size + " bytes of bytecode, over the JIT's " + HUGE_METHOD_LIMIT));
    int largest = sizes.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertTrue(largest < 2000, "the largest method is " + largest + " bytes");
    CompiledModel model = factory.newModel(4);
    double loss = model.trainStep(4);
    assertTrue(Double.isFinite(loss), "loss " + loss);
  }

  @Test
  void aModelTooLargeForOneClassFileIsSplitIntoPartClassesEachFarUnderTheLimits() {
    Compilation c = Frontend.compile(SourceFile.of("very_deep.nn", VERY_DEEP));
    assertTrue(c.ok(), c.diagnostics().format());
    long start = System.nanoTime();
    ModelFactory factory = ModelCompiler.compile(c.models().get(0));
    long millis = (System.nanoTime() - start) / 1_000_000;
    Map<String, JaninoLoader.ClassFileSize> files = factory.classFiles();
    assertTrue(files.size() > 2, "the model's class and part classes, got " + files.keySet());
    int entries = 0;
    for (Map.Entry<String, JaninoLoader.ClassFileSize> file : files.entrySet()) {
      JaninoLoader.ClassFileSize size = file.getValue();
      entries += size.constantPoolEntries();
      assertTrue(size.constantPoolEntries() < CONSTANT_POOL_LIMIT / 2, file.getKey() + " has "
          + size.constantPoolEntries() + " constant-pool entries, not far under " + CONSTANT_POOL_LIMIT);
      assertTrue(size.bytes() < 2_000_000, file.getKey() + " is " + size.bytes() + " bytes");
    }
    assertTrue(entries > CONSTANT_POOL_LIMIT, "together the classes have " + entries
        + " constant-pool entries: one class could not have held them");
    factory.methodSizes().forEach((method, size) -> assertTrue(size < HUGE_METHOD_LIMIT,
        method + " is " + size + " bytes of bytecode, over the JIT's " + HUGE_METHOD_LIMIT));
    CompiledModel model = factory.newModel(2);
    double loss = model.trainStep(2);
    assertEquals(Math.log(3), loss, 0.5, "zero inputs through 1,000 layers: near-uniform probabilities");
    model.predict(2);
    System.out.println("very_deep: " + files.size() + " class files, " + entries + " constant-pool entries, compiled in "
        + millis + " ms");
  }

  @Test
  void aModelSplitIntoPartClassesComputesExactlyWhatItsOneClassComputes() {
    dev.adjoint.compiler.frontend.ModelUnit unit = Frontend.compile(SourceFile.of("mlp.nn", MLP)).models().get(0);
    GeneratedModel whole = ModelCompiler.generate(unit, ModelCompiler.DEFAULT_PACKAGE, "Whole");
    GeneratedModel split = ModelCompiler.generateSplit(unit, ModelCompiler.DEFAULT_PACKAGE, "Split");
    assertTrue(!whole.source().contains("class Part0") && split.source().contains("static final class Part0"));
    List<CompiledModel> models = new ArrayList<>();
    for (GeneratedModel g : List.of(whole, split)) {
      CompiledModel model = new ModelFactory(g, JaninoLoader.load(g), g.className()).newModel(8);
      float[] x = model.input("x").f32();
      int[] y = model.input("y").i32();
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) Math.sin(i * 0.37);
      }
      for (int i = 0; i < y.length; i++) {
        y[i] = i % 10;
      }
      model.setSeed(3);
      model.initialize(3);
      for (int step = 0; step < 3; step++) {
        model.trainStep(8);
      }
      model.predict(8);
      models.add(model);
    }
    for (String name : models.get(0).params().keySet()) {
      assertTrue(java.util.Arrays.equals(models.get(0).param(name).f32(), models.get(1).param(name).f32()), name);
    }
    assertTrue(java.util.Arrays.equals(models.get(0).output("probs").f32(), models.get(1).output("probs").f32()));
  }

  @Test
  void aSteadyStateTrainingStepAndPredictionAllocateNothing() {
    assertNoAllocation(ModelCompiler.compile(Frontend.compile(SourceFile.of("mlp.nn", MLP)).models().get(0))
        .newModel(32));
  }

  /** Joins and splits: each a copy into buffers planned once, forward and backward. */
  @Test
  void joiningAndSplittingAllocateNothing() {
    String joins = """
        model joins {
          input  x: f32[B, 6]
          target y: class[B] of 4
          a, b = split(x, (2, 4))
          p, q = chunk(pad(x, ((0, 0), (1, 1)), value = 0.5), 2)
          s = stack((p, q), axis = 1)
          t = concat((b, a, tile(a, (1, 2)), repeat_interleave(a, 2), reshape(s, (B, 8))))
          output probs = softmax(dense(t, 4))
          loss = cross_entropy(probs, y)
        }
        """;
    assertNoAllocation(ModelCompiler.compile(Frontend.compile(SourceFile.of("joins.nn", joins)).models().get(0))
        .newModel(32));
  }

  /** Pooling and batch norm over images: tiling and overlapping windows, methods under the JIT limit. */
  @Test
  void poolingImagesAllocatesNothing() {
    String pools = """
        model pools {
          input  x: f32[B, 12, 12, 3]
          target y: class[B] of 4
          n = batch_norm(x)
          m = max_pool2d(n, 2)
          a = avg_pool2d(n, 3, stride = 2, padding = 1)
          o = max_pool2d(m, (3, 2), stride = 1, padding = 1)
          f = concat((global_avg_pool(o), global_max_pool(a)), axis = 1)
          output probs = softmax(dense(f, 4))
          loss = cross_entropy(probs, y)
        }
        """;
    ModelFactory factory = ModelCompiler.compile(Frontend.compile(SourceFile.of("pools.nn", pools)).models().get(0));
    factory.methodSizes().forEach((method, size) -> assertTrue(size < HUGE_METHOD_LIMIT,
        method + " is " + size + " bytes of bytecode, over the JIT's " + HUGE_METHOD_LIMIT));
    assertNoAllocation(factory.newModel(32));
  }

  private static void assertNoAllocation(CompiledModel model) {
    // a different batch size takes other paths
    SteadyState.assertAllocatesNothing(3000, () -> {
      model.trainStep(32);
      model.predict(32);
      model.evaluate(7);
    }, "steps, predictions and evaluations");
  }

}
