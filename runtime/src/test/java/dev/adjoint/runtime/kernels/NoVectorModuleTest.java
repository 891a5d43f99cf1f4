package dev.adjoint.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Run by the second surefire execution, in a JVM started without
 * {@code --add-modules jdk.incubator.vector}: the scalar fallback is chosen on its own and
 * computes correct products, single- and multi-threaded. (The default run excludes it.)
 */
class NoVectorModuleTest {
  @Test
  void fallbackIsChosenWithoutTheModule() {
    assertFalse(Kernels.vectorModulePresent(), "this JVM must run without the Vector API");
    assertNull(Kernels.vector());
    assertFalse(Gemm.engine().vectorized(), Gemm.engine().toString());
    try (GemmEngine engine = GemmEngine.create(2)) {
      assertFalse(engine.vectorized(), engine.toString());
    }
  }

  /** The note about the missing module: once per JVM, a warning naming the flag. */
  @Test
  void theMissingModuleIsNotedOnceWithTheFlag() {
    Kernels.preferred();
    org.junit.jupiter.api.Assertions.assertTrue(Kernels.noted(), "choosing a kernel without the module notes it");
    java.util.List<String> notes = new java.util.ArrayList<>();
    System.Logger logger = new System.Logger() {
      @Override
      public String getName() {
        return "test";
      }

      @Override
      public boolean isLoggable(Level level) {
        return true;
      }

      @Override
      public void log(Level level, java.util.ResourceBundle bundle, String message, Throwable thrown) {
        notes.add(level + " " + message);
      }

      @Override
      public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
        notes.add(level + " " + format);
      }
    };
    java.util.concurrent.atomic.AtomicBoolean flag = new java.util.concurrent.atomic.AtomicBoolean();
    org.junit.jupiter.api.Assertions.assertTrue(Kernels.noteOnce(flag, logger));
    assertFalse(Kernels.noteOnce(flag, logger), "once only");
    org.junit.jupiter.api.Assertions.assertEquals(1, notes.size());
    org.junit.jupiter.api.Assertions.assertTrue(notes.get(0).startsWith("WARNING Adjoint: this JVM runs without the "
        + "JDK's Vector API") && notes.get(0).contains("--add-modules jdk.incubator.vector")
        && notes.get(0).contains("-Dadjoint.vector=false"), notes.get(0));
  }

  @Test
  void fallbackProductsAreCorrect() {
    Random random = new Random(3);
    int[][] shapes = {{1, 1, 1}, {17, 65, 3}, {65, 17, 257}, {200, 300, 150}};
    try (GemmEngine engine = GemmEngine.create(2)) {
      for (int[] s : shapes) {
        int m = s[0];
        int n = s[1];
        int k = s[2];
        for (String variant : new String[] {"NN", "NT", "TN"}) {
          boolean ta = variant.charAt(0) == 'T';
          boolean tb = variant.charAt(1) == 'T';
          float[] a = Reference.random(random, 1, m * k, 2);
          float[] b = Reference.random(random, 2, k * n, 2);
          float[] bias = Reference.random(random, 0, n, 0);
          float[] c0 = Reference.random(random, 3, m * n, 2);
          float[] c = c0.clone();
          Gemm.multiply(ta, tb, m, n, k, a, 1, b, 2, c, 3, true);
          Reference.check("shared " + variant, ta, tb, m, n, k, a, 1, b, 2, c0, c, 3, true, null,
              0, false);
          c = c0.clone();
          engine.multiplyBias(ta, tb, m, n, k, a, 1, b, 2, c, 3, bias, 0, true);
          Reference.check(engine + " " + variant, ta, tb, m, n, k, a, 1, b, 2, c0, c, 3, false,
              bias, 0, true);
        }
      }
    }
  }
}
