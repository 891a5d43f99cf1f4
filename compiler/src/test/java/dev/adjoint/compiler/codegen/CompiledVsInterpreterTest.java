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
import dev.adjoint.compiler.interp.Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example and valid program compiled to Java agrees with the f64 reference
 * interpreter: outputs, loss and every gradient of a training step (dropout masks drawn
 * from the same seed and step), new batch-norm statistics, and the loss and outputs as
 * inference behaves. The training loss is the objective, with the train block's penalties. Models are built for batches of 8 and run with 5, 1 and 0 samples.
 *
 * <p>Tolerance: the compiled code computes in f32, the interpreter in f64 from the same
 * f32-rounded inputs and parameters, so each tensor must agree within
 * {@value #TOLERANCE}·max(1, max |reference|).
 */
class CompiledVsInterpreterTest {
  static final double TOLERANCE = 2e-4;
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
    Map<String, Tensor> inputs = rounded(RandomFeeds.inputs(forward, batch, random));
    Map<String, Tensor> params = rounded(RandomFeeds.params(forward, random, 0.5));
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
  }

  private static void load(CompiledModel model, Map<String, Tensor> inputs, Map<String, Tensor> params) {
    inputs.forEach((name, t) -> copy(t, model.input(name)));
    params.forEach((name, t) -> copy(t, model.param(name)));
    model.states().forEach((name, t) -> {
      double initial = name.endsWith("running_var") ? 1 : 0;
      for (int i = 0; i < t.capacity(); i++) {
        t.set(i, initial);
      }
    });
  }

  private static void copy(Tensor from, dev.adjoint.runtime.model.Tensor into) {
    double[] values = from.data();
    for (int i = 0; i < values.length; i++) {
      into.set(i, values[i]);
    }
  }

  /** Values rounded to f32, so that both sides start from the same numbers. */
  private static Map<String, Tensor> rounded(Map<String, Tensor> tensors) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    tensors.forEach((name, t) -> {
      double[] values = t.data();
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) values[i];
      }
      out.put(name, Tensor.of(t.shape(), values));
    });
    return out;
  }

  private static void compareOutputs(CompiledModel model, Evaluation reference, int batch, String where) {
    reference.outputs().forEach((name, value) -> compare(value, model.output(name), value.size(), where + " output "
        + name));
  }

  private static void compare(Tensor reference, dev.adjoint.runtime.model.Tensor actual, int count, String where) {
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
