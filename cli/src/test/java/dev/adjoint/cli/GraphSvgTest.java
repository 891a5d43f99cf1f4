package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.golden.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code adjoint graph --format svg}: the DOT text goes to Graphviz's {@code dot -Tsvg} and
 * its drawing to the output, and a missing or failing Graphviz is one clear line (exit 1).
 * The Graphviz program is a script written here ({@code -Dadjoint.dot}), so the test does not
 * depend on Graphviz being installed.
 */
class GraphSvgTest {
  @TempDir
  Path temp;

  @AfterEach
  void restore() {
    System.clearProperty(GraphvizSvg.PROPERTY);
  }

  private static String example(String relative) {
    return Golden.repo().resolve("examples").resolve(relative).toString();
  }

  /** A stand-in for dot: echoes its option and the DOT it read, inside an svg element. */
  private Path fakeDot(String body) throws IOException {
    Path script = temp.resolve("dot");
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void theDotTextIsDrawnByGraphvizIntoTheOutputFile() throws IOException {
    System.setProperty(GraphvizSvg.PROPERTY, fakeDot("printf '<svg option=\"%s\">' \"$1\"; cat; printf '</svg>'\n")
        .toString());
    Path svg = temp.resolve("logreg.svg");
    CliRun r = CliRun.of("graph", example("salammbo/logreg.nn"), "--backward", "--format", "svg", "-o", svg.toString());
    assertEquals(AdjointCli.OK, r.status(), r.err());
    assertTrue(r.err().contains("wrote the graph to " + svg), r.err());
    String text = Files.readString(svg);
    CliRun dot = CliRun.of("graph", example("salammbo/logreg.nn"), "--backward", "--format", "dot");
    assertEquals("<svg option=\"-Tsvg\">" + dot.out() + "</svg>", text, "the DOT of --format dot, drawn");
  }

  @Test
  void aMissingGraphvizIsOneLineNamingTheFix() {
    System.setProperty(GraphvizSvg.PROPERTY, temp.resolve("no-such-dot").toString());
    CliRun r = CliRun.of("graph", example("salammbo/logreg.nn"), "--format", "svg");
    assertEquals(AdjointCli.INPUT_ERRORS, r.status());
    assertEquals("", r.out());
    assertTrue(r.err().contains("--format svg runs Graphviz's '" + temp.resolve("no-such-dot")
        + "', which is not installed or not on the PATH: install Graphviz"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void aFailingGraphvizIsReportedWithItsMessage() throws IOException {
    System.setProperty(GraphvizSvg.PROPERTY, fakeDot("cat > /dev/null; echo 'Error: syntax error in line 1' >&2; exit 2\n")
        .toString());
    Path svg = temp.resolve("never.svg");
    CliRun r = CliRun.of("graph", example("salammbo/logreg.nn"), "--format", "svg", "-o", svg.toString());
    assertEquals(AdjointCli.INPUT_ERRORS, r.status());
    assertTrue(r.err().contains("failed (exit 2): Error: syntax error in line 1"), r.err());
    assertFalse(Files.exists(svg), "nothing written on failure");
  }

  @Test
  void severalModelsNeedAChoice() throws IOException {
    Path two = temp.resolve("two.nn");
    Files.writeString(two, "model a {\n  input x: f32[B, 2]\n  output y = dense(x, 1)\n}\n"
        + "model b {\n  input x: f32[B, 2]\n  output y = dense(x, 3)\n}\n");
    CliRun r = CliRun.of("graph", two.toString(), "--format", "svg");
    assertEquals(AdjointCli.INPUT_ERRORS, r.status());
    assertTrue(r.err().contains("--format svg draws one graph; the file has 2 models (a, b): choose one with --model"),
        r.err());
  }
}
