package dev.adjoint.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ForeignWeights}: another framework's safetensors read as f32 (F32, F64, F16 with its
 * subnormals, infinities and NaN, BF16), other dtypes listed and skipped, and headers that
 * do not fit their data refused by name.
 */
class ForeignWeightsTest {
  @TempDir
  Path temp;

  /** A file of entries {name, dtype, shape JSON, bytes}, offsets as written; the header as given otherwise. */
  private Path file(List<Object[]> entries) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    for (Object[] e : entries) {
      byte[] bytes = (byte[]) e[3];
      header.append(",\"").append(e[0]).append("\":{\"dtype\":\"").append(e[1]).append("\",\"shape\":").append(e[2])
          .append(",\"data_offsets\":[").append(data.size()).append(',').append(data.size() + bytes.length)
          .append("]}");
      data.writeBytes(bytes);
    }
    header.append('}');
    return write(header.toString(), data.toByteArray());
  }

  private Path write(String header, byte[] data) throws IOException {
    byte[] text = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    Path path = temp.resolve("w" + System.nanoTime() + ".safetensors");
    Files.write(path, out.putLong(text.length).put(text).put(data).array());
    return path;
  }

  private static byte[] shorts(int... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int s : v) {
      b.putShort((short) s);
    }
    return b.array();
  }

  @Test
  void everyFloatingDtypeIsReadAsF32() throws IOException {
    ByteBuffer f32 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2).putFloat(3e-8f);
    ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-1e300);
    Path path = file(List.of(
        new Object[] {"a", "F32", "[3]", f32.array()},
        new Object[] {"b", "F64", "[2,1]", f64.array()},
        // 1, -2, 0.5 + 2^-11 (10 mantissa bits), the smallest subnormal, -0, +inf, NaN, 65504 (the largest half)
        new Object[] {"c", "F16", "[8]", shorts(0x3c00, 0xc000, 0x3801, 0x0001, 0x8000, 0x7c00, 0x7e00, 0x7bff)},
        new Object[] {"d", "BF16", "[2,2]", shorts(0x3f80, 0xc040, 0x0000, 0x4049)},
        new Object[] {"n", "I64", "[]", new byte[8]},
        new Object[] {"m", "BOOL", "[2]", new byte[2]}));
    ForeignWeights w = ForeignWeights.read(path);
    assertEquals(List.of("a", "b", "c", "d"), List.copyOf(w.tensors().keySet()));
    assertEquals(Map.of("n", "I64", "m", "BOOL"), w.skipped());
    assertArrayEquals(new float[] {1.5f, -2, 3e-8f}, w.tensors().get("a").values());
    assertArrayEquals(new int[] {3}, w.tensors().get("a").shape());
    assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY}, w.tensors().get("b").values());
    assertArrayEquals(new int[] {2, 1}, w.tensors().get("b").shape());
    float[] c = w.tensors().get("c").values();
    assertEquals(1f, c[0]);
    assertEquals(-2f, c[1]);
    assertEquals(0.5f + 0x1p-11f, c[2]);
    assertEquals(0x1p-24f, c[3]);
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(c[4]));
    assertEquals(Float.POSITIVE_INFINITY, c[5]);
    assertTrue(Float.isNaN(c[6]));
    assertEquals(65504f, c[7]);
    assertArrayEquals(new float[] {1, -3, 0, 3.140625f}, w.tensors().get("d").values());
  }

  @Test
  void halvesConvertExactly() {
    assertEquals(-0x1p-24f, ForeignWeights.halfToFloat((short) 0x8001));
    assertEquals(0x3ffp-24f, ForeignWeights.halfToFloat((short) 0x03ff), "the largest subnormal");
    assertEquals(0x1p-14f, ForeignWeights.halfToFloat((short) 0x0400), "the smallest normal");
    assertEquals(Float.NEGATIVE_INFINITY, ForeignWeights.halfToFloat((short) 0xfc00));
    assertEquals(0f, ForeignWeights.halfToFloat((short) 0));
  }

  @Test
  void headersThatDoNotFitTheirDataAreRefused() throws IOException {
    Path shortData = file(List.<Object[]>of(new Object[] {"w", "F32", "[2,2]", new byte[12]}));
    assertMessage(shortData, "tensor 'w' of dtype F32 and shape [2, 2] does not fit its data offsets 0..12");
    Path noShape = write("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]);
    assertMessage(noShape, "tensor 'w' has no shape list");
    Path badOffsets = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", new byte[4]);
    assertMessage(badOffsets, "tensor 'w' has data offsets that are not [begin, end]");
    Path oneOffset = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]);
    assertMessage(oneOffset, "tensor 'w' has data offsets that are not [begin, end]");
    Path pastTheEnd = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[8]);
    assertMessage(pastTheEnd, "does not fit its data offsets 4..12");
    Path huge = write("{\"w\":{\"dtype\":\"F16\",\"shape\":[65536,65536,65536],\"data_offsets\":[0,2]}}",
        new byte[2]);
    assertMessage(huge, "tensor 'w' of dtype F16");
    Path notAnObject = write("{\"w\":\"x\"}", new byte[0]);
    assertMessage(notAnObject, "tensor 'w' is not described by an object");
    assertMessage(temp.resolve("absent.safetensors"), "no such file");
  }

  @Test
  void anExactFitIsRead() throws IOException {
    Path exact = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(9).putFloat(7).array());
    assertArrayEquals(new float[] {7}, ForeignWeights.read(exact).tensors().get("w").values());
  }

  private static void assertMessage(Path path, String part) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> ForeignWeights.read(path));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
