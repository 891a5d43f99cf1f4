package dev.adjoint.data;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;

/** A model with input buffers only, for feeding tests. */
final class FakeModel extends CompiledModel {
  FakeModel(int maxBatch, TensorSpec... inputs) {
    super(maxBatch);
    for (TensorSpec spec : inputs) {
      int n = spec.size(maxBatch);
      registerInput(spec, spec.dtype() == DType.F32 ? new float[n] : spec.dtype() == DType.F64 ? new double[n]
          : new int[n]);
    }
  }

  @Override
  public String modelName() {
    return "fake";
  }

  @Override
  public boolean hasLoss() {
    return false;
  }

  @Override
  public double trainStep(int batch) {
    throw noLoss();
  }

  @Override
  public double evaluate(int batch) {
    throw noLoss();
  }

  @Override
  public void predict(int batch) {}

  @Override
  public void initialize(long seed) {}
}
