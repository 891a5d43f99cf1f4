package dev.adjoint.data;

import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.TensorSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** Spec maps for tests, in the order given. */
final class Specs {
  static final int B = TensorSpec.BATCH;

  private Specs() {}

  static Map<String, TensorSpec> of(TensorSpec... specs) {
    Map<String, TensorSpec> out = new LinkedHashMap<>();
    for (TensorSpec s : specs) {
      out.put(s.name(), s);
    }
    return out;
  }

  static TensorSpec f32(String name, int... dims) {
    return new TensorSpec(name, DType.F32, batched(dims));
  }

  static TensorSpec f64(String name, int... dims) {
    return new TensorSpec(name, DType.F64, batched(dims));
  }

  static TensorSpec i32(String name, int... dims) {
    return new TensorSpec(name, DType.I32, batched(dims));
  }

  private static int[] batched(int... dims) {
    int[] shape = new int[dims.length + 1];
    shape[0] = B;
    System.arraycopy(dims, 0, shape, 1, dims.length);
    return shape;
  }
}
