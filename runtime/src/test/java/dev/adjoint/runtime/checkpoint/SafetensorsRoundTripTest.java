package dev.adjoint.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What is written is read back bit for bit: every dtype, every kind of shape, any metadata text. */
class SafetensorsRoundTripTest {
  @TempDir
  Path dir;

  static List<int[]> shapes() {
    return List.of(new int[] {}, new int[] {0}, new int[] {3, 0, 2}, new int[] {1}, new int[] {7},
        new int[] {2, 3}, new int[] {2, 3, 4}, new int[] {1, 1, 1, 5});
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void everyDtypeAndShapeRoundTrips(int[] shape) {
    Random random = new Random(shape.length * 31L + 7);
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    float[] f = new float[size];
    double[] g = new double[size];
    int[] n = new int[size];
    for (int i = 0; i < size; i++) {
      f[i] = random.nextFloat() * 2 - 1;
      g[i] = random.nextGaussian();
      n[i] = random.nextInt();
    }
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    tensors.put("f", TensorData.f32(shape, f));
    tensors.put("g", TensorData.f64(shape, g));
    tensors.put("n", TensorData.i32(shape, n));
    Path file = dir.resolve("t.safetensors");
    Safetensors.write(file, tensors, Map.of());

    TensorFile read = Safetensors.read(file);
    assertEquals(List.of("g", "f", "n"), List.copyOf(read.tensors().keySet()), "F64, then F32, then I32");
    assertEquals(DType.F32, read.tensor("f").dtype());
    assertEquals(DType.F64, read.tensor("g").dtype());
    assertEquals(DType.I32, read.tensor("n").dtype());
    for (String name : List.of("f", "g", "n")) {
      assertArrayEquals(shape, read.tensor(name).shape(), name);
      assertEquals(size, read.tensor(name).size(), name);
    }
    assertArrayEquals(f, read.tensor("f").f32());
    assertArrayEquals(g, read.tensor("g").f64());
    assertArrayEquals(n, read.tensor("n").i32());
    assertTrue(read.metadata().isEmpty());
  }

  @Test
  void specialFloatValuesKeepTheirBits() {
    float[] f = {Float.NaN, Float.intBitsToFloat(0x7fc00001), -0.0f, Float.MIN_VALUE, Float.MAX_VALUE,
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
    double[] g = {Double.NaN, -0.0, Double.MIN_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY};
    int[] n = {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
    Path file = dir.resolve("special.safetensors");
    Safetensors.write(file, Map.of("f", TensorData.f32(new int[] {7}, f), "g", TensorData.f64(new int[] {5}, g),
        "n", TensorData.i32(new int[] {4}, n)), Map.of());
    TensorFile read = Safetensors.read(file);
    float[] f2 = read.tensor("f").f32();
    for (int i = 0; i < f.length; i++) {
      assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(f2[i]), "element " + i);
    }
    double[] g2 = read.tensor("g").f64();
    for (int i = 0; i < g.length; i++) {
      assertEquals(Double.doubleToRawLongBits(g[i]), Double.doubleToRawLongBits(g2[i]), "element " + i);
    }
    assertArrayEquals(n, read.tensor("n").i32());
  }

  @Test
  void metadataWithSpecialCharactersRoundTrips() {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("quote\"d", "say \"hi\"");
    metadata.put("back\\slash", "C:\\runs\\7\\");
    metadata.put("lines", "one\ntwo\r\nthree\ttab");
    metadata.put("controls", "\u0000\u0001\u001f\u007f\b\f");
    metadata.put("unicode", "Salammbô, Ελληνικά, 日本語, emoji \uD83D\uDE00");
    metadata.put("slash/and:colon", "{\"json\": [1, 2]}");
    metadata.put("", "empty key");
    metadata.put("empty value", "");
    Path file = dir.resolve("meta.safetensors");
    Safetensors.write(file, Map.of("x", TensorData.f32(new int[] {2}, new float[] {1, 2})), metadata);
    assertEquals(metadata, Safetensors.read(file).metadata());
  }

  @Test
  void tensorNamesWithSpecialCharactersRoundTrip() {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    String[] names = {"param/h.W", "optimizer/h.W/m", "a\"b", "c\\d", "ünï\uD83D\uDE00", "new\nline", ""};
    for (int i = 0; i < names.length; i++) {
      tensors.put(names[i], TensorData.i32(new int[] {1}, new int[] {i}));
    }
    Path file = dir.resolve("names.safetensors");
    Safetensors.write(file, tensors, Map.of());
    TensorFile read = Safetensors.read(file);
    assertEquals(tensors.keySet(), read.tensors().keySet());
    for (int i = 0; i < names.length; i++) {
      assertEquals(i, read.tensor(names[i]).i32()[0]);
    }
  }

  @Test
  void tensorsLargerThanOneChunkRoundTrip() {
    int size = TensorCodec.CHUNK / 4 * 3 + 5;
    float[] f = new float[size];
    double[] g = new double[size];
    for (int i = 0; i < size; i++) {
      f[i] = i * 0.5f;
      g[i] = -i * 0.25;
    }
    Path file = dir.resolve("big.safetensors");
    Safetensors.write(file, Map.of("f", TensorData.f32(new int[] {size}, f), "g",
        TensorData.f64(new int[] {size}, g)), Map.of());
    TensorFile read = Safetensors.read(file);
    assertArrayEquals(f, read.tensor("f").f32());
    assertArrayEquals(g, read.tensor("g").f64());
  }

  @Test
  void onlyTheShapesElementsOfALongerArrayAreWritten() throws IOException {
    float[] buffer = {1, 2, 3, 4, 99, 99, 99};
    Path file = dir.resolve("prefix.safetensors");
    Safetensors.write(file, Map.of("x", TensorData.f32(new int[] {2, 2}, buffer)), Map.of());
    TensorData read = Safetensors.read(file).tensor("x");
    assertArrayEquals(new float[] {1, 2, 3, 4}, read.f32());
    long header = Files.size(file) - 8 - 16;
    assertEquals(0, header % 8);
  }

  @Test
  void aFileWithoutTensorsRoundTrips() {
    Path file = dir.resolve("empty.safetensors");
    Safetensors.write(file, Map.of(), Map.of("k", "v"));
    TensorFile read = Safetensors.read(file);
    assertTrue(read.tensors().isEmpty());
    assertEquals(Map.of("k", "v"), read.metadata());
  }

  @Test
  void writingReplacesAnExistingFile() {
    Path file = dir.resolve("twice.safetensors");
    Safetensors.write(file, Map.of("a", TensorData.f32(new int[] {1000}, new float[1000])), Map.of("v", "1"));
    Safetensors.write(file, Map.of("b", TensorData.i32(new int[] {}, new int[] {5})), Map.of("v", "2"));
    TensorFile read = Safetensors.read(file);
    assertEquals(List.of("b"), List.copyOf(read.tensors().keySet()));
    assertEquals("2", read.metadata().get("v"));
  }

  @Test
  void invalidArgumentsAreRefusedBeforeAnythingIsWritten() {
    Path file = dir.resolve("bad.safetensors");
    IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class, () ->
        Safetensors.write(file, Map.of("__metadata__", TensorData.f32(new int[] {}, new float[1])), Map.of()));
    assertTrue(reserved.getMessage().contains("__metadata__"), reserved.getMessage());
    IllegalArgumentException surrogate = assertThrows(IllegalArgumentException.class, () ->
        Safetensors.write(file, Map.of(), Map.of("k", "broken \uD800 text")));
    assertTrue(surrogate.getMessage().contains("lone surrogate"), surrogate.getMessage());
    IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class, () ->
        TensorData.f32(new int[] {2, 3}, new float[5]));
    assertEquals("a tensor of shape [2,3] needs 6 elements, but its array has 5", tooShort.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TensorData.f32(new int[] {-1}, new float[0]));
    assertThrows(IllegalArgumentException.class, () -> TensorData.of(DType.F64, new int[] {1}, new float[1]));
    assertTrue(Files.notExists(file));
  }

  @Test
  void missingTensorIsNamedWithTheFile() {
    Path file = dir.resolve("one.safetensors");
    Safetensors.write(file, Map.of("a", TensorData.f32(new int[] {}, new float[1])), Map.of());
    CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(file).tensor("b"));
    assertEquals(file + ": has no tensor 'b'; it has: a", e.getMessage());
  }
}
