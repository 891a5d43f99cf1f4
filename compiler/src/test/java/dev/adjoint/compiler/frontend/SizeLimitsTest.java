package dev.adjoint.compiler.frontend;

import static dev.adjoint.compiler.frontend.Programs.assertRejects;
import static dev.adjoint.compiler.frontend.Programs.errorMessages;
import static dev.adjoint.compiler.frontend.Programs.graph;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.testing.OnStack;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How large a program may be: chains of operators as long as you like, nesting up to 256
 * levels (one more is a diagnostic, never a StackOverflowError), def calls 64 deep, and a
 * model of at most two million graph nodes, each tensor at most what one Java array holds.
 * The programs at the limits run on a thread with the JVM's default stack of 1 MB (what the
 * CLI's main thread has), whoever runs the test; they need about half of it.
 */
class SizeLimitsTest {
  private static final long DEFAULT_STACK = 1024 * 1024;

  private static String model(String body) {
    return "model m {\n  input x: f32[B, 3]\n  target y: f32[B, 1]\n" + body
        + "\n  output p = dense(h, 1)\n  loss = mse(p, y)\n}\n";
  }

  private static void onTheDefaultStack(OnStack.Body body) throws Throwable {
    OnStack.run(DEFAULT_STACK, "default-stack", body);
  }


  @Test
  void aSumOfTwentyThousandTermsCompiles() throws Throwable {
    onTheDefaultStack(() -> {
      Graph g = graph(model("  h = x" + " + x".repeat(19_999)));
      assertEquals(19_999, g.nodes().stream().filter(n -> n.op() == Op.ADD && n.span().line() == 4).count());
      Graph masks = graph(model("  h = x > 0" + " and x > 0".repeat(9_999)));
      assertEquals(9_999, masks.nodes().stream().filter(n -> n.op() == Op.MUL && n.span().line() == 4).count());
      Graph products = graph(model("  h = x" + " * x".repeat(9_999) + " - x / x".repeat(5_000)));
      assertEquals(9_999, products.nodes().stream().filter(n -> n.op() == Op.MUL && n.span().line() == 4).count());
      assertEquals(5_000, products.nodes().stream().filter(n -> n.op() == Op.SUB && n.span().line() == 4).count());
    });
  }

  @Test
  void twoHundredFiftySixLevelsOfEachKindOfNestingCompile() throws Throwable {
    int levels = 255; // and the model's braces
    onTheDefaultStack(() -> {
      graph(model("  h = " + "(".repeat(levels) + "x" + ")".repeat(levels)));
      graph(model("  h = " + "abs(".repeat(levels) + "x" + ")".repeat(levels)));
      graph(model("  h = " + "-".repeat(levels) + "x"));
      graph(model("  h = " + "not ".repeat(levels) + "x > 0"));
      graph(model("  h = " + "-(".repeat(levels / 2) + "x" + ")".repeat(levels / 2)));
      graph(model("  h = x" + " ** 1".repeat(levels)));
      graph(model("  h = x\n" + "  repeat 1 {\n".repeat(levels - 1) + "  h = tanh(h)\n" + "}\n".repeat(levels - 1)));
      // chains of operators that end each nesting do not add up
      graph(model("  h = x" + " + -x".repeat(1000) + " + x ** 2".repeat(1000) + " + (x)".repeat(1000)));
    });
  }

  /** The diagnostics of a program that must not compile, as printed. */
  private static String report(String text) {
    Compilation c = Frontend.compile(SourceFile.of("t.nn", text));
    assertFalse(c.ok(), text);
    return c.diagnostics().format();
  }

  @Test
  void oneLevelMoreIsADiagnostic() {
    int levels = 256;
    String nested = ": error: expression nested too deeply (more than 256 levels)";
    String parens = report(model("  h = " + "(".repeat(levels) + "x" + ")".repeat(levels)));
    assertTrue(parens.startsWith("t.nn:4:262" + nested), parens);
    assertTrue(parens.endsWith("\n1 error\n"), parens);
    assertTrue(report(model("  h = " + "abs(".repeat(levels) + "x" + ")".repeat(levels))).contains(nested));
    String minus = report(model("  h = " + "-".repeat(levels) + "x"));
    assertTrue(minus.startsWith("t.nn:4:262" + nested) && minus.contains("two in a row cancel out"), minus);
    String nots = report(model("  h = " + "not ".repeat(levels) + "x > 0"));
    assertTrue(nots.contains(nested) && nots.contains("two in a row cancel out"), nots);
    String powers = report(model("  h = x" + " ** 1".repeat(levels)));
    assertTrue(powers.startsWith("t.nn:4:1284" + nested), powers);
    String blocks = report(model("  h = x\n" + "  repeat 1 {\n".repeat(levels) + "  h = tanh(h)\n"
        + "}\n".repeat(levels)));
    assertTrue(blocks.startsWith("t.nn:260:12: error: blocks nested too deeply (more than 256 levels)"), blocks);
    assertTrue(report(model("  h = " + "(".repeat(5000) + "x" + ")".repeat(5000))).endsWith("\n1 error\n"),
        "one error, not one per level");
  }

