package dev.adjoint.compiler.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.autodiff.TrainingGraph;
import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.ir.DotDump;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.TextDump;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.OnStack;
import dev.adjoint.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model 10,000 layers deep (20,000 nodes in one chain) through every stage: the front end,
 * each pipeline with the graph verified after every pass, the dumps, the interpreter, code
 * generation, Janino and training steps (adjoint-cli's {@code DeepModelCliTest} runs the
 * commands that print its optimized graphs and class). It all runs on a thread with a small
 * stack, so that any walk recursing once per node overflows it and fails the test.
 */
class DeepModelTest {
  private static final int DEPTH = 10_000;
  /** A quarter of the default thread stack: a walk recursing 20,000 deep overflows it. */
  private static final long STACK_BYTES = 256 * 1024;
  /** HotSpot does not JIT-compile methods larger than this (-XX:HugeMethodLimit). */
  private static final int HUGE_METHOD_LIMIT = 8000;

  private static final String DEEP = """
      model deep {
        input x: f32[B, 3]
        target y: f32[B, 1]
        h = dense(x, 3)
        repeat %d { h = tanh(h) }
        output p = dense(h, 1)
        loss = mse(p, y)
      }
      """.formatted(DEPTH);

  @Test
  void aTenThousandDeepChainGoesThroughTheTrainingPipelineAndCodeGeneration() throws Throwable {
    onSmallStack(() -> {
      Compilation c = Frontend.compile(SourceFile.of("deep.nn", DEEP));
      assertTrue(c.ok(), c.diagnostics().format());
      ModelUnit unit = c.models().get(0);
      Graph forward = unit.graph();
      Verifier.check(forward, "from the front end");
      assertTrue(forward.nodes().size() > DEPTH, "nodes: " + forward.nodes().size());
      assertTrue(TextDump.dump(forward).lines().count() > DEPTH);

      for (Pipeline pipeline : List.of(Pipeline.training(), Pipeline.inference(), Pipeline.evaluation())) {
        Graph input = pipeline.name().equals("training") ? TrainingGraph.objective(forward, List.of()) : forward;
        List<Pipeline.StageResult> results = pipeline.run(input, true);
        Graph last = results.get(results.size() - 1).graph();
        long kernels = last.nodes().stream().filter(n -> n.op() == Op.ELEMENTWISE_KERNEL).count();
        assertTrue(kernels > 100, pipeline.name() + ": the chain is cut into many kernels, got " + kernels);
        assertTrue(DotDump.dump(last).startsWith("digraph"), pipeline.name());
      }

      ModelFactory factory = ModelCompiler.compileUncached(unit);
      factory.methodSizes().forEach((method, size) -> assertTrue(size < HUGE_METHOD_LIMIT,
          method + " is " + size + " bytes of bytecode, over the JIT's " + HUGE_METHOD_LIMIT));
      int batch = 4;
      CompiledModel model = factory.newModel(batch);
      model.initialize(1);
      Map<String, F64Tensor> inputs = new LinkedHashMap<>();
      inputs.put("x", F64Tensor.of(new int[] {batch, 3}, new double[] {0.5, -1, 2, 0.25, 0, -0.75, 1, 1, 1, -2, 3, 0}));
      inputs.put("y", F64Tensor.of(new int[] {batch, 1}, new double[] {0.5, -0.5, 1, 0}));
      inputs.forEach((name, t) -> copy(t.data(), model.input(name)));
      Map<String, F64Tensor> params = new LinkedHashMap<>();
      for (dev.adjoint.compiler.ir.Node p : forward.params()) {
        int[] shape = p.shape().concrete(0);
        params.put(p.sourceName(), F64Tensor.of(shape, read(model.param(p.sourceName()), (int) p.shape().size(0))));
      }

      Graph training = TrainingGraph.of(forward);
      Evaluation reference = new Interpreter(training).evaluate(Feed.of(inputs, params).withMode(Mode.TRAINING));
      double first = model.trainStep(batch);
      close(reference.loss().item(), first, "loss");
      // the first layer's gradient flows back through the whole chain
      double[] expected = reference.value(training.gradients().get("h.W")).data();
      for (int i = 0; i < expected.length; i++) {
        close(expected[i], model.gradients().get("h.W").get(i), "gradient of h.W [" + i + "]");
      }
      assertTrue(java.util.Arrays.stream(expected).anyMatch(g -> Math.abs(g) > 1e-6), "a vanishing gradient tests nothing");
      double second = model.trainStep(batch);
      assertTrue(second < first, "a training step should lower the loss: " + first + " then " + second);
    });
  }

  private static void close(double expected, double actual, String what) {
    assertTrue(Math.abs(actual - expected) <= 1e-4 * Math.max(1e-3, Math.abs(expected)),
        what + ": compiled " + actual + ", interpreter " + expected);
  }

  private static void copy(double[] values, dev.adjoint.runtime.model.Tensor into) {
    for (int i = 0; i < values.length; i++) {
      into.set(i, values[i]);
    }
  }

  private static double[] read(dev.adjoint.runtime.model.Tensor t, int count) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[i] = t.get(i);
    }
    return values;
  }

  private static void onSmallStack(OnStack.Body body) throws Throwable {
    OnStack.run(STACK_BYTES, "small-stack", body);
  }

}
