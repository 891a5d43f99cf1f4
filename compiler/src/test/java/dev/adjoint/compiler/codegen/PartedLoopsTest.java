package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.kernels.PartedWork;
import dev.adjoint.runtime.model.CompiledModel;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Large element-wise loops are shared between the engine's threads ({@link PartedLoops}):
 * each becomes a part method run through {@code runParts}, small loops stay whole, and
 * whatever the number of parts and the order they run in, every buffer of the model comes
 * out bit for bit as the whole loop leaves it, so the thread count never changes a result.
 */
class PartedLoopsTest {
  private static final int BATCH = 2;

  /** A GELU MLP over [B, 64, 512]: 32,768 elements a sample, so its loops are shared. */
  private static final String WIDE = """
      model wide {
        input  x: f32[B, 64, 128]
        target y: f32[B, 64, 128]
        u = dense(layer_norm(x), 512, act = gelu)
        output z = x + dense(u, 128)
        loss = mse(z, y)
      }
      """;

  /** The same over [B, 4, 512]: 2,048 elements a sample, under the threshold. */
  private static final String NARROW = WIDE.replace("64", "4");

  private static ModelUnit unit(String source) {
    return Frontend.compile(SourceFile.of("model.nn", source)).models().get(0);
  }

  private static String source(String text) {
    return ModelCompiler.generate(unit(text), ModelCompiler.DEFAULT_PACKAGE, "Wide").source();
  }

  @Test
  void largeLoopsAreSharedAndSmallOnesStayWhole() {
    String wide = source(WIDE);
    assertTrue(wide.contains("elementwise_kernel_part(int B, int part, int parts)"), "no shared GELU loop");
    assertTrue(wide.contains("PartedWork.start(B * 32768, part, parts)"), "the part does not start at its share");
    assertTrue(wide.contains("Gemm.engine().runParts(this)"), "the loop is not handed to the engine");
    String narrow = source(NARROW);
    assertFalse(narrow.contains("partedJob"), "a loop of 2,048 elements a sample was shared");
    assertFalse(narrow.contains("_part("), "a loop of 2,048 elements a sample was shared");
  }

  /** In part classes the loops reach the model through m, and compute exactly what one class computes. */
  @Test
  void aSplitModelSharesItsLoopsAndComputesTheSameBits() {
    ModelUnit unit = unit(WIDE);
    GeneratedModel split = ModelCompiler.generateSplit(unit, ModelCompiler.DEFAULT_PACKAGE, "Split");
    assertTrue(split.source().contains("m.partedJob = ") && split.source().contains("runParts(m)"),
        "part methods name their loop through m");
    List<float[]> whole = run(ModelCompiler.generate(unit, ModelCompiler.DEFAULT_PACKAGE, "Whole"));
    List<float[]> parts = run(split);
    for (int i = 0; i < whole.size(); i++) {
      assertArrayEquals(whole.get(i), parts.get(i), "value " + i);
    }
  }

  /** Two training steps and a prediction from seed 5: every parameter, optimizer state and the output. */
  private static List<float[]> run(GeneratedModel generated) {
    CompiledModel model = new ModelFactory(generated, JaninoLoader.load(generated), generated.className())
        .newModel(BATCH);
    fill(model);
    model.initialize(5);
    model.trainStep(BATCH);
    model.trainStep(BATCH);
    model.predict(BATCH);
    List<float[]> values = new ArrayList<>();
    model.params().values().forEach(t -> values.add(t.f32()));
    model.optimizerState().values().forEach(t -> values.add(t.f32()));
    values.add(model.output("z").f32());
    return values;
  }

  private static void fill(CompiledModel model) {
    Random random = new Random(9);
    for (String name : List.of("x", "y")) {
      float[] v = model.input(name).f32();
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) random.nextGaussian();
      }
    }
  }

  @Test
  void everyLoopGivesTheSameBitsInAnyNumberOfParts() throws Exception {
    CompiledModel model = ModelCompiler.compile(unit(WIDE)).newModel(BATCH);
    model.initialize(5);
    fill(model);
    model.trainStep(BATCH);
    model.gradientStep(BATCH); // every buffer holds this step's values
    Field job = model.getClass().getDeclaredField("partedJob");
    Field batch = model.getClass().getDeclaredField("partedBatch");
    job.setAccessible(true);
    batch.setAccessible(true);
    PartedWork work = (PartedWork) model;
    int loops = 0;
    for (int j = 1; ; j++) {
      job.setInt(model, j);
      batch.setInt(model, BATCH);
      Map<Field, float[]> before = snapshot(model);
      IllegalStateException end = null;
      try {
        work.runPart(0, 1);
      } catch (IllegalStateException e) {
        end = e;
      }
      if (end != null) {
        assertEquals("no element-wise loop numbered " + j, end.getMessage());
        break;
      }
      loops++;
      Map<Field, float[]> whole = snapshot(model);
      restore(model, before);
      for (int part = 2; part >= 0; part--) {
        work.runPart(part, 3);
      }
      assertSame(whole, snapshot(model), "loop " + j + " in three parts, last first");
      restore(model, before);
      work.runPart(1, 2);
      work.runPart(0, 2);
      assertSame(whole, snapshot(model), "loop " + j + " in two parts, second first");
      restore(model, before);
    }
    job.setInt(model, 0);
    assertTrue(loops >= 4, "only " + loops + " shared loops in a GELU MLP's training step");
  }

  private static Map<Field, float[]> snapshot(Object model) throws IllegalAccessException {
    Map<Field, float[]> out = new LinkedHashMap<>();
    for (Field f : fields(model)) {
      out.put(f, ((float[]) f.get(model)).clone());
    }
    return out;
  }

  private static List<Field> fields(Object model) throws IllegalAccessException {
    List<Field> out = new ArrayList<>();
    for (Field f : model.getClass().getDeclaredFields()) {
      if (f.getType() == float[].class) {
        f.setAccessible(true);
        if (f.get(model) != null) {
          out.add(f);
        }
      }
    }
    return out;
  }

  private static void restore(Object model, Map<Field, float[]> values) throws IllegalAccessException {
    for (Map.Entry<Field, float[]> e : values.entrySet()) {
      System.arraycopy(e.getValue(), 0, (float[]) e.getKey().get(model), 0, e.getValue().length);
    }
  }

  private static void assertSame(Map<Field, float[]> expected, Map<Field, float[]> actual, String what) {
    expected.forEach((f, values) -> assertArrayEquals(values, actual.get(f), what + ": " + f.getName()));
  }
}
