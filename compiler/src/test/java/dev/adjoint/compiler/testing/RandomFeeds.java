package dev.adjoint.compiler.testing;

import dev.adjoint.compiler.interp.F64Tensor;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Graph;
import dev.adjoint.compiler.ir.Node;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random inputs and parameters for any graph: Gaussian floats, class indices within the
 * class count, and ids in [-1, 10) for embeddings (-1 is padding; test tables have at
 * least 10 rows).
 */
public final class RandomFeeds {
  private RandomFeeds() {}

  public static Map<String, F64Tensor> inputs(Graph graph, int batch, Random random) {
    Map<String, F64Tensor> inputs = new LinkedHashMap<>();
    for (Node input : graph.inputs()) {
      inputs.put(input.sourceName(), input(input, batch, random));
    }
    return inputs;
  }

  /**
   * Gaussian parameters of standard deviation {@code scale}; convolution filters (rank 3 or
   * more) divide it by √fan-in, as their initializers do, so that a stack of convolutions
   * keeps its activations, and a softmax after it, within range.
   */
  public static Map<String, F64Tensor> params(Graph graph, Random random, double scale) {
    Map<String, F64Tensor> params = new LinkedHashMap<>();
    for (Node param : graph.params()) {
      int[] shape = param.shape().concrete(0);
      double std = scale;
      if (shape.length >= 3) {
        std /= Math.sqrt(size(shape) / (double) Math.max(1, shape[shape.length - 1]));
      }
      params.put(param.sourceName(), gaussian(shape, random, std));
    }
    return params;
  }

  public static F64Tensor input(Node input, int batch, Random random) {
    int[] shape = input.shape().concrete(batch);
    if (input.dtype() != ScalarType.I32) {
      return gaussian(shape, random, 1.0);
    }
    int classes = input.attrs(Attrs.Input.class).classes();
    double[] values = new double[size(shape)];
    for (int i = 0; i < values.length; i++) {
      values[i] = classes > 0 ? random.nextInt(classes) : random.nextInt(11) - 1;
    }
    return F64Tensor.of(shape, values);
  }

  public static F64Tensor gaussian(int[] shape, Random random, double scale) {
    double[] values = new double[size(shape)];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextGaussian() * scale;
    }
    return F64Tensor.of(shape, values);
  }

  private static int size(int[] shape) {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    return size;
  }
}
