package dev.adjoint.compiler.codegen;

import static dev.adjoint.compiler.codegen.OptimizerUpdateTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.settings.Regularizer;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * L1 and L2 penalties of a train block ({@code regularize l1(λ), l2(λ)}), added to the
 * training objective before differentiation: l1 adds λ·Σ|w| and l2 adds λ·Σw² (Keras's
 * convention) over the parameters {@code on =} selects, weights and embeddings by default.
 * Checked against values and gradients computed by hand, in the training graph (through
 * the interpreter) and in the compiled training step, whose loss is the objective while
 * {@code evaluate} returns the plain loss.
 */
class RegularizationTest {

  /** A train-block line and the penalty it adds: for each parameter, λ for |w| and λ for w². */
  private record Penalty(String line, Map<String, double[]> strengths) {}

  private static List<Penalty> penalties() {
    return List.of(
        new Penalty("regularize l1(0.01)", Map.of("W", new double[] {0.01, 0})),
        new Penalty("regularize l2(0.1)", Map.of("W", new double[] {0, 0.1})),
        new Penalty("regularize l2(0.1, on = all), l1(0.01, on = all)",
            Map.of("W", new double[] {0.01, 0.1}, "b", new double[] {0.01, 0.1})),
        new Penalty("regularize l2(0.1, on = (weights, \"b\"))",
            Map.of("W", new double[] {0, 0.1}, "b", new double[] {0, 0.1})),
        new Penalty("regularize l1(0.05, on = biases)", Map.of("b", new double[] {0.05, 0})));
  }

  @Test
  void penaltiesAndTheirGradientsAreWhatTheyAreByHand() {
    Map<String, F64Tensor> inputs = TrainedModels.inputs(21);
    Map<String, F64Tensor> params = withZero(TrainedModels.params(21));
    for (Penalty penalty : penalties()) {
      ModelUnit unit = TrainedModels.unit("f64", "optimizer sgd\n" + penalty.line());
      Graph plain = TrainingGraph.of(unit.graph());
      Graph regularized = TrainingGraph.of(unit.graph(), unit.train().regularizers());
      Evaluation without = new Interpreter(plain).evaluate(Feed.of(inputs, params));
      Evaluation with = new Interpreter(regularized).evaluate(Feed.of(inputs, params));
      double expectedPenalty = 0;
      for (String name : List.of("W", "b")) {
        double[] w = params.get(name).data();
        double[] strength = penalty.strengths().getOrDefault(name, new double[2]);
        double[] gradient = without.value(plain.gradients().get(name)).data().clone();
        for (int i = 0; i < w.length; i++) {
          expectedPenalty += strength[0] * Math.abs(w[i]) + strength[1] * w[i] * w[i];
          gradient[i] += strength[0] * Math.signum(w[i]) + 2 * strength[1] * w[i];
        }
        assertClose(gradient, with.value(regularized.gradients().get(name)).data(), 1e-14,
            penalty.line() + ": gradient of " + name);
      }
      assertEquals(without.loss().item() + expectedPenalty, with.loss().item(), 1e-14, penalty.line() + ": objective");
      assertTrue(expectedPenalty > 1e-3, penalty.line() + " must add something");
    }
  }

  @Test
  void theGradientOfAnAbsoluteValueAtZeroIsZero() {
    Map<String, F64Tensor> inputs = TrainedModels.inputs(22);
    Map<String, F64Tensor> params = withZero(TrainedModels.params(22));
    assertEquals(0, params.get("W").data()[0]);
    ModelUnit unit = TrainedModels.unit("f64", "optimizer sgd\nregularize l1(0.5)");
    Graph plain = TrainingGraph.of(unit.graph());
    Graph regularized = TrainingGraph.of(unit.graph(), unit.train().regularizers());
    double without = new Interpreter(plain).evaluate(Feed.of(inputs, params)).value(plain.gradients().get("W"))
        .data()[0];
    double with = new Interpreter(regularized).evaluate(Feed.of(inputs, params))
        .value(regularized.gradients().get("W")).data()[0];
    assertEquals(without, with, 0, "sign(0) = 0: the penalty adds nothing to the gradient of a zero weight");
  }

