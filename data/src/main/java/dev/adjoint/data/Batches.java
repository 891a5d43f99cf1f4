package dev.adjoint.data;

import dev.adjoint.runtime.model.CompiledModel;

/** Feeds a model: copies chosen rows of a data set into the model's input buffers. */
public final class Batches {
  private Batches() {}

  /**
   * Copies rows {@code order[from .. from + count)} of every column into the start of the
   * model's input buffer of the same name ({@link CompiledModel#input}), row-major, so that
   * a step on {@code count} samples reads them; the rest of each buffer is left as it was
   * (a last, partial batch has {@code count < maxBatch}). Columns the model does not read
   * are skipped. The names, dtypes and shapes are checked on the first call for a model;
   * later calls only copy and allocate nothing.
   *
   * @throws DataException when the data set lacks a column the model reads, or its shape differs
   */
  public static void fill(Dataset data, int[] order, int from, int count, CompiledModel model) {
    data.bindingFor(model).fill(order, from, count);
  }
}
