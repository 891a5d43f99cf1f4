package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.source.SourceFile;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The generated Java of every example, exact: any change to emitted code shows in review. */
class GeneratedSourceGoldenTest {

  @TestFactory
  Stream<DynamicTest> examplesGenerateTheirGoldenSource() {
    Path examples = Golden.repo().resolve("examples");
    Path goldens = Golden.resources().resolve("golden/examples");
    return Golden.nnFiles(examples).stream().map(nn -> DynamicTest.dynamicTest(examples.relativize(nn).toString(),
        () -> {
          Compilation c = Frontend.compile(SourceFile.read(nn, nn.getFileName().toString()));
          assertTrue(c.ok(), c.diagnostics().format());
          StringBuilder text = new StringBuilder();
          for (ModelUnit unit : c.models()) {
            text.append(ModelCompiler.generate(unit, ModelCompiler.DEFAULT_PACKAGE,
                ModelCompiler.className(unit.name())).source());
          }
          Golden.check(Golden.withExtension(goldens.resolve(examples.relativize(nn)), ".java.txt"), text.toString());
        }));
  }
}
