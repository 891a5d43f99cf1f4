package dev.adjoint.spark;

import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A part of a model's state as one vector of doubles, each group in the compiled class's
 * order: what the driver broadcasts, workers return and the driver averages, element by
 * element. {@link Part#TRAINING} is everything parameter averaging moves; {@link Part#WEIGHTS}
 * what a forward and backward pass reads; {@link Part#GRADIENTS} what one returns.
 */
final class ModelVector {
  /** Which tensors a vector holds. */
  enum Part {
    /** The parameters, then the optimizer state, then the states (running statistics). */
    TRAINING,
    /** The parameters, then the states. */
    WEIGHTS,
    /** Each parameter's gradient (in the parameters' order; those the class exposes), then the states. */
    GRADIENTS
  }

  private ModelVector() {}

  static List<Tensor> tensors(CompiledModel model, Part part) {
    List<Tensor> out = new ArrayList<>();
    if (part == Part.GRADIENTS) {
      for (String name : model.params().keySet()) {
        Tensor gradient = model.gradients().get(name);
        if (gradient != null) {
          out.add(gradient);
        }
      }
    } else {
      out.addAll(model.params().values());
    }
    if (part == Part.TRAINING) {
      out.addAll(model.optimizerState().values());
    }
    out.addAll(model.states().values());
    return out;
  }

  /** The number of values of the part. */
  static int size(CompiledModel model, Part part) {
    int n = 0;
    for (Tensor t : tensors(model, part)) {
      n += t.capacity();
    }
    return n;
  }

  /** The number of gradient values at the start of a {@link Part#GRADIENTS} vector. */
  static int gradientValues(CompiledModel model) {
    int n = 0;
    for (Tensor t : model.states().values()) {
      n += t.capacity();
    }
    return size(model, Part.GRADIENTS) - n;
  }

  /** The part, into {@code into} scaled by {@code weight} and added ({@code into += weight · part}). */
  private static void addTo(CompiledModel model, Part part, double weight, double[] into) {
    int i = 0;
    for (Tensor t : tensors(model, part)) {
      for (int e = 0; e < t.capacity(); e++) {
        into[i++] += weight * t.get(e);
      }
    }
  }

  /** The part as a new vector. */
  static double[] of(CompiledModel model, Part part) {
    double[] v = new double[size(model, part)];
    addTo(model, part, 1, v);
    return v;
  }

  /** Sets the part from {@code values} (rounded to each tensor's type). */
  static void into(double[] values, CompiledModel model, Part part) {
    if (values.length != size(model, part)) {
      throw new IllegalArgumentException("a vector of " + values.length + " values for model " + model.modelName()
          + ", whose " + part.name().toLowerCase(java.util.Locale.ROOT) + " hold " + size(model, part));
    }
    int i = 0;
    for (Tensor t : tensors(model, part)) {
      for (int e = 0; e < t.capacity(); e++) {
        t.set(e, values[i++]);
      }
    }
  }
}
