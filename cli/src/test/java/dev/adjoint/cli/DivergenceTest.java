package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose loss stops being finite names the .nn expression that first produced a NaN or an
 * infinity, the step, and a hint that fits the cause; the step is replayed, not guessed.
 */
class DivergenceTest {
  @TempDir
  Path temp;

  private CliRun train(String model, String data) throws IOException {
    Files.writeString(temp.resolve("points.csv"), data);
    Path nn = temp.resolve("m.nn");
    Files.writeString(nn, model);
    return CliRun.of("train", nn.toString(), "--out", temp.resolve("run").toString());
  }

  /** Rows x = from, from + 1/16, ... (32 of them) with y = 2x + 1. */
  private static String line(double from) {
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = 0; i < 32; i++) {
      double x = from + i / 16.0;
      csv.append(String.format(Locale.ROOT, "%.4f,%.4f%n", x, 2 * x + 1));
    }
    return csv.toString();
  }

  @Test
  void aParameterMadeNaNByANonFiniteGradientNamesTheBackwardPass() throws IOException {
    // sqrt(relu(-|p|)) is 0 forwards, but its derivative at 0 is infinite and relu's is 0: NaN gradients at step 0
    CliRun r = train("""
        model kink {
          input  x: f32[B, 1]
          target y: f32[B, 1]
          p = dense(x, 1)
          output q = p
          loss = mse(p, y) + mean(sqrt(relu(-abs(p))))
        }

        train kink {
          data      csv("points.csv", x = ("x"), y = ("y")), split(train = 1.0, val = 0, test = 0)
          optimizer sgd(lr = 0.01)
          batch 8; epochs 1; seed 1
        }
        """, line(0.5));
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("at step 1 (epoch 1): parameter 'p.W' was already NaN before the step: the update of "
        + "step 0 made it so, because its gradient was not finite: at step 0, before any update, the backward pass "
        + "first produced"), r.err());
    assertTrue(r.err().contains("in the derivative of " + temp.resolve("m.nn") + ":6:"), r.err());
    assertTrue(r.err().contains("The derivative is not defined there"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void aLogOfZeroAtStepZeroIsTheModels() throws IOException {
    CliRun r = train("""
        model logline {
          input  x: f32[B, 1]
          target y: f32[B, 1]
          output p = dense(log(x), 1)
          loss = mse(p, y)
        }

        train logline {
          data      csv("points.csv", x = ("x"), y = ("y")), split(train = 1.0, val = 0, test = 0)
          optimizer sgd(lr = 0.01)
          batch 64; epochs 2; seed 1
        }
        """, line(0));
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("error: the loss of logline stopped being a finite number at step 0 (epoch 1): the "
        + "first value that was not finite is -Infinity from log at " + temp.resolve("m.nn") + ":4:20 (`log(x)`). "
        + "It happened at step 0, before any update, from finite inputs and initial parameters: the model itself "
        + "produces it (log of 0 or a negative number)"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void valuesThatGrowOverStepsBlameTheLearningRate() throws IOException {
    CliRun r = train("""
        model line {
          input  x: f32[B, 1]
          target y: f32[B, 1]
          output p = dense(x, 1)
          loss = mse(p, y)
        }

        train line {
          data      csv("points.csv", x = ("x"), y = ("y")), split(train = 1.0, val = 0, test = 0)
          optimizer sgd(lr = 20)
          batch 4; epochs 50; seed 1
        }
        """, line(10));
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("error: the loss of line stopped being a finite number at step "), r.err());
    assertFalse(r.err().contains("at step 0 "), r.err());
    assertTrue(r.err().contains("try a lower learning rate"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }
}
