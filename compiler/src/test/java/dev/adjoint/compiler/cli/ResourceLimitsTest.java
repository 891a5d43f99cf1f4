package dev.adjoint.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch whose buffers do not fit Java arrays, and buffers that do not fit the heap, end in
 * a one-line error (exit 1) saying so, never in "a bug in Adjoint".
 */
class ResourceLimitsTest {
  private static final String MODEL = """
      model quadrant(hidden = 6) {
        input  x: f32[B, 2]
        target side: class[B] of ("left", "right")
        h = dense(x, hidden, act = tanh)
        output probs = softmax(dense(h, 2))
        loss = cross_entropy(probs, side)
      }

      train quadrant {
        data      csv("points.csv", x = ("u", "v"), side = "label")
        optimizer adam(lr = 0.05)
        batch %d; epochs 1; seed 1
      }
      """;

  @TempDir
  Path temp;

  @BeforeEach
  void writeData() throws IOException {
    StringBuilder csv = new StringBuilder("u,v,label\n");
    for (int i = 0; i < 16; i++) {
      csv.append(String.format(Locale.ROOT, "%.2f,%.2f,%s%n", i / 16.0, 1 - i / 16.0, i < 8 ? "left" : "right"));
    }
    Files.writeString(temp.resolve("points.csv"), csv);
  }

  private CliRun train(String hidden, long batch) throws IOException {
    Path nn = temp.resolve("quadrant.nn");
    Files.writeString(nn, MODEL.formatted(batch).replace("hidden = 6", "hidden = " + hidden));
    return CliRun.of("train", nn.toString(), "--out", temp.resolve("run").toString());
  }

  private static void assertNoBug(CliRun r) {
    assertEquals(1, r.status(), r.err());
    assertFalse(r.err().contains("internal error") || r.err().contains("bug in Adjoint"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void aBatchWhoseBuffersOverflowAJavaArrayIsNamedWithTheTensorAndTheLimit() throws IOException {
    CliRun r = train("6", 1_000_000_000L);
    assertNoBug(r);
    assertTrue(r.err().contains("batch 1,000,000,000 is too large: the temporary buffer of matmul at quadrant.nn:4:7,"
        + " f32[B,6] would hold 6,000,000,000 elements, more than one Java array holds (2,147,483,639); the largest"
        + " batch that fits is 357,913,939"), r.err());
  }

  @Test
  void buffersLargerThanTheHeapAreOutOfMemoryWithTheHeapHint() throws IOException {
    // 7,000,000 x 300 floats fit one array (2.1e9 elements) but not the test's heap (8.4 GB)
    CliRun r = train("300", 7_000_000L);
    assertNoBug(r);
    assertTrue(r.err().contains("out of memory") && r.err().contains("ADJOINT_JAVA_OPTS=-Xmx8g"), r.err());
  }
}
