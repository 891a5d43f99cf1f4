package dev.adjoint.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.frontend.Compilation;
import dev.adjoint.compiler.frontend.Frontend;
import dev.adjoint.compiler.source.SourceFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each recurrent cell's gradient, with respect to every parameter, through the loop over
 * time, against central finite differences in f64 at T = 1, 2 and 7: every step's state and
 * the last, with lengths (random, some past T, some zero or negative) and given initial states.
 */
class RecurrentGradientTest {

  static Stream<Arguments> cells() {
    return Stream.of("rnn", "lstm", "gru").flatMap(cell -> Stream.of(1, 2, 7).map(t -> Arguments.of(cell, t)));
  }

  @ParameterizedTest(name = "{0} T={1}")
  @MethodSource("cells")
  void gradientAgreesWithFiniteDifferences(String cell, int steps) {
    String initial = cell.equals("lstm") ? "h0 = s, c0 = s * 0.5" : "h0 = s";
    String program = "model m {\n"
        + "  input  x: f64[B, " + steps + ", 3]\n"
        + "  input  len: i32[B]\n"
        + "  input  s: f64[B, 4]\n"
        + "  target y: f64[B, 4]\n"
        + "  h = " + cell + "(x, 4, return_sequences = true, lengths = len)\n"
        + "  last = " + cell + "(x, 4, " + initial + ")\n"
        + "  loss = mse(mean(h, axis = 1) + last, y)\n"
        + "}\n";
    Compilation c = Frontend.compile(SourceFile.of(cell + ".nn", program));
    assertTrue(c.ok(), c.diagnostics().format());
    ModelGradientTest.check(TrainingGraph.of(c.models().get(0).graph()), 3);
  }
}
