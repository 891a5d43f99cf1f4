package dev.adjoint.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** IDX and .npy files as bytes, written by the tests. */
final class Bytes {
  private Bytes() {}

  /** An IDX file: 00 00, the type code, the rank, the dimensions, then {@code data} (already big-endian). */
  static byte[] idx(int typeCode, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length).order(ByteOrder.BIG_ENDIAN);
    b.put((byte) 0).put((byte) 0).put((byte) typeCode).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  static byte[] idxUbyte(int[] dims, int... values) {
    byte[] data = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      data[i] = (byte) values[i];
    }
    return idx(0x08, dims, data);
  }

  static byte[] idxInt(int[] dims, int... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.BIG_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return idx(0x0C, dims, b.array());
  }

  static byte[] idxFloat(int[] dims, float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.BIG_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return idx(0x0D, dims, b.array());
  }

  /**
   * A .npy file of format version {@code major}: the header dict padded with spaces to a
   * multiple of 64 bytes and ended by a newline, as NumPy writes it, then {@code data}.
   */
  static byte[] npy(int major, String dict, byte[] data) {
    int lengthBytes = major == 1 ? 2 : 4;
    int prefix = 8 + lengthBytes;
    int total = prefix + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    String header = dict + " ".repeat(padded - total) + "\n";
    byte[] text = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(prefix + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
    if (major == 1) {
      b.putShort((short) text.length);
    } else {
      b.putInt(text.length);
    }
    return b.put(text).put(data).array();
  }

  /** A version 1 .npy file of C order. */
  static byte[] npy(String descr, String shape, byte[] data) {
    return npy(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data);
  }

  static byte[] floats(ByteOrder order, float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(order);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  static byte[] doubles(ByteOrder order, double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(order);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  static byte[] ints(ByteOrder order, int... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(order);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  static byte[] longs(ByteOrder order, long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(order);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
