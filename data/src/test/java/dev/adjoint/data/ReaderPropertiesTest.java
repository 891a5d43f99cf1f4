package dev.adjoint.data;

import static dev.adjoint.data.Specs.f32;
import static dev.adjoint.data.Specs.f64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.TensorSpec;
import dev.adjoint.runtime.testing.Mutants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the data readers: valid IDX, .npy and CSV files read back the values they
 * were written with, and any bytes at all (random, or a valid file damaged) end either in a
 * data set or in a {@link DataException} whose message starts with the file, never in another
 * exception.
 */
class ReaderPropertiesTest {
  private static Path dir;

  @BeforeContainer
  static void createFolder() throws IOException {
    dir = Files.createTempDirectory("reader-properties");
  }

  @AfterContainer
  static void deleteFolder() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A valid array: its dimensions, element type, values and its bytes as IDX and as .npy. */
  record Array(int[] dims, int typeCode, double[] values, byte[] idx, byte[] npy) {
    /** The f64 column that takes it: its values after the first dimension as one sample. */
    TensorSpec spec() {
      return f64("x", Arrays.stream(dims, 1, dims.length).reduce(1, (a, b) -> a * b));
    }
  }

  // ---- round trips -------------------------------------------------------------------

  @Property(tries = 200)
  void idxReadsBackWhatWasWritten(@ForAll("arrays") Array a, @ForAll boolean gzip) {
    Path file = write("round.idx", gzip ? Bytes.gzip(a.idx()) : a.idx());
    Dataset d = Idx.read(Map.of("x", file), Map.of("x", a.spec()), Set.of(), Map.of(), 1);
    assertEquals(a.dims()[0], d.size());
    assertArrayEquals(a.values(), d.f64("x"));
  }

  @Property(tries = 200)
  void npyReadsBackWhatWasWritten(@ForAll("arrays") Array a, @ForAll boolean gzip) {
    Path file = write("round.npy", gzip ? Bytes.gzip(a.npy()) : a.npy());
    Dataset d = Npy.read(Map.of("x", file), Map.of("x", a.spec()), Map.of());
    assertEquals(a.dims()[0], d.size());
    assertArrayEquals(a.values(), d.f64("x"));
  }

