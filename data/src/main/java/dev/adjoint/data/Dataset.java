package dev.adjoint.data;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable table of samples: one named column per model input or target, each a
 * {@link TensorSpec} whose first dimension is the batch and the samples stored row-major,
 * {@code size() * spec.sampleSize()} elements in a {@code float[]} (f32), {@code double[]}
 * (f64) or {@code int[]} (i32: class indices, ids). Columns keep the order they were added in.
 */
public final class Dataset {
  private final int size;
  private final Map<String, Column> columns;
  /** The last model {@link Batches#fill} fed from this data set, checked once; a cache, not state. */
  private volatile ModelBinding binding;
  /** Whether the rows follow their source in order (windows of a text): {@link Splits} cuts them by position. */
  private final boolean ordered;

  Dataset(int size, List<Column> columns) {
    this(size, columns, false);
  }

  Dataset(int size, List<Column> columns, boolean ordered) {
    this.ordered = ordered;
    if (size < 0) {
      throw new IllegalArgumentException("a data set cannot have " + size + " rows");
    }
    Map<String, Column> byName = new LinkedHashMap<>();
    for (Column c : columns) {
      int length = Array.getLength(c.data);
      if (c.offsets != null ? c.offsets.length != size + 1 : length != (long) size * c.sampleSize) {
        throw new IllegalArgumentException(c.spec + " has " + length / Math.max(1, c.sampleSize) + " rows, expected "
            + size);
      }
      if (byName.put(c.spec.name(), c) != null) {
        throw new IllegalArgumentException("two columns are named '" + c.spec.name() + "'");
      }
    }
    this.size = size;
    this.columns = Collections.unmodifiableMap(byName);
  }

  /** A builder of a data set of {@code size} rows; it copies the arrays it is given. */
  public static Builder builder(int size) {
    return new Builder(size);
  }

  /** The number of samples (rows). */
  public int size() {
    return size;
  }

  /**
   * Whether the rows are consecutive pieces of one source (windows of a text), so that a
   * split must cut them by position: shuffled rows would put neighbours in training and
   * validation alike.
   */
  public boolean ordered() {
    return ordered;
  }

  /** The column names, in order. */
  public Set<String> columns() {
    return columns.keySet();
  }

  public boolean has(String column) {
    return columns.containsKey(column);
  }

  /** The column's spec: its name, dtype and shape with {@link TensorSpec#BATCH} first. */
  public TensorSpec spec(String column) {
    return column(column).spec;
  }

  /** A copy of an f32 column's values, row-major (a ragged column's padded to the sample size). */
  public float[] f32(String column) {
    return ((float[]) typed(column, DType.F32)).clone();
  }

  /** A copy of an f64 column's values, row-major (a ragged column's padded to the sample size). */
  public double[] f64(String column) {
    return ((double[]) typed(column, DType.F64)).clone();
  }

  /** A copy of an i32 column's values (class indices, ids), row-major (a ragged column's padded). */
  public int[] i32(String column) {
    return ((int[]) typed(column, DType.I32)).clone();
  }

  /**
   * The number of values a column stores: rows times the sample size, or for a ragged column
   * ({@link Builder#addRagged}) only the values its rows hold.
   */
  public long stored(String column) {
    return column(column).stored();
  }

  /** Element {@code element} of sample {@code row} of a column, as a double whatever the dtype. */
  public double get(String column, int row, int element) {
    Column c = column(column);
    Objects.checkIndex(row, size);
    Objects.checkIndex(element, c.sampleSize);
    return c.get(row, element);
  }

  /** A new data set of the given rows, in that order; a row may be chosen more than once. */
  public Dataset select(int[] rows) {
    List<Column> out = new ArrayList<>();
    for (Column c : columns.values()) {
      out.add(c.select(rows, size));
    }
    return new Dataset(rows.length, out);
  }

  /** The same rows with some columns replaced by columns of the same names (and added otherwise). */
  Dataset with(List<Column> replacements) {
    Map<String, Column> merged = new LinkedHashMap<>(columns);
    for (Column c : replacements) {
      merged.put(c.spec.name(), c);
    }
    return new Dataset(size, new ArrayList<>(merged.values()));
  }

  Column column(String name) {
    Column c = columns.get(name);
    if (c == null) {
      throw new IllegalArgumentException("the data set has no column '" + name + "'; it has: "
          + String.join(", ", columns.keySet()));
    }
    return c;
  }

  /** The checked copy plan for a model, made once per model. */
  ModelBinding bindingFor(CompiledModel model) {
    ModelBinding b = binding;
    if (b == null || b.model() != model) {
      b = ModelBinding.of(this, model);
      binding = b;
    }
    return b;
  }

  private Object typed(String column, DType dtype) {
    Column c = column(column);
    if (c.spec.dtype() != dtype) {
      throw new IllegalStateException(c.spec + " is " + c.spec.dtype().text() + ", not " + dtype.text()
          + "; use " + c.spec.dtype().text() + "()");
    }
    return c.dense(size);
  }

  @Override
  public String toString() {
    List<String> specs = new ArrayList<>();
    columns.values().forEach(c -> specs.add(c.spec.toString()));
    return "Dataset(" + size + " rows: " + String.join(", ", specs) + ")";
  }

  /** Collects columns; every array is copied, so the caller may reuse it. */
  public static final class Builder {
    private final int size;
    private final List<Column> columns = new ArrayList<>();
    private boolean ordered;

    private Builder(int size) {
      this.size = size;
    }

    public Builder add(TensorSpec spec, float[] values) {
      return put(spec, values.clone());
    }

    public Builder add(TensorSpec spec, double[] values) {
      return put(spec, values.clone());
    }

    public Builder add(TensorSpec spec, int[] values) {
      return put(spec, values.clone());
    }

    /**
     * A ragged column: row r's own values are {@code values[offsets[r] .. offsets[r + 1])}, at
     * most the spec's sample size, and the rest of the row is {@code pad} ({@code -1} after a
     * bag's ids, {@code 0} after its weights); only the values present are stored.
     */
    public Builder addRagged(TensorSpec spec, int[] values, int[] offsets, int pad) {
      columns.add(new Column(spec, values.clone(), size, offsets.clone(), pad));
      return this;
    }

    /** As {@link #addRagged(TensorSpec, int[], int[], int)}, for f32 values. */
    public Builder addRagged(TensorSpec spec, float[] values, int[] offsets, float pad) {
      columns.add(new Column(spec, values.clone(), size, offsets.clone(), pad));
      return this;
    }

    /** Marks the rows as consecutive pieces of one source: see {@link Dataset#ordered()}. */
    public Builder ordered() {
      ordered = true;
      return this;
    }

    public Dataset build() {
      return new Dataset(size, columns, ordered);
    }

    private Builder put(TensorSpec spec, Object values) {
      columns.add(new Column(spec, values, size));
      return this;
    }
  }
}
