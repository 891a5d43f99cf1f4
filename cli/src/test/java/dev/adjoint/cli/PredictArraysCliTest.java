package dev.adjoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict --input} on .npy and IDX files: one per input of the model, named when it has
 * several, giving the same outputs as the same rows written as CSV; misuse is one line, exit 1.
 */
class PredictArraysCliTest {
  @TempDir
  Path temp;

  private static final int ROWS = 24;

  private final Random random = new Random(5);

  private float[] values(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.round((random.nextFloat() * 2 - 1) * 100) / 100f;
    }
    return v;
  }

  private CliRun predict(Path nn, Path run, String... inputs) {
    List<String> args = new ArrayList<>(List.of("predict", nn.toString(), "--checkpoint",
        run.resolve("last.safetensors").toString()));
    for (String input : inputs) {
      args.add("--input");
      args.add(input);
    }
    return CliRun.of(args.toArray(String[]::new));
  }

  private Path train(String name, String program) throws IOException {
    Path nn = temp.resolve(name + ".nn");
    Files.writeString(nn, program);
    Path run = temp.resolve(name + "-run");
    CliRun train = CliRun.of("train", nn.toString(), "--out", run.toString());
    assertEquals(0, train.status(), train.err());
    return run;
  }

  @Test
  void severalNpyInputsAreNamedAndOneAgreesWithCsv() throws IOException {
    float[] x = values(ROWS * 2);
    float[] z = values(ROWS);
    int[] y = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      y[i] = x[2 * i] + z[i] > 0 ? 1 : 0;
    }
    Files.write(temp.resolve("x.npy"), ArrayFiles.npy("<f4", "(" + ROWS + ", 2)", ArrayFiles.floats(x)));
    Files.write(temp.resolve("z.npy"), ArrayFiles.npy("<f4", "(" + ROWS + ", 1)", ArrayFiles.floats(z)));
    Files.write(temp.resolve("y.npy"), ArrayFiles.npy("<i4", "(" + ROWS + ",)", ArrayFiles.ints(y)));
    String two = """
        model two {
          input  x: f32[B, 2]
          input  z: f32[B, 1]
          target y: class[B] of 2
          output p = softmax(dense(concat((x, z)), 2))
          loss = cross_entropy(p, y)
        }
        train two {
          data npy(x = "x.npy", z = "z.npy", y = "y.npy")
          optimizer adam(lr = 0.1); batch 8; epochs 3; seed 2
        }
        """;
    Path nn = temp.resolve("two.nn");
    Path run = train("two", two);
    String xs = temp.resolve("x.npy").toString();
    String zs = temp.resolve("z.npy").toString();
    CliRun named = predict(nn, run, "z=" + zs, "x=" + xs);
    assertEquals(0, named.status(), named.err());
    List<String> lines = named.out().lines().toList();
    assertEquals("p[0],p[1],p.class", lines.get(0));
    assertEquals(ROWS + 1, lines.size());
    // the same file for both inputs is refused by shape, not silently read
    CliRun swapped = predict(nn, run, "x=" + zs, "z=" + xs);
    assertEquals(1, swapped.status(), swapped.err());
    assertTrue(swapped.err().contains("z.npy"), swapped.err());

    assertRefused(predict(nn, run, xs), "has inputs x, z; name the input each file feeds, e.g. --input x=FILE");
    assertRefused(predict(nn, run, "x=" + xs), "no file for z of model two");
    assertRefused(predict(nn, run, "x=" + xs, "zz=" + zs), "has no input 'zz'; did you mean 'z'?");
    assertRefused(predict(nn, run, "x=" + xs, "x=" + xs), "input 'x' is given twice");
    Path csv = temp.resolve("rows.csv");
    Files.writeString(csv, "0.1,0.2,0.3\n");
    assertRefused(predict(nn, run, "x=" + xs, "z=" + csv), "a CSV file holds every input in its columns");
    CliRun keep = CliRun.of("predict", nn.toString(), "--checkpoint", run.resolve("last.safetensors").toString(),
        "--input", "x=" + xs, "--input", "z=" + zs, "--keep", "id");
    assertRefused(keep, "--keep copies columns of a CSV input");
  }

  private static void assertRefused(CliRun r, String message) {
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertTrue(!r.err().contains("\tat "), r.err());
  }

  @Test
  void idxAndNpyInputsPredictAsTheirCsvRows() throws IOException {
    byte[] pixels = new byte[ROWS * 4];
    random.nextBytes(pixels);
    int[] labels = new int[ROWS];
    StringBuilder csv = new StringBuilder();
    float[] raw = new float[ROWS * 4];
    for (int i = 0; i < ROWS; i++) {
      labels[i] = (pixels[4 * i] & 0xff) > 127 ? 1 : 0;
      for (int j = 0; j < 4; j++) {
        raw[4 * i + j] = pixels[4 * i + j] & 0xff;
        csv.append(j > 0 ? "," : "").append(pixels[4 * i + j] & 0xff);
      }
      csv.append('\n');
    }
    byte[] labelBytes = new byte[ROWS];
    for (int i = 0; i < ROWS; i++) {
      labelBytes[i] = (byte) labels[i];
    }
    Files.write(temp.resolve("images-ubyte"), ArrayFiles.idxBytes(new int[] {ROWS, 2, 2}, pixels));
    Files.write(temp.resolve("labels-ubyte"), ArrayFiles.idxBytes(new int[] {ROWS}, labelBytes));
    Files.write(temp.resolve("images.npy"), ArrayFiles.npy("<f4", "(" + ROWS + ", 2, 2)", ArrayFiles.floats(raw)));
    Files.writeString(temp.resolve("images.csv"), csv.toString());
    String program = """
        model pixels {
          input  x: f32[B, 2, 2]
          target y: class[B] of 2
          output p = softmax(dense(flatten(x), 2))
          loss = cross_entropy(p, y)
        }
        train pixels {
          data idx("images-ubyte", "labels-ubyte", scale = 1 / 255)
          optimizer adam(lr = 0.1); batch 8; epochs 3; seed 2
        }
        """;
    Path nn = temp.resolve("pixels.nn");
    Path run = train("pixels", program);
    CliRun fromCsv = predict(nn, run, temp.resolve("images.csv").toString());
    CliRun fromIdx = predict(nn, run, temp.resolve("images-ubyte").toString());
    CliRun fromNpy = predict(nn, run, "x=" + temp.resolve("images.npy"));
    for (CliRun r : List.of(fromCsv, fromIdx, fromNpy)) {
      assertEquals(0, r.status(), r.err());
    }
    assertEquals(ROWS + 1, fromCsv.out().lines().count());
    assertEquals(fromCsv.out(), fromIdx.out());
    assertEquals(fromCsv.out(), fromNpy.out());
    assertNotEquals(fromCsv.out().lines().skip(1).findFirst(), fromCsv.out().lines().skip(2).findFirst());
  }
}
