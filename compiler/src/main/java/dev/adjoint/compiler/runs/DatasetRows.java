package dev.adjoint.compiler.runs;

import dev.adjoint.data.Batches;
import dev.adjoint.data.Dataset;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.train.BatchSource;

/** A data set as the training loop's source of batches. */
public record DatasetRows(Dataset data) implements BatchSource {
  @Override
  public int size() {
    return data.size();
  }

  @Override
  public void fill(int[] order, int from, int count, CompiledModel model) {
    Batches.fill(data, order, from, count, model);
  }
}
