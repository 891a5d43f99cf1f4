package dev.adjoint.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.compiler.diag.Diagnostic;
import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the mutation fuzzer found in the front end, each mutant reduced to its cause: every one
 * is now a diagnostic at the .nn text instead of an exception.
 */
class FuzzFindingsTest {

  /** The errors of a program that must not compile, as line:column and message. */
  private static List<String> errors(String text) {
    Compilation c = Frontend.compile(SourceFile.of("t.nn", text));
    assertFalse(c.ok(), text);
    return c.diagnostics().all().stream().filter(Diagnostic::isError)
        .map(d -> d.span().line() + ":" + d.span().column() + ": " + d.message()).toList();
  }

  /** A NUL character in a data path made {@code Path.resolve} throw InvalidPathException in check. */
  @Test
  void aDataPathNoFileCanHaveIsADiagnostic() {
    String program = """
        model m {
          input x: f32[B, 3]
          target y: f32[B, 1]
          output p = dense(x, 1)
          loss = mse(p, y)
        }
        train m {
          data csv("data/\u0000iris.csv", x = ("a", "b", "c"), y = "d")
          optimizer sgd(lr = 0.1)
        }
        """;
    assertEquals(List.of("8:12: this is not a file path: it holds a character no file name can have"),
        errors(program));
    assertEquals(List.of("8:12: this is not a file path: it holds a character no file name can have"),
        errors(program.replace("csv(\"data/\u0000iris.csv\", x = (\"a\", \"b\", \"c\"), y = \"d\")",
            "npy(\"\u0000x.npy\", \"y.npy\")")).subList(0, 1));
  }
}
