package dev.adjoint.train;

import dev.adjoint.runtime.model.CompiledModel;

/** Rows to train or evaluate on: fills a model's input buffers with chosen rows. */
public interface BatchSource {

  /** The number of rows. */
  int size();

  /** Copies rows {@code order[from .. from + count)} into the model's inputs, without allocating. */
  void fill(int[] order, int from, int count, CompiledModel model);
}
