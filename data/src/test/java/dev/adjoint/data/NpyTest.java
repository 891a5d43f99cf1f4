package dev.adjoint.data;

import static dev.adjoint.data.CsvTest.assertError;
import static dev.adjoint.data.IdxTest.files;
import static dev.adjoint.data.Specs.f32;
import static dev.adjoint.data.Specs.f64;
import static dev.adjoint.data.Specs.i32;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir
  Path dir;

  @Test
  void readsFloatsAndClassIndices() throws IOException {
    Path x = write("x.npy", Bytes.npy("<f4", "(2, 3)", Bytes.floats(LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6)));
    Path y = write("y.npy", Bytes.npy("<i4", "(2,)", Bytes.ints(LITTLE_ENDIAN, 1, 0)));
    Dataset d = Npy.read(files("x", x, "y", y), Specs.of(f32("x", 3), i32("y")), Map.of("y", 2));
    assertEquals(2, d.size());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.f32("x"));
    assertArrayEquals(new int[] {1, 0}, d.i32("y"));
  }

  @Test
  void everyDtypeAndByteOrderConvertsToTheColumnsDtype() throws IOException {
    assertArrayEquals(new double[] {0.1, -2}, read("<f8", "(2,)", Bytes.doubles(LITTLE_ENDIAN, 0.1, -2), f64("v"))
        .f64("v"));
    assertArrayEquals(new double[] {0.1, -2}, read(">f8", "(2,)", Bytes.doubles(BIG_ENDIAN, 0.1, -2), f64("v"))
        .f64("v"));
    assertArrayEquals(new float[] {0.5f, 3}, read(">f4", "(2, 1)", Bytes.floats(BIG_ENDIAN, 0.5f, 3), f32("v", 1))
        .f32("v"));
    assertArrayEquals(new float[] {0.1f}, read("<f8", "(1,)", Bytes.doubles(LITTLE_ENDIAN, 0.1), f32("v")).f32("v"));
    assertArrayEquals(new int[] {-5, 7}, read("<i8", "(2,)", Bytes.longs(LITTLE_ENDIAN, -5, 7), i32("v")).i32("v"));
    assertArrayEquals(new int[] {-5, 7}, read(">i8", "(2,)", Bytes.longs(BIG_ENDIAN, -5, 7), i32("v")).i32("v"));
    assertArrayEquals(new int[] {3, 4}, read("<f8", "(2,)", Bytes.doubles(LITTLE_ENDIAN, 3, 4), i32("v")).i32("v"));
    assertArrayEquals(new float[] {255, 1}, read("|u1", "(2,)", Bytes.bytes(255, 1), f32("v")).f32("v"));
    assertArrayEquals(new float[] {255, 1}, read("<u1", "(2,)", Bytes.bytes(255, 1), f32("v")).f32("v"));
    assertArrayEquals(new int[] {-1, 1}, read("|i1", "(2,)", Bytes.bytes(255, 1), i32("v")).i32("v"));
    assertArrayEquals(new int[] {1, 0, 1}, read("|b1", "(3,)", Bytes.bytes(1, 0, 1), i32("v")).i32("v"));
    assertArrayEquals(new float[] {1, 0}, read("|b1", "(2,)", Bytes.bytes(1, 0), f32("v")).f32("v"));
    assertArrayEquals(new int[] {65535, 1}, read("<u2", "(2,)", Bytes.bytes(255, 255, 1, 0), i32("v")).i32("v"));
  }

  @Test
  void samplesOfSeveralDimensionsFeedFlatColumns() throws IOException {
    byte[] data = Bytes.floats(LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6, 7, 8);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, read("<f4", "(2, 2, 2)", data, f32("v", 4)).f32("v"));
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, read("<f4", "(2, 4)", data, f32("v", 2, 2)).f32("v"));
  }

  @Test
  void imageSamplesMustHaveTheDeclaredChannelsLastShape() throws IOException {
    byte[] data = Bytes.floats(LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
        read("<f4", "(1, 2, 2, 3)", data, f32("v", 2, 2, 3)).f32("v"));
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
        read("<f4", "(1, 12)", data, f32("v", 2, 2, 3)).f32("v"));
    Path channelsFirst = write("cf.npy", Bytes.npy("<f4", "(1, 3, 2, 2)", data));
    assertError(channelsFirst + ": holds samples of shape [3, 2, 2], but v: f32[B,2,2,3] takes samples of shape"
        + " [2, 2, 3] (images are channels-last: [H, W, C])",
        () -> Npy.read(Map.of("v", channelsFirst), Specs.of(f32("v", 2, 2, 3)), Map.of()));
  }

  @Test
  void formatVersionsTwoAndThree() throws IOException {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    byte[] data = Bytes.floats(LITTLE_ENDIAN, 1.5f, 2.5f);
    for (int major = 1; major <= 3; major++) {
      Path file = write("v" + major + ".npy", Bytes.npy(major, dict, data));
      assertArrayEquals(new float[] {1.5f, 2.5f}, Npy.read(Map.of("v", file), Specs.of(f32("v")), Map.of()).f32("v"));
    }
    Path quoted = write("quoted.npy", Bytes.npy(1, "{\"shape\": (1,), \"fortran_order\": False, \"descr\": \"<f4\"}",
        Bytes.floats(LITTLE_ENDIAN, 7)));
    assertArrayEquals(new float[] {7}, Npy.read(Map.of("v", quoted), Specs.of(f32("v")), Map.of()).f32("v"));
  }

  @Test
  void gzippedNpy() throws IOException {
    Path file = write("x.npy.gz", Bytes.gzip(Bytes.npy("<f4", "(1, 2)", Bytes.floats(LITTLE_ENDIAN, 1, 2))));
    assertArrayEquals(new float[] {1, 2}, Npy.read(Map.of("x", file), Specs.of(f32("x", 2)), Map.of()).f32("x"));
  }

  @Test
  void readsTheCompilerTestsTinyNpy() {
    Path data = Path.of("../compiler/src/test/resources/programs/valid/data");
    Dataset d = Npy.read(files("x", data.resolve("x.npy"), "y", data.resolve("y.npy")),
        Specs.of(f32("x", 3), i32("y")), Map.of("y", 2));
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.f32("x"));
    assertArrayEquals(new int[] {0, 1}, d.i32("y"));
  }

  // ---- errors ------------------------------------------------------------------------

  @Test
  void fortranOrderIsRejected() throws IOException {
    Path file = write("f.npy", Bytes.npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
        new byte[16]));
    assertError(file + ": the array is in Fortran order (fortran_order: True); only C order is supported: save it "
        + "with np.save(path, np.ascontiguousarray(a))", () -> Npy.read(Map.of("x", file), Specs.of(f32("x", 2)),
            Map.of()));
  }

  @Test
  void unsupportedDtypes() throws IOException {
    Path strings = write("s.npy", Bytes.npy("<U5", "(1,)", new byte[20]));
    assertError(strings + ": unsupported dtype '<U5'; expected bool ('|b1'), integers ('<i4', '<i8', '|u1', ...) or "
        + "floats ('<f4', '<f8')", () -> Npy.read(Map.of("x", strings), Specs.of(f32("x")), Map.of()));
    Path structured = write("r.npy", Bytes.npy(1, "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, "
        + "'shape': (1,), }", new byte[8]));
    assertError(structured + ": structured arrays (descr {'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': "
        + "False, 'shape': (1,), }) are not supported; save one plain array per input and target",
        () -> Npy.read(Map.of("x", structured), Specs.of(f32("x")), Map.of()));
  }

  @Test
  void shapesSizesAndValuesAreChecked() throws IOException {
    Path x = write("x.npy", Bytes.npy("<f4", "(2, 2)", Bytes.floats(LITTLE_ENDIAN, 1, 2, 3, 4)));
    assertError(x + ": holds 2 samples of shape [2] (2 values each), but x: f32[B,3] takes 3 values per sample",
        () -> Npy.read(Map.of("x", x), Specs.of(f32("x", 3)), Map.of()));
    Path scalar = write("scalar.npy", Bytes.npy("<f4", "()", Bytes.floats(LITTLE_ENDIAN, 1)));
    assertError(scalar + ": holds a single value (shape []), but x: f32[B] needs samples along the first dimension",
        () -> Npy.read(Map.of("x", scalar), Specs.of(f32("x")), Map.of()));
    Path y = write("y.npy", Bytes.npy("<i8", "(3,)", Bytes.longs(LITTLE_ENDIAN, 0, 1, 2)));
    assertError(x + " has 2 samples but " + y + " has 3; every file must hold the same number of samples",
        () -> Npy.read(files("x", x, "y", y), Specs.of(f32("x", 2), i32("y")), Map.of("y", 3)));
    assertError(y + ": sample 2: class index 2 is out of range for y: expected 0..1",
        () -> Npy.read(Map.of("y", y), Specs.of(i32("y")), Map.of("y", 2)));
    Path big = write("big.npy", Bytes.npy("<i8", "(1, 2)", Bytes.longs(LITTLE_ENDIAN, 1, 1L << 40)));
    assertError(big + ": sample 0, value 1: expected a 32-bit integer for ids: i32[B,2], got 1099511627776",
        () -> Npy.read(Map.of("ids", big), Specs.of(i32("ids", 2)), Map.of()));
    Path half = write("half.npy", Bytes.npy("<f8", "(2,)", Bytes.doubles(LITTLE_ENDIAN, 1, 0.5)));
    assertError(half + ": sample 1: expected a 32-bit integer for y: i32[B], got 0.5",
        () -> Npy.read(Map.of("y", half), Specs.of(i32("y")), Map.of()));
  }

  @Test
  void malformedFiles() throws IOException {
    Path text = write("text.npy", "hello, world".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertError(text + ": not a .npy file: it does not start with \\x93NUMPY",
        () -> Npy.read(Map.of("x", text), Specs.of(f32("x")), Map.of()));
    Path version = write("v4.npy", Bytes.npy(4, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
        new byte[4]));
    assertError(version + ": .npy format version 4.0 is not supported; expected 1.0, 2.0 or 3.0",
        () -> Npy.read(Map.of("x", version), Specs.of(f32("x")), Map.of()));
    Path truncated = write("t.npy", Bytes.npy("<f4", "(3,)", new byte[8]));
    assertError(truncated + ": the header announces 12 bytes of data (shape [3] of 4-byte values), but the file has 8",
        () -> Npy.read(Map.of("x", truncated), Specs.of(f32("x")), Map.of()));
    Path header = write("h.npy", Bytes.npy(1, "{'descr': '<f4', 'shape': (1,), }", new byte[4]));
    assertError(header + ": the .npy header lacks 'descr', 'fortran_order' or 'shape': {'descr': '<f4', 'shape': "
        + "(1,), }", () -> Npy.read(Map.of("x", header), Specs.of(f32("x")), Map.of()));
    Path garbled = write("g.npy", Bytes.npy(1, "{'descr' '<f4'}", new byte[4]));
    assertError(garbled + ": malformed .npy header at character 9: {'descr' '<f4'}",
        () -> Npy.read(Map.of("x", garbled), Specs.of(f32("x")), Map.of()));
    Path cut = write("cut.npy", java.util.Arrays.copyOf(Bytes.npy("<f4", "(1,)", new byte[4]), 20));
    assertError(cut + ": the file ends inside its .npy header",
        () -> Npy.read(Map.of("x", cut), Specs.of(f32("x")), Map.of()));
  }

  private Dataset read(String descr, String shape, byte[] data, dev.adjoint.runtime.model.TensorSpec spec)
      throws IOException {
    Path file = Files.createTempFile(dir, "a", ".npy");
    Files.write(file, Bytes.npy(descr, shape, data));
    return Npy.read(Map.of(spec.name(), file), Specs.of(spec), Map.of());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }
}
