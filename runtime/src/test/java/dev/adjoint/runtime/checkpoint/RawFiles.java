package dev.adjoint.runtime.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, to feed the reader what no writer would produce. */
final class RawFiles {
  private RawFiles() {
  }

  /** The header length (as given), the header text as UTF-8, then {@code data}. */
  static Path write(Path file, long declaredLength, byte[] header, byte[] data) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(declaredLength).put(header).put(data);
    Files.write(file, out.array());
    return file;
  }

  /** A well-formed length prefix for {@code header}, followed by {@code dataLength} zero bytes. */
  static Path write(Path file, String header, int dataLength) throws IOException {
    byte[] text = header.getBytes(StandardCharsets.UTF_8);
    return write(file, text.length, text, new byte[dataLength]);
  }

  /** Little-endian bytes of floats. */
  static byte[] f32(float... values) {
    ByteBuffer out = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      out.putFloat(v);
    }
    return out.array();
  }
}
