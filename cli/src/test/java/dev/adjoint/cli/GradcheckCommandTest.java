package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.ir.Derivative;
import dev.adjoint.compiler.ir.ElementKernel;
import dev.adjoint.compiler.ir.ElementwiseOp;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.GraphRewriter;
import dev.adjoint.compiler.ir.NodeBuilder;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ShapeRules;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code adjoint gradcheck}: passes on a sound model with its table; fails with exit 1, naming
 * the tensors, when a wrong derivative rule is injected (a tanh whose derivative is 1 - y
 * instead of 1 - y², through the command's test-only graph edit).
 */
class GradcheckCommandTest {
  private static final String TANH = """
      model small {
        input  x: f32[B, 3]
        target y: class[B] of 2
        h = dense(x, 4, act = tanh)
        output p = softmax(dense(h, 2))
        loss = cross_entropy(p, y)
      }
      """;

  @TempDir
  Path dir;

  @Test
  void aSoundModelPassesWithATableOfEveryTensor() throws Exception {
    CliRun run = CliRun.of("gradcheck", write(TANH).toString(), "--batch", "3", "--seed", "4");
    assertEquals(AdjointCli.OK, run.status(), run.err());
    for (String tensor : new String[] {"x ", "h.W", "h.b", "p.W", "p.b"}) {
      assertTrue(run.out().contains("\n" + tensor), tensor + " in\n" + run.out());
    }
    assertTrue(run.out().contains("f64 vs finite differences") && run.out().contains("compiled vs f64"), run.out());
    assertTrue(run.out().contains("all 9 "), "x is [3, 3], checked whole: " + run.out());
    assertFalse(run.out().contains("FAIL"), run.out());
    assertTrue(run.out().endsWith("gradcheck passed\n"), run.out());
  }

  @Test
  void aWrongDerivativeRuleFailsWithExitOneNamingTheTensors() throws Exception {
    ElementwiseOp wrongTanh = new ElementwiseOp("tanh", 1, ShapeRules.FLOAT, (ElementKernel) Op.TANH.kernel(),
        Derivative.elementwise((b, n) -> b.sub(b.constant(1, n), n)));
    UnaryOperator<Graph> inject = graph -> GraphRewriter.rewrite(graph, n -> n.op() == Op.TANH
        ? NodeBuilder.start(n.span(), 0).node(wrongTanh, n.input(0)) : n);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = AdjointCli.run(new CommandLine(new GradcheckCommand(inject)),
        new String[] {write(TANH).toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(AdjointCli.INPUT_ERRORS, status, out + "\n" + err);
    assertTrue(err.toString().contains("gradcheck failed: ") && err.toString().contains("small: h.W (f64 vs finite differences)"), err.toString());
    assertTrue(err.toString().contains("x (f64 vs finite differences)"), err.toString());
    assertFalse(err.toString().contains("p.W"), "the layer after the tanh is right: " + err);
    assertTrue(out.toString().contains("FAIL"), out.toString());
  }

  @Test
  void theMnistExamplePasses() {
    Path mnist = Golden.repo().resolve("examples/mnist/mnist.nn");
    CliRun run = CliRun.of("gradcheck", mnist.toString(), "--set", "hidden=16", "--samples", "8");
    assertEquals(AdjointCli.OK, run.status(), run.out() + run.err());
    assertTrue(run.out().contains("8 of 12544"), run.out());
  }

  @Test
  void aModelWithoutALossOrABadOptionIsRefused() throws Exception {
    CliRun run = CliRun.of("gradcheck", write("model p {\n  input x: f32[B, 2]\n  output y = x * 2\n}\n").toString());
    assertEquals(AdjointCli.INPUT_ERRORS, run.status());
    assertTrue(run.err().contains("no loss, so no gradient to check"), run.err());
    CliRun bad = CliRun.of("gradcheck", write(TANH).toString(), "--batch", "0");
    assertEquals(AdjointCli.USAGE, bad.status());
    CliRun missing = CliRun.of("gradcheck", write(TANH).toString(), "--model", "other");
    assertEquals(AdjointCli.INPUT_ERRORS, missing.status());
    assertTrue(missing.err().contains("no model 'other'"), missing.err());
  }

  private Path write(String text) throws Exception {
    Path file = dir.resolve("model.nn");
    Files.writeString(file, text);
    return file;
  }
}