  @Property(tries = 200)
  void csvReadsBackWhatWasWritten(@ForAll("matrices") float[][] rows, @ForAll boolean header) {
    StringBuilder text = new StringBuilder();
    int width = rows[0].length;
    if (header) {
      for (int c = 0; c < width; c++) {
        text.append(c > 0 ? "," : "").append("c").append(c);
      }
      text.append('\n');
    }
    for (float[] row : rows) {
      for (int c = 0; c < width; c++) {
        text.append(c > 0 ? "," : "").append(row[c]);
      }
      text.append(header ? "\r\n" : "\n");
    }
    Path file = write("round.csv", text.toString().getBytes(StandardCharsets.UTF_8));
    Dataset d = Csv.read(file, header, ',', Map.of(), Specs.of(f32("x", width)), Map.of(), Map.of());
    float[] expected = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, expected, r * width, width);
    }
    assertArrayEquals(expected, d.f32("x"));
  }

  // ---- any bytes -----------------------------------------------------------------------

  @Property(tries = 400)
  void damagedIdxEndsInADataException(@ForAll("arrays") Array a, @ForAll("seeds") long seed, @ForAll boolean gzip) {
    Random random = new Random(seed);
    byte[] bytes = Mutants.of(a.idx(), random);
    Path file = write("damaged.idx", gzip ? Bytes.gzip(bytes) : bytes);
    readsOrSays(file, () -> Idx.read(Map.of("x", file), Map.of("x", a.spec()), Set.of("x"), Map.of(), 0.5));
  }

  @Property(tries = 400)
  void damagedNpyEndsInADataException(@ForAll("arrays") Array a, @ForAll("seeds") long seed) {
    Path file = write("damaged.npy", Mutants.of(a.npy(), new Random(seed)));
    readsOrSays(file, () -> Npy.read(Map.of("x", file), Map.of("x", a.spec()), Map.of()));
  }

  @Property(tries = 400)
  void damagedCsvEndsInADataException(@ForAll("matrices") float[][] rows, @ForAll("seeds") long seed) {
    StringBuilder text = new StringBuilder("a,b,c\n");
    for (float[] row : rows) {
      text.append(row[0]).append(',').append(row.length > 1 ? row[1] : 1).append(",\"").append((int) row[0] % 3)
          .append("\"\n");
    }
    Path file = write("damaged.csv", Mutants.of(text.toString().getBytes(StandardCharsets.UTF_8), new Random(seed)));
    readsOrSays(file, () -> Csv.read(file, true, ',', Map.of(), Specs.of(f32("x", 2), Specs.i32("y")),
        Map.of("y", java.util.List.of()), Map.of("y", 3)));
    readsOrSays(file, () -> Csv.firstLine(file, ','));
  }

  @Property(tries = 200)
  void randomBytesEndInADataException(@ForAll byte[] bytes) {
    Path file = write("random.bin", bytes);
    readsOrSays(file, () -> Idx.read(Map.of("x", file), Map.of("x", f32("x")), Set.of(), Map.of(), 1));
    readsOrSays(file, () -> Npy.read(Map.of("x", file), Map.of("x", f32("x")), Map.of()));
    readsOrSays(file, () -> Csv.read(file, false, ',', Map.of(), Specs.of(f32("x")), Map.of(), Map.of()));
    Path zipped = write("random.gz", Bytes.gzip(bytes));
    readsOrSays(zipped, () -> Idx.read(Map.of("x", zipped), Map.of("x", f32("x")), Set.of(), Map.of(), 1));
  }

  // ---- generators ----------------------------------------------------------------------

  @Provide
  Arbitrary<Long> seeds() {
    return Arbitraries.longs();
  }

  @Provide
  Arbitrary<Array> arrays() {
    return Arbitraries.randomValue(ReaderPropertiesTest::array);
  }

  @Provide
  Arbitrary<float[][]> matrices() {
    return Arbitraries.randomValue(random -> {
      float[][] rows = new float[1 + random.nextInt(12)][1 + random.nextInt(4)];
      for (float[] row : rows) {
        for (int c = 0; c < row.length; c++) {
          row[c] = finiteFloat(random);
        }
      }
      return rows;
    });
  }

  private static Array array(Random random) {
    int rank = 1 + random.nextInt(3);
    int[] dims = new int[rank];
    int n = 1;
    for (int i = 0; i < rank; i++) {
      dims[i] = 1 + random.nextInt(i == 0 ? 6 : 4);
      n *= dims[i];
    }
    int[] codes = {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E};
    int code = codes[random.nextInt(codes.length)];
    int width = code == 0x08 || code == 0x09 ? 1 : code == 0x0B ? 2 : code == 0x0E ? 8 : 4;
    double[] values = new double[n];
    ByteBuffer big = ByteBuffer.allocate(n * width).order(ByteOrder.BIG_ENDIAN);
    ByteOrder npyOrder = random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    ByteBuffer npyData = ByteBuffer.allocate(n * width).order(npyOrder);
    for (int i = 0; i < n; i++) {
      switch (code) {
        case 0x08 -> { int v = random.nextInt(256); values[i] = v; big.put((byte) v); npyData.put((byte) v); }
        case 0x09 -> { byte v = (byte) random.nextInt(); values[i] = v; big.put(v); npyData.put(v); }
        case 0x0B -> { short v = (short) random.nextInt(); values[i] = v; big.putShort(v); npyData.putShort(v); }
        case 0x0C -> { int v = random.nextInt(); values[i] = v; big.putInt(v); npyData.putInt(v); }
        case 0x0D -> { float v = finiteFloat(random); values[i] = v; big.putFloat(v); npyData.putFloat(v); }
        default -> { double v = finiteDouble(random); values[i] = v; big.putDouble(v); npyData.putDouble(v); }
      }
    }
    String kind = switch (code) {
      case 0x08 -> "|u1";
      case 0x09 -> "|i1";
      case 0x0B -> "i2";
      case 0x0C -> "i4";
      case 0x0D -> "f4";
      default -> "f8";
    };
    String descr = kind.startsWith("|") ? kind : (npyOrder == ByteOrder.LITTLE_ENDIAN ? "<" : ">") + kind;
    StringBuilder shape = new StringBuilder("(");
    for (int d : dims) {
      shape.append(d).append(", ");
    }
    String shapeText = rank == 1 ? "(" + dims[0] + ",)" : shape.substring(0, shape.length() - 2) + ")";
    byte[] npy = Bytes.npy(1 + random.nextInt(3), "{'descr': '" + descr + "', 'fortran_order': False, 'shape': "
        + shapeText + ", }", npyData.array());
    return new Array(dims, code, values, Bytes.idx(code, dims, big.array()), npy);
  }

  private static float finiteFloat(Random random) {
    float v;
    do {
      v = random.nextBoolean() ? Float.intBitsToFloat(random.nextInt()) : (float) (random.nextGaussian() * 10);
    } while (!Float.isFinite(v));
    return v;
  }

  private static double finiteDouble(Random random) {
    double v;
    do {
      v = random.nextBoolean() ? Double.longBitsToDouble(random.nextLong()) : random.nextGaussian();
    } while (!Double.isFinite(v));
    return v;
  }

  // ---- checks --------------------------------------------------------------------------

  /** Runs {@code read}: it returns, or throws a DataException whose message starts with the file. */
  static void readsOrSays(Path file, Runnable read) {
    try {
      read.run();
    } catch (DataException e) {
      assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }
  }

  private static Path write(String name, byte[] bytes) {
    Path file = dir.resolve(name);
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
