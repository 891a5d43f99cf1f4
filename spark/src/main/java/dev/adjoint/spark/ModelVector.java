package dev.adjoint.spark;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's training state as one vector of doubles: its parameters, then its optimizer state,
 * then its states (running statistics), each group in the compiled class's order. What the
 * driver broadcasts, workers return and the driver averages, element by element.
 */
final class ModelVector {
  private ModelVector() {}

  private static List<Tensor> tensors(CompiledModel model) {
    List<Tensor> out = new ArrayList<>(model.params().values());
    out.addAll(model.optimizerState().values());
    out.addAll(model.states().values());
    return out;
  }

  /** The number of values. */
  static int size(CompiledModel model) {
    int n = 0;
    for (Tensor t : tensors(model)) {
      n += t.capacity();
    }
    return n;
  }

  /** The model's state, into {@code into} scaled by {@code weight} and added ({@code into += weight · state}). */
  static void addTo(CompiledModel model, double weight, double[] into) {
    int i = 0;
    for (Tensor t : tensors(model)) {
      for (int e = 0; e < t.capacity(); e++) {
        into[i++] += weight * t.get(e);
      }
    }
  }

  /** The model's state as a new vector. */
  static double[] of(CompiledModel model) {
    double[] v = new double[size(model)];
    addTo(model, 1, v);
    return v;
  }

  /** Sets the model's state from {@code values} (rounded to each tensor's type). */
  static void into(double[] values, CompiledModel model) {
    if (values.length != size(model)) {
      throw new IllegalArgumentException("a vector of " + values.length + " values for model " + model.modelName()
          + ", whose training state holds " + size(model));
    }
    int i = 0;
    for (Tensor t : tensors(model)) {
      for (int e = 0; e < t.capacity(); e++) {
        t.set(e, values[i++]);
      }
    }
  }
}
