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
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.RandomFeeds;
import java.nio.file.Path;
import java.util.ArrayList;
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
    Map<String, F64Tensor> inputs = RandomFeeds.inputs(graph, batch, random);
    Map<String, F64Tensor> params = RandomFeeds.params(graph, random, 0.3);
    Evaluation e = new Interpreter(graph).evaluate(Feed.of(inputs, params).withMode(mode).withRng(1, 2));
    String where = graph.name() + " (batch " + batch + ", " + mode + ")";
    e.outputs().forEach((name, t) -> assertFinite(t, where + " output " + name));
    if (graph.loss() != null) {
      assertNotNull(e.loss(), where);
      assertFinite(e.loss(), where + " loss");
    }
  }

  private static void assertFinite(F64Tensor t, String what) {
    for (double v : t.data()) {
      assertTrue(Double.isFinite(v), what + " has a non-finite value: " + t);
    }
  }
}
