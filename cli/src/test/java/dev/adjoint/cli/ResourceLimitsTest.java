package dev.adjoint.cli;

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
    // train sizes buffers by the data's 13 training rows: 13 x 200,000,000 floats overflow one array
    CliRun r = train("200000000", 16);
    assertNoBug(r);
    assertTrue(r.err().contains("is too large: ") && r.err().contains("f32[B,200000000] would hold")
        && r.err().contains("more than one Java array holds (2,147,483,639); the largest batch that fits is 10"),
        r.err());
  }

  @Test
  void trainEvalAndPredictSizeTheirBuffersByTheDataNotByADeclaredBatchOfABillion() throws IOException {
    CliRun r = train("6", 1_000_000_000L);
    assertEquals(0, r.status(), r.err());
    CliRun eval = CliRun.of("eval", temp.resolve("quadrant.nn").toString(), "--checkpoint",
        temp.resolve("run").resolve("last.safetensors").toString(), "--split", "all");
    assertEquals(0, eval.status(), eval.err());
    assertTrue(eval.out().contains("loss"), eval.out());
    Path rows = temp.resolve("rows.csv");
    Files.writeString(rows, "u,v\n0.1,0.9\n0.9,0.1\n");
    CliRun predict = CliRun.of("predict", temp.resolve("quadrant.nn").toString(), "--checkpoint",
        temp.resolve("run").resolve("last.safetensors").toString(), "--input", rows.toString());
    assertEquals(0, predict.status(), predict.err());
    assertEquals(3, predict.out().lines().count(), predict.out());
  }

  @Test
  void buffersLargerThanTheHeapAreOutOfMemoryWithTheHeapHint() throws IOException {
    // 10 x 100,000,000 floats fit one array (1e9 elements) but not the test's heap (4 GB each)
    CliRun r = train("100000000", 10);
    assertNoBug(r);
    assertTrue(r.err().contains("out of memory") && r.err().contains("ADJOINT_JAVA_OPTS=-Xmx8g"), r.err());
  }
}
