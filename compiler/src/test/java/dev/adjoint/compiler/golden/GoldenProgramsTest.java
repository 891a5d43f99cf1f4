package dev.adjoint.compiler.golden;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.DataPresence;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.GraphReport;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.TextDump;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.passes.Pipeline;
import dev.adjoint.compiler.source.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The chain .nn → graph dump for every example and every valid test program (with its
 * warnings, if any, beside it), and .nn → exact diagnostics for every invalid test program
 * and every program that compiles with warnings.
 */
class GoldenProgramsTest {

  @TestFactory
  Stream<DynamicTest> examplesDumpTheirGoldenGraphs() {
    Path examples = Golden.repo().resolve("examples");
    Path goldens = Golden.resources().resolve("golden/examples");
    return Golden.nnFiles(examples).stream().map(nn -> DynamicTest.dynamicTest(
        examples.relativize(nn).toString(),
        () -> checkValid(nn, Golden.withExtension(goldens.resolve(examples.relativize(nn)), ".graph"))));
  }

  /** The optimized training and inference graphs of every example, each pipeline stage verified. */
  @TestFactory
  Stream<DynamicTest> examplesDumpTheirGoldenOptimizedGraphs() {
    Path examples = Golden.repo().resolve("examples");
    Path goldens = Golden.resources().resolve("golden/examples");
    return Golden.nnFiles(examples).stream().flatMap(nn -> Stream.of(Pipeline.training(), Pipeline.inference())
        .map(pipeline -> DynamicTest.dynamicTest(examples.relativize(nn) + " " + pipeline.name(), () -> {
          Compilation c = compile(nn);
          assertTrue(c.ok(), c.diagnostics().format());
          StringBuilder dumps = new StringBuilder();
          for (ModelUnit unit : c.models()) {
            List<Pipeline.StageResult> results = pipeline.run(unit.graph(), true);
            dumps.append(dumps.length() == 0 ? "" : "\n").append(TextDump.dump(results.get(results.size() - 1).graph()));
          }
          Golden.check(Golden.withExtension(goldens.resolve(examples.relativize(nn)), "." + pipeline.name() + ".graph"),
              dumps.toString());
        })));
  }

  @TestFactory
  Stream<DynamicTest> validProgramsDumpTheirGoldenGraphs() {
    Path valid = Golden.resources().resolve("programs/valid");
    return Golden.nnFiles(valid).stream().map(nn -> DynamicTest.dynamicTest(valid.relativize(nn).toString(),
        () -> checkValid(nn, Golden.withExtension(nn, ".graph"))));
  }

  /**
   * Programs that compile with warnings. They are kept apart from programs/valid, whose
   * values the pipeline and code generator tests compare: these compute infinities and NaN.
   */
  @TestFactory
  Stream<DynamicTest> programsWithWarningsReportTheirGoldenDiagnostics() {
    Path warnings = Golden.resources().resolve("programs/warnings");
    return Golden.nnFiles(warnings).stream().map(nn -> DynamicTest.dynamicTest(warnings.relativize(nn).toString(),
        () -> {
          Compilation c = compile(nn);
          assertTrue(c.ok(), () -> nn + " should compile:\n" + c.diagnostics().format());
          assertFalse(c.diagnostics().all().isEmpty(), nn + " should warn");
          Golden.check(Golden.withExtension(nn, ".diag"), c.diagnostics().format());
        }));
  }

  @TestFactory
  Stream<DynamicTest> invalidProgramsReportTheirGoldenDiagnostics() {
    Path invalid = Golden.resources().resolve("programs/invalid");
    return Golden.nnFiles(invalid).stream().map(nn -> DynamicTest.dynamicTest(invalid.relativize(nn).toString(),
        () -> {
          // as train sees them: data files required
          Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()), List.of(),
              DataPresence.REQUIRED);
          assertTrue(c.diagnostics().hasErrors(), nn + " should not compile");
          Golden.check(Golden.withExtension(nn, ".diag"), c.diagnostics().format());
        }));
  }

  private static void checkValid(Path nn, Path golden) throws IOException {
    Compilation c = compile(nn);
    assertTrue(c.ok(), () -> nn + " should compile:\n" + c.diagnostics().format());
    assertFalse(c.models().isEmpty(), nn + " declares no model");
    for (ModelUnit unit : c.models()) {
      Verifier.check(unit.graph(), "from the front end");
    }
    List<String> reports = c.models().stream().map(GraphReport::text).toList();
    Golden.check(golden, reports.stream().collect(Collectors.joining("\n")));
    // a valid program's warnings, if it has any, are golden too: no program warns unnoticed
    Path warnings = Golden.withExtension(golden, ".diag");
    String diagnostics = c.diagnostics().format();
    if (!diagnostics.isEmpty() || Files.exists(warnings)) {
      Golden.check(warnings, diagnostics);
    }
  }

  private static Compilation compile(Path nn) throws IOException {
    return Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
  }
}
