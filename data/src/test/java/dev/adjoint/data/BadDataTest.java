package dev.adjoint.data;

import static dev.adjoint.data.CsvTest.assertError;
import static dev.adjoint.data.Specs.f32;
import static dev.adjoint.data.Specs.f64;
import static dev.adjoint.data.Specs.i32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproducers of issue 12's bad-data findings: values that are not finite, ids past what
 * the model reads, empty arrays, bytes that are not UTF-8, gzip bombs, broken IDX headers and
 * data paths that are no regular files. Each ends in a {@link DataException} naming the file
 * (and the line or sample), never in another exception or silently read data.
 */
class BadDataTest {
  private static final IdLimit TABLE = new IdLimit(10, true, Set.of(), "the 10 rows of e.table (m.nn:5:7)");
  private static final IdLimit CLASSES = new IdLimit(10, false, Set.of(-1), "the 10 classes of cross_entropy");

  @TempDir
  Path dir;

  // ---- values that are not finite ----------------------------------------------------

  @Test
  void aCsvNumberTooLargeForItsDtypeIsRefusedWithLineAndColumn() throws IOException {
    Path f32 = write("big.csv", "a,b\n1,2\n1e39,3\n");
    assertError(f32 + ":3: column 'a': 1e39 is too large for x, an f32 (at most \u00b13.4028235E38)",
        () -> Csv.read(f32, true, ',', Map.of(), Specs.of(f32("x"), f32("y")), Map.of(), Map.of()));
    Path f64 = write("huge.csv", "a,b\n1,1e309\n");
    assertError(f64 + ":2: column 'b': 1e309 is too large for y, an f64 (at most \u00b11.7976931348623157E308)",
        () -> Csv.read(f64, true, ',', Map.of(), Specs.of(f32("x"), f64("y")), Map.of(), Map.of()));
    Path fits = write("fits.csv", "a,b\n3.4e38,1e-50\n");
    assertArrayEquals(new float[] {3.4e38f}, Csv.read(fits, true, ',', Map.of(), Specs.of(f32("x"), f32("y")),
        Map.of(), Map.of()).f32("x"));
  }

