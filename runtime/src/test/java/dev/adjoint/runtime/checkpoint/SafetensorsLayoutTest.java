package dev.adjoint.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes on disk, checked by hand against the format's specification and the reference writer. */
class SafetensorsLayoutTest {
  @TempDir
  Path dir;

  @Test
  void headerAndDataAreWhereTheSpecificationSays() throws IOException {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    tensors.put("b", TensorData.f32(new int[] {2}, new float[] {1.5f, -2f}));
    tensors.put("a", TensorData.i32(new int[] {}, new int[] {258}));
    tensors.put("c", TensorData.f64(new int[] {1, 1}, new double[] {0.25}));
    tensors.put("a2", TensorData.f32(new int[] {0, 3}, new float[0]));
    Path file = dir.resolve("layout.safetensors");
    Safetensors.write(file, tensors, Map.of("z", "last", "format", "pt"));
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

    String json = "{\"__metadata__\":{\"format\":\"pt\",\"z\":\"last\"},"
        + "\"c\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]},"
        + "\"a2\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[8,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
        + "\"a\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[16,20]}}";
    int n = (json.length() + 7) / 8 * 8;
    assertEquals(n, in.getLong(0), "bytes 0..8: the header's length, little-endian");
    assertEquals(0, (int) in.getLong(0) % 8, "the header is padded to a multiple of 8");
    String header = new String(bytes, 8, n, StandardCharsets.UTF_8);
    assertEquals(json + " ".repeat(n - json.length()), header, "compact JSON, then spaces");
    assertEquals(8 + n + 20, bytes.length, "the data section ends the file");

    int data = 8 + n;
    assertEquals(0.25, in.getDouble(data), "c at [0,8)");
    assertEquals(1.5f, in.getFloat(data + 8), "b at [8,16)");
    assertEquals(-2f, in.getFloat(data + 12));
    assertArrayEquals(new byte[] {2, 1, 0, 0}, Arrays.copyOfRange(bytes, data + 16, data + 20),
        "a = 258, little-endian");
  }

  /**
   * Names of one dtype are ordered by code point, as the reference writer orders UTF-8 bytes:
   * a prefix first, and a character beyond U+FFFF (a surrogate pair in Java) after U+FFFD,
   * where Java's own String order would put it before.
   */
  @Test
  void namesAreOrderedByCodePointNotByUtf16Unit() throws IOException {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    for (String name : new String[] {"\ud83d\ude00", "ab", "\ufffd", "a", "b"}) {
      tensors.put(name, TensorData.f32(new int[] {1}, new float[] {tensors.size()}));
    }
    Path file = dir.resolve("order.safetensors");
    Safetensors.write(file, tensors, Map.of());
    assertEquals(java.util.List.of("a", "ab", "b", "\ufffd", "\ud83d\ude00"),
        java.util.List.copyOf(Safetensors.read(file).tensors().keySet()));
  }

  /** The reference implementation's own test vector: one f32 tensor [1,2,3] holding 0..5, no metadata. */
  @Test
  void matchesTheReferenceWriterByteForByte() throws IOException {
    Path file = dir.resolve("reference.safetensors");
    Safetensors.write(file, Map.of("attn.0", TensorData.f32(new int[] {1, 2, 3}, new float[] {0, 1, 2, 3, 4, 5})),
        Map.of());
    String json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
    ByteBuffer expected = ByteBuffer.allocate(8 + 64 + 24).order(ByteOrder.LITTLE_ENDIAN);
    expected.putLong(64).put(json.getBytes(StandardCharsets.UTF_8));
    assertEquals(8 + 64, expected.position(), "the reference header is exactly 64 bytes, no padding needed");
    for (int i = 0; i < 6; i++) {
      expected.putFloat(i);
    }
    assertArrayEquals(expected.array(), Files.readAllBytes(file));
  }

  /** The reference's empty files: {@code {}} padded, and with metadata {"framework":"pt"}. */
  @Test
  void emptyFilesMatchTheReference() throws IOException {
    Path empty = dir.resolve("empty.safetensors");
    Safetensors.write(empty, Map.of(), Map.of());
    assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '},
        Files.readAllBytes(empty));

    Path framework = dir.resolve("framework.safetensors");
    Safetensors.write(framework, Map.of(), Map.of("framework", "pt"));
    byte[] bytes = Files.readAllBytes(framework);
    assertEquals(48, bytes.length);
    assertEquals(40, bytes[0]);
    assertEquals("{\"__metadata__\":{\"framework\":\"pt\"}}     ", new String(bytes, 8, 40, StandardCharsets.UTF_8));
  }

  @Test
  void stringsAreEscapedAsJsonAndNonAsciiIsUtf8() throws IOException {
    Path file = dir.resolve("escape.safetensors");
    Safetensors.write(file, Map.of(), Map.of("k", "\"\\\n\t\u0001é"));
    byte[] bytes = Files.readAllBytes(file);
    String header = new String(bytes, 8, bytes.length - 8, StandardCharsets.UTF_8).stripTrailing();
    assertEquals("{\"__metadata__\":{\"k\":\"\\\"\\\\\\n\\t\\u0001é\"}}", header);
  }

  @Test
  void readerAcceptsOtherWritersOrderAndWhitespace() throws IOException {
    String header = "{ \"b\" : {\"shape\": [1], \"data_offsets\": [4, 8], \"dtype\": \"F32\"},\n"
        + "  \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},\n"
        + "  \"__metadata__\": {\"k\": \"v\\/\\u00e9\\ud83d\\ude00\"} }";
    byte[] text = header.getBytes(StandardCharsets.UTF_8);
    Path file = RawFiles.write(dir.resolve("other.safetensors"), text.length, text, RawFiles.f32(1f, 2f));
    TensorFile read = Safetensors.read(file);
    assertEquals(1f, read.tensor("a").f32()[0]);
    assertEquals(2f, read.tensor("b").f32()[0]);
    assertEquals("v/é\uD83D\uDE00", read.metadata().get("k"));
  }
}