  @Test
  void penaltyNodesPointAtTheTrainBlock() {
    ModelUnit unit = TrainedModels.unit("f32", "optimizer sgd\nregularize l2(0.1), l1(0.01)");
    List<Regularizer> regularizers = unit.train().regularizers();
    Node objective = TrainingGraph.objective(unit.graph(), regularizers).loss();
    String line = objective.span().file().line(objective.span().line());
    assertTrue(line.contains("regularize l2(0.1), l1(0.01)"), "the objective's span is on the line " + line);
    assertEquals(regularizers.get(1).span(), objective.span(), "the last penalty added is l1's");
    assertEquals(unit.graph(), TrainingGraph.objective(unit.graph(), List.of()), "no penalties, the same graph");
  }

  @Test
  void theCompiledStepTrainsTheObjectiveAndEvaluateReportsThePlainLoss() {
    Map<String, F64Tensor> inputs = TrainedModels.inputs(23);
    Map<String, F64Tensor> params = withZero(TrainedModels.params(23));
    double lr = 0.1;
    for (Penalty penalty : penalties()) {
      for (String dtype : List.of("f32", "f64")) {
        String where = penalty.line() + " " + dtype;
        ModelUnit unit = TrainedModels.unit(dtype, "optimizer sgd(lr = " + lr + ")\n" + penalty.line());
        Graph regularized = TrainingGraph.of(unit.graph(), unit.train().regularizers());
        Graph plain = TrainingGraph.of(unit.graph());
        Evaluation reference = new Interpreter(regularized).evaluate(Feed.of(inputs, params));
        double plainLoss = new Interpreter(plain).evaluate(Feed.of(inputs, params)).loss().item();
        CompiledModel model = ModelCompiler.compile(unit).newModel(TrainedModels.MAX_BATCH);
        double tolerance = dtype.equals("f32") ? 1e-5 : 1e-12;
        TrainedModels.load(model, inputs, params);
        assertEquals(plainLoss, model.evaluate(TrainedModels.BATCH), tolerance, where + ": evaluate");
        assertEquals(reference.loss().item(), model.trainStep(TrainedModels.BATCH), tolerance, where + ": trainStep");
        for (String name : List.of("W", "b")) {
          double[] gradient = reference.value(regularized.gradients().get(name)).data();
          double[] start = params.get(name).data();
          assertClose(gradient, TrainedModels.get(model.gradients().get(name), start.length), tolerance,
              where + ": gradient of " + name);
          double[] expected = new double[start.length];
          for (int i = 0; i < start.length; i++) {
            expected[i] = start[i] - lr * gradient[i];
          }
          assertClose(expected, TrainedModels.get(model.param(name), start.length), tolerance, where + ": " + name);
        }
      }
    }
  }

  @Test
  void aBiasIsPenalizedOnlyWhenSelected() {
    Map<String, F64Tensor> inputs = TrainedModels.inputs(24);
    Map<String, F64Tensor> params = TrainedModels.params(24);
    Map<String, double[]> bias = new LinkedHashMap<>();
    for (String line : List.of("", "regularize l2(0.1)", "regularize l2(0.1, on = all)")) {
      ModelUnit unit = TrainedModels.unit("f64", "optimizer sgd\n" + line);
      CompiledModel model = ModelCompiler.compile(unit).newModel(TrainedModels.MAX_BATCH);
      TrainedModels.load(model, inputs, params);
      model.trainStep(TrainedModels.BATCH);
      bias.put(line, TrainedModels.get(model.gradients().get("b"), 2));
    }
    assertClose(bias.get(""), bias.get("regularize l2(0.1)"), 0, "the default leaves biases out");
    double[] b = params.get("b").data();
    double[] expected = bias.get("").clone();
    for (int i = 0; i < b.length; i++) {
      expected[i] += 2 * 0.1 * b[i];
    }
    assertClose(expected, bias.get("regularize l2(0.1, on = all)"), 1e-14, "on = all includes the bias");
    assertTrue(Set.of(ModelCompiler.compile(TrainedModels.unit("f64", "optimizer sgd\nregularize l2(0.1)")).type(),
        ModelCompiler.compile(TrainedModels.unit("f64", "optimizer sgd\nregularize l2(0.1, on = all)")).type())
        .size() == 2, "different penalties make different classes");
  }

  /** The parameters with W[0] exactly zero. */
  private static Map<String, F64Tensor> withZero(Map<String, F64Tensor> params) {
    double[] w = params.get("W").data();
    w[0] = 0;
    Map<String, F64Tensor> out = new LinkedHashMap<>(params);
    out.put("W", F64Tensor.of(new int[] {3, 2}, w));
    return out;
  }
}
