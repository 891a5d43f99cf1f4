package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training step's two halves, {@code gradientStep} (forward and backward) and
 * {@code applyGradients} (the update from {@code gradients()} as they are): together exactly
 * {@code trainStep}, in one class and split into parts, and the update reads gradients a caller
 * has changed, which is what data-parallel training averages.
 */
class GradientStepTest {

  /** Dropout, batch norm, Adam with AMSGrad and decay, both clippings: every member an update reaches. */
  private static final String EVERYTHING = """
      model halves {
        input  x: f32[B, 6]
        target y: class[B] of 3
        h = dropout(dense(x, 8, act = gelu), 0.25)
        g = batch_norm(h)
        output probs = softmax(dense(g, 3))
        loss = cross_entropy(probs, y)
      }
      train halves {
        data      csv("DATA", x = ("a", "b", "c", "a", "b", "c"), y = "d")
        optimizer adam(lr = 0.01, weight_decay = 0.1, amsgrad = true)
        clip      global_norm(0.5), value(0.1)
      }
      """;

  /** A mean loss over independent samples, so a batch's gradient is the mean of its halves'. */
  private static final String PER_SAMPLE = """
      model mean {
        input  x: f32[B, 6]
        target y: class[B] of 3
        output probs = softmax(dense(dense(x, 8, act = tanh), 3))
        loss = cross_entropy(probs, y)
      }
      train mean {
        data      csv("DATA", x = ("a", "b", "c", "a", "b", "c"), y = "d")
        optimizer OPTIMIZER
        clip      global_norm(0.05)
      }
      """;

  private static ModelUnit unit(String text) {
    String withData = text.replace("DATA", TrainedModels.data().toString().replace("\\", "/"));
    Compilation c = Frontend.compile(SourceFile.of("halves.nn", withData));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  private static CompiledModel model(GeneratedModel generated, int maxBatch) {
    CompiledModel model = new ModelFactory(generated, JaninoLoader.load(generated), generated.className())
        .newModel(maxBatch);
    fill(model, 0, maxBatch);
    model.setSeed(5);
    model.initialize(5);
    return model;
  }

  /** Inputs for samples {@code from ..} into rows 0 .. rows - 1. */
  private static void fill(CompiledModel model, int from, int rows) {
    float[] x = model.input("x").f32();
    int[] y = model.input("y").i32();
    for (int r = 0; r < rows; r++) {
      for (int e = 0; e < 6; e++) {
        x[r * 6 + e] = (float) Math.sin(((from + r) * 6 + e) * 0.37);
      }
      y[r] = (from + r) % 3;
    }
  }

  private static List<float[]> trainingState(CompiledModel model) {
    List<float[]> values = new ArrayList<>();
    model.params().values().forEach(t -> values.add(t.f32().clone()));
    model.states().values().forEach(t -> values.add(t.f32().clone()));
    model.optimizerState().values().forEach(t -> values.add(t.f32().clone()));
    return values;
  }

  private static void assertSameState(List<float[]> expected, List<float[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "value " + i);
    }
  }

  @ParameterizedTest(name = "split = {0}")
  @ValueSource(booleans = {false, true})
  void theTwoHalvesAreExactlyATrainingStep(boolean split) {
    ModelUnit unit = unit(EVERYTHING);
    GeneratedModel generated = split ? ModelCompiler.generateSplit(unit, ModelCompiler.DEFAULT_PACKAGE, "Split")
        : ModelCompiler.generate(unit, ModelCompiler.DEFAULT_PACKAGE, "Whole");
    CompiledModel whole = model(generated, 8);
    CompiledModel halves = model(generated, 8);
    for (int step = 0; step < 3; step++) {
      double expected = whole.trainStep(8);
      double actual = halves.gradientStep(8);
      assertEquals(expected, actual, "loss of step " + step);
      assertEquals(step, halves.step(), "gradientStep leaves the step alone");
      halves.applyGradients();
      assertEquals(step + 1, halves.step());
      assertSameState(trainingState(whole), trainingState(halves));
    }
  }

  @Test
  void gradientStepChangesNeitherParametersNorOptimizerState() {
    CompiledModel model = model(ModelCompiler.generate(unit(EVERYTHING), ModelCompiler.DEFAULT_PACKAGE, "Whole"), 8);
    model.trainStep(8); // Adam's moments are not zero
    List<float[]> params = new ArrayList<>();
    model.params().values().forEach(t -> params.add(t.f32().clone()));
    List<float[]> moments = new ArrayList<>();
    model.optimizerState().values().forEach(t -> moments.add(t.f32().clone()));
    model.gradientStep(8);
    List<float[]> paramsAfter = new ArrayList<>();
    model.params().values().forEach(t -> paramsAfter.add(t.f32()));
    List<float[]> momentsAfter = new ArrayList<>();
    model.optimizerState().values().forEach(t -> momentsAfter.add(t.f32()));
    assertSameState(params, paramsAfter);
    assertSameState(moments, momentsAfter);
    double squares = 0;
    for (Tensor g : model.gradients().values()) {
      for (int i = 0; i < g.capacity(); i++) {
        squares += g.get(i) * g.get(i);
      }
    }
    assertTrue(squares > 0, "the gradients are there to read");
  }

