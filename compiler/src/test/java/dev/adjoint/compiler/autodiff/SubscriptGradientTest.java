package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Subscripts and the axis functions as the front end builds them, against central finite
 * differences in f64 on batches of 1 and 4: each program multiplies its input by a
 * parameter first, so the gradient flows through the selection back to the parameter.
 */
class SubscriptGradientTest {
  private static final Map<String, String> PROGRAMS = new LinkedHashMap<>();

  private static void program(String name, String input, String param, String body) {
    PROGRAMS.put(name, "model " + name + " {\n  input x: f64[B, " + input + "]\n  param w: f64[" + param
        + "] = normal(std = 1)\n  h = x * w\n" + body + "\n}\n");
  }

  static {
    program("slice", "6, 4", "6, 4", "  loss = mean(h[:, 1:4, 2:] ** 2)");
    program("steps", "7, 3", "7, 3", "  loss = mean(h[:, ::2] ** 2) + mean(h[:, 1::3, ::-1] ** 3)");
    program("reversed", "5", "5", "  loss = mean((h[:, ::-1] * h) ** 2) + mean(h[:, 4:0:-2] ** 2)");
    program("integers", "3, 4", "3, 4", "  loss = mean(h[:, 1] * h[..., -1][:, None, 0]) + mean(h[:, -1, 2] ** 2)");
    program("empty", "3, 4", "3, 4", "  loss = mean(h ** 2) + sum(h[:, 2:2]) + sum(h[:, :, 3:1])");
    program("chained", "6, 4", "6, 4", "  loss = mean(softmax(h[:, ::2])[:, 1:, ::-1] ** 2)");
    program("axes", "2, 1, 3", "2, 1, 3",
        "  a = flatten(squeeze(h, 2))\n  b = unsqueeze(a, 1)\n  loss = mean((b[:, 0, 1:3] * flatten(h, 1, 2)[:, :, 0]) ** 2)");
  }

  @TestFactory
  Stream<DynamicTest> subscriptGradientsAgreeWithFiniteDifferences() {
    return PROGRAMS.entrySet().stream().flatMap(p -> Stream.of(1, 4).map(batch ->
        DynamicTest.dynamicTest(p.getKey() + " (batch " + batch + ")", () -> {
          Compilation c = Frontend.compile(SourceFile.of(p.getKey() + ".nn", p.getValue()));
          assertTrue(c.ok(), c.diagnostics().format());
          ModelGradientTest.check(TrainingGraph.of(c.models().get(0).graph()), batch);
        })));
  }
}
