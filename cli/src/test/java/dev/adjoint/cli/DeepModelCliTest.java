package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.golden.Golden;
import dev.adjoint.compiler.testing.OnStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The commands that print a 10,000-layer model's optimized graphs and generated class, on a
 * thread with a quarter of the default stack, so that a walk recursing once per node fails
 * (the compiler's {@code DeepModelTest} takes the same model through every stage).
 */
class DeepModelCliTest {
  private static final long STACK_BYTES = 256 * 1024;

  /** The audit's repro: these commands overflowed the stack in elementwise fusion. */
  @Test
  void theCommandsThatPrintOptimizedGraphsAndCodeHandleAChainAsDeep() throws Throwable {
    Path file = Golden.resources().resolve("deep/repeat_10000.nn");
    OnStack.run(STACK_BYTES, "small-stack", () -> {
      for (String[] args : new String[][] {{"graph", "--backward", file.toString()},
          {"graph", "--inference", "--format", "dot", file.toString()}, {"inspect", file.toString()}}) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = AdjointCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(AdjointCli.OK, status, String.join(" ", args) + ":\n" + err);
        assertTrue(out.toString().contains(args[0].equals("inspect") ? "public final class M" : "elementwise_kernel"),
            String.join(" ", args));
      }
    });
  }

}
