package dev.adjoint.compiler.runs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import dev.adjoint.train.BatchSource;
import dev.adjoint.train.Metric;
import dev.adjoint.train.Penalty;
import dev.adjoint.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the loop is told about a compiled model: how its loss reduces the batch (so that the
 * epoch's loss is the loss per sample however the rows are batched, for mean, sum and none
 * reductions), its L1/L2 penalties (so that the reported loss is the plain loss), and which
 * parameters weight decay and the penalties leave alone by default (biases and norms).
 */
class TrainingPlanTest {
  @TempDir
  static Path temp;

  static Path csv;

  @BeforeAll
  static void data() throws IOException {
    csv = temp.resolve("d.csv");
    Files.writeString(csv, "a,b,c,d,e\n1,2,3,4,5\n");
  }

  private static ModelUnit unit(String loss, String settings) {
    String text = """
        model reg {
          input  x: f32[B, 3]
          target y: f32[B, 2]
          target k: class[B] of 2
          h = dense(x, 4, act = tanh)
          output p = dense(h, 2)
          loss = %s
        }
        train reg {
          data csv("%s", x = ("a", "b", "c"), y = ("d", "e"), k = "a")
          %s
        }
        """.formatted(loss, csv.toString().replace("\\", "/"), settings);
    Compilation c = Frontend.compile(SourceFile.of("reg.nn", text));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "mse(p, y)                                          | MEAN",
      "mse(p, y, reduction = mean)                        | MEAN",
      "mse(p, y, reduction = sum)                         | SUM",
      "sum(mse(p, y, reduction = none))                   | SUM",
      "mean(mse(p, y, reduction = none))                  | MEAN",
      "0.5 * sum(mse(p, y, reduction = none)) / 3         | SUM",
      "mse(p, y, reduction = sum) + l1(p, y, reduction = sum) | SUM",
      "cross_entropy(softmax(p), k, reduction = sum)      | SUM",
      "cross_entropy(softmax(p), k)                       | MEAN",
      "cross_entropy(softmax(p), k, ignore_index = 1)     | MEAN",
      "cross_entropy(softmax(p), k, ignore_index = 1, reduction = sum) | SUM",
      "mse(p, y, reduction = sum) / 5 + mse(p, y)         | MEAN",
  })
  void theLossReductionIsReadFromTheGraph(String loss, Metric.Reduction expected) {
    assertEquals(expected, LossReduction.of(unit(loss, "optimizer sgd").graph()), loss);
  }

  /** 11 rows of known inputs, filled into the model's buffers in order. */
  static final int ROWS = 11;

  static BatchSource rows() {
    return new BatchSource() {
      @Override
      public int size() {
        return ROWS;
      }

      @Override
      public void fill(int[] order, int from, int count, CompiledModel model) {
        // a loss that reads only y or only k leaves the other out of the model
        float[] x = model.input("x").f32();
        float[] y = model.inputs().containsKey("y") ? model.input("y").f32() : new float[count * 2];
        int[] k = model.inputs().containsKey("k") ? model.input("k").i32() : new int[count];
        for (int i = 0; i < count; i++) {
          int r = order[from + i];
          for (int j = 0; j < 3; j++) {
            x[i * 3 + j] = (float) Math.sin(r * 3 + j);
          }
          y[i * 2] = (float) Math.cos(r);
          y[i * 2 + 1] = r / 11f;
          k[i] = r % 3 == 0 ? 1 : 0;
        }
      }
    };
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "mse(p, y)                                      | false",
      "mse(p, y, reduction = sum)                     | true",
      "sum(mse(p, y, reduction = none))               | true",
      "mean(mse(p, y, reduction = none))              | false",
      "cross_entropy(softmax(p), k, reduction = sum)  | true",
  })
  void theEpochLossIsTheLossPerSampleInAnyBatches(String loss, boolean summed) {
    ModelUnit unit = unit(loss, "optimizer sgd");
    CompiledModel model = ModelCompiler.compile(unit).newModel(ROWS);
    model.initialize(3);
    Metric.Reduction reduction = LossReduction.of(unit.graph());
    rows().fill(identity(), 0, ROWS, model);
    double whole = model.evaluate(ROWS);
    double perSample = summed ? whole / ROWS : whole;
    for (int batch : new int[] {ROWS, 4, 3, 1}) { // 4 + 4 + 3, 3 + 3 + 3 + 2, ...
      Map<String, Double> values = Trainer.evaluate(model, rows(), Trainer.withLoss(List.of(), reduction), batch);
      assertEquals(perSample, values.get("loss"), 1e-5 * Math.abs(perSample), loss + " in batches of " + batch);
    }
    if (summed) {
      // weighting a summed loss by its batch, as the loop once did, would make the partial batches count wrong
      double weighted = Trainer.evaluate(model, rows(), Trainer.withLoss(List.of(), Metric.Reduction.MEAN), 4)
          .get("loss");
      assertTrue(Math.abs(weighted - perSample) > 0.1 * Math.abs(perSample), weighted + " vs " + perSample);
    }
  }

  private static int[] identity() {
    int[] order = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      order[i] = i;
    }
    return order;
  }

  @Test
  void thePenaltyIsWhatTheCompiledObjectiveAddsToTheLoss() {
    ModelUnit unit = unit("mse(p, y)", "optimizer sgd(lr = 0.1)\n  regularize l2(0.3), l1(0.02, on = all)");
    CompiledModel model = ModelCompiler.compile(unit).newModel(ROWS);
    model.initialize(5);
    Penalty penalty = TrainingPlan.options(unit, 0).penalty();
    rows().fill(identity(), 0, ROWS, model);
    double plain = model.evaluate(ROWS);
    double value = penalty.value(model);
    assertTrue(value > 0.01, "a penalty to see: " + value);
    double objective = model.trainStep(ROWS);
    assertEquals(plain + value, objective, 1e-5 * objective, "the training step's objective");
    assertEquals(Penalty.NONE, TrainingPlan.options(unit("mse(p, y)", "optimizer sgd"), 0).penalty());
    assertEquals(Metric.Reduction.SUM,
        TrainingPlan.options(unit("mse(p, y, reduction = sum)", "optimizer sgd"), 0).lossReduction());
  }

  // ---- norms and biases are not decayed or penalized by default ------------------------

  private static final String NORMED = """
      model normed {
        input  x: f32[B, 3]
        target y: f32[B, 2]
        h = dense(x, 4)
        n1 = layer_norm(h)
        n2 = batch_norm(n1)
        output p = dense(tanh(n2), 2)
        loss = mse(p, y)
      }
      train normed {
        data csv("%s", x = ("a", "b", "c"), y = ("d", "e"))
        batch 8
        %s
      }
      """;

  private static ModelUnit normed(String settings) {
    Compilation c = Frontend.compile(SourceFile.of("normed.nn",
        NORMED.formatted(csv.toString().replace("\\", "/"), settings)));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  /** The parameters after one step from the same start on the same rows. */
  private static Map<String, float[]> afterOneStep(String settings) {
    CompiledModel model = ModelCompiler.compile(normed(settings)).newModel(8);
    model.initialize(11);
    // gamma and beta start at 1 and 0; move them off so that decay or a penalty would show
    for (Map.Entry<String, Tensor> e : model.params().entrySet()) {
      if (e.getKey().endsWith("gamma") || e.getKey().endsWith("beta") || e.getKey().endsWith(".b")) {
        float[] v = e.getValue().f32();
        for (int i = 0; i < v.length; i++) {
          v[i] = 0.5f + 0.25f * i;
        }
      }
    }
    BatchSource rows = rows();
    float[] x = model.input("x").f32();
    float[] y = model.input("y").f32();
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 3; j++) {
        x[i * 3 + j] = (float) Math.sin(i * 3 + j);
      }
      y[i * 2] = (float) Math.cos(i);
      y[i * 2 + 1] = i / 8f;
    }
    assertEquals(ROWS, rows.size());
    model.setLearningRate(0.1);
    model.trainStep(8);
    Map<String, float[]> out = new TreeMap<>();
    model.params().forEach((name, t) -> out.put(name, t.f32().clone()));
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "optimizer sgd(lr = 0.1, weight_decay = 0.5)",
      "optimizer adamw(lr = 0.1, weight_decay = 0.5)",
      "optimizer sgd(lr = 0.1); regularize l2(0.5)",
      "optimizer sgd(lr = 0.1); regularize l1(0.5)",
  })
  void normsAndBiasesAreLeftAloneByDefault(String settings) {
    String plainSettings = settings.startsWith("optimizer adamw") ? "optimizer adamw(lr = 0.1, weight_decay = 0)"
        : "optimizer sgd(lr = 0.1)";
    Map<String, float[]> plain = afterOneStep(plainSettings);
    Map<String, float[]> decayed = afterOneStep(settings);
    Set<String> names = plain.keySet();
    assertTrue(names.stream().anyMatch(n -> n.endsWith("gamma")) && names.stream().anyMatch(n -> n.endsWith("beta")),
        "a layer_norm and a batch_norm: " + names);
    int norms = 0;
    int weights = 0;
    for (String name : names) {
      boolean untouched = name.endsWith("gamma") || name.endsWith("beta") || name.endsWith(".b");
      if (untouched) {
        norms += name.endsWith(".b") ? 0 : 1;
        assertArrayEquals(plain.get(name), decayed.get(name), name + " is not decayed or penalized");
      } else {
        weights++;
        assertFalse(java.util.Arrays.equals(plain.get(name), decayed.get(name)), name + " is decayed or penalized");
      }
    }
    assertEquals(4, norms, "gamma and beta of both norms");
    assertEquals(2, weights, "the two dense layers' W");
    // named explicitly, a norm's parameters are decayed
    Map<String, float[]> all = afterOneStep(settings.replace("0.5)", "0.5, "
        + (settings.contains("regularize") ? "on" : "decay_on") + " = all)"));
    assertTrue(names.stream().filter(n -> n.endsWith("gamma")).allMatch(n -> !java.util.Arrays.equals(plain.get(n),
        all.get(n))), "on = all reaches gamma");
  }
}
