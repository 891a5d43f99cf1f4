package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} and {@code predict} never pass a NaN or an infinity silently, and {@code predict}
 * never loses its output: a model of log(x) trained on positive x, then given x = 0 or x < 0.
 */
class NonFiniteCommandsTest {
  private static final String MODEL = """
      model logline {
        input  x: f32[B, 1]
        target y: f32[B, 1]
        output p = dense(log(x), 1)
        loss = mse(p, y)
      }

      train logline {
        data      csv("points.csv", x = ("x"), y = ("y")), split(train = 0.5, val = 0.25, test = 0.25)
        optimizer sgd(lr = 0.01)
        batch 8; epochs 2; seed 1
      }
      """;

  @TempDir
  Path temp;

  private Path nn;
  private Path checkpoint;

  @BeforeEach
  void train() throws IOException {
    Files.writeString(temp.resolve("points.csv"), data(1.0));
    nn = temp.resolve("logline.nn");
    Files.writeString(nn, MODEL);
    CliRun train = CliRun.of("train", nn.toString(), "--out", temp.resolve("run").toString());
    assertEquals(0, train.status(), train.err());
    checkpoint = temp.resolve("run/last.safetensors");
  }

  /** 32 rows of x in (0, 2] times {@code sign}, y = log|x|. */
  private static String data(double sign) {
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = 1; i <= 32; i++) {
      csv.append(String.format(Locale.ROOT, "%.4f,%.4f%n", sign * i / 16.0, Math.log(i / 16.0)));
    }
    return csv.toString();
  }

  @Test
  void evalFailsOnANonFiniteLoss() throws IOException {
    CliRun fine = CliRun.of("eval", nn.toString(), "--checkpoint", checkpoint.toString());
    assertEquals(0, fine.status(), fine.err());
    Files.writeString(temp.resolve("points.csv"), data(-1.0));
    CliRun r = CliRun.of("eval", nn.toString(), "--checkpoint", checkpoint.toString(), "--split", "all");
    assertEquals(1, r.status(), r.out() + r.err());
    assertTrue(r.err().contains("error: the loss on the train split (NaN) is not a finite number"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void predictFlagsNonFiniteRowsAndExitsWithOne() throws IOException {
    Path input = temp.resolve("new.csv");
    Files.writeString(input, "x\n1.0\n0\n-1\n2.0\n");
    CliRun r = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input", input.toString());
    assertEquals(1, r.status(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(5, lines.size(), "every row is written: " + r.out());
    assertTrue(Double.isFinite(Double.parseDouble(lines.get(1))), lines.get(1));
    assertFalse(Double.isFinite(Double.parseDouble(lines.get(2))), lines.get(2));
    assertFalse(Double.isFinite(Double.parseDouble(lines.get(3))), lines.get(3));
    assertTrue(r.err().contains("error: 2 of 4 rows of " + input + " have outputs that are not finite (NaN or "
        + "infinite), the first at data row 2"), r.err());
  }

  @Test
  void aFailedWriteToStandardOutputIsExitOne() throws IOException {
    Path input = temp.resolve("new.csv");
    Files.writeString(input, "x\n1.0\n2.0\n");
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    StringWriter err = new StringWriter();
    int status = AdjointCli.run(new String[] {"predict", nn.toString(), "--checkpoint", checkpoint.toString(),
        "--input", input.toString()}, new PrintWriter(full, true), new PrintWriter(err, true));
    assertEquals(1, status, err.toString());
    assertTrue(err.toString().contains("could not all be written to standard output"), err.toString());
  }

  @Test
  void outputRefusesFoldersLinksAndDevices() throws IOException {
    Path input = temp.resolve("new.csv");
    Files.writeString(input, "x\n1.0\n");
    Path folder = Files.createDirectory(temp.resolve("folder"));
    Path target = Files.writeString(temp.resolve("target.csv"), "keep me\n");
    Path link = Files.createSymbolicLink(temp.resolve("link.csv"), target);
    for (Path refused : List.of(folder, link, Path.of("/dev/null"))) {
      CliRun r = CliRun.of("predict", nn.toString(), "--checkpoint", checkpoint.toString(), "--input",
          input.toString(), "-o", refused.toString());
      assertEquals(1, r.status(), refused + ": " + r.err());
      assertTrue(r.err().startsWith(refused + ": error: is "), r.err());
    }
    assertTrue(Files.isSymbolicLink(link));
    assertEquals("keep me\n", Files.readString(target));
    assertTrue(Files.exists(Path.of("/dev/null")) && !Files.isRegularFile(Path.of("/dev/null")));
  }
}
