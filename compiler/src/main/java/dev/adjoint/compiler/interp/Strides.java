package dev.adjoint.compiler.interp;

import java.util.Arrays;

/**
 * Row-major index arithmetic for concrete shapes: strides, element counts, flat offsets and
 * an odometer that steps a multi-index through a shape in row-major order. Kept deliberately
 * plain, since every interpreter kernel is written against it.
 */
public final class Strides {
  private Strides() {}

  /** The row-major strides of a shape: the last axis has stride 1. */
  public static int[] of(int[] shape) {
    int[] strides = new int[shape.length];
    int stride = 1;
    for (int axis = shape.length - 1; axis >= 0; axis--) {
      strides[axis] = stride;
      stride *= shape[axis];
    }
    return strides;
  }

  /** The number of elements of a shape (1 for a scalar); throws if it does not fit an int. */
  public static int size(int[] shape) {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension " + d + " in " + Arrays.toString(shape));
      }
      size *= d;
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements");
      }
    }
    return (int) size;
  }

  /** The flat offset of a multi-index for the given strides. */
  public static int flat(int[] index, int[] strides) {
    int offset = 0;
    for (int axis = 0; axis < index.length; axis++) {
      offset += index[axis] * strides[axis];
    }
    return offset;
  }

  /** The multi-index of a flat offset in a shape. */
  public static int[] unravel(int flat, int[] shape) {
    int[] index = new int[shape.length];
    int rest = flat;
    for (int axis = shape.length - 1; axis >= 0; axis--) {
      if (shape[axis] > 0) {
        index[axis] = rest % shape[axis];
        rest /= shape[axis];
      }
    }
    return index;
  }

  /**
   * Steps {@code index} to the next multi-index of {@code shape} in row-major order, in
   * place. Returns false (with the index back at all zeros) after the last one.
   */
  public static boolean next(int[] index, int[] shape) {
    for (int axis = shape.length - 1; axis >= 0; axis--) {
      index[axis]++;
      if (index[axis] < shape[axis]) {
        return true;
      }
      index[axis] = 0;
    }
    return false;
  }
}
