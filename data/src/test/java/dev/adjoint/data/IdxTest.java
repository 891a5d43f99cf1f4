package dev.adjoint.data;

import static dev.adjoint.data.CsvTest.assertError;
import static dev.adjoint.data.Specs.f32;
import static dev.adjoint.data.Specs.f64;
import static dev.adjoint.data.Specs.i32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  private static final Map<String, TensorSpec> DIGITS = Specs.of(f32("x", 4), i32("y"));

  @TempDir
  Path dir;

  @Test
  void imagesFeedFlatInputsScaledAndLabelsFeedClassTargets() throws IOException {
    Path images = write("images.idx", Bytes.idxUbyte(new int[] {3, 2, 2}, 0, 255, 128, 3, 9, 8, 7, 6, 1, 2, 3, 4));
    Path labels = write("labels.idx", Bytes.idxUbyte(new int[] {3}, 1, 0, 9));
    Dataset d = Idx.read(files("x", images, "y", labels), DIGITS, Set.of("x"), Map.of("y", 10), 1 / 255.0);
    assertEquals(3, d.size());
    assertEquals(java.util.List.of("x", "y"), java.util.List.copyOf(d.columns()));
    float[] x = d.f32("x");
    assertEquals((float) (255 * (1 / 255.0)), x[1]);
    assertEquals((float) (128 * (1 / 255.0)), x[2]);
    assertEquals((float) (4 * (1 / 255.0)), x[11]);
    assertArrayEquals(new int[] {1, 0, 9}, d.i32("y"));
  }

  @Test
  void gzippedFilesAreRecognizedByTheirMagicBytes() throws IOException {
    byte[] images = Bytes.idxUbyte(new int[] {2, 4}, 1, 2, 3, 4, 5, 6, 7, 8);
    byte[] labels = Bytes.idxUbyte(new int[] {2}, 1, 0);
    Dataset plain = Idx.read(files("x", write("i.idx", images), "y", write("l.idx", labels)), DIGITS, Set.of("x"),
        Map.of("y", 2), 1);
    Dataset zipped = Idx.read(files("x", write("i.gz", Bytes.gzip(images)), "y", write("l.gz", Bytes.gzip(labels))),
        DIGITS, Set.of("x"), Map.of("y", 2), 1);
    assertArrayEquals(plain.f32("x"), zipped.f32("x"));
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, zipped.f32("x"));
    assertArrayEquals(new int[] {1, 0}, zipped.i32("y"));
  }

  @Test
  void intFloatAndOtherTypesConvertToTheColumnsDtype() throws IOException {
    Path ints = write("ints.idx", Bytes.idxInt(new int[] {2, 1}, -7, 100000));
    Path floats = write("floats.idx", Bytes.idxFloat(new int[] {2}, 0.25f, -1.5f));
    Path doubles = write("doubles.idx", Bytes.idx(0x0E, new int[] {2}, Bytes.doubles(java.nio.ByteOrder.BIG_ENDIAN,
        0.1, 2)));
    Path shorts = write("shorts.idx", Bytes.idx(0x0B, new int[] {2}, Bytes.bytes(0xFF, 0xFE, 0x01, 0x00)));
    Path signed = write("signed.idx", Bytes.idx(0x09, new int[] {2}, Bytes.bytes(0xFF, 0x7F)));
    Map<String, Path> files = new LinkedHashMap<>();
    files.put("ids", ints);
    files.put("v", floats);
    files.put("w", doubles);
    files.put("s", shorts);
    files.put("b", signed);
    Dataset d = Idx.read(files, Specs.of(i32("ids", 1), f32("v"), f64("w"), f32("s"), i32("b")),
        Set.of("ids", "v", "w", "s", "b"), Map.of(), 2);
    assertArrayEquals(new int[] {-7, 100000}, d.i32("ids"), "i32 inputs are not scaled");
    assertArrayEquals(new float[] {0.5f, -3f}, d.f32("v"));
    assertArrayEquals(new double[] {0.2, 4}, d.f64("w"));
    assertArrayEquals(new float[] {-4, 512}, d.f32("s"));
    assertArrayEquals(new int[] {-1, 127}, d.i32("b"));
  }

  @Test
  void scaleAppliesToInputsOnly() throws IOException {
    Path x = write("x.idx", Bytes.idxUbyte(new int[] {1, 1}, 10));
    Path t = write("t.idx", Bytes.idxUbyte(new int[] {1, 1}, 10));
    Dataset d = Idx.read(files("x", x, "t", t), Specs.of(f32("x", 1), f32("t", 1)), Set.of("x"), Map.of(), 0.5);
    assertArrayEquals(new float[] {5}, d.f32("x"));
    assertArrayEquals(new float[] {10}, d.f32("t"));
  }

  @Test
  void readsTheShippedMnist() {
    Dataset d = Idx.read(files("x", Path.of("../examples/mnist/data/mnist-images.idx.gz"),
        "y", Path.of("../examples/mnist/data/mnist-labels.idx.gz")), Specs.of(f32("x", 784), i32("y")), Set.of("x"),
        Map.of("y", 10), 1 / 255.0);
    assertEquals(10000, d.size());
    float max = 0;
    for (float v : d.f32("x")) {
      assertTrue(v >= 0 && v <= 1);
      max = Math.max(max, v);
    }
    assertEquals(1f, max);
    int[] counts = new int[10];
    for (int label : d.i32("y")) {
      counts[label]++;
    }
    for (int c : counts) {
      assertTrue(c > 800, "every digit is there: " + java.util.Arrays.toString(counts));
    }
    assertArrayEquals(new int[] {8, 0, 2, 0}, java.util.Arrays.copyOf(d.i32("y"), 4));
  }

  @Test
  void readsTheCompilerTestsTinyIdx() {
    Path data = Path.of("../compiler/src/test/resources/programs/valid/data");
    Dataset d = Idx.read(files("x", data.resolve("images.idx.gz"), "y", data.resolve("labels.idx.gz")), DIGITS,
        Set.of("x"), Map.of("y", 2), 1);
    assertArrayEquals(new float[] {0, 255, 128, 3, 9, 8, 7, 6}, d.f32("x"));
    assertArrayEquals(new int[] {1, 0}, d.i32("y"));
  }

  // ---- errors ------------------------------------------------------------------------

  @Test
  void samplesMustHoldTheValuesOfTheColumn() throws IOException {
    Path images = write("images.idx", Bytes.idxUbyte(new int[] {2, 3, 3}, new int[18]));
    Path labels = write("labels.idx", Bytes.idxUbyte(new int[] {2}, 0, 1));
    assertError(images + ": holds 2 samples of shape [3, 3] (9 values each), but x: f32[B,4] takes 4 values per "
        + "sample", () -> Idx.read(files("x", images, "y", labels), DIGITS, Set.of("x"), Map.of("y", 2), 1));
    assertError(labels + ": holds 2 samples of shape [] (1 value each), but y: i32[B,2] takes 2 values per sample",
        () -> Idx.read(Map.of("y", labels), Specs.of(i32("y", 2)), Set.of(), Map.of(), 1));
  }

  @Test
  void imagesFeedChannelsLastInputsOfTheirShape() throws IOException {
    Path images = write("images.idx", Bytes.idxUbyte(new int[] {2, 2, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    Path labels = write("labels.idx", Bytes.idxUbyte(new int[] {2}, 0, 1));
    for (var spec : java.util.List.of(f32("x", 2, 3, 1), f32("x", 2, 3))) {
      Dataset d = Idx.read(files("x", images, "y", labels), Specs.of(spec, i32("y")), Set.of("x"), Map.of("y", 2), 1);
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, d.f32("x"));
    }
    assertError(images + ": holds samples of shape [2, 3], but x: f32[B,3,2,1] takes samples of shape [3, 2, 1]"
        + " (images are channels-last: [H, W, C])", () -> Idx.read(files("x", images, "y", labels),
        Specs.of(f32("x", 3, 2, 1), i32("y")), Set.of("x"), Map.of("y", 2), 1));
    assertError(images + ": holds samples of shape [2, 3], but x: f32[B,4,4,1] takes samples of shape [4, 4, 1]"
        + " (images are channels-last: [H, W, C])", () -> Idx.read(files("x", images, "y", labels), Specs.of(f32("x", 4, 4, 1), i32("y")),
        Set.of("x"), Map.of("y", 2), 1));
  }

  @Test
  void everyFileHoldsTheSameNumberOfSamples() throws IOException {
    Path images = write("images.idx", Bytes.idxUbyte(new int[] {2, 4}, new int[8]));
    Path labels = write("labels.idx", Bytes.idxUbyte(new int[] {3}, 0, 1, 1));
    assertError(images + " has 2 samples but " + labels + " has 3; every file must hold the same number of samples",
        () -> Idx.read(files("x", images, "y", labels), DIGITS, Set.of("x"), Map.of("y", 2), 1));
  }

  @Test
  void labelsMustBeClassesOfTheTarget() throws IOException {
    Path images = write("images.idx", Bytes.idxUbyte(new int[] {2, 4}, new int[8]));
    Path labels = write("labels.idx", Bytes.idxUbyte(new int[] {2}, 1, 10));
    assertError(labels + ": sample 1: class index 10 is out of range for y: expected 0..9",
        () -> Idx.read(files("x", images, "y", labels), DIGITS, Set.of("x"), Map.of("y", 10), 1));
    Path floats = write("floats.idx", Bytes.idxFloat(new int[] {2}, 1, 0.5f));
    assertError(floats + ": sample 1: expected a 32-bit integer for y: i32[B], got 0.5",
        () -> Idx.read(files("x", images, "y", floats), DIGITS, Set.of("x"), Map.of("y", 10), 1));
  }

  @Test
  void malformedFiles() throws IOException {
    Path text = write("text.idx", "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertError(text + ": not an IDX file: it starts with 68 65 6c 6c, expected 00 00, a type code and the number "
        + "of dimensions", () -> Idx.read(Map.of("y", text), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    Path empty = write("empty.idx", new byte[0]);
    assertError(empty + ": not an IDX file: it starts with nothing (the file is empty), expected 00 00, a type code "
        + "and the number of dimensions", () -> Idx.read(Map.of("y", empty), Specs.of(i32("y")), Set.of(), Map.of(),
            1));
    Path type = write("type.idx", Bytes.idx(0x0A, new int[] {1}, new byte[1]));
    assertError(type + ": unknown IDX type code 0x0A; expected 0x08 (unsigned byte), 0x09 (signed byte), 0x0B "
        + "(short), 0x0C (int), 0x0D (float) or 0x0E (double)",
        () -> Idx.read(Map.of("y", type), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    Path shortData = write("short.idx", Bytes.idx(0x0C, new int[] {3}, new byte[8]));
    assertError(shortData + ": the header announces 12 bytes of data (shape [3] of 4-byte values), but the file has 8",
        () -> Idx.read(Map.of("y", shortData), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    Path header = write("header.idx", Bytes.bytes(0, 0, 8, 2, 0, 0, 0, 1));
    assertError(header + ": the file ends inside its header of 2 dimensions",
        () -> Idx.read(Map.of("y", header), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    Path brokenGzip = write("broken.gz", java.util.Arrays.copyOf(Bytes.gzip(new byte[100]), 12));
    DataException e = assertThrows(DataException.class,
        () -> Idx.read(Map.of("y", brokenGzip), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    assertTrue(e.getMessage().startsWith(brokenGzip + ": cannot gunzip the file: "), e.getMessage());
  }

  @Test
  void everyInputAndTargetHasOneFile() throws IOException {
    Path labels = write("labels.idx", Bytes.idxUbyte(new int[] {1}, 0));
    assertError("idx: no file for x: f32[B,4]; every input and target needs one",
        () -> Idx.read(Map.of("y", labels), DIGITS, Set.of("x"), Map.of(), 1));
    assertError("idx: a file for 'why', which is no input or target; did you mean 'y'? The inputs and targets are: y",
        () -> Idx.read(files("y", labels, "why", labels), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    assertError("idx: a file for 'labels', which is no input or target; the inputs and targets are: y",
        () -> Idx.read(files("y", labels, "labels", labels), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    Path missing = dir.resolve("missing.idx");
    assertError(missing + ": no such file", () -> Idx.read(Map.of("y", missing), Specs.of(i32("y")), Set.of(),
        Map.of(), 1));
    assertThrows(IllegalArgumentException.class, () -> Idx.read(Map.of("y", labels), Specs.of(i32("y")), Set.of(),
        Map.of(), 0));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }

  static Map<String, Path> files(String a, Path aFile, String b, Path bFile) {
    Map<String, Path> out = new LinkedHashMap<>();
    out.put(a, aFile);
    out.put(b, bFile);
    return out;
  }
}
