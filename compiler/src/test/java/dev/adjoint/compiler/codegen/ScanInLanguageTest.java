package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.gradcheck.GradientCheckProgramsTest;
import dev.adjoint.compiler.interp.Evaluation;
import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.interp.Feed;
import dev.adjoint.compiler.interp.Interpreter;
import dev.adjoint.compiler.interp.ModelParams;
import dev.adjoint.compiler.interp.Mode;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.source.SourceFile;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code scan(step, init, xs, ...)} in the language: one SCAN whose body is the def, f64
 * gradients through it at T = 1, 2 and 7 (forwards, reversed, stacked or last), compiled code
 * against the interpreter, and errors at the call's arguments.
 */
class ScanInLanguageTest {
  private static final int BATCH = 3;

  private static String program(int steps, String options) {
    return "def step(h, x, w, u) {\n"
        + "  return tanh(h @ w + x @ u)\n"
        + "}\n"
        + "\n"
        + "model m {\n"
        + "  input  x: f32[B, " + steps + ", 3]\n"
        + "  target y: f32[B, 4]\n"
        + "  param  w: f32[4, 4]\n"
        + "  param  u: f32[3, 4]\n"
        + "  h0 = tanh(mean(x, axis = 1) @ u)\n"
        + "  hs = scan(step, h0, x, consts = (w, u)" + options + ")\n"
        + "  output out = hs\n"
        + "  loss = mse(" + (options.contains("return_sequences = false") ? "hs" : "mean(hs, axis = 1)") + ", y)\n"
        + "}\n";
  }

  private static ModelUnit unit(String source) {
    Compilation c = Frontend.compile(SourceFile.of("scan.nn", source));
    assertTrue(c.ok(), c.diagnostics().format());
    return c.models().get(0);
  }

  @ParameterizedTest
  @CsvSource({"1, ''", "2, ''", "7, ''", "1, ', reverse = true'", "2, ', reverse = true'", "7, ', reverse = true'",
      "2, ', return_sequences = false'", "7, ', reverse = true, return_sequences = false'"})
  void gradientsThroughAScanPassGradcheck(int steps, String options) {
    ModelUnit unit = unit(program(steps, options));
    assertEquals(1, unit.graph().nodes().stream().filter(n -> n.op() == Op.SCAN).count());
    GradientCheckProgramsTest.assertPasses(unit, "scan at T = " + steps + options);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ", reverse = true", ", return_sequences = false"})
  void compiledCodeComputesWhatTheInterpreterDoes(String options) {
    ModelUnit unit = unit(program(7, options));
    CompiledModel model = ModelCompiler.compile(unit).newModel(BATCH);
    model.initialize(11);
    float[] x = model.input("x").f32();
    double[] xd = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(0.7 * i);
      xd[i] = x[i];
    }
    model.predict(BATCH);
    Map<String, F64Tensor> inputs = new LinkedHashMap<>();
    inputs.put("x", F64Tensor.of(new int[] {BATCH, 7, 3}, xd));
    inputs.put("y", F64Tensor.zeros(BATCH, 4));
    Evaluation eval = new Interpreter(unit.graph()).evaluate(
        Feed.of(inputs, ModelParams.of(unit.graph(), model)).withMode(Mode.INFERENCE));
    double[] expected = eval.output("out").data();
    float[] actual = model.output("out").f32();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, "out[" + i + "]");
    }
  }

  @Test
  void theLastCarryOfAReversedScanIsTheFirstStepsOfTheStacked() {
    ModelUnit stacked = unit(program(5, ", reverse = true"));
    ModelUnit last = unit(program(5, ", reverse = true, return_sequences = false"));
    Map<String, F64Tensor> inputs = Map.of("x", F64Tensor.of(new int[] {1, 5, 3},
        0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5), "y", F64Tensor.zeros(1, 4));
    Map<String, F64Tensor> params = Map.of("w", F64Tensor.of(new int[] {4, 4}, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
        -0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8), "u", F64Tensor.of(new int[] {3, 4}, 0.3, -0.3, 0.2, -0.2,
        0.1, -0.1, 0.5, -0.5, 0.4, -0.4, 0.6, -0.6));
    F64Tensor all = new Interpreter(stacked.graph()).evaluate(Feed.of(inputs, params).withMode(Mode.INFERENCE))
        .output("out");
    F64Tensor first = new Interpreter(last.graph()).evaluate(Feed.of(inputs, params).withMode(Mode.INFERENCE))
        .output("out");
    for (int j = 0; j < 4; j++) {
      assertEquals(all.get(0, 0, j), first.get(0, j), 0, "h[" + j + "]");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "hs = scan(step, h0, x, consts = (w, u)) # wrong|scan's step 'step' returns f32[B,3] for a carry of f32[B,4]",
      "hs = scan(step, h0, x, axis = 3, consts = (w, u))|scan's axis 3 is out of range for xs",
      "hs = scan(step, h0, x, axis = 0, consts = (w, u))|scan's axis 0 of xs f32[B,5,3] is the"
          + " batch axis B",
      "hs = scan(step, h0, (x, x[:, 0:4, :]), consts = (w, u))|scan's step 'step' takes 4"
          + " values, but scan passes 5",
      "hs = scan(step, h0, x, consts = (w))|scan's step 'step' takes 4 values, but scan passes 3",
      "hs = scan(stp, h0, x, consts = (w, u))|scan's step 'stp' is not a def"})
  void mistakesAreReportedAtTheArgument(String line, String expected) {
    String source = program(5, "").replace("  hs = scan(step, h0, x, consts = (w, u))", "  " + line);
    if (line.contains("# wrong")) {
      source = source.replace("return tanh(h @ w + x @ u)", "return tanh(x)");
    }
    Compilation c = Frontend.compile(SourceFile.of("scan.nn", source));
    String report = c.diagnostics().format();
    assertTrue(report.contains("scan.nn:11:") && report.contains("error: " + expected), report);
  }

  @Test
  void sequencesOfDifferentLengthsAreAnError() {
    String source = program(5, "").replace("def step(h, x, w, u) {", "def step(h, x, z, w, u) {")
        .replace("return tanh(h @ w + x @ u)", "return tanh(h @ w + x @ u + z @ u)")
        .replace("hs = scan(step, h0, x, consts = (w, u))", "hs = scan(step, h0, (x, x[:, 0:4, :]), consts = (w, u))");
    String report = Frontend.compile(SourceFile.of("scan.nn", source)).diagnostics().format();
    assertTrue(report.contains("scan.nn:11:") && report.contains("error: scan's sequences have 5 and 4 steps along axis 1"),
        report);
  }

  @Test
  void aStepThatCreatesParametersIsAnError() {
    String source = program(5, "").replace("return tanh(h @ w + x @ u)", "return tanh(dense(h, 4) + x @ u)");
    Compilation c = Frontend.compile(SourceFile.of("scan.nn", source));
    assertTrue(c.diagnostics().format().contains("scan.nn:11:13: error: scan's step 'step' creates parameters"),
        c.diagnostics().format());
  }
}
