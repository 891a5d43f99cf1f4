package dev.adjoint.runtime.checkpoint;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import dev.adjoint.runtime.model.TensorSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a model's tensors are named in a checkpoint: {@code param/<name>},
 * {@code optimizer/<param>/<slot>} and {@code state/<name>}, each with its static shape.
 */
final class ModelTensors {
  static final String PARAM = "param/";
  static final String OPTIMIZER = "optimizer/";
  static final String STATE = "state/";

  private ModelTensors() {
  }

  /** The model's tensors by checkpoint name, parameters first, then optimizer state, then state. */
  static Map<String, Tensor> of(CompiledModel model) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    model.params().forEach((name, t) -> out.put(PARAM + name, t));
    model.optimizerState().forEach((name, t) -> out.put(OPTIMIZER + name, t));
    model.states().forEach((name, t) -> out.put(STATE + name, t));
    return out;
  }

  /** The tensor's shape; parameters, optimizer state and state have no batch dimension. */
  static int[] shape(CompiledModel model, String name, Tensor t) {
    TensorSpec spec = t.spec();
    if (spec.batched()) {
      throw new IllegalStateException("model " + model.modelName() + ": " + describe(name) + " (" + spec
          + ") has a batch dimension; a checkpoint holds static shapes only");
    }
    if (t.capacity() < spec.size(1)) {
      throw new IllegalStateException("model " + model.modelName() + ": " + describe(name) + " (" + spec
          + ") is backed by an array of " + t.capacity() + " elements, fewer than its shape needs");
    }
    return spec.shape();
  }

  /** {@code parameter h.W}, {@code optimizer state h.W/m}, {@code state bn.mean}. */
  static String describe(String name) {
    if (name.startsWith(PARAM)) {
      return "parameter " + name.substring(PARAM.length());
    }
    if (name.startsWith(OPTIMIZER)) {
      return "optimizer state " + name.substring(OPTIMIZER.length());
    }
    if (name.startsWith(STATE)) {
      return "state " + name.substring(STATE.length());
    }
    return "tensor '" + name + "'";
  }
}