  @Test
  void nanAndInfinityInNpyAreRefusedWithSampleAndValue() throws IOException {
    Path nan = write("nan.npy", Bytes.npy("<f4", "(2, 2)", Bytes.floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, Float.NaN)));
    assertError(nan + ": sample 1, value 1: NaN is not a finite number; every value of x must be",
        () -> Npy.read(Map.of("x", nan), Specs.of(f32("x", 2)), Map.of()));
    Path inf = write("inf.npy", Bytes.npy("<f8", "(2,)", Bytes.doubles(ByteOrder.LITTLE_ENDIAN, 1,
        Double.NEGATIVE_INFINITY)));
    assertError(inf + ": sample 1: -Infinity is not a finite number; every value of x must be",
        () -> Npy.read(Map.of("x", inf), Specs.of(f64("x")), Map.of()));
    Path big = write("big.npy", Bytes.npy("<f8", "(1,)", Bytes.doubles(ByteOrder.LITTLE_ENDIAN, 1e39)));
    assertError(big + ": sample 0: 1.0E39 is too large for x: f32[B] (at most \u00b13.4028235E38)",
        () -> Npy.read(Map.of("x", big), Specs.of(f32("x")), Map.of()));
  }

  @Test
  void nanInFloatIdxAndOverflowByTheScaleAreRefused() throws IOException {
    Path nan = write("nan.idx", Bytes.idxFloat(new int[] {2}, 0.5f, Float.NaN));
    assertError(nan + ": sample 1: NaN is not a finite number; every value of x must be",
        () -> Idx.read(Map.of("x", nan), Specs.of(f32("x")), Set.of("x"), Map.of(), 1));
    Path big = write("big.idx", Bytes.idxFloat(new int[] {1}, 3e38f));
    assertError(big + ": sample 0: 3.0E38 times the scale 10.0 is too large for x: f32[B]",
        () -> Idx.read(Map.of("x", big), Specs.of(f32("x")), Set.of("x"), Map.of(), 10));
  }

  // ---- ids and labels past what the model reads ----------------------------------------

  @Test
  void idsPastTheTableAreNamedWithFileLineAndColumn() throws IOException {
    Path csv = write("ids.csv", "t1,t2,y\n1,-1,0.5\n3,12,0.5\n");
    assertError(csv + ":3: column 't2': value 12 is out of range for ids: expected 0..9 or a negative id "
        + "(padding), the 10 rows of e.table (m.nn:5:7)",
        () -> Csv.read(csv, true, ',', Map.of("ids", List.of("t1", "t2"), "y", List.of("y")),
            Specs.of(i32("ids", 2), f32("y")), Map.of(), Map.of(), Map.of("ids", TABLE)));
    Path npy = write("ids.npy", Bytes.npy("<i8", "(2, 2)", Bytes.longs(ByteOrder.LITTLE_ENDIAN, 1, 2, 10, -3)));
    assertError(npy + ": sample 1, value 0: value 10 is out of range for ids: expected 0..9 or a negative id "
        + "(padding), the 10 rows of e.table (m.nn:5:7)",
        () -> Npy.read(Map.of("ids", npy), Specs.of(i32("ids", 2)), Map.of(), Map.of("ids", TABLE)));
  }

  @Test
  void labelsPastTheClassesAreNamedButTheIgnoredIndexPasses() throws IOException {
    Path idx = write("labels.idx", Bytes.idxInt(new int[] {3}, 9, -1, 12));
    assertError(idx + ": sample 2: value 12 is out of range for y: expected 0..9 or -1, the 10 classes of "
        + "cross_entropy", () -> Idx.read(Map.of("y", idx), Specs.of(i32("y")), Set.of(), Map.of(), 1,
            Map.of("y", CLASSES)));
    Path negative = write("negative.csv", "y\n-2\n");
    assertError(negative + ":2: column 'y': value -2 is out of range for y: expected 0..9 or -1, the 10 "
        + "classes of cross_entropy", () -> Csv.read(negative, true, ',', Map.of(), Specs.of(i32("y")), Map.of(),
            Map.of(), Map.of("y", CLASSES)));
    Path fine = write("fine.csv", "y\n9\n-1\n0\n");
    assertArrayEquals(new int[] {9, -1, 0}, Csv.read(fine, true, ',', Map.of(), Specs.of(i32("y")), Map.of(),
        Map.of(), Map.of("y", CLASSES)).i32("y"));
  }

  // ---- empty data, encodings ---------------------------------------------------------------

  @Test
  void anEmptyArrayIsRefused() throws IOException {
    Path empty = write("empty.npy", Bytes.npy("<f4", "(0, 3)", new byte[0]));
    assertError(empty + ": holds no samples (shape [0, 3]); x needs at least one",
        () -> Npy.read(Map.of("x", empty), Specs.of(f32("x", 3)), Map.of()));
    Path idx = write("empty.idx", Bytes.idxUbyte(new int[] {0}));
    assertError(idx + ": holds no samples (shape [0]); y needs at least one",
        () -> Idx.read(Map.of("y", idx), Specs.of(i32("y")), Set.of(), Map.of(), 1));
  }

  @Test
  void aByteThatIsNotUtf8IsNamedWithItsLine() throws IOException {
    Path file = dir.resolve("latin1.csv");
    Files.write(file, "a,b\r\n1,2\r\n3,4\r\n5,\u00e96\r\n".getBytes(StandardCharsets.ISO_8859_1));
    String expected = file + ":4: the file is not UTF-8 text: byte 0xe9 is not part of a UTF-8 character; save it "
        + "as UTF-8";
    assertError(expected, () -> Csv.read(file, true, ',', Map.of(), Specs.of(f32("x"), f32("y")), Map.of(),
        Map.of()));
    Path first = dir.resolve("first.csv");
    Files.write(first, "a,\u00e9\n1,2\n".getBytes(StandardCharsets.ISO_8859_1));
    assertError(first + ":1: the file is not UTF-8 text: byte 0xe9 is not part of a UTF-8 character; save it as "
        + "UTF-8", () -> Csv.firstLine(first, ','));
    Path cut = dir.resolve("cut.csv");
    byte[] euro = "a\n1\n\u20ac".getBytes(StandardCharsets.UTF_8);
    Files.write(cut, java.util.Arrays.copyOf(euro, euro.length - 1));
    assertError(cut + ":3: the file is not UTF-8 text: byte 0xe2 is not part of a UTF-8 character; save it as "
        + "UTF-8", () -> Csv.read(cut, true, ',', Map.of(), Specs.of(f32("x")), Map.of(), Map.of()));
  }

  // ---- compressed and broken headers ---------------------------------------------------

  @Test
  void aGzipBombStopsAtTheLengthItsHeaderAnnounces() throws IOException {
    byte[] header = Bytes.idxUbyte(new int[] {10}, new int[10]);
    byte[] bomb = Bytes.gzip(java.util.Arrays.copyOf(header, 64 << 20));
    Path file = write("bomb.idx.gz", bomb);
    assertError(file + ": the file decompresses to more than the 10 bytes of data its header announces (shape [10] "
        + "of 1-byte values)", () -> Idx.read(Map.of("y", file), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    Path liar = write("liar.idx.gz", Bytes.gzip(Bytes.idx(0x0E, new int[] {1 << 28}, new byte[8])));
    assertError(liar + ": the header announces 2147483648 bytes of data (shape [268435456] of 8-byte values), more "
        + "than one array can hold", () -> Idx.read(Map.of("y", liar), Specs.of(f64("y")), Set.of(), Map.of(), 1));
    Path small = write("small.idx.gz", Bytes.gzip(Bytes.idx(0x08, new int[] {100_000_000}, new byte[8])));
    long size = Files.size(small);
    assertError(small + ": the header announces 100000000 bytes of data (shape [100000000] of 1-byte values), more "
        + "than a gzip file of " + size + " bytes can hold",
        () -> Idx.read(Map.of("y", small), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    Path plainBig = write("plain.idx", Bytes.idx(0x08, new int[] {100_000_000}, new byte[8]));
    assertError(plainBig + ": the header announces 100000000 bytes of data (shape [100000000] of 1-byte values), "
        + "but the file has 8", () -> Idx.read(Map.of("y", plainBig), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    byte[] fine = Bytes.idxUbyte(new int[] {3}, 1, 2, 3);
    assertArrayEquals(new int[] {1, 2, 3}, Idx.read(Map.of("y", write("fine.idx.gz", Bytes.gzip(fine))),
        Specs.of(i32("y")), Set.of(), Map.of(), 1).i32("y"));
  }

  @Test
  void brokenIdxHeadersAreRefused() throws IOException {
    Path magic = write("magic.idx", Bytes.bytes(0, 1, 8, 1, 0, 0, 0, 1, 7));
    assertError(magic + ": not an IDX file: it starts with 00 01 08 01, expected 00 00, a type code and the number "
        + "of dimensions", () -> Idx.read(Map.of("y", magic), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    Path negative = write("negative.idx", Bytes.idx(0x08, new int[] {2, -1}, new byte[0]));
    assertError(negative + ": dimension 1 is 4294967295, more than an array can hold",
        () -> Idx.read(Map.of("y", negative), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    Path many = write("many.idx", Bytes.idx(0x08, new int[] {65536, 65536}, new byte[0]));
    assertError(many + ": shape [65536, 65536] holds more values than an array can (2147483647)",
        () -> Idx.read(Map.of("y", many), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    Path rank0 = write("rank0.idx", Bytes.idx(0x08, new int[0], new byte[1]));
    assertError(rank0 + ": the file has no dimensions; expected the samples as the first",
        () -> Idx.read(Map.of("y", rank0), Specs.of(i32("y")), Set.of(), Map.of(), 1));
  }

  // ---- paths that are no regular files -------------------------------------------------

  @Test
  void aFolderIsNamedAsAFolder() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("folder.csv"));
    assertError(folder + ": is a folder, not a file",
        () -> Csv.read(folder, true, ',', Map.of(), Specs.of(f32("x")), Map.of(), Map.of()));
    assertError(folder + ": is a folder, not a file",
        () -> Npy.read(Map.of("x", folder), Specs.of(f32("x")), Map.of()));
    assertEquals("is a folder, not a file", DataFiles.problem(folder));
    assertEquals("no such file", DataFiles.problem(dir.resolve("missing")));
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling.csv"), dir.resolve("gone.csv"));
    assertEquals("is a symbolic link to nothing", DataFiles.problem(dangling));
    Path link = Files.createSymbolicLink(dir.resolve("link.csv"), write("target.csv", "x\n1\n"));
    assertEquals(null, DataFiles.problem(link));
  }

  @Test
  void devicesAndPipesAreNamedAndNeverRead() throws Exception {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero), "a Unix device");
    assertError("/dev/zero: is a character device, not a regular file",
        () -> Idx.read(Map.of("y", zero), Specs.of(i32("y")), Set.of(), Map.of(), 1));
    assertError("/dev/zero: is a character device, not a regular file",
        () -> Csv.read(zero, false, ',', Map.of(), Specs.of(f32("x")), Map.of(), Map.of()));
    Path fifo = dir.resolve("fifo.csv");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      mkfifo = null;
    }
    assumeTrue(mkfifo != null && mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
    assertError(fifo + ": is a named pipe (FIFO), not a regular file",
        () -> Csv.read(fifo, true, ',', Map.of(), Specs.of(f32("x")), Map.of(), Map.of()));
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }
}
