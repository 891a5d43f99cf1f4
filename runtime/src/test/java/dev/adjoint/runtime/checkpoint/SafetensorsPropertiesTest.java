package dev.adjoint.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.testing.Mutants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the safetensors reader: any tensors and metadata read back exactly as written,
 * and any bytes (random, or a valid file damaged) end either in a file or in a
 * {@link CheckpointException} whose message starts with the file, never in another exception.
 */
class SafetensorsPropertiesTest {
  private static final String[] NAMES = {"param/h.W", "param/h.b", "optimizer/h.W/m", "state/bn.mean", "e", "\u00e9t\u00e9",
      "a\"b", "x\\y", "\ud83d\ude00", "t\nab"};

  private static Path dir;
  /** Valid files to damage, written once: writing is atomic and synced, too slow to repeat per try. */
  private static final List<byte[]> VALID = new ArrayList<>();

  @BeforeContainer
  static void createFolder() throws IOException {
    dir = Files.createTempDirectory("safetensors-properties");
    Random random = new Random(12);
    Path file = dir.resolve("valid.safetensors");
    for (int i = 0; i < 40; i++) {
      Contents c = contents(random);
      Safetensors.write(file, c.tensors(), c.metadata());
      VALID.add(Files.readAllBytes(file));
    }
  }

  @AfterContainer
  static void deleteFolder() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** What a file holds. */
  record Contents(Map<String, TensorData> tensors, Map<String, String> metadata) {}

  @Property(tries = 100)
  void tensorsAndMetadataReadBackAsWritten(@ForAll("contents") Contents c) {
    Path file = dir.resolve("round.safetensors");
    Safetensors.write(file, c.tensors(), c.metadata());
    TensorFile read = Safetensors.read(file);
    assertEquals(c.metadata(), read.metadata());
    assertEquals(c.tensors().keySet(), read.tensors().keySet());
    c.tensors().forEach((name, t) -> {
      TensorData back = read.tensor(name);
      assertEquals(t.dtype(), back.dtype(), name);
      assertArrayEquals(t.shape(), back.shape(), name);
      switch (t.dtype()) {
        case F32 -> assertArrayEquals(t.f32(), back.f32(), name);
        case F64 -> assertArrayEquals(t.f64(), back.f64(), name);
        case I32 -> assertArrayEquals(t.i32(), back.i32(), name);
      }
    });
  }

  @Property(tries = 600)
  void damagedFilesEndInACheckpointException(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    Path file = dir.resolve("damaged.safetensors");
    Files.write(file, Mutants.of(VALID.get(random.nextInt(VALID.size())), random));
    readsOrSays(file);
  }

  @Property(tries = 300)
  void randomBytesEndInACheckpointException(@ForAll byte[] bytes) {
    Path file = dir.resolve("random.safetensors");
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    readsOrSays(file);
  }

  @Provide
  Arbitrary<Contents> contents() {
    return Arbitraries.randomValue(SafetensorsPropertiesTest::contents);
  }

  private static Contents contents(Random random) {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    int count = random.nextInt(5);
    for (int i = 0; i < count; i++) {
      int[] shape = new int[random.nextInt(4)];
      int size = 1;
      for (int d = 0; d < shape.length; d++) {
        shape[d] = random.nextInt(5);
        size *= shape[d];
      }
      DType dtype = DType.values()[random.nextInt(DType.values().length)];
      TensorData t = switch (dtype) {
        case F32 -> {
          float[] v = new float[size];
          for (int k = 0; k < size; k++) {
            v[k] = Float.intBitsToFloat(random.nextInt());
          }
          yield TensorData.f32(shape, v);
        }
        case F64 -> {
          double[] v = new double[size];
          for (int k = 0; k < size; k++) {
            v[k] = Double.longBitsToDouble(random.nextLong());
          }
          yield TensorData.f64(shape, v);
        }
        case I32 -> {
          int[] v = new int[size];
          for (int k = 0; k < size; k++) {
            v[k] = random.nextInt();
          }
          yield TensorData.i32(shape, v);
        }
      };
      tensors.put(NAMES[random.nextInt(NAMES.length)] + (random.nextBoolean() ? "" : Integer.toString(i)), t);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      metadata.put(NAMES[random.nextInt(NAMES.length)], NAMES[random.nextInt(NAMES.length)] + random.nextLong());
    }
    return new Contents(tensors, metadata);
  }

  private static void readsOrSays(Path file) {
    try {
      Safetensors.read(file);
    } catch (CheckpointException e) {
      assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    }
  }
}
