package dev.adjoint.data;

import dev.adjoint.runtime.model.TensorSpec;
import dev.adjoint.runtime.text.Suggestions;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns an array read from an IDX or .npy file into a column: checks that its samples have
 * the values the spec takes ({@code [N, 28, 28]} feeds {@code f32[B, 784]}), converts the
 * elements to the column's dtype and checks class indices against the class count.
 */
final class RawColumns {
  private RawColumns() {}

  /**
   * The column for {@code spec}; floating-point values are multiplied by {@code scale} and
   * must be finite in the column's dtype, a non-null {@code classCount} limits the values to
   * 0 .. classCount - 1, and a non-null {@code limit} to what the model reads.
   */
  static Column toColumn(RawArray a, TensorSpec spec, Integer classCount, double scale, IdLimit limit) {
    if (a.dims().length == 0) {
      throw new DataException(a.file() + ": holds a single value (shape []), but " + spec
          + " needs samples along the first dimension");
    }
    if (a.samples() == 0) {
      throw new DataException(a.file() + ": holds no samples (shape " + java.util.Arrays.toString(a.dims())
          + "); " + spec.name() + " needs at least one");
    }
    checkImageShape(a, spec);
    int k = spec.sampleSize();
    if (a.valuesPerSample() != k) {
      long each = a.valuesPerSample();
      throw new DataException(a.file() + ": holds " + a.samples() + " samples of shape " + a.sampleShape() + " ("
          + each + (each == 1 ? " value" : " values") + " each), but " + spec + " takes " + k
          + (k == 1 ? " value" : " values") + " per sample");
    }
    int n = Math.toIntExact(a.elements());
    Object out = Column.allocate(spec, a.samples());
    ByteBuffer b = a.data();
    ElementType type = a.type();
    switch (spec.dtype()) {
      case F32 -> {
        float[] x = (float[]) out;
        for (int i = 0; i < n; i++) {
          double v = type.getDouble(b, i);
          x[i] = (float) (v * scale);
          if (!Float.isFinite(x[i])) {
            throw notFinite(a, i, spec, k, v, scale);
          }
        }
      }
      case F64 -> {
        double[] x = (double[]) out;
        for (int i = 0; i < n; i++) {
          double v = type.getDouble(b, i);
          x[i] = v * scale;
          if (!Double.isFinite(x[i])) {
            throw notFinite(a, i, spec, k, v, scale);
          }
        }
      }
      case I32 -> {
        int[] x = (int[]) out;
        for (int i = 0; i < n; i++) {
          x[i] = integer(a, i, spec, k);
          if (classCount != null && (x[i] < 0 || x[i] >= classCount)) {
            throw new DataException(a.file() + ": " + where(i, k) + ": class index " + x[i]
                + " is out of range for " + spec.name() + ": expected 0.." + (classCount - 1));
          }
          if (limit != null && !limit.allows(x[i])) {
            throw new DataException(a.file() + ": " + where(i, k) + ": " + limit.message(x[i], spec.name()));
          }
        }
      }
      default -> throw new IllegalStateException();
    }
    return new Column(spec, out, a.samples());
  }

  /**
   * A file whose samples have a shape ({@code [N, 28, 28]}) feeding a declared shape of
   * rank 2 or more after the batch ({@code f32[B, 28, 28, 1]}) must have that shape, or it
   * without a last axis of 1 (grey-scale images without their channel axis): the same count
   * of values in another layout ({@code [N, 3, 32, 32]} for {@code [B, 32, 32, 3]}) would
   * feed the model scrambled pixels. Flat samples on either side are read in row-major order.
   */
  static void checkImageShape(RawArray a, TensorSpec spec) {
    int[] declared = spec.shape();
    if (a.dims().length < 3 || declared.length < 3 || declared[0] != TensorSpec.BATCH) {
      return;
    }
    int[] sample = Arrays.copyOfRange(a.dims(), 1, a.dims().length);
    int[] wanted = Arrays.copyOfRange(declared, 1, declared.length);
    int[] withoutChannel = Arrays.copyOf(wanted, wanted.length - 1);
    boolean grey = wanted[wanted.length - 1] == 1 && Arrays.equals(sample, withoutChannel);
    if (!Arrays.equals(sample, wanted) && !grey) {
      throw new DataException(a.file() + ": holds samples of shape " + a.sampleShape() + ", but " + spec
          + " takes samples of shape " + Arrays.toString(wanted) + " (images are channels-last: [H, W, C])");
    }
  }

  /** NaN or infinity in the file, or a finite value too large for the column's dtype (after the scale). */
  private static DataException notFinite(RawArray a, int i, TensorSpec spec, int k, double value, double scale) {
    String shown = a.type() == ElementType.F32 ? Float.toString((float) value) : Double.toString(value);
    String why = !Double.isFinite(value) ? shown + " is not a finite number; every value of " + spec.name()
        + " must be"
        : scale != 1 ? shown + " times the scale " + scale + " is too large for " + spec
        : shown + " is too large for " + spec + " (at most \u00b1" + Float.MAX_VALUE + ")";
    return new DataException(a.file() + ": " + where(i, k) + ": " + why);
  }

  /** Checks that every file feeds a column and every column has a file. */
  static void checkFiles(String format, Map<String, ?> files, Map<String, TensorSpec> specs) {
    for (String name : specs.keySet()) {
      if (!files.containsKey(name)) {
        throw new DataException(format + ": no file for " + specs.get(name) + "; every input and target needs one");
      }
    }
    for (String name : files.keySet()) {
      if (!specs.containsKey(name)) {
        throw new DataException(format + ": a file for '" + name + "', which is no input or target"
            + Suggestions.hintAndList(name, specs.keySet(), "the inputs and targets are"));
      }
    }
  }

  /** Checks that the arrays of every file hold the same number of samples. */
  static void checkSameSize(Map<String, RawArray> arrays) {
    RawArray first = null;
    for (RawArray a : arrays.values()) {
      if (first == null) {
        first = a;
      } else if (a.dims().length > 0 && first.dims().length > 0 && a.samples() != first.samples()) {
        throw new DataException(first.file() + " has " + first.samples() + " samples but " + a.file() + " has "
            + a.samples() + "; every file must hold the same number of samples");
      }
    }
  }

  /** The number of samples of the arrays (0 for none), once {@link #checkSameSize} passed. */
  static int rows(Map<String, RawArray> arrays) {
    return arrays.isEmpty() ? 0 : arrays.values().iterator().next().samples();
  }

  private static int integer(RawArray a, int i, TensorSpec spec, int k) {
    ElementType type = a.type();
    if (type.integer && type != ElementType.U64) {
      long v = type.getLong(a.data(), i);
      if (v != (int) v) {
        throw notInt(a, i, spec, k, Long.toString(v));
      }
      return (int) v;
    }
    double v = type.getDouble(a.data(), i);
    if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw notInt(a, i, spec, k, Double.isFinite(v) && v == Math.rint(v)
          ? new BigDecimal(v).toPlainString() : Double.toString(v));
    }
    return (int) v;
  }

  private static DataException notInt(RawArray a, int i, TensorSpec spec, int k, String value) {
    return new DataException(a.file() + ": " + where(i, k) + ": expected a 32-bit integer for " + spec + ", got "
        + value);
  }

  /** {@code sample 3}, or {@code sample 3, value 5} for samples of several values. */
  private static String where(int i, int k) {
    return k == 1 ? "sample " + i : "sample " + i / k + ", value " + i % k;
  }
}
