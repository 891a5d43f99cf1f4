package dev.adjoint.spark;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A part of a model's state ({@link ModelVector.Part}) as bytes: what a round broadcasts and
 * what a worker returns. Values are stored as floats when every tensor of the part is f32 (no
 * value loses a bit), as doubles otherwise; the first byte says which (4 or 8). Half the bytes
 * of doubles for the usual f32 model, and a byte array, which Java serialization, Spark's
 * broadcast and its result transfer copy in bulk where a {@code double[]} goes element by
 * element.
 */
final class StateBytes {
  private StateBytes() {}

  /** The part's values, in {@link ModelVector}'s order. */
  static byte[] encode(CompiledModel model, ModelVector.Part part) {
    List<Tensor> tensors = ModelVector.tensors(model, part);
    int width = width(tensors);
    ByteBuffer out = buffer(new byte[1 + width * ModelVector.size(model, part)]);
    out.put((byte) width);
    for (Tensor t : tensors) {
      int n = t.capacity();
      if (width == Float.BYTES) {
        out.asFloatBuffer().put(t.f32(), t.offset(), n);
        out.position(out.position() + Float.BYTES * n);
      } else {
        for (int e = 0; e < n; e++) {
          out.putDouble(t.get(e));
        }
      }
    }
    return out.array();
  }

  /** Sets the part from {@code bytes} (rounded to each tensor's type). */
  static void decode(byte[] bytes, CompiledModel model, ModelVector.Part part) {
    int values = count(bytes);
    if (values != ModelVector.size(model, part)) {
      throw new IllegalArgumentException("a state of " + values + " values for model " + model.modelName()
          + ", whose " + part.name().toLowerCase(java.util.Locale.ROOT) + " hold " + ModelVector.size(model, part));
    }
    ByteBuffer in = buffer(bytes).position(1);
    int width = bytes[0];
    for (Tensor t : ModelVector.tensors(model, part)) {
      int n = t.capacity();
      if (width == Float.BYTES && t.spec().dtype() == DType.F32) {
        in.asFloatBuffer().get(t.f32(), t.offset(), n);
        in.position(in.position() + Float.BYTES * n);
      } else {
        for (int e = 0; e < n; e++) {
          t.set(e, width == Float.BYTES ? in.getFloat() : in.getDouble());
        }
      }
    }
  }

  /** {@code into[i] += weight · value i}, for every value of {@code bytes}. */
  static void addTo(byte[] bytes, double weight, double[] into) {
    int values = count(bytes);
    if (values != into.length) {
      throw new IllegalArgumentException("a state of " + values + " values added to a sum of " + into.length);
    }
    ByteBuffer in = buffer(bytes).position(1);
    if (bytes[0] == Float.BYTES) {
      java.nio.FloatBuffer floats = in.asFloatBuffer();
      for (int i = 0; i < values; i++) {
        into[i] += weight * floats.get(i);
      }
    } else {
      java.nio.DoubleBuffer doubles = in.asDoubleBuffer();
      for (int i = 0; i < values; i++) {
        into[i] += weight * doubles.get(i);
      }
    }
  }

  /** The number of values {@code bytes} holds. */
  static int count(byte[] bytes) {
    if (bytes.length == 0 || (bytes[0] != Float.BYTES && bytes[0] != Double.BYTES)
        || (bytes.length - 1) % bytes[0] != 0) {
      throw new IllegalArgumentException("not a model state: " + bytes.length + " bytes"
          + (bytes.length == 0 ? "" : ", starting with " + bytes[0]));
    }
    return (bytes.length - 1) / bytes[0];
  }

  private static int width(List<Tensor> tensors) {
    for (Tensor t : tensors) {
      if (t.spec().dtype() != DType.F32) {
        return Double.BYTES;
      }
    }
    return Float.BYTES;
  }

  private static ByteBuffer buffer(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}
