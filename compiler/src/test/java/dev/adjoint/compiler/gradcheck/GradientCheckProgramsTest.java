package dev.adjoint.compiler.gradcheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.source.SourceFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code adjoint gradcheck} passes on every example and every valid test program (the
 * programs of docs/language.md are checked by {@code docs.CompiledExample}): each model with a
 * loss, its gradients against finite differences and its compiled gradients against f64.
 */
public class GradientCheckProgramsTest {

  @TestFactory
  Stream<DynamicTest> everyExampleAndProgramPasses() {
    List<Path> files = new ArrayList<>(Golden.nnFiles(Golden.repo().resolve("examples")));
    files.addAll(Golden.nnFiles(Golden.resources().resolve("programs/valid")));
    return files.stream().map(nn -> DynamicTest.dynamicTest(Golden.repo().relativize(nn).toString(), () -> {
      Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
      assertTrue(c.ok(), c.diagnostics().format());
      for (ModelUnit unit : c.models()) {
        if (unit.graph().loss() != null) {
          assertPasses(unit, nn.getFileName().toString());
        }
      }
    }));
  }

  /** Fails with the table unless every row passes; for the docs' programs too. */
  public static void assertPasses(ModelUnit unit, String where) {
    GradientCheck.Report report = GradientCheck.run(unit, new GradientCheck.Settings(2, 3, 8));
    assertTrue(report.passed(), () -> where + ": gradcheck failed on " + report.failures() + "\n"
        + CheckTable.format(report));
    assertTrue(report.rows().size() >= 2, where + ": nothing checked");
  }
}