  @Test
  void defsCallEachOtherUpTo64Deep() throws Throwable {
    onTheDefaultStack(() -> graph(model("  h = layer0(x)") + chain(ModelElaborator.MAX_DEF_DEPTH)));
    List<String> errors = errorMessages(model("  h = layer0(x)") + chain(ModelElaborator.MAX_DEF_DEPTH + 1));
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).contains("defs call each other more than 64 deep"), errors.toString());
  }

  /** Defs {@code layer0 ... layer(n-1)}, each calling the next, the last returning tanh. */
  private static String chain(int n) {
    StringBuilder defs = new StringBuilder();
    for (int i = 0; i < n - 1; i++) {
      defs.append("def layer").append(i).append("(x) { return layer").append(i + 1).append("(x) + 1 }\n");
    }
    return defs.append("def layer").append(n - 1).append("(x) { return tanh(x) }\n").toString();
  }

  /** The golden invalid/model_too_many_nodes.nn shows the diagnostic at a repeat. */
  @Test
  void aModelOfMoreThanTwoMillionNodesIsADiagnosticAtTheOutermostDefCall() {
    // each iteration adds a constant, its broadcast and the sum: 3 nodes
    String def = "def grow(x) {\n  repeat 1000 { repeat 1000 { x = x + 1 } }\n  return x\n}\n";
    String call = report(model("  h = tanh(grow(x))") + def);
    assertTrue(call.startsWith("t.nn:4:12: error: the model grows past 2,000,000 graph nodes while inlining this call"
        + " of 'grow'\n"), call);
    assertTrue(call.endsWith("\n1 error\n"), call);
  }

  /** Goldens invalid/tensor_too_large_*.nn show the diagnostics at a declaration, a layer and an operator. */
  @Test
  void aTensorHoldsAtMostWhatOneJavaArrayHoldsPerSample() {
    String fits = "model m {\n  input x: f32[B, 46340, 46340]\n  param w: f32[2147483639]\n"
        + "  output p = sum(x) + sum(w)\n}\n";
    graph(fits);
    String over = report("model m {\n  input x: f32[B, 46341, 46341]\n  param w: f32[2147483640]\n"
        + "  output p = sum(x) + sum(w)\n}\n");
    assertTrue(over.startsWith("t.nn:2:12: error: f32[B,46341,46341] has 2,147,488,281 elements per sample, more than a"
        + " Java array holds (2,147,483,639)\n"), over);
    assertTrue(over.contains("t.nn:3:12: error: f32[2147483640] has 2,147,483,640 elements, more than"), over);
    assertTrue(over.endsWith("\n2 errors\n"), over);
    String layer = report("model m {\n  input ids: i32[B, 3]\n  e = embedding(ids, 100000, 100000)\n"
        + "  output p = sum(e)\n}\n");
    assertTrue(layer.startsWith("t.nn:3:7: error: embedding(): parameter 'e.table' f32[100000,100000] has"
        + " 10,000,000,000 elements, more than"), layer);
  }

  /** The golden invalid/name_too_long.nn shows the diagnostic. */
  @Test
  void aNameHasAtMost128Characters() {
    String name = "n".repeat(128);
    graph(model("  " + name + " = x\n  h = " + name));
    assertRejects(model("  " + name + "m = x\n  h = x"), "4:3", "has 129 characters; a name has at most 128");
  }

  /** Did-you-mean hints cost time and memory linear in a name's length, however long. */
  @Test
  void aVeryLongMisspeltNameIsAQuickDiagnostic() {
    String program = "model m(hidden = 3) {\n  input x: f32[B, 3]\n  output p = dense(x, hidden)\n}\n";
    String wrong = "hidden".repeat(12_000);
    List<String> errors = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      Compilation c = Frontend.compile(SourceFile.of("t.nn", program), List.of(wrong + "=4"));
      return c.diagnostics().all().stream().map(d -> d.message()).toList();
    });
    assertEquals(List.of("no model in t.nn has a hyperparameter '" + wrong + "'"), errors);
  }

  /** The golden invalid/integer_too_large.nn shows the diagnostic in a type. */
  @Test
  void anIntegerPast64BitsIsADiagnosticAtTheNumber() {
    assertRejects(model("  h = x * 9223372036854775808"), "4:11", "the integer 9223372036854775808 is too large");
    graph(model("  h = x * (9223372036854775807 - 9223372036854775806)"));
  }
}
