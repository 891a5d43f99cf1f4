package dev.adjoint.data;

import java.nio.ByteBuffer;

/** The element types of IDX and .npy files, and how to read one element from their bytes. */
enum ElementType {
  BOOL(1, true), I8(1, true), U8(1, true), I16(2, true), U16(2, true), I32(4, true), U32(4, true), I64(8, true),
  U64(8, true), F32(4, false), F64(8, false);

  final int width;
  final boolean integer;

  ElementType(int width, boolean integer) {
    this.width = width;
    this.integer = integer;
  }

  /** Element {@code i} of an integer type; u64 values above 2^63 - 1 come out negative. */
  long getLong(ByteBuffer b, int i) {
    int at = i * width;
    return switch (this) {
      case BOOL -> b.get(at) != 0 ? 1 : 0;
      case I8 -> b.get(at);
      case U8 -> b.get(at) & 0xFF;
      case I16 -> b.getShort(at);
      case U16 -> b.getShort(at) & 0xFFFF;
      case I32 -> b.getInt(at);
      case U32 -> b.getInt(at) & 0xFFFF_FFFFL;
      case I64, U64 -> b.getLong(at);
      case F32 -> (long) b.getFloat(at);
      case F64 -> (long) b.getDouble(at);
    };
  }

  /** Element {@code i} as a double. */
  double getDouble(ByteBuffer b, int i) {
    int at = i * width;
    return switch (this) {
      case F32 -> b.getFloat(at);
      case F64 -> b.getDouble(at);
      case U64 -> unsigned(b.getLong(at));
      default -> getLong(b, i);
    };
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }
}
