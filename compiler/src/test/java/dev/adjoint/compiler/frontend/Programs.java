package dev.adjoint.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.compiler.diag.Diagnostic;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Verifier;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.compiler.source.SourceSpan;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Helpers for the front-end value tests: compile a .nn program from a string, run its
 * graph through the reference interpreter, and compare the results with numbers the test
 * computes on its own.
 */
final class Programs {
  /** Relative tolerance of value comparisons in f64. */
  static final double RTOL = 1e-12;
  /** Absolute tolerance, for expected values at or near zero. */
  static final double ATOL = 1e-14;

  /** The name the programs of these tests are compiled under. */
  private static final String FILE = "t.nn";

  private Programs() {}

  /** Compiles text that must have no errors. */
  static Compilation compile(String text) {
    return compile(text, List.of());
  }

  /** Compiles text with {@code --set} overrides; it must have no errors. */
  static Compilation compile(String text, List<String> sets) {
    Compilation c = Frontend.compile(SourceFile.of(FILE, text), sets);
    assertTrue(c.ok(), () -> "expected the program to compile:\n" + c.diagnostics().format() + "\n" + text);
    for (ModelUnit unit : c.models()) {
      Verifier.check(unit.graph(), "from the front end");
    }
    return c;
  }

  /** The verified graph of the only (or first) model of the text. */
  static Graph graph(String text) {
    Compilation c = compile(text);
    assertFalse(c.models().isEmpty(), "no model in:\n" + text);
    return c.models().get(0).graph();
  }

  /**
   * Compiles text that must fail with exactly one error, at {@code where}, whose message
   * mentions every one of the fragments. {@code where} is {@code "line:column"} in the
   * program text, or {@code "file:line:column"} for an error elsewhere, such as
   * {@code "--set:1:8"} in a {@code --set} override. Pick fragments from the substance of
   * the message, not from its leading {@code "name():"}, so that a reworded prefix does not
   * matter; a typo in the program adds an error or moves this one, and fails the test.
   */
  static void assertRejects(String text, String where, String... fragments) {
    assertRejects(text, List.of(), where, fragments);
  }

  /** {@link #assertRejects(String, String, String...)} with {@code --set} overrides. */
  static void assertRejects(String text, List<String> sets, String where, String... fragments) {
    if (fragments.length == 0) {
      throw new IllegalArgumentException("name at least one fragment of the expected message");
    }
    List<Diagnostic> errors = errors(text, sets);
    boolean found = errors.size() == 1 && at(errors.get(0)).equals(where)
        && Arrays.stream(fragments).allMatch(errors.get(0).message()::contains);
    assertTrue(found, () -> "expected one error, at " + where + ", mentioning " + Arrays.toString(fragments)
        + "; got:\n" + String.join("\n", errors.stream().map(d -> "  " + at(d) + ": " + d.message()).toList())
        + "\nin:\n" + text);
  }

  /** The messages of every error of text that must fail to compile, for exact comparison. */
  static List<String> errorMessages(String text) {
    return errors(text, List.of()).stream().map(Diagnostic::message).toList();
  }

  /** The errors of text that must fail to compile. */
  private static List<Diagnostic> errors(String text, List<String> sets) {
    Compilation c = Frontend.compile(SourceFile.of(FILE, text), sets);
    assertFalse(c.ok(), () -> "expected errors in:\n" + text);
    return c.diagnostics().all().stream().filter(Diagnostic::isError).toList();
  }

  /** Where a diagnostic is: line:column in the program text, file:line:column elsewhere. */
  private static String at(Diagnostic d) {
    SourceSpan span = d.span();
    String lineColumn = span.line() + ":" + span.column();
    return span.file().name().equals(FILE) ? lineColumn : span.file().name() + ":" + lineColumn;
  }

  /** A run of a graph: inputs, parameters and states by name, then the mode and random keys. */
  static Run run(Graph graph) {
    return new Run(graph);
  }

  static final class Run {
    private final Graph graph;
    private final Map<String, F64Tensor> inputs = new LinkedHashMap<>();
    private final Map<String, F64Tensor> params = new LinkedHashMap<>();
    private final Map<String, F64Tensor> states = new LinkedHashMap<>();
    private Mode mode = Mode.TRAINING;
    private long seed;
    private long step;

    private Run(Graph graph) {
      this.graph = graph;
    }

    Run input(String name, F64Tensor value) {
      inputs.put(name, value);
      return this;
    }

    Run param(String name, F64Tensor value) {
      params.put(name, value);
      return this;
    }

    Run state(String name, F64Tensor value) {
      states.put(name, value);
      return this;
    }

    Run mode(Mode newMode) {
      mode = newMode;
      return this;
    }

    Run rng(long newSeed, long newStep) {
      seed = newSeed;
      step = newStep;
      return this;
    }

    Evaluation evaluate() {
      return new Interpreter(graph).evaluate(new Feed(inputs, params, states, mode, seed, step));
    }

    /** The output of that name. */
    F64Tensor output(String name) {
      return evaluate().output(name);
    }
  }

  /**
   * The output {@code y = expr} of a model whose only input is {@code x: f64[B, n]}, fed
   * with the given rows (n is their length).
   */
  static F64Tensor rows(String expr, double[]... rows) {
    String text = "model t {\n  input x: f64[B, " + rows[0].length + "]\n  output y = " + expr + "\n}\n";
    return run(graph(text)).input("x", F64Tensor.matrix(rows)).output("y");
  }

  /** {@link #rows} of one row. */
  static F64Tensor row1(String expr, double... x) {
    return rows(expr, x);
  }

  // ---- tensors -----------------------------------------------------------------------

  static F64Tensor vec(double... values) {
    return F64Tensor.vector(values);
  }

  static F64Tensor mat(double[]... rows) {
    return F64Tensor.matrix(rows);
  }

  static double[] row(double... values) {
    return values;
  }

  static F64Tensor of(int[] shape, double... values) {
    return F64Tensor.of(shape, values);
  }

  static int[] shape(int... dims) {
    return dims;
  }

  // ---- comparisons ---------------------------------------------------------------------

  /** |actual - expected| within RTOL relative (ATOL near zero), also for infinities and NaN. */
  static boolean close(double actual, double expected, double rtol, double atol) {
    if (Double.isNaN(expected) || Double.isInfinite(expected)) {
      return Double.compare(actual, expected) == 0;
    }
    return Math.abs(actual - expected) <= rtol * Math.abs(expected) + atol;
  }

  static void assertClose(double expected, double actual) {
    assertClose(expected, actual, "");
  }

  static void assertClose(double expected, double actual, String what) {
    assertTrue(close(actual, expected, RTOL, ATOL),
        () -> what + " expected " + expected + " but got " + actual + " (difference " + (actual - expected) + ")");
  }

  /** The tensor has this shape and these values (row-major) within tolerance. */
  static void assertValues(F64Tensor actual, int[] shape, double... expected) {
    assertArrayEquals(shape, actual.shape(), () -> "shape of " + actual);
    assertEquals(expected.length, actual.size(), "element count");
    for (int i = 0; i < expected.length; i++) {
      double a = actual.flat(i);
      double e = expected[i];
      if (!close(a, e, RTOL, ATOL)) {
        fail("element " + i + ": expected " + e + " but got " + a + " (difference " + (a - e) + ")\n  expected "
            + Arrays.toString(expected) + "\n  actual   " + Arrays.toString(actual.data()));
      }
    }
  }

  /** Every element is finite. */
  static void assertFinite(F64Tensor t) {
    for (double v : t.data()) {
      assertTrue(Double.isFinite(v), () -> "non-finite value in " + t);
    }
  }
}
