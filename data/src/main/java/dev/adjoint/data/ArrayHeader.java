package dev.adjoint.data;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What the header of an IDX or .npy file announces: the dimensions (the samples first), the
 * element type and byte order, and where the data starts. Read before the data, so that a
 * file is checked against it before it is read or decompressed whole.
 */
record ArrayHeader(int[] dims, ElementType type, ByteOrder order, int dataOffset) {

  /** The bytes of data the header announces; at most Integer.MAX_VALUE elements, so this cannot overflow. */
  long dataBytes() {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n * type.width;
  }

  /** {@code shape [3, 28, 28] of 1-byte values}, for messages. */
  String layout() {
    return "shape " + Arrays.toString(dims) + " of " + type.width + "-byte values";
  }

  /**
   * The number of elements of {@code dims}, checked to be no more than an array holds;
   * {@code what} names the file in the message.
   */
  static long elements(String file, int[] dims) {
    long elements = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new DataException(file + ": dimension " + i + " is " + (dims[i] & 0xFFFF_FFFFL)
            + ", more than an array can hold");
      }
      elements *= dims[i];
      if (elements > Integer.MAX_VALUE) {
        throw new DataException(file + ": shape " + Arrays.toString(dims) + " holds more values than an array can ("
            + Integer.MAX_VALUE + ")");
      }
    }
    return elements;
  }
}
