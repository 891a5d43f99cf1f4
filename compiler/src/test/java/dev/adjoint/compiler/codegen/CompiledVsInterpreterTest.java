package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.settings.Clipping;
import dev.adjoint.compiler.settings.Optimizer;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example and valid program compiled to Java agrees with the f64 reference
 * interpreter: outputs, loss and every gradient of a training step (dropout masks drawn
 * from the same seed and step), new batch-norm statistics, and the loss and outputs as
 * inference behaves. The training loss is the objective, with the train block's penalties. Models are built for batches of 8 and run with 5, 1 and 0 samples.
 * Then two real optimizer steps per model (see {@link #realSteps}).
 *
 * <p>Tolerance: the compiled code computes in f32, the interpreter in f64 from the same
 * f32-rounded inputs and parameters, so each tensor must agree within
 * {@value #TOLERANCE}·max(1, max |reference|).
 */
class CompiledVsInterpreterTest {
  static final double TOLERANCE = 2e-4;
  /** Parameters after a real step against the reference rule applied to the same gradients. */
  static final double UPDATE_TOLERANCE = 1e-5;
  private static final int MAX_BATCH = 8;

  @TestFactory
  Stream<DynamicTest> compiledModelsAgreeWithTheInterpreter() {
    List<Path> files = new ArrayList<>(Golden.nnFiles(Golden.repo().resolve("examples")));
    files.addAll(Golden.nnFiles(Golden.resources().resolve("programs/valid")));
    return files.stream().map(nn -> DynamicTest.dynamicTest(Golden.repo().relativize(nn).toString(), () -> {
      Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
      assertTrue(c.ok(), c.diagnostics().format());
      for (ModelUnit unit : c.models()) {
        CompiledModel model = ModelCompiler.compile(unit).newModel(MAX_BATCH);
        for (int batch : new int[] {5, 1, 0}) {
          check(unit, model, batch);
        }
      }
    }));
  }

  private static void check(ModelUnit unit, CompiledModel model, int batch) {
    Graph forward = unit.graph();
    Random random = new Random(forward.name().hashCode() * 31L + batch);
    Map<String, F64Tensor> inputs = rounded(RandomFeeds.inputs(forward, batch, random));
    Map<String, F64Tensor> params = rounded(RandomFeeds.params(forward, random, 0.5));
    String where = forward.name() + " batch " + batch;
    load(model, inputs, params);
    model.setSeed(7);
    model.setStep(3);
    Feed feed = Feed.of(inputs, params).withRng(7, 3);

    model.predict(batch);
    Evaluation inference = new Interpreter(forward).evaluate(feed.withMode(Mode.INFERENCE));
    compareOutputs(model, inference, batch, where + " predict");

    if (!model.hasLoss()) {
      return;
    }
    double evaluated = model.evaluate(batch);
    close(inference.loss().item(), evaluated, where + " evaluate loss");
    compareOutputs(model, inference, batch, where + " evaluate");

    model.setLearningRate(0);
    load(model, inputs, params);
    double loss = model.trainStep(batch);
    Graph training = TrainingGraph.of(forward, unit.hasTrain() ? unit.train().regularizers() : List.of());
    Evaluation reference = new Interpreter(training).evaluate(feed.withMode(Mode.TRAINING));
    close(reference.loss().item(), loss, where + " training loss");
    compareOutputs(model, reference, batch, where + " training");
    assertEquals(training.gradients().keySet(), model.gradients().keySet(), where);
    for (Map.Entry<String, Node> g : training.gradients().entrySet()) {
      compare(reference.value(g.getValue()), model.gradients().get(g.getKey()), (int) g.getValue().shape().size(batch),
          where + " gradient of " + g.getKey());
    }
    reference.stateUpdates().forEach((name, value) -> compare(value, model.state(name),
        value.size(), where + " new " + name));
    if (batch > 0) {
      realSteps(unit, training, inputs, params, batch, where);
    }
  }

  /**
   * Two real optimizer steps of a fresh model (fresh optimizer state, the train block's
   * learning rate and clipping): at each, the compiled gradients against the interpreter's at
   * the compiled model's parameters (within {@value #TOLERANCE}, as above), and the new
   * parameters against torch.optim's rule ({@link OptimizerUpdateTest.Reference}, in f64)
   * applied to the compiled gradients, within {@value #UPDATE_TOLERANCE}·max(1, |p|): the
   * update's f32 rounding only.
   */
  private static void realSteps(ModelUnit unit, Graph training, Map<String, F64Tensor> inputs,
      Map<String, F64Tensor> params, int batch, String where) {
    CompiledModel model = ModelCompiler.compile(unit).newModel(MAX_BATCH);
    load(model, inputs, params);
    model.setSeed(7);
    model.setStep(0);
    Optimizer optimizer = ModelCompiler.optimizer(unit);
    OptimizerUpdateTest.Reference rule = rule(optimizer);
    Set<String> decayed = optimizer.decayOn().resolve(unit.graph());
    for (int step = 1; step <= 2; step++) {
      String at = where + " " + optimizer.name() + " step " + step;
      Map<String, F64Tensor> current = new LinkedHashMap<>();
      params.forEach((name, t) -> current.put(name, F64Tensor.of(t.shape(), read(model.param(name), t.size()))));
      Evaluation e = new Interpreter(training).evaluate(
          Feed.of(inputs, current).withRng(7, step - 1).withMode(Mode.TRAINING));
      double lr = model.learningRate();
      model.trainStep(batch);
      Map<String, double[]> gradients = new LinkedHashMap<>();
      for (Map.Entry<String, Node> g : training.gradients().entrySet()) {
        compare(e.value(g.getValue()), model.gradients().get(g.getKey()), (int) g.getValue().shape().size(batch),
            at + " gradient of " + g.getKey());
        gradients.put(g.getKey(), read(model.gradients().get(g.getKey()), current.get(g.getKey()).size()));
      }
      clip(ModelCompiler.clips(unit), gradients);
      for (Map.Entry<String, double[]> g : gradients.entrySet()) {
        double[] expected = current.get(g.getKey()).data().clone();
        rule.update(g.getKey(), expected, g.getValue(), decayed.contains(g.getKey()), step, lr);
        double[] actual = read(model.param(g.getKey()), expected.length);
        for (int i = 0; i < expected.length; i++) {
          assertTrue(Math.abs(actual[i] - expected[i]) <= UPDATE_TOLERANCE * Math.max(1, Math.abs(expected[i])),
              at + " parameter " + g.getKey() + "[" + i + "]: compiled " + actual[i] + ", reference " + expected[i]);
        }
      }
    }
  }

  /** torch.optim's rule for the optimizer of a train block. */
  private static OptimizerUpdateTest.Reference rule(Optimizer optimizer) {
    return optimizer.match(new Optimizer.Cases<>() {
      @Override
      public OptimizerUpdateTest.Reference sgd(Optimizer.Sgd o) {
        return new OptimizerUpdateTest.Sgd(o.momentum(), o.dampening(), o.nesterov(), o.weightDecay(), false);
      }

      @Override
      public OptimizerUpdateTest.Reference sgdW(Optimizer.SgdW o) {
        return new OptimizerUpdateTest.Sgd(o.momentum(), o.dampening(), o.nesterov(), o.weightDecay(), true);
      }

      @Override
      public OptimizerUpdateTest.Reference adagrad(Optimizer.Adagrad o) {
        return new OptimizerUpdateTest.Adagrad(o.lrDecay(), o.weightDecay(), o.initialAccumulatorValue(), o.eps());
      }

      @Override
      public OptimizerUpdateTest.Reference rmsProp(Optimizer.RmsProp o) {
        return new OptimizerUpdateTest.Rmsprop(o.alpha(), o.eps(), o.weightDecay(), o.momentum(), o.centered());
      }

      @Override
      public OptimizerUpdateTest.Reference adam(Optimizer.Adam o) {
        return new OptimizerUpdateTest.Adam(o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.amsgrad(), false);
      }

      @Override
      public OptimizerUpdateTest.Reference adamW(Optimizer.AdamW o) {
        return new OptimizerUpdateTest.Adam(o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.amsgrad(), true);
      }

      @Override
      public OptimizerUpdateTest.Reference nAdam(Optimizer.NAdam o) {
        return new OptimizerUpdateTest.Nadam(o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.momentumDecay(),
            o.decoupledWeightDecay());
      }

      @Override
      public OptimizerUpdateTest.Reference rAdam(Optimizer.RAdam o) {
        return new OptimizerUpdateTest.Radam(o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.decoupledWeightDecay());
      }
    });
  }

  /** clip value(limit) then global_norm(max_norm), as torch.nn.utils does them, in place. */
  private static void clip(List<Clipping> clips, Map<String, double[]> gradients) {
    for (Clipping c : clips) {
      if (c instanceof Clipping.ByValue byValue) {
        double limit = byValue.limit();
        gradients.values().forEach(g -> {
          for (int i = 0; i < g.length; i++) {
            g[i] = Math.max(-limit, Math.min(limit, g[i]));
          }
        });
      }
    }
    for (Clipping c : clips) {
      if (c instanceof Clipping.GlobalNorm norm) {
        double squares = 0;
        for (double[] g : gradients.values()) {
          for (double v : g) {
            squares += v * v;
          }
        }
        double scale = Math.min(1, norm.maxNorm() / (Math.sqrt(squares) + GradientClipping.NORM_EPS));
        gradients.values().forEach(g -> {
          for (int i = 0; i < g.length; i++) {
            g[i] *= scale;
          }
        });
      }
    }
  }

  private static double[] read(dev.adjoint.runtime.model.Tensor t, int count) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = t.get(i);
    }
    return out;
  }

  private static void load(CompiledModel model, Map<String, F64Tensor> inputs, Map<String, F64Tensor> params) {
    inputs.forEach((name, t) -> copy(t, model.input(name)));
    params.forEach((name, t) -> copy(t, model.param(name)));
    model.states().forEach((name, t) -> {
      double initial = name.endsWith("running_var") ? 1 : 0;
      for (int i = 0; i < t.capacity(); i++) {
        t.set(i, initial);
      }
    });
  }

  private static void copy(F64Tensor from, dev.adjoint.runtime.model.Tensor into) {
    double[] values = from.data();
    for (int i = 0; i < values.length; i++) {
      into.set(i, values[i]);
    }
  }

  /** Values rounded to f32, so that both sides start from the same numbers. */
  private static Map<String, F64Tensor> rounded(Map<String, F64Tensor> tensors) {
    Map<String, F64Tensor> out = new LinkedHashMap<>();
    tensors.forEach((name, t) -> {
      double[] values = t.data();
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) values[i];
      }
      out.put(name, F64Tensor.of(t.shape(), values));
    });
    return out;
  }

  private static void compareOutputs(CompiledModel model, Evaluation reference, int batch, String where) {
    reference.outputs().forEach((name, value) -> compare(value, model.output(name), value.size(), where + " output "
        + name));
  }

  private static void compare(F64Tensor reference, dev.adjoint.runtime.model.Tensor actual, int count, String where) {
    double[] expected = reference.data();
    double scale = 1;
    for (double v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < count; i++) {
      double a = actual.get(i);
      assertTrue(Math.abs(a - expected[i]) <= TOLERANCE * scale,
          where + "[" + i + "]: compiled " + a + ", interpreter " + expected[i]);
    }
  }

  private static void close(double expected, double actual, String where) {
    assertTrue(Math.abs(actual - expected) <= TOLERANCE * Math.max(1, Math.abs(expected)),
        where + ": compiled " + actual + ", interpreter " + expected);
  }
}
