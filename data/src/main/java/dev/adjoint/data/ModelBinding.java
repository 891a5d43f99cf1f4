package dev.adjoint.data;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import dev.adjoint.runtime.model.TensorSpec;
import java.util.Arrays;
import java.util.Map;

/**
 * Which column of a data set feeds which input buffer of a model, checked once (names,
 * dtypes, shapes) so that copying a batch is only array copies.
 */
final class ModelBinding {
  private final CompiledModel model;
  private final int rows;
  private final Object[] sources;
  private final Object[] targets;
  private final int[] sampleSizes;
  /** Each column's ragged storage (null for a dense one). */
  private final Column[] ragged;

  private ModelBinding(CompiledModel model, int rows, Object[] sources, Object[] targets, int[] sampleSizes,
      Column[] ragged) {
    this.model = model;
    this.rows = rows;
    this.sources = sources;
    this.targets = targets;
    this.sampleSizes = sampleSizes;
    this.ragged = ragged;
  }

  /** Pairs every input of the model with the data set's column of the same name and spec. */
  static ModelBinding of(Dataset data, CompiledModel model) {
    Map<String, Tensor> inputs = model.inputs();
    Object[] sources = new Object[inputs.size()];
    Object[] targets = new Object[inputs.size()];
    int[] sampleSizes = new int[inputs.size()];
    Column[] ragged = new Column[inputs.size()];
    int i = 0;
    for (Tensor input : inputs.values()) {
      TensorSpec wanted = input.spec();
      if (!data.has(wanted.name())) {
        throw new DataException("the data has no column for " + wanted + " of model " + model.modelName()
            + "; it has: " + String.join(", ", data.columns()));
      }
      Column c = data.column(wanted.name());
      if (c.spec.dtype() != wanted.dtype() || !Arrays.equals(c.spec.shape(), wanted.shape())) {
        throw new DataException("the data's column " + c.spec + " does not fit " + wanted + " of model "
            + model.modelName());
      }
      sources[i] = c.data;
      targets[i] = dataOf(input);
      sampleSizes[i] = c.sampleSize;
      ragged[i] = c.offsets == null ? null : c;
      i++;
    }
    return new ModelBinding(model, data.size(), sources, targets, sampleSizes, ragged);
  }

  CompiledModel model() {
    return model;
  }

  /** Copies rows {@code order[from .. from + count)} of every column to the start of its buffer. */
  void fill(int[] order, int from, int count) {
    if (count < 0 || count > model.maxBatch()) {
      throw new IllegalArgumentException("count " + count + " is outside 0.." + model.maxBatch()
          + ", the batches model " + model.modelName() + " was built for");
    }
    if (from < 0 || from > order.length - count) {
      throw new IndexOutOfBoundsException("rows " + from + " .. " + (from + count) + " are outside the order's 0.."
          + order.length);
    }
    for (int i = from; i < from + count; i++) {
      if (order[i] < 0 || order[i] >= rows) {
        throw new IndexOutOfBoundsException("order[" + i + "] = " + order[i] + " is not a row of the data: expected 0.."
            + (rows - 1));
      }
    }
    for (int c = 0; c < sources.length; c++) {
      Object source = sources[c];
      Object target = targets[c];
      int k = sampleSizes[c];
      if (ragged[c] != null) {
        fillRagged(ragged[c], order, from, count, target, k);
        continue;
      }
      for (int i = 0; i < count; i++) {
        System.arraycopy(source, order[from + i] * k, target, i * k, k);
      }
    }
  }

  /**
   * A ragged column's rows (i32 or f32): each row's own values, then its pad to the row's end. The pad is
   * k stores per row, next to the model's k · dim work per row of an embedding bag.
   */
  private static void fillRagged(Column column, int[] order, int from, int count, Object target, int k) {
    for (int i = 0; i < count; i++) {
      int row = order[from + i];
      int used = column.used(row);
      System.arraycopy(column.data, column.start(row), target, i * k, used);
      if (target instanceof int[] ints) {
        Arrays.fill(ints, i * k + used, (i + 1) * k, (int) column.pad);
      } else {
        Arrays.fill((float[]) target, i * k + used, (i + 1) * k, (float) column.pad);
      }
    }
  }

  private static Object dataOf(Tensor t) {
    return switch (t.spec().dtype()) {
      case F32 -> t.f32();
      case F64 -> t.f64();
      case I32 -> t.i32();
    };
  }
}
