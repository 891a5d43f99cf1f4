package dev.adjoint.data;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An n-dimensional array as an IDX or .npy file holds it: its dimensions (the samples
 * first), element type and bytes in C order, read through a buffer of the file's byte order.
 */
record RawArray(String file, int[] dims, ElementType type, ByteBuffer data) {

  /** The number of samples: the first dimension. */
  int samples() {
    return dims[0];
  }

  /** The values per sample: the product of the dimensions after the first. */
  long valuesPerSample() {
    long n = 1;
    for (int i = 1; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** The number of elements: the product of all dimensions. */
  long elements() {
    return dims.length == 0 ? 1 : dims[0] * valuesPerSample();
  }

  /** {@code [28, 28]}: the shape of one sample. */
  String sampleShape() {
    return Arrays.toString(Arrays.copyOfRange(dims, 1, dims.length));
  }
}
