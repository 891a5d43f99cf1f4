package dev.adjoint.compiler.golden;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.interp.Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.DType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.source.SourceFile;
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
 * Every example and valid program runs through the reference interpreter, training and
 * inference, for batches of 3, 1 and 0, and gives finite outputs and loss: a composite
 * built wrongly shows here before any gradient or generated code is involved.
 */
class ProgramsEvaluateTest {

  @TestFactory
  Stream<DynamicTest> everyModelEvaluatesToFiniteValues() {
    List<Path> files = new ArrayList<>(Golden.nnFiles(Golden.repo().resolve("examples")));
    files.addAll(Golden.nnFiles(Golden.resources().resolve("programs/valid")));
    return files.stream().map(nn -> DynamicTest.dynamicTest(Golden.repo().relativize(nn).toString(), () -> {
      Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
      assertTrue(c.ok(), c.diagnostics().format());
      for (ModelUnit unit : c.models()) {
        for (int batch : new int[] {3, 1, 0}) {
          for (Mode mode : Mode.values()) {
            check(unit.graph(), batch, mode);
          }
        }
      }
    }));
  }

  private static void check(Graph graph, int batch, Mode mode) {
    Random random = new Random(batch * 31L + mode.ordinal());
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (Node input : graph.inputs()) {
      inputs.put(input.sourceName(), randomInput(input, batch, random));
    }
    Map<String, Tensor> params = new LinkedHashMap<>();
    for (Node param : graph.params()) {
      params.put(param.sourceName(), randomTensor(param.shape().concrete(batch), random, 0.3));
    }
    Evaluation e = new Interpreter(graph).evaluate(Feed.of(inputs, params).withMode(mode).withRng(1, 2));
    String where = graph.name() + " (batch " + batch + ", " + mode + ")";
    e.outputs().forEach((name, t) -> assertFinite(t, where + " output " + name));
    if (graph.loss() != null) {
      assertNotNull(e.loss(), where);
      assertFinite(e.loss(), where + " loss");
    }
  }

  private static Tensor randomInput(Node input, int batch, Random random) {
    int[] shape = input.shape().concrete(batch);
    Attrs.Input attrs = input.attrs(Attrs.Input.class);
    if (input.dtype() != DType.I32) {
      return randomTensor(shape, random, 1.0);
    }
    int limit = attrs.classes() > 0 ? attrs.classes() : 10; // ids for embeddings: tables in tests have >= 10 rows
    Tensor t = Tensor.zeros(shape);
    double[] values = new double[t.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = attrs.classes() > 0 ? random.nextInt(limit) : random.nextInt(limit + 1) - 1; // -1 is padding
    }
    return Tensor.of(shape, values);
  }

  private static Tensor randomTensor(int[] shape, Random random, double scale) {
    double[] values = new double[Tensor.zeros(shape).size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextGaussian() * scale;
    }
    return Tensor.of(shape, values);
  }

  private static void assertFinite(Tensor t, String what) {
    for (double v : t.data()) {
      assertTrue(Double.isFinite(v), what + " has a non-finite value: " + t);
    }
  }
}
