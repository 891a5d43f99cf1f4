package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.DataPresence;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code repeat} compiled as a loop: one SCAN over stacked parameters that keep the
 * unrolled layers' names, start from the same values and train as the unrolled layers do,
 * with checkpoints that either form loads; and a generated class that does not grow with
 * the number of iterations.
 */
class RepeatLoopTest {
  private static final int BATCH = 4;
  private static final String TOWER = """
      def block(x, width) {
        h = dense(x, width, act = gelu)
        return layer_norm(h)
      }

      model tower(hidden = 4, depth = 64) {
        input  x: f32[B, 4]
        target y: class[B] of 3
        h = dense(x, hidden)
        repeat depth {
          h = block(h, hidden)
        }
        output probs = softmax(dense(h, 3))
        loss = cross_entropy(probs, y) + 1e-3 * sum(h.3.h.W ** 2)
      }

      train tower {
        data csv("tower.csv", x = ("a", "b", "c", "d"), y = "y")
        optimizer adamw(lr = 1e-2, weight_decay = 0.1)
        clip global_norm(0.5)
      }
      """;

  private static ModelUnit unit(String source, int depth) {
    Compilation c = Frontend.compile(SourceFile.of("tower.nn", source), List.of("depth=" + depth),
        DataPresence.OPTIONAL);
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  private static <T> T unrolled(Supplier<T> work) {
    System.setProperty("adjoint.repeat.unroll", "true");
    try {
      return work.get();
    } finally {
      System.clearProperty("adjoint.repeat.unroll");
    }
  }

  private static long count(ModelUnit unit, Op op) {
    return unit.graph().nodes().stream().filter(n -> n.op() == op).count();
  }

  @Test
  void aLongTowerIsOneLoopOverStackedLayers() {
    ModelUnit looped = unit(TOWER, 64);
    assertEquals(1, count(looped, Op.SCAN));
    Node w = looped.graph().source("h.*.h.W");
    assertNotNull(w, "stacked parameter");
    Attrs.Layers layers = w.attrs(Attrs.Param.class).layers();
    assertEquals(64, layers.names().size());
    assertEquals("h.7.h.W", layers.names().get(6));
    assertEquals(List.of(64, 4, 4), List.of(w.shape().dim(0), w.shape().dim(1), w.shape().dim(2)));
    ModelUnit flat = unrolled(() -> unit(TOWER, 64));
    assertEquals(0, count(flat, Op.SCAN));
    assertNull(flat.graph().source("h.*.h.W"));
  }

  @Test
  void aFirstLayerOfAnotherWidthStaysUnrolledBeforeTheLoop() {
    String fromInputs = TOWER.replace("h = dense(x, hidden)", "h = x").replace("hidden = 4", "hidden = 5");
    ModelUnit looped = unit(fromInputs, 64);
    assertEquals(1, count(looped, Op.SCAN));
    assertNotNull(looped.graph().source("h.1.h.W"));
    assertEquals("h.2.h.W", looped.graph().source("h.*.h.W").attrs(Attrs.Param.class).layers().names().get(0));
    float[] a = firstSteps(looped, 3);
    float[] b = firstSteps(unrolled(() -> unit(fromInputs, 64)), 3);
    for (int i = 0; i < a.length; i++) {
      assertEquals(b[i], a[i], 1e-5 * Math.abs(b[i]), "step " + i);
    }
  }

  @Test
  void aSelectionTakesAllLayersOfALoopOrNone() {
    String one = TOWER.replace("weight_decay = 0.1)", "weight_decay = 0.1, decay_on = (weights, \"h.3.h.W\"))");
    Compilation c = Frontend.compile(SourceFile.of("tower.nn", one), List.of("depth=64"), DataPresence.OPTIONAL);
    assertTrue(c.diagnostics().format().contains("'h.3.h.W' is one layer of a repeat compiled as a loop, whose layers"
        + " share the parameter 'h.*.h.W'"), c.diagnostics().format());
    String all = TOWER.replace("weight_decay = 0.1)", "weight_decay = 0.1, decay_on = (\"h.*.h.W\"))");
    assertTrue(unit(all, 64).train().optimizer().decayOn().resolve(unit(all, 64).graph()).contains("h.*.h.W"));
  }

  @Test
  void aShortRepeatStaysUnrolled() {
    assertEquals(0, count(unit(TOWER, 3), Op.SCAN));
    assertEquals(0, count(unit(TOWER, 63), Op.SCAN));
  }

  @Test
  void repeatsThatAreNotOneFunctionStayUnrolled() {
    String plain = TOWER.replace("+ 1e-3 * sum(h.3.h.W ** 2)", "");
    String dropout = plain.replace("h = block(h, hidden)", "h = dropout(block(h, hidden), 0.1)");
    assertEquals(0, count(unit(dropout, 64), Op.SCAN));
    String twoCarries = plain.replace("h = dense(x, hidden)", "h = dense(x, hidden)\n  g = h")
        .replace("h = block(h, hidden)", "h = block(h, hidden)\n    g = g + h");
    assertEquals(0, count(unit(twoCarries, 64), Op.SCAN));
    String noParams = plain.replace("h = block(h, hidden)", "h = tanh(h)");
    assertEquals(0, count(unit(noParams, 64), Op.SCAN));
  }

  @Test
  void aBodyLocalNameKeepsItsLastValue() {
    String local = TOWER.replace("+ 1e-3 * sum(h.3.h.W ** 2)", "").replace("h = block(h, hidden)", "r = block(h, hidden)\n    h = h + r")
        .replace("softmax(dense(h, 3))", "softmax(dense(h + r, 3))");
    ModelUnit looped = unit(local, 64);
    assertTrue(count(looped, Op.SCAN) >= 1);
    float[] a = firstSteps(looped, 1);
    float[] b = firstSteps(unrolled(() -> unit(local, 64)), 1);
    assertEquals(b[0], a[0], 1e-5 * Math.abs(b[0]));
  }

  /** Losses of the first {@code steps} training steps on fixed data, seed 7. */
  private static float[] firstSteps(ModelUnit unit, int steps) {
    CompiledModel model = ModelCompiler.compile(unit).newModel(BATCH);
    model.initialize(7);
    fill(model);
    float[] losses = new float[steps];
    for (int s = 0; s < steps; s++) {
      losses[s] = (float) model.trainStep(BATCH);
    }
    return losses;
  }

  private static void fill(CompiledModel model) {
    Random random = new Random(3);
    float[] x = model.input("x").f32();
    for (int i = 0; i < BATCH * 4; i++) {
      x[i] = (float) random.nextGaussian();
    }
    int[] y = model.input("y").i32();
    for (int i = 0; i < BATCH; i++) {
      y[i] = i % 3;
    }
  }

  @Test
  void startsAndTrainsAsTheUnrolledTower() {
    ModelUnit looped = unit(TOWER, 64);
    ModelUnit flat = unrolled(() -> unit(TOWER, 64));
    CompiledModel a = ModelCompiler.compile(looped).newModel(BATCH);
    CompiledModel b = ModelCompiler.compile(flat).newModel(BATCH);
    a.initialize(7);
    b.initialize(7);
    assertEquals(b.params().keySet(), a.params().keySet());
    for (String name : b.params().keySet()) {
      assertSameValues(b.param(name), a.param(name), 0, name);
    }
    fill(a);
    fill(b);
    for (int step = 0; step < 5; step++) {
      double la = a.trainStep(BATCH);
      double lb = b.trainStep(BATCH);
      assertEquals(lb, la, 1e-5 * Math.abs(lb), "loss at step " + step);
    }
    for (String name : b.params().keySet()) {
      assertSameValues(b.param(name), a.param(name), 1e-4, name);
    }
    assertEquals(b.optimizerState().keySet(), a.optimizerState().keySet());
  }

  private static void assertSameValues(Tensor expected, Tensor actual, double tolerance, String name) {
    int size = expected.spec().size(1);
    assertEquals(size, actual.spec().size(1), name);
    for (int i = 0; i < size; i++) {
      assertEquals(expected.get(i), actual.get(i), tolerance * Math.max(1, Math.abs(expected.get(i))),
          name + "[" + i + "]");
    }
  }

  @Test
  void checkpointsLoadAcrossLoopedAndUnrolled(@TempDir Path dir) throws Exception {
    CompiledModel looped = ModelCompiler.compile(unit(TOWER, 64)).newModel(BATCH);
    CompiledModel flat = ModelCompiler.compile(unrolled(() -> unit(TOWER, 64))).newModel(BATCH);
    looped.initialize(1);
    fill(looped);
    looped.trainStep(BATCH);
    flat.initialize(2);
    Path file = dir.resolve("looped.safetensors");
    Checkpoint.save(file, looped, Map.of());
    Checkpoint.load(file, flat);
    for (String name : looped.params().keySet()) {
      assertSameValues(looped.param(name), flat.param(name), 0, name);
    }
    for (String name : looped.optimizerState().keySet()) {
      assertSameValues(looped.optimizerState().get(name), flat.optimizerState().get(name), 0, name);
    }
    // and back: a fresh looped model resumes from the unrolled one's checkpoint bit for bit
    Path back = dir.resolve("flat.safetensors");
    Checkpoint.save(back, flat, Map.of());
    CompiledModel resumed = ModelCompiler.compile(unit(TOWER, 64)).newModel(BATCH);
    resumed.initialize(3);
    Checkpoint.load(back, resumed);
    fill(resumed);
    assertEquals(looped.trainStep(BATCH), resumed.trainStep(BATCH), 0);
    assertTrue(Files.size(file) > 0);
  }

  @Test
  void theGeneratedClassDoesNotGrowWithTheDepth() {
    String source = TOWER.replace("+ 1e-3 * sum(h.3.h.W ** 2)", "");
    long ten = classBytes(ModelCompiler.compile(unit(source, 64)));
    long thousand = classBytes(ModelCompiler.compile(unit(source, 1000)));
    assertTrue(thousand < ten * 1.05 + 2000, ten + " bytes at depth 64, " + thousand + " at 1000");
  }

  private static long classBytes(ModelFactory factory) {
    return factory.classFiles().values().stream().mapToLong(JaninoLoader.ClassFileSize::bytes).sum();
  }

  @Test
  void aDepthOfAThousandTrains() {
    String source = TOWER.replace("+ 1e-3 * sum(h.3.h.W ** 2)", "");
    float[] losses = firstSteps(unit(source, 1000), 3);
    for (float loss : losses) {
      assertTrue(Float.isFinite(loss), java.util.Arrays.toString(losses));
    }
  }
}