  @Test
  void theUpdateReadsTheGradientsAsTheCallerLeftThem() {
    String sgd = PER_SAMPLE.replace("OPTIMIZER", "sgd(lr = 0.5)").replace("clip      global_norm(0.05)\n", "");
    CompiledModel model = model(ModelCompiler.generate(unit(sgd), ModelCompiler.DEFAULT_PACKAGE, "Sgd"), 4);
    model.gradientStep(4);
    Map<String, Tensor> params = model.params();
    List<float[]> before = new ArrayList<>();
    params.values().forEach(t -> before.add(t.f32().clone()));
    List<String> names = new ArrayList<>(params.keySet());
    for (String name : names) {
      Tensor g = model.gradients().get(name);
      for (int i = 0; i < g.capacity(); i++) {
        g.set(i, 0.125 * (i % 5) - 0.25);
      }
    }
    model.applyGradients();
    for (int p = 0; p < names.size(); p++) {
      float[] w = params.get(names.get(p)).f32();
      for (int i = 0; i < w.length; i++) {
        assertEquals(before.get(p)[i] - 0.5f * (float) (0.125 * (i % 5) - 0.25), w[i], 1e-6,
            names.get(p) + "[" + i + "]");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"adam(lr = 0.05)", "rmsprop(lr = 0.01)", "sgd(lr = 0.3, momentum = 0.9, nesterov = true)"})
  void theMeanOfTwoHalfBatchesGradientsStepsAsTheWholeBatch(String optimizer) {
    GeneratedModel generated = ModelCompiler.generate(unit(PER_SAMPLE.replace("OPTIMIZER", optimizer)),
        ModelCompiler.DEFAULT_PACKAGE, "Mean");
    CompiledModel whole = model(generated, 8);
    CompiledModel worker = model(generated, 4);
    CompiledModel driver = model(generated, 4);
    for (int step = 0; step < 4; step++) {
      fill(whole, step * 8, 8);
      double expected = whole.trainStep(8);
      ModelVectors.copyParams(driver, worker);
      fill(worker, step * 8, 4);
      double first = worker.gradientStep(4);
      Map<String, float[]> sum = ModelVectors.gradients(worker);
      fill(worker, step * 8 + 4, 4);
      double second = worker.gradientStep(4);
      ModelVectors.addGradients(worker, sum);
      assertEquals(expected, (first + second) / 2, 1e-6, "the loss of step " + step);
      sum.forEach((name, g) -> {
        Tensor target = driver.gradients().get(name);
        for (int i = 0; i < g.length; i++) {
          target.set(i, g[i] / 2);
        }
      });
      driver.applyGradients();
      List<float[]> expectedState = trainingState(whole);
      List<float[]> actualState = trainingState(driver);
      for (int i = 0; i < expectedState.size(); i++) {
        float[] e = expectedState.get(i);
        float[] a = actualState.get(i);
        for (int j = 0; j < e.length; j++) {
          assertEquals(e[j], a[j], 1e-5 * Math.max(1, Math.abs(e[j])), "step " + step + ", value " + i + "[" + j + "]");
        }
      }
    }
  }

  @Test
  void aModelWithoutLossHasNoHalvesEither() {
    String text = """
        model plain {
          input  x: f32[B, 3]
          output y = dense(x, 2)
        }
        """;
    GeneratedModel generated = ModelCompiler.generate(unit(text), ModelCompiler.DEFAULT_PACKAGE, "Plain");
    CompiledModel model = new ModelFactory(generated, JaninoLoader.load(generated), generated.className()).newModel(2);
    assertThrows(UnsupportedOperationException.class, () -> model.gradientStep(2));
    assertThrows(UnsupportedOperationException.class, model::applyGradients);
  }

  /** Copies and sums of a model's parameters and gradients by name. */
  private static final class ModelVectors {
    static void copyParams(CompiledModel from, CompiledModel to) {
      from.params().forEach((name, t) -> System.arraycopy(t.f32(), 0, to.param(name).f32(), 0, t.capacity()));
    }

    static Map<String, float[]> gradients(CompiledModel model) {
      Map<String, float[]> out = new java.util.LinkedHashMap<>();
      model.gradients().forEach((name, g) -> {
        float[] copy = new float[g.capacity()];
        for (int i = 0; i < copy.length; i++) {
          copy[i] = (float) g.get(i);
        }
        out.put(name, copy);
      });
      return out;
    }

    static void addGradients(CompiledModel model, Map<String, float[]> into) {
      model.gradients().forEach((name, g) -> {
        float[] sum = into.get(name);
        for (int i = 0; i < sum.length; i++) {
          sum[i] += (float) g.get(i);
        }
      });
    }
  }
}
