package dev.adjoint.compiler.gradcheck;

import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.runs.IdLimits;
import dev.adjoint.data.IdLimit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random values for a model's inputs: Gaussian floats for features and uniform ones in
 * (0.1, 0.9) for float targets (probabilities and soft labels must be positive), rounded to
 * the input's precision (so that f32 code and the f64 interpreter read the same numbers),
 * and for i32 inputs valid
 * values: class indices below the class count, ids below the row count of the table they
 * pick from ({@link IdLimits}), 0 when nothing limits them.
 */
final class RandomData {
  private RandomData() {}

  static Map<String, F64Tensor> inputs(Graph model, Graph function, int batch, Random random) {
    Map<String, IdLimit> limits = IdLimits.of(model);
    Map<String, F64Tensor> out = new LinkedHashMap<>();
    for (Node input : function.inputs()) {
      int[] shape = input.shape().concrete(batch);
      int size = 1;
      for (int d : shape) {
        size *= d;
      }
      double[] values = new double[size];
      IdLimit limit = limits.get(input.sourceName());
      boolean target = input.attrs(Attrs.Input.class).target();
      for (int i = 0; i < size; i++) {
        double x = target ? 0.1 + 0.8 * random.nextDouble() : random.nextGaussian();
        values[i] = switch (input.dtype()) {
          case F32 -> (float) x;
          case F64 -> x;
          case I32 -> limit == null || limit.count() == 0 ? 0 : random.nextInt(limit.count());
        };
      }
      out.put(input.sourceName(), F64Tensor.of(shape, values));
    }
    return out;
  }
}
